"""Reference data of the plan master: years, departments, policies, measures."""
from __future__ import annotations

import pandas as pd

# The data are aggregated figures already; big warehouses may still exceed Altair's 5,000 rows.
from pipeline.analysis.common import fetch, query


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
    return fetch(con, "SELECT department_code, department_name, bureau_name FROM v_departments "
                    "ORDER BY department_code")


@query
def policies(con) -> pd.DataFrame:
    return fetch(con, "SELECT policy_code, policy_name FROM v_policies "
                    "ORDER BY sort_order, policy_code")


@query
def measures(con, policy: str | None = None) -> pd.DataFrame:
    where, params = ("WHERE policy_code = ?", [policy]) if policy else ("", [])
    return fetch(con, f"SELECT measure_code, policy_code, measure_name FROM v_measures {where} "
                    "ORDER BY sort_order, measure_code", params)
