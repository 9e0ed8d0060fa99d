"""AppTest of the round's controls on the 提出状況 page (deadline, gaps, reminders) and of the
narrative editor on the 年次報告書 page."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipeline.access import auth
from pipeline.analysis import narrative as nar
from pipeline.dashboard.sign_in import SESSION_USER
from pipeline.texts import round as rtxt
from pipeline.warehouse import round as wround
from pipeline.warehouse.audit import audit_log
from pipeline.warehouse.schema import connect
from tests import factories as f
from tests.round_fixtures import warehouse
from tests.smtp_fixtures import smtp_server  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[2]
STATUS_PAGE = ROOT / "pages" / "submission_status.py"
REPORT_PAGE = ROOT / "pages" / "report.py"


@pytest.fixture()
def db(tmp_path, monkeypatch):
    db = warehouse(tmp_path, f.d01(2024), deadline=None)
    auth.add_account(db, "hq1", "password-hq1", auth.ROLE_HQ)
    auth.add_account(db, "dept1", "password-d1", auth.ROLE_DEPARTMENT, department_code="D01")
    monkeypatch.setenv("PDCA_DB", str(db))
    monkeypatch.chdir(tmp_path)                       # no .streamlit/secrets.toml
    for key in ("HOST", "PORT", "USER", "PASSWORD", "STARTTLS", "FROM"):
        monkeypatch.delenv(f"PDCA_SMTP_{key}", raising=False)
    return db


def _page(path, user: str | None) -> AppTest:
    at = AppTest.from_file(str(path), default_timeout=90)
    if user:
        at.session_state[SESSION_USER] = user
    return at.run()


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_hq_sets_the_deadline_and_sees_what_is_missing(db):
    at = _page(STATUS_PAGE, "hq1")
    assert not at.exception, [e.value for e in at.exception]
    assert any("まだ設定されていません" in m.value for m in at.markdown)
    assert [i.value for i in at.info if i.value == rtxt.REMIND_NEEDS_DEADLINE]
    at.date_input(key="round_deadline").set_value(date(2025, 5, 30))
    _button(at, rtxt.DEADLINE_SAVE).click()
    at.run()
    assert not at.exception
    with connect(db) as con:
        assert wround.get_deadline(con, 2024).deadline == date(2025, 5, 30)
        assert list(audit_log(con, actions=["round_deadline"])["actor"]) == ["hq1"]
    assert any(rtxt.DEADLINE_SAVED == s.value for s in at.success)
    table = next(d for d in at.dataframe if "未報告の事業" in d.value.columns)
    rows = {r["所管課コード"]: r for r in table.value.to_dict("records")}
    assert rows["D01"]["状況"] == rtxt.SUBMITTED_INCOMPLETE
    assert rows["D01"]["実績値のない指標"] == "I01 太陽光発電導入容量"
    assert rows["D02"]["状況"].startswith("未提出（")
    assert rows["D02"]["連絡先メール"] == rtxt.NO_EMAIL
    # reminders: two departments, one without an address; no SMTP → download only
    assert any(rtxt.remind_count(2, 1) in m.value for m in at.markdown)
    assert any("D02 交通政策課" in w.value for w in at.warning)
    labels = [el.proto.label for el in at.get("download_button")]
    assert rtxt.REMIND_ZIP in labels
    assert any(rtxt.REMIND_NO_SMTP == i.value for i in at.info)


def test_viewer_sees_the_deadline_but_no_controls_or_addresses(db):
    with connect(db, write=True) as con:
        wround.set_deadline(con, 2024, date(2025, 5, 30), "hq1")
    for user in (None, "dept1"):
        at = _page(STATUS_PAGE, user)
        assert not at.exception
        assert any("2025年5月30日" in m.value for m in at.markdown)
        assert not [b for b in at.button if b.label == rtxt.DEADLINE_SAVE]
        table = next(d for d in at.dataframe if "未報告の事業" in d.value.columns)
        assert "連絡先メール" not in table.value.columns
        assert rtxt.REMIND_ZIP not in [el.proto.label for el in at.get("download_button")]


def test_hq_sends_through_the_configured_server(db, monkeypatch, smtp_server):
    from tests.smtp_fixtures import PASSWORD, USER
    port, inbox = smtp_server
    with connect(db, write=True) as con:
        wround.set_deadline(con, 2024, date(2025, 5, 30), "hq1")
    for key, value in {"HOST": "127.0.0.1", "PORT": str(port), "USER": USER, "PASSWORD": PASSWORD,
                       "FROM": "hq@example.invalid"}.items():
        monkeypatch.setenv(f"PDCA_SMTP_{key}", value)
    at = _page(STATUS_PAGE, "hq1")
    assert _button(at, rtxt.REMIND_SEND).disabled
    at.checkbox(key="round_send_confirm").check()
    at.run()
    _button(at, rtxt.REMIND_SEND).click()
    at.run()
    assert not at.exception
    assert [m[1] for m in inbox.messages] == [["d01@example.invalid"]]
    assert any(rtxt.sent_summary(1, 2) == w.value for w in at.warning)
    with connect(db) as con:
        assert list(audit_log(con, actions=["reminder_sent"])["target"]) == ["d01@example.invalid"]


def test_unreachable_server_is_reported_and_nothing_claimed_sent(db, monkeypatch):
    from tests.smtp_fixtures import free_port
    port = free_port()
    with connect(db, write=True) as con:
        wround.set_deadline(con, 2024, date(2025, 5, 30), "hq1")
    monkeypatch.setenv("PDCA_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PDCA_SMTP_PORT", str(port))
    at = _page(STATUS_PAGE, "hq1")
    at.checkbox(key="round_send_confirm").check()
    at.run()
    _button(at, rtxt.REMIND_SEND).click()
    at.run()
    assert any(f"127.0.0.1:{port}" in e.value for e in at.error)
    assert not at.success or all("送信しました" not in s.value for s in at.success)


def test_hq_edits_saves_and_resets_a_paragraph(db):
    at = _page(REPORT_PAGE, "hq1")
    assert not at.exception, [e.value for e in at.exception]
    key = "narr_2024_all_overview_0"
    draft = nar.draft_narrative(db, 2024).overview
    assert at.text_area(key=key).value == draft
    assert rtxt.DRAFT_CAPTION in [c.value for c in at.caption]
    at.text_area(key=key).input("概要を本部で書き直しました。")
    _button(at, rtxt.NARRATIVE_SAVE).click()
    at.run()
    assert not at.exception
    assert rtxt.NARRATIVE_SAVED in [s.value for s in at.success]
    saved = nar.narrative_for_report(db, 2024)
    assert saved.overview.text == "概要を本部で書き直しました。" and saved.overview.saved_by == "hq1"
    assert any(c.value.startswith(rtxt.MARK_SAVED + "（第1版、hq1、") for c in at.caption)
    new_key = "narr_2024_all_overview_1"
    assert at.text_area(key=new_key).value == "概要を本部で書き直しました。"
    next(b for b in at.button if b.key == f"draft_{new_key}").click()
    at.run()
    assert at.text_area(key=new_key).value == draft
    with connect(db) as con:
        assert list(audit_log(con, actions=["narrative_save"])["actor"]) == ["hq1"]


def test_empty_text_is_refused(db):
    at = _page(REPORT_PAGE, "hq1")
    at.text_area(key="narr_2024_all_overview_0").input("  ")
    _button(at, rtxt.NARRATIVE_SAVE).click()
    at.run()
    assert rtxt.EMPTY_TEXT in [e.value for e in at.error]
    assert not nar.narrative_for_report(db, 2024).overview.saved


def test_non_hq_reads_the_text_without_editing(db):
    at = _page(REPORT_PAGE, "dept1")
    assert not at.exception
    assert not at.text_area
    assert rtxt.NARRATIVE_HQ_ONLY in [c.value for c in at.caption]
    assert any(nar.draft_narrative(db, 2024).overview == m.value.replace("\\", "") for m in at.markdown)

