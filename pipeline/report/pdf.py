"""The annual report as a PDF (fpdf2, A4, Noto Sans CJK embedded).

Layout only: every figure comes from a `report.ReportData`; numbers are
formatted by the functions below so tests can format the views' figures the
same way and find them in the PDF's text.
"""
from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, WrapMode
from fpdf.fonts import FontFace

from pipeline.report import charts, fonts
from pipeline.report.model import ReportData
from pipeline.ingest.normalise import is_missing
from pipeline.texts import report as txt

# Body font: IPA P Gothic (TrueType outlines, Debian fonts-ipafont-gothic).  fpdf2 embeds
# it with Identity-H, so every PDF reader (and pypdf) extracts the Japanese text; Noto
# Sans CJK (.ttc, CFF) renders as well but fpdf2 gives it an embedded CMap that pypdf
# and some readers cannot decode, and subsetting CFF is slow.  Noto is the fallback
# (pipeline.report.fonts: a small subset of it, made once).
IPA = fonts.IPA
FONT_REGULAR = fonts.NOTO_REGULAR
FONT_BOLD = fonts.NOTO_BOLD
FAMILY = "ReportJP"
FALLBACK, FALLBACK_FULL = "ReportFallback", "ReportFallbackFull"
JP_COLLECTION_INDEX = fonts.NOTO_JP_INDEX
HEAD_FILL = (221, 235, 247)
ACCENT = (31, 78, 121)


class ReportFontMissing(RuntimeError):
    pass


# --- number formatting (shared with the tests) ---------------------------------



def fmt_value(v) -> str:
    """An indicator value: thousands separators, up to 2 decimals, '—' when missing."""
    if is_missing(v):
        return "—"
    v = float(v)
    if v == int(v):
        return f"{int(v):,}"
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def fmt_pct(v) -> str:
    return "—" if is_missing(v) else f"{float(v):.1f}"


def fmt_int(v) -> str:
    return "—" if is_missing(v) else f"{int(v):,}"


def fmt_text(v) -> str:
    return "" if is_missing(v) else str(v)


# --- the document ----------------------------------------------------------------

