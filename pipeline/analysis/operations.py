"""The city government's own emissions (事務事業編, contract section 8): named queries over
v_operations_emissions, v_facility_emissions and v_operations_change, and their charts.

Every figure is the views' own (the warehouse computes amounts, factors, totals, status
and the decomposition); this module picks, names and arranges them.  The pace uses the
city-wide inventory's formula (`emissions.annual_rate`), so both inventories read alike.
An organisation is chosen by its code; `None` or "" means the whole city government.
"""
from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from pipeline.analysis.chart_style import (
    BLACK,
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    PURPLE,
    SKY,
    VERMILLION,
    YELLOW,
    chart_title,
    fy_axis,
    headroom,
    path_line,
    status_scale,
    target_labels,
    tip,
    zero_rule,
)
from pipeline.analysis.common import fetch, is_missing, pct, query
from pipeline.analysis.emissions import annual_rate
from pipeline.ingest import contract as c
from pipeline.texts import dashboard as dtxt
from pipeline.texts import operations as txt
from pipeline.warehouse.schema import has_table

#: The organisation selector's value for the whole city government.
WHOLE = ""

#: Facilities shown in the "largest" and "largest change" charts.
TOP_N = 15

#: Colours of activities, in the factor workbook's order (activities are data, not code).
ACTIVITY_PALETTE = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW, GREY, "#8C564B", "#17BECF")


def _org(organisation: str | None) -> str | None:
    return organisation or None


