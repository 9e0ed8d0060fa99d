"""The read-only copy for other tools, and a live warehouse held by another program
(data contract section 11).

- The copy's tables equal the views (same rows; Parquet and CSV too) after every kind of
  write: master, ingest, resubmission, restore, council record, freeze, account, backup,
  restore-backup.
- A program holding the COPY open stops nothing: the page shows no notice, the CLI ingest
  neither waits nor says anything, the copy is refreshed by the detached refresher after
  the command returned, the holder keeps reading its old copy and sees the new submission
  once it reopens the file.
- A program holding the LIVE file (read-write, then read-only): the page says so naming
  the process id and the copy, the CLI says so on stderr while it waits, both recover when
  the holder lets go; a read-only holder still lets pages show figures.

Holders are subprocesses (DuckDB locks are per process).  No wall-clock assertions: the
waits are shown by what was said while the holder still held the file.
"""
from __future__ import annotations

import logging
import queue
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from pipeline import council, load
from pipeline.access import auth
from pipeline.cli import main as cli
from pipeline.ingest import contract as c
from pipeline.texts import council as ctxt
from pipeline.warehouse import backup as bk
from pipeline.warehouse import readonly, schema, store
from pipeline.warehouse.schema import WarehouseHeld, connect
from tests import factories as f
from tests import operations_factories as of
from tests.warehouse.test_backup import build_warehouse, indicator

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
HQ = auth.User("hq", auth.ROLE_HQ)

HOLDER = r"""
import sys, duckdb
path, mode, sql = sys.argv[1], sys.argv[2], sys.argv[3]
con = duckdb.connect(path, read_only=(mode == "ro"))
print("held", flush=True)
for line in sys.stdin:
    cmd = line.strip()
    if cmd == "count":
        print(con.execute(sql).fetchone()[0], flush=True)
    elif cmd == "reopen":
        con.close()
        con = duckdb.connect(path, read_only=True)
        print("reopened", flush=True)
    elif cmd == "release":
        break
con.close()
print("released", flush=True)
"""


class Holder:
    """Another program that keeps a DuckDB file open ("ro" read-only or "rw")."""

    def __init__(self, path: Path, mode: str, sql: str = "SELECT count(*) FROM v_submissions"):
        self.proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), mode, sql],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "held"
        self.pid = self.proc.pid

    def ask(self, cmd: str) -> str:
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def release(self) -> None:
        if self.proc.poll() is None:
            assert self.ask("release") == "released"
            self.proc.wait(timeout=30)
        schema._probe_cache.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
        schema._probe_cache.clear()


@pytest.fixture
def copy_on(monkeypatch):
    """The automatic refresh is off for the rest of the suite (tests/conftest.py)."""
    monkeypatch.setenv(readonly.ENV_SWITCH, "on")
    readonly.set_mode("thread")
    yield
    readonly.wait_idle(60)
    readonly.set_mode("thread")


@pytest.fixture
def warehouse(tmp_path, copy_on) -> Path:
    db = tmp_path / "w.duckdb"
    build_warehouse(db)
    assert readonly.wait_idle(60)
    return db


@pytest.fixture(scope="module")
def plain_warehouse(tmp_path_factory) -> Path:
    """A warehouse for tests that only hold the live file (no copy needed; not changed)."""
    db = tmp_path_factory.mktemp("plain") / "w.duckdb"
    build_warehouse(db)
    return db


def run_cli(*args, db: Path, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "--db", str(db), *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=180, **kw)


def rows(con, table: str) -> list[str]:
    return sorted(map(repr, con.execute(f"SELECT * FROM {table}").fetchall()))


