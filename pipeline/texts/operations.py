"""Japanese messages of the city's own operations (事務事業編): master sheets, the
emission factor workbook (排出係数表) and the エネルギー使用量 sheet."""
from __future__ import annotations

from .dashboard import fy_short as _fy   # the page's year words are the dashboard's

# --- 計画マスタ（組織・施設・事務事業目標・自動算定） ----------------------------------


def operations_sheet_missing(sheet: str) -> str:
    return (f"シート「{sheet}」がありません。事務事業編のシート（組織・施設・事務事業目標と所管課の組織コード列）は"
            f"すべてそろえるか、すべて省いてください。")


def auto_without_operations() -> str:
    return ("自動算定を指定するには、計画マスタに事務事業編のシート（組織・施設・事務事業目標）と"
            "所管課の組織コード列が必要です。")


def bad_auto(value: str) -> str:
    return (f"「{value}」は自動算定として使えません。「事務事業編」（市役所全体）または"
            f"「事務事業編:組織コード」と入力するか、空欄にしてください。")


def duplicate_target(org: str | None, first_cell: str) -> str:
    scope = f"組織コード「{org}」の目標" if org else "市役所全体（組織コード空欄）の目標"
    return f"{scope}が重複しています（{first_cell}と同じ）。1行にまとめてください。"


def whole_government_target_missing() -> str:
    return "市役所全体の目標（組織コードが空欄の行）がありません。1行入力してください。"


def bad_reduction_pct(value: str) -> str:
    return f"削減率「{value}」は使えません。0より大きく100以下の数値（%）を入力してください。"


def base_emissions_not_positive() -> str:
    return "基準排出量は0より大きい数値（t-CO2）を入力してください。"


# --- 市役所の排出量 page, its charts and the report's 事務事業編 section ------------------------

PAGE_TITLE = "市役所の排出量"
PAGE_CAPTION = ("市役所自身（事務事業編）の温室効果ガス排出量です。各課が報告した施設ごとのエネルギー使用量に"
                "排出係数表の係数を掛けて計算しています。")
NO_INVENTORY = ("現在の計画マスタには事務事業編のシート（組織・施設・事務事業目標）がないため、市役所の排出量は"
                "表示できません。ゼロカーボン推進戦略課がこれらのシートを加えた計画マスタを登録すると表示されます。")
NO_FACTORS = ("排出係数表がまだ登録されていないため、排出量を計算できません。ゼロカーボン推進戦略課が "
              "`python -m pipeline factors 排出係数表.xlsx` で登録すると表示されます。")
NO_ENERGY = ("まだエネルギー使用量の報告がありません。各課の取組状況報告に「エネルギー使用量」シートが"
             "含まれて取り込まれると、ここに集計が表示されます。")


def no_energy_for(year: int) -> str:
    return f"{_fy(year)}のエネルギー使用量の報告はありません。左の「表示条件」で別の年度を選んでください。"


WHOLE_GOVERNMENT = "市役所全体"
ORG_LABEL = "組織"
ORG_HELP = "目標・推移・排出係数の影響・増減の要因は選んだ組織について、施設の一覧は選んだ組織と所管課について表示します。"
NO_USE_TYPE = "（用途なし）"
PROVISIONAL = "暫定"
FINAL = "確定"
PROVISIONAL_NOTE = ("「暫定」は、その年度の排出係数がまだ登録されていないため、それより前の年度の係数で計算した値です。"
                    "排出係数表が登録されると確定値に置き換わります（再提出は不要です）。")
DEPARTMENT_NOTE = "所管課の絞り込みは、施設ごとの表示（排出量の多い施設・増減・面積あたり・網羅状況）に使います。"

VIEW_LABEL = "表示する内容"
#: The page's views (URL parameter `view`), the first is the default.
VIEWS = {"target": "目標と組織", "factors": "活動区分と増減の要因", "facilities": "施設",
         "coverage": "報告の網羅状況と出典"}
