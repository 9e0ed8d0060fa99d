"""The data contract (shared/spec/data-contract.md) as data.

One source of truth for sheet names, column headers and allowed values: the
template writer, the validator, the demo generator and the docs all read it
from here.  Change the contract here and nowhere else.
"""
from __future__ import annotations

from dataclasses import dataclass, field

CONTRACT_VERSION = "2"

# --- Plan master (計画マスタ) ---------------------------------------------

MASTER_DEPARTMENTS = "所管課"
MASTER_POLICIES = "基本方針"
MASTER_MEASURES = "施策"
MASTER_ACTIONS = "事業"
MASTER_INDICATORS = "指標"
MASTER_EMISSIONS = "排出量"

# --- Department submission (取組状況報告) ----------------------------------

SHEET_INFO = "提出情報"
SHEET_ACTIONS = "取組実績"
SHEET_INDICATORS = "指標実績"
SHEET_PARTNERS = "連携主体"

# --- Column headers --------------------------------------------------------

COL_DEPARTMENT_CODE = "所管課コード"
COL_DEPARTMENT_NAME = "所管課名"
COL_BUREAU = "局名"
COL_CONTACT_EMAIL = "連絡先メール"          # optional (contract section 10)
COL_POLICY_CODE = "基本方針コード"
COL_POLICY_NAME = "基本方針名"
COL_MEASURE_CODE = "施策コード"
COL_MEASURE_NAME = "施策名"
COL_ACTION_CODE = "事業コード"
COL_ACTION_NAME = "事業名"
COL_START_YEAR = "開始年度"
COL_END_YEAR = "終了年度"
COL_PRIORITY = "重点対策"
COL_INDICATOR_CODE = "指標コード"
COL_INDICATOR_NAME = "指標名"
COL_UNIT = "単位"
COL_DIRECTION = "方向"
COL_BASE_YEAR = "基準年度"
COL_BASE_VALUE = "基準値"
COL_TARGET_YEAR = "目標年度"
COL_TARGET_VALUE = "目標値"
COL_FISCAL_YEAR = "年度"
COL_SECTOR = "部門"
COL_KIND = "区分"
COL_EMISSIONS = "排出量（千t-CO2）"
COL_ORGANISATION_CODE = "組織コード"      # §8: 所管課 gains it
COL_AUTO = "自動算定"                   # §8: 指標 gains it

COL_IMPLEMENTATION = "実施状況"
COL_BUDGET = "予算額（千円）"
COL_SETTLEMENT = "決算額（千円）"
COL_RESULT = "取組実績"
COL_SELF_EVALUATION = "自己評価"
COL_ISSUES = "課題"
COL_DIRECTION_NEXT = "今後の方向性"
COL_REVISION = "見直し内容"

COL_ACTUAL_VALUE = "実績値"
COL_ACTUAL_YEAR = "実績年度"
COL_NOTE = "備考"

COL_STAKEHOLDER_TYPE = "連携主体区分"
COL_ORGANISATION = "主体名"
COL_PARTICIPANTS = "参加人数・団体数"
COL_CO2_REDUCTION = "CO2削減量（t-CO2）"
COL_COLLABORATION = "連携内容"

# 提出情報 labels (column A), values in column B within the first 20 rows.
INFO_FISCAL_YEAR = "年度"
INFO_DEPARTMENT_CODE = "所管課コード"
INFO_DEPARTMENT_NAME = "所管課名"
INFO_CONTACT_PERSON = "担当者"
INFO_CONTACT = "連絡先"
INFO_LABELS = (INFO_FISCAL_YEAR, INFO_DEPARTMENT_CODE, INFO_DEPARTMENT_NAME,
               INFO_CONTACT_PERSON, INFO_CONTACT)
INFO_REQUIRED = (INFO_FISCAL_YEAR, INFO_DEPARTMENT_CODE)
INFO_MAX_ROWS = 20
HEADER_SEARCH_ROWS = 10

