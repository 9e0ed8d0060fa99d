"""The annual report's 事務事業編 section: totals against the target per scope, by organisation
and activity, the decomposition and the factors' 出典 — in the report data, the PDF and the
XLSX — on the hand-computed warehouse of tests/analysis/test_operations.py; none for a master
without section 8; present on the demo."""
from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
import pytest

from pipeline.analysis import operations as ops
from pipeline.report import build
from pipeline.report import pdf as report_pdf
from pipeline.texts import operations as otxt
from pipeline.texts import report as rtxt
from tests import factories as f
from tests.analysis.test_operations import F001_2024, F002_2024, T2023, T2024, build as build_ops


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build_ops(tmp_path_factory.mktemp("ops_report") / "w.duckdb")


@pytest.fixture(scope="module")
def report(db):
    return build.build_report(db, 2024)


def _squash(text: str) -> str:
    return re.sub(r"[\s\x00]+", "", text)


def _pdf_text(report) -> str:
    pytest.importorskip("pypdf")
    from pypdf import PdfReader
    try:
        data = build.render(report, ".pdf")
    except report_pdf.ReportFontMissing:
        pytest.skip("Japanese fonts are not installed")
    return _squash("".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def _sheet(book, name) -> list[dict]:
    ws = book[name]
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]


def test_report_data_by_hand(report):
    section = report.operations
    assert section is not None and section.fiscal_year == 2024 and not section.provisional
    status = section.status
    assert status["organisation_name"].tolist() == [otxt.WHOLE_GOVERNMENT, "市長部局", "教育委員会"]
    assert status["t_co2"].tolist() == pytest.approx([T2024, F001_2024, F002_2024])
    assert status["target_t_co2"].tolist()[:2] == pytest.approx([50, 36])
    assert section.trend["fiscal_year"].tolist() == [2023, 2024]          # up to the report's FY
    assert set(section.history["fiscal_year"]) == {2023, 2024}
    table = section.activity_table
    assert table.columns.tolist() == ["activity", "市長部局", "教育委員会", otxt.TOTAL]
    assert table.set_index("activity").loc["電気"].tolist() == pytest.approx([4.56 + 8.8, 22.0, 35.36])
    assert table.set_index("activity").loc["都市ガス"].tolist() == pytest.approx([2.676, 0.0, 2.676])
    whole = section.changes.iloc[0]
    assert whole["organisation_name"] == otxt.WHOLE_GOVERNMENT
    assert whole["change_t"] == pytest.approx(T2024 - T2023)
    assert whole["usage_effect_t"] + whole["factor_effect_t"] == whole["change_t"]
    assert set(section.factors["factor_source"]) == {"告示", "施行令"}


def test_no_section_without_section_8(tmp_path):
    db = tmp_path / "v1.duckdb"
    f.load_master(db)
    f.ingest_all(db, f.d01(2024))
    report = build.build_report(db, 2024)
    assert report.operations is None
    book = openpyxl.load_workbook(io.BytesIO(build.render(report, ".xlsx")))
    assert otxt.REPORT_SHEET_TOTALS not in book.sheetnames
    assert _squash(otxt.REPORT_H_TOTALS) not in _pdf_text(report)


def test_no_section_for_a_year_without_energy_reports(db, tmp_path):
    import shutil
    copy = tmp_path / "w.duckdb"
    shutil.copy(db, copy)
    f.ingest_all(copy, f.d01(2026))
    assert build.build_report(copy, 2026).operations is None


def test_xlsx_sheets_equal_the_views(report):
    book = openpyxl.load_workbook(io.BytesIO(build.render(report, ".xlsx")))
    names = book.sheetnames
    assert names.index(otxt.REPORT_SHEET_TOTALS) < names.index(otxt.REPORT_SHEET_FACTORS) < names.index(
        rtxt.SHEET_COUNCIL)
    col = otxt.REPORT_COL
    totals = _sheet(book, otxt.REPORT_SHEET_TOTALS)
    whole_2024 = next(r for r in totals if r[col["fiscal_year"]] == 2024
                      and r[col["organisation_name"]] == otxt.WHOLE_GOVERNMENT)
    assert whole_2024[col["t_co2"]] == pytest.approx(T2024)                 # exact, formats round
    assert whole_2024[col["status"]] == "達成" and whole_2024[col["target_t_co2"]] == 50
    ws = book[otxt.REPORT_SHEET_TOTALS]
    t_col = [c.value for c in ws[1]].index(col["t_co2"]) + 1
    assert ws.cell(2, t_col).number_format == "#,##0.0" and ws.freeze_panes == "A2"
    activity = _sheet(book, otxt.REPORT_SHEET_ACTIVITY)
    assert {(r[col["organisation_name"]], r[col["activity"]]): r[col["t_co2"]] for r in activity} == {
        ("市長部局", "電気"): pytest.approx(13.36), ("市長部局", "都市ガス"): pytest.approx(2.676),
        ("教育委員会", "電気"): pytest.approx(22.0)}
    change = _sheet(book, otxt.REPORT_SHEET_CHANGE)
    assert change[0][col["change_t"]] == pytest.approx(T2024 - T2023)
    factors = _sheet(book, otxt.REPORT_SHEET_FACTORS)
    assert {(r[col["supplier"]], r[col["factor"]], r[col["factor_source"]]) for r in factors
            if r[col["activity"]] == "電気"} == {(None, 0.44, "告示"), ("A電力", 0.38, "告示"),
                                                ("B電力", 0.44, "告示")}


def test_pdf_shows_the_section(report):
    text = _pdf_text(report)
    for heading in (otxt.REPORT_H_TOTALS, otxt.REPORT_H_ACTIVITY, otxt.REPORT_H_CHANGE, otxt.REPORT_H_FACTORS):
        assert _squash(heading) in text, heading
    assert report_pdf.fmt_t(T2024) in text and report_pdf.fmt_t(F002_2024) in text
    assert otxt.report_year_value(2030, report_pdf.fmt_t(50)) in text
    assert report_pdf.fmt_signed_t(T2024 - T2023) in text
    assert "施行令" in text and "告示" in text


def test_provisional_year_is_marked(db):
    report = build.build_report(db, 2025)
    assert report.operations.provisional
    assert _squash(otxt.PROVISIONAL_NOTE) in _pdf_text(report)
    book = openpyxl.load_workbook(io.BytesIO(build.render(report, ".xlsx")))
    totals = _sheet(book, otxt.REPORT_SHEET_TOTALS)
    col = otxt.REPORT_COL
    marks = {(r[col["fiscal_year"]], r[col["organisation_name"]]): r[col["provisional_mark"]] for r in totals}
    assert marks[(2025, otxt.WHOLE_GOVERNMENT)] == otxt.PROVISIONAL and marks[(2024, otxt.WHOLE_GOVERNMENT)] is None


def test_demo_report_has_the_section(demo_db):
    report = build.build_report(demo_db, 2024)
    section = report.operations
    assert section is not None and len(section.status) == 4               # the whole and three organisations
    expected = ops.operations_status(demo_db, 2024)
    assert section.status["t_co2"].tolist() == pytest.approx(expected["t_co2"].tolist())
    totals = section.activity_table.drop(columns=["activity", otxt.TOTAL]).sum().sum()
    assert totals == pytest.approx(float(expected["t_co2"].iloc[0]))
    assert not pd.isna(section.changes["usage_effect_t"]).any()
