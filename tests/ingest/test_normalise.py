"""pipeline.ingest.normalise: every spelling of data contract section 3, and properties."""
from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from pipeline.ingest import contract, normalise
from pipeline.ingest.normalise import (
    clean_text, fiscal_year_of, is_blank, is_not_reported, nfkc, normalise_choice,
    normalise_code, parse_int, parse_number, parse_year,
)

FAST = settings(max_examples=200, deadline=None)

FULL_WIDTH = str.maketrans("0123456789,.+-%eE()", "０１２３４５６７８９，．＋－％ｅＥ（）")


def full_width(text: str) -> str:
    return text.translate(FULL_WIDTH)


# --- years ---------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    (2024, 2024),
    (2024.0, 2024),
    ("2024", 2024),
    (" 2024 ", 2024),
    ("2024.0", 2024),
    ("２０２４", 2024),
    ("2024年度", 2024),
    ("2024年", 2024),
    ("２０２４年度", 2024),
    ("FY2024", 2024),
    ("令和6年度", 2024),
    ("令和6年", 2024),
    ("令和6", 2024),
    ("令和６年度", 2024),
    ("令和 6 年度", 2024),
    ("\u3000令和６年度\u3000", 2024),
    ("R6", 2024),
    ("r6", 2024),
    ("R6年度", 2024),
    ("R 6", 2024),
    ("R.6", 2024),
    ("R06", 2024),
    ("Ｒ６", 2024),
    ("ｒ６年度", 2024),
    ("令和元年度", 2019),
    ("令和元年", 2019),
    ("R元", 2019),
    ("平成31年度", 2019),
    ("平成元年度", 1989),
    ("H30", 2018),
    ("h30年度", 2018),
    ("Ｈ３０", 2018),
    ("平成32年度", 2020),
    ("平成40年度", 2028),
    ("昭和64年", 1989),
    ("S60", 1985),
    ("令和12(2030)年度", 2030),
    ("令和１２（２０３０）年度", 2030),
    ("令和12年度(2030年度)", 2030),
    ("2030年度(令和12年度)", 2030),
    ("2030(R12)", 2030),
    ("2030年度（令和１２年度）", 2030),
    (dt.date(2025, 3, 31), 2024),
    (dt.date(2025, 4, 1), 2025),
    (dt.datetime(2025, 3, 31, 0, 0), 2024),
    (dt.datetime(2024, 4, 1, 9, 30), 2024),
    ("2025-03-31", 2024),
    ("2025/3/31", 2024),
    ("2025/4/1", 2025),
    ("2025.4.1", 2025),
    ("2025-03-31 00:00:00", 2024),
    ("2025年3月31日", 2024),
    ("２０２５／３／３１", 2024),
])
def test_parse_year_spellings(value, expected):
    assert parse_year(value) == expected


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000", "\u200b"])
def test_parse_year_blank(value):
    assert parse_year(value) is None


@pytest.mark.parametrize("value", [
    "令和12(2031)年度", "2030年度(令和11年度)",                  # inconsistent
    "abc", "令和", "R", "6年度", "令和0年度", "R0", "2024年度度", "20245",
    "2025-02-30", "2025/13/1", 2024.5, True, float("nan"), float("inf"),
    1899, 2201, "1800", "X6", "令和6年度です", "2024-2025",
])
def test_parse_year_rejects(value):
    with pytest.raises(ValueError):
        parse_year(value)


def test_fiscal_year_of():
    assert fiscal_year_of(dt.date(2025, 3, 31)) == 2024
    assert fiscal_year_of(dt.date(2025, 4, 1)) == 2025
    assert fiscal_year_of(dt.date(2025, 1, 1)) == 2024
    assert fiscal_year_of(dt.date(2024, 12, 31)) == 2024


def test_is_missing_is_none_nan_na_and_nat():
    import decimal

    import numpy as np
    import pandas as pd
    for value in (None, float("nan"), np.float64("nan"), np.float32("nan"), decimal.Decimal("NaN"),
                  pd.NA, pd.NaT):
        assert normalise.is_missing(value), value
    for value in (0, 0.0, "", "nan", False, np.int64(3), decimal.Decimal("1.5"), pd.Timestamp(2024, 1, 1),
                  dt.date(2024, 1, 1)):
        assert not normalise.is_missing(value), value


