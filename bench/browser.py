"""Browser benchmark: speed as a person in a meeting feels it (not a test).

Three Streamlit servers run side by side in one run, and Debian's Chromium (driven by
Playwright, as the browser tests do) measures on each of them:

* ours       — `streamlit run server.py` (as `make run`) on the demo warehouse, with the project's
               .streamlit/config.toml;
* reference  — a generated plain Streamlit app with as many pages as the dashboard,
               each drawing as many simple Altair bar charts (20 bars each) as the
               matching dashboard page draws: the floor for that many charts;
* empty      — a generated app whose pages show a title only.

The baselines run with the project's .streamlit/config.toml (server settings are not
what the ratios are about: what is above the baselines is our code); --defaults adds
the two baselines once more with Streamlit's default settings.

Figures (ratios are taken within the run; the apps are measured interleaved, so a busy
machine slows all of them alike):

1. Page switch: click a sidebar link → script run finished → every chart of the new
   page drawn (a canvas or svg inside each vega-embed), timed inside the page.  Warm
   (one unmeasured round first), median over every switch to every dashboard page.
   Goal: ours ≤ 1.3 × reference.  The bytes the websocket carried for each switch are
   shown per page (the spec and data each switch sends).
2. New viewer: a fresh browser context opens the default page until its charts are
   drawn; the server process's CPU time (utime + stime from /proc, all threads) from
   before the visit until the server is idle again after the viewer left, median over
   the viewers.  Goal: ours ≤ 1.5 × empty.

    .venv/bin/python bench/browser.py [--rounds 5] [--viewers 8] [--db DB] [--rebuild]

The demo warehouse is built once into $TMPDIR/pdca_bench/ (as bench/pages.py does).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# (url path, label) of the dashboard pages, in the order of the sidebar; "" is the default page.
DASHBOARD = [("", "overview"), ("attainment", "attainment"), ("stakeholders", "stakeholders"),
             ("pdca", "pdca"), ("trends", "trends"), ("submissions", "submissions")]
GOAL_SWITCH, GOAL_VIEWER = 1.3, 1.5
# The app as served (`make run`): server.py (app.py plus the sign-in cookie routes) when present.
SERVED = "server.py" if (ROOT / "server.py").exists() else "app.py"
TICK = os.sysconf("SC_CLK_TCK")
VIEWPORT = {"width": 1366, "height": 768}

# --- generated apps ----------------------------------------------------------------------

REF_APP = '''
import streamlit as st
st.set_page_config(page_title="reference", layout="wide")
pages = [st.Page(f"p{i}.py", title=f"page {i}", url_path=f"p{i}", default=(i == 0)) for i in range(N_PAGES)]
st.navigation(pages).run()
'''
REF_PAGE = '''
import altair as alt
import pandas as pd
import streamlit as st
st.title("page {i}")
for k in range({charts}):
    data = pd.DataFrame({{"category": [f"c{{j:02d}}" for j in range(20)],
                         "value": [(j * 7 + k * 3) % 23 + 1 for j in range(20)]}})
    st.altair_chart(alt.Chart(data, title=f"chart {{k}}").mark_bar().encode(x="category:N", y="value:Q"),
                    width="stretch")
'''
EMPTY_PAGE = '''
import streamlit as st
st.title("page {i}")
'''


def write_app(folder: Path, charts: list[int]) -> None:
    """A multipage app with len(charts) pages; page i draws charts[i] Altair charts
    (0: the empty app, a title only)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "app.py").write_text(REF_APP.replace("N_PAGES", str(len(charts))), encoding="utf-8")
    for i, n in enumerate(charts):
        body = REF_PAGE.format(i=i, charts=n) if n else EMPTY_PAGE.format(i=i)
        (folder / f"p{i}.py").write_text(body, encoding="utf-8")


