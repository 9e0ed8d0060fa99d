"""Parsing the values people really type (data contract, section 3).

Plain functions, each taking a raw cell value as a reader returns it (None,
str, int, float, bool, date/datetime) and giving back the canonical Python
value, or raising ValueError when the value cannot be read.  Blank input gives
None everywhere.  The ValueError messages are Japanese (pipeline.texts) but
the validator normally writes its own, cell-specific message.
"""
from __future__ import annotations

import datetime as _dt
import functools
import math
import numbers
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal

from pipeline.ingest import contract
from pipeline.texts import normalise as texts

__all__ = [
    "clean_text", "nfkc", "normalise_code", "normalise_choice", "parse_year",
    "fiscal_year_of", "reporting_year", "is_missing", "parse_number", "parse_int", "is_not_reported", "is_blank",
]

# Invisible characters NFKC leaves alone: zero-width space/joiners, word
# joiner, BOM.  They sneak in through copy and paste from web pages and mail.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE_TABLE = str.maketrans("", "", _INVISIBLE)

_MIN_YEAR, _MAX_YEAR = 1900, 2200

_ERA_BASE = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988, "昭和": 1925, "S": 1925}


# --- helpers ----------------------------------------------------------------

def _is_number(value: object) -> bool:
    kind = type(value)
    if kind is float or kind is int:          # fast path: the common cell types
        return True
    return isinstance(value, (numbers.Real, Decimal)) and not isinstance(value, bool)


def _number_text(value: numbers.Real) -> str:
    """12.0 → "12", 12.5 → "12.5", 7 → "7"."""
    if isinstance(value, numbers.Integral):
        return str(int(value))
    f = float(value)
    if math.isfinite(f) and f.is_integer() and abs(f) < 1e16:
        return str(int(f))
    return repr(f)


def _to_str(value: object) -> str:
    if type(value) is str:
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if _is_number(value):
        return _number_text(value)
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return str(value)


def _strip(text: str) -> str:
    return text.strip().strip(_INVISIBLE).strip()


# str.translate and re.sub, not a join over characters: a 10-million-character cell (a
# hostile file) costs tens of MB this way instead of ~700 MB of one-character strings.
_ASCII_UPPER_TABLE = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_WHITESPACE = re.compile(r"\s+")          # \s on str patterns is exactly str.isspace()


def _ascii_upper(text: str) -> str:
    return text.translate(_ASCII_UPPER_TABLE)


def _squeeze(text: str) -> str:
    """Remove every whitespace and invisible character."""
    return _WHITESPACE.sub("", text.translate(_INVISIBLE_TABLE))


# --- missing values --------------------------------------------------------------

def is_missing(value: object) -> bool:
    """No value at all: None, a NaN (float, numpy or Decimal), pandas' NA or NaT.

    The one test for it, for query results and frames as much as for cells; every layer
    may import it (pandas is not needed to tell)."""
    if value is None:
        return True
    if isinstance(value, numbers.Number):
        return value != value
    return type(value).__name__ in ("NAType", "NaTType")


# --- text -------------------------------------------------------------------

def is_blank(value: object) -> bool:
    """True for None and for strings of nothing but (invisible) whitespace."""
    if value is None:
        return True
    if isinstance(value, str):
        if value and not value[0].isspace() and value[0] not in _INVISIBLE:
            return False                      # fast path: starts with a visible character
        return _strip(value.translate(_INVISIBLE_TABLE)) == ""
    return False


def clean_text(value: object) -> str | None:
    """Free text: stripped (incl. U+3000 and NBSP) but otherwise untouched.

    Integral floats read as "12", datetimes as an ISO date ("2025-03-31"; a
    non-midnight time is kept: "2025-03-31 09:30:00").
    """
    if is_blank(value):
        return None
    text = _strip(_to_str(value))
    return text or None


