"""Reading workbooks into plain grids of cell values.

python-calamine (Rust) reads the values: several times faster than openpyxl
and it reads .xlsx, .xlsm (macros are never run: they are not even parsed)
and legacy .xls alike.  Calamine does not expose number formats, so for the
few sheets where a percent-formatted cell changes the meaning of a number
(指標実績) we scan the cell styles ourselves: a streaming pass over that one
sheet's XML (.xlsx) or xlrd's format table (.xls).
"""
from __future__ import annotations

import functools
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Callable, Iterable
from xml.etree import ElementTree

import python_calamine

from pipeline.ingest import contract
from pipeline.ingest.normalise import nfkc
from pipeline.ingest.problems import RejectedFile
from pipeline.ingest.safety import harden_xml_parsers, inspect_file
from pipeline.texts import validation as txt

harden_xml_parsers()

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_BUILTIN_PERCENT_FORMATS = {9, 10}
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
_NS_MAIN_BYTES = _NS_MAIN[1:-1].encode()
_CELL_TAG = re.compile(rb"<c\s([^>]*)>")
_STYLE_ATTR = re.compile(rb'(?:^|\s)s\s*=\s*"([^"]*)"|(?:^|\s)s\s*=\s*\'([^\']*)\'')
_REF_ATTR = re.compile(rb'(?:^|\s)r\s*=\s*["\']([A-Z]+)(\d+)["\']')


class SheetGrid:
    """A sheet's values in absolute positions: rows[0][0] is cell A1.

    `percent_cells` — (row, col) of cells with a percent number format — may
    be given, or computed on first use by `percent_loader` (the style scan is
    needed only when a percent indicator has a numeric value).  A scan that
    fails leaves `percent_scan_failed` True and no percent cells: the
    validator then reports the cells whose meaning depends on it.
    """
    __slots__ = ("name", "rows", "_percent", "_percent_loader", "percent_scan_failed")

    def __init__(self, name: str, rows: list[list],
                 percent_cells: frozenset[tuple[int, int]] = frozenset(), *,
                 percent_loader: Callable[[], frozenset[tuple[int, int]]] | None = None):
        self.name = name
        self.rows = rows
        self._percent = None if percent_loader is not None else frozenset(percent_cells)
        self._percent_loader = percent_loader
        self.percent_scan_failed = False

    @property
    def percent_cells(self) -> frozenset[tuple[int, int]]:
        if self._percent is None:
            try:
                self._percent = self._percent_loader()
            except Exception:   # hostile styles/XML of any kind: recorded, never silent
                self._percent = frozenset()
                self.percent_scan_failed = True
            self._percent_loader = None
        return self._percent

    def __repr__(self) -> str:
        return f"SheetGrid(name={self.name!r}, rows={len(self.rows)})"

    def value(self, row: int, col: int):
        """Value at 0-based (row, col), '' outside the used range."""
        if row < len(self.rows):
            cells = self.rows[row]
            if col < len(cells):
                return cells[col]
        return ""


@dataclass
class RawWorkbook:
    file_name: str
    format: str
    sheet_names: list[str]
    sheets: dict[str, SheetGrid] = field(default_factory=dict)


def sheet_key(name: str) -> str:
    """Sheet names are matched after NFKC and trimming (「取組実績 」 = 取組実績)."""
    return nfkc(name)


def read_workbook(data: bytes, file_name: str, wanted: Iterable[str],
                  percent_sheets: Iterable[str] = ()) -> RawWorkbook:
    """Read the wanted sheets (by contract name) of a workbook given as bytes.

    Raises RejectedFile for anything that is not a readable workbook.
    """
    fmt = inspect_file(data, file_name)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types
        raise RejectedFile(txt.NOT_A_WORKBOOK) from exc
    wanted_keys = {sheet_key(w): w for w in wanted}
    percent_keys = {sheet_key(p) for p in percent_sheets}
    result = RawWorkbook(file_name, fmt, list(book.sheet_names))
    for actual in book.sheet_names:
        key = sheet_key(actual)
        if key not in wanted_keys or wanted_keys[key] in result.sheets:
            continue
        try:
            sheet = book.get_sheet_by_name(actual)
            if sheet.height > contract.MAX_ROWS_PER_SHEET:
                raise RejectedFile(txt.too_many_rows(contract.MAX_ROWS_PER_SHEET), actual)
            rows = sheet.to_python(skip_empty_area=False)
        except RejectedFile:
            raise
        except Exception as exc:
            raise RejectedFile(txt.SHEET_UNREADABLE, actual) from exc
        loader = None
        if key in percent_keys:
            loader = functools.partial(_percent_cells, data, fmt, actual)
        result.sheets[wanted_keys[key]] = SheetGrid(actual, rows, percent_loader=loader)
    return result


