"""Japanese texts of pipeline.normalise.

The parsers raise ValueError with these messages; the validator normally
writes its own cell-specific message, but a message that does surface (a log,
a traceback in a test) is still Japanese and says what was expected.
"""
from __future__ import annotations


def not_a_year(value: object) -> str:
    return (f"「{value}」は年度として読み取れません。"
            "「2024」「2024年度」「令和6年度」「R6」のように入力してください。")


def inconsistent_year(western: int, era_year: int) -> str:
    return (f"西暦（{western}年度）と和暦（{era_year}年度に相当）が一致しません。"
            "どちらか一方に揃えて入力してください。")


def year_out_of_range(year: int) -> str:
    return f"年度「{year}」は範囲外です。1900〜2200の年度を入力してください。"


def not_a_number(value: object) -> str:
    return (f"「{value}」は数値として読み取れません。"
            "「1234」「1,234」「△12」「12.5%」のように数値を入力してください。")


def not_an_integer(value: object) -> str:
    return f"「{value}」は整数ではありません。小数を含まない整数を入力してください。"


def not_a_choice(value: object, choices: tuple[str, ...] | list[str]) -> str:
    return (f"「{value}」は選択肢にありません。"
            f"次のいずれかを入力してください：{' / '.join(choices)}")
