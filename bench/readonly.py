"""The read-only copy and a held live warehouse, on the demo warehouse (contract §11).

    python bench/readonly.py [--repeat 3]

Measures, in one run:
- a refresh of the copy: total, and how long the live file is open for it;
- `python -m pipeline ingest` of one workbook, alone and while another process holds the
  copy open (the ratio should be ~1: the copy holder touches nothing the ingest uses);
- from the ingest command's return until the copy holds the new submission (goal ≤ 10 s);
- with another process holding the LIVE file: from starting `history` / `ingest` to their
  stderr naming the holder (goal ≤ 5 s), and the cost of the page's /proc/locks probe.

Exit 0 when the goals are met.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

import openpyxl  # noqa: E402

from pipeline.demo.workbooks import write_demo_workbooks  # noqa: E402
from pipeline.ingest import contract as c  # noqa: E402
from pipeline.warehouse import readonly, schema  # noqa: E402
from tests.warehouse.test_readonly import Holder  # noqa: E402

COPY_GOAL, NOTICE_GOAL, RATIO_GOAL = 10.0, 5.0, 1.3


def cli(*args, db: Path) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "pipeline", "--db", str(db), *map(str, args)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    return time.perf_counter() - start, run


def submissions_in_copy(db: Path) -> int:
    try:
        with duckdb.connect(str(schema.copy_path(db)), read_only=True) as ro:
            return ro.execute("SELECT count(*) FROM v_submissions").fetchone()[0]
    except duckdb.Error:
        return -1


def time_to_stderr(args, db: Path, needle: str) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "--db", str(db), *map(str, args)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for line in proc.stderr:
            if needle in line:
                return time.perf_counter() - start
        return float("inf")
    finally:
        proc.kill()
        proc.wait()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    os.environ[readonly.ENV_SWITCH] = "on"
    work = Path(tempfile.mkdtemp(prefix="bench-readonly-"))
    db = work / "warehouse.duckdb"
    _, run = cli("demo", db=db)
    assert run.returncode == 0, run.stderr[-2000:]
    readonly.refresh(db)

    snaps = [readonly.refresh(db) for _ in range(args.repeat)]
    print(f"refresh: total {statistics.median(s.seconds for s in snaps):.2f} s, live file open "
          f"{statistics.median(s.read_seconds for s in snaps):.2f} s "
          f"({len(snaps[0].tables)} tables, {snaps[0].rows} rows)")

    counter = iter(range(10_000))
    write_demo_workbooks(work / "wb")
    template = sorted((work / "wb").glob("FY*.xlsx"))[-1]

    def ingest_once() -> float:
        """A resubmission of a demo workbook (a new version: one more row in v_submissions)."""
        n = next(counter)
        wb = openpyxl.load_workbook(template)
        ws = wb[c.SHEET_INFO]
        for row in ws.iter_rows(max_col=2):
            if row[0].value == c.INFO_CONTACT:
                row[1].value = f"内線 {1000 + n}"        # different bytes, same figures
        path = work / f"resubmission_{n}.xlsx"
        wb.save(path)
        before = submissions_in_copy(db)
        seconds, run = cli("ingest", path, db=db)
        assert run.returncode == 0, run.stderr[-2000:]
        returned = time.perf_counter()
        deadline = returned + 60
        while submissions_in_copy(db) <= before and time.perf_counter() < deadline:
            time.sleep(0.05)
        latencies.append(time.perf_counter() - returned)
        return seconds

    latencies: list[float] = []
    alone = [ingest_once() for _ in range(args.repeat)]
    with Holder(schema.copy_path(db), "ro"):
        held = [ingest_once() for _ in range(args.repeat)]
    ratio = statistics.median(held) / statistics.median(alone)
    print(f"CLI ingest: alone {statistics.median(alone):.2f} s, copy held open by another "
          f"process {statistics.median(held):.2f} s (ratio {ratio:.2f})")
    latency = max(latencies) if latencies else float("nan")
    print(f"copy refreshed after the command returned: max {latency:.2f} s over "
          f"{len(latencies)} ingests")

    with Holder(db, "rw") as h:
        t_history = time_to_stderr(["history"], db, f"PID {h.pid}")
        t_ingest = time_to_stderr(["ingest", work / "resubmission_0.xlsx"], db, f"PID {h.pid}")
        schema._probe_cache.clear()
        start = time.perf_counter()
        for _ in range(100):
            schema._probe_cache.clear()
            schema.holder(db)
        probe_ms = (time.perf_counter() - start) * 10
    print(f"live file held: stderr names the holder after {t_history:.2f} s (history), "
          f"{t_ingest:.2f} s (ingest); page probe {probe_ms:.3f} ms")

    ok = (latency <= COPY_GOAL and max(t_history, t_ingest) <= NOTICE_GOAL
          and ratio <= RATIO_GOAL)
    print("goals met" if ok else "goal missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
