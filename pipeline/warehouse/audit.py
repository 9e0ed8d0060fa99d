"""Reading the record of writes: the audit log and the submission history.

store.audit() writes "upload", "restore" and "master" events; pipeline.auth
writes "account" events (add, update, remove, locked).  Nothing here writes.
"""
from __future__ import annotations

import json

import pandas as pd

AUDIT_ACTIONS = ("upload", "restore", "master", "account")


def _detail_text(raw: str | None) -> str:
    """The JSON detail as `key=value, …` (readable in a table)."""
    if not raw:
        return ""
    try:
        detail = json.loads(raw)
    except (TypeError, ValueError):
        return str(raw)
    if not isinstance(detail, dict):
        return str(detail)
    return ", ".join(f"{k}={v}" for k, v in detail.items() if v is not None)


def audit_log(con, *, actions: list[str] | tuple[str, ...] | None = None, actor: str | None = None,
              limit: int = 1000) -> pd.DataFrame:
    """Audit events, newest first.

    Columns: event_id, occurred_at, actor, action, target, detail (readable text).
    """
    sql = "SELECT event_id, occurred_at, actor, action, target, detail FROM audit_log WHERE TRUE"
    params: list = []
    if actions:
        sql += f" AND action IN ({', '.join('?' for _ in actions)})"
        params.extend(actions)
    if actor:
        sql += " AND actor = ?"
        params.append(actor)
    sql += " ORDER BY event_id DESC LIMIT ?"
    params.append(int(limit))
    frame = con.execute(sql, params).df()
    frame["detail"] = [_detail_text(d) for d in frame["detail"]]
    return frame


def submission_history(con, department_code: str | None = None,
                       fiscal_year: int | None = None) -> pd.DataFrame:
    """Every stored version (active and superseded), newest first within department and FY.

    Columns: submission_id, department_code, department_name, fiscal_year, status, loaded_at,
    loaded_by, file_name, warning_count, sha256, status_changed_at.
    """
    sql = ("SELECT submission_id, department_code, department_name, fiscal_year, status, loaded_at, "
           "loaded_by, file_name, warning_count, sha256, status_changed_at FROM v_submissions WHERE TRUE")
    params: list = []
    if department_code:
        sql += " AND department_code = ?"
        params.append(department_code)
    if fiscal_year:
        sql += " AND fiscal_year = ?"
        params.append(int(fiscal_year))
    sql += " ORDER BY fiscal_year DESC, department_code, submission_id DESC"
    return con.execute(sql, params).df()


def history_filters(con) -> tuple[list[tuple[str, str]], list[int]]:
    """(department code, name) pairs and FYs that have stored submissions."""
    departments = con.execute(
        "SELECT s.department_code, coalesce(any_value(d.department_name), any_value(s.department_name), '') "
        "FROM submissions s LEFT JOIN v_departments d USING (department_code) "
        "GROUP BY s.department_code ORDER BY s.department_code").fetchall()
    years = [r[0] for r in con.execute(
        "SELECT DISTINCT fiscal_year FROM submissions ORDER BY 1 DESC").fetchall()]
    return [(code, name) for code, name in departments], years
