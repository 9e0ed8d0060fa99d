"""The change preview: pure comparison, and against the active stored submission."""
from __future__ import annotations

from pipeline.ingest import contract as c
from pipeline.access import diff
from pipeline import load
from pipeline.warehouse import store
from pipeline.ingest.validate import ActionReport, IndicatorValue, PartnerRow, Submission
from pipeline.warehouse.schema import connect
from tests import factories as f
from tests.upload_fixtures import _template_warehouse, d01_workbook, db, fast_hashing  # noqa: F401


def action(code, status="実施", budget=100.0, evaluation="B", direction="継続", revision=None, result="did it"):
    return ActionReport(code, None, status, budget, None, result, evaluation, None, direction, revision,
                        c.SHEET_ACTIONS, "A3")


def stored_action(code, status="実施", budget=100.0, evaluation="B", direction="継続", revision=None,
                  result="did it"):
    return {"action_code": code, "implementation_status": status, "budget_k_yen": budget,
            "settlement_k_yen": None, "result_text": result, "self_evaluation": evaluation,
            "issues_text": None, "direction": direction, "revision_text": revision}


def value(code, year, v, note=None):
    return IndicatorValue(code, None, year, v, note, c.SHEET_INDICATORS, "C3")


def partner(code, kind, org=None, people=None):
    return PartnerRow(code, kind, org, people, None, None, c.SHEET_PARTNERS, "A3")


def stored_partner(code, kind, org=None, people=None):
    return {"action_code": code, "stakeholder_type": kind, "organisation": org,
            "participants": people, "co2_reduction_t": None, "content": None}


def sub(actions=(), values=(), partners=()):
    return Submission("x.xlsx", 2024, "D01", actions=list(actions), indicator_values=list(values),
                      partners=list(partners))


def test_first_submission_is_all_new():
    d = diff.compare(sub([action("A1")], [value("I1", 2024, 5.0)], [partner("A1", "市民")]), None)
    assert d.base_submission_id is None
    assert [(a.action_code, a.kind) for a in d.actions] == [("A1", diff.NEW)]
    # A new action lists only its filled fields, each from blank.
    assert {ch.label: (ch.before, ch.after) for ch in d.actions[0].changes} == {
        c.COL_IMPLEMENTATION: (None, "実施"), c.COL_BUDGET: (None, 100), c.COL_RESULT: (None, "did it"),
        c.COL_SELF_EVALUATION: (None, "B"), c.COL_DIRECTION_NEXT: (None, "継続")}
    assert d.indicators == [diff.IndicatorChange("I1", 2024, diff.NEW, None, 5, None, None)]
    assert len(d.partners_added) == 1 and not d.partners_removed
    assert d.count(diff.NEW) == 2 and not d.is_empty


def test_changed_fields_only_are_listed():
    old = diff.StoredRows(7, actions=[stored_action("A1"), stored_action("A2")])
    new = sub([action("A1", evaluation="A", budget=100), action("A2", budget=100.0000000001)])
    d = diff.compare(new, old)
    assert d.base_submission_id == 7
    assert d.actions == [diff.ActionChange("A1", diff.CHANGED, (
        diff.FieldChange("self_evaluation", c.COL_SELF_EVALUATION, "B", "A"),))]
    assert d.unchanged_actions == 1          # float noise is no change


def test_removed_action_and_blank_equals_missing():
    old = diff.StoredRows(3, actions=[stored_action("A1", revision=""), stored_action("A2")])
    d = diff.compare(sub([action("A1", revision=None)]), old)
    assert [(a.action_code, a.kind) for a in d.actions] == [("A2", diff.REMOVED)]
    assert d.actions[0].changes[0] == diff.FieldChange("implementation_status", c.COL_IMPLEMENTATION,
                                                       "実施", None)
    assert d.count(diff.REMOVED) == 1 and d.unchanged_actions == 1


