"""AppTest: the 公表 page — HQ freezes an edition, others cannot; changes since are listed."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipeline.access import auth
from pipeline.dashboard import ui
from pipeline.dashboard.sign_in import SESSION_USER
from pipeline.texts import publication as txt
from pipeline.warehouse import editions
from pipeline.warehouse.schema import connect
from tests import factories as f

PAGE = Path(__file__).resolve().parents[2] / "pages" / "publication.py"


@pytest.fixture()
def db(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    f.load_master(db)
    assert all(r.accepted for r in f.ingest_all(
        db, f.d01(2023), f.d01(2024, indicators=[f.indicator_row("I01", 500)])))
    auth.add_account(db, "hq1", "password-hq1", auth.ROLE_HQ)
    auth.add_account(db, "dept1", "password-d1", auth.ROLE_DEPARTMENT, department_code="D01")
    monkeypatch.setenv("PDCA_DB", str(db))
    ui.clear_caches()
    return db


def _page(user: str | None) -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=90)
    if user:
        at.session_state[SESSION_USER] = user
    return at.run()


def _editions(db):
    with connect(db) as con:
        return editions.list_editions(con)


def test_hq_freezes_and_sees_changes_since(db):
    at = _page("hq1")
    assert not at.exception
    assert at.selectbox(key="publication_year").value == 2024
    assert any(txt.status_preliminary(2024) in w.value for w in at.warning)
    at.text_input(key="publication_note").input("審議会報告後の確定版")
    next(b for b in at.button if b.label == txt.FREEZE_BUTTON).click()
    at.run()
    assert not at.exception
    [ed] = _editions(db)
    assert (ed.fiscal_year, ed.edition_no, ed.note, ed.frozen_by) == (2024, 1, "審議会報告後の確定版", "hq1")
    assert any("第1版" in s.value for s in at.success)          # the flash
    assert any(txt.NO_CHANGES in s.value for s in at.success)
    with connect(db) as con:
        assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'freeze' AND actor = 'hq1'"
                           ).fetchone()[0] == 1

    # a resubmission after freezing shows up as a change, with the figures that differ
    f.ingest_all(db, f.d01(2024, indicators=[f.indicator_row("I01", 1900)]))
    at.run()
    assert not at.exception
    assert any(txt.CHANGES_FOUND in w.value for w in at.warning)
    frames = [d.value for d in at.dataframe]
    changes = next(fr for fr in frames if txt.CHANGE_HEADERS["change"] in fr.columns)
    assert set(changes[txt.CHANGE_HEADERS["change"]]) == {txt.CHANGE_SUPERSEDED, txt.CHANGE_ADDED}
    figures = next(fr for fr in frames if txt.FIGURE_HEADERS["differs"] in fr.columns)
    assert "達成" in set(figures[txt.FIGURE_HEADERS["label"]])


@pytest.mark.parametrize("user", [None, "dept1"])
def test_non_hq_cannot_freeze(db, user):
    at = _page(user)
    assert not at.exception
    assert any(txt.HQ_ONLY in i.value for i in at.info)
    assert not [b for b in at.button if b.label == txt.FREEZE_BUTTON]
    assert _editions(db) == []


def test_anyone_downloads_the_public_site_as_a_zip(db):
    import io
    import zipfile

    from pipeline.texts import site as stxt
    at = _page(None)
    next(b for b in at.button if b.label == stxt.SITE_BUILD_BUTTON).click()
    at.run(timeout=300)
    assert not at.exception and not at.error
    assert any("公表サイトを作成しました" in s.value for s in at.success)
    button = next(b for b in at.get("download_button") if b.proto.label == stxt.SITE_DOWNLOAD)
    assert button.proto.label == stxt.SITE_DOWNLOAD
    archive = at.session_state["publication_site"][2]
    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    assert "site-fy2024/index.html" in names and "site-fy2024/data/datapackage.json" in names
