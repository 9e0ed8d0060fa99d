"""Dashboard queries against a tiny hand-built warehouse, with hand-computed expectations.

The warehouse (built once per session):
- master: tests.factories.small_master() — indicators I01 (kW, 増加, 100 in FY2013 → 1800 in
  FY2030, D01, policy P1) and I02 (%, 減少, 40 → 23, D02, P2); actions A001 (D01, 2021–),
  A002 (D01, 2021–2023), A003 (D02, 2022–); emissions base FY2013 産業 1000 + 家庭 1000 +
  森林吸収 −10, actual FY2020 900 + 850, target FY2030 490 + 490.
- D01 FY2023: A001 実施/B/継続, A002 未実施/−/改善; I01 = 80 for FY2022, 1200 for FY2023;
  partners A001 事業者「埼玉エコ」10 people 5.0 t, A001 市民 100 people.
- D01 FY2024 v1 (superseded): A001 C; I01 900.  v2: A001 実施/A/拡充; I01 = 1000;
  partner A001 事業者「埼玉エコ」12 people 7.5 t.
- D02 FY2024: A003 一部実施/C/改善 (with 見直し内容); I02 = 35; partners A003 事業者「埼玉エコ」
  3 people 1.0 t, A003 大学・研究機関「埼玉大学」2 people.
"""
from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from pipeline.ingest import contract as c
from pipeline.analysis import attainment, common, emissions, partners, pdca, reference, submissions, trends
from pipeline.load import ingest_bytes, load_master_bytes
from pipeline.texts import dashboard as txt
from pipeline.warehouse.schema import connect
from tests import factories as fx

F = common.Filters


def _ind(code, value, year):
    return {c.COL_INDICATOR_CODE: code, c.COL_ACTUAL_VALUE: value, c.COL_ACTUAL_YEAR: year}


def _partner(action, kind, org=None, n=None, co2=None):
    return {c.COL_ACTION_CODE: action, c.COL_STAKEHOLDER_TYPE: kind, c.COL_ORGANISATION: org,
            c.COL_PARTICIPANTS: n, c.COL_CO2_REDUCTION: co2}


def build_small(db) -> None:
    """The hand-built warehouse described in the module docstring."""
    result, _, _ = load_master_bytes(fx.small_master(), "master.xlsx", db)
    assert result.accepted
    files = [
        (datetime(2024, 5, 10), "D01_2023.xlsx", fx.submission(
            2023, "D01",
            actions=[fx.action_row("A001"),
                     fx.action_row("A002", COL_IMPLEMENTATION="未実施", COL_RESULT=None,
                                   COL_SELF_EVALUATION="−", COL_DIRECTION_NEXT="改善",
                                   COL_REVISION="手法を見直す")],
            indicators=[_ind("I01", 80, 2022), _ind("I01", 1200, 2023)],
            partners=[_partner("A001", "事業者", "埼玉エコ", 10, 5.0),
                      _partner("A001", "市民", None, 100, None)])),
        (datetime(2025, 5, 12), "D01_2024_v1.xlsx", fx.submission(
            2024, "D01", actions=[fx.action_row("A001", COL_SELF_EVALUATION="C")],
            indicators=[_ind("I01", 900, 2024)])),
        (datetime(2025, 6, 2), "D01_2024_v2.xlsx", fx.submission(
            2024, "D01",
            actions=[fx.action_row("A001", COL_SELF_EVALUATION="A", COL_DIRECTION_NEXT="拡充")],
            indicators=[_ind("I01", 1000, 2024)],
            partners=[_partner("A001", "事業者", "埼玉エコ", 12, 7.5)])),
        (datetime(2025, 5, 20), "D02_2024.xlsx", fx.submission(
            2024, "D02",
            actions=[fx.action_row("A003", COL_IMPLEMENTATION="一部実施", COL_SELF_EVALUATION="C",
                                   COL_DIRECTION_NEXT="改善", COL_REVISION="路線を見直す")],
            indicators=[_ind("I02", 35, 2024)],
            partners=[_partner("A003", "事業者", "埼玉エコ", 3, 1.0),
                      _partner("A003", "大学・研究機関", "埼玉大学", 2, None)])),
    ]
    for when, name, data in files:
        report = ingest_bytes([(name, data)], db, loaded_at=when)[0]
        assert report.accepted, [p.message for p in report.errors]


