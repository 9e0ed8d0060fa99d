"""Queries and charts of the 市役所の排出量 page (事務事業編), against figures computed by hand.

The warehouse (the same as tests/warehouse/test_operations.py's), factors in kg-CO2 per 基準単位:
  電気  FY2013: 代替値 0.50, A電力 0.55 | FY2023: A電力 0.40 | FY2024: 代替値 0.44, A電力 0.38
  都市ガス 2.23 / m3.  FY2025 has no factors yet: FY2024's are used, 暫定.
  FY2023  F001 本庁舎 (D01, O1 市長部局, 庁舎 10,000 ㎡): 電気 A電力 10,000 kWh, 都市ガス 2 千m3
  FY2024  F001: 電気 A電力 12,000 kWh + B電力 (no factor: 代替値) 20 千kWh, 都市ガス 1,200 m3;
          F002 第一小学校 (D02, O2 教育委員会, 学校 5,000 ㎡): 電気 50,000 kWh (代替値)
  FY2025  F001: 電気 A電力 12,000 kWh; F004 新センター (D01, 集会施設 1,500 ㎡, opens FY2025): 4,000 kWh
Targets: whole government FY2013 100 t → FY2030 −50 %; 市長部局 60 t → −40 %; 教育委員会 none.
"""
from __future__ import annotations

import json

import pandas as pd
import pytest

from pipeline.analysis import chart_style, emissions
from pipeline.analysis import operations as ops
from pipeline.ingest import contract as c
from pipeline.texts import dashboard as dtxt
from pipeline.texts import operations as txt
from pipeline.warehouse.schema import connect
from tests import factories as f
from tests import operations_factories as of

MONTHLY = [1000] * 12

T2023 = 10000 * 0.40 / 1000 + 2000 * 2.23 / 1000                   # 8.46
F001_2024 = 12000 * 0.38 / 1000 + 20000 * 0.44 / 1000 + 1200 * 2.23 / 1000   # 16.036
F002_2024 = 50000 * 0.44 / 1000                                       # 22.0
T2024 = F001_2024 + F002_2024                                         # 38.036
F001_2025, F004_2025 = 12000 * 0.38 / 1000, 4000 * 0.38 / 1000         # 4.56, 1.52
FIXED_2024 = (12000 * 0.55 + 20000 * 0.50 + 1200 * 2.23 + 50000 * 0.50) / 1000


def build(path):
    return of.load_fy2023_2025(path)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build(tmp_path_factory.mktemp("ops_analysis") / "w.duckdb")


@pytest.fixture()
def con(db):
    with connect(db) as c_:
        yield c_


# --- what exists -----------------------------------------------------------------------------

def test_inventory_factors_and_years(con):
    assert ops.has_inventory(con) and ops.has_factors(con)
    assert ops.inventory_years(con) == [2023, 2024, 2025]
    assert ops.energy_years(con) == [2023, 2024, 2025]
    scopes = ops.scopes(con)
    assert scopes["organisation_code"].tolist() == [ops.WHOLE, "O1", "O2"]
    assert scopes["organisation_name"].tolist() == [txt.WHOLE_GOVERNMENT, "市長部局", "教育委員会"]


def test_inventory_state_in_one_query(con):
    state = ops.inventory_state(con)
    assert (state.has_inventory, state.has_factors) == (True, True)
    assert state.energy_years == state.inventory_years == (2023, 2024, 2025)
    assert state.scopes == ((ops.WHOLE, txt.WHOLE_GOVERNMENT), ("O1", "市長部局"), ("O2", "教育委員会"))


def test_a_master_without_section_8_has_no_inventory(tmp_path):
    db = tmp_path / "v1.duckdb"
    f.load_master(db)
    f.ingest_all(db, f.d01(2024))
    with connect(db) as con:
        assert not ops.has_inventory(con) and not ops.has_factors(con)
        assert ops.inventory_years(con) == [] and ops.energy_years(con) == []
        assert ops.inventory_state(con) == ops.InventoryState(False, False, (), (), ())


def test_without_factors_energy_is_reported_but_not_priced(tmp_path):
    db = tmp_path / "nofactors.duckdb"
    f.load_master(db, of.ops_master())
    with connect(db) as con:
        assert ops.has_inventory(con) and not ops.has_factors(con)


