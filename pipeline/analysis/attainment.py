"""Indicator attainment (達成率) and status per FY; and their charts."""
from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

# The data are aggregated figures already; big warehouses may still exceed Altair's 5,000 rows.
from pipeline.analysis.chart_style import (
    BLACK,
    BLUE,
    GREEN,
    SKY,
    VERMILLION,
    chart_title,
    headroom,
    status_scale,
    tip,
    with_fy_label,
)
from pipeline.analysis.common import (
    Filters,
    Span,
    fetch,
    query,
    span_change,
    where_clause,
)
from pipeline.analysis.emissions import spread_labels
from pipeline.ingest import contract as c
from pipeline.ingest.normalise import is_missing
from pipeline.texts import dashboard as txt

#: Fewest and most recent values used for a trend projection.
PROJECTION_MIN_POINTS = 3


PROJECTION_MAX_POINTS = 5


_SUBMISSION_YEARS = "fiscal_year IN (SELECT DISTINCT fiscal_year FROM v_active_submissions)"


@query
def status_by_year(con, f: Filters, until_year: int | None = None) -> pd.DataFrame:
    """Indicators per status per FY (FYs with submissions, up to `until_year`), with shares."""
    extra = [_SUBMISSION_YEARS] + ([f"fiscal_year <= {int(until_year)}"] if until_year else [])
    where, params = where_clause(f.all_years(), extra=extra, measure_col="measure_code")
    df = fetch(con, f"SELECT fiscal_year, status, count(*) AS count FROM v_indicator_attainment "
                  f"{where} GROUP BY ALL", params)
    years = sorted(int(y) for y in df["fiscal_year"].unique())
    grid = pd.MultiIndex.from_product([years, list(c.STATUSES)], names=["fiscal_year", "status"])
    out = (df.set_index(["fiscal_year", "status"])["count"].reindex(grid, fill_value=0)
             .reset_index())
    out["count"] = out["count"].astype(int)
    totals = out.groupby("fiscal_year")["count"].transform("sum")
    out["share_pct"] = np.where(totals > 0, out["count"] / totals.where(totals > 0, 1) * 100, 0.0)
    return out


@query
def indicator_status_counts(con, f: Filters) -> pd.DataFrame:
    """For the selected FY: indicators per status, the previous FY's count and the change."""
    cols = ["status", "count", "previous", "change"]
    if f.fiscal_year is None:
        return pd.DataFrame(columns=cols)
    by_year = status_by_year(con, f)
    fy = int(f.fiscal_year)
    cur = by_year[by_year["fiscal_year"] == fy].set_index("status")["count"]
    prev = by_year[by_year["fiscal_year"] == fy - 1].set_index("status")["count"]
    rows = []
    for s in c.STATUSES:
        n = int(cur.get(s, 0))
        p = int(prev[s]) if s in prev.index else None
        rows.append({"status": s, "count": n, "previous": p,
                     "change": (n - p) if p is not None else None})
    out = pd.DataFrame(rows, columns=cols)
    if cur.empty:
        out["count"] = 0
    return out


