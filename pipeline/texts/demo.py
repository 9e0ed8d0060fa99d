"""Japanese strings of the demo generator (titles, notes, memo sheets, year words)."""
from __future__ import annotations

# Era words for writing years the way people type them.
ERA_REIWA = "令和"
ERA_HEISEI = "平成"
ERA_FIRST_YEAR = "元"
ERA_REIWA_SHORT = "R"
ERA_HEISEI_SHORT = "H"
NENDO = "年度"
MINUS_TRIANGLE = "△"          # Japanese accounting minus
MINUS_BLACK_TRIANGLE = "▲"

DEMO_NOTICE = "※ デモ用に生成した架空のデータです（実在の計画値・実績値ではありません）。"

# Plan master
MASTER_NOTE_SHEET = "説明"
MASTER_NOTE_LINES = (
    "さいたま市地球温暖化対策実行計画 進行管理 計画マスタ（デモ）",
    DEMO_NOTICE,
    "所管課・基本方針・施策・事業・指標・排出量の各シートを読み込みます。",
)

# 事務事業編 (emission factor workbook, エネルギー使用量)
FACTOR_NOTE_LINES = (
    "排出係数表（デモ）",
    "※ デモ用の架空のデータです。電気事業者・メニューと電気の排出係数は架空の値です。",
    "燃料（ガソリン・灯油・軽油・A重油・LPG・都市ガス）の係数は地球温暖化対策推進法施行令の値です。",
    "2025年度の係数は未公表のため含みません（2025年度の排出量は暫定値になります）。",
)
ENERGY_SHEET_TITLE = "{year} エネルギー使用量"
ENERGY_NOTE_NEW_SUPPLIER = "年度途中に契約先を変更"

# Department workbooks
INFO_TITLE = "地球温暖化対策実行計画 取組状況報告書（{year}）"
SHEET_TITLES = {
    "取組実績": "{year} 取組状況報告（取組実績）",
    "指標実績": "{year} 取組状況報告（指標実績）",
    "連携主体": "{year} 取組状況報告（連携主体）",
}
SHEET_SUBTITLE = "※ 黄色のセルに入力してください。"
EXTRA_COLUMN_NO = "No."
MEMO_SHEET = "メモ"
MEMO_LINES = (
    "提出前チェック",
    "・事業コードは計画マスタのとおりか確認済み",
    "・決算額は財務会計システムの数値を転記",
    "・指標の実績値は把握済みの最新値を記入（統計の公表待ちは未把握）",
    DEMO_NOTICE,
)
CONTACT_FORMAT = "内線{ext}"

# Row texts
PARTIAL_SUFFIX = "（一部は翌年度に繰越）"
COMPLETE_SUFFIX = "計画期間の事業を完了した。"
FIRST_YEAR_PREFIX = "事業を開始し、"
NOTE_PRELIMINARY = "速報値"
NOTE_FINALISED = "前年度報告値（速報値）を確定値に更新"
NOTE_UNREPORTED = ("統計の公表前のため未把握", "調査未実施", "集計中")
NOTE_RESUBMIT_FIX = "桁誤りを修正（再提出）"
NOTE_RESUBMIT_FILL = "確定値が判明したため追記（再提出）"
NOTE_CITY_TOTAL = "環境省の算定手法に準拠"

# Clones at scale > 1
CLONE_DEPARTMENT_NAME = "{name}（第{n}）"
CLONE_ITEM_NAME = "{name}（{ward}）"
CLONE_ITEM_NAME_FALLBACK = "{name}（第{n}）"
EXTRA_CITIZEN_NAME = "市民参加者（{ward}）"
