"""The change preview: pure comparison, and against the active stored submission."""
from __future__ import annotations

import pytest

from pipeline.ingest import contract as c
from pipeline.access import diff
from pipeline.ingest.energy import EnergyRow
from pipeline.ingest.factors import validate_factors
from pipeline import load
from pipeline.warehouse import store
from pipeline.ingest.validate import ActionReport, IndicatorValue, PartnerRow, Submission
from pipeline.warehouse.schema import connect
from tests import factories as f
from tests import operations_factories as of
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


def sub(actions=(), values=(), partners=(), energy=(), year=2024):
    return Submission("x.xlsx", year, "D01", actions=list(actions), indicator_values=list(values),
                      partners=list(partners), energy=list(energy))


def energy(facility, activity, amount, unit=None, ratio=1.0, supplier=None, menu=None):
    return EnergyRow(facility, None, activity, supplier, menu, unit or "kWh", ratio, (None,) * 12, amount,
                     amount, "S2", None, c.SHEET_ENERGY, "A2")


def stored_energy(facility, activity, amount, base_unit, supplier=None, menu=None):
    return {"facility_code": facility, "activity": activity, "supplier": supplier, "menu": menu,
            "amount": amount, "base_unit": base_unit}


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


# --- エネルギー使用量 ---------------------------------------------------------------------

FACTORS = validate_factors(of.factor_workbook(), "factors.xlsx").factors


def test_energy_before_and_after_in_the_base_unit_with_the_emission_effect():
    old = diff.StoredRows(3, energy=[stored_energy("F001", "電気", 1860.0, "kWh", "A電力"),
                                     stored_energy("F001", "都市ガス", 100.0, "m3"),
                                     stored_energy("F001", "灯油", 200.0, "L")])
    new = sub(energy=[
        energy("F001", "電気", 1.86, "千kWh", 1000, supplier="Ａ電力"),   # same amount, other unit
        energy("F001", "都市ガス", 100.0, "m3"), energy("F001", "都市ガス", 50.0, "m3"),  # two meters
        energy("F001", "電気", 1000.0)])                                  # blank supplier: 代替値
    d = diff.compare(new, old, factors=FACTORS, facility_names={"F001": "本庁舎"})
    assert d.unchanged_energy == 1
    by_kind = {(e.activity, e.kind): e for e in d.energy}
    assert set(by_kind) == {("都市ガス", diff.CHANGED), ("電気", diff.NEW), ("灯油", diff.REMOVED)}
    gas = by_kind[("都市ガス", diff.CHANGED)]
    assert (gas.before, gas.after, gas.base_unit) == (100, 150, "m3")
    assert gas.effect_t == pytest.approx(50 * 2.23 / 1000) and not gas.provisional
    electricity = by_kind[("電気", diff.NEW)]
    assert (electricity.before, electricity.after, electricity.supplier) == (None, 1000, None)
    assert electricity.effect_t == pytest.approx(1000 * 0.44 / 1000)      # 代替値 FY2024
    kerosene = by_kind[("灯油", diff.REMOVED)]
    assert (kerosene.before, kerosene.after) == (200, None)
    assert kerosene.effect_t == pytest.approx(-200 * 2.49 / 1000)
    assert d.energy_effect_t == pytest.approx(0.1115 + 0.44 - 0.498)
    assert d.count(diff.NEW) == 1 and d.count(diff.CHANGED) == 1 and d.count(diff.REMOVED) == 1
    frame = diff.energy_frame(d).set_index(c.COL_ACTIVITY)
    assert frame.loc["都市ガス"].tolist() == ["F001", "本庁舎", "", "", "変更", "100", "150", "m3", "+0.112"]
    assert frame.loc["電気"][["変更前", "変更後", "排出量の増減（t-CO2）"]].tolist() == ["（空欄）", "1,000", "+0.440"]
    assert frame.loc["灯油"][["区分", "変更後"]].tolist() == ["削除", "（空欄）"]


def test_energy_supplier_and_menu_are_separate_rows_and_a_late_fy_is_provisional():
    old = diff.StoredRows(3, energy=[stored_energy("F001", "電気", 1000.0, "kWh", "A電力")])
    new = sub(energy=[energy("F001", "電気", 1000.0, supplier="A電力", menu="グリーン100")], year=2026)
    d = diff.compare(new, old, factors=FACTORS)
    assert [(e.menu, e.kind) for e in d.energy] == [("グリーン100", diff.NEW), (None, diff.REMOVED)]
    assert [e.effect_t for e in d.energy] == [0.0, pytest.approx(-1000 * 0.38 / 1000)]
    assert all(e.provisional for e in d.energy)                              # FY2024's factors
    assert diff.energy_frame(d)["排出量の増減（t-CO2）"].tolist() == ["+0.000（暫定）", "-0.380（暫定）"]
    # without a factor workbook the amounts still compare; no effect
    bare = diff.compare(new, old)
    assert [e.effect_t for e in bare.energy] == [None, None] and bare.energy_effect_t is None
    assert diff.energy_frame(bare)["排出量の増減（t-CO2）"].tolist() == ["（係数なし）"] * 2


def test_identical_energy_is_no_change():
    old = diff.StoredRows(3, energy=[stored_energy("F001", "電気", 1500.0, "kWh")])
    d = diff.compare(sub(energy=[energy("F001", "電気", 1500.0)]), old, factors=FACTORS)
    assert d.is_empty and d.unchanged_energy == 1


def test_energy_preview_against_the_active_submission_matches_the_views(db):
    of.load_ops(db)
    months = [100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210]     # 1,860
    first = of.d01_energy(2024, [of.energy_row("F001", "電気", "kWh", months=months, COL_SUPPLIER="A電力"),
                                 of.energy_row("F001", "灯油", "L", annual=200)])
    loaded = load.ingest_bytes([("v1.xlsx", first)], db, loaded_by="test")[0]
    assert loaded.accepted, loaded.errors
    second_bytes = of.d01_energy(2024, [
        of.energy_row("F001", "電気", "千kWh", annual=2.0, COL_SUPPLIER="A電力"),
        of.energy_row("F001", "都市ガス", "千m3", annual=0.1)])

    def total(con):
        return con.execute("SELECT sum(t_co2) FROM v_facility_emissions WHERE fiscal_year = 2024").fetchone()[0]

    with connect(db) as con:
        second = load.check(second_bytes, "v2.xlsx", load._plan_for_checks(con))
        assert second.accepted, second.errors
        d = diff.preview_change(con, second)
        before = total(con)
    assert d.base_submission_id == loaded.submission_id
    assert [(e.activity, e.kind, e.before, e.after, e.base_unit) for e in d.energy] == [
        ("電気", diff.CHANGED, 1860, 2000, "kWh"), ("都市ガス", diff.NEW, None, 100, "m3"),
        ("灯油", diff.REMOVED, 200, None, "L")]
    assert d.facility_names["F001"] == "本庁舎"
    assert d.energy_effect_t == pytest.approx(140 * 0.38 / 1000 + 100 * 2.23 / 1000 - 200 * 2.49 / 1000)
    assert load.ingest_bytes([("v2.xlsx", second_bytes)], db, loaded_by="test")[0].accepted
    with connect(db) as con:                         # what the preview said is what the views now show
        assert total(con) - before == pytest.approx(d.energy_effect_t)
