"""pipeline.ingest.reader: workbooks → grids (contract sections 2 and 3, files)."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from pipeline.ingest import contract as c
from pipeline.ingest.problems import RejectedFile
from pipeline.ingest.reader import read_workbook, sheet_key
from tests import factories as f


def _book(**sheets) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    return f.to_bytes(wb)


def test_values_in_absolute_positions_and_types():
    data = _book(取組実績=[["タイトル"], [], ["事業コード", "予算額（千円）"], ["A001", 1234.5],
                        ["A002", dt.datetime(2025, 3, 31)]])
    book = read_workbook(data, "x.xlsx", [c.SHEET_ACTIONS])
    grid = book.sheets[c.SHEET_ACTIONS]
    assert book.format == "xlsx"
    assert grid.value(0, 0) == "タイトル"
    assert grid.value(2, 0) == "事業コード"
    assert grid.value(3, 1) == 1234.5
    assert grid.value(4, 1) in (dt.datetime(2025, 3, 31), dt.date(2025, 3, 31))
    assert grid.value(99, 99) == ""          # outside the used range


def test_extra_sheets_are_not_read():
    data = _book(メモ=[["作業用"]], 取組実績=[["事業コード"]], 提出情報=[["年度", 2024]])
    book = read_workbook(data, "x.xlsx", [c.SHEET_INFO, c.SHEET_ACTIONS])
    assert set(book.sheets) == {c.SHEET_INFO, c.SHEET_ACTIONS}
    assert "メモ" in book.sheet_names


def test_sheet_names_match_after_nfkc_and_trim():
    assert sheet_key(" 取組実績 ") == "取組実績"
    data = _book(**{"取組実績 ": [["事業コード"]]})
    book = read_workbook(data, "x.xlsx", [c.SHEET_ACTIONS])
    assert book.sheets[c.SHEET_ACTIONS].name == "取組実績 "


@pytest.mark.parametrize("fmt", ["0%", "0.00%", "0.0%"])
def test_percent_cells_found_by_number_format(fmt):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = c.SHEET_INDICATORS
    ws.append(["指標コード", "実績値"])
    ws.append(["I02", 0.125])
    ws.append(["I01", 5])
    ws["B2"].number_format = fmt
    book = read_workbook(f.to_bytes(wb), "x.xlsx", [c.SHEET_INDICATORS],
                         percent_sheets=[c.SHEET_INDICATORS])
    grid = book.sheets[c.SHEET_INDICATORS]
    assert grid.percent_cells == frozenset({(1, 1)})
    assert grid.value(1, 1) == pytest.approx(0.125)


def test_percent_cells_only_scanned_where_asked():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = c.SHEET_INDICATORS
    ws.append(["指標コード", "実績値"])
    ws.append(["I02", 0.125])
    ws["B2"].number_format = "0%"
    book = read_workbook(f.to_bytes(wb), "x.xlsx", [c.SHEET_INDICATORS])
    assert book.sheets[c.SHEET_INDICATORS].percent_cells == frozenset()


def test_a_failed_percent_scan_is_recorded_not_swallowed():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = c.SHEET_INDICATORS
    ws.append(["指標コード", "実績値"])
    ws.append(["I02", 0.125])
    ws["B2"].number_format = "0.0%"
    book = read_workbook(f.break_number_formats(f.to_bytes(wb)), "x.xlsx", [c.SHEET_INDICATORS],
                         percent_sheets=[c.SHEET_INDICATORS])
    grid = book.sheets[c.SHEET_INDICATORS]
    assert grid.value(1, 1) == pytest.approx(0.125)
    assert grid.percent_cells == frozenset() and grid.percent_scan_failed


def test_formula_cached_value_is_read():
    data = _book(取組実績=[["事業コード", "予算額（千円）"], ["A001", None]])
    member = f.sheet_member(data, c.SHEET_ACTIONS)

    def add_formula(xml: bytes) -> bytes:
        return xml.replace(b"</row></sheetData>",
                           b'<c r="B2"><f>1000+234</f><v>1234</v></c></row></sheetData>')
    patched = f.patch_zip(data, member, add_formula)
    assert b"<f>1000+234</f>" in __import__("zipfile").ZipFile(io.BytesIO(patched)).read(member)
    grid = read_workbook(patched, "x.xlsx", [c.SHEET_ACTIONS]).sheets[c.SHEET_ACTIONS]
    assert grid.value(1, 1) == 1234


@pytest.mark.parametrize("data", [b"", b"hello, this is text", b"PK\x03\x04garbage" * 10,
                                  b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600])
def test_not_a_workbook_is_one_clear_error(data):
    with pytest.raises(RejectedFile) as exc:
        read_workbook(data, "x.xlsx", [c.SHEET_ACTIONS])
    problem = exc.value.problem
    assert problem.cell is None and problem.message
    assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in problem.message)


def test_too_many_rows_names_the_sheet(monkeypatch):
    monkeypatch.setattr(c, "MAX_ROWS_PER_SHEET", 5)
    data = _book(取組実績=[["事業コード"]] + [[f"A{i}"] for i in range(10)])
    with pytest.raises(RejectedFile) as exc:
        read_workbook(data, "x.xlsx", [c.SHEET_ACTIONS])
    assert exc.value.problem.sheet == c.SHEET_ACTIONS
    assert "5" in exc.value.problem.message


def test_xlsm_is_read_and_macros_are_not_run():
    data = f.d01(2024)
    macro = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    patched = f.patch_zip(data, "[Content_Types].xml", lambda x: x.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", macro.encode()))
    book = read_workbook(patched, "x.xlsm", [c.SHEET_INFO, c.SHEET_ACTIONS])
    assert book.sheets[c.SHEET_INFO].value(0, 1) == 2024