H_TARGET = "目標と進み具合"
H_ORGS = "組織ごとの状況"
H_ACTIVITY = "活動区分別の排出量"
H_FACILITIES = "排出量の多い施設"
H_CHANGES = "前年度から大きく変わった施設"
CHANGES_NOTE = "前年度と今年度の両方に報告のある施設を比べています（報告のない施設は「報告の網羅状況」に示します）。"
H_INTENSITY = "延床面積あたりの排出量（用途別）"
H_FACTOR = "排出係数の影響"
H_DECOMPOSITION = "前年度からの増減の要因"
H_COVERAGE = "報告の網羅状況"
H_PROVENANCE = "施設の数値の出典"
H_FACTOR_SOURCES = "使った排出係数と出典"

METRIC_T = "排出量（t-CO2）"


def metric_t(year: int, provisional: bool) -> str:
    """The emissions metric's label: 2025年度の排出量（t-CO2・暫定）."""
    return f"{_fy(year)}の排出量（t-CO2" + (f"・{PROVISIONAL}）" if provisional else "）")
METRIC_REDUCTION = "基準年度比の削減率"
#: The same words as the 概要 page's pace metrics.
METRIC_PACE_ACTUAL = "実際の削減ペース（年率）"
METRIC_PACE_NEEDED = "必要な削減ペース（年率）"
METRIC_STATUS = "状況"
METRIC_COVERAGE = "報告のあった施設"
NO_TARGET = "この組織の目標（事務事業目標）は計画マスタにありません。"
NO_PREVIOUS_YEAR = "前年度のエネルギー使用量の報告がないため、増減の要因は計算できません。"
NO_CHANGES = "前年度と今年度の両方に報告のある施設がありません。"
NO_AREA = "延床面積の登録された施設の報告がありません。"
NO_MISSING = "使用中の施設はすべて報告されています。"
MISSING_HEADER = "報告のない施設（使用中）"
FIXED_MISSING_NOTE = "基準年度の係数が排出係数表にない活動があるため、基準年度の係数での値を計算できない年度があります。"
PROVENANCE_INTRO = ("施設の数値が、どの提出ファイルのどのシート・セル（月別の列または年間使用量）を合計したものかを示します。"
                    "元のファイルは「提出履歴」ページ（ログインが必要）から取り出せます。")
PROVENANCE_SELECT = "施設"
PROVENANCE_LINK = "提出履歴を開く"
#: Columns of a facility's source rows (provenance.facility_sources).
SOURCE_COLUMNS = {"activity": "活動区分", "supplier": "電気事業者", "menu": "メニュー",
                  "reported_amount": "報告された使用量", "unit": "単位", "file_name": "ファイル名",
                  "sheet": "シート", "cells": "合計したセル", "row_cell": "行（施設コードのセル）",
                  "amount": "使用量（基準単位）", "base_unit": "基準単位", "submission_id": "提出ID",
                  "loaded_at": "取込日時"}
NO_PROVENANCE = "この年度に報告のある施設はありません。"

#: Steps of the year-on-year waterfall.
STEP_PREVIOUS = "前年度の排出量"
STEP_USAGE = "使用量の増減"
STEP_FACTOR = "排出係数の変化"
STEP_CURRENT = "当年度の排出量"
#: Bars of the factor comparison.
BASIS_CURRENT = "その年度の排出係数"
BASIS_FIXED = "基準年度の排出係数（固定）"
#: Bars of the trend chart.
SERIES_ACTUAL = "排出量（確定）"
SERIES_PROVISIONAL = "排出量（暫定）"
SERIES_PATH = "目標への直線経路"
SERIES_REPORTED = "報告あり"
SERIES_MISSING = "報告なし"
KIND_INCREASE = "増加"
KIND_DECREASE = "減少"
KIND_TOTAL = "合計"

