"""Named queries behind the public site and its open data (only public columns).

The figures come from the contract views (sections 6 and 8) through the same analysis
functions as the app where one exists; the queries here add the public text columns of
the actions (取組実績 and, when the settings allow it, 予算額/決算額/課題) and the rows of
the open-data files.  Columns HQ keeps internal are never selected, and nothing here ever
reads 担当者 or 連絡先.
"""
from __future__ import annotations

import pandas as pd

from pipeline import council
from pipeline.analysis.common import fetch, query
from pipeline.ingest import contract as c
from pipeline.site.config import Visibility


#: Views every page reads many times: computed once per build (see `materialise`).
HEAVY_VIEWS = ("v_indicator_attainment", "v_pdca_status", "v_stakeholder_contributions", "v_emissions",
               "v_submissions", "v_active_submissions", "v_operations_emissions", "v_operations_change",
               "v_facility_emissions")


def materialise(con) -> list[str]:
    """Snapshot the heavy views as temporary tables of the same name in this connection.

    DuckDB looks names up in the temporary schema first, so every query function — the
    app's, the report's, the narrative's — then reads the snapshot instead of computing
    the view again (a site asks v_indicator_attainment some eighty times).  The snapshot
    lives as long as the connection, which reads one warehouse (or one edition) anyway."""
    done = []
    for name in HEAVY_VIEWS:
        row = con.execute("SELECT table_type FROM information_schema.tables WHERE table_name = ? "
                          "AND table_schema = 'main' ORDER BY table_type LIMIT 1", [name]).fetchone()
        if row is None or row[0] != "VIEW":
            continue
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM main.{name}")
        done.append(name)
    return done


def _exists(con, name: str) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                       [name]).fetchone()[0] > 0


def _columns(con, name: str) -> set[str]:
    return {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [name]).fetchall()}


@query
def indicator_rows(con, fiscal_year: int, vis: Visibility) -> pd.DataFrame:
    """The section-6 attainment rows of the FY (v_indicator_attainment), with the names of
    policy, measure and department and, when public, the 備考 of the value."""
    note = "v.note" if vis.note else "NULL"
    return fetch(con, f"""
        SELECT a.fiscal_year, a.indicator_code, a.indicator_name, a.unit, a.direction,
               a.base_year, a.base_value, a.target_year, a.target_value, a.actual_value,
               a.expected_value, a.attainment_pct, a.status, a.department_code,
               d.department_name, a.measure_code, m.measure_name, a.policy_code, p.policy_name,
               {note} AS note
        FROM v_indicator_attainment a
        LEFT JOIN v_policies p ON p.policy_code = a.policy_code
        LEFT JOIN v_measures m ON m.measure_code = a.measure_code
        LEFT JOIN v_departments d ON d.department_code = a.department_code
        LEFT JOIN indicator_values v ON v.submission_id = a.submission_id
             AND v.source_cell = a.source_cell AND v.indicator_code = a.indicator_code
        WHERE a.fiscal_year = ?
        ORDER BY p.sort_order, m.sort_order, a.sort_order, a.indicator_code""", [int(fiscal_year)])


@query
def action_rows(con, fiscal_year: int, vis: Visibility) -> pd.DataFrame:
    """The PDCA rows of the FY (v_pdca_status) with what the department reported that is
    public: 取組実績, and 予算額/決算額/課題/見直し内容 only where the settings allow."""
    pick = {"result_text": "r.result_text" if vis.result else "NULL",
            "budget_k_yen": "r.budget_k_yen" if vis.budget else "NULL",
            "settlement_k_yen": "r.settlement_k_yen" if vis.settlement else "NULL",
            "issues_text": "r.issues_text" if vis.issues else "NULL",
            "revision_text": "s.revision_text" if vis.revision else "NULL"}
    extra = ", ".join(f"{expr} AS {name}" for name, expr in pick.items())
    return fetch(con, f"""
        SELECT s.fiscal_year, s.action_code, s.action_name, s.department_code, d.department_name,
               s.measure_code, m.measure_name, s.policy_code, p.policy_name, s.priority,
               s.reported, s.implementation_status, s.self_evaluation, s.direction,
               s.plan, s."do", s."check", s.act, s.stages, {extra}
        FROM v_pdca_status s
        LEFT JOIN action_reports r ON r.submission_id = s.submission_id
             AND r.action_code = s.action_code
        LEFT JOIN v_policies p ON p.policy_code = s.policy_code
        LEFT JOIN v_measures m ON m.measure_code = s.measure_code
        LEFT JOIN v_departments d ON d.department_code = s.department_code
        WHERE s.fiscal_year = ?
        ORDER BY p.sort_order, m.sort_order, s.sort_order, s.action_code""", [int(fiscal_year)])


