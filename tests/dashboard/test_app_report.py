"""AppTest of the 年次報告書 page: empty state, then build and download for a FY."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipeline.texts import dashboard as dtxt
from pipeline.texts import report as txt
from tests import factories as f

PAGE = Path(__file__).resolve().parents[2] / "pages" / "report.py"


def _run(db: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("PDCA_DB", str(db))
    return AppTest.from_file(str(PAGE), default_timeout=120).run()


def test_empty_warehouse_says_what_to_do(tmp_path, monkeypatch):
    at = _run(tmp_path / "empty.duckdb", monkeypatch)
    assert not at.exception
    assert [i.value for i in at.info] == [txt.NO_YEARS]


def test_builds_pdf_and_xlsx_for_the_chosen_year(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    f.load_master(db)
    assert all(r.accepted for r in f.ingest_all(db, f.d01(2023), f.d01(2024)))
    at = _run(db, monkeypatch)
    assert not at.exception
    year = at.selectbox(key="report_year")
    assert year.options == [dtxt.fy(2024), dtxt.fy(2023)]
    year.set_value(2023)
    at.run()
    at.button(key="report_build").click()
    at.run()
    assert not at.exception
    assert [s.value for s in at.success] == [txt.BUILT]
    fy, pdf, xlsx = at.session_state["report_files"]
    assert fy == 2023
    assert pdf[:5] == b"%PDF-" and xlsx[:2] == b"PK"
    labels = [el.proto.label for el in at.get("download_button")]
    assert labels == [txt.DOWNLOAD_PDF, txt.DOWNLOAD_XLSX]


def test_without_japanese_fonts_the_pdf_is_refused_clearly(tmp_path, monkeypatch, capsys):
    from pipeline.cli import main as cli
    from pipeline.report import pdf as report_pdf
    monkeypatch.setattr(report_pdf, "IPA", tmp_path / "none.ttf")
    monkeypatch.setattr(report_pdf, "FONT_REGULAR", tmp_path / "none.ttc")
    db = tmp_path / "w.duckdb"
    f.load_master(db)
    assert all(r.accepted for r in f.ingest_all(db, f.d01(2024)))
    assert cli.main(["--db", str(db), "report", "--year", "2024", "--out",
                     str(tmp_path / "r.pdf")]) == 1
    assert txt.FONT_MISSING in capsys.readouterr().err
    # the page still offers the Excel version
    at = _run(db, monkeypatch)
    at.button(key="report_build").click()
    at.run()
    assert not at.exception
    assert [w.value for w in at.warning] == [txt.FONT_MISSING]
    assert [el.proto.label for el in at.get("download_button")] == [txt.DOWNLOAD_XLSX]


def test_a_frozen_year_is_built_from_its_edition(tmp_path, monkeypatch):
    from openpyxl import load_workbook
    import io
    from pipeline.access import auth, publication
    from pipeline.texts import publication as ptxt
    db = tmp_path / "w.duckdb"
    f.load_master(db)
    assert all(r.accepted for r in f.ingest_all(db, f.d01(2024)))
    ed = publication.freeze(db, 2024, auth.User("hq1", auth.ROLE_HQ))
    at = _run(db, monkeypatch)
    assert not at.exception
    assert any(ptxt.report_source(ed.label) in c.value for c in at.caption)
    at.button(key="report_build").click()
    at.run()
    assert not at.exception
    _, _, xlsx = at.session_state["report_files"]
    ws = load_workbook(io.BytesIO(xlsx))[txt.SHEET_SUMMARY]
    items = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(4, ws.max_row + 1)}
    assert items[txt.L_EDITION] == ed.label
    at.toggle(key="report_live").set_value(True)
    at.run()
    assert any(ptxt.report_source(None) in c.value for c in at.caption)
    assert not at.get("download_button")          # the edition's files are not offered as live