# --- totals, path, target and pace --------------------------------------------------------------

def test_pace_of_the_whole_government_by_hand(con):
    p = ops.operations_pace(con, 2024)
    assert (p.scope, p.latest_year, p.provisional) == (txt.WHOLE_GOVERNMENT, 2024, False)
    assert p.t_co2 == pytest.approx(T2024)
    assert (p.base_year, p.base_t_co2, p.target_year, p.target_t_co2) == (2013, 100, 2030, 50)
    assert p.expected_t_co2 == pytest.approx(100 - 50 * 11 / 17)
    assert p.reduction_pct == pytest.approx(100 - T2024)
    assert p.target_reduction_pct == pytest.approx(50)
    # the city-wide inventory's formula: 1 − (end / start)^(1 / years)
    assert p.actual_rate_pct == pytest.approx((1 - (T2024 / 100) ** (1 / 11)) * 100)
    assert p.needed_rate_pct == pytest.approx((1 - 0.5 ** (1 / 17)) * 100)
    assert p.on_track is True and p.status == c.STATUS_ACHIEVED
    assert (p.facilities_reported, p.facilities_in_use) == (2, 2)
    assert ops.annual_rate is emissions.annual_rate


def test_pace_takes_the_latest_year_up_to_the_chosen_one(con):
    p = ops.operations_pace(con, 2025)
    assert p.latest_year == 2025 and p.provisional and p.t_co2 == pytest.approx(F001_2025 + F004_2025)
    assert (p.facilities_reported, p.facilities_in_use) == (2, 3)
    assert ops.operations_pace(con, 2030).latest_year == 2025
    assert ops.operations_pace(con, 2022) is None


def test_pace_of_an_organisation_and_one_without_target(con):
    o1 = ops.operations_pace(con, 2024, "O1")
    assert o1.scope == "市長部局" and o1.t_co2 == pytest.approx(F001_2024)
    assert o1.target_t_co2 == pytest.approx(36)
    assert o1.actual_rate_pct == pytest.approx((1 - (F001_2024 / 60) ** (1 / 11)) * 100)
    assert o1.needed_rate_pct == pytest.approx((1 - 0.6 ** (1 / 17)) * 100)
    o2 = ops.operations_pace(con, 2024, "O2")
    assert o2.t_co2 == pytest.approx(F002_2024)
    assert o2.base_t_co2 is None and o2.actual_rate_pct is None and o2.on_track is None
    assert o2.status is None


def test_totals_of_one_scope_over_the_years(con):
    totals = ops.operations_totals(con)
    assert totals["fiscal_year"].tolist() == [2023, 2024, 2025]
    assert totals["t_co2"].tolist() == pytest.approx([T2023, T2024, F001_2025 + F004_2025])
    assert totals["provisional_mark"].tolist() == ["", "", txt.PROVISIONAL]
    assert totals["expected_reduction_pct"].tolist() == pytest.approx([50 * k / 17 for k in (10, 11, 12)])
    assert ops.any_provisional(totals) and not ops.any_provisional(totals.iloc[:2])
    # "" and None both mean the whole government
    assert ops.operations_totals(con, ops.WHOLE)["t_co2"].tolist() == totals["t_co2"].tolist()


def test_status_of_every_scope(con):
    status = ops.operations_status(con, 2024)
    assert status["organisation_name"].tolist() == [txt.WHOLE_GOVERNMENT, "市長部局", "教育委員会"]
    assert status["t_co2"].tolist() == pytest.approx([T2024, F001_2024, F002_2024])
    assert status["status"].iloc[1] == c.STATUS_ACHIEVED and pd.isna(status["status"].iloc[2])
    assert status["expected_t_co2"].iloc[1] == pytest.approx(60 + (36 - 60) * 11 / 17)
    assert float(status["actual_rate_pct"].iloc[1]) == pytest.approx((1 - (F001_2024 / 60) ** (1 / 11)) * 100)
    assert pd.isna(status["actual_rate_pct"].iloc[2])
    assert status["coverage_pct"].tolist() == [100.0, 100.0, 100.0]
    assert ops.good_organisations(status) == (1, 1)             # 教育委員会 has no status
    later = ops.operations_status(con, 2025)
    assert later["status"].tolist()[2] == c.STATUS_UNREPORTED     # 教育委員会 did not report
    assert later["coverage_pct"].iloc[0] == pytest.approx(2 / 3 * 100)


