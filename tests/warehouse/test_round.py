"""The round's tables: 連絡先メール from the master, deadlines, versioned narrative texts."""
from __future__ import annotations

from datetime import date

from pipeline import load
from pipeline.ingest import contract as c
from pipeline.warehouse import round as wround
from pipeline.warehouse.audit import audit_log
from pipeline.warehouse.schema import connect
from tests import factories as f
from tests.round_fixtures import master_with_emails, warehouse


def test_master_contact_emails_are_stored_per_master_version(tmp_path):
    db = tmp_path / "w.duckdb"
    f.load_master(db, master_with_emails())
    with connect(db) as con:
        contacts = wround.department_contacts(con)
    emails = {k: (v if isinstance(v, str) else None)
              for k, v in zip(contacts["department_code"], contacts["email"])}
    assert emails == {"D01": "d01@example.invalid", "D02": None}


def test_a_master_without_the_column_still_loads(tmp_path):
    db = tmp_path / "w.duckdb"
    f.load_master(db)
    with connect(db) as con:
        assert wround.department_contacts(con)["email"].isna().all()


def test_a_bad_address_is_a_warning_with_its_cell(tmp_path):
    data = master_with_emails([{**f.DEPARTMENTS[0], c.COL_CONTACT_EMAIL: "誰か 宛"}, f.DEPARTMENTS[1]])
    result, master_id, _ = load.load_master_bytes(data, "m.xlsx", tmp_path / "w.duckdb")
    assert result.accepted and master_id == 1
    [problem] = result.problems
    assert problem.severity == "warning" and problem.sheet == c.MASTER_DEPARTMENTS
    assert problem.cell == "D2" and "メールアドレス" in problem.message


def test_deadline_replaced_and_audited(tmp_path):
    db = warehouse(tmp_path, deadline=date(2025, 5, 30))
    with connect(db, write=True) as con:
        wround.set_deadline(con, 2024, date(2025, 6, 6), "hq2")
        d = wround.get_deadline(con, 2024)
        log = audit_log(con, actions=["round_deadline"])
    assert (d.deadline, d.set_by) == (date(2025, 6, 6), "hq2")
    assert list(log["actor"]) == ["hq2", "hq1"]
    assert "previous=2025-05-30" in log["detail"].iloc[0]


def test_narrative_versions(tmp_path):
    db = warehouse(tmp_path)
    with connect(db, write=True) as con:
        assert wround.save_narrative(con, 2024, "all", "overview", "一版目です。", "hq1") == 1
        assert wround.save_narrative(con, 2024, "all", "overview", "二版目です。", "hq2") == 2
        assert wround.save_narrative(con, 2024, "all", "policy:P1", "方針です。", "hq1") == 1
        saved = wround.saved_narratives(con, 2024)
        versions = wround.narrative_versions(con, 2024, "all", "overview")
        assert wround.saved_narratives(con, 2024, "priority") == {}
        assert len(audit_log(con, actions=["narrative_save"])) == 3
    assert saved["overview"].text == "二版目です。" and saved["overview"].saved_by == "hq2"
    assert list(versions["version"]) == [2, 1]
