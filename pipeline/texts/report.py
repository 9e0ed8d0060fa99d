"""Japanese strings of the annual report (年次報告書): PDF, XLSX, CLI and page."""
from __future__ import annotations

from datetime import date, datetime

from .common import era_year

CITY = "さいたま市"
PLAN_NAME = "さいたま市地球温暖化対策実行計画（区域施策編・事務事業編）"
TITLE = "年次報告書"
SUBTITLE = "計画の進捗状況（取組の実施状況・指標の達成状況・温室効果ガス排出量）"
ISSUER = "さいたま市 環境局 環境共生部 ゼロカーボン推進戦略課"
DEMO_NOTE = "※ デモデータを含む場合、数値は説明用の架空のものです。"

# Headings.
H_SUMMARY = "1. 概要"
H_EMISSIONS = "温室効果ガス排出量（正味、千t-CO2）"
H_STATUS = "指標の達成状況"
H_PDCA = "取組の PDCA 実施状況"
H_PARTNERS = "連携主体の参加状況"
H_POLICY = "基本方針"
H_MEASURES = "施策"
H_INDICATORS = "指標の実績と達成状況"
H_ACTIONS = "事業の実施状況と評価"
H_PARTNER_LIST = "連携主体"
H_COUNCIL = "前年度報告書に対する環境審議会・市民・事業者等の意見と市の対応"
H_SOURCES = "付録 データの出典"
H_MASTER = "計画マスタ"
H_SUBMISSIONS = "取組状況報告（提出ワークブック）"

COVER_FY = "{wareki}（{fy}年度）"
COVER_DATA_DATE = "データ時点: {when}"
COVER_GENERATED = "作成日: {when}"
COVER_EDITION = "{edition}"
L_EDITION = "公表版"
NO_DATA_DATE = "—"

# Summary labels.
L_BASE = "基準年度"
L_LATEST = "最新実績"
L_TARGET = "目標"
L_PATH = "目標経路上の値（最新実績年度）"
L_REDUCTION = "基準年度比削減率"
L_ACTUAL_RATE = "年平均削減率（実績）"
L_NEEDED_RATE = "必要な年平均削減率"
L_PACE = "削減ペース"
PACE_OK = "目標達成に必要なペースを上回っている"
PACE_BEHIND = "目標達成に必要なペースを下回っている"
PACE_UNKNOWN = "判定できない（実績なし）"
L_INDICATORS_TOTAL = "指標数"
L_ACTIONS = "対象事業数（P）"
L_REPORTED = "報告あり"
L_DO = "実施（D）"
L_CHECK = "評価（C）"
L_ACT = "改善・方向性（A）"
L_COMPLETE = "4段階すべて完了"
L_COMPLETE_PCT = "PDCA 完了率"
L_PARTNER_ROWS = "連携件数"
L_PARTNER_ACTIONS = "連携のある事業数"
L_PARTNER_TYPES = "連携主体区分の数"
L_PARTICIPANTS = "参加人数・団体数（合計）"
L_CO2 = "連携による CO2 削減量（t-CO2）"
NONE_ROWS = "該当なし"
NO_COUNCIL = "前年度報告書に対する意見（公表するもの）の登録はありません。"

# Table headers (PDF and XLSX share them).
COL = {
    "fiscal_year": "年度",
    "kind": "区分",
    "kt_co2": "排出量（千t-CO2）",
    "measure_code": "施策コード",
    "measure_name": "施策名",
    "indicator_code": "指標コード",
    "indicator_name": "指標名",
    "unit": "単位",
    "direction": "方向",
    "base_year": "基準年度",
    "base_value": "基準値",
    "target_year": "目標年度",
    "target_value": "目標値",
    "actual_value": "実績値",
    "expected_value": "経路上の値",
    "attainment_pct": "達成率（%）",
    "status": "状況",
    "department_code": "所管課コード",
    "department_name": "所管課",
    "action_code": "事業コード",
    "action_name": "事業名",
    "priority": "重点",
    "implementation_status": "実施状況",
    "self_evaluation": "自己評価",
    "direction_next": "今後の方向性",
    "revision_text": "見直し内容",
    "stages": "PDCA段階",
    "stakeholder_type": "連携主体区分",
    "organisation": "主体名",
    "participants": "参加人数・団体数",
    "co2_reduction_t": "CO2削減量（t-CO2）",
    "content": "連携内容",
    "rows": "件数",
    "submission_id": "提出ID",
    "file_name": "ファイル名",
    "sha256": "SHA-256",
    "loaded_at": "取込日時",
    "loaded_by": "取込者",
    "policy_code": "基本方針コード",
    "policy_name": "基本方針名",
    "item": "項目",
    "value": "値",
    "count": "件数",
    "opinion_id": "意見番号",
    "level": "対象区分",
    "source": "意見の区分",
    "target_code": "対象コード",
    "target_name": "対象名",
    "opinion_text": "審議会意見",
    "response_text": "対応方針",
    "followup": "対応状況",
    "master_id": "マスタ版",
}
PRIORITY_YES = "○"
NOT_REPORTED = "未提出"

