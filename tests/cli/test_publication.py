"""`freeze --year FY [--note]` and `editions [--year FY]`."""
from __future__ import annotations

from pipeline.cli import main as cli
from pipeline.warehouse import editions
from pipeline.warehouse.schema import connect
from tests import factories as f


def test_freeze_and_list(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    f.load_master(db)
    f.ingest_all(db, f.d01(2024))
    assert cli.main(["--db", str(db), "freeze", "--year", "令和6年度", "--note", "確定版"]) == 0
    err = capsys.readouterr().err
    assert "2024年度 公表版 第1版" in err and "取組状況報告 1 件" in err
    assert cli.main(["--db", str(db), "freeze", "--year", "2024"]) == 0
    with connect(db) as con:
        eds = editions.list_editions(con, 2024)
        actors = [r[0] for r in con.execute("SELECT actor FROM audit_log WHERE action = 'freeze'").fetchall()]
    assert [e.edition_no for e in eds] == [2, 1] and eds[1].note == "確定版"
    assert all(a.startswith("cli") for a in actors) and len(actors) == 2
    capsys.readouterr()
    assert cli.main(["--db", str(db), "editions", "--year", "2024"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3 and out[1].split("\t")[:3] == [str(eds[0].edition_id), "2024", "2"]


def test_freeze_exit_codes(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    f.load_master(db)
    assert cli.main(["--db", str(db), "freeze", "--year", "2024"]) == 1     # nothing submitted
    assert "2024年度の取組状況報告がない" in capsys.readouterr().err
    assert cli.main(["--db", str(db), "freeze", "--year", "そのうち"]) == 2
    assert cli.main(["--db", str(db), "editions", "--year", "x"]) == 2
