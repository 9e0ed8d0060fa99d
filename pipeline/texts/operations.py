"""Japanese messages of the city's own operations (事務事業編): master sheets, the
emission factor workbook (排出係数表) and the エネルギー使用量 sheet."""
from __future__ import annotations

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