def test_reporting_year_is_the_fy_before_the_current_one():
    assert normalise.reporting_year(dt.date(2026, 11, 28)) == 2025
    assert normalise.reporting_year(dt.date(2026, 3, 31)) == 2024
    assert normalise.reporting_year(dt.date(2026, 4, 1)) == 2025


def _era_spellings(era_words, era_year: int):
    number = "元" if era_year == 1 else str(era_year)
    numbers = {number, full_width(number), str(era_year)}
    return [f"{word}{n}{suffix}" for word in era_words for n in numbers
            for suffix in ("", "年", "年度")]


@FAST
@given(year=st.integers(1989, 2100), spaced=st.booleans())
def test_property_heisei_spellings(year, spaced):
    # Heisei 32 and later never existed but appear in documents written before
    # the era change; the arithmetic holds.
    for text in _era_spellings(("平成", "H", "h", "Ｈ"), year - 1988):
        if spaced:
            text = f" {text[:-1]} {text[-1]}\u3000"
        assert parse_year(text) == year, text


@FAST
@given(year=st.integers(2019, 2100), spaced=st.booleans())
def test_property_reiwa_spellings(year, spaced):
    for text in _era_spellings(("令和", "R", "r", "Ｒ", "ｒ"), year - 2018):
        if spaced:
            text = f"\u3000{text[0]} {text[1:]} "
        assert parse_year(text) == year, text
    combined = f"令和{year - 2018}({year})年度"
    assert parse_year(combined) == year
    assert parse_year(full_width(combined)) == year
    assert parse_year(f"{year}年度(令和{year - 2018}年度)") == year


@FAST
@given(year=st.integers(1900, 2200))
def test_property_western_spellings(year):
    for text in (str(year), f"{year}年度", f"{year}年", full_width(str(year)) + "年度"):
        assert parse_year(text) == year
    assert parse_year(year) == year
    assert parse_year(float(year)) == year


@FAST
@given(d=st.dates(dt.date(1901, 1, 1), dt.date(2199, 12, 31)))
def test_property_date_to_fiscal_year(d):
    expected = d.year if d.month >= 4 else d.year - 1
    assert fiscal_year_of(d) == expected
    assert parse_year(d) == expected
    assert parse_year(dt.datetime.combine(d, dt.time(13, 5))) == expected
    assert parse_year(d.isoformat()) == expected
    assert parse_year(f"{d.year}/{d.month}/{d.day}") == expected


# --- numbers -------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    (1234, 1234.0),
    (1234.5, 1234.5),
    (Decimal("1.5"), 1.5),
    ("1234", 1234.0),
    ("1,234", 1234.0),
    ("1,234,567.25", 1234567.25),
    ("１，２３４", 1234.0),
    ("１２３４．５", 1234.5),
    ("1234.5", 1234.5),
    (" 1234.5 ", 1234.5),
    ("\u3000１２３\u3000", 123.0),
    ("1 234", 1234.0),
    ("△12", -12.0),
    ("▲12", -12.0),
    ("△ 1,234.5", -1234.5),
    ("-12", -12.0),
    ("−12", -12.0),
    ("－12", -12.0),
    ("+12", 12.0),
    ("0", 0.0),
    ("0.5", 0.5),
    (".5", 0.5),
    ("1e3", 1000.0),
    ("1.5E-3", 0.0015),
    ("12.5%", 12.5),
    ("12.5％", 12.5),
    ("１２．５％", 12.5),
    ("△0.5%", -0.5),
    ("1,234.5%", 1234.5),
])
def test_parse_number_spellings(value, expected):
    assert parse_number(value) == expected


@pytest.mark.parametrize("value, expected", [
    (0.125, 12.5),      # a cell typed 12.5% in Excel
    (12.5, 1250.0),     # a number in a percent-formatted cell is a fraction
    (0.07, 7.0),        # float noise 7.000000000000001 rounded away
    (1, 100.0),
    ("12.5%", 12.5),    # text already is the percent value
    ("12.5", 12.5),
    (None, None),
])
def test_parse_number_percent_format(value, expected):
    assert parse_number(value, percent_format=True) == expected


@pytest.mark.parametrize("value", [None, "", " ", "\u3000\u3000", "\u200b"])
def test_parse_number_blank(value):
    assert parse_number(value) is None


