"""Altair charts for the dashboard: pure functions of the query frames.

One message per chart, stated in its title (the caller passes the title,
built from `pipeline.texts.dashboard`).  Colours come from one place: the
Okabe–Ito palette, safe for colour-blind readers, the same on every page.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path

import altair as alt
import pandas as pd

from pipeline.ingest import contract as c
from pipeline.texts import dashboard as txt

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
SECTOR_COLORS = {"産業": BLUE, "業務その他": ORANGE, "家庭": GREEN, "運輸": VERMILLION,
                 "廃棄物": PURPLE, "その他ガス": SKY, "森林吸収": GREY}
SUBMITTED_COLORS = {txt.SUBMITTED: GREEN, txt.NOT_SUBMITTED: VERMILLION}
PATH_COLOR = BLACK
NEUTRAL = BLUE


def _scale(mapping: dict) -> alt.Scale:
    return alt.Scale(domain=list(mapping), range=list(mapping.values()))


def status_scale() -> alt.Scale:
    return _scale(STATUS_COLORS)


def _title(text: str, subtitle: str | None = None) -> alt.TitleParams:
    return alt.TitleParams(text=text, subtitle=subtitle or "", anchor="start")


def _tip(field: str, title: str, fmt: str | None = None, kind: str = "Q") -> alt.Tooltip:
    return alt.Tooltip(f"{field}:{kind}", title=title, format=fmt) if fmt else \
        alt.Tooltip(f"{field}:{kind}", title=title)


def _fy_axis(title: str = txt.COLUMNS["fiscal_year"]) -> alt.Axis:
    return alt.Axis(title=title, format="d", labelExpr="datum.value + '年度'", tickMinStep=1)


def _room(df: pd.DataFrame, column: str, extra: float = 0.18) -> alt.Scale:
    """A zero-based x scale with room on the right for the value labels."""
    top = float(df[column].max()) if len(df) and pd.notna(df[column].max()) else 0.0
    return alt.Scale(domain=[0, max(top * (1 + extra), 1)], nice=False)


def _wrap(width: int = 9, lines: int = 3) -> str:
    """labelExpr splitting a long label into lines of `width` characters."""
    parts = [f"slice(datum.label, {i * width}, {(i + 1) * width})" for i in range(lines)]
    return "[" + ", ".join(parts) + "]"


def _fy_label(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["fy_label"] = [txt.fy_short(y) for y in df["fiscal_year"]]
    return df


# --- Theme / export ------------------------------------------------------------

def configure(chart, present: bool = False):
    """Fonts and sizes for screen; larger for presentation mode."""
    k = 1.35 if present else 1.0
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


_fonts_lock = threading.Lock()
_fonts_registered = False


def _register_fonts() -> None:
    global _fonts_registered
    with _fonts_lock:
        if _fonts_registered:
            return
        _fonts_registered = True
        try:
            import vl_convert as vlc
            if FONT_DIR.is_dir():
                vlc.register_font_directory(str(FONT_DIR))
        except Exception:   # fonts missing: still render with the default font
            pass


def png_spec(chart, present: bool = False) -> str:
    """The Vega-Lite JSON used for the PNG export (fixed width, themed)."""
    try:
        sized = chart.properties(width=PNG_WIDTH)
    except Exception:
        sized = chart
    spec = configure(sized, present).to_dict()
    spec["background"] = "white"
    return json.dumps(spec, ensure_ascii=False)


def spec_to_png(spec_json: str, scale: float = 2.0) -> bytes:
    """Render a Vega-Lite spec to PNG with the Noto Sans CJK font."""
    _register_fonts()
    import vl_convert as vlc
    return vlc.vegalite_to_png(spec_json, scale=scale)


def to_png(chart, present: bool = False) -> bytes:
    return spec_to_png(png_spec(chart, present))


# --- Overview / trends: emissions -------------------------------------------------

def emissions_chart(emissions: pd.DataFrame, path: pd.DataFrame, title: str,
                    subtitle: str | None = None, height: int = 420):
    """Stacked bars by sector (base and actuals), the straight path to the targets as a line."""
    bars_df = emissions[emissions["kind"] != c.KIND_TARGET].copy()
    targets = emissions[emissions["kind"] == c.KIND_TARGET]
    target_tot = targets.groupby("fiscal_year", as_index=False)["kt_co2"].sum()
    sectors = [s for s in c.SECTORS if s in set(emissions["sector"])]
    color = alt.Color("sector:N", title=txt.COLUMNS["sector"],
                      scale=alt.Scale(domain=sectors, range=[SECTOR_COLORS[s] for s in sectors]),
                      sort=sectors)
    x = alt.X("fiscal_year:Q", axis=_fy_axis(), scale=alt.Scale(nice=False, padding=20))
    bars = alt.Chart(bars_df).mark_bar(size=18).encode(
        x=x, y=alt.Y("sum(kt_co2):Q", title=txt.COLUMNS["kt_co2"], stack="zero"),
        color=color, order=alt.Order("sector_order:Q"),
        tooltip=[_tip("fiscal_year", txt.COLUMNS["fiscal_year"], "d"),
                 _tip("kind", txt.COLUMNS["kind"], kind="N"),
                 _tip("sector", txt.COLUMNS["sector"], kind="N"),
                 _tip("kt_co2", txt.COLUMNS["kt_co2"], ",.1f")],
    ).transform_calculate(
        sector_order="indexof(" + json.dumps(list(c.SECTORS), ensure_ascii=False) + ", datum.sector)")
    layers = [bars]
    if not path.empty:
        p = path.assign(series=txt.KIND_PATH)
        line = alt.Chart(p).mark_line(strokeDash=[8, 5], strokeWidth=3, color=PATH_COLOR,
                                      point=alt.OverlayMarkDef(size=90, filled=True,
                                                               color=PATH_COLOR)).encode(
            x=x, y="kt_co2:Q",
            tooltip=[_tip("series", txt.COLUMNS["series"], kind="N"),
                     _tip("fiscal_year", txt.COLUMNS["fiscal_year"], "d"),
                     _tip("kt_co2", txt.COLUMNS["kt_co2"], ",.0f")])
        layers.append(line)
    if not target_tot.empty:
        # The path falls towards each target, so the space below-left of a target point is
        # clear of the dashed line: the label goes there, not on the line.
        target_tot = target_tot.assign(label=[txt.target_label(v) for v in target_tot["kt_co2"]])
        layers.append(alt.Chart(target_tot).mark_text(dy=12, dx=-10, align="right", baseline="top",
                                                      fontSize=16, fontWeight="bold",
                                                      color=PATH_COLOR).encode(
            x=x, y="kt_co2:Q", text="label:N"))
    return alt.layer(*layers).properties(title=_title(title, subtitle), height=height)


#: Vertical room one end-of-line label needs (14-px text), in pixels.
LABEL_GAP_PX = 17


def spread_labels(values: list[float], all_values: list[float], height: int, gap_px: float) -> list[float]:
    """Y positions for end-of-line labels at `values`, moved apart just enough that no two
    are closer than `gap_px` pixels on a plot `height` pixels tall whose axis covers
    `all_values` and zero.  Returned in the order of `values`; labels that crowd each other
    are spread evenly around their own centre, the others stay where they are."""
    if not values:
        return []
    lo, hi = min(min(all_values), 0.0), max(max(all_values), 0.0)
    span = (hi - lo) * 1.25 or 1.0          # the axis is rounded outwards ("nice")
    gap = gap_px * span / height
    order = sorted(range(len(values)), key=lambda i: values[i])
    clusters: list[list[float]] = []            # ideal positions, bottom to top

    def start(c: list[float]) -> float:         # lowest label of a cluster centred on its ideals
        return sum(v - k * gap for k, v in enumerate(c)) / len(c)

    for i in order:
        clusters.append([float(values[i])])
        while len(clusters) > 1 and start(clusters[-1]) < start(clusters[-2]) + len(clusters[-2]) * gap:
            top = clusters.pop()
            clusters[-1].extend(top)
    placed = [start(c) + k * gap for c in clusters for k in range(len(c))]
    out = [0.0] * len(values)
    for i, y in zip(order, placed):
        out[i] = y
    return out


def sector_change_chart(df: pd.DataFrame, title: str, height: int = 380):
    """Each sector's change from the base year, as lines over the inventory years."""
    sectors = [s for s in c.SECTORS if s in set(df["sector"]) and s != c.REMOVAL_SECTOR]
    data = df[df["sector"].isin(sectors)]
    x = alt.X("fiscal_year:Q", axis=_fy_axis(), scale=alt.Scale(nice=False, padding=10))
    base = alt.Chart(data).encode(
        x=x, y=alt.Y("change_pct:Q", title="基準年度からの増減（%）"),
        color=alt.Color("sector:N", title=txt.COLUMNS["sector"],
                        scale=alt.Scale(domain=sectors, range=[SECTOR_COLORS[s] for s in sectors]),
                        sort=sectors),
        tooltip=[_tip("sector", txt.COLUMNS["sector"], kind="N"),
                 _tip("fiscal_year", txt.COLUMNS["fiscal_year"], "d"),
                 _tip("kt_co2", txt.COLUMNS["kt_co2"], ",.1f"),
                 _tip("change_pct", "基準年度からの増減（%）", "+.1f")])
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color=GREY).encode(y="y:Q")
    lines = base.mark_line(strokeWidth=3, point=alt.OverlayMarkDef(size=70, filled=True))
    last = data.sort_values("fiscal_year").groupby("sector").tail(1)
    last = last.assign(label_y=spread_labels(last["change_pct"].tolist(), data["change_pct"].tolist(),
                                             height, LABEL_GAP_PX))
    labels = alt.Chart(last).mark_text(align="left", dx=8, fontSize=14).encode(
        x=x, y=alt.Y("label_y:Q"), text="sector:N",
        color=alt.Color("sector:N", legend=None,
                        scale=alt.Scale(domain=sectors, range=[SECTOR_COLORS[s] for s in sectors])))
    return alt.layer(zero, lines, labels).properties(title=_title(title), height=height)


