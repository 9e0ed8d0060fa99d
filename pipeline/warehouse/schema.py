"""The DuckDB warehouse: where it is, how to connect, its tables and views.

Concurrency pattern (DuckDB lets one process open a file at a time):
*short-lived connections with retry*.  Every reader and writer — the app's
queries, `ingest`, uploads — opens the file, does its work and closes it at
once.  A process that finds the file busy waits and retries for up to
`timeout` seconds.  Writers also queue on a lock file (`<db>.lock`) so two
ingests never race; each workbook is written in one transaction, so a killed
writer leaves either the whole workbook or nothing (DuckDB replays or drops
the WAL on the next open).  Connections are opened read-write: DuckDB refuses
to mix read-only and read-write opens of one file inside a process.

Other programs (a BI tool, a script) are meant to read the read-only copy
(`warehouse/readonly.py`), refreshed after every committed write: the writer
lock's clean exit (`writer_lock`) is the one place that asks for it.  When
another program holds the live file anyway, `_open` finds out who from
DuckDB's lock error (or /proc/locks on Linux, `holder()`), tells the wait
reporter of the current context (the page, the command line) at once, reads
through a read-only open when the other program is read-only itself, and
keeps retrying as before.
"""
from __future__ import annotations

import contextvars
import hashlib
import os
import re
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import duckdb
from filelock import FileLock, Timeout

from pipeline.ingest import contract as c
from pipeline.texts import warehouse as txt

DEFAULT_DB = Path("data") / "warehouse.duckdb"
ENV_DB = "PDCA_DB"
SCHEMA_VERSION = 1

#: The views other tools read (data contract sections 6 and 8), one list for the whole
#: product: the read-only copy holds each of them that the warehouse has as a table of the
#: same name.  A capability that adds a contract view appends its name here.
CONTRACT_VIEWS: list[str] = [
    "v_indicator_attainment", "v_pdca_status", "v_stakeholder_contributions", "v_emissions",
    "v_submissions",                                                     # section 6
    "v_facility_emissions", "v_operations_emissions", "v_operations_change",  # section 8
]
#: Views of the current plan master copied with them, so that codes have names in the copy.
REFERENCE_VIEWS: list[str] = ["v_departments", "v_policies", "v_measures", "v_actions",
                              "v_indicators"]


class WarehouseError(Exception):
    """A warehouse that cannot be used: busy for too long, damaged, …  (Japanese message)."""


class WarehouseBusy(WarehouseError):
    pass


class WarehouseHeld(WarehouseBusy):
    """Another program (not this product) holds the live file; carries who."""

    def __init__(self, message: str, holder: "Holder | None" = None):
        super().__init__(message)
        self.holder = holder


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """--db PATH, else $PDCA_DB, else data/warehouse.duckdb."""
    if explicit:
        return Path(explicit)
    if os.environ.get(ENV_DB):
        return Path(os.environ[ENV_DB])
    return DEFAULT_DB


def copy_path(path: str | os.PathLike | None = None) -> Path:
    """The read-only copy for other tools: `<warehouse dir>/readonly/warehouse.duckdb`."""
    return db_path(path).parent / "readonly" / "warehouse.duckdb"


_schema_ready: set[str] = set()
_schema_guard = threading.Lock()


# --- who holds the file ---------------------------------------------------------------------

@dataclass(frozen=True)
class Holder:
    """Another process that has the live file open."""
    pid: int | None
    program: str | None        # short program name ("python3.11", "duckdb"), when known
    shared: bool | None        # True: opened read-only (a read-only open still works)
    ours: bool | None          # one of this product's own processes (a command, the app)