@pytest.mark.parametrize("value", [
    "abc", "1,,2", "1,2345", "12,34", ",123", "1,234,", "1.2.3", "12%%", "%",
    "△", "-", "△-12", "--12", "12-", "12円", "約12", "nan", "NaN", "inf",
    "-inf", "Infinity", "1e", "0x10", True, False, float("nan"), float("inf"),
    "未把握", "－", dt.date(2024, 4, 1), [1],
])
def test_parse_number_rejects(value):
    with pytest.raises(ValueError):
        parse_number(value)


def test_parse_int():
    assert parse_int("1,234") == 1234
    assert parse_int(12.0) == 12
    assert parse_int("１２") == 12
    assert parse_int("△3") == -3
    assert parse_int(None) is None
    assert parse_int("  ") is None
    for bad in ("12.5", 12.5, "abc", True):
        with pytest.raises(ValueError):
            parse_int(bad)


finite = st.one_of(
    st.integers(-10**12, 10**12),
    st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False),
)
padding = st.sampled_from(["", " ", "  ", "\u3000", " \u3000", "\u00a0"])


@FAST
@given(x=finite, minus=st.sampled_from(["-", "△", "▲", "−", "－"]),
       wide=st.booleans(), before=padding, after=padding)
def test_property_number_text_round_trip(x, minus, wide, before, after):
    body = format(abs(x), ",")
    if wide:
        body = full_width(body)
    text = before + (minus if x < 0 else "") + body + after
    assert math.isclose(parse_number(text), x, rel_tol=1e-12, abs_tol=0.0), text
    assert parse_number(x) == float(x)


@FAST
@given(x=st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False),
       sign=st.sampled_from(["%", "％"]))
def test_property_percent_text_round_trip(x, sign):
    assert math.isclose(parse_number(f"{x}{sign}"), x, rel_tol=1e-12)
    assert math.isclose(parse_number(f"{x:,}{sign}"), x, rel_tol=1e-12)


@FAST
@given(k=st.integers(-10**9, 10**9))
def test_property_percent_format_cell(k):
    percent = k / 1000              # 12.345 (%) typed into a percent cell
    stored = percent / 100          # Excel stores 0.12345
    assert math.isclose(parse_number(stored, percent_format=True), percent,
                        rel_tol=1e-12, abs_tol=1e-9)


# --- codes, choices, text --------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("A-101", "A-101"),
    (" a-101 ", "A-101"),
    ("ａ－１０１", "A-101"),
    ("Ａ １０１", "A101"),
    ("\u3000ab\u200bc\u3000", "ABC"),
    (101, "101"),
    (101.0, "101"),
    ("101", "101"),
    ("ｶ-1", "カ-1"),
    (None, None),
    ("", None),
    ("\u3000", None),
])
def test_normalise_code(value, expected):
    assert normalise_code(value) == expected


@pytest.mark.parametrize("value, choices, expected", [
    ("A", contract.SELF_EVALUATIONS, "A"),
    ("a", contract.SELF_EVALUATIONS, "A"),
    ("Ａ", contract.SELF_EVALUATIONS, "A"),
    ("ａ", contract.SELF_EVALUATIONS, "A"),
    (" B\u3000", contract.SELF_EVALUATIONS, "B"),
    ("−", contract.SELF_EVALUATIONS, "−"),
    ("休止・廃止", contract.DIRECTIONS_NEXT, "休止・廃止"),
    ("休止･廃止", contract.DIRECTIONS_NEXT, "休止・廃止"),
    (" 継続 ", contract.DIRECTIONS_NEXT, "継続"),
    ("大学・研究機関", contract.STAKEHOLDER_TYPES, "大学・研究機関"),
    ("ｾﾞﾛｶｰﾎﾞﾝｼﾃｨ共創推進プラットフォーム", contract.STAKEHOLDER_TYPES,
     "ゼロカーボンシティ共創推進プラットフォーム"),
    ("増加", contract.INDICATOR_DIRECTIONS, "増加"),
    (None, contract.SELF_EVALUATIONS, None),
    ("  ", contract.SELF_EVALUATIONS, None),
])
def test_normalise_choice(value, choices, expected):
    assert normalise_choice(value, choices) == expected


@pytest.mark.parametrize("dash", [*contract.DASHES, "ｰ", " - ", "\u3000－\u3000"])
def test_any_dash_is_not_evaluable(dash):
    assert normalise_choice(dash, contract.SELF_EVALUATIONS) == contract.NOT_EVALUABLE


