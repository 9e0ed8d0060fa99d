"""`python -m pipeline …` as a user runs it (contract §7), in subprocesses."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.ingest import contract as c
from pipeline.warehouse.schema import connect
from tests import factories as f
from tests.factories import action_row, indicator_row

ROOT = Path(__file__).resolve().parents[2]
JSON_KEYS = {"file", "accepted", "noop", "department_code", "fiscal_year", "rows", "errors", "warnings"}


def run(*args, db=None, env_db=None, check_rc=None):
    env = {k: v for k, v in os.environ.items() if k != "PDCA_DB"}
    if env_db is not None:
        env["PDCA_DB"] = str(env_db)
    argv = [sys.executable, "-m", "pipeline"] + (["--db", str(db)] if db else []) + [str(a) for a in args]
    proc = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    if check_rc is not None:
        assert proc.returncode == check_rc, (proc.returncode, proc.stdout, proc.stderr)
    return proc


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    paths = {
        "master": f.small_master(),
        "bad_master": f.small_master(**{c.MASTER_MEASURES: [
            {**f.MEASURES[0]}, {**f.MEASURES[1], c.COL_POLICY_CODE: "P9"}]}),
        "good": f.d01(2024),
        "good_v2": f.d01(2024, indicators=[indicator_row("I01", 500)]),
        "warn": f.d02(2024, indicators=[indicator_row("I02", "未把握")]),
        "bad": f.d01(2023, actions=[action_row("A001", COL_SELF_EVALUATION="Z")]),
        "garbage": b"this is not a workbook" * 20,
    }
    out = {}
    for name, data in paths.items():
        out[name] = d / f"{name}.xlsx"
        out[name].write_bytes(data)
    out["dir"] = d / "a_directory.xlsx"
    out["dir"].mkdir()
    out["missing"] = d / "missing.xlsx"
    return out


@pytest.fixture(scope="module")
def loaded(files, tmp_path_factory):
    """A warehouse with the master loaded through the CLI."""
    db = tmp_path_factory.mktemp("clidb") / "w.duckdb"
    proc = run("master", files["master"], db=db, check_rc=0)
    assert proc.stdout == "" and proc.stderr
    return db


def test_master_rejected_names_sheet_and_cell(files, tmp_path):
    proc = run("master", files["bad_master"], db=tmp_path / "w.duckdb", check_rc=1)
    assert "施策!B3" in proc.stderr and "P9" in proc.stderr


def test_ingest_json_mixed_files(files, loaded):
    names = ["good", "bad", "warn", "garbage", "missing", "dir"]
    proc = run("ingest", *[files[n] for n in names], "--json", db=loaded, check_rc=1)
    out = json.loads(proc.stdout)                       # stdout is exactly one JSON document
    assert [o["file"] for o in out] == [files[n].name for n in names]
    for o in out:
        assert JSON_KEYS <= set(o)
        for p in o["errors"] + o["warnings"]:
            assert set(p) == {"sheet", "cell", "message"}
    good, bad, warn, garbage, missing, directory = out
    assert (good["accepted"], good["noop"], good["department_code"], good["fiscal_year"]) == \
        (True, False, "D01", 2024)
    assert good["rows"] == {c.SHEET_ACTIONS: 1, c.SHEET_INDICATORS: 0, c.SHEET_PARTNERS: 0}
    assert good["errors"] == [] and good["warnings"] == []
    assert bad["accepted"] is False
    assert [(p["sheet"], p["cell"]) for p in bad["errors"]] == [(c.SHEET_ACTIONS, "G2")]
    assert warn["accepted"] is True and [(p["sheet"], p["cell"]) for p in warn["warnings"]] == \
        [(c.SHEET_INDICATORS, "C2")]
    for o in (garbage, missing, directory):                 # whole-file errors: one, cell null
        assert o["accepted"] is False and len(o["errors"]) == 1 and o["errors"][0]["cell"] is None
    # progress and messages go to stderr
    assert "[1/6]" in proc.stderr and "取組実績!G2" in proc.stderr


def test_history_restore_and_noop(files, loaded):
    proc = run("ingest", files["good_v2"], "--json", db=loaded, check_rc=0)
    [o] = json.loads(proc.stdout)
    assert o["accepted"] and not o["noop"]
    proc = run("ingest", files["good"], "--json", db=loaded, check_rc=0)   # identical to a stored version
    [o] = json.loads(proc.stdout)
    assert (o["accepted"], o["noop"]) == (True, True)
    proc = run("history", "--department", "D01", "--year", "令和6年度", db=loaded, check_rc=0)
    lines = [line.split("\t") for line in proc.stdout.strip().splitlines()]
    assert [(l[0], l[1], l[2], l[3]) for l in lines[1:]] == [("1", "D01", "2024", "superseded"),
                                                             ("3", "D01", "2024", "active")]
    assert run("restore", "99", db=loaded, check_rc=1).stderr
    run("restore", "1", db=loaded, check_rc=0)
    with connect(loaded) as con:
        assert con.execute("SELECT submission_id, status FROM v_submissions WHERE department_code = 'D01' "
                           "ORDER BY 1").fetchall() == [(1, "active"), (3, "superseded")]


def test_dry_run_writes_nothing(files, tmp_path):
    db = tmp_path / "w.duckdb"
    run("master", files["master"], db=db, check_rc=0)
    with connect(db) as con:
        before = con.execute("SELECT count(*) FROM submissions").fetchone()[0]
    proc = run("ingest", files["good"], files["bad"], "--dry-run", "--json", db=db, check_rc=1)
    out = json.loads(proc.stdout)
    assert [o["accepted"] for o in out] == [True, False]
    proc = run("ingest", files["good"], "--dry-run", db=db, check_rc=0)
    with connect(db) as con:
        assert con.execute("SELECT count(*) FROM submissions").fetchone()[0] == before == 0
        assert con.execute("SELECT count(*) FROM archive").fetchone()[0] == 1       # the master only


def test_db_option_and_environment(files, tmp_path):
    env_db, arg_db = tmp_path / "env.duckdb", tmp_path / "arg.duckdb"
    run("master", files["master"], env_db=env_db, check_rc=0)          # PDCA_DB
    assert env_db.exists() and not arg_db.exists()
    run("master", files["master"], db=arg_db, env_db=env_db, check_rc=0)   # --db wins over PDCA_DB
    assert arg_db.exists()
    run("ingest", "--db", str(arg_db), files["good"], env_db=env_db, check_rc=0)  # --db after the command
    with connect(arg_db) as con:
        assert con.execute("SELECT count(*) FROM submissions").fetchone()[0] == 1
    with connect(env_db) as con:
        assert con.execute("SELECT count(*) FROM submissions").fetchone()[0] == 0


@pytest.mark.parametrize("args", [["ingest"], ["restore", "abc"], ["ingest", "x.xlsx", "--no-such-flag"]])
def test_usage_errors_exit_2(args, tmp_path):
    proc = run(*args, db=tmp_path / "w.duckdb", check_rc=2)
    assert proc.stdout == "" and proc.stderr


def test_template_commands(loaded, tmp_path):
    blank = tmp_path / "blank.xlsx"
    run("template", "--out", blank, db=loaded, check_rc=0)
    pre = tmp_path / "pre.xlsx"
    run("template", "--out", pre, "--department", "D01", "--year", "2023", db=loaded, check_rc=0)
    import openpyxl
    wb = openpyxl.load_workbook(pre)
    codes = [r[0] for r in wb[c.SHEET_ACTIONS].iter_rows(values_only=True) if r[0] in ("A001", "A002", "A003")]
    assert codes == ["A001", "A002"]
    assert set(openpyxl.load_workbook(blank).sheetnames) >= {c.SHEET_INFO, c.SHEET_ACTIONS}
    proc = run("template", "--out", tmp_path / "x.xlsx", "--department", "D99", "--year", "2024",
               db=loaded, check_rc=1)
    assert "D99" in proc.stderr
