"""The upload page's server side: checks, commit, stale/busy handling, restore, originals."""
from __future__ import annotations

import io
import threading
from datetime import date

import openpyxl
import pytest

from pipeline.access import auth
from pipeline import load
from pipeline.access import uploads
from pipeline.ingest import contract as c
from pipeline.ingest import normalise
from pipeline.warehouse.schema import WarehouseBusy, connect
from tests import factories as f
from tests.upload_fixtures import (_template_warehouse, d01_workbook, d02_workbook, db,  # noqa: F401
                                   fast_hashing, user)


def submissions(db) -> list[tuple]:
    with connect(db) as con:
        return con.execute("SELECT submission_id, department_code, status, loaded_by FROM submissions "
                           "ORDER BY submission_id").fetchall()


def test_fiscal_year_helpers(db):
    assert normalise.fiscal_year_of(date(2025, 3, 31)) == 2024
    assert normalise.fiscal_year_of(date(2025, 4, 1)) == 2025
    years, default = uploads.fiscal_year_choices(db, today=date(2025, 6, 1))
    # The small master's earliest action starts in FY2021.
    assert years == [2025, 2024, 2023, 2022, 2021] and default == 2024


def test_departments_and_template_respect_the_role(db):
    hq, d1, viewer = user(db, "hq"), user(db, "d1"), user(db, "viewer")
    assert [code for code, _ in uploads.departments_for(db, hq)] == ["D01", "D02"]
    assert uploads.departments_for(db, d1) == [("D01", f.DEPARTMENTS[0][c.COL_DEPARTMENT_NAME])]
    with pytest.raises(auth.AccessDenied):
        uploads.departments_for(db, viewer)
    data = uploads.template_for(db, d1, "D01", 2023)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    codes = [row[0] for row in wb[c.SHEET_ACTIONS].iter_rows(min_row=3, values_only=True) if row[0]]
    assert codes == ["A001", "A002"]          # both D01 actions are active in FY2023
    with pytest.raises(auth.AccessDenied):
        uploads.template_for(db, d1, "D02", 2023)


def test_check_writes_nothing_and_previews(db):
    check = uploads.check_upload(db, user(db, "d1"), "v1.xlsx", d01_workbook(500), 2023)
    assert check.ok and check.diff.base_submission_id is None
    assert (check.department_code, check.fiscal_year) == ("D01", 2023)
    assert check.rows == {c.SHEET_ACTIONS: 2, c.SHEET_INDICATORS: 1, c.SHEET_PARTNERS: 0}
    assert submissions(db) == []


def test_invalid_workbook_reports_every_error_with_cell_and_value(db):
    bad = f.submission(2023, "D01", actions=[f.action_row("A001", COL_SELF_EVALUATION="Z"),
                                             f.action_row("A002", COL_IMPLEMENTATION="たぶん")])
    check = uploads.check_upload(db, user(db, "d1"), "bad.xlsx", bad, 2023)
    assert not check.ok and check.diff is None
    frame = uploads.problems_frame(check.errors)
    assert frame.columns.tolist() == ["シート", "セル", "入力値", "内容"]
    assert sorted(frame[["シート", "セル", "入力値"]].values.tolist()) == [
        [c.SHEET_ACTIONS, "C3", "たぶん"], [c.SHEET_ACTIONS, "G2", "Z"]]
    result = uploads.commit_upload(db, user(db, "d1"), "bad.xlsx", bad, 2023)
    assert result.status == uploads.REJECTED and submissions(db) == []


def test_department_account_cannot_upload_for_another_department(db):
    d1 = user(db, "d1")
    check = uploads.check_upload(db, d1, "d02.xlsx", d02_workbook(), 2023)
    assert not check.ok and "D02" in check.errors[0].message
    assert uploads.commit_upload(db, d1, "d02.xlsx", d02_workbook(), 2023).status == uploads.REJECTED
    assert submissions(db) == []
    # … even when the identical file is already stored (no "already stored" leak either).
    stored = d02_workbook()
    load.ingest_bytes([("d02.xlsx", stored)], db, loaded_by="d2")
    check = uploads.check_upload(db, d1, "d02.xlsx", stored, 2023)
    assert not check.noop and check.errors


