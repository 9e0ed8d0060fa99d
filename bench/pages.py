"""Benchmark of the dashboard pages (not a test).

Each page's script is run through AppTest (app.py: navigation, shell and the page) cold
(query and chart caches cleared, new session) and warm (a rerun of the same session,
median of several) on the demo warehouse and on one ten times its size, against an
empty Streamlit page (a title only) as the baseline, and the app's shell around an empty
page as a second one.  Goal: warm reruns within 5× of the empty page on both warehouses
and under 300 ms on the demo.  Reruns are timed as a median and a minimum: on a busy
machine the minimum is the steadier figure.

    .venv/bin/python bench/pages.py [--reps 7] [--rebuild] [--no-scale] [--apptest-raw]

Warehouses are built once into $TMPDIR/pdca_bench/ and reused (--rebuild to redo).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import logging  # noqa: E402

logging.getLogger("streamlit").setLevel(logging.ERROR)

from streamlit.testing.v1 import AppTest  # noqa: E402

APP = str(ROOT / "app.py")
PAGES = ["pages/overview.py", "pages/attainment.py", "pages/stakeholders.py", "pages/pdca.py",
         "pages/trends.py", "pages/operations.py", "pages/submission_status.py"]
# The baseline: a page with a title and nothing else (what "an empty Streamlit page" is).
EMPTY_PAGE = "import streamlit as st\nst.title('empty')\n"
# The same shell as app.py (navigation, sidebar, sign-in box) around an empty page.
SHELL_PAGE = """
import streamlit as st
from pipeline.dashboard import ui
from pipeline.dashboard import sign_in
from pipeline.texts import dashboard as dtxt
st.set_page_config(page_title=dtxt.APP_TITLE, layout="wide")
def empty():
    st.write("")
navigation = st.navigation([st.Page(empty, title="empty", default=True)])
ui.render_shell()
sign_in.render_sign_in()
navigation.run()
"""
GOAL_RATIO, GOAL_MS = 5.0, 300.0


def server_like() -> None:
    """Make AppTest rerun the way the server does.  AppTest builds a new ScriptCache for
    every run, so app.py and the page are read, magic-transformed and compiled again on
    each rerun (the server compiles a script once and keeps its bytecode until the file
    changes), and it resets PagesManager.uses_pages_directory, so every rerun goes through
    the v1 `pages/` shim (the server clears the flag for good at the first st.navigation).
    Both cost a few ms per rerun that no user ever waits for; --apptest-raw keeps them."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()

    class ServerPagesManager(PagesManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    app_test.ScriptCache = lambda: shared              # the pages' bytecode
    local_script_runner.ScriptCache = lambda: shared   # app.py's bytecode
    app_test.PagesManager = ServerPagesManager


def build(scale: int, rebuild: bool) -> tuple[str | None, str]:
    """The demo warehouse at `scale`, or (None, why) when the demo cannot build it."""
    folder = Path(tempfile.gettempdir()) / "pdca_bench"
    folder.mkdir(exist_ok=True)
    db = folder / f"demo_x{scale}.duckdb"
    if db.exists() and not rebuild:
        return str(db), "reused"
    for p in (db, Path(str(db) + ".wal")):
        p.unlink(missing_ok=True)
    try:
        from pipeline.demo.loader import build_demo
        t = time.perf_counter()
        summary = build_demo(db, scale=scale)
        return str(db), f"built in {time.perf_counter() - t:.0f} s ({summary})"
    except Exception as exc:                      # noqa: BLE001 - reported as a note
        for p in (db, Path(str(db) + ".wal")):
            p.unlink(missing_ok=True)
        return None, f"skipped: demo build failed ({type(exc).__name__}: {exc})"[:200]


def _ms(fn) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def _check(at: AppTest, what: str) -> None:
    if at.exception:
        raise RuntimeError(f"{what}: {[e.value for e in at.exception]}")


def _clear() -> None:
    from pipeline.dashboard import ui
    ui.clear_caches()            # query results, chart specs and st.cache_data


def _warm(at: AppTest, reps: int) -> tuple[float, float, float]:
    """(median wall, min wall, median CPU) ms of `reps` reruns of the same session.  The CPU
    time (all threads of the process) does not count waiting for a busy machine's cores."""
    walls, cpus = [], []
    for _ in range(reps):
        cpu = time.process_time()
        walls.append(_ms(at.run))
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), min(walls), statistics.median(cpus)