@dataclass(frozen=True)
class WaitNotice:
    """What a connection waiting for the file tells the reporter of its context.
    state: "waiting" (still retrying), "reading" (reading through a read-only open while a
    read-only program holds the file), "resumed" (got the file after waiting)."""
    path: Path
    holder: Holder | None
    state: str
    waited: float
    write: bool

    def message(self) -> str:
        h = self.holder or Holder(None, None, None, None)
        if self.state == "resumed":
            return txt.RESUMED
        if h.ours:
            return txt.our_writer(h.pid)
        return txt.held(self.path, h.program, h.pid, h.shared, copy_path(self.path))


#: Where waits are reported in the current context: the page sets a reporter that draws
#: into a placeholder, the command line one that prints to stderr.  None: silent.
wait_reporter: contextvars.ContextVar[Callable[[WaitNotice], None] | None] = \
    contextvars.ContextVar("pipeline_wait_reporter", default=None)
#: For reads in the current context: give up after this many seconds when a program that is
#: not ours holds the file read-write (the page then says so and recovers by itself);
#: None = the connection's own timeout.
foreign_read_timeout: contextvars.ContextVar[float | None] = \
    contextvars.ContextVar("pipeline_foreign_read_timeout", default=None)

OURS_GRACE = 2.0        # seconds of waiting for one of our own writers before saying so
REPORT_EVERY = 1.0      # a waiting connection repeats its notice this often (pages update)

_LOCK_RE = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


def holder_from_error(text: str, path: Path | None = None) -> Holder | None:
    """Who holds the file, from DuckDB's lock error ("Conflicting lock is held in
    /usr/bin/python3 (PID 1234)…  you would be able to open this database in read-only
    mode")."""
    m = _LOCK_RE.search(text)
    if m is None:
        return None
    pid = int(m.group("pid"))
    shared = "read-only mode" in text
    return Holder(pid, Path(m.group("program")).name or None, shared, _is_ours(pid, path))


def _read_proc(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None


def _is_ours(pid: int, path: Path | None) -> bool | None:
    """One of this product's processes: it holds our writer lock, or runs `-m pipeline…` or
    streamlit.  None where /proc cannot tell (not Linux)."""
    cmdline = _read_proc(f"/proc/{pid}/cmdline")
    if cmdline is None:
        return None
    args = cmdline.split(b"\0")
    if any(a == b"pipeline" or a.startswith(b"pipeline.") for a in args) or \
            any(a.endswith(b"streamlit") for a in args):
        return True
    if path is not None:
        locks = _proc_locks_for(Path(str(path) + ".lock"))
        if any(pid == p for p, _kind, flock in locks if flock):
            return True
    return False


def _proc_locks_for(path: Path) -> list[tuple[int, str, bool]]:
    """(pid, READ/WRITE, is_flock) of every lock on `path` in /proc/locks (Linux)."""
    try:
        st = os.stat(path)
    except OSError:
        return []
    data = _read_proc("/proc/locks")
    if not data:
        return []
    dev = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino} ".encode()
    found = []
    for line in data.splitlines():
        if dev not in line:
            continue
        parts = line.split()
        # "1: POSIX  ADVISORY  WRITE 6392 fe:00:2154594 0 EOF" (a "->" marks a waiter)
        if b"->" in parts:
            continue
        try:
            found.append((int(parts[4]), parts[3].decode(), parts[1] == b"FLOCK"))
        except (IndexError, ValueError):
            continue
    return found


_probe_cache: dict[str, tuple[float, Holder | None]] = {}
PROBE_TTL = 0.5


def holder(path: str | os.PathLike | None = None) -> Holder | None:
    """Another process holding the live file now (DuckDB's POSIX lock, read from /proc/locks
    without opening the file), or None.  Linux only (elsewhere always None); cached for
    half a second, so pages can ask on every rerun."""
    if not sys.platform.startswith("linux"):
        return None
    path = db_path(path)
    key = str(path)
    now = time.monotonic()
    hit = _probe_cache.get(key)
    if hit is not None and now - hit[0] < PROBE_TTL:
        return hit[1]
    me = os.getpid()
    found = None
    for pid, kind, flock in _proc_locks_for(path):
        if flock or pid == me or pid <= 0:
            continue
        program = None
        exe = _read_proc(f"/proc/{pid}/comm")
        if exe:
            program = exe.decode(errors="replace").strip() or None
        found = Holder(pid, program, kind == "READ", _is_ours(pid, path))
        if not found.shared:
            break
    _probe_cache[key] = (now, found)
    return found