# --- Allowed values --------------------------------------------------------

IMPLEMENTATION_STATUSES = ("実施", "一部実施", "未実施", "完了")
NOT_IMPLEMENTED = "未実施"

SELF_EVALUATIONS = ("A", "B", "C", "D", "−")
NOT_EVALUABLE = "−"
#: The grades that count as "on plan" (A, B) in the PDCA shares and the trend of them.
GOOD_GRADES = ("A", "B")
SELF_EVALUATION_LABELS = {
    "A": "計画以上",
    "B": "概ね計画どおり",
    "C": "やや遅れ",
    "D": "遅れ・未着手",
    "−": "評価不能",
}
DASHES = ("-", "－", "−", "―", "ー", "‐", "–", "—")

DIRECTIONS_NEXT = ("拡充", "継続", "改善", "縮小", "休止・廃止", "完了")
DIRECTIONS_NEEDING_REVISION = ("改善", "縮小", "休止・廃止")

STAKEHOLDER_TYPES = (
    "市民", "事業者", "学校", "大学・研究機関", "金融機関", "市民活動団体",
    "埼玉県", "周辺自治体", "国", "地球温暖化防止活動推進員",
    "埼玉県地球温暖化防止活動推進センター",
    "ゼロカーボンシティ共創推進プラットフォーム", "その他",
)

# Where an opinion on the plan comes from (意見の区分; contract section 9, issue 12).
OPINION_SOURCE_COUNCIL = "環境審議会"
OPINION_SOURCES = (
    OPINION_SOURCE_COUNCIL, "市民", "事業者", "共創推進プラットフォーム", "パブリックコメント", "その他",
)

# 公表 in the opinion workbook, as people and form systems write it (after NFKC, upper case).
PUBLISH_YES_WORDS = ("○", "〇", "◯", "O", "公表", "公表する", "する", "はい", "1", "TRUE")
PUBLISH_NO_WORDS = ("×", "✕", "✖", "X", "非公表", "公表しない", "しない", "いいえ", "0", "FALSE")
# 受付日 written as text (after NFKC): 2025-06-30, 2025/6/30, 2025.6.30, 2025年6月30日, with a time.
DATE_TEXT_PATTERN = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?"

INDICATOR_DIRECTIONS = ("増加", "減少")
DIRECTION_UP = "増加"
DIRECTION_DOWN = "減少"
PRIORITY_MARK = "○"

SECTORS = ("産業", "業務その他", "家庭", "運輸", "廃棄物", "その他ガス", "森林吸収")
REMOVAL_SECTOR = "森林吸収"
EMISSION_KINDS = ("基準", "実績", "目標")
KIND_BASE, KIND_ACTUAL, KIND_TARGET = EMISSION_KINDS

NOT_REPORTED_WORDS = ("", "－", "-", "―", "未把握")
PERCENT_UNIT = "%"

# Indicator status words (section 5), in display order.
STATUS_ACHIEVED = "達成"
STATUS_ON_TRACK = "順調"
STATUS_BEHIND = "遅れ"
STATUS_WORSENED = "悪化"
STATUS_UNREPORTED = "未報告"
STATUSES = (STATUS_ACHIEVED, STATUS_ON_TRACK, STATUS_BEHIND, STATUS_WORSENED,
            STATUS_UNREPORTED)
#: The statuses counted as going well (the headline "達成・順調" figures).
GOOD_STATUSES = (STATUS_ACHIEVED, STATUS_ON_TRACK)

SUBMISSION_ACTIVE = "active"
SUBMISSION_SUPERSEDED = "superseded"


# --- Sheet layouts ---------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """One column of a table sheet: its header and how a cell is read."""
    header: str
    field: str
    kind: str = "text"          # text | code | year | number | amount (>= 0) | int (>= 0) | measured | choice | mark
    required: bool = False
    choices: tuple[str, ...] = ()
    width: int = 14             # template column width (characters)
    note: str = ""              # how to fill in, shown on the 記入方法 sheet


