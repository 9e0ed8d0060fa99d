"""Emission factor workbook (排出係数表, contract §8.2): validation, versions, command."""
from __future__ import annotations

import json

import pytest

from pipeline import load
from pipeline.ingest import contract as c
from pipeline.ingest.factors import name_key, unit_key, validate_factors
from pipeline.warehouse import operations
from pipeline.warehouse.schema import connect
from tests import operations_factories as of
from tests.cli.test_main import run


def errors_of(data: bytes) -> list[tuple[str | None, str | None]]:
    result = validate_factors(data, "f.xlsx")
    assert not result.accepted and result.factors is None
    return [(p.sheet, p.cell) for p in result.errors]


def test_valid_workbook_is_read_whole():
    result = validate_factors(of.factor_workbook(), "f.xlsx")
    assert result.accepted, result.problems
    fs = result.factors
    assert result.rows == {c.FACTOR_ACTIVITIES: 5, c.FACTOR_CONVERSIONS: 4, c.FACTOR_FACTORS: 20}
    assert fs.activity(" 電気 ").base_unit == "kWh"
    assert fs.activity("公用車走行（ガソリン）").gas == "CH4" and fs.activity("公用車走行（ガソリン）").gwp == 28
    assert fs.electric == {"電気"}
    assert set(fs.suppliers["電気"]) == {name_key("A電力"), name_key("B電力")}
    assert fs.years == [2013, 2023, 2024]
    electricity = fs.activity("電気")
    assert fs.ratio(electricity, "千kWh") == 1000 and fs.ratio(electricity, "ｋＷｈ") == 1
    assert fs.ratio(electricity, "m3") is None
    # units are compared after NFKC: ｍ３, m³ and m3 are one spelling
    gas = fs.activity("都市ガス")
    assert fs.ratio(gas, "ｍ３") == fs.ratio(gas, "m³") == fs.ratio(gas, "m3") == 1
    assert unit_key("千ｍ３") == unit_key("千m³")


def test_a_renewable_menu_may_be_zero_and_activities_are_data():
    data = of.factor_workbook(
        activities=of.ACTIVITIES + [("廃プラスチック焼却", "t", "CO2", 1)],
        extra_factors=[(2024, "廃プラスチック焼却", None, None, 2770, "施行令")])
    result = validate_factors(data, "f.xlsx")
    assert result.accepted, result.problems
    assert result.factors.activity("廃プラスチック焼却").base_unit == "t"
    assert any(f.factor == 0 for f in result.factors.factors)


@pytest.mark.parametrize("kwargs, where", [
    # a 単位換算 row for an undefined 活動区分
    (dict(conversions=of.CONVERSIONS + [("重油", "kL", 1000)]), (c.FACTOR_CONVERSIONS, "A6")),
    # an 排出係数 row for an undefined 活動区分
    (dict(extra_factors=[(2024, "軽油", None, None, 2.58, "")]), (c.FACTOR_FACTORS, "B22")),
    # a negative factor
    (dict(extra_factors=[(2022, "電気", "A電力", None, -0.1, "")]), (c.FACTOR_FACTORS, "E22")),
    # a conversion ratio of 0
    (dict(conversions=of.CONVERSIONS + [("電気", "MWh", 0)]), (c.FACTOR_CONVERSIONS, "C6")),
    # two factors for one FY × activity × supplier × menu (spelled differently)
    (dict(extra_factors=[(2024, "電気", "Ａ電力", None, 0.39, "")]), (c.FACTOR_FACTORS, "A22")),
    (dict(extra_factors=[("令和6年度", "都市ガス", None, None, 2.2, "")]), (c.FACTOR_FACTORS, "A22")),
    # a menu without a supplier
    (dict(extra_factors=[(2022, "電気", None, "グリーン", 0, "")]), (c.FACTOR_FACTORS, "D22")),
    # a GWP that is not positive
    (dict(activities=of.ACTIVITIES + [("フロン", "kg", "HFC", 0)]), (c.FACTOR_ACTIVITIES, "D7")),
    # a gas that is not CO2, CH4, N2O or HFC
    (dict(activities=of.ACTIVITIES + [("SF6", "kg", "SF6", 23500)]), (c.FACTOR_ACTIVITIES, "C7")),
    # an activity defined twice
    (dict(activities=of.ACTIVITIES + [("電気", "千kWh", "CO2", 1)]), (c.FACTOR_ACTIVITIES, "A7")),
])
def test_bad_rows_are_rejected_at_their_cell(kwargs, where):
    assert where in errors_of(of.factor_workbook(**kwargs))


