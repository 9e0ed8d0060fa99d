"""Publication editions (公表版) of a FY: contract section 9.

Freezing a FY records, as of now, which submission versions are active (of
every FY: a FY's figures also use values reported in later workbooks), which
plan master and emission factor workbook are current, and a copy of the
council's and the public's opinion records (responses are revised in place,
so ids alone would not freeze them).  Editions are never deleted; freezing
again makes a new one, numbered per FY (第1版, 第2版, …).

Reading an edition: `edition_warehouse(db, fiscal_year)` yields a temporary
copy of the warehouse in which the edition's submission versions are the
active ones, its master and factor workbook the current ones and the opinion
records those of the edition.  Every query function, the annual report and
the public site run on it unchanged; `edition_in_effect(con)` tells them
which edition they are reading (None on the live warehouse: 速報).
"""
from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

import duckdb

from pipeline.ingest import contract as c
from pipeline.texts import publication as txt
from pipeline.warehouse import files, schema, store
from pipeline.warehouse.council_tables import COUNCIL_TABLES

TABLES_SQL = """
CREATE TABLE IF NOT EXISTS editions (
    edition_id INTEGER PRIMARY KEY, fiscal_year INTEGER, edition_no INTEGER,
    frozen_at TIMESTAMP, frozen_by VARCHAR, note VARCHAR, master_id INTEGER,
    factor_id INTEGER, max_submission_id INTEGER, submissions INTEGER, opinions INTEGER);
CREATE TABLE IF NOT EXISTS edition_submissions (edition_id INTEGER, submission_id INTEGER);
CREATE TABLE IF NOT EXISTS edition_in_effect (edition_id INTEGER);
""" + "".join(
    f"CREATE TABLE IF NOT EXISTS edition_{t} AS "
    f"SELECT CAST(NULL AS INTEGER) AS edition_id, * FROM {t} LIMIT 0;\n" for t in COUNCIL_TABLES)

schema.DDL_PARTS.append(TABLES_SQL)

#: The emission factor workbook's version table (contract 8.2) as (table, id column):
#: recorded when the table exists (another capability adds it), NULL otherwise.
FACTOR_TABLE = ("factor_versions", "factor_id")


#: Append-only tables whose rows carry the time they were written, as table → column: in
#: an edition's copy, rows written after freezing are removed (the narrative HQ saves for
#: the report and the site is the one saved when the edition was frozen).
PINNED_BY_TIME = {"narrative_texts": "saved_at"}


class EditionError(ValueError):
    """An edition that cannot be made or found (Japanese message)."""


@dataclass(frozen=True)
class Edition:
    edition_id: int
    fiscal_year: int
    edition_no: int
    frozen_at: datetime
    frozen_by: str | None
    note: str | None
    master_id: int | None
    factor_id: int | None
    max_submission_id: int
    submissions: int
    opinions: int

    @property
    def label(self) -> str:
        """「2024年度 公表版 第2版（2025-06-30 10:15 確定）」"""
        return txt.edition_label(self.fiscal_year, self.edition_no, self.frozen_at)


_COLUMNS = ("edition_id, fiscal_year, edition_no, frozen_at, frozen_by, note, master_id, "
            "factor_id, max_submission_id, submissions, opinions")


def _tables(con) -> set[str]:
    return {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}


def _columns(con, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' "
        "AND table_name = ? ORDER BY ordinal_position", [table]).fetchall()]


def _current_factor_id(con) -> int | None:
    table, id_col = FACTOR_TABLE
    if table not in _tables(con) or not {id_col, "is_current"} <= set(_columns(con, table)):
        return None
    row = con.execute(f"SELECT {id_col} FROM {table} WHERE is_current").fetchone()
    return row[0] if row else None


