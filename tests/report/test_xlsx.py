"""The XLSX report: sheets, headers, number formats and widths; values equal to the views."""
from __future__ import annotations

import io

import openpyxl
import pytest

from pipeline import council
from pipeline.report import build as report
from pipeline.texts import report as txt
from pipeline.warehouse.schema import connect

FY = 2024


@pytest.fixture(scope="module")
def book(report_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("xlsx") / "report.xlsx"
    report.write_report(report_db, FY, out)
    return openpyxl.load_workbook(io.BytesIO(out.read_bytes()))


def _rows(ws):
    header = [c.value for c in ws[1]]
    return header, [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]


def test_sheets_and_layout(book):
    from pipeline.texts import round as rtxt
    from pipeline.texts import operations as otxt
    assert book.sheetnames == [txt.SHEET_SUMMARY, rtxt.SHEET_NARRATIVE, txt.SHEET_EMISSIONS, txt.SHEET_POLICIES,
                               txt.SHEET_INDICATORS, txt.SHEET_ACTIONS, txt.SHEET_PARTNERS,
                               otxt.REPORT_SHEET_TOTALS, otxt.REPORT_SHEET_ACTIVITY, otxt.REPORT_SHEET_CHANGE,
                               otxt.REPORT_SHEET_FACTORS, txt.SHEET_COUNCIL, txt.SHEET_SOURCES]
    ws = book[txt.SHEET_INDICATORS]
    header, _ = _rows(ws)
    assert txt.COL["attainment_pct"] in header and txt.COL["actual_value"] in header
    col = header.index(txt.COL["attainment_pct"]) + 1
    assert ws.cell(2, col).number_format == "0.0"
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["E"].width >= 30   # indicator names are wide


def test_indicator_sheet_equals_view(book, report_db):
    _, rows = _rows(book[txt.SHEET_INDICATORS])
    with connect(report_db) as con:
        view = {r[0]: r[1:] for r in con.execute(
            "SELECT indicator_code, actual_value, attainment_pct, status FROM v_indicator_attainment "
            "WHERE fiscal_year = ?", [FY]).fetchall()}
    assert {r[txt.COL["indicator_code"]] for r in rows} == set(view)
    for r in rows:
        actual, pct, status = view[r[txt.COL["indicator_code"]]]
        assert r[txt.COL["status"]] == status
        assert r[txt.COL["actual_value"]] == (pytest.approx(actual) if actual is not None else None)
        assert r[txt.COL["attainment_pct"]] == (pytest.approx(pct) if pct is not None else None)


def test_action_and_partner_sheets_equal_views(book, report_db):
    _, actions = _rows(book[txt.SHEET_ACTIONS])
    _, partners = _rows(book[txt.SHEET_PARTNERS])
    with connect(report_db) as con:
        stages = dict(con.execute("SELECT action_code, stages FROM v_pdca_status WHERE fiscal_year = ?",
                                  [FY]).fetchall())
        n_partners, participants = con.execute(
            "SELECT count(*), sum(participants) FROM v_stakeholder_contributions WHERE fiscal_year = ?",
            [FY]).fetchone()
    assert {r[txt.COL["action_code"]]: r[txt.COL["stages"]] for r in actions} == stages
    assert len(partners) == n_partners
    assert sum(r[txt.COL["participants"]] or 0 for r in partners) == participants


def test_summary_and_council_sheets(book, report_db):
    ws = book[txt.SHEET_SUMMARY]
    items = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(4, ws.max_row + 1)}
    with connect(report_db) as con:
        complete = con.execute("SELECT count(*) FILTER (WHERE stages = 4) FROM v_pdca_status "
                               "WHERE fiscal_year = ?", [FY]).fetchone()[0]
    assert items[txt.L_COMPLETE] == complete
    _, opinions = _rows(book[txt.SHEET_COUNCIL])
    expected = council.public_opinions(report_db, FY - 1)["opinion_text"].tolist()   # published: demo's + the test's
    assert sorted(o[txt.COL["opinion_text"]] for o in opinions) == sorted(expected)
    assert "再エネ導入の進捗を部門別に示すこと" in expected
