"""Reading the audit log and the submission history."""
from __future__ import annotations

from pipeline.warehouse import audit
from pipeline.access import auth
from pipeline import load
from pipeline.warehouse import store
from pipeline.ingest import contract as c
from pipeline.warehouse.schema import connect
from tests.upload_fixtures import (_template_warehouse, d01_workbook, d02_workbook, db,  # noqa: F401
                                   fast_hashing)


def test_every_kind_of_write_is_in_the_log_newest_first(db):
    load.ingest_bytes([("v1.xlsx", d01_workbook(500))], db, loaded_by="d1")
    load.ingest_bytes([("v2.xlsx", d01_workbook(600))], db, loaded_by="d1")
    with connect(db, write=True) as con:
        store.restore(con, 1, "hq")
    auth.remove_account(db, "viewer", actor="hq")
    with connect(db) as con:
        log = audit.audit_log(con)
        uploads_only = audit.audit_log(con, actions=["upload"])
        by_hq = audit.audit_log(con, actor="hq", limit=1)
    # The template warehouse holds 1 master load and 4 account additions.
    assert log["action"].tolist() == ["account", "restore", "upload", "upload", "account", "account",
                                      "account", "account", "master"]
    assert log["event_id"].tolist() == sorted(log["event_id"], reverse=True)
    assert log.iloc[1][["actor", "target"]].tolist() == ["hq", "v1.xlsx"]
    assert log.iloc[1]["detail"] == "submission_id=1, department_code=D01, fiscal_year=2023"
    assert log.iloc[0]["detail"] == "event=remove"
    assert uploads_only["target"].tolist() == ["v2.xlsx", "v1.xlsx"]
    assert by_hq["action"].tolist() == ["account"]
    assert set(audit.AUDIT_ACTIONS) == set(log["action"])


def test_history_lists_every_version_with_status(db):
    load.ingest_bytes([("v1.xlsx", d01_workbook(500))], db, loaded_by="d1")
    load.ingest_bytes([("v2.xlsx", d01_workbook(600))], db, loaded_by="hq")
    load.ingest_bytes([("b.xlsx", d02_workbook(30))], db, loaded_by="d2")
    with connect(db) as con:
        everything = audit.submission_history(con)
        d01 = audit.submission_history(con, "D01", 2023)
        none = audit.submission_history(con, fiscal_year=2021)
        departments, years = audit.history_filters(con)
    assert everything[["submission_id", "department_code", "status"]].values.tolist() == [
        [2, "D01", c.SUBMISSION_ACTIVE], [1, "D01", c.SUBMISSION_SUPERSEDED], [3, "D02", c.SUBMISSION_ACTIVE]]
    assert d01[["file_name", "loaded_by"]].values.tolist() == [["v2.xlsx", "hq"], ["v1.xlsx", "d1"]]
    assert all(len(s) == 64 for s in d01["sha256"])
    assert none.empty
    assert [code for code, _ in departments] == ["D01", "D02"] and years == [2023]
