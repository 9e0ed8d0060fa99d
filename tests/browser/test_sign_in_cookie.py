"""Sign-in that survives a reload, on the writing server (`flow_url`, served by server.py
with the cookie routes): reload, new tab, sign-out + reload, account removal or role
change + reload, expiry; the cookie's attributes; the in-page form at 1366×768."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from pipeline.access import auth
from pipeline.dashboard.session_cookie import END_PATH, SESSION_COOKIE
from pipeline.texts import auth as atxt
from pipeline.warehouse.schema import connect
from tests.browser.helpers import MAIN, SIDEBAR, goto, problems, sign_in, wait_ready

pytestmark = pytest.mark.browser

PASSWORD = "cookie-test-pass-1"
SIGNED_IN = atxt.SIGNED_IN_AS.split("{")[0]
AFTER_NAME = atxt.SIGNED_IN_AS.split("{name}")[1].split("{")[0]     # what follows the name


def signed_in_as(page) -> str | None:
    """The user name the sidebar shows, or None (signed out: the sign-in form is there)."""
    sidebar = page.locator(SIDEBAR)
    text = sidebar.inner_text()
    if SIGNED_IN in text:
        return text.split(SIGNED_IN, 1)[1].split(AFTER_NAME, 1)[0].strip()
    assert sidebar.locator('[data-testid="stExpander"]').filter(has_text=atxt.SIGN_IN_HEADING).count() == 1
    return None


def reload(page) -> None:
    page.reload(wait_until="domcontentloaded")
    wait_ready(page)


def session_cookie(context) -> dict | None:
    return next((c for c in context.cookies() if c["name"] == SESSION_COOKIE), None)


@pytest.fixture
def account(flow_server):
    """A fresh viewer account on the writing server's warehouse (removed afterwards)."""
    made = []

    def make(name: str, role: str = auth.ROLE_VIEWER) -> str:
        auth.add_account(flow_server.db, name, PASSWORD, role, actor="test")
        made.append(name)
        return name

    yield make
    for name in made:
        if auth.get_user(flow_server.db, name) is not None:
            auth.remove_account(flow_server.db, name, actor="test")


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="ja-JP")
    ctx.set_default_timeout(30_000)
    yield ctx
    ctx.close()


def test_signed_in_across_reload_and_new_tab(context, flow_url, flow_server, account):
    name = account("cookie-tabs")
    page = goto(context.new_page(), flow_url, "history")
    form = page.locator(MAIN).get_by_role("button", name=atxt.SIGN_IN, exact=True)
    box = form.bounding_box()
    assert box and box["y"] + box["height"] <= 768              # above the fold, in the page
    sign_in(page, name, PASSWORD, where=MAIN)
    assert page.url.startswith(f"{flow_url}/history")            # back where the user was
    assert signed_in_as(page) == name and problems(page) == []

    cookie = session_cookie(context)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert not cookie["secure"]                                   # served over plain http here
    hours = (cookie["expires"] - datetime.now().timestamp()) / 3600
    assert 7.9 < hours <= 8.0
    with connect(flow_server.db) as con:
        stored = [r[0] for r in con.execute(
            "SELECT token_sha256 FROM auth_sessions WHERE username = ?", [name]).fetchall()]
    assert stored == [auth.token_digest(cookie["value"])]         # only the hash is stored

    reload(page)
    assert signed_in_as(page) == name
    other = goto(context.new_page(), flow_url, "upload")          # a link opened in a new tab
    assert signed_in_as(other) == name


def test_sign_out_then_reload_is_signed_out(context, browser, flow_url, account):
    name = account("cookie-out")
    page = goto(context.new_page(), flow_url, "history")
    sign_in(page, name, PASSWORD)
    token = session_cookie(context)["value"]
    second_tab = goto(context.new_page(), flow_url, "")
    assert signed_in_as(second_tab) == name

    with page.expect_response(lambda r: END_PATH in r.url):
        page.locator(SIDEBAR).get_by_role("button", name=atxt.SIGN_OUT, exact=True).click()
    wait_ready(page)
    assert session_cookie(context) is None
    reload(page)
    assert signed_in_as(page) is None
    reload(second_tab)
    assert signed_in_as(second_tab) is None

    # The old token, replayed by another browser, is refused: it was ended server-side.
    thief = browser.new_context()
    try:
        thief.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": flow_url}])
        assert signed_in_as(goto(thief.new_page(), flow_url, "history")) is None
    finally:
        thief.close()


def test_removing_the_account_or_changing_its_role_ends_the_session(context, browser, flow_url,
                                                                     flow_server, account):
    removed, changed = account("cookie-removed"), account("cookie-changed")
    page = goto(context.new_page(), flow_url, "history")
    sign_in(page, removed, PASSWORD)
    other = browser.new_context()
    try:
        page2 = goto(other.new_page(), flow_url, "history")
        sign_in(page2, changed, PASSWORD)

        auth.remove_account(flow_server.db, removed, actor="test")
        auth.add_account(flow_server.db, changed, PASSWORD, auth.ROLE_HQ, replace=True, actor="test")
        reload(page)
        reload(page2)
        assert signed_in_as(page) is None
        assert signed_in_as(page2) is None
    finally:
        other.close()


def test_an_expired_session_is_signed_out(context, flow_url, flow_server, account):
    name = account("cookie-expired")
    page = goto(context.new_page(), flow_url, "history")
    sign_in(page, name, PASSWORD)
    with connect(flow_server.db, write=True) as con:
        con.execute("UPDATE auth_sessions SET expires_at = ? WHERE username = ?",
                    [datetime.now() - timedelta(seconds=1), name])
    reload(page)
    assert signed_in_as(page) is None
