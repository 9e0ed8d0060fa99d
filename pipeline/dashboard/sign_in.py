"""Streamlit glue for sign-in: the sidebar box and the page role gates.

`render_sign_in()` is called once per run from app.py.  With an ``[auth]``
section in .streamlit/secrets.toml it offers `st.login` (OpenID Connect);
otherwise a user name / password form for the built-in accounts.

The signed-in user is kept server-side in session state as a user name only
and re-read from the warehouse on every run (cached on the warehouse
version token), so a removed account or a changed role applies at once.
Pages call `require_roles(...)` to stop early; the pipeline functions they
call check the role again themselves.
"""
from __future__ import annotations

import streamlit as st

from pipeline.access import auth
from pipeline.texts import auth as txt
from pipeline.warehouse.schema import WarehouseError, db_path, version_token

SESSION_USER = "_auth_username"
_FORM = "auth_sign_in"


def secrets() -> dict:
    """.streamlit/secrets.toml as a dict ({} when there is none)."""
    try:
        return st.secrets.to_dict()
    except Exception:
        return {}


@st.cache_data(show_spinner=False, max_entries=256)
def _stored_user(db: str, username: str, token: tuple) -> auth.User | None:
    return auth.get_user(db, username)


def _oidc_user(conf: dict) -> auth.User | None:
    try:
        if not st.user.is_logged_in:
            return None
        info = st.user.to_dict()
    except Exception:
        return None
    return auth.user_for_email(None, info.get("email"), info.get("name"), conf)


def current_user() -> auth.User | None:
    """The signed-in user as stored now, or None."""
    conf = secrets()
    try:
        if auth.oidc_configured(conf):
            return _oidc_user(conf)
        name = st.session_state.get(SESSION_USER)
        if not name:
            return None
        db = str(db_path())
        return _stored_user(db, name, version_token(db))
    except WarehouseError:
        return None


def _sign_out() -> None:
    for key in list(st.session_state.keys()):
        del st.session_state[key]


def _password_form() -> None:
    with st.form(_FORM, clear_on_submit=True):
        st.markdown(f"**{txt.SIGN_IN_HEADING}**")
        username = st.text_input(txt.USERNAME, key="auth_username", autocomplete="username")
        password = st.text_input(txt.PASSWORD, type="password", key="auth_password",
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
        st.session_state[SESSION_USER] = result.user.username
        st.rerun()
    st.error(result.message)


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
        elif auth.oidc_configured(conf):
            st.button(txt.SIGN_IN_WITH_PROVIDER, key="auth_sign_in_oidc", on_click=st.login)
        else:
            _password_form()
    if user is None and auth.login_required_to_view(conf):
        st.info(txt.LOGIN_REQUIRED_TO_VIEW)
        st.stop()
    return user


def require_roles(*roles: str) -> auth.User:
    """Stop the page with a notice unless the signed-in user has one of `roles`."""
    user = current_user()
    try:
        return auth.require_role(user, *roles)
    except auth.AccessDenied as exc:
        st.warning(str(exc))
        st.stop()