class _Doc(FPDF):
    def __init__(self, report: ReportData):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.report = report
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=15)
        regular, bold = _fonts()
        self.add_font(FAMILY, "", str(regular), collection_font_number=_index(regular))
        # IPA has no bold face: "B" is the same font, so it is loaded and subset once
        self._bold = bold != regular
        if self._bold:
            self.add_font(FAMILY, "B", str(bold), collection_font_number=_index(bold))
        self._body_cmap = self.fonts[FAMILY.lower()].cmap
        # Glyphs IPA lacks (e.g. ㎥) come from Noto Sans CJK, loaded when a text needs one.
        self._fallbacks: list[str] | None = [] if regular == IPA and FONT_REGULAR.exists() else None
        self._handled: set[str] = set()
        self._no_recalc()
        self.set_title(f"{txt.PLAN_NAME} {txt.TITLE} {report.fiscal_year}")
        self.set_author(txt.ISSUER)
        self.set_lang("ja")

    def _no_recalc(self):
        for font in self.fonts.values():
            # Recomputing every CFF glyph's bounds on save costs seconds and
            # changes nothing visible: the full font's bounding box still holds.
            if getattr(font, "ttfont", None) is not None:
                font.ttfont.recalcBBoxes = False

    def set_font(self, family=None, style="", size=0):
        if not self._bold and style and family == FAMILY:
            style = style.replace("B", "")
        super().set_font(family, style, size)

    def normalize_text(self, text: str) -> str:
        if self._fallbacks is not None and self.current_font is self.fonts.get(FAMILY.lower()):
            cmap = self._body_cmap
            missing = {ch for ch in text if ch >= " " and ord(ch) not in cmap} - self._handled
            if missing:
                self._use_fallback(missing)
                self._handled |= missing
        return super().normalize_text(text)

    def _use_fallback(self, missing: set[str]) -> None:
        """Register the fallback font(s) the first time a text needs a glyph IPA lacks: the
        cached symbol subset, and the full Noto font only for what the subset lacks."""
        if FALLBACK not in self._fallbacks:
            subset = fonts.fallback_subset(IPA, FONT_REGULAR)
            if subset is not None:
                self.add_font(FALLBACK, "", str(subset))
                self._fallbacks.append(FALLBACK)
        covered = self.fonts[FALLBACK.lower()].cmap if FALLBACK in self._fallbacks else {}
        if FALLBACK_FULL not in self._fallbacks and any(ord(ch) not in covered for ch in missing):
            self.add_font(FALLBACK_FULL, "", str(FONT_REGULAR), collection_font_number=JP_COLLECTION_INDEX)
            self._fallbacks.append(FALLBACK_FULL)
        self._no_recalc()
        self.set_fallback_fonts(self._fallbacks, exact_match=False)
        if FALLBACK_FULL in self._fallbacks:
            self._fallbacks = None              # nothing left to add: stop checking

    def footer(self):
        if self.page_no() == 1:
            return
        self.set_y(-10)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(110)
        self.cell(0, 5, f"{txt.TITLE} {txt.fy_label(self.report.fiscal_year)}", align=Align.L)
        self.set_x(self.l_margin)
        self.cell(0, 5, txt.page_footer(self.page_no()), align=Align.R)
        self.set_text_color(0)

    # building blocks
    def h1(self, text: str):
        self.set_font(FAMILY, "B", 15)
        self.set_text_color(*ACCENT)
        self.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
        self.set_draw_color(*ACCENT)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_text_color(0)
        self.ln(3)

    def h2(self, text: str):
        if self.get_y() > self.h - 40:
            self.add_page()
        self.ln(2)
        self.set_font(FAMILY, "B", 11.5)
        self.set_text_color(*ACCENT)
        self.multi_cell(0, 6.5, text, new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
        self.set_text_color(0)
        self.ln(1)

    def para(self, text: str, size: float = 9.5):
        self.set_font(FAMILY, "", size)
        self.multi_cell(0, 5.2, text, new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)

    def grid(self, headers: list[str], rows: list[list[str]], widths: list[float],
             size: float = 8, numeric: set[int] = frozenset()):
        """A table with repeated headings; numeric columns right-aligned.

        Laid out here rather than with fpdf2's `table()`, which wraps every cell twice
        through multi_cell and took most of the report's time at ten times the demo's
        size: lines are broken by character (the widths summed from the font's own
        advance widths), each row is drawn as its cells' rectangles and one text call
        per line, and the headings row is drawn again on top of every new page."""
        if not rows:
            self.para(txt.NONE_ROWS, 8.5)
            return
        pad, line_h = 0.8, size * 0.5
        x0 = self.l_margin
        self.set_font(FAMILY, "B", size)
        head = self._grid_row(headers, widths, pad, line_h)
        self.set_font(FAMILY, "", size)
        body = [self._grid_row(values, widths, pad, line_h) for values in rows]
        right = [i in numeric for i in range(len(widths))]

        def draw(row, bold: bool) -> None:
            lines, height = row
            if bold:
                self.set_font(FAMILY, "B", size)
                self.set_fill_color(*HEAD_FILL)
            y, x = self.y, x0
            for w, cell, to_right in zip(widths, lines, right):
                self.rect(x, y, w, height, style="DF" if bold else "D")
                top = y + (height - len(cell) * line_h) / 2
                for k, (line, width) in enumerate(cell):
                    baseline = top + k * line_h + line_h / 2 + 0.3 * self.font_size
                    self._grid_text(x + pad, w - 2 * pad, width, baseline, line, to_right,
                                    top + k * line_h, line_h)
                x += w
            self.y = y + height
            if bold:
                self.set_font(FAMILY, "", size)

        if self.y + head[1] + body[0][1] > self.page_break_trigger:
            self.add_page()
        draw(head, True)
        for row in body:
            if self.y + row[1] > self.page_break_trigger:
                self.add_page()
                draw(head, True)
            draw(row, False)
        self.x = x0
        self.ln(2)

    def _grid_row(self, values, widths, pad: float, line_h: float):
        """Each cell's lines with their widths (mm), and the row's height."""
        font, size = self.current_font, self.font_size_pt
        cw, scale = font.cw, size * 0.001 / self.k
        cells = []
        for value, w in zip(values, widths):
            room = (w - 2 * pad) / scale
            lines = []
            for part in str(value).split("\n"):
                line, width = [], 0
                for ch in part:
                    adv = cw[ord(ch)]
                    if line and width + adv > room:
                        lines.append(("".join(line), width * scale))
                        line, width = [], 0
                    line.append(ch)
                    width += adv
                lines.append(("".join(line), width * scale))
            cells.append(lines)
        return cells, max(len(c) for c in cells) * line_h + 2 * pad

    def _grid_text(self, left: float, room: float, width: float, baseline: float, line: str,
                   to_right: bool, top: float, line_h: float) -> None:
        """One line of a cell, in `room` mm from `left`: text() when the body font has
        every glyph, else cell(), which takes the missing ones (e.g. ㎥) from the fallback."""
        if not line:
            return
        cmap = self.current_font.cmap
        if all(ord(ch) in cmap for ch in line):
            self.text(left + room - width if to_right else left, baseline, line)
            return
        self.set_xy(left - self.c_margin, top)          # cell() pads by c_margin itself
        self.cell(room + 2 * self.c_margin, line_h, line, align=Align.R if to_right else Align.L)

    def chart(self, svg: str, width: float):
        """A chart (SVG, drawn as vector paths and text) at the left margin, kept on one page."""
        height = width * charts.svg_ratio(svg)
        if self.get_y() + height > self.h - self.b_margin:
            self.add_page()
        self.image(io.BytesIO(svg.encode("utf-8")), x=self.l_margin, w=width)
        self.ln(2)

    def has_glyph(self, ch: str) -> bool:
        return ord(ch) in self.fonts[FAMILY.lower()].cmap


def _fonts() -> tuple[Path, Path]:
    if IPA.exists():
        return IPA, IPA
    if FONT_REGULAR.exists():
        return FONT_REGULAR, FONT_BOLD if FONT_BOLD.exists() else FONT_REGULAR
    raise ReportFontMissing(txt.FONT_MISSING)


def _chart_font() -> tuple[str, Path]:
    """The body font's family name (as the chart renderer knows it) and its folder."""
    regular, _ = _fonts()
    return ("IPAPGothic" if regular == IPA else charts.FONT), regular.parent


def _index(path: Path) -> int:
    return JP_COLLECTION_INDEX if path.suffix.lower() == ".ttc" else 0


# --- sections --------------------------------------------------------------------

def _cover(doc: _Doc):
    r = doc.report
    doc.add_page()
    doc.ln(45)
    doc.set_font(FAMILY, "", 13)
    doc.multi_cell(0, 8, txt.PLAN_NAME, align=Align.C, new_x="LMARGIN", new_y="NEXT",
                   wrapmode=WrapMode.CHAR)
    doc.ln(8)
    doc.set_font(FAMILY, "B", 30)
    doc.set_text_color(*ACCENT)
    doc.cell(0, 16, txt.fy_label(r.fiscal_year), align=Align.C, new_x="LMARGIN", new_y="NEXT")
    doc.cell(0, 16, txt.TITLE, align=Align.C, new_x="LMARGIN", new_y="NEXT")
    doc.set_text_color(0)
    doc.ln(4)
    doc.set_font(FAMILY, "", 11)
    doc.multi_cell(0, 6, txt.SUBTITLE, align=Align.C, new_x="LMARGIN", new_y="NEXT",
                   wrapmode=WrapMode.CHAR)
    doc.ln(40)
    doc.set_font(FAMILY, "", 11)
    doc.cell(0, 7, txt.COVER_DATA_DATE.format(when=txt.when(r.data_date)), align=Align.C,
             new_x="LMARGIN", new_y="NEXT")
    doc.cell(0, 7, txt.COVER_GENERATED.format(when=txt.when(r.generated_at.date())), align=Align.C,
             new_x="LMARGIN", new_y="NEXT")
    doc.multi_cell(0, 7, txt.COVER_EDITION.format(edition=r.edition_text), align=Align.C,
                   new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
    doc.ln(18)
    doc.set_font(FAMILY, "B", 12)
    doc.cell(0, 7, txt.ISSUER, align=Align.C, new_x="LMARGIN", new_y="NEXT")
    if r.sources is not None and r.sources["loaded_by"].fillna("").str.startswith("demo").any():
        doc.ln(6)
        doc.set_font(FAMILY, "", 9)
        doc.cell(0, 6, txt.DEMO_NOTE, align=Align.C, new_x="LMARGIN", new_y="NEXT")


def _summary(doc: _Doc, images: dict):
    r = doc.report
    e = r.emissions
    doc.add_page()
    doc.h1(txt.H_SUMMARY)
    if r.narrative is not None:
        _narrative(doc, r.narrative.overview)
    doc.h2(txt.H_EMISSIONS)
    pace = txt.PACE_UNKNOWN if e.on_track is None else (txt.PACE_OK if e.on_track else txt.PACE_BEHIND)
    rows = [
        [txt.L_BASE, txt.year_kt(e.base_year, e.base_kt)],
        [txt.L_LATEST, txt.year_kt(e.latest_year, e.latest_kt)],
        [txt.L_TARGET, txt.year_kt(e.target_year, e.target_kt)],
        [txt.L_PATH, txt.kt(e.path_kt)],
        [txt.L_REDUCTION, txt.pct(e.reduction_pct)],
        [txt.L_ACTUAL_RATE, txt.pct(e.actual_rate_pct)],
        [txt.L_NEEDED_RATE, txt.pct(e.needed_rate_pct)],
        [txt.L_PACE, pace],
    ]
    doc.grid([txt.COL["item"], txt.COL["value"]], rows, [60, 80], size=8)
    doc.chart(images["emissions"], 165)

    doc.h2(txt.H_STATUS)
    total = sum(r.status_counts.values())
    y0 = doc.get_y()
    doc.grid([txt.COL["status"], txt.COL["count"]],
             [[k, fmt_int(v)] for k, v in r.status_counts.items()] + [[txt.L_INDICATORS_TOTAL, fmt_int(total)]],
             [40, 30], numeric={1})
    y1 = doc.get_y()
    doc.image(io.BytesIO(images["status"].encode("utf-8")), x=doc.l_margin + 85, y=y0, w=80)
    doc.set_y(max(y1, y0 + 80 * charts.svg_ratio(images["status"])) + 2)

    # PDCA and partners side by side: both start on the same page (h2 alone would break
    # the page under the first and leave the second on the page after)
    if doc.get_y() > doc.page_break_trigger - 62:
        doc.add_page()
    y0 = doc.get_y()
    doc.h2(txt.H_PDCA)
    p = r.pdca
    doc.grid([txt.COL["item"], txt.COL["count"]], [
        [txt.L_ACTIONS, fmt_int(p.actions)],
        [txt.L_REPORTED, txt.count_of(p.reported, p.actions)],
        [txt.L_DO, txt.count_of(p.do, p.actions)],
        [txt.L_CHECK, txt.count_of(p.check, p.actions)],
        [txt.L_ACT, txt.count_of(p.act, p.actions)],
        [txt.L_COMPLETE, txt.count_of(p.complete, p.actions)],
        [txt.L_COMPLETE_PCT, txt.pct(p.complete_pct)],
    ], [50, 30], numeric={1})
    y1 = doc.get_y()
    doc.set_y(y0)
    doc.set_left_margin(doc.l_margin + 92)
    doc.set_x(doc.l_margin)
    doc.h2(txt.H_PARTNERS)
    s = r.partner_summary
    doc.grid([txt.COL["item"], txt.COL["value"]], [
        [txt.L_PARTNER_ROWS, fmt_int(s.rows)],
        [txt.L_PARTNER_ACTIONS, fmt_int(s.actions)],
        [txt.L_PARTNER_TYPES, fmt_int(s.types)],
        [txt.L_PARTICIPANTS, fmt_int(s.participants)],
        [txt.L_CO2, fmt_value(s.co2_reduction_t)],
    ], [58, 30], numeric={1})
    doc.set_left_margin(doc.l_margin - 92)
    doc.set_y(max(y1, doc.get_y()))
    doc.set_x(doc.l_margin)
    if r.cycle_previous is not None:
        doc.para(txt.council_cycle_line(r.fiscal_year - 1, r.cycle_previous.steps), 8.5)


def _narrative(doc: _Doc, paragraph) -> None:
    """One paragraph of the narrative with its mark (saved text or the automatic draft)."""
    doc.para(paragraph.text, 9.5)
    doc.set_text_color(90, 90, 90)
    doc.para(f"（{paragraph.mark}）", 7.5)
    doc.set_text_color(0, 0, 0)


def fmt_t(v) -> str:
    """A t-CO2 figure: thousands separators, one decimal, '—' when missing."""
    return "—" if is_missing(v) else f"{float(v):,.1f}"


def fmt_signed_t(v) -> str:
    return "—" if is_missing(v) else f"{float(v):+,.1f}"


def fmt_factor(v) -> str:
    """An emission factor (kg per 基準単位) with up to six significant digits."""
    return "—" if is_missing(v) else f"{float(v):.6g}"


def _operations(doc: _Doc, images: dict) -> None:
    """事務事業編: the narrative's paragraph (where there is one), then the figures — totals
    against the target per scope, by organisation and activity, the decomposition, and
    the factors used with their 出典."""
    from pipeline.texts import operations as otxt
    narrative, section = doc.report.narrative, doc.report.operations
    paragraph = narrative.operations if narrative is not None else None
    if paragraph is None and section is None:
        return
    doc.add_page()
    doc.h1(paragraph.title if paragraph is not None else otxt.REPORT_HEADING)
    if paragraph is not None:
        _narrative(doc, paragraph)
    if section is None:
        return
    col = otxt.REPORT_COL
    doc.h2(otxt.REPORT_H_TOTALS)
    rows = [[s.organisation_name, fmt_t(s.t_co2), fmt_text(s.provisional_mark),
             otxt.report_year_value(fmt_text(s.base_year), fmt_t(s.base_t_co2)) if not is_missing(s.base_year) else "—",
             otxt.report_year_value(fmt_text(s.target_year), fmt_t(s.target_t_co2)) if not is_missing(s.target_year) else "—",
             fmt_t(s.expected_t_co2), fmt_pct(s.reduction_pct), fmt_text(s.status)]
            for s in section.status.itertuples()]
    doc.grid([col[k] for k in ("organisation_name", "t_co2", "provisional_mark", "base_t_co2", "target_t_co2",
                               "expected_t_co2", "reduction_pct", "status")],
             rows, [28, 24, 9, 32, 32, 22, 17, 12], size=7.5, numeric={1, 3, 4, 5, 6})
    if "operations_trend" in images:
        doc.chart(images["operations_trend"], 165)
    if section.provisional:
        doc.para(otxt.PROVISIONAL_NOTE, 8.5)

    doc.h2(otxt.REPORT_H_ACTIVITY)
    matrix = section.activity_table
    names = [c_ for c_ in matrix.columns if c_ != "activity"]
    width = min(30.0, 140.0 / max(1, len(names)))
    doc.grid([col["activity"]] + names,
             [[r[0]] + [fmt_t(v) for v in r[1:]] for r in matrix.itertuples(index=False)],
             [40] + [width] * len(names), size=7.5, numeric=set(range(1, len(names) + 1)))

    doc.h2(otxt.REPORT_H_CHANGE)
    if section.changes.empty:
        doc.para(otxt.REPORT_NO_CHANGE, 8.5)
    else:
        rows = [[c_.organisation_name, fmt_text(c_.previous_year), fmt_t(c_.t_co2_previous), fmt_t(c_.t_co2),
                 fmt_signed_t(c_.change_t), fmt_signed_t(c_.usage_effect_t), fmt_signed_t(c_.factor_effect_t)]
                for c_ in section.changes.itertuples()]
        doc.grid([col[k] for k in ("organisation_name", "previous_year", "t_co2_previous", "t_co2", "change_t",
                                   "usage_effect_t", "factor_effect_t")],
                 rows, [30, 12, 26, 24, 24, 30, 30], size=7.5, numeric={2, 3, 4, 5, 6})
        if "operations_waterfall" in images:
            doc.chart(images["operations_waterfall"], 140)

    doc.h2(otxt.REPORT_H_FACTORS)
    rows = [[f.activity, fmt_text(f.supplier), fmt_text(f.menu), fmt_text(f.factor_year), fmt_factor(f.factor),
             fmt_text(f.gas), fmt_text(f.factor_basis), fmt_text(f.factor_source), fmt_text(f.provisional_mark)]
            for f in section.factors.itertuples()]
    doc.grid([col[k] for k in ("activity", "supplier", "menu", "factor_year", "factor", "gas", "factor_basis",
                               "factor_source", "provisional_mark")],
             rows, [30, 30, 20, 12, 18, 10, 16, 36, 8], size=7, numeric={3, 4})


def _operations_charts(report: ReportData) -> dict:
    """The page's trend and waterfall charts of the whole government: (chart, width, height)."""
    section = report.operations
    if section is None:
        return {}
    from pipeline.analysis import operations as ops
    from pipeline.texts import operations as otxt
    out = {"operations_trend": (ops.operations_trend_chart(
        section.trend, otxt.REPORT_CHART_TREND, otxt.TREND_SUBTITLE), 600, 160)}
    whole = section.changes[section.changes["organisation_code"].isna()]
    if not whole.empty:
        out["operations_waterfall"] = (ops.waterfall_chart(
            ops.waterfall_steps(whole), otxt.REPORT_CHART_WATERFALL), 480, 160)
    return out


def _policy(doc: _Doc, index: int, section, images: dict):
    doc.add_page()
    doc.h1(txt.policy_heading(index, section.code, section.name))
    narrative = doc.report.narrative
    if narrative is not None and section.code in narrative.policies:
        _narrative(doc, narrative.policies[section.code])
    doc.h2(txt.H_MEASURES)
    doc.grid([txt.COL["measure_code"], txt.COL["measure_name"]],
             [[m.measure_code, m.measure_name] for m in section.measures.itertuples()], [22, 158])

    doc.h2(txt.H_INDICATORS)
    doc.para(f"{txt.H_STATUS}: {txt.status_line(section.status_counts)}", 9)
    rows = [[i.indicator_code, i.indicator_name, fmt_text(i.unit),
             f"{fmt_value(i.base_value)}（{i.base_year}）", f"{fmt_value(i.target_value)}（{i.target_year}）",
             fmt_value(i.actual_value), fmt_value(i.expected_value), fmt_pct(i.attainment_pct), i.status]
            for i in section.indicators.itertuples()]
    doc.grid([txt.COL[k] for k in ("indicator_code", "indicator_name", "unit", "base_value",
                                   "target_value", "actual_value", "expected_value",
                                   "attainment_pct", "status")],
             rows, [16, 44, 12, 24, 24, 17, 17, 14, 12], size=7.5, numeric={3, 4, 5, 6, 7})
    if section.code in images:
        doc.chart(images[section.code], 165)

    doc.h2(txt.H_ACTIONS)
    doc.para(f"{txt.L_COMPLETE}: {txt.count_of(section.pdca.complete, section.pdca.actions)}", 9)
    rows = []
    for a in section.actions.itertuples():
        rows.append([a.action_code, a.action_name + (f" {txt.PRIORITY_YES}" if a.priority else ""),
                     fmt_text(a.department_name),
                     fmt_text(a.implementation_status) if a.reported else txt.NOT_REPORTED,
                     fmt_text(a.self_evaluation), fmt_text(a.direction), fmt_text(a.revision_text),
                     fmt_int(a.stages)])
    doc.grid([txt.COL[k] for k in ("action_code", "action_name", "department_name",
                                   "implementation_status", "self_evaluation", "direction_next",
                                   "revision_text", "stages")],
             rows, [16, 42, 25, 15, 12, 16, 43, 11], size=7.5, numeric={7})

    doc.h2(txt.H_PARTNER_LIST)
    ps = section.partner_summary
    doc.para(f"{txt.L_PARTNER_ROWS} {fmt_int(ps.rows)}　{txt.L_PARTICIPANTS} {fmt_int(ps.participants)}"
             f"　{txt.L_CO2} {fmt_value(ps.co2_reduction_t)}", 9)
    rows = [[p.action_code, p.stakeholder_type, fmt_text(p.organisation), fmt_int(p.participants),
             fmt_value(p.co2_reduction_t), fmt_text(p.content)] for p in section.partners.itertuples()]
    doc.grid([txt.COL[k] for k in ("action_code", "stakeholder_type", "organisation",
                                   "participants", "co2_reduction_t", "content")],
             rows, [16, 34, 36, 20, 22, 52], size=7.5, numeric={3, 4})


def _council(doc: _Doc):
    r = doc.report
    doc.add_page()
    doc.h1(txt.H_COUNCIL)
    frame = r.council_previous
    if frame is None or frame.empty:
        doc.para(txt.NO_COUNCIL)
        return
    rows = [[str(o.opinion_id), str(o.fiscal_year), o.source,
             o.level + (f" {o.target_code}" if not is_missing(o.target_code) and o.target_code else ""),
             o.opinion_text, fmt_text(o.response_text), o.status]
            for o in frame.itertuples()]
    doc.grid([txt.COL[k] for k in ("opinion_id", "fiscal_year", "source", "level", "opinion_text",
                                   "response_text", "followup")],
             rows, [10, 11, 20, 20, 50, 55, 14], size=7.5)


def _sources(doc: _Doc):
    r = doc.report
    doc.add_page()
    doc.h1(txt.H_SOURCES)
    doc.h2(txt.H_MASTER)
    if r.master:
        doc.grid([txt.COL["master_id"], txt.COL["file_name"], txt.COL["loaded_at"]],
                 [[str(r.master[0]), r.master[1], txt.when(r.master[2])]], [20, 110, 50])
    doc.h2(txt.H_SUBMISSIONS)
    rows = [[str(s.submission_id), s.department_code, fmt_text(s.department_name), str(s.fiscal_year),
             s.file_name, s.sha256[:12], txt.when(s.loaded_at), fmt_text(s.loaded_by)]
            for s in r.sources.itertuples()]
    doc.grid([txt.COL[k] for k in ("submission_id", "department_code", "department_name",
                                   "fiscal_year", "file_name", "sha256", "loaded_at", "loaded_by")],
             rows, [12, 14, 28, 11, 45, 22, 28, 20], size=7, numeric={0})


# --- charts -------------------------------------------------------------------------

def _chart_jobs(report: ReportData):
    """The dashboard's charts (pipeline.analysis) on the dashboard's queries:
    (name, chart, width, height) for the print size."""
    from pipeline.analysis import attainment, emissions
    yield "emissions", emissions.emissions_chart(
        report.chart_emissions, report.chart_path, txt.CHART_EMISSIONS), 600, 140
    yield "status", attainment.status_counts_chart(report.chart_status, txt.CHART_STATUS), 300, 150
    for code, table in report.chart_attainment.items():
        if not table.empty:
            yield code, attainment.attainment_chart(table, txt.CHART_ATTAINMENT), 520, None
    for name, (chart, width, height) in _operations_charts(report).items():
        yield name, chart, width, height


def _render_charts(report: ReportData, doc: "_Doc") -> dict:
    """name → SVG of each chart, measured with the document's font and drawn in it.

    (vl-convert holds the GIL for most of a render: a worker thread beside the layout was
    tried and saved nothing.)"""
    family, folder = _chart_font()
    out = {}
    for name, chart, width, height in _chart_jobs(report):
        svg = charts.spec_to_svg(charts.print_spec(chart, width, height, font=family, font_dir=folder))
        out[name] = charts.svg_for_fpdf(svg, FAMILY, family, doc.has_glyph)
    return out


def render_pdf(report: ReportData) -> bytes:
    doc = _Doc(report)
    images = _render_charts(report, doc)
    _cover(doc)
    _summary(doc, images)
    for index, section in enumerate(report.sections, start=2):
        _policy(doc, index, section, images)
    _operations(doc, images)
    _council(doc)
    _sources(doc)
    return bytes(doc.output())
