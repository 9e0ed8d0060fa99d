"""`python -m pipeline publish --year FY --out DIR` as a user runs it (contract section 9)."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.site.conftest import build_small

ROOT = Path(__file__).resolve().parents[2]


def run(*args, db):
    env = {k: v for k, v in os.environ.items() if k != "PDCA_DB"}
    proc = subprocess.run([sys.executable, "-m", "pipeline", "--db", str(db), *map(str, args)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli-site") / "w.duckdb"
    build_small(path)
    return path


def test_publish_writes_the_site_and_a_zip(db, tmp_path):
    out, archive = tmp_path / "site", tmp_path / "site.zip"
    proc = run("publish", "--year", "令和6年度", "--out", out, "--no-report", "--zip", archive, db=db)
    assert proc.returncode == 0, proc.stderr
    assert (out / "index.html").is_file() and (out / "data" / "indicators.csv").is_file()
    assert not (out / "report").exists()
    assert "公表サイトを書き出しました" in proc.stderr and proc.stdout == ""
    assert f"{out.name}/index.html" in zipfile.ZipFile(archive).namelist()


def test_usage_and_data_errors(db, tmp_path):
    assert run("publish", "--year", "someday", "--out", tmp_path / "a", db=db).returncode == 2
    assert run("publish", "--out", tmp_path / "a", db=db).returncode == 2
    proc = run("publish", "--year", "2019", "--out", tmp_path / "a", db=db)
    assert proc.returncode == 1 and "2019年度" in proc.stderr


def test_config_file_is_used_and_checked(db, tmp_path):
    conf = tmp_path / "pub.toml"
    conf.write_text('[publication]\nmunicipality_code = "131000"\nmunicipality_name = "東京都"\n',
                    encoding="utf-8")
    out = tmp_path / "site"
    assert run("publish", "--year", "2024", "--out", out, "--no-report", "--config", conf, db=db).returncode == 0
    first = (out / "data" / "emissions.csv").read_text(encoding="utf-8-sig").splitlines()[1]
    assert first.startswith("131000,東京都,")
    conf.write_text('[publication]\nmunicipality_code = "abc"\n', encoding="utf-8")
    proc = run("publish", "--year", "2024", "--out", out, "--config", conf, db=db)
    assert proc.returncode == 1 and "abc" in proc.stderr