@pytest.fixture(scope="session")
def small_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("dash_small") / "w.duckdb"
    build_small(db)
    return str(db)


@pytest.fixture()
def con(small_db):
    with connect(small_db) as connection:
        yield connection


@pytest.fixture(scope="session")
def empty_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("dash_empty") / "w.duckdb"
    with connect(db):
        pass
    return str(db)


def approx(x):
    return pytest.approx(x, rel=1e-9, abs=1e-9)


# --- Reference data ----------------------------------------------------------------

def test_reference_data(con):
    assert reference.has_master(con)
    assert reference.fiscal_years(con) == [2023, 2024]
    assert reference.departments(con)["department_code"].tolist() == ["D01", "D02"]
    assert reference.policies(con)["policy_code"].tolist() == ["P1", "P2"]
    assert reference.measures(con, "P2")["measure_code"].tolist() == ["M21"]


def test_query_accepts_a_path(small_db):
    assert reference.fiscal_years(small_db) == [2023, 2024]


# --- Emissions -----------------------------------------------------------------------

def test_emission_totals_and_path(con):
    tot = emissions.emission_totals(con)
    assert list(zip(tot["fiscal_year"], tot["kind"], tot["kt_co2"])) == [
        (2013, "基準", 1990.0), (2020, "実績", 1750.0), (2030, "目標", 980.0)]
    path = emissions.emission_path(con)
    assert list(zip(path["fiscal_year"], path["kt_co2"])) == [(2013, 1990.0), (2030, 980.0)]


def test_emission_pace(con):
    pace = emissions.emission_pace(con)
    actual = (1 - (1750 / 1990) ** (1 / 7)) * 100
    needed = (1 - (980 / 1990) ** (1 / 17)) * 100
    assert pace.base_year == 2013 and pace.latest_year == 2020 and pace.target_year == 2030
    assert pace.actual_rate_pct == approx(actual)
    assert pace.needed_rate_pct == approx(needed)
    assert pace.on_track is False          # 1.82 %/yr against 4.08 %/yr needed
    assert pace.reduction_pct == approx(240 / 1990 * 100)
    assert pace.target_reduction_pct == approx(1010 / 1990 * 100)


def test_emission_pace_until_a_year_before_any_actual(con):
    pace = emissions.emission_pace(con, 2019)
    assert pace.latest_year is None and pace.actual_rate_pct is None and pace.on_track is None
    assert pace.needed_rate_pct == approx((1 - (980 / 1990) ** (1 / 17)) * 100)
    assert 2020 not in set(emissions.emissions_by_sector(con, 2019)["fiscal_year"])


def test_annual_rate_edge_cases():
    assert emissions.annual_rate(100, 81, 2) == approx(10.0)
    assert emissions.annual_rate(100, 0, 5) is None
    assert emissions.annual_rate(100, 90, 0) is None


def test_sector_change_and_biggest_cut(con):
    ch = emissions.sector_change(con)
    row = ch[(ch["fiscal_year"] == 2020) & (ch["sector"] == "家庭")].iloc[0]
    assert row["change_pct"] == approx(-15.0)          # 850 against 1000
    assert emissions.biggest_cut(ch) == ("家庭", approx(-15.0), 2020)
    assert set(emissions.sector_change(con, 2019)["fiscal_year"]) == {2013}
    assert emissions.biggest_cut(emissions.sector_change(con, 2019)) is None


# --- Indicators --------------------------------------------------------------------