def _marked(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with `provisional_mark` (暫定 or blank) beside its `provisional` flag."""
    return frame.assign(provisional_mark=[txt.provisional_mark(v) for v in frame["provisional"].tolist()])


def any_provisional(frame: pd.DataFrame) -> bool:
    """Whether any figure of the frame is 暫定."""
    return bool(len(frame)) and bool(frame["provisional"].fillna(False).astype(bool).any())


def t_digits(value: float | None) -> int:
    """Decimals for a t-CO2 figure: one below 1,000 t, none above (a metric stays readable)."""
    return 1 if value is None or abs(value) < 1000 else 0


def _num(value) -> float | None:
    return None if is_missing(value) or value is pd.NA else float(value)


# --- what exists ----------------------------------------------------------------------------

@query
def has_inventory(con) -> bool:
    """Whether the current master has the 事務事業編 sheets (section 8.1: all four or none)."""
    if not has_table(con, "v_organisations"):
        return False
    return con.execute("SELECT count(*) FROM v_organisations").fetchone()[0] > 0


@query
def has_factors(con) -> bool:
    """Whether an emission factor workbook (排出係数表) is loaded."""
    return has_table(con, "v_current_factor_set") and \
        con.execute("SELECT count(*) FROM v_current_factor_set").fetchone()[0] > 0


@query
def inventory_years(con) -> list[int]:
    """FYs whose whole-government emissions could be computed, ascending."""
    return [int(r[0]) for r in con.execute(
        "SELECT fiscal_year FROM v_operations_emissions WHERE organisation_code IS NULL "
        "AND t_co2 IS NOT NULL ORDER BY 1").fetchall()]


@query
def energy_years(con) -> list[int]:
    """FYs with reported energy use (whether or not a factor could price it), ascending."""
    return [int(r[0]) for r in con.execute(
        "SELECT DISTINCT fiscal_year FROM v_energy_usage ORDER BY 1").fetchall()]


@dataclass(frozen=True)
class InventoryState:
    """What the page needs before any figure, in one query: whether the master has the
    section-8 sheets, a factor workbook is loaded, energy was reported (FYs), emissions
    could be computed (FYs), and the organisation choices ((code, name); "" = whole)."""
    has_inventory: bool
    has_factors: bool
    energy_years: tuple[int, ...]
    inventory_years: tuple[int, ...]
    scopes: tuple[tuple[str, str], ...]


@query
def inventory_state(con) -> InventoryState:
    if not has_inventory(con):
        return InventoryState(False, has_factors(con), (), (), ())
    frame = scopes(con)
    return InventoryState(True, has_factors(con), tuple(energy_years(con)), tuple(inventory_years(con)),
                          tuple(zip(frame["organisation_code"].tolist(), frame["organisation_name"].tolist())))


@query
def scopes(con) -> pd.DataFrame:
    """The organisation choices: the whole government (code "") first, then each 組織."""
    orgs = fetch(con, "SELECT organisation_code, organisation_name FROM v_organisations "
                      "ORDER BY sort_order, organisation_code")
    whole = pd.DataFrame({"organisation_code": [WHOLE], "organisation_name": [txt.WHOLE_GOVERNMENT]})
    return pd.concat([whole, orgs], ignore_index=True)


# --- totals against base, path and target -----------------------------------------------------

_TOTALS_SQL = """
    SELECT o.fiscal_year, o.organisation_code, g.organisation_name, o.t_co2, o.t_co2_fixed,
           o.base_year, o.base_t_co2, o.target_year, o.target_t_co2, o.expected_t_co2,
           o.reduction_pct, o.status, o.provisional, o.facilities_reported, o.facilities_in_use,
           o.sort_order
    FROM v_operations_emissions o LEFT JOIN v_organisations g USING (organisation_code)"""


def _with_targets(frame: pd.DataFrame) -> pd.DataFrame:
    """Scope names, the target's and the path's reduction from base (%), 暫定 marks."""
    out = frame.copy()
    out["organisation_name"] = [txt.scope_name(n if isinstance(n, str) else None)
                                for n in out["organisation_name"].tolist()]
    base = out["base_t_co2"].astype("float64")
    out["target_reduction_pct"] = (base - out["target_t_co2"].astype("float64")) / base * 100
    out["expected_reduction_pct"] = (base - out["expected_t_co2"].astype("float64")) / base * 100
    return _marked(out)


@query
def operations_totals(con, organisation: str | None = None) -> pd.DataFrame:
    """v_operations_emissions of one scope over every FY, with the target's and the straight
    path's reduction from base (%) and the 暫定 mark."""
    df = fetch(con, _TOTALS_SQL + " WHERE o.organisation_code IS NOT DISTINCT FROM ? "
                                  "ORDER BY o.fiscal_year", [_org(organisation)])
    return _with_targets(df)


@query
def operations_history(con, until_year: int | None = None) -> pd.DataFrame:
    """v_operations_emissions of every scope (the whole government first in each FY) up to
    `until_year`, with the target's and the path's reduction (%) and the 暫定 mark."""
    df = fetch(con, _TOTALS_SQL + " WHERE CAST(? AS INTEGER) IS NULL OR o.fiscal_year <= ? "
                                  "ORDER BY o.fiscal_year, o.sort_order, o.organisation_code",
               [until_year, until_year])
    return _with_targets(df).drop(columns="sort_order")


@dataclass(frozen=True)
class OperationsPace:
    """One scope at its latest FY up to the chosen one: figures of v_operations_emissions and
    the annual reduction rates of section 5 (the city-wide inventory's formula)."""
    scope: str
    latest_year: int
    t_co2: float
    provisional: bool
    base_year: int | None
    base_t_co2: float | None
    target_year: int | None
    target_t_co2: float | None
    expected_t_co2: float | None
    reduction_pct: float | None
    target_reduction_pct: float | None
    actual_rate_pct: float | None
    needed_rate_pct: float | None
    on_track: bool | None
    status: str | None
    facilities_reported: int
    facilities_in_use: int


def pace_of(row: dict, scope: str) -> OperationsPace:
    """The pace of one v_operations_emissions row (plus target_reduction_pct)."""
    base_year, base = row.get("base_year"), _num(row.get("base_t_co2"))
    target_year, target = row.get("target_year"), _num(row.get("target_t_co2"))
    fy, t = int(row["fiscal_year"]), float(row["t_co2"])
    has_base = base is not None and not is_missing(base_year)
    actual = annual_rate(base, t, fy - int(base_year)) if has_base else None
    needed = (annual_rate(base, target, int(target_year) - int(base_year))
              if has_base and target is not None and not is_missing(target_year) else None)
    on_track = actual >= needed - 1e-12 if actual is not None and needed is not None else None
    status = row.get("status")
    return OperationsPace(
        scope, fy, t, bool(row.get("provisional")),
        int(base_year) if has_base else None, base,
        None if is_missing(target_year) else int(target_year), target,
        _num(row.get("expected_t_co2")), _num(row.get("reduction_pct")),
        _num(row.get("target_reduction_pct")), actual, needed, on_track,
        status if isinstance(status, str) else None,
        int(row.get("facilities_reported") or 0), int(row.get("facilities_in_use") or 0))


@query
def operations_pace(con, fiscal_year: int, organisation: str | None = None) -> OperationsPace | None:
    """The scope's figures at the latest FY up to `fiscal_year` that has emissions (None:
    none yet)."""
    totals = operations_totals(con, organisation)
    rows = totals[(totals["fiscal_year"] <= int(fiscal_year)) & totals["t_co2"].notna()]
    if rows.empty:
        return None
    last = rows.iloc[-1].to_dict()
    return pace_of(last, str(last["organisation_name"]))


@query
def operations_status(con, fiscal_year: int) -> pd.DataFrame:
    """Every scope (the whole government first) in one FY: emissions, base, path, target,
    status, the annual rates (actual and needed), coverage and the 暫定 mark."""
    df = _with_targets(fetch(con, _TOTALS_SQL + " WHERE o.fiscal_year = ? "
                                                "ORDER BY o.sort_order, o.organisation_code",
                             [int(fiscal_year)]))
    actual, needed, on_track = [], [], []
    for row in df.to_dict("records"):
        if is_missing(row["t_co2"]):
            actual.append(None), needed.append(None), on_track.append(None)
            continue
        p = pace_of(row, row["organisation_name"])
        actual.append(p.actual_rate_pct), needed.append(p.needed_rate_pct), on_track.append(p.on_track)
    df["actual_rate_pct"] = pd.array(actual, dtype="Float64")
    df["needed_rate_pct"] = pd.array(needed, dtype="Float64")
    df["on_track"] = pd.array(on_track, dtype="boolean")
    reported, in_use = df["facilities_reported"], df["facilities_in_use"]
    df["coverage_pct"] = [pct(r, n) for r, n in zip(reported.tolist(), in_use.tolist())]
    return df.drop(columns="sort_order").reset_index(drop=True)


def good_organisations(status: pd.DataFrame) -> tuple[int, int]:
    """(organisations 達成 or 順調, organisations with a status) — the whole government aside."""
    orgs = status[(status["organisation_code"].notna()) & status["status"].notna()
                  & (status["status"] != c.STATUS_UNREPORTED)]
    return int(orgs["status"].isin(c.GOOD_STATUSES).sum()), len(orgs)


# --- by activity ----------------------------------------------------------------------------

@query
def emissions_by_activity(con, organisation: str | None = None,
                          until_year: int | None = None) -> pd.DataFrame:
    """t-CO2 per FY and 活動区分 (in the factor workbook's order) with each one's share of
    the FY and the 暫定 mark."""
    org = _org(organisation)
    df = fetch(con, """
        SELECT e.fiscal_year, e.activity, sum(e.t_co2) AS t_co2, bool_or(e.provisional) AS provisional,
               min(a.sort_order) AS activity_order
        FROM v_facility_emissions e LEFT JOIN v_factor_activities a ON a.activity = e.activity
        WHERE (CAST(? AS VARCHAR) IS NULL OR e.organisation_code = ?)
          AND (CAST(? AS INTEGER) IS NULL OR e.fiscal_year <= ?)
        GROUP BY e.fiscal_year, e.activity
        HAVING sum(e.t_co2) IS NOT NULL
        ORDER BY e.fiscal_year, activity_order NULLS LAST, e.activity""",
               [org, org, until_year, until_year])
    totals = df.groupby("fiscal_year")["t_co2"].transform("sum")
    df["share_pct"] = [pct(t, s) for t, s in zip(df["t_co2"].tolist(), totals.tolist())]
    return _marked(df).drop(columns="activity_order")


@query
def activity_by_organisation(con, fiscal_year: int) -> pd.DataFrame:
    """t-CO2 of the FY per organisation and 活動区分 (organisations and activities in
    master and factor-workbook order; facilities without an organisation are left out)."""
    df = fetch(con, """
        SELECT e.organisation_code, any_value(g.organisation_name) AS organisation_name, e.activity,
               sum(e.t_co2) AS t_co2, bool_or(e.provisional) AS provisional,
               min(g.sort_order) AS o_order, min(a.sort_order) AS a_order
        FROM v_facility_emissions e
        JOIN v_organisations g ON g.organisation_code = e.organisation_code
        LEFT JOIN v_factor_activities a ON a.activity = e.activity
        WHERE e.fiscal_year = ?
        GROUP BY e.organisation_code, e.activity
        HAVING sum(e.t_co2) IS NOT NULL
        ORDER BY o_order, a_order NULLS LAST, e.activity""", [int(fiscal_year)])
    return _marked(df.drop(columns=["o_order", "a_order"]))


def activity_matrix(by_org: pd.DataFrame) -> pd.DataFrame:
    """`activity_by_organisation` as a table: one row per activity, one column per
    organisation (t-CO2, 0 where none) and the total, in the frame's orders."""
    if by_org.empty:
        return pd.DataFrame(columns=["activity", txt.TOTAL])
    orgs = list(dict.fromkeys(by_org["organisation_name"].tolist()))
    activities = list(dict.fromkeys(by_org["activity"].tolist()))
    wide = by_org.pivot_table(index="activity", columns="organisation_name", values="t_co2",
                              aggfunc="sum", fill_value=0.0).reindex(index=activities, columns=orgs,
                                                                     fill_value=0.0)
    wide[txt.TOTAL] = wide.sum(axis=1)
    return wide.reset_index().rename_axis(columns=None)


def largest_activity(by_activity: pd.DataFrame, fiscal_year: int) -> tuple[str, float] | None:
    """The FY's activity with the largest emissions and its share (%)."""
    year = by_activity[by_activity["fiscal_year"] == fiscal_year]
    if year.empty or year["t_co2"].max() <= 0:
        return None
    row = year.sort_values("t_co2", ascending=False, kind="stable").iloc[0]
    return str(row["activity"]), float(row["share_pct"])


# --- facilities ---------------------------------------------------------------------------

_FACILITY_COLUMNS = ["facility_code", "facility_name", "department_code", "department_name",
                     "organisation_code", "organisation_name", "use_type", "floor_area_m2",
                     "t_co2", "t_co2_fixed", "provisional"]


def _facility_totals(con, fiscal_year: int, organisation: str | None,
                     department: str | None) -> pd.DataFrame:
    org = _org(organisation)
    return fetch(con, """
        SELECT e.facility_code, any_value(e.facility_name) AS facility_name,
               any_value(e.department_code) AS department_code,
               any_value(d.department_name) AS department_name,
               any_value(e.organisation_code) AS organisation_code,
               any_value(g.organisation_name) AS organisation_name,
               any_value(e.use_type) AS use_type, any_value(e.floor_area_m2) AS floor_area_m2,
               sum(e.t_co2) AS t_co2,
               CASE WHEN count(*) = count(e.t_co2_fixed) THEN sum(e.t_co2_fixed) END AS t_co2_fixed,
               bool_or(e.provisional) AS provisional
        FROM v_facility_emissions e
        LEFT JOIN v_departments d ON d.department_code = e.department_code
        LEFT JOIN v_organisations g ON g.organisation_code = e.organisation_code
        WHERE e.fiscal_year = ? AND (CAST(? AS VARCHAR) IS NULL OR e.organisation_code = ?)
          AND (CAST(? AS VARCHAR) IS NULL OR e.department_code = ?)
        GROUP BY e.facility_code""", [int(fiscal_year), org, org, department, department])


@query
def facility_emissions(con, fiscal_year: int, organisation: str | None = None,
                       department: str | None = None) -> pd.DataFrame:
    """One row per facility with emissions in the FY (largest first): its department,
    organisation, 用途, floor area, t-CO2 (and with the base year's factors), kg-CO2/㎡,
    share of the shown total and the 暫定 mark."""
    df = _facility_totals(con, fiscal_year, organisation, department)[_FACILITY_COLUMNS]
    df = df[df["t_co2"].notna()].sort_values(["t_co2", "facility_code"], ascending=[False, True],
                                            kind="stable").reset_index(drop=True)
    area = df["floor_area_m2"].astype("float64")
    df["kg_per_m2"] = (df["t_co2"] * 1000 / area).where(area > 0)
    total = float(df["t_co2"].sum())
    df["share_of_total_pct"] = [pct(t, total) for t in df["t_co2"].tolist()]
    return _marked(df)


def top_facilities(facilities: pd.DataFrame, n: int = TOP_N) -> pd.DataFrame:
    """The `n` facilities with the largest emissions (the frame is sorted already)."""
    return facilities.head(n).reset_index(drop=True)


def top_summary(facilities: pd.DataFrame, n: int = TOP_N) -> tuple[int, float | None, str | None,
                                                                float | None]:
    """(facilities shown, their % of the shown total — None when all are shown —, the
    largest one's name and its %)."""
    total = float(facilities["t_co2"].sum()) if len(facilities) else 0.0
    if not total:
        return min(n, len(facilities)), None, None, None
    top = facilities.head(n)
    first = top.iloc[0]
    share = pct(float(top["t_co2"].sum()), total) if len(facilities) > n else None
    return (len(top), share, str(first["facility_name"]),
            pct(float(first["t_co2"]), total))


@query
def facility_changes(con, fiscal_year: int, organisation: str | None = None,
                     department: str | None = None, n: int = TOP_N) -> pd.DataFrame:
    """The `n` facilities whose emissions changed most from the previous FY (by size),
    among those with figures in both FYs (a facility that did not report, or opened, is
    a coverage matter, not a change): t-CO2 in both, change and change rate (%)."""
    cols = ["facility_code", "facility_name", "department_name", "organisation_name", "use_type",
            "t_co2_previous", "t_co2", "change_t", "change_rate_pct", "provisional"]
    fy = int(fiscal_year)
    now = _facility_totals(con, fy, organisation, department)
    before = _facility_totals(con, fy - 1, organisation, department)
    both = now[now["t_co2"].notna()].merge(
        before.loc[before["t_co2"].notna(), ["facility_code", "t_co2", "provisional"]],
        on="facility_code", how="inner", suffixes=("", "_prev"))
    if both.empty:
        return _marked(pd.DataFrame(columns=cols).astype({"provisional": bool}))
    both["t_co2_previous"] = both["t_co2_prev"].astype("float64")
    both["t_co2"] = both["t_co2"].astype("float64")
    both["change_t"] = both["t_co2"] - both["t_co2_previous"]
    both["change_rate_pct"] = [pct(ch, p) if p > 0 else None
                               for ch, p in zip(both["change_t"].tolist(), both["t_co2_previous"].tolist())]
    both["provisional"] = both["provisional"].astype(bool) | both["provisional_prev"].astype(bool)
    both["_size"] = both["change_t"].abs()
    out = both[both["_size"] > 0].sort_values(["_size", "facility_code"], ascending=[False, True],
                                             kind="stable").head(n)
    return _marked(out[cols].reset_index(drop=True))


def largest_change(changes: pd.DataFrame) -> tuple[str, float] | None:
    if changes.empty:
        return None
    row = changes.iloc[0]
    return str(row["facility_name"]), float(row["change_t"])


def intensity_by_use(facilities: pd.DataFrame) -> pd.DataFrame:
    """Per 用途: facilities with a floor area, their area (㎡), t-CO2 and kg-CO2/㎡
    (Σ t-CO2 × 1000 / Σ ㎡), largest intensity first."""
    cols = ["use_type", "facilities", "floor_area_m2", "t_co2", "kg_per_m2", "provisional"]
    data = facilities[facilities["floor_area_m2"].astype("float64") > 0].copy()
    if data.empty:
        return _marked(pd.DataFrame(columns=cols))
    data["use_type"] = [u if isinstance(u, str) and u else txt.NO_USE_TYPE
                        for u in data["use_type"].tolist()]
    out = data.groupby("use_type", as_index=False).agg(
        facilities=("facility_code", "count"), floor_area_m2=("floor_area_m2", "sum"),
        t_co2=("t_co2", "sum"), provisional=("provisional", "any"))
    out["kg_per_m2"] = out["t_co2"] * 1000 / out["floor_area_m2"]
    out = out.sort_values(["kg_per_m2", "use_type"], ascending=[False, True], kind="stable")
    return _marked(out[cols].reset_index(drop=True))


def largest_intensity(intensity: pd.DataFrame) -> tuple[str | None, float | None]:
    """The 用途 with the largest kg-CO2/㎡ and that figure."""
    if intensity.empty:
        return None, None
    first = intensity.iloc[0]
    return str(first["use_type"]), float(first["kg_per_m2"])


def facility_choices(facilities: pd.DataFrame) -> dict[str, str]:
    """Facility code → its label, for the provenance selector (largest first)."""
    return {code: txt.facility_option(code, name if isinstance(name, str) else None)
            for code, name in zip(facilities["facility_code"].tolist(),
                                  facilities["facility_name"].tolist())}


# --- the electricity factor's effect ---------------------------------------------------------

def factor_comparison(totals: pd.DataFrame, until_year: int | None = None) -> pd.DataFrame:
    """Per FY (up to `until_year`): the scope's emissions with that FY's factors and with
    the base year's fixed factors, one row each (long form for grouped bars); a FY whose
    fixed figure is NULL (an activity without a base-year factor) has the first only."""
    data = totals[totals["t_co2"].notna()]
    if until_year is not None:
        data = data[data["fiscal_year"] <= until_year]
    rows = []
    for r in data.to_dict("records"):
        mark = txt.provisional_mark(r["provisional"])
        rows.append({"fiscal_year": int(r["fiscal_year"]), "basis": txt.BASIS_CURRENT,
                     "t_co2": float(r["t_co2"]), "provisional_mark": mark})
        if not is_missing(r["t_co2_fixed"]):
            rows.append({"fiscal_year": int(r["fiscal_year"]), "basis": txt.BASIS_FIXED,
                         "t_co2": float(r["t_co2_fixed"]), "provisional_mark": ""})
    return pd.DataFrame(rows, columns=["fiscal_year", "basis", "t_co2", "provisional_mark"])


def factor_gap(comparison: pd.DataFrame, fiscal_year: int) -> tuple[float | None, float | None]:
    """(current, fixed) t-CO2 of the FY from `factor_comparison`."""
    year = comparison[comparison["fiscal_year"] == fiscal_year]
    values = dict(zip(year["basis"], year["t_co2"]))
    return values.get(txt.BASIS_CURRENT), values.get(txt.BASIS_FIXED)


def fixed_missing(totals: pd.DataFrame) -> bool:
    """Whether a FY with emissions lacks the fixed-factor figure."""
    data = totals[totals["t_co2"].notna()]
    return bool(data["t_co2_fixed"].isna().any())


# --- the year-on-year decomposition ----------------------------------------------------------

@query
def operations_changes(con, fiscal_year: int) -> pd.DataFrame:
    """v_operations_change of the FY for every scope (the whole government first)."""
    df = fetch(con, """
        SELECT c.fiscal_year, c.organisation_code, g.organisation_name, c.previous_year,
               c.t_co2_previous, c.t_co2, c.change_t, c.usage_effect_t, c.factor_effect_t
        FROM v_operations_change c LEFT JOIN v_organisations g USING (organisation_code)
        WHERE c.fiscal_year = ?
        ORDER BY c.organisation_code IS NOT NULL, g.sort_order, c.organisation_code""",
               [int(fiscal_year)])
    df["organisation_name"] = [txt.scope_name(n if isinstance(n, str) else None)
                               for n in df["organisation_name"].tolist()]
    return df


@query
def decomposition(con, fiscal_year: int, organisation: str | None = None) -> pd.DataFrame:
    """The scope's v_operations_change row of the FY (no row without the previous FY)."""
    return fetch(con, "SELECT * FROM v_operations_change WHERE fiscal_year = ? "
                      "AND organisation_code IS NOT DISTINCT FROM ?",
                 [int(fiscal_year), _org(organisation)])


def change_figures(change: pd.DataFrame) -> tuple[int, float, float, float]:
    """(previous FY, change, usage effect, factor effect) of a `decomposition` row."""
    row = change.iloc[0]
    return (int(row["previous_year"]), float(row["change_t"]), float(row["usage_effect_t"]),
            float(row["factor_effect_t"]))


def waterfall_steps(change: pd.DataFrame) -> pd.DataFrame:
    """The decomposition as waterfall steps: previous total, usage effect, factor effect,
    current total; `start`/`end` are where each bar begins and ends (t-CO2)."""
    row = change.iloc[0]
    prev, usage, factor = (float(row["t_co2_previous"]), float(row["usage_effect_t"]),
                           float(row["factor_effect_t"]))
    now, fy, before = float(row["t_co2"]), int(row["fiscal_year"]), int(row["previous_year"])
    rows = [
        (txt.STEP_PREVIOUS, prev, 0.0, prev, txt.KIND_TOTAL, before),
        (txt.STEP_USAGE, usage, prev, prev + usage, _kind(usage), fy),
        (txt.STEP_FACTOR, factor, prev + usage, prev + usage + factor, _kind(factor), fy),
        (txt.STEP_CURRENT, now, 0.0, now, txt.KIND_TOTAL, fy),
    ]
    df = pd.DataFrame(rows, columns=["step", "value", "start", "end", "kind", "fiscal_year"])
    df["order"] = range(len(df))
    df["label"] = [f"{v:,.1f}" if k == txt.KIND_TOTAL else f"{v:+,.1f}"
                   for v, k in zip(df["value"], df["kind"])]
    return df


def _kind(value: float) -> str:
    return txt.KIND_INCREASE if value > 0 else txt.KIND_DECREASE


# --- coverage -------------------------------------------------------------------------------

@query
def coverage_by_department(con, fiscal_year: int, organisation: str | None = None,
                           department: str | None = None) -> pd.DataFrame:
    """Per department with facilities in use in the FY: in use, reported (energy data
    stored for the FY), missing, coverage (%), and the missing facilities by name."""
    fy, org = int(fiscal_year), _org(organisation)
    df = fetch(con, """
        WITH in_use AS (
            SELECT * FROM v_facilities
            WHERE coalesce(start_year, 0) <= ? AND (end_year IS NULL OR ? <= end_year)),
        reported AS (
            SELECT DISTINCT facility_code FROM v_facility_emissions
            WHERE fiscal_year = ? AND amount IS NOT NULL)
        SELECT i.department_code, any_value(d.department_name) AS department_name,
               any_value(i.organisation_code) AS organisation_code,
               any_value(g.organisation_name) AS organisation_name,
               count(*) AS facilities_in_use, count(r.facility_code) AS facilities_reported,
               list(i.facility_code ORDER BY i.sort_order, i.facility_code)
                   FILTER (WHERE r.facility_code IS NULL) AS missing_codes,
               list(i.facility_name ORDER BY i.sort_order, i.facility_code)
                   FILTER (WHERE r.facility_code IS NULL) AS missing_names
        FROM in_use i LEFT JOIN reported r USING (facility_code)
        LEFT JOIN v_departments d ON d.department_code = i.department_code
        LEFT JOIN v_organisations g ON g.organisation_code = i.organisation_code
        WHERE (CAST(? AS VARCHAR) IS NULL OR i.organisation_code = ?)
          AND (CAST(? AS VARCHAR) IS NULL OR i.department_code = ?)
        GROUP BY i.department_code
        ORDER BY i.department_code""", [fy, fy, fy, org, org, department, department])
    df["facilities_missing"] = df["facilities_in_use"] - df["facilities_reported"]
    df["coverage_pct"] = [pct(r, n) for r, n in zip(df["facilities_reported"].tolist(),
                                                    df["facilities_in_use"].tolist())]
    df["missing_facilities"] = [
        dtxt.LIST_SEPARATOR.join(txt.facility_option(code, name)
                                 for code, name in zip(_items(codes), _items(names)))
        for codes, names in zip(df["missing_codes"].tolist(), df["missing_names"].tolist())]
    df = df.sort_values(["facilities_missing", "department_code"], ascending=[False, True],
                        kind="stable")
    return df.drop(columns=["missing_codes", "missing_names"]).reset_index(drop=True)


def _items(value) -> list:
    """A DuckDB list cell as a Python list (an empty FILTER gives NULL)."""
    return [] if value is None or value is pd.NA or isinstance(value, float) else list(value)


def coverage_totals(coverage: pd.DataFrame) -> tuple[int, int]:
    """(reported, in use) over the shown departments."""
    return int(coverage["facilities_reported"].sum()), int(coverage["facilities_in_use"].sum())


def missing_table(coverage: pd.DataFrame) -> pd.DataFrame:
    """The departments with facilities in use that did not report."""
    return coverage[coverage["facilities_missing"] > 0].reset_index(drop=True)


def coverage_long(coverage: pd.DataFrame) -> pd.DataFrame:
    """Reported and missing facilities per department, long form for stacked bars."""
    rows = []
    for r in coverage.to_dict("records"):
        name = r["department_name"] if isinstance(r["department_name"], str) else r["department_code"]
        for series, n in ((txt.SERIES_REPORTED, r["facilities_reported"]),
                          (txt.SERIES_MISSING, r["facilities_missing"])):
            rows.append({"department_name": name, "series": series, "facilities": int(n),
                         "facilities_in_use": int(r["facilities_in_use"]),
                         "coverage_pct": r["coverage_pct"]})
    return pd.DataFrame(rows, columns=["department_name", "series", "facilities",
                                       "facilities_in_use", "coverage_pct"])


# --- factor sources (出典) ---------------------------------------------------------------

@query
def factor_sources(con, fiscal_year: int) -> pd.DataFrame:
    """The factors the FY's figures used: activity, supplier, menu, the factor's FY, value,
    how it was chosen (事業者別 / 代替値 / 係数のみ), its 出典, amount and t-CO2 priced with
    it, and the 暫定 mark (a factor of an earlier FY)."""
    df = fetch(con, """
        SELECT e.activity, e.supplier, e.menu, e.gas, e.base_unit, e.factor_year, e.factor,
               e.factor_basis, e.factor_source, sum(e.amount) AS amount, sum(e.t_co2) AS t_co2,
               bool_or(e.provisional) AS provisional, min(a.sort_order) AS activity_order
        FROM v_facility_emissions e LEFT JOIN v_factor_activities a ON a.activity = e.activity
        WHERE e.fiscal_year = ? AND e.factor IS NOT NULL
        GROUP BY e.activity, e.supplier, e.menu, e.gas, e.base_unit, e.factor_year, e.factor,
                 e.factor_basis, e.factor_source
        ORDER BY activity_order NULLS LAST, e.activity, e.supplier NULLS FIRST, e.menu NULLS FIRST""",
               [int(fiscal_year)])
    return _marked(df.drop(columns="activity_order"))


# --- charts ---------------------------------------------------------------------------------

def _series_scale() -> alt.Scale:
    return alt.Scale(domain=[txt.SERIES_ACTUAL, txt.SERIES_PROVISIONAL], range=[BLUE, SKY])


def operations_trend_chart(totals: pd.DataFrame, title: str, subtitle: str | None = None,
                           height: int = 380):
    """One scope's emissions per FY as bars (暫定 lighter), the straight path from the base
    year to the target as a dashed line, the target labelled."""
    data = totals[totals["t_co2"].notna()].copy()
    data["series"] = [txt.SERIES_PROVISIONAL if bool(p) else txt.SERIES_ACTUAL
                      for p in data["provisional"].tolist()]
    if "provisional_mark" not in data:
        data = _marked(data)
    x = alt.X("fiscal_year:Q", axis=fy_axis(), scale=alt.Scale(nice=False, padding=24))
    tips = [tip("fiscal_year", dtxt.COLUMNS["fiscal_year"], "d"),
            tip("t_co2", txt.AX_T, ",.1f"), tip("provisional_mark", txt.PROVISIONAL, kind="N"),
            tip("expected_t_co2", dtxt.COLUMNS["expected_t_co2"], ",.1f"),
            tip("reduction_pct", dtxt.COLUMNS["reduction_pct"], ",.1f"),
            tip("status", dtxt.COLUMNS["status"], kind="N")]
    bars = alt.Chart(data[["fiscal_year", "t_co2", "series", "provisional_mark", "expected_t_co2",
                           "reduction_pct", "status"]]).mark_bar(size=22).encode(
        x=x, y=alt.Y("t_co2:Q", title=txt.AX_T),
        color=alt.Color("series:N", title=None, scale=_series_scale()), tooltip=tips)
    layers = [bars]
    path = _path_points(totals)
    if not path.empty:
        layers.append(path_line(path, x, "t_co2", [
            tip("series", dtxt.COLUMNS["series"], kind="N"),
            tip("fiscal_year", dtxt.COLUMNS["fiscal_year"], "d"),
            tip("t_co2", txt.AX_T, ",.1f")]))
        target = path.tail(1).assign(label=[dtxt.target_label_unit(v, "t-CO2") for v in path.tail(1)["t_co2"]])
        layers.append(target_labels(target, x, "t_co2", font_size=15))
    return alt.layer(*layers).properties(title=chart_title(title, subtitle), height=height)


def _path_points(totals: pd.DataFrame) -> pd.DataFrame:
    """(base year, base) and (target year, target) of the scope, when the master has them."""
    cols = ["fiscal_year", "t_co2", "series"]
    if "base_t_co2" not in totals or totals["base_t_co2"].isna().all():
        return pd.DataFrame(columns=cols)
    row = totals[totals["base_t_co2"].notna()].iloc[0]
    if is_missing(row["target_t_co2"]) or is_missing(row["target_year"]):
        return pd.DataFrame(columns=cols)
    return pd.DataFrame([(int(row["base_year"]), float(row["base_t_co2"]), txt.SERIES_PATH),
                         (int(row["target_year"]), float(row["target_t_co2"]), txt.SERIES_PATH)],
                        columns=cols)


def organisations_chart(status: pd.DataFrame, title: str, height: int | None = None):
    """Each scope's reduction from base (%) coloured by status, the straight path's
    reduction for the FY as a black tick and the target's as a dashed tick."""
    data = status[status["t_co2"].notna() & status["reduction_pct"].notna()].copy()
    data = data[["organisation_name", "t_co2", "base_t_co2", "target_t_co2", "reduction_pct",
                 "expected_reduction_pct", "target_reduction_pct", "status", "provisional_mark"]]
    data["status"] = data["status"].fillna("")
    order = data["organisation_name"].tolist()
    y = alt.Y("organisation_name:N", sort=order, title=None)
    tips = [tip("organisation_name", txt.ORG_LABEL, kind="N"), tip("t_co2", txt.AX_T, ",.1f"),
            tip("base_t_co2", dtxt.COLUMNS["base_t_co2"], ",.1f"),
            tip("target_t_co2", dtxt.COLUMNS["target_t_co2"], ",.1f"),
            tip("reduction_pct", txt.AX_REDUCTION, ",.1f"),
            tip("expected_reduction_pct", txt.TIP_EXPECTED_REDUCTION, ",.1f"),
            tip("target_reduction_pct", txt.TIP_TARGET_REDUCTION, ",.1f"),
            tip("status", dtxt.COLUMNS["status"], kind="N"),
            tip("provisional_mark", txt.PROVISIONAL, kind="N")]
    bars = alt.Chart(data).mark_bar(height=24).encode(
        x=alt.X("reduction_pct:Q", title=txt.AX_REDUCTION),
        y=y, color=alt.Color("status:N", title=dtxt.COLUMNS["status"], scale=status_scale()),
        tooltip=tips)
    path = alt.Chart(data).mark_tick(color=BLACK, thickness=3, size=30).encode(
        x="expected_reduction_pct:Q", y=y, tooltip=tips)
    target = alt.Chart(data).mark_point(shape="diamond", filled=True, size=160, color=BLACK,
                                        opacity=1).encode(x="target_reduction_pct:Q", y=y, tooltip=tips)
    zero = zero_rule("x")
    return alt.layer(zero, bars, path, target).properties(
        title=chart_title(title, txt.ORGS_SUBTITLE), height=height or max(120, 44 * len(data) + 40))


def _fy_ordinal() -> alt.X:
    """FYs as bands (a few years: no fractional ticks)."""
    return alt.X("fiscal_year:O", title=dtxt.COLUMNS["fiscal_year"],
                 axis=alt.Axis(labelExpr=f"datum.value + '{dtxt.FY_SUFFIX}'", labelAngle=0))


def _count_axis(title: str, largest) -> alt.Axis:
    """A count axis with whole numbers only."""
    top = int(largest) if largest is not None and largest == largest else 1
    return alt.Axis(title=title, format="d", tickCount=max(1, min(top, 8)))


def activity_colors(activities: list[str]) -> alt.Scale:
    return alt.Scale(domain=activities,
                     range=[ACTIVITY_PALETTE[i % len(ACTIVITY_PALETTE)] for i in range(len(activities))])


def activity_chart(by_activity: pd.DataFrame, title: str, height: int = 380):
    """t-CO2 per FY stacked by 活動区分 (the factor workbook's order)."""
    data = by_activity.copy()
    activities = list(dict.fromkeys(data["activity"].tolist()))
    data["activity_order"] = data["activity"].map({a: i for i, a in enumerate(activities)})
    return alt.Chart(data).mark_bar(size=26).encode(
        x=_fy_ordinal(), y=alt.Y("t_co2:Q", title=txt.AX_T, stack="zero"),
        color=alt.Color("activity:N", title=dtxt.COLUMNS["activity"], scale=activity_colors(activities),
                        sort=activities),
        order=alt.Order("activity_order:Q"),
        tooltip=[tip("fiscal_year", dtxt.COLUMNS["fiscal_year"], "d"),
                 tip("activity", dtxt.COLUMNS["activity"], kind="N"), tip("t_co2", txt.AX_T, ",.1f"),
                 tip("share_pct", txt.TIP_SHARE, ",.1f"),
                 tip("provisional_mark", txt.PROVISIONAL, kind="N")],
    ).properties(title=chart_title(title), height=height)


def _facility_label(frame: pd.DataFrame) -> list[str]:
    return [f"{name}（{txt.PROVISIONAL}）" if mark else str(name)
            for name, mark in zip(frame["facility_name"].tolist(), frame["provisional_mark"].tolist())]


def top_facilities_chart(top: pd.DataFrame, title: str):
    """The largest facilities' t-CO2 as horizontal bars, largest on top."""
    data = top[["facility_code", "facility_name", "department_name", "use_type", "floor_area_m2",
                "t_co2", "kg_per_m2", "share_of_total_pct", "provisional_mark"]].copy()
    data["label"] = _facility_label(data)
    y = alt.Y("label:N", sort=data["label"].tolist(), title=None, axis=alt.Axis(labelLimit=360))
    bars = alt.Chart(data).mark_bar(height=18, color=BLUE).encode(
        x=alt.X("t_co2:Q", title=txt.AX_T, scale=headroom(data, "t_co2")), y=y,
        tooltip=[tip("facility_name", dtxt.COLUMNS["facility_name"], kind="N"),
                 tip("department_name", dtxt.COLUMNS["department_name"], kind="N"),
                 tip("use_type", dtxt.COLUMNS["use_type"], kind="N"),
                 tip("t_co2", txt.AX_T, ",.1f"), tip("share_of_total_pct", txt.TIP_SHARE, ",.1f"),
                 tip("floor_area_m2", txt.TIP_AREA, ",.0f"), tip("kg_per_m2", txt.AX_INTENSITY, ",.1f"),
                 tip("provisional_mark", txt.PROVISIONAL, kind="N")])
    text = alt.Chart(data).mark_text(align="left", dx=5, fontSize=13).encode(
        x="t_co2:Q", y=y, text=alt.Text("t_co2:Q", format=",.1f"))
    return alt.layer(bars, text).properties(title=chart_title(title), height=max(160, 26 * len(data) + 40))


def facility_changes_chart(changes: pd.DataFrame, title: str):
    """Change from the previous FY per facility (t-CO2): increases vermillion, decreases blue."""
    data = changes.copy()
    data["label"] = _facility_label(data)
    data["kind"] = [_kind(v) for v in data["change_t"].tolist()]
    y = alt.Y("label:N", sort=data["label"].tolist(), title=None, axis=alt.Axis(labelLimit=360))
    bars = alt.Chart(data).mark_bar(height=18).encode(
        x=alt.X("change_t:Q", title=txt.AX_CHANGE_T), y=y,
        color=alt.Color("kind:N", title=None, scale=alt.Scale(
            domain=[txt.KIND_INCREASE, txt.KIND_DECREASE], range=[VERMILLION, BLUE])),
        tooltip=[tip("facility_name", dtxt.COLUMNS["facility_name"], kind="N"),
                 tip("department_name", dtxt.COLUMNS["department_name"], kind="N"),
                 tip("t_co2_previous", txt.TIP_PREVIOUS_T, ",.1f"), tip("t_co2", txt.AX_T, ",.1f"),
                 tip("change_t", txt.AX_CHANGE_T, "+,.1f"),
                 tip("change_rate_pct", dtxt.COLUMNS["change_rate_pct"], "+,.1f"),
                 tip("provisional_mark", txt.PROVISIONAL, kind="N")])
    zero = zero_rule("x")
    return alt.layer(zero, bars).properties(title=chart_title(title), height=max(160, 26 * len(data) + 40))


def intensity_chart(intensity: pd.DataFrame, title: str):
    """kg-CO2/㎡ per 用途, largest on top, the value written beside each bar."""
    data = intensity.copy()
    y = alt.Y("use_type:N", sort=data["use_type"].tolist(), title=None)
    bars = alt.Chart(data).mark_bar(height=22, color=GREEN).encode(
        x=alt.X("kg_per_m2:Q", title=txt.AX_INTENSITY, scale=headroom(data, "kg_per_m2")), y=y,
        tooltip=[tip("use_type", dtxt.COLUMNS["use_type"], kind="N"),
                 tip("kg_per_m2", txt.AX_INTENSITY, ",.1f"),
                 tip("facilities", txt.AX_FACILITIES, "d"), tip("floor_area_m2", txt.TIP_AREA, ",.0f"),
                 tip("t_co2", txt.AX_T, ",.1f"), tip("provisional_mark", txt.PROVISIONAL, kind="N")])
    text = alt.Chart(data).mark_text(align="left", dx=5, fontSize=13).encode(
        x="kg_per_m2:Q", y=y, text=alt.Text("kg_per_m2:Q", format=",.1f"))
    return alt.layer(bars, text).properties(title=chart_title(title), height=max(140, 34 * len(data) + 40))


def factor_comparison_chart(comparison: pd.DataFrame, title: str, height: int = 340):
    """Per FY, the same usage priced with that FY's factors and with the base year's, side by side."""
    domain = [txt.BASIS_CURRENT, txt.BASIS_FIXED]
    return alt.Chart(comparison).mark_bar(size=16).encode(
        x=_fy_ordinal(), xOffset=alt.XOffset("basis:N", sort=domain),
        y=alt.Y("t_co2:Q", title=txt.AX_T),
        color=alt.Color("basis:N", title=None, sort=domain, scale=alt.Scale(domain=domain, range=[BLUE, GREY])),
        tooltip=[tip("fiscal_year", dtxt.COLUMNS["fiscal_year"], "d"),
                 tip("basis", dtxt.COLUMNS["basis"], kind="N"), tip("t_co2", txt.AX_T, ",.1f"),
                 tip("provisional_mark", txt.PROVISIONAL, kind="N")],
    ).properties(title=chart_title(title, txt.FACTOR_SUBTITLE), height=height)


def waterfall_chart(steps: pd.DataFrame, title: str, height: int = 340):
    """Previous total → usage effect → factor effect → current total (t-CO2)."""
    order = steps["step"].tolist()
    x = alt.X("step:N", sort=order, title=None, axis=alt.Axis(labelAngle=0))
    color = alt.Color("kind:N", title=None, scale=alt.Scale(
        domain=[txt.KIND_TOTAL, txt.KIND_INCREASE, txt.KIND_DECREASE], range=[GREY, VERMILLION, BLUE]))
    bars = alt.Chart(steps).mark_bar(size=60).encode(
        x=x, y=alt.Y("start:Q", title=txt.AX_T), y2="end:Q", color=color,
        tooltip=[tip("step", dtxt.COLUMNS["step"], kind="N"), tip("value", txt.AX_T, "+,.1f"),
                 tip("end", txt.AX_T, ",.1f")])
    text = alt.Chart(steps.assign(top=steps[["start", "end"]].max(axis=1))).mark_text(
        dy=-8, fontSize=14, fontWeight="bold").encode(x=x, y="top:Q", text="label:N")
    return alt.layer(bars, text).properties(title=chart_title(title), height=height)


def coverage_chart(coverage: pd.DataFrame, title: str):
    """Per department, facilities in use that reported and that did not (stacked)."""
    data = coverage_long(coverage)
    order = list(dict.fromkeys(data["department_name"].tolist()))
    domain = [txt.SERIES_MISSING, txt.SERIES_REPORTED]
    return alt.Chart(data).mark_bar(height=18).encode(
        x=alt.X("facilities:Q", stack="zero",
                axis=_count_axis(txt.AX_FACILITIES, coverage["facilities_in_use"].max() if len(coverage) else 1)),
        y=alt.Y("department_name:N", sort=order, title=None),
        color=alt.Color("series:N", title=None, sort=domain,
                        scale=alt.Scale(domain=domain, range=[VERMILLION, GREEN])),
        order=alt.Order("series_order:Q"),
        tooltip=[tip("department_name", dtxt.COLUMNS["department_name"], kind="N"),
                 tip("series", dtxt.COLUMNS["label"], kind="N"), tip("facilities", txt.AX_FACILITIES, "d"),
                 tip("facilities_in_use", dtxt.COLUMNS["facilities_in_use"], "d"),
                 tip("coverage_pct", txt.TIP_COVERAGE, ",.0f")],
    ).transform_calculate(
        series_order=f"datum.series === '{txt.SERIES_MISSING}' ? 0 : 1"
    ).properties(title=chart_title(title), height=max(140, 26 * len(order) + 40))
