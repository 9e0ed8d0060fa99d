"""`python -m pipeline …`: a thin shell over the library (contract section 7).

Progress and human messages go to stderr so stdout stays clean for --json.
Exit codes: 0 success, 1 rejected/unknown, 2 usage error.
"""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from pipeline import load
from pipeline.warehouse import store
from pipeline.ingest.normalise import normalise_code, parse_year
from pipeline.ingest.problems import Problem
from pipeline.texts import cli as txt
from pipeline.texts import warehouse as txt_wh
from pipeline.warehouse import readonly, schema
from pipeline.warehouse.schema import WarehouseError, connect


def _err(*parts) -> None:
    print(*parts, file=sys.stderr)


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:
        return "cli"


def year_arg(value: str, bad_year=txt.bad_year) -> int | None:
    """A --year value as a FY, or None once `bad_year(value)` is said (the caller exits 2)."""
    try:
        return parse_year(value)
    except ValueError:
        _err(bad_year(value))
        return None


def _print_problems(problems: list[Problem], file_name: str, label: str) -> None:
    for p in problems:
        where = p.location or "-"
        _err(f"  [{label}] {file_name} {where}: {p.message}")


def cmd_template(args) -> int:
    from pipeline.ingest.template import TemplateAction, TemplateIndicator, write_template
    kwargs = {}
    if args.department or args.year:
        if not (args.department and args.year):
            _err(txt.TEMPLATE_NEEDS_BOTH)
            return 2
        year = year_arg(args.year)
        if year is None:
            return 2
        code = normalise_code(args.department)
        from pipeline.warehouse import operations
        with connect(args.db) as con:
            plan = store.current_master(con)
            energy = (operations.template_energy(con, plan, code, year)
                      if plan is not None and code in plan.departments else None)
        if plan is None:
            from pipeline.texts import validation as vtxt
            _err(vtxt.NO_MASTER)
            return 1
        if code not in plan.departments:
            from pipeline.texts import validation as vtxt
            _err(vtxt.unknown_department(code))
            return 1
        kwargs = dict(
            fiscal_year=year, department_code=code, department_name=plan.departments[code].name,
            actions=[TemplateAction(a.code, a.name) for a in plan.active_actions(code, year)],
            indicators=[TemplateIndicator(i.code, i.name, i.unit)
                        for i in plan.department_indicators(code)
                        if i.code not in plan.auto_indicators],     # 自動算定: nothing to type
            energy=energy)
    write_template(Path(args.out), **kwargs)
    _err(txt.wrote(args.out))
    return 0


def cmd_master(args) -> int:
    result, master_id, noop = load.load_master_file(args.file, args.db, loaded_by=_actor())
    if not result.accepted:
        _print_problems(result.errors, result.file_name, txt.ERROR_LABEL)
        _err(txt.master_rejected(result.file_name, len(result.errors)))
        return 1
    _print_problems([p for p in result.problems if p.severity != "error"], result.file_name, txt.WARNING_LABEL)
    _err(txt.master_noop(master_id) if noop else txt.master_loaded(master_id, result.rows))
    return 0


def cmd_ingest(args) -> int:
    def progress(i, n, name):
        _err(txt.progress(i + 1, n, name))
    reports = load.ingest_paths(args.files, args.db, dry_run=args.dry_run, loaded_by=_actor(),
                                  progress=progress)
    for r in reports:
        _print_problems(r.errors, r.file, txt.ERROR_LABEL)
        _print_problems(r.warnings, r.file, txt.WARNING_LABEL)
        if args.dry_run and r.accepted and not r.noop:
            _err(txt.dry_run_ok(r.file))
        else:
            _err(r.summary)
    if args.json:
        print(json.dumps([r.to_json() for r in reports], ensure_ascii=False, indent=2))
    return 0 if all(r.accepted for r in reports) else 1


def cmd_demo(args) -> int:
    from pipeline.demo.loader import build_demo
    summary = build_demo(args.db, scale=args.scale, progress=_err)
    _err(txt.demo_done(summary))
    return 0


