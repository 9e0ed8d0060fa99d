"""Japanese strings of the dashboard pages, charts and shared sidebar."""
from __future__ import annotations

from pipeline.ingest import contract as _c

from .common import era_year

# --- Shell / sidebar ----------------------------------------------------------
APP_TITLE = "ゼロカーボン計画 進捗管理"
SECTION_DASHBOARD = "ダッシュボード"
SECTION_WORK = "提出・報告"
FILTERS_HEADER = "表示条件"
FY_LABEL = "年度"
DEPARTMENT_LABEL = "所管課"
POLICY_LABEL = "基本方針"
ALL = "すべて"
PRIORITY_LABEL = "重点対策のみ"
SUBMISSIONS_LIST_HEADER = "提出の一覧"
PRIORITY_HELP = ("計画マスタで重点対策（重点対策加速化事業）に印のある事業と、それに関係する指標"
                 "（同じ施策の指標）・連携主体・所管課だけを表示します。市域の排出量は絞り込みません。")
PRESENT_LABEL = "発表モード（大きな文字・全画面）"
#: Streamlit draws its file uploader's button and drop hint in English; the page CSS shows these.
UPLOADER_BUTTON = "ファイルを選ぶ"
UPLOADER_DROP = "またはここにドラッグ＆ドロップ"
PRESENT_HELP = "会議室で投影するときに使います。URLに保存されるので、そのまま共有できます。"
SHARE_HINT = "この画面のURLを共有すると、同じ条件の表示を開けます。"
DEMO_NOTE = "表示中のデータはデモ用の架空のデータです。"


def fy(year: int | None) -> str:
    """FY2024 → 2024年度（令和6年度）."""
    if year is None:
        return "—"
    year = int(year)
    return f"{year}年度（{era_year(year)}）"


def fy_short(year: int | None) -> str:
    return "—" if year is None else f"{int(year)}{FY_SUFFIX}"


# --- Chart block --------------------------------------------------------------
DATA_EXPANDER = "グラフのデータを見る・ダウンロード"
CSV_BUTTON = "CSVをダウンロード"
PNG_BUTTON = "グラフ画像（PNG）をダウンロード"
PNG_NO_FONT = ("日本語フォント（Noto Sans CJK）がこのサーバーにないため、画像の日本語が正しく"
               "表示されないことがあります。管理者にご連絡ください。")
NO_DATA = "表示できるデータがありません。"
#: A table cell with no value (instead of "None").
BLANK = "—"
#: Dates and times in tables.
DATETIME_FORMAT = "%Y-%m-%d %H:%M"

# --- Chart axes, tooltips and subtitles --------------------------------------
#: What follows a year on a chart's FY axis (2024 → 2024年度).
FY_SUFFIX = "年度"
INDICATORS_AXIS = "指標数"
INDICATORS_TIP = "指標数（指標）"
PREVIOUS_INDICATORS_TIP = "前年度（指標）"
CHANGE_INDICATORS_TIP = "前年度からの増減（指標）"
ATTAINMENT_AXIS = "達成率（%）"
EXPECTED_ATTAINMENT_TIP = "直線経路での達成率（%）"
ATTAINMENT_SUBTITLE = "黒い縦線＝直線経路で今あるべき位置、点線＝目標（100%）"
STATUS_SHARE_AXIS = "指標の割合（%）"
SHARE_TIP = "割合（%）"
CHANGE_FROM_BASE = "基準年度からの増減（%）"
COLLABORATIONS_AXIS = "連携件数（件）"
STAGES_DONE_TIP = "完了した段階（4段階中）"
PDCA_MATRIX_SUBTITLE = "数字＝完了した段階の数（P計画・D実施・C評価・A改善）"
VERSIONS_TIP = "版数（版）"


def with_unit(name: str, unit: str) -> str:
    """An axis or tooltip title with its unit: 値（t-CO2）."""
    return f"{name}（{unit}）"


def value_tip(unit: str) -> str:
    return with_unit("値", unit)


