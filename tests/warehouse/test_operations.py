"""Views of the city's own operations (contract §8.4), against emissions computed by hand.

Factors (tests/operations_factories.py), kg-CO2 per 基準単位:
  電気  FY2013: 代替値 0.50, A電力 0.55 | FY2023: 代替値 0.45, A電力 0.40 (グリーン100: 0), B電力 0.50
        FY2024: 代替値 0.44, A電力 0.38 (グリーン100: 0)       | FY2025: none until loaded
  都市ガス 2.23 / m3, 灯油 2.49 / L, LPG 3.00 / kg (m3 × 2), 公用車走行 0.00001 kg-CH4/km × GWP 28.
Whole-government target: FY2013 100 t → FY2030 −50 %; 市長部局 (O1): 60 t → −40 %.
"""
from __future__ import annotations

import pytest

from pipeline import load
from pipeline.ingest import contract as c
from pipeline.warehouse import provenance
from pipeline.warehouse.schema import connect
from tests import factories as f
from tests import operations_factories as of

MONTHLY = [1000] * 12


def facility_rows(db, year):
    with connect(db) as con:
        return con.execute(
            "SELECT facility_code, activity, supplier, menu, amount, factor, factor_year, factor_basis, "
            "provisional, t_co2, t_co2_fixed FROM v_facility_emissions WHERE fiscal_year = ? "
            "ORDER BY facility_code, activity, supplier NULLS FIRST, menu NULLS FIRST", [year]).fetchall()


def totals(db, year, org=None):
    with connect(db) as con:
        return con.execute(
            "SELECT * FROM v_operations_emissions WHERE fiscal_year = ? "
            "AND organisation_code IS NOT DISTINCT FROM ?", [year, org]).df().iloc[0].to_dict()


def change(db, year, org=None):
    with connect(db) as con:
        df = con.execute("SELECT * FROM v_operations_change WHERE fiscal_year = ? "
                         "AND organisation_code IS NOT DISTINCT FROM ?", [year, org]).df()
    return None if df.empty else df.iloc[0].to_dict()


@pytest.fixture()
def db(tmp_path):
    """FY2023–FY2025 for 本庁舎 (F001): two meters from two suppliers in FY2024, FY2025 without factors."""
    return of.load_fy2023_2025(tmp_path / "w.duckdb")


def test_two_meters_two_suppliers_by_hand(db):
    rows = facility_rows(db, 2024)
    # A電力 0.38 (its own FY2024 factor); B電力 has none for FY2024 → 代替値 0.44.
    # Fixed (FY2013): A電力 0.55; B電力 → 代替値 0.50.  Gas 1,200 m3 × 2.23 both ways.
    assert rows == [
        ("F001", "都市ガス", None, None, 1200, 2.23, 2024, c.BASIS_FACTOR_ONLY, False,
         pytest.approx(2.676), pytest.approx(2.676)),
        ("F001", "電気", "A電力", None, 12000, 0.38, 2024, c.BASIS_SUPPLIER, False,
         pytest.approx(4.56), pytest.approx(6.6)),
        ("F001", "電気", "B電力", None, 20000, 0.44, 2024, c.BASIS_FALLBACK, False,
         pytest.approx(8.8), pytest.approx(10.0)),
        ("F002", "電気", None, None, 50000, 0.44, 2024, c.BASIS_FALLBACK, False,
         pytest.approx(22.0), pytest.approx(25.0)),
    ]
    whole = totals(db, 2024)
    assert whole["t_co2"] == pytest.approx(4.56 + 8.8 + 2.676 + 22.0)
    assert whole["t_co2_fixed"] == pytest.approx(6.6 + 10.0 + 2.676 + 25.0)
    o1 = totals(db, 2024, "O1")
    assert o1["t_co2"] == pytest.approx(16.036) and o1["facilities_reported"] == 1
    assert o1["facilities_in_use"] == 1                        # F003 closed in FY2022, F004 opens FY2025
    assert totals(db, 2024, "O2")["t_co2"] == pytest.approx(22.0)


def test_targets_path_and_status(db):
    whole = totals(db, 2024)
    t = 4.56 + 8.8 + 2.676 + 22.0
    assert (whole["base_year"], whole["base_t_co2"], whole["target_year"], whole["target_t_co2"]) == \
        (2013, 100, 2030, 50)
    assert whole["expected_t_co2"] == pytest.approx(100 + (50 - 100) * 11 / 17)
    assert whole["reduction_pct"] == pytest.approx((100 - t) / 100 * 100)
    assert whole["status"] == c.STATUS_ACHIEVED           # far below the FY2030 target
    assert whole["facilities_reported"] == 2 and whole["facilities_in_use"] == 2
    # 教育委員会 has no target row: no status, but its figure is there
    o2 = totals(db, 2024, "O2")
    assert o2["base_t_co2"] is None or o2["base_t_co2"] != o2["base_t_co2"]
    assert o2["status"] is None
    # no FY2022 data at all: no row; an organisation without rows in a FY is 未報告
    assert totals(db, 2025, "O2")["status"] == c.STATUS_UNREPORTED


