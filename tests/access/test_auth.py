"""Accounts, password hashing, rate limiting, role checks and settings."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from pipeline.access import auth
from pipeline import load
from pipeline.warehouse.schema import connect
from tests import factories as f
from tests.upload_fixtures import PASSWORDS, _template_warehouse, db, fast_hashing  # noqa: F401

T0 = datetime(2025, 6, 1, 9, 0, 0)


def test_passwords_are_stored_only_as_argon2_hashes(db):
    with connect(db) as con:
        rows = dict(con.execute("SELECT username, password_hash FROM accounts").fetchall())
    assert set(rows) == {"hq", "d1", "d2", "viewer"}
    for name, hashed in rows.items():
        assert hashed.startswith("$argon2id$")
        assert PASSWORDS[name] not in hashed


def test_sign_in_with_the_right_password(db):
    result = auth.authenticate(db, "d1", PASSWORDS["d1"])
    assert result.ok and result.message is None
    assert result.user == auth.User("d1", auth.ROLE_DEPARTMENT, "D01", None, auth.VIA_PASSWORD)


def test_user_names_are_case_and_width_insensitive(db):
    assert auth.authenticate(db, " ＨＱ ", PASSWORDS["hq"]).user.username == "hq"


@pytest.mark.parametrize("name,password", [("d1", "wrong-password"), ("nobody", "whatever-1"),
                                           ("d1", "")])
def test_wrong_password_or_unknown_user_fails_with_one_message(db, name, password):
    result = auth.authenticate(db, name, password)
    assert not result.ok and not result.locked
    assert result.message == auth.txt.SIGN_IN_FAILED


def test_oidc_account_cannot_sign_in_with_a_password(db):
    auth.add_account(db, "alice@example.jp", None, auth.ROLE_HQ, oidc=True, actor="test")
    assert not auth.authenticate(db, "alice@example.jp", "").ok
    assert not auth.authenticate(db, "alice@example.jp", "anything-long").ok


def test_five_failures_lock_the_account_for_five_minutes(db):
    for i in range(auth.MAX_FAILURES - 1):
        result = auth.authenticate(db, "d1", "bad", now=T0 + timedelta(seconds=i))
        assert not result.locked
    fifth = auth.authenticate(db, "d1", "bad", now=T0 + timedelta(seconds=4))
    assert fifth.locked
    # Locked: even the right password is refused, and the wait counts from the first failure.
    locked = auth.authenticate(db, "d1", PASSWORDS["d1"], now=T0 + timedelta(seconds=60))
    assert locked.locked and not locked.ok
    assert locked.retry_after == timedelta(minutes=5) - timedelta(seconds=60)
    assert "4分" in locked.message
    # Other accounts are unaffected.
    assert auth.authenticate(db, "d2", PASSWORDS["d2"], now=T0 + timedelta(seconds=60)).ok
    # Once the first failure is older than the window one attempt is free again.
    later = auth.authenticate(db, "d1", PASSWORDS["d1"], now=T0 + timedelta(minutes=5, seconds=1))
    assert later.ok


def test_failures_spread_over_more_than_the_window_do_not_lock(db):
    for i in range(auth.MAX_FAILURES + 2):
        result = auth.authenticate(db, "d1", "bad", now=T0 + timedelta(minutes=2 * i))
        assert not result.locked
    assert auth.authenticate(db, "d1", PASSWORDS["d1"], now=T0 + timedelta(minutes=20)).ok


def test_a_success_clears_earlier_failures(db):
    for i in range(auth.MAX_FAILURES - 1):
        auth.authenticate(db, "d1", "bad", now=T0 + timedelta(seconds=i))
    assert auth.authenticate(db, "d1", PASSWORDS["d1"], now=T0 + timedelta(seconds=10)).ok
    assert not auth.authenticate(db, "d1", "bad", now=T0 + timedelta(seconds=11)).locked


def test_unknown_names_are_rate_limited_too(db):
    for i in range(auth.MAX_FAILURES):
        auth.authenticate(db, "ghost", "bad", now=T0 + timedelta(seconds=i))
    assert auth.authenticate(db, "ghost", "bad", now=T0 + timedelta(seconds=9)).locked


def test_lockout_is_persisted_and_audited(db):
    for i in range(auth.MAX_FAILURES):
        auth.authenticate(db, "hq", "bad", now=T0 + timedelta(seconds=i))
    with connect(db) as con:
        failures = con.execute("SELECT count(*) FROM sign_in_failures WHERE username = 'hq'").fetchone()[0]
        events = con.execute("SELECT action, target, detail FROM audit_log WHERE action = 'account' "
                             "AND target = 'hq' ORDER BY event_id").fetchall()
    assert failures == auth.MAX_FAILURES
    assert json.loads(events[-1][2]) == {"event": "locked"}
    listed = {a.username: a for a in auth.list_accounts(db, now=T0 + timedelta(seconds=30))}
    assert listed["hq"].locked and not listed["d1"].locked


def test_require_role_matrix(db):
    hq, d1, viewer = (auth.get_user(db, n) for n in ("hq", "d1", "viewer"))
    with pytest.raises(auth.AccessDenied, match="サインイン"):
        auth.require_role(None, auth.ROLE_VIEWER)
    with pytest.raises(auth.AccessDenied):
        auth.require_role(viewer, *auth.UPLOAD_ROLES)
    assert auth.require_role(d1, *auth.UPLOAD_ROLES, department="D01") is d1
    with pytest.raises(auth.AccessDenied, match="D02"):
        auth.require_role(d1, *auth.UPLOAD_ROLES, department="D02")
    with pytest.raises(auth.AccessDenied):
        auth.require_role(d1, auth.ROLE_HQ)
    assert auth.require_role(hq, *auth.UPLOAD_ROLES, department="D02") is hq
    assert auth.has_role(hq, auth.ROLE_HQ) and not auth.has_role(d1, auth.ROLE_HQ)
    assert not auth.has_role(None, auth.ROLE_HQ) and not auth.has_role(viewer, *auth.UPLOAD_ROLES)
    assert auth.has_role(d1, *auth.UPLOAD_ROLES, department="D01")
    assert not auth.has_role(d1, *auth.UPLOAD_ROLES, department="D02")
    assert auth.upload_department(hq) is None
    assert auth.upload_department(d1) == "D01"
    with pytest.raises(auth.AccessDenied):
        auth.upload_department(viewer)
    assert auth.can_access_department(d1, "D01") and not auth.can_access_department(d1, "D02")
    assert not auth.can_access_department(None, "D01")


@pytest.mark.parametrize("kwargs,match", [
    (dict(username="x1", password="short", role="hq"), "8文字"),
    (dict(username="x1", password="long-enough", role="department"), "--department"),
    (dict(username="x1", password="long-enough", role="hq", department_code="D01"), "department"),
    (dict(username="x1", password="long-enough", role="department", department_code="Z99"), "Z99"),
    (dict(username="bad name!", password="long-enough", role="hq"), "ユーザー名"),
    (dict(username="x1", password="long-enough", role="admin"), "admin"),
    (dict(username="x1", password=None, role="hq"), "--oidc"),
    (dict(username="d1", password="long-enough", role="hq"), "--replace"),
])
def test_invalid_account_requests_are_refused(db, kwargs, match):
    username, password, role = kwargs.pop("username"), kwargs.pop("password"), kwargs.pop("role")
    with pytest.raises(auth.AccountError, match=match):
        auth.add_account(db, username, password, role, actor="test", **kwargs)


def test_replace_changes_role_and_password_and_is_audited(db):
    auth.add_account(db, "d1", "new-password-9", auth.ROLE_DEPARTMENT, department_code="D02",
                     replace=True, actor="cli:admin")
    assert auth.get_user(db, "d1").department_code == "D02"
    assert not auth.authenticate(db, "d1", PASSWORDS["d1"]).ok
    assert auth.authenticate(db, "d1", "new-password-9").ok
    with connect(db) as con:
        actor, detail = con.execute("SELECT actor, detail FROM audit_log WHERE action = 'account' "
                                    "ORDER BY event_id DESC LIMIT 1").fetchone()
    assert actor == "cli:admin"
    assert json.loads(detail) == {"event": "update", "role": "department", "department_code": "D02",
                                  "via": "password"}
    assert "new-password-9" not in detail


def test_remove_account_and_only_hq_manages_accounts_in_the_app(db):
    d1 = auth.get_user(db, "d1")
    with pytest.raises(auth.AccessDenied):
        auth.remove_account(db, "d2", acting_user=d1)
    with pytest.raises(auth.AccessDenied):
        auth.add_account(db, "x1", "long-enough", auth.ROLE_HQ, acting_user=d1)
    auth.remove_account(db, "d2", acting_user=auth.get_user(db, "hq"))
    assert auth.get_user(db, "d2") is None
    assert not auth.authenticate(db, "d2", PASSWORDS["d2"]).ok
    with pytest.raises(auth.AccountError):
        auth.remove_account(db, "d2", actor="test")
    with connect(db) as con:
        assert con.execute("SELECT actor FROM audit_log WHERE action = 'account' AND target = 'd2' "
                           "AND detail LIKE '%remove%'").fetchone()[0] == "hq"


def test_accounts_can_be_made_before_any_master(tmp_path, fast_hashing):
    path = tmp_path / "empty.duckdb"
    assert auth.get_user(path, "hq") is None
    assert auth.list_accounts(path) == []
    auth.add_account(path, "k01", "long-enough", auth.ROLE_DEPARTMENT, department_code="K01", actor="t")
    assert auth.get_user(path, "k01").department_code == "K01"


def test_login_required_setting():
    assert auth.login_required_to_view({}, {}) is False
    assert auth.login_required_to_view({"auth_settings": {"require_login_to_view": True}}, {}) is True
    assert auth.login_required_to_view({"auth_settings": {"require_login_to_view": "true"}}, {}) is True
    assert auth.login_required_to_view({"auth_settings": {"require_login_to_view": True}},
                                       {auth.ENV_REQUIRE_LOGIN: "0"}) is False
    assert auth.login_required_to_view({}, {auth.ENV_REQUIRE_LOGIN: "1"}) is True
    assert auth.oidc_configured({"auth": {"client_id": "x"}}) and not auth.oidc_configured({})


def test_oidc_users_map_to_roles_by_email(db):
    auth.add_account(db, "Boss@Example.jp", None, auth.ROLE_HQ, oidc=True, actor="test")
    secrets = {"auth_settings": {"roles": {"clerk@example.jp": "department:D02",
                                           "odd@example.jp": "department"}}}
    boss = auth.user_for_email(db, "boss@example.jp", "Boss", secrets)
    assert (boss.role, boss.via) == (auth.ROLE_HQ, auth.VIA_OIDC)
    clerk = auth.user_for_email(db, "CLERK@example.jp", "Clerk", secrets)
    assert (clerk.role, clerk.department_code) == (auth.ROLE_DEPARTMENT, "D02")
    assert auth.user_for_email(db, "odd@example.jp", None, secrets).role == auth.ROLE_VIEWER
    assert auth.user_for_email(db, "someone@else.jp", None, secrets).role == auth.ROLE_VIEWER
    assert auth.user_for_email(db, None) is None


def test_demo_accounts_fall_back_to_master_departments(tmp_path, fast_hashing):
    path = tmp_path / "demo.duckdb"
    load.load_master_bytes(f.small_master(), "master.xlsx", path, loaded_by="test")
    users = {u.username: u for u in auth.create_demo_accounts(path)}
    # The small master has D01 and D02, not K01/K05: the department accounts take those.
    assert users["hq"].role == auth.ROLE_HQ
    assert (users["k01"].department_code, users["k05"].department_code) == ("D01", "D02")
    assert auth.authenticate(path, "hq", "hq-demo-2026").ok
    # Idempotent: running it again replaces rather than failing.
    assert len(auth.create_demo_accounts(path)) == len(auth.DEMO_ACCOUNTS)


# --- sessions (sign-in that survives a reload) -----------------------------------------------

HOUR = timedelta(hours=1)


def _stored_sessions(db) -> list[tuple]:
    with connect(db) as con:
        return con.execute("SELECT token_sha256, username, role, expires_at FROM auth_sessions").fetchall()


def test_session_lifetime_setting():
    assert auth.session_lifetime({}, {}) == timedelta(hours=8)
    assert auth.session_lifetime({"auth_settings": {"session_hours": 2}}, {}) == timedelta(hours=2)
    assert auth.session_lifetime({"auth_settings": {"session_hours": 2}},
                                 {auth.ENV_SESSION_HOURS: "0.5"}) == timedelta(minutes=30)
    for bad in ("0", "-1", "abc", "100000", ""):
        assert auth.session_lifetime({}, {auth.ENV_SESSION_HOURS: bad}) == timedelta(hours=8)


def test_a_session_token_is_random_and_stored_only_as_its_sha256(db):
    token = auth.create_session(db, "d1", lifetime=8 * HOUR, now=T0)
    other = auth.create_session(db, "d1", lifetime=8 * HOUR, now=T0)
    assert token != other and len(token) >= 40
    rows = _stored_sessions(db)
    digests = {r[0] for r in rows}
    assert digests == {auth.token_digest(token), auth.token_digest(other)}
    assert all(token not in str(r) and PASSWORDS["d1"] not in str(r) for r in rows)
    with connect(db) as con:
        hashes = {r[0] for r in con.execute("SELECT password_hash FROM accounts").fetchall()}
    assert not digests & hashes and not any(token in h for h in hashes)


def test_session_user_until_expiry(db):
    token = auth.create_session(db, "d1", lifetime=8 * HOUR, now=T0)
    expected = auth.User("d1", auth.ROLE_DEPARTMENT, "D01", None, auth.VIA_PASSWORD)
    assert auth.session_user(db, token, now=T0 + 7 * HOUR) == expected
    assert auth.session_user(db, token, now=T0 + 8 * HOUR) is None
    assert auth.find_session(db, token).expires_at == T0 + 8 * HOUR


@pytest.mark.parametrize("token", [None, "", "short", "x" * 43 + "!", "a" * 500])
def test_malformed_or_unknown_tokens_are_nobody(db, token):
    assert auth.session_user(db, token) is None
    auth.revoke_session(db, token)                      # harmless


def test_sign_out_revokes_only_that_session(db):
    first = auth.create_session(db, "d1", lifetime=HOUR)
    second = auth.create_session(db, "d1", lifetime=HOUR)
    auth.revoke_session(db, first)
    assert auth.session_user(db, first) is None
    assert auth.session_user(db, second).username == "d1"


def test_removing_an_account_ends_its_sessions(db):
    token = auth.create_session(db, "d2", lifetime=HOUR)
    keep = auth.create_session(db, "d1", lifetime=HOUR)
    auth.remove_account(db, "d2", actor="test")
    assert auth.session_user(db, token) is None
    assert [r[1] for r in _stored_sessions(db)] == ["d1"]
    assert auth.session_user(db, keep).username == "d1"


@pytest.mark.parametrize("change", [
    dict(role=auth.ROLE_VIEWER),
    dict(role=auth.ROLE_DEPARTMENT, department_code="D02"),
    dict(role=auth.ROLE_DEPARTMENT, department_code="D01"),        # a new password only
])
def test_replacing_an_account_ends_its_sessions(db, change):
    token = auth.create_session(db, "d1", lifetime=HOUR)
    auth.add_account(db, "d1", "new-password-1", replace=True, actor="test", **change)
    assert auth.session_user(db, token) is None
    assert _stored_sessions(db) == []


def test_a_session_whose_role_changed_behind_its_back_is_void(db):
    token = auth.create_session(db, "d1", lifetime=HOUR)
    with connect(db, write=True) as con:          # e.g. an administrator editing the table
        con.execute("UPDATE accounts SET role = 'hq', department_code = NULL WHERE username = 'd1'")
    assert auth.session_user(db, token) is None


def test_a_grant_is_redeemed_once_within_a_minute(db):
    d1 = auth.get_user(db, "d1")
    grant = auth.create_grant(db, d1, now=T0)
    token = auth.redeem_grant(db, grant, lifetime=HOUR, now=T0 + timedelta(seconds=30))
    assert auth.session_user(db, token, now=T0 + timedelta(minutes=1)).username == "d1"
    assert auth.redeem_grant(db, grant, lifetime=HOUR, now=T0 + timedelta(seconds=31)) is None
    late = auth.create_grant(db, d1, now=T0)
    assert auth.redeem_grant(db, late, lifetime=HOUR, now=T0 + auth.GRANT_LIFETIME) is None
    with connect(db) as con:
        stored = [r[0] for r in con.execute("SELECT grant_sha256 FROM auth_grants").fetchall()]
    assert grant not in stored and late not in stored


def test_grants_only_for_built_in_accounts_and_void_when_the_account_goes(db):
    with pytest.raises(auth.AccessDenied):
        auth.create_grant(db, None)
    with pytest.raises(auth.AccessDenied):
        auth.create_grant(db, auth.User("a@example.jp", auth.ROLE_HQ, via=auth.VIA_OIDC))
    grant = auth.create_grant(db, auth.get_user(db, "d2"))
    auth.remove_account(db, "d2", actor="test")
    assert auth.redeem_grant(db, grant, lifetime=HOUR) is None


def test_expired_sessions_are_purged_when_a_new_one_starts(db):
    auth.create_session(db, "d1", lifetime=HOUR, now=T0)
    auth.create_session(db, "d2", lifetime=HOUR, now=T0 + 2 * HOUR)
    assert [r[1] for r in _stored_sessions(db)] == ["d2"]


def test_sessions_on_a_warehouse_without_the_tables(tmp_path, fast_hashing):
    path = tmp_path / "old.duckdb"
    with connect(path, write=True) as con:
        con.execute("SELECT 1")
    assert auth.session_user(path, "a" * 43) is None
    assert auth.create_session(path, "nobody") is None
