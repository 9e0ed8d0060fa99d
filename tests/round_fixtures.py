"""Warehouses for the HQ's yearly round tests (small master with contact e-mails)."""
from __future__ import annotations

from datetime import date

from pipeline.ingest import contract as c
from pipeline.warehouse import round as wround
from pipeline.warehouse.schema import connect
from tests import factories as f

DEPARTMENTS_WITH_EMAIL = [
    {**f.DEPARTMENTS[0], c.COL_CONTACT_EMAIL: "d01@example.invalid"},
    {**f.DEPARTMENTS[1]},                               # D02: no address
]


def master_with_emails(departments=None) -> bytes:
    return f.small_master(**{c.MASTER_DEPARTMENTS: departments or DEPARTMENTS_WITH_EMAIL})


def warehouse(tmp_path, *workbooks, deadline: date | None = date(2025, 5, 30), departments=None):
    db = tmp_path / "w.duckdb"
    f.load_master(db, master_with_emails(departments))
    if workbooks:
        assert all(r.accepted for r in f.ingest_all(db, *workbooks))
    if deadline is not None:
        with connect(db, write=True) as con:
            wround.set_deadline(con, 2024, deadline, "hq1")
    return db
