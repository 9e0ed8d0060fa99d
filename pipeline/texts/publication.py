"""Japanese strings of publication (公表): frozen editions, what changed since, the 公表 page."""
from __future__ import annotations

from datetime import datetime

PRELIMINARY = "速報"
PRELIMINARY_LONG = "速報（公表版は未確定。数値は今後の提出により変わることがあります）"


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "—"


def edition_label(fiscal_year: int, edition_no: int, frozen_at: datetime | None) -> str:
    """「2024年度 公表版 第2版（2025-06-30 10:15 確定）」"""
    return f"{fiscal_year}年度 公表版 第{edition_no}版（{_when(frozen_at)} 確定）"


def edition_short(edition_no: int, frozen_at: datetime | None) -> str:
    return f"第{edition_no}版（{_when(frozen_at)}）"


# --- errors ---------------------------------------------------------------------------
NO_MASTER = "計画マスタが読み込まれていないため、公表版を確定できません。"


def no_submissions(fiscal_year: int) -> str:
    return f"{fiscal_year}年度の取組状況報告がないため、公表版を確定できません。"


def unknown_edition(edition_id) -> str:
    return f"公表版 {edition_id} は見つかりません。"


NOTE_TOO_LONG = "備考は 500 文字以内で入力してください。"

# --- command line ------------------------------------------------------------------------
HELP_FREEZE = "年度の公表版を確定する（freeze --year FY [--note TEXT]）"
HELP_YEAR = "年度（2024、令和6年度 など）"
HELP_NOTE = "公表版の備考（任意）"
HELP_EDITIONS = "公表版の一覧を表示する（editions [--year FY]）"
EDITIONS_HEADERS = ("edition_id", "年度", "版", "確定日時", "確定者", "提出版数", "意見数", "備考")


def bad_year(value) -> str:
    return f"年度「{value}」を読み取れません。2024、令和6年度 などで指定してください。"


def frozen(edition_label_text: str, submissions: int, opinions: int) -> str:
    return (f"{edition_label_text} を確定しました（取組状況報告 {submissions} 件、"
            f"意見 {opinions} 件）。")


# --- what changed since freezing -----------------------------------------------------
CHANGE_SUPERSEDED = "差し替え"
CHANGE_ADDED = "追加"
CHANGE_HEADERS = {
    "change": "変更",
    "submission_id": "提出ID",
    "department_code": "所管課コード",
    "department_name": "所管課",
    "fiscal_year": "提出年度",
    "file_name": "ファイル名",
    "loaded_at": "取込日時",
    "replaced_by": "現在の有効版",
    "affects_year": "この年度の数値に影響",
}
FIGURE_HEADERS = {
    "group": "区分",
    "label": "項目",
    "edition": "公表版",
    "live": "現在",
    "differs": "差異",
}
FIGURE_GROUP_INDICATORS = "指標の達成状況（指標数）"
FIGURE_GROUP_EMISSIONS = "排出量"
FIGURE_GROUP_PDCA = "PDCA"
FIGURE_GROUP_PARTNERS = "連携主体"
FIGURE_GROUP_OPINIONS = "意見"
FIGURE_GROUP_DATA = "データ"
FIGURE_LABELS = {
    "emissions_latest_year": "最新実績年度",
    "emissions_latest_kt": "最新実績（千t-CO2）",
    "emissions_reduction_pct": "基準年度比削減率（%）",
    "emissions_actual_rate_pct": "年平均削減率（実績、%）",
    "pdca_actions": "対象事業数",
    "pdca_reported": "報告あり",
    "pdca_complete": "4段階すべて完了",
    "pdca_completion_pct": "PDCA 完了率（%）",
    "partners_collaborations": "連携件数",
    "partners_participants": "参加人数・団体数",
    "partners_co2_t": "連携による CO2 削減量（t-CO2）",
    "opinions_total": "意見の件数（全年度）",
    "opinions_published": "公表する意見の件数（全年度）",
    "opinions_responded": "対応方針のある意見の件数（全年度）",
    "submissions_active": "有効な取組状況報告（この年度）",
    "master_id": "計画マスタの版",
    "factor_id": "排出係数表の版",
}
DIFFERS = "あり"
SAME = ""

# --- 公表 page -----------------------------------------------------------------------------
PAGE_TITLE = "公表"
PAGE_INTRO = ("年度ごとの公表版（年次報告書と公表サイトのもとになる、確定したデータの組）を作成し、"
              "確定後の変更を確認します。公表版を確定すると、その年度の年次報告書と公表サイトは、"
              "後から提出・差し替えがあっても公表版のデータで作成されます。")
YEAR_LABEL = "年度"
HQ_ONLY = "公表版の確定は脱炭素推進本部（HQ）の利用者のみ行えます。"
EDITIONS_HEADING = "公表版の一覧"
NO_EDITIONS = "この年度の公表版はまだありません。年次報告書・公表サイトは現在のデータ（速報）で作成されます。"
CHANGES_HEADING = "公表版の確定後の変更"
COMPARING = "公表版と現在のデータを比較しています…"
NO_CHANGES = "確定後、この年度の数値に影響する変更はありません。"
CHANGES_FOUND = ("確定後に、この年度の数値に影響する変更があります。内容を確認し、必要なら新しい版を"
                 "確定してください（公表済みの版は残ります）。")
SUBMISSIONS_HEADING = "差し替え・追加された取組状況報告"
NO_SUBMISSION_CHANGES = "確定後に差し替え・追加された取組状況報告はありません。"
FIGURES_HEADING = "主な数値：公表版と現在の比較"
SHOW_ALL_FIGURES = "差異のない項目も表示する"
NO_FIGURE_CHANGES = "主な数値に差異はありません。"
FREEZE_HEADING = "公表版を確定する"
FREEZE_HELP = ("現在有効な取組状況報告（全年度）・計画マスタ・排出係数表・意見と対応の記録を、この年度の"
               "公表版として記録します。確定した版は削除されません。")
NOTE_LABEL = "備考（任意。例：審議会報告後の確定版）"
FREEZE_BUTTON = "公表版を確定する"
EDITION_HEADERS = {
    "edition_no": "版",
    "frozen_at": "確定日時",
    "frozen_by": "確定者",
    "note": "備考",
    "submissions": "取組状況報告（件）",
    "opinions": "意見（件）",
    "master_id": "計画マスタの版",
    "factor_id": "排出係数表の版",
}


def status_frozen(label: str) -> str:
    return f"最新の公表版：{label}。年次報告書と公表サイトはこの版から作成されます。"


def status_preliminary(fiscal_year: int) -> str:
    return f"{fiscal_year}年度は公表版が未確定です（速報）。"


def report_source(label: str | None) -> str:
    """The 年次報告書 page: which data the report will be built from."""
    if label is None:
        return "この年度は公表版が未確定のため、現在のデータ（速報）で作成します。"
    return f"この年度の報告書は {label} のデータで作成します。"


REPORT_LIVE_TOGGLE = "公表版ではなく現在のデータ（速報）で作成する"
