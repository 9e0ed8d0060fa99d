"""Named query functions behind the annual report (年次報告書).

Every figure comes straight from the warehouse views of the data contract
(v_indicator_attainment, v_pdca_status, v_stakeholder_contributions,
v_emissions, v_submissions) for one FY, so the report always equals what the
dashboard and other tools read.  Each function takes an open connection
(`with warehouse.connect(db) as con:`) and returns plain data or a DataFrame.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from pipeline.ingest import contract as c
from pipeline.analysis import attainment, common, emissions, partners, pdca


# --- years and dates ---------------------------------------------------------

def report_years(con) -> list[int]:
    """FYs with at least one active submission (those the views cover), newest first."""
    return [r[0] for r in con.execute(
        "SELECT DISTINCT fiscal_year FROM v_submissions WHERE status = ? ORDER BY 1 DESC",
        [c.SUBMISSION_ACTIVE]).fetchall()]


def data_date(con, fiscal_year: int) -> datetime | None:
    """When the newest active submission of the FY was loaded (the report's data date)."""
    row = con.execute(
        "SELECT max(loaded_at) FROM v_submissions WHERE status = ? AND fiscal_year = ?",
        [c.SUBMISSION_ACTIVE, fiscal_year]).fetchone()
    return row[0] if row else None


# --- plan structure ------------------------------------------------------------

def policies(con) -> list[tuple[str, str]]:
    """(code, name) of the current master's basic policies, in master order."""
    return [tuple(r) for r in con.execute(
        "SELECT policy_code, policy_name FROM v_policies ORDER BY sort_order").fetchall()]


def measures(con, policy_code: str) -> pd.DataFrame:
    """The measures of one basic policy: measure_code, measure_name."""
    return con.execute(
        "SELECT measure_code, measure_name FROM v_measures WHERE policy_code = ? ORDER BY sort_order",
        [policy_code]).df()


# --- emissions -------------------------------------------------------------------

@dataclass
class EmissionsSummary:
    base_year: int | None = None
    base_kt: float | None = None
    latest_year: int | None = None        # latest 実績 inventory year not after the FY
    latest_kt: float | None = None
    target_year: int | None = None        # first target year after the latest actual, total > 0
    target_kt: float | None = None
    path_kt: float | None = None          # straight path from base to target at latest_year
    reduction_pct: float | None = None    # (base − latest) / base × 100
    actual_rate_pct: float | None = None  # actual annual reduction rate, %
    needed_rate_pct: float | None = None  # annual rate needed to reach the target, %
    on_track: bool | None = None


def emission_totals(con) -> pd.DataFrame:
    """Net city-wide emissions (all sectors, removals included) per FY and kind."""
    return emissions.emission_totals(con)


def emissions_summary(con, fiscal_year: int) -> EmissionsSummary:
    """Emissions against the straight path and the pace (contract section 5).

    The pace is the dashboard's own `emissions.emission_pace`, so the report and the 概要 page
    can never disagree; the report adds the straight-path value at the latest inventory year.
    """
    pace = emissions.emission_pace(con, fiscal_year)
    if pace is None:
        return EmissionsSummary()
    out = EmissionsSummary(
        base_year=pace.base_year, base_kt=pace.base_kt, latest_year=pace.latest_year,
        latest_kt=pace.latest_kt, target_year=pace.target_year, target_kt=pace.target_kt,
        reduction_pct=pace.reduction_pct, actual_rate_pct=pace.actual_rate_pct,
        needed_rate_pct=pace.needed_rate_pct, on_track=pace.on_track)
    if pace.target_year is not None and pace.latest_year is not None:
        out.path_kt = pace.base_kt + (pace.target_kt - pace.base_kt) * (
            (pace.latest_year - pace.base_year) / (pace.target_year - pace.base_year))
    return out


# --- indicators ------------------------------------------------------------------

def _filters(fiscal_year: int, policy_code: str | None) -> common.Filters:
    return common.Filters(fiscal_year=fiscal_year, policy=policy_code)


def _where(fiscal_year: int, policy_code: str | None, alias: str = "") -> tuple[str, list]:
    """The dashboard's own WHERE (common.where_clause) for the FY and policy, on `alias`."""
    prefix = f"{alias}." if alias else ""
    return common.where_clause(_filters(fiscal_year, policy_code), year_col=f"{prefix}fiscal_year",
                               policy_col=f"{prefix}policy_code",
                               dept_col=f"{prefix}department_code",
                               action_col=f"{prefix}action_code")


def indicator_status_counts(con, fiscal_year: int, policy_code: str | None = None) -> dict[str, int]:
    """Indicators per status word (all five, in contract order) for the FY."""
    counts = attainment.indicator_status_counts(con, _filters(fiscal_year, policy_code))
    return {row.status: int(row.count) for row in counts.itertuples()}


def status_counts_of(table: pd.DataFrame) -> dict[str, int]:
    """Indicators per status word (all five, in contract order) of an `indicator_table`
    frame: the same count as `indicator_status_counts` for the rows it holds, without
    another pass over the attainment view (about 30 ms a query) for every policy."""
    counts = table["status"].value_counts() if len(table) else {}
    return {s: int(counts.get(s, 0)) for s in c.STATUSES}


def indicator_table(con, fiscal_year: int, policy_code: str | None = None) -> pd.DataFrame:
    """One row per indicator of the FY with its value, expected value, attainment and status:
    the dashboard's attainment table (目標達成状況), so page and report show the same rows."""
    return attainment.attainment_table(con, _filters(fiscal_year, policy_code))


# --- actions (PDCA) -----------------------------------------------------------------

@dataclass
class PdcaCompletion:
    actions: int = 0          # actions active in the FY (P)
    reported: int = 0
    do: int = 0
    check: int = 0
    act: int = 0
    complete: int = 0         # all four stages met

    @property
    def complete_pct(self) -> float | None:
        return self.complete / self.actions * 100 if self.actions else None


def pdca_completion(con, fiscal_year: int, policy_code: str | None = None) -> PdcaCompletion:
    """The FY's row of the dashboard's PDCA figures (pdca.pdca_by_year)."""
    by_year = pdca.pdca_by_year(con, _filters(fiscal_year, policy_code))
    row = by_year[by_year["fiscal_year"] == fiscal_year]
    if row.empty:
        return PdcaCompletion()
    r = row.iloc[0]
    return PdcaCompletion(int(r["actions"]), int(r["reported"]), int(r["do"]), int(r["check"]),
                          int(r["act"]), int(r["complete"]))


def action_table(con, fiscal_year: int, policy_code: str | None = None) -> pd.DataFrame:
    """One row per action active in the FY with what its department reported."""
    where, params = _where(fiscal_year, policy_code, "p")
    return con.execute(
        "SELECT p.measure_code, m.measure_name, p.action_code, p.action_name, p.department_code, "
        "d.department_name, p.priority, p.implementation_status, p.self_evaluation, p.direction, "
        "p.revision_text, p.stages, p.reported, p.policy_code "
        "FROM v_pdca_status p LEFT JOIN v_measures m USING (measure_code) "
        "LEFT JOIN v_departments d ON d.department_code = p.department_code "
        f"{where} ORDER BY m.sort_order, p.sort_order", params).df()


# --- partners ---------------------------------------------------------------------

@dataclass
class PartnerSummary:
    rows: int = 0
    actions: int = 0               # actions with at least one partner
    types: int = 0                 # distinct 連携主体区分
    participants: int = 0
    co2_reduction_t: float = 0.0


def partner_summary(con, fiscal_year: int, policy_code: str | None = None) -> PartnerSummary:
    where, params = _where(fiscal_year, policy_code)
    row = con.execute(
        "SELECT count(*), count(DISTINCT action_code), count(DISTINCT stakeholder_type), "
        "coalesce(sum(participants), 0), coalesce(sum(co2_reduction_t), 0) "
        f"FROM v_stakeholder_contributions {where}", params).fetchone()
    return PartnerSummary(int(row[0]), int(row[1]), int(row[2]), int(row[3]), float(row[4]))


def partners_by_type(con, fiscal_year: int, policy_code: str | None = None) -> pd.DataFrame:
    """Per 連携主体区分: rows, participants and CO2 reduction, in contract order (the
    dashboard's partners.stakeholders_by_category, named as the report names them)."""
    frame = partners.stakeholders_by_category(con, _filters(fiscal_year, policy_code))
    return (frame.rename(columns={"collaborations": "rows", "co2_t": "co2_reduction_t"})
            [["stakeholder_type", "rows", "participants", "co2_reduction_t"]])


def partner_table(con, fiscal_year: int, policy_code: str | None = None) -> pd.DataFrame:
    """Every partner row of the FY with its action."""
    where, params = _where(fiscal_year, policy_code, "s")
    return con.execute(
        "SELECT s.action_code, a.action_name, s.stakeholder_type, s.organisation, s.participants, "
        "s.co2_reduction_t, s.content, s.policy_code FROM v_stakeholder_contributions s "
        f"LEFT JOIN v_actions a USING (action_code) {where} "
        "ORDER BY a.sort_order, s.submission_id, s.source_cell", params).df()


# --- sources -------------------------------------------------------------------------

def data_sources(con, fiscal_year: int) -> pd.DataFrame:
    """The stored workbooks the FY's figures come from: the FY's active submissions and
    any other active submission that supplies an indicator value for the FY."""
    return con.execute(
        "SELECT s.submission_id, s.department_code, d.department_name, s.fiscal_year, s.file_name, "
        "s.sha256, s.loaded_at, s.loaded_by FROM v_submissions s "
        "LEFT JOIN v_departments d ON d.department_code = s.department_code "
        "WHERE s.status = ? AND (s.fiscal_year = ? OR s.submission_id IN ("
        "  SELECT submission_id FROM v_indicator_attainment WHERE fiscal_year = ? "
        "  AND submission_id IS NOT NULL)) "
        "ORDER BY s.fiscal_year, s.department_code, s.submission_id",
        [c.SUBMISSION_ACTIVE, fiscal_year, fiscal_year]).df()


def master_source(con) -> tuple | None:
    """(master_id, file_name, loaded_at) of the current plan master."""
    row = con.execute("SELECT master_id, file_name, loaded_at FROM master_versions "
                      "WHERE is_current").fetchone()
    return tuple(row) if row else None
