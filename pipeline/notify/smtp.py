"""Sending through the configured SMTP server (contract section 10).

Configuration: `[smtp]` in .streamlit/secrets.toml (keys host, port, user, password,
starttls, from), each overridden by the environment variables PDCA_SMTP_HOST, _PORT,
_USER, _PASSWORD, _STARTTLS, _FROM.  starttls is true/false (default false); the port
defaults to 587 with STARTTLS and 25 without.  Authentication is used when a user is set.

A message counts as sent only when the server accepted it (`send_message` returned
without an exception and refused no recipient); failures to connect, to start TLS or to
authenticate raise SmtpError with a Japanese message naming the server, before anything
was sent.
"""
from __future__ import annotations

import os
import smtplib
import socket
import ssl
import tomllib
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Mapping

from pipeline.texts import round as txt

ENV_PREFIX = "PDCA_SMTP_"
KEYS = ("host", "port", "user", "password", "starttls", "from")
SECRETS_FILE = Path(".streamlit") / "secrets.toml"
TIMEOUT = 15.0


class SmtpError(Exception):
    """Sending could not start or a message was refused (Japanese message)."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    sender: str | None = None

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"


def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off", ""):
        return False
    raise SmtpError(txt.smtp_bad_bool(value))


def secrets_file_section(path: Path | None = None) -> dict:
    """The [smtp] table of .streamlit/secrets.toml ({} when there is none)."""
    path = path or SECRETS_FILE
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    section = data.get("smtp")
    return dict(section) if isinstance(section, Mapping) else {}


def load_config(secrets: Mapping | None = None,
                environ: Mapping[str, str] | None = None) -> SmtpConfig | None:
    """The SMTP configuration, or None when no host is configured.

    `secrets` is the [smtp] table (read from .streamlit/secrets.toml when None);
    environment variables win key by key."""
    environ = os.environ if environ is None else environ
    merged = dict(secrets_file_section() if secrets is None else secrets)
    for key in KEYS:
        value = environ.get(ENV_PREFIX + key.upper())
        if value is not None and value != "":
            merged[key] = value
    host = str(merged.get("host") or "").strip()
    if not host:
        return None
    starttls = _bool(merged.get("starttls", False))
    port_value = merged.get("port")
    if port_value in (None, ""):
        port = 587 if starttls else 25
    else:
        try:
            port = int(str(port_value).strip())
        except ValueError:
            raise SmtpError(txt.smtp_bad_port(port_value)) from None
    user = str(merged.get("user") or "").strip() or None
    password = merged.get("password")
    sender = str(merged.get("from") or "").strip() or None
    return SmtpConfig(host, port, user, None if password is None else str(password), starttls, sender)


@dataclass(frozen=True)
class Delivery:
    """What happened to one message."""
    to: str
    sent: bool
    error: str | None = None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        msg = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) \
            else str(exc.smtp_error)
        return f"{exc.smtp_code} {msg}".strip()
    if isinstance(exc, socket.timeout):
        return txt.SMTP_NO_RESPONSE
    return str(exc) or type(exc).__name__


def open_connection(config: SmtpConfig, *, tls_context: ssl.SSLContext | None = None) -> smtplib.SMTP:
    """Connected, TLS started when configured, authenticated when a user is set."""
    try:
        smtp = smtplib.SMTP(config.host, config.port, timeout=TIMEOUT)
    except (OSError, smtplib.SMTPException) as exc:
        raise SmtpError(txt.smtp_connect_failed(config.host, config.port, _reason(exc))) from exc
    try:
        smtp.ehlo()
        if config.starttls:
            try:
                smtp.starttls(context=tls_context or ssl.create_default_context())
                smtp.ehlo()
            except (OSError, smtplib.SMTPException, ssl.SSLError) as exc:
                raise SmtpError(txt.smtp_starttls_failed(config.host, config.port, _reason(exc))) from exc
        if config.user:
            try:
                smtp.login(config.user, config.password or "")
            except (OSError, smtplib.SMTPException, UnicodeError) as exc:
                raise SmtpError(txt.smtp_auth_failed(config.host, config.port, _reason(exc))) from exc
    except SmtpError:
        _close(smtp)
        raise
    except (OSError, smtplib.SMTPException) as exc:
        _close(smtp)
        raise SmtpError(txt.smtp_connect_failed(config.host, config.port, _reason(exc))) from exc
    return smtp


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except Exception:
        try:
            smtp.close()
        except Exception:
            pass


def send_messages(config: SmtpConfig, messages: list[EmailMessage], *, on_sent=None,
                  tls_context: ssl.SSLContext | None = None) -> list[Delivery]:
    """Send each message over one connection; `on_sent(message, delivery)` is called after
    each attempt (for the audit log).  Raises SmtpError when the connection cannot be set up
    (nothing sent then)."""
    smtp = open_connection(config, tls_context=tls_context)
    out: list[Delivery] = []
    try:
        for msg in messages:
            to = str(msg.get("To") or "")
            outgoing = _outgoing(msg)
            try:
                refused = smtp.send_message(outgoing)
            except (OSError, smtplib.SMTPException) as exc:
                delivery = Delivery(to, False, txt.smtp_send_failed(config.host, config.port, to,
                                                                    _reason(exc)))
                if isinstance(exc, smtplib.SMTPServerDisconnected) or \
                        not isinstance(exc, smtplib.SMTPException):
                    out.append(delivery)
                    if on_sent:
                        on_sent(msg, delivery)
                    # the connection is gone: the rest are not sent
                    for rest in messages[len(out):]:
                        lost = Delivery(str(rest.get("To") or ""), False, delivery.error)
                        out.append(lost)
                        if on_sent:
                            on_sent(rest, lost)
                    break
            else:
                delivery = Delivery(to, not refused,
                                    None if not refused else txt.smtp_send_failed(
                                        config.host, config.port, to, str(refused)))
            out.append(delivery)
            if on_sent:
                on_sent(msg, delivery)
    finally:
        _close(smtp)
    return out


def _outgoing(msg: EmailMessage) -> EmailMessage:
    """The message as sent: without the draft marker of the .eml files."""
    import copy
    out = copy.deepcopy(msg)
    if "X-Unsent" in out:
        del out["X-Unsent"]
    return out