@query
def partner_rows(con, fiscal_year: int, vis: Visibility) -> pd.DataFrame:
    """Every contribution row of the FY (v_stakeholder_contributions) with its action."""
    org = "s.organisation" if vis.organisation else "NULL"
    content = "s.content" if vis.content else "NULL"
    return fetch(con, f"""
        SELECT s.fiscal_year, s.action_code, a.action_name, s.department_code, d.department_name,
               s.measure_code, s.policy_code, s.stakeholder_type, {org} AS organisation,
               s.participants, s.co2_reduction_t, {content} AS content
        FROM v_stakeholder_contributions s
        LEFT JOIN v_actions a ON a.action_code = s.action_code
        LEFT JOIN v_departments d ON d.department_code = s.department_code
        WHERE s.fiscal_year = ?
        ORDER BY a.sort_order, s.action_code, s.submission_id, s.source_cell""", [int(fiscal_year)])


@query
def emission_rows(con, fiscal_year: int) -> pd.DataFrame:
    """v_emissions as the FY's site shows it: the base inventory, actuals up to the FY and
    the targets, per sector (the same rows as the app's emissions chart)."""
    from pipeline.analysis import emissions
    return emissions.emissions_by_sector(con, int(fiscal_year))


# --- the city government's own operations (事務事業編, contract section 8) ---------------

@query
def has_operations(con, fiscal_year: int) -> bool:
    """Whether the own-operations inventory exists and has a row up to the FY."""
    if not _exists(con, "v_operations_emissions"):
        return False
    return con.execute("SELECT count(*) FROM v_operations_emissions WHERE fiscal_year <= ?",
                       [int(fiscal_year)]).fetchone()[0] > 0


@query
def operations_rows(con, fiscal_year: int) -> pd.DataFrame:
    """v_operations_emissions up to the FY (whole government first, then organisations),
    with the organisation's name where the plan master gives one."""
    cols = _columns(con, "v_operations_emissions")
    wanted = ["fiscal_year", "organisation_code", "t_co2", "t_co2_fixed", "base_year",
              "base_t_co2", "target_year", "target_t_co2", "expected_t_co2", "reduction_pct",
              "status", "provisional", "facilities_reported", "facilities_in_use"]
    select = ", ".join(f"o.{k}" if k in cols else f"NULL AS {k}" for k in wanted)
    name = "NULL"
    join = ""
    if _exists(con, "v_organisations") and {"organisation_code", "organisation_name"} <= _columns(
            con, "v_organisations"):
        name, join = "g.organisation_name", ("LEFT JOIN v_organisations g "
                                             "ON g.organisation_code = o.organisation_code")
    return fetch(con, f"""
        SELECT {select}, {name} AS organisation_name FROM v_operations_emissions o {join}
        WHERE o.fiscal_year <= ?
        ORDER BY o.fiscal_year, o.organisation_code NULLS FIRST""", [int(fiscal_year)])


# --- opinions and responses -------------------------------------------------------------

@query
def public_opinions(con, fiscal_year: int) -> pd.DataFrame:
    """Opinions on the plan up to the FY with the city's response: only those marked
    published where the warehouse records that, else the environmental council's.
    Who recorded or answered them is never selected."""
    published = getattr(council, "public_opinions", None)
    frame = published(con) if published is not None else council.opinions(con)
    frame = frame[frame["fiscal_year"] <= int(fiscal_year)]
    if "published" in frame.columns:
        frame = frame[frame["published"].fillna(False).astype(bool)]
    cols = ["fiscal_year", "source", "level", "target_code", "target_name", "opinion_text",
            "response_text", "status"]
    frame = frame.assign(**{k: None for k in cols if k not in frame.columns})
    if frame["source"].isna().all():
        frame = frame.assign(source=council_source_default())
    return frame[cols].sort_values(["fiscal_year"], ascending=False, kind="stable").reset_index(drop=True)


def council_source_default() -> str:
    from pipeline.texts import site as txt
    return txt.SOURCE_COUNCIL


@query
def submission_fiscal_years(con) -> list[int]:
    """FYs with at least one active submission (the FYs a site can be built for)."""
    return [int(r[0]) for r in con.execute(
        "SELECT DISTINCT fiscal_year FROM v_submissions WHERE status = ? ORDER BY 1",
        [c.SUBMISSION_ACTIVE]).fetchall()]


@query
def data_date(con, fiscal_year: int):
    """When the newest active submission of the FY was loaded."""
    return con.execute("SELECT max(loaded_at) FROM v_submissions WHERE status = ? "
                       "AND fiscal_year = ?", [c.SUBMISSION_ACTIVE, int(fiscal_year)]).fetchone()[0]


@query
def is_demo(con) -> bool:
    """Whether the warehouse holds the generated demo (its loads are labelled demo:…)."""
    row = con.execute("SELECT count(*) FROM v_submissions WHERE loaded_by LIKE 'demo:%'").fetchone()
    return row[0] > 0