#: Between the items of a list written in one cell (事業者・大学).
LIST_SEPARATOR = "・"


def grade_label(grade: str, meaning: str) -> str:
    """A 自己評価 grade with its meaning: A（計画以上）."""
    return f"{grade}（{meaning}）"


def stages_state(stages: int, reported: bool) -> str:
    """PDCA stages met, out of four: 3/4, or 0/4（未報告）."""
    return f"{stages}/4" if reported else f"{stages}/4（{NOT_REPORTED}）"


def grades_in(year: int) -> str:
    """Axis title of a self-evaluation transition: 2024年度の自己評価."""
    return f"{fy_short(year)}の自己評価"


# --- Empty states -------------------------------------------------------------
NO_MASTER = ("計画マスタがまだ登録されていません。ゼロカーボン推進戦略課が "
             "`python -m pipeline master 計画マスタ.xlsx` で登録すると表示されます。")
NO_SUBMISSIONS = ("まだ提出された取組状況報告がありません。各課の提出（「提出」ページ）が"
                  "取り込まれると、ここに集計が表示されます。")
NO_DATA_FOR_FY = "選択した年度のデータはありません。左の「表示条件」で別の年度を選んでください。"
NO_MATCH = "この条件に当てはまるデータはありません。表示条件（所管課・基本方針など）を広げてください。"
NO_EMISSIONS = "計画マスタに排出量のデータがありません。"
NO_PARTNERS = "この条件では連携主体の報告がありません。"
NO_INCOMPLETE = "この条件では、PDCAサイクルが未完了の事業はありません。"
NO_PREVIOUS = "前年度のデータなし"

# --- Column labels (tables and CSV) ---------------------------------------
COLUMNS = {
    "fiscal_year": "年度",
    "sector": "部門",
    "kind": "区分",
    "kt_co2": "排出量（千t-CO2）",
    "status": "状況",
    "count": "件数",
    "previous": "前年度",
    "change": "前年度からの増減",
    "share_pct": "割合（%）",
    "indicator_code": "指標コード",
    "indicator_name": "指標名",
    "policy_code": "基本方針コード",
    "policy_name": "基本方針",
    "measure_code": "施策コード",
    "measure_name": "施策",
    "department_code": "所管課コード",
    "department_name": "所管課",
    "bureau_name": "局名",
    "unit": "単位",
    "direction": "方向",
    "base_year": "基準年度",
    "base_value": "基準値",
    "target_year": "目標年度",
    "target_value": "目標値",
    "actual_value": "実績値",
    "expected_value": "目標達成に必要な値（直線経路）",
    "attainment_pct": "達成率（%）",
    "value": "値",
    "series": "系列",
    "actions": "事業数",
    "reported": "報告済み事業数",
    "complete": "4段階完了の事業数",
    "completion_pct": "PDCA完了率（%）",
    "collaborations": "連携件数",
    "participants": "参加人数・団体数",
    "co2_t": "CO2削減量（t-CO2）",
    "organisations": "連携主体数（名称あり）",
    "organisation": "主体名",
    "stakeholder_type": "連携主体区分",
    "stakeholder_types": "連携主体区分",
    "action_code": "事業コード",
    "action_name": "事業名",
    "stages": "完了段階数（0〜4）",
    "stage": "段階",
    "label": "区分",
    "grade": "自己評価",
    "from_grade": "前の年度の自己評価",
    "to_grade": "後の年度の自己評価",
    "reasons": "未完了の理由",
    "metric": "項目",
    "value_a": "比較元の年度",
    "value_b": "比較先の年度",
    "submitted": "提出",
    "submitted_label": "提出状況",
    "loaded_at": "提出日時",
    "versions": "版数",
    "file_name": "ファイル名",
    "expected": "報告対象",
    "projected_value": "推計値（直近の傾向）",
    "self_evaluation": "自己評価",
    "plan": "P（計画）",
    "do": "D（実施）",
    "check": "C（評価）",
    "act": "A（改善）",
    # 市役所の排出量 (事務事業編)
    "organisation_code": "組織コード",
    "organisation_name": "組織",
    "t_co2": "排出量（t-CO2）",
    "t_co2_fixed": "基準年度の係数での排出量（t-CO2）",
    "base_t_co2": "基準排出量（t-CO2）",
    "target_t_co2": "目標排出量（t-CO2）",
    "expected_t_co2": "直線経路上の排出量（t-CO2）",
    "reduction_pct": "基準年度比の削減率（%）",
    "target_reduction_pct": "目標の削減率（%）",
    "expected_reduction_pct": "直線経路での削減率（%）",
    "actual_rate_pct": "実際の削減ペース（年平均、%）",
    "needed_rate_pct": "目標に必要なペース（年平均、%）",
    "provisional_mark": "暫定",
    "facilities_reported": "報告のあった施設数",
    "facilities_in_use": "使用中の施設数",
    "facilities_missing": "報告のない施設数",
    "coverage_pct": "報告率（%）",
    "missing_facilities": "報告のない施設",
    "facility_code": "施設コード",
    "facility_name": "施設名",
    "use_type": "用途",
    "floor_area_m2": "延床面積（㎡）",
    "kg_per_m2": "延床面積あたりの排出量（kg-CO2/㎡）",
    "facilities": "施設数",
    "activity": "活動区分",
    "base_unit": "基準単位",
    "amount": "使用量（基準単位）",
    "share_of_total_pct": "全体に占める割合（%）",
    "t_co2_previous": "前年度の排出量（t-CO2）",
    "change_t": "増減（t-CO2）",
    "change_rate_pct": "前年度比の増減率（%）",
    "usage_effect_t": "使用量の増減による分（t-CO2）",
    "factor_effect_t": "排出係数の変化による分（t-CO2）",
    "previous_year": "前年度",
    "step": "項目",
    "basis": "係数",
    "supplier": "電気事業者",
    "menu": "メニュー",
    "factor": "排出係数（kg/基準単位）",
    "factor_year": "係数の年度",
    "factor_basis": "係数の選び方",
    "factor_source": "出典",
    "gas": "ガス",
}

