"""pipeline.load: whole-or-nothing loading, versions, no-ops, bulk, archive, provenance (§4)."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from pipeline.ingest import contract as c
from pipeline import load
from pipeline.warehouse import store
from pipeline.warehouse.schema import connect
from tests import factories as f
from tests.factories import action_row, indicator_row, partner_row


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "w.duckdb"
    f.load_master(path)
    return path


def snapshot(db):
    with connect(db) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                for t in ("submissions", "action_reports", "indicator_values", "partner_rows", "archive")}


BAD = f.d01(2024, actions=[action_row("A001"), action_row("A001", COL_SELF_EVALUATION="Z")],
            indicators=[indicator_row("I01", 5), indicator_row("I99", 1)],
            partners=[partner_row("A001", "市民")])


def test_rejected_workbook_changes_nothing(db):
    f.ingest_all(db, f.d01(2023))
    before = snapshot(db)
    [r] = f.ingest_all(db, ("bad.xlsx", BAD))
    assert not r.accepted and r.submission_id is None
    assert snapshot(db) == before


def test_all_errors_at_once_with_sheet_cell_and_japanese(db):
    [r] = f.ingest_all(db, ("bad.xlsx", BAD))
    assert {p.location for p in r.errors} == {"取組実績!A3", "取組実績!G3", "指標実績!A3"}
    assert all(p.message and any("\u3040" <= ch <= "\u9fff" for ch in p.message) for p in r.errors)
    [r] = f.ingest_all(db, ("bad.xlsx", f.d01(2024, actions=[
        {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, action_row("A001", COL_SELF_EVALUATION="Z")])))
    assert [p.location for p in r.errors] == ["取組実績!G12"]
    assert r.to_json()["errors"] == [{"sheet": "取組実績", "cell": "G12", "message": r.errors[0].message}]


def test_warnings_do_not_reject(db):
    [r] = f.ingest_all(db, f.d01(2024, actions=[action_row("A001", COL_ACTION_NAME="別名")],
                                 indicators=[indicator_row("I01", "未把握")]))
    assert r.accepted and r.errors == [] and len(r.warnings) == 2
    with connect(db) as con:
        assert con.execute("SELECT warning_count FROM submissions").fetchone()[0] == 2
        # the master's name wins in the views; the reported one is kept for reference
        assert con.execute("SELECT action_name FROM v_pdca_status WHERE fiscal_year = 2024 "
                           "AND action_code = 'A001'").fetchone()[0] == "住宅用太陽光発電設備補助"
        assert con.execute("SELECT action_name_reported FROM action_reports").fetchone()[0] == "別名"


def test_resubmission_supersedes_and_identical_reload_is_noop(db):
    v1 = f.d01(2024)
    v2 = f.d01(2024, indicators=[indicator_row("I01", 700)])
    [r1] = f.ingest_all(db, ("v1.xlsx", v1))
    [r2] = f.ingest_all(db, ("v2.xlsx", v2))
    assert (r1.submission_id, r2.submission_id, r2.superseded, r2.noop) == (1, 2, [1], False)
    before = snapshot(db)
    # byte-identical to the active version, and to the superseded one: accepted, nothing changes
    for name, data, sid in (("again.xlsx", v2, 2), ("old.xlsx", v1, 1)):
        [r] = f.ingest_all(db, (name, data))
        assert (r.accepted, r.noop, r.submission_id) == (True, True, sid)
        assert (r.department_code, r.fiscal_year) == ("D01", 2024)
        assert r.rows == {c.SHEET_ACTIONS: 1, c.SHEET_INDICATORS: 1 if sid == 2 else 0, c.SHEET_PARTNERS: 0}
        assert r.summary == load.txt.noop(name, sid)
        assert snapshot(db) == before
    # restore is how the older version becomes active again
    with connect(db, write=True) as con:
        store.restore(con, 1, "admin")
        assert con.execute("SELECT submission_id, status FROM v_submissions ORDER BY 1").fetchall() == \
            [(1, "active"), (2, "superseded")]
        assert con.execute("SELECT count(*) FROM v_indicator_attainment WHERE actual_value = 700"
                           ).fetchone()[0] == 0


def test_noop_report_says_so(db):
    data = f.d01(2024)
    f.ingest_all(db, data)
    [r] = f.ingest_all(db, data)
    assert r.noop and r.to_json()["noop"] is True
    assert r.rows == {c.SHEET_ACTIONS: 1, c.SHEET_INDICATORS: 0, c.SHEET_PARTNERS: 0}
    assert r.summary == load.txt.noop("wb0.xlsx", 1)


def test_bulk_one_rejected_file_does_not_block_the_others(db):
    reports = f.ingest_all(db, ("a.xlsx", f.d01(2024)), ("bad.xlsx", BAD), ("b.xlsx", f.d02(2024)),
                           ("missing.xlsx", load.read_input(db.parent / "nope.xlsx")[1]))
    assert [r.accepted for r in reports] == [True, False, True, False]
    with connect(db) as con:
        assert con.execute("SELECT file_name FROM v_submissions ORDER BY 1").fetchall() == \
            [("a.xlsx",), ("b.xlsx",)]


def test_bulk_same_department_twice_keeps_the_last(db):
    reports = f.ingest_all(db, ("v1.xlsx", f.d01(2024)),
                           ("v2.xlsx", f.d01(2024, indicators=[indicator_row("I01", 9)])))
    assert [r.superseded for r in reports] == [[], [1]]
    with connect(db) as con:
        assert con.execute("SELECT file_name, status FROM v_submissions ORDER BY 1").fetchall() == \
            [("v1.xlsx", "superseded"), ("v2.xlsx", "active")]


def test_archive_by_sha256_holds_original_bytes(db):
    data = f.d01(2024, partners=[partner_row("A001", "国")])
    [r] = f.ingest_all(db, data)
    with connect(db) as con:
        sha = con.execute("SELECT sha256 FROM v_submissions WHERE submission_id = ?",
                          [r.submission_id]).fetchone()[0]
        assert sha == store.sha256_of(data)
        assert store.archived_file(con, sha) == data


def test_provenance_every_row_keeps_file_sheet_and_cell(db):
    data = f.d01(2024, title_rows=2, indicators=[indicator_row("I01", 5), indicator_row("I01", 4, 2023)],
                 partners=[partner_row("A001", "国")])
    f.ingest_all(db, ("prov.xlsx", data))
    with connect(db) as con:
        got = con.execute(
            "SELECT s.file_name, r.source_sheet, r.source_cell FROM action_reports r JOIN submissions s "
            "USING (submission_id)").fetchall()
        assert got == [("prov.xlsx", c.SHEET_ACTIONS, "A4")]
        assert con.execute("SELECT source_sheet, source_cell FROM indicator_values ORDER BY source_cell"
                           ).fetchall() == [(c.SHEET_INDICATORS, "C4"), (c.SHEET_INDICATORS, "C5")]
        assert con.execute("SELECT source_sheet, source_cell FROM partner_rows").fetchall() == \
            [(c.SHEET_PARTNERS, "A4")]
        assert con.execute("SELECT source_cell FROM v_indicator_attainment WHERE fiscal_year = 2023"
                           ).fetchall() == [("C5",)]
        assert con.execute("SELECT source_sheet, source_cell FROM v_pdca_status WHERE action_code = 'A001'"
                           ).fetchone() == (c.SHEET_ACTIONS, "A4")


def test_dry_run_writes_nothing(db):
    before = snapshot(db)
    [r] = f.ingest_all(db, f.d01(2024), dry_run=True)
    assert r.accepted and not r.noop and r.submission_id is None
    assert snapshot(db) == before


def test_allowed_department(db):
    [r] = f.ingest_all(db, f.d02(2024), allowed_department="D01")
    assert not r.accepted and r.errors[-1].sheet == c.SHEET_INFO


@pytest.mark.parametrize("make", ["missing", "directory", "too_large", "garbage", "empty"])
def test_bad_files_get_one_clear_error(db, tmp_path, make, monkeypatch):
    path = tmp_path / "input.xlsx"
    if make == "directory":
        path.mkdir()
    elif make == "too_large":
        monkeypatch.setattr(c, "MAX_FILE_BYTES", 100)
        path.write_bytes(f.d01(2024))
    elif make == "garbage":
        path.write_bytes(b"\x00\x01 garbage " * 100)
    elif make == "empty":
        path.write_bytes(b"")
    [r] = load.ingest_paths([path], db)
    assert not r.accepted and len(r.errors) == 1
    assert r.errors[0].cell is None and r.errors[0].message


def test_no_master_rejects_with_a_clear_error(tmp_path):
    [r] = f.ingest_all(tmp_path / "empty.duckdb", f.d01(2024))
    assert not r.accepted and len(r.errors) == 1 and r.errors[0].cell is None


def test_killed_ingest_leaves_nothing_half_loaded(db):
    """A process killed in the middle of a write: the workbook is absent, not half there."""
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(__import__('pathlib').Path(__file__).parent.parent)!r})
        from pipeline.warehouse import store
        from tests import factories as f
        real = store._insert
        def dying(con, table, frame):
            real(con, table, frame)
            if table == "action_reports":
                os._exit(9)            # killed after some rows are written, before COMMIT
        store._insert = dying
        f.ingest_all({str(db)!r}, f.d01(2024, indicators=[f.indicator_row("I01", 5)]))
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert proc.returncode == 9, proc.stderr.decode()
    with connect(db) as con:
        for table in ("submissions", "action_reports", "indicator_values"):
            assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    [r] = f.ingest_all(db, f.d01(2024))                     # and the warehouse still works
    assert r.accepted and r.submission_id == 1


def test_master_replaced_while_validating_is_rechecked(db, monkeypatch):
    """The plan changes between validation and the write: validate again, never load stale."""
    real_check = load.check
    calls = []

    def check_then_change_master(data, name, plan):
        result = real_check(data, name, plan)
        if not calls:
            ended = [dict(a) for a in f.ACTIONS]
            ended[0][c.COL_END_YEAR] = 2023                     # A001 no longer runs in FY2024
            f.load_master(db, f.small_master(**{c.MASTER_ACTIONS: ended}))
        calls.append(name)
        return result
    monkeypatch.setattr(load, "check", check_then_change_master)
    [r] = f.ingest_all(db, ("x.xlsx", f.d01(2024)))
    assert len(calls) == 2 and not r.accepted
    assert any("実施期間外" in p.message for p in r.errors)