@query
def attainment_table(con, f: Filters, measure: str | None = None,
                     statuses: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Every indicator's attainment and status for the selected FY."""
    extra = ["a." + _SUBMISSION_YEARS] if f.fiscal_year is None else []
    if measure:
        extra.append("a.measure_code = ?")
    if statuses:
        extra.append("a.status IN (" + ", ".join("?" for _ in statuses) + ")")
    where, params = where_clause(f, dept_col="a.department_code", policy_col="a.policy_code",
                           year_col="a.fiscal_year", extra=extra, measure_col="a.measure_code")
    # extra placeholders come first in the WHERE clause
    lead = ([measure] if measure else []) + list(statuses or ())
    sql = f"""
        SELECT a.fiscal_year, a.indicator_code, a.indicator_name, p.policy_name, m.measure_name,
               d.department_name, a.unit, a.direction, a.base_year, a.base_value,
               a.target_year, a.target_value, a.actual_value, a.expected_value,
               a.attainment_pct,
               (a.expected_value - a.base_value) / nullif(a.target_value - a.base_value, 0) * 100
                   AS expected_pct,
               a.status, a.policy_code, a.measure_code, a.department_code
        FROM v_indicator_attainment a
        LEFT JOIN v_policies p USING (policy_code)
        LEFT JOIN v_measures m ON m.measure_code = a.measure_code
        LEFT JOIN v_departments d ON d.department_code = a.department_code
        {where}
        ORDER BY a.fiscal_year, a.sort_order, a.indicator_code"""
    return fetch(con, sql, lead + params)


@dataclass(frozen=True)
class AttainmentSummary:
    indicators: int
    good: int                       # 達成 or 順調
    median_pct: float | None        # median attainment of the indicators that have one


def attainment_summary(table: pd.DataFrame) -> AttainmentSummary:
    """Counts and median attainment of an `attainment_table` frame."""
    good = sum(1 for s in table["status"].tolist() if s in c.GOOD_STATUSES)
    values = sorted(float(v) for v in table["attainment_pct"].tolist() if not is_missing(v))
    if not values:
        return AttainmentSummary(len(table), good, None)
    mid = len(values) // 2
    median = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
    return AttainmentSummary(len(table), good, median)


@query
def indicator_options(con, f: Filters) -> pd.DataFrame:
    where, params = where_clause(f.all_years(), measure_col="measure_code")
    return fetch(con, f"SELECT indicator_code, indicator_name FROM v_indicators {where} "
                    "ORDER BY sort_order, indicator_code", params)


@dataclass(frozen=True)
class IndicatorDetail:
    indicator_code: str
    indicator_name: str
    unit: str
    direction: str
    base_year: int
    base_value: float
    target_year: int
    target_value: float
    series: pd.DataFrame            # fiscal_year, actual_value, status, attainment_pct
    path: pd.DataFrame              # fiscal_year, expected_value (base year … target year)
    projection: pd.DataFrame | None  # fiscal_year, projected_value (last actual … target year)
    projected_target_value: float | None
    projection_points: int
    will_meet: bool | None


def linear_projection(years: list[int], values: list[float], to_year: int
                      ) -> tuple[float, float] | None:
    """Least-squares line through the points; returns (slope, value at to_year)."""
    if len(years) < 2:
        return None
    x = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    xm, ym = x.mean(), y.mean()
    denom = ((x - xm) ** 2).sum()
    if denom == 0:
        return None
    slope = float(((x - xm) * (y - ym)).sum() / denom)
    return slope, float(ym + slope * (to_year - xm))


def meets_target(value: float, target: float, direction: str) -> bool:
    return value >= target if direction == c.DIRECTION_UP else value <= target


@query
def indicator_detail(con, indicator_code: str, until_year: int | None = None) -> IndicatorDetail | None:
    meta = con.execute(
        "SELECT indicator_code, indicator_name, unit, direction, base_year, base_value, "
        "target_year, target_value FROM v_indicators WHERE indicator_code = ?",
        [indicator_code]).fetchone()
    if meta is None:
        return None
    code, name, unit, direction, by, bv, ty, tv = meta
    series = fetch(con, """SELECT fiscal_year, actual_value, status, attainment_pct
                         FROM v_indicator_attainment
                         WHERE indicator_code = ? AND actual_value IS NOT NULL
                           AND (? IS NULL OR fiscal_year <= ?)
                         ORDER BY fiscal_year""", [indicator_code, until_year, until_year])
    years = list(range(int(by), int(ty) + 1))
    path = pd.DataFrame({"fiscal_year": years,
                         "expected_value": [bv + (tv - bv) * (y - by) / (ty - by) if ty != by else tv
                                            for y in years]})
    recent = series.tail(PROJECTION_MAX_POINTS)
    projection, projected, will_meet, points = None, None, None, 0
    if len(recent) >= PROJECTION_MIN_POINTS:
        fit = linear_projection(recent["fiscal_year"].tolist(), recent["actual_value"].tolist(),
                                int(ty))
        if fit is not None:
            slope, projected = fit
            points = len(recent)
            last_year = int(recent["fiscal_year"].iloc[-1])
            xm = float(recent["fiscal_year"].mean())
            ym = float(recent["actual_value"].mean())
            pyears = list(range(last_year, max(int(ty), last_year) + 1))
            projection = pd.DataFrame({"fiscal_year": pyears,
                                       "projected_value": [ym + slope * (y - xm) for y in pyears]})
            will_meet = meets_target(projected, float(tv), direction)
    return IndicatorDetail(code, name, unit, direction, int(by), float(bv), int(ty), float(tv),
                           series, path, projection, projected, points, will_meet)


def good_share_span(share: pd.DataFrame) -> Span:
    """First and last FY of a `status_by_year` frame and the % of indicators 達成 or 順調
    in each (the change is that of the share)."""
    good = share[share["status"].isin(c.GOOD_STATUSES)]
    return span_change(good.groupby("fiscal_year", as_index=False)["share_pct"].sum(), "share_pct")


def status_counts_chart(counts: pd.DataFrame, title: str, height: int = 260):
    """Indicators per status for one FY, horizontal bars with the count written on them."""
    data = counts.copy()
    y = alt.Y("status:N", sort=list(c.STATUSES), title=None)
    bars = alt.Chart(data).mark_bar(height=30).encode(
        x=alt.X("count:Q", title=txt.INDICATORS_AXIS, axis=alt.Axis(tickMinStep=1), scale=headroom(data, "count")),
        y=y, color=alt.Color("status:N", scale=status_scale(), legend=None),
        tooltip=[tip("status", txt.COLUMNS["status"], kind="N"),
                 tip("count", txt.INDICATORS_TIP, "d"),
                 tip("previous", txt.PREVIOUS_INDICATORS_TIP, "d"),
                 tip("change", txt.CHANGE_INDICATORS_TIP, "+d")])
    text = alt.Chart(data).mark_text(align="left", dx=6, fontSize=18, fontWeight="bold").encode(
        x="count:Q", y=y, text="count:Q")
    return alt.layer(bars, text).properties(title=chart_title(title), height=height)


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
    tips = [tip("indicator_name", txt.COLUMNS["indicator_name"], kind="N"),
            tip("status", txt.COLUMNS["status"], kind="N"),
            tip("attainment_pct", txt.ATTAINMENT_AXIS, ",.1f"),
            tip("expected_pct", txt.EXPECTED_ATTAINMENT_TIP, ",.1f"),
            tip("actual_value", txt.COLUMNS["actual_value"], ",.2f"),
            tip("target_value", txt.COLUMNS["target_value"], ",.2f"),
            tip("unit", txt.COLUMNS["unit"], kind="N")]
    bars = alt.Chart(data).mark_bar(height=20).encode(
        x=alt.X("attainment_plot:Q", title=txt.ATTAINMENT_AXIS, scale=alt.Scale(domain=[-50, 150])),
        y=y, color=alt.Color("status:N", title=txt.COLUMNS["status"], scale=status_scale()),
        tooltip=tips)
    ticks = alt.Chart(data).mark_tick(color=BLACK, thickness=3, size=26).encode(
        x="expected_pct:Q", y=y, tooltip=tips)
    goal = alt.Chart(pd.DataFrame({"x": [100]})).mark_rule(color=BLACK, strokeDash=[4, 4]).encode(x="x:Q")
    missing = data[data["status"] == c.STATUS_UNREPORTED].assign(x=0, note=c.STATUS_UNREPORTED)
    note = alt.Chart(missing).mark_text(align="left", dx=4, fontSize=13, color="#555555").encode(
        x="x:Q", y=y, text="note:N")
    return alt.layer(bars, ticks, goal, note).properties(
        title=chart_title(title, subtitle or txt.ATTAINMENT_SUBTITLE),
        height=height)


def indicator_detail_chart(detail, title: str, subtitle: str | None = None, height: int = 440):
    """Actual values against the straight path and the target, with the trend projection."""
    unit = detail.unit
    y_title = txt.with_unit(detail.indicator_name, unit)
    # Room right of the target year for the target / projection labels, so they never sit
    # on the path or the projection line (nothing is drawn after the target year).
    first_year = int(min([detail.target_year, *detail.path["fiscal_year"].tolist(),
                          *detail.series["fiscal_year"].tolist()]))
    room = max(3, round(0.3 * (detail.target_year - first_year)))
    axis = alt.Axis(title=txt.COLUMNS["fiscal_year"], format="d", tickMinStep=1,
                    labelExpr=f"datum.value <= {int(detail.target_year)} ? datum.value + '{txt.FY_SUFFIX}' : ''")
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
    tips = [tip("series", txt.COLUMNS["series"], kind="N"),
            tip("fiscal_year", txt.COLUMNS["fiscal_year"], "d"),
            alt.Tooltip("value:Q", title=txt.value_tip(unit), format=",.2f")]
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
    return alt.layer(*layers).properties(title=chart_title(title, subtitle), height=height)


def status_share_chart(df: pd.DataFrame, title: str, height: int = 360):
    """Share of indicators by status per FY (100% stacked bars)."""
    data = with_fy_label(df)
    order = {s: i for i, s in enumerate(c.STATUSES)}
    data["status_order"] = data["status"].map(order)
    return alt.Chart(data).mark_bar(size=48).encode(
        x=alt.X("fy_label:N", title=txt.COLUMNS["fiscal_year"], axis=alt.Axis(labelAngle=0)),
        y=alt.Y("share_pct:Q", title=txt.STATUS_SHARE_AXIS, stack="zero", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("status:N", title=txt.COLUMNS["status"], scale=status_scale(),
                        sort=list(c.STATUSES)),
        order=alt.Order("status_order:Q"),
        tooltip=[tip("fy_label", txt.COLUMNS["fiscal_year"], kind="N"),
                 tip("status", txt.COLUMNS["status"], kind="N"),
                 tip("count", txt.INDICATORS_TIP, "d"),
                 tip("share_pct", txt.SHARE_TIP, ".1f")],
    ).properties(title=chart_title(title), height=height)


def status_compare_chart(df: pd.DataFrame, title: str, height: int = 300):
    """Indicators per status in two FYs, side by side."""
    data = with_fy_label(df)
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("status:N", sort=list(c.STATUSES), title=None, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("fy_label:N", title=txt.COLUMNS["fiscal_year"]),
        y=alt.Y("count:Q", title=txt.INDICATORS_AXIS, axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("fy_label:N", title=txt.COLUMNS["fiscal_year"],
                        scale=alt.Scale(range=[SKY, BLUE])),
        tooltip=[tip("fy_label", txt.COLUMNS["fiscal_year"], kind="N"),
                 tip("status", txt.COLUMNS["status"], kind="N"),
                 tip("count", txt.INDICATORS_TIP, "d")],
    ).properties(title=chart_title(title), height=height)


def status_counts_from_table(table: pd.DataFrame, fiscal_year: int) -> pd.DataFrame:
    """`indicator_status_counts` computed from an `attainment_table` of all FYs (the same view
    rows), so that a caller needing it per policy splits one query instead of running one per
    policy.  Equal to `indicator_status_counts(con, f.year(fiscal_year))` for the same filters."""
    cols = ["status", "count", "previous", "change"]
    years = set(table["fiscal_year"].tolist())
    statuses = table["status"].tolist()
    by_year: dict[int, dict[str, int]] = {}
    for y, s in zip(table["fiscal_year"].tolist(), statuses):
        by_year.setdefault(int(y), {}).setdefault(s, 0)
        by_year[int(y)][s] += 1
    fy = int(fiscal_year)
    cur = by_year.get(fy, {})
    prev = by_year.get(fy - 1) if (fy - 1) in years else None
    rows = []
    for s in c.STATUSES:
        n = int(cur.get(s, 0))
        p = int(prev.get(s, 0)) if prev is not None else None
        rows.append({"status": s, "count": n, "previous": p,
                     "change": (n - p) if p is not None else None})
    return pd.DataFrame(rows, columns=cols)
