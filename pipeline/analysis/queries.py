"""Named dashboard queries: every figure a page shows comes from one of these.

Each function takes a DuckDB connection or a warehouse path, plus filters,
and returns a pandas DataFrame (English column names; the pages label them in
Japanese through `pipeline.texts.dashboard.COLUMNS`) or a small dataclass.
They read only the contract views (v_*), so the figures match what other
tools reading the warehouse see.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from pipeline.ingest import contract as c
from pipeline.texts import dashboard as txt
from pipeline.warehouse.schema import connect

#: Fewest and most recent values used for a trend projection.
PROJECTION_MIN_POINTS = 3
PROJECTION_MAX_POINTS = 5
NOT_REPORTED = txt.NOT_REPORTED


@dataclass(frozen=True)
class Filters:
    """The sidebar's selection. None means "all"."""
    fiscal_year: int | None = None
    department: str | None = None
    policy: str | None = None

    def all_years(self) -> "Filters":
        return replace(self, fiscal_year=None)

    def year(self, fy: int | None) -> "Filters":
        return replace(self, fiscal_year=fy)


def query(fn):
    """Accept a connection or a warehouse path as the first argument."""
    @functools.wraps(fn)
    def wrapper(source, *args, **kwargs):
        if isinstance(source, duckdb.DuckDBPyConnection):
            return fn(source, *args, **kwargs)
        with connect(source) as con:
            return fn(con, *args, **kwargs)
    wrapper.is_query = True
    return wrapper


def _where(f: Filters, *, year: bool = True, dept_col: str = "department_code",
           policy_col: str = "policy_code", year_col: str = "fiscal_year",
           extra: list[str] | None = None) -> tuple[str, list[Any]]:
    parts, params = list(extra or []), []
    if year and f.fiscal_year is not None:
        parts.append(f"{year_col} = ?")
        params.append(int(f.fiscal_year))
    if f.department:
        parts.append(f"{dept_col} = ?")
        params.append(f.department)
    if f.policy:
        parts.append(f"{policy_col} = ?")
        params.append(f.policy)
    return ("WHERE " + " AND ".join(parts)) if parts else "", params


