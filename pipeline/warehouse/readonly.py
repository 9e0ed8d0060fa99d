"""The read-only copy for other tools (data contract section 11).

DuckDB lets one process hold a database file at a time, so Excel, BI tools and scripts
read a copy, never the live warehouse: `<warehouse dir>/readonly/warehouse.duckdb` holds
every contract view (schema.CONTRACT_VIEWS, plus the plan-master views of
schema.REFERENCE_VIEWS) as a table of the same name, and `readonly/parquet/<view>.parquet`
and `readonly/csv/<view>.csv` (UTF-8 with BOM) hold the same rows for tools without DuckDB.

How it stays fresh without touching the write path:

- Every committed write ends in `schema.writer_lock`, which calls `request_refresh`: it
  records a request token in `readonly/.requested` and returns at once.
- In a long-lived process (the app, a test) a daemon thread refreshes once the writes have
  been quiet for DEBOUNCE seconds (at most MAX_DELAY after the first).  A command-line
  process (`set_mode("detached")`) instead starts, when it exits, one detached
  `python -m pipeline.warehouse.readonly DB TOKEN`, so the command returns at once.
- Whoever refreshes first checks that its token is still the newest one; an older request
  gives way to the newer one, so a burst of writes from many processes costs one refresh.
- A refresh scans the base tables in one read transaction of the live file and closes it
  (milliseconds), computes the views from those rows in memory with the warehouse's own
  DDL, writes the copy to a temporary file and renames it into place (`os.replace`): a
  reader that has the old copy open keeps reading it; the next open sees the new one.  Refreshes are
  serialised by `readonly/.refresh.lock`, so the last one to run read the latest data.
- A failed refresh is logged (the app's log, or `readonly/refresh.log` for a detached one)
  and retried with backoff; it never fails the write that asked for it.

`PDCA_READONLY_COPY=off` turns the automatic refresh off (the test suite does, except
where it tests the copy); `python -m pipeline snapshot` refreshes on demand.
"""
from __future__ import annotations

import atexit
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
from filelock import FileLock

from pipeline.texts import warehouse as txt
from pipeline.warehouse import files, schema

log = logging.getLogger(__name__)

ENV_SWITCH = "PDCA_READONLY_COPY"
DEBOUNCE = 0.3          # seconds of quiet after the last write before a refresh
MAX_DELAY = 2.0         # ... but no later than this after the first pending write
RETRY_FIRST, RETRY_MAX = 1.0, 30.0
DETACHED_GIVE_UP = 600.0   # a detached refresher retries for up to 10 minutes
INFO_TABLE = "snapshot_info"
LOG_LIMIT = 1_000_000    # bytes of readonly/refresh.log before it is started afresh
COPY_NAME = "warehouse.duckdb"


def enabled() -> bool:
    return os.environ.get(ENV_SWITCH, "on").strip().lower() not in ("0", "off", "false", "no")


def copy_dir(db=None) -> Path:
    return schema.copy_path(db).parent


def views_to_copy() -> list[str]:
    return list(dict.fromkeys(schema.CONTRACT_VIEWS + schema.REFERENCE_VIEWS))


@dataclass
class Snapshot:
    path: Path
    tables: dict[str, int]        # view -> rows
    seconds: float
    read_seconds: float           # how long the live file was open for it

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


# --- one refresh ------------------------------------------------------------------------------

def _create_table(con, name: str, rows) -> None:
    """A table `name` holding the Arrow table `rows`."""
    con.register("_arrow_rows", rows)
    try:
        con.execute(f"CREATE TABLE {files.sql_ident(name)} AS SELECT * FROM _arrow_rows")
    finally:
        con.unregister("_arrow_rows")


#: Base tables no view reads and that have no place in memory: original files (BLOBs),
#: accounts (password hashes), sign-in failures.
SKIP_TABLES = {"archive", "accounts", "sign_in_failures"}


