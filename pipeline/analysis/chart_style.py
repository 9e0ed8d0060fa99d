"""One look for every chart: the Okabe–Ito palette, fonts, sizes, presentation mode, PNG export."""
from __future__ import annotations

import json
import logging
import threading
import unicodedata
from pathlib import Path

import altair as alt
import pandas as pd

from pipeline.ingest import contract as c
from pipeline.texts import dashboard as txt

log = logging.getLogger(__name__)

# The data are aggregated figures already; big warehouses may still exceed Altair's 5,000 rows.
alt.data_transformers.disable_max_rows()


FONT = "Noto Sans CJK JP"


FONT_DIR = Path("/usr/share/fonts/opentype/noto")


PNG_WIDTH = 960


# Okabe–Ito colours
BLUE, GREEN, ORANGE, VERMILLION = "#0072B2", "#009E73", "#E69F00", "#D55E00"


SKY, PURPLE, YELLOW, GREY, BLACK = "#56B4E9", "#CC79A7", "#F0E442", "#999999", "#000000"


STATUS_COLORS = {c.STATUS_ACHIEVED: BLUE, c.STATUS_ON_TRACK: GREEN, c.STATUS_BEHIND: ORANGE,
                 c.STATUS_WORSENED: VERMILLION, c.STATUS_UNREPORTED: GREY}


GRADE_COLORS = {"A": BLUE, "B": GREEN, "C": ORANGE, "D": VERMILLION, c.NOT_EVALUABLE: GREY,
                txt.NOT_REPORTED: "#DDDDDD"}


#: Stages met (1–4): one sequential ramp, used by the PDCA matrix and the stage bars alike.
#: Four steps of viridis (teal → purple; colour-blind safe): every step has at least 3:1
#: contrast against white (3.8, 6.0, 9.7, 15.2) and differs from its neighbours in hue as
#: well as lightness, so all four stay distinguishable.
STAGE_COLORS = {0: "#F0F0F0", 1: "#21918C", 2: "#31688E", 3: "#443983", 4: "#440154"}


#: The lightest stage whose cells take white text in the PDCA matrix (lighter ones take black).
STAGE_WHITE_TEXT_FROM = 2


STAGE_OF = {"plan": 1, "do": 2, "check": 3, "act": 4}


SECTOR_COLORS = dict(zip(c.SECTORS, (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, GREY), strict=True))


SUBMITTED_COLORS = {txt.SUBMITTED: GREEN, txt.NOT_SUBMITTED: VERMILLION}


PATH_COLOR = BLACK


NEUTRAL = BLUE


def color_scale(mapping: dict) -> alt.Scale:
    return alt.Scale(domain=list(mapping), range=list(mapping.values()))


def status_scale() -> alt.Scale:
    return color_scale(STATUS_COLORS)


def chart_title(text: str, subtitle: str | None = None) -> alt.TitleParams:
    return alt.TitleParams(text=text, subtitle=subtitle or "", anchor="start")


def tip(field: str, title: str, fmt: str | None = None, kind: str = "Q") -> alt.Tooltip:
    return alt.Tooltip(f"{field}:{kind}", title=title, format=fmt) if fmt else \
        alt.Tooltip(f"{field}:{kind}", title=title)


def fy_axis(title: str = txt.COLUMNS["fiscal_year"]) -> alt.Axis:
    return alt.Axis(title=title, format="d", labelExpr=f"datum.value + '{txt.FY_SUFFIX}'", tickMinStep=1)


def headroom(df: pd.DataFrame, column: str, extra: float = 0.18) -> alt.Scale:
    """A zero-based x scale with room on the right for the value labels."""
    top = float(df[column].max()) if len(df) and pd.notna(df[column].max()) else 0.0
    return alt.Scale(domain=[0, max(top * (1 + extra), 1)], nice=False)


def path_line(data: pd.DataFrame, x, y: str, tooltip: list) -> alt.Chart:
    """The straight path to the targets: a dashed line with filled points."""
    return alt.Chart(data).mark_line(
        strokeDash=[8, 5], strokeWidth=3, color=PATH_COLOR,
        point=alt.OverlayMarkDef(size=90, filled=True, color=PATH_COLOR)).encode(
        x=x, y=f"{y}:Q", tooltip=tooltip)


def target_labels(data: pd.DataFrame, x, y: str, font_size: int = 16) -> alt.Chart:
    """Each target's `label` below-left of its point: the path falls towards a target, so
    that space is clear of the dashed line."""
    return alt.Chart(data).mark_text(dy=12, dx=-10, align="right", baseline="top",
                                     fontSize=font_size, fontWeight="bold",
                                     color=PATH_COLOR).encode(x=x, y=f"{y}:Q", text="label:N")


def zero_rule(axis: str = "x") -> alt.Chart:
    """A grey rule at zero across the plot (`axis`: the axis the value is on)."""
    return alt.Chart(pd.DataFrame({axis: [0]})).mark_rule(color=GREY).encode(**{axis: f"{axis}:Q"})


def wrap_label_expr(width: int = 9, lines: int = 3) -> str:
    """labelExpr splitting a long label into lines of `width` characters."""
    parts = [f"slice(datum.label, {i * width}, {(i + 1) * width})" for i in range(lines)]
    return "[" + ", ".join(parts) + "]"