# --- Emissions / pace ---------------------------------------------------------
KIND_PATH = "目標への直線経路"


def target_label_unit(value: float, unit: str) -> str:
    """The target beside an indicator's chart: "目標 1,800.0 kW"."""
    return f"目標 {value:,.1f} {unit}"


def projection_label(value: float, unit: str) -> str:
    """The projected value at the target year: "推計 3,980.0 kW"."""
    return f"推計 {value:,.1f} {unit}"


def target_label(kt_co2: float) -> str:
    """The label beside a target point of the emissions chart: "目標 2,800"."""
    return f"目標 {kt_co2:,.0f}"
TOTAL = "合計（森林吸収を差し引いた純排出量）"


def pace_sentence(on_track: bool, actual: float, needed: float, latest_year: int,
                  target_year: int) -> str:
    verdict = "目標達成のペースに乗っています" if on_track else "目標達成のペースに届いていません"
    return (f"{fy_short(latest_year)}までの実際の削減ペースは年 {actual:.1f}% 、"
            f"{fy_short(target_year)}の目標に必要なペースは年 {needed:.1f}% です。"
            f"**{verdict}。**")


PACE_NO_ACTUAL = "基準年度より後の排出量実績がまだないため、削減ペースは計算できません。"
PACE_NO_TARGET = "排出量の目標がないため、削減ペースは計算できません。"


def emissions_title(base_year: int, latest_year: int | None, reduction_pct: float | None) -> str:
    if latest_year is None or reduction_pct is None:
        return f"部門別の温室効果ガス排出量（基準 {fy_short(base_year)}）"
    word = "減" if reduction_pct >= 0 else "増"
    return (f"{fy_short(latest_year)}の排出量は基準年度比 {abs(reduction_pct):.1f}% {word}"
            f"（部門別、千t-CO2）")


