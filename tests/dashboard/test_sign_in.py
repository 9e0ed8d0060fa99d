"""AppTest of the sign-in box (sidebar and in the page): success, failure, rate limit,
sign-out, viewing gate, and sessions carried by the cookie (read and redirects faked)."""
from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs

import pytest
from streamlit.testing.v1 import AppTest

from pipeline.access import auth
from pipeline.dashboard import session_cookie
from pipeline.dashboard import sign_in as glue
from pipeline.dashboard.sign_in import SESSION_USER
from tests.upload_fixtures import PASSWORDS, _template_warehouse, db, fast_hashing  # noqa: F401

SCRIPT = """
import streamlit as st
from pipeline.dashboard import sign_in
user = sign_in.render_sign_in()
st.text("content:" + (user.username if user else "anonymous"))
"""


def app() -> AppTest:
    at = AppTest.from_string(SCRIPT, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def open_sidebar_form(at: AppTest) -> AppTest:
    """Open the sidebar's sign-in expander (its form is rendered only while open)."""
    at.session_state[glue.SIDEBAR_BOX] = True
    at.run()
    assert not at.exception, at.exception
    return at


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    open_sidebar_form(at)
    at.sidebar.text_input(key="auth_username").input(name)
    at.sidebar.text_input(key="auth_password").input(password)
    at.sidebar.button[0].click().run()
    assert not at.exception, at.exception
    return at


def test_sign_in_and_out(db):
    at = sign_in(app(), "hq", PASSWORDS["hq"])
    assert at.session_state[SESSION_USER] == "hq"
    assert at.text[0].value == "content:hq"
    assert "推進本部" in at.sidebar.caption[0].value
    at.sidebar.button(key="auth_sign_out").click().run()
    assert at.text[0].value == "content:anonymous"
    assert SESSION_USER not in at.session_state


def test_wrong_password_shows_one_message(db):
    at = sign_in(app(), "d1", "not-the-password")
    assert at.error[0].value == auth.txt.SIGN_IN_FAILED
    assert at.text[0].value == "content:anonymous"
    assert SESSION_USER not in at.session_state


def test_rate_limit_shows_in_the_box_and_holds_for_a_new_session(db):
    at = app()
    for _ in range(auth.MAX_FAILURES):
        sign_in(at, "d1", "bad-password")
    assert "ロック" in at.error[0].value
    fresh = sign_in(app(), "d1", PASSWORDS["d1"])          # another browser session
    assert "ロック" in fresh.error[0].value
    assert fresh.text[0].value == "content:anonymous"


def test_viewing_needs_sign_in_when_configured(db, monkeypatch):
    monkeypatch.setenv(auth.ENV_REQUIRE_LOGIN, "1")
    at = app()
    assert not at.text                                       # the page stopped
    assert at.info[0].value == auth.txt.LOGIN_REQUIRED_TO_VIEW
    sign_in(at, "viewer", PASSWORDS["viewer"])
    assert at.text[0].value == "content:viewer"


def test_removed_account_is_signed_out_at_once(db):
    at = sign_in(app(), "d2", PASSWORDS["d2"])
    assert at.text[0].value == "content:d2"
    auth.remove_account(db, "d2", actor="test")
    at.run()
    assert at.text[0].value == "content:anonymous"


OIDC = {"client_id": "x", "client_secret": "y", "redirect_uri": "http://localhost/oauth2callback",
        "cookie_secret": "z", "server_metadata_url": "https://idp.example/.well-known/openid-configuration"}


def test_openid_connect_when_configured(db):
    auth.add_account(db, "boss@example.jp", None, auth.ROLE_HQ, oidc=True, actor="test")
    at = AppTest.from_string(SCRIPT, default_timeout=60)
    at.secrets["auth"] = OIDC
    at.user = {"is_logged_in": False}
    at.run()
    # No password form: the provider's sign-in button instead.
    assert not at.sidebar.text_input
    assert [b.label for b in at.sidebar.button] == [auth.txt.SIGN_IN_WITH_PROVIDER]
    assert at.text[0].value == "content:anonymous"
    at.user = {"is_logged_in": True, "email": "Boss@example.jp", "name": "Boss"}
    at.run()
    assert at.text[0].value == "content:boss@example.jp"
    assert "推進本部" in at.sidebar.caption[0].value
    at.user = {"is_logged_in": True, "email": "someone@example.jp"}
    at.run()
    assert "閲覧者" in at.sidebar.caption[0].value              # unknown e-mail: viewer


# --- sessions that survive a reload (the cookie is read through sign_in._cookie_token) -------

PAGE_SCRIPT = """
import streamlit as st
from pipeline.access import auth
from pipeline.dashboard import sign_in
sign_in.render_sign_in()
user = sign_in.require_roles(*auth.UPLOAD_ROLES)
st.text("page:" + user.username)
"""


@pytest.fixture
def browser_cookie(monkeypatch):
    """What the browser sends: set `jar["token"]` to a session token (or None)."""
    jar = {"token": None}
    monkeypatch.setattr(glue, "_cookie_token", lambda: jar["token"])
    return jar


@pytest.fixture
def mounted(monkeypatch):
    """The server answers the cookie routes; redirects are recorded instead of sent."""
    sent: list[str] = []
    monkeypatch.setattr(glue, "routes_mounted", lambda: True)
    monkeypatch.setattr(glue, "_redirect", sent.append)
    return sent


def test_a_session_cookie_signs_in_every_new_tab(db, browser_cookie):
    browser_cookie["token"] = auth.create_session(db, "d1", lifetime=timedelta(hours=8))
    for _ in range(2):                                     # two tabs of the same browser
        at = app()
        assert at.text[0].value == "content:d1"
        assert "所管課" in at.sidebar.caption[0].value


def test_a_revoked_expired_or_unknown_cookie_is_nobody(db, browser_cookie):
    token = auth.create_session(db, "d1", lifetime=timedelta(hours=8))
    auth.revoke_session(db, token)
    expired = auth.create_session(db, "d2", lifetime=timedelta(hours=1),
                                  now=datetime.now() - timedelta(hours=2))
    for value in (token, expired, "x" * 43):
        browser_cookie["token"] = value
        assert app().text[0].value == "content:anonymous"


def test_removing_the_account_signs_the_open_tab_out_at_its_next_run(db, browser_cookie):
    browser_cookie["token"] = auth.create_session(db, "d2", lifetime=timedelta(hours=8))
    at = app()
    assert at.text[0].value == "content:d2"
    auth.remove_account(db, "d2", actor="test")
    at.run()
    assert at.text[0].value == "content:anonymous"


def test_sign_in_with_routes_sends_the_browser_to_redeem_a_grant(db, browser_cookie, mounted):
    at = sign_in(app(), "d1", PASSWORDS["d1"])
    assert SESSION_USER not in at.session_state             # the cookie will carry it
    assert at.sidebar.caption[-1].value == auth.txt.SIGNING_IN
    (url,) = mounted
    path, query = url.split("?")
    params = parse_qs(query)
    assert path == session_cookie.START_PATH and params["next"] == ["/"]
    token = auth.redeem_grant(db, params["grant"][0])     # what the route does
    assert auth.session_user(db, token).username == "d1"


def test_sign_out_with_routes_revokes_the_session_and_clears_the_cookie(db, browser_cookie, mounted):
    token = auth.create_session(db, "hq", lifetime=timedelta(hours=8))
    browser_cookie["token"] = token
    at = app()
    at.sidebar.button(key="auth_sign_out").click().run()
    assert at.text[0].value == "content:anonymous"          # at once, before the reload
    assert auth.session_user(db, token) is None
    assert [u.split("?")[0] for u in mounted] == [session_cookie.END_PATH]


def test_a_page_that_needs_a_sign_in_offers_the_form_in_the_page(db):
    at = AppTest.from_string(PAGE_SCRIPT, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert not at.text                                        # the page stopped
    assert at.info[0].value == auth.txt.SIGN_IN_ON_THIS_PAGE
    # the sidebar's form stays folded until opened; then both are on screen, with their own keys
    assert not at.sidebar.text_input
    assert [e.label for e in at.sidebar.expander] == [auth.txt.SIGN_IN_HEADING]
    open_sidebar_form(at)
    assert [t.key for t in at.sidebar.text_input] == ["auth_username", "auth_password"]
    assert [t.key for t in at.main.text_input] == ["auth_username_page", "auth_password_page"]
    at.main.text_input(key="auth_username_page").input("d1")
    at.main.text_input(key="auth_password_page").input(PASSWORDS["d1"])
    at.main.button[0].click().run()
    assert not at.exception, at.exception
    assert at.text[0].value == "page:d1"
    assert not at.main.text_input


def test_a_signed_in_user_without_the_role_gets_no_form(db):
    at = AppTest.from_string(PAGE_SCRIPT, default_timeout=60)
    at.run()
    open_sidebar_form(at)
    at.sidebar.text_input(key="auth_username").input("viewer")
    at.sidebar.text_input(key="auth_password").input(PASSWORDS["viewer"])
    at.sidebar.button[0].click().run()
    assert not at.main.text_input and not at.text
    assert "権限" in at.warning[0].value


def test_viewing_gate_offers_the_form_in_the_page(db, monkeypatch):
    monkeypatch.setenv(auth.ENV_REQUIRE_LOGIN, "1")
    at = app()
    assert [t.key for t in at.main.text_input] == ["auth_username_page", "auth_password_page"]