def _report(notice: WaitNotice) -> None:
    reporter = wait_reporter.get()
    if reporter is None:
        return
    reporter(notice)       # a page's reporter may raise Streamlit's stop/rerun: let it


def _lock_text(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "lock" in text or "conflicting" in text


def _open(path: Path, timeout: float | None, *, write: bool = True,
          read_only_ok: bool = False) -> tuple[duckdb.DuckDBPyConnection, bool]:
    """(connection, read_only).  Waits while the file is held, reporting who holds it."""
    start = time.monotonic()
    deadline = None if timeout is None else start + timeout
    foreign_limit = None if write else foreign_read_timeout.get()
    delay = 0.02
    last_report = None
    who: Holder | None = None
    while True:
        try:
            con = duckdb.connect(str(path))
            if last_report is not None:
                _report(WaitNotice(path, who, "resumed", time.monotonic() - start, write))
            return con, False
        except duckdb.IOException as exc:
            if not _lock_text(exc) or looks_damaged(exc):
                raise WarehouseError(txt.damaged(path, exc)) from exc
            who = holder_from_error(str(exc), path) or who
            if read_only_ok and who is not None and who.shared:
                try:
                    con = duckdb.connect(str(path), read_only=True)
                except duckdb.Error:
                    pass            # e.g. this process has it open read-write: retry as usual
                else:
                    _report(WaitNotice(path, who, "reading", time.monotonic() - start, write))
                    return con, True
            busy_exc: BaseException = exc
        except duckdb.Error as exc:
            # (not "Corrupt … in block …": that is damage, not a lock)
            # "Unique file handle conflict": another thread of this process is opening
            # or closing the same file at this moment; "different configuration": another
            # thread reads it through a read-only open just now.  Wait as for a lock.
            text = str(exc).lower()
            if not (("lock" in text or "file handle conflict" in text
                     or "different configuration" in text) and not looks_damaged(exc)):
                raise WarehouseError(txt.damaged(path, exc)) from exc
            busy_exc = exc
        now = time.monotonic()
        waited = now - start
        foreign = who is not None and who.ours is False
        # reported before giving up: on a busy machine the first failed open alone can take
        # longer than a short timeout, and the holder is to be named all the same
        if who is not None and (last_report is None or now - last_report >= REPORT_EVERY) \
                and (foreign or waited >= OURS_GRACE):
            last_report = now
            _report(WaitNotice(path, who, "waiting", waited, write))
        if deadline is not None and now >= deadline or \
                (foreign and foreign_limit is not None and waited >= foreign_limit):
            if who is not None and not who.ours:
                raise WarehouseHeld(txt.held_gave_up(path, who.program, who.pid, copy_path(path)),
                                    who) from busy_exc
            raise WarehouseBusy(txt.BUSY) from busy_exc
        time.sleep(delay)
        delay = min(delay * 2, 0.25)


@contextmanager
def writer_lock(path: str | os.PathLike | None = None, *, timeout: float = 60.0,
                refresh: bool = True) -> Iterator[Path]:
    """The writers' lock (`<db>.lock`).  Every write to the warehouse holds it; when the
    block ends without an exception the write is committed, and the read-only copy for
    other tools is asked to refresh (in the background: never fails or slows the write).
    `refresh=False`: a reader that only keeps writers out (copying the file) asks for none."""
    path = db_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path) + ".lock", timeout=timeout)
    try:
        lock.acquire()
    except Timeout as exc:
        raise WarehouseBusy(txt.BUSY) from exc
    try:
        yield path
    finally:
        lock.release()
    if refresh:
        _written(path)


