"""The PDF report: A4, Japanese text extractable, headings and figures equal to the views."""
from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from pipeline.report import build as report
from pipeline.report import pdf as report_pdf
from pipeline.report.pdf import fmt_pct
from pipeline.texts import report as txt
from pipeline.warehouse.schema import connect

FY = 2024


def _squash(text: str) -> str:
    return re.sub(r"[\s\x00]+", "", text)


@pytest.fixture(scope="module")
def pdf(report_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf") / "report.pdf"
    report.write_report(report_db, FY, out)
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    pages = [_squash(p.extract_text()) for p in reader.pages]
    return reader, pages


def test_a4_with_cover_and_japanese_font(pdf):
    reader, pages = pdf
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert _squash(txt.TITLE) in pages[0] and _squash(txt.fy_label(FY)) in pages[0]
    assert "データ時点" in pages[0]
    from pipeline.texts import publication as ptxt
    assert _squash(ptxt.PRELIMINARY_LONG) in pages[0]        # FY2024 of the demo is not frozen
    fonts = {f["/BaseFont"] for p in reader.pages[:2]
             for f in p["/Resources"]["/Font"].get_object().values()}
    assert any("IPAPGothic" in str(name) or "NotoSansCJK" in str(name) for name in fonts), fonts


def test_headings_present(pdf, report_db):
    _, pages = pdf
    text = "".join(pages)
    for heading in (txt.H_SUMMARY, txt.H_EMISSIONS, txt.H_STATUS, txt.H_PDCA, txt.H_PARTNERS,
                    txt.H_INDICATORS, txt.H_ACTIONS, txt.H_PARTNER_LIST, txt.H_COUNCIL, txt.H_SOURCES):
        assert _squash(heading) in text, heading
    with connect(report_db) as con:
        policies = con.execute("SELECT policy_code, policy_name FROM v_policies ORDER BY sort_order").fetchall()
    for i, (code, name) in enumerate(policies, start=2):
        assert _squash(txt.policy_heading(i, code, name)) in text


def test_summary_figures_equal_views(pdf, report_db):
    _, pages = pdf
    summary = pages[1] + pages[2]          # the narrative's overview moves the tables onward
    with connect(report_db) as con:
        counts = dict(con.execute("SELECT status, count(*) FROM v_indicator_attainment "
                                  "WHERE fiscal_year = ? GROUP BY 1", [FY]).fetchall())
        complete, total = con.execute("SELECT count(*) FILTER (WHERE stages = 4), count(*) "
                                      "FROM v_pdca_status WHERE fiscal_year = ?", [FY]).fetchone()
        participants = con.execute("SELECT sum(participants) FROM v_stakeholder_contributions "
                                   "WHERE fiscal_year = ?", [FY]).fetchone()[0]
    for status in ("達成", "順調", "遅れ", "悪化", "未報告"):
        assert f"{status}{counts.get(status, 0)}" in summary, status
    assert f"{complete}/{total}" in summary
    assert f"{complete / total * 100:.1f}%" in summary
    assert f"{int(participants):,}" in summary


def test_attainment_values_equal_views(pdf, report_db):
    _, pages = pdf
    text = "".join(pages[2:])
    with connect(report_db) as con:
        rows = con.execute("SELECT indicator_code, attainment_pct, status FROM v_indicator_attainment "
                           "WHERE fiscal_year = ? AND attainment_pct IS NOT NULL", [FY]).fetchall()
    assert rows
    for code, pct, status in rows:
        assert f"{fmt_pct(pct)}{status}" in text, (code, pct, status)


def test_council_opinion_and_sources_in_report(pdf, report_db):
    _, pages = pdf
    text = "".join(pages)
    assert "再エネ導入の進捗を部門別に示すこと" in text
    assert "次年度報告書で部門別の内訳を掲載する" in text
    with connect(report_db) as con:
        files = [r[0] for r in con.execute("SELECT file_name FROM v_submissions WHERE status = 'active' "
                                           "AND fiscal_year = ?", [FY]).fetchall()]
    for name in files:
        assert _squash(name) in text


def test_number_formats():
    assert report_pdf.fmt_value(1234.0) == "1,234"
    assert report_pdf.fmt_value(12.5) == "12.5"
    assert report_pdf.fmt_value(None) == "—"
    assert report_pdf.fmt_pct(52.94117) == "52.9"


def test_charts_are_vector_text_not_pictures(pdf):
    """Charts are drawn as paths and text in the body font (sharp in print): no raster
    image anywhere, and a chart's title is text of the page."""
    reader, pages = pdf
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject")
        images = [x for x in (xobjects.get_object().values() if xobjects else [])
                  if x.get_object().get("/Subtype") == "/Image"]
        assert not images
    assert _squash(txt.CHART_EMISSIONS) in "".join(pages)


def test_summary_tables_side_by_side_on_one_page(pdf):
    _, pages = pdf
    both = [i for i, p in enumerate(pages) if _squash(txt.H_PDCA) in p and _squash(txt.H_PARTNERS) in p]
    assert both, "the PDCA and partner tables start on different pages"