# Axes and tooltips (units in brackets).
AX_T = "排出量（t-CO2）"
AX_CHANGE_T = "増減（t-CO2）"
AX_REDUCTION = "基準年度比の削減率（%）"
AX_INTENSITY = "延床面積あたりの排出量（kg-CO2/㎡）"
AX_FACILITIES = "施設数（施設）"
TIP_EXPECTED_REDUCTION = "直線経路での削減率（%）"
TIP_TARGET_REDUCTION = "目標の削減率（%）"
TIP_AREA = "延床面積（㎡）"
TIP_PREVIOUS_T = "前年度（t-CO2）"
TIP_SHARE = "割合（%）"
TIP_COVERAGE = "報告率（%）"
ORGS_SUBTITLE = "棒＝基準年度比の削減率、黒い縦線＝直線経路で今あるべき削減率、◆＝目標の削減率（目標のある組織のみ）"
TREND_SUBTITLE = "棒＝各年度の排出量（薄い色は暫定）、点線＝基準年度から目標年度への直線経路"
FACTOR_SUBTITLE = "同じ使用量を、その年度の係数と基準年度の係数で計算した値"


def scope_name(name: str | None) -> str:
    return name or WHOLE_GOVERNMENT


def provisional_mark(provisional) -> str:
    return PROVISIONAL if bool(provisional) else ""


def _t(value: float) -> str:
    """A t-CO2 figure as the metric above the chart shows it: one decimal below 1,000 t, none above."""
    return f"{value:,.1f} t-CO2" if abs(value) < 1000 else f"{value:,.0f} t-CO2"


def trend_title(scope: str, year: int, t: float, reduction_pct: float | None, provisional: bool) -> str:
    mark = f"（{PROVISIONAL}）" if provisional else ""
    if reduction_pct is None:
        return f"{scope}の{_fy(year)}の排出量は {_t(t)}{mark}"
    word = "減" if reduction_pct >= 0 else "増"
    return f"{scope}の{_fy(year)}の排出量は {_t(t)}{mark}、基準年度比 {abs(reduction_pct):.1f}% {word}"


def pace_status(status: str | None) -> str:
    return f"{METRIC_STATUS}: {status}" if status else ""


def orgs_title(year: int, good: int, total: int) -> str:
    return f"{_fy(year)}：直線経路より少ない（順調・達成）のは {total} 組織中 {good} 組織"


def activity_title(year: int, activity: str | None, share: float | None) -> str:
    if activity is None or share is None:
        return f"活動区分別の排出量（{_fy(year)}まで）"
    return f"{_fy(year)}の排出量の {share:.0f}% は「{activity}」"


def top_facilities_title(year: int, n: int, share: float | None, largest: str | None,
                         largest_share: float | None) -> str:
    if largest is None or largest_share is None:
        return f"排出量の多い施設（{_fy(year)}）"
    head = f"最も多いのは「{largest}」で全体の {largest_share:.0f}%"
    if share is None or n <= 1:
        return f"{head}（{_fy(year)}）"
    return f"{head}、上位 {n} 施設で {share:.0f}%（{_fy(year)}）"


def changes_title(year: int, name: str | None, change: float | None) -> str:
    if name is None or change is None:
        return f"前年度から大きく変わった施設（{_fy(year)}）"
    word = "増えた" if change > 0 else "減った"
    return f"前年度から最も{word}施設は「{name}」（{change:+,.1f} t-CO2、{_fy(year)}）"


def intensity_title(year: int, use: str | None, kg: float | None) -> str:
    if use is None or kg is None:
        return f"延床面積あたりの排出量（{_fy(year)}）"
    return f"延床面積あたりの排出量が最も多い用途は「{use}」（{kg:,.1f} kg-CO2/㎡、{_fy(year)}）"


def factor_title(year: int, current: float | None, fixed: float | None) -> str:
    if current is None or fixed is None:
        return f"その年度の排出係数と基準年度の排出係数での排出量（{_fy(year)}まで）"
    diff = current - fixed
    return (f"{_fy(year)}の排出量は基準年度の係数なら {_t(fixed)}：係数の違いで {diff:+,.1f} t-CO2")


