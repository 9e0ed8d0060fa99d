"""Ingests while the app serves: `streamlit run app.py` on a warehouse, a browser
client loading dashboard pages in a loop, and CLI ingests one after another in
another thread.  Every ingest must succeed, no page may show an error, and the
new data must appear in the app afterwards.
"""
from __future__ import annotations

import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pipeline.ingest import contract as c
from pipeline.texts import dashboard as dtxt
from pipeline.warehouse.schema import connect
from tests import factories as f
from tests.warehouse.test_backup import build_warehouse, indicator

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["", "attainment", "stakeholders", "pdca", "trends", "submissions"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from tests.browser.conftest import StreamlitServer
    d = tmp_path_factory.mktemp("concurrency")
    db = d / "w.duckdb"
    build_warehouse(db, files=[
        ("D01_2022.xlsx", f.submission(2022, "D01", indicators=[indicator("I01", 300)])),
        ("D02_2022.xlsx", f.submission(2022, "D02", actions=[f.action_row("A003")],
                                       indicators=[indicator("I02", 38)])),
    ])
    server = StreamlitServer(db, d / "streamlit.log")
    server.wait_healthy()            # a server that does not start fails the test
    yield server
    server.stop()


def workbooks(tmp: Path) -> list[Path]:
    files = [
        ("D01_2023.xlsx", f.submission(2023, "D01", indicators=[indicator("I01", 450)])),
        ("D02_2023.xlsx", f.submission(2023, "D02", actions=[f.action_row("A003")],
                                       indicators=[indicator("I02", 35)])),
        ("D01_2024.xlsx", f.submission(2024, "D01", actions=[f.action_row("A001")],
                                       indicators=[indicator("I01", 700)])),
        ("D01_2023_v2.xlsx", f.submission(2023, "D01", indicators=[indicator("I01", 460)],
                                          info={c.INFO_CONTACT: "内線 9999"})),
        ("D02_2024.xlsx", f.submission(2024, "D02", actions=[f.action_row("A003")],
                                       indicators=[indicator("I02", 31)])),
    ]
    paths = []
    for name, data in files:
        (tmp / name).write_bytes(data)
        paths.append(tmp / name)
    return paths


def test_ingests_while_pages_load(served, browser, tmp_path):
    from tests.browser.conftest import warm_up
    from tests.browser.helpers import goto, problems, selected

    warm_up(browser, served.url)
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="ja-JP")
    context.set_default_timeout(60_000)
    page = context.new_page()
    assert selected(goto(page, served.url, ""), dtxt.FY_LABEL).startswith("2022")

    paths = workbooks(tmp_path)
    results: list[subprocess.CompletedProcess] = []

    def ingest_all():
        for path in paths:
            results.append(subprocess.run(
                [sys.executable, "-m", "pipeline", "--db", str(served.db), "ingest", str(path)],
                cwd=ROOT, capture_output=True, text=True, timeout=300))

    writer = threading.Thread(target=ingest_all)
    writer.start()
    seen_errors: list[tuple[str, list[str]]] = []
    loads = 0
    try:
        while writer.is_alive() or loads < len(PAGES):
            name = PAGES[loads % len(PAGES)]
            goto(page, served.url, name)
            found = problems(page)
            if found:
                seen_errors.append((name, found))
            loads += 1
    finally:
        writer.join(timeout=600)
    assert [r.returncode for r in results] == [0] * len(paths), [r.stderr for r in results]
    assert seen_errors == [], seen_errors
    assert loads >= len(PAGES)

    # Nothing lost: every file is stored, and the resubmission superseded its first version.
    with connect(served.db) as con:
        names = dict(con.execute("SELECT file_name, status FROM submissions").fetchall())
    assert {p.name for p in paths} <= set(names)
    assert names["D01_2023.xlsx"] == c.SUBMISSION_SUPERSEDED
    assert names["D01_2023_v2.xlsx"] == c.SUBMISSION_ACTIVE

    # The new data appears in the app: the latest FY is now 2024, and pages still load cleanly.
    fresh = context.new_page()
    latest = selected(goto(fresh, served.url, ""), dtxt.FY_LABEL)
    assert re.match(r"2024", latest), latest
    for name in PAGES:
        assert problems(goto(fresh, served.url, name)) == [], name
    context.close()
