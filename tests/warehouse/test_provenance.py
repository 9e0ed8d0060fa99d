"""Every figure traces back to file, sheet, cell and submission."""
from __future__ import annotations

from pipeline.ingest import contract as c
from pipeline import load
from pipeline.warehouse import provenance
from pipeline.warehouse.schema import connect
from tests import factories as f
from tests.upload_fixtures import _template_warehouse, d01_workbook, db, fast_hashing  # noqa: F401

# factories.submission writes headers on row 1 and data from row 2, in contract column
# order: 事業コード is column A, 実績値 (third column of 指標実績) is column C.
PARTNERS = [{c.COL_ACTION_CODE: "A001", c.COL_STAKEHOLDER_TYPE: "市民"},
            {c.COL_ACTION_CODE: "A002", c.COL_STAKEHOLDER_TYPE: "事業者", c.COL_ORGANISATION: "X社"}]


def load_one(db, name, data):
    report = load.ingest_bytes([(name, data)], db, loaded_by="test")[0]
    assert report.accepted, report.errors
    return report.submission_id


def test_indicator_and_action_sources(db):
    sid = load_one(db, "v1.xlsx", d01_workbook(500, partners=PARTNERS))
    with connect(db) as con:
        ind = provenance.indicator_source(con, "I01", 2023)
        act = provenance.action_source(con, "A002", 2023)
        assert provenance.indicator_source(con, "I02", 2023) is None     # 未報告: no source
        assert provenance.action_source(con, "A003", 2023) is None       # D02 has not reported
    assert (ind.submission_id, ind.file_name, ind.location, ind.status, ind.loaded_by) == (
        sid, "v1.xlsx", f"{c.SHEET_INDICATORS}!C2", c.SUBMISSION_ACTIVE, "test")
    assert (act.file_name, act.location) == ("v1.xlsx", f"{c.SHEET_ACTIONS}!A3")
    assert len(ind.sha256) == 64


def test_sources_follow_the_active_version_and_old_rows_stay_traceable(db):
    first = load_one(db, "v1.xlsx", d01_workbook(500, partners=PARTNERS))
    second = load_one(db, "v2.xlsx", f.submission(2023, "D01", actions=[f.action_row("A001")],
                                              indicators=[{}, {c.COL_INDICATOR_CODE: "I01",
                                                               c.COL_ACTUAL_VALUE: 650}]))
    with connect(db) as con:
        ind = provenance.indicator_source(con, "I01", 2023)
        frame = provenance.sources_frame(con, 2023, provenance.KIND_INDICATOR)
        actions = provenance.sources_frame(con, 2023, provenance.KIND_ACTION, department_code="D01")
        partners = provenance.sources_frame(con, 2023, provenance.KIND_PARTNER)
        old_rows = provenance.submission_rows(con, first)
        years = provenance.source_years(con)
    # The blank first row of 指標実績 is skipped, so the value now sits in C3 of v2.
    assert (ind.submission_id, ind.file_name, ind.cell) == (second, "v2.xlsx", "C3")
    assert frame[["code", "value", "submission_id", "file_name", "sheet", "cell"]].values.tolist() == [
        ["I01", 650.0, second, "v2.xlsx", c.SHEET_INDICATORS, "C3"]]
    assert actions[["code", "file_name", "cell"]].values.tolist() == [["A001", "v2.xlsx", "A2"]]
    assert partners.empty                    # v2 has no partners; v1's are superseded
    assert old_rows[["sheet", "cell", "code"]].values.tolist() == [
        [c.SHEET_ACTIONS, "A2", "A001"], [c.SHEET_ACTIONS, "A3", "A002"],
        [c.SHEET_INDICATORS, "C2", "I01"],
        [c.SHEET_PARTNERS, "A2", "A001"], [c.SHEET_PARTNERS, "A3", "A002"]]
    assert old_rows.iloc[2]["detail"] == "2023 / 500.0"
    assert years == [2023]


def test_lagged_indicator_value_is_found_under_its_actual_year(db):
    sid = load_one(db, "lag.xlsx", f.submission(2023, "D01", actions=[f.action_row("A001")], indicators=[
        {c.COL_INDICATOR_CODE: "I01", c.COL_ACTUAL_VALUE: 300, c.COL_ACTUAL_YEAR: 2021}]))
    with connect(db) as con:
        assert provenance.indicator_source(con, "I01", 2023) is None
        assert provenance.indicator_source(con, "I01", 2021).submission_id == sid
        assert provenance.source_years(con) == [2023, 2021]
