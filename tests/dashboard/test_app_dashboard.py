"""AppTest of the six dashboard pages through app.py (navigation, shell and sidebar filters).

- every page renders on the demo warehouse, on an empty one and on a master-only one;
- changing each sidebar filter changes the figures shown;
- the key numbers shown equal the query functions' results;
- switching pages keeps the filters; the URL reproduces a view; presentation mode.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipeline.analysis import attainment, common, emissions, partners, pdca, reference, submissions, trends
from pipeline.dashboard import ui
from pipeline.load import load_master_bytes
from pipeline.texts import dashboard as txt
from pipeline.warehouse.schema import connect
from tests import factories as fx
from tests.analysis.test_queries import build_small

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGES = ["pages/overview.py", "pages/attainment.py", "pages/stakeholders.py", "pages/pdca.py",
         "pages/trends.py", "pages/submission_status.py"]
F = common.Filters


@pytest.fixture(scope="session")
def small_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("dash_app_small") / "w.duckdb"
    build_small(db)
    return str(db)


@pytest.fixture(scope="session")
def empty_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("dash_app_empty") / "w.duckdb"
    with connect(db):
        pass
    return str(db)


@pytest.fixture(scope="session")
def master_only_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("dash_app_master") / "w.duckdb"
    assert load_master_bytes(fx.small_master(), "master.xlsx", db)[0].accepted
    return str(db)


def open_page(monkeypatch, db, page: str, params: dict | None = None) -> AppTest:
    monkeypatch.setenv("PDCA_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    if page != PAGES[0]:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def figures(at: AppTest) -> str:
    """Everything a reader sees as a figure: metrics, chart specs, tables, messages."""
    main = at.main
    parts = [(m.label, m.value, m.delta) for m in main.metric]
    parts += [json.loads(c.proto.spec).get("title") for c in main.get("vega_lite_chart")]
    parts += [json.loads(c.proto.spec).get("datasets") for c in main.get("vega_lite_chart")]
    parts += [str(d.value.to_dict()) for d in main.dataframe]
    parts += [i.value for i in main.info] + [m.value for m in main.markdown if "<style>" not in m.value]
    return json.dumps(parts, ensure_ascii=False, default=str)


def select(at: AppTest, label: str, value) -> AppTest:
    box = next(s for s in at.sidebar.selectbox if s.label == label)
    box.set_value(value)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# --- Renders everywhere --------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_demo(monkeypatch, demo_db, page):
    at = open_page(monkeypatch, demo_db, page)
    assert at.title and at.get("vega_lite_chart"), page
    assert [s.label for s in at.sidebar.selectbox][:3] == [txt.FY_LABEL, txt.DEPARTMENT_LABEL,
                                                         txt.POLICY_LABEL]
    assert at.expander and at.expander[0].label == txt.DATA_EXPANDER


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_empty_warehouse(monkeypatch, empty_db, page):
    at = open_page(monkeypatch, empty_db, page)
    assert [i.value for i in at.info] == [txt.NO_MASTER]


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_submissions(monkeypatch, master_only_db, page):
    at = open_page(monkeypatch, master_only_db, page)
    shown = [i.value for i in at.info] + [m.value for m in at.metric]
    assert shown, page
    if page in ("pages/attainment.py", "pages/stakeholders.py", "pages/pdca.py"):
        assert txt.NO_SUBMISSIONS in [i.value for i in at.info]


def test_fy_without_data_and_filter_without_match(monkeypatch, small_db):
    # FY2023 has no D02 partner rows: the stakeholder charts say so instead of failing.
    at = open_page(monkeypatch, small_db, "pages/stakeholders.py", {"fy": "2023", "dept": "D02"})
    assert txt.NO_PARTNERS in [i.value for i in at.info]
    at = open_page(monkeypatch, small_db, "pages/attainment.py", {"fy": "2024"})
    at.multiselect(key="att_status").set_value(["達成"]).run()
    assert not at.exception and txt.NO_MATCH in [i.value for i in at.info]


# --- Filters change the figures ---------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_each_filter_changes_the_figures(monkeypatch, small_db, page):
    at = open_page(monkeypatch, small_db, page)
    base = figures(at)
    select(at, txt.FY_LABEL, 2023)
    by_year = figures(at)
    assert by_year != base, "FY"
    select(at, txt.FY_LABEL, 2024)
    assert figures(at) == base
    select(at, txt.DEPARTMENT_LABEL, "D02")
    assert figures(at) != base, "所管課"
    select(at, txt.DEPARTMENT_LABEL, "")
    select(at, txt.POLICY_LABEL, "P1")
    assert figures(at) != base, "基本方針"


# --- Key numbers equal the queries -------------------------------------------------------

def metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def test_overview_numbers_match_queries(monkeypatch, demo_db):
    at = open_page(monkeypatch, demo_db, PAGES[0])
    fy = reference.fiscal_years(demo_db)[-1]
    shown = metrics(at)
    counts = attainment.indicator_status_counts(demo_db, F(fy))
    for row in counts.itertuples():
        assert shown[txt.status_metric(row.status)][0] == ui.fmt_num(row.count)
    pace = emissions.emission_pace(demo_db, fy)
    assert shown[txt.METRIC_PACE_ACTUAL][0] == ui.fmt_num(pace.actual_rate_pct, 1, "%")
    assert shown[txt.METRIC_PACE_NEEDED][0] == ui.fmt_num(pace.needed_rate_pct, 1, "%")
    pdca_kpi = common.kpi(pdca.pdca_by_year(demo_db, F(fy)), fy, "completion_pct")
    assert shown[txt.METRIC_PDCA] == (ui.fmt_num(pdca_kpi.value, 1, "%"),
                                      ui.fmt_delta(pdca_kpi.change, 1, txt.POINTS))
    partners_kpi = common.kpi(partners.partners_by_year(demo_db, F(fy)), fy, "collaborations")
    assert shown[txt.METRIC_COLLAB] == (ui.fmt_num(partners_kpi.value), ui.fmt_delta(partners_kpi.change))


def test_overview_numbers_follow_the_department_filter(monkeypatch, small_db):
    at = open_page(monkeypatch, small_db, PAGES[0], {"fy": "2024", "dept": "D02"})
    shown = metrics(at)
    counts = attainment.indicator_status_counts(small_db, F(2024, department="D02")).set_index("status")
    assert shown[txt.status_metric("遅れ")][0] == str(counts.loc["遅れ", "count"]) == "1"
    assert shown[txt.METRIC_COLLAB][0] == "2"
    assert not shown[txt.METRIC_COLLAB][1]          # no D02 partner rows in FY2023: no change shown


def test_attainment_numbers_match_queries(monkeypatch, small_db):
    at = open_page(monkeypatch, small_db, "pages/attainment.py", {"fy": "2024"})
    table = attainment.attainment_table(small_db, F(2024))
    shown = metrics(at)
    assert shown[txt.ATTAINMENT_METRIC_COUNT][0] == str(len(table))
    assert shown[txt.ATTAINMENT_METRIC_AVG][0] == ui.fmt_num(table["attainment_pct"].median(), 1, "%")
    detail = attainment.indicator_detail(small_db, "I01", 2024)
    assert any(f"{detail.projected_target_value:,.1f}" in m.value for m in at.markdown)


def test_pdca_and_stakeholder_and_submission_numbers(monkeypatch, small_db):
    at = open_page(monkeypatch, small_db, "pages/pdca.py", {"fy": "2023"})
    by_year = pdca.pdca_by_year(small_db, F(2023))
    assert metrics(at)[txt.METRIC_PDCA][0] == ui.fmt_num(common.kpi(by_year, 2023, "completion_pct").value, 1, "%")
    incomplete = pdca.incomplete_cycles(small_db, F(2023))
    tables = [d.value for d in at.dataframe]
    assert any(len(t) == len(incomplete) and txt.COLUMNS["reasons"] in t.columns for t in tables)

    at = open_page(monkeypatch, small_db, "pages/stakeholders.py", {"fy": "2024"})
    assert metrics(at)[txt.METRIC_PARTICIPANTS] == ("17", "-93")

    at = open_page(monkeypatch, small_db, "pages/submission_status.py", {"fy": "2023"})
    counts = submissions.submission_counts(submissions.submission_status(small_db, F(2023)))
    assert metrics(at)[txt.METRIC_SUBMITTED][0] == f"{counts.submitted} / {counts.total}" == "1 / 2"
    assert metrics(at)[txt.METRIC_MISSING][0] == "1"


def test_trends_comparison_matches_query(monkeypatch, small_db):
    at = open_page(monkeypatch, small_db, "pages/trends.py", {"fy": "2024"})
    cmp = trends.compare_years(small_db, F(), 2023, 2024)
    table = next(d.value for d in at.dataframe if txt.COMPARE_CHANGE in d.value.columns)
    shown = trends.comparison_display(cmp, txt.BLANK)
    assert table[txt.COMPARE_CHANGE].tolist() == shown["change"].tolist()
    # the shown text is the query's figure, rounded to the metric's decimals
    for text, value, name in zip(shown["change"], cmp["change"], cmp["metric"]):
        key = next(k for k, label in txt.METRIC_NAMES.items() if label == name)
        if value is None or value != value:
            assert text == txt.BLANK
        else:
            assert float(text.replace(",", "")) == pytest.approx(value, abs=0.05 + 0.5 * (trends.COMPARE_DIGITS[key] == 0))


# --- URL, page switching, presentation mode ---------------------------------------------

def test_url_reproduces_the_view(monkeypatch, small_db):
    at = open_page(monkeypatch, small_db, "pages/attainment.py",
                   {"fy": "2023", "dept": "D01", "policy": "P1"})
    values = [s.value for s in at.sidebar.selectbox][:3]
    assert values == [2023, "D01", "P1"]


def test_filters_are_written_to_the_url_and_survive_page_switches(monkeypatch, small_db):
    at = open_page(monkeypatch, small_db, PAGES[0])
    select(at, txt.FY_LABEL, 2023)
    select(at, txt.DEPARTMENT_LABEL, "D02")
    assert at.query_params["fy"] == "2023" and at.query_params["dept"] == "D02"
    for page in PAGES[1:]:
        at.switch_page(page)
        at.run()
        assert not at.exception, page
        assert [s.value for s in at.sidebar.selectbox][:3] == [2023, "D02", ""], page
        assert at.query_params["fy"] == "2023" and at.query_params["dept"] == "D02", page
        assert "policy" not in at.query_params


def test_bad_url_values_fall_back(monkeypatch, small_db):
    at = open_page(monkeypatch, small_db, PAGES[0], {"fy": "令和", "dept": "ZZZ", "policy": "P9"})
    assert [s.value for s in at.sidebar.selectbox][:3] == [2024, "", ""]


@pytest.mark.parametrize("page", [PAGES[0], "pages/pdca.py"])
def test_presentation_mode_from_url(monkeypatch, small_db, page):
    # (The toggle itself is tested in test_ui.py: AppTest re-renders only the page on reruns.)
    at = open_page(monkeypatch, small_db, page, {"present": "1"})
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["config"]["title"]["fontSize"] > 20
    plain = open_page(monkeypatch, small_db, page)
    if page == PAGES[0]:          # shell elements are in the tree of the first run only
        assert at.toggle(key="flt_present").value is True
        assert plain.toggle(key="flt_present").value is False
        assert any("font-size: 20px" in h.value for h in at.get("html"))
        assert not any("font-size: 20px" in h.value for h in plain.get("html"))
    assert json.loads(plain.get("vega_lite_chart")[0].proto.spec)["config"]["title"]["fontSize"] == 20


def test_data_expander_shows_the_table_when_opened(monkeypatch, small_db):
    at = open_page(monkeypatch, small_db, PAGES[0], {"fy": "2024"})
    before = len(at.dataframe)
    at.session_state["exp_emissions"] = True
    at.run()
    assert len(at.dataframe) == before + 1
    table = at.dataframe[0].value
    assert txt.COLUMNS["kt_co2"] in table.columns and len(table) == len(emissions.emissions_by_sector(small_db, 2024))


def test_pdca_page_says_when_no_council_opinion_is_open(monkeypatch, small_db):
    from pipeline.texts import council as ctxt
    at = open_page(monkeypatch, small_db, "pages/pdca.py", {"fy": "2023"})
    assert ctxt.NO_OPEN_OPINIONS in [i.value for i in at.info]
    assert not any(t.empty for t in (d.value for d in at.dataframe))      # no empty table shown


def _sidebar_labels(node) -> list[str]:
    out = []
    for child in getattr(node, "children", {}).values():
        label = getattr(child, "label", None)
        if isinstance(label, str):
            out.append(label)
        elif getattr(child, "type", None) == "subheader":
            out.append(child.value)
        out += _sidebar_labels(child)
    return out


def test_filters_come_before_the_sign_in_box(monkeypatch, small_db):
    """On a 1366×768 laptop the FY filter must be visible without scrolling the sidebar."""
    from pipeline.texts import auth as atxt
    at = open_page(monkeypatch, small_db, PAGES[0])
    labels = _sidebar_labels(at.sidebar)
    assert labels.index(txt.FILTERS_HEADER) < labels.index(txt.FY_LABEL) < labels.index(atxt.SIGN_IN_HEADING)


def test_priority_filter_from_url_and_back(monkeypatch, small_db):
    """重点対策のみ is kept in the URL like the other filters (?priority=1) and narrows the page."""
    at = open_page(monkeypatch, small_db, "pages/pdca.py", {"fy": "2024", "priority": "1"})
    assert not at.exception
    assert at.toggle(key="flt_priority").value is True
    assert at.query_params.get("priority") in ("1", ["1"])
    at.toggle(key="flt_priority").set_value(False).run()
    assert not at.exception
    assert "priority" not in at.query_params