def _snapshot(con, edition_id: int, table: str) -> None:
    """Copy `table`'s rows into edition_<table>, first giving the snapshot any column the
    table gained since the snapshot table was made."""
    snap = f"edition_{table}"
    have = set(_columns(con, snap))
    types = dict(con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' AND table_name = ?", [table]).fetchall())
    for col in _columns(con, table):
        if col not in have:
            con.execute(f"ALTER TABLE {snap} ADD COLUMN {files.sql_ident(col)} {types[col]}")
    con.execute(f"INSERT INTO {snap} BY NAME SELECT ? AS edition_id, * FROM {table}", [edition_id])


# --- writing ----------------------------------------------------------------------------

def freeze(con, fiscal_year: int, actor: str | None, note: str | None = None, *,
           at: datetime | None = None) -> Edition:
    """Record a new edition of the FY as of now (one transaction, audited).

    `con` is a write connection (`schema.connect(db, write=True)`); the caller has checked
    the role (pipeline.access.publication.freeze does).  `at` stamps it with another time
    (the demo replays its history)."""
    fiscal_year = int(fiscal_year)
    note = (note or "").strip() or None
    if note is not None and len(note) > 500:
        raise EditionError(txt.NOTE_TOO_LONG)
    master = con.execute("SELECT master_id FROM master_versions WHERE is_current").fetchone()
    if master is None:
        raise EditionError(txt.NO_MASTER)
    if con.execute("SELECT count(*) FROM submissions WHERE status = ? AND fiscal_year = ?",
                   [c.SUBMISSION_ACTIVE, fiscal_year]).fetchone()[0] == 0:
        raise EditionError(txt.no_submissions(fiscal_year))
    with schema.transaction(con):
        edition_id = con.execute("SELECT coalesce(max(edition_id), 0) + 1 FROM editions").fetchone()[0]
        edition_no = con.execute("SELECT count(*) + 1 FROM editions WHERE fiscal_year = ?",
                                 [fiscal_year]).fetchone()[0]
        max_sid = con.execute("SELECT coalesce(max(submission_id), 0) FROM submissions").fetchone()[0]
        con.execute("INSERT INTO edition_submissions SELECT ?, submission_id FROM submissions "
                    "WHERE status = ?", [edition_id, c.SUBMISSION_ACTIVE])
        submissions = con.execute("SELECT count(*) FROM edition_submissions WHERE edition_id = ?",
                                  [edition_id]).fetchone()[0]
        for table in COUNCIL_TABLES:
            _snapshot(con, edition_id, table)
        opinions = con.execute("SELECT count(*) FROM edition_council_opinions WHERE edition_id = ?",
                               [edition_id]).fetchone()[0]
        factor_id = _current_factor_id(con)
        stamp = at or store.now()
        con.execute(f"INSERT INTO editions ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [edition_id, fiscal_year, edition_no, stamp, actor, note, master[0], factor_id,
                     max_sid, submissions, opinions])
        store.audit(con, actor, "freeze", str(fiscal_year), {
            "edition_id": edition_id, "fiscal_year": fiscal_year, "edition_no": edition_no,
            "master_id": master[0], "factor_id": factor_id, "submissions": submissions,
            "opinions": opinions, "note": note})
    return get_edition(con, edition_id)


# --- reading ------------------------------------------------------------------------------

def _edition(row) -> Edition | None:
    return Edition(*row) if row else None


def get_edition(con, edition_id: int) -> Edition | None:
    return _edition(con.execute(f"SELECT {_COLUMNS} FROM editions WHERE edition_id = ?",
                                [int(edition_id)]).fetchone())


def latest_edition(con, fiscal_year: int) -> Edition | None:
    """The FY's newest edition (what its report and public site are built from), or None."""
    return _edition(con.execute(
        f"SELECT {_COLUMNS} FROM editions WHERE fiscal_year = ? ORDER BY edition_no DESC LIMIT 1",
        [int(fiscal_year)]).fetchone())


def list_editions(con, fiscal_year: int | None = None) -> list[Edition]:
    """Editions, newest first (of one FY, or all)."""
    sql = f"SELECT {_COLUMNS} FROM editions"
    params: list = []
    if fiscal_year is not None:
        sql += " WHERE fiscal_year = ?"
        params.append(int(fiscal_year))
    sql += " ORDER BY fiscal_year DESC, edition_no DESC"
    return [Edition(*r) for r in con.execute(sql, params).fetchall()]


def frozen_years(con) -> list[int]:
    """FYs with at least one edition, newest first."""
    return [r[0] for r in con.execute(
        "SELECT DISTINCT fiscal_year FROM editions ORDER BY 1 DESC").fetchall()]


def edition_in_effect(con) -> Edition | None:
    """The edition this warehouse file is a copy of (inside `edition_warehouse`), or None
    on the live warehouse (速報)."""
    row = con.execute("SELECT edition_id FROM edition_in_effect LIMIT 1").fetchone()
    return None if row is None else get_edition(con, row[0])


# --- the edition as a warehouse -----------------------------------------------------------

