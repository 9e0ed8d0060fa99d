"""The HQ's yearly round (contract section 10): deadlines, department e-mail addresses,
saved narrative texts.

Tables (internal; appended to schema.DDL_PARTS, so an existing warehouse gains them on
its next open):
- m_department_contacts: 所管課.連絡先メール of each master version (a table of its own,
  so a warehouse made before section 10 needs no column added to m_departments).
- round_deadlines: one 提出期限 per FY; setting it again replaces it (audited).
- narrative_texts: every saved version of every paragraph of the drafted narrative;
  nothing is overwritten, the newest version of a (FY, scope, section) is the one used.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

ROUND_SQL = """
CREATE TABLE IF NOT EXISTS m_department_contacts (
    master_id INTEGER, department_code VARCHAR, email VARCHAR);
CREATE TABLE IF NOT EXISTS round_deadlines (
    fiscal_year INTEGER PRIMARY KEY, deadline DATE, set_at TIMESTAMP, set_by VARCHAR);
CREATE TABLE IF NOT EXISTS narrative_texts (
    fiscal_year INTEGER, scope VARCHAR, section VARCHAR, version INTEGER, text VARCHAR,
    saved_at TIMESTAMP, saved_by VARCHAR);
CREATE OR REPLACE VIEW v_department_contacts AS
    SELECT d.department_code, d.department_name, d.bureau_name, c.email
    FROM m_departments d
    LEFT JOIN m_department_contacts c
      ON c.master_id = d.master_id AND c.department_code = d.department_code
    WHERE d.master_id = (SELECT master_id FROM master_versions WHERE is_current);
"""

from pipeline.warehouse import schema  # noqa: E402

schema.DDL_PARTS.append(ROUND_SQL)

#: Narrative scopes: the whole plan, or only the 重点対策 (priority-measures) actions.
SCOPE_ALL = "all"
SCOPE_PRIORITY = "priority"
SECTION_OVERVIEW = "overview"
SECTION_OPERATIONS = "operations"


def policy_section(code: str) -> str:
    return f"policy:{code}"


# --- master contacts (written with the master, in store.load_master's transaction) -----

def insert_contacts(con, master_id: int, emails: dict[str, str]) -> None:
    for code, email in emails.items():
        con.execute("INSERT INTO m_department_contacts VALUES (?, ?, ?)", [master_id, code, email])


def department_contacts(con) -> pd.DataFrame:
    """department_code, department_name, bureau_name, email (None when the master has none)."""
    return con.execute("SELECT * FROM v_department_contacts ORDER BY department_code").df()


# --- deadlines ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Deadline:
    fiscal_year: int
    deadline: date
    set_at: datetime | None
    set_by: str | None


def set_deadline(con, fiscal_year: int, deadline: date, actor: str) -> None:
    """Record FY's 提出期限 (replacing an earlier one) and audit it, in one transaction."""
    from pipeline.warehouse import store
    previous = get_deadline(con, fiscal_year)
    with schema.transaction(con):
        con.execute("INSERT INTO round_deadlines VALUES (?, ?, ?, ?) ON CONFLICT (fiscal_year) "
                    "DO UPDATE SET deadline = excluded.deadline, set_at = excluded.set_at, "
                    "set_by = excluded.set_by",
                    [int(fiscal_year), deadline, store.now(), actor])
        store.audit(con, actor, "round_deadline", str(int(fiscal_year)), {
            "deadline": deadline.isoformat(),
            "previous": previous.deadline.isoformat() if previous else None})


def get_deadline(con, fiscal_year: int) -> Deadline | None:
    row = con.execute("SELECT fiscal_year, deadline, set_at, set_by FROM round_deadlines "
                      "WHERE fiscal_year = ?", [int(fiscal_year)]).fetchone()
    return Deadline(*row) if row else None


# --- narrative texts ------------------------------------------------------------------------

@dataclass(frozen=True)
class SavedText:
    section: str
    version: int
    text: str
    saved_at: datetime
    saved_by: str


def save_narrative(con, fiscal_year: int, scope: str, section: str, text: str, actor: str) -> int:
    """Store a new version of one paragraph (audited); returns its version number."""
    from pipeline.warehouse import store
    with schema.transaction(con):
        version = con.execute(
            "SELECT coalesce(max(version), 0) + 1 FROM narrative_texts "
            "WHERE fiscal_year = ? AND scope = ? AND section = ?",
            [int(fiscal_year), scope, section]).fetchone()[0]
        con.execute("INSERT INTO narrative_texts VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [int(fiscal_year), scope, section, version, text, store.now(), actor])
        store.audit(con, actor, "narrative_save", f"{int(fiscal_year)}:{scope}:{section}",
                    {"version": version, "chars": len(text)})
    return int(version)


def saved_narratives(con, fiscal_year: int, scope: str = SCOPE_ALL) -> dict[str, SavedText]:
    """The newest saved version of each section of FY's narrative (by section)."""
    rows = con.execute(
        "SELECT section, version, text, saved_at, saved_by FROM narrative_texts "
        "WHERE fiscal_year = ? AND scope = ? "
        "QUALIFY row_number() OVER (PARTITION BY section ORDER BY version DESC) = 1",
        [int(fiscal_year), scope]).fetchall()
    return {r[0]: SavedText(*r) for r in rows}


def narrative_versions(con, fiscal_year: int, scope: str, section: str) -> pd.DataFrame:
    """Every saved version of one paragraph, newest first (version, saved_at, saved_by, text)."""
    return con.execute(
        "SELECT version, saved_at, saved_by, text FROM narrative_texts "
        "WHERE fiscal_year = ? AND scope = ? AND section = ? ORDER BY version DESC",
        [int(fiscal_year), scope, section]).df()
