"""Japanese messages of the emission factor workbook (排出係数表) and its command."""
from __future__ import annotations

HELP_FACTORS = "排出係数表を検証して読み込む（事務事業編）"
NO_FACTORS = ("排出係数表が読み込まれていません。エネルギー使用量を取り込む前に、本部が排出係数表を"
              "読み込んでください（python -m pipeline factors FILE）。")


def _n(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def gwp_not_positive(value) -> str:
    return f"地球温暖化係数「{_n(value)}」は使えません。0より大きい数値を入力してください（CO2は1）。"


def ratio_not_positive(value) -> str:
    return (f"基準単位あたり「{_n(value)}」は使えません。0より大きい数値を入力してください"
            f"（例: 千kWh → 1000）。")


def base_unit_ratio(base_unit: str) -> str:
    return f"単位「{base_unit}」は基準単位です。基準単位あたりは1にしてください（この行は不要です）。"


def factor_negative(value) -> str:
    return f"係数「{_n(value)}」は使えません。0以上の数値を入力してください（再エネメニューは0）。"


def menu_without_supplier() -> str:
    return "メニューは電気事業者とあわせて入力してください（電気事業者が空欄です）。"


def menu_on_fallback() -> str:
    return "代替値の行にはメニューを入力できません。メニューを空欄にしてください。"


def rejected(name: str, errors: int) -> str:
    return f"✗ 排出係数表 {name} を読み込めませんでした（エラー {errors} 件）。現在の排出係数表は変更されていません。"


def loaded(factor_id: int, rows: dict[str, int], years: list[int]) -> str:
    counts = "、".join(f"{k} {v}行" for k, v in rows.items())
    span = f"{years[0]}〜{years[-1]}年度" if years else "年度なし"
    return f"✓ 排出係数表を読み込みました（係数表版 {factor_id}: {counts}、{span}）。集計は新しい係数で再計算されます。"


def noop(factor_id: int) -> str:
    return f"＝ 同じ排出係数表が既に現行版です（係数表版 {factor_id}）。変更はありません。"
