"""Writing to the warehouse: plan masters, submissions (versioned), restore.

Every write is one transaction; a workbook is in the warehouse whole or not
at all.  Nothing is ever deleted: a resubmission supersedes the active
version for its department and FY, and `restore` makes an older one active
again.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pandas as pd
import pyarrow as pa   # installed with pandas' Arrow strings and with streamlit

from pipeline.ingest import contract as c
from pipeline.ingest.master import Action, Department, Indicator, MasterPlan
from pipeline.ingest.validate import Submission
from pipeline.warehouse import operations
from pipeline.warehouse.schema import transaction


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


@dataclass
class StoredSubmission:
    submission_id: int
    department_code: str
    fiscal_year: int
    file_name: str
    sha256: str
    loaded_at: datetime
    loaded_by: str | None
    status: str


@dataclass
class LoadOutcome:
    """What happened to one accepted workbook."""
    sha256: str
    submission_id: int
    noop: bool
    superseded: list[int] = field(default_factory=list)


# --- reading by column name -------------------------------------------------

def records(con, sql: str, params: list | None = None) -> list[dict]:
    """The rows of a query as dicts by column name, so a reader never depends on the
    position of a column in a SELECT (or in a table that gains columns)."""
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def record(con, sql: str, params: list | None = None) -> dict | None:
    rows = records(con, sql, params)
    return rows[0] if rows else None


# --- reading the current master --------------------------------------------

def current_master(con: duckdb.DuckDBPyConnection) -> MasterPlan | None:
    row = record(con, "SELECT master_id FROM master_versions WHERE is_current")
    if row is None:
        return None
    master_id = row["master_id"]
    plan = MasterPlan()
    for r in records(con, "SELECT department_code AS code, department_name AS name, "
                          "bureau_name AS bureau FROM m_departments WHERE master_id = ?", [master_id]):
        plan.departments[r["code"]] = Department(**r)
    for r in records(con, "SELECT policy_code, policy_name FROM m_policies WHERE master_id = ? "
                          "ORDER BY sort_order", [master_id]):
        plan.policies[r["policy_code"]] = r["policy_name"]
    for r in records(con, "SELECT measure_code, policy_code, measure_name FROM m_measures "
                          "WHERE master_id = ? ORDER BY sort_order", [master_id]):
        plan.measures[r["measure_code"]] = (r["policy_code"], r["measure_name"])
    for r in records(con, "SELECT action_code AS code, measure_code, action_name AS name, "
                          "department_code, start_year, end_year, priority FROM m_actions "
                          "WHERE master_id = ? ORDER BY sort_order", [master_id]):
        plan.actions[r["code"]] = Action(**{**r, "priority": bool(r["priority"])})
    for r in records(con, "SELECT indicator_code AS code, measure_code, indicator_name AS name, unit, "
                          "direction, base_year, base_value, target_year, target_value, "
                          "department_code FROM m_indicators WHERE master_id = ? ORDER BY sort_order",
                     [master_id]):
        plan.indicators[r["code"]] = Indicator(**r)
    for r in records(con, "SELECT fiscal_year, sector, kind, kt_co2, source_cell FROM m_emissions "
                          "WHERE master_id = ?", [master_id]):
        plan.emissions.append((r["fiscal_year"], r["sector"], r["kind"], r["kt_co2"], r["source_cell"]))
    from pipeline.warehouse import operations
    operations.read_master(con, master_id, plan)
    return plan


# --- audit -----------------------------------------------------------------

def audit(con, actor: str | None, action: str, target: str, detail: dict | None = None) -> None:
    """Append one line to the audit log (inside the caller's transaction).

    event_id is the table's primary key: two writers that took the same next id cannot
    both commit (the second fails and rolls back whole), so no id is ever given twice."""
    con.execute(
        "INSERT INTO audit_log (event_id, occurred_at, actor, action, target, detail) "
        "SELECT coalesce(max(event_id), 0) + 1, ?, ?, ?, ?, ? FROM audit_log",
        [now(), actor or "", action, target, json.dumps(detail or {}, ensure_ascii=False)])


def _audit_many(con, events: list[tuple[str | None, str, str, dict | None]]) -> None:
    """audit() for many events in one insert (bulk loads)."""
    if not events:
        return
    first = con.execute("SELECT coalesce(max(event_id), 0) + 1 FROM audit_log").fetchall()[0][0]
    stamp = now()
    _insert_rows(con, "audit_log", ["event_id", "occurred_at", "actor", "action", "target", "detail"],
                 [(first + i, stamp, actor or "", action, target,
                   json.dumps(detail or {}, ensure_ascii=False))
                  for i, (actor, action, target, detail) in enumerate(events)])


def _archive(con, data: bytes, sha: str) -> None:
    con.execute("INSERT INTO archive VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [sha, len(data), data, now()])


# --- master ----------------------------------------------------------------

def current_version(con, table: str, id_column: str, sha: str) -> int | None:
    """The id of the current version of a reference workbook (master_versions,
    factor_versions) when it is the file with this sha256 (loading it again is a no-op)."""
    current = con.execute(f"SELECT {id_column}, sha256 FROM {table} WHERE is_current").fetchone()
    return current[0] if current is not None and current[1] == sha else None


def add_version(con, table: str, id_column: str, data: bytes, sha: str, file_name: str,
                loaded_by: str | None) -> int:
    """Inside the caller's transaction: a new current version of a reference workbook
    (the previous one no longer current) and the file archived; returns its id."""
    new_id = con.execute(f"SELECT coalesce(max({id_column}), 0) + 1 FROM {table}").fetchone()[0]
    con.execute(f"UPDATE {table} SET is_current = FALSE WHERE is_current")
    con.execute(f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?, TRUE)",
                [new_id, file_name, sha, now(), loaded_by])
    _archive(con, data, sha)
    return new_id


def load_master(con, plan: MasterPlan, data: bytes, file_name: str, loaded_by: str | None) -> tuple[int, bool]:
    """Make `plan` the current master; returns (master_id, noop)."""
    sha = sha256_of(data)
    current = current_version(con, "master_versions", "master_id", sha)
    if current is not None:
        return current, True
    with transaction(con):
        master_id = add_version(con, "master_versions", "master_id", data, sha, file_name, loaded_by)
        _insert(con, "m_departments", pd.DataFrame(
            [(master_id, d.code, d.name, d.bureau) for d in plan.departments.values()],
            columns=["master_id", "department_code", "department_name", "bureau_name"]))
        _insert(con, "m_policies", pd.DataFrame(
            [(master_id, code, name, i) for i, (code, name) in enumerate(plan.policies.items())],
            columns=["master_id", "policy_code", "policy_name", "sort_order"]))
        _insert(con, "m_measures", pd.DataFrame(
            [(master_id, code, p, name, i) for i, (code, (p, name)) in enumerate(plan.measures.items())],
            columns=["master_id", "measure_code", "policy_code", "measure_name", "sort_order"]))
        _insert(con, "m_actions", pd.DataFrame(
            [(master_id, a.code, a.measure_code, a.name, a.department_code, a.start_year, a.end_year,
              a.priority, plan.cells.get((c.MASTER_ACTIONS, a.code)), i)
             for i, a in enumerate(plan.actions.values())],
            columns=["master_id", "action_code", "measure_code", "action_name", "department_code",
                     "start_year", "end_year", "priority", "source_cell", "sort_order"]))
        _insert(con, "m_indicators", pd.DataFrame(
            [(master_id, x.code, x.measure_code, x.name, x.unit, x.direction, x.base_year,
              x.base_value, x.target_year, x.target_value, x.department_code,
              plan.cells.get((c.MASTER_INDICATORS, x.code)), i)
             for i, x in enumerate(plan.indicators.values())],
            columns=["master_id", "indicator_code", "measure_code", "indicator_name", "unit",
                     "direction", "base_year", "base_value", "target_year", "target_value",
                     "department_code", "source_cell", "sort_order"]))
        _insert(con, "m_emissions", pd.DataFrame(
            [(master_id, *e) for e in plan.emissions],
            columns=["master_id", "fiscal_year", "sector", "kind", "kt_co2", "source_cell"]))
        from pipeline.warehouse.round import insert_contacts
        insert_contacts(con, master_id, plan.contact_emails)
        from pipeline.warehouse import operations
        operations.store_master(con, master_id, plan, _insert)
        audit(con, loaded_by, "master", file_name, {"master_id": master_id, "sha256": sha})
    return master_id, False


def _insert(con, table: str, frame) -> None:
    """Insert a DataFrame or an Arrow table."""
    if isinstance(frame, pa.Table):
        if frame.num_rows == 0:
            return
        columns = frame.column_names
    else:
        if frame.empty:
            return
        columns = frame.columns
    con.register("_frame", frame)
    try:
        cols = ", ".join(f'"{col}"' for col in columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _frame")
    finally:
        con.unregister("_frame")


def _arrow_rows(columns: list[str], rows: list, astype: dict | None = None):
    """Row tuples as an Arrow table: cheaper to build than a DataFrame for bulk
    loads.  A DataFrame (with `astype`) when Arrow cannot type a column of
    mixed values."""
    try:
        return pa.Table.from_arrays([pa.array(col) for col in zip(*rows)], names=columns)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        frame = pd.DataFrame(rows, columns=columns)
        return frame.astype(astype) if astype else frame


def _insert_rows(con, table: str, columns: list[str], rows: list, astype: dict | None = None) -> None:
    if rows:
        _insert(con, table, _arrow_rows(columns, rows, astype))


# --- submissions -----------------------------------------------------------

_STORED = ("SELECT submission_id, department_code, fiscal_year, file_name, sha256, loaded_at, "
           "loaded_by, status FROM submissions")


def find_by_sha(con, sha: str) -> StoredSubmission | None:
    row = record(con, _STORED + " WHERE sha256 = ? ORDER BY submission_id LIMIT 1", [sha])
    return StoredSubmission(**row) if row else None


def stored_rows(con, submission_id: int) -> dict[str, int]:
    counts = {}
    for sheet, table in ((c.SHEET_ACTIONS, "action_reports"), (c.SHEET_INDICATORS, "indicator_values"),
                         (c.SHEET_PARTNERS, "partner_rows")):
        counts[sheet] = con.execute(f"SELECT count(*) FROM {table} WHERE submission_id = ?",
                                    [submission_id]).fetchone()[0]
    energy = con.execute("SELECT count(*) FROM energy_rows WHERE submission_id = ?",
                         [submission_id]).fetchone()[0]
    if energy:
        counts[c.SHEET_ENERGY] = energy
    return counts


def load_submissions(con, items: list[tuple[Submission, bytes]], loaded_by,
                     master_id: int | None = None, loaded_at=None) -> list[LoadOutcome]:
    """Store accepted submissions in one transaction, in the given order.

    A file byte-identical to a stored version (or to an earlier item of the
    batch) is a no-op.  A new version supersedes the active one for its
    department and FY.  `loaded_by` and `loaded_at` are one value for the
    batch or a list with one value per item (the demo replays history).
    """
    by_item = loaded_by if isinstance(loaded_by, (list, tuple)) else [loaded_by] * len(items)
    at_item = loaded_at if isinstance(loaded_at, (list, tuple)) else [loaded_at] * len(items)
    if master_id is None:
        row = con.execute("SELECT master_id FROM master_versions WHERE is_current").fetchone()
        master_id = row[0] if row else None
    outcomes: list[LoadOutcome] = []
    with transaction(con):
        next_id = con.execute("SELECT coalesce(max(submission_id), 0) + 1 FROM submissions").fetchone()[0]
        stamp = now()
        batch_sha: dict[str, int] = {}
        latest: dict[tuple[str, int], int] = {}     # key -> index into new_rows
        new_rows: list[list] = []
        actions, values, partners, energy = [], [], [], []
        # One query each for known files and active versions, not one per item
        # (bulk loads of hundreds of workbooks; see bench/ingest.py).
        shas = [sha256_of(data) for _, data in items]
        known = dict(con.execute(
            "SELECT sha256, min(submission_id) FROM submissions "
            "WHERE sha256 IN (SELECT unnest(?::VARCHAR[])) GROUP BY sha256", [shas]).fetchall())
        active: dict[tuple[str, int], list[int]] = {}
        for sid_, dept_, fy_ in con.execute(
                "SELECT submission_id, department_code, fiscal_year FROM submissions "
                "WHERE status = ? ORDER BY submission_id", [c.SUBMISSION_ACTIVE]).fetchall():
            active.setdefault((dept_, fy_), []).append(sid_)
        archive_rows: list[tuple] = []
        for (sub, data), sha, by, at in zip(items, shas, by_item, at_item):
            stored = batch_sha.get(sha)
            if stored is None:
                stored = known.get(sha)
            if stored is not None:
                outcomes.append(LoadOutcome(sha, stored, True))
                continue
            sid = next_id
            next_id += 1
            batch_sha[sha] = sid
            key = (sub.department_code, sub.fiscal_year)
            outcome = LoadOutcome(sha, sid, False)
            if key in latest:
                prev = new_rows[latest[key]]
                prev[7] = c.SUBMISSION_SUPERSEDED
                outcome.superseded.append(prev[0])
            else:
                outcome.superseded.extend(active.get(key, ()))
            latest[key] = len(new_rows)
            new_rows.append([sid, sub.department_code, sub.fiscal_year, sub.file_name, sha, at or stamp,
                             by, c.SUBMISSION_ACTIVE, master_id, sub.department_name,
                             sub.contact_person, sub.contact, len(sub.warnings), at or stamp])
            archive_rows.append((sha, len(data), data, stamp))
            actions.extend((sid, a.action_code, a.action_name, a.implementation_status, a.budget_k_yen,
                            a.settlement_k_yen, a.result_text, a.self_evaluation, a.issues_text,
                            a.direction, a.revision_text, a.source_sheet, a.source_cell)
                           for a in sub.actions)
            values.extend((sid, v.indicator_code, v.indicator_name, v.actual_year, v.value, v.note,
                           v.source_sheet, v.source_cell) for v in sub.indicator_values)
            partners.extend((sid, p.action_code, p.stakeholder_type, p.organisation, p.participants,
                             p.co2_reduction_t, p.content, p.source_sheet, p.source_cell)
                            for p in sub.partners)
            if sub.energy:
                energy.extend(operations.energy_tuples(sid, sub.energy))
            outcomes.append(outcome)
        superseded = [sid for o in outcomes if not o.noop for sid in o.superseded
                      if sid not in batch_sha.values()]
        if superseded:
            con.execute(
                f"UPDATE submissions SET status = '{c.SUBMISSION_SUPERSEDED}', status_changed_at = ? "
                f"WHERE submission_id IN ({', '.join(map(str, superseded))})", [stamp])
        _insert_rows(con, "submissions", [
            "submission_id", "department_code", "fiscal_year", "file_name", "sha256", "loaded_at",
            "loaded_by", "status", "master_id", "department_name", "contact_person", "contact",
            "warning_count", "status_changed_at"], new_rows)
        _insert_rows(con, "action_reports", [
            "submission_id", "action_code", "action_name_reported", "implementation_status",
            "budget_k_yen", "settlement_k_yen", "result_text", "self_evaluation", "issues_text",
            "direction", "revision_text", "source_sheet", "source_cell"], actions,
            {"budget_k_yen": "float64", "settlement_k_yen": "float64"})
        _insert_rows(con, "indicator_values", [
            "submission_id", "indicator_code", "indicator_name_reported", "actual_year", "value",
            "note", "source_sheet", "source_cell"], values, {"value": "float64"})
        _insert_rows(con, "partner_rows", [
            "submission_id", "action_code", "stakeholder_type", "organisation", "participants",
            "co2_reduction_t", "content", "source_sheet", "source_cell"], partners,
            {"participants": "Int64", "co2_reduction_t": "float64"})
        _insert_rows(con, "energy_rows", operations.ENERGY_COLUMNS, energy, operations.ENERGY_TYPES)
        if archive_rows:
            con.register("_archive_rows", _arrow_rows(["sha256", "size", "content", "stored_at"],
                                                      archive_rows))
            try:
                con.execute("INSERT INTO archive SELECT sha256, size, content, stored_at "
                            "FROM _archive_rows ON CONFLICT DO NOTHING").fetchall()
            finally:
                con.unregister("_archive_rows")
        _audit_many(con, [(row[6], "upload", row[3], {
            "submission_id": row[0], "department_code": row[1], "fiscal_year": row[2],
            "sha256": row[4]}) for row in new_rows])
    return outcomes


def history(con, department_code: str | None = None, fiscal_year: int | None = None) -> list[StoredSubmission]:
    sql = _STORED + " WHERE TRUE"
    params: list = []
    if department_code:
        sql += " AND department_code = ?"
        params.append(department_code)
    if fiscal_year:
        sql += " AND fiscal_year = ?"
        params.append(fiscal_year)
    sql += " ORDER BY fiscal_year, department_code, submission_id"
    return [StoredSubmission(**r) for r in records(con, sql, params)]


def restore(con, submission_id: int, actor: str | None) -> StoredSubmission | None:
    """Make a stored version the active one for its department and FY.

    The status is read inside the transaction, so what it decides on is what it writes
    over (a version restored or superseded meanwhile is not restored twice)."""
    with transaction(con):
        row = record(con, _STORED + " WHERE submission_id = ?", [submission_id])
        if row is None:
            return None
        target = StoredSubmission(**row)
        if target.status == c.SUBMISSION_ACTIVE:
            return target
        stamp = now()
        con.execute(
            "UPDATE submissions SET status = ?, status_changed_at = ? WHERE department_code = ? "
            "AND fiscal_year = ? AND status = ?",
            [c.SUBMISSION_SUPERSEDED, stamp, target.department_code, target.fiscal_year,
             c.SUBMISSION_ACTIVE])
        con.execute("UPDATE submissions SET status = ?, status_changed_at = ? WHERE submission_id = ?",
                    [c.SUBMISSION_ACTIVE, stamp, submission_id])
        audit(con, actor, "restore", target.file_name, {
            "submission_id": submission_id, "department_code": target.department_code,
            "fiscal_year": target.fiscal_year})
    target.status = c.SUBMISSION_ACTIVE
    return target


def archived_file(con, sha: str) -> bytes | None:
    row = con.execute("SELECT content FROM archive WHERE sha256 = ?", [sha]).fetchone()
    return bytes(row[0]) if row else None
