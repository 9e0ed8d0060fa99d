"""Faults: ingest killed with SIGKILL, two ingests at once, damaged warehouse files.

The kill trials fork `pipeline.cli.main(["ingest", …])` from a helper process
that has imported the pipeline once (a fresh interpreter per trial would cost
most of the time budget in imports); the child runs exactly what
`python -m pipeline ingest` runs.  A few trials also kill the real command.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.warehouse import backup as bk
from pipeline.cli import main as cli
from pipeline.ingest import contract as c
from pipeline import load
from pipeline.warehouse import store
from pipeline.warehouse.schema import connect
from tests import factories as f
from tests.warehouse.test_backup import build_warehouse, indicator, partner, workbooks

ROOT = Path(__file__).resolve().parents[2]
FORK_TRIALS = 50
CLI_TRIALS = 3

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (POSIX)")

# Runs in a fresh interpreter that never opens DuckDB itself, so forking is safe.
_TRIAL_RUNNER = r"""
import json, os, random, signal, sys, time
sys.path.insert(0, os.getcwd())
from pipeline.cli import main as cli
cli._load_extensions()
cfg = json.loads(sys.argv[1])
rng = random.Random(cfg["seed"])

def run(db, delay):
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1); os.dup2(fd, 2)
        os._exit(cli.main(["--db", db, "ingest", *cfg["files"]]))
    killed = False
    if delay is not None:
        while time.perf_counter() - t0 < delay:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                return {"db": db, "delay": delay, "killed": False, "elapsed": time.perf_counter() - t0}
            time.sleep(0.002)
        os.kill(pid, signal.SIGKILL)
        killed = True
    _, status = os.waitpid(pid, 0)
    return {"db": db, "delay": delay, "killed": killed and os.WIFSIGNALED(status),
            "code": os.waitstatus_to_exitcode(status), "elapsed": time.perf_counter() - t0}

import shutil
# Two unkilled runs measure how long a whole ingest takes here; the first can take twice as
# long as the next (cold caches, a busy machine), so the span is the quicker one: with the slower
# one, half the kills could come after the end.
full = []
for i in range(2):
    db = os.path.join(cfg["dir"], f"full{i}.duckdb")
    shutil.copy(cfg["base"], db)
    full.append(run(db, None)["elapsed"])
span = min(full)
results = []
for i in range(cfg["trials"]):
    db = os.path.join(cfg["dir"], f"trial{i:03d}.duckdb")
    shutil.copy(cfg["base"], db)
    results.append(run(db, rng.uniform(0.02, 1.1) * span))