def test_status_by_year(con):
    df = attainment.status_by_year(con, F())
    got = {(r.fiscal_year, r.status): r.count for r in df.itertuples()}
    # FY2023: I01 1200 ≥ expected 1100 → 順調; I02 no value → 未報告.
    assert got[(2023, "順調")] == 1 and got[(2023, "未報告")] == 1
    # FY2024: I01 1000 < 1200 but > 100 → 遅れ; I02 35 > 29 but < 40 → 遅れ.
    assert got[(2024, "遅れ")] == 2
    assert sum(v for (y, _), v in got.items() if y == 2024) == 2
    assert set(df["fiscal_year"]) == {2023, 2024}        # FY2022 is no submission year
    assert set(attainment.status_by_year(con, F(), 2023)["fiscal_year"]) == {2023}
    share = df[(df["fiscal_year"] == 2023) & (df["status"] == "順調")]["share_pct"].iloc[0]
    assert share == approx(50.0)


def test_indicator_status_counts_with_change(con):
    df = attainment.indicator_status_counts(con, F(2024)).set_index("status")
    assert df.loc["遅れ", "count"] == 2 and df.loc["遅れ", "previous"] == 0
    assert df.loc["遅れ", "change"] == 2
    assert df.loc["順調", "change"] == -1 and df.loc["未報告", "change"] == -1
    first = attainment.indicator_status_counts(con, F(2023)).set_index("status")
    assert first["previous"].isna().all()               # no FY2022 submissions


def test_indicator_status_counts_filtered(con):
    d02 = attainment.indicator_status_counts(con, F(2023, department="D02")).set_index("status")
    assert d02.loc["未報告", "count"] == 1 and d02["count"].sum() == 1
    p1 = attainment.indicator_status_counts(con, F(2024, policy="P1")).set_index("status")
    assert p1["count"].sum() == 1 and p1.loc["遅れ", "count"] == 1


def test_attainment_table(con):
    df = attainment.attainment_table(con, F(2024)).set_index("indicator_code")
    assert df.loc["I01", "attainment_pct"] == approx((1000 - 100) / (1800 - 100) * 100)
    assert df.loc["I01", "expected_value"] == approx(1200.0)
    assert df.loc["I01", "expected_pct"] == approx((1200 - 100) / 1700 * 100)
    assert df.loc["I02", "attainment_pct"] == approx((35 - 40) / (23 - 40) * 100)
    assert df.loc["I02", "expected_value"] == approx(29.0)
    assert df["status"].tolist() == ["遅れ", "遅れ"]
    assert df.loc["I01", "department_name"] == "ゼロカーボン推進戦略課"
    assert df.loc["I02", "measure_name"] == "公共交通の利用促進"


def test_good_share_span():
    share = pd.DataFrame({"fiscal_year": [2023, 2023, 2024, 2024, 2024],
                          "status": ["達成", "遅れ", "順調", "達成", "悪化"],
                          "share_pct": [30.0, 70.0, 40.0, 20.0, 40.0]})
    span = attainment.good_share_span(share)              # 達成+順調: FY2023 30 %, FY2024 40 + 20 = 60 %
    assert (span.first_year, span.last_year, span.first, span.last) == (2023, 2024, 30.0, 60.0)
    assert span.change_pct == approx(100.0)


def test_unsubmitted_and_flag_label():
    status = pd.DataFrame({"department_code": ["D01", "D02", "D03"], "submitted": [True, False, False]})
    assert submissions.unsubmitted(status)["department_code"].tolist() == ["D02", "D03"]
    labelled = common.flag_label(status, "submitted", "label", "提出済", "未提出")
    assert labelled["label"].tolist() == ["提出済", "未提出", "未提出"]
    assert "label" not in status.columns


def test_attainment_summary():
    table = pd.DataFrame({"status": ["達成", "順調", "遅れ", "未報告"],
                          "attainment_pct": [100.0, 60.0, 20.0, None]})
    assert attainment.attainment_summary(table) == attainment.AttainmentSummary(4, 2, 60.0)   # median of 20, 60, 100
    assert attainment.attainment_summary(table.iloc[:2]).median_pct == approx(80.0)  # (100 + 60) / 2
    assert attainment.attainment_summary(table.iloc[0:0]) == attainment.AttainmentSummary(0, 0, None)


