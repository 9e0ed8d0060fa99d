"""`python -m pipeline users add|remove|list`."""
from __future__ import annotations

import io

import pytest

from pipeline.access import auth
from pipeline.cli import main as cli
from pipeline.cli import users as users_cli
from tests.upload_fixtures import PASSWORDS, _template_warehouse, db, fast_hashing  # noqa: F401


def run(db, *argv, stdin: str | None = None, monkeypatch=None) -> int:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.main(["--db", str(db), "users", *argv])


def test_add_with_password_from_stdin_then_sign_in(db, monkeypatch, capsys):
    code = run(db, "add", "k9", "--role", "department", "--department", "D02", "--password-stdin",
               stdin="stdin-password-1\n", monkeypatch=monkeypatch)
    assert code == 0
    assert "k9" in capsys.readouterr().err
    assert auth.authenticate(db, "k9", "stdin-password-1").user.department_code == "D02"


def test_add_prompts_twice_with_getpass(db, monkeypatch):
    answers = iter(["prompted-pass-1", "prompted-pass-1"])
    monkeypatch.setattr(users_cli.getpass, "getpass", lambda prompt="": next(answers))
    assert run(db, "add", "boss", "--role", "hq") == 0
    assert auth.authenticate(db, "boss", "prompted-pass-1").user.role == auth.ROLE_HQ


def test_mismatched_prompts_refuse(db, monkeypatch, capsys):
    answers = iter(["prompted-pass-1", "prompted-pass-2"])
    monkeypatch.setattr(users_cli.getpass, "getpass", lambda prompt="": next(answers))
    assert run(db, "add", "boss", "--role", "hq") == 1
    assert "一致しません" in capsys.readouterr().err
    assert auth.get_user(db, "boss") is None


def test_invalid_add_exits_1_with_a_japanese_message(db, monkeypatch, capsys):
    assert run(db, "add", "k9", "--role", "department", "--password-stdin",
               stdin="long-enough\n", monkeypatch=monkeypatch) == 1
    assert "--department" in capsys.readouterr().err
    assert run(db, "add", "d1", "--role", "hq", "--password-stdin",
               stdin="long-enough\n", monkeypatch=monkeypatch) == 1
    assert "--replace" in capsys.readouterr().err


def test_replace_and_oidc_accounts(db, monkeypatch):
    assert run(db, "add", "d1", "--role", "viewer", "--replace", "--password-stdin",
               stdin="changed-pass-1\n", monkeypatch=monkeypatch) == 0
    assert auth.get_user(db, "d1").role == auth.ROLE_VIEWER
    assert run(db, "add", "alice@example.jp", "--role", "hq", "--oidc") == 0
    assert auth.get_user(db, "alice@example.jp").via == auth.VIA_OIDC


def test_list_shows_accounts_without_hashes(db, capsys):
    capsys.readouterr()
    assert run(db, "list") == 0
    out = capsys.readouterr().out.splitlines()
    rows = [line.split("\t") for line in out[1:]]
    assert [r[0] for r in rows] == ["d1", "d2", "hq", "viewer"]
    assert {r[0]: (r[1], r[2]) for r in rows}["d1"] == ("department", "D01")
    assert "argon2" not in "\n".join(out)
    assert all(PASSWORDS[r[0]] not in "\n".join(out) for r in rows)


def test_remove(db, capsys):
    assert run(db, "remove", "d2") == 0
    assert auth.get_user(db, "d2") is None
    assert run(db, "remove", "d2") == 1
    assert "ありません" in capsys.readouterr().err


def test_usage_errors_exit_2(db):
    with pytest.raises(SystemExit) as exc:
        run(db, "add", "x", "--role", "admin")
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        run(db)
    assert exc.value.code == 2