# --- Indicators --------------------------------------------------------------------

def status_counts_chart(counts: pd.DataFrame, title: str, height: int = 260):
    """Indicators per status for one FY, horizontal bars with the count written on them."""
    data = counts.copy()
    y = alt.Y("status:N", sort=list(c.STATUSES), title=None)
    bars = alt.Chart(data).mark_bar(height=30).encode(
        x=alt.X("count:Q", title="指標数", axis=alt.Axis(tickMinStep=1), scale=_room(data, "count")),
        y=y, color=alt.Color("status:N", scale=status_scale(), legend=None),
        tooltip=[_tip("status", txt.COLUMNS["status"], kind="N"),
                 _tip("count", "指標数（指標）", "d"),
                 _tip("previous", "前年度（指標）", "d"),
                 _tip("change", "前年度からの増減（指標）", "+d")])
    text = alt.Chart(data).mark_text(align="left", dx=6, fontSize=18, fontWeight="bold").encode(
        x="count:Q", y=y, text="count:Q")
    return alt.layer(bars, text).properties(title=_title(title), height=height)


def attainment_chart(table: pd.DataFrame, title: str, subtitle: str | None = None):
    """Each indicator's attainment (%) coloured by status, with the path's expected point."""
    # only the fields the marks and tooltips use: the data travels with every rerun
    data = table[["indicator_code", "indicator_name", "status", "attainment_pct", "expected_pct",
                  "actual_value", "target_value", "unit"]].copy()
    data["label"] = data["indicator_code"] + " " + data["indicator_name"]
    data["attainment_plot"] = data["attainment_pct"].clip(lower=-50, upper=150)
    order = data["label"].tolist()
    height = max(160, 30 * len(data) + 40)
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=420))
    tips = [_tip("indicator_name", txt.COLUMNS["indicator_name"], kind="N"),
            _tip("status", txt.COLUMNS["status"], kind="N"),
            _tip("attainment_pct", "達成率（%）", ",.1f"),
            _tip("expected_pct", "直線経路での達成率（%）", ",.1f"),
            _tip("actual_value", txt.COLUMNS["actual_value"], ",.2f"),
            _tip("target_value", txt.COLUMNS["target_value"], ",.2f"),
            _tip("unit", txt.COLUMNS["unit"], kind="N")]
    bars = alt.Chart(data).mark_bar(height=20).encode(
        x=alt.X("attainment_plot:Q", title="達成率（%）", scale=alt.Scale(domain=[-50, 150])),
        y=y, color=alt.Color("status:N", title=txt.COLUMNS["status"], scale=status_scale()),
        tooltip=tips)
    ticks = alt.Chart(data).mark_tick(color=BLACK, thickness=3, size=26).encode(
        x="expected_pct:Q", y=y, tooltip=tips)
    goal = alt.Chart(pd.DataFrame({"x": [100]})).mark_rule(color=BLACK, strokeDash=[4, 4]).encode(x="x:Q")
    missing = data[data["status"] == c.STATUS_UNREPORTED].assign(x=0, note=c.STATUS_UNREPORTED)
    note = alt.Chart(missing).mark_text(align="left", dx=4, fontSize=13, color="#555555").encode(
        x="x:Q", y=y, text="note:N")
    return alt.layer(bars, ticks, goal, note).properties(
        title=_title(title, subtitle or "黒い縦線＝直線経路で今あるべき位置、点線＝目標（100%）"),
        height=height)


