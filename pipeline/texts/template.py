"""Japanese strings of the submission template (取組状況報告の様式).

Sheet names, column headers and allowed values come from pipeline.contract;
this module only holds the wording around them: titles, the 記入方法 guide,
drop-down prompts and error messages.
"""
from __future__ import annotations

from .common import era_year  # re-exported: the template writer uses texts.template.era_year

from pipeline.ingest.contract import (
    INFO_CONTACT, INFO_CONTACT_PERSON, INFO_DEPARTMENT_CODE, INFO_DEPARTMENT_NAME,
    INFO_FISCAL_YEAR, SHEET_ACTIONS, SHEET_ENERGY, SHEET_INDICATORS, SHEET_INFO, SHEET_PARTNERS,
)

# --- Extra sheets (the reader ignores sheets it does not know) --------------
GUIDE_SHEET = "記入方法"
CHOICES_SHEET = "選択肢"

# --- Workbook ---------------------------------------------------------------
WORKBOOK_TITLE = "取組状況報告"
WORKBOOK_SUBJECT = "さいたま市地球温暖化対策実行計画 進捗管理（取組状況報告）"
WORKBOOK_CREATOR = "ゼロカーボン推進戦略課"
WORKBOOK_KEYWORDS = "取組状況報告, 進捗管理, PDCA"

# --- Required markers -------------------------------------------------------
REQUIRED = "必須"
CONDITIONAL = "条件により必須"
OPTIONAL = "任意"

# --- Table sheets -------------------------------------------------------------
TABLE_LEGEND = "　※ 色の濃い見出しは必須項目です。見出し（項目名）とシート名は変更しないでください。"
COMMENT_AUTHOR = "記入方法"
UNIT_COMMENT = "単位: {unit}"
HEADER_COMMENT = "【{marker}】{note}"

# --- 提出情報 -----------------------------------------------------------------
INFO_HINTS = {
    INFO_FISCAL_YEAR: "例: 2024 / 令和6年度 / R6（どの書き方でも構いません）",
    INFO_DEPARTMENT_CODE: "計画マスタの所管課コード",
    INFO_DEPARTMENT_NAME: "例: ○○局○○部○○課",
    INFO_CONTACT_PERSON: "担当者の氏名",
    INFO_CONTACT: "内線番号またはメールアドレス",
}

# --- Drop-down lists (Excel limits: title 32 characters, text 255) ------------
DV_ERROR_TITLE = "入力できない値です"
DV_ERROR = "「{header}」は一覧（▼）から選んでください。"
DV_ERROR_WITH_VALUES = "「{header}」は次のいずれかを選んでください：{values}"
DV_PROMPT_TITLE = "{header}"
DV_PROMPT = "セルを選ぶと表示される ▼ から選んでください。"
DV_PROMPT_CODE = "▼ から選ぶか、計画マスタのコードを入力してください。"
DV_WARNING = "「{header}」が一覧にありません。このまま入力する場合は「はい」を選んでください（代替値で算定します）。"
DV_PROMPT_OPEN = "▼ から選ぶか、一覧にない場合は請求書の名称を入力してください。"
CHOICE_LIST_HEADERS = {
    "action_codes": "事業コード一覧",
    "indicator_codes": "指標コード一覧",
    "facility_codes": "施設コード一覧",
    "activities": "活動区分一覧",
    "units": "単位一覧",
    "suppliers": "電気事業者一覧",
}

# --- 記入方法 (the guide) -------------------------------------------------------
GUIDE_TITLE = "取組状況報告 記入方法"
GUIDE_FOR = "対象: {target}"
GUIDE_INTRO = (
    "この様式は、地球温暖化対策実行計画に位置付けられた事業の1年間の実施状況と、"
    "指標の実績を報告していただくためのものです。"
    "下の説明に沿って、各シートに入力してください。分からない点は提出先の担当までお問い合わせください。"
)