def test_viewer_and_anonymous_cannot_upload(db):
    for who in (None, user(db, "viewer")):
        with pytest.raises(auth.AccessDenied):
            uploads.check_upload(db, who, "v1.xlsx", d01_workbook(), 2023)
        with pytest.raises(auth.AccessDenied):
            uploads.commit_upload(db, who, "v1.xlsx", d01_workbook(), 2023)
    assert submissions(db) == []


def test_hq_uploads_for_any_department(db):
    result = uploads.commit_upload(db, user(db, "hq"), "d02.xlsx", d02_workbook(), 2023)
    assert result.status == uploads.LOADED
    assert submissions(db) == [(result.submission_id, "D02", c.SUBMISSION_ACTIVE, "hq")]


def test_year_mismatch_and_size_limit_are_errors(db, monkeypatch):
    d1 = user(db, "d1")
    check = uploads.check_upload(db, d1, "v1.xlsx", d01_workbook(), 2024)
    assert not check.ok and "2023年度" in check.errors[0].message
    monkeypatch.setattr(c, "MAX_FILE_BYTES", 100)
    result = uploads.commit_upload(db, d1, "v1.xlsx", d01_workbook(), 2023)
    assert result.status == uploads.REJECTED and "上限" in result.check.errors[0].message
    assert submissions(db) == []


def test_commit_then_resubmit_supersedes_and_identical_is_noop(db):
    d1 = user(db, "d1")
    first = uploads.commit_upload(db, d1, "v1.xlsx", d01_workbook(500), 2023, expected_base=None)
    assert first.status == uploads.LOADED and str(first.submission_id) in first.message
    check = uploads.check_upload(db, d1, "v2.xlsx", d01_workbook(650), 2023)
    assert check.base_submission_id == first.submission_id
    v2 = d01_workbook(650)
    second = uploads.commit_upload(db, d1, "v2.xlsx", v2, 2023, expected_base=check.base_submission_id)
    assert second.status == uploads.LOADED and second.superseded == [first.submission_id]
    again = uploads.check_upload(db, d1, "copy.xlsx", v2, 2023)
    assert again.noop and again.existing_submission_id == second.submission_id and not again.ok
    assert uploads.commit_upload(db, d1, "copy.xlsx", v2, 2023).status == uploads.NOOP
    with connect(db) as con:
        value = con.execute("SELECT actual_value FROM v_indicator_attainment WHERE indicator_code = 'I01' "
                            "AND fiscal_year = 2023").fetchone()[0]
    assert value == 650


def test_stale_preview_is_refused_with_a_retry_message(db):
    d1, hq = user(db, "d1"), user(db, "hq")
    mine = uploads.check_upload(db, d1, "mine.xlsx", d01_workbook(500), 2023)
    uploads.commit_upload(db, hq, "theirs.xlsx", d01_workbook(999), 2023)     # lands meanwhile
    result = uploads.commit_upload(db, d1, "mine.xlsx", d01_workbook(500), 2023,
                                   expected_base=mine.base_submission_id)
    assert result.status == uploads.STALE and "もう一度" in result.message
    assert result.check.base_submission_id == 1             # the fresh preview to show
    assert [s[3] for s in submissions(db)] == ["hq"]


def test_busy_warehouse_gives_a_retry_message(db, monkeypatch):
    def busy(*args, **kwargs):
        raise WarehouseBusy("busy")
    monkeypatch.setattr(uploads.load, "ingest_bytes", busy)
    result = uploads.commit_upload(db, user(db, "d1"), "v1.xlsx", d01_workbook(), 2023)
    assert result.status == uploads.BUSY and "もう一度" in result.message


