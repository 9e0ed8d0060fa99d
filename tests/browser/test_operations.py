"""市役所の排出量 (事務事業編) in a real browser: every view draws its charts without an error,
the organisation and the view live in the URL (a shared link opens the same figures), and a
facility's figure shows the cells it came from."""
from __future__ import annotations

import pytest

from pipeline.texts import operations as otxt
from tests.browser.helpers import MAIN, drawn_charts, goto, main_text, metrics, problems, rerun, select_option

pytestmark = pytest.mark.browser

PATH = "operations"
VIEW_CHARTS = {"target": 2, "factors": 3, "facilities": 3, "coverage": 1}


@pytest.mark.parametrize("view", list(VIEW_CHARTS))
def test_every_view_draws_its_charts(page, app_url, view):
    goto(page, app_url, PATH, view=None if view == "target" else view)
    assert problems(page) == []
    assert page.locator(MAIN).get_by_role("heading", name=otxt.PAGE_TITLE, exact=True).count() == 1
    assert drawn_charts(page) == VIEW_CHARTS[view]
    assert len(metrics(page)) == 4                       # the headline figures on every view
    assert otxt.PROVISIONAL in main_text(page)           # the demo's latest FY has no factors yet


def test_the_view_choice_is_kept_in_the_url(page, app_url):
    goto(page, app_url, PATH)
    radio = page.locator(MAIN).get_by_text(otxt.VIEWS["facilities"], exact=True)
    rerun(page, radio.click)
    assert "view=facilities" in page.url
    assert drawn_charts(page) == VIEW_CHARTS["facilities"] and problems(page) == []
    assert otxt.H_INTENSITY in main_text(page)


def test_a_shared_link_opens_the_same_organisation(browser, page, app_url):
    goto(page, app_url, PATH)
    whole = metrics(page)
    select_option(page, otxt.ORG_LABEL, "教育委員会", where=MAIN)
    assert "org=" in page.url
    chosen = metrics(page)
    assert chosen != whole
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        other = context.new_page()
        other.goto(page.url, wait_until="domcontentloaded")
        from tests.browser.helpers import wait_ready
        wait_ready(other)
        assert metrics(other) == chosen and problems(other) == []
    finally:
        context.close()


def test_a_facility_figure_shows_its_file_and_cells(page, app_url):
    goto(page, app_url, PATH, view="coverage")
    text = main_text(page)
    assert otxt.H_PROVENANCE in text and otxt.PROVENANCE_LINK in text
    grid = page.locator(f'{MAIN} [data-testid="stDataFrame"]').last.locator('table[role="grid"]')
    grid.wait_for(state="attached")
    cells = " ".join(grid.locator("th, td").all_text_contents())
    assert otxt.SOURCE_COLUMNS["cells"] in cells and "電気" in cells
    assert "エネルギー使用量" in cells and ".xlsx" in cells