GUIDE_SECTION_SHEETS = "シートの構成"
GUIDE_SHEET_TABLE_HEADERS = ("シート名", "記入", "内容")
GUIDE_SHEET_ROWS = (
    (SHEET_INFO, REQUIRED, "報告する年度、所管課、担当者などを記入します。"),
    (SHEET_ACTIONS, REQUIRED, "事業ごとに1行。実施状況、予算額・決算額、取組の内容、自己評価、今後の方向性を記入します。"),
    (SHEET_INDICATORS, "該当があれば",
     "所管する指標の実績値を記入します。所管する指標がない場合は空欄のままで構いません。"),
    (SHEET_PARTNERS, "該当があれば",
     "市民・事業者・学校などと連携して行った取組を、事業と連携先の組み合わせごとに1行で記入します。"
     "連携がない場合は空欄のままで構いません。"),
    (GUIDE_SHEET, "―", "このシートです（記入は不要です）。"),
)

GUIDE_SECTION_COLUMNS = "各シートの記入項目"
GUIDE_MEANING = "意味"
#: Before each point of a list paragraph, and between the items of an inline list.
BULLET = "・"
LIST_SEPARATOR = "・"
GUIDE_COLUMN_TABLE_HEADERS = ("項目名（見出し）", "必須／任意", "記入方法", "選べる値")
GUIDE_INFO_NOTE = "A列の項目名に対して、B列に記入してください。"
GUIDE_INFO_ROWS = {
    INFO_FISCAL_YEAR: "報告の対象となる年度。",
    INFO_DEPARTMENT_CODE: "計画マスタの所管課コード。",
    INFO_DEPARTMENT_NAME: "参考として記入してください。",
    INFO_CONTACT_PERSON: "問い合わせに対応できる担当者。",
    INFO_CONTACT: "内線番号またはメールアドレス。",
}
GUIDE_SEE_LIST = "▼ の一覧から選択"

GUIDE_SECTION_NUMBER = "{number}. {title}"
GUIDE_SECTION_VALUES = "選択肢の意味"
GUIDE_SELF_EVALUATION = "自己評価"
GUIDE_DIRECTION_NOTE = "「{values}」を選んだ場合は、「見直し内容」に見直しの内容を記入してください。"
GUIDE_NOT_IMPLEMENTED_NOTE = "実施状況が「{value}」の場合、「取組実績」列の記入は不要です（理由があれば「課題」に記入してください）。"

GUIDE_SECTION_YEARS = "年度の書き方"
GUIDE_YEARS = (
    "年度は 4月から翌年3月までです（例: 2024年度 = 令和6年度 = 2024年4月〜2025年3月）。",
    "「2024」「2024年度」「令和6年度」「R6」のどの書き方でも構いません。全角数字でも読み取れます。",
    "「実績年度」は、実績値が何年度の値かを記入します。統計の公表が遅れる指標は、"
    "報告年度より前の年度（例: 令和6年度の報告で 2022年度の値）になることがあります。空欄の場合は報告年度の値とみなします。",
)

GUIDE_SECTION_UNKNOWN = "実績値が分からないとき"
GUIDE_UNKNOWN = (
    "実績値がまだ把握できていない場合は、空欄のままにするか「未把握」と記入してください。"
    "エラーにはならず、「未報告」として扱われます（確認のための警告が表示されます）。",
    "数値は「1,234」のようにカンマ付きでも、「△12」のように三角の負号でも読み取れます。"
    "単位（kW、t-CO2 など）はセルに書かず、数値だけを入力してください。",
)

GUIDE_SECTION_ROWS = "行の追加について"
GUIDE_ROWS = (
    "行は必要に応じて下に追加して構いません。見出しの行より上の行と、空白の行は読み飛ばされます。",
    "取組実績: 1つの事業は1行にまとめてください（同じ事業コードが2行あるとエラーになります）。",
    "指標実績: 同じ指標で複数年度の実績を報告する場合は、実績年度を変えて行を追加してください。",
    "連携主体: 同じ事業で連携先が複数ある場合は、連携先ごとに行を追加してください。",
    "あらかじめ記入されている事業コード・事業名、指標コード・指標名は変更しないでください。",
)

GUIDE_ENERGY_SHEET_ROW = (
    SHEET_ENERGY, "施設があれば",
    "所管する施設ごとに、活動区分（電気・都市ガス・灯油など）と契約（メーター）ごとに1行で、"
    "その年度の使用量を4月〜3月の月別（または年間使用量）で記入します。市の事務事業の排出量はここから計算されます。")