def _apply(con, ed: Edition) -> None:
    """Turn a copy of the live warehouse into the warehouse as the edition recorded it."""
    layout: dict[str, tuple[str, list[str]]] = {}
    for table, kind, column in con.execute(
            "SELECT c.table_name, t.table_type, c.column_name FROM information_schema.columns c "
            "JOIN information_schema.tables t USING (table_schema, table_name) "
            "WHERE c.table_schema = 'main' ORDER BY c.table_name, c.ordinal_position").fetchall():
        layout.setdefault(table, (kind, []))[1].append(column)
    con.execute("BEGIN")
    # Workbooks loaded after freezing are not part of it: drop them and their rows
    # (every table with a submission_id column, whoever added it).
    for table, (kind, columns) in sorted(layout.items()):
        if kind == "BASE TABLE" and "submission_id" in columns and table != "submissions" \
                and not table.startswith("edition"):
            con.execute(f"DELETE FROM {files.sql_ident(table)} WHERE submission_id > ?", [ed.max_submission_id])
    con.execute("DELETE FROM submissions WHERE submission_id > ?", [ed.max_submission_id])
    con.execute(
        "UPDATE submissions SET status = CASE WHEN submission_id IN "
        "(SELECT submission_id FROM edition_submissions WHERE edition_id = ?) THEN ? ELSE ? END",
        [ed.edition_id, c.SUBMISSION_ACTIVE, c.SUBMISSION_SUPERSEDED])
    con.execute("UPDATE master_versions SET is_current = (master_id = ?)", [ed.master_id])
    table, id_col = FACTOR_TABLE
    if ed.factor_id is not None and table in layout:
        con.execute(f"UPDATE {table} SET is_current = ({id_col} = ?)", [ed.factor_id])
    for table in COUNCIL_TABLES:
        snap = set(layout.get(f"edition_{table}", ("", []))[1])
        cols = ", ".join(files.sql_ident(col) for col in layout[table][1] if col in snap)
        con.execute(f"DELETE FROM {table}")
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM edition_{table} "
                    "WHERE edition_id = ?", [ed.edition_id])
    for table, column in PINNED_BY_TIME.items():
        if table in layout:
            con.execute(f"DELETE FROM {table} WHERE {column} > ?", [ed.frozen_at])
    con.execute("DELETE FROM edition_in_effect")
    con.execute("INSERT INTO edition_in_effect VALUES (?)", [ed.edition_id])
    con.execute("COMMIT")


def _copy_database(con, live: Path, copy: Path) -> None:
    """Copy the open live warehouse to `copy`: the file itself after a checkpoint (fast),
    or DuckDB's COPY FROM DATABASE when the checkpoint leaves a write-ahead log behind."""
    wal = files.wal(live)
    try:
        con.execute("CHECKPOINT")
        clean = not wal.exists() or wal.stat().st_size == 0
    except duckdb.Error:
        clean = False
    if clean:
        shutil.copyfile(live, copy)
        return
    files.copy_database(con, copy, "pdca_edition")


@contextmanager
def edition_warehouse(db=None, fiscal_year: int | None = None, *,
                      edition_id: int | None = None) -> Iterator[tuple[Path, Edition | None]]:
    """`with edition_warehouse(db, fy) as (path, edition):` — the warehouse to read for a
    FY's published figures.

    With an edition (the FY's latest, or `edition_id`): `path` is a temporary copy of the
    warehouse as that edition recorded it, deleted on leaving the block; open it with
    `schema.connect(path)` like the live one.  Without one (the FY was never frozen):
    `path` is the live warehouse and `edition` is None — show it as 速報.
    Raises EditionError for an unknown `edition_id`.
    """
    live = schema.db_path(db)
    with schema.connect(live) as con:
        if edition_id is not None:
            ed = get_edition(con, edition_id)
            if ed is None:
                raise EditionError(txt.unknown_edition(edition_id))
        else:
            ed = latest_edition(con, fiscal_year) if fiscal_year is not None else None
    if ed is None:
        yield live, None
        return
    tmpdir = Path(tempfile.mkdtemp(prefix="pdca-edition-"))
    copy = tmpdir / "edition.duckdb"
    try:
        # The writers' lock keeps every writer out while the file is copied (a read: no
        # read-only refresh asked for).
        with schema.writer_lock(live, timeout=60, refresh=False):
            with schema.connect(live) as con:
                _copy_database(con, live, copy)
        with schema.connect(copy) as con:
            _apply(con, ed)
        yield copy, ed
    finally:
        schema._schema_ready.discard(str(copy.resolve()))
        shutil.rmtree(tmpdir, ignore_errors=True)