def test_attainment_table_filters(con):
    assert attainment.attainment_table(con, F(2024), measure="M21")["indicator_code"].tolist() == ["I02"]
    assert attainment.attainment_table(con, F(2023), statuses=("順調",))["indicator_code"].tolist() == ["I01"]
    assert attainment.attainment_table(con, F(2023), measure="M11", statuses=("未報告",)).empty
    assert attainment.attainment_table(con, F(2024, department="D02"))["indicator_code"].tolist() == ["I02"]


def test_indicator_detail_projection(con):
    d = attainment.indicator_detail(con, "I01")
    assert d.series["fiscal_year"].tolist() == [2022, 2023, 2024]
    assert d.series["actual_value"].tolist() == [80.0, 1200.0, 1000.0]
    # Least squares through (2022, 80), (2023, 1200), (2024, 1000): slope 460, mean 760 at 2023
    # → 760 + 460 × 7 = 3980 in FY2030, above the target 1800 (増加) → will be met.
    assert d.projected_target_value == approx(3980.0)
    assert d.will_meet is True and d.projection_points == 3
    assert d.projection["fiscal_year"].tolist() == list(range(2024, 2031))
    assert d.path.iloc[0].tolist() == [2013, 100.0] and d.path.iloc[-1].tolist() == [2030, 1800.0]


def test_indicator_detail_too_few_values(con):
    d = attainment.indicator_detail(con, "I01", until_year=2023)       # two values only
    assert d.projection is None and d.will_meet is None and d.projected_target_value is None
    assert attainment.indicator_detail(con, "NOPE") is None


def test_linear_projection_and_verdict():
    slope, at = attainment.linear_projection([2020, 2021, 2022], [30.0, 28.0, 26.0], 2030)
    assert slope == approx(-2.0) and at == approx(10.0)
    assert attainment.meets_target(10.0, 12.0, c.DIRECTION_DOWN)
    assert not attainment.meets_target(10.0, 12.0, c.DIRECTION_UP)
    assert attainment.linear_projection([2020], [1.0], 2030) is None


def test_indicator_options(con):
    assert attainment.indicator_options(con, F(policy="P2"))["indicator_code"].tolist() == ["I02"]


# --- PDCA --------------------------------------------------------------------------

def test_pdca_by_year(con):
    df = pdca.pdca_by_year(con, F()).set_index("fiscal_year")
    # FY2023: A001 (4 stages), A002 (P + A = 2), A003 not reported (P = 1).
    assert df.loc[2023, ["actions", "reported", "complete"]].tolist() == [3, 2, 1]
    assert df.loc[2023, "completion_pct"] == approx(100 / 3)
    assert df.loc[2024, ["actions", "reported", "complete"]].tolist() == [2, 2, 2]
    d01 = pdca.pdca_by_year(con, F(department="D02")).set_index("fiscal_year")
    assert d01.loc[2023, "reported"] == 0


def test_pdca_funnel(con):
    df = pdca.pdca_funnel(con, F(2023))
    assert df["count"].tolist() == [3, 1, 1, 2]
    assert df["share_pct"].tolist() == [approx(100.0), approx(100 / 3), approx(100 / 3),
                                        approx(200 / 3)]
    assert pdca.pdca_funnel(con, F()).empty


def test_pdca_matrix(con):
    df = pdca.pdca_matrix(con, F())
    got = {(r.action_code, r.fiscal_year): r.stages for r in df.itertuples()}
    assert got == {("A001", 2023): 4, ("A001", 2024): 4, ("A002", 2023): 2,
                   ("A003", 2023): 1, ("A003", 2024): 4}
    assert df["measure_code"].tolist()[:3] == ["M11", "M11", "M11"]   # grouped by measure
    few = pdca.pdca_matrix(con, F(), max_actions=2)        # 3 actions > 2: keep incomplete ones
    assert sorted(few["action_code"].unique()) == ["A002", "A003"]
    assert pdca.pdca_matrix(con, F(), max_actions=3)["action_code"].nunique() == 3


def test_self_evaluation_and_direction_distributions(con):
    g = pdca.self_evaluation_distribution(con, F(2024)).set_index("grade")
    assert g["count"].to_dict() == {"A": 1, "B": 0, "C": 1, "D": 0, "−": 0}
    assert g.loc["A", "share_pct"] == approx(50.0)
    d = pdca.direction_distribution(con, F(2024)).set_index("direction")
    assert d.loc["拡充", "count"] == 1 and d.loc["改善", "count"] == 1 and d["count"].sum() == 2
    assert common.share_of(g.reset_index(), "grade", ("A", "B")) == approx(50.0)


