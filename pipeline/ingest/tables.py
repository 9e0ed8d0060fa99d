"""Turning a sheet grid into typed rows, one contract table at a time.

Shared by the master and the submission validators: locating the header row,
mapping columns by header text (order free), skipping blank rows and parsing
each cell by its column kind.  Cross-sheet rules live in the validators, not
here; `parse_sheets` reads several sheets of a reference workbook (the master,
the emission factors) at once, each with its unique key checked.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from pipeline.ingest import contract
from pipeline.ingest import normalise
from pipeline.ingest.contract import Column, TableSheet
from pipeline.ingest.problems import Problem
from pipeline.ingest.reader import RawWorkbook, SheetGrid
from pipeline.texts import validation as txt


def cell_ref(row: int, col: int) -> str:
    """A1 reference of 0-based (row, col)."""
    return f"{get_column_letter(col + 1)}{row + 1}"


class ParsedRow:
    """One data row: parsed values by field, located by (row, column).

    `cells` (field -> A1 reference) and `raw` (field -> cell value as read)
    are computed on demand from the sheet row: most rows never need them.
    """
    __slots__ = ("row", "values", "ok", "_source", "_columns", "_grid", "_percent")

    def __init__(self, row: int, values: dict | None = None, *, source: list | None = None,
                 columns: dict | None = None, grid: SheetGrid | None = None):
        self.row = row                         # 1-based row number in the sheet
        self.values = {} if values is None else values   # field -> parsed value
        self.ok = True
        self._source = source if source is not None else []
        self._columns = columns if columns is not None else {}  # field -> (col, letters)
        self._grid = grid
        self._percent = None

    @property
    def percent(self) -> set | frozenset:
        """Fields whose cell has a percent number format (looked up on first use)."""
        if self._percent is None:
            cells = self._grid.percent_cells if self._grid is not None else _NO_FIELDS
            r = self.row - 1
            self._percent = ({f for f, (c, _) in self._columns.items() if (r, c) in cells}
                             if cells else _NO_FIELDS)
        return self._percent

    def has(self, field_name: str) -> bool:
        """Whether the field's column is present in the sheet."""
        return field_name in self._columns

    def cell(self, field_name: str) -> str:
        """A1 reference of the field's cell in this row (KeyError if absent)."""
        return f"{self._columns[field_name][1]}{self.row}"

    def ref(self, field_name: str, default: str | None = None) -> str | None:
        """A1 reference of the field's cell, or `default` when the column is absent."""
        column = self._columns.get(field_name)
        return default if column is None else f"{column[1]}{self.row}"

    @property
    def cells(self) -> dict[str, str]:
        return {f: f"{letters}{self.row}" for f, (_, letters) in self._columns.items()}

    @property
    def raw(self) -> dict:
        source, n = self._source, len(self._source)
        return {f: (source[c] if c < n else "") for f, (c, _) in self._columns.items()}

    def __repr__(self) -> str:
        return f"ParsedRow(row={self.row}, values={self.values!r}, ok={self.ok})"


_NO_FIELDS: frozenset = frozenset()


@dataclass
class ParsedTable:
    sheet: str
    header_row: int | None
    rows: list[ParsedRow]
    problems: list[Problem]


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


class _Invalid(Exception):
    """A cell value that parsed but breaks its column's rule; carries the message."""


@functools.lru_cache(maxsize=256)     # contract columns are few and immutable
def _column_parser(column: Column):
    """A function parsing one non-blank cell of `column`.

    It returns the parsed value (None for "nothing to store") and raises
    ValueError for unreadable input or _Invalid(message) for a rule break.
    The fast paths give exactly what the generic normalise functions give.
    """
    kind = column.kind
    header = column.header
    if kind == "code":
        code_of_text = normalise._code_of_text
        normalise_code = normalise.normalise_code

        def parse(value):
            if value.__class__ is str and len(value) <= normalise._CACHED_TEXT_CHARS:
                return code_of_text(value)
            return normalise_code(value)
    elif kind == "text":
        clean_text = normalise.clean_text
        limit = contract.MAX_CELL_CHARS
        edge = normalise._INVISIBLE

        def parse(value):
            if value.__class__ is str and not (value[0].isspace() or value[-1].isspace()
                                               or value[0] in edge or value[-1] in edge):
                text = value      # nothing to strip: clean_text would return it as is
            else:
                text = clean_text(value)
            if text is not None and len(text) > limit:
                raise _Invalid(txt.too_long(header, len(text), limit))
            return text
    elif kind == "year":
        parse = normalise.parse_year
    elif kind in ("number", "amount", "int", "measured"):
        parse_number = normalise.parse_number
        isfinite = math.isfinite
        negative_ok = kind != "amount"

        def number_of(value):
            cls = value.__class__
            if cls is float:
                if isfinite(value):
                    return value
            elif cls is int:
                return float(value)
            return parse_number(value)

        if kind == "int":
            def parse(value):
                number = number_of(value)
                if number is None:
                    return None
                if number < 0 or number != int(number):
                    raise _Invalid(txt.not_whole(header, _display(value)))
                return int(number)
        elif kind == "measured":
            is_not_reported = normalise.is_not_reported

            def parse(value):
                if value.__class__ is not float and is_not_reported(value):
                    return None
                return number_of(value)
        else:
            def parse(value):
                number = number_of(value)
                if not negative_ok and number is not None and number < 0:
                    raise _Invalid(txt.negative(header, _display(value)))
                return number
    elif kind == "choice":
        choices = column.choices
        index = normalise._choice_index(tuple(choices))
        key_of_text = normalise._choice_key_of_text
        normalise_choice = normalise.normalise_choice

        def parse(value):
            if value.__class__ is str and len(value) <= normalise._CACHED_TEXT_CHARS:
                found = index.get(key_of_text(value))
                if found is not None:
                    return found
            return normalise_choice(value, choices)
    elif kind == "mark":
        marks = {normalise.nfkc(m) for m in column.choices} | {"○", "〇", "◯", "O"}

        def parse(value):
            if normalise.nfkc(value) in marks:
                return True
            raise _Invalid(txt.bad_mark(header, _display(value), column.choices[0]))
    else:  # pragma: no cover - contract defines the kinds
        raise AssertionError(kind)
    return parse