def cmd_history(args) -> int:
    year = None
    if args.year:
        year = year_arg(args.year)
        if year is None:
            return 2
    with connect(args.db) as con:
        rows = store.history(con, normalise_code(args.department) if args.department else None, year)
    print("\t".join(txt.HISTORY_HEADERS))
    for r in rows:
        print("\t".join(str(x) for x in (
            r.submission_id, r.department_code, r.fiscal_year, r.status, r.loaded_at,
            r.loaded_by or "", r.file_name, r.sha256[:12])))
    return 0


def cmd_restore(args) -> int:
    with connect(args.db, write=True) as con:
        target = store.restore(con, args.submission_id, _actor())
    if target is None:
        _err(txt.unknown_submission(args.submission_id))
        return 1
    _err(txt.restored(target.submission_id, target.department_code, target.fiscal_year))
    return 0


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors: exit 2 with a short Japanese hint
        self.print_usage(sys.stderr)
        _err(txt.usage_error(message))
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m pipeline", description=txt.DESCRIPTION)
    parser.add_argument("--db", help=txt.HELP_DB)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    sub.required = True

    def add(name, func, help_text):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--db", help=txt.HELP_DB, default=argparse.SUPPRESS)
        p.set_defaults(func=func)
        return p

    p = add("template", cmd_template, txt.HELP_TEMPLATE)
    p.add_argument("--out", required=True)
    p.add_argument("--department")
    p.add_argument("--year")
    p = add("master", cmd_master, txt.HELP_MASTER)
    p.add_argument("file")
    p = add("ingest", cmd_ingest, txt.HELP_INGEST)
    p.add_argument("files", nargs="+")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--json", action="store_true")
    p = add("demo", cmd_demo, txt.HELP_DEMO)
    p.add_argument("--scale", type=int, default=1)
    p = add("history", cmd_history, txt.HELP_HISTORY)
    p.add_argument("--department")
    p.add_argument("--year")
    p = add("restore", cmd_restore, txt.HELP_RESTORE)
    p.add_argument("submission_id", type=int)
    for extend in EXTENSIONS:
        extend(add)
    return parser


# Other modules (report, users, backup) register their subcommands here:
# each is a function taking `add(name, func, help)` and adding its arguments.
EXTENSIONS: list = []


def _load_extensions() -> None:
    import importlib
    for module in ("pipeline.cli.report", "pipeline.cli.users", "pipeline.cli.backup",
                   "pipeline.cli.council", "pipeline.cli.publication", "pipeline.cli.snapshot",
                   "pipeline.cli.round", "pipeline.cli.operations", "pipeline.cli.site"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


class _StderrWaits:
    """Says on stderr, at once, that another program holds the warehouse (and who, and where
    the read-only copy is); then every STILL_EVERY seconds that it still waits."""
    STILL_EVERY = 15.0

    def __init__(self):
        self._said: set = set()
        self._last_still = 0.0
        self._waiting = False

    def __call__(self, notice: schema.WaitNotice) -> None:
        h = notice.holder
        if notice.state == "resumed":
            if self._waiting:
                _err(notice.message())
            self._waiting = False
            return
        key = (notice.state, h.pid if h else None, h.shared if h else None)
        if key not in self._said:
            self._said.add(key)
            self._last_still = notice.waited
            _err(notice.message())
        elif notice.state == "waiting" and notice.waited - self._last_still >= self.STILL_EVERY:
            self._last_still = notice.waited
            _err(txt_wh.still_waiting(notice.waited))
        self._waiting = self._waiting or notice.state == "waiting"


def main(argv: list[str] | None = None) -> int:
    _load_extensions()
    args = build_parser().parse_args(argv)
    # A command exits right after its write: the read-only copy is refreshed by a detached
    # process started at exit, so the command returns at once (warehouse/readonly.py).
    readonly.set_mode("detached")
    waits = schema.wait_reporter.set(_StderrWaits())
    try:
        return args.func(args)
    except WarehouseError as exc:
        _err(str(exc))
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        schema.wait_reporter.reset(waits)
