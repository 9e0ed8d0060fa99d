"""Every page in a real browser: charts drawn, no error boxes, filters and shared URLs."""
from __future__ import annotations

import re

import pytest

from pipeline.texts import dashboard as dtxt
from tests.browser.helpers import (
    DASHBOARD, MAIN, PAGES, SIDEBAR, drawn_charts, goto, metrics, problems, select_option, selected, wait_ready,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("app_page", PAGES, ids=lambda p: p.path)
def test_page_renders_without_errors(page, app_url, app_page):
    goto(page, app_url, app_page.url)
    assert problems(page) == []
    if app_page.charts:
        assert drawn_charts(page) >= 1, f"/{app_page.path} shows no drawn chart"


def test_overview_also_opens_at_its_own_path(page, app_url):
    """A hand-typed /overview opens 概要 (not Streamlit's "Page not found" dialog)."""
    goto(page, app_url, "overview", fy="2024")
    assert problems(page) == []
    assert page.locator(MAIN).get_by_role("heading", name=dtxt.OVERVIEW_TITLE, exact=True).count() == 1
    assert drawn_charts(page) >= 1 and _fy_choice(page) == dtxt.fy(2024)


def _fy_choice(page) -> str:
    return selected(page, dtxt.FY_LABEL)


def test_fy_filter_changes_the_figures(page, app_url):
    goto(page, app_url, "")
    latest = _fy_choice(page)
    before = metrics(page)
    select_option(page, dtxt.FY_LABEL, dtxt.fy(int(re.match(r"\d{4}", latest).group()) - 1))
    after = metrics(page)
    assert _fy_choice(page) != latest
    assert set(before) == set(after), "the same metrics are shown for every year"
    assert before != after, f"changing the FY left every figure unchanged: {before}"
    year = int(re.match(r"\d{4}", _fy_choice(page)).group())
    assert f"fy={year}" in page.url, f"the FY is not kept in the URL: {page.url}"


# Three pages with different filter use; the FY test above covers the mechanism on 概要.
SHARED = tuple(p for p in DASHBOARD if p.path in ("overview", "attainment", "stakeholders"))


@pytest.mark.parametrize("app_page", SHARED, ids=lambda p: p.path)
def test_shared_url_opens_the_same_view(browser, page, app_url, app_page):
    """Choose an earlier FY on one page, copy the URL, open it in a new browser context."""
    goto(page, app_url, app_page.url)
    latest = int(re.match(r"\d{4}", _fy_choice(page)).group())
    select_option(page, dtxt.FY_LABEL, dtxt.fy(latest - 1))
    shared, seen, charts = page.url, metrics(page), drawn_charts(page)
    assert f"fy={latest - 1}" in shared

    other = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        p2 = other.new_page()
        p2.goto(shared)
        wait_ready(p2)
        assert _fy_choice(p2) == dtxt.fy(latest - 1)
        assert metrics(p2) == seen
        assert drawn_charts(p2) == charts
        assert problems(p2) == []
    finally:
        other.close()


def test_deep_link_on_fresh_server(browser, fresh_server):
    """The first visit to a just-started server is a shared link (a pages/ folder sits
    next to app.py, so Streamlit starts in its old multipage mode; pipeline.shell
    leaves it): the page still runs inside app.py's shell, with the URL's filters."""
    context = browser.new_context()
    try:
        p = goto(context.new_page(), fresh_server.url, "attainment", fy="2023")
        # the first run notices the old multipage mode and reruns through app.py: wait for it
        p.locator(SIDEBAR).get_by_text(dtxt.SECTION_DASHBOARD, exact=True).wait_for(timeout=30_000)
        wait_ready(p)
        sidebar = p.locator(SIDEBAR).inner_text()
        assert dtxt.SECTION_DASHBOARD in sidebar and dtxt.SECTION_WORK in sidebar
        assert _fy_choice(p) == dtxt.fy(2023)
        assert problems(p) == [] and drawn_charts(p) >= 1
    finally:
        context.close()