def _bad_value(column: Column, value) -> str:
    """The message for a cell whose parser raised ValueError."""
    shown = _display(value)
    kind = column.kind
    if kind == "year":
        return txt.bad_year(column.header, shown)
    if kind == "choice":
        return txt.bad_choice(column.header, shown, column.choices)
    if kind == "int":
        return txt.not_whole(column.header, shown)
    return txt.bad_number(column.header, shown)


def _all_blank(cells: list) -> bool:
    for v in cells:
        if v is None:
            continue
        if v.__class__ is not str or v.strip():
            return False
    return True


@functools.lru_cache(maxsize=64)
def _header_index(table: TableSheet) -> dict[str, Column]:
    return {normalise.nfkc(c.header): c for c in table.columns}


def parse_table(grid: SheetGrid, table: TableSheet) -> ParsedTable:
    problems: list[Problem] = []
    header = find_header(grid, table.key)
    if header is None:
        problems.append(Problem(table.name, None, txt.header_not_found(
            table.name, table.key, contract.HEADER_SEARCH_ROWS)))
        return ParsedTable(table.name, None, [], problems)
    positions: dict[str, int] = {}
    by_text = _header_index(table)
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

    present = [col for col in table.columns if col.field in positions]
    columns = {col.field: (positions[col.field], get_column_letter(positions[col.field] + 1))
               for col in present}
    # (field, column index, parser, column, required) in contract order
    plan = [(col.field, positions[col.field], _column_parser(col), col, col.required)
            for col in present]
    sheet = table.name
    rows: list[ParsedRow] = []
    required_problems: list[Problem] = []
    grid_rows = grid.rows
    for r in range(header + 1, len(grid_rows)):
        cells = grid_rows[r]
        if _all_blank(cells):
            continue
        n = len(cells)
        values = {}
        any_value = False
        ok = True
        missing = None        # required fields left blank in this row
        for field_name, c, parse, column, required in plan:
            value = cells[c] if c < n else ""
            if value is None or (value.__class__ is str and not value.strip()):
                values[field_name] = None
                if required:
                    (missing := missing or []).append(column)
                continue
            try:
                parsed = parse(value)
            except ValueError:
                message = _bad_value(column, value)
            except _Invalid as exc:
                message = exc.args[0]
            else:
                values[field_name] = parsed
                if parsed is not None:
                    any_value = True
                continue
            values[field_name] = None
            problems.append(Problem(sheet, cell_ref(r, c), message, value=_display(value)))
            ok = False
        if not any_value:
            continue  # a row blank in every contract column (notes beside the table)
        row = ParsedRow(r + 1, values, source=cells, columns=columns, grid=grid)
        # Required-ness is checked after blank-row skipping so partial rows get
        # errors; those problems follow every cell problem of the table.
        if missing:
            for column in missing:
                allowed = " / ".join(column.choices) if column.choices else ""
                required_problems.append(Problem(sheet, row.cell(column.field),
                                                 txt.required(column.header, allowed)))
            ok = False
        row.ok = ok
        rows.append(row)
    problems.extend(required_problems)
    return ParsedTable(table.name, header + 1, rows, problems)


@dataclass
class ParsedSheets:
    """Several sheets of one workbook, each parsed as its contract table."""
    tables: dict[str, ParsedTable]

    def rows(self, name: str) -> list[ParsedRow]:
        table = self.tables.get(name)
        return table.rows if table is not None else []

    def counts(self) -> dict[str, int]:
        return {name: len(t.rows) for name, t in self.tables.items()}

    def unreadable(self, sheets) -> set[str]:
        """Of `sheets`, those missing or without a usable header row: their own error is
        enough, no broken-reference error for every row pointing into them."""
        return {t.name for t in sheets if t.name not in self.tables
                or not (self.tables[t.name].rows or not self.tables[t.name].problems)}


def parse_sheets(book: RawWorkbook, sheets, problems: list[Problem]) -> ParsedSheets:
    """Parse each of `sheets` (TableSheets) in `book`, adding to `problems` a missing sheet,
    every bad cell and every repeat of a sheet's unique key.  Rows with a bad cell are kept
    (their codes still count for references): all errors at once."""
    tables = {}
    for table in sheets:
        grid = book.sheets.get(table.name)
        if grid is None:
            problems.append(Problem(table.name, None, txt.missing_sheet(table.name)))
            continue
        parsed = parse_table(grid, table)
        problems.extend(parsed.problems)
        tables[table.name] = parsed
        check_unique(table, parsed, problems)
    return ParsedSheets(tables)


def check_unique(table: TableSheet, parsed: ParsedTable, problems: list[Problem]) -> None:
    """A row repeating the unique key of an earlier one (`table.unique`) is an error."""
    if not table.unique:
        return
    fields = [table.column(h).field for h in table.unique]
    seen: dict[tuple, str] = {}
    for r in parsed.rows:
        key = tuple(r.values.get(f) for f in fields)
        if any(k is None for k in key):
            continue
        ref = r.cell(fields[0])
        if key in seen:
            problems.append(Problem(table.name, ref, txt.duplicate_row(table.unique, key, seen[key])))
        else:
            seen[key] = ref
