"""Charts of the annual report: SVG (vector) drawn in the PDF's own Japanese font.

The report uses the dashboard's own chart builders (pipeline.charts) on the
dashboard's own query results (pipeline.queries), so the PDF shows the same
charts as the pages; only the print theme (sizes for an A4 column) differs.
The small builders below are fallbacks kept for reports without the
dashboard modules.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from pathlib import Path

import altair as alt
import pandas as pd

from pipeline.ingest import contract as c
from pipeline.texts import report as txt

FONT_DIR = Path("/usr/share/fonts/opentype/noto")
FONT = "Noto Sans CJK JP"
STATUS_COLOURS = {
    c.STATUS_ACHIEVED: "#1a9850",
    c.STATUS_ON_TRACK: "#66bd63",
    c.STATUS_BEHIND: "#fdae61",
    c.STATUS_WORSENED: "#d73027",
    c.STATUS_UNREPORTED: "#bdbdbd",
}
KIND_COLOURS = {c.KIND_BASE: "#636363", c.KIND_ACTUAL: "#3182bd", c.KIND_TARGET: "#e6550d"}

_font_lock = threading.Lock()
_font_ready = False


def status_scale() -> alt.Scale:
    return alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values()))


def emissions_chart(totals: pd.DataFrame, base_year: int | None, base_kt: float | None,
                    width: int = 460, height: int = 220) -> alt.Chart:
    """Net emissions per FY (base, actuals, targets) as bars, with the straight path to each target."""
    frame = totals.rename(columns={"fiscal_year": "year"}).copy()
    frame["year"] = frame["year"].astype(int)
    bars = alt.Chart(frame).mark_bar(size=14).encode(
        x=alt.X("year:Q", title=txt.CHART_YEAR, axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y("kt_co2:Q", title=txt.CHART_KT),
        color=alt.Color("kind:N", title=txt.CHART_KIND,
                        scale=alt.Scale(domain=list(KIND_COLOURS), range=list(KIND_COLOURS.values()))),
        tooltip=["year:Q", "kind:N", "kt_co2:Q"],
    )
    layers = [bars]
    if base_year is not None:
        targets = frame[frame["kind"] == c.KIND_TARGET].sort_values("year")
        points = [(base_year, base_kt)] + list(zip(targets["year"], targets["kt_co2"]))
        path = pd.DataFrame(points, columns=["year", "kt_co2"])
        path["series"] = txt.CHART_PATH
        layers.append(alt.Chart(path).mark_line(strokeDash=[5, 3], color="#e6550d").encode(
            x="year:Q", y="kt_co2:Q"))
    return alt.layer(*layers).properties(title=txt.CHART_EMISSIONS, width=width, height=height)


def status_chart(counts: dict[str, int], width: int = 420, height: int = 120) -> alt.Chart:
    """Indicators per status word."""
    frame = pd.DataFrame({"status": list(counts), "count": list(counts.values())})
    return alt.Chart(frame).mark_bar().encode(
        y=alt.Y("status:N", title=None, sort=list(c.STATUSES)),
        x=alt.X("count:Q", title=txt.CHART_COUNT, axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("status:N", scale=status_scale(), legend=None),
    ).properties(title=txt.CHART_STATUS, width=width, height=height)


def attainment_chart(indicators: pd.DataFrame, width: int = 420) -> alt.Chart:
    """Attainment (%) per indicator with the 100 % line, coloured by status."""
    frame = indicators[["indicator_code", "indicator_name", "attainment_pct", "status"]].copy()
    frame["label"] = frame["indicator_code"] + " " + frame["indicator_name"].str.slice(0, 18)
    frame["attainment_pct"] = frame["attainment_pct"].astype(float)
    height = max(40, 18 * len(frame))
    bars = alt.Chart(frame).mark_bar().encode(
        y=alt.Y("label:N", title=None, sort=None),
        x=alt.X("attainment_pct:Q", title=txt.CHART_ATTAINMENT),
        color=alt.Color("status:N", scale=status_scale(), title=txt.CHART_STATUS),
    )
    rule = alt.Chart(pd.DataFrame({"x": [100.0]})).mark_rule(color="#333", strokeDash=[3, 3]).encode(x="x:Q")
    return alt.layer(bars, rule).properties(width=width, height=height)


def _register_font(*extra: Path) -> None:
    global _font_ready
    with _font_lock:
        if not _font_ready:
            import vl_convert as vlc
            for folder in (FONT_DIR, *extra):
                if folder.is_dir():
                    vlc.register_font_directory(str(folder))
            _font_ready = True


def _themed_spec(chart, width: int, height: int | None, font: str) -> dict:
    """A dashboard chart themed for print: fixed size, the document's font, white background."""
    props = {"width": width} if height is None else {"width": width, "height": height}
    themed = (chart.properties(**props).configure(font=font)
              .configure_title(fontSize=15, subtitleFontSize=11, anchor="start", limit=0, offset=8)
              .configure_axis(labelFontSize=11, titleFontSize=12, labelLimit=300)
              .configure_legend(labelFontSize=11, titleFontSize=11, orient="top", labelLimit=0)
              .configure_view(stroke=None))
    # The builders' output is validated where the dashboard draws it; here that would only
    # repeat the schema walk for every chart of the report.
    spec = themed.to_dict(validate=False)
    spec["background"] = "white"
    _cut_labels_by_length(spec)
    return spec