def _written(path: Path) -> None:
    try:
        from pipeline.warehouse import readonly
        readonly.request_refresh(path)
    except Exception:           # the write is committed; the copy must never fail it
        import logging
        logging.getLogger(__name__).exception("read-only copy: request failed")


@contextmanager
def connect(path: str | os.PathLike | None = None, *, write: bool = False,
            timeout: float | None = 60.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection; writers hold the writer lock while it is open.

    A reader finding the file held by a read-only program reads through a read-only open
    (the schema is then left as it is)."""
    path = db_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if write:
        with writer_lock(path, timeout=60.0 if timeout is None else timeout):
            with _connection(path, timeout, write=True) as con:
                yield con
    else:
        with _connection(path, timeout, write=False) as con:
            yield con


@contextmanager
def _connection(path: Path, timeout: float | None, *, write: bool):
    con, read_only = _open(path, timeout, write=write, read_only_ok=not write)
    try:
        if not read_only:
            ensure_schema(con, path)
        yield con
    except duckdb.Error as exc:
        # Damage found only when a block is read (truncated or garbled file).
        if looks_damaged(exc):
            raise WarehouseError(txt.damaged(path, exc)) from exc
        raise
    finally:
        con.close()


def looks_damaged(exc: BaseException) -> bool:
    """A DuckDB error that means the file itself is damaged (not busy, not a bug in SQL)."""
    text = str(exc).lower()
    return any(marker in text for marker in (
        "corrupt", "checksum", "could not read enough bytes", "not a valid duckdb"))


@contextmanager
def transaction(con):
    """BEGIN … COMMIT, or ROLLBACK when anything fails (COMMIT included).

    A ROLLBACK that fails itself (a connection already lost) never hides the error that
    caused it: the original is raised, the rollback's failure attached to it as a note."""
    con.execute("BEGIN")
    try:
        yield con
        con.execute("COMMIT")
    except BaseException as exc:
        try:
            con.execute("ROLLBACK")
        except Exception as rollback_error:
            exc.add_note(f"ROLLBACK failed as well: {rollback_error!r}")
        raise


def has_table(con, name: str) -> bool:
    """Whether the connection sees a table or view `name`: what a capability adds may be
    missing from a file read as it is (through a read-only open, an older backup)."""
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                       [name]).fetchone()[0] > 0


def ensure_schema(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    key = str(Path(path).resolve())
    if key in _schema_ready:
        return
    with _schema_guard:
        if key in _schema_ready:
            return
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_name IN ('schema_info', 'schema_ddl')"
        ).fetchall()}
        stored = (con.execute("SELECT ddl_hash FROM schema_ddl").fetchone() or [None])[0] \
            if "schema_ddl" in tables else None
        wanted = ddl_hash()
        if stored != wanted:
            # New warehouse, or one made by an older version: every table is created
            # IF NOT EXISTS and every view replaced, in one transaction (additive migration).
            with transaction(con):
                con.execute(ddl())
                for step in MIGRATIONS:
                    step(con)
                if "schema_info" not in tables:
                    con.execute("INSERT INTO schema_info VALUES (?, ?)", [SCHEMA_VERSION, c.CONTRACT_VERSION])
                con.execute("DELETE FROM schema_ddl")
                con.execute("INSERT INTO schema_ddl VALUES (?)", [wanted])
        _schema_ready.add(key)


def version_token(path: str | os.PathLike | None = None) -> tuple:
    """Cheap fingerprint that changes whenever a write lands (for caches)."""
    path = db_path(path)
    parts = []
    for p in (path, Path(str(path) + ".wal")):
        try:
            st = p.stat()
            parts.append((st.st_mtime_ns, st.st_size))
        except FileNotFoundError:
            parts.append(None)
    return tuple(parts)


