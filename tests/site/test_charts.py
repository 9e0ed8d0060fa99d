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


WORKERS_SCRIPT = """
import altair as alt, pandas as pd
from pipeline.site import charts
chart = alt.Chart(pd.DataFrame({"a": [1]})).mark_point().encode(x="a:Q")
specs = {f"k{i}": charts.spec_json(chart, 200 + i * 10) for i in range(3)}
for n in (2, 1):
    with charts.Renderer(n) as r:
        assert (r.pool is not None) == (n == 2), n
        out = r.collect(r.render(specs, chunk=2))
    assert [out[f"k{i}"].width for i in range(3)] == [200, 210, 220], n
print("ok")
"""


def test_renderer_in_forked_workers_and_in_process():
    """In a fresh single-threaded process (as the command line runs it): forked workers
    first, then in-process.  (This test process already runs vl-convert and other threads,
    so it must not fork itself.)"""
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", WORKERS_SCRIPT], cwd=root, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]


def test_no_workers_where_forking_is_unsafe(monkeypatch):
    monkeypatch.setattr("threading.active_count", lambda: 3)       # a server's threads
    with charts.Renderer(2) as r:
        assert r.pool is None and r.n == 1
    monkeypatch.setattr("threading.active_count", lambda: 1)
    monkeypatch.setattr(charts, "_vl_convert_started", lambda: True)   # a runtime already runs
    with charts.Renderer(2) as r:
        assert r.pool is None