# --- by activity ----------------------------------------------------------------------------------

def test_emissions_by_activity(con):
    df = ops.emissions_by_activity(con)
    y2024 = df[df["fiscal_year"] == 2024]
    assert y2024["activity"].tolist() == ["電気", "都市ガス"]              # the factor workbook's order
    assert y2024["t_co2"].tolist() == pytest.approx([4.56 + 8.8 + 22.0, 2.676])
    assert y2024["share_pct"].tolist() == pytest.approx([35.36 / T2024 * 100, 2.676 / T2024 * 100])
    assert df[df["fiscal_year"] == 2025]["provisional_mark"].tolist() == [txt.PROVISIONAL]
    assert ops.largest_activity(df, 2024) == ("電気", pytest.approx(35.36 / T2024 * 100))
    assert ops.largest_activity(df, 2022) is None
    o2 = ops.emissions_by_activity(con, "O2", 2024)
    assert o2[["fiscal_year", "activity"]].values.tolist() == [[2024, "電気"]]
    assert set(ops.emissions_by_activity(con, None, 2024)["fiscal_year"]) == {2023, 2024}


# --- facilities --------------------------------------------------------------------------------------

def test_facility_emissions_and_the_largest(con):
    fe = ops.facility_emissions(con, 2024)
    assert fe["facility_code"].tolist() == ["F002", "F001"]
    assert fe["t_co2"].tolist() == pytest.approx([F002_2024, F001_2024])
    assert fe["t_co2_fixed"].tolist() == pytest.approx([25.0, 6.6 + 10.0 + 2.676])
    assert fe["kg_per_m2"].tolist() == pytest.approx([22000 / 5000, 16036 / 10000])
    assert fe["share_of_total_pct"].tolist() == pytest.approx([F002_2024 / T2024 * 100, F001_2024 / T2024 * 100])
    assert fe["department_name"].tolist() == [f.DEPARTMENTS[1][c.COL_DEPARTMENT_NAME],
                                             f.DEPARTMENTS[0][c.COL_DEPARTMENT_NAME]]
    assert fe["organisation_name"].tolist() == ["教育委員会", "市長部局"]
    n, share, name, first = ops.top_summary(fe, 1)
    assert (n, name) == (1, "第一小学校") and share == pytest.approx(F002_2024 / T2024 * 100)
    assert first == pytest.approx(share)
    assert ops.top_summary(fe)[1] is None                 # all shown: no "top n" share
    assert ops.top_facilities(fe, 1)["facility_code"].tolist() == ["F002"]
    d01 = ops.facility_emissions(con, 2024, department="D01")
    assert d01["facility_code"].tolist() == ["F001"] and d01["share_of_total_pct"].tolist() == [100.0]
    assert ops.facility_emissions(con, 2024, "O2")["facility_code"].tolist() == ["F002"]
    assert ops.facility_emissions(con, 2025)["provisional_mark"].tolist() == [txt.PROVISIONAL] * 2
    assert ops.facility_choices(fe) == {"F002": "F002 第一小学校", "F001": "F001 本庁舎"}


def test_facility_changes_compare_facilities_reported_in_both_years(con):
    # FY2025 against FY2024: F002 did not report and F004 opened — neither is a change
    ch = ops.facility_changes(con, 2025)
    assert ch["facility_code"].tolist() == ["F001"]
    assert ch["change_t"].tolist() == pytest.approx([F001_2025 - F001_2024])
    assert ch["change_rate_pct"].tolist() == pytest.approx([(F001_2025 - F001_2024) / F001_2024 * 100])
    assert ch["provisional_mark"].tolist() == [txt.PROVISIONAL]
    assert ops.largest_change(ch) == ("本庁舎", pytest.approx(F001_2025 - F001_2024))
    assert ops.facility_changes(con, 2024)["change_t"].tolist() == pytest.approx([F001_2024 - T2023])
    assert ops.facility_changes(con, 2023).empty and ops.largest_change(ops.facility_changes(con, 2023)) is None
    assert ops.facility_changes(con, 2025, "O2").empty