def test_incomplete_cycles(con):
    df = pdca.incomplete_cycles(con, F(2023))
    assert df["action_code"].tolist() == ["A003", "A002"]       # fewest stages first
    assert df.iloc[0]["reasons"] == txt.REASON_NOT_REPORTED
    assert df.iloc[1]["reasons"] == "、".join([txt.REASON_NOT_DONE, txt.REASON_NO_CHECK])
    assert pdca.incomplete_cycles(con, F(2024)).empty


def test_incomplete_reasons_revision_missing():
    assert pdca.incomplete_reasons(True, True, True, "改善", False) == [txt.REASON_NO_REVISION]
    assert pdca.incomplete_reasons(True, True, True, None, False) == [txt.REASON_NO_DIRECTION]
    assert pdca.incomplete_reasons(True, True, True, "継続", True) == []


def test_self_evaluation_transitions(con):
    df = pdca.self_evaluation_transitions(con, F(), 2023, 2024)
    got = {(r.from_grade, r.to_grade): r.count for r in df.itertuples()}
    assert got == {("B", "A"): 1, (txt.NOT_REPORTED, "C"): 1}
    assert pdca.transition_summary(df) == (1, 0, 0)
    only = pdca.self_evaluation_transitions(con, F(department="D01"), 2023, 2024)
    assert only["count"].sum() == 1


# --- Stakeholders --------------------------------------------------------------------

def test_partners_by_year(con):
    df = partners.partners_by_year(con, F()).set_index("fiscal_year")
    assert df.loc[2023, ["collaborations", "participants", "organisations"]].tolist() == [2, 110, 1]
    assert df.loc[2023, "co2_t"] == approx(5.0)
    assert df.loc[2024, ["collaborations", "participants", "organisations"]].tolist() == [3, 17, 2]
    assert df.loc[2024, "co2_t"] == approx(8.5)     # superseded v1 had none; v2 7.5 + D02 1.0
    k = common.kpi(df.reset_index(), 2024, "participants")
    assert (k.value, k.previous, k.change) == (17.0, 110.0, -93.0)


def test_stakeholders_by_category(con):
    df = partners.stakeholders_by_category(con, F(2024)).set_index("stakeholder_type")
    assert df.loc["事業者", ["collaborations", "participants"]].tolist() == [2, 15]
    assert df.loc["事業者", "co2_t"] == approx(8.5)
    assert df.loc["大学・研究機関", "participants"] == 2
    all_years = partners.stakeholders_by_category(con, F().all_years())
    assert set(all_years["fiscal_year"]) == {2023, 2024}


def test_stakeholder_heatmap(con):
    df = partners.stakeholder_heatmap(con, F(2024))
    got = {(r.stakeholder_type, r.policy_code): r.collaborations for r in df.itertuples()}
    assert got == {("事業者", "P1"): 1, ("事業者", "P2"): 1,
                   ("大学・研究機関", "P1"): 0, ("大学・研究機関", "P2"): 1}
    p2 = partners.stakeholder_heatmap(con, F(2024, policy="P2"))
    assert set(p2["policy_code"]) == {"P2"}


def test_top_organisations(con):
    df = partners.top_organisations(con, F(2024))
    assert df["organisation"].tolist() == ["埼玉エコ", "埼玉大学"]
    assert df.iloc[0][["collaborations", "actions", "participants"]].tolist() == [2, 2, 15]
    assert common.top_label(df, "organisation", "collaborations") == "埼玉エコ"
    assert partners.top_organisations(con, F(2023))["organisation"].tolist() == ["埼玉エコ"]  # 市民 row unnamed


# --- Comparison -----------------------------------------------------------------------