def test_indicator_values_before_and_after():
    old = diff.StoredRows(3, indicator_values=[
        {"indicator_code": "I1", "actual_year": 2023, "value": 10.0, "note": None},
        {"indicator_code": "I1", "actual_year": 2022, "value": 8.0, "note": None},
        {"indicator_code": "I2", "actual_year": 2023, "value": 1.5, "note": "old"},
        {"indicator_code": "I3", "actual_year": 2023, "value": None, "note": None}])
    new = sub(values=[value("I1", 2023, 12.0), value("I1", 2022, 8.0), value("I2", 2023, 1.5, "new"),
                      value("I4", 2023, 3.0)])
    d = diff.compare(new, old)
    assert sorted(d.indicators, key=lambda i: i.indicator_code) == [
        diff.IndicatorChange("I1", 2023, diff.CHANGED, 10, 12, None, None),
        diff.IndicatorChange("I2", 2023, diff.CHANGED, 1.5, 1.5, "old", "new"),
        diff.IndicatorChange("I3", 2023, diff.REMOVED, None, None, None, None),
        diff.IndicatorChange("I4", 2023, diff.NEW, None, 3, None, None)]
    assert d.unchanged_indicators == 1


def test_partner_rows_compared_as_a_multiset():
    old = diff.StoredRows(3, partners=[stored_partner("A1", "市民", people=10),
                                       stored_partner("A1", "事業者", "X社"),
                                       stored_partner("A1", "事業者", "X社")])
    new = sub(partners=[partner("A1", "市民", people=10), partner("A1", "事業者", "X社"),
                        partner("A1", "学校", "Y小学校")])
    d = diff.compare(new, old)
    assert d.partners_added == [{"action_code": "A1", "stakeholder_type": "学校", "organisation": "Y小学校",
                                 "participants": None, "co2_reduction_t": None, "content": None}]
    assert [p["organisation"] for p in d.partners_removed] == ["X社"]
    assert d.unchanged_partners == 2


def test_identical_content_is_an_empty_diff():
    old = diff.StoredRows(3, actions=[stored_action("A1")],
                          indicator_values=[{"indicator_code": "I1", "actual_year": 2024, "value": 5.0,
                                             "note": None}],
                          partners=[stored_partner("A1", "市民")])
    d = diff.compare(sub([action("A1")], [value("I1", 2024, 5)], [partner("A1", "市民")]), old)
    assert d.is_empty and d.count(diff.CHANGED) == 0


def test_preview_against_the_active_submission(db):
    first = d01_workbook(500, "B", partners=[{c.COL_ACTION_CODE: "A001", c.COL_STAKEHOLDER_TYPE: "市民"}])
    loaded = load.ingest_bytes([("v1.xlsx", first)], db, loaded_by="test")[0]
    assert loaded.accepted
    with connect(db) as con:
        second = load.check(d01_workbook(650, "A"), "v2.xlsx", store.current_master(con))
        assert diff.active_submission_id(con, "D01", 2023) == loaded.submission_id
        assert diff.active_submission_id(con, "D02", 2023) is None
        d = diff.preview_change(con, second)
    assert d.base_submission_id == loaded.submission_id
    assert [(a.action_code, [ch.label for ch in a.changes]) for a in d.actions] == [
        ("A001", [c.COL_SELF_EVALUATION])]
    assert [(i.indicator_code, i.before, i.after) for i in d.indicators] == [("I01", 500, 650)]
    assert len(d.partners_removed) == 1 and not d.partners_added
    assert d.names["A001"] == f.ACTIONS[0][c.COL_ACTION_NAME]
    frame = diff.action_frame(d)
    assert frame.iloc[0].tolist() == ["A001", f.ACTIONS[0][c.COL_ACTION_NAME], "変更", c.COL_SELF_EVALUATION,
                                      "B", "A"]
    assert diff.indicator_frame(d).iloc[0][["変更前", "変更後"]].tolist() == ["500", "650"]
    assert diff.partner_frame(d).iloc[0, 0] == "削除"
