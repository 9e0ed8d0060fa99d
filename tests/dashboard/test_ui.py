"""pipeline.dashboard.ui: CSV/number helpers, the URL-backed filters, presentation toggle, the
version-token cache and the chart block (AppTest of small scripts)."""
from __future__ import annotations

import json
from datetime import date, datetime

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pipeline.analysis import attainment
from pipeline.dashboard import ui
from pipeline.load import ingest_bytes
from pipeline.texts import dashboard as txt
from tests import factories as fx
from tests.analysis.test_queries import build_small


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("ui_small") / "w.duckdb"
    build_small(db)
    return str(db)


def test_csv_is_utf8_with_bom_and_japanese_headers():
    data = pd.DataFrame({"fiscal_year": [2024], "status": ["達成"]})
    table = ui.labelled(data)
    assert list(table.columns) == [txt.COLUMNS["fiscal_year"], txt.COLUMNS["status"]]
    raw = ui.csv_bytes(table)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines() == ["年度,状況", "2024,達成"]


def test_number_formats():
    assert ui.fmt_num(1234.5, 1, "%") == "1,234.5%"
    assert ui.fmt_num(None) == "—" and ui.fmt_num(float("nan")) == "—"
    assert ui.fmt_delta(-3.0) == "-3" and ui.fmt_delta(2.25, 1, "pt") == "+2.2pt"
    assert ui.fmt_delta(None) is None


def test_lazy_chart_builds_the_same_chart():
    counts = pd.DataFrame({"status": ["達成"], "count": [1], "previous": [0], "change": [1]})
    lazy = ui.lazy(attainment.status_counts_chart, counts, "タイトル")
    assert lazy.build().to_dict() == attainment.status_counts_chart(counts, "タイトル").to_dict()
    assert ui._png(lazy, False)[:4] == b"\x89PNG"
    keyed = ui.lazy(attainment.status_counts_chart, counts, "タイトル", key=("counts", 1))
    assert keyed.key == ("counts", 1) and keyed.build().to_dict() == lazy.build().to_dict()


def test_a_failed_png_export_raises_instead_of_an_empty_file(monkeypatch):
    counts = pd.DataFrame({"status": ["達成"], "count": [1], "previous": [0], "change": [1]})
    lazy = ui.lazy(attainment.status_counts_chart, counts, "タイトル")

    def broken(chart, present):
        raise ValueError("no renderer")
    monkeypatch.setattr(ui.chart_style, "to_png", broken)
    with pytest.raises(ui.PngExportError, match="no renderer"):
        ui._png(lazy, False)
    monkeypatch.setattr(ui.chart_style, "to_png", lambda chart, present: b"")
    with pytest.raises(ui.PngExportError):
        ui._png(lazy, False)


def _filters_app():
    import streamlit as st
    from pipeline.dashboard import ui as u
    u.render_shell()
    f = u.filters()
    st.write(f"{f.fiscal_year}|{f.department}|{f.policy}")
    years = u.q(__import__("pipeline.analysis.reference", fromlist=["x"]).fiscal_years)
    st.write(f"years={years}")


def _run(monkeypatch, db, params=None) -> AppTest:
    monkeypatch.setenv("PDCA_DB", db)
    at = AppTest.from_function(_filters_app, default_timeout=60)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_filters_default_to_latest_year_and_sync_the_url(monkeypatch, small_db):
    at = _run(monkeypatch, small_db)
    assert at.markdown[-2].value == "2024|None|None"
    assert at.query_params == {"fy": "2024"}
    at.sidebar.selectbox(key=ui.W_DEPT).set_value("D01").run()
    assert at.markdown[-2].value == "2024|D01|None"
    assert at.query_params["dept"] == "D01"
    at.sidebar.selectbox(key=ui.W_DEPT).set_value("").run()
    assert "dept" not in at.query_params


def test_filters_read_from_the_url(monkeypatch, small_db):
    at = _run(monkeypatch, small_db, {"fy": "2023", "policy": "P2"})
    assert at.markdown[-2].value == "2023|None|P2"
    labels = at.sidebar.selectbox(key=ui.W_POLICY).options
    assert labels[0] == txt.ALL and labels[2] == "P2 脱炭素型まちづくり"