SCHEMA_SQL = f"""
CREATE TABLE IF NOT EXISTS schema_info (schema_version INTEGER, contract_version VARCHAR);
CREATE TABLE IF NOT EXISTS schema_ddl (ddl_hash VARCHAR);
CREATE TABLE IF NOT EXISTS archive (
    sha256 VARCHAR PRIMARY KEY, size BIGINT, content BLOB, stored_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS master_versions (
    master_id INTEGER PRIMARY KEY, file_name VARCHAR, sha256 VARCHAR,
    loaded_at TIMESTAMP, loaded_by VARCHAR, is_current BOOLEAN);
CREATE TABLE IF NOT EXISTS m_departments (
    master_id INTEGER, department_code VARCHAR, department_name VARCHAR, bureau_name VARCHAR);
CREATE TABLE IF NOT EXISTS m_policies (master_id INTEGER, policy_code VARCHAR, policy_name VARCHAR, sort_order INTEGER);
CREATE TABLE IF NOT EXISTS m_measures (
    master_id INTEGER, measure_code VARCHAR, policy_code VARCHAR, measure_name VARCHAR, sort_order INTEGER);
CREATE TABLE IF NOT EXISTS m_actions (
    master_id INTEGER, action_code VARCHAR, measure_code VARCHAR, action_name VARCHAR,
    department_code VARCHAR, start_year INTEGER, end_year INTEGER, priority BOOLEAN,
    source_cell VARCHAR, sort_order INTEGER);
CREATE TABLE IF NOT EXISTS m_indicators (
    master_id INTEGER, indicator_code VARCHAR, measure_code VARCHAR, indicator_name VARCHAR,
    unit VARCHAR, direction VARCHAR, base_year INTEGER, base_value DOUBLE,
    target_year INTEGER, target_value DOUBLE, department_code VARCHAR, source_cell VARCHAR,
    sort_order INTEGER);
CREATE TABLE IF NOT EXISTS m_emissions (
    master_id INTEGER, fiscal_year INTEGER, sector VARCHAR, kind VARCHAR, kt_co2 DOUBLE,
    source_cell VARCHAR);
CREATE TABLE IF NOT EXISTS submissions (
    submission_id INTEGER PRIMARY KEY, department_code VARCHAR, fiscal_year INTEGER,
    file_name VARCHAR, sha256 VARCHAR, loaded_at TIMESTAMP, loaded_by VARCHAR,
    status VARCHAR, master_id INTEGER, department_name VARCHAR, contact_person VARCHAR,
    contact VARCHAR, warning_count INTEGER, status_changed_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS action_reports (
    submission_id INTEGER, action_code VARCHAR, action_name_reported VARCHAR,
    implementation_status VARCHAR, budget_k_yen DOUBLE, settlement_k_yen DOUBLE,
    result_text VARCHAR, self_evaluation VARCHAR, issues_text VARCHAR, direction VARCHAR,
    revision_text VARCHAR, source_sheet VARCHAR, source_cell VARCHAR);
CREATE TABLE IF NOT EXISTS indicator_values (
    submission_id INTEGER, indicator_code VARCHAR, indicator_name_reported VARCHAR,
    actual_year INTEGER, value DOUBLE, note VARCHAR, source_sheet VARCHAR, source_cell VARCHAR);
CREATE TABLE IF NOT EXISTS partner_rows (
    submission_id INTEGER, action_code VARCHAR, stakeholder_type VARCHAR, organisation VARCHAR,
    participants BIGINT, co2_reduction_t DOUBLE, content VARCHAR, source_sheet VARCHAR,
    source_cell VARCHAR);
CREATE TABLE IF NOT EXISTS audit_log (
    event_id BIGINT PRIMARY KEY, occurred_at TIMESTAMP, actor VARCHAR, action VARCHAR, target VARCHAR,
    detail VARCHAR);
"""


