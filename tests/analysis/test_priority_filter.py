"""The 重点対策のみ filter (Filters.priority) in every dashboard query.

Rule: actions marked 重点対策 in the master; partners by their action; indicators by their
measure (a measure with at least one priority action); departments by those actions and
indicators.  In the small master only A001 (M11, D01) is a priority action."""
from __future__ import annotations

import pytest

from pipeline.analysis import attainment, partners, pdca, submissions, trends
from pipeline.analysis.common import Filters
from tests import factories as f


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    db = tmp_path_factory.mktemp("prio") / "w.duckdb"
    f.load_master(db)
    assert all(r.accepted for r in f.ingest_all(
        db,
        f.d01(2024, indicators=[f.indicator_row("I01", 700)],
              partners=[f.partner_row("A001", COL_PARTICIPANTS=5)]),
        f.d02(2024, indicators=[f.indicator_row("I02", 30)],
              partners=[f.partner_row("A003", COL_PARTICIPANTS=7)])))
    return db


ALL, PRIO = Filters(2024), Filters(2024, priority=True)


def test_pdca(db):
    assert pdca.pdca_by_year(db, ALL)["actions"].tolist() == [2]
    assert pdca.pdca_by_year(db, PRIO)["actions"].tolist() == [1]
    assert set(pdca.pdca_matrix(db, PRIO)["action_code"]) == {"A001"}
    assert int(pdca.self_evaluation_distribution(db, PRIO)["count"].sum()) == 1
    assert int(pdca.direction_distribution(db, PRIO)["count"].sum()) == 1
    assert pdca.self_evaluation_transitions(db, PRIO, 2024, 2024)["count"].sum() == 1


def test_indicators_by_their_measure(db):
    assert set(attainment.attainment_table(db, ALL)["indicator_code"]) == {"I01", "I02"}
    assert set(attainment.attainment_table(db, PRIO)["indicator_code"]) == {"I01"}
    assert int(attainment.indicator_status_counts(db, PRIO)["count"].sum()) == 1
    assert set(attainment.indicator_options(db, PRIO)["indicator_code"]) == {"I01"}


def test_partners_by_their_action(db):
    assert partners.partners_by_year(db, ALL)["participants"].tolist() == [12]
    assert partners.partners_by_year(db, PRIO)["participants"].tolist() == [5]
    assert set(partners.stakeholder_heatmap(db, PRIO)["policy_code"]) == {"P1", "P2"}
    assert int(partners.stakeholder_heatmap(db, PRIO)["participants"].sum()) == 5


def test_departments(db):
    assert set(submissions.submission_status(db, PRIO)["department_code"]) == {"D01"}
    assert set(submissions.submission_matrix(db, PRIO)["department_code"]) == {"D01"}


def test_two_year_comparison(db):
    metrics = trends.year_metrics(db, PRIO)
    assert metrics["actions_reported"] == 1.0