def indicator_detail_chart(detail, title: str, subtitle: str | None = None, height: int = 440):
    """Actual values against the straight path and the target, with the trend projection."""
    unit = detail.unit
    y_title = f"{detail.indicator_name}（{unit}）"
    # Room right of the target year for the target / projection labels, so they never sit
    # on the path or the projection line (nothing is drawn after the target year).
    first_year = int(min([detail.target_year, *detail.path["fiscal_year"].tolist(),
                          *detail.series["fiscal_year"].tolist()]))
    room = max(3, round(0.3 * (detail.target_year - first_year)))
    axis = alt.Axis(title=txt.COLUMNS["fiscal_year"], format="d", tickMinStep=1,
                    labelExpr=f"datum.value <= {int(detail.target_year)} ? datum.value + '年度' : ''")
    x = alt.X("fiscal_year:Q", axis=axis,
              scale=alt.Scale(nice=False, padding=16, domain=[first_year, int(detail.target_year) + room]))
    frames = []
    path = detail.path.rename(columns={"expected_value": "value"}).assign(series=txt.SERIES_PATH)
    frames.append(path)
    actual = detail.series.rename(columns={"actual_value": "value"})[["fiscal_year", "value"]]
    frames.append(actual.assign(series=txt.SERIES_ACTUAL))
    if detail.projection is not None:
        frames.append(detail.projection.rename(columns={"projected_value": "value"})
                      .assign(series=txt.SERIES_PROJECTION))
    target = pd.DataFrame({"fiscal_year": [detail.target_year], "value": [detail.target_value],
                           "series": [txt.SERIES_TARGET]})
    frames.append(target)
    data = pd.concat(frames, ignore_index=True)
    domain = [txt.SERIES_ACTUAL, txt.SERIES_PATH, txt.SERIES_PROJECTION, txt.SERIES_TARGET]
    colors = [BLUE, BLACK, VERMILLION, GREEN]
    color = alt.Color("series:N", title=None, scale=alt.Scale(domain=domain, range=colors))
    tips = [_tip("series", txt.COLUMNS["series"], kind="N"),
            _tip("fiscal_year", txt.COLUMNS["fiscal_year"], "d"),
            alt.Tooltip("value:Q", title=f"値（{unit}）", format=",.2f")]
    base = alt.Chart(data).encode(x=x, y=alt.Y("value:Q", title=y_title), color=color, tooltip=tips)
    path_line = base.transform_filter(alt.datum.series == txt.SERIES_PATH).mark_line(
        strokeDash=[8, 5], strokeWidth=2.5)
    proj_line = base.transform_filter(alt.datum.series == txt.SERIES_PROJECTION).mark_line(
        strokeDash=[2, 4], strokeWidth=4)
    actual_line = base.transform_filter(alt.datum.series == txt.SERIES_ACTUAL).mark_line(
        strokeWidth=4, point=alt.OverlayMarkDef(size=140, filled=True))
    target_pt = base.transform_filter(alt.datum.series == txt.SERIES_TARGET).mark_point(
        shape="diamond", size=420, filled=True)
    labels = [(txt.target_label_unit(detail.target_value, unit), detail.target_value, GREEN)]
    if detail.projected_target_value is not None:
        labels.append((txt.projection_label(detail.projected_target_value, unit),
                       detail.projected_target_value, VERMILLION))
    values = [v for _, v, _ in labels]
    ys = spread_labels(values, data["value"].dropna().tolist() + values, height, 26)
    layers = [path_line, proj_line, actual_line, target_pt]
    for (text, _, colour), y in zip(labels, ys):
        layers.append(alt.Chart(pd.DataFrame({"fiscal_year": [detail.target_year], "value": [y],
                                              "label": [text]}))
                      .mark_text(dx=16, align="left", baseline="middle", fontSize=18, fontWeight="bold",
                                 color=colour)
                      .encode(x=x, y="value:Q", text="label:N"))
    return alt.layer(*layers).properties(title=_title(title, subtitle), height=height)


