"""The upload page's server side: check a workbook, preview, commit, restore.

Every function that writes re-checks the signed-in user's role and the file
size itself; the page only decides what to show.  Nothing is written until
`commit_upload`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from pipeline.access import auth
from pipeline.access import diff
from pipeline import load
from pipeline.warehouse import store
from pipeline.ingest import contract as c
from pipeline.ingest import normalise
from pipeline.ingest.problems import Problem
from pipeline.texts import safety as stxt
from pipeline.texts import upload as txt
from pipeline.warehouse.schema import WarehouseBusy, connect

LOADED = "loaded"
REJECTED = "rejected"
NOOP = "noop"
BUSY = "busy"
STALE = "stale"


@dataclass
class UploadCheck:
    """The outcome of validating one uploaded workbook (nothing written)."""
    file_name: str
    sha256: str
    size: int
    department_code: str | None = None
    fiscal_year: int | None = None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    noop: bool = False
    existing_submission_id: int | None = None
    diff: diff.SubmissionDiff | None = None

    @property
    def ok(self) -> bool:
        """Valid and new: may be committed."""
        return not self.errors and not self.noop

    @property
    def base_submission_id(self) -> int | None:
        return self.diff.base_submission_id if self.diff else None


@dataclass
class CommitResult:
    status: str                 # loaded | rejected | noop | busy | stale
    message: str
    submission_id: int | None = None
    superseded: list[int] = field(default_factory=list)
    check: UploadCheck | None = None


def fiscal_year_choices(db, today: date | None = None) -> tuple[list[int], int]:
    """FYs offered on the upload page (newest first) and the default one.

    From the earliest action start in the master (at most 10 years back) to
    the current FY; the default is the FY just ended (reports come after it).
    """
    current = normalise.fiscal_year_of(today or date.today())
    with connect(db) as con:
        row = con.execute("SELECT min(start_year) FROM v_actions").fetchone()
    first = max(row[0] if row and row[0] else current - 5, current - 10)
    years = list(range(current, min(first, current) - 1, -1))
    reporting = normalise.reporting_year(today)
    default = reporting if reporting in years else years[0]
    return years, default


def departments_for(db, user: auth.User | None) -> list[tuple[str, str]]:
    """(code, name) of the departments `user` may upload for."""
    dept = auth.upload_department(user)
    with connect(db) as con:
        rows = con.execute("SELECT department_code, department_name FROM v_departments "
                           "ORDER BY department_code").fetchall()
    return [(code, name) for code, name in rows if dept is None or code == dept]


def template_for(db, user: auth.User | None, department_code: str, fiscal_year: int) -> bytes:
    """The submission form pre-filled with the department's active actions and indicators."""
    from pipeline.ingest.template import TemplateAction, TemplateIndicator, template_bytes
    auth.require_role(user, *auth.UPLOAD_ROLES, department=department_code)
    from pipeline.warehouse import operations
    with connect(db) as con:
        plan = store.current_master(con)
        if plan is None or department_code not in plan.departments:
            return template_bytes()
        energy = operations.template_energy(con, plan, department_code, fiscal_year)
    return template_bytes(
        fiscal_year=fiscal_year, department_code=department_code,
        department_name=plan.departments[department_code].name,
        actions=[TemplateAction(a.code, a.name) for a in plan.active_actions(department_code, fiscal_year)],
        indicators=[TemplateIndicator(i.code, i.name, i.unit)
                    for i in plan.department_indicators(department_code)
                    if i.code not in plan.auto_indicators],     # 自動算定: nothing to type
        energy=energy)


def template_file_name(department_code: str, fiscal_year: int) -> str:
    return txt.template_file_name(department_code, fiscal_year)


