"""Council opinions: HQ-only audited writes, follow-up status, plan-level cycle, workbook import."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from pipeline.access import auth
from pipeline import council
from pipeline.report import build as report
from pipeline.texts import council as txt
from pipeline.warehouse.schema import connect
from tests import factories as f

HQ = auth.User("hq1", auth.ROLE_HQ)
DEPT = auth.User("dept1", auth.ROLE_DEPARTMENT, "D01")


@pytest.fixture()
def db(tmp_path):
    db = tmp_path / "w.duckdb"
    f.load_master(db)
    assert all(r.accepted for r in f.ingest_all(db, f.d01(2023), f.d01(2024)))
    return db


def test_non_hq_cannot_write(db):
    for user in (None, DEPT, auth.User("v", auth.ROLE_VIEWER)):
        with pytest.raises(auth.AccessDenied):
            council.add_opinion(db, 2023, txt.LEVEL_PLAN, None, "意見", user)
    oid = council.add_opinion(db, 2023, txt.LEVEL_PLAN, None, "意見", HQ)
    with pytest.raises(auth.AccessDenied):
        council.set_response(db, oid, "対応", DEPT)
    with pytest.raises(auth.AccessDenied):
        council.set_status(db, oid, txt.STATUS_DONE, 2024, DEPT)
    with pytest.raises(auth.AccessDenied):
        council.import_workbook(db, council.council_template(), "x.xlsx", DEPT)
    assert len(council.opinions(db)) == 1


def test_targets_are_checked(db):
    with pytest.raises(council.CouncilError):
        council.add_opinion(db, 2023, txt.LEVEL_ACTION, "A999", "意見", HQ)
    with pytest.raises(council.CouncilError):
        council.add_opinion(db, 2023, txt.LEVEL_POLICY, None, "意見", HQ)
    with pytest.raises(council.CouncilError):
        council.add_opinion(db, 2023, txt.LEVEL_PLAN, None, "  ", HQ)
    oid = council.add_opinion(db, 2023, txt.LEVEL_MEASURE, "M11", "太陽光の目標を見直すこと", HQ)
    row = council.opinions(db).iloc[0]
    assert (row["opinion_id"], row["target_code"], row["target_name"], row["status"]) == \
        (oid, "M11", "太陽光発電の導入促進", txt.STATUS_OPEN)


def test_cycle_and_open_opinions(db):
    assert council.plan_cycle_status(db, 2023).steps == dict.fromkeys(txt.CYCLE_STEPS, False)
    council.record_cycle(db, 2023, published=dt.date(2024, 9, 1), user=HQ)
    a = council.add_opinion(db, 2023, txt.LEVEL_PLAN, None, "意見A", HQ)
    b = council.add_opinion(db, 2023, txt.LEVEL_ACTION, "A001", "意見B", HQ, response_text="対応B")
    s = council.plan_cycle_status(db, 2023)
    assert (s.published, s.reviewed, s.responses_decided, s.responses_carried_out) == (True, True, False, False)
    council.set_response(db, a, "対応A", HQ)
    council.set_status(db, a, txt.STATUS_DONE, 2024, HQ)
    council.set_status(db, b, txt.STATUS_IN_PROGRESS, 2024, HQ)
    s = council.plan_cycle_status(db, 2023)
    assert (s.responses_decided, s.responses_carried_out, s.opinions, s.done, s.open) == (True, False, 2, 1, 1)
    assert list(council.open_opinions(db)["opinion_id"]) == [b]
    council.set_status(db, b, txt.STATUS_DONE, 2025, HQ)
    assert council.plan_cycle_status(db, 2023).responses_carried_out
    assert council.open_opinions(db).empty
    with pytest.raises(council.CouncilError):      # follow-up must be in a later FY
        council.set_status(db, b, txt.STATUS_DONE, 2023, HQ)
    table = council.plan_cycle_table(db, [2023, 2024])
    assert list(table[txt.STEP_CARRIED_OUT]) == [True, False]


def test_writes_are_audited(db):
    oid = council.add_opinion(db, 2023, txt.LEVEL_PLAN, None, "意見", HQ)
    council.set_response(db, oid, "対応", HQ)
    council.set_status(db, oid, txt.STATUS_IN_PROGRESS, 2024, HQ)
    with connect(db) as con:
        rows = con.execute("SELECT actor, action FROM audit_log WHERE action LIKE 'council%' "
                           "ORDER BY event_id").fetchall()
    assert rows == [("hq1", "council_opinion"), ("hq1", "council_response"), ("hq1", "council_status")]


def _workbook(rows):
    wb = openpyxl.load_workbook(io.BytesIO(council.council_template()))
    ws = wb[txt.SHEET]
    for row in rows:
        ws.append(row)
    return f.to_bytes(wb)


def test_import_workbook_whole_or_nothing(db):
    bad = _workbook([[2023, txt.LEVEL_PLAN, None, "意見1", "対応1", None, None, None],
                     [2023, txt.LEVEL_ACTION, "A999", "意見2", None, None, None, None]])
    result = council.import_workbook(db, bad, "bad.xlsx", HQ)
    assert not result.accepted and result.problems[0].cell == "C3"
    assert council.opinions(db).empty
    good = _workbook([["令和5年度", txt.LEVEL_PLAN, None, "意見1", "対応1", "対応中", None, None],
                      [2023, txt.LEVEL_ACTION, "A001", "意見2", None, None, None, None]])
    result = council.import_workbook(db, good, "good.xlsx", HQ)
    assert (result.accepted, result.added, result.updated) == (True, 2, 0)
    frame = council.opinions(db)
    assert list(frame["status"]) == [txt.STATUS_IN_PROGRESS, txt.STATUS_OPEN]
    assert frame["status_year"].iloc[0] == 2024
    again = _workbook([[2023, txt.LEVEL_PLAN, None, "意見1", "対応1", "対応済", 2025, None]])
    result = council.import_workbook(db, again, "again.xlsx", HQ)
    assert (result.added, result.updated) == (0, 1)
    assert council.opinions(db)["status"].iloc[0] == txt.STATUS_DONE


def test_opinions_appear_in_next_years_report(db):
    council.add_opinion(db, 2023, txt.LEVEL_PLAN, None, "前年度の意見", HQ, response_text="対応")
    council.add_opinion(db, 2024, txt.LEVEL_PLAN, None, "当年度の意見", HQ)
    carried = report.council_for_report(db, 2024)
    assert list(carried["opinion_text"]) == ["前年度の意見"]


def test_display_frames(db):
    council.add_opinion(db, 2023, txt.LEVEL_PLAN, None, "意見", HQ)
    shown = council.cycle_display(council.plan_cycle_table(db, [2023]))
    assert list(shown.columns) == [txt.CYCLE_YEAR, *txt.CYCLE_STEPS]
    assert list(shown.iloc[0]) == [2023, txt.CYCLE_NOT_DONE, txt.CYCLE_DONE, txt.CYCLE_NOT_DONE,
                                   txt.CYCLE_NOT_DONE]
    assert txt.HEADERS["opinion_text"] in council.opinions_display(council.open_opinions(db)).columns


def test_cli_import(db, tmp_path):
    from pipeline.cli import main as cli
    path = tmp_path / "council.xlsx"
    path.write_bytes(_workbook([[2023, txt.LEVEL_PLAN, None, "CLIの意見", "対応", None, None, None]]))
    assert cli.main(["--db", str(db), "council", "import", str(path)]) == 0
    assert list(council.opinions(db)["opinion_text"]) == ["CLIの意見"]
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_workbook([[2023, "不明", None, "x", None, None, None, None]]))
    assert cli.main(["--db", str(db), "council", "import", str(bad)]) == 1

