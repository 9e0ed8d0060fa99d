"""Benchmark: the warehouse at ten times the demo's size.

Builds the scale-10 demo warehouse (build_demo(db, scale=10): same path as
`ingest`), prints its size, then measures
  * the bulk load (every department workbook validated and loaded),
  * the app's peak resident memory: `streamlit run app.py` on that warehouse,
    every page loaded in headless Chromium, VmHWM of the server process
    (goal < 400 MB),
  * annual report generation (PDF and XLSX) for the latest FY, when
    pipeline/report.py is present.
The ingest-vs-read ratios at scale 10 are in bench/ingest.py.

    python bench/scale.py [--scale 10] [--keep DB]
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.warehouse.schema import connect  # noqa: E402

GOAL_APP_MB = 400
CHROMIUM = "/usr/bin/chromium"
PAGES = ["", "attainment", "stakeholders", "pdca", "trends", "submissions",
         "upload", "history", "report", "council"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def warehouse_size(db: Path) -> dict:
    with connect(db) as con:
        one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "departments": one("SELECT count(*) FROM v_departments"),
            "actions": one("SELECT count(*) FROM v_actions"),
            "indicators": one("SELECT count(*) FROM v_indicators"),
            "fiscal years": one("SELECT count(DISTINCT fiscal_year) FROM v_active_submissions"),
            "submissions": one("SELECT count(*) FROM submissions"),
            "action rows": one("SELECT count(*) FROM action_reports"),
            "indicator rows": one("SELECT count(*) FROM indicator_values"),
            "partner rows": one("SELECT count(*) FROM partner_rows"),
            "file MB": round(db.stat().st_size / 1e6, 1),
        }


def vm_hwm_mb(pid: int) -> float:
    """Peak resident memory of a process and its children (the streamlit server)."""
    total = 0.0
    for p in [pid] + _children(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            pass
    return total


def _children(pid: int) -> list[int]:
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    out = [int(k) for k in kids]
    for k in list(out):
        out.extend(_children(k))
    return out


def app_memory(db: Path) -> dict:
    """Serve the app on `db`, load every page in Chromium, return VmHWM and page errors."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"skipped": "playwright not installed"}
    if not Path(CHROMIUM).exists():
        return {"skipped": f"{CHROMIUM} not found"}
    port = free_port()
    env = dict(os.environ, PDCA_DB=str(db), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    result = {"pages": {}, "errors": []}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    return {"skipped": "app did not start"}
                time.sleep(0.3)
        result["idle_mb"] = vm_hwm_mb(server.pid)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM,
                                         args=["--headless", "--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            for name in PAGES:
                start = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/{name}", wait_until="networkidle")
                page.wait_for_selector('[data-testid="stMain"], [data-testid="stAppViewContainer"]',
                                       timeout=60_000)
                _wait_idle(page)
                result["pages"][name or "overview"] = time.perf_counter() - start
                if page.locator('[data-testid="stException"]').count():
                    result["errors"].append(name or "overview")
            browser.close()
        result["peak_mb"] = vm_hwm_mb(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    return result


def _wait_idle(page, timeout_s: float = 120) -> None:
    """Wait until Streamlit has finished running the script (status widget gone)."""
    deadline = time.monotonic() + timeout_s
    page.wait_for_timeout(300)
    while time.monotonic() < deadline:
        running = page.locator('[data-testid="stStatusWidget"]').count()
        skeleton = page.locator('[data-testid="stSkeleton"]').count()
        if not running and not skeleton:
            return
        page.wait_for_timeout(200)


def report_time(db: Path, fy: int, workdir: Path) -> dict:
    try:
        from pipeline.report import build as report
    except ImportError:
        return {"skipped": "pipeline/report.py not present"}
    out = {}
    for suffix in (".pdf", ".xlsx"):
        start = time.perf_counter()
        report.write_report(db, fy, workdir / f"report{suffix}")
        out[suffix] = time.perf_counter() - start
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, default=10)
    ap.add_argument("--keep", help="copy the built warehouse here")
    ap.add_argument("--db", help="use this existing warehouse instead of building one")
    args = ap.parse_args(argv)
    from pipeline.demo.loader import build_demo
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.db:
            db = Path(args.db)
            build_s = None
        else:
            db = tmp / f"scale{args.scale}.duckdb"
            start = time.perf_counter()
            build_demo(db, scale=args.scale)
            build_s = time.perf_counter() - start
        size = warehouse_size(db)
        print(f"warehouse at scale {args.scale}: " + ", ".join(f"{k} {v:,}" for k, v in size.items()))
        if build_s is not None:
            print(f"demo build (generate {size['submissions']} workbooks + bulk ingest): {build_s:.1f} s")
        with connect(db) as con:
            fy = con.execute("SELECT max(fiscal_year) FROM v_active_submissions").fetchone()[0]
        rep = report_time(db, fy, tmp)
        if "skipped" in rep:
            print(f"annual report: skipped ({rep['skipped']})")
        else:
            print(f"annual report FY{fy}: " + ", ".join(f"{k} {v:.1f} s" for k, v in rep.items()))
        mem = app_memory(db)
        if "skipped" in mem:
            print(f"app memory: skipped ({mem['skipped']})")
        else:
            mark = "ok" if mem["peak_mb"] < GOAL_APP_MB else "MISS"
            ok &= mark == "ok" and not mem["errors"]
            print(f"app peak memory (VmHWM, all {len(mem['pages'])} pages loaded): "
                  f"{mem['peak_mb']:.0f} MB (idle {mem['idle_mb']:.0f} MB; goal < {GOAL_APP_MB} MB) {mark}")
            print("page first load (s): " + ", ".join(f"{k} {v:.1f}" for k, v in mem["pages"].items()))
            if mem["errors"]:
                print("pages showing an error: " + ", ".join(mem["errors"]))
        if args.keep:
            shutil.copy(db, args.keep)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