def test_all_errors_at_once_and_missing_sheets():
    data = of.factor_workbook(conversions=of.CONVERSIONS + [("重油", "kL", 1000)],
                              extra_factors=[(2022, "電気", "A電力", None, -1, "")],
                              drop=())
    assert len(errors_of(data)) == 2
    assert errors_of(of.factor_workbook(drop=(c.FACTOR_CONVERSIONS,))) == [(c.FACTOR_CONVERSIONS, None)]
    # a broken activity sheet does not cascade into every reference
    broken = of.factor_workbook(activities=[("電気", "kWh", "CO2", "x")] + of.ACTIVITIES[1:])
    assert errors_of(broken) == [(c.FACTOR_ACTIVITIES, "D2")]


def test_versioned_like_the_master(tmp_path):
    db = tmp_path / "w.duckdb"
    first = of.factor_workbook()
    result, factor_id, noop = load.load_factors_bytes(first, "f1.xlsx", db)
    assert result.accepted and factor_id == 1 and not noop
    # identical bytes: no-op
    assert load.load_factors_bytes(first, "again.xlsx", db)[1:] == (1, True)
    second = of.factor_workbook(extra_factors=of.FY2025_FACTORS)
    assert load.load_factors_bytes(second, "f2.xlsx", db)[1:] == (2, False)
    # a rejected workbook changes nothing
    bad = of.factor_workbook(extra_factors=[(2026, "電気", "A電力", None, -1, "")])
    result, factor_id, _ = load.load_factors_bytes(bad, "bad.xlsx", db)
    assert not result.accepted and factor_id is None
    with connect(db) as con:
        history = operations.factor_history(con)
        assert history["is_current"].tolist() == [False, True]
        assert operations.current_factors(con).years == [2013, 2023, 2024, 2025]
        assert con.execute("SELECT count(*) FROM archive").fetchone()[0] == 2
        assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'factors'").fetchone()[0] == 2


def test_factors_command(tmp_path):
    db = tmp_path / "w.duckdb"
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(of.factor_workbook())
    bad.write_bytes(of.factor_workbook(extra_factors=[(2024, "軽油", None, None, 2.58, "")]))
    proc = run("factors", good, "--json", db=db, check_rc=0)
    out = json.loads(proc.stdout)
    assert out["accepted"] and not out["noop"] and out["factor_id"] == 1
    assert out["rows"][c.FACTOR_FACTORS] == 20 and out["years"] == [2013, 2023, 2024]
    proc = run("factors", good, db=db, check_rc=0)
    assert "変更はありません" in proc.stderr
    proc = run("factors", bad, "--json", db=db, check_rc=1)
    out = json.loads(proc.stdout)
    assert not out["accepted"]
    assert out["errors"][0]["sheet"] == c.FACTOR_FACTORS and out["errors"][0]["cell"] == "B22"
    assert "排出係数!B22" in proc.stderr
    run("factors", tmp_path / "missing.xlsx", db=db, check_rc=1)


def test_choose_follows_the_rule_of_8_2():
    """FactorSet.choose (the upload preview's) picks what v_factor_choice picks."""
    fs = validate_factors(of.factor_workbook(), "f.xlsx").factors

    def pick(activity, supplier, menu, year):
        chosen = fs.choose(activity, supplier, menu, year)
        return None if chosen is None else (chosen.fiscal_year, chosen.factor)

    assert pick("電気", "A電力", "グリーン100", 2024) == (2024, 0.0)      # supplier and menu
    assert pick("電気", "Ａ電力", "グリーン１００", 2024) == (2024, 0.0)   # compared after NFKC
    assert pick("電気", "A電力", "別メニュー", 2024) == (2024, 0.38)      # supplier, blank menu
    assert pick("電気", "B電力", None, 2024) == (2024, 0.44)             # B電力 has no FY2024 row: 代替値
    assert pick("電気", "B電力", None, 2023) == (2023, 0.50)
    assert pick("電気", None, None, 2024) == (2024, 0.44)                # blank supplier: 代替値
    assert pick("電気", "代替値", None, 2024) == (2024, 0.44)
    assert pick("電気", "A電力", None, 2026) == (2024, 0.38)             # provisional: the latest earlier FY
    assert pick("電気", "A電力", None, 2020) == (2013, 0.55)
    assert pick("都市ガス", None, None, 2024) == (2024, 2.23)            # no supplier for fuels
    assert pick("公用車走行（ガソリン）", None, None, 2013) is None       # no factor that early
    assert pick("重油", None, None, 2024) is None
