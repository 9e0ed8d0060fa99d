"""`make bench`: run every benchmark script that exists and print their tables.

Each script runs in its own process (so one's memory and caches do not colour
another's figures); its output is printed under a heading, and a summary at
the end says which met their goals (exit code 0) and which did not.

    python bench/run_all.py [--only ingest,scale] [--quick]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

# (script, arguments, what it measures); scripts that do not exist are skipped.
SCRIPTS = [
    ("demo.py", [], "demo workbooks and demo warehouse build (moved from the tests)"),
    ("ingest.py", [], "bulk ingest vs pandas+openpyxl and calamine reads; one 200-row workbook"),
    ("pages.py", [], "each page's warm and cold rerun vs an empty page"),
    ("browser.py", ["--defaults"], "in Chromium: page switch vs a reference app, new viewer's server CPU vs an empty app"),
    ("report.py", [], "annual report generation on the demo warehouse"),
    ("scale.py", [], "warehouse at ten times the demo: build, report, app peak memory"),
    ("editions.py", [], "reading a frozen edition, what changed since, freezing (demo and ten times)"),
    ("publish.py", [], "public site of one FY on the demo and at ten times the size"),
    ("narrative.py", [], "drafting the annual report's narrative for one FY on the demo warehouse"),
]
QUICK_ARGS = {"demo.py": ["--repeat", "1"], "ingest.py": ["--scales", "1", "--repeat", "1"], "scale.py": ["--scale", "2"],
              "editions.py": ["--scales", "1", "--repeat", "1"], "publish.py": ["--scales", "1"]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="comma-separated script names without .py")
    ap.add_argument("--quick", action="store_true", help="smaller sizes (smoke run)")
    args = ap.parse_args(argv)
    only = {f"{n.strip()}.py" for n in args.only.split(",")} if args.only else None
    summary = []
    for script, extra, what in SCRIPTS:
        path = BENCH / script
        if only and script not in only:
            continue
        if not path.exists():
            summary.append((script, "absent", 0.0))
            continue
        if args.quick:
            extra = QUICK_ARGS.get(script, extra)
        print(f"\n=== bench/{script}: {what} ===", flush=True)
        start = time.perf_counter()
        run = subprocess.run([sys.executable, str(path), *extra], cwd=ROOT)
        elapsed = time.perf_counter() - start
        summary.append((script, "goals met" if run.returncode == 0 else f"goal missed or failed (exit {run.returncode})",
                        elapsed))
    print("\n=== summary ===")
    print(f"{'script':<12}{'seconds':>9}  result")
    for script, result, elapsed in summary:
        print(f"{script:<12}{elapsed:>9.0f}  {result}")
    return 0 if all(r in ("goals met", "absent") for _, r, _ in summary) else 1


if __name__ == "__main__":
    sys.exit(main())