@dataclass(frozen=True)
class TableSheet:
    name: str
    key: str                    # first key column; locates the header row
    columns: tuple[Column, ...]
    required: bool = True
    unique: tuple[str, ...] = field(default_factory=tuple)

    def column(self, header: str) -> Column:
        return next(c for c in self.columns if c.header == header)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)


MASTER_SHEETS: tuple[TableSheet, ...] = (
    TableSheet(MASTER_DEPARTMENTS, COL_DEPARTMENT_CODE, (
        Column(COL_DEPARTMENT_CODE, "department_code", "code", True),
        Column(COL_DEPARTMENT_NAME, "department_name", "text", True, width=28),
        Column(COL_BUREAU, "bureau_name", "text", False, width=16),
        Column(COL_CONTACT_EMAIL, "contact_email", "text", False, width=30),
        Column(COL_ORGANISATION_CODE, "organisation_code", "code", False),  # required once 組織 exists
    ), unique=(COL_DEPARTMENT_CODE,)),
    TableSheet(MASTER_POLICIES, COL_POLICY_CODE, (
        Column(COL_POLICY_CODE, "policy_code", "code", True),
        Column(COL_POLICY_NAME, "policy_name", "text", True, width=40),
    ), unique=(COL_POLICY_CODE,)),
    TableSheet(MASTER_MEASURES, COL_MEASURE_CODE, (
        Column(COL_MEASURE_CODE, "measure_code", "code", True),
        Column(COL_POLICY_CODE, "policy_code", "code", True),
        Column(COL_MEASURE_NAME, "measure_name", "text", True, width=40),
    ), unique=(COL_MEASURE_CODE,)),
    TableSheet(MASTER_ACTIONS, COL_ACTION_CODE, (
        Column(COL_ACTION_CODE, "action_code", "code", True),
        Column(COL_MEASURE_CODE, "measure_code", "code", True),
        Column(COL_ACTION_NAME, "action_name", "text", True, width=40),
        Column(COL_DEPARTMENT_CODE, "department_code", "code", True),
        Column(COL_START_YEAR, "start_year", "year", True),
        Column(COL_END_YEAR, "end_year", "year", False),
        Column(COL_PRIORITY, "priority", "mark", False, (PRIORITY_MARK,)),
    ), unique=(COL_ACTION_CODE,)),
    TableSheet(MASTER_INDICATORS, COL_INDICATOR_CODE, (
        Column(COL_INDICATOR_CODE, "indicator_code", "code", True),
        Column(COL_MEASURE_CODE, "measure_code", "code", True),
        Column(COL_INDICATOR_NAME, "indicator_name", "text", True, width=40),
        Column(COL_UNIT, "unit", "text", True),
        Column(COL_DIRECTION, "direction", "choice", True, INDICATOR_DIRECTIONS),
        Column(COL_BASE_YEAR, "base_year", "year", True),
        Column(COL_BASE_VALUE, "base_value", "number", True),
        Column(COL_TARGET_YEAR, "target_year", "year", True),
        Column(COL_TARGET_VALUE, "target_value", "number", True),
        Column(COL_DEPARTMENT_CODE, "department_code", "code", True),
        Column(COL_AUTO, "auto", "text", False, width=18),   # 事務事業編[:組織コード]
    ), unique=(COL_INDICATOR_CODE,)),
    TableSheet(MASTER_EMISSIONS, COL_FISCAL_YEAR, (
        Column(COL_FISCAL_YEAR, "fiscal_year", "year", True),
        Column(COL_SECTOR, "sector", "choice", True, SECTORS),
        Column(COL_KIND, "kind", "choice", True, EMISSION_KINDS),
        Column(COL_EMISSIONS, "kt_co2", "number", True, width=18),
    ), unique=(COL_FISCAL_YEAR, COL_SECTOR, COL_KIND)),
)