# XLSX sheet names (≤ 31 characters).
SHEET_SUMMARY = "概要"
SHEET_EMISSIONS = "排出量"
SHEET_POLICIES = "基本方針別集計"
SHEET_INDICATORS = "指標"
SHEET_ACTIONS = "事業"
SHEET_PARTNERS = "連携主体"
SHEET_COUNCIL = "意見と市の対応"
SHEET_SOURCES = "データ出典"

# Charts.
CHART_EMISSIONS = "温室効果ガス排出量の推移と目標経路"
CHART_PATH = "目標経路"
CHART_YEAR = "年度"
CHART_KT = "千t-CO2"
CHART_KIND = "区分"
CHART_STATUS = "指標の状況"
CHART_COUNT = "指標数"
CHART_ATTAINMENT = "指標の達成率（%）"
CHART_INDICATOR = "指標"

# CLI and page.
HELP_REPORT = "年次報告書（PDF または Excel）を出力する"
HELP_YEAR = "対象年度（2024、令和6年度 など）"
HELP_OUT = "出力ファイル（.pdf または .xlsx）"
HELP_LIVE = "公表版があっても現在のデータ（速報）で作成する"
PAGE_TITLE = "年次報告書"
PAGE_INTRO = ("選んだ年度の年次報告書を作成します。数値はすべて現在のデータベース（有効な提出）から"
              "作成され、ダッシュボードと一致します。PDF は公表用、Excel は編集用です。")
YEAR_LABEL = "年度"
NO_YEARS = "報告書を作成できる年度がありません。まず計画マスタと取組状況報告を取り込んでください。"
BUILD_BUTTON = "報告書を作成"
BUILDING = "年次報告書を作成しています…"
DOWNLOAD_PDF = "PDF をダウンロード"
DOWNLOAD_XLSX = "Excel をダウンロード"
BUILT = "作成しました。"


def wareki(fy: int) -> str:
    return era_year(fy)


def fy_label(fy: int) -> str:
    return COVER_FY.format(wareki=wareki(fy), fy=fy)


def when(value: datetime | date | None) -> str:
    if value is None:
        return NO_DATA_DATE
    if isinstance(value, datetime):
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    return f"{value.year}年{value.month}月{value.day}日"


def no_data(fy, years) -> str:
    shown = "、".join(str(y) for y in sorted(years)) or "なし"
    return f"{fy}年度のデータがありません（データのある年度: {shown}）。"


def bad_extension(name) -> str:
    return f"出力ファイル「{name}」の拡張子は .pdf か .xlsx にしてください。"


def bad_year(value) -> str:
    return f"年度「{value}」を読めません。2024 や 令和6年度 のように指定してください。"


def wrote(path) -> str:
    return f"年次報告書を書き出しました: {path}"


def policy_heading(index: int, code: str, name: str) -> str:
    return f"{index}. {H_POLICY} {code} {name}"


def status_line(counts: dict[str, int]) -> str:
    return "　".join(f"{k} {v}" for k, v in counts.items())


def pct(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


def kt(value) -> str:
    return "—" if value is None else f"{value:,.1f}"


def year_kt(year, value) -> str:
    return "—" if year is None else f"{year}年度 {kt(value)} 千t-CO2"


def count_of(n: int, total: int) -> str:
    return f"{n} / {total}"


def council_cycle_line(fy, steps: dict[str, bool]) -> str:
    marks = "　".join(f"{k}: {'済' if v else '未'}" for k, v in steps.items())
    return f"{fy}年度報告書の点検・評価サイクル — {marks}"


def page_footer(page: int) -> str:
    return f"- {page} -"


def data_file_name(fy: int, suffix: str) -> str:
    return f"年次報告書_{fy}年度{suffix}"

FONT_MISSING = ("PDF の作成に必要な日本語フォントがありません。管理者に fonts-ipafont-gothic または "
                "fonts-noto-cjk のインストール（make fonts）を依頼してください。Excel 版は作成できます。")