def _percent_cells(data: bytes, fmt: str, sheet_name: str) -> frozenset[tuple[int, int]]:
    if fmt == "xls":
        return _percent_cells_xls(data, sheet_name)
    return _percent_cells_xlsx(data, sheet_name)


def _percent_cells_xlsx(data: bytes, sheet_name: str) -> frozenset[tuple[int, int]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        if "xl/styles.xml" not in names:
            return frozenset()
        percent_styles = _percent_style_indexes(zf.read("xl/styles.xml"))
        if not percent_styles:
            return frozenset()
        path = _sheet_path(zf, sheet_name)
        if path is None or path not in names:
            return frozenset()
        xml = zf.read(path)
        if b'xmlns="' + _NS_MAIN_BYTES + b'"' not in xml:
            return _percent_cells_parsed(xml, percent_styles)
        # The usual layout (cells <c ...> in the default main namespace): a
        # regex pass over the cell start tags instead of building elements.
        found = set()
        for attrs in _CELL_TAG.findall(xml):
            style = _STYLE_ATTR.search(attrs)
            if style is None:
                continue
            ref = _REF_ATTR.search(attrs)
            if ref is not None and int(style.group(1) or style.group(2)) in percent_styles:
                found.add((int(ref.group(2)) - 1, _column_index(ref.group(1).decode())))
        return frozenset(found)


def _percent_cells_parsed(xml: bytes, percent_styles: frozenset[int]) -> frozenset[tuple[int, int]]:
    found = set()
    for _, elem in ElementTree.iterparse(io.BytesIO(xml), events=("end",)):
        if elem.tag == _NS_MAIN + "c":
            style = elem.get("s")
            ref = elem.get("r")
            if style is not None and ref and int(style) in percent_styles:
                m = _CELL_REF.fullmatch(ref)
                if m:
                    found.add((int(m.group(2)) - 1, _column_index(m.group(1))))
            elem.clear()
        elif elem.tag == _NS_MAIN + "row":
            elem.clear()
    return frozenset(found)


@functools.lru_cache(maxsize=32)   # workbooks from one template share styles.xml
def _percent_style_indexes(styles_xml: bytes) -> frozenset[int]:
    root = ElementTree.fromstring(styles_xml)
    custom_percent = set()
    num_fmts = root.find(_NS_MAIN + "numFmts")
    if num_fmts is not None:
        for nf in num_fmts:
            code = re.sub(r'"[^"]*"', "", nf.get("formatCode", ""))
            if "%" in code:
                custom_percent.add(int(nf.get("numFmtId")))
    xfs = root.find(_NS_MAIN + "cellXfs")
    result = set()
    if xfs is not None:
        for index, xf in enumerate(xfs):
            fmt_id = int(xf.get("numFmtId", "0"))
            if fmt_id in _BUILTIN_PERCENT_FORMATS or fmt_id in custom_percent:
                result.add(index)
    return frozenset(result)


def _sheet_path(zf: zipfile.ZipFile, sheet_name: str) -> str | None:
    workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rel_id = None
    sheets = workbook.find(_NS_MAIN + "sheets")
    for sheet in sheets if sheets is not None else ():
        if sheet.get("name") == sheet_name:
            rel_id = sheet.get(_NS_REL + "id")
    if rel_id is None:
        return None
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    for rel in rels:
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return "xl/" + target
    return None


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _percent_cells_xls(data: bytes, sheet_name: str) -> frozenset[tuple[int, int]]:
    import xlrd
    book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    sheet = book.sheet_by_name(sheet_name)
    found = set()
    for r in range(sheet.nrows):
        for c in range(sheet.ncols):
            xf = book.xf_list[sheet.cell_xf_index(r, c)]
            fmt = book.format_map.get(xf.format_key)
            if fmt is not None and "%" in re.sub(r'"[^"]*"', "", fmt.format_str):
                found.add((r, c))
    return frozenset(found)
