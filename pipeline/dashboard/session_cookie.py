"""The two HTTP routes that set and clear the sign-in cookie (mounted by server.py).

``GET /_pdca/session/start?grant=…&next=…`` exchanges a one-time grant
(pipeline.access.auth) for a session token and sets it as the cookie
``pdca_session`` (HttpOnly, SameSite=Strict, Path=/, Secure over HTTPS, Max-Age =
the session lifetime); ``GET /_pdca/session/end?next=…`` revokes the session and
clears the cookie.  Both answer with a redirect back to `next` (a path on this
server).  Kept apart from sign_in.py so that server.py can import it before
Streamlit's runtime exists (sign_in's caches are made at import).
"""
from __future__ import annotations

import os
from urllib.parse import urlencode

import streamlit as st
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from streamlit import config as st_config

from pipeline.access import auth
from pipeline.warehouse.schema import WarehouseError

SESSION_COOKIE = "pdca_session"
START_PATH = "/_pdca/session/start"
END_PATH = "/_pdca/session/end"
# Set by session_routes() in the server process: an environment variable rather than a
# module global, so it survives Streamlit reloading the app's modules after an edit.
_ROUTES_FLAG = "_PDCA_SESSION_ROUTES"


def routes_mounted() -> bool:
    """Whether this server answers the routes (else a sign-in lasts for the tab's session)."""
    return os.environ.get(_ROUTES_FLAG) == "1"


def base_path() -> str:
    base = (st_config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def route_url(path: str, **query: str) -> str:
    return base_path() + path + "?" + urlencode(query)


def secrets() -> dict:
    """.streamlit/secrets.toml as a dict ({} when there is none)."""
    try:
        return st.secrets.to_dict()
    except Exception:
        return {}


def session_routes() -> list[Route]:
    """The routes that set and clear the session cookie, for `st.App(routes=...)`."""
    os.environ[_ROUTES_FLAG] = "1"
    base = base_path()
    return [Route(base + START_PATH, _start_session, methods=["GET"]),
            Route(base + END_PATH, _end_session, methods=["GET"])]


def _same_origin(request: Request) -> bool:
    """Only a navigation started by the app itself (Sec-Fetch-Site: same-origin) may set
    or clear the cookie: a link from elsewhere can neither sign someone in as another
    account nor sign them out.  (Browsers without the header are let through.)"""
    return request.headers.get("sec-fetch-site", "same-origin") == "same-origin"


def _https(request: Request) -> bool:
    return (request.url.scheme == "https"
            or request.headers.get("x-forwarded-proto", "").split(",")[0].strip() == "https")


def _safe_next(value: str | None) -> str:
    """A path on this server to return to (never another host: no open redirect)."""
    if (not value or not value.startswith("/") or value.startswith("//") or "\\" in value
            or any(ord(ch) < 32 for ch in value) or len(value) > 2000):
        return base_path() + "/"
    return value


def _redirect_response(request: Request) -> Response:
    response = RedirectResponse(_safe_next(request.query_params.get("next")), status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _start_session(request: Request) -> Response:
    response = _redirect_response(request)
    if not _same_origin(request):
        return response
    lifetime = auth.session_lifetime(secrets())
    try:
        token = auth.redeem_grant(None, request.query_params.get("grant"), lifetime=lifetime)
    except WarehouseError:
        token = None                          # back to the page, still signed out
    if token:
        response.set_cookie(SESSION_COOKIE, token, max_age=int(lifetime.total_seconds()),
                            path="/", secure=_https(request), httponly=True, samesite="strict")
    return response


def _end_session(request: Request) -> Response:
    response = _redirect_response(request)
    if not _same_origin(request):
        return response
    try:
        auth.revoke_session(None, request.cookies.get(SESSION_COOKIE))
    except WarehouseError:
        pass                                  # the sign-out button revoked it already
    response.delete_cookie(SESSION_COOKIE, path="/", secure=_https(request), httponly=True,
                           samesite="strict")
    return response