# --- servers ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run SCRIPT` in `cwd` (its .streamlit/config.toml, if any, applies)."""

    def __init__(self, name: str, cwd: Path, env: dict | None = None, script: str = "app.py"):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(Path(tempfile.gettempdir()) / f"pdca_bench_{name}_{self.port}.log", "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false"],
            cwd=cwd, env=dict(os.environ, PYTHONUNBUFFERED="1", **(env or {})),
            stdout=self.log, stderr=subprocess.STDOUT)

    def wait_healthy(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name}: streamlit exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name}: not healthy after {timeout:.0f} s")

    def cpu_s(self) -> float:
        """CPU time (user + system, every thread) of the server process so far."""
        stat = Path(f"/proc/{self.proc.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2:].split()
        return (int(fields[11]) + int(fields[12])) / TICK

    def rss_mb(self) -> tuple[float, float]:
        """(resident now, peak resident) in MB."""
        now = peak = 0.0
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                now = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
        return now, peak

    def settle(self, quiet_s: float = 0.25, timeout: float = 5.0) -> None:
        """Wait until the server has used no CPU for `quiet_s` (session teardown, GC...)."""
        deadline = time.monotonic() + timeout
        last = self.cpu_s()
        while time.monotonic() < deadline:
            time.sleep(quiet_s)
            now = self.cpu_s()
            if now - last < 1.0 / TICK + 1e-9:
                return
            last = now

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.log.close()


# --- in-page measurement --------------------------------------------------------------

# Added to every page before Streamlit's code: counts the `script_finished` messages
# (ForwardMsg field 6, FINISHED_SUCCESSFULLY) the websocket delivers, read from the top
# level of each binary frame.  The page's data-test-script-state attribute is not enough:
# a fast run can go running → notRunning within one render, so the attribute never moves.
WATCH_WS = """(() => {
  const Native = window.WebSocket;
  window.__stFinished = 0;
  const varint = (b, i) => { let v = 0, m = 1; for (;;) { const x = b[i++]; v += (x & 127) * m;
                                                          if (x < 128) return [v, i]; m *= 128; } };
  const finished = (buf) => {
    const b = new Uint8Array(buf); let i = 0;
    while (i < b.length) {
      let key; [key, i] = varint(b, i);
      const field = Math.floor(key / 8), wire = key & 7;
      if (wire === 0) { let v; [v, i] = varint(b, i); if (field === 6 && v === 0) return true; }
      else if (wire === 2) { let n; [n, i] = varint(b, i); i += n; }
      else if (wire === 1) i += 8; else if (wire === 5) i += 4; else return false;
    }
    return false;
  };
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        if (e.data instanceof ArrayBuffer && finished(e.data)) window.__stFinished += 1;
      });
    }
  };
})();"""

# `done(expected)`: no run in flight, no stale element of the previous page left, no
# skeleton, and `expected` charts all drawn.
DONE = """(expected) => {
  const root = document.querySelector('[data-testid="stApp"]');
  if (root.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (root.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (document.querySelector('[data-testid="stSkeleton"], [data-stale="true"]')) return false;
  const charts = document.querySelectorAll('[data-testid="stVegaLiteChart"]');
  if (expected !== null && charts.length !== expected) return false;
  for (const c of charts) if (!c.querySelector('.vega-embed canvas, .vega-embed svg.marks')) return false;
  return true;
}"""

# Clicks the sidebar link to `path` and resolves with the ms until the run it starts has
# finished (its script_finished message arrived) and the page is done, checked on every
# DOM change (and every 50 ms in case the last change was not one the observer sees).
SWITCH = """async ([path, expected]) => {
  const done = DONE;
  const want = '/' + path;
  const link = [...document.querySelectorAll('[data-testid="stSidebarNavLink"]')]
      .find(a => new URL(a.href).pathname === want);
  if (!link) throw new Error('no sidebar link to ' + want);
  const finished0 = window.__stFinished;
  const t0 = performance.now();
  return await new Promise((resolve, reject) => {
    let over = false;
    const check = () => {
      if (over) return;
      if (window.__stFinished > finished0 && done(expected)) {
        over = true; mo.disconnect(); clearInterval(timer); resolve(performance.now() - t0);
      } else if (performance.now() - t0 > 30000) {
        over = true; mo.disconnect(); clearInterval(timer);
        reject(new Error('switch to ' + want + ' timed out: finished ' + (window.__stFinished - finished0)
            + ', charts ' + document.querySelectorAll('[data-testid="stVegaLiteChart"]').length
            + ' of ' + expected));
      }
    };
    const mo = new MutationObserver(check);
    mo.observe(document.body, {subtree: true, childList: true, attributes: true});
    const timer = setInterval(check, 50);
    link.click();
  });
}""".replace("DONE", DONE)

READY = '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'


def new_context(browser):
    context = browser.new_context(viewport=VIEWPORT, locale="ja-JP")
    context.add_init_script(WATCH_WS)
    return context


def open_page(context, base: str, path: str, expected: int | None, timeout: float = 120_000):
    page = context.new_page()
    page.goto(f"{base}/{path}", wait_until="domcontentloaded")
    page.wait_for_selector(READY, timeout=timeout)
    page.wait_for_function(f"(e) => window.__stFinished > 0 && ({DONE})(e)", arg=expected, timeout=timeout)
    return page


def drawn_charts(page) -> int:
    return page.evaluate("() => document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]').length")


class Client:
    """One browser page kept open on one app, switching pages from its sidebar.  Per switch:
    the time until the new page is done, the bytes the websocket received, and the CPU time
    of Chromium (every process) and of the server, both counted until the next switch —
    steadier than the wall clock on a busy machine."""

    def __init__(self, browser, server: Server, paths: list[str], charts: list[int]):
        self.server, self.paths, self.charts = server, paths, charts
        self.context = new_context(browser)
        self.received = 0
        self.context.on("page", self._watch)
        self.page = open_page(self.context, server.url, paths[0], charts[0])
        self.cdp = browser.new_browser_cdp_session()
        self.at = 0
        self.times: dict[int, list[float]] = {i: [] for i in range(len(paths))}
        self.bytes: dict[int, list[int]] = {i: [] for i in range(len(paths))}
        self.busy: dict[int, list[float]] = {i: [] for i in range(len(paths))}
        self.cpu: dict[int, list[float]] = {i: [] for i in range(len(paths))}

    def _watch(self, page) -> None:
        def on_ws(ws):
            ws.on("framereceived", lambda payload: self._count(payload))
        page.on("websocket", on_ws)

    def _count(self, payload) -> None:
        self.received += len(payload)

    def _chromium_s(self) -> float:
        """CPU time of every Chromium process so far (the other apps' pages are idle)."""
        return sum(p["cpuTime"] for p in self.cdp.send("SystemInfo.getProcessInfo")["processInfo"])

    def switch(self, record: bool, pause: float) -> None:
        target = (self.at + 1) % len(self.paths)
        before, chromium0, cpu0 = self.received, self._chromium_s(), self.server.cpu_s()
        ms = self.page.evaluate(SWITCH, [self.paths[target], self.charts[target]])
        self.page.wait_for_timeout(pause * 1000)     # the page settles; late frames arrive
        if record:
            self.times[target].append(ms)
            self.bytes[target].append(self.received - before)
            self.busy[target].append((self._chromium_s() - chromium0) * 1000)
            self.cpu[target].append((self.server.cpu_s() - cpu0) * 1000)
        self.at = target

    def close(self) -> None:
        self.context.close()


def new_viewer(browser, server: Server, path: str, expected: int) -> tuple[float, float]:
    """(server CPU s, wall s) for one fresh context opening `path` until its charts are drawn,
    CPU counted until the server is idle again after the context closed."""
    server.settle()
    cpu0 = server.cpu_s()
    t0 = time.perf_counter()
    context = new_context(browser)
    try:
        open_page(context, server.url, path, expected)
        wall = time.perf_counter() - t0
    finally:
        context.close()
    server.settle()
    return server.cpu_s() - cpu0, wall


# --- warehouse ------------------------------------------------------------------------------

def demo_db(rebuild: bool) -> Path:
    folder = Path(tempfile.gettempdir()) / "pdca_bench"
    folder.mkdir(exist_ok=True)
    db = folder / "demo_x1.duckdb"
    if db.exists() and not rebuild:
        return db
    for p in (db, Path(str(db) + ".wal")):
        p.unlink(missing_ok=True)
    from pipeline.demo.loader import build_demo
    build_demo(db)
    return db


def copy_db(src: Path, dest_dir: Path) -> Path:
    dest = dest_dir / src.name
    shutil.copy2(src, dest)
    wal = Path(str(src) + ".wal")
    if wal.exists():
        shutil.copy2(wal, Path(str(dest) + ".wal"))
    return dest


# --- main -------------------------------------------------------------------------------------

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5, help="measured rounds of page switches")
    ap.add_argument("--viewers", type=int, default=8, help="measured new viewers per app")
    ap.add_argument("--pause", type=float, default=0.4, help="seconds between two switches")
    ap.add_argument("--defaults", action="store_true",
                    help="also run the baselines with Streamlit's default settings (the goal is "
                         "then taken against those, as the issue measured)")
    ap.add_argument("--db", help="an existing warehouse (default: the demo, built once)")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args(argv)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("skipped: playwright is not installed")
        return 0
    if not Path(CHROMIUM).exists():
        print(f"skipped: {CHROMIUM} is missing (Debian package 'chromium')")
        return 0

    src = Path(args.db) if args.db else demo_db(args.rebuild)
    paths = [p for p, _ in DASHBOARD]
    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="pdca_browser_") as tmp, sync_playwright() as pw:
        tmp = Path(tmp)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=30_000)
        try:
            ours = Server("ours", ROOT, {"PDCA_DB": str(copy_db(src, tmp))}, SERVED)
            servers.append(ours)
            ours.wait_healthy()
            # how many charts each dashboard page draws (the reference app draws as many)
            context = new_context(browser)
            charts = []
            for path in paths:
                page = open_page(context, ours.url, path, None)
                charts.append(drawn_charts(page))
                page.close()
            context.close()
            apps = {"ours": (ours, paths, charts)}
            # baselines: with the project's .streamlit/config.toml (what is left above them
            # is our code), and optionally with Streamlit's defaults
            variants = [("", True)] + ([(" (defaults)", False)] if args.defaults else [])
            ref_paths = [""] + [f"p{i}" for i in range(1, len(paths))]
            for suffix, same_config in variants:
                for kind, counts in (("reference", charts), ("empty", [0] * len(paths))):
                    folder = tmp / f"{kind}{'_default' if suffix else ''}"
                    write_app(folder, counts)
                    if same_config:
                        (folder / ".streamlit").mkdir()
                        shutil.copy2(ROOT / ".streamlit" / "config.toml", folder / ".streamlit")
                    server = Server(kind + suffix.replace(" ", "_"), folder)
                    servers.append(server)
                    apps[kind + suffix] = (server, ref_paths, counts)
            for server, _, _ in apps.values():
                server.wait_healthy()

            # 1. page switches, warm: one unmeasured round per app, then interleaved rounds
            clients = {name: Client(browser, *spec) for name, spec in apps.items()}
            for rnd in range(args.rounds + 1):
                for client in clients.values():
                    for _ in paths:
                        client.switch(rnd > 0, args.pause)

            # 2. new viewers: one unmeasured visit each, then interleaved.  The switching
            # clients stay connected (a presenter's screen): when the last session of a
            # server disconnects, Streamlit drops its compiled scripts.
            cpu = {name: [] for name in apps}
            wall = {name: [] for name in apps}
            for v in range(args.viewers + 1):
                for name, (server, app_paths, app_charts) in apps.items():
                    c, w = new_viewer(browser, server, app_paths[0], app_charts[0])
                    if v > 0:
                        cpu[name].append(c)
                        wall[name].append(w)
            memory = {name: server.rss_mb() for name, (server, _, _) in apps.items()}
            for c in clients.values():
                c.close()
        finally:
            browser.close()
            for s in servers:
                s.stop()

    def med(per: dict, i=None) -> float:
        return statistics.median([t for k, ts in per.items() if i is None or k == i for t in ts])

    switch = {name: med(c.times) for name, c in clients.items()}
    switch_cpu = {name: med(c.busy) + med(c.cpu) for name, c in clients.items()}
    viewer_cpu = {name: statistics.median(v) * 1000 for name, v in cpu.items()}
    viewer_wall = {name: statistics.median(v) * 1000 for name, v in wall.items()}
    # The goal is taken against the plain Streamlit apps the issue measured (Streamlit's
    # default settings) when they run (--defaults, as `make bench` does); the ratios against
    # the same settings as ours are printed beside them.
    base = " (defaults)" if args.defaults else ""
    switch_ratio = switch["ours"] / switch["reference" + base]
    viewer_ratio = viewer_cpu["ours"] / viewer_cpu["empty" + base]
    names = list(apps)
    ours, ref = clients["ours"], clients["reference"]

    print("charts per dashboard page (the reference app draws as many, 20 bars each): "
          + ", ".join(f"{label} {n}" for (_, label), n in zip(DASHBOARD, charts)))
    print("baselines run with the project's .streamlit/config.toml"
          + ("; '(defaults)': with Streamlit's default settings" if args.defaults else ""))
    print(f"\npage switch, warm: sidebar link → run finished → every chart drawn, median ms of "
          f"{args.rounds} switches to each page;\nCPU ms per switch (Chromium + server) and KB the "
          f"websocket received, ours / reference")
    print(f"{'page':<14}" + "".join(f"{n:>{max(10, len(n) + 2)}}" for n in names)
          + f"{'ours/ref':>10}{'CPU ours/ref':>15}{'KB ours/ref':>14}")
    for i, (_, label) in enumerate(DASHBOARD):
        values = [med(clients[n].times, i) for n in names]
        line = f"{label:<14}" + "".join(f"{v:>{max(10, len(n) + 2)}.0f}" for n, v in zip(names, values))
        line += f"{values[0] / values[1]:>9.2f}×"
        line += f"{med(ours.busy, i) + med(ours.cpu, i):>9.0f} /{med(ref.busy, i) + med(ref.cpu, i):>4.0f}"
        line += f"{med(ours.bytes, i) / 1024:>8.1f} /{med(ref.bytes, i) / 1024:>5.1f}"
        print(line)
    line = f"{'all pages':<14}" + "".join(f"{switch[n]:>{max(10, len(n) + 2)}.0f}" for n in names)
    print(line + f"{switch['ours'] / switch['reference']:>9.2f}×{switch_cpu['ours']:>9.0f} /{switch_cpu['reference']:>4.0f}"
          f"   (goal: see below)")
    print(f"\nnew viewer: a fresh context opens the default page until its charts are drawn "
          f"(median of {args.viewers}; server CPU until idle again)")
    print(f"{'app':<22}{'server CPU ms':>14}{'÷ empty':>9}{'wall ms':>9}{'RSS MB':>8}{'peak MB':>9}")
    for name in names:
        empty_cpu = viewer_cpu["empty" + (" (defaults)" if name.endswith("(defaults)") else "")]
        print(f"{name:<22}{viewer_cpu[name]:>14.0f}{viewer_cpu[name] / empty_cpu:>8.2f}×"
              f"{viewer_wall[name]:>9.0f}{memory[name][0]:>8.0f}{memory[name][1]:>9.0f}")
    ok_switch, ok_viewer = switch_ratio <= GOAL_SWITCH, viewer_ratio <= GOAL_VIEWER
    print(f"\ngoal (baselines{base or ' with our settings'}): page switch ≤ {GOAL_SWITCH}× reference: "
          f"{switch_ratio:.2f}× {'met' if ok_switch else 'MISSED'}; new viewer CPU ≤ {GOAL_VIEWER}× "
          f"empty: {viewer_ratio:.2f}× {'met' if ok_viewer else 'MISSED'}")
    if args.defaults:
        print(f"against the baselines with our settings: page switch "
              f"{switch['ours'] / switch['reference']:.2f}× reference, new viewer "
              f"{viewer_cpu['ours'] / viewer_cpu['empty']:.2f}× empty")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "charts": charts, "switch_ms": switch, "switch_cpu_ms": switch_cpu,
            "switch_per_page_ms": {n: [med(clients[n].times, i) for i in range(len(paths))] for n in names},
            "switch_kb": {n: [med(clients[n].bytes, i) / 1024 for i in range(len(paths))] for n in names},
            "viewer_cpu_ms": viewer_cpu, "viewer_wall_ms": viewer_wall,
            "switch_ratio": switch_ratio, "viewer_ratio": viewer_ratio}, indent=1))
    return 0 if ok_switch and ok_viewer else 1


if __name__ == "__main__":
    sys.exit(main())
