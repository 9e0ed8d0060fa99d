"""Accounts, roles, sign-in and the server-side access checks.

Roles:
* ``viewer``     — reads the dashboard;
* ``department`` — also uploads workbooks for its own department;
* ``hq``         — uploads for any department, loads the master, restores
  earlier versions, reads the audit log and manages accounts.

Built-in accounts live in the warehouse (table ``accounts``) with passwords
stored only as Argon2id hashes (argon2-cffi).  Failed sign-ins are recorded
in ``sign_in_failures`` so the limit (MAX_FAILURES per account per
FAILURE_WINDOW) holds across sessions and restarts.

Where an OpenID Connect provider is configured (an ``[auth]`` section in
``.streamlit/secrets.toml``) the app signs people in with ``st.login`` and
maps their e-mail to a role: an ``accounts`` row whose username is the
e-mail (``users add alice@example.jp --oidc --role hq``), else
``[auth_settings.roles]`` in secrets (``"alice@example.jp" = "hq"`` or
``"department:K01"``), else viewer.

Whether viewing needs a sign-in: env ``PDCA_REQUIRE_LOGIN`` (1/0) wins over
``[auth_settings] require_login_to_view`` in secrets; default false.

Sessions (built-in accounts): a sign-in that should survive a reload gets an
opaque random token (cookie in the browser; see pipeline.dashboard.sign_in).
The warehouse keeps only its SHA-256 (``auth_sessions``) with the account's
role at sign-in and an expiry (env ``PDCA_SESSION_HOURS`` wins over
``[auth_settings] session_hours``; default 8).  Signing out deletes it;
removing or replacing an account (role, department, password) deletes all of
its sessions; a session whose account no longer has the role it had is void.
The token reaches the browser through a one-time grant (``auth_grants``, 60 s,
also stored hashed) so it never appears in a URL or in the script's messages.

Every write path calls `require_role` (or a helper built on it) with the
account re-read from the warehouse, never trusting what the page shows.
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets as _secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Mapping

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pipeline.warehouse import store
from pipeline.texts import auth as txt
from pipeline.warehouse.schema import connect, has_table, transaction

ROLE_VIEWER = "viewer"
ROLE_DEPARTMENT = "department"
ROLE_HQ = "hq"
ROLES = (ROLE_VIEWER, ROLE_DEPARTMENT, ROLE_HQ)
UPLOAD_ROLES = (ROLE_DEPARTMENT, ROLE_HQ)

VIA_PASSWORD = "password"
VIA_OIDC = "oidc"

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=5)
MIN_PASSWORD_LENGTH = 8
ENV_REQUIRE_LOGIN = "PDCA_REQUIRE_LOGIN"
ENV_SESSION_HOURS = "PDCA_SESSION_HOURS"
DEFAULT_SESSION_HOURS = 8.0
MAX_SESSION_HOURS = 24 * 30
GRANT_LIFETIME = timedelta(seconds=60)
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,128}$")
AUDIT_ACTION = "account"

_USERNAME_RE = re.compile(r"^[a-z0-9._@+-]{1,64}$")
_hasher = PasswordHasher()
_dummy: dict = {}


def _dummy_hash() -> str:
    """Verified against for unknown user names, so a miss costs the same time as a hit."""
    if id(_hasher) not in _dummy:
        _dummy[id(_hasher)] = _hasher.hash("pdca-dummy-password")
    return _dummy[id(_hasher)]

AUTH_SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS accounts (
    username VARCHAR PRIMARY KEY, password_hash VARCHAR, role VARCHAR,
    department_code VARCHAR, display_name VARCHAR, created_at TIMESTAMP, updated_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS sign_in_failures (username VARCHAR, occurred_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS auth_sessions (
    token_sha256 VARCHAR PRIMARY KEY, username VARCHAR NOT NULL, role VARCHAR,
    department_code VARCHAR, created_at TIMESTAMP, expires_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS auth_grants (
    grant_sha256 VARCHAR PRIMARY KEY, username VARCHAR NOT NULL, expires_at TIMESTAMP);
"""


class AccessDenied(Exception):
    """The signed-in user (or nobody) may not do this; the message is Japanese."""


class AccountError(ValueError):
    """An account request that cannot be carried out; the message is Japanese."""


