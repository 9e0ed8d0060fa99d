"""Nothing served calls out: every page, as a visitor, in presentation mode and signed
in as HQ, makes requests to the app server only (municipal networks have no internet,
and a request to a public CDN would tell it who is looking)."""
from __future__ import annotations

from urllib.parse import urlparse

import pytest

from pipeline.access import auth
from tests.browser.helpers import PAGES, goto, sign_in

pytestmark = pytest.mark.browser

ACCOUNTS = {name: password for name, password, _role, _dept in auth.DEMO_ACCOUNTS}
HQ = next(name for name, _pw, role, _dept in auth.DEMO_ACCOUNTS if role == auth.ROLE_HQ)


def _outside(requests: list[str], app_url: str) -> list[str]:
    own = urlparse(app_url).netloc
    return sorted({u for u in requests
                   if urlparse(u).scheme not in ("data", "blob", "about")
                   and urlparse(u).netloc != own})


def test_every_page_requests_only_the_app_server(browser, app_url):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="ja-JP")
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    try:
        page = context.new_page()
        for app_page in PAGES:
            goto(page, app_url, app_page.url)
        for app_page in PAGES:
            goto(page, app_url, app_page.url, present="1")
        goto(page, app_url, "upload")
        sign_in(page, HQ, ACCOUNTS[HQ])
        for app_page in PAGES:
            goto(page, app_url, app_page.url)
    finally:
        context.close()
    assert len(requests) > len(PAGES)                 # the recording saw the page loads
    assert _outside(requests, app_url) == []