def status_share_chart(df: pd.DataFrame, title: str, height: int = 360):
    """Share of indicators by status per FY (100% stacked bars)."""
    data = _fy_label(df)
    order = {s: i for i, s in enumerate(c.STATUSES)}
    data["status_order"] = data["status"].map(order)
    return alt.Chart(data).mark_bar(size=48).encode(
        x=alt.X("fy_label:N", title=txt.COLUMNS["fiscal_year"], axis=alt.Axis(labelAngle=0)),
        y=alt.Y("share_pct:Q", title="指標の割合（%）", stack="zero", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("status:N", title=txt.COLUMNS["status"], scale=status_scale(),
                        sort=list(c.STATUSES)),
        order=alt.Order("status_order:Q"),
        tooltip=[_tip("fy_label", txt.COLUMNS["fiscal_year"], kind="N"),
                 _tip("status", txt.COLUMNS["status"], kind="N"),
                 _tip("count", "指標数（指標）", "d"),
                 _tip("share_pct", "割合（%）", ".1f")],
    ).properties(title=_title(title), height=height)


def status_compare_chart(df: pd.DataFrame, title: str, height: int = 300):
    """Indicators per status in two FYs, side by side."""
    data = _fy_label(df)
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("status:N", sort=list(c.STATUSES), title=None, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("fy_label:N", title=txt.COLUMNS["fiscal_year"]),
        y=alt.Y("count:Q", title="指標数", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("fy_label:N", title=txt.COLUMNS["fiscal_year"],
                        scale=alt.Scale(range=[SKY, BLUE])),
        tooltip=[_tip("fy_label", txt.COLUMNS["fiscal_year"], kind="N"),
                 _tip("status", txt.COLUMNS["status"], kind="N"),
                 _tip("count", "指標数（指標）", "d")],
    ).properties(title=_title(title), height=height)


# --- Stakeholders ------------------------------------------------------------------

def _measure_tip(measure: str) -> alt.Tooltip:
    return _tip(measure, f"{txt.STAKE_MEASURES[measure]}（{txt.STAKE_UNITS[measure]}）",
                ",.1f" if measure == "co2_t" else ",d")


def category_bar_chart(df: pd.DataFrame, measure: str, title: str):
    """One FY: collaborations / participants / CO2 per partner category."""
    data = df.sort_values(measure, ascending=False)
    height = max(160, 34 * len(data) + 40)
    y = alt.Y("stakeholder_type:N", sort=data["stakeholder_type"].tolist(), title=None)
    fmt = ",.1f" if measure == "co2_t" else ",d"
    bars = alt.Chart(data).mark_bar(height=22, color=NEUTRAL).encode(
        x=alt.X(f"{measure}:Q", title=f"{txt.STAKE_MEASURES[measure]}（{txt.STAKE_UNITS[measure]}）",
                scale=_room(data, measure)),
        y=y,
        tooltip=[_tip("stakeholder_type", txt.COLUMNS["stakeholder_type"], kind="N"),
                 _measure_tip("collaborations"), _measure_tip("participants"),
                 _measure_tip("co2_t")])
    text = alt.Chart(data).mark_text(align="left", dx=6, fontSize=15).encode(
        x=f"{measure}:Q", y=y, text=alt.Text(f"{measure}:Q", format=fmt))
    return alt.layer(bars, text).properties(title=_title(title), height=height)


def heatmap_chart(df: pd.DataFrame, measure: str, title: str):
    """Partner category × basic policy, darker = more."""
    types = [t for t in c.STAKEHOLDER_TYPES if t in set(df["stakeholder_type"])]
    pols = df.drop_duplicates("policy_code")["policy_name"].tolist()
    height = max(160, 34 * len(types) + 60)
    fmt = ",.1f" if measure == "co2_t" else ",d"
    base = alt.Chart(df).encode(
        x=alt.X("policy_name:N", sort=pols, title=txt.COLUMNS["policy_name"],
                axis=alt.Axis(labelAngle=0, labelLimit=0, orient="bottom", labelExpr=_wrap(6, 4),
                              labelLineHeight=17, labelBaseline="top")),
        y=alt.Y("stakeholder_type:N", sort=types, title=None))
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(f"{measure}:Q", title=f"{txt.STAKE_MEASURES[measure]}（{txt.STAKE_UNITS[measure]}）",
                        scale=alt.Scale(scheme="blues")),
        tooltip=[_tip("stakeholder_type", txt.COLUMNS["stakeholder_type"], kind="N"),
                 _tip("policy_name", txt.COLUMNS["policy_name"], kind="N"),
                 _measure_tip("collaborations"), _measure_tip("participants"), _measure_tip("co2_t")])
    mx = float(df[measure].max()) if not df.empty else 0.0
    text = base.mark_text(fontSize=14).encode(
        text=alt.Text(f"{measure}:Q", format=fmt),
        color=alt.condition(f"datum.{measure} > {mx * 0.55}", alt.value("white"), alt.value("black")))
    return alt.layer(rect, text).properties(title=_title(title), height=height)


def top_organisations_chart(df: pd.DataFrame, title: str):
    data = df.copy()
    height = max(160, 34 * len(data) + 40)
    y = alt.Y("organisation:N", sort=data["organisation"].tolist(), title=None)
    bars = alt.Chart(data).mark_bar(height=22, color=NEUTRAL).encode(
        x=alt.X("collaborations:Q", title="連携件数（件）", axis=alt.Axis(tickMinStep=1),
                scale=_room(data, "collaborations")), y=y,
        tooltip=[_tip("organisation", txt.COLUMNS["organisation"], kind="N"),
                 _tip("stakeholder_types", txt.COLUMNS["stakeholder_type"], kind="N"),
                 _measure_tip("collaborations"),
                 _tip("actions", "事業数（事業）", "d"),
                 _measure_tip("participants"), _measure_tip("co2_t")])
    text = alt.Chart(data).mark_text(align="left", dx=6, fontSize=15).encode(
        x="collaborations:Q", y=y, text="collaborations:Q")
    return alt.layer(bars, text).properties(title=_title(title), height=height)


def stakeholder_trend_chart(df: pd.DataFrame, measure: str, title: str, height: int = 360):
    """Per FY, stacked by partner category."""
    data = _fy_label(df)
    types = [t for t in c.STAKEHOLDER_TYPES if t in set(data["stakeholder_type"])]
    data["type_rank"] = data["stakeholder_type"].map({t: i for i, t in enumerate(types)})
    return alt.Chart(data).mark_bar(size=48).encode(
        order=alt.Order("type_rank:Q", sort="descending"),   # stack in the legend's order
        x=alt.X("fy_label:N", title=txt.COLUMNS["fiscal_year"], axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"sum({measure}):Q",
                title=f"{txt.STAKE_MEASURES[measure]}（{txt.STAKE_UNITS[measure]}）"),
        # 13 categories: a 4-column legend with capped labels (full names in the tooltip), so it
        # wraps instead of running off the right edge on a laptop screen
        color=alt.Color("stakeholder_type:N", title=txt.COLUMNS["stakeholder_type"], sort=types,
                        scale=alt.Scale(scheme="tableau20"),
                        legend=alt.Legend(columns=4, labelLimit=200)),
        tooltip=[_tip("fy_label", txt.COLUMNS["fiscal_year"], kind="N"),
                 _tip("stakeholder_type", txt.COLUMNS["stakeholder_type"], kind="N"),
                 _measure_tip("collaborations"), _measure_tip("participants"), _measure_tip("co2_t")],
    ).properties(title=_title(title), height=height)


# --- PDCA ----------------------------------------------------------------------------

def _stage_scale() -> alt.Scale:
    return alt.Scale(domain=[1, 2, 3, 4], range=[STAGE_COLORS[k] for k in (1, 2, 3, 4)])


def pdca_matrix_chart(df: pd.DataFrame, title: str, highlight_year: int | None = None):
    """Action × FY, coloured by the number of stages met; rows grouped by measure."""
    data = _fy_label(df)
    data["label"] = ("［" + data["measure_code"].fillna("") + "］" + data["action_code"] + " "
                     + data["action_name"])
    data["measure"] = data["measure_code"].fillna("") + " " + data["measure_name"].fillna("")
    data["state"] = [f"{s}/4" if r else f"{s}/4（{txt.NOT_REPORTED}）"
                     for s, r in zip(data["stages"], data["reported"])]
    order = data.drop_duplicates("label")["label"].tolist()
    years = sorted(data["fy_label"].unique().tolist())
    height = max(160, 24 * len(order) + 40)
    data = data[["fy_label", "label", "measure", "state", "stages"]]    # only what is drawn
    base = alt.Chart(data).encode(
        x=alt.X("fy_label:N", sort=years, title=None, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=380)))
    rect = base.mark_rect(stroke="white", strokeWidth=1.5).encode(
        color=alt.Color("stages:O", title=txt.STAGES_LEGEND, scale=_stage_scale()),
        tooltip=[_tip("measure", txt.COLUMNS["measure_name"], kind="N"),
                 _tip("label", txt.COLUMNS["action_name"], kind="N"),
                 _tip("fy_label", txt.COLUMNS["fiscal_year"], kind="N"),
                 _tip("state", "完了した段階（4段階中）", kind="N")])
    text = base.mark_text(fontSize=13).encode(
        text=alt.Text("stages:Q"),
        color=alt.condition(f"datum.stages >= {STAGE_WHITE_TEXT_FROM}", alt.value("white"),
                            alt.value("black")))
    layers = [rect, text]
    if highlight_year is not None and txt.fy_short(highlight_year) in years:
        hl = pd.DataFrame({"fy_label": [txt.fy_short(highlight_year)]})
        layers.append(alt.Chart(hl).mark_rect(fill=None, stroke=BLACK, strokeWidth=3).encode(
            x=alt.X("fy_label:N", sort=years)))
    return alt.layer(*layers).properties(title=_title(title, "数字＝完了した段階の数（P計画・D実施・C評価・A改善）"),
                                         height=height)


