"""The cookie routes called directly with a built request: the cookie's attributes, the
same-origin rule, the redirect that never leaves the server, sign-out clearing."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from starlette.requests import Request

from pipeline.access import auth
from pipeline.dashboard import session_cookie as sc
from tests.upload_fixtures import _template_warehouse, db, fast_hashing  # noqa: F401


def request(path: str, *, scheme: str = "http", site: str | None = "same-origin",
            cookie: str | None = None, headers: dict | None = None, **query) -> Request:
    raw = [] if site is None else [(b"sec-fetch-site", site.encode())]
    if cookie:
        raw.append((b"cookie", f"{sc.SESSION_COOKIE}={cookie}".encode()))
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return Request({"type": "http", "method": "GET", "path": path, "scheme": scheme,
                    "query_string": urlencode(query).encode(), "headers": raw,
                    "server": ("dashboard.example", 443 if scheme == "https" else 80)})


def cookie_of(response) -> str | None:
    found = [h for h in response.headers.getlist("set-cookie") if h.startswith(sc.SESSION_COOKIE)]
    return found[0] if found else None


def grant(db, name: str = "d1") -> str:
    return auth.create_grant(db, auth.get_user(db, name))


def test_start_sets_an_httponly_strict_cookie_and_goes_back(db, monkeypatch):
    monkeypatch.setenv(auth.ENV_SESSION_HOURS, "2")
    response = sc._start_session(request(sc.START_PATH, grant=grant(db), next="/upload?fy=2024"))
    assert response.status_code == 303 and response.headers["location"] == "/upload?fy=2024"
    assert response.headers["cache-control"] == "no-store"
    cookie = cookie_of(response)
    parts = [p.strip().lower() for p in cookie.split(";")]
    assert "httponly" in parts and "samesite=strict" in parts and "path=/" in parts
    assert "max-age=7200" in parts and "secure" not in parts
    token = cookie.split(";")[0].split("=", 1)[1]
    assert auth.session_user(db, token).username == "d1"


@pytest.mark.parametrize("kw", [dict(scheme="https"),
                                dict(headers={"X-Forwarded-Proto": "https"})])
def test_secure_when_served_over_https(db, kw):
    response = sc._start_session(request(sc.START_PATH, grant=grant(db), next="/", **kw))
    assert "secure" in [p.strip().lower() for p in cookie_of(response).split(";")]


@pytest.mark.parametrize("site", ["cross-site", "same-site", "none"])
def test_a_navigation_from_elsewhere_sets_no_cookie(db, site):
    code = grant(db)
    response = sc._start_session(request(sc.START_PATH, site=site, grant=code, next="/"))
    assert response.status_code == 303 and cookie_of(response) is None
    # the grant is still unused: it was not spent by the foreign request
    assert auth.redeem_grant(db, code) is not None


def test_a_used_or_made_up_grant_sets_no_cookie(db):
    code = grant(db)
    assert cookie_of(sc._start_session(request(sc.START_PATH, grant=code))) is not None
    assert cookie_of(sc._start_session(request(sc.START_PATH, grant=code))) is None
    assert cookie_of(sc._start_session(request(sc.START_PATH, grant="x" * 43))) is None
    assert cookie_of(sc._start_session(request(sc.START_PATH))) is None


@pytest.mark.parametrize("target,expected", [
    ("/history?dept=K01", "/history?dept=K01"), ("https://evil.example/", "/"),
    ("//evil.example/x", "/"), ("/\\evil.example", "/"), ("javascript:alert(1)", "/"),
    ("", "/"), ("/a\r\nSet-Cookie: x=1", "/")])
def test_redirects_stay_on_this_server(db, target, expected):
    response = sc._start_session(request(sc.START_PATH, grant=grant(db), next=target))
    assert response.headers["location"] == expected


def test_end_revokes_and_clears(db):
    token = auth.create_session(db, "d1", lifetime=timedelta(hours=1))
    response = sc._end_session(request(sc.END_PATH, cookie=token, next="/pdca"))
    assert response.headers["location"] == "/pdca"
    cleared = [p.strip().lower() for p in cookie_of(response).split(";")]
    assert "max-age=0" in cleared and "httponly" in cleared and "samesite=strict" in cleared
    assert auth.session_user(db, token) is None


def test_end_from_elsewhere_leaves_the_session(db):
    token = auth.create_session(db, "d1", lifetime=timedelta(hours=1))
    response = sc._end_session(request(sc.END_PATH, site="cross-site", cookie=token))
    assert cookie_of(response) is None
    assert auth.session_user(db, token).username == "d1"


def test_routes_are_registered_and_flag_the_process(monkeypatch):
    monkeypatch.setenv(sc._ROUTES_FLAG, "0")      # restored after the test (other tests run unmounted)
    assert not sc.routes_mounted()
    paths = [r.path for r in sc.session_routes()]
    assert paths == [sc.START_PATH, sc.END_PATH] and sc.routes_mounted()
