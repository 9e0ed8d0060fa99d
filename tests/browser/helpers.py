"""Waiting for Streamlit and reading what it rendered (no sleeps).

Streamlit marks its root element with the script state
(`[data-testid="stApp"][data-test-script-state]`: initial → running →
notRunning) and the connection state.  `wait_ready` waits for a finished run
and for every Vega chart to have drawn; `rerun` performs an action and waits
until the rerun it triggers has finished (a counter kept by a
MutationObserver, so a very fast rerun is not missed).
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

READY = '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'
EXCEPTION = '[data-testid="stException"]'
ERROR_ALERT = '[data-testid="stAlertContentError"]'
CHART = '[data-testid="stVegaLiteChart"]'
# The chart container is itself the .vega-embed element; Vega draws a canvas or an svg.marks.
DRAWN_CHART = f'{CHART}.vega-embed canvas, {CHART}.vega-embed svg.marks'
MAIN = '[data-testid="stMain"]'
SIDEBAR = '[data-testid="stSidebar"]'


@dataclass(frozen=True)
class AppPage:
    path: str
    title: str
    charts: bool          # a dashboard page: must show at least one chart

    @property
    def url(self) -> str:
        """The default page (概要) is served at "/" (/overview also opens it: tests/browser/test_pages)."""
        return "" if self.path == "overview" else self.path


PAGES = (
    AppPage("overview", "概要", True),
    AppPage("attainment", "目標達成状況", True),
    AppPage("stakeholders", "連携主体", True),
    AppPage("pdca", "PDCA", True),
    AppPage("trends", "経年推移", True),
    AppPage("operations", "市役所の排出量", True),
    AppPage("submissions", "提出状況", True),
    AppPage("upload", "提出", False),
    AppPage("history", "提出履歴", False),
    AppPage("report", "年次報告書", False),
    AppPage("council", "審議会意見", False),
    AppPage("publication", "公表", False),
)
DASHBOARD = tuple(p for p in PAGES if p.charts)

# Counts finished runs: every transition of stApp's script state to notRunning.
_OBSERVER = """() => {
  if (window.__stRuns !== undefined) return;
  window.__stRuns = 0;
  const root = document.querySelector('[data-testid="stApp"]');
  let last = root.getAttribute('data-test-script-state');
  new MutationObserver(() => {
    const now = root.getAttribute('data-test-script-state');
    if (now === 'notRunning' && last !== 'notRunning') window.__stRuns += 1;
    last = now;
  }).observe(root, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""

# Every chart container has finished drawing (Vega renders after the script run).
_CHARTS_DRAWN = """() => {
  const charts = document.querySelectorAll('[data-testid="stVegaLiteChart"]');
  for (const c of charts) {
    if (!c.querySelector('.vega-embed canvas, .vega-embed svg.marks')) return false;
  }
  return document.querySelectorAll('[data-testid="stSkeleton"]').length === 0;
}"""


def url(base: str, path: str, **query) -> str:
    q = {k: v for k, v in query.items() if v is not None}
    return f"{base}/{path}" + (f"?{urlencode(q, doseq=True)}" if q else "")


def wait_ready(page: Page, timeout: float = 30_000) -> None:
    page.wait_for_selector(READY, timeout=timeout)
    page.wait_for_function(_CHARTS_DRAWN, timeout=timeout)
    page.evaluate(_OBSERVER)


def goto(page: Page, base: str, path: str, **query) -> Page:
    page.goto(url(base, path, **query), wait_until="domcontentloaded")
    wait_ready(page)
    return page


def rerun(page: Page, action, timeout: float = 30_000) -> None:
    """Do `action()` (a widget change) and wait for the rerun it causes to finish."""
    before = page.evaluate("() => window.__stRuns")
    action()
    page.wait_for_function(f"() => window.__stRuns > {before}", timeout=timeout)
    wait_ready(page, timeout)


def problems(page: Page) -> list[str]:
    """Texts of exception boxes, error alerts and Streamlit's "Page not found" dialog."""
    return [page.locator(sel).nth(i).inner_text()
            for sel in (EXCEPTION, ERROR_ALERT, '[data-testid="stDialog"]')
            for i in range(page.locator(sel).count())]


def drawn_charts(page: Page) -> int:
    return page.locator(f"{CHART}.vega-embed").filter(has=page.locator("canvas, svg.marks")).count()


def main_text(page: Page) -> str:
    return page.locator(MAIN).inner_text()


def metrics(page: Page) -> dict[str, str]:
    """Label → value of every st.metric in the main area."""
    out = {}
    boxes = page.locator(f'{MAIN} [data-testid="stMetric"]')
    for i in range(boxes.count()):
        box = boxes.nth(i)
        label = box.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        out[label] = box.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return out


def selected(page: Page, label: str, where: str = SIDEBAR) -> str:
    """The current value of the selectbox labelled `label` (a react-aria combobox)."""
    return page.locator(where).get_by_role("combobox", name=label, exact=True).input_value()


def select_option(page: Page, label: str, option: str, where: str = SIDEBAR) -> None:
    """Pick `option` in the selectbox labelled `label` and wait for the rerun.

    The list can close again when a late rerun redraws the sidebar right after
    the click, so opening it is retried a few times.
    """
    combo = page.locator(where).get_by_role("combobox", name=label, exact=True)
    choice = page.get_by_role("option", name=option, exact=True)
    for _ in range(5):
        wait_ready(page)
        combo.click()
        try:
            choice.wait_for(state="visible", timeout=3_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    rerun(page, choice.click)


def open_sidebar_sign_in(page: Page) -> None:
    """Open the sidebar's sign-in expander (its form is rendered only while it is open)."""
    from pipeline.texts import auth as atxt

    field = page.locator(SIDEBAR).get_by_label(atxt.USERNAME, exact=True)
    summary = page.locator(f'{SIDEBAR} [data-testid="stExpander"] summary').filter(
        has_text=atxt.SIGN_IN_HEADING)
    for _ in range(3):
        if field.count():
            return
        summary.click()
        try:
            field.wait_for(state="visible", timeout=10_000)
        except PlaywrightTimeout:
            pass
        wait_ready(page)
    field.wait_for(state="visible")


def sign_in(page: Page, username: str, password: str, where: str = SIDEBAR) -> None:
    """Sign in with the password form in `where` (sidebar or main area) and wait until the
    app shows the signed-in user (after the page reload that stores the session cookie)."""
    from pipeline.texts import auth as atxt

    box = page.locator(where)
    if where == SIDEBAR:
        open_sidebar_sign_in(page)
    box.get_by_label(atxt.USERNAME, exact=True).fill(username)
    box.get_by_label(atxt.PASSWORD, exact=True).fill(password)
    box.get_by_role("button", name=atxt.SIGN_IN, exact=True).click()
    try:
        page.locator(SIDEBAR).get_by_text(atxt.SIGNED_IN_AS.split("{")[0], exact=False).first.wait_for()
    except PlaywrightTimeout as exc:       # say what the page shows instead (a rare failure)
        raise AssertionError(f"not signed in as {username} at {page.url}; problems {problems(page)}; "
                             f"sidebar: {page.locator(SIDEBAR).inner_text()[-600:]!r}; "
                             f"main: {page.locator(MAIN).inner_text()[:600]!r}") from exc
    wait_ready(page)