def funnel_chart(df: pd.DataFrame, title: str, height: int = 240):
    """Actions meeting each PDCA stage, one bar per stage.

    Not a funnel: each stage is counted on its own (the contract allows stages in any
    order), so a later stage may count more actions than an earlier one."""
    data = df.copy()
    data["stage_no"] = data["stage"].map(STAGE_OF)
    data["text"] = [txt.stage_count_label(n, p if p is not None and p == p else None)
                    for n, p in zip(data["count"], data["share_pct"])]
    y = alt.Y("label:N", sort=data["label"].tolist(), title=None)
    bars = alt.Chart(data).mark_bar(height=34).encode(
        x=alt.X("count:Q", title=txt.ACTIONS_AXIS, axis=alt.Axis(tickMinStep=1),
                scale=_room(data, "count", 0.3)),
        y=y, color=alt.Color("stage_no:O", scale=_stage_scale(), legend=None),
        tooltip=[_tip("label", txt.COLUMNS["stage"], kind="N"),
                 _tip("count", txt.ACTIONS_TIP, "d"),
                 _tip("share_pct", txt.SHARE_OF_PLANNED_TIP, ".1f")])
    text = alt.Chart(data).mark_text(align="left", dx=6, fontSize=17, fontWeight="bold").encode(
        x="count:Q", y=y, text="text:N")
    return alt.layer(bars, text).properties(title=_title(title, txt.STAGE_BARS_SUBTITLE), height=height)