def with_fy_label(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["fy_label"] = [txt.fy_short(y) for y in df["fiscal_year"]]
    return df


def configure(chart, present: bool = False):
    """Fonts and sizes for screen; larger for presentation mode."""
    k = PRESENT_SCALE if present else 1.0
    # fit-x: the width follows the container, the height stays the plot's own height
    # (Streamlit's default "fit" would squeeze the plot under the title and legend).
    chart = chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    return (chart.configure(font=FONT)
            .configure_title(fontSize=round(20 * k), subtitleFontSize=round(14 * k),
                             anchor="start", limit=0, offset=12)
            .configure_axis(labelFontSize=round(14 * k), titleFontSize=round(15 * k),
                            labelLimit=round(320 * k))
            # Vega picks ~1 tick per 40 px: on a 1920-px screen that is 0, 2, 4, … 88.
            .configure_axisQuantitative(tickCount=8)
            .configure_legend(labelFontSize=round(14 * k), titleFontSize=round(14 * k),
                              symbolSize=round(160 * k), labelLimit=0, orient="top")
            .configure_view(stroke=None))


PRESENT_SCALE = 1.35
TEXT_MARK_FONT = 11     # Vega-Lite's default size of a text mark without its own fontSize


def scale_text_marks(spec: dict, k: float) -> dict:
    """Text marks (value labels, 目標 notes) grown by `k` like the axes and legends: they set
    their own fontSize, which the config cannot reach.  Changes `spec` in place."""
    def walk(node):
        if isinstance(node, dict):
            mark = node.get("mark")
            if isinstance(mark, dict) and mark.get("type") == "text":
                mark["fontSize"] = round(mark.get("fontSize", TEXT_MARK_FONT) * k)
            elif mark == "text":
                node["mark"] = {"type": "text", "fontSize": round(TEXT_MARK_FONT * k)}
            for key, value in node.items():
                if key not in ("data", "datasets", "config"):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
    walk(spec)
    return spec


#: Full-width characters of a 20-px title that fit one line of a chart on a 1366-px laptop
#: (~900 px with the sidebar); presentation mode (27 px on a 1920-px screen, no sidebar).
TITLE_LINE, TITLE_LINE_PRESENT = 42, 60
_BREAKS = "：、。）」"      # a line may end after these
_OPENINGS = "「（"          # … or before these


def _width(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)


def wrap_title(text: str, line: float) -> str | list[str]:
    """A title too long for one line as lines, broken at a Japanese punctuation mark in the
    last two thirds of a line where there is one (Vega cuts a long title with "…")."""
    if _width(text) <= line:
        return text
    lines = []
    while _width(text) > line:
        fit = next(i for i in range(len(text), 0, -1) if _width(text[:i]) <= line)
        after = max((text.rfind(ch, fit // 3, fit) + 1 for ch in _BREAKS), default=0)
        before = max((text.rfind(ch, fit // 3, fit) for ch in _OPENINGS), default=-1)
        cut = max(after, before)
        cut = cut if cut > 0 else fit
        lines.append(text[:cut])
        text = text[cut:]
    return lines + [text] if text else lines


def to_spec(chart, present: bool = False) -> dict:
    """The themed Vega-Lite spec as a dict: a long title wrapped, and in presentation mode the
    text marks grown too."""
    spec = configure(chart, present).to_dict()
    title = spec.get("title")
    if isinstance(title, dict) and isinstance(title.get("text"), str):
        title["text"] = wrap_title(title["text"], TITLE_LINE_PRESENT if present else TITLE_LINE)
    elif isinstance(title, str):
        spec["title"] = wrap_title(title, TITLE_LINE_PRESENT if present else TITLE_LINE)
    return scale_text_marks(spec, PRESENT_SCALE) if present else spec


_fonts_lock = threading.Lock()


_fonts_registered = False


def cjk_font_available() -> bool:
    """Whether the Noto CJK fonts for Japanese text in PNG exports are installed."""
    return FONT_DIR.is_dir()


def _register_fonts() -> None:
    """Register the CJK fonts once; without them the PNG renders with the default font
    (Japanese may show as boxes) and the dashboard says so under the PNG button."""
    global _fonts_registered
    with _fonts_lock:
        if _fonts_registered:
            return
        _fonts_registered = True
        if cjk_font_available():
            import vl_convert as vlc
            vlc.register_font_directory(str(FONT_DIR))
        else:
            log.warning("no CJK fonts in %s: PNG charts use the default font", FONT_DIR)


def png_spec(chart, present: bool = False) -> str:
    """The Vega-Lite JSON used for the PNG export (fixed width, themed)."""
    try:
        sized = chart.properties(width=PNG_WIDTH)
    except Exception:
        sized = chart
    spec = to_spec(sized, present)
    spec["background"] = "white"
    return json.dumps(spec, ensure_ascii=False)


def spec_to_png(spec_json: str, scale: float = 2.0) -> bytes:
    """Render a Vega-Lite spec to PNG with the Noto Sans CJK font."""
    _register_fonts()
    import vl_convert as vlc
    return vlc.vegalite_to_png(spec_json, scale=scale)


def to_png(chart, present: bool = False) -> bytes:
    return spec_to_png(png_spec(chart, present))
