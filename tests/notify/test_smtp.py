"""SMTP configuration (secrets.toml [smtp] and PDCA_SMTP_* which win) and sending against a
local aiosmtpd server: authentication, STARTTLS, refusals, connection failures."""
from __future__ import annotations

import pytest

from pipeline.notify import mail, smtp
from pipeline.texts import round as txt
from tests.smtp_fixtures import PASSWORD, USER, free_port


def _msg(to="d01@example.invalid", subject="【2024年度 取組状況報告】ご提出のお願い"):
    return mail.compose(subject=subject, body="本文です。\n", to=to, sender="hq@example.invalid",
                        sender_name="ゼロカーボン推進戦略課")


def test_config_from_secrets_and_env_wins():
    secrets = {"host": "mail.example.invalid", "port": 2525, "user": "a", "password": "p",
               "starttls": True, "from": "hq@example.invalid"}
    conf = smtp.load_config(secrets, {})
    assert conf == smtp.SmtpConfig("mail.example.invalid", 2525, "a", "p", True, "hq@example.invalid")
    env = {"PDCA_SMTP_HOST": "relay.example.invalid", "PDCA_SMTP_PORT": "26",
           "PDCA_SMTP_STARTTLS": "false", "PDCA_SMTP_FROM": "x@example.invalid"}
    conf = smtp.load_config(secrets, env)
    assert (conf.host, conf.port, conf.starttls, conf.sender, conf.user) == \
        ("relay.example.invalid", 26, False, "x@example.invalid", "a")


def test_config_defaults_and_absence(tmp_path):
    assert smtp.load_config({}, {}) is None
    assert smtp.load_config({"host": "h"}, {}).port == 25
    assert smtp.load_config({"host": "h", "starttls": "true"}, {}).port == 587
    assert smtp.load_config({"host": "h"}, {}).starttls is False
    with pytest.raises(smtp.SmtpError, match="true か false"):
        smtp.load_config({"host": "h", "starttls": "maybe"}, {})
    with pytest.raises(smtp.SmtpError, match="ポート番号"):
        smtp.load_config({"host": "h", "port": "abc"}, {})


def test_secrets_file_section(tmp_path):
    path = tmp_path / "secrets.toml"
    path.write_text('[smtp]\nhost = "mail.example.invalid"\nport = 587\nstarttls = true\n',
                    encoding="utf-8")
    assert smtp.secrets_file_section(path) == {"host": "mail.example.invalid", "port": 587,
                                               "starttls": True}
    assert smtp.secrets_file_section(tmp_path / "none.toml") == {}


def test_sends_with_authentication(smtp_server):
    port, inbox = smtp_server
    conf = smtp.SmtpConfig("127.0.0.1", port, USER, PASSWORD, False, "hq@example.invalid")
    seen = []
    out = smtp.send_messages(conf, [_msg(), _msg("d02@example.invalid")],
                             on_sent=lambda m, d: seen.append(d))
    assert [d.sent for d in out] == [True, True] and seen == out
    assert [m[1] for m in inbox.messages] == [["d01@example.invalid"], ["d02@example.invalid"]]
    received = mail.parse(inbox.messages[0][2])
    assert received["Subject"] == "【2024年度 取組状況報告】ご提出のお願い"
    assert received.get_content().replace("\r\n", "\n") == "本文です。\n"
    assert "X-Unsent" not in received                   # the draft marker stays in the .eml only


def test_wrong_password_is_a_clear_message_and_nothing_is_sent(smtp_server):
    port, inbox = smtp_server
    conf = smtp.SmtpConfig("127.0.0.1", port, USER, "wrong", False, None)
    with pytest.raises(smtp.SmtpError) as err:
        smtp.send_messages(conf, [_msg()])
    assert f"127.0.0.1:{port}" in str(err.value) and "パスワード" in str(err.value)
    assert inbox.messages == []


def test_refused_recipient_is_not_reported_as_sent(smtp_server):
    port, inbox = smtp_server
    inbox.refuse.add("gone@example.invalid")
    conf = smtp.SmtpConfig("127.0.0.1", port, USER, PASSWORD, False, None)
    out = smtp.send_messages(conf, [_msg("gone@example.invalid"), _msg()])
    assert [d.sent for d in out] == [False, True]
    assert "gone@example.invalid" in out[0].error
    assert len(inbox.messages) == 1


def test_no_server_is_a_clear_message_naming_it():
    port = free_port()                          # nothing listens there
    conf = smtp.SmtpConfig("127.0.0.1", port)
    with pytest.raises(smtp.SmtpError) as err:
        smtp.send_messages(conf, [_msg()])
    text = str(err.value)
    assert f"メールサーバー 127.0.0.1:{port} に接続できませんでした" in text
    assert "送信されていません" in text


def test_starttls_then_authentication(tls_smtp_server):
    port, inbox, client_ctx = tls_smtp_server
    conf = smtp.SmtpConfig("127.0.0.1", port, USER, PASSWORD, True, None)
    out = smtp.send_messages(conf, [_msg()], tls_context=client_ctx)
    assert [d.sent for d in out] == [True]
    assert len(inbox.messages) == 1


def test_server_requiring_starttls_refuses_plain_sending(tls_smtp_server):
    port, inbox, _ = tls_smtp_server
    conf = smtp.SmtpConfig("127.0.0.1", port, USER, PASSWORD, False, None)
    with pytest.raises(smtp.SmtpError, match=f"127.0.0.1:{port}"):
        smtp.send_messages(conf, [_msg()])
    assert inbox.messages == []


def test_untrusted_certificate_fails_before_sending(tls_smtp_server):
    port, inbox, _ = tls_smtp_server
    conf = smtp.SmtpConfig("127.0.0.1", port, USER, PASSWORD, True, None)
    with pytest.raises(smtp.SmtpError, match="STARTTLS"):
        smtp.send_messages(conf, [_msg()])          # default context: self-signed is refused
    assert inbox.messages == []
