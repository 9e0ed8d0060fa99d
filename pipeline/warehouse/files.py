"""File and SQL-text helpers shared by the warehouse's copies: the backup, the read-only
copy for other tools and a publication edition's temporary warehouse."""
from __future__ import annotations

import os
from pathlib import Path


def sql_string(value: str) -> str:
    """A SQL string literal (for statements that take no parameters: ATTACH, COPY … TO)."""
    return "'" + value.replace("'", "''") + "'"


def sql_ident(name: str) -> str:
    """A quoted SQL identifier (a table or database name read from the catalogue)."""
    return '"' + name.replace('"', '""') + '"'


def wal(path: Path) -> Path:
    """DuckDB's write-ahead log beside a database file."""
    return Path(str(path) + ".wal")


def remove(*paths: Path) -> None:
    """Delete the files that exist."""
    for p in paths:
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def fsync(path: Path) -> None:
    """Flush a file (or a folder, after a rename) to disk; best effort."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def copy_database(con, target: Path, alias: str) -> None:
    """Copy the database `con` has open into the new file `target` (COPY FROM DATABASE:
    consistent inside the connection, whatever its write-ahead log holds)."""
    source = con.execute("SELECT current_database()").fetchone()[0]
    con.execute(f"ATTACH {sql_string(str(target))} AS {alias}")
    try:
        con.execute(f"COPY FROM DATABASE {sql_ident(source)} TO {alias}")
    finally:
        con.execute(f"DETACH {alias}")
