"""Reminder contents per incompleteness case, .eml files, the zip, sending with the audit
log, and the `remind` / `round` commands."""
from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from pipeline.cli import main as cli
from pipeline.notify import mail, reminders, smtp
from pipeline.texts import round as txt
from pipeline.warehouse import round as wround
from pipeline.warehouse.audit import audit_log
from pipeline.warehouse.schema import connect
from tests import factories as f
from tests.smtp_fixtures import PASSWORD, USER
from tests.round_fixtures import warehouse

TODAY = date(2025, 5, 20)


def _round(db, today=TODAY, **kw):
    with connect(db) as con:
        return reminders.build_round(con, 2024, today, **kw)


def _by_dept(batch):
    return {r.gaps.department_code: r for r in batch.reminders}


def _body(reminder):
    return mail.parse(reminder.as_bytes()).get_content().replace("\r\n", "\n")


def test_not_submitted_department_is_asked_for_the_workbook(tmp_path):
    db = warehouse(tmp_path)
    r = _by_dept(_round(db))["D01"]
    parsed = mail.parse(r.as_bytes())
    assert parsed["To"] == "d01@example.invalid"
    assert parsed["Subject"] == "【2024年度 取組状況報告】ご提出のお願い（提出期限 5月30日）"
    body = _body(r)
    assert body.startswith("ゼロカーボン推進戦略課　ご担当者様\n")
    assert "まだご提出を確認できておりません" in body
    assert "■ 提出期限: 2025年5月30日（金）" in body and "期限まで残り10日" in body
    assert "A001　住宅用太陽光発電設備補助" in body and "I01　太陽光発電導入容量" in body
    assert "「提出」ページ" in body
    assert "です。" in body and "である" not in body


def test_submitted_with_a_missing_action_names_only_that(tmp_path):
    db = warehouse(tmp_path, f.d01(2024, actions=[], indicators=[f.indicator_row("I01", 500)]))
    body = _body(_by_dept(_round(db))["D01"])
    assert "ご提出いただき、ありがとうございました" in body
    assert "■ 記入が漏れている項目" in body
    assert "取組実績シートの事業（1件）" in body and "A001" in body
    assert "指標実績" not in body


def test_submitted_with_an_unreported_indicator(tmp_path):
    db = warehouse(tmp_path, f.d01(2024, indicators=[f.indicator_row("I01", "未把握")]))
    r = _by_dept(_round(db))["D01"]
    assert r.message["Subject"].startswith("【2024年度 取組状況報告】記入漏れのご確認のお願い")
    body = _body(r)
    assert "指標実績シートの実績値（1件）" in body and "I01　太陽光発電導入容量" in body
    assert "取組実績シート" not in body


def test_facilities_without_energy_data_are_named(tmp_path):
    db = warehouse(tmp_path, f.d01(2024, indicators=[f.indicator_row("I01", 500)]))
    from tests.analysis.test_completeness import fake_inventory
    fake_inventory(db)
    body = _body(_by_dept(_round(db))["D01"])
    assert "エネルギー使用量シートの施設（1件）" in body and "F3　市民会館" in body


def test_complete_department_gets_no_reminder(tmp_path):
    db = warehouse(tmp_path, f.d01(2024, indicators=[f.indicator_row("I01", 500)]))
    assert set(_by_dept(_round(db))) == {"D02"}


def test_overdue_deadline_says_so(tmp_path):
    db = warehouse(tmp_path)
    body = _body(_by_dept(_round(db, today=date(2025, 6, 3)))["D01"])
    assert "期限から4日が過ぎています" in body


def test_department_without_email_is_listed_not_skipped(tmp_path):
    db = warehouse(tmp_path)
    batch = _round(db)
    assert [g.department_code for g in batch.without_email] == ["D02"]
    assert "D02" in _by_dept(batch) and _by_dept(batch)["D02"].message["To"] is None
    assert [r.gaps.department_code for r in batch.addressed] == ["D01"]


def test_one_department(tmp_path):
    db = warehouse(tmp_path)
    assert set(_by_dept(_round(db, department="D02"))) == {"D02"}
    import zipfile as z, io as i
    data = reminders.reminder_zip(db, 2024, TODAY, department="D01")
    assert z.ZipFile(i.BytesIO(data)).namelist() == ["2024_D01.eml"]


def test_priority_scope(tmp_path):
    db = warehouse(tmp_path)
    assert set(_by_dept(_round(db, priority=True))) == {"D01"}


def test_no_deadline_is_refused(tmp_path):
    db = warehouse(tmp_path, deadline=None)
    with pytest.raises(reminders.NoDeadline, match="提出期限が設定されていない"):
        _round(db)


def test_template_url_from_the_app_address(tmp_path, monkeypatch):
    monkeypatch.setenv(reminders.ENV_APP_URL, "https://pdca.city.example.invalid/")
    db = warehouse(tmp_path)
    assert "https://pdca.city.example.invalid/upload" in _body(_by_dept(_round(db))["D01"])


def test_write_eml_and_zip(tmp_path):
    db = warehouse(tmp_path)
    batch = _round(db)
    paths = reminders.write_eml(batch, tmp_path / "out" / "new")
    assert [p.name for p in paths] == ["2024_D01.eml", "2024_D02.eml"]
    raw = paths[0].read_bytes()
    assert b"\r\n" in raw and raw.isascii()           # RFC 5322 line ends, encoded headers/body
    # a later round: D01 has submitted everything, so its old reminder goes
    (tmp_path / "out" / "new" / "2023_D01.eml").write_bytes(b"other FY")
    assert all(r.accepted for r in f.ingest_all(db, f.d01(2024, indicators=[f.indicator_row("I01", 5)])))
    again = reminders.write_eml(_round(db), tmp_path / "out" / "new")
    assert sorted(p.name for p in (tmp_path / "out" / "new").iterdir()) == \
        ["2023_D01.eml", "2024_D02.eml"] and [p.name for p in again] == ["2024_D02.eml"]
    with zipfile.ZipFile(io.BytesIO(reminders.zip_bytes(batch))) as z:
        assert z.namelist() == ["2024_D01.eml", "2024_D02.eml"]


def test_send_round_audits_each_message(tmp_path, smtp_server):
    port, inbox = smtp_server
    db = warehouse(tmp_path)
    conf = smtp.SmtpConfig("127.0.0.1", port, USER, PASSWORD, False, "hq@example.invalid")
    with connect(db) as con:
        batch = reminders.build_round(con, 2024, TODAY, sender=conf.sender)
    results = reminders.send_round(db, batch, conf, "hq1")
    assert [(r.gaps.department_code, d.sent) for r, d in results] == [("D01", True)]
    assert [m[1] for m in inbox.messages] == [["d01@example.invalid"]]
    assert inbox.messages[0][0] == "hq@example.invalid"
    with connect(db) as con:
        log = audit_log(con, actions=["reminder_sent"])
    assert list(log["actor"]) == ["hq1"] and list(log["target"]) == ["d01@example.invalid"]
    assert "department_code=D01" in log["detail"].iloc[0]
