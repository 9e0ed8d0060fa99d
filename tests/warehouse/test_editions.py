"""Editions (公表版): what a freeze records, and reading the FY as the edition recorded it."""
from __future__ import annotations

import pytest

from pipeline import council
from pipeline.access import auth, publication
from pipeline.ingest import contract as c
from pipeline.texts import council as ctxt
from pipeline.warehouse import editions
from pipeline.warehouse.schema import connect
from tests import factories as f

HQ = auth.User("hq1", auth.ROLE_HQ)


def _values(db):
    with connect(db) as con:
        return dict(con.execute(
            "SELECT indicator_code, actual_value FROM v_indicator_attainment WHERE fiscal_year = 2024"
        ).fetchall())


def _active(db):
    with connect(db) as con:
        return sorted(r[0] for r in con.execute(
            "SELECT submission_id FROM v_submissions WHERE status = 'active'").fetchall())


@pytest.fixture()
def db(tmp_path):
    db = tmp_path / "w.duckdb"
    f.load_master(db)
    assert all(r.accepted for r in f.ingest_all(
        db, f.d01(2023), f.d01(2024, indicators=[f.indicator_row("I01", 500)]),
        f.d02(2024, indicators=[f.indicator_row("I02", 35)])))
    return db


def test_freeze_records_the_active_versions_master_and_opinions(db):
    oid = council.add_opinion(db, 2023, ctxt.LEVEL_PLAN, None, "意見", HQ, response_text="対応")
    ed = publication.freeze(db, 2024, HQ, "初版")
    assert (ed.fiscal_year, ed.edition_no, ed.submissions, ed.opinions, ed.note, ed.frozen_by) == \
        (2024, 1, 3, 1, "初版", "hq1")
    assert ed.factor_id is None                      # no factor workbook table yet
    assert "2024年度 公表版 第1版" in ed.label
    with connect(db) as con:
        assert ed.master_id == con.execute(
            "SELECT master_id FROM master_versions WHERE is_current").fetchone()[0]
        assert sorted(r[0] for r in con.execute(
            "SELECT submission_id FROM edition_submissions WHERE edition_id = ?",
            [ed.edition_id]).fetchall()) == _active(db)
        assert con.execute("SELECT opinion_id FROM edition_council_opinions").fetchall() == [(oid,)]
        audit = con.execute("SELECT actor, target FROM audit_log WHERE action = 'freeze'").fetchall()
        assert audit == [("hq1", "2024")]
        assert editions.edition_in_effect(con) is None          # the live warehouse


def test_edition_stays_unchanged_after_a_later_resubmission(db):
    before_values, before_active = _values(db), _active(db)
    publication.freeze(db, 2024, HQ)
    # D01 resubmits FY2024 with another value, and FY2025 arrives: both after freezing
    assert all(r.accepted for r in f.ingest_all(
        db, f.d01(2024, indicators=[f.indicator_row("I01", 900)]), f.d01(2025)))
    assert _values(db)["I01"] == 900
    with editions.edition_warehouse(db, 2024) as (path, ed):
        assert ed is not None and path != db
        assert _values(path) == before_values
        assert _active(path) == before_active
        with connect(path) as con:
            assert editions.edition_in_effect(con) == ed
            assert con.execute("SELECT count(*) FROM submissions").fetchone()[0] == 3
            assert 2025 not in [r[0] for r in con.execute(
                "SELECT DISTINCT fiscal_year FROM v_pdca_status").fetchall()]
    assert not path.exists()                                     # the copy is removed
    assert _values(db)["I01"] == 900                             # live untouched


def test_edition_pins_master_and_opinion_records(db):
    oid = council.add_opinion(db, 2023, ctxt.LEVEL_PLAN, None, "意見", HQ, response_text="当初の対応")
    publication.freeze(db, 2024, HQ)
    council.set_response(db, oid, "改めた対応", HQ)
    council.add_opinion(db, 2023, ctxt.LEVEL_PLAN, None, "後から来た意見", HQ)
    renamed = [dict(p, **{c.COL_POLICY_NAME: p[c.COL_POLICY_NAME] + "（改定）"}) for p in f.POLICIES]
    f.load_master(db, f.small_master(**{c.MASTER_POLICIES: renamed}))
    with editions.edition_warehouse(db, 2024) as (path, _):
        frame = council.opinions(path)
        assert list(frame["response_text"]) == ["当初の対応"]
        with connect(path) as con:
            names = [r[0] for r in con.execute("SELECT policy_name FROM v_policies").fetchall()]
        assert not any("改定" in n for n in names)
    assert len(council.opinions(db)) == 2


