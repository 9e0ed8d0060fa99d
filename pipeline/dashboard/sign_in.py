"""Streamlit glue for sign-in: the sign-in box (sidebar or in the page) and the page
role gates.

`render_sign_in()` is called once per run from app.py.  With an ``[auth]``
section in .streamlit/secrets.toml it offers `st.login` (OpenID Connect, which
keeps its own cookie); otherwise a user name / password form for the built-in
accounts.  A page that needs a sign-in (`require_roles`) offers the same form
in the page itself, since the sidebar box can sit below the fold.

Sign-in that survives a reload (built-in accounts).  server.py mounts the routes
of pipeline.dashboard.session_cookie on Streamlit's own server (`st.App`).  A good password makes
a one-time grant (pipeline.access.auth) and sends the browser to
``/_pdca/session/start?grant=…&next=<this page>``; that route exchanges the grant
for a random session token, sets it as the cookie ``pdca_session`` (HttpOnly,
SameSite=Strict, Path=/, Secure over HTTPS, Max-Age = the session lifetime) and
redirects back.  Every run reads the cookie with `st.context.cookies` and looks
the token's hash up in the warehouse (cached on the warehouse version token),
so a sign-out, a removed account or a changed role applies at once.  Sign-out
deletes the session and sends the browser to ``/_pdca/session/end``, which
clears the cookie.  Without the routes (plain ``streamlit run app.py``, AppTest)
the sign-in is kept in the Streamlit session only, as a user name.

Pages call `require_roles(...)` to stop early; the pipeline functions they call
check the role again themselves.
"""
from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import streamlit as st

from pipeline.access import auth
from pipeline.dashboard.session_cookie import (END_PATH, SESSION_COOKIE, START_PATH, route_url,
                                              routes_mounted, secrets)
from pipeline.texts import auth as txt
from pipeline.warehouse.schema import WarehouseError, db_path, version_token

SESSION_USER = "_auth_username"
SIDEBAR, PAGE = "sidebar", "page"
SIDEBAR_BOX = "auth_sidebar_box"          # the sidebar's sign-in expander (open: True)
_FORM = "auth_sign_in"


# --- who is signed in ---------------------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=256)
def _stored_user(db: str, username: str, token: tuple) -> auth.User | None:
    return auth.get_user(db, username)


@st.cache_data(show_spinner=False, max_entries=256)
def _stored_session(db: str, session_token: str, token: tuple) -> auth.Session | None:
    return auth.find_session(db, session_token)


def _oidc_user(conf: dict) -> auth.User | None:
    try:
        if not st.user.is_logged_in:
            return None
        info = st.user.to_dict()
    except Exception:
        return None
    return auth.user_for_email(None, info.get("email"), info.get("name"), conf)


def _cookie_token() -> str | None:
    """The session token the browser sent when this tab connected (None without one)."""
    try:
        return st.context.cookies.get(SESSION_COOKIE)
    except Exception:                       # no browser session (bare script run)
        return None


def current_user() -> auth.User | None:
    """The signed-in user as stored now, or None."""
    conf = secrets()
    try:
        if auth.oidc_configured(conf):
            return _oidc_user(conf)
        db = str(db_path())
        token = _cookie_token()
        if token:
            session = _stored_session(db, token, version_token(db))
            if session is not None and session.valid():
                return session.user
        name = st.session_state.get(SESSION_USER)
        if not name:
            return None
        return _stored_user(db, name, version_token(db))
    except WarehouseError:
        return None


# --- the browser side of a session ----------------------------------------------------

def _here() -> str:
    """This page's path and query (filters), where the browser comes back to."""
    path = urlsplit(st.context.url or "").path or "/"
    query = urlencode(st.query_params.to_dict())
    return path + (f"?{query}" if query else "")