# --- Overview -----------------------------------------------------------------
OVERVIEW_TITLE = "概要"
OVERVIEW_CAPTION = "脱炭素推進本部の会議用：選択した年度の進み具合を、前年度と比べて示します。"
EMISSIONS_HEADER = "市域の温室効果ガス排出量"
INDICATORS_HEADER = "指標の達成状況"
PDCA_HEADER = "事業のPDCA"
PARTNERS_HEADER = "連携主体の参加"
METRIC_PDCA = "PDCA 4段階すべて完了"
METRIC_REPORTED = "報告済みの事業"
METRIC_COLLAB = "連携件数"
METRIC_PARTICIPANTS = "参加人数・団体数"
METRIC_CO2 = "CO2削減量（t-CO2）"
METRIC_PACE_ACTUAL = "実際の削減ペース（年率）"
METRIC_PACE_NEEDED = "必要な削減ペース（年率）"
METRIC_REDUCTION = "基準年度比の削減率"


def status_metric(status: str) -> str:
    return f"指標「{status}」"


GOOD_STATUSES_METRIC = status_metric(LIST_SEPARATOR.join(_c.GOOD_STATUSES))


def status_title(year: int, counts: dict[str, int]) -> str:
    total = sum(counts.values())
    good = counts.get("達成", 0) + counts.get("順調", 0)
    return f"{fy_short(year)}：{total}指標のうち {good} 指標が「達成」または「順調」"


# --- Attainment -----------------------------------------------------------------
ATTAINMENT_TITLE = "目標達成状況"
ATTAINMENT_CAPTION = "指標ごとの達成率と状況。表の見出しをクリックすると並べ替えられます。"
MEASURE_LABEL = "施策"
STATUS_FILTER_LABEL = "状況"
DETAIL_HEADER = "指標の詳細"
DETAIL_SELECT = "詳細を見る指標"
TABLE_TITLE = "指標の一覧"
ATTAINMENT_METRIC_AVG = "達成率の中央値"
ATTAINMENT_METRIC_COUNT = "表示中の指標数"


def attainment_chart_title(year: int, n_good: int, n: int) -> str:
    return f"{fy_short(year)}：{n}指標中 {n_good} 指標が目標への経路に乗っています（達成率、%）"


def detail_title(name: str, will_meet: bool | None, target_year: int) -> str:
    if will_meet is None:
        return f"{name}：実績と目標への直線経路"
    verdict = "達成の見込み" if will_meet else "このままでは未達成の見込み"
    return f"{name}：直近の傾向が続くと{fy_short(target_year)}の目標は{verdict}"


def projection_sentence(name: str, projected: float, target: float, unit: str,
                        target_year: int, will_meet: bool, points: int) -> str:
    verdict = "**目標を達成する見込みです。**" if will_meet else "**目標に届かない見込みです。**"
    return (f"直近{points}年度の実績の傾向（直線あてはめ）を延ばすと、{fy_short(target_year)}の"
            f"値は {projected:,.1f} {unit}（目標 {target:,.1f} {unit}）。{verdict}")


PROJECTION_TOO_FEW = "実績が3年度分そろっていないため、傾向による見込みは示していません。"
SERIES_ACTUAL = "実績"
SERIES_PATH = "目標への直線経路"
SERIES_PROJECTION = "直近の傾向による推計"
SERIES_TARGET = "目標値"

# --- Stakeholders -----------------------------------------------------------------
STAKEHOLDERS_TITLE = "連携主体"
STAKEHOLDERS_CAPTION = "市民・事業者・大学など、さまざまな主体との連携の広がりを示します。"
MEASURE_CHOICE = "表示する指標"
STAKE_MEASURES = {"collaborations": "連携件数", "participants": "参加人数・団体数",
                  "co2_t": "CO2削減量"}
STAKE_UNITS = {"collaborations": "件", "participants": "人・団体", "co2_t": "t-CO2"}


