"""The report carries the narrative: saved text where HQ saved one, else the draft, marked."""
from __future__ import annotations

import io

import openpyxl
import pytest

from pipeline.analysis import narrative as nar
from pipeline.report import build
from pipeline.texts import round as rtxt
from pipeline.warehouse import round as wround
from pipeline.warehouse.schema import connect
from tests import factories as f


@pytest.fixture()
def db(tmp_path):
    db = tmp_path / "w.duckdb"
    f.load_master(db)
    assert all(r.accepted for r in f.ingest_all(db, f.d01(2023), f.d01(2024), f.d02(2024)))
    with connect(db, write=True) as con:
        wround.save_narrative(con, 2024, wround.SCOPE_ALL, "policy:P2", "交通分野は編集済みです。", "hq1")
    return db


def test_report_data_has_saved_and_draft_paragraphs(db):
    report = build.build_report(db, 2024)
    assert report.narrative.overview.text == nar.draft_narrative(db, 2024).overview
    assert not report.narrative.overview.saved
    assert report.narrative.policies["P2"].text == "交通分野は編集済みです。"
    assert report.narrative.policies["P2"].saved


def test_xlsx_has_the_text_sheet_with_marks(db):
    wb = openpyxl.load_workbook(io.BytesIO(build.render(build.build_report(db, 2024), ".xlsx")))
    ws = wb[rtxt.SHEET_NARRATIVE]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == rtxt.NARRATIVE_SHEET_HEADERS
    by_title = {r[0]: r for r in rows[1:]}
    assert by_title[rtxt.OVERVIEW_TITLE][2] == rtxt.MARK_DRAFT
    p2 = next(r for t, r in by_title.items() if t.startswith("P2"))
    assert p2[1:4] == ("交通分野は編集済みです。", rtxt.MARK_SAVED, "hq1")


def test_pdf_prints_the_paragraphs(db):
    pytest.importorskip("pypdf")
    from pypdf import PdfReader
    from pipeline.report import pdf as report_pdf
    try:
        data = build.render(build.build_report(db, 2024), ".pdf")
    except report_pdf.ReportFontMissing:
        pytest.skip("Japanese fonts are not installed")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace("\n", "")
    assert "交通分野は編集済みです。" in text
    assert rtxt.MARK_SAVED in text and rtxt.MARK_DRAFT in text
