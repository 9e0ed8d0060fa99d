"""Report charts as SVG for fpdf2: the normalisation of Vega's SVG."""
from __future__ import annotations

from pipeline.report import charts

VEGA_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">'
    '<g fill="none"><line transform="translate(5,0)" x2="0" y2="10" stroke="#ddd"/>'
    '<path class="foreground" d="" pointer-events="none"/>'
    '<path d="M-5,-5h10v10h-10Z" fill="#0072B2" stroke-width="1.5"/>'
    '<text font-family="IPAPGothic" font-size="11px" fill="#000" opacity="0">hidden</text>'
    '<text font-family="IPAPGothic" font-size="12px" font-weight="bold" fill="#123">見出し</text>'
    '<text font-family="IPAPGothic" font-size="11px" fill="#000">1㎥当たり</text></g></svg>')


def test_svg_made_readable_by_fpdf2():
    out = charts.svg_for_fpdf(VEGA_SVG, "ReportJP", "IPAPGothic", lambda ch: ch != "㎥")
    line = out[out.index("<line"):out.index(">", out.index("<line"))]
    assert 'x1="0"' in line and 'y1="0"' in line and 'x2="0"' in line   # SVG's defaults spelled out
    assert 'd=""' not in out and "hidden" not in out              # invisible marks dropped
    assert 'fill="#0072B2" stroke="none" stroke-width="1.5"' in out
    assert 'font-weight' not in out and '>見出し<' in out
    assert "1m3当たり" in out                                      # a glyph the font lacks
    assert 'font-family="ReportJP"' in out and "IPAPGothic" not in out


def test_svg_ratio():
    assert charts.svg_ratio(VEGA_SVG) == 0.5
