"""Which departments submitted for which FY (提出状況); and its chart."""
from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

# The data are aggregated figures already; big warehouses may still exceed Altair's 5,000 rows.
from pipeline.analysis.chart_style import (
    SUBMITTED_COLORS,
    chart_title,
    color_scale,
    tip,
    with_fy_label,
)
from pipeline.analysis.common import PRIORITY_MEASURES, Filters, fetch, query
from pipeline.ingest import contract as c
from pipeline.texts import dashboard as txt


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
    if f.priority:
        parts.append(f"""d.department_code IN (
            SELECT department_code FROM v_actions WHERE priority
            UNION SELECT department_code FROM v_indicators WHERE measure_code IN {PRIORITY_MEASURES})""")
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
    df = fetch(con, f"""
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
    return fetch(con, f"""
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


def missing_by_year(matrix: pd.DataFrame) -> list[tuple[int, int]]:
    """(FY, departments without a submission) of a `submission_matrix`, newest FY first,
    only the FYs that miss any."""
    missing = matrix[~matrix["submitted"].astype(bool)].groupby("fiscal_year").size()
    return [(int(y), int(n)) for y, n in sorted(missing.items(), reverse=True) if n]


def submission_matrix_chart(df: pd.DataFrame, title: str):
    data = with_fy_label(df)
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
        color=alt.Color("state:N", title=txt.COLUMNS["submitted_label"], scale=color_scale(SUBMITTED_COLORS)),
        tooltip=[tip("label", txt.COLUMNS["department_name"], kind="N"),
                 tip("fy_label", txt.COLUMNS["fiscal_year"], kind="N"),
                 tip("state", txt.COLUMNS["submitted_label"], kind="N"),
                 tip("versions", txt.VERSIONS_TIP, "d")])
    text = base.mark_text(fontSize=14, color="white", fontWeight="bold").encode(text="versions:Q")
    return alt.layer(rect, text).properties(title=chart_title(title), height=height)
