"""`round`, `remind` and `narrative` (contract section 10): deadlines, .eml files, sending
through a local aiosmtpd server, exit codes, the narrative's JSON shape."""
from __future__ import annotations

from pipeline.cli import main as cli
from pipeline.notify import smtp
from pipeline.texts import round as txt
from pipeline.warehouse import round as wround
from pipeline.warehouse.audit import audit_log
from pipeline.warehouse.schema import connect
from tests import factories as f
from tests.round_fixtures import warehouse
from tests.smtp_fixtures import PASSWORD, USER, smtp_server  # noqa: F401  (fixture)


def test_round_command_sets_and_shows_the_deadline(tmp_path, capsys):
    db = warehouse(tmp_path, deadline=None)
    assert cli.main(["--db", str(db), "round", "--year", "2024"]) == 0
    assert "未設定" in capsys.readouterr().err
    assert cli.main(["--db", str(db), "round", "--year", "令和6年度", "--deadline", "2025-05-30"]) == 0
    assert cli.main(["--db", str(db), "round", "--year", "2024"]) == 0
    assert capsys.readouterr().out.strip() == "2025-05-30"
    with connect(db) as con:
        assert wround.get_deadline(con, 2024).set_by.startswith("cli")
        assert list(audit_log(con, actions=["round_deadline"])["target"]) == ["2024"]
    assert cli.main(["--db", str(db), "round", "--year", "2024", "--deadline", "5/30"]) == 2


def test_remind_command_writes_eml(tmp_path, capsys):
    db = warehouse(tmp_path)
    out = tmp_path / "eml"
    assert cli.main(["--db", str(db), "remind", "--year", "2024", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["2024_D01.eml", "2024_D02.eml"]
    err = capsys.readouterr().err
    assert "警告: D02 交通政策課" in err


def test_remind_without_deadline_exits_1(tmp_path, capsys):
    db = warehouse(tmp_path, deadline=None)
    assert cli.main(["--db", str(db), "remind", "--year", "2024", "--out", str(tmp_path / "o")]) == 1
    assert "提出期限が設定されていない" in capsys.readouterr().err


def test_remind_send_through_env_configured_server(tmp_path, capsys, monkeypatch, smtp_server):
    port, inbox = smtp_server
    monkeypatch.chdir(tmp_path)                              # no .streamlit/secrets.toml here
    for key, value in {"HOST": "127.0.0.1", "PORT": str(port), "USER": USER,
                       "PASSWORD": PASSWORD, "STARTTLS": "false", "FROM": "hq@example.invalid"}.items():
        monkeypatch.setenv(f"PDCA_SMTP_{key}", value)
    db = warehouse(tmp_path, departments=[
        {**f.DEPARTMENTS[0], "連絡先メール": "d01@example.invalid"},
        {**f.DEPARTMENTS[1], "連絡先メール": "d02@example.invalid"}])
    assert cli.main(["--db", str(db), "remind", "--year", "2024", "--out", "eml", "--send"]) == 0
    assert sorted(m[1][0] for m in inbox.messages) == ["d01@example.invalid", "d02@example.invalid"]
    assert "2通のうち2通を送信しました" in capsys.readouterr().err


def test_remind_send_with_a_department_without_email_exits_1(tmp_path, capsys, monkeypatch,
                                                            smtp_server):
    port, inbox = smtp_server
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PDCA_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PDCA_SMTP_PORT", str(port))
    monkeypatch.setenv("PDCA_SMTP_USER", USER)
    monkeypatch.setenv("PDCA_SMTP_PASSWORD", PASSWORD)
    db = warehouse(tmp_path)
    assert cli.main(["--db", str(db), "remind", "--year", "2024", "--out", "eml", "--send"]) == 1
    err = capsys.readouterr().err
    assert "2通のうち1通を送信しました" in err and "1通は送信していません" in err
    assert len(inbox.messages) == 1


def test_remind_send_unreachable_server_sends_nothing(tmp_path, capsys, monkeypatch):
    from tests.smtp_fixtures import free_port
    port = free_port()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PDCA_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PDCA_SMTP_PORT", str(port))
    db = warehouse(tmp_path)
    assert cli.main(["--db", str(db), "remind", "--year", "2024", "--out", "eml", "--send"]) == 1
    err = capsys.readouterr().err
    assert f"メールサーバー 127.0.0.1:{port} に接続できませんでした" in err
    assert "送信しました →" not in err
    with connect(db) as con:
        assert audit_log(con, actions=["reminder_sent"]).empty


def test_remind_send_without_configuration(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for key in smtp.KEYS:
        monkeypatch.delenv(f"PDCA_SMTP_{key.upper()}", raising=False)
    db = warehouse(tmp_path)
    assert cli.main(["--db", str(db), "remind", "--year", "2024", "--out", "eml", "--send"]) == 1
    assert txt.SMTP_NOT_CONFIGURED in capsys.readouterr().err


def test_narrative_command_json_shape(tmp_path, capsys):
    import json
    from pipeline.analysis import narrative as nar
    db = warehouse(tmp_path, f.d01(2024))
    with connect(db, write=True) as con:
        wround.save_narrative(con, 2024, wround.SCOPE_ALL, "policy:P2", "保存した文章です。", "hq1")
    assert cli.main(["--db", str(db), "narrative", "--year", "2024", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"overview", "policies", "operations"}
    assert list(doc["policies"]) == ["P1", "P2"]
    assert doc["policies"]["P2"] == "保存した文章です。"
    assert doc["overview"] == nar.draft_narrative(db, 2024).overview
    assert doc["operations"] is None
    assert cli.main(["--db", str(db), "narrative", "--year", "R6"]) == 0
    out = capsys.readouterr().out
    assert f"■ {txt.OVERVIEW_TITLE}（{txt.MARK_DRAFT}）" in out
    assert f"（{txt.MARK_SAVED}）\n保存した文章です。" in out
    assert cli.main(["--db", str(db), "narrative", "--year", "来年"]) == 2


def test_remind_into_a_file_instead_of_a_folder_is_a_clear_error(tmp_path, capsys):
    db = warehouse(tmp_path)
    (tmp_path / "taken").write_text("x")
    assert cli.main(["--db", str(db), "remind", "--year", "2024", "--out", str(tmp_path / "taken")]) == 1
    assert "書き出せませんでした" in capsys.readouterr().err
