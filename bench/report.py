"""Benchmark: the annual report (PDF and XLSX) for one FY on the demo warehouse (goal < 10 s)."""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.report import build as report  # noqa: E402
from pipeline.demo.loader import build_demo  # noqa: E402

GOAL_S = 10.0


def main(fy: int = 2024) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.duckdb"
        build_demo(db)
        rows = []
        for suffix in (".pdf", ".xlsx"):
            start = time.perf_counter()
            out = report.write_report(db, fy, Path(tmp) / f"report{suffix}")
            rows.append((suffix, time.perf_counter() - start, out.stat().st_size))
    print(f"annual report FY{fy} on the demo warehouse (goal < {GOAL_S:.0f} s)")
    print(f"{'format':<8}{'seconds':>10}{'bytes':>12}")
    for suffix, seconds, size in rows:
        print(f"{suffix:<8}{seconds:>10.2f}{size:>12,}")
    return 0 if all(s < GOAL_S for _, s, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2024))