@dataclass(frozen=True)
class User:
    username: str
    role: str
    department_code: str | None = None
    display_name: str | None = None
    via: str = VIA_PASSWORD

    @property
    def label(self) -> str:
        return self.display_name or self.username

    @property
    def is_hq(self) -> bool:
        return self.role == ROLE_HQ


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    department_code: str | None
    display_name: str | None
    has_password: bool
    created_at: datetime | None
    locked: bool


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    locked: bool = False
    retry_after: timedelta | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None

    @property
    def message(self) -> str | None:
        if self.ok:
            return None
        if self.locked:
            seconds = self.retry_after.total_seconds() if self.retry_after else FAILURE_WINDOW.total_seconds()
            return txt.locked(max(1, int(-(-seconds // 60))))
        return txt.SIGN_IN_FAILED


# --- schema ------------------------------------------------------------------

def ensure_auth_schema(con) -> None:
    """Create the account tables if missing (idempotent; call on a write connection)."""
    con.execute(AUTH_SCHEMA_SQL)


def _has_accounts_table(con) -> bool:
    return has_table(con, "accounts")


def normalise_username(name: str) -> str:
    return unicodedata.normalize("NFKC", name or "").strip().lower()


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


# --- access checks -------------------------------------------------------------

def require_role(user: User | None, *roles: str, department: str | None = None) -> User:
    """Raise AccessDenied unless `user` has one of `roles` (and, for a department
    account, `department` is its own).  HQ passes every department check."""
    if user is None:
        raise AccessDenied(txt.SIGN_IN_REQUIRED)
    if roles and user.role not in roles:
        raise AccessDenied(txt.role_required(list(roles)))
    if department is not None and user.role == ROLE_DEPARTMENT \
            and department != user.department_code:
        raise AccessDenied(txt.other_department(department, user.department_code))
    return user


def has_role(user: User | None, *roles: str, department: str | None = None) -> bool:
    """Whether `require_role` would let `user` through (for showing or hiding a part of
    a page; the write itself checks again)."""
    try:
        require_role(user, *roles, department=department)
    except AccessDenied:
        return False
    return True


def can_upload(user: User | None) -> bool:
    return user is not None and user.role in UPLOAD_ROLES


def upload_department(user: User | None) -> str | None:
    """The department a user may upload for: None means any (HQ).  Raises for others."""
    require_role(user, *UPLOAD_ROLES)
    return None if user.role == ROLE_HQ else user.department_code


def can_access_department(user: User | None, department: str | None) -> bool:
    try:
        require_role(user, *UPLOAD_ROLES, department=department)
        return True
    except AccessDenied:
        return False


# --- settings ----------------------------------------------------------------

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def login_required_to_view(secrets: Mapping | None = None,
                           environ: Mapping[str, str] | None = None) -> bool:
    """$PDCA_REQUIRE_LOGIN wins; else secrets [auth_settings] require_login_to_view; else False."""
    env = os.environ if environ is None else environ
    raw = str(env.get(ENV_REQUIRE_LOGIN, "")).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    section = (secrets or {}).get("auth_settings") or {}
    value = section.get("require_login_to_view", False)
    if isinstance(value, str):
        return value.strip().lower() in _TRUE
    return bool(value)


def session_lifetime(secrets: Mapping | None = None,
                     environ: Mapping[str, str] | None = None) -> timedelta:
    """How long a sign-in lasts: $PDCA_SESSION_HOURS wins; else secrets [auth_settings]
    session_hours; else 8 hours.  A value that is not a number of hours in
    (0, 720] is ignored (the next source, or the default, applies)."""
    env = os.environ if environ is None else environ
    section = (secrets or {}).get("auth_settings") or {}
    for raw in (env.get(ENV_SESSION_HOURS), section.get("session_hours")):
        try:
            hours = float(str(raw).strip())
        except (TypeError, ValueError):
            continue
        if 0 < hours <= MAX_SESSION_HOURS:
            return timedelta(hours=hours)
    return timedelta(hours=DEFAULT_SESSION_HOURS)


def oidc_configured(secrets: Mapping | None) -> bool:
    return bool(secrets) and "auth" in secrets


def _parse_role_spec(spec: str) -> tuple[str, str | None] | None:
    spec = str(spec).strip()
    role, _, dept = spec.partition(":")
    role = role.strip().lower()
    if role not in ROLES:
        return None
    if role == ROLE_DEPARTMENT:
        return (role, dept.strip()) if dept.strip() else None
    return role, None


def user_for_email(db, email: str | None, name: str | None = None,
                   secrets: Mapping | None = None) -> User | None:
    """The role of someone signed in through OIDC; unknown e-mails are viewers."""
    if not email:
        return None
    key = normalise_username(email)
    with connect(db) as con:
        row = None
        if _has_accounts_table(con):
            row = con.execute("SELECT role, department_code, display_name FROM accounts "
                              "WHERE username = ?", [key]).fetchone()
    if row is not None:
        return User(key, row[0], row[1], row[2] or name, VIA_OIDC)
    roles = ((secrets or {}).get("auth_settings") or {}).get("roles") or {}
    for mail, spec in dict(roles).items():
        if normalise_username(mail) == key:
            parsed = _parse_role_spec(spec)
            if parsed:
                return User(key, parsed[0], parsed[1], name, VIA_OIDC)
    return User(key, ROLE_VIEWER, None, name, VIA_OIDC)


# --- reading accounts -------------------------------------------------------------

def get_user(db, username: str | None) -> User | None:
    """The account as stored now (role changes and removals apply at once)."""
    if not username:
        return None
    key = normalise_username(username)
    with connect(db) as con:
        if not _has_accounts_table(con):
            return None
        row = con.execute("SELECT username, role, department_code, display_name, "
                          "password_hash IS NULL FROM accounts WHERE username = ?", [key]).fetchone()
    if row is None:
        return None
    return User(row[0], row[1], row[2], row[3], VIA_OIDC if row[4] else VIA_PASSWORD)


def list_accounts(db, *, now: datetime | None = None) -> list[Account]:
    now = now or _now()
    with connect(db) as con:
        if not _has_accounts_table(con):
            return []
        rows = con.execute(
            "SELECT a.username, a.role, a.department_code, a.display_name, "
            "a.password_hash IS NOT NULL, a.created_at, "
            "(SELECT count(*) FROM sign_in_failures f WHERE f.username = a.username "
            " AND f.occurred_at > ?) "
            "FROM accounts a ORDER BY a.username", [now - FAILURE_WINDOW]).fetchall()
    return [Account(r[0], r[1], r[2], r[3], bool(r[4]), r[5], r[6] >= MAX_FAILURES) for r in rows]


# --- sign-in ---------------------------------------------------------------------

def _recent_failures(con, key: str, now: datetime) -> list[datetime]:
    return [r[0] for r in con.execute(
        "SELECT occurred_at FROM sign_in_failures WHERE username = ? AND occurred_at > ? "
        "ORDER BY occurred_at", [key, now - FAILURE_WINDOW]).fetchall()]


def authenticate(db, username: str, password: str, *, now: datetime | None = None) -> SignInResult:
    """Check a password; at most MAX_FAILURES failures per account per FAILURE_WINDOW.

    Runs on one write connection so concurrent attempts cannot exceed the limit.
    Unknown names are counted and timed like known ones.
    """
    now = now or _now()
    key = normalise_username(username)
    with connect(db, write=True) as con:
        ensure_auth_schema(con)
        failures = _recent_failures(con, key, now)
        if len(failures) >= MAX_FAILURES:
            return SignInResult(None, True, failures[-MAX_FAILURES] + FAILURE_WINDOW - now)
        row = con.execute("SELECT username, role, department_code, display_name, password_hash "
                          "FROM accounts WHERE username = ?", [key]).fetchone()
        stored_hash = row[4] if row and row[4] else None
        ok = False
        try:
            ok = _hasher.verify(stored_hash or _dummy_hash(), password or "") and stored_hash is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        with transaction(con):
            if ok:
                con.execute("DELETE FROM sign_in_failures WHERE username = ?", [key])
                if _hasher.check_needs_rehash(stored_hash):
                    con.execute("UPDATE accounts SET password_hash = ? WHERE username = ?",
                                [_hasher.hash(password), key])
            else:
                con.execute("DELETE FROM sign_in_failures WHERE occurred_at < ?",
                            [now - timedelta(days=1)])
                con.execute("INSERT INTO sign_in_failures VALUES (?, ?)", [key, now])
                if len(failures) + 1 >= MAX_FAILURES:
                    store.audit(con, None, AUDIT_ACTION, key, {"event": "locked"})
    if ok:
        return SignInResult(User(row[0], row[1], row[2], row[3], VIA_PASSWORD))
    if len(failures) + 1 >= MAX_FAILURES:
        oldest = (failures + [now])[-MAX_FAILURES]
        return SignInResult(None, True, oldest + FAILURE_WINDOW - now)
    return SignInResult(None)


# --- sessions (sign-in that survives a reload) -------------------------------------------

@dataclass(frozen=True)
class Session:
    """A stored session: whose, and until when (the token itself is never stored)."""
    user: User
    expires_at: datetime

    def valid(self, now: datetime | None = None) -> bool:
        return (now or _now()) < self.expires_at


def token_digest(token: str) -> str:
    """The stored form of a session token or grant: its SHA-256, hex."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _well_formed(token: str | None) -> bool:
    return isinstance(token, str) and bool(_TOKEN_RE.match(token))


def _end_sessions(con, key: str) -> None:
    """Delete every session and pending grant of an account (inside the caller's transaction)."""
    if has_table(con, "auth_sessions"):
        con.execute("DELETE FROM auth_sessions WHERE username = ?", [key])
        con.execute("DELETE FROM auth_grants WHERE username = ?", [key])


def create_grant(db, user: User, *, now: datetime | None = None) -> str:
    """A one-time code (valid GRANT_LIFETIME) that the browser exchanges for a session
    cookie; only its hash is stored.  `user` must be a built-in account just authenticated."""
    if user is None or user.via != VIA_PASSWORD:
        raise AccessDenied(txt.SIGN_IN_REQUIRED)
    now = now or _now()
    grant = _secrets.token_urlsafe(32)
    with connect(db, write=True) as con:
        ensure_auth_schema(con)
        with transaction(con):
            con.execute("DELETE FROM auth_grants WHERE expires_at <= ?", [now])
            con.execute("INSERT INTO auth_grants VALUES (?, ?, ?)",
                        [token_digest(grant), user.username, now + GRANT_LIFETIME])
    return grant


def _insert_session(con, key: str, lifetime: timedelta, now: datetime) -> str | None:
    row = con.execute("SELECT role, department_code FROM accounts WHERE username = ? "
                      "AND password_hash IS NOT NULL", [key]).fetchone()
    if row is None:
        return None
    token = _secrets.token_urlsafe(32)
    con.execute("DELETE FROM auth_sessions WHERE expires_at <= ?", [now])
    con.execute("INSERT INTO auth_sessions VALUES (?, ?, ?, ?, ?, ?)",
                [token_digest(token), key, row[0], row[1], now, now + lifetime])
    return token


def create_session(db, username: str, *, lifetime: timedelta | None = None,
                   now: datetime | None = None) -> str | None:
    """Start a session for a built-in account; returns the token (None: no such account)."""
    now = now or _now()
    lifetime = lifetime or session_lifetime()
    with connect(db, write=True) as con:
        ensure_auth_schema(con)
        with transaction(con):
            token = _insert_session(con, normalise_username(username), lifetime, now)
    return token


def redeem_grant(db, grant: str | None, *, lifetime: timedelta | None = None,
                 now: datetime | None = None) -> str | None:
    """Exchange a grant for a new session token, once; None when the grant is unknown,
    used, expired or malformed (or its account is gone)."""
    if not _well_formed(grant):
        return None
    now = now or _now()
    lifetime = lifetime or session_lifetime()
    with connect(db, write=True) as con:
        ensure_auth_schema(con)
        with transaction(con):
            row = con.execute("DELETE FROM auth_grants WHERE grant_sha256 = ? "
                              "RETURNING username, expires_at", [token_digest(grant)]).fetchone()
            token = None
            if row is not None and now < row[1]:
                token = _insert_session(con, row[0], lifetime, now)
    return token


def find_session(db, token: str | None) -> Session | None:
    """The stored session of a token, or None (unknown, revoked, or its account removed
    or changed since).  Does not check the expiry: see Session.valid / session_user."""
    if not _well_formed(token):
        return None
    with connect(db) as con:
        if not has_table(con, "auth_sessions"):
            return None
        row = con.execute(
            "SELECT a.username, a.role, a.department_code, a.display_name, s.expires_at "
            "FROM auth_sessions s JOIN accounts a ON a.username = s.username "
            "WHERE s.token_sha256 = ? AND a.password_hash IS NOT NULL "
            "AND a.role IS NOT DISTINCT FROM s.role "
            "AND a.department_code IS NOT DISTINCT FROM s.department_code",
            [token_digest(token)]).fetchone()
    if row is None:
        return None
    return Session(User(row[0], row[1], row[2], row[3], VIA_PASSWORD), row[4])


def session_user(db, token: str | None, *, now: datetime | None = None) -> User | None:
    """The signed-in user of a session token, as stored now, or None (also when expired)."""
    session = find_session(db, token)
    return session.user if session is not None and session.valid(now) else None


def revoke_session(db, token: str | None) -> None:
    """Sign-out: the token stops working at once (in every tab that shares it)."""
    if not _well_formed(token):
        return
    with connect(db, write=True) as con:
        ensure_auth_schema(con)
        con.execute("DELETE FROM auth_sessions WHERE token_sha256 = ?", [token_digest(token)])


# --- managing accounts ---------------------------------------------------------------

def _check_new_account(con, key: str, password: str | None, role: str,
                       department_code: str | None, oidc: bool) -> None:
    if not _USERNAME_RE.match(key):
        raise AccountError(txt.USERNAME_INVALID)
    if role not in ROLES:
        raise AccountError(txt.unknown_role(role))
    if role == ROLE_DEPARTMENT and not department_code:
        raise AccountError(txt.DEPARTMENT_REQUIRED)
    if role != ROLE_DEPARTMENT and department_code:
        raise AccountError(txt.DEPARTMENT_NOT_ALLOWED)
    if oidc == bool(password):
        raise AccountError(txt.PASSWORD_OR_OIDC)
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(txt.password_too_short(MIN_PASSWORD_LENGTH))
    if department_code:
        plan = store.current_master(con)
        if plan is not None and department_code not in plan.departments:
            raise AccountError(txt.unknown_department(department_code))


def add_account(db, username: str, password: str | None, role: str, *,
                department_code: str | None = None, display_name: str | None = None,
                oidc: bool = False, replace: bool = False, actor: str | None = None,
                acting_user: User | None = None) -> User:
    """Register (or with `replace`, overwrite) an account; audited as an "account" event.

    `acting_user` is the app's signed-in user and must be HQ; the CLI passes
    only `actor` (whoever can run the CLI can open the warehouse anyway).
    """
    if acting_user is not None:
        require_role(acting_user, ROLE_HQ)
        actor = acting_user.username
    key = normalise_username(username)
    role = (role or "").strip().lower()
    department_code = unicodedata.normalize("NFKC", department_code).strip() if department_code else None
    with connect(db, write=True) as con:
        ensure_auth_schema(con)
        _check_new_account(con, key, password, role, department_code, oidc)
        hashed = _hasher.hash(password) if password else None
        exists = con.execute("SELECT count(*) FROM accounts WHERE username = ?", [key]).fetchone()[0]
        if exists and not replace:
            raise AccountError(txt.account_exists(key))
        stamp = _now()
        with transaction(con):
            if exists:
                con.execute("UPDATE accounts SET password_hash = ?, role = ?, department_code = ?, "
                            "display_name = ?, updated_at = ? WHERE username = ?",
                            [hashed, role, department_code, display_name, stamp, key])
                con.execute("DELETE FROM sign_in_failures WHERE username = ?", [key])
                _end_sessions(con, key)          # a new role or password: sign in again
            else:
                con.execute("INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [key, hashed, role, department_code, display_name, stamp, stamp])
            store.audit(con, actor, AUDIT_ACTION, key, {
                "event": "update" if exists else "add", "role": role,
                "department_code": department_code, "via": VIA_OIDC if oidc else VIA_PASSWORD})
    return User(key, role, department_code, display_name, VIA_OIDC if oidc else VIA_PASSWORD)


def remove_account(db, username: str, *, actor: str | None = None,
                   acting_user: User | None = None) -> None:
    if acting_user is not None:
        require_role(acting_user, ROLE_HQ)
        actor = acting_user.username
    key = normalise_username(username)
    with connect(db, write=True) as con:
        ensure_auth_schema(con)
        if not con.execute("SELECT count(*) FROM accounts WHERE username = ?", [key]).fetchone()[0]:
            raise AccountError(txt.account_missing(key))
        with transaction(con):
            con.execute("DELETE FROM accounts WHERE username = ?", [key])
            con.execute("DELETE FROM sign_in_failures WHERE username = ?", [key])
            _end_sessions(con, key)
            store.audit(con, actor, AUDIT_ACTION, key, {"event": "remove"})


# --- demo accounts --------------------------------------------------------------------

# (username, password, role, preferred department).  Documented in the README.
DEMO_ACCOUNTS = (
    ("hq", "hq-demo-2026", ROLE_HQ, None),
    ("k01", "k01-demo-2026", ROLE_DEPARTMENT, "K01"),
    ("k05", "k05-demo-2026", ROLE_DEPARTMENT, "K05"),
    ("viewer", "viewer-demo-2026", ROLE_VIEWER, None),
)


def create_demo_accounts(db) -> list[User]:
    """The demo warehouse's accounts (replacing any of the same name).

    A department account whose preferred code is missing from the current
    master takes the next unused department of the master instead.
    """
    with connect(db) as con:
        plan = store.current_master(con)
    codes = list(plan.departments) if plan else []
    used = {dept for *_, dept in DEMO_ACCOUNTS if dept in codes}
    spare = [code for code in codes if code not in used]
    users = []
    for username, password, role, dept in DEMO_ACCOUNTS:
        if role == ROLE_DEPARTMENT and codes and dept not in codes:
            if not spare:
                continue
            dept = spare.pop(0)
        users.append(add_account(db, username, password, role, department_code=dept,
                                 replace=True, actor="demo"))
    return users