def grade_chart(df: pd.DataFrame, title: str, height: int = 240):
    data = df.copy()
    y = alt.Y("label:N", sort=data["label"].tolist(), title=None)
    bars = alt.Chart(data).mark_bar(height=30).encode(
        x=alt.X("count:Q", title="事業数", axis=alt.Axis(tickMinStep=1), scale=_room(data, "count")),
        y=y, color=alt.Color("grade:N", scale=alt.Scale(domain=list(c.SELF_EVALUATIONS),
                                                   range=[GRADE_COLORS[g] for g in c.SELF_EVALUATIONS]),
                        legend=None),
        tooltip=[_tip("label", txt.COLUMNS["grade"], kind="N"), _tip("count", "事業数（事業）", "d"),
                 _tip("share_pct", "割合（%）", ".1f")])
    text = alt.Chart(data).mark_text(align="left", dx=6, fontSize=16).encode(
        x="count:Q", y=y, text="count:Q")
    return alt.layer(bars, text).properties(title=_title(title), height=height)


def direction_chart(df: pd.DataFrame, title: str, height: int = 260):
    data = df.copy()
    y = alt.Y("direction:N", sort=list(c.DIRECTIONS_NEXT), title=None)
    bars = alt.Chart(data).mark_bar(height=28, color=NEUTRAL).encode(
        x=alt.X("count:Q", title="事業数", axis=alt.Axis(tickMinStep=1), scale=_room(data, "count")),
        y=y, tooltip=[_tip("direction", txt.COLUMNS["direction"], kind="N"),
                 _tip("count", "事業数（事業）", "d"), _tip("share_pct", "割合（%）", ".1f")])
    text = alt.Chart(data).mark_text(align="left", dx=6, fontSize=16).encode(
        x="count:Q", y=y, text="count:Q")
    return alt.layer(bars, text).properties(title=_title(title), height=height)


