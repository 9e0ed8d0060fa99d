"""Council opinions: HQ-only audited writes, follow-up status, plan-level cycle, workbook import."""
from __future__ import annotations

from datetime import date

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


def test_display_shows_blanks_empty_and_dates_as_dates(db):
    council.add_opinion(db, 2023, txt.LEVEL_PLAN, None, "意見", HQ, source="市民",
                        received_on=date(2024, 10, 21))
    council.add_opinion(db, 2023, txt.LEVEL_PLAN, None, "もう一つ", HQ)
    shown = council.opinions_display(council.open_opinions(db))
    text = shown.astype(str).to_numpy().ravel().tolist()
    assert not {"None", "NaT", "nan", "<NA>"} & set(text)
    assert shown[txt.HEADERS["received_on"]].tolist() == ["2024-10-21", ""]
    short = council.opinions_display(council.open_opinions(db), council.SHORT_COLUMNS)
    assert list(short.columns) == [txt.HEADERS[k] for k in council.SHORT_COLUMNS]
    assert short[txt.HEADERS["target"]].tolist() == [txt.LEVEL_PLAN, txt.LEVEL_PLAN]


def test_cli_import(db, tmp_path):
    from pipeline.cli import main as cli
    path = tmp_path / "council.xlsx"
    path.write_bytes(_workbook([[2023, txt.LEVEL_PLAN, None, "CLIの意見", "対応", None, None, None]]))
    assert cli.main(["--db", str(db), "council", "import", str(path)]) == 0
    assert list(council.opinions(db)["opinion_text"]) == ["CLIの意見"]
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_workbook([[2023, "不明", None, "x", None, None, None, None]]))
    assert cli.main(["--db", str(db), "council", "import", str(bad)]) == 1



# --- opinions of citizens and businesses (issue 12) -------------------------------------

def _opinion_book(rows, headers=None, sheet=txt.SHEET):
    """A form-system-like export: its own column order, an extra personal column."""
    headers = headers or [txt.COL_REFERENCE, txt.COL_RECEIVED, "氏名", txt.COL_YEAR, txt.COL_SOURCE,
                          txt.COL_LEVEL, txt.COL_TARGET, txt.COL_OPINION, txt.COL_RESPONSE,
                          txt.COL_PUBLISHED]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(headers)
    for row in rows:
        ws.append(row)
    return f.to_bytes(wb)


def test_import_opinions_of_citizens_and_businesses(db):
    data = _opinion_book([
        ["F-001", dt.datetime(2024, 10, 3, 14, 5), "浦和 花子", "令和5年度", "市民", None, None,
         "公共施設の太陽光の発電量を公表してほしい", "施設別の発電量を報告書に掲載する", "○"],
        ["F-002", "2024/10/15", "大宮 商店", 2023, "事業者", "施策", "M11",
         "中小事業者向けの補助を拡充してほしい", None, None],
        [None, "2024年11月1日", None, 2023, "パブリックコメント", None, None, "目標の根拠を示すこと",
         "根拠資料を公開する", "×"],
    ])
    result = council.import_workbook(db, data, "form.xlsx", HQ)
    assert (result.accepted, result.added, result.updated) == (True, 3, 0), result.problems
    frame = council.opinions(db).set_index("opinion_text")
    citizen = frame.loc["公共施設の太陽光の発電量を公表してほしい"]
    assert (citizen["source"], bool(citizen["published"]), citizen["reference_no"], citizen["level"]) == \
        ("市民", True, "F-001", txt.LEVEL_PLAN)
    assert citizen["received_on"].date() == dt.date(2024, 10, 3)
    business = frame.loc["中小事業者向けの補助を拡充してほしい"]
    assert (business["source"], bool(business["published"]), business["target_name"]) == \
        ("事業者", False, "太陽光発電の導入促進")           # not published until HQ decides
    assert not bool(frame.loc["目標の根拠を示すこと", "published"])
    with connect(db) as con:                       # the personal column is not stored anywhere
        stored = con.execute("SELECT * FROM council_opinions").df().astype(str).to_string()
    assert "浦和" not in stored and "大宮 商店" not in stored
    public = council.public_opinions(db)
    assert list(public["opinion_text"]) == ["公共施設の太陽光の発電量を公表してほしい"]
    assert "recorded_by" not in public.columns and "response_by" not in public.columns
    # the same form number again updates (HQ decided to publish and answered)
    again = _opinion_book([["F-002", "2024/10/15", None, 2023, "事業者", "施策", "M11",
                            "中小事業者向けの補助を拡充してほしい", "次年度に補助枠を拡大する", "○"]])
    result = council.import_workbook(db, again, "form2.xlsx", HQ)
    assert (result.added, result.updated) == (0, 1)
    row = council.opinions(db).set_index("reference_no").loc["F-002"]
    assert (bool(row["published"]), row["response_text"]) == (True, "次年度に補助枠を拡大する")
    assert len(council.opinions(db)) == 3