def assert_copy_matches(db: Path, *, files: bool = True) -> None:
    """Every copied view equals its table in the copy (and its Parquet and CSV files)."""
    copy = schema.copy_path(db)
    with connect(db) as con:
        present = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'VIEW'").fetchall()}
        names = [v for v in readonly.views_to_copy() if v in present]
        live = {v: rows(con, v) for v in names}
    assert set(schema.CONTRACT_VIEWS) <= set(names)
    ro = duckdb.connect(str(copy), read_only=True)
    try:
        tables = {r[0] for r in ro.execute("SHOW TABLES").fetchall()}
        assert set(names) <= tables
        for v in names:
            assert rows(ro, v) == live[v], v
    finally:
        ro.close()
    if not files:
        return
    mem = duckdb.connect()
    try:
        for v in names:
            pq = copy.parent / "parquet" / f"{v}.parquet"
            assert rows(mem, f"read_parquet('{pq}')") == live[v], v
            csv = copy.parent / "csv" / f"{v}.csv"
            assert csv.read_bytes()[:3] == b"\xef\xbb\xbf"
            n = mem.execute(f"SELECT count(*) FROM read_csv('{csv}', header = true, "
                            "all_varchar = true)").fetchone()[0]
            assert n == len(live[v]), v
    finally:
        mem.close()


def settle(db: Path, *, files: bool = False) -> None:
    assert readonly.wait_idle(60)
    assert_copy_matches(db, files=files)


def test_copy_equals_the_views_after_every_kind_of_write(tmp_path, copy_on):
    db = tmp_path / "w.duckdb"
    f.load_master(db, of.ops_master())                           # master (with §8 sheets)
    settle(db)
    result, _, _ = load.load_factors_bytes(of.factor_workbook(), "factors.xlsx", db)  # factors
    assert result.accepted
    settle(db)
    reports = load.ingest_bytes([("D01_2023.xlsx", of.d01_energy(                  # ingest
        2023, [of.energy_row("F001", annual=12000)], indicators=[indicator("I01", 500)]))], db)
    assert reports[0].accepted, reports[0].errors
    first = reports[0].submission_id
    settle(db)
    with duckdb.connect(str(schema.copy_path(db)), read_only=True) as ro:   # §8 views too
        tables = {r[0] for r in ro.execute("SHOW TABLES").fetchall()}
        assert {"v_facility_emissions", "v_operations_emissions", "v_operations_change"} <= tables
    load.ingest_bytes([("D01_2023_v2.xlsx", f.submission(
        2023, "D01", indicators=[indicator("I01", 520)]))], db)      # resubmission
    settle(db)
    with connect(db, write=True) as con:                         # restore
        assert store.restore(con, first, "test").status == c.SUBMISSION_ACTIVE
    settle(db)
    council.add_opinion(db, 2023, ctxt.LEVEL_PLAN, None, "意見", HQ)  # council record
    settle(db)
    try:
        from pipeline.warehouse import editions
    except ImportError:
        editions = None
    if editions is not None:                                     # freeze
        with connect(db, write=True) as con:
            editions.freeze(con, 2023, "test")
        settle(db)
    auth.add_account(db, "k99", "k99-password-2026", auth.ROLE_HQ)   # account
    settle(db)
    backup = bk.backup(db, tmp_path / "b.duckdb").path           # backup (a write lock)
    load.ingest_bytes([("D02_2023.xlsx", f.submission(
        2023, "D02", actions=[f.action_row("A003")]))], db)
    settle(db)
    bk.restore_backup(backup, db)                                # restore-backup
    settle(db, files=True)
    with duckdb.connect(str(schema.copy_path(db)), read_only=True) as ro:
        assert ro.execute("SELECT count(*) FROM v_submissions WHERE department_code = 'D02'"
                          ).fetchone()[0] == 0


def test_a_new_contract_view_is_copied_without_code_change(warehouse, monkeypatch):
    """The list of views comes from schema.CONTRACT_VIEWS: a capability that adds a view to
    the DDL (schema.DDL_PARTS) and names it there gets it copied, nothing else to change."""
    monkeypatch.setattr(schema, "DDL_PARTS", schema.DDL_PARTS + [
        "CREATE OR REPLACE VIEW v_test_extra AS "
        "SELECT fiscal_year, count(*) AS n FROM v_submissions GROUP BY fiscal_year;"])
    monkeypatch.setattr(schema, "CONTRACT_VIEWS", schema.CONTRACT_VIEWS + ["v_test_extra"])
    monkeypatch.setattr(schema, "_schema_ready", set())
    load.ingest_bytes([("D02_2024.xlsx", f.d02(2024))], warehouse)
    settle(warehouse)
    with duckdb.connect(str(schema.copy_path(warehouse)), read_only=True) as ro:
        assert ro.execute("SELECT sum(n) FROM v_test_extra").fetchone()[0] == 4


