"""Japanese strings of the environmental council's review (審議会意見)."""
from __future__ import annotations

# Follow-up statuses, in order.
STATUS_OPEN = "未対応"
STATUS_IN_PROGRESS = "対応中"
STATUS_DONE = "対応済"
FOLLOWUP_STATUSES = (STATUS_OPEN, STATUS_IN_PROGRESS, STATUS_DONE)

# What an opinion is about.
LEVEL_PLAN = "計画全体"
LEVEL_POLICY = "基本方針"
LEVEL_MEASURE = "施策"
LEVEL_ACTION = "事業"
LEVELS = (LEVEL_PLAN, LEVEL_POLICY, LEVEL_MEASURE, LEVEL_ACTION)

# Opinion workbook (意見 import; a 審議会意見 sheet of issue 5 is read the same way).
SHEET = "意見"
LEGACY_SHEET = "審議会意見"
COL_YEAR = "年度"
COL_LEVEL = "対象区分"
COL_TARGET = "対象コード"
COL_OPINION = "意見"
COL_RESPONSE = "対応方針"
COL_STATUS = "対応状況"
COL_STATUS_YEAR = "状況年度"
COL_NOTE = "備考"
COL_SOURCE = "意見の区分"
COL_PUBLISHED = "公表"
COL_RECEIVED = "受付日"
COL_REFERENCE = "受付番号"
PUBLISHED_MARKS = ("○", "×")
NOTE_YEAR = "意見の対象となる年次報告書の年度。"
NOTE_LEVEL = "空欄は計画全体。"
NOTE_SOURCE = "空欄は環境審議会。"
NOTE_PUBLISHED = "○ = 公表する、× = 公表しない、空欄 = 環境審議会の意見は公表、それ以外は公表しない。"
NOTE_RECEIVED = "2025-06-30、2025/6/30、2025年6月30日 など。"
NOTE_REFERENCE = "フォームの受付番号。同じ区分と番号の行は、取り込み直すと更新になります。"
HOWTO_SHEET = "記入方法"
HOWTO_COLUMN = "列"
HOWTO_REQUIRED = "必須"
HOWTO_NOTE = "書き方"
HOWTO_YES = "必須"
HOWTO_LINES = (
    "・1行に1件の意見を記入します。見出し行（1行目）の列名は変えないでください。列の順序は自由です。",
    "・意見募集フォームの書き出し（CSV を Excel で開いて保存したもの）に、この見出しの列を加えて取り込むこともできます。",
    "・氏名・メールアドレスなど、この表にない列は取り込まれず、保存もされません。",
    "・取り込みは全件か無しか：エラーが1件でもあれば何も変更せず、エラーのセルを示します。",
)

# Plan-level cycle steps (PDCA page).
STEP_PUBLISHED = "報告書公表"
STEP_REVIEWED = "審議会評価"
STEP_DECIDED = "対応方針決定"
STEP_CARRIED_OUT = "対応完了"
CYCLE_STEPS = (STEP_PUBLISHED, STEP_REVIEWED, STEP_DECIDED, STEP_CARRIED_OUT)

# Table headers.
HEADERS = {
    "opinion_id": "意見番号",
    "fiscal_year": "対象年度",
    "source": "意見の区分",
    "published": "公表",
    "received_on": "受付日",
    "level": "対象区分",
    "target_code": "対象コード",
    "target_name": "対象名",
    "target": "対象",
    "opinion_text": "意見",
    "response_text": "対応方針（市の対応）",
    "status": "対応状況",
    "status_year": "状況年度",
    "recorded_at": "登録日時",
    "recorded_by": "登録者",
}

# Errors.
EMPTY_OPINION = "意見の内容を入力してください。"
EMPTY_RESPONSE = "対応方針を入力してください。"
UNKNOWN_OPINION = "指定の意見が見つかりません。"


def bad_level(value) -> str:
    return f"対象区分「{value}」は使えません。{' / '.join(LEVELS)} のいずれかを指定してください。"


def unknown_target(level, code) -> str:
    return f"{level}コード「{code}」は現在の計画マスタにありません。"


def target_required(level) -> str:
    return f"対象区分が「{level}」のときは対象コードが必要です。"


def bad_status(value) -> str:
    return f"対応状況「{value}」は使えません。{' / '.join(FOLLOWUP_STATUSES)} のいずれかです。"


def status_year_too_early(status_year, fiscal_year) -> str:
    return f"状況年度 {status_year} は意見の年度 {fiscal_year} より後の年度にしてください。"


