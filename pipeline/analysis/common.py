"""Filters and helpers shared by the analysis modules (the sidebar's selection, the query decorator)."""
from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Any

import duckdb
import pandas as pd

from pipeline.ingest.normalise import is_missing
from pipeline.texts import dashboard as txt
from pipeline.warehouse.schema import connect

# The data are aggregated figures already; big warehouses may still exceed Altair's 5,000 rows.


NOT_REPORTED = txt.NOT_REPORTED


@dataclass(frozen=True)
class Filters:
    """The sidebar's selection. None means "all".

    `priority` (重点対策のみ): only the actions marked 重点対策 in the master, and what hangs
    on them — partners by their action, indicators by their measure (an indicator counts
    when its measure has at least one priority action), departments by their actions and
    such indicators.  City-wide emissions are not filtered (they belong to no action)."""
    fiscal_year: int | None = None
    department: str | None = None
    policy: str | None = None
    priority: bool = False

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


#: SQL sets behind the 重点対策のみ filter (Filters.priority).
PRIORITY_ACTIONS = "(SELECT action_code FROM v_actions WHERE priority)"
PRIORITY_MEASURES = "(SELECT DISTINCT measure_code FROM v_actions WHERE priority)"


def where_clause(f: Filters, *, year: bool = True, dept_col: str = "department_code",
           policy_col: str = "policy_code", year_col: str = "fiscal_year",
           extra: list[str] | None = None, action_col: str = "action_code",
           measure_col: str | None = None) -> tuple[str, list[Any]]:
    """WHERE for the filters.  With `f.priority`, rows are kept by `action_col` (a priority
    action) or, when `measure_col` is given (indicator rows), by their measure."""
    parts, params = list(extra or []), []
    if f.priority:
        parts.append(f"{measure_col} IN {PRIORITY_MEASURES}" if measure_col
                     else f"{action_col} IN {PRIORITY_ACTIONS}")
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


def fetch(con, sql: str, params: list | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def pct(part: float, whole: float) -> float | None:
    return None if not whole else part / whole * 100.0


@dataclass(frozen=True)
class Kpi:
    value: float | None
    previous: float | None
    change: float | None


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
        return None if is_missing(value) else float(value)

    value, previous = at(fy), at(fy - 1)
    change = value - previous if value is not None and previous is not None else None
    return Kpi(value, previous, change)


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


def top_label(frame: pd.DataFrame, label: str, column: str) -> str | None:
    """The label of the largest positive `column` value (None when all are zero)."""
    if frame.empty:
        return None
    values = frame[column].tolist()
    positive = [i for i, v in enumerate(values) if not is_missing(v) and v > 0]
    if not positive:
        return None
    best = max(positive, key=values.__getitem__)       # the first of equal largest values
    return str(frame[label].iloc[best])


def share_of(frame: pd.DataFrame, column: str, values: tuple, count: str = "count") -> float | None:
    """% of `count` whose `column` is in `values` (None when the total is zero)."""
    if frame.empty:
        return pct(0.0, 0.0)
    counts = [0.0 if is_missing(n) else float(n) for n in frame[count].tolist()]
    total = sum(counts)
    wanted = set(values)
    part = sum(n for key, n in zip(frame[column].tolist(), counts) if key in wanted) if total else 0.0
    return pct(part, total)


def flag_label(frame: pd.DataFrame, column: str, new_column: str, yes: str, no: str) -> pd.DataFrame:
    """The frame with `new_column` saying `yes`/`no` for the truth of `column`."""
    return frame.assign(**{new_column: [yes if v else no for v in frame[column].tolist()]})


def blanks_as(frame: pd.DataFrame, columns: tuple[str, ...], text: str,
              datetime_format: str | None = None) -> pd.DataFrame:
    """The frame with the missing values of `columns` shown as `text` (for tables: a
    blank cell would read "None").  Those columns become text; dates and times are
    written with `datetime_format`."""
    def shown(value):
        if is_missing(value):
            return text
        if datetime_format and hasattr(value, "strftime"):
            return value.strftime(datetime_format)
        return str(value)
    return frame.assign(**{col: [shown(v) for v in frame[col].tolist()]
                           for col in columns if col in frame.columns})
