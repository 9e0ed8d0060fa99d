"""backup / restore-backup: consistent copies, verified restores, damaged files."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.warehouse import backup as bk
from pipeline.ingest import contract as c
from pipeline import load
from pipeline.warehouse.schema import WarehouseError, connect
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]

VIEWS = ("v_indicator_attainment", "v_pdca_status", "v_stakeholder_contributions",
         "v_emissions", "v_submissions")


def indicator(code, value, **kw):
    row = {c.COL_INDICATOR_CODE: code, c.COL_ACTUAL_VALUE: value}
    row.update(kw)
    return row


def partner(code, kind, org, people=None):
    return {c.COL_ACTION_CODE: code, c.COL_STAKEHOLDER_TYPE: kind, c.COL_ORGANISATION: org,
            c.COL_PARTICIPANTS: people}


def workbooks() -> list[tuple[str, bytes]]:
    """Three accepted workbooks with rows on every sheet (two departments, two FYs)."""
    return [
        ("D01_2023.xlsx", f.submission(
            2023, "D01", indicators=[indicator("I01", 500)],
            partners=[partner("A001", "市民", "市民団体A", 40), partner("A001", "事業者", "B社")])),
        ("D02_2023.xlsx", f.submission(
            2023, "D02", actions=[f.action_row("A003")], indicators=[indicator("I02", 35)],
            partners=[partner("A003", "国", "国土交通省")])),
        ("D01_2022.xlsx", f.submission(2022, "D01", indicators=[indicator("I01", 420)])),
    ]


def build_warehouse(db: Path, files=None) -> list[load.IngestReport]:
    result, _, _ = load.load_master_bytes(f.small_master(), "master.xlsx", db)
    assert result.accepted, result.errors
    reports = load.ingest_bytes(files if files is not None else workbooks(), db)
    assert all(r.accepted for r in reports), [r.errors for r in reports]
    return reports


def snapshot(db: Path) -> dict[str, list]:
    """Every view's rows and every table's row count, for comparing two files."""
    out = {}
    with connect(db) as con:
        for view in VIEWS:
            out[view] = sorted(map(repr, con.execute(f"SELECT * FROM {view}").fetchall()))
        for table in bk.REQUIRED_TABLES:
            out[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return out


def run_cli(*args, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "--db", str(db), *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.fixture
def warehouse(tmp_path) -> Path:
    db = tmp_path / "w.duckdb"
    build_warehouse(db)
    return db


def test_backup_is_a_whole_copy(warehouse, tmp_path):
    before = snapshot(warehouse)
    info = bk.backup(warehouse, tmp_path / "copy.duckdb")
    assert info.path == tmp_path / "copy.duckdb"
    assert info.submissions == 3
    assert info.size == info.path.stat().st_size > 0
    assert snapshot(info.path) == before
    assert before["partner_rows"] == 3 and before["submissions"] == 3
    # no temporary file left behind
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_default_backup_path_is_under_backups(warehouse):
    info = bk.backup(warehouse)
    assert info.path.parent == warehouse.parent / "backups"
    assert info.path.name.startswith("w-") and info.path.suffix == ".duckdb"
    assert bk.verify(info.path) == 3


def test_restore_replaces_and_keeps_the_old_file(warehouse, tmp_path):
    copy = bk.backup(warehouse, tmp_path / "copy.duckdb").path
    expected = snapshot(warehouse)
    # A later ingest that the restore will undo.
    later = load.ingest_bytes([("D02_2022.xlsx", f.submission(2022, "D02", actions=[f.action_row("A003")]))],
                                warehouse)
    assert later[0].accepted
    assert snapshot(warehouse)["submissions"] == 4
    info = bk.restore_backup(copy, warehouse)
    assert info.submissions == 3
    assert snapshot(warehouse) == expected
    assert info.aside is not None and info.aside.exists()
    with duckdb.connect(str(info.aside), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM submissions").fetchone()[0] == 4


def test_restore_into_missing_warehouse(warehouse, tmp_path):
    copy = bk.backup(warehouse, tmp_path / "copy.duckdb").path
    target = tmp_path / "new" / "fresh.duckdb"
    info = bk.restore_backup(copy, target)
    assert info.aside is None
    assert snapshot(target) == snapshot(copy)


def test_restore_moves_a_stale_wal_aside(warehouse, tmp_path):
    copy = bk.backup(warehouse, tmp_path / "copy.duckdb").path
    wal = Path(str(warehouse) + ".wal")
    wal.write_bytes(b"not a wal of the restored file")
    info = bk.restore_backup(copy, warehouse)
    assert not wal.exists()
    assert Path(str(info.aside) + ".wal").read_bytes() == b"not a wal of the restored file"
    assert snapshot(warehouse)["submissions"] == 3


@pytest.mark.parametrize("make_bad", [
    lambda p: p.write_bytes(b"PK\x03\x04 this is not a database" * 100),
    lambda p: duckdb.connect(str(p)).close(),                       # a database without our schema
    lambda p: p.write_bytes(b""),
], ids=["garbage", "foreign-db", "empty"])
def test_restore_refuses_a_bad_backup_and_changes_nothing(warehouse, tmp_path, make_bad):
    bad = tmp_path / "bad.duckdb"
    make_bad(bad)
    before = snapshot(warehouse)
    mtime = warehouse.stat().st_mtime_ns
    with pytest.raises(bk.BackupError) as exc:
        bk.restore_backup(bad, warehouse)
    assert "使えるバックアップではありません" in str(exc.value)
    assert str(bad) in str(exc.value)
    assert warehouse.stat().st_mtime_ns == mtime
    assert snapshot(warehouse) == before
    assert not any(p.name.startswith(".w.duckdb.restore") for p in tmp_path.iterdir())


def test_restore_refuses_a_missing_backup(warehouse, tmp_path):
    with pytest.raises(bk.BackupError, match="見つかりません"):
        bk.restore_backup(tmp_path / "nope.duckdb", warehouse)


def test_verify_finds_a_damaged_block(warehouse, tmp_path):
    copy = bk.backup(warehouse, tmp_path / "copy.duckdb").path
    size = copy.stat().st_size
    os.truncate(copy, size // 2)
    with pytest.raises(bk.BackupError):
        bk.verify(copy)


def test_backup_of_a_damaged_warehouse_is_refused(warehouse, tmp_path):
    os.truncate(warehouse, 100)
    with pytest.raises(WarehouseError, match="壊れている可能性"):
        bk.backup(warehouse, tmp_path / "copy.duckdb")
    assert not (tmp_path / "copy.duckdb").exists()


def test_backup_during_ingests_holds_whole_submissions(tmp_path):
    """A backup taken while another process ingests holds each submission whole."""
    db = tmp_path / "w.duckdb"
    build_warehouse(db, files=[])
    files = []
    for i, (name, data) in enumerate(workbooks()):
        # distinct bytes per file (contact differs) so none is a no-op
        year, dept = (2023, "D01") if "D01_2023" in name else (2022, "D01") if "D01" in name else (2023, "D02")
        actions = [f.action_row("A003")] if dept == "D02" else None
        path = tmp_path / f"{i:02d}_{name}"
        path.write_bytes(f.submission(year, dept, actions=actions, info={c.INFO_CONTACT: f"内線{i}"},
                                      partners=[partner(actions[0][c.COL_ACTION_CODE] if actions else "A001",
                                                        "市民", f"団体{i}")]))
        files.append(path)
    # one CLI process per file, in a row, while we take backups
    script = ("import sys, subprocess\n"
              "for p in sys.argv[2:]:\n"
              "    subprocess.run([sys.executable, '-m', 'pipeline', '--db', sys.argv[1], 'ingest', p],"
              " check=True, capture_output=True)\n")
    proc = subprocess.Popen([sys.executable, "-c", script, str(db), *map(str, files)], cwd=ROOT)
    backups = []
    try:
        while proc.poll() is None or len(backups) < 2:
            backups.append(bk.backup(db, tmp_path / f"b{len(backups)}.duckdb"))
    finally:
        proc.wait(timeout=120)
    assert proc.returncode == 0
    counts = [b.submissions for b in backups]
    assert counts == sorted(counts) and counts[-1] == len(files)
    for b in backups:
        with duckdb.connect(str(b.path), read_only=True) as con:
            per_sub = con.execute(
                "SELECT s.submission_id, (SELECT count(*) FROM action_reports a WHERE a.submission_id = s.submission_id),"
                " (SELECT count(*) FROM partner_rows p WHERE p.submission_id = s.submission_id),"
                " (SELECT count(*) FROM archive x WHERE x.sha256 = s.sha256) FROM submissions s").fetchall()
            active = con.execute("SELECT department_code, fiscal_year, count(*) FROM submissions "
                                 "WHERE status = 'active' GROUP BY ALL HAVING count(*) > 1").fetchall()
        # every stored submission has its action rows, its partner row and its archived file
        assert all(a >= 1 and p == 1 and x == 1 for _, a, p, x in per_sub), per_sub
        assert active == []


def test_cli_backup_and_restore(warehouse, tmp_path):
    out = tmp_path / "cli-copy.duckdb"
    r = run_cli("backup", "--out", out, db=warehouse)
    assert r.returncode == 0, r.stderr
    assert "バックアップを作成しました" in r.stderr and str(out) in r.stderr
    os.truncate(warehouse, warehouse.stat().st_size // 3)
    r = run_cli("history", db=warehouse)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr and "restore-backup" in r.stderr
    r = run_cli("restore-backup", out, db=warehouse)
    assert r.returncode == 0, r.stderr
    assert "復元しました" in r.stderr
    r = run_cli("history", db=warehouse)
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.strip().splitlines()) == 1 + 3