def test_intensity_by_use_pools_area_and_emissions():
    facilities = pd.DataFrame({
        "facility_code": ["S1", "S2", "H1", "X1", "N1"],
        "use_type": ["学校", "学校", "庁舎", None, "庁舎"],
        "floor_area_m2": [1000.0, 3000.0, None, 500.0, 0.0],
        "t_co2": [10.0, 20.0, 99.0, 1.0, 5.0],
        "provisional": [False, True, False, False, False]})
    out = ops.intensity_by_use(facilities)
    # 学校: (10 + 20) t × 1000 / (1000 + 3000) ㎡ = 7.5; (用途なし): 1 × 1000 / 500 = 2.0;
    # a facility without a floor area (or 0 ㎡) is left out
    assert out["use_type"].tolist() == ["学校", txt.NO_USE_TYPE]
    assert out["kg_per_m2"].tolist() == pytest.approx([7.5, 2.0])
    assert out["facilities"].tolist() == [2, 1] and out["floor_area_m2"].tolist() == [4000, 500]
    assert out["provisional_mark"].tolist() == [txt.PROVISIONAL, ""]
    assert ops.largest_intensity(out) == ("学校", pytest.approx(7.5))
    assert ops.largest_intensity(out.iloc[0:0]) == (None, None)
    assert ops.intensity_by_use(facilities.iloc[2:3]).empty


# --- the factors' effect and the decomposition -----------------------------------------------------------

def test_factor_comparison_side_by_side(con):
    comparison = ops.factor_comparison(ops.operations_totals(con))
    assert comparison[comparison["fiscal_year"] == 2024]["t_co2"].tolist() == pytest.approx([T2024, FIXED_2024])
    assert comparison[comparison["fiscal_year"] == 2023]["t_co2"].tolist() == pytest.approx(
        [T2023, (10000 * 0.55 + 2000 * 2.23) / 1000])
    assert ops.factor_gap(comparison, 2025) == (pytest.approx(6.08), pytest.approx(16000 * 0.55 / 1000))
    assert comparison["basis"].tolist()[:2] == [txt.BASIS_CURRENT, txt.BASIS_FIXED]
    assert comparison[comparison["provisional_mark"] != ""]["fiscal_year"].tolist() == [2025]
    assert ops.factor_comparison(ops.operations_totals(con), 2024)["fiscal_year"].max() == 2024
    assert not ops.fixed_missing(ops.operations_totals(con))


def test_fixed_missing_where_the_base_year_has_no_factor(tmp_path):
    db = tmp_path / "w.duckdb"
    of.load_ops(db)
    f.ingest_all(db, of.d01_energy(2024, [of.energy_row("F001", "公用車走行（ガソリン）", "km", annual=10000)]))
    with connect(db) as con:
        totals = ops.operations_totals(con)
    assert ops.fixed_missing(totals)
    comparison = ops.factor_comparison(totals)
    assert comparison["basis"].tolist() == [txt.BASIS_CURRENT]


def test_decomposition_as_a_waterfall(con):
    change = ops.decomposition(con, 2024)
    usage = ((32000 - 10000) * 0.40 + (1200 - 2000) * 2.23 + 50000 * 0.45) / 1000
    assert ops.change_figures(change) == (2023, pytest.approx(T2024 - T2023), pytest.approx(usage),
                                          pytest.approx(T2024 - T2023 - usage))
    steps = ops.waterfall_steps(change)
    assert steps["step"].tolist() == [txt.STEP_PREVIOUS, txt.STEP_USAGE, txt.STEP_FACTOR, txt.STEP_CURRENT]
    assert steps["value"].tolist() == pytest.approx([T2023, usage, T2024 - T2023 - usage, T2024])
    assert steps["start"].tolist() == pytest.approx([0, T2023, T2023 + usage, 0])
    assert steps["end"].tolist() == pytest.approx([T2023, T2023 + usage, T2024, T2024])
    assert steps["kind"].tolist() == [txt.KIND_TOTAL, txt.KIND_INCREASE, txt.KIND_INCREASE, txt.KIND_TOTAL]
    assert steps["label"].tolist()[1].startswith("+")
    assert ops.decomposition(con, 2024, "O2").empty              # 教育委員会 had no FY2023 data
    assert ops.decomposition(con, 2023).empty
    every = ops.operations_changes(con, 2024)
    assert every["organisation_name"].tolist() == [txt.WHOLE_GOVERNMENT, "市長部局"]
    sums = every["usage_effect_t"] + every["factor_effect_t"]
    assert sums.tolist() == every["change_t"].tolist()


