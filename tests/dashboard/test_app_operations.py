"""AppTest of 市役所の排出量 (pages/operations.py) through app.py.

- renders on the hand-computed §8 warehouse (tests/analysis/test_operations.py) and on the
  demo warehouse, every view's charts with their data expanders, 暫定 marked;
- the figures shown are the query functions' results;
- the organisation, the view and the sidebar filters change the figures and live in the URL;
- empty states: no master, a master without section-8 sheets (v1), no energy reports;
- a facility figure traces to its file, sheet and cells.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipeline.analysis import operations as ops
from pipeline.dashboard import ui
from pipeline.texts import dashboard as dtxt
from pipeline.texts import operations as txt
from pipeline.warehouse.schema import connect
from tests import factories as fx
from tests import operations_factories as of
from tests.analysis.test_operations import F001_2024, T2024, build

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "pages/operations.py"
#: Charts of each view: trend and organisations; activity, factors, waterfall; largest, changes,
#: intensity; coverage.
VIEW_CHARTS = {"target": 2, "factors": 3, "facilities": 3, "coverage": 1}


@pytest.fixture(scope="module")
def ops_db(tmp_path_factory):
    return str(build(tmp_path_factory.mktemp("ops_app") / "w.duckdb"))


@pytest.fixture(scope="module")
def v1_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("ops_app_v1") / "w.duckdb"
    fx.load_master(db)
    fx.ingest_all(db, fx.d01(2024))
    return str(db)


@pytest.fixture(scope="module")
def no_energy_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("ops_app_noenergy") / "w.duckdb"
    of.load_ops(db)
    fx.ingest_all(db, fx.d01(2024))
    return str(db)


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("ops_app_empty") / "w.duckdb"
    with connect(db):
        pass
    return str(db)


def open_page(monkeypatch, db: str, params: dict | None = None) -> AppTest:
    monkeypatch.setenv("PDCA_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def titles(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["title"]["text"] for c in at.get("vega_lite_chart")]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def figures(at: AppTest) -> str:
    parts = [(m.label, m.value) for m in at.main.metric] + titles(at)
    parts += [json.loads(c.proto.spec).get("datasets") for c in at.get("vega_lite_chart")]
    parts += [i.value for i in at.main.info]
    return json.dumps(parts, ensure_ascii=False, default=str)


# --- renders -------------------------------------------------------------------------------

@pytest.mark.parametrize("view", list(VIEW_CHARTS))
def test_every_view_renders_its_charts_with_their_data(monkeypatch, ops_db, view):
    at = open_page(monkeypatch, ops_db, {"fy": "2024", "view": view})
    assert at.title[0].value == txt.PAGE_TITLE
    assert at.radio(key="ops_view").value == view
    assert len(at.get("vega_lite_chart")) == VIEW_CHARTS[view]
    assert [e.label for e in at.expander].count(dtxt.DATA_EXPANDER) == VIEW_CHARTS[view]
    assert at.header[0].value == txt.H_TARGET and len(at.metric) == 4       # the headline on every view
    assert at.selectbox(key="ops_org").value == ops.WHOLE
    assert not at.error


def test_the_view_choice_goes_into_the_url(monkeypatch, ops_db):
    at = open_page(monkeypatch, ops_db, {"fy": "2024"})
    assert at.radio(key="ops_view").value == "target" and "view" not in at.query_params
    at.radio(key="ops_view").set_value("facilities").run()
    assert not at.exception and at.query_params["view"] == "facilities"
    assert [h.value for h in at.header] == [txt.H_TARGET, txt.H_FACILITIES, txt.H_CHANGES, txt.H_INTENSITY]


def test_shown_figures_are_the_queries(monkeypatch, ops_db):
    at = open_page(monkeypatch, ops_db, {"fy": "2024", "view": "factors"})
    pace = ops.operations_pace(ops_db, 2024)
    shown = metrics(at)
    assert shown[txt.metric_t(2024, False)] == ui.fmt_num(T2024, 1) == "38.0"
    assert shown[txt.METRIC_REDUCTION] == ui.fmt_num(pace.reduction_pct, 1, "%")
    assert shown[txt.METRIC_PACE_ACTUAL] == ui.fmt_num(pace.actual_rate_pct, 1, "%")
    assert shown[txt.METRIC_PACE_NEEDED] == ui.fmt_num(pace.needed_rate_pct, 1, "%")
    assert txt.waterfall_title(2024, *ops.change_figures(ops.decomposition(ops_db, 2024))) in titles(at)
    at = open_page(monkeypatch, ops_db, {"fy": "2024"})
    assert titles(at)[0] == txt.trend_title(txt.WHOLE_GOVERNMENT, 2024, T2024, pace.reduction_pct, False)


def test_provisional_is_marked(monkeypatch, ops_db):
    at = open_page(monkeypatch, ops_db, {"fy": "2025"})
    assert metrics(at)[txt.metric_t(2025, True)] == "6.1"
    assert txt.metric_t(2025, True).endswith(f"・{txt.PROVISIONAL}）")
    assert f"（{txt.PROVISIONAL}）" in titles(at)[0]
    assert txt.PROVISIONAL_NOTE in [c.value for c in at.caption]


def test_organisation_choice_changes_the_figures_and_the_url(monkeypatch, ops_db):
    at = open_page(monkeypatch, ops_db, {"fy": "2024"})
    whole = figures(at)
    at.selectbox(key="ops_org").set_value("O1").run()
    assert not at.exception
    assert at.query_params["org"] == "O1"
    assert figures(at) != whole
    assert metrics(at)[txt.metric_t(2024, False)] == ui.fmt_num(F001_2024, 1)
    assert titles(at)[0].startswith("市長部局の2024年度")
    at.selectbox(key="ops_org").set_value(ops.WHOLE).run()
    assert "org" not in at.query_params and figures(at) == whole


def test_url_reproduces_the_view(monkeypatch, ops_db):
    at = open_page(monkeypatch, ops_db, {"fy": "2024", "org": "O2", "view": "factors"})
    assert at.selectbox(key="ops_org").value == "O2"
    assert [s.value for s in at.sidebar.selectbox][0] == 2024
    # 教育委員会 has no target and no FY2023 figure
    assert txt.NO_TARGET in [m.value for m in at.markdown]
    assert txt.NO_PREVIOUS_YEAR in [i.value for i in at.info]
    bad = open_page(monkeypatch, ops_db, {"org": "ZZ", "view": "nothing"})
    assert bad.selectbox(key="ops_org").value == ops.WHOLE and bad.radio(key="ops_view").value == "target"


def test_sidebar_filters_change_the_facility_figures(monkeypatch, ops_db):
    at = open_page(monkeypatch, ops_db, {"fy": "2024", "view": "facilities"})
    base = figures(at)
    box = next(s for s in at.sidebar.selectbox if s.label == dtxt.DEPARTMENT_LABEL)
    box.set_value("D01").run()
    assert not at.exception and figures(at) != base
    top = next(t for t in titles(at) if "最も多いのは" in t)
    assert "本庁舎" in top
    box = next(s for s in at.sidebar.selectbox if s.label == dtxt.FY_LABEL)
    box.set_value(2023).run()
    assert not at.exception and at.query_params["fy"] == "2023"


def test_a_facility_figure_traces_to_its_cells(monkeypatch, ops_db):
    at = open_page(monkeypatch, ops_db, {"fy": "2024", "dept": "D01", "view": "coverage"})
    assert next(s for s in at.main.selectbox if s.label == txt.PROVENANCE_SELECT).value == "F001"
    table = next(d.value for d in at.dataframe if txt.SOURCE_COLUMNS["cells"] in d.value.columns)
    assert set(table[txt.SOURCE_COLUMNS["cells"]]) >= {"G2:R2", "S3"}          # 12 months, then 年間使用量
    assert set(table[txt.SOURCE_COLUMNS["sheet"]]) == {"エネルギー使用量"}
    assert at.get("page_link")


def test_coverage_names_the_missing_facilities(monkeypatch, ops_db):
    at = open_page(monkeypatch, ops_db, {"fy": "2025", "view": "coverage"})
    assert txt.coverage_title(2025, 2, 3) in titles(at)
    missing = next(d.value for d in at.dataframe
                   if dtxt.COLUMNS["missing_facilities"] in d.value.columns)
    assert missing[dtxt.COLUMNS["missing_facilities"]].tolist() == ["F002 第一小学校"]


@pytest.mark.parametrize("view", list(VIEW_CHARTS))
def test_page_renders_on_the_demo(monkeypatch, demo_db, view):
    assert ops.has_inventory(demo_db)
    at = open_page(monkeypatch, demo_db, {"view": view})
    assert len(at.get("vega_lite_chart")) == VIEW_CHARTS[view] and not at.error
    latest = max(ops.inventory_years(demo_db))
    pace = ops.operations_pace(demo_db, latest)
    assert pace.provisional                                   # the demo's FY2025 has no factors yet
    assert metrics(at)[txt.metric_t(latest, True)] == ui.fmt_num(pace.t_co2, ops.t_digits(pace.t_co2))


# --- empty states ----------------------------------------------------------------------------

def test_a_master_without_section_8_says_so(monkeypatch, v1_db):
    at = open_page(monkeypatch, v1_db)
    assert [i.value for i in at.info] == [txt.NO_INVENTORY]
    assert not at.get("vega_lite_chart") and not at.metric


def test_no_energy_reports_yet(monkeypatch, no_energy_db):
    at = open_page(monkeypatch, no_energy_db)
    assert [i.value for i in at.info] == [txt.NO_ENERGY]
    assert not at.get("vega_lite_chart")


def test_no_master(monkeypatch, empty_db):
    at = open_page(monkeypatch, empty_db)
    assert [i.value for i in at.info] == [dtxt.NO_MASTER]


def test_a_year_without_energy_reports(monkeypatch, tmp_path):
    db = tmp_path / "w.duckdb"
    build(db)
    fx.ingest_all(db, fx.d01(2026))
    at = open_page(monkeypatch, str(db), {"fy": "2026"})
    assert txt.no_energy_for(2026) in [i.value for i in at.info]
    assert len(at.get("vega_lite_chart")) == 1               # the trend up to FY2025 only
    at = open_page(monkeypatch, str(db), {"fy": "2026", "view": "facilities"})
    assert not at.get("vega_lite_chart")