def read_views(db=None, *, timeout: float | None = 60.0) -> tuple[dict, float]:
    """Every view to copy, as Arrow tables, and how long the live file was open.

    The live file is open only to scan the base tables in one read transaction (a
    consistent state, a few milliseconds for a city's data); the views are then computed
    from those rows in an in-memory database with the warehouse's own DDL, so the
    refresh's heavier part never holds the file that pages and writers need."""
    start = time.monotonic()
    with schema.connect(db, timeout=timeout) as con:
        base = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
            "AND database_name = current_database() AND NOT temporary").fetchall()
            if r[0] not in SKIP_TABLES]
        with schema.transaction(con):
            rows = {t: con.sql(f"SELECT * FROM {files.sql_ident(t)}").to_arrow_table() for t in base}
    held = time.monotonic() - start
    mem = duckdb.connect()
    try:
        for name, table in rows.items():
            _create_table(mem, name, table)
        del rows
        mem.execute(schema.ddl())
        present = {r[0] for r in mem.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'main' AND table_type = 'VIEW'").fetchall()}
        views = {n: mem.sql(f"SELECT * FROM {files.sql_ident(n)}").to_arrow_table()
                 for n in views_to_copy() if n in present}
    finally:
        mem.close()
    return views, held


STALE_AFTER = 600.0      # seconds: a temporary file this old was left by a killed refresh


def _sweep(out_dir: Path) -> None:
    """Remove temporaries that a killed refresh left behind (under the refresh lock)."""
    now = time.time()
    for folder in (out_dir, out_dir / "parquet", out_dir / "csv"):
        for p in folder.glob(".*"):
            if p.suffix in (".tmp", ".raw", ".wal") or ".tmp" in p.name:
                try:
                    if now - p.stat().st_mtime > STALE_AFTER:
                        p.unlink()
                except OSError:
                    pass


def refresh(db=None, *, timeout: float | None = 60.0) -> Snapshot:
    """Refresh the copy now (the `snapshot` command and the background refresher)."""
    db = schema.db_path(db)
    if not db.exists():
        raise schema.WarehouseError(txt.snapshot_no_warehouse(db))
    out_dir = copy_dir(db)
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with FileLock(str(out_dir / ".refresh.lock"), timeout=-1 if timeout is None else timeout + 30):
        _sweep(out_dir)
        tables, read_seconds = read_views(db, timeout=timeout)
        final = out_dir / COPY_NAME
        tag = f"{os.getpid()}-{threading.get_ident()}"
        tmp = out_dir / f".{COPY_NAME}.{tag}.tmp"
        files.remove(tmp, files.wal(tmp))
        side: list[tuple[Path, Path]] = []       # (temporary, final) Parquet/CSV files
        try:
            con = duckdb.connect(str(tmp))
            try:
                for name, table in tables.items():
                    _create_table(con, name, table)
                con.execute(
                    f"CREATE TABLE {INFO_TABLE} AS SELECT ?::TIMESTAMP AS refreshed_at, "
                    "?::VARCHAR AS source, ?::VARCHAR[] AS tables",
                    [datetime.now().replace(microsecond=0), str(db.resolve()), list(tables)])
                for kind in ("parquet", "csv"):
                    (out_dir / kind).mkdir(exist_ok=True)
                for name in tables:
                    pq = out_dir / "parquet" / f".{name}.{tag}.tmp"
                    con.execute(f"COPY {files.sql_ident(name)} TO {files.sql_string(str(pq))} "
                                "(FORMAT parquet, COMPRESSION zstd)")
                    side.append((pq, out_dir / "parquet" / f"{name}.parquet"))
                    raw = out_dir / "csv" / f".{name}.{tag}.raw"
                    con.execute(f"COPY {files.sql_ident(name)} TO {files.sql_string(str(raw))} "
                                "(FORMAT csv, HEADER)")
                    csv = out_dir / "csv" / f".{name}.{tag}.tmp"
                    with open(csv, "wb") as dst, open(raw, "rb") as src:
                        dst.write(b"\xef\xbb\xbf")          # BOM: Excel reads it as UTF-8
                        shutil.copyfileobj(src, dst)
                    files.remove(raw)
                    side.append((csv, out_dir / "csv" / f"{name}.csv"))
                con.execute("CHECKPOINT")
            finally:
                con.close()
            files.fsync(tmp)
            # A WAL beside the copy belongs to an older copy opened read-write by someone;
            # it must never be replayed onto the new file.
            files.remove(files.wal(final))
            os.replace(tmp, final)
            for src, dst in side:
                os.replace(src, dst)
            files.fsync(out_dir)
        finally:
            files.remove(tmp, files.wal(tmp), *(s for s, _ in side))
    return Snapshot(final, {n: t.num_rows for n, t in tables.items()},
                    time.monotonic() - started, read_seconds)


# --- requests: who refreshes, and when ----------------------------------------------------------

_counter = 0
_counter_lock = threading.Lock()


def _new_token() -> str:
    global _counter
    with _counter_lock:
        _counter += 1
        return f"{time.time_ns():020d}-{os.getpid()}-{_counter}"


def _token_file(db: Path) -> Path:
    return copy_dir(db) / ".requested"


def latest_token(db) -> str | None:
    try:
        return _token_file(schema.db_path(db)).read_text().strip() or None
    except OSError:
        return None


def _write_token(db: Path, token: str) -> None:
    path = _token_file(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".requested.{os.getpid()}.{threading.get_ident()}")
    tmp.write_text(token)
    os.replace(tmp, path)


def _superseded(db: Path, token: str) -> bool:
    """A newer request exists (from any process): its refresher will read the newer data."""
    latest = latest_token(db)
    return latest is not None and latest > token


def _attempt(db: Path, token: str) -> bool:
    """One try at a refresh request (the thread's and the detached process's): True when
    done or no longer needed (the file gone, a newer request took over), False when the
    refresh failed (logged; the caller retries after `_backoff`)."""
    if not db.exists() or _superseded(db, token):
        return True
    try:
        snap = refresh(db)
    except Exception as exc:
        log.warning(txt.refresh_failed(schema.copy_path(db), _first_line(exc)))
        return False
    log.info("read-only copy refreshed: %s (%d rows, %.2f s)", snap.path, snap.rows, snap.seconds)
    return True


def _backoff(attempt: int) -> float:
    return min(RETRY_FIRST * 2 ** attempt, RETRY_MAX)


class _Refresher:
    """The in-process background refresher: one daemon thread for all warehouses."""

    def __init__(self):
        self._cond = threading.Condition()
        # db -> [token, first request time, last request time, due time (retries), attempts]
        self._pending: dict[Path, list] = {}
        self._running: Path | None = None
        self._thread: threading.Thread | None = None

    def request(self, db: Path, token: str) -> None:
        now = time.monotonic()
        with self._cond:
            entry = self._pending.get(db)
            if entry is None:
                self._pending[db] = [token, now, now, 0.0, 0]
            else:
                entry[0], entry[2], entry[3], entry[4] = token, now, 0.0, 0
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="readonly-copy",
                                                daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def _next(self) -> tuple[Path, list] | None:
        """The next due request (waits for it); None never (daemon)."""
        with self._cond:
            while True:
                now = time.monotonic()
                wait = None
                for db, (token, first, last, due, attempts) in self._pending.items():
                    ready = max(due, min(last + DEBOUNCE, first + MAX_DELAY))
                    if ready <= now:
                        entry = self._pending.pop(db)
                        self._running = db
                        return db, entry
                    wait = ready - now if wait is None else min(wait, ready - now)
                self._cond.wait(timeout=wait)

    def _loop(self) -> None:
        while True:
            db, entry = self._next()
            try:
                self._run_one(db, entry)
            finally:
                with self._cond:
                    self._running = None
                    self._cond.notify_all()

    def _run_one(self, db: Path, entry: list) -> None:
        token, first, _last, _due, attempts = entry
        if _attempt(db, token):
            return
        # logged and retried; never the write's failure
        delay = _backoff(attempts)
        with self._cond:
            if db not in self._pending:      # no newer request meanwhile: retry this one
                now = time.monotonic()
                self._pending[db] = [token, first, now, now + delay, attempts + 1]
                self._cond.notify_all()

    def pending(self) -> dict[Path, str]:
        with self._cond:
            out = {db: e[0] for db, e in self._pending.items()}
            if self._running is not None:
                out.setdefault(self._running, "")
            return out

    def take_pending(self) -> dict[Path, str]:
        """Requests not yet started (at exit: handed to detached refreshers)."""
        with self._cond:
            out = {db: e[0] for db, e in self._pending.items()}
            self._pending.clear()
            return out

    def wait_idle(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending or self._running is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(timeout=min(left, 0.1))
            return True


_refresher = _Refresher()
#: Longest wait at exit for a refresh already running (seconds).
EXIT_WAIT = 30.0
_mode = "thread"
_exit_pending: dict[Path, str] = {}
_exit_lock = threading.Lock()
_atexit_registered = False


def set_mode(mode: str) -> None:
    """"thread" (default: a background thread refreshes) or "detached" (the command line:
    a detached process started at exit refreshes, so the command returns at once)."""
    global _mode
    if mode not in ("thread", "detached"):
        raise ValueError(mode)
    _mode = mode


def request_refresh(db) -> None:
    """Called after every committed write: ask for a refresh, return at once."""
    if not enabled():
        return
    db = schema.db_path(db).resolve()
    token = _new_token()
    try:
        _write_token(db, token)
    except OSError as exc:
        log.warning(txt.refresh_failed(schema.copy_path(db), _first_line(exc)))
        return
    _ensure_atexit()
    if _mode == "detached":
        with _exit_lock:
            _exit_pending[db] = token
    else:
        _refresher.request(db, token)


_ensured: set[Path] = set()


def ensure_copy(db) -> None:
    """Once per process and warehouse (the app at start): a warehouse that has no copy yet
    (made before this feature, or the copy deleted) gets one without waiting for a write."""
    try:
        db = schema.db_path(db).resolve()
        if db in _ensured:
            return
        _ensured.add(db)
        if db.exists() and not schema.copy_path(db).exists():
            request_refresh(db)
    except Exception:
        log.exception("read-only copy: check at start failed")


def wait_idle(timeout: float = 30.0) -> bool:
    """Wait until this process's background refresher has nothing left (tests)."""
    return _refresher.wait_idle(timeout)


def _ensure_atexit() -> None:
    global _atexit_registered
    if not _atexit_registered:
        _atexit_registered = True
        atexit.register(_at_exit)


def _at_exit() -> None:
    """Requests this process has not served (a command that exits right after its write, or
    the app stopping within the debounce) go to one detached refresher each."""
    with _exit_lock:
        todo = dict(_exit_pending)
        _exit_pending.clear()
    todo.update(_refresher.take_pending())
    for db, token in todo.items():
        spawn_detached(db, token)
    # A refresh already running in the daemon thread must finish before the interpreter
    # tears down: DuckDB's native code aborts the process (exit 134) when its thread is
    # killed mid-query.  Bounded, so a stuck refresh never hangs the exit.
    _refresher.wait_idle(EXIT_WAIT)


def spawn_detached(db: Path, token: str) -> subprocess.Popen | None:
    """Start `python -m pipeline.warehouse.readonly DB TOKEN` in its own session, not
    attached to this process's terminal or pipes (a caller reading our output does not
    wait for it)."""
    try:
        out_dir = copy_dir(db)
        out_dir.mkdir(parents=True, exist_ok=True)
        log_path = out_dir / "refresh.log"
        big = log_path.exists() and log_path.stat().st_size > LOG_LIMIT
        logfile = open(log_path, "wb" if big else "ab")      # kept small: started afresh
    except OSError as exc:
        log.warning(txt.refresh_failed(schema.copy_path(db), _first_line(exc)))
        return None
    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    kwargs = {"start_new_session": True} if os.name == "posix" else {
        "creationflags": getattr(subprocess, "DETACHED_PROCESS", 0)
        | getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
    try:
        with logfile:
            return subprocess.Popen(
                [sys.executable, "-m", "pipeline.warehouse.readonly", str(db), token],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=logfile,
                cwd=root, env=env, close_fds=True, **kwargs)
    except OSError as exc:
        log.warning(txt.refresh_failed(schema.copy_path(db), _first_line(exc)))
        return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


def run_detached(db: Path, token: str, *, give_up: float = DETACHED_GIVE_UP) -> int:
    """The detached refresher: wait for quiet, then refresh unless a newer request took
    over; retry with backoff on failure."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(message)s")
    time.sleep(DEBOUNCE)
    deadline = time.monotonic() + give_up
    attempt = 0
    while not _attempt(db, token):
        if time.monotonic() >= deadline:
            return 1
        time.sleep(_backoff(attempt))
        attempt += 1
    return 0


if __name__ == "__main__":
    sys.exit(run_detached(Path(sys.argv[1]), sys.argv[2]))
