"""Suite-wide settings.

The read-only copy for other tools (pipeline/warehouse/readonly.py) is refreshed after
every write; most tests write to throw-away warehouses and never look at it, so the suite
turns the automatic refresh off here (subprocesses inherit it).  tests/warehouse/
test_readonly.py and the tests of the copy turn it back on for themselves.

The demo warehouse is built once per run (`demo_build` / `demo_db` below), also when
pytest-xdist spreads the tests over worker processes.
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
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        db = root / "demo.duckdb"
        return DemoBuild(db, _build_demo(db))
    # pytest-xdist (`make test` runs two workers): the first worker builds it into the run's
    # common temp dir, the others wait for it; each reads its own copy (a reader opens the
    # file for writing to check the schema, so two processes cannot share one file).
    from filelock import FileLock
    shared = tmp_path_factory.getbasetemp().parent / "demo-shared"
    shared.mkdir(exist_ok=True)
    db, log = shared / "demo.duckdb", shared / "demo.stderr"
    with FileLock(str(shared / "build.lock")):
        if not log.exists():
            log.write_text(_build_demo(db))
    return DemoBuild(copy_warehouse(db, root), log.read_text())


def _build_demo(db: Path) -> str:
    """`python -m pipeline --db DB demo`; what it printed on stderr."""
    run = subprocess.run([sys.executable, "-m", "pipeline", "--db", str(db), "demo"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, f"demo build failed:\n{run.stderr[-3000:]}"
    return run.stderr


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