def nfkc(value: object) -> str:
    """str(value), NFKC-normalised, invisible characters removed, stripped."""
    if value is None:
        return ""
    if value.__class__ is str and len(value) <= _CACHED_TEXT_CHARS:
        return _nfkc_of_text(value)     # headers, labels, names: the same few texts
    text = unicodedata.normalize("NFKC", _to_str(value))
    return text.translate(_INVISIBLE_TABLE).strip()


@functools.lru_cache(maxsize=65536)
def _nfkc_of_text(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE_TABLE).strip()


def normalise_code(value: object) -> str | None:
    """A code (action, indicator, department…): " ａ－１０１ " → "A-101"."""
    if is_blank(value):
        return None
    if isinstance(value, str) and len(value) <= _CACHED_TEXT_CHARS:
        return _code_of_text(value)
    code = _ascii_upper(_squeeze(nfkc(value)))
    return code or None


# Codes and choices repeat across thousands of rows: cache the normalised
# form of short texts (pure functions of the text; see bench/ingest.py).
_CACHED_TEXT_CHARS = 256


@functools.lru_cache(maxsize=65536)
def _code_of_text(text: str) -> str | None:
    code = _ascii_upper(_squeeze(nfkc(text)))
    return code or None


_DASH_KEYS = frozenset(contract.DASHES) | {nfkc(d) for d in contract.DASHES} | {"ｰ", "\u2011", "\u2012", "\u2043", "\ufe63"}


def _choice_key(value: object) -> str:
    if isinstance(value, str) and len(value) <= _CACHED_TEXT_CHARS:
        return _choice_key_of_text(value)
    return _ascii_upper(nfkc(value))


@functools.lru_cache(maxsize=65536)
def _choice_key_of_text(text: str) -> str:
    return _ascii_upper(nfkc(text))


@functools.lru_cache(maxsize=256)
def _choice_index(choices: tuple[str, ...]) -> dict[str, str]:
    index: dict[str, str] = {}
    for choice in choices:
        index.setdefault(_choice_key(choice), choice)      # the first match wins
    return index


def normalise_choice(value: object, choices: Sequence[str]) -> str | None:
    """The member of `choices` NFKC-equal to `value` (ASCII case-insensitive).

    When the 評価不能 grade "−" is a choice, any dash means it.  Blank → None;
    no match → ValueError.
    """
    if is_blank(value):
        return None
    key = _choice_key(value)
    if isinstance(choices, tuple):
        found = _choice_index(choices).get(key)
        if found is not None:
            return found
    else:
        for choice in choices:
            if _choice_key(choice) == key:
                return choice
    if contract.NOT_EVALUABLE in choices and key in _DASH_KEYS:
        return contract.NOT_EVALUABLE
    raise ValueError(texts.not_a_choice(_to_str(value), tuple(choices)))


def is_not_reported(value: object) -> bool:
    """Blank, a dash, or one of the not-reported words such as 未把握."""
    if is_blank(value):
        return True
    if not isinstance(value, str):
        return False
    key = nfkc(value)
    return key in _NOT_REPORTED_KEYS or key in _DASH_KEYS


_NOT_REPORTED_KEYS = frozenset(nfkc(w) for w in contract.NOT_REPORTED_WORDS) - {""}


# --- years ------------------------------------------------------------------

def fiscal_year_of(d: _dt.date) -> int:
    """The Japanese FY (April–March, named by its starting year) of a date.

    The one rule for it: the reader, the upload page and the dashboard all use this."""
    return d.year if d.month >= 4 else d.year - 1


def reporting_year(today: _dt.date | None = None) -> int:
    """The FY being reported on now: reports on FY y are written in FY y + 1."""
    return fiscal_year_of(today or _dt.date.today()) - 1