GUIDE_SECTION_ENERGY = "エネルギー使用量の書き方"
GUIDE_ENERGY = (
    "使用中の施設と、前回報告の活動区分・電気事業者・単位があらかじめ記入されています。"
    "メーターや契約が増えた場合は行を追加し、同じ施設・活動区分の行は合計されます。",
    "使用量は請求書の月（検針月）ごとに4月〜3月の列へ、選んだ「単位」のまま入力してください。"
    "月別が分からない場合は「年間使用量」だけを入力しても構いません。両方入力した場合は、月の合計と一致（誤差0.5%以内）させてください。",
    "使用がなかった月は0を入力してください。空欄の月があると確認のための警告が表示されます。",
    "単位の取り違え（千kWh と kWh、kL と L など）がよくある誤りです。前年度の10倍以上・10分の1以下の使用量には"
    "警告が表示されますので、単位を確認してください。",
)
GUIDE_ENERGY_UNITS = "活動区分と使える単位"
GUIDE_ENERGY_UNIT_HEADERS = ("活動区分", "基準単位", "ほかに使える単位")
GUIDE_ENERGY_SUPPLIERS = "電気事業者の選び方"
GUIDE_SUPPLIER = (
    "電気事業者は電気の行だけに記入します。請求書に記載の小売電気事業者を ▼ の一覧から選んでください。",
    "再生可能エネルギー100%などの料金メニューを契約している場合は、「メニュー」に請求書のメニュー名を記入してください"
    "（メニュー別の係数で算定されます）。",
    "一覧にない事業者はそのまま入力できます。その場合と、空欄の場合は国の「代替値」で算定され、警告が表示されます。",
)
GUIDE_SUPPLIER_LIST = "排出係数表にある電気事業者: {names}"

GUIDE_SECTION_INDICATORS = "指標の単位"
GUIDE_INDICATOR_TABLE_HEADERS = ("指標コード", "指標名", "単位")
GUIDE_INDICATOR_NOTE = "実績値は次の単位で入力してください（「指標実績」シートの実績値セルにも表示されます）。"

GUIDE_SECTION_SUBMIT = "提出先"
GUIDE_SUBMIT = (
    "記入が終わったら上書き保存し、環境局 環境共生部 ゼロカーボン推進戦略課へ提出してください。",
    "提出期限と提出方法（メール・共有フォルダなど）は、依頼文書をご確認ください。",
    "内容に不備がある場合は、シート名とセルの位置（例: 取組実績!G12）を添えてお知らせしますので、修正のうえ再提出してください。"
    "再提出されたファイルが最新の報告として扱われます。",
)




def sheet_title(sheet: str, fiscal_year: int | None, department_name: str | None) -> str:
    """Title row text above a table's header, e.g. 取組実績（令和6年度・環境総務課）."""
    parts = [era_year(fiscal_year) if fiscal_year else "", department_name or ""]
    extra = "・".join(p for p in parts if p)
    return f"{sheet}（{extra}）" if extra else sheet


TABLE_TITLE_BLANK = "{sheet}（記入欄）"


def table_title(sheet: str, fiscal_year: int | None, department_name: str | None) -> str:
    """Title above a table sheet's header; never equal to a column header
    (取組実績 is both a sheet and a column), so a blank template gets a suffix too."""
    title = sheet_title(sheet, fiscal_year, department_name)
    return TABLE_TITLE_BLANK.format(sheet=sheet) if title == sheet else title


def guide_target(fiscal_year: int | None, department_name: str | None,
                 department_code: str | None) -> str | None:
    parts = []
    if fiscal_year:
        parts.append(f"{era_year(fiscal_year)}（{fiscal_year}年度）")
    if department_name or department_code:
        dept = department_name or ""
        if department_code:
            dept = f"{dept}（所管課コード {department_code}）" if dept else f"所管課コード {department_code}"
        parts.append(dept)
    return GUIDE_FOR.format(target="　".join(parts)) if parts else None
