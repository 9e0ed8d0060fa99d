"""Browser suite: one demo warehouse, one Streamlit server, one Chromium per session.

Everything here is session scoped except `page`: each test gets its own
browser context (so cookies/sign-ins do not leak) and its own page.

* `demo_db`   — the session's demo warehouse (tests/conftest.py: built once with
                `python -m pipeline --db DB demo` and shared with the other suites).
* `app_url`   — `streamlit run server.py` (app.py with the sign-in cookie routes) on a free port over a copy of `demo_db`;
                read-only tests (pages, accessibility, screenshots) use it.
* `flow_url`  — a second server over its own copy, for tests that write
                (uploads, restores), so they cannot change the figures the
                read-only tests look at.
* `browser`   — Debian's Chromium driven by Playwright; the whole suite skips
                with a clear message when /usr/bin/chromium is missing, and fails
                when it is there but cannot start (never `playwright install`).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import copy_warehouse

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HEALTH_TIMEOUT = 60.0
ARTIFACTS = ROOT / "tests" / "artifacts"


def pytest_collection_modifyitems(config, items):
    """Everything under tests/browser is a browser test (`-m "not browser"` skips it)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


# --- Streamlit server ------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    def __init__(self, db: Path, log: Path):
        self.db = db
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        env = dict(os.environ, PDCA_DB=str(db), PYTHONUNBUFFERED="1")
        self._log = open(log, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "server.py",
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             # other engineers edit pages while the suite runs: no reloads mid-test
             "--server.fileWatcherType", "none", "--server.runOnSave", "false"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def log_tail(self, n: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def wait_healthy(self, timeout: float = HEALTH_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"streamlit not healthy after {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._log.close()


def _serve(demo_db: Path, tmp_path_factory, name: str):
    workdir = tmp_path_factory.mktemp(name)
    server = StreamlitServer(copy_warehouse(demo_db, workdir), workdir / "streamlit.log")
    server.wait_healthy()
    return server


@pytest.fixture(scope="session")
def server(demo_db, tmp_path_factory):
    """Read-only server: pages, accessibility and screenshot tests."""
    s = _serve(demo_db, tmp_path_factory, "app")
    yield s
    s.stop()


@pytest.fixture(scope="session")
def flow_server(demo_db, tmp_path_factory):
    """Server for tests that write (uploads, restores), over its own copy of the warehouse."""
    s = _serve(demo_db, tmp_path_factory, "flows")
    yield s
    s.stop()


def warm_up(browser, base: str) -> None:
    """Open "/" once so app.py's st.navigation has run before any deep link.

    Streamlit keeps a process-wide flag (PagesManager.uses_pages_directory)
    that starts True because a pages/ folder sits next to app.py; until some
    session has run app.py, a first visit to e.g. /upload starts in the old
    multipage mode (pipeline.shell.ensure_app_shell leaves it with a rerun).
    test_pages.py::test_deep_link_on_fresh_server covers that case on its own
    server; warming up keeps a regression there from failing every other test.
    """
    from tests.browser.helpers import goto

    context = browser.new_context()
    try:
        goto(context.new_page(), base, "")
    finally:
        context.close()


@pytest.fixture(scope="session")
def app_url(browser, server) -> str:
    warm_up(browser, server.url)
    return server.url


@pytest.fixture(scope="session")
def flow_url(browser, flow_server) -> str:
    warm_up(browser, flow_server.url)
    return flow_server.url


@pytest.fixture()
def fresh_server(demo_db, tmp_path_factory, browser):
    """A server nobody has visited yet (for the deep-link-first case)."""
    s = _serve(demo_db, tmp_path_factory, "fresh")
    yield s
    s.stop()


# --- Chromium --------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need {CHROMIUM} (Debian package 'chromium'; `make system-deps` "
                    "installs it) — it is missing on this machine")
    # playwright is pinned in requirements-dev.txt: its absence is a broken install, not a skip
    from playwright.sync_api import sync_playwright
    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=30_000)
    except BaseException:
        pw.stop()
        raise                        # Chromium is installed but does not start: a failure
    yield b
    b.close()
    pw.stop()


def _new_page(browser, viewport):
    context = browser.new_context(viewport=viewport, locale="ja-JP", accept_downloads=True)
    context.set_default_timeout(30_000)
    return context, context.new_page()


@pytest.fixture()
def page(browser, app_url):
    """A fresh context and page on the read-only server (1366×768)."""
    context, p = _new_page(browser, {"width": 1366, "height": 768})
    yield p
    context.close()


@pytest.fixture()
def flow_page(browser, flow_url):
    """A fresh context and page on the writing server (1366×768)."""
    context, p = _new_page(browser, {"width": 1366, "height": 768})
    yield p
    context.close()


@pytest.fixture()
def new_page(browser):
    """Factory for pages with other viewports; all are closed after the test."""
    contexts = []

    def make(width: int, height: int):
        context, p = _new_page(browser, {"width": width, "height": height})
        contexts.append(context)
        return p

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