LABEL_PX_PER_CHAR = 11          # a full-width character at the print theme's 11 px labels


def _cut_labels_by_length(node) -> None:
    """Axis labels shortened by character count instead of Vega's `labelLimit`, which
    measures each long label again and again to find where to cut: that was a quarter of
    the report's chart rendering on the demo, half at ten times its size.  A label over
    limit ÷ 11 px characters is cut with "…" (a conservative count: full-width characters
    are the widest), the same bound as before in practice; an axis with its own labelExpr
    keeps it and only loses the limit."""
    if isinstance(node, dict):
        limit = node.get("labelLimit")
        if isinstance(limit, (int, float)) and limit > 0:
            node["labelLimit"] = 0
            if "labelExpr" not in node:
                n = max(4, int(limit // LABEL_PX_PER_CHAR))
                node["labelExpr"] = (f"length(datum.label) > {n} ? "
                                     f"substring(datum.label, 0, {n - 1}) + '…' : datum.label")
        for value in node.values():
            _cut_labels_by_length(value)
    elif isinstance(node, list):
        for value in node:
            _cut_labels_by_length(value)


def print_spec(chart, width: int, height: int | None = None, *, font: str = FONT,
               font_dir: Path | None = None) -> dict:
    """The Vega-Lite spec of a chart themed for print; `font` is the family its text is
    measured with: the one the PDF draws it with (`font_dir` holds it)."""
    _register_font(*([font_dir] if font_dir else []))
    return _themed_spec(chart, width, height, font)


def spec_to_svg(spec: dict) -> str:
    """SVG for the PDF: vector, so it stays sharp in print, and cheaper than a PNG (no
    rasterising, no PNG to compress, embed and decode again)."""
    import vl_convert as vlc
    return vlc.vegalite_to_svg(spec)


def print_svg(chart, width: int, height: int | None = None, *, font: str = FONT,
              font_dir: Path | None = None) -> str:
    return spec_to_svg(print_spec(chart, width, height, font=font, font_dir=font_dir))


_LINE = re.compile(r"<line\b[^>]*>")
_EMPTY_PATH = re.compile(r'<path\b[^>]*\sd=""[^>]*/>')
_TEXT = re.compile(r"(<text\b[^>]*>)([^<]*)(</text>)")
_HIDDEN_TEXT = re.compile(r'<text\b[^>]*\sopacity="0"[^>]*>[^<]*</text>')
_STROKE_WIDTH_ONLY = re.compile(r"<(?:path|rect|circle)\b(?![^>]*\sstroke=)[^>]*\sstroke-width=[^>]*>")
_SIZE = re.compile(r'<svg\b[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"')


def svg_for_fpdf(svg: str, family: str, font_family: str, has_glyph) -> str:
    """Vega's SVG made readable by fpdf2's SVG renderer, which draws it as PDF paths and
    text in the document's own (embedded, subset) font:
    * <line> without x1/y1 (SVG's default 0) → explicit zeros (fpdf2 requires them);
    * empty <path d=""> (Vega's invisible foregrounds) and labels Vega hid for overlapping
      (opacity 0) → dropped;
    * the family Vega measured with (`font_family`) → the PDF's registered `family`;
    * a stroke-width without a stroke (SVG: no stroke) → stroke="none" (fpdf2 would draw
      one in the page's current colour);
    * bold text → regular: the body font has no bold face (outlining it as fake bold
      smeared small titles);
    * characters the font lacks → their compatibility form (㎥ → m3) where there is one."""
    def line(m: re.Match) -> str:
        tag = m.group(0)
        for attr in ("x1", "y1", "x2", "y2"):
            if f" {attr}=" not in tag:
                tag = tag.replace("<line", f'<line {attr}="0"', 1)
        return tag

    def text(m: re.Match) -> str:
        body = m.group(2)
        if not all(has_glyph(ch) for ch in body):
            body = "".join(ch if has_glyph(ch) else unicodedata.normalize("NFKC", ch) for ch in body)
        return m.group(1) + body + m.group(3)

    def no_stroke(m: re.Match) -> str:
        return m.group(0).replace(" stroke-width=", ' stroke="none" stroke-width=', 1)

    svg = _HIDDEN_TEXT.sub("", _EMPTY_PATH.sub("", svg))
    svg = _LINE.sub(line, svg)
    svg = _STROKE_WIDTH_ONLY.sub(no_stroke, svg)
    svg = svg.replace(' font-weight="bold"', "")
    svg = _TEXT.sub(text, svg)
    return svg.replace(f'font-family="{font_family}"', f'font-family="{family}"')


def svg_ratio(svg: str) -> float:
    """Height ÷ width of an SVG from its root element's size."""
    m = _SIZE.search(svg)
    return float(m.group(2)) / float(m.group(1)) if m else 0.5


def to_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    """PNG bytes of a chart, drawn with the Japanese font."""
    import vl_convert as vlc
    _register_font()
    spec = chart.configure(font=FONT).configure_view(stroke=None).to_dict()
    return vlc.vegalite_to_png(spec, scale=scale)