def test_a_failed_refresh_is_logged_retried_and_never_fails_the_write(warehouse, monkeypatch,
                                                                     caplog):
    real = readonly.refresh
    calls = []

    def flaky(db, **kw):
        calls.append(db)
        if len(calls) == 1:
            raise OSError("disk full")
        return real(db, **kw)

    monkeypatch.setattr(readonly, "refresh", flaky)
    monkeypatch.setattr(readonly, "RETRY_FIRST", 0.1)
    with caplog.at_level(logging.WARNING, logger=readonly.__name__):
        reports = load.ingest_bytes([("D02_2024.xlsx", f.d02(2024))], warehouse)
        assert reports[0].accepted and reports[0].submission_id
        assert readonly.wait_idle(60)
    assert len(calls) == 2
    assert any("disk full" in r.getMessage() for r in caplog.records)
    assert_copy_matches(warehouse)


def test_snapshot_command(warehouse):
    copy = schema.copy_path(warehouse)
    for p in copy.parent.glob("**/*"):
        if p.is_file():
            p.unlink()
    run = run_cli("snapshot", db=warehouse)
    assert run.returncode == 0, run.stderr
    assert str(copy) in run.stderr
    assert_copy_matches(warehouse)


def test_refresh_needs_an_existing_warehouse(tmp_path):
    with pytest.raises(schema.WarehouseError):
        readonly.refresh(tmp_path / "missing.duckdb")
    assert not (tmp_path / "missing.duckdb").exists()


# --- the copy held open: nothing waits ----------------------------------------------------------