def test_presentation_toggle_writes_the_url(monkeypatch, small_db):
    at = _run(monkeypatch, small_db, {"present": "1"})
    toggle = at.sidebar.toggle(key=ui.W_PRESENT)
    assert toggle.value is True
    assert any("font-size: 20px" in h.value for h in at.get("html"))
    toggle.set_value(False).run()
    assert "present" not in at.query_params
    assert not any("font-size: 20px" in h.value for h in at.get("html"))
    at.sidebar.toggle(key=ui.W_PRESENT).set_value(True).run()
    assert at.query_params["present"] == "1"


def test_cache_refreshes_when_a_submission_lands(monkeypatch, tmp_path):
    db = str(tmp_path / "w.duckdb")
    build_small(db)
    at = _run(monkeypatch, db)
    assert at.markdown[-1].value == "years=[2023, 2024]"
    at.run()
    assert at.markdown[-1].value == "years=[2023, 2024]"          # served from the cache
    report = ingest_bytes([("D02_2025.xlsx", fx.submission(
        2025, "D02", actions=[fx.action_row("A003")]))], db, loaded_at=datetime(2026, 5, 1))[0]
    assert report.accepted
    at.run()
    assert at.markdown[-1].value == "years=[2023, 2024, 2025]"    # no restart needed


def _chart_app():
    import pandas as pd
    from pipeline.analysis import attainment
    from pipeline.dashboard import ui as u
    counts = pd.DataFrame({"status": ["達成", "遅れ"], "count": [3, 1],
                           "previous": [2, 1], "change": [1, 0]})
    u.chart_block(u.lazy(attainment.status_counts_chart, counts, "3指標が達成"), counts,
                  "3指標が達成", "status")
    u.chart_block(attainment.status_counts_chart(counts, "直接"), counts, "直接", "direct")
    u.chart_block(attainment.status_counts_chart(counts, "空"), counts.iloc[0:0], "空", "empty")


def test_chart_block(monkeypatch, small_db):
    monkeypatch.setenv("PDCA_DB", small_db)
    at = AppTest.from_function(_chart_app, default_timeout=60)
    at.run()
    assert not at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]   # lazy and direct
    assert [s["title"]["text"] for s in specs] == ["3指標が達成", "直接"]
    assert [e.label for e in at.expander] == [txt.DATA_EXPANDER, txt.DATA_EXPANDER]
    assert [i.value for i in at.info] == [txt.NO_DATA]
    assert len(at.dataframe) == 0                 # tables and downloads render only when opened
    assert len(at.get("download_button")) == 0
    at.session_state["exp_status"] = True
    at.run()
    assert len(at.dataframe) == 1
    assert len(at.get("download_button")) == 2
    assert list(at.dataframe[0].value.columns) == [txt.COLUMNS[c] for c in
                                                   ("status", "count", "previous", "change")]
    assert txt.PNG_NO_FONT not in [c.value for c in at.caption]


def test_chart_block_says_when_png_fonts_are_missing(monkeypatch, small_db, tmp_path):
    from pipeline.analysis import chart_style
    monkeypatch.setattr(chart_style, "FONT_DIR", tmp_path / "no-fonts")
    monkeypatch.setenv("PDCA_DB", small_db)
    at = AppTest.from_function(_chart_app, default_timeout=60)
    at.run()
    assert not at.exception
    assert [c.value for c in at.caption].count(txt.PNG_NO_FONT) == 0     # the expanders are closed
    at.session_state["exp_status"] = True
    at.session_state["exp_direct"] = True
    at.run()
    assert [c.value for c in at.caption].count(txt.PNG_NO_FONT) == 2


def test_content_key_follows_the_labels():
    before = ui.content_key("history_version", ["提出ID 1 — D01 2023年度（以前の版）"])
    after = ui.content_key("history_version", ["提出ID 1 — D01 2023年度（現在の版）"])
    assert before.startswith("history_version_") and before != after
    assert before == ui.content_key("history_version", ("提出ID 1 — D01 2023年度（以前の版）",))


def test_text_width_counts_half_width_characters_as_about_half():
    from pipeline.dashboard import ui as _ui
    assert _ui.text_width("空欄です") == 4
    assert _ui.text_width("A / B") == 5 * 0.55
    assert _ui.text_width("") == 0