def test_monthly_and_annual_layouts_give_the_same_figure(tmp_path):
    db = tmp_path / "w.duckdb"
    of.load_ops(db)
    headers = [h for h in c.ENERGY_SHEET.headers if h not in c.MONTH_HEADERS]
    f.ingest_all(db,
                 of.d01_energy(2024, [of.energy_row("F001", "電気", "kWh", months=MONTHLY)]),
                 of.with_energy(f.d02(2024), [of.energy_row("F002", "電気", "千kWh", annual=12)],
                                headers=headers))
    rows = facility_rows(db, 2024)
    assert [r[4] for r in rows] == [12000, 12000] and rows[0][9] == rows[1][9] == pytest.approx(5.28)


def test_provisional_then_final_without_resubmitting(db):
    rows = facility_rows(db, 2025)
    assert [(r[0], r[5], r[6], r[8]) for r in rows] == [("F001", 0.38, 2024, True), ("F004", 0.38, 2024, True)]
    assert totals(db, 2025)["provisional"] and not totals(db, 2024)["provisional"]
    with connect(db) as con:
        auto = con.execute("SELECT actual_value, provisional FROM v_indicator_attainment "
                           "WHERE indicator_code = 'I03' AND fiscal_year = 2025").fetchone()
    assert auto == (pytest.approx(16000 * 0.38 / 1000), True)
    result, _, _ = load.load_factors_bytes(of.factor_workbook(extra_factors=of.FY2025_FACTORS),
                                           "factors2025.xlsx", db)
    assert result.accepted
    rows = facility_rows(db, 2025)
    assert [(r[0], r[5], r[6], r[8]) for r in rows] == [("F001", 0.35, 2025, False), ("F004", 0.35, 2025, False)]
    whole = totals(db, 2025)
    assert whole["t_co2"] == pytest.approx(16000 * 0.35 / 1000) and not whole["provisional"]
    with connect(db) as con:
        assert con.execute("SELECT count(*) FROM submissions").fetchone()[0] == 4     # nothing re-submitted


def test_fixed_factor_is_null_where_the_base_year_has_none(tmp_path):
    db = tmp_path / "w.duckdb"
    of.load_ops(db)
    f.ingest_all(db, of.d01_energy(2024, [of.energy_row("F001", "公用車走行（ガソリン）", "km", annual=10000),
                                          of.energy_row("F001", "灯油", "kL", annual=1)]))
    rows = facility_rows(db, 2024)
    # CH4: 10,000 km × 0.00001 kg/km × GWP 28 / 1000; no FY2013 factor for it → fixed NULL
    assert rows[0][1] == "公用車走行（ガソリン）" and rows[0][9] == pytest.approx(0.0028)
    assert rows[0][10] is None
    assert rows[1][4] == 1000 and rows[1][9] == pytest.approx(2.49) and rows[1][10] == pytest.approx(2.49)
    assert totals(db, 2024)["t_co2_fixed"] is None or totals(db, 2024)["t_co2_fixed"] != \
        totals(db, 2024)["t_co2_fixed"]                      # NULL: one row has no base-year factor


def test_menus_and_fallbacks(tmp_path):
    db = tmp_path / "w.duckdb"
    of.load_ops(db)
    f.ingest_all(db, of.d01_energy(2024, [
        of.energy_row("F001", "電気", "kWh", annual=1000, COL_SUPPLIER="Ａ電力", COL_MENU="グリーン１００"),
        of.energy_row("F001", "電気", "kWh", annual=1000, COL_SUPPLIER="A電力", COL_MENU="未登録プラン"),
        of.energy_row("F001", "電気", "kWh", annual=1000, COL_SUPPLIER="未登録電力"),
        of.energy_row("F001", "電気", "kWh", annual=1000, COL_SUPPLIER="代替値"),
        of.energy_row("F001", "電気", "kWh", annual=1000)]))
    rows = facility_rows(db, 2024)
    by = {(r[2], r[3]): (r[5], r[7]) for r in rows}
    assert by[("Ａ電力", "グリーン１００")] == (0.0, c.BASIS_SUPPLIER)       # renewable menu: 0
    assert by[("A電力", "未登録プラン")] == (0.38, c.BASIS_SUPPLIER)          # the supplier's blank-menu factor
    assert by[("未登録電力", None)] == (0.44, c.BASIS_FALLBACK)
    assert by[("代替値", None)] == (0.44, c.BASIS_FALLBACK)
    assert by[(None, None)] == (0.44, c.BASIS_FALLBACK)