def test_compare_years(con):
    df = trends.compare_years(con, F(), 2023, 2024).set_index("metric")
    # Every one of the nine figures, (FY2023, FY2024), computed by hand from the module docstring:
    expected = {
        # FY2023: I01 1200 ≥ path 1100 → 順調, I02 未報告; FY2024: I01 1000 < 1200 and
        # I02 35 > path 29 (減少) → both 遅れ.  Nothing 達成.
        "indicators_achieved": (0, 0),
        "indicators_good_pct": (50.0, 0.0),
        # medians of attainment: FY2023 only I01 (1100/1700); FY2024 I01 52.94 and I02 29.41
        "attainment_median": (1100 / 1700 * 100, (900 / 1700 + 5 / 17) / 2 * 100),
        # FY2023: A001 and A002 reported (A003 not); FY2024: A001 (v2) and A003 (A002 ended)
        "actions_reported": (2, 2),
        # FY2023: A001 all four of 3 active; FY2024: A001 and A003 (revision given) of 2
        "pdca_complete_pct": (100 / 3, 100.0),
        # FY2023: B and − (1 of 2); FY2024: A and C (1 of 2)
        "grade_ab_pct": (50.0, 50.0),
        "collaborations": (2, 3),
        "participants": (10 + 100, 12 + 3 + 2),
        "co2_t": (5.0, 7.5 + 1.0),
    }
    assert set(expected) == set(txt.METRIC_NAMES)
    assert len(df) == len(expected)
    for key, (a, b) in expected.items():
        row = df.loc[txt.METRIC_NAMES[key]]
        assert (row["value_a"], row["value_b"], row["change"]) == \
            (approx(a), approx(b), approx(b - a)), key
    two = trends.status_two_years(con, F(), 2023, 2024)
    assert set(two["fiscal_year"]) == {2023, 2024} and len(two) == 10


# --- Submissions ------------------------------------------------------------------------

def test_submission_status(con):
    df = submissions.submission_status(con, F(2024)).set_index("department_code")
    assert df.loc["D01", "versions"] == 2 and bool(df.loc["D01", "submitted"])
    assert df.loc["D01", "file_name"] == "D01_2024_v2.xlsx"
    assert pd.Timestamp(df.loc["D01", "loaded_at"]) == pd.Timestamp("2025-06-02")
    s23 = submissions.submission_status(con, F(2023))
    assert s23["department_code"].tolist() == ["D02", "D01"]        # missing ones first
    counts = submissions.submission_counts(s23)
    assert (counts.total, counts.submitted, counts.missing, counts.versions) == (2, 1, 1, 1)
    assert submissions.submission_status(con, F(2024, policy="P2"))["department_code"].tolist() == ["D02"]


def test_submission_matrix(con):
    df = submissions.submission_matrix(con, F())
    got = {(r.department_code, r.fiscal_year): (r.submitted, r.versions) for r in df.itertuples()}
    assert got == {("D01", 2023): (True, 1), ("D01", 2024): (True, 2),
                   ("D02", 2023): (False, 0), ("D02", 2024): (True, 1)}
    # the matrix's title says where the gaps are
    assert submissions.missing_by_year(df) == [(2023, 1)]
    assert txt.submission_matrix_title(2, submissions.missing_by_year(df)) == "未提出は 2023年度 1課（2年度分、数字は版数）"
    assert submissions.missing_by_year(df[df["submitted"]]) == []
    assert txt.submission_matrix_title(2, []).startswith("2年度分すべて")


# --- Helpers ---------------------------------------------------------------------------

def test_comparison_years():
    assert trends.comparison_years([2021, 2022, 2024], 2024) == (2022, 2024)
    assert trends.comparison_years([2021, 2022, 2024], 2021) == (2021, 2022)
    assert trends.comparison_years([2021, 2022], None) == (2021, 2022)
    assert trends.comparison_years([2021], 2021) == (2021, 2021)