# --- coverage -------------------------------------------------------------------------------------------

def test_coverage_by_department_names_the_missing(con):
    cov = ops.coverage_by_department(con, 2025)
    assert cov["department_code"].tolist() == ["D02", "D01"]           # most missing first
    assert cov["facilities_in_use"].tolist() == [1, 2]                 # F003 closed, F004 opened
    assert cov["facilities_reported"].tolist() == [0, 2]
    assert cov["missing_facilities"].tolist() == ["F002 第一小学校", ""]
    assert cov["coverage_pct"].tolist() == [0.0, 100.0]
    assert ops.coverage_totals(cov) == (2, 3)
    assert ops.missing_table(cov)["department_code"].tolist() == ["D02"]
    long = ops.coverage_long(cov)
    assert long[long["series"] == txt.SERIES_MISSING]["facilities"].tolist() == [1, 0]
    assert ops.coverage_by_department(con, 2025, "O1")["department_code"].tolist() == ["D01"]
    assert ops.coverage_by_department(con, 2025, None, "D02")["department_code"].tolist() == ["D02"]
    assert ops.missing_table(ops.coverage_by_department(con, 2024)).empty


# --- factor sources -------------------------------------------------------------------------------------

def test_factor_sources_of_a_year(con):
    src = ops.factor_sources(con, 2024)
    rows = [(r.activity, None if pd.isna(r.supplier) else r.supplier, r.factor_year, r.factor,
             r.factor_basis, r.factor_source) for r in src.itertuples()]
    assert rows == [("電気", None, 2024, 0.44, c.BASIS_FALLBACK, "告示"),
                    ("電気", "A電力", 2024, 0.38, c.BASIS_SUPPLIER, "告示"),
                    ("電気", "B電力", 2024, 0.44, c.BASIS_FALLBACK, "告示"),
                    ("都市ガス", None, 2024, 2.23, c.BASIS_FACTOR_ONLY, "施行令")]
    assert src["t_co2"].sum() == pytest.approx(T2024)
    later = ops.factor_sources(con, 2025)
    assert later["factor_year"].tolist() == [2024] and later["provisional_mark"].tolist() == [txt.PROVISIONAL]


# --- charts ---------------------------------------------------------------------------------------------

def _walk(node):
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


@pytest.fixture(scope="module")
def charts(db):
    with connect(db) as con:
        totals = ops.operations_totals(con)
        fe = ops.facility_emissions(con, 2024)
        return {
            "trend": ops.operations_trend_chart(totals, "市役所全体は減少"),
            "orgs": ops.organisations_chart(ops.operations_status(con, 2024), "1組織が順調"),
            "activity": ops.activity_chart(ops.emissions_by_activity(con), "電気が最多"),
            "top": ops.top_facilities_chart(ops.top_facilities(fe), "小学校が最多"),
            "changes": ops.facility_changes_chart(ops.facility_changes(con, 2025), "本庁舎が減少"),
            "intensity": ops.intensity_chart(ops.intensity_by_use(fe), "学校が最多"),
            "factor": ops.factor_comparison_chart(ops.factor_comparison(totals), "係数で減少"),
            "waterfall": ops.waterfall_chart(ops.waterfall_steps(ops.decomposition(con, 2024)), "使用量で増加"),
            "coverage": ops.coverage_chart(ops.coverage_by_department(con, 2025), "2/3施設が報告"),
        }


def test_every_chart_is_valid_and_states_its_message(charts):
    for name, chart in charts.items():
        spec = chart_style.configure(chart).to_dict()          # validates against the schema
        assert spec["title"]["text"], name
        titles = [t["title"] for n in _walk(spec) for t in n.get("tooltip", []) if isinstance(t, dict)]
        assert titles, name
        assert all(any("\u3040" <= ch <= "\u9fff" for ch in t) for t in titles), (name, titles)