ACTIONS_SHEET = TableSheet(SHEET_ACTIONS, COL_ACTION_CODE, (
    Column(COL_ACTION_CODE, "action_code", "code", True, width=12,
           note="計画マスタの事業コード。その年度に実施期間中の事業に限ります。"),
    Column(COL_ACTION_NAME, "action_name", "text", False, width=36,
           note="参考。計画マスタと異なる場合は警告となり、マスタの名称が使われます。"),
    Column(COL_IMPLEMENTATION, "implementation_status", "choice", True,
           IMPLEMENTATION_STATUSES, width=12, note="実施 / 一部実施 / 未実施 / 完了 から選択。"),
    Column(COL_BUDGET, "budget_k_yen", "amount", False, width=14,
           note="0以上の数値（千円）。空欄可。"),
    Column(COL_SETTLEMENT, "settlement_k_yen", "amount", False, width=14,
           note="0以上の数値（千円）。空欄可。"),
    Column(COL_RESULT, "result_text", "text", False, width=48,
           note="実施した内容。実施状況が「未実施」以外のときは必須。"),
    Column(COL_SELF_EVALUATION, "self_evaluation", "choice", True, SELF_EVALUATIONS,
           width=10, note="A（計画以上）/ B（概ね計画どおり）/ C（やや遅れ）/ D（遅れ・未着手）/ −（評価不能）"),
    Column(COL_ISSUES, "issues_text", "text", False, width=36, note="任意。"),
    Column(COL_DIRECTION_NEXT, "direction", "choice", True, DIRECTIONS_NEXT, width=12,
           note="拡充 / 継続 / 改善 / 縮小 / 休止・廃止 / 完了 から選択。"),
    Column(COL_REVISION, "revision_text", "text", False, width=40,
           note="今後の方向性が 改善・縮小・休止・廃止 のときは必須。"),
), unique=(COL_ACTION_CODE,))

INDICATORS_SHEET = TableSheet(SHEET_INDICATORS, COL_INDICATOR_CODE, (
    Column(COL_INDICATOR_CODE, "indicator_code", "code", True, width=12,
           note="計画マスタの指標コード。"),
    Column(COL_INDICATOR_NAME, "indicator_name", "text", False, width=36,
           note="参考。計画マスタと異なる場合は警告となります。"),
    Column(COL_ACTUAL_VALUE, "value", "measured", False, width=14,
           note="数値。未把握の場合は空欄または「未把握」（警告となりますが受け付けます）。"),
    Column(COL_ACTUAL_YEAR, "actual_year", "year", False, width=12,
           note="実績値が何年度の値か。空欄の場合は提出年度。"),
    Column(COL_NOTE, "note", "text", False, width=36, note="任意。"),
), required=False, unique=(COL_INDICATOR_CODE, COL_ACTUAL_YEAR))

PARTNERS_SHEET = TableSheet(SHEET_PARTNERS, COL_ACTION_CODE, (
    Column(COL_ACTION_CODE, "action_code", "code", True, width=12,
           note="計画マスタの事業コード。"),
    Column(COL_STAKEHOLDER_TYPE, "stakeholder_type", "choice", True, STAKEHOLDER_TYPES,
           width=24, note="一覧から選択。"),
    Column(COL_ORGANISATION, "organisation", "text", False, width=28, note="団体名など。任意。"),
    Column(COL_PARTICIPANTS, "participants", "int", False, width=14,
           note="0以上の整数。任意。"),
    Column(COL_CO2_REDUCTION, "co2_reduction_t", "amount", False, width=16,
           note="0以上の数値（t-CO2）。任意。"),
    Column(COL_COLLABORATION, "content", "text", False, width=40, note="任意。"),
), required=False)

