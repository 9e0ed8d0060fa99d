"""AppTest of the sidebar sign-in box: success, failure, rate limit, sign-out, viewing gate."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from pipeline.access import auth
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


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
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
