"""Ingest: file bytes → validated submissions → warehouse.  Used by the CLI,
the upload page and the demo alike, so they all behave the same."""
from __future__ import annotations

import functools
import gc
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.ingest import contract as c
from pipeline.warehouse import store
from pipeline.ingest.energy import remember as remember_energy
from pipeline.ingest.factors import FactorResult, validate_factors
from pipeline.ingest.master import MasterPlan, MasterResult, validate_master
from pipeline.ingest.problems import Problem
from pipeline.texts import ingest as txt
from pipeline.texts import validation as vtxt
from pipeline.ingest.validate import Submission, validate_submission
from pipeline.warehouse import operations
from pipeline.warehouse.schema import connect

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    """The outcome for one file, as printed by `ingest --json`."""
    file: str
    accepted: bool
    noop: bool = False
    department_code: str | None = None
    fiscal_year: int | None = None
    rows: dict[str, int] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    submission_id: int | None = None
    superseded: list[int] = field(default_factory=list)
    submission: Submission | None = None

    def to_json(self) -> dict:
        return {
            "file": self.file, "accepted": self.accepted, "noop": self.noop,
            "department_code": self.department_code, "fiscal_year": self.fiscal_year,
            "rows": self.rows, "submission_id": self.submission_id,
            "superseded": self.superseded,
            "errors": [p.to_json() for p in self.errors],
            "warnings": [p.to_json() for p in self.warnings],
        }

    @property
    def summary(self) -> str:
        if not self.accepted:
            return txt.rejected(self.file, len(self.errors))
        if self.noop:
            return txt.noop(self.file, self.submission_id)
        return txt.loaded(self.file, self.submission_id, self.department_code, self.fiscal_year,
                          self.superseded, len(self.warnings))


def read_input(path: str | os.PathLike) -> tuple[str, bytes | Problem]:
    """Read a file's bytes, refusing oversized or missing files before reading."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > c.MAX_FILE_BYTES:
            from pipeline.texts import safety as stxt
            return p.name, Problem(None, None, stxt.file_too_large(size, c.MAX_FILE_BYTES))
        return p.name, p.read_bytes()
    except FileNotFoundError:
        return p.name, Problem(None, None, txt.file_not_found(str(path)))
    except IsADirectoryError:
        return p.name, Problem(None, None, txt.file_not_found(str(path)))
    except OSError as exc:
        return p.name, Problem(None, None, txt.file_unreadable(str(path), exc))


def _plan_for_checks(con) -> MasterPlan | None:
    """The current master, with what the エネルギー使用量 check needs from the warehouse
    (the current factor workbook and the amounts already reported) when it has facilities."""
    plan = store.current_master(con)
    if plan is not None and plan.has_operations:
        plan.factors = operations.current_factors(con)
        plan.energy_history = operations.energy_history(con)
    return plan


def check(data: bytes, file_name: str, plan: MasterPlan | None) -> Submission:
    """Validate without writing; never raises for bad input."""
    try:
        return validate_submission(data, file_name, plan)
    except Exception:  # a bug must not become a stack trace for the user
        log.exception("validation failed for %s", file_name)
        sub = Submission(file_name)
        sub.problems.append(Problem(None, None, vtxt.INTERNAL_ERROR))
        return sub


def _report(sub: Submission) -> IngestReport:
    return IngestReport(sub.file_name, sub.accepted, False, sub.department_code, sub.fiscal_year,
                        sub.rows, sub.errors, sub.warnings, submission=sub)


_gc_lock = threading.Lock()
_gc_depth = 0
_gc_was_enabled = False


def _gc_paused(func):
    """Run `func` with the cyclic garbage collector paused.

    A bulk ingest creates hundreds of thousands of long-lived objects (parsed
    rows, reports); each full collection would walk all of them again, which
    cost about a third of the load step at demo scale 10 (bench/ingest.py).
    Nothing a batch creates needs the cycle collector to be freed promptly.
    Nested and concurrent batches are counted: the collector is re-enabled,
    if it was enabled, when the last one ends.
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        global _gc_depth, _gc_was_enabled
        with _gc_lock:
            if _gc_depth == 0:
                _gc_was_enabled = gc.isenabled()
                gc.disable()
            _gc_depth += 1
        try:
            return func(*args, **kwargs)
        finally:
            with _gc_lock:
                _gc_depth -= 1
                if _gc_depth == 0 and _gc_was_enabled:
                    gc.enable()
    return wrapper


