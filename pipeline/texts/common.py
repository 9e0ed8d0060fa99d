"""Japanese wording shared by every area: fiscal-year names."""
from __future__ import annotations


def era_year(fiscal_year: int) -> str:
    """The Japanese-era name of a FY: 2024 → 令和6年度, 2019 → 令和元年度, 2018 → 平成30年度."""
    if fiscal_year >= 2019:
        n, era = fiscal_year - 2018, "令和"
    elif fiscal_year >= 1989:
        n, era = fiscal_year - 1988, "平成"
    else:
        return f"{fiscal_year}年度"
    return f"{era}{'元' if n == 1 else n}年度"
