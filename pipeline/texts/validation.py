"""Japanese messages of reading and validation: what is wrong, what is allowed."""
from __future__ import annotations

NOT_A_WORKBOOK = ("Excelブックとして読み込めませんでした。.xlsx / .xlsm / .xls 形式で保存した"
                  "ファイルを提出してください。")
SHEET_UNREADABLE = "このシートを読み込めませんでした。ファイルが壊れていないか確認し、保存し直して提出してください。"
INTERNAL_ERROR = ("ファイルの処理中に予期しない問題が発生しました。ファイルを保存し直して再度お試しください。"
                  "解決しない場合はゼロカーボン推進戦略課へご連絡ください。")


def too_many_rows(limit: int) -> str:
    return f"行数が上限（{limit:,}行）を超えています。不要な行を削除してから提出してください。"


def missing_sheet(sheet: str) -> str:
    return (f"シート「{sheet}」がありません。提出様式（テンプレート）のシート名のまま提出してください。")


def header_not_found(sheet: str, key: str, rows: int) -> str:
    return (f"シート「{sheet}」の1〜{rows}行目に見出し「{key}」が見つかりません。"
            f"提出様式の見出し行を消さずに入力してください。")


def missing_column(header: str) -> str:
    return f"列「{header}」が見つかりません。見出し行に「{header}」の列を設けてください（列の順番は自由です）。"


def duplicate_column(header: str, first: str) -> str:
    return f"列「{header}」が2回あります（{first}にもあります）。どちらか一方にしてください。"


def required(header: str, allowed: str = "") -> str:
    tail = f"{allowed}を入力してください。" if allowed else "値を入力してください。"
    return f"「{header}」が空欄です。{tail}"


def bad_choice(header: str, value: str, choices: tuple[str, ...]) -> str:
    return f"「{value}」は{header}として使えません。{' / '.join(choices)} のいずれかを入力してください。"


def bad_number(header: str, value: str) -> str:
    return (f"「{value}」は{header}の数値として読めません。数値で入力してください"
            f"（例: 1234、1,234、△12）。")


def negative(header: str, value: str) -> str:
    return f"{header}に負の値「{value}」は入力できません。0以上の数値を入力してください。"


def not_whole(header: str, value: str) -> str:
    return f"「{value}」は{header}として使えません。0以上の整数を入力してください。"


def bad_year(header: str, value: str) -> str:
    return (f"「{value}」は{header}として読めません。2024、2024年度、令和6年度、R6 のように"
            f"入力してください。")


def too_long(header: str, length: int, limit: int) -> str:
    return f"{header}が長すぎます（{length:,}文字）。{limit:,}文字以内にしてください。"


def bad_mark(header: str, value: str, mark: str) -> str:
    return f"「{value}」は{header}として使えません。該当する場合は「{mark}」、しない場合は空欄にしてください。"


# --- 提出情報 -----------------------------------------------------------------

def info_label_missing(label: str, rows: int) -> str:
    return (f"A列の1〜{rows}行目に「{label}」の欄がありません。A列に「{label}」、B列にその値を"
            f"入力してください。")


def info_value_missing(label: str) -> str:
    return f"「{label}」が空欄です。B列に入力してください。"


def unknown_department(code: str) -> str:
    return f"所管課コード「{code}」は計画マスタにありません。提出様式に記載の所管課コードを入力してください。"


def name_differs(kind: str, code: str, given: str, master: str) -> str:
    return (f"{kind}「{code}」の名称「{given}」が計画マスタの「{master}」と異なります。"
            f"計画マスタの名称で取り込みます。")


# --- 取組実績 -----------------------------------------------------------------

def unknown_action(code: str) -> str:
    return f"事業コード「{code}」は計画マスタにありません。提出様式に記載の事業コードを使ってください。"


def inactive_action(code: str, name: str, year: int, start: int, end: int | None) -> str:
    period = f"{start}年度〜{end}年度" if end else f"{start}年度〜"
    return (f"事業「{code} {name}」は{year}年度の実施期間外です（実施期間 {period}）。"
            f"この行を削除するか、事業コードを確認してください。")


def duplicate_row(headers, values, first_cell: str) -> str:
    """Rows repeating a unique key: 指標コード「I01」・実績年度「2024」が重複しています…"""
    what = "・".join(f"{h}「{v}」" for h, v in zip(headers, values))
    return f"{what}が重複しています（{first_cell}と同じ）。1行にまとめてください。"


def result_required() -> str:
    return "「取組実績」が空欄です。実施状況が「未実施」以外のときは、実施した内容を入力してください。"


def revision_required(direction: str) -> str:
    return f"今後の方向性が「{direction}」のときは「見直し内容」が必要です。見直しの内容を入力してください。"


def other_department_action(code: str, owner: str) -> str:
    return f"事業「{code}」の所管課は{owner}です。他課の事業を報告していないか確認してください。"


def action_not_reported(code: str, name: str) -> str:
    return f"{name}（{code}）はこの年度の実施期間中ですが、取組実績に行がありません。"


# --- 指標実績 -----------------------------------------------------------------

def unknown_indicator(code: str) -> str:
    return f"指標コード「{code}」は計画マスタにありません。提出様式に記載の指標コードを使ってください。"


def percent_format_unknown(value) -> str:
    return (f"実績値「{value}」の表示形式（％表示かどうか）を読み取れなかったため、"
            f"{value} と {value}% のどちらの意味か判断できません。"
            f"「12.5%」のように％を付けた文字で入力するか、ファイルを保存し直して提出してください。")


def value_not_reported(code: str, name: str) -> str:
    return (f"指標「{code} {name}」の実績値が未報告です（空欄・未把握）。"
            f"値が把握でき次第、再提出してください。")


def future_actual_year(year: int, fiscal_year: int) -> str:
    return (f"実績年度{year}年度は提出年度（{fiscal_year}年度）より後です。"
            f"実績値が何年度の値か確認してください。")


# --- 計画マスタ ---------------------------------------------------------------

def broken_reference(header: str, code: str, sheet: str) -> str:
    return f"{header}「{code}」はシート「{sheet}」にありません。先に「{sheet}」に登録してください。"


def base_inventory_years(years: list[int]) -> str:
    if not years:
        return "区分「基準」の行がありません。基準年度の排出量を入力してください。"
    return (f"区分「基準」の年度が複数あります（{', '.join(map(str, years))}年度）。"
            f"基準年度は1つにしてください。")


def removal_positive(value: str) -> str:
    return f"森林吸収は吸収量のため負の値で入力してください（「{value}」→「△{value}」）。"


def target_equals_base() -> str:
    return "目標値が基準値と同じです。達成率を計算できないため、目標値を確認してください。"


def target_year_not_after_base(base: int, target: int) -> str:
    return f"目標年度（{target}年度）が基準年度（{base}年度）より後になっていません。"


def end_before_start(start: int, end: int) -> str:
    return f"終了年度（{end}年度）が開始年度（{start}年度）より前です。"


NO_MASTER = "計画マスタが読み込まれていません。先に計画マスタを読み込んでください（python -m pipeline master FILE）。"


def bad_contact_email(value: str) -> str:
    return (f"連絡先メール「{value}」はメールアドレスとして読めません（例: zero-carbon@city.example.jp）。"
            "この所管課には督促メールの宛先がないものとして扱います。")