def test_freezing_again_makes_a_new_edition(db):
    first = publication.freeze(db, 2024, HQ)
    f.ingest_all(db, f.d01(2024, indicators=[f.indicator_row("I01", 900)]))
    second = publication.freeze(db, 2024, HQ, "差し替え反映")
    other = publication.freeze(db, 2023, HQ)
    assert (first.edition_no, second.edition_no, other.edition_no) == (1, 2, 1)
    with connect(db) as con:
        assert editions.latest_edition(con, 2024) == second
        assert [e.edition_id for e in editions.list_editions(con, 2024)] == [second.edition_id,
                                                                           first.edition_id]
        assert editions.frozen_years(con) == [2024, 2023]
    with editions.edition_warehouse(db, 2024) as (path, ed):
        assert ed == second and _values(path)["I01"] == 900
    with editions.edition_warehouse(db, 2024, edition_id=first.edition_id) as (path, ed):
        assert ed == first and _values(path)["I01"] == 500


def test_unfrozen_year_reads_the_live_warehouse(db):
    with editions.edition_warehouse(db, 2024) as (path, ed):
        assert (path, ed) == (db, None)
    with pytest.raises(editions.EditionError):
        with editions.edition_warehouse(db, 2024, edition_id=99):
            pass


def test_freeze_needs_hq_a_master_and_submissions(tmp_path, db):
    for user in (None, auth.User("d", auth.ROLE_DEPARTMENT, "D01"), auth.User("v", auth.ROLE_VIEWER)):
        with pytest.raises(auth.AccessDenied):
            publication.freeze(db, 2024, user)
    with pytest.raises(editions.EditionError, match="2030"):
        publication.freeze(db, 2030, HQ)
    with pytest.raises(editions.EditionError):
        publication.freeze(tmp_path / "empty.duckdb", 2024, HQ)
    with pytest.raises(editions.EditionError):
        publication.freeze(db, 2024, HQ, "x" * 501)
    with connect(db) as con:
        assert editions.list_editions(con) == []


def test_restored_version_after_freezing_is_not_in_the_edition(db):
    first_ids = _active(db)
    f.ingest_all(db, f.d01(2024, indicators=[f.indicator_row("I01", 900)]))
    publication.freeze(db, 2024, HQ)
    frozen_ids = _active(db)
    old = [i for i in first_ids if i not in frozen_ids][0]
    with connect(db, write=True) as con:
        from pipeline.warehouse import store
        store.restore(con, old, "hq1")
    with editions.edition_warehouse(db, 2024) as (path, _):
        assert _active(path) == frozen_ids
        assert _values(path)["I01"] == 900


def test_edition_pins_the_factor_workbook_and_later_rows_of_any_table(tmp_path):
    from pipeline import load
    from tests import operations_factories as of
    db = tmp_path / "ops.duckdb"
    of.load_ops(db)
    assert all(r.accepted for r in f.ingest_all(db, f.d01(2024)))
    ed = publication.freeze(db, 2024, HQ)

    def current_factor(path):
        with connect(path) as con:
            return con.execute("SELECT factor_id FROM v_current_factor_set").fetchone()[0]
    assert ed.factor_id == current_factor(db)
    doubled = [(y, a, s, m, k * 2, src) for (y, a, s, m, k, src) in of.FACTORS]
    result, _, _ = load.load_factors_bytes(of.factor_workbook(factors=doubled), "factors2.xlsx", db)
    assert result.accepted and current_factor(db) != ed.factor_id
    # a workbook loaded after freezing, with rows in a table keyed by submission_id
    [report] = f.ingest_all(db, f.d01(2024, indicators=[f.indicator_row("I01", 900)]))
    with connect(db, write=True) as con:
        con.execute("INSERT INTO energy_rows (submission_id, row_no, facility_code) VALUES (?, 1, 'F001')",
                    [report.submission_id])
    with editions.edition_warehouse(db, 2024) as (path, _):
        assert current_factor(path) == ed.factor_id
        with connect(path) as con:
            assert con.execute("SELECT count(*) FROM energy_rows").fetchone()[0] == 0
            assert con.execute("SELECT count(*) FROM submissions WHERE submission_id = ?",
                               [report.submission_id]).fetchone()[0] == 0


def test_edition_keeps_the_narrative_saved_before_freezing(db):
    from datetime import timedelta
    from pipeline.warehouse import round as rnd, store
    with connect(db, write=True) as con:
        rnd.save_narrative(con, 2024, rnd.SCOPE_ALL, "overview", "確定時の概況", "hq1")
        con.execute("UPDATE narrative_texts SET saved_at = ?", [store.now() - timedelta(minutes=5)])
    publication.freeze(db, 2024, HQ)
    with connect(db, write=True) as con:
        rnd.save_narrative(con, 2024, rnd.SCOPE_ALL, "overview", "後で直した概況", "hq1")
        con.execute("UPDATE narrative_texts SET saved_at = ? WHERE version = 2",
                    [store.now() + timedelta(minutes=5)])
    with editions.edition_warehouse(db, 2024) as (path, _):
        with connect(path) as con:
            assert rnd.saved_narratives(con, 2024)["overview"].text == "確定時の概況"
    with connect(db) as con:
        assert rnd.saved_narratives(con, 2024)["overview"].text == "後で直した概況"
