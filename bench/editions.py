"""Benchmark: reading a frozen edition (edition_warehouse), what changed since, freezing.

On the demo warehouse (scale 1) and ten times it: the time to make the edition's
warehouse copy (enter and leave `edition_warehouse`), `changes_since` (edition copy +
headline figures twice + submission changes) and `freeze`, against merely copying the
warehouse file (the floor) and opening it once.  Medians of `--repeat` runs; the machine
is shared, so read the ratios.  Goal: the edition copy under 2 s at both scales.

    python bench/editions.py [--scales 1,10] [--repeat 3]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("PDCA_READONLY_COPY", "off")   # no read-only copy refreshes in the figures

from pipeline.access import auth, publication  # noqa: E402
from pipeline.analysis import editions as changes  # noqa: E402
from pipeline.demo.content import DEMO_FROZEN_YEAR  # noqa: E402
from pipeline.demo.loader import build_demo  # noqa: E402
from pipeline.warehouse import editions, schema  # noqa: E402

GOAL_S = 2.0


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(scale: int, repeat: int, tmp: Path) -> dict:
    db = tmp / f"demo{scale}.duckdb"
    build_demo(db, scale=scale)
    with schema.connect(db) as con:
        con.execute("CHECKPOINT")
    size = db.stat().st_size
    out = {"scale": scale, "mb": size / 1e6}
    out["file_copy"] = _median(lambda: shutil.copyfile(db, tmp / "plain.duckdb"), repeat)

    def open_once():
        with schema.connect(db) as con:
            con.execute("SELECT 1").fetchone()
    out["open"] = _median(open_once, repeat)

    def edition():
        with editions.edition_warehouse(db, DEMO_FROZEN_YEAR) as (path, ed):
            assert ed is not None
    out["edition"] = _median(edition, repeat)
    out["changes"] = _median(lambda: changes.changes_since(db, DEMO_FROZEN_YEAR), repeat)
    hq = auth.User("bench", auth.ROLE_HQ)
    out["freeze"] = _median(lambda: publication.freeze(db, DEMO_FROZEN_YEAR, hq), repeat)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="1,10")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for scale in (int(s) for s in args.scales.split(",")):
            rows.append(measure(scale, args.repeat, Path(tmp)))
    print(f"edition of FY{DEMO_FROZEN_YEAR} (median of {args.repeat}; goal: edition copy < {GOAL_S:.0f} s)")
    print(f"{'scale':>5}{'MB':>7}{'file copy':>11}{'open':>7}{'edition':>9}{'÷ copy':>8}"
          f"{'changes':>9}{'freeze':>8}")
    for r in rows:
        print(f"{r['scale']:>5}{r['mb']:>7.1f}{r['file_copy']:>10.2f}s{r['open']:>6.2f}s"
              f"{r['edition']:>8.2f}s{r['edition'] / r['file_copy']:>7.0f}×"
              f"{r['changes']:>8.2f}s{r['freeze']:>7.2f}s")
    return 0 if all(r["edition"] < GOAL_S for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