@_gc_paused
def ingest_bytes(files: list[tuple[str, bytes | Problem]], db=None, *, dry_run: bool = False,
                 loaded_by: str | None = None, progress=None,
                 allowed_department: str | None = None, loaded_at=None) -> list[IngestReport]:
    """Validate every file and load the accepted ones, each whole or not at all.

    `allowed_department` (upload page) rejects a workbook of another department.
    Validation runs outside the writer lock so the dashboard is never blocked
    for long; the master is re-checked inside the write.
    """
    with connect(db) as con:
        plan = _plan_for_checks(con)
        master_id = con.execute("SELECT master_id FROM master_versions WHERE is_current").fetchone()
        known = {r[0]: r[1] for r in con.execute(
            "SELECT sha256, min(submission_id) FROM submissions GROUP BY sha256").fetchall()}
    master_id = master_id[0] if master_id else None
    reports: list[IngestReport] = []
    pending: list[tuple[IngestReport, bytes]] = []
    meta: dict[int, tuple] = {}   # id(report) -> (loaded_by, loaded_at) of its file
    for index, (name, data) in enumerate(files):
        by = loaded_by[index] if isinstance(loaded_by, (list, tuple)) else loaded_by
        at = loaded_at[index] if isinstance(loaded_at, (list, tuple)) else loaded_at
        if progress:
            progress(index, len(files), name)
        if isinstance(data, Problem):
            reports.append(IngestReport(name, False, errors=[data]))
            continue
        sha = store.sha256_of(data)
        if sha in known:
            reports.append(_noop_report(db, name, known[sha]))
            continue
        sub = check(data, name, plan)
        if sub.accepted and allowed_department and sub.department_code != allowed_department:
            sub.problems.append(Problem(c.SHEET_INFO, None, txt.other_department(
                sub.department_code, allowed_department)))
        report = _report(sub)
        reports.append(report)
        if report.accepted:
            pending.append((report, data))
            if sub.energy:
                remember_energy(plan, sub.fiscal_year, sub.energy)
            meta[id(report)] = (by, at)
    if dry_run or not pending:
        return reports
    with connect(db, write=True) as con:
        now_master = con.execute("SELECT master_id FROM master_versions WHERE is_current").fetchone()
        if (now_master[0] if now_master else None) != master_id:
            # The plan changed while we validated: validate again against the new one.
            plan = _plan_for_checks(con)
            for report, data in pending:
                sub = check(data, report.file, plan)
                report.__dict__.update(_report(sub).__dict__)
            pending = [(r, d) for r, d in pending if r.accepted]
        outcomes = store.load_submissions(con, [(r.submission, d) for r, d in pending],
                                         [meta[id(r)][0] for r, _ in pending],
                                         loaded_at=[meta[id(r)][1] for r, _ in pending])
    for (report, _), outcome in zip(pending, outcomes):
        report.submission_id = outcome.submission_id
        report.noop = outcome.noop
        report.superseded = outcome.superseded
    return reports


def _noop_report(db, name: str, submission_id: int) -> IngestReport:
    with connect(db) as con:
        row = con.execute("SELECT department_code, fiscal_year FROM submissions WHERE submission_id = ?",
                          [submission_id]).fetchone()
        rows = store.stored_rows(con, submission_id)
    return IngestReport(name, True, True, row[0], row[1], rows, submission_id=submission_id)


def ingest_paths(paths, db=None, **kwargs) -> list[IngestReport]:
    return ingest_bytes([read_input(p) for p in paths], db, **kwargs)


def load_master_file(path, db=None, *, loaded_by: str | None = None) -> tuple[MasterResult, int | None, bool]:
    name, data = read_input(path)
    if isinstance(data, Problem):
        return MasterResult(name, None, [data], {}), None, False
    return load_master_bytes(data, name, db, loaded_by=loaded_by)


def load_master_bytes(data: bytes, name: str, db=None, *, loaded_by: str | None = None):
    return _load_reference(data, name, db, loaded_by, validate_master, MasterResult,
                           lambda con, r: store.load_master(con, r.plan, data, name, loaded_by))


def _load_reference(data: bytes, name: str, db, loaded_by, validate, result_type, write):
    """A reference workbook (plan master, emission factors): validated, then written in one
    transaction when accepted; returns (result, the stored version's id, noop)."""
    try:
        result = validate(data, name)
    except Exception:
        log.exception("%s failed for %s", validate.__name__, name)
        return result_type(name, None, [Problem(None, None, vtxt.INTERNAL_ERROR)], {}), None, False
    if not result.accepted:
        return result, None, False
    with connect(db, write=True) as con:
        version_id, noop = write(con, result)
    return result, version_id, noop


# --- 排出係数表 (contract §8.2) -------------------------------------------------

def load_factors_file(path, db=None, *, loaded_by: str | None = None):
    """Validate and load an emission factor workbook; returns (FactorResult, factor_id, noop)."""
    name, data = read_input(path)
    if isinstance(data, Problem):
        return FactorResult(name, None, [data], {}), None, False
    return load_factors_bytes(data, name, db, loaded_by=loaded_by)


def load_factors_bytes(data: bytes, name: str, db=None, *, loaded_by: str | None = None):
    return _load_reference(data, name, db, loaded_by, validate_factors, FactorResult,
                           lambda con, r: operations.load_factors(con, r.factors, data, name, loaded_by))