def transitions_chart(df: pd.DataFrame, from_year: int, to_year: int, title: str):
    """From-grade × to-grade counts: above the diagonal improved, below worsened."""
    grades = list(c.SELF_EVALUATIONS) + [txt.NOT_REPORTED]
    a_title = f"{txt.fy_short(from_year)}の自己評価"
    b_title = f"{txt.fy_short(to_year)}の自己評価"
    base = alt.Chart(df).encode(
        x=alt.X("to_grade:N", sort=grades, title=b_title, axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("from_grade:N", sort=grades, title=a_title))
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("count:Q", title="事業数", scale=alt.Scale(scheme="blues")),
        tooltip=[alt.Tooltip("from_grade:N", title=a_title), alt.Tooltip("to_grade:N", title=b_title),
                 _tip("count", "事業数（事業）", "d")])
    mx = float(df["count"].max()) if not df.empty else 0.0
    text = base.mark_text(fontSize=18, fontWeight="bold").encode(
        text="count:Q",
        color=alt.condition(f"datum.count > {mx * 0.55}", alt.value("white"), alt.value("black")))
    return alt.layer(rect, text).properties(title=_title(title), height=320)


# --- Submissions ----------------------------------------------------------------------

def submission_matrix_chart(df: pd.DataFrame, title: str):
    data = _fy_label(df)
    data["state"] = [txt.SUBMITTED if s else txt.NOT_SUBMITTED for s in data["submitted"]]
    data["label"] = data["department_code"] + " " + data["department_name"]
    order = data.drop_duplicates("label")["label"].tolist()
    years = sorted(data["fy_label"].unique().tolist())
    height = max(160, 26 * len(order) + 60)
    data = data[["fy_label", "label", "state", "versions"]]             # only what is drawn
    base = alt.Chart(data).encode(
        x=alt.X("fy_label:N", sort=years, title=None, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)))
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("state:N", title=txt.COLUMNS["submitted_label"], scale=_scale(SUBMITTED_COLORS)),
        tooltip=[_tip("label", txt.COLUMNS["department_name"], kind="N"),
                 _tip("fy_label", txt.COLUMNS["fiscal_year"], kind="N"),
                 _tip("state", txt.COLUMNS["submitted_label"], kind="N"),
                 _tip("versions", "版数（版）", "d")])
    text = base.mark_text(fontSize=14, color="white", fontWeight="bold").encode(text="versions:Q")
    return alt.layer(rect, text).properties(title=_title(title), height=height)