STEP_READ = "read"
STEP_COMPARE = "compare"


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a table: sheet, cell, value found, message (shown escaped by st.dataframe)."""
    return pd.DataFrame([(p.sheet or "", p.cell or "", "" if p.value is None else str(p.value), p.message)
                         for p in problems], columns=list(txt.PROBLEM_COLUMNS))


def check_upload(db, user: auth.User | None, file_name: str, data: bytes,
                 fiscal_year: int | None = None, *, progress=None) -> UploadCheck:
    """Validate an uploaded workbook exactly as `ingest --dry-run` does, plus:
    the user's department, the chosen FY, and the size limit.  Writes nothing.
    `progress(step)` is told STEP_READ, then STEP_COMPARE."""
    allowed = auth.upload_department(user)
    result = UploadCheck(file_name, store.sha256_of(data), len(data))
    if len(data) > c.MAX_FILE_BYTES:
        result.errors.append(Problem(None, None, stxt.file_too_large(len(data), c.MAX_FILE_BYTES)))
        return result
    if progress:
        progress(STEP_READ)
    report = load.ingest_bytes([(file_name, data)], db, dry_run=True, allowed_department=allowed)[0]
    result.department_code, result.fiscal_year = report.department_code, report.fiscal_year
    result.errors, result.warnings, result.rows = list(report.errors), list(report.warnings), report.rows
    if report.noop:
        if allowed is not None and report.department_code != allowed:
            result.errors.append(Problem(c.SHEET_INFO, None, auth.txt.other_department(
                report.department_code, allowed)))
        else:
            result.noop = True
            result.existing_submission_id = report.submission_id
        return result
    if report.accepted and fiscal_year is not None and report.fiscal_year != fiscal_year:
        result.errors.append(Problem(c.SHEET_INFO, None, txt.year_mismatch(report.fiscal_year, fiscal_year),
                                     value=str(report.fiscal_year)))
    if not result.errors and report.submission is not None:
        if progress:
            progress(STEP_COMPARE)
        with connect(db) as con:
            result.diff = diff.preview_change(con, report.submission)
    return result


def commit_upload(db, user: auth.User | None, file_name: str, data: bytes,
                  fiscal_year: int | None = None, *,
                  expected_base: int | None | object = ...) -> CommitResult:
    """Validate again and load the workbook as `user`.

    `expected_base` is the active submission the user previewed against; if
    another session has replaced it meanwhile, nothing is written and the
    user is asked to look at the new preview (STALE).
    """
    allowed = auth.upload_department(user)      # raises AccessDenied
    try:
        check = check_upload(db, user, file_name, data, fiscal_year)
        if check.noop:
            return CommitResult(NOOP, txt.noop(check.existing_submission_id),
                                check.existing_submission_id, check=check)
        if not check.ok:
            return CommitResult(REJECTED, txt.rejected(len(check.errors)), check=check)
        if expected_base is not ... and check.base_submission_id != expected_base:
            return CommitResult(STALE, txt.STALE, check=check)
        report = load.ingest_bytes([(file_name, data)], db, loaded_by=user.username,
                                     allowed_department=allowed)[0]
    except WarehouseBusy:
        return CommitResult(BUSY, txt.BUSY)
    if not report.accepted:
        check.errors = list(report.errors)
        return CommitResult(REJECTED, txt.rejected(len(report.errors)), check=check)
    if report.noop:
        return CommitResult(NOOP, txt.noop(report.submission_id), report.submission_id, check=check)
    return CommitResult(LOADED, txt.loaded(report.submission_id, report.department_code,
                                           report.fiscal_year, report.superseded),
                        report.submission_id, list(report.superseded), check=check)


def restore_submission(db, user: auth.User | None, submission_id: int) -> store.StoredSubmission | None:
    """HQ only: make an earlier version active again (audited as "restore")."""
    auth.require_role(user, auth.ROLE_HQ)
    with connect(db, write=True) as con:
        return store.restore(con, int(submission_id), user.username)


def original_file(db, user: auth.User | None, submission_id: int) -> tuple[str, bytes] | None:
    """The archived original of a submission: HQ any, a department its own."""
    auth.require_role(user, *auth.UPLOAD_ROLES)
    with connect(db) as con:
        row = con.execute("SELECT department_code, file_name, sha256 FROM submissions "
                          "WHERE submission_id = ?", [int(submission_id)]).fetchone()
        if row is None:
            return None
        auth.require_role(user, *auth.UPLOAD_ROLES, department=row[0])
        data = store.archived_file(con, row[2])
    return (row[1], data) if data is not None else None


@dataclass
class MasterLoad:
    status: str                 # loaded | rejected | noop | busy
    message: str
    errors: list[Problem] = field(default_factory=list)
    master_id: int | None = None


def load_master(db, user: auth.User | None, file_name: str, data: bytes) -> MasterLoad:
    """HQ only: validate and load a plan master (audited as "master"); all or nothing."""
    auth.require_role(user, auth.ROLE_HQ)
    if len(data) > c.MAX_FILE_BYTES:
        problem = Problem(None, None, stxt.file_too_large(len(data), c.MAX_FILE_BYTES))
        return MasterLoad(REJECTED, txt.rejected(1), [problem])
    try:
        result, master_id, noop = load.load_master_bytes(data, file_name, db, loaded_by=user.username)
    except WarehouseBusy:
        return MasterLoad(BUSY, txt.BUSY)
    if not result.accepted:
        return MasterLoad(REJECTED, txt.rejected(len(result.errors)), list(result.errors))
    if noop:
        return MasterLoad(NOOP, txt.master_noop(master_id), master_id=master_id)
    return MasterLoad(LOADED, txt.master_loaded(master_id), master_id=master_id)
