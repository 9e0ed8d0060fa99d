"""The demo's 事務事業編 (issue 11): organisations, facilities, energy reports, factors, slips."""
from __future__ import annotations

import pytest

from pipeline import load
from pipeline.demo import operations as OPS
from pipeline.demo.workbooks import write_demo_workbooks
from pipeline.ingest import contract as C
from pipeline.warehouse.schema import connect


@pytest.fixture(scope="module")
def demo(demo_db, tmp_path_factory):
    """The session's demo warehouse and the workbooks it was built from (written again:
    the generator is deterministic, see test_demo.py::test_same_seed_gives_identical_files)."""
    files = tmp_path_factory.mktemp("demo_ops") / "files"
    write_demo_workbooks(files)
    return demo_db, files


def query(db, sql, params=()):
    with connect(db) as con:
        return con.execute(sql, list(params)).fetchall()


def problems_of(db, files, name):
    """Validate a generated workbook again (the stored copy would be a no-op) and return its problems."""
    with connect(db) as con:
        plan = load._plan_for_checks(con)
    sub = load.check((files / name).read_bytes(), name, plan)
    return sub.problems


def test_organisations_facilities_and_factors(demo):
    db, _ = demo
    assert [r[0] for r in query(db, "SELECT organisation_name FROM v_organisations ORDER BY sort_order")] == \
        ["市長部局", "教育委員会", "水道局"]
    n, = query(db, "SELECT count(*) FROM v_facilities")[0]
    assert 140 <= n <= 160
    uses = {r[0] for r in query(db, "SELECT DISTINCT use_type FROM v_facilities")}
    assert {"庁舎", "小学校", "中学校", "浄水場", "ごみ処理施設", "集会施設"} <= uses
    assert query(db, "SELECT count(*) FROM factor_versions")[0][0] == 1
    plastics = query(db, "SELECT DISTINCT use_type FROM v_facility_emissions WHERE activity = ?",
                     [OPS.PLASTICS])
    assert plastics == [("ごみ処理施設",)]
    factors = dict(query(db, "SELECT activity, factor FROM v_emission_factors WHERE fiscal_year = 2024 "
                             "AND supplier IS NULL"))
    assert factors == {"都市ガス": 2.23, "LPG": 3.0, "灯油": 2.49, "軽油": 2.58, "A重油": 2.71,
                       "ガソリン": 2.32, "廃プラスチック焼却": 2770}


def test_totals_tell_the_published_story(demo):
    db, _ = demo
    rows = {(y, o): (t, p) for y, o, t, p in query(
        db, "SELECT fiscal_year, organisation_code, t_co2, provisional FROM v_operations_emissions")}
    assert sorted({y for y, _ in rows}) == [2021, 2022, 2023, 2024, 2025]
    assert rows[(2021, None)][0] == pytest.approx(264519, rel=1e-3)      # −7.8 % from FY2013
    assert rows[(2021, "O1")][0] == pytest.approx(222911, rel=1e-3)
    assert rows[(2021, "O2")][0] == pytest.approx(28037, rel=1e-3)
    assert [rows[(y, None)][1] for y in range(2021, 2026)] == [False] * 4 + [True]
    assert rows[(2025, None)][0] < rows[(2021, None)][0]
    # the automatically computed indicator follows the inventory
    auto = dict(query(db, "SELECT fiscal_year, actual_value FROM v_indicator_attainment "
                          "WHERE indicator_code = 'I04'"))
    assert auto[2024] == pytest.approx(rows[(2024, None)][0])
    # coverage: two departments did not submit FY2025
    reported, in_use = query(db, "SELECT facilities_reported, facilities_in_use FROM v_operations_emissions "
                                 "WHERE fiscal_year = 2025 AND organisation_code IS NULL")[0]
    assert reported < in_use


def test_decomposition_adds_up_and_shows_a_factor_effect(demo):
    db, _ = demo
    rows = query(db, "SELECT fiscal_year, organisation_code, change_t, usage_effect_t, factor_effect_t "
                     "FROM v_operations_change")
    assert len(rows) == 4 * 4
    for _, _, change, usage, factor in rows:
        assert usage + factor == change
    whole = {y: (u, f) for y, o, _, u, f in rows if o is None}
    assert whole[2023][1] < 0                         # schools moved to a lower-carbon supplier
    assert whole[2025][1] == pytest.approx(0, abs=1)  # provisional: FY2024's factors (only meter mixes move)


def test_layouts_units_and_suppliers(demo):
    db, _ = demo
    units = {r[0] for r in query(db, "SELECT DISTINCT unit FROM energy_rows")}
    assert {"kWh", "千kWh", "m3", "千m3", "L", "kL", "kg", "t"} <= units
    annual_only = query(db, "SELECT count(*) FROM energy_rows WHERE m04 IS NULL AND annual IS NOT NULL")[0][0]
    monthly = query(db, "SELECT count(*) FROM energy_rows WHERE m04 IS NOT NULL")[0][0]
    assert annual_only > 0 and monthly > 1000
    bases = {r[0] for r in query(db, "SELECT DISTINCT factor_basis FROM v_facility_emissions")}
    assert bases == {C.BASIS_SUPPLIER, C.BASIS_FALLBACK, C.BASIS_FACTOR_ONLY}
    two_meters = query(db, "SELECT count(DISTINCT supplier) FROM v_facility_emissions "
                           "WHERE facility_code = 'F0101' AND activity = ? AND fiscal_year = 2022",
                       [OPS.ELECTRICITY])[0][0]
    assert two_meters == 2


def test_typical_slips_give_warnings(demo):
    db, files = demo
    jump = [p for p in problems_of(db, files, "FY2024_K18.xlsx")
            if p.sheet == C.SHEET_ENERGY and "単位" in p.message and "倍" in p.message]
    assert jump and jump[0].cell.startswith("F")                 # the 単位 cell
    assert any("2月" in p.message for p in problems_of(db, files, "FY2023_K14.xlsx"))
    assert any("倍" in p.message for p in problems_of(db, files, "FY2025_K07.xlsx"))
    assert any("代替値" in p.message for p in problems_of(db, files, "FY2022_K18.xlsx"))
    assert any("F0304" in p.message for p in problems_of(db, files, "FY2023_K03.xlsx"))
    assert any("自動算定" in p.message for p in problems_of(db, files, "FY2021_K01.xlsx"))
    # the corrected version is the active one
    active = query(db, "SELECT file_name FROM v_submissions WHERE department_code = 'K18' "
                       "AND fiscal_year = 2024 AND status = 'active'")
    assert active == [("FY2024_K18_v2.xlsx",)]


def test_labelled_illustrative(demo):
    _, files = demo
    import openpyxl
    wb = openpyxl.load_workbook(files / "factors.xlsx", read_only=True)
    text = " ".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)
    assert "架空" in text