def _key_audit_log(con) -> None:
    """Warehouses made before audit_log had its key: ids given twice by concurrent writers
    get new ids after the last one (the earliest row keeps its id), and the key is added."""
    has_key = con.execute(
        "SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'audit_log' "
        "AND constraint_type = 'PRIMARY KEY'").fetchone()[0]
    if has_key:
        return
    # (rebuilt rather than altered: DuckDB adds no key to a table updated in the same
    # transaction)
    con.execute("""
        CREATE TABLE audit_log_keyed (
            event_id BIGINT PRIMARY KEY, occurred_at TIMESTAMP, actor VARCHAR, action VARCHAR,
            target VARCHAR, detail VARCHAR)""")
    con.execute("""
        INSERT INTO audit_log_keyed
        SELECT CASE WHEN k = 1 THEN event_id
                    ELSE (SELECT coalesce(max(event_id), 0) FROM audit_log)
                         + row_number() OVER (PARTITION BY k > 1 ORDER BY event_id, rid) END,
               occurred_at, actor, action, target, detail
        FROM (SELECT rowid AS rid, *,
                     row_number() OVER (PARTITION BY event_id ORDER BY rowid) AS k FROM audit_log)""")
    con.execute("DROP TABLE audit_log")
    con.execute("ALTER TABLE audit_log_keyed RENAME TO audit_log")


#: Steps the DDL cannot say (it only creates what is missing), run with it in the same
#: transaction whenever the DDL changes; each must be idempotent.
MIGRATIONS = [_key_audit_log]

_REVISION_NEEDED = ", ".join(f"'{d}'" for d in c.DIRECTIONS_NEEDING_REVISION)

VIEWS_SQL = f"""
CREATE OR REPLACE VIEW v_current_master AS
    SELECT master_id FROM master_versions WHERE is_current;
CREATE OR REPLACE VIEW v_departments AS
    SELECT department_code, department_name, bureau_name FROM m_departments
    WHERE master_id = (SELECT master_id FROM v_current_master);
CREATE OR REPLACE VIEW v_policies AS
    SELECT policy_code, policy_name, sort_order FROM m_policies
    WHERE master_id = (SELECT master_id FROM v_current_master);
CREATE OR REPLACE VIEW v_measures AS
    SELECT measure_code, policy_code, measure_name, sort_order FROM m_measures
    WHERE master_id = (SELECT master_id FROM v_current_master);
CREATE OR REPLACE VIEW v_actions AS
    SELECT a.action_code, a.action_name, a.measure_code, m.policy_code, a.department_code,
           a.start_year, a.end_year, a.priority, a.sort_order
    FROM m_actions a LEFT JOIN m_measures m
      ON m.master_id = a.master_id AND m.measure_code = a.measure_code
    WHERE a.master_id = (SELECT master_id FROM v_current_master);
CREATE OR REPLACE VIEW v_indicators AS
    SELECT i.indicator_code, i.indicator_name, i.unit, i.direction, i.base_year, i.base_value,
           i.target_year, i.target_value, i.department_code, i.measure_code, m.policy_code,
           i.sort_order
    FROM m_indicators i LEFT JOIN m_measures m
      ON m.master_id = i.master_id AND m.measure_code = i.measure_code
    WHERE i.master_id = (SELECT master_id FROM v_current_master);
CREATE OR REPLACE VIEW v_active_submissions AS
    SELECT * FROM submissions WHERE status = '{c.SUBMISSION_ACTIVE}';

CREATE OR REPLACE VIEW v_submissions AS
    SELECT submission_id, department_code, fiscal_year, file_name, sha256, loaded_at,
           loaded_by, status, department_name, warning_count, status_changed_at
    FROM submissions;

CREATE OR REPLACE VIEW v_emissions AS
    SELECT fiscal_year, sector, kind, kt_co2 FROM m_emissions
    WHERE master_id = (SELECT master_id FROM v_current_master);

CREATE OR REPLACE VIEW v_pdca_status AS
WITH years AS (SELECT DISTINCT fiscal_year FROM v_active_submissions),
reports AS (
    SELECT s.fiscal_year, r.*,
           row_number() OVER (PARTITION BY s.fiscal_year, r.action_code
                              ORDER BY s.loaded_at DESC, s.submission_id DESC) AS rn
    FROM action_reports r JOIN v_active_submissions s USING (submission_id)),
joined AS (
    SELECT y.fiscal_year, a.action_code, a.action_name, a.department_code, a.measure_code,
           a.policy_code, a.priority, a.sort_order,
           r.submission_id, r.implementation_status, r.self_evaluation, r.direction,
           r.revision_text, r.source_sheet, r.source_cell
    FROM years y
    JOIN v_actions a ON a.start_year <= y.fiscal_year
                    AND (a.end_year IS NULL OR y.fiscal_year <= a.end_year)
    LEFT JOIN reports r ON r.fiscal_year = y.fiscal_year AND r.action_code = a.action_code
                       AND r.rn = 1),
flags AS (
    SELECT *, TRUE AS plan,
           coalesce(implementation_status <> '{c.NOT_IMPLEMENTED}', FALSE) AS "do",
           coalesce(self_evaluation <> '{c.NOT_EVALUABLE}', FALSE) AS "check",
           coalesce(direction IS NOT NULL AND (direction NOT IN ({_REVISION_NEEDED})
                    OR nullif(trim(revision_text), '') IS NOT NULL), FALSE) AS act
    FROM joined)
SELECT fiscal_year, action_code, action_name, department_code, measure_code, policy_code,
       plan, "do", "check", act,
       CAST(plan AS INTEGER) + CAST("do" AS INTEGER) + CAST("check" AS INTEGER)
           + CAST(act AS INTEGER) AS stages,
       self_evaluation, direction, implementation_status, revision_text,
       submission_id IS NOT NULL AS reported, priority, submission_id, source_sheet,
       source_cell, sort_order
FROM flags;

CREATE OR REPLACE VIEW v_stakeholder_contributions AS
    SELECT s.fiscal_year, p.action_code, s.department_code, a.measure_code, a.policy_code,
           p.stakeholder_type, p.organisation, p.participants, p.co2_reduction_t,
           p.content, p.submission_id, p.source_sheet, p.source_cell
    FROM partner_rows p JOIN v_active_submissions s USING (submission_id)
    LEFT JOIN v_actions a ON a.action_code = p.action_code;
"""