def bad_source(value) -> str:
    from pipeline.ingest.contract import OPINION_SOURCES
    return f"意見の区分「{value}」は使えません。{' / '.join(OPINION_SOURCES)} のいずれかです。"


def bad_date(value) -> str:
    return f"{COL_RECEIVED}「{value}」を日付として読み取れません。2025-06-30 や 2025年6月30日 の形で記入してください。"


def bad_published(value) -> str:
    return f"{COL_PUBLISHED}「{value}」は使えません。○（公表する）か ×（公表しない）を記入するか、空欄にしてください。"


def imported(added, updated) -> str:
    return f"審議会意見を取り込みました（新規 {added} 件、更新 {updated} 件）。"


def import_rejected(errors) -> str:
    return f"審議会意見の取り込みを中止しました（エラー {errors} 件）。何も変更していません。"


HELP_COUNCIL = "審議会意見ワークブックを取り込む（council import FILE）"

# Page strings.
PAGE_TITLE = "審議会意見"
PAGE_INTRO = ("環境審議会による年次報告書の点検・評価の意見と、市民・事業者・共創推進プラットフォーム・"
              "パブリックコメントなどから寄せられた意見、市の対応方針・対応状況を記録します。"
              "公表とした意見と対応は翌年度の年次報告書と公表サイトに掲載されます"
              "（審議会の意見は既定で公表、それ以外は公表とするまで掲載されません）。")
YEAR_LABEL = "対象年度（審議会が評価した報告書の年度）"
NO_YEARS = "年度がありません。まず計画マスタと取組状況報告を取り込んでください。"
NO_OPINIONS = "この年度の審議会意見はまだ登録されていません。"
LIST_HEADING = "意見一覧"
ALL_FIELDS = "すべての項目（受付日・対象コード・登録者など）"
OPEN_HEADING = "未完了の意見（全年度）"
NO_OPEN_OPINIONS = "未完了の審議会意見はありません。"
HQ_ONLY = "登録・更新は脱炭素推進本部（HQ）の利用者のみ行えます。"
FORM_ADD = "意見を追加"
FORM_RESPONSE = "対応方針を登録"
FORM_STATUS = "対応状況を更新"
FORM_CYCLE = "公表・審議の記録"
FORM_IMPORT = "ワークブックから取り込み"
LABEL_LEVEL = "対象区分"
LABEL_SOURCE = "意見の区分"
#: The add form's 公表 choice (LABEL_PUBLISHED below is the cycle form's date).
LABEL_PUBLISH_CHOICE = "公表"
LABEL_RECEIVED = "受付日（任意）"
#: The add form's 公表 choice → add_opinion(published=…) (None = the source's default).
PUBLISH_CHOICES = {"区分の既定（審議会は公表、ほかは非公表）": None, "公表する": True, "公表しない": False}
FORM_PUBLISH = "公表の設定"
LABEL_PUBLISH_TOGGLE = "公表する（年次報告書・公表サイトに掲載）"
BUTTON_PUBLISH = "設定する"
LABEL_TARGET = "対象（計画全体のときは不要）"
NO_TARGET = "指定しない（計画全体）"
LABEL_OPINION = "意見の内容"
LABEL_RESPONSE = "対応方針"
LABEL_OPINION_PICK = "意見"
LABEL_STATUS = "対応状況"
LABEL_STATUS_YEAR = "状況年度"
LABEL_NOTE = "備考"
LABEL_PUBLISHED = "年次報告書を公表した日"
LABEL_REVIEWED = "審議会で評価した日"
LABEL_FILE = "意見ワークブック（.xlsx。意見募集フォームの書き出しに見出しを合わせたもの）"
BUTTON_ADD = "追加する"
BUTTON_RESPONSE = "登録する"
BUTTON_STATUS = "更新する"
BUTTON_CYCLE = "記録する"
BUTTON_IMPORT = "取り込む"
BUTTON_TEMPLATE = "取り込み用ワークブックの様式"
SAVED = "保存しました。"
CYCLE_HEADING = "計画全体の PDCA（年次報告書 → 審議会 → 対応）"
CYCLE_DONE = "済"
CYCLE_NOT_DONE = "未"
CYCLE_YEAR = "年度"


def opinion_label(opinion_id, level, target, text, source=None, published=None) -> str:
    short = text if len(text) <= 40 else text[:38] + "…"
    where = level if not target else f"{level} {target}"
    who = f"{source}・" if source else ""
    mark = {True: "（公表）", False: "（非公表）"}.get(published, "")
    return f"#{opinion_id}［{who}{where}］{short}{mark}"
