"""Japanese messages of the submission sheet エネルギー使用量 (contract §8.3)."""
from __future__ import annotations

NO_FACILITIES = ("計画マスタに施設が登録されていないため、エネルギー使用量を受け付けられません。"
                 "シート「エネルギー使用量」を削除して提出するか、本部にお問い合わせください。")
NO_FACTORS = ("排出係数表が読み込まれていないため、エネルギー使用量を確認できません。"
              "本部が排出係数表を読み込んでから提出してください（python -m pipeline factors FILE）。")


def _period(start, end) -> str:
    if start and end:
        return f"{start}年度〜{end}年度"
    if end:
        return f"〜{end}年度"
    return f"{start}年度〜" if start else "期間の定めなし"


def unknown_facility(code: str) -> str:
    return f"施設コード「{code}」は計画マスタにありません。提出様式に記載の施設コードを使ってください。"


def other_department_facility(code: str, name: str, owner: str) -> str:
    return (f"施設「{code} {name}」は{owner}の施設です。自課の施設だけを報告してください"
            f"（所管が変わった場合は本部にご連絡ください）。")


def facility_not_in_use(code: str, name: str, year: int, start, end) -> str:
    return (f"施設「{code} {name}」は{year}年度に使用中ではありません（使用期間 {_period(start, end)}）。"
            f"この行を削除するか、施設コードを確認してください。")


def unknown_activity(value: str, allowed: list[str]) -> str:
    return f"「{value}」は活動区分として使えません。{' / '.join(allowed)} のいずれかを入力してください。"


def unit_not_allowed(value: str, activity: str, allowed: list[str]) -> str:
    return (f"単位「{value}」は{activity}には使えません。{' / '.join(allowed)} のいずれかを入力してください"
            f"（数値もその単位で入力してください）。")


def supplier_not_electric(activity: str) -> str:
    return f"電気事業者・メニューは電気の行だけに入力します。{activity}の行では使わずに取り込みます。"


def unknown_supplier(value: str) -> str:
    return (f"電気事業者「{value}」は排出係数表にありません。代替値で算定します。"
            f"請求書の事業者名を排出係数表のとおりに入力すると、事業者別の係数で算定されます。")


def unknown_menu(supplier: str, menu: str) -> str:
    return (f"{supplier}のメニュー「{menu}」は排出係数表にありません。"
            f"{supplier}の基礎的な係数（メニュー空欄の行）、なければ代替値で算定します。")


def menu_without_supplier() -> str:
    return "メニューだけが入力されています。電気事業者が空欄のため代替値で算定します。"


def months_missing(months: list[str]) -> str:
    return (f"{'・'.join(months)}が空欄です。入力された月の合計を年間の使用量として取り込みます。"
            f"使用がなかった月は0を入力してください。")


def annual_mismatch(annual: str, total: str, tolerance: float) -> str:
    return (f"年間使用量「{annual}」が4月〜3月の合計「{total}」と一致しません（許容差{tolerance:g}%）。"
            f"月別の値か年間使用量を直してください。")


def no_amount(code: str) -> str:
    return (f"施設「{code}」の行に使用量（4月〜3月・年間使用量）がありません。"
            f"この行は未報告として扱います。")


def jump(code: str, activity: str, amount: str, previous: str, unit: str, ratio: float, prev_year: int) -> str:
    times = f"{ratio:.0f}倍" if ratio >= 1 else f"{ratio:.2g}倍"
    return (f"施設「{code}」の{activity}の使用量 {amount} {unit} が{prev_year}年度（{previous} {unit}）の"
            f"{times}です。単位の誤り（千kWhとkWh、kLとLなど）がないか確認してください。")


def facility_not_reported(code: str, name: str) -> str:
    return (f"施設「{code} {name}」はこの年度に使用中ですが、エネルギー使用量に行がありません。"
            f"使用量を報告してください。")


def auto_value_ignored(code: str, name: str) -> str:
    return (f"指標「{code} {name}」は事務事業編から自動算定されるため、入力された実績値は使われません。"
            f"空欄にしてください。")