def test_bad_opinion_workbook_names_every_cell_and_changes_nothing(db):
    data = _opinion_book([
        ["F-1", "2024/13/45", None, 2023, "市民", None, None, "意見A", None, "○"],
        ["F-2", "2024/10/1", None, 2023, "町内会", None, None, "意見B", None, None],
        ["F-3", "2024/10/1", None, 2023, "事業者", None, None, "意見C", None, "たぶん"],
        ["F-4", "2024/10/1", None, 2023, "事業者", "事業", "A999", "意見D", None, None],
        ["F-5", "2024/10/1", None, None, "事業者", None, None, "意見E", None, None],
        ["F-6", "2024/10/1", None, 2023, "市民", None, None, None, None, None],
    ])
    result = council.import_workbook(db, data, "bad.xlsx", HQ)
    assert not result.accepted
    cells = {p.cell for p in result.problems}
    assert {"B2", "E3", "J4", "G5", "D6", "H7"} <= cells, [(p.cell, p.message) for p in result.problems]
    assert all(p.sheet == txt.SHEET for p in result.problems)
    by_cell = {p.cell: p.message for p in result.problems}
    assert "受付日" in by_cell["B2"] and "町内会" in by_cell["E3"] and "○" in by_cell["J4"]
    assert council.opinions(db).empty


def test_opinion_workbook_without_the_sheet_is_rejected(db):
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    result = council.import_workbook(db, f.to_bytes(wb), "x.xlsx", HQ)
    assert not result.accepted and result.problems[0].sheet == txt.SHEET
    assert result.problems[0].cell is None
    result = council.import_workbook(db, b"not a workbook", "x.xlsx", HQ)
    assert not result.accepted


def test_legacy_council_sheet_still_imports(db):
    data = _opinion_book([[2023, txt.LEVEL_PLAN, None, "旧様式の意見", "対応", None, None, None]],
                         headers=[txt.COL_YEAR, txt.COL_LEVEL, txt.COL_TARGET, txt.COL_OPINION,
                                  txt.COL_RESPONSE, txt.COL_STATUS, txt.COL_STATUS_YEAR, txt.COL_NOTE],
                         sheet=txt.LEGACY_SHEET)
    result = council.import_workbook(db, data, "legacy.xlsx", HQ)
    assert result.accepted and result.added == 1
    row = council.opinions(db).iloc[0]
    assert (row["source"], bool(row["published"])) == ("環境審議会", True)


def test_template_has_every_column_and_a_howto_sheet():
    wb = openpyxl.load_workbook(io.BytesIO(council.council_template()))
    assert wb.sheetnames == [txt.SHEET, txt.HOWTO_SHEET]
    headers = [c.value for c in wb[txt.SHEET][1]]
    assert headers == list(council.OPINION_SHEET.headers)
    assert headers[:8] == [txt.COL_YEAR, txt.COL_LEVEL, txt.COL_TARGET, txt.COL_OPINION,
                           txt.COL_RESPONSE, txt.COL_STATUS, txt.COL_STATUS_YEAR, txt.COL_NOTE]


def test_publish_flag_sources_and_report(db):
    with pytest.raises(council.CouncilError):
        council.add_opinion(db, 2023, txt.LEVEL_PLAN, None, "x", HQ, source="町内会")
    oid = council.add_opinion(db, 2023, txt.LEVEL_PLAN, None, "市民の声", HQ, source="市民",
                              response_text="対応する")
    assert report.council_for_report(db, 2024).empty             # not published yet
    with pytest.raises(auth.AccessDenied):
        council.set_published(db, oid, True, DEPT)
    council.set_published(db, oid, True, HQ)
    carried = report.council_for_report(db, 2024)
    assert list(carried["source"]) == ["市民"] and list(carried["response_text"]) == ["対応する"]
    with connect(db) as con:
        assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'council_publish'").fetchone()[0] == 1
    # a citizen's opinion does not mark the council's review as done
    assert not council.plan_cycle_status(db, 2023).reviewed
    council.set_published(db, oid, False, HQ)
    assert report.council_for_report(db, 2024).empty
    with pytest.raises(council.CouncilError):
        council.set_published(db, 999, True, HQ)


def test_parse_date_and_published():
    assert council.parse_date("２０２４年１０月３日") == dt.date(2024, 10, 3)
    assert council.parse_date("2024-10-03") == dt.date(2024, 10, 3)
    assert council.parse_date("2024-10-03 14:05:00") == dt.date(2024, 10, 3)
    assert council.parse_date(" ") is None
    for bad in ("2024/13/1", "昨日", "2024"):
        with pytest.raises(ValueError):
            council.parse_date(bad)
    assert [council.parse_published(v) for v in ("○", "〇", "×", "", None, "公表")] == \
        [True, True, False, None, None, True]
    with pytest.raises(ValueError):
        council.parse_published("?")


def test_latest_opinion_year(db):
    assert council.latest_opinion_year(db) is None
    council.add_opinion(db, 2023, txt.LEVEL_PLAN, None, "意見", HQ)
    assert council.latest_opinion_year(db) == 2023
