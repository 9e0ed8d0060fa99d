"""Composing RFC 5322 messages: UTF-8 body, Japanese subject (RFC 2047 encoded)."""
from __future__ import annotations

import email.policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid


def compose(*, subject: str, body: str, to: str | None, sender: str,
            sender_name: str | None = None) -> EmailMessage:
    """One plain-text message.  `to` may be None (a draft for HQ to address by hand)."""
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["Subject"] = subject
    msg["From"] = formataddr((sender_name, sender)) if sender_name else sender
    if to:
        msg["To"] = to
    msg["Date"] = formatdate(localtime=True)
    domain = sender.rpartition("@")[2] or None
    msg["Message-ID"] = make_msgid(domain=domain)
    msg["X-Unsent"] = "1"        # Outlook / Thunderbird open it as a draft to send
    msg.set_content(body, subtype="plain", charset="utf-8", cte="base64")
    return msg


def to_bytes(msg: EmailMessage) -> bytes:
    """The message as an .eml file (CRLF line ends, as RFC 5322 says)."""
    return msg.as_bytes(policy=email.policy.SMTP)


def parse(data: bytes) -> EmailMessage:
    """Read an .eml back (tests, and to check what was written)."""
    import email as _email
    return _email.message_from_bytes(data, policy=email.policy.default)


__all__ = ["Address", "compose", "to_bytes", "parse"]