def test_decomposition_adds_up_exactly(db):
    # FY2024 against FY2023, whole government:
    #   F001 電気: A 10,000 → 32,000 kWh; F_a 0.40; F_b = (12,000 × 0.38 + 20,000 × 0.44) / 32,000
    #   F001 都市ガス: 2,000 → 1,200 m3 at 2.23 both years
    #   F002 電気: absent in FY2023 (D02 did not report): A_a = 0, F_a = FY2023's 代替値 0.45
    row = change(db, 2024)
    t_prev = 10000 * 0.40 / 1000 + 2000 * 2.23 / 1000
    t_now = 4.56 + 8.8 + 1200 * 2.23 / 1000 + 22.0
    usage = ((32000 - 10000) * 0.40 + (1200 - 2000) * 2.23 + (50000 - 0) * 0.45) / 1000
    f_b = (12000 * 0.38 + 20000 * 0.44) / 32000
    factor = (32000 * (f_b - 0.40) + 1200 * 0 + 50000 * (0.44 - 0.45)) / 1000
    assert row["previous_year"] == 2023
    assert row["t_co2_previous"] == pytest.approx(t_prev) and row["t_co2"] == pytest.approx(t_now)
    assert row["usage_effect_t"] == pytest.approx(usage)
    assert row["factor_effect_t"] == pytest.approx(factor)
    assert row["usage_effect_t"] + row["factor_effect_t"] == row["change_t"]
    assert row["change_t"] == pytest.approx(t_now - t_prev)
    # 教育委員会 had no FY2023 data: no row for it
    assert change(db, 2024, "O2") is None and change(db, 2024, "O1") is not None


def test_decomposition_with_rows_absent_in_either_year(db):
    # FY2025 against FY2024 (provisional FY2025 factors = FY2024's):
    #   F001 電気 A電力 12,000 (F 0.38); B電力 meter gone; F001 都市ガス gone; F004 new (A電力, F_a 0.38)
    #   F002 (O2) not reported in FY2025
    row = change(db, 2025)
    f_a = (12000 * 0.38 + 20000 * 0.44) / 32000
    usage = ((12000 - 32000) * f_a + (0 - 1200) * 2.23 + (4000 - 0) * 0.38 + (0 - 50000) * 0.44) / 1000
    factor = (12000 * (0.38 - f_a)) / 1000
    assert row["usage_effect_t"] == pytest.approx(usage)
    assert row["factor_effect_t"] == pytest.approx(factor)
    assert row["usage_effect_t"] + row["factor_effect_t"] == row["change_t"]
    o1 = change(db, 2025, "O1")
    assert o1["usage_effect_t"] + o1["factor_effect_t"] == o1["change_t"]
    assert o1["t_co2"] == pytest.approx(16000 * 0.38 / 1000)


def test_auto_indicator_takes_the_inventory_and_ignores_typed_values(tmp_path):
    db = tmp_path / "w.duckdb"
    of.load_ops(db)
    reports = f.ingest_all(db, of.d01_energy(2024, [of.energy_row("F001", "電気", "kWh", annual=100000)],
                                              indicators=[f.indicator_row("I03", 999), f.indicator_row("I01", 500)]))
    assert reports[0].accepted and any(p.sheet == c.SHEET_INDICATORS for p in reports[0].warnings)
    with connect(db) as con:
        rows = dict(con.execute("SELECT indicator_code, actual_value FROM v_indicator_attainment "
                                "WHERE fiscal_year = 2024").fetchall())
        auto = con.execute("SELECT status, auto_calculated, submission_id FROM v_indicator_attainment "
                           "WHERE indicator_code = 'I03' AND fiscal_year = 2024").fetchone()
    assert rows["I03"] == pytest.approx(44.0) and rows["I01"] == 500
    assert auto == (c.STATUS_ACHIEVED, True, None)         # 44 t against a 50 t target


def test_facility_figure_traces_to_its_cells(db):
    with connect(db) as con:
        sources = provenance.facility_sources(con, 2024, "F001")
    electricity = sources[sources["activity"] == "電気"]
    assert set(electricity["cells"]) == {"G2:R2", "S3"}
    assert set(electricity["sheet"]) == {c.SHEET_ENERGY}
    assert set(electricity["file_name"]) == {"wb1.xlsx"}
    assert electricity["amount"].sum() == 32000
    with connect(db) as con:
        frame = provenance.sources_frame(con, 2024, provenance.KIND_ENERGY)
        rows = provenance.submission_rows(con, int(electricity["submission_id"].iloc[0]))
    assert len(frame) == 4 and (frame["sheet"] == c.SHEET_ENERGY).all()
    assert "F001" in set(rows["code"]) and c.SHEET_ENERGY in set(rows["sheet"])
