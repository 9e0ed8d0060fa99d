"""Backups of the warehouse, and restoring one.

`backup` is consistent while the app and ingests run: it takes the writer
lock (so no ingest is half-way through) and copies the database from inside
that one connection with DuckDB's `COPY FROM DATABASE` into a fresh file,
which is checked and then renamed into place.  Readers (the dashboard) wait
and retry for the few seconds this takes, as they do for an ingest.

`restore_backup` never touches the current file until the backup has been
copied next to it and verified: every table and view of the schema opens and
every row of every table reads back.  Then, under the writer lock, the current
file (damaged or not) is kept beside it as `<db>.before-restore-<time>` and
the copy is swapped in with an atomic rename, so a reader sees either the old
file or the restored one, never a mix or a missing file.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from pipeline.texts import backup as txt
from pipeline.warehouse import files
from pipeline.warehouse.schema import WarehouseError, connect, db_path, writer_lock

# The views the dashboard and outside tools rely on (contract section 6).
REQUIRED_VIEWS = ("v_indicator_attainment", "v_pdca_status", "v_stakeholder_contributions",
                  "v_emissions", "v_submissions")
REQUIRED_TABLES = ("schema_info", "submissions", "master_versions", "action_reports",
                   "indicator_values", "partner_rows", "archive", "audit_log")


class BackupError(WarehouseError):
    """A backup that cannot be written or used (Japanese message)."""


@dataclass
class BackupInfo:
    path: Path
    submissions: int
    size: int


@dataclass
class RestoreInfo:
    path: Path
    backup: Path
    aside: Path | None
    submissions: int


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def default_backup_path(db: Path) -> Path:
    return db.parent / "backups" / f"{db.stem}-{_stamp()}.duckdb"


def _remove(path: Path) -> None:
    files.remove(path, files.wal(path))


def verify(path: str | os.PathLike) -> int:
    """Check that `path` is a whole warehouse; return its number of submissions.

    Opens it read-only, requires every table and view of the schema, runs each
    view and reads every row of every table (so a damaged block is found
    now, not after the swap).  Raises BackupError otherwise.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(txt.backup_missing(path))
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise BackupError(txt.backup_invalid(path, _first_line(exc))) from exc
    try:
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()}
        missing = [t for t in REQUIRED_TABLES + REQUIRED_VIEWS if t not in tables]
        if missing:
            raise BackupError(txt.backup_invalid(path, ", ".join(missing)))
        for view in REQUIRED_VIEWS:
            con.execute(f"SELECT count(*) FROM {view}").fetchone()
        base = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'").fetchall()]
        for table in base:
            # hash() of the whole row makes DuckDB read (and checksum) every column.
            con.execute(f"SELECT count(hash(t)) FROM {files.sql_ident(table)} AS t").fetchone()
        return con.execute("SELECT count(*) FROM submissions").fetchone()[0]
    except duckdb.Error as exc:
        raise BackupError(txt.backup_invalid(path, _first_line(exc))) from exc
    finally:
        con.close()


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [""])[0][:200]


def backup(db=None, out: str | os.PathLike | None = None, *, timeout: float = 60.0) -> BackupInfo:
    """Write a consistent copy of the warehouse to `out` (default data/backups/…)."""
    db = db_path(db)
    out = Path(out) if out else default_backup_path(db)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists() and out.resolve() == db.resolve():
        raise BackupError(txt.same_file(out))
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    _remove(tmp)
    try:
        with connect(db, write=True, timeout=timeout) as con:
            files.copy_database(con, tmp, "pdca_backup")
        submissions = verify(tmp)
        files.fsync(tmp)
        os.replace(tmp, out)
    finally:
        _remove(tmp)
    return BackupInfo(out, submissions, out.stat().st_size)


def restore_backup(backup_file: str | os.PathLike, db=None, *, timeout: float = 60.0) -> RestoreInfo:
    """Replace the warehouse with a verified copy of `backup_file`.

    Works when the current file is damaged or missing.  The current file (and
    its WAL) is kept as `<db>.before-restore-<time>`; nothing is deleted.
    """
    db = db_path(db)
    source = Path(backup_file)
    if not source.is_file():
        raise BackupError(txt.backup_missing(source))
    if db.exists() and source.resolve() == db.resolve():
        raise BackupError(txt.same_file(source))
    db.parent.mkdir(parents=True, exist_ok=True)
    tmp = db.with_name(f".{db.name}.restore-{os.getpid()}")
    _remove(tmp)
    try:
        shutil.copyfile(source, tmp)
        try:
            submissions = verify(tmp)
        except BackupError as exc:
            raise BackupError(str(exc).replace(str(tmp), str(source))) from exc
        files.fsync(tmp)
        # The writer lock only: opening the (maybe damaged) current file is not needed.
        # (Its clean exit also refreshes the read-only copy from the restored file.)
        with writer_lock(db, timeout=timeout):
            aside = None
            wal = files.wal(db)
            if db.exists() or wal.exists():
                aside = db.with_name(f"{db.name}.before-restore-{_stamp()}")
                if db.exists():
                    try:
                        os.link(db, aside)
                    except OSError:
                        shutil.copy2(db, aside)
                # A WAL left by the old file must not be replayed onto the restored one.
                if wal.exists():
                    os.replace(wal, files.wal(aside))
            os.replace(tmp, db)
            files.fsync(db.parent)
    finally:
        _remove(tmp)
    return RestoreInfo(db, source, aside, submissions)
