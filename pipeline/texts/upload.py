"""Japanese texts of the upload page (提出), its preview and pipeline.uploads / pipeline.diff."""
from __future__ import annotations

from pipeline.ingest import contract as _c
from .warehouse import BUSY as _BUSY

TITLE = "提出"
INTRO = ("年度を選び、所管課の様式（記入済みの事業・指標入り）をダウンロードして記入し、"
         "ここからアップロードしてください。アップロードしただけでは登録されません。"
         "検証結果と変更内容を確認してから「この内容で提出する」を押してください。")
NOT_ALLOWED = ("提出できるのは所管課または推進本部のアカウントだけです。"
               "提出用のアカウントでサインインし直してください。")
NO_MASTER = "計画マスタがまだ読み込まれていません。推進本部に連絡してください。"

STEP_1 = "1. 年度と様式"
STEP_2 = "2. ブックのアップロードと検証"
STEP_3 = "3. 変更内容の確認と提出"
FISCAL_YEAR = "提出する年度"
DEPARTMENT = "所管課"
DOWNLOAD_TEMPLATE = "記入用様式をダウンロード（.xlsx）"
TEMPLATE_HELP = "この所管課・年度に実施中の事業と担当指標が記入済みの様式です。"
UPLOADER = "記入したブック（.xlsx / .xlsm / .xls、20MBまで）"
UPLOADER_HELP = "1回に1ファイルです。アップロードしても、提出ボタンを押すまでは登録されません。"

STATUS_CHECKING = "ブックを検証しています…"
STATUS_READING = "ファイルを読み込み、様式と入力値を確認しています"
STATUS_COMPARING = "現在登録されている内容と比べています"
STATUS_DONE_OK = "検証が終わりました（エラーなし）"
STATUS_DONE_ERRORS = "検証が終わりました（エラーあり）"


def fiscal_year_label(year: int) -> str:
    reiwa = year - 2018
    era = f"令和{'元' if reiwa == 1 else reiwa}年度" if reiwa >= 1 else f"平成{year - 1988}年度"
    return f"{year}年度（{era}）"


def template_file_name(department_code: str, fiscal_year: int) -> str:
    return f"取組状況報告_{department_code}_{fiscal_year}年度.xlsx"


ERRORS_HEADING = "エラー（修正が必要です）"
WARNINGS_HEADING = "警告（このまま提出できますが、確認してください）"
PROBLEM_COLUMNS = ("シート", "セル", "入力値", "内容")


def errors_found(n: int) -> str:
    return (f"このブックにはエラーが {n} 件あります。何も登録していません。"
            f"ブックを修正して、もう一度アップロードしてください。")


def warnings_found(n: int) -> str:
    return f"警告が {n} 件あります。"


def year_mismatch(found: int | None, chosen: int) -> str:
    return (f"ブックの年度（{found}年度）が、選択した提出年度（{chosen}年度）と異なります。"
            f"提出情報シートの年度を直すか、提出する年度を選び直してください。")


def noop(submission_id) -> str:
    return (f"同じ内容のファイルが既に登録されています（提出ID {submission_id}）。変更はありません。"
            f"以前の版に戻す場合は提出履歴の「この版に戻す」を使います。")


def rejected(n: int) -> str:
    return f"エラーが {n} 件あるため登録しませんでした。"


STALE = ("確認している間に、同じ所管課・年度の別の提出が登録されました。"
         "変更内容を最新の状態で確認し直してから、もう一度「この内容で提出する」を押してください。")
BUSY = _BUSY


def loaded(submission_id, department, year, superseded) -> str:
    text = f"提出を登録しました。提出ID: {submission_id}（所管課 {department}、{year}年度）"
    if superseded:
        text += f"。これまでの版（提出ID {', '.join(map(str, superseded))}）は履歴に残ります"
    return text + "。ダッシュボードに反映済みです。"


PREVIEW_HEADING = "変更内容の確認"


def preview_intro(department: str | None, year: int | None, base: int | None) -> str:
    if base is None:
        return f"所管課 {department}・{year}年度の初めての提出です。次の内容が登録されます。"
    return (f"所管課 {department}・{year}年度の現在の提出（提出ID {base}）と比べた変更点です。"
            f"提出すると、この版が現在の提出になり、以前の版は履歴に残ります。")


NO_CHANGES = "内容の変更はありません（書式やファイルだけが異なります）。"
METRIC_NEW = "新規"
METRIC_CHANGED = "変更"
METRIC_REMOVED = "削除"
METRIC_PARTNERS = "連携主体 追加／削除"
ACTIONS_CHANGES = "取組実績の変更"
INDICATOR_CHANGES = "指標実績の変更（変更前 → 変更後）"
PARTNER_CHANGES = "連携主体の追加・削除"
ENERGY_CHANGES = "エネルギー使用量の変更（施設・活動区分・電気事業者・メニューごと、基準単位で合計）"
ENERGY_ROWS_SUMMARY = "、エネルギー使用量 {energy} 行"


def energy_total_effect(effect_t: float) -> str:
    return f"この提出による排出量の増減（事務事業編、今年度の排出係数で計算）: {effect_t:+,.3f} t-CO2"


def energy_effect(effect_t: float | None, provisional: bool) -> str:
    """The emission effect of one energy row's change, in t-CO2e."""
    if effect_t is None:
        return "（係数なし）"
    return f"{effect_t:+,.3f}" + ("（暫定）" if provisional else "")


CONFIRM = "この内容で提出する"
CANCEL = "取り消す"
CANCELLED = "取り消しました。何も登録していません。"
ROWS_SUMMARY = "読み込んだ行数: 取組実績 {actions} 行、指標実績 {indicators} 行、連携主体 {partners} 行"

BLANK = "（空欄）"
CHANGE_KINDS = {"new": "新規", "changed": "変更", "removed": "削除", "added": "追加"}
ACTION_DIFF_COLUMNS = (_c.COL_ACTION_CODE, _c.COL_ACTION_NAME, "区分", "項目", "変更前", "変更後")
INDICATOR_DIFF_COLUMNS = (_c.COL_INDICATOR_CODE, _c.COL_INDICATOR_NAME, _c.COL_ACTUAL_YEAR, "区分",
                          "変更前", "変更後", "備考の変更")
ENERGY_DIFF_COLUMNS = (_c.COL_FACILITY_CODE, _c.COL_FACILITY_NAME, _c.COL_ACTIVITY, _c.COL_SUPPLIER,
                       _c.COL_MENU, "区分", "変更前", "変更後", _c.COL_BASE_UNIT, "排出量の増減（t-CO2）")
PARTNER_DIFF_COLUMNS = ("区分", _c.COL_ACTION_CODE, _c.COL_STAKEHOLDER_TYPE, _c.COL_ORGANISATION,
                        _c.COL_PARTICIPANTS, _c.COL_CO2_REDUCTION, _c.COL_COLLABORATION)

# --- plan master (HQ) -----------------------------------------------------------------

MASTER_HEADING = "計画マスタの読込（推進本部のみ）"
MASTER_INTRO = ("計画を改定したときに、新しい計画マスタのブックを読み込みます。"
                "以前のマスタは履歴に残り、提出は削除されません。")
MASTER_UPLOADER = "計画マスタのブック（.xlsx）"
MASTER_LOAD = "この計画マスタを読み込む"


def master_loaded(master_id) -> str:
    return f"計画マスタを読み込みました（版 {master_id}）。ダッシュボードに反映済みです。"


def master_noop(master_id) -> str:
    return f"同じ内容の計画マスタが現在のマスタです（版 {master_id}）。変更はありません。"