_SUFFIX = r"(?:年度|年)?"
_ERA = r"(?P<era>令和|平成|昭和|[RHS])\.?(?P<n>元|\d{1,3})"
_WEST = r"(?:FY)?(?P<w>\d{4})"
_YEAR_PATTERNS = tuple(re.compile(p) for p in (
    rf"{_WEST}{_SUFFIX}",
    rf"{_ERA}{_SUFFIX}",
    rf"{_ERA}{_SUFFIX}\({_WEST}{_SUFFIX}\){_SUFFIX}",
    rf"{_WEST}{_SUFFIX}\({_ERA}{_SUFFIX}\){_SUFFIX}",
))
_DATE_PATTERNS = tuple(re.compile(p) for p in (
    r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:T?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?",
    r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日",
))
_DECIMAL_YEAR = re.compile(r"(?P<w>\d{4})\.0*")


def _check_year(year: int) -> int:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ValueError(texts.year_out_of_range(year))
    return year


def parse_year(value: object) -> int | None:
    """A fiscal year in any spelling of section 3 → int; blank → None."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(texts.not_a_year(value))
    if isinstance(value, _dt.datetime):
        return fiscal_year_of(value.date())
    if isinstance(value, _dt.date):
        return fiscal_year_of(value)
    if _is_number(value):
        f = float(value)
        if not math.isfinite(f) or not f.is_integer():
            raise ValueError(texts.not_a_year(value))
        return _check_year(int(f))
    if not isinstance(value, str):
        raise ValueError(texts.not_a_year(value))

    text = _ascii_upper(_squeeze(nfkc(value)))
    for pattern in _DATE_PATTERNS:
        m = pattern.fullmatch(text)
        if m:
            try:
                d = _dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                raise ValueError(texts.not_a_year(value)) from None
            return _check_year(fiscal_year_of(d))
    m = _DECIMAL_YEAR.fullmatch(text)
    if m:
        return _check_year(int(m["w"]))
    for pattern in _YEAR_PATTERNS:
        m = pattern.fullmatch(text)
        if not m:
            continue
        groups = m.groupdict()
        western = int(groups["w"]) if groups.get("w") else None
        era_year = None
        if groups.get("era"):
            n = 1 if groups["n"] == "元" else int(groups["n"])
            if n < 1:
                raise ValueError(texts.not_a_year(value))
            era_year = _ERA_BASE[groups["era"]] + n
        if western is not None and era_year is not None and western != era_year:
            raise ValueError(texts.inconsistent_year(western, era_year))
        return _check_year(western if western is not None else era_year)
    raise ValueError(texts.not_a_year(value))


# --- numbers ----------------------------------------------------------------

_MINUS_SIGNS = ("△", "▲", "-", "−")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_PLAIN = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:E[+-]?\d+)?")


def parse_number(value: object, *, percent_format: bool = False) -> float | None:
    """A number as people type it → float; blank → None.

    `percent_format`: the cell has a percent number format, so a numeric value
    0.125 means 12.5 (%).  Text such as "12.5%" already is the percent value.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(texts.not_a_number(value))
    if _is_number(value):
        f = float(value)
        if not math.isfinite(f):
            raise ValueError(texts.not_a_number(value))
        return round(f * 100, 10) if percent_format else f
    if not isinstance(value, str):
        raise ValueError(texts.not_a_number(value))

    text = _ascii_upper(_squeeze(nfkc(value)))
    negative = False
    if text[:1] in _MINUS_SIGNS:
        negative, text = True, text[1:]
    elif text[:1] == "+":
        text = text[1:]
    if text.endswith("%"):
        text = text[:-1]
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    elif not _PLAIN.fullmatch(text):
        raise ValueError(texts.not_a_number(value))
    f = float(text)
    if not math.isfinite(f):
        raise ValueError(texts.not_a_number(value))
    return -f if negative else f


def parse_int(value: object) -> int | None:
    """parse_number, then it must be a whole number (12.0 is, 12.5 is not)."""
    f = parse_number(value)
    if f is None:
        return None
    if not f.is_integer():
        raise ValueError(texts.not_an_integer(_to_str(value)))
    return int(f)
