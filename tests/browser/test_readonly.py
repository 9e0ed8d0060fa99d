"""A program holding the live warehouse, seen in a real browser: the page names its
process id and the read-only copy, and shows the figures again by itself (no reload, no
click) once the program lets go (contract section 11)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pipeline.warehouse import schema
from tests.browser.conftest import StreamlitServer, warm_up
from tests.browser.helpers import MAIN, problems
from tests.warehouse.test_backup import build_warehouse
from tests.warehouse.test_readonly import Holder

pytestmark = pytest.mark.browser


@pytest.fixture()
def held_server(tmp_path_factory, browser):
    d = tmp_path_factory.mktemp("held")
    db = d / "w.duckdb"
    build_warehouse(db)
    server = StreamlitServer(db, d / "streamlit.log")
    server.wait_healthy()            # a server that does not start fails the test
    warm_up(browser, server.url)
    yield server
    server.stop()


def test_page_names_the_holder_and_recovers_by_itself(browser, held_server):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="ja-JP")
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        with Holder(held_server.db, "rw") as holder:
            page.goto(held_server.url, wait_until="domcontentloaded")
            notice = page.locator(MAIN).get_by_text(f"PID {holder.pid}")
            expect(notice.first).to_be_visible()
            expect(page.locator(MAIN).get_by_text(str(schema.copy_path(held_server.db))).first
                   ).to_be_visible()
            assert page.locator(f'{MAIN} [data-testid="stMetric"]').count() == 0
            holder.release()
            # Nothing is clicked or reloaded: the page's watcher reruns it.
            expect(page.locator(f'{MAIN} [data-testid="stMetric"]').first).to_be_visible()
            expect(notice).to_have_count(0)
            assert problems(page) == []
    finally:
        context.close()
