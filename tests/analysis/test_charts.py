"""Chart builders: valid Vega-Lite, the message in the title, one shared status palette,
Japanese tooltips with units, PNG export with the Japanese font."""
from __future__ import annotations

import json

import pytest

from pipeline.analysis import attainment, chart_style, common, emissions, partners, pdca, submissions, trends
from pipeline.ingest import contract as c
from pipeline.texts import dashboard as txt
from pipeline.warehouse.schema import connect
from tests.analysis.test_queries import build_small

F = common.Filters


@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    db = tmp_path_factory.mktemp("charts") / "w.duckdb"
    build_small(db)
    with connect(db) as con:
        return {
            "emissions": emissions.emissions_by_sector(con), "path": emissions.emission_path(con),
            "changes": emissions.sector_change(con),
            "counts": attainment.indicator_status_counts(con, F(2024)),
            "table": attainment.attainment_table(con, F(2024)),
            "detail": attainment.indicator_detail(con, "I01"),
            "share": attainment.status_by_year(con, F()),
            "two": trends.status_two_years(con, F(), 2023, 2024),
            "by_cat": partners.stakeholders_by_category(con, F(2024)),
            "heat": partners.stakeholder_heatmap(con, F(2024)),
            "orgs": partners.top_organisations(con, F(2024)),
            "trend": partners.stakeholders_by_category(con, F()),
            "matrix": pdca.pdca_matrix(con, F()),
            "funnel": pdca.pdca_funnel(con, F(2023)),
            "grades": pdca.self_evaluation_distribution(con, F(2024)),
            "directions": pdca.direction_distribution(con, F(2024)),
            "transitions": pdca.self_evaluation_transitions(con, F(), 2023, 2024),
            "submissions": submissions.submission_matrix(con, F()),
        }


def builders(fr):
    return {
        "emissions": emissions.emissions_chart(fr["emissions"], fr["path"], "排出量は12.1%減"),
        "sector": emissions.sector_change_chart(fr["changes"], "家庭が最も減少"),
        "status": attainment.status_counts_chart(fr["counts"], "2指標が遅れ"),
        "attainment": attainment.attainment_chart(fr["table"], "0指標が経路上"),
        "detail": attainment.indicator_detail_chart(fr["detail"], "達成の見込み"),
        "share": attainment.status_share_chart(fr["share"], "割合の推移"),
        "compare": attainment.status_compare_chart(fr["two"], "2年度の比較"),
        "category": partners.category_bar_chart(fr["by_cat"], "participants", "事業者が最多"),
        "heatmap": partners.heatmap_chart(fr["heat"], "collaborations", "どの方針で連携"),
        "orgs": partners.top_organisations_chart(fr["orgs"], "埼玉エコが最多"),
        "trend": partners.stakeholder_trend_chart(fr["trend"], "co2_t", "増加"),
        "matrix": pdca.pdca_matrix_chart(fr["matrix"], "PDCAの状況", 2024),
        "funnel": pdca.funnel_chart(fr["funnel"], "Aまで2事業"),
        "grades": pdca.grade_chart(fr["grades"], "A・Bは50%"),
        "directions": pdca.direction_chart(fr["directions"], "拡充が最多"),
        "transitions": pdca.transitions_chart(fr["transitions"], 2023, 2024, "1事業が上昇"),
        "submissions": submissions.submission_matrix_chart(fr["submissions"], "提出状況"),
    }


def _walk(node):
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def test_every_chart_is_valid_and_states_its_message(frames):
    for name, chart in builders(frames).items():
        spec = chart_style.configure(chart).to_dict()         # validates against the schema
        assert spec["title"]["text"], name
        assert spec["config"]["font"] == chart_style.FONT
        assert spec["autosize"]["type"] == "fit-x"


def test_the_title_passed_is_the_title_shown(frames):
    spec = attainment.status_counts_chart(frames["counts"], "2024年度：2指標が遅れ").to_dict()
    assert spec["title"]["text"] == "2024年度：2指標が遅れ"


def test_one_status_palette_everywhere(frames):
    expected = {"domain": list(c.STATUSES), "range": [chart_style.STATUS_COLORS[s] for s in c.STATUSES]}
    for name in ("status", "attainment", "share"):
        spec = builders(frames)[name].to_dict()
        scales = [n["scale"] for n in _walk(spec)
                  if n.get("field") == "status" and isinstance(n.get("scale"), dict)]
        assert scales, name
        for s in scales:
            assert {"domain": s["domain"], "range": s["range"]} == expected, name
    # Okabe–Ito: 達成 blue, 順調 bluish green, 遅れ orange, 悪化 vermillion, 未報告 grey
    assert chart_style.STATUS_COLORS == {"達成": "#0072B2", "順調": "#009E73", "遅れ": "#E69F00",
                                    "悪化": "#D55E00", "未報告": "#999999"}


def test_stage_colours_shared_by_matrix_and_funnel(frames):
    b = builders(frames)
    ranges = []
    for name in ("matrix", "funnel"):
        spec = b[name].to_dict()
        ranges += [n["scale"]["range"] for n in _walk(spec)
                   if isinstance(n.get("scale"), dict) and n.get("field") in ("stages", "stage_no")]
    assert ranges and all(r == ranges[0] for r in ranges)


def test_tooltips_are_japanese_with_units(frames):
    spec = builders(frames)["emissions"].to_dict()
    titles = [t["title"] for n in _walk(spec) for t in n.get("tooltip", []) if isinstance(t, dict)]
    assert txt.COLUMNS["kt_co2"] in titles and "排出量（千t-CO2）" in titles
    spec = builders(frames)["category"].to_dict()
    titles = [t["title"] for n in _walk(spec) for t in n.get("tooltip", []) if isinstance(t, dict)]
    assert "参加人数・団体数（人・団体）" in titles and "CO2削減量（t-CO2）（t-CO2）" not in titles