def test_two_sessions_uploading_at_once_both_land(db):
    d1, d2 = user(db, "d1"), user(db, "d2")
    results = {}
    start = threading.Barrier(2)

    def go(who, name, data):
        start.wait()
        results[name] = uploads.commit_upload(db, who, name, data, 2023, expected_base=None)

    threads = [threading.Thread(target=go, args=(d1, "a.xlsx", d01_workbook(500))),
               threading.Thread(target=go, args=(d2, "b.xlsx", d02_workbook(30)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert {r.status for r in results.values()} == {uploads.LOADED}
    assert sorted((s[1], s[2]) for s in submissions(db)) == [("D01", c.SUBMISSION_ACTIVE),
                                                           ("D02", c.SUBMISSION_ACTIVE)]
    with connect(db) as con:
        rows = dict(con.execute("SELECT s.department_code, count(*) FROM action_reports a "
                                "JOIN submissions s USING (submission_id) GROUP BY 1").fetchall())
    assert rows == {"D01": 2, "D02": 1}       # neither lost nor mixed


def test_restore_is_hq_only_and_audited(db):
    d1, hq = user(db, "d1"), user(db, "hq")
    uploads.commit_upload(db, d1, "v1.xlsx", d01_workbook(500), 2023)
    uploads.commit_upload(db, d1, "v2.xlsx", d01_workbook(650), 2023)
    with pytest.raises(auth.AccessDenied):
        uploads.restore_submission(db, d1, 1)
    assert [s[2] for s in submissions(db)] == [c.SUBMISSION_SUPERSEDED, c.SUBMISSION_ACTIVE]
    restored = uploads.restore_submission(db, hq, 1)
    assert restored.submission_id == 1
    assert [s[2] for s in submissions(db)] == [c.SUBMISSION_ACTIVE, c.SUBMISSION_SUPERSEDED]
    assert uploads.restore_submission(db, hq, 99) is None
    with connect(db) as con:
        actor, action = con.execute("SELECT actor, action FROM audit_log ORDER BY event_id DESC LIMIT 1"
                                    ).fetchone()
    assert (actor, action) == ("hq", "restore")


def test_original_file_download_rights(db):
    data = d02_workbook()
    uploads.commit_upload(db, user(db, "d2"), "b.xlsx", data, 2023)
    assert uploads.original_file(db, user(db, "d2"), 1) == ("b.xlsx", data)
    assert uploads.original_file(db, user(db, "hq"), 1) == ("b.xlsx", data)
    with pytest.raises(auth.AccessDenied):
        uploads.original_file(db, user(db, "d1"), 1)
    with pytest.raises(auth.AccessDenied):
        uploads.original_file(db, user(db, "viewer"), 1)
    assert uploads.original_file(db, user(db, "hq"), 42) is None


def test_master_load_is_hq_only_whole_or_nothing_and_audited(db):
    with pytest.raises(auth.AccessDenied):
        uploads.load_master(db, user(db, "d1"), "m.xlsx", f.small_master())
    broken = f.small_master(**{c.MASTER_ACTIONS: [dict(f.ACTIONS[0], **{c.COL_MEASURE_CODE: "M99"})]})
    bad = uploads.load_master(db, user(db, "hq"), "bad.xlsx", broken)
    assert bad.status == uploads.REJECTED and any("M99" in p.message for p in bad.errors)
    revised = f.small_master(**{c.MASTER_ACTIONS: f.ACTIONS[:1]})
    good = uploads.load_master(db, user(db, "hq"), "m2.xlsx", revised)
    assert (good.status, good.master_id) == (uploads.LOADED, 2)
    assert uploads.load_master(db, user(db, "hq"), "m2.xlsx", revised).status == uploads.NOOP
    with connect(db) as con:
        assert con.execute("SELECT count(*) FROM v_actions").fetchone()[0] == 1
        assert con.execute("SELECT actor, target FROM audit_log WHERE action = 'master' "
                           "ORDER BY event_id DESC").fetchone() == ("hq", "m2.xlsx")
