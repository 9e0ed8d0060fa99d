from __future__ import annotations

import json

import altair as alt
import pandas as pd

from pipeline.analysis import chart_style
from pipeline.site import charts


def test_font_constants_match_the_app():
    assert charts.FONT == chart_style.FONT and charts.FONT_DIR == chart_style.FONT_DIR


def test_wrap_title_breaks_after_punctuation():
    title = "住宅用太陽光発電設備の導入容量：直近の傾向が続くと2030年度の目標は達成の見込み"
    lines = charts.wrap_title(title, 30)
    assert lines[0].endswith("：") and "".join(lines) == title
    assert charts.wrap_title("短い", 30) == "短い"
    assert all(len(x) <= 10 for x in charts.wrap_title("あ" * 25, 10))


def test_spec_has_the_app_theme_and_width():
    chart = alt.Chart(pd.DataFrame({"a": [1, 2]})).mark_bar().encode(x="a:Q").properties(
        title=chart_style.chart_title("題名"))
    spec = json.loads(charts.spec_json(chart, 500))
    themed = chart_style.configure(chart).to_dict()
    assert spec["config"] == themed["config"]
    assert spec["width"] == 500 and spec["background"] == "white"


def test_render_names_japanese_fallback_fonts():
    chart = alt.Chart(pd.DataFrame({"a": [1, 2], "b": ["市民", "事業者"]})).mark_bar().encode(
        x="a:Q", y="b:N")
    svg = charts.render_spec(charts.spec_json(chart, 300))
    assert svg.text.startswith("<svg") and svg.width == 300 and svg.height > 0
    assert "Hiragino Sans" in svg.text and "事業者" in svg.text
    assert "http" not in svg.text.replace("http://www.w3.org/", "")


def test_renderer_in_process_and_in_workers():
    chart = alt.Chart(pd.DataFrame({"a": [1]})).mark_point().encode(x="a:Q")
    specs = {f"k{i}": charts.spec_json(chart, 200 + i * 10) for i in range(3)}
    for n in (1, 2):
        with charts.Renderer(n) as r:
            out = r.collect(r.render(specs, chunk=2))
        assert sorted(out) == sorted(specs) and [out[f"k{i}"].width for i in range(3)] == [200, 210, 220]