def stake_category_title(year: int, top: str | None, what: str) -> str:
    if not top:
        return f"{fy_short(year)}の連携主体区分別の{what}"
    return f"{fy_short(year)}：{what}が最も多いのは「{top}」"


def stake_heatmap_title(year: int, what: str) -> str:
    return f"{fy_short(year)}：どの基本方針で、どの主体と連携しているか（{what}）"


def stake_top_title(year: int, top: str | None) -> str:
    if not top:
        return f"{fy_short(year)}：よく名前が挙がる連携先"
    return f"{fy_short(year)}：最も多くの連携に名前が挙がったのは「{top}」"


def stake_trend_title(what: str, first: int, last: int, change_pct: float | None) -> str:
    if change_pct is None or first == last:
        return f"連携主体区分別の{what}の推移"
    word = "増" if change_pct >= 0 else "減"
    return f"{what}は{fy_short(first)}から{fy_short(last)}で {abs(change_pct):.0f}% {word}"


# --- PDCA -----------------------------------------------------------------------
PDCA_TITLE = "PDCA"
PDCA_CAPTION = "事業ごとのPDCA（P 計画・D 実施・C 評価・A 改善）の進み具合。"
STAGE_LABELS = {"plan": "P 計画", "do": "D 実施", "check": "C 評価", "act": "A 改善"}
STAGES_LEGEND = "完了した段階の数"
NOT_REPORTED = "未報告"
INCOMPLETE_HEADER = "サイクルが未完了の事業（フォローアップ対象）"
REASON_NOT_REPORTED = "報告なし"
REASON_NOT_DONE = "未実施（D）"
REASON_NO_CHECK = "自己評価が「−」（評価不能）（C）"
REASON_NO_DIRECTION = "今後の方向性が未記入（A）"
REASON_NO_REVISION = "見直しが必要な方向性だが見直し内容が未記入（A）"


def matrix_title(n_actions: int, n_full: int, year: int) -> str:
    return f"事業×年度のPDCA：{fy_short(year)}は {n_actions} 事業中 {n_full} 事業が4段階すべて完了"


MATRIX_MAX_ACTIONS = 120


def matrix_truncated(n: int) -> str:
    return (f"事業が多いため、いずれかの年度でPDCAが未完了の事業 {n} 件に絞って表示しています。"
            f"所管課・基本方針で絞り込むと、すべての事業を表示します。")


def funnel_title(year: int, planned: int) -> str:
    """Title of the per-stage bars (not a funnel: each stage is counted on its own)."""
    return f"{fy_short(year)}：PDCAの各段階を満たした事業の数（計画 {planned} 事業）"


STAGE_BARS_SUBTITLE = "段階ごとに別々に数えています。後の段階の事業数が前の段階より多いこともあります。"
ACTIONS_AXIS = "事業数"
ACTIONS_TIP = "事業数（事業）"
SHARE_OF_PLANNED_TIP = "計画に対する割合（%）"


def stage_count_label(n: int, share_pct: float | None) -> str:
    """The value label of one stage bar: "62 事業（91%）"."""
    return f"{n} 事業" if share_pct is None else f"{n} 事業（{share_pct:.0f}%）"


def grade_title(year: int, share_ab: float | None) -> str:
    if share_ab is None:
        return f"{fy_short(year)}の自己評価"
    return f"{fy_short(year)}：自己評価が {LIST_SEPARATOR.join(_c.GOOD_GRADES)}（計画どおり以上）の事業は {share_ab:.0f}%"


def direction_title(year: int, top: str | None) -> str:
    if not top:
        return f"{fy_short(year)}の今後の方向性"
    return f"{fy_short(year)}：今後の方向性で最も多いのは「{top}」"


def incomplete_caption(n: int) -> str:
    return f"{n} 事業が未完了です。所管課へのフォローアップに使えます。"