def test_tooltips_carry_units(charts):
    spec = charts["trend"].to_dict()
    titles = {t["title"] for n in _walk(spec) for t in n.get("tooltip", []) if isinstance(t, dict)}
    assert txt.AX_T in titles and "排出量（t-CO2）" in titles
    spec = charts["intensity"].to_dict()
    titles = {t["title"] for n in _walk(spec) for t in n.get("tooltip", []) if isinstance(t, dict)}
    assert "延床面積あたりの排出量（kg-CO2/㎡）" in titles and "延床面積（㎡）" in titles


def test_trend_chart_marks_provisional_and_draws_the_path(charts):
    text = json.dumps(charts["trend"].to_dict(), ensure_ascii=False)
    assert txt.SERIES_PROVISIONAL in text and txt.SERIES_PATH in text
    assert "目標 50.0 t-CO2" in text
    spec = charts["trend"].to_dict()
    scales = [n["scale"] for n in _walk(spec) if n.get("field") == "series" and isinstance(n.get("scale"), dict)]
    assert scales[0]["domain"] == [txt.SERIES_ACTUAL, txt.SERIES_PROVISIONAL]


def test_organisation_chart_uses_the_status_palette(charts):
    spec = charts["orgs"].to_dict()
    scales = [n["scale"] for n in _walk(spec) if n.get("field") == "status" and isinstance(n.get("scale"), dict)]
    assert scales and scales[0]["range"] == [chart_style.STATUS_COLORS[s] for s in c.STATUSES]
    # 教育委員会 has no target, so no reduction from base: not drawn
    assert "教育委員会" not in json.dumps(spec, ensure_ascii=False)


def test_trend_chart_takes_the_public_sites_frame(db):
    from pipeline.site import queries as q
    with connect(db) as con:
        rows = q.operations_rows(con, 2025)
    whole = rows[rows["organisation_code"].isna()]
    chart_style.configure(ops.operations_trend_chart(whole, "市役所全体の排出量")).to_dict()


def test_charts_accept_empty_frames(con):
    fe = ops.facility_emissions(con, 2019)
    chart_style.configure(ops.top_facilities_chart(ops.top_facilities(fe), "なし")).to_dict()
    chart_style.configure(ops.intensity_chart(ops.intensity_by_use(fe), "なし")).to_dict()
    chart_style.configure(ops.facility_changes_chart(ops.facility_changes(con, 2023), "なし")).to_dict()
    chart_style.configure(ops.coverage_chart(ops.coverage_by_department(con, 2019, "O9"), "なし")).to_dict()


def test_png_export_renders(charts):
    png = chart_style.to_png(charts["waterfall"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000


def test_titles_state_the_message():
    assert txt.trend_title("市役所全体", 2024, 38.036, 61.964, False) == \
        "市役所全体の2024年度の排出量は 38.0 t-CO2、基準年度比 62.0% 減"
    assert txt.trend_title("市長部局", 2025, 6.08, -3.0, True) == \
        "市長部局の2025年度の排出量は 6.1 t-CO2（暫定）、基準年度比 3.0% 増"
    assert txt.waterfall_title(2024, 2023, 29.576, 29.516, 0.06) == \
        "2023年度→2024年度の増減 +29.6 t-CO2 は、使用量の増減 +29.5、排出係数の変化 +0.1"
    assert txt.coverage_title(2025, 2, 3) == "2025年度：使用中の 3 施設のうち 2 施設が報告（67%）"
    assert txt.factor_title(2024, 38.036, 44.276) == \
        "2024年度の排出量は基準年度の係数なら 44.3 t-CO2：係数の違いで -6.2 t-CO2"
    assert dtxt.fy_short(2024) in txt.orgs_title(2024, 1, 2)


def test_t_digits_keep_metrics_readable():
    assert [ops.t_digits(v) for v in (6.08, 999.9, 1000.0, 222990.7, None)] == [1, 1, 0, 0, 1]
    assert txt.metric_t(2025, True) == "2025年度の排出量（t-CO2・暫定）"
