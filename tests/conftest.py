"""Suite-wide settings.

The read-only copy for other tools (pipeline/warehouse/readonly.py) is refreshed after
every write; most tests write to throw-away warehouses and never look at it, so the suite
turns the automatic refresh off here (subprocesses inherit it).  tests/warehouse/
test_readonly.py and the tests of the copy turn it back on for themselves.

The demo warehouse is built once per session (`demo_build` / `demo_db` below).
"""
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("PDCA_READONLY_COPY", "off")

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class DemoBuild:
    db: Path
    stderr: str          # what `python -m pipeline demo` printed


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory) -> DemoBuild:
    """The demo warehouse, built ONCE per session by the real command
    (`python -m pipeline --db DB demo`) and shared by every test that needs the demo:
    dashboard, report, browser, narrative, demo checks.  Read it, never write to it;
    a test that writes takes `demo_copy`.  PDCA_TEST_DEMO_DB=path reuses a built demo
    (local iteration; it is copied first)."""
    root = tmp_path_factory.mktemp("demo")
    prebuilt = os.environ.get("PDCA_TEST_DEMO_DB")
    if prebuilt:
        return DemoBuild(copy_warehouse(Path(prebuilt), root), "")
    db = root / "demo.duckdb"
    run = subprocess.run([sys.executable, "-m", "pipeline", "--db", str(db), "demo"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, f"demo build failed:\n{run.stderr[-3000:]}"
    return DemoBuild(db, run.stderr)


@pytest.fixture(scope="session")
def demo_db(demo_build) -> Path:
    """The shared demo warehouse (read only; see demo_build)."""
    return demo_build.db


@pytest.fixture()
def demo_copy(demo_db, tmp_path) -> Path:
    """A private copy of the demo warehouse, for a test that writes."""
    return copy_warehouse(demo_db, tmp_path)


def copy_warehouse(src: Path, dest_dir: Path) -> Path:
    """Copy a warehouse file (and its WAL, if any) into `dest_dir`."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / Path(src).name
    shutil.copy2(src, dest)
    wal = Path(str(src) + ".wal")
    if wal.exists():
        shutil.copy2(wal, Path(str(dest) + ".wal"))
    return dest
