"""What changed since freezing: superseded and added workbooks, figures that would differ."""
from __future__ import annotations

import pytest

from pipeline import council
from pipeline.access import auth, publication
from pipeline.analysis import editions as changes
from pipeline.texts import council as ctxt
from pipeline.texts import publication as txt
from tests import factories as f

HQ = auth.User("hq1", auth.ROLE_HQ)


@pytest.fixture()
def db(tmp_path):
    db = tmp_path / "w.duckdb"
    f.load_master(db)
    assert all(r.accepted for r in f.ingest_all(
        db, f.d01(2023), f.d01(2024, indicators=[f.indicator_row("I01", 500)]),
        f.d02(2024, indicators=[f.indicator_row("I02", 35)])))
    return db


def _ids(db):
    from pipeline.warehouse.schema import connect
    with connect(db) as con:
        return dict(((d, y), s) for s, d, y in con.execute(
            "SELECT submission_id, department_code, fiscal_year FROM submissions WHERE status = 'active'"
        ).fetchall())


def test_nothing_changed_right_after_freezing(db):
    publication.freeze(db, 2024, HQ)
    result = changes.changes_since(db, 2024)
    assert result.edition is not None and result.edition.edition_no == 1
    assert result.submissions.empty
    assert not result.figures_differ and not result.any
    keys = list(result.figures["key"])
    assert keys[:5] == [f"status:{s}" for s in ("達成", "順調", "遅れ", "悪化", "未報告")]
    assert {"pdca_completion_pct", "emissions_reduction_pct", "opinions_published"} <= set(keys)


def test_changed_since_lists_the_superseded_submission_and_differing_figures(db):
    before = _ids(db)
    publication.freeze(db, 2024, HQ)
    # D01 resubmits FY2024: I01 moves from 500 (遅れ) to 1900 (達成); FY2025 arrives too
    f.ingest_all(db, f.d01(2024, indicators=[f.indicator_row("I01", 1900)]), f.d01(2025))
    after = _ids(db)
    result = changes.changes_since(db, 2024)
    subs = result.submissions.set_index("submission_id")
    old, new = before[("D01", 2024)], after[("D01", 2024)]
    assert subs.loc[old, "change"] == txt.CHANGE_SUPERSEDED
    assert subs.loc[old, "replaced_by"] == new and bool(subs.loc[old, "affects_year"])
    assert subs.loc[new, "change"] == txt.CHANGE_ADDED and bool(subs.loc[new, "affects_year"])
    fy2025 = after[("D01", 2025)]
    assert subs.loc[fy2025, "change"] == txt.CHANGE_ADDED and not bool(subs.loc[fy2025, "affects_year"])
    assert len(subs) == 3
    figures = result.figures.set_index("key")
    assert (figures.loc["status:達成", "edition"], figures.loc["status:達成", "live"]) == (0, 1)
    assert bool(figures.loc["status:達成", "differs"])
    assert not bool(figures.loc["pdca_actions", "differs"])
    assert result.any
    shown = changes.figures_display(result.figures)
    assert list(shown.columns) == list(txt.FIGURE_HEADERS.values())
    assert txt.DIFFERS in set(shown[txt.FIGURE_HEADERS["differs"]])
    assert txt.CHANGE_HEADERS["replaced_by"] in changes.changes_display(result.submissions).columns


def test_a_later_fys_workbook_reporting_a_value_for_the_year_affects_it(db):
    publication.freeze(db, 2023, HQ)
    f.ingest_all(db, f.d01(2024, indicators=[f.indicator_row("I01", 700, 2023)]))
    result = changes.changes_since(db, 2023)
    added = result.submissions[result.submissions["change"] == txt.CHANGE_ADDED]
    assert bool(added["affects_year"].all())
    figures = result.figures.set_index("key")
    assert bool(figures.loc["status:未報告", "differs"])


def test_opinion_and_master_changes_show_as_figures(db):
    publication.freeze(db, 2024, HQ)
    council.add_opinion(db, 2023, ctxt.LEVEL_PLAN, None, "市民の意見", HQ, source="市民", published=True)
    f.load_master(db, f.small_master(**{"基本方針": [dict(p) for p in reversed(f.POLICIES)]}))
    figures = changes.changes_since(db, 2024).figures.set_index("key")
    assert (figures.loc["opinions_published", "edition"], figures.loc["opinions_published", "live"]) == (0, 1)
    assert bool(figures.loc["master_id", "differs"])
    assert figures.loc["factor_id", "edition"] is None


def test_unfrozen_year(db):
    result = changes.changes_since(db, 2024)
    assert result.edition is None and not result.any