def _df(con, sql: str, params: list | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def _pct(part: float, whole: float) -> float | None:
    return None if not whole else part / whole * 100.0


# --- Reference data --------------------------------------------------------------

@query
def has_master(con) -> bool:
    return con.execute("SELECT count(*) FROM v_current_master").fetchone()[0] > 0


@query
def fiscal_years(con) -> list[int]:
    """FYs with at least one active submission, ascending."""
    return [int(r[0]) for r in con.execute(
        "SELECT DISTINCT fiscal_year FROM v_active_submissions ORDER BY 1").fetchall()]


@query
def departments(con) -> pd.DataFrame:
    return _df(con, "SELECT department_code, department_name, bureau_name FROM v_departments "
                    "ORDER BY department_code")


@query
def policies(con) -> pd.DataFrame:
    return _df(con, "SELECT policy_code, policy_name FROM v_policies "
                    "ORDER BY sort_order, policy_code")


@query
def measures(con, policy: str | None = None) -> pd.DataFrame:
    where, params = ("WHERE policy_code = ?", [policy]) if policy else ("", [])
    return _df(con, f"SELECT measure_code, policy_code, measure_name FROM v_measures {where} "
                    "ORDER BY sort_order, measure_code", params)


# --- Emissions (overview, trends) --------------------------------------------------

@query
def emissions_by_sector(con, until_year: int | None = None) -> pd.DataFrame:
    """Base inventory, actuals up to `until_year`, and targets, per sector (千t-CO2)."""
    sql = f"""SELECT fiscal_year, sector, kind, kt_co2 FROM v_emissions
              WHERE kind <> '{c.KIND_ACTUAL}' OR ? IS NULL OR fiscal_year <= ?"""
    df = _df(con, sql, [until_year, until_year])
    order = {s: i for i, s in enumerate(c.SECTORS)}
    df["_o"] = df["sector"].map(order)
    return df.sort_values(["fiscal_year", "_o"]).drop(columns="_o").reset_index(drop=True)


@query
def emission_totals(con, until_year: int | None = None) -> pd.DataFrame:
    """Net total (all sectors, removals negative) per FY and kind."""
    df = emissions_by_sector(con, until_year)
    if df.empty:
        return pd.DataFrame(columns=["fiscal_year", "kind", "kt_co2"])
    return (df.groupby(["fiscal_year", "kind"], as_index=False)["kt_co2"].sum()
              .sort_values("fiscal_year").reset_index(drop=True))


@query
def sector_change(con, until_year: int | None = None) -> pd.DataFrame:
    """Per sector and inventory FY (base and actuals up to `until_year`): 千t-CO2 and % change
    from the base year."""
    df = emissions_by_sector(con, until_year)
    df = df[df["kind"].isin([c.KIND_BASE, c.KIND_ACTUAL])].copy()
    base = df[df["kind"] == c.KIND_BASE].set_index("sector")["kt_co2"]
    df["base_kt"] = df["sector"].map(base)
    df["change_pct"] = [(v - b) / abs(b) * 100 if pd.notna(b) and b != 0 else None
                        for v, b in zip(df["kt_co2"], df["base_kt"])]
    return df[["fiscal_year", "sector", "kind", "kt_co2", "base_kt", "change_pct"]].reset_index(drop=True)


@query
def emission_path(con) -> pd.DataFrame:
    """The straight path: base total, then each target total, joined by lines."""
    tot = emission_totals(con)
    path = tot[tot["kind"].isin([c.KIND_BASE, c.KIND_TARGET])]
    return path[["fiscal_year", "kt_co2"]].sort_values("fiscal_year").reset_index(drop=True)


@dataclass(frozen=True)
class EmissionPace:
    """Section 5's emission pace; rates are annual reduction rates in %."""
    base_year: int
    base_kt: float
    latest_year: int | None
    latest_kt: float | None
    target_year: int | None
    target_kt: float | None
    actual_rate_pct: float | None
    needed_rate_pct: float | None
    on_track: bool | None
    reduction_pct: float | None           # latest against base, % (positive = lower)
    target_reduction_pct: float | None


def annual_rate(start: float, end: float, years: int) -> float | None:
    """1 − (end / start)^(1 / years), in %; None when undefined."""
    if years <= 0 or start <= 0 or end <= 0:
        return None
    return (1.0 - (end / start) ** (1.0 / years)) * 100.0


@query
def emission_pace(con, until_year: int | None = None) -> EmissionPace | None:
    tot = emission_totals(con, until_year)
    base = tot[tot["kind"] == c.KIND_BASE]
    if base.empty:
        return None
    base_year, base_kt = int(base["fiscal_year"].iloc[0]), float(base["kt_co2"].iloc[0])
    actual = tot[(tot["kind"] == c.KIND_ACTUAL) & (tot["fiscal_year"] > base_year)]
    latest_year = latest_kt = None
    if not actual.empty:
        last = actual.sort_values("fiscal_year").iloc[-1]
        latest_year, latest_kt = int(last["fiscal_year"]), float(last["kt_co2"])
    after = latest_year or base_year
    targets = tot[(tot["kind"] == c.KIND_TARGET) & (tot["fiscal_year"] > after)
                  & (tot["kt_co2"] > 0)].sort_values("fiscal_year")
    target_year = target_kt = None
    if not targets.empty:
        target_year, target_kt = int(targets["fiscal_year"].iloc[0]), float(targets["kt_co2"].iloc[0])
    actual_rate = (annual_rate(base_kt, latest_kt, latest_year - base_year)
                   if latest_year is not None else None)
    needed_rate = (annual_rate(base_kt, target_kt, target_year - base_year)
                   if target_year is not None else None)
    on_track = (actual_rate >= needed_rate - 1e-12
                if actual_rate is not None and needed_rate is not None else None)
    return EmissionPace(
        base_year, base_kt, latest_year, latest_kt, target_year, target_kt, actual_rate,
        needed_rate, on_track,
        _pct(base_kt - latest_kt, base_kt) if latest_kt is not None else None,
        _pct(base_kt - target_kt, base_kt) if target_kt is not None else None)


# --- Year-over-year helper ------------------------------------------------------------

@dataclass(frozen=True)
class Kpi:
    value: float | None
    previous: float | None
    change: float | None


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def kpi(frame: pd.DataFrame, fy: int | None, column: str) -> Kpi:
    """The value of `column` in FY `fy` and its change from FY `fy − 1`."""
    if fy is None or frame.empty:
        return Kpi(None, None, None)
    # plain lists: the frames are one row per FY, and boolean indexing costs far more
    years, values = frame["fiscal_year"].tolist(), frame[column].tolist()

    def at(year):
        try:
            value = values[years.index(year)]
        except ValueError:
            return None
        return None if _missing(value) else float(value)

    value, previous = at(fy), at(fy - 1)
    change = value - previous if value is not None and previous is not None else None
    return Kpi(value, previous, change)


# --- Indicators ----------------------------------------------------------------------

_SUBMISSION_YEARS = "fiscal_year IN (SELECT DISTINCT fiscal_year FROM v_active_submissions)"


@query
def status_by_year(con, f: Filters, until_year: int | None = None) -> pd.DataFrame:
    """Indicators per status per FY (FYs with submissions, up to `until_year`), with shares."""
    extra = [_SUBMISSION_YEARS] + ([f"fiscal_year <= {int(until_year)}"] if until_year else [])
    where, params = _where(f.all_years(), extra=extra)
    df = _df(con, f"SELECT fiscal_year, status, count(*) AS count FROM v_indicator_attainment "
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
    where, params = _where(f, dept_col="a.department_code", policy_col="a.policy_code",
                           year_col="a.fiscal_year", extra=extra)
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
    return _df(con, sql, lead + params)


@dataclass(frozen=True)
class AttainmentSummary:
    indicators: int
    good: int                       # 達成 or 順調
    median_pct: float | None        # median attainment of the indicators that have one


def attainment_summary(table: pd.DataFrame) -> AttainmentSummary:
    """Counts and median attainment of an `attainment_table` frame."""
    good = sum(1 for s in table["status"].tolist() if s in (c.STATUS_ACHIEVED, c.STATUS_ON_TRACK))
    values = sorted(float(v) for v in table["attainment_pct"].tolist() if not _missing(v))
    if not values:
        return AttainmentSummary(len(table), good, None)
    mid = len(values) // 2
    median = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
    return AttainmentSummary(len(table), good, median)


@query
def indicator_options(con, f: Filters) -> pd.DataFrame:
    where, params = _where(f.all_years())
    return _df(con, f"SELECT indicator_code, indicator_name FROM v_indicators {where} "
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
    series = _df(con, """SELECT fiscal_year, actual_value, status, attainment_pct
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


# --- PDCA ---------------------------------------------------------------------------------

@query
def pdca_by_year(con, f: Filters) -> pd.DataFrame:
    """Per FY: actions planned, reported, with all four stages, and the completion rate."""
    where, params = _where(f.all_years())
    df = _df(con, f"""SELECT fiscal_year, count(*) AS actions,
                             count(*) FILTER (WHERE reported) AS reported,
                             count(*) FILTER (WHERE stages = 4) AS complete,
                             count(*) FILTER (WHERE plan) AS plan,
                             count(*) FILTER (WHERE "do") AS "do",
                             count(*) FILTER (WHERE "check") AS "check",
                             count(*) FILTER (WHERE act) AS act
                      FROM v_pdca_status {where} GROUP BY fiscal_year ORDER BY fiscal_year""",
            params)
    df["completion_pct"] = [_pct(a, b) for a, b in zip(df["complete"], df["actions"])]
    return df


@query
def pdca_matrix(con, f: Filters, max_actions: int | None = None) -> pd.DataFrame:
    """Action × FY with the number of stages met (all FYs; grouped by measure).

    With more than `max_actions` actions, only those whose cycle is incomplete in some FY
    are kept (the ones HQ follows up), up to `max_actions` of them.
    """
    df = _pdca_matrix(con, f)
    if max_actions is None or df["action_code"].nunique() <= max_actions:
        return df
    open_ = df.loc[df["stages"] < 4, "action_code"].drop_duplicates().head(max_actions)
    return df[df["action_code"].isin(set(open_))].reset_index(drop=True)


def _pdca_matrix(con, f: Filters) -> pd.DataFrame:
    where, params = _where(f.all_years(), dept_col="s.department_code", policy_col="s.policy_code")
    return _df(con, f"""
        SELECT s.action_code, s.action_name, s.measure_code, m.measure_name, s.fiscal_year,
               s.stages, s.reported, s.department_code
        FROM v_pdca_status s LEFT JOIN v_measures m ON m.measure_code = s.measure_code
        {where}
        ORDER BY m.sort_order, s.measure_code, s.sort_order, s.action_code, s.fiscal_year""",
        params)


@query
def pdca_funnel(con, f: Filters) -> pd.DataFrame:
    """P→D→C→A: actions meeting each stage in the selected FY, and share of planned."""
    cols = ["stage", "label", "count", "share_pct"]
    if f.fiscal_year is None:
        return pd.DataFrame(columns=cols)
    row = pdca_by_year(con, f)
    row = row[row["fiscal_year"] == int(f.fiscal_year)]
    planned = int(row["plan"].iloc[0]) if not row.empty else 0
    out = []
    for stage in ("plan", "do", "check", "act"):
        n = int(row[stage].iloc[0]) if not row.empty else 0
        out.append({"stage": stage, "label": txt.STAGE_LABELS[stage], "count": n,
                    "share_pct": _pct(n, planned)})
    return pd.DataFrame(out, columns=cols)


@query
def self_evaluation_distribution(con, f: Filters) -> pd.DataFrame:
    """Reported actions per 自己評価 grade in the selected FY (all grades listed)."""
    where, params = _where(f, extra=["reported"])
    df = _df(con, f"SELECT self_evaluation AS grade, count(*) AS count FROM v_pdca_status "
                  f"{where} GROUP BY ALL", params)
    counts = dict(zip(df["grade"], df["count"]))
    total = sum(int(v) for v in counts.values())
    return pd.DataFrame([{"grade": g, "label": f"{g}（{c.SELF_EVALUATION_LABELS[g]}）",
                          "count": int(counts.get(g, 0)),
                          "share_pct": _pct(int(counts.get(g, 0)), total)}
                         for g in c.SELF_EVALUATIONS],
                        columns=["grade", "label", "count", "share_pct"])


@query
def direction_distribution(con, f: Filters) -> pd.DataFrame:
    """Reported actions per 今後の方向性 in the selected FY (all directions listed)."""
    where, params = _where(f, extra=["reported"])
    df = _df(con, f"SELECT direction, count(*) AS count FROM v_pdca_status {where} GROUP BY ALL",
             params)
    counts = dict(zip(df["direction"], df["count"]))
    total = sum(int(v) for v in counts.values())
    return pd.DataFrame([{"direction": d, "count": int(counts.get(d, 0)),
                          "share_pct": _pct(int(counts.get(d, 0)), total)}
                         for d in c.DIRECTIONS_NEXT],
                        columns=["direction", "count", "share_pct"])


def incomplete_reasons(reported: bool, do: bool, check: bool, direction: str | None,
                       act: bool) -> list[str]:
    """Why an action's cycle is incomplete, in Japanese (empty when complete)."""
    if not reported:
        return [txt.REASON_NOT_REPORTED]
    reasons = []
    if not do:
        reasons.append(txt.REASON_NOT_DONE)
    if not check:
        reasons.append(txt.REASON_NO_CHECK)
    if not act:
        reasons.append(txt.REASON_NO_DIRECTION if not direction else txt.REASON_NO_REVISION)
    return reasons


@query
def incomplete_cycles(con, f: Filters) -> pd.DataFrame:
    """Actions of the selected FY whose cycle is incomplete, with the reasons."""
    cols = ["action_code", "action_name", "department_name", "stages", "reasons",
            "self_evaluation", "direction"]
    where, params = _where(f, dept_col="s.department_code", policy_col="s.policy_code",
                           year_col="s.fiscal_year", extra=["s.stages < 4"])
    df = _df(con, f"""
        SELECT s.action_code, s.action_name, d.department_name, s.stages, s.reported,
               s."do", s."check", s.act, s.self_evaluation, s.direction
        FROM v_pdca_status s LEFT JOIN v_departments d USING (department_code)
        {where} ORDER BY s.stages, s.sort_order, s.action_code""", params)
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["reasons"] = ["、".join(incomplete_reasons(bool(r.reported), bool(r.do), bool(r.check),
                                                  r.direction if isinstance(r.direction, str) else None,
                                                  bool(r.act)))
                     for r in df.itertuples()]
    return df[cols].reset_index(drop=True)


_GRADE_RANK = {"A": 4, "B": 3, "C": 2, "D": 1}


@query
def self_evaluation_transitions(con, f: Filters, from_year: int, to_year: int) -> pd.DataFrame:
    """Actions active in both FYs, counted by (grade in from_year, grade in to_year)."""
    where, params = _where(f.all_years(), dept_col="a.department_code",
                           policy_col="a.policy_code", year_col="a.fiscal_year")
    cond = where.replace("WHERE", "AND") if where else ""
    df = _df(con, f"""
        SELECT coalesce(a.self_evaluation, '{NOT_REPORTED}') AS from_grade,
               coalesce(b.self_evaluation, '{NOT_REPORTED}') AS to_grade, count(*) AS count
        FROM v_pdca_status a JOIN v_pdca_status b
          ON a.action_code = b.action_code AND a.fiscal_year = ? AND b.fiscal_year = ?
        WHERE TRUE {cond}
        GROUP BY ALL""", [int(from_year), int(to_year)] + params)
    order = {g: i for i, g in enumerate(list(c.SELF_EVALUATIONS) + [NOT_REPORTED])}
    df["_a"] = df["from_grade"].map(order)
    df["_b"] = df["to_grade"].map(order)
    df["count"] = df["count"].astype(int)
    return df.sort_values(["_a", "_b"]).drop(columns=["_a", "_b"]).reset_index(drop=True)


def transition_summary(transitions: pd.DataFrame) -> tuple[int, int, int]:
    """(improved, unchanged, worsened) among actions graded A–D in both FYs."""
    up = same = down = 0
    for r in transitions.itertuples():
        a, b = _GRADE_RANK.get(r.from_grade), _GRADE_RANK.get(r.to_grade)
        if a is None or b is None:
            continue
        if b > a:
            up += int(r.count)
        elif b < a:
            down += int(r.count)
        else:
            same += int(r.count)
    return up, same, down


# --- Stakeholders ------------------------------------------------------------------------

@query
def partners_by_year(con, f: Filters) -> pd.DataFrame:
    """Per FY: collaborations (rows), participants, CO2 reduction (t), named organisations."""
    where, params = _where(f.all_years())
    return _df(con, f"""
        SELECT fiscal_year, count(*) AS collaborations,
               coalesce(sum(participants), 0)::BIGINT AS participants,
               coalesce(sum(co2_reduction_t), 0)::DOUBLE AS co2_t,
               count(DISTINCT nullif(trim(organisation), '')) AS organisations
        FROM v_stakeholder_contributions {where}
        GROUP BY fiscal_year ORDER BY fiscal_year""", params)


@query
def stakeholders_by_category(con, f: Filters) -> pd.DataFrame:
    """Partner category × FY: collaborations, participants, CO2 reduction.

    Restricted to the selected FY when one is set (use `f.all_years()` for trends).
    """
    where, params = _where(f)
    df = _df(con, f"""
        SELECT fiscal_year, stakeholder_type, count(*) AS collaborations,
               coalesce(sum(participants), 0)::BIGINT AS participants,
               coalesce(sum(co2_reduction_t), 0)::DOUBLE AS co2_t
        FROM v_stakeholder_contributions {where}
        GROUP BY ALL""", params)
    order = {s: i for i, s in enumerate(c.STAKEHOLDER_TYPES)}
    df["_o"] = df["stakeholder_type"].map(order)
    return df.sort_values(["fiscal_year", "_o"]).drop(columns="_o").reset_index(drop=True)


@query
def stakeholder_heatmap(con, f: Filters) -> pd.DataFrame:
    """Partner category × basic policy for the selected FY, zeros included."""
    where, params = _where(f, dept_col="s.department_code", policy_col="s.policy_code",
                           year_col="s.fiscal_year")
    pol_where, pol_params = ("WHERE policy_code = ?", [f.policy]) if f.policy else ("", [])
    df = _df(con, f"""
        WITH agg AS (
            SELECT s.stakeholder_type, s.policy_code, count(*) AS collaborations,
                   coalesce(sum(s.participants), 0)::BIGINT AS participants,
                   coalesce(sum(s.co2_reduction_t), 0)::DOUBLE AS co2_t
            FROM v_stakeholder_contributions s {where} GROUP BY ALL),
        pol AS (SELECT policy_code, policy_name, sort_order FROM v_policies {pol_where})
        SELECT t.stakeholder_type, pol.policy_code, pol.policy_name,
               coalesce(agg.collaborations, 0)::BIGINT AS collaborations,
               coalesce(agg.participants, 0)::BIGINT AS participants,
               coalesce(agg.co2_t, 0)::DOUBLE AS co2_t
        FROM (SELECT DISTINCT stakeholder_type FROM agg) t CROSS JOIN pol
        LEFT JOIN agg ON agg.stakeholder_type = t.stakeholder_type
                     AND agg.policy_code = pol.policy_code
        ORDER BY pol.sort_order, pol.policy_code""", params + pol_params)
    order = {s: i for i, s in enumerate(c.STAKEHOLDER_TYPES)}
    df["_o"] = df["stakeholder_type"].map(order)
    return df.sort_values(["_o"], kind="stable").drop(columns="_o").reset_index(drop=True)


@query
def top_organisations(con, f: Filters, limit: int = 10) -> pd.DataFrame:
    """Named organisations by number of collaborations in the selected FY."""
    where, params = _where(f, extra=["nullif(trim(organisation), '') IS NOT NULL"])
    return _df(con, f"""
        SELECT trim(organisation) AS organisation,
               string_agg(DISTINCT stakeholder_type, '・' ORDER BY stakeholder_type) AS stakeholder_types,
               count(*) AS collaborations, count(DISTINCT action_code) AS actions,
               coalesce(sum(participants), 0)::BIGINT AS participants,
               coalesce(sum(co2_reduction_t), 0)::DOUBLE AS co2_t
        FROM v_stakeholder_contributions {where}
        GROUP BY 1 ORDER BY collaborations DESC, participants DESC, organisation
        LIMIT {int(limit)}""", params)


# --- Two-FY comparison ----------------------------------------------------------------------

@query
def year_metrics(con, f: Filters) -> dict[str, float | None]:
    """The headline figures of one FY (used by the two-FY comparison)."""
    fy = f.fiscal_year
    status = indicator_status_counts(con, f)
    counts = dict(zip(status["status"], status["count"])) if not status.empty else {}
    total = sum(int(v) for v in counts.values())
    table = attainment_table(con, f)
    pdca = pdca_by_year(con, f)
    pdca = pdca[pdca["fiscal_year"] == fy]
    grades = self_evaluation_distribution(con, f)
    graded = int(grades["count"].sum())
    ab = int(grades[grades["grade"].isin(["A", "B"])]["count"].sum())
    partners = partners_by_year(con, f)
    partners = partners[partners["fiscal_year"] == fy]

    def first(frame, col, default=0.0):
        return float(frame[col].iloc[0]) if not frame.empty else default

    med = table["attainment_pct"].dropna()
    return {
        "indicators_achieved": float(counts.get(c.STATUS_ACHIEVED, 0)),
        "indicators_good_pct": _pct(counts.get(c.STATUS_ACHIEVED, 0) + counts.get(c.STATUS_ON_TRACK, 0),
                                    total),
        "attainment_median": float(med.median()) if not med.empty else None,
        "actions_reported": first(pdca, "reported"),
        "pdca_complete_pct": (float(pdca["completion_pct"].iloc[0])
                              if not pdca.empty and pdca["completion_pct"].iloc[0] is not None
                              else None),
        "grade_ab_pct": _pct(ab, graded),
        "collaborations": first(partners, "collaborations"),
        "participants": first(partners, "participants"),
        "co2_t": first(partners, "co2_t"),
    }


@query
def compare_years(con, f: Filters, year_a: int, year_b: int) -> pd.DataFrame:
    """Side-by-side headline figures of two FYs and the change (b − a)."""
    a = year_metrics(con, f.year(int(year_a)))
    b = year_metrics(con, f.year(int(year_b)))
    rows = []
    for key, label in txt.METRIC_NAMES.items():
        va, vb = a[key], b[key]
        rows.append({"metric": label, "value_a": va, "value_b": vb,
                     "change": (vb - va) if va is not None and vb is not None else None})
    return pd.DataFrame(rows, columns=["metric", "value_a", "value_b", "change"])


# --- Submissions --------------------------------------------------------------------------

def _department_scope(f: Filters) -> tuple[str, list]:
    """Departments in scope: all, one, or those with actions/indicators under a policy."""
    parts, params = [], []
    if f.department:
        parts.append("d.department_code = ?")
        params.append(f.department)
    if f.policy:
        parts.append("""d.department_code IN (
            SELECT department_code FROM v_actions WHERE policy_code = ?
            UNION SELECT department_code FROM v_indicators WHERE policy_code = ?)""")
        params += [f.policy, f.policy]
    return ("WHERE " + " AND ".join(parts)) if parts else "", params


@query
def submission_status(con, f: Filters) -> pd.DataFrame:
    """Per department for the selected FY: submitted or not, when, how many versions."""
    cols = ["department_code", "department_name", "bureau_name", "submitted", "loaded_at",
            "versions", "file_name", "expected"]
    if f.fiscal_year is None:
        return pd.DataFrame(columns=cols)
    scope, params = _department_scope(f)
    fy = int(f.fiscal_year)
    df = _df(con, f"""
        WITH subs AS (
            SELECT department_code, count(*) AS versions,
                   max(loaded_at) FILTER (WHERE status = '{c.SUBMISSION_ACTIVE}') AS loaded_at,
                   arg_max(file_name, loaded_at) FILTER (WHERE status = '{c.SUBMISSION_ACTIVE}') AS file_name,
                   bool_or(status = '{c.SUBMISSION_ACTIVE}') AS submitted
            FROM v_submissions WHERE fiscal_year = ? GROUP BY department_code),
        expected AS (
            SELECT DISTINCT department_code FROM v_actions
            WHERE start_year <= ? AND (end_year IS NULL OR ? <= end_year)
            UNION SELECT department_code FROM v_indicators)
        SELECT d.department_code, d.department_name, d.bureau_name,
               coalesce(s.submitted, FALSE) AS submitted, s.loaded_at,
               coalesce(s.versions, 0)::BIGINT AS versions, s.file_name,
               d.department_code IN (SELECT department_code FROM expected) AS expected
        FROM v_departments d LEFT JOIN subs s USING (department_code)
        {scope}
        ORDER BY submitted, d.department_code""", [fy, fy, fy] + params)
    return df[cols]


@query
def submission_matrix(con, f: Filters) -> pd.DataFrame:
    """Department × FY (FYs with any submission): submitted, number of versions."""
    scope, params = _department_scope(f)
    return _df(con, f"""
        WITH years AS (SELECT DISTINCT fiscal_year FROM v_submissions),
        subs AS (SELECT department_code, fiscal_year, count(*) AS versions,
                        bool_or(status = '{c.SUBMISSION_ACTIVE}') AS submitted
                 FROM v_submissions GROUP BY ALL)
        SELECT d.department_code, d.department_name, y.fiscal_year,
               coalesce(s.submitted, FALSE) AS submitted,
               coalesce(s.versions, 0)::BIGINT AS versions
        FROM v_departments d CROSS JOIN years y
        LEFT JOIN subs s ON s.department_code = d.department_code AND s.fiscal_year = y.fiscal_year
        {scope}
        ORDER BY d.department_code, y.fiscal_year""", params)


def is_nan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


@dataclass(frozen=True)
class Span:
    first_year: int | None
    last_year: int | None
    first: float | None
    last: float | None
    change_pct: float | None


def span_change(frame: pd.DataFrame, column: str) -> Span:
    """First and last FY of a per-FY frame and the % change of `column` between them."""
    if frame.empty:
        return Span(None, None, None, None, None)
    ordered = frame.sort_values("fiscal_year")
    a, b = float(ordered[column].iloc[0]), float(ordered[column].iloc[-1])
    return Span(int(ordered["fiscal_year"].iloc[0]), int(ordered["fiscal_year"].iloc[-1]), a, b,
                (b - a) / abs(a) * 100 if a else None)


def good_share_span(share: pd.DataFrame) -> Span:
    """First and last FY of a `status_by_year` frame and the % of indicators 達成 or 順調
    in each (the change is that of the share)."""
    good = share[share["status"].isin([c.STATUS_ACHIEVED, c.STATUS_ON_TRACK])]
    return span_change(good.groupby("fiscal_year", as_index=False)["share_pct"].sum(), "share_pct")


def top_label(frame: pd.DataFrame, label: str, column: str) -> str | None:
    """The label of the largest positive `column` value (None when all are zero)."""
    if frame.empty:
        return None
    values = frame[column].tolist()
    positive = [i for i, v in enumerate(values) if not _missing(v) and v > 0]
    if not positive:
        return None
    best = max(positive, key=values.__getitem__)       # the first of equal largest values
    return str(frame[label].iloc[best])


def share_of(frame: pd.DataFrame, column: str, values: tuple, count: str = "count") -> float | None:
    """% of `count` whose `column` is in `values` (None when the total is zero)."""
    if frame.empty:
        return _pct(0.0, 0.0)
    counts = [0.0 if _missing(n) else float(n) for n in frame[count].tolist()]
    total = sum(counts)
    wanted = set(values)
    part = sum(n for key, n in zip(frame[column].tolist(), counts) if key in wanted) if total else 0.0
    return _pct(part, total)


def biggest_cut(changes: pd.DataFrame) -> tuple[str, float, int] | None:
    """The emitting sector with the largest cut from base at its latest inventory FY."""
    data = changes[(changes["kind"] == c.KIND_ACTUAL) & (changes["sector"] != c.REMOVAL_SECTOR)
                   & changes["change_pct"].notna()]
    if data.empty:
        return None
    latest = data[data["fiscal_year"] == data["fiscal_year"].max()]
    row = latest.sort_values("change_pct", kind="stable").iloc[0]
    return str(row["sector"]), float(row["change_pct"]), int(row["fiscal_year"])


@query
def status_two_years(con, f: Filters, year_a: int, year_b: int) -> pd.DataFrame:
    """Indicators per status in two FYs (for the side-by-side comparison)."""
    df = status_by_year(con, f)
    return df[df["fiscal_year"].isin([int(year_a), int(year_b)])].reset_index(drop=True)


@dataclass(frozen=True)
class SubmissionCounts:
    total: int
    submitted: int
    missing: int
    versions: int


def submission_counts(status: pd.DataFrame) -> SubmissionCounts:
    """Totals of a `submission_status` frame."""
    total = len(status)
    done = int(status["submitted"].sum()) if total else 0
    return SubmissionCounts(total, done, total - done, int(status["versions"].sum()) if total else 0)


def unsubmitted(status: pd.DataFrame) -> pd.DataFrame:
    """The rows of a `submission_status` frame whose department has not submitted."""
    return status[~status["submitted"]]


def flag_label(frame: pd.DataFrame, column: str, new_column: str, yes: str, no: str) -> pd.DataFrame:
    """The frame with `new_column` saying `yes`/`no` for the truth of `column`."""
    return frame.assign(**{new_column: [yes if v else no for v in frame[column].tolist()]})


def blanks_as(frame: pd.DataFrame, columns: tuple[str, ...], text: str,
              datetime_format: str | None = None) -> pd.DataFrame:
    """The frame with the missing values of `columns` shown as `text` (for tables: a
    blank cell would read "None").  Those columns become text; dates and times are
    written with `datetime_format`."""
    def shown(value):
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return text
        if datetime_format and hasattr(value, "strftime"):
            return value.strftime(datetime_format)
        return str(value)
    return frame.assign(**{col: [shown(v) for v in frame[col].tolist()]
                           for col in columns if col in frame.columns})


#: Decimals of each headline figure of the two-FY comparison: counts are whole numbers.
COMPARE_DIGITS = {"indicators_achieved": 0, "indicators_good_pct": 1, "attainment_median": 1,
                  "actions_reported": 0, "pdca_complete_pct": 1, "grade_ab_pct": 1,
                  "collaborations": 0, "participants": 0, "co2_t": 1}


def comparison_display(comparison: pd.DataFrame, blank: str = "—") -> pd.DataFrame:
    """A `compare_years` frame as text for the table: counts as whole numbers, the others
    with one decimal, thousands separators, the change signed; `blank` when missing."""
    digits_of = {label: COMPARE_DIGITS.get(key, 1) for key, label in txt.METRIC_NAMES.items()}

    def fmt(value, digits: int, sign: str = "") -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return blank
        return f"{value:{sign},.{digits}f}"

    rows = []
    for r in comparison.itertuples(index=False):
        d = digits_of.get(r.metric, 1)
        rows.append({"metric": r.metric, "value_a": fmt(r.value_a, d), "value_b": fmt(r.value_b, d),
                     "change": fmt(r.change, d, "+")})
    return pd.DataFrame(rows, columns=["metric", "value_a", "value_b", "change"])


def comparison_years(years: list[int], fy: int | None) -> tuple[int, int]:
    """Default pair for the two-FY comparison: the FY before `fy` and `fy`
    (or `fy` and the next one when `fy` is the first)."""
    to = fy if fy in years else years[-1]
    earlier = [y for y in years if y < to]
    if earlier:
        return earlier[-1], to
    later = [y for y in years if y > to]
    return to, (later[0] if later else to)