SUBMISSION_SHEETS: tuple[TableSheet, ...] = (ACTIONS_SHEET, INDICATORS_SHEET, PARTNERS_SHEET)

ACCEPTED_EXTENSIONS = (".xlsx", ".xlsm", ".xls")

# --- Safety limits (files) -------------------------------------------------
MAX_FILE_BYTES = 20 * 1024 * 1024            # 20 MB upload/file size limit
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024   # total of all zip members
MAX_COMPRESSION_RATIO = 100                  # per member and overall
MAX_ROWS_PER_SHEET = 20000
MAX_CELL_CHARS = 32767                       # Excel's own limit


# --- Section 8: the city's own operations (事務事業編) ------------------------

# Plan master: optional sheets (all of 組織, 施設, 事務事業目標 and 所管課.組織コード, or none).
MASTER_ORGANISATIONS = "組織"
MASTER_FACILITIES = "施設"
MASTER_OPERATIONS_TARGETS = "事務事業目標"

COL_ORGANISATION_NAME = "組織名"
COL_FACILITY_CODE = "施設コード"
COL_FACILITY_NAME = "施設名"
COL_FACILITY_USE = "用途"
COL_FLOOR_AREA = "延床面積（㎡）"
COL_BASE_EMISSIONS_T = "基準排出量（t-CO2）"
COL_REDUCTION_PCT = "削減率（%）"

# 指標.自動算定: `事務事業編` (the whole city government) or `事務事業編:<組織コード>`.
AUTO_OPERATIONS = "事務事業編"
AUTO_SEPARATOR = ":"

MASTER_OPERATIONS_SHEETS: tuple[TableSheet, ...] = (
    TableSheet(MASTER_ORGANISATIONS, COL_ORGANISATION_CODE, (
        Column(COL_ORGANISATION_CODE, "organisation_code", "code", True),
        Column(COL_ORGANISATION_NAME, "organisation_name", "text", True, width=20),
    ), unique=(COL_ORGANISATION_CODE,)),
    TableSheet(MASTER_FACILITIES, COL_FACILITY_CODE, (
        Column(COL_FACILITY_CODE, "facility_code", "code", True),
        Column(COL_FACILITY_NAME, "facility_name", "text", True, width=28),
        Column(COL_DEPARTMENT_CODE, "department_code", "code", True),
        Column(COL_FACILITY_USE, "use_type", "text", False, width=14),
        Column(COL_FLOOR_AREA, "floor_area_m2", "amount", False, width=14),
        Column(COL_START_YEAR, "start_year", "year", False),
        Column(COL_END_YEAR, "end_year", "year", False),
    ), unique=(COL_FACILITY_CODE,)),
    TableSheet(MASTER_OPERATIONS_TARGETS, COL_BASE_YEAR, (
        Column(COL_ORGANISATION_CODE, "organisation_code", "code", False),
        Column(COL_BASE_YEAR, "base_year", "year", True),
        Column(COL_BASE_EMISSIONS_T, "base_t_co2", "amount", True, width=18),
        Column(COL_TARGET_YEAR, "target_year", "year", True),
        Column(COL_REDUCTION_PCT, "reduction_pct", "number", True),
    )),
)

# Emission factor workbook (排出係数表), loaded with `python -m pipeline factors FILE`.
FACTOR_ACTIVITIES = "活動区分"
FACTOR_CONVERSIONS = "単位換算"
FACTOR_FACTORS = "排出係数"

COL_ACTIVITY = "活動区分"
COL_BASE_UNIT = "基準単位"
COL_GAS = "ガス"
COL_GWP = "地球温暖化係数"
COL_PER_BASE_UNIT = "基準単位あたり"
COL_SUPPLIER = "電気事業者"
COL_MENU = "メニュー"
COL_FACTOR = "係数"
COL_FACTOR_SOURCE = "出典"

GASES = ("CO2", "CH4", "N2O", "HFC")
SUPPLIER_FALLBACK = "代替値"        # the electricity row used for unknown or blank suppliers

