"""Turning a sheet grid into typed rows, one contract table at a time.

Shared by the master and the submission validators: locating the header row,
mapping columns by header text (order free), skipping blank rows and parsing
each cell by its column kind.  Cross-row and cross-sheet rules live in the
validators, not here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from . import contract, normalise
from .contract import Column, TableSheet
from .problems import Problem
from .reader import SheetGrid
from .texts import validation as txt


def cell_ref(row: int, col: int) -> str:
    """A1 reference of 0-based (row, col)."""
    return f"{get_column_letter(col + 1)}{row + 1}"


@dataclass
class ParsedRow:
    row: int                                  # 1-based row number in the sheet
    values: dict = field(default_factory=dict)  # field -> parsed value
    cells: dict = field(default_factory=dict)   # field -> A1 reference
    raw: dict = field(default_factory=dict)     # field -> raw cell value
    percent: set = field(default_factory=set)   # fields whose cell has a % format
    ok: bool = True

    def cell(self, field_name: str) -> str:
        return self.cells[field_name]


@dataclass
class ParsedTable:
    sheet: str
    header_row: int | None
    rows: list[ParsedRow]
    problems: list[Problem]


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _display(value) -> str:
    text = normalise.clean_text(value) or ""
    return text if len(text) <= 60 else text[:57] + "…"


def find_header(grid: SheetGrid, key: str) -> int | None:
    wanted = normalise.nfkc(key)
    for r in range(min(contract.HEADER_SEARCH_ROWS, len(grid.rows))):
        for value in grid.rows[r]:
            if isinstance(value, str) and normalise.nfkc(value) == wanted:
                return r
    return None


def parse_table(grid: SheetGrid, table: TableSheet) -> ParsedTable:
    problems: list[Problem] = []
    header = find_header(grid, table.key)
    if header is None:
        problems.append(Problem(table.name, None, txt.header_not_found(
            table.name, table.key, contract.HEADER_SEARCH_ROWS)))
        return ParsedTable(table.name, None, [], problems)
    positions: dict[str, int] = {}
    by_text = {normalise.nfkc(c.header): c for c in table.columns}
    for c, value in enumerate(grid.rows[header]):
        if not isinstance(value, str):
            continue
        column = by_text.get(normalise.nfkc(value))
        if column is None:
            continue
        if column.field in positions:
            problems.append(Problem(table.name, cell_ref(header, c), txt.duplicate_column(
                column.header, cell_ref(header, positions[column.field]))))
            continue
        positions[column.field] = c
    for column in table.columns:
        if column.required and column.field not in positions:
            problems.append(Problem(table.name, None, txt.missing_column(column.header)))
    if problems:
        return ParsedTable(table.name, header + 1, [], problems)

    rows: list[ParsedRow] = []
    present = [(col, positions[col.field]) for col in table.columns if col.field in positions]
    for r in range(header + 1, len(grid.rows)):
        cells = grid.rows[r]
        if all(_is_blank(v) for v in cells):
            continue
        parsed = ParsedRow(r + 1)
        for column, c in present:
            value = cells[c] if c < len(cells) else ""
            ref = cell_ref(r, c)
            parsed.cells[column.field] = ref
            parsed.raw[column.field] = value
            if (r, c) in grid.percent_cells:
                parsed.percent.add(column.field)
            problem = _parse_cell(column, value, parsed)
            if problem is not None:
                problems.append(Problem(table.name, ref, problem, value=_display(value)))
                parsed.ok = False
        if all(v is None for v in parsed.values.values()):
            continue  # a row blank in every contract column (notes beside the table)
        rows.append(parsed)
    # Required-ness is checked after blank-row skipping so partial rows get errors.
    for parsed in rows:
        for column, _ in present:
            if column.required and parsed.values.get(column.field) is None \
                    and _is_blank(parsed.raw.get(column.field)):
                allowed = " / ".join(column.choices) if column.choices else ""
                problems.append(Problem(table.name, parsed.cells[column.field],
                                        txt.required(column.header, allowed)))
                parsed.ok = False
    return ParsedTable(table.name, header + 1, rows, problems)


def _parse_cell(column: Column, value, parsed: ParsedRow) -> str | None:
    """Store the parsed value; return an error message or None."""
    name = column.field
    parsed.values[name] = None
    if _is_blank(value):
        return None
    kind = column.kind
    try:
        if kind == "code":
            parsed.values[name] = normalise.normalise_code(value)
        elif kind == "text":
            text = normalise.clean_text(value)
            if text is not None and len(text) > contract.MAX_CELL_CHARS:
                return txt.too_long(column.header, len(text), contract.MAX_CELL_CHARS)
            parsed.values[name] = text
        elif kind == "year":
            parsed.values[name] = normalise.parse_year(value)
        elif kind in ("number", "amount"):
            number = normalise.parse_number(value)
            if kind == "amount" and number is not None and number < 0:
                return txt.negative(column.header, _display(value))
            parsed.values[name] = number
        elif kind == "int":
            number = normalise.parse_number(value)
            if number is not None and (number < 0 or number != int(number)):
                return txt.not_whole(column.header, _display(value))
            parsed.values[name] = None if number is None else int(number)
        elif kind == "measured":
            if normalise.is_not_reported(value):
                return None
            parsed.values[name] = normalise.parse_number(value)
        elif kind == "choice":
            parsed.values[name] = normalise.normalise_choice(value, column.choices)
        elif kind == "mark":
            text = normalise.nfkc(value)
            if text in (normalise.nfkc(m) for m in column.choices) or text in ("○", "〇", "◯", "O"):
                parsed.values[name] = True
            else:
                return txt.bad_mark(column.header, _display(value), column.choices[0])
        else:  # pragma: no cover - contract defines the kinds
            raise AssertionError(kind)
    except ValueError:
        shown = _display(value)
        if kind == "year":
            return txt.bad_year(column.header, shown)
        if kind == "choice":
            return txt.bad_choice(column.header, shown, column.choices)
        if kind == "int":
            return txt.not_whole(column.header, shown)
        return txt.bad_number(column.header, shown)
    return None