def time_empty(reps: int, script: str = EMPTY_PAGE) -> tuple[float, float, float, float]:
    _clear()
    at = AppTest.from_string(script, default_timeout=120)
    cold = _ms(at.run)
    return (cold, *_warm(at, reps))


def time_page(db: str, page: str, reps: int) -> tuple[float, float, float, float]:
    os.environ["PDCA_DB"] = db
    _clear()
    at = AppTest.from_file(APP, default_timeout=300)
    if page == PAGES[0]:
        cold = _ms(at.run)
    else:
        at.run()                                   # lands on the default page
        _clear()
        at.switch_page(page)
        cold = _ms(at.run)
    _check(at, page)
    warm = _warm(at, reps)
    _check(at, page)
    return (cold, *warm)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--no-scale", action="store_true", help="skip the ×10 warehouse")
    ap.add_argument("--apptest-raw", action="store_true",
                    help="keep AppTest's per-run recompile and pages/ shim (see server_like)")
    args = ap.parse_args(argv)
    if not args.apptest_raw:
        server_like()

    # warm up imports (altair, duckdb, pandas) so the first page is not charged for them
    time_empty(1)
    # the baselines are cheap: more reruns steady their median (the ratios divide by it)
    base_reps = max(3 * args.reps, 21)
    base_cold, base_warm, base_min, base_cpu = time_empty(base_reps)
    print(f"baseline (empty page: import streamlit, st.title): cold {base_cold:.0f} ms, "
          f"warm {base_warm:.1f} ms (min {base_min:.1f}, cpu {base_cpu:.1f})")
    try:
        shell_cold, shell_warm, shell_min, shell_cpu = time_empty(base_reps, SHELL_PAGE)
        print(f"baseline (app shell + empty page): cold {shell_cold:.0f} ms, warm {shell_warm:.1f} ms "
              f"(min {shell_min:.1f}, cpu {shell_cpu:.1f})")
    except Exception as exc:                  # noqa: BLE001
        shell_warm = None
        print(f"baseline (app shell + empty page): unavailable ({exc})")

    rows, notes, failures = [], [], []
    for scale in (1, 10):
        label = "demo" if scale == 1 else "demo×10"
        if scale == 10 and args.no_scale:
            notes.append(f"{label}: skipped (--no-scale)")
            continue
        db, note = build(scale, args.rebuild)
        notes.append(f"{label}: {note}")
        if db is None:
            continue
        time_page(db, PAGES[0], 1)                 # first AppTest of app.py in the process
        for page in PAGES:
            cold, warm, best, cpu = time_page(db, page, args.reps)
            rows.append((label, Path(page).stem, cold, warm, best, cpu, warm / base_warm))
            if (scale == 1 and warm > GOAL_MS) or warm / base_warm > GOAL_RATIO:
                failures.append(f"{label} {page}: warm {warm:.0f} ms ({warm / base_warm:.1f}×)")

    print()
    print(f"{'warehouse':<9} {'page':<18} {'cold ms':>8} {'warm ms':>8} {'min':>6} {'cpu':>6} "
          f"{'warm/empty':>11} {'min/min':>8} {'cpu/cpu':>8} {'warm/shell':>11} {'cold/empty':>11}")
    for label, page, cold, warm, best, cpu, ratio in rows:
        shell = f"{warm / shell_warm:>10.1f}×" if shell_warm else f"{'—':>11}"
        print(f"{label:<9} {page:<18} {cold:>8.0f} {warm:>8.1f} {best:>6.1f} {cpu:>6.1f} {ratio:>10.1f}× "
              f"{best / base_min:>7.1f}× {cpu / base_cpu:>7.1f}× {shell} {cold / base_cold:>10.1f}×")
    print()
    notes.append("AppTest as is (recompiles scripts on every rerun)" if args.apptest_raw else
                  "scripts compiled once as on the server (--apptest-raw: AppTest as is)")
    for n in notes:
        print("note:", n)
    print(f"goal: warm ≤ {GOAL_RATIO:.0f}× empty page (demo and ×10), < {GOAL_MS:.0f} ms on the demo — "
          + ("met" if not failures else "MISSED: " + "; ".join(failures)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
