"""Benchmark: bulk ingest against merely reading the same workbooks.

Generates the demo workbooks at scale 1 and 10 and measures, in one run:
  * our full ingest (read, validate, load) of every department workbook in one
    `ingest_paths` call into a fresh warehouse that holds the plan master;
  * reading the same files with pandas.read_excel(engine="openpyxl"), all sheets;
  * reading them with the raw fast reader (python-calamine), all sheets;
and reports the ratios (goals: ingest ≥ 5× faster than the pandas read, and
within 3× of the calamine read), plus the time to validate one 200-row
workbook (goal < 0.3 s).  Each figure is the best of --repeat runs.

The workbooks include the エネルギー使用量 sheets of 事務事業編 (monthly amounts
of about 150 facilities per set of departments; at scale 10 one large
department reports 50 facilities × 8 activities × 12 months), so the ingest
also checks every facility, activity, unit and supplier against the master and
the emission factor workbook, which is loaded with the master.

    python bench/load.py [--scales 1,10] [--repeat 2]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import os  # noqa: E402
os.environ.setdefault("PDCA_READONLY_COPY", "off")   # the copy's refresh is bench/readonly.py's figure

import pandas as pd  # noqa: E402
import python_calamine  # noqa: E402

from pipeline.ingest import contract as c  # noqa: E402
from pipeline import load
from pipeline.demo.workbooks import write_demo_workbooks  # noqa: E402
from pipeline.warehouse.schema import connect  # noqa: E402

GOAL_VS_PANDAS = 5.0
GOAL_VS_CALAMINE = 3.0
GOAL_VALIDATE_200_S = 0.3


def best(fn, repeat: int) -> tuple[float, float]:
    """(wall, cpu) seconds of the fastest of `repeat` runs.  CPU time is the
    steadier figure on a busy machine; wall time is what a user waits."""
    times = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - start, time.process_time() - cpu))
    return min(times)


def read_pandas(paths):
    for p in paths:
        pd.read_excel(p, sheet_name=None, engine="openpyxl")


def read_calamine(paths):
    for p in paths:
        book = python_calamine.CalamineWorkbook.from_path(str(p))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()


def full_ingest(master: Path, paths, workdir: Path, run: list[int]):
    run[0] += 1
    db = workdir / f"bench-{run[0]}.duckdb"
    result, _, _ = load.load_master_file(master, db)
    assert result.accepted, result.errors[:3]
    factors, _, _ = load.load_factors_file(master.parent / "factors.xlsx", db)
    assert factors.accepted, factors.errors[:3]
    start, cpu = time.perf_counter(), time.process_time()
    reports = load.ingest_paths(paths, db)
    elapsed = (time.perf_counter() - start, time.process_time() - cpu)
    rejected = [r for r in reports if not r.accepted]
    assert not rejected, [(r.file, r.errors[:2]) for r in rejected[:3]]
    return elapsed


def workbook_rows(path: Path) -> int:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return sum(max(0, book.get_sheet_by_name(n).height - 1) for n in book.sheet_names
               if n in (c.SHEET_ACTIONS, c.SHEET_INDICATORS, c.SHEET_PARTNERS, c.SHEET_ENERGY))


def bench_scale(scale: int, repeat: int, workdir: Path) -> dict:
    out = workdir / f"scale{scale}"
    plan = write_demo_workbooks(out, scale=scale)
    paths = list(plan.submissions)
    size = sum(p.stat().st_size for p in paths)
    read_calamine(paths[:3])            # warm imports and caches alike for everyone
    read_pandas(paths[:3])
    run = [0]
    t_ingest = min(full_ingest(plan.master_path, paths, workdir, run) for _ in range(repeat))
    t_cal = best(lambda: read_calamine(paths), repeat)
    t_pd = best(lambda: read_pandas(paths), max(1, repeat - 1) if scale > 1 else repeat)
    return {"scale": scale, "files": len(paths), "mb": size / 1e6,
            "rows": sum(plan.rows.values()), "energy_rows": plan.rows.get(c.SHEET_ENERGY, 0),
            "largest_energy": largest_energy_sheet(paths), "ingest": t_ingest, "pandas": t_pd,
            "calamine": t_cal, "db": workdir / f"bench-{run[0]}.duckdb", "paths": paths}


def largest_energy_sheet(paths) -> tuple[int, str]:
    """(data rows, file) of the largest エネルギー使用量 sheet."""
    found = (0, "")
    for p in paths:
        book = python_calamine.CalamineWorkbook.from_path(str(p))
        if c.SHEET_ENERGY in book.sheet_names:
            found = max(found, (book.get_sheet_by_name(c.SHEET_ENERGY).height - 1, p.name))
    return found


def bench_validate_200(paths, db: Path, repeat: int) -> tuple[float, int, str]:
    """Validate (read + check, no load) the demo workbook closest to 200 data rows."""
    sized = sorted(((abs(workbook_rows(p) - 200), workbook_rows(p), p) for p in paths),
                   key=lambda t: t[0])
    _, rows, path = sized[0]
    with connect(db) as con:
        plan = load._plan_for_checks(con)      # the master plus factors and energy history
    data = path.read_bytes()
    times = []
    for _ in range(max(3, repeat)):
        start = time.perf_counter()
        sub = load.check(data, path.name, plan)
        times.append(time.perf_counter() - start)
    assert sub.accepted, sub.errors[:3]
    return statistics.median(times), rows, path.name


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="1,10")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args(argv)
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        results = [bench_scale(int(s), args.repeat, Path(tmp)) for s in args.scales.split(",")]
        print("bulk ingest vs reading the same workbooks (best of "
              f"{args.repeat}; ratios: goal pandas/ingest ≥ {GOAL_VS_PANDAS:g}, "
              f"ingest/calamine ≤ {GOAL_VS_CALAMINE:g})")
        print(f"{'scale':>5} {'files':>6} {'MB':>6} {'rows':>7} {'clock':>6} {'ingest s':>9} "
              f"{'pandas s':>9} {'calamine s':>10} {'pandas/ingest':>14} {'ingest/calamine':>16}")
        for r in results:
            for k, clock in enumerate(("wall", "cpu")):
                vs_pd = r["pandas"][k] / r["ingest"][k]
                vs_cal = r["ingest"][k] / r["calamine"][k]
                mark_pd = "ok" if vs_pd >= GOAL_VS_PANDAS else "MISS"
                mark_cal = "ok" if vs_cal <= GOAL_VS_CALAMINE else "MISS"
                if clock == "wall":
                    ok &= mark_pd == "ok" and mark_cal == "ok"
                print(f"{r['scale']:>5} {r['files']:>6} {r['mb']:>6.1f} {r['rows']:>7} {clock:>6} "
                      f"{r['ingest'][k]:>9.2f} {r['pandas'][k]:>9.2f} {r['calamine'][k]:>10.2f} "
                      f"{vs_pd:>10.1f}× {mark_pd:<3}{vs_cal:>12.1f}× {mark_cal}")
        for r in results:
            n, name = r["largest_energy"]
            print(f"scale {r['scale']}: {r['energy_rows']:,} エネルギー使用量 rows; the largest sheet "
                  f"{n} rows × 12 months ({name})")
        big = results[-1]
        seconds, rows, name = bench_validate_200(big["paths"], big["db"], args.repeat)
        mark = "ok" if seconds < GOAL_VALIDATE_200_S else "MISS"
        ok &= mark == "ok"
        print(f"validate one workbook of {rows} rows ({name}): {seconds:.3f} s "
              f"(goal < {GOAL_VALIDATE_200_S} s) {mark}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
