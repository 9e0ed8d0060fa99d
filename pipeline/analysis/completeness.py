"""What is missing, per department, from a FY's submissions (the HQ's yearly round).

A department is *expected* for FY `y` when it has an action active in `y`, an indicator,
or (once the 事務事業編 inventory exists) a facility in use in `y`.  Its workbook is
*incomplete* when, among the FY's active submissions:

- an action of the department active in `y` is not reported in any of them (the rule of
  v_pdca_status.reported);
- an indicator of the department has no value in any of them (any 実績年度: data lag, so
  a value for an earlier year counts as reported — the reminder asks for a value, not for
  the FY's own);
- a facility of the department in use in `y` has no energy data (v_facility_emissions).

With the 重点対策のみ filter (`priority=True`) only priority actions count, indicators
count when their measure has a priority action, and facilities are left out (they are
not actions of the programme).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from pipeline.analysis.common import fetch, query
from pipeline.warehouse.schema import has_table

PRIORITY_ACTIONS = "(SELECT action_code FROM v_actions WHERE priority)"
PRIORITY_MEASURES = "(SELECT DISTINCT measure_code FROM v_actions WHERE priority)"


def has_facilities(con) -> bool:
    """Whether the warehouse holds the 事務事業編 facility inventory (section 8)."""
    return has_table(con, "v_facility_emissions") and has_table(con, "v_facilities")


@query
def missing_actions(con, fiscal_year: int, priority: bool = False) -> pd.DataFrame:
    """Actions active in the FY that no active submission of the FY reports."""
    fy = int(fiscal_year)
    extra = " AND a.priority" if priority else ""
    return fetch(con, f"""
        SELECT a.department_code, a.action_code, a.action_name
        FROM v_actions a
        WHERE a.start_year <= ? AND (a.end_year IS NULL OR ? <= a.end_year){extra}
          AND a.action_code NOT IN (
              SELECT r.action_code FROM action_reports r
              JOIN v_active_submissions s USING (submission_id) WHERE s.fiscal_year = ?)
        ORDER BY a.department_code, a.sort_order, a.action_code""", [fy, fy, fy])


def _auto_indicator_filter(con) -> str:
    """Indicators computed from the inventory (指標.自動算定, section 8.1) are never asked for."""
    if has_table(con, "v_indicator_auto"):
        return " AND i.indicator_code NOT IN (SELECT indicator_code FROM v_indicator_auto)"
    return ""


@query
def missing_indicators(con, fiscal_year: int, priority: bool = False) -> pd.DataFrame:
    """Indicators without a value in any active submission of the FY."""
    fy = int(fiscal_year)
    extra = f" AND i.measure_code IN {PRIORITY_MEASURES}" if priority else ""
    extra += _auto_indicator_filter(con)
    return fetch(con, f"""
        SELECT i.department_code, i.indicator_code, i.indicator_name
        FROM v_indicators i
        WHERE i.indicator_code NOT IN (
              SELECT v.indicator_code FROM indicator_values v
              JOIN v_active_submissions s USING (submission_id)
              WHERE s.fiscal_year = ? AND v.value IS NOT NULL){extra}
        ORDER BY i.department_code, i.sort_order, i.indicator_code""", [fy])


@query
def missing_facilities(con, fiscal_year: int, priority: bool = False) -> pd.DataFrame:
    """Facilities in use in the FY without energy data (empty before the inventory exists)."""
    cols = ["department_code", "facility_code", "facility_name"]
    if priority or not has_facilities(con):
        return pd.DataFrame(columns=cols)
    fy = int(fiscal_year)
    return fetch(con, """
        SELECT f.department_code, f.facility_code, f.facility_name
        FROM v_facilities f
        WHERE coalesce(f.start_year, 0) <= ? AND (f.end_year IS NULL OR ? <= f.end_year)
          AND f.facility_code NOT IN (
              SELECT facility_code FROM v_facility_emissions
              WHERE fiscal_year = ? AND amount IS NOT NULL)
        ORDER BY f.department_code, f.facility_code""", [fy, fy, fy])[cols]


@query
def expected_departments(con, fiscal_year: int, priority: bool = False) -> pd.DataFrame:
    """Departments that report for the FY, with their 連絡先メール and whether they submitted."""
    fy = int(fiscal_year)
    if priority:
        scope = f"""SELECT department_code FROM v_actions
                    WHERE priority AND start_year <= ? AND (end_year IS NULL OR ? <= end_year)
                    UNION SELECT department_code FROM v_indicators
                    WHERE measure_code IN {PRIORITY_MEASURES}"""
        params = [fy, fy]
    else:
        scope = """SELECT department_code FROM v_actions
                   WHERE start_year <= ? AND (end_year IS NULL OR ? <= end_year)
                   UNION SELECT department_code FROM v_indicators"""
        params = [fy, fy]
        if has_facilities(con):
            scope += """ UNION SELECT department_code FROM v_facilities
                         WHERE coalesce(start_year, 0) <= ? AND (end_year IS NULL OR ? <= end_year)"""
            params += [fy, fy]
    return fetch(con, f"""
        WITH subs AS (
            SELECT department_code, max(loaded_at) AS loaded_at FROM v_active_submissions
            WHERE fiscal_year = ? GROUP BY department_code)
        SELECT d.department_code, d.department_name, d.bureau_name, d.email,
               s.department_code IS NOT NULL AS submitted, s.loaded_at
        FROM v_department_contacts d LEFT JOIN subs s USING (department_code)
        WHERE d.department_code IN ({scope})
        ORDER BY d.department_code""", [fy] + params)


@dataclass(frozen=True)
class DepartmentGaps:
    """What one department still owes for the FY."""
    department_code: str
    department_name: str
    bureau_name: str | None
    email: str | None
    submitted: bool
    actions: tuple[tuple[str, str], ...] = field(default_factory=tuple)      # (code, name)
    indicators: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    facilities: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def complete(self) -> bool:
        return self.submitted and not (self.actions or self.indicators or self.facilities)


def _grouped(frame: pd.DataFrame, code: str, name: str) -> dict[str, tuple[tuple[str, str], ...]]:
    out: dict[str, list] = {}
    for dept, k, n in zip(frame["department_code"].tolist(), frame[code].tolist(),
                          frame[name].tolist()):
        out.setdefault(dept, []).append((str(k), str(n)))
    return {k: tuple(v) for k, v in out.items()}


@query
def department_gaps(con, fiscal_year: int, priority: bool = False,
                    department: str | None = None) -> list[DepartmentGaps]:
    """Every expected department of the FY with what it has not reported yet."""
    depts = expected_departments(con, fiscal_year, priority)
    actions = _grouped(missing_actions(con, fiscal_year, priority), "action_code", "action_name")
    indicators = _grouped(missing_indicators(con, fiscal_year, priority), "indicator_code",
                          "indicator_name")
    facilities = _grouped(missing_facilities(con, fiscal_year, priority), "facility_code",
                          "facility_name")
    out = []
    for r in depts.itertuples(index=False):
        if department and r.department_code != department:
            continue
        email = r.email if isinstance(r.email, str) and r.email.strip() else None
        out.append(DepartmentGaps(
            r.department_code, r.department_name,
            r.bureau_name if isinstance(r.bureau_name, str) else None, email, bool(r.submitted),
            actions.get(r.department_code, ()), indicators.get(r.department_code, ()),
            facilities.get(r.department_code, ())))
    return out


def days_left(deadline: date | None, today: date) -> int | None:
    """Days from `today` to the deadline (negative = overdue); None without a deadline."""
    return None if deadline is None else (deadline - today).days


def gaps_table(gaps: list[DepartmentGaps], deadline: date | str | None,
               today: date | str) -> pd.DataFrame:
    """The 提出状況 page's table: one row per expected department, what is missing as text.
    Dates may be given as ISO strings (so the page can cache the table by plain arguments)."""
    from pipeline.texts import round as txt
    if isinstance(deadline, str):
        deadline = date.fromisoformat(deadline)
    if isinstance(today, str):
        today = date.fromisoformat(today)
    left = days_left(deadline, today)
    rows = []
    for g in gaps:
        rows.append({
            "department_code": g.department_code, "department_name": g.department_name,
            "state": txt.state_label(g.submitted, g.complete, left),
            "missing_actions": txt.items_cell(g.actions),
            "missing_indicators": txt.items_cell(g.indicators),
            "missing_facilities": txt.items_cell(g.facilities),
            "email": g.email or txt.NO_EMAIL,
        })
    return pd.DataFrame(rows, columns=["department_code", "department_name", "state",
                                       "missing_actions", "missing_indicators",
                                       "missing_facilities", "email"])


def to_remind(gaps: list[DepartmentGaps]) -> list[DepartmentGaps]:
    """Departments whose workbook is missing or incomplete."""
    return [g for g in gaps if not g.complete]



@query
def gaps_display(con, fiscal_year: int, priority: bool, department: str | None,
                 deadline: str | None, today: str) -> pd.DataFrame:
    """`gaps_table` of `department_gaps` as one query (the page caches it by these plain
    arguments; a list result could not be keyed for the table's Arrow conversion)."""
    return gaps_table(department_gaps(con, fiscal_year, priority, department), deadline, today)