FACTOR_SHEETS: tuple[TableSheet, ...] = (
    TableSheet(FACTOR_ACTIVITIES, COL_ACTIVITY, (
        Column(COL_ACTIVITY, "activity", "text", True, width=28),
        Column(COL_BASE_UNIT, "base_unit", "text", True, width=10),
        Column(COL_GAS, "gas", "choice", True, GASES, width=8),
        Column(COL_GWP, "gwp", "number", True, width=14),
    )),
    TableSheet(FACTOR_CONVERSIONS, COL_ACTIVITY, (
        Column(COL_ACTIVITY, "activity", "text", True, width=28),
        Column(COL_UNIT, "unit", "text", True, width=10),
        Column(COL_PER_BASE_UNIT, "ratio", "number", True, width=14),
    )),
    TableSheet(FACTOR_FACTORS, COL_FISCAL_YEAR, (
        Column(COL_FISCAL_YEAR, "fiscal_year", "year", True, width=8),
        Column(COL_ACTIVITY, "activity", "text", True, width=28),
        Column(COL_SUPPLIER, "supplier", "text", False, width=24),
        Column(COL_MENU, "menu", "text", False, width=20),
        Column(COL_FACTOR, "factor", "number", True, width=12),
        Column(COL_FACTOR_SOURCE, "source", "text", False, width=36),
    )),
)

# View words (v_facility_emissions.factor_basis).
BASIS_SUPPLIER = "事業者別"
BASIS_FALLBACK = "代替値"
BASIS_FACTOR_ONLY = "係数のみ"

# Submission: the optional sheet エネルギー使用量 (one row per facility, activity and meter).
SHEET_ENERGY = "エネルギー使用量"
COL_ANNUAL = "年間使用量"
# Fiscal-year months, April first: headers 4月 … 3月, fields m04 … m03.
FY_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)
MONTH_HEADERS = tuple(f"{m}月" for m in FY_MONTHS)
MONTH_FIELDS = tuple(f"m{m:02d}" for m in FY_MONTHS)
ANNUAL_TOLERANCE = 0.005            # 年間使用量 must equal the months' sum within 0.5 %
JUMP_RATIO = 10.0                   # ≥ 10× or ≤ 0.1× the previous FY: a unit may be wrong

ENERGY_SHEET = TableSheet(SHEET_ENERGY, COL_FACILITY_CODE, (
    Column(COL_FACILITY_CODE, "facility_code", "code", True, width=12,
           note="計画マスタの施設コード。自課の施設で、その年度に使用中のものに限ります。"),
    Column(COL_FACILITY_NAME, "facility_name", "text", False, width=24,
           note="参考。計画マスタと異なる場合は警告となり、マスタの名称が使われます。"),
    Column(COL_ACTIVITY, "activity", "text", True, width=22,
           note="排出係数表の活動区分（電気、都市ガス、灯油 など）から選択。"),
    Column(COL_SUPPLIER, "supplier", "text", False, width=22,
           note="電気のみ。請求書の電気事業者名を排出係数表のとおりに。空欄・一覧にない事業者は代替値で算定します。"),
    Column(COL_MENU, "menu", "text", False, width=16,
           note="電気のみ。契約している料金メニュー（任意）。"),
    Column(COL_UNIT, "unit", "text", True, width=8,
           note="活動区分の基準単位、または排出係数表の単位換算にある単位（例: kWh / 千kWh）。"),
    *(Column(h, f, "amount", False, width=9) for h, f in zip(MONTH_HEADERS, MONTH_FIELDS)),
    Column(COL_ANNUAL, "annual", "amount", False, width=12,
           note="月別を入力した場合は合計と一致（誤差0.5%以内）させてください。月別がなければ年間の使用量。"),
    Column(COL_NOTE, "note", "text", False, width=24, note="任意。"),
), required=False)