# v_indicator_attainment reads the 事務事業編 views (自動算定 indicators), so
# warehouse/operations.py appends it right after its own views, whichever module is imported first.
ATTAINMENT_VIEW_SQL = f"""
CREATE OR REPLACE VIEW v_indicator_attainment AS
WITH ranked AS (
    SELECT v.indicator_code, v.actual_year AS fiscal_year, v.value, v.submission_id,
           v.source_sheet, v.source_cell,
           row_number() OVER (PARTITION BY v.indicator_code, v.actual_year
                              ORDER BY s.fiscal_year DESC, s.loaded_at DESC, s.submission_id DESC) AS rn
    FROM indicator_values v JOIN v_active_submissions s USING (submission_id)
    WHERE v.value IS NOT NULL
      AND v.indicator_code NOT IN (SELECT indicator_code FROM v_indicator_auto)),
-- 自動算定 indicators (§8.1) take the inventory's t-CO2; typed values are ignored.
auto_values AS (
    SELECT x.indicator_code, o.fiscal_year, o.t_co2 AS value, CAST(NULL AS INTEGER) AS submission_id,
           CAST(NULL AS VARCHAR) AS source_sheet, CAST(NULL AS VARCHAR) AS source_cell, o.provisional
    FROM v_indicator_auto x JOIN v_operations_emissions o
      ON o.organisation_code IS NOT DISTINCT FROM x.organisation_code
    WHERE o.t_co2 IS NOT NULL),
best AS (
    SELECT indicator_code, fiscal_year, value, submission_id, source_sheet, source_cell,
           FALSE AS provisional FROM ranked WHERE rn = 1
    UNION ALL SELECT * FROM auto_values),
years AS (SELECT DISTINCT fiscal_year FROM v_active_submissions),
pairs AS (
    SELECT i.indicator_code, y.fiscal_year FROM v_indicators i CROSS JOIN years y
    UNION
    SELECT b.indicator_code, b.fiscal_year FROM best b
    WHERE b.indicator_code IN (SELECT indicator_code FROM v_indicators)),
computed AS (
    SELECT p.fiscal_year, i.indicator_code, i.indicator_name, i.unit, i.direction,
           i.base_year, i.base_value, i.target_year, i.target_value,
           b.value AS actual_value,
           i.base_value + (i.target_value - i.base_value)
               * CAST(p.fiscal_year - i.base_year AS DOUBLE)
               / CAST(i.target_year - i.base_year AS DOUBLE) AS expected_value,
           (b.value - i.base_value) / (i.target_value - i.base_value) * 100 AS attainment_pct,
           i.department_code, i.measure_code, i.policy_code,
           b.submission_id, b.source_sheet, b.source_cell, i.sort_order,
           coalesce(b.provisional, FALSE) AS provisional,
           i.indicator_code IN (SELECT indicator_code FROM v_indicator_auto) AS auto_calculated
    FROM pairs p JOIN v_indicators i USING (indicator_code)
    LEFT JOIN best b ON b.indicator_code = p.indicator_code AND b.fiscal_year = p.fiscal_year)
SELECT fiscal_year, indicator_code, indicator_name, unit, direction, base_year, base_value,
       target_year, target_value, actual_value, expected_value, attainment_pct,
       CASE
         WHEN actual_value IS NULL THEN '{c.STATUS_UNREPORTED}'
         WHEN round(attainment_pct, 9) >= 100 THEN '{c.STATUS_ACHIEVED}'
         WHEN (direction = '{c.DIRECTION_UP}' AND round(actual_value - expected_value, 9) >= 0)
           OR (direction = '{c.DIRECTION_DOWN}' AND round(actual_value - expected_value, 9) <= 0)
           THEN '{c.STATUS_ON_TRACK}'
         WHEN (direction = '{c.DIRECTION_UP}' AND actual_value > base_value)
           OR (direction = '{c.DIRECTION_DOWN}' AND actual_value < base_value)
           THEN '{c.STATUS_BEHIND}'
         ELSE '{c.STATUS_WORSENED}'
       END AS status,
       department_code, measure_code, policy_code, submission_id, source_sheet, source_cell,
       sort_order, provisional, auto_calculated
FROM computed;

"""


def ddl() -> str:
    """Every table (IF NOT EXISTS) and view (OR REPLACE) of the warehouse.  A capability
    adds its tables and views here (in a module of its own, imported above), so that an
    existing warehouse gains them on its next open."""
    return "\n".join(DDL_PARTS)


def ddl_hash() -> str:
    """The hash of the DDL as it is now (computed on use, so that a part appended by a
    capability module imported after this one still counts)."""
    return hashlib.sha256(ddl().encode()).hexdigest()


#: Parts of the warehouse's DDL, in order (tables before the views that read them).
DDL_PARTS: list[str] = [SCHEMA_SQL, VIEWS_SQL]

#: Warehouse modules that append their DDL to DDL_PARTS when imported.  Imported here, at
#: the end, so that any connection sees every part whatever was imported first (they may
#: import this module: by now everything they use from it is defined).
CAPABILITY_MODULES: tuple[str, ...] = (
    "pipeline.warehouse.council_tables",
    "pipeline.warehouse.editions",
    "pipeline.warehouse.round",
    "pipeline.warehouse.operations",
)


def _import_capabilities() -> None:
    import importlib
    for name in CAPABILITY_MODULES:
        importlib.import_module(name)


_import_capabilities()
