"""Benchmark: publishing the public site of one FY (`publish --year FY --out DIR`).

Builds the demo warehouse (and the ten-times one, `build_demo(db, scale=10)` as in
bench/scale.py), then publishes the latest complete FY with everything the site holds
(pages, SVG charts, the annual report PDF/XLSX, open data), and prints the wall time, the
CPU time of the build and its worker processes, and where the time went.  Goal: under
10 s on the demo warehouse.  The same build with one process (no workers) is measured too,
for the ratio the workers give on this machine.

    python bench/publish.py [--scales 1,10] [--fy 2024] [--db PATH]
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.demo.loader import build_demo  # noqa: E402
from pipeline.site import build  # noqa: E402
from pipeline.warehouse.schema import connect  # noqa: E402

GOAL_S = 10.0


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def publish_once(db: Path, fy: int, out: Path, workers: int | None) -> dict:
    cpu, start = _cpu(), time.perf_counter()
    result = build.build_site(db, fy, out, workers=workers)
    wall = time.perf_counter() - start
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    charts = len(list((out / "charts").glob("*.svg")))
    return {"wall": wall, "cpu": _cpu() - cpu, "pages": len(result.pages), "files": result.files,
            "charts": charts, "mb": size / 1e6, "timings": result.timings}


def size_of(db: Path) -> str:
    with connect(db) as con:
        one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        return (f"{one('SELECT count(*) FROM v_indicators')} indicators, "
                f"{one('SELECT count(*) FROM v_actions')} actions, "
                f"{one('SELECT count(DISTINCT policy_code) FROM v_policies')} policies")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="1,10")
    ap.add_argument("--fy", type=int, default=2024)
    ap.add_argument("--db", help="publish from this warehouse instead of building demos")
    args = ap.parse_args(argv)
    rows, ok = [], True
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        plans = [("given", Path(args.db))] if args.db else []
        for scale in ([] if args.db else [int(s) for s in args.scales.split(",")]):
            db = tmp / f"demo{scale}.duckdb"
            build_demo(db, scale=scale)
            plans.append((f"x{scale}", db))
        for label, db in plans:
            print(f"warehouse {label}: {size_of(db)}", flush=True)
            parallel = publish_once(db, args.fy, tmp / f"site-{label}", None)
            serial = publish_once(db, args.fy, tmp / f"site-{label}-serial", 1)
            rows.append((label, parallel, serial))
            if label in ("x1", "given"):
                ok &= parallel["wall"] < GOAL_S
    print(f"\npublishing FY{args.fy} (pages, SVG charts, annual report PDF/XLSX, open data); "
          f"{os.cpu_count()} CPUs, {build.site_charts.workers()} workers; goal < {GOAL_S:.0f} s on the demo")
    print(f"{'warehouse':<10}{'pages':>6}{'charts':>7}{'MB':>6}{'wall s':>8}{'cpu s':>7}"
          f"{'1 process s':>12}{'speed-up':>9}  where the time went (wall s)")
    for label, p, s in rows:
        t = p["timings"]
        where = ", ".join(f"{k} {v:.1f}" for k, v in t.items() if k != "total")
        print(f"{label:<10}{p['pages']:>6}{p['charts']:>7}{p['mb']:>6.1f}{p['wall']:>8.1f}{p['cpu']:>7.1f}"
              f"{s['wall']:>12.1f}{s['wall'] / p['wall']:>8.1f}×  {where}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