# --- Trends -------------------------------------------------------------------------
TRENDS_TITLE = "経年推移"
TRENDS_CAPTION = "環境審議会向け：年度ごとの変化と、2つの年度の比較。"
COMPARE_HEADER = "2つの年度の比較"
COMPARE_FROM = "比較元の年度"
COMPARE_TO = "比較先の年度"
TRANSITIONS_HEADER = "自己評価の移り変わり"
COMPARE_CHANGE = "増減（比較先 − 比較元）"
NEED_TWO_YEARS = "比較するには、2つ以上の年度のデータが必要です。"


def emissions_trend_title(base_year: int, latest_year: int | None, reduction_pct: float | None) -> str:
    return emissions_title(base_year, latest_year, reduction_pct)


def sector_title(cut: tuple[str, float, int] | None) -> str:
    if cut is None:
        return "部門別の排出量の基準年度からの増減"
    sector, pct, year = cut
    word = "減" if pct <= 0 else "増"
    return f"{fy_short(year)}：基準年度から最も減ったのは「{sector}」（{abs(pct):.1f}% {word}）"


def compare_title(a: int, b: int) -> str:
    return f"指標の状況：{fy_short(a)}と{fy_short(b)}の比較"


def share_title(first: int, last: int, first_pct: float, last_pct: float) -> str:
    if first == last:
        return f"{fy_short(last)}：「達成」「順調」の指標は {last_pct:.0f}%"
    return (f"「達成」「順調」の指標の割合：{fy_short(first)} {first_pct:.0f}% → "
            f"{fy_short(last)} {last_pct:.0f}%")


def transitions_title(a: int, b: int, improved: int, worsened: int) -> str:
    return f"{fy_short(a)}→{fy_short(b)}：自己評価が上がった事業 {improved}、下がった事業 {worsened}"


METRIC_NAMES = {
    "indicators_achieved": "指標「達成」の数",
    "indicators_good_pct": "「達成」「順調」の指標の割合（%）",
    "attainment_median": "達成率の中央値（%）",
    "actions_reported": "報告済みの事業数",
    "pdca_complete_pct": "PDCA 4段階完了率（%）",
    "grade_ab_pct": f"自己評価 {LIST_SEPARATOR.join(_c.GOOD_GRADES)} の割合（%）",
    "collaborations": "連携件数",
    "participants": "参加人数・団体数",
    "co2_t": "連携によるCO2削減量（t-CO2）",
}

# --- Submission status ----------------------------------------------------------
SUBMISSIONS_TITLE = "提出状況"
SUBMISSIONS_CAPTION = "所管課ごとの提出の有無・日時・版数。未提出の課への督促に使えます。"
SUBMITTED = "提出済み"
NOT_SUBMITTED = "未提出"
MISSING_HEADER = "未提出の所管課"
ALL_SUBMITTED = "すべての所管課が提出済みです。"
METRIC_SUBMITTED = "提出済みの所管課"
METRIC_MISSING = "未提出の所管課"
METRIC_VERSIONS = "受け付けた版の数（差し替えを含む）"
MATRIX_HEADER = "年度ごとの提出状況"


def submissions_title(year: int, done: int, total: int) -> str:
    return f"{fy_short(year)}：{total}課のうち {done} 課が提出済み"


def submission_matrix_title(n_years: int, missing: list[tuple[int, int]] | None = None) -> str:
    """The matrix's message: which FYs have departments missing (`missing` = (FY, count), newest
    first), or that every cell is in."""
    note = f"（{n_years}年度分、数字は版数）"
    if not missing:
        return f"{n_years}年度分すべて、全所管課が提出済み（数字は版数）"
    gaps = "、".join(f"{fy_short(y)} {n}課" for y, n in missing)
    return f"未提出は {gaps}{note}"


# --- Tooltips ---------------------------------------------------------------------
POINTS = "ポイント"
UNIT_KT = "千t-CO2"
UNIT_COUNT = "件"
UNIT_PCT = "%"
UNIT_ACTIONS = "事業"
UNIT_INDICATORS = "指標"