def test_kpi_span_and_labels():
    frame = pd.DataFrame({"fiscal_year": [2022, 2023, 2024], "x": [10.0, 12.0, 9.0]})
    assert common.kpi(frame, 2023, "x") == common.Kpi(12.0, 10.0, 2.0)
    assert common.kpi(frame, 2022, "x") == common.Kpi(10.0, None, None)
    assert common.kpi(frame, None, "x") == common.Kpi(None, None, None)
    span = common.span_change(frame, "x")
    assert (span.first_year, span.last_year) == (2022, 2024) and span.change_pct == approx(-10.0)
    assert common.top_label(frame.assign(x=0.0), "fiscal_year", "x") is None
    assert common.share_of(pd.DataFrame(columns=["g", "count"]), "g", ("A",)) is None


# --- Empty warehouse ----------------------------------------------------------------------

def test_every_query_on_an_empty_warehouse(empty_db):
    with connect(empty_db) as con:
        assert not reference.has_master(con) and reference.fiscal_years(con) == []
        assert emissions.emission_pace(con) is None
        assert attainment.indicator_detail(con, "I01") is None
        frames = [emissions.emissions_by_sector(con), emissions.emission_totals(con), emissions.emission_path(con),
                  emissions.sector_change(con), attainment.status_by_year(con, F()),
                  attainment.attainment_table(con, F(2024)), attainment.indicator_options(con, F()),
                  pdca.pdca_by_year(con, F()), pdca.pdca_matrix(con, F()),
                  pdca.incomplete_cycles(con, F(2024)), pdca.self_evaluation_transitions(con, F(), 2023, 2024),
                  partners.partners_by_year(con, F()), partners.stakeholders_by_category(con, F(2024)),
                  partners.stakeholder_heatmap(con, F(2024)), partners.top_organisations(con, F(2024)),
                  submissions.submission_status(con, F(2024)), submissions.submission_matrix(con, F()),
                  reference.departments(con), reference.policies(con)]
        assert all(f.empty for f in frames)
        assert attainment.indicator_status_counts(con, F(2024))["count"].sum() == 0
        assert pdca.pdca_funnel(con, F(2024))["count"].sum() == 0
        assert pdca.self_evaluation_distribution(con, F(2024))["count"].sum() == 0
        cmp = trends.compare_years(con, F(), 2023, 2024)
        assert len(cmp) == len(txt.METRIC_NAMES)
        assert emissions.biggest_cut(emissions.sector_change(con)) is None
        assert common.span_change(partners.partners_by_year(con, F()), "co2_t").change_pct is None


def test_blanks_as_replaces_missing_cells_only():
    frame = pd.DataFrame({"loaded_at": [pd.Timestamp("2025-06-02 09:05"), pd.NaT],
                          "file_name": ["D01.xlsx", None], "versions": [2, 0]})
    out = common.blanks_as(frame, ("loaded_at", "file_name", "absent"), "未提出", "%Y-%m-%d %H:%M")
    assert out["loaded_at"].tolist() == ["2025-06-02 09:05", "未提出"]
    assert out["file_name"].tolist() == ["D01.xlsx", "未提出"]
    assert out["versions"].tolist() == [2, 0]                        # other columns untouched
    assert pd.isna(frame["file_name"].tolist()[1])                   # the input is not changed


def test_blanks_as_on_incomplete_cycles(con):
    df = common.blanks_as(pdca.incomplete_cycles(con, F(2023)), ("self_evaluation", "direction"), "—")
    # A003 was not reported in FY2023: no grade, no direction
    row = df.set_index("action_code").loc["A003"]
    assert (row["self_evaluation"], row["direction"]) == ("—", "—")


def test_comparison_display_formats_counts_and_percentages():
    names = txt.METRIC_NAMES
    frame = pd.DataFrame([
        {"metric": names["indicators_achieved"], "value_a": 4.0, "value_b": 6.0, "change": 2.0},
        {"metric": names["participants"], "value_a": 9556.0, "value_b": 8428.0, "change": -1128.0},
        {"metric": names["pdca_complete_pct"], "value_a": 91.25, "value_b": None, "change": None},
    ])
    out = trends.comparison_display(frame, "—")
    assert out.values.tolist() == [
        [names["indicators_achieved"], "4", "6", "+2"],
        [names["participants"], "9,556", "8,428", "-1,128"],
        [names["pdca_complete_pct"], "91.2", "—", "—"],
    ]
    assert set(trends.COMPARE_DIGITS) == set(names)