print(json.dumps({"span": span, "full": [os.path.join(cfg["dir"], "full0.duckdb")], "trials": results}))
"""

ALL_VIEWS_SQL = ("SELECT table_name FROM information_schema.tables "
                 "WHERE table_schema = 'main' AND table_type = 'VIEW'")


def batch() -> list[tuple[str, bytes]]:
    """The workbooks each trial ingests: a resubmission plus two new ones."""
    return [
        ("D01_2023_v2.xlsx", f.submission(
            2023, "D01", indicators=[indicator("I01", 640)],
            partners=[partner("A001", "学校", "第一小学校", 300), partner("A002", "市民", "自治会")],
            info={c.INFO_CONTACT: "内線 1234"})),
        ("D02_2023.xlsx", workbooks()[1][1]),
        ("D01_2022.xlsx", workbooks()[2][1]),
    ]


def expected_counts(db: Path, files: list[tuple[str, bytes]]) -> dict[str, tuple[int, int, int]]:
    """sha256 → (action rows, indicator rows, partner rows) as validated."""
    with connect(db) as con:
        plan = store.current_master(con)
    out = {}
    for name, data in files:
        sub = load.check(data, name, plan)
        assert sub.accepted, sub.errors
        out[store.sha256_of(data)] = (len(sub.actions), len(sub.indicator_values), len(sub.partners))
    return out


def check_whole(db: Path, expected: dict[str, tuple[int, int, int]]) -> set[str]:
    """The warehouse opens, every view runs, every submission is whole; returns loaded shas."""
    with connect(db) as con:
        for (view,) in con.execute(ALL_VIEWS_SQL).fetchall():
            con.execute(f'SELECT * FROM "{view}"').fetchall()
        rows = con.execute(
            "SELECT s.sha256,"
            " (SELECT count(*) FROM action_reports x WHERE x.submission_id = s.submission_id),"
            " (SELECT count(*) FROM indicator_values x WHERE x.submission_id = s.submission_id),"
            " (SELECT count(*) FROM partner_rows x WHERE x.submission_id = s.submission_id),"
            " (SELECT count(*) FROM archive x WHERE x.sha256 = s.sha256),"
            " (SELECT count(*) FROM audit_log x WHERE x.action = 'upload'"
            "    AND x.detail LIKE '%' || s.sha256 || '%')"
            " FROM submissions s").fetchall()
        doubles = con.execute(
            "SELECT department_code, fiscal_year FROM submissions WHERE status = ? "
            "GROUP BY ALL HAVING count(*) <> 1", [c.SUBMISSION_ACTIVE]).fetchall()
        keys = con.execute("SELECT DISTINCT department_code, fiscal_year FROM submissions").fetchall()
        active_keys = con.execute("SELECT DISTINCT department_code, fiscal_year FROM submissions "
                                  "WHERE status = ?", [c.SUBMISSION_ACTIVE]).fetchall()
        orphans = con.execute(
            "SELECT count(*) FROM (SELECT submission_id FROM action_reports UNION ALL "
            "SELECT submission_id FROM indicator_values UNION ALL SELECT submission_id FROM partner_rows) "
            "WHERE submission_id NOT IN (SELECT submission_id FROM submissions)").fetchone()[0]
    assert doubles == [] and sorted(keys) == sorted(active_keys), (db, doubles)
    assert orphans == 0, db
    loaded = set()
    for sha, actions, values, partners, archived, audited in rows:
        assert (actions, values, partners) == expected[sha], (db, sha)
        assert archived == 1 and audited == 1, (db, sha)
        loaded.add(sha)
    return loaded


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[Path, list[Path], dict]:
    """A small warehouse (master + D01 FY2023) and the batch files on disk."""
    d = tmp_path_factory.mktemp("faults")
    db = d / "base.duckdb"
    first = workbooks()[:1]
    build_warehouse(db, files=first)
    files = batch()          # built once: openpyxl stamps the time into every file
    paths = []
    for name, data in files:
        (d / name).write_bytes(data)
        paths.append(d / name)
    return db, paths, expected_counts(db, first + files)


def shas(paths) -> set[str]:
    return {store.sha256_of(Path(p).read_bytes()) for p in paths}


def test_sigkill_during_ingest_never_leaves_a_partial_submission(base, tmp_path):
    db, paths, expected = base
    cfg = {"seed": random.randrange(1 << 30), "trials": FORK_TRIALS, "dir": str(tmp_path),
           "base": str(db), "files": [str(p) for p in paths]}
    run = subprocess.run([sys.executable, "-c", _TRIAL_RUNNER, json.dumps(cfg)], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    batch_shas = shas(paths)
    base_shas = set(expected) - batch_shas
    # the reference run loads everything
    assert check_whole(Path(out["full"][0]), expected) == set(expected)
    outcomes = {"absent": 0, "loaded": 0}
    for trial in out["trials"]:
        loaded = check_whole(Path(trial["db"]), expected)
        assert base_shas <= loaded, trial
        new = loaded & batch_shas
        # one ingest command loads its batch in one transaction: all or nothing
        assert new in (set(), batch_shas), trial
        outcomes["loaded" if new else "absent"] += 1
        if not trial["killed"]:
            assert trial.get("code") in (0, None) and new == batch_shas, trial
    killed = sum(t["killed"] for t in out["trials"])
    assert len(out["trials"]) == FORK_TRIALS and killed >= FORK_TRIALS // 2, (killed, out["span"])
    print(f"kill trials: {killed} killed of {FORK_TRIALS}, outcomes {outcomes}, span {out['span']:.3f}s")


def test_sigkill_of_the_real_command(base, tmp_path):
    """The same, for `python -m pipeline ingest` itself: killed after it starts reading."""
    db, paths, expected = base
    batch_shas = shas(paths)
    rng = random.Random()
    for i in range(CLI_TRIALS):
        trial = tmp_path / f"cli{i}.duckdb"
        shutil.copy(db, trial)
        proc = subprocess.Popen([sys.executable, "-m", "pipeline", "--db", str(trial), "ingest",
                                 *map(str, paths)], cwd=ROOT, stderr=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, text=True)
        proc.stderr.readline()          # "[1/3] …": imports done, validation started
        time.sleep(rng.uniform(0, 0.4))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        proc.stderr.close()
        new = check_whole(trial, expected) & batch_shas
        assert new in (set(), batch_shas)


def test_two_ingest_processes_at_once_both_land(base, tmp_path):
    db, paths, expected = base
    trial = tmp_path / "two.duckdb"
    shutil.copy(db, trial)
    procs = [subprocess.Popen([sys.executable, "-m", "pipeline", "--db", str(trial), "ingest",
                               "--json", str(p)], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for p in paths[:2]]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [r[1] for r in results]
    reports = [json.loads(out)[0] for out, _ in results]
    assert all(r["accepted"] and not r["noop"] for r in reports)
    assert len({r["submission_id"] for r in reports}) == 2
    loaded = check_whole(trial, expected)
    assert shas(paths[:2]) <= loaded
    with connect(trial) as con:
        got = dict(con.execute("SELECT submission_id, file_name FROM submissions").fetchall())
        active = con.execute("SELECT department_code, fiscal_year, file_name FROM submissions "
                             "WHERE status = 'active' ORDER BY 1, 2").fetchall()
    for r, p in zip(reports, paths[:2]):
        assert got[r["submission_id"]] == p.name          # not mixed up
    assert active == [("D01", 2023, "D01_2023_v2.xlsx"), ("D02", 2023, "D02_2023.xlsx")]


def _truncate(size):
    return lambda p: os.truncate(p, size(p.stat().st_size))


def _garble(offset, length):
    def damage(p: Path):
        rng = random.Random(offset)
        with open(p, "r+b") as fh:
            fh.seek(offset)
            fh.write(bytes(rng.randrange(256) for _ in range(length)))
    return damage


@pytest.mark.parametrize("damage", [
    _truncate(lambda n: 0), _truncate(lambda n: 100), _truncate(lambda n: n // 2),
    _garble(0, 4096), _garble(4096, 8192), _garble(12288, 65536),
], ids=["empty", "truncated-100", "truncated-half", "garbled-header", "garbled-db-header",
        "garbled-blocks"])
def test_damaged_warehouse_gives_a_clear_message_and_restores(base, tmp_path, capsys, damage):
    db, _, expected = base
    trial = tmp_path / "w.duckdb"
    shutil.copy(db, trial)
    copy = bk.backup(trial, tmp_path / "backup.duckdb").path
    damage(trial)
    assert cli.main(["--db", str(trial), "history"]) == 1
    err = capsys.readouterr().err
    assert "壊れている可能性があります" in err and "restore-backup" in err
    assert "Traceback" not in err
    # ingest says the same, and loads nothing
    assert cli.main(["--db", str(trial), "ingest", "--json", str(base[1][1])]) == 1
    assert "壊れている可能性があります" in capsys.readouterr().err
    assert cli.main(["--db", str(trial), "restore-backup", str(copy)]) == 0
    assert "復元しました" in capsys.readouterr().err
    assert cli.main(["--db", str(trial), "history"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 2
    check_whole(trial, expected)


def test_damaged_warehouse_through_the_real_command(base, tmp_path):
    db, _, _ = base
    trial = tmp_path / "w.duckdb"
    shutil.copy(db, trial)
    os.truncate(trial, trial.stat().st_size // 2)
    run = subprocess.run([sys.executable, "-m", "pipeline", "--db", str(trial), "history"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr and "壊れている可能性があります" in run.stderr