@pytest.mark.parametrize("value, choices", [
    ("E", contract.SELF_EVALUATIONS),
    ("AB", contract.SELF_EVALUATIONS),
    ("-", contract.DIRECTIONS_NEXT),        # the dash rule only where − is a choice
    ("休止/廃止", contract.DIRECTIONS_NEXT),
    ("実 施", contract.IMPLEMENTATION_STATUSES),
    ("なし", contract.IMPLEMENTATION_STATUSES),
])
def test_normalise_choice_rejects(value, choices):
    with pytest.raises(ValueError):
        normalise_choice(value, choices)


@FAST
@given(choice=st.sampled_from(
    contract.SELF_EVALUATIONS + contract.DIRECTIONS_NEXT + contract.STAKEHOLDER_TYPES
    + contract.IMPLEMENTATION_STATUSES),
    before=padding, after=padding)
def test_property_choice_variants(choice, before, after):
    all_choices = (contract.SELF_EVALUATIONS + contract.DIRECTIONS_NEXT
                   + contract.STAKEHOLDER_TYPES + contract.IMPLEMENTATION_STATUSES)
    wide = choice.translate(str.maketrans("ABCD2O", "ＡＢＣＤ２Ｏ"))
    for variant in (choice, choice.lower(), wide, before + choice + after):
        assert normalise_choice(variant, all_choices) == choice


@pytest.mark.parametrize("value, expected", [
    (None, None),
    ("", None),
    ("   ", None),
    ("\u3000\u00a0", None),
    ("  取組を実施した。\u3000", "取組を実施した。"),
    ("ＡＢＣ", "ＡＢＣ"),                 # free text keeps its width
    ("a\n b", "a\n b"),
    (12.0, "12"),
    (12.5, "12.5"),
    (7, "7"),
    (dt.datetime(2025, 3, 31), "2025-03-31"),
    (dt.date(2025, 3, 31), "2025-03-31"),
    ("\ufeff本文\u200b", "本文"),
])
def test_clean_text(value, expected):
    assert clean_text(value) == expected


def test_nfkc():
    assert nfkc("  ＡＢＣ１２３ ") == "ABC123"
    assert nfkc("ｶﾞ") == "ガ"
    assert nfkc("\ufeffA\u200bB") == "AB"
    assert nfkc("休止･廃止") == "休止・廃止"
    assert nfkc(12) == "12"
    assert nfkc(None) == ""


@pytest.mark.parametrize("value, expected", [
    (None, True), ("", True), ("  ", True), ("\u3000", True),
    ("未把握", True), (" 未把握 ", True), ("－", True), ("-", True), ("―", True),
    ("−", True), ("ー", True), ("—", True),
    ("0", False), (0, False), (0.0, False), ("12", False), ("不明です", False),
])
def test_is_not_reported(value, expected):
    assert is_not_reported(value) is expected


@pytest.mark.parametrize("value, expected", [
    (None, True), ("", True), (" \u3000\t\n", True), ("\u200b", True),
    ("x", False), (0, False), (0.0, False), (False, False),
])
def test_is_blank(value, expected):
    assert is_blank(value) is expected


@FAST
@given(text=st.text(max_size=20))
def test_property_parsers_only_raise_value_error(text):
    for parse in (parse_year, parse_number, parse_int, normalise_code, clean_text,
                  is_not_reported, lambda v: normalise_choice(v, contract.SELF_EVALUATIONS)):
        try:
            parse(text)
        except ValueError:
            pass


def test_squeeze_and_ascii_upper_match_the_character_rules():
    """The fast forms: every Unicode whitespace and the invisible characters go, only a–z change case."""
    from pipeline.ingest import normalise as n
    everything = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i <= 0xDFFF)
    assert n._squeeze(everything) == "".join(ch for ch in everything
                                              if not ch.isspace() and ch not in n._INVISIBLE)
    assert n._ascii_upper(everything) == "".join(ch.upper() if ch.isascii() else ch for ch in everything)


def test_a_huge_text_is_not_a_number_and_costs_little():
    import resource
    text = "x1" * 5_000_000                               # a 10-million-character cell
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for parse in (parse_number, parse_year):
        with pytest.raises(ValueError):
            parse(text)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 150, grown_mb                       # was ~700 MB (a list of 10 M characters)