def test_detail_chart_shows_projection_and_target(frames):
    spec = json.dumps(builders(frames)["detail"].to_dict(), ensure_ascii=False)
    assert txt.SERIES_PROJECTION in spec and txt.SERIES_PATH in spec
    assert "推計 3,980.0 kW" in spec and "目標 1,800.0 kW" in spec


def test_presentation_mode_enlarges_fonts(frames):
    chart = builders(frames)["status"]
    small = chart_style.configure(chart).to_dict()["config"]
    large = chart_style.configure(chart, present=True).to_dict()["config"]
    assert large["axis"]["labelFontSize"] > small["axis"]["labelFontSize"]
    assert large["title"]["fontSize"] > small["title"]["fontSize"]


def test_presentation_mode_enlarges_the_value_labels_too(frames):
    """Text marks carry their own fontSize, out of the config's reach: to_spec scales them."""
    def sizes(spec):
        found = []
        def walk(node):
            if isinstance(node, dict):
                mark = node.get("mark")
                if isinstance(mark, dict) and mark.get("type") == "text":
                    found.append(mark.get("fontSize"))
                for key, value in node.items():
                    if key not in ("data", "datasets"):
                        walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)
        walk(spec)
        return found
    chart = builders(frames)["status"]
    small, large = sizes(chart_style.to_spec(chart)), sizes(chart_style.to_spec(chart, present=True))
    assert small and len(small) == len(large)
    assert all(b == round(a * chart_style.PRESENT_SCALE) for a, b in zip(small, large, strict=True))
    assert json.loads(chart_style.png_spec(chart, present=True))["config"] == \
        chart_style.to_spec(chart, present=True)["config"]


def test_png_export_renders(frames):
    png = chart_style.to_png(builders(frames)["status"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
    spec = json.loads(chart_style.png_spec(builders(frames)["status"]))
    assert spec["width"] == chart_style.PNG_WIDTH and spec["config"]["font"] == chart_style.FONT


def test_charts_accept_empty_frames(frames):
    empty_counts = frames["counts"].iloc[0:0]
    chart_style.configure(attainment.status_counts_chart(empty_counts, "なし")).to_dict()
    chart_style.configure(partners.top_organisations_chart(frames["orgs"].iloc[0:0], "なし")).to_dict()


def _contrast_with_white(colour: str) -> float:
    rgb = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in rgb]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return 1.05 / (lum + 0.05)


def test_stage_colours_are_visible_on_white_and_distinct():
    stages = [chart_style.STAGE_COLORS[k] for k in (1, 2, 3, 4)]
    assert len(set(stages)) == 4
    assert all(_contrast_with_white(s) >= 3.0 for s in stages)
    # darker with every stage met
    contrasts = [_contrast_with_white(s) for s in stages]
    assert contrasts == sorted(contrasts)


def test_stage_bars_say_each_stage_is_counted_on_its_own(frames):
    spec = builders(frames)["funnel"].to_dict()
    assert spec["title"]["subtitle"] == txt.STAGE_BARS_SUBTITLE
    assert txt.funnel_title(2025, 68) == "2025年度：PDCAの各段階を満たした事業の数（計画 68 事業）"
    assert txt.stage_count_label(62, 91.2) == "62 事業（91%）" and txt.stage_count_label(0, None) == "0 事業"


def test_spread_labels_moves_only_crowded_labels():
    # axis covers 0..10 → span 12.5 with the "nice" margin; 100 px tall, 10 px gap → 1.25 units
    assert emissions.spread_labels([0.0, 10.0, 10.1], [0.0, 10.0], 100, 10) == \
        pytest.approx([0.0, 10.05 - 0.625, 10.05 + 0.625])
    # far apart: unchanged, order kept
    assert emissions.spread_labels([5.0, -5.0], [-5.0, 5.0], 100, 10) == [5.0, -5.0]
    assert emissions.spread_labels([], [], 100, 10) == []


def test_target_labels_sit_off_the_path(frames):
    spec = builders(frames)["emissions"].to_dict()
    texts = [layer for layer in spec["layer"] if isinstance(layer.get("mark"), dict)
             and layer["mark"].get("type") == "text"]
    assert texts and texts[0]["mark"]["baseline"] == "top" and texts[0]["mark"]["dy"] > 0


def test_long_titles_wrap_at_a_japanese_break_instead_of_ending_in_an_ellipsis(frames):
    long = "2025年度：最も多くの連携に名前が挙がったのは「東京電力パワーグリッド株式会社 埼玉総支社」"
    assert chart_style.wrap_title(long, chart_style.TITLE_LINE) == [
        "2025年度：最も多くの連携に名前が挙がったのは", "「東京電力パワーグリッド株式会社 埼玉総支社」"]
    short = "2025年度：36指標中 14 指標が目標への経路に乗っています（達成率、%）"
    assert chart_style.wrap_title(short, chart_style.TITLE_LINE) == short
    assert all(len(line) <= 42 for line in chart_style.wrap_title("あ" * 100, 42))
    chart = builders(frames)["status"].properties(title=chart_style.chart_title(long))
    assert chart_style.to_spec(chart)["title"]["text"] == chart_style.wrap_title(long, chart_style.TITLE_LINE)
    assert chart_style.to_spec(chart, present=True)["title"]["text"] == \
        chart_style.wrap_title(long, chart_style.TITLE_LINE_PRESENT)
