"""RFC 5322 messages: UTF-8 body, encoded Japanese subject and sender name, CRLF, draft marker."""
from __future__ import annotations

from pipeline.notify import mail


def test_compose_round_trips():
    msg = mail.compose(subject="【2024年度 取組状況報告】ご提出のお願い", body="一行目\n二行目\n",
                       to="d01@example.invalid", sender="hq@example.invalid",
                       sender_name="ゼロカーボン推進戦略課")
    raw = mail.to_bytes(msg)
    assert raw.isascii() and b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert b"Content-Type: text/plain; charset=\"utf-8\"" in raw and b"X-Unsent: 1" in raw
    back = mail.parse(raw)
    assert back["Subject"] == "【2024年度 取組状況報告】ご提出のお願い"
    assert back["From"].addresses[0].display_name == "ゼロカーボン推進戦略課"
    assert back["From"].addresses[0].addr_spec == "hq@example.invalid"
    assert back["To"] == "d01@example.invalid"
    assert back["Message-ID"].endswith("@example.invalid>") and back["Date"]
    assert back.get_content().replace("\r\n", "\n") == "一行目\n二行目\n"


def test_without_recipient_is_a_draft_without_to():
    msg = mail.compose(subject="件名", body="本文", to=None, sender="hq@example.invalid")
    assert "To" not in mail.parse(mail.to_bytes(msg))
