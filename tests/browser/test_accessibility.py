"""axe-core on every page, and a text table for every chart.

Only serious and critical violations fail the test.  A rule is excluded only
when the violation comes from Streamlit's own markup, which the project cannot
change; each exclusion says why.
"""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from pipeline.texts import dashboard as dtxt
from tests.browser.helpers import CHART, DASHBOARD, PAGES, goto, wait_ready

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}

# (rule id, container) pairs: a violation of that rule on a node inside that
# container comes from Streamlit's own markup, which the app cannot change.
STREAMLIT_OWNED: tuple[tuple[str, str], ...] = (
    # st.navigation with sections puts each section's <li> items in a <div>
    # (with the section header) directly inside <ul data-testid="stSidebarNavItems">.
    ("list", '[data-testid="stSidebarNavItems"]'),
    ("listitem", '[data-testid="stSidebarNavItems"]'),
)

_INSIDE = """([target, container]) => {
  const node = document.querySelector(target);
  return !!(node && node.closest(container));
}"""


def _ours(page, rule: str, node: dict) -> bool:
    target = node.get("target") or []
    if len(target) != 1 or not isinstance(target[0], str):   # inside an iframe/shadow root
        return True
    return not any(rule == r and page.evaluate(_INSIDE, [target[0], container])
                   for r, container in STREAMLIT_OWNED)


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.mark.parametrize("app_page", PAGES, ids=lambda p: p.path)
def test_no_serious_violations(page, app_url, axe, app_page):
    goto(page, app_url, app_page.url)
    results = axe.run(page, options={"resultTypes": ["violations"]})
    found = []
    for v in results.response["violations"]:
        if v["impact"] not in BLOCKING:
            continue
        nodes = [n for n in v["nodes"] if _ours(page, v["id"], n)]
        if nodes:
            found.append(f"{v['id']} ({v['impact']}): {v['help']} — "
                         + "; ".join(" ".join(map(str, n["target"])) for n in nodes[:5]))
    assert found == [], "\n".join(found)


def open_expander(page, exp, content) -> None:
    """Open an expander and wait for `content`; a click swallowed by a redraw is repeated."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    for _ in range(3):
        if exp.locator("details").get_attribute("open") is None:
            exp.locator("summary").click()
        try:
            content.wait_for(state="attached", timeout=15_000)
            wait_ready(page)
            return
        except PlaywrightTimeout:
            wait_ready(page)
    content.wait_for(state="attached")


@pytest.mark.parametrize("app_page", DASHBOARD, ids=lambda p: p.path)
def test_every_chart_has_its_data_as_text(page, app_url, app_page):
    """Under each chart an expander holds the chart's data as a table."""
    goto(page, app_url, app_page.url)
    charts = page.locator(CHART).count()
    assert charts >= 1
    expanders = page.locator('[data-testid="stExpander"]').filter(has_text=dtxt.DATA_EXPANDER)
    assert expanders.count() >= charts, f"{charts} charts but {expanders.count()} data expanders"
    for i in range(expanders.count()):
        exp = expanders.nth(i)
        # st.dataframe draws on a canvas; Glide Data Grid keeps an ARIA grid of the
        # visible cells inside it, which is what screen readers read.
        grid = exp.locator('[data-testid="stDataFrame"] table[role="grid"], [data-testid="stTable"] table').first
        open_expander(page, exp, grid)               # the table is rendered once the expander opens
        rows = int(grid.get_attribute("aria-rowcount") or grid.locator("tr").count())
        cells = [t.strip() for t in grid.locator("td").all_text_contents()]
        assert rows >= 2 and any(cells), f"data table {i} under a chart has no rows as text"