def waterfall_title(year: int, previous_year: int, change: float, usage: float, factor: float) -> str:
    return (f"{_fy(previous_year)}→{_fy(year)}の増減 {change:+,.1f} t-CO2 は、"
            f"使用量の増減 {usage:+,.1f}、排出係数の変化 {factor:+,.1f}")


def coverage_title(year: int, reported: int, in_use: int) -> str:
    if not in_use:
        return f"報告のあった施設（{_fy(year)}）"
    return f"{_fy(year)}：使用中の {in_use} 施設のうち {reported} 施設が報告（{reported / in_use * 100:.0f}%）"


def facility_option(code: str, name: str | None) -> str:
    return f"{code} {name}" if name else code


def coverage_cell(reported: int, in_use: int) -> str:
    return f"{reported}/{in_use}"


TOTAL = "合計"

# Report (年次報告書) section.
REPORT_HEADING = "事務事業編（市役所の排出量）"
REPORT_H_TOTALS = "市役所全体と組織ごとの排出量と目標"
REPORT_H_ACTIVITY = "活動区分別の排出量"
REPORT_H_CHANGE = "前年度からの増減の要因"
REPORT_H_FACTORS = "使った排出係数と出典"
REPORT_SHEET_TOTALS = "事務事業編"
REPORT_SHEET_ACTIVITY = "事務事業編_活動区分別"
REPORT_SHEET_CHANGE = "事務事業編_増減要因"
REPORT_SHEET_FACTORS = "事務事業編_排出係数"
REPORT_CHART_TREND = "市役所全体の排出量と目標への直線経路"
REPORT_CHART_WATERFALL = "前年度からの増減の要因"


def report_change_line(previous_year: int, change: float, usage: float, factor: float) -> str:
    return (f"{_fy(previous_year)}からの増減 {change:+,.1f} t-CO2（使用量の増減 {usage:+,.1f} t-CO2、"
            f"排出係数の変化 {factor:+,.1f} t-CO2）")


REPORT_NO_CHANGE = NO_PREVIOUS_YEAR
REPORT_NO_DATA = "この年度のエネルギー使用量の報告がないため、事務事業編の排出量は計算されていません。"
#: Table headings of the report's 事務事業編 section (PDF and XLSX).
REPORT_COL = {
    "organisation_name": "組織", "fiscal_year": "年度", "t_co2": "排出量（t-CO2）",
    "t_co2_fixed": "基準年度の係数での排出量（t-CO2）", "base_year": "基準年度",
    "base_t_co2": "基準排出量（t-CO2）", "target_year": "目標年度", "target_t_co2": "目標排出量（t-CO2）",
    "expected_t_co2": "直線経路上の排出量（t-CO2）", "reduction_pct": "基準年度比削減率（%）",
    "status": "状況", "provisional_mark": "暫定", "facilities_reported": "報告施設数",
    "facilities_in_use": "使用中の施設数", "activity": "活動区分", "share_pct": "割合（%）",
    "previous_year": "前年度", "t_co2_previous": "前年度の排出量（t-CO2）", "change_t": "増減（t-CO2）",
    "usage_effect_t": "使用量の増減による分（t-CO2）", "factor_effect_t": "排出係数の変化による分（t-CO2）",
    "supplier": "電気事業者", "menu": "メニュー", "gas": "ガス", "base_unit": "基準単位",
    "factor_year": "係数の年度", "factor": "係数（kg/基準単位）", "factor_basis": "係数の選び方",
    "factor_source": "出典", "amount": "使用量（基準単位）", "target_short": "目標", "base_short": "基準",
}


def report_year_value(year, value: str) -> str:
    """A figure with its FY in brackets: 100,000.0（2013）."""
    return f"{value}（{year}）"