def _redirect(url: str) -> None:
    """Send the browser to `url` on this server (a full page load).

    Streamlit has no public call for this; it is the message `st.login` and
    `st.logout` send (the frontend sets window.location), pinned with streamlit
    in requirements.txt and covered by tests/browser/test_sign_in_cookie.py."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return
    msg = ForwardMsg()
    msg.auth_redirect.url = url
    ctx.enqueue(msg)


def _signed_in(user: auth.User) -> None:
    if routes_mounted():
        try:
            grant = auth.create_grant(None, user)
        except WarehouseError as exc:
            st.error(str(exc))
            return
        _redirect(route_url(START_PATH, grant=grant, next=_here()))
        st.caption(txt.SIGNING_IN)
        st.stop()
    st.session_state[SESSION_USER] = user.username
    st.rerun()


def _sign_out() -> None:
    token = _cookie_token()
    if token:
        try:
            auth.revoke_session(None, token)
        except WarehouseError:
            pass                              # the end route revokes it again
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if token and routes_mounted():
        _redirect(route_url(END_PATH, next=_here()))


# --- the sign-in box ---------------------------------------------------------------------

def password_form(area: str = SIDEBAR) -> None:
    """The user name / password form, drawn where the caller is (sidebar or page);
    `area` keeps the widget keys apart when both are on screen."""
    suffix = "" if area == SIDEBAR else f"_{area}"
    with st.form(_FORM + suffix, clear_on_submit=True):
        st.markdown(f"**{txt.SIGN_IN_HEADING}**")
        username = st.text_input(txt.USERNAME, key="auth_username" + suffix, autocomplete="username")
        password = st.text_input(txt.PASSWORD, type="password", key="auth_password" + suffix,
                                 autocomplete="current-password")
        submitted = st.form_submit_button(txt.SIGN_IN)
    if not submitted:
        return
    if not username or not password:
        st.error(txt.SIGN_IN_EMPTY)
        return
    try:
        result = auth.authenticate(None, username, password)
    except WarehouseError as exc:
        st.error(str(exc))
        return
    if result.ok:
        _signed_in(result.user)
        return
    st.error(result.message)


def sign_in_box(area: str = SIDEBAR) -> None:
    """The way to sign in that this installation offers: the provider's button or the form."""
    if auth.oidc_configured(secrets()):
        suffix = "" if area == SIDEBAR else f"_{area}"
        st.button(txt.SIGN_IN_WITH_PROVIDER, key="auth_sign_in_oidc" + suffix, on_click=st.login)
    else:
        password_form(area)


def _sidebar_sign_in() -> None:
    """The sidebar's way in.  The password form sits in an expander (SIDEBAR_BOX) and is
    rendered only while it is open: most viewers never sign in, and the form's widgets cost
    every page switch a re-render and every new viewer about ten more script bundles
    (bench/browser.py).  Pages that need a role offer the form in the page itself."""
    if auth.oidc_configured(secrets()):
        sign_in_box(SIDEBAR)
        return
    box = st.expander(txt.SIGN_IN_HEADING, key=SIDEBAR_BOX, on_change="rerun")
    if box.open:
        with box:
            password_form(SIDEBAR)


def render_sign_in() -> auth.User | None:
    """The sidebar sign-in box; stops the page when viewing needs a sign-in."""
    conf = secrets()
    user = current_user()
    with st.sidebar:
        if user is not None:
            st.caption(txt.SIGNED_IN_AS.format(name=user.label,
                                               role=txt.ROLE_LABELS.get(user.role, user.role)))
            if user.department_code:
                st.caption(txt.SIGNED_IN_DEPARTMENT.format(department=user.department_code))
            if auth.oidc_configured(conf):
                st.button(txt.SIGN_OUT, key="auth_sign_out", on_click=st.logout)
            else:
                st.button(txt.SIGN_OUT, key="auth_sign_out", on_click=_sign_out)
        else:
            _sidebar_sign_in()
    if user is None and auth.login_required_to_view(conf):
        st.info(txt.LOGIN_REQUIRED_TO_VIEW)
        sign_in_box(PAGE)
        st.stop()
    return user


def require_roles(*roles: str, denied: str | None = None) -> auth.User:
    """Stop the page unless the signed-in user has one of `roles`; nobody signed in gets
    the sign-in form here in the page.  `denied`: the page's own note, shown (as info)
    to everyone without the role instead of the general messages."""
    user = current_user()
    try:
        return auth.require_role(user, *roles)
    except auth.AccessDenied as exc:
        if denied is not None:
            st.info(denied)
        elif user is None:
            st.info(txt.SIGN_IN_ON_THIS_PAGE)
        else:
            st.warning(str(exc))
        if user is None:
            sign_in_box(PAGE)
        st.stop()