def open_app(monkeypatch, db: Path) -> AppTest:
    monkeypatch.setenv("PDCA_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def notices(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


def wait_for(predicate, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def copy_count(db: Path, sql: str = "SELECT count(*) FROM v_submissions") -> int:
    try:
        with duckdb.connect(str(schema.copy_path(db)), read_only=True) as ro:
            return ro.execute(sql).fetchone()[0]
    except duckdb.Error:
        return -1


def test_a_program_holding_the_copy_stops_nothing(warehouse, tmp_path, monkeypatch):
    readonly.refresh(warehouse)
    with Holder(schema.copy_path(warehouse), "ro") as holder:
        before = int(holder.ask("count"))
        at = open_app(monkeypatch, warehouse)           # the app serves as usual
        assert notices(at) == [] and at.metric
        wb = tmp_path / "D02_2024.xlsx"
        wb.write_bytes(f.d02(2024))
        run = run_cli("ingest", wb, db=warehouse)       # the CLI ingests as usual
        assert run.returncode == 0, run.stderr
        assert "PID" not in run.stderr and "待って" not in run.stderr
        # refreshed by the detached refresher after the command returned
        wait_for(lambda: copy_count(warehouse) == before + 1)
        assert int(holder.ask("count")) == before       # the old copy reads on, unchanged
        assert holder.ask("reopen") == "reopened"
        assert int(holder.ask("count")) == before + 1   # the new submission, after reopening
        holder.release()
    assert_copy_matches(warehouse)


# --- the live file held by another program ---------------------------------------------------------

class StderrLines:
    """A CLI process whose stderr is read line by line as it comes."""

    def __init__(self, *args, db: Path):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "--db", str(db), *map(str, args)], cwd=ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stderr:
            self.lines.put(line)
        self.lines.put(None)

    def wait_line(self, needle: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            if line is None:
                raise AssertionError(f"stderr ended before {needle!r}: {self.seen}")
            self.seen.append(line)
            if needle in line:
                return line

    def finish(self) -> int:
        self.proc.stdout.read()
        rc = self.proc.wait(timeout=120)
        while True:
            line = self.lines.get(timeout=30)
            if line is None:
                return rc
            self.seen.append(line)


def test_live_file_held_read_write(warehouse, tmp_path, monkeypatch):
    copy = str(schema.copy_path(warehouse))
    with Holder(warehouse, "rw") as holder:
        # The page: a notice naming the process and the copy; no figures while held.
        at = open_app(monkeypatch, warehouse)
        said = " ".join(notices(at))
        assert f"PID {holder.pid}" in said and copy in said
        assert not at.metric
        # The command line: says so on stderr while it waits, goes on once the file is free.
        wb = tmp_path / "D02_2024.xlsx"
        wb.write_bytes(f.d02(2024))
        ingest = StderrLines("ingest", wb, db=warehouse)
        line = ingest.wait_line(f"PID {holder.pid}")
        assert copy in line
        holder.release()
        assert ingest.finish() == 0, ingest.seen
    assert any("使えるようになりました" in s for s in ingest.seen)
    # The page recovers (in a browser, by itself: tests/browser/test_readonly.py).
    at.run()
    assert not at.exception
    assert notices(at) == [] and at.metric
    with connect(warehouse) as con:
        assert con.execute("SELECT count(*) FROM v_submissions WHERE department_code = 'D02' "
                           "AND fiscal_year = 2024").fetchone()[0] == 1


def test_live_file_held_read_only(warehouse, tmp_path, monkeypatch):
    with Holder(warehouse, "ro") as holder:
        # Pages keep showing figures (read-only), and say that writes wait.
        at = open_app(monkeypatch, warehouse)
        said = " ".join(notices(at))
        assert f"PID {holder.pid}" in said and "読み取り専用" in said and "書き込み" in said
        assert at.metric
        # A CLI read goes on at once; an ingest says that it waits, and lands after.
        history = run_cli("history", db=warehouse)
        assert history.returncode == 0 and "D01" in history.stdout
        wb = tmp_path / "D02_2024.xlsx"
        wb.write_bytes(f.d02(2024))
        ingest = StderrLines("ingest", wb, db=warehouse)
        ingest.wait_line(f"PID {holder.pid}")
        holder.release()
        assert ingest.finish() == 0, ingest.seen
    at.run()
    assert notices(at) == []


def test_a_write_gives_up_after_its_timeout_naming_the_holder(plain_warehouse):
    with Holder(plain_warehouse, "ro") as holder:
        with pytest.raises(WarehouseHeld) as info:
            with connect(plain_warehouse, write=True, timeout=0.5):
                pass
    assert f"PID {holder.pid}" in str(info.value)
    assert str(schema.copy_path(plain_warehouse)) in str(info.value)


def test_reporter_hears_at_once_about_a_foreign_holder(plain_warehouse):
    """The first failed open already reports (no grace period for a program not ours)."""
    heard = []
    token = schema.wait_reporter.set(heard.append)
    try:
        with Holder(plain_warehouse, "rw") as holder:
            with pytest.raises(WarehouseHeld):
                with connect(plain_warehouse, timeout=0.3):
                    pass
    finally:
        schema.wait_reporter.reset(token)
    assert heard and heard[0].state == "waiting" and heard[0].holder.pid == holder.pid
    assert heard[0].holder.ours is False and heard[0].holder.shared is False


def test_holder_from_duckdb_messages():
    rw = ('IO Error: Could not set lock on file "/x/w.duckdb": Conflicting lock is held in '
          '/usr/bin/python3.11 (PID 4242). See also https://duckdb.org/docs/current/connect/concurrency')
    ro = rw.replace(". See also", ". However, you would be able to open this database in "
                    "read-only mode, e.g. by using the -readonly parameter in the CLI. See also")
    h = schema.holder_from_error(rw)
    assert (h.pid, h.program, h.shared) == (4242, "python3.11", False)
    assert schema.holder_from_error(ro).shared is True
    assert schema.holder_from_error("IO Error: something else") is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/locks is Linux only")
def test_probe_names_the_holder_without_opening_the_file(plain_warehouse):
    assert schema.holder(plain_warehouse) is None
    with Holder(plain_warehouse, "ro") as holder:
        schema._probe_cache.clear()
        h = schema.holder(plain_warehouse)
        assert (h.pid, h.shared, h.ours) == (holder.pid, True, False)
        holder.release()
        assert schema.holder(plain_warehouse) is None
