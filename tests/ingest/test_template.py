"""The submission template (pipeline.template) against data contract section 2."""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries

from pipeline.ingest import contract as c
from pipeline.ingest.template import (
    CHOICES_SHEET, FIRST_DATA_ROW, GUIDE_SHEET, HEADER_ROW, LAST_FORMATTED_ROW,
    TemplateAction, TemplateIndicator, column_width, template_bytes, write_template,
)

FY = 2024
DEPT_CODE = "D010"
DEPT_NAME = "環境創造政策課"
ACTIONS = (
    TemplateAction("A0101", "太陽光発電設備の導入促進"),
    TemplateAction("A0102", "省エネルギー診断の実施"),
    TemplateAction("A0203", "次世代自動車の普及促進"),
)
INDICATORS = (
    TemplateIndicator("I0101", "市域の太陽光発電導入容量", "kW"),
    TemplateIndicator("I0102", "省エネ診断の受診率", "%"),
)
TABLES = {s.name: s for s in c.SUBMISSION_SHEETS}
SOFFICE = "/usr/bin/soffice"


# --- helpers -------------------------------------------------------------------

def find_header_row(rows, key: str) -> int:
    """1-based row of the first of the first 10 rows holding `key` (the reader's rule)."""
    for i, row in enumerate(rows[: c.HEADER_SEARCH_ROWS], start=1):
        if any(v == key for v in row):
            return i
    raise AssertionError(f"no header row holding {key!r}")


def sheet_values(ws) -> list[tuple]:
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def header_map(ws, sheet: c.TableSheet) -> tuple[int, dict[str, int]]:
    rows = sheet_values(ws)
    hr = find_header_row(rows, sheet.key)
    return hr, {v: i for i, v in enumerate(rows[hr - 1], start=1) if v}


def validation_for(ws, column: int, row: int):
    ref = f"{get_column_letter(column)}{row}"
    found = [dv for dv in ws.data_validations.dataValidation if ref in dv.sqref]
    return found[0] if found else None


def list_values(wb, formula: str) -> list[str]:
    """The values a list validation offers: inline or from a sheet range."""
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    m = re.fullmatch(r"=?(?:'((?:[^']|'')+)'|([^!]+))!\$?([A-Z]+)\$?(\d+):\$?([A-Z]+)\$?(\d+)", formula)
    assert m, formula
    name = (m.group(1) or m.group(2)).replace("''", "'")
    assert m.group(3) == m.group(5), "a list range is one column"
    col = column_index_from_string(m.group(3))
    ws = wb[name]
    return [ws.cell(row=r, column=col).value for r in range(int(m.group(4)), int(m.group(6)) + 1)]


def fill_template_example(path) -> dict:
    """Fill a (pre-filled) template as a department would, and save it in place.

    Every pre-filled action gets 実施 / a result text / A / 継続 (plus budget
    figures); every pre-filled indicator a value; one partner row is added for
    the first action.  担当者 and 連絡先 are filled; 年度 and 所管課コード are
    left as pre-filled.  Returns what was written, for assertions.
    """
    wb = openpyxl.load_workbook(path)
    info = wb[c.SHEET_INFO]
    for r in range(1, c.INFO_MAX_ROWS + 1):
        label = info.cell(row=r, column=1).value
        if label == c.INFO_CONTACT_PERSON:
            info.cell(row=r, column=2, value="脱炭素 太郎")
        elif label == c.INFO_CONTACT:
            info.cell(row=r, column=2, value="内線 1234")

    ws = wb[c.SHEET_ACTIONS]
    hr, cols = header_map(ws, c.ACTIONS_SHEET)
    action_codes = []
    for r in range(hr + 1, ws.max_row + 1):
        code = ws.cell(row=r, column=cols[c.COL_ACTION_CODE]).value
        if not code:
            continue
        action_codes.append(code)
        for header, value in (
            (c.COL_IMPLEMENTATION, "実施"),
            (c.COL_BUDGET, 12000),
            (c.COL_SETTLEMENT, 11500),
            (c.COL_RESULT, "補助制度を運用し、説明会を2回開催した。"),
            (c.COL_SELF_EVALUATION, "A"),
            (c.COL_ISSUES, "申請手続の簡素化"),
            (c.COL_DIRECTION_NEXT, "継続"),
        ):
            ws.cell(row=r, column=cols[header], value=value)

    indicator_values = {}
    if c.SHEET_INDICATORS in wb.sheetnames:
        ws = wb[c.SHEET_INDICATORS]
        hr, cols = header_map(ws, c.INDICATORS_SHEET)
        for r in range(hr + 1, ws.max_row + 1):
            code = ws.cell(row=r, column=cols[c.COL_INDICATOR_CODE]).value
            if not code:
                continue
            value = 100 + 10 * len(indicator_values) + 0.5
            ws.cell(row=r, column=cols[c.COL_ACTUAL_VALUE], value=value)
            indicator_values[code] = value

    partners = []
    if action_codes:
        ws = wb[c.SHEET_PARTNERS]
        hr, cols = header_map(ws, c.PARTNERS_SHEET)
        r = hr + 1
        while any(ws.cell(row=r, column=i).value not in (None, "") for i in cols.values()):
            r += 1
        row = {
            c.COL_ACTION_CODE: action_codes[0],
            c.COL_STAKEHOLDER_TYPE: c.STAKEHOLDER_TYPES[1],   # 事業者
            c.COL_ORGANISATION: "さいたま市内の工務店",
            c.COL_PARTICIPANTS: 12,
            c.COL_CO2_REDUCTION: 34.5,
            c.COL_COLLABORATION: "太陽光発電設備の設置相談会を共催",
        }
        for header, value in row.items():
            ws.cell(row=r, column=cols[header], value=value)
        partners.append(row)

    wb.save(path)
    return {"actions": action_codes, "indicators": indicator_values, "partners": partners}


# --- fixtures --------------------------------------------------------------------

@pytest.fixture()
def prefilled(tmp_path) -> Path:
    path = tmp_path / "prefilled.xlsx"
    write_template(path, fiscal_year=FY, department_code=DEPT_CODE, department_name=DEPT_NAME,
                   actions=ACTIONS, indicators=INDICATORS)
    return path


@pytest.fixture()
def blank(tmp_path) -> Path:
    path = tmp_path / "blank.xlsx"
    write_template(path)
    return path


# --- sheets and headers ----------------------------------------------------------

@pytest.mark.parametrize("which", ["prefilled", "blank"])
def test_sheets_in_order_and_hidden_list_sheet(which, request):
    wb = openpyxl.load_workbook(request.getfixturevalue(which))
    assert wb.sheetnames == [GUIDE_SHEET, c.SHEET_INFO, c.SHEET_ACTIONS, c.SHEET_INDICATORS,
                             c.SHEET_PARTNERS, CHOICES_SHEET]
    assert wb[CHOICES_SHEET].sheet_state == "hidden"
    assert all(wb[n].sheet_state == "visible" for n in wb.sheetnames if n != CHOICES_SHEET)
    assert wb.active.title == GUIDE_SHEET


@pytest.mark.parametrize("which", ["prefilled", "blank"])
def test_headers_equal_contract_openpyxl(which, request):
    wb = openpyxl.load_workbook(request.getfixturevalue(which))
    for sheet in c.SUBMISSION_SHEETS:
        rows = sheet_values(wb[sheet.name])
        hr = find_header_row(rows, sheet.key)
        assert hr == HEADER_ROW
        assert rows[hr - 1][: len(sheet.headers)] == sheet.headers
        assert all(v is None for v in rows[hr - 1][len(sheet.headers):])
        # Rows above the header never hold any header text (the reader skips them).
        for above in rows[: hr - 1]:
            assert not set(above) & set(sheet.headers)


@pytest.mark.parametrize("which", ["prefilled", "blank"])
def test_headers_equal_contract_calamine(which, request):
    wb = python_calamine.CalamineWorkbook.from_path(str(request.getfixturevalue(which)))
    assert wb.sheet_names[1:5] == [c.SHEET_INFO, c.SHEET_ACTIONS, c.SHEET_INDICATORS, c.SHEET_PARTNERS]
    for sheet in c.SUBMISSION_SHEETS:
        rows = wb.get_sheet_by_name(sheet.name).to_python()
        hr = find_header_row(rows, sheet.key)
        assert tuple(rows[hr - 1][: len(sheet.headers)]) == sheet.headers
    info = wb.get_sheet_by_name(c.SHEET_INFO).to_python()
    assert tuple(r[0] for r in info[: len(c.INFO_LABELS)]) == c.INFO_LABELS


def test_prefilled_rows(prefilled):
    wb = openpyxl.load_workbook(prefilled)
    ws = wb[c.SHEET_ACTIONS]
    rows = sheet_values(ws)[FIRST_DATA_ROW - 1:]
    for action, row in zip(ACTIONS, rows):
        assert row[:2] == (action.code, action.name)
        assert all(v is None for v in row[2:])
    assert all(all(v is None for v in row) for row in rows[len(ACTIONS):])

    ws = wb[c.SHEET_INDICATORS]
    value_col = c.INDICATORS_SHEET.headers.index(c.COL_ACTUAL_VALUE) + 1
    rows = sheet_values(ws)[FIRST_DATA_ROW - 1:]
    for n, (ind, row) in enumerate(zip(INDICATORS, rows)):
        assert row[:2] == (ind.code, ind.name)           # the master's name, untouched
        assert all(v is None for v in row[2:])           # 備考 stays blank
        comment = ws.cell(row=FIRST_DATA_ROW + n, column=value_col).comment
        assert comment is not None and comment.text == f"単位: {ind.unit}"
    assert all(all(v is None for v in row) for row in rows[len(INDICATORS):])

    assert all(all(v is None for v in row) for row in sheet_values(wb[c.SHEET_PARTNERS])[FIRST_DATA_ROW - 1:])


def test_info_sheet_prefilled(prefilled):
    ws = openpyxl.load_workbook(prefilled)[c.SHEET_INFO]
    labels = [ws.cell(row=r, column=1).value for r in range(1, len(c.INFO_LABELS) + 1)]
    assert tuple(labels) == c.INFO_LABELS
    values = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value
              for r in range(1, len(c.INFO_LABELS) + 1)}
    assert values[c.INFO_FISCAL_YEAR] == FY and isinstance(values[c.INFO_FISCAL_YEAR], int)
    assert values[c.INFO_DEPARTMENT_CODE] == DEPT_CODE
    assert values[c.INFO_DEPARTMENT_NAME] == DEPT_NAME
    assert values[c.INFO_CONTACT_PERSON] is None and values[c.INFO_CONTACT] is None
    for r, label in enumerate(c.INFO_LABELS, start=1):
        marked = ws.cell(row=r, column=3).value == "必須"
        assert marked == (label in c.INFO_REQUIRED)


def test_blank_template(blank):
    wb = openpyxl.load_workbook(blank)
    ws = wb[c.SHEET_INFO]
    assert tuple(ws.cell(row=r, column=1).value for r in range(1, 6)) == c.INFO_LABELS
    assert all(ws.cell(row=r, column=2).value is None for r in range(1, 6))
    for sheet in c.SUBMISSION_SHEETS:
        assert all(all(v is None for v in row)
                   for row in sheet_values(wb[sheet.name])[FIRST_DATA_ROW - 1:])
    # No code lists without codes, but every choice column still has its drop-down.
    for sheet in c.SUBMISSION_SHEETS:
        ws = wb[sheet.name]
        for i, col in enumerate(sheet.columns, start=1):
            dv = validation_for(ws, i, FIRST_DATA_ROW)
            assert (dv is not None) == (col.kind == "choice"), (sheet.name, col.header)
    assert list_values(wb, f"'{CHOICES_SHEET}'!$A$2:$A${len(c.STAKEHOLDER_TYPES) + 1}") == \
        list(c.STAKEHOLDER_TYPES)


def test_template_bytes_and_file_object():
    data = template_bytes(fiscal_year=FY, department_code=DEPT_CODE, actions=ACTIONS[:1])
    assert data[:2] == b"PK"
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb[c.SHEET_ACTIONS].cell(row=FIRST_DATA_ROW, column=1).value == ACTIONS[0].code
    buf = io.BytesIO()
    write_template(buf)
    assert openpyxl.load_workbook(io.BytesIO(buf.getvalue())).sheetnames[1] == c.SHEET_INFO


def test_document_properties(prefilled):
    props = openpyxl.load_workbook(prefilled).properties
    assert props.title and "取組状況報告" in props.title and "令和6年度" in props.title


# --- drop-downs --------------------------------------------------------------------

def test_validations_on_choice_and_code_columns(prefilled):
    wb = openpyxl.load_workbook(prefilled)
    expected_codes = {
        (c.SHEET_ACTIONS, c.COL_ACTION_CODE): [a.code for a in ACTIONS],
        (c.SHEET_PARTNERS, c.COL_ACTION_CODE): [a.code for a in ACTIONS],
        (c.SHEET_INDICATORS, c.COL_INDICATOR_CODE): [i.code for i in INDICATORS],
    }
    seen = set()
    for sheet in c.SUBMISSION_SHEETS:
        ws = wb[sheet.name]
        for i, col in enumerate(sheet.columns, start=1):
            dv = validation_for(ws, i, FIRST_DATA_ROW)
            key = (sheet.name, col.header)
            if col.kind == "choice":
                expected = list(col.choices)
            elif key in expected_codes:
                expected = expected_codes[key]
            else:
                assert dv is None, key
                continue
            seen.add(key)
            assert dv is not None, key
            assert f"{get_column_letter(i)}{LAST_FORMATTED_ROW}" in dv.sqref, key
            assert f"{get_column_letter(i)}{HEADER_ROW}" not in dv.sqref, key
            assert dv.type == "list" and dv.allow_blank
            assert dv.errorStyle in (None, "stop") and dv.showErrorMessage
            assert dv.error and dv.prompt and len(dv.error) <= 255 and len(dv.errorTitle) <= 32
            assert list_values(wb, dv.formula1) == expected, key
            inline = dv.formula1.startswith('"')
            if inline:
                assert len(dv.formula1.encode("utf-8")) <= 255
            if key in expected_codes or col.header == c.COL_STAKEHOLDER_TYPE:
                assert not inline and dv.formula1.startswith(f"'{CHOICES_SHEET}'!"), key
    for name in (c.COL_IMPLEMENTATION, c.COL_SELF_EVALUATION, c.COL_DIRECTION_NEXT):
        assert (c.SHEET_ACTIONS, name) in seen
    assert (c.SHEET_PARTNERS, c.COL_STAKEHOLDER_TYPE) in seen
    assert set(expected_codes) <= seen


def test_hidden_sheet_holds_exactly_stakeholder_types(prefilled):
    wb = openpyxl.load_workbook(prefilled)
    ws = wb[c.SHEET_PARTNERS]
    col = c.PARTNERS_SHEET.headers.index(c.COL_STAKEHOLDER_TYPE) + 1
    dv = validation_for(ws, col, FIRST_DATA_ROW)
    assert dv.formula1 == f"'{CHOICES_SHEET}'!$A$2:$A${len(c.STAKEHOLDER_TYPES) + 1}"
    hidden = wb[CHOICES_SHEET]
    column_a = [hidden.cell(row=r, column=1).value for r in range(2, hidden.max_row + 1)]
    assert [v for v in column_a if v is not None] == list(c.STAKEHOLDER_TYPES)


# --- layout and formats -------------------------------------------------------------

@pytest.mark.parametrize("which", ["prefilled", "blank"])
def test_frozen_panes_and_widths(which, request):
    wb = openpyxl.load_workbook(request.getfixturevalue(which))
    for sheet in c.SUBMISSION_SHEETS:
        ws = wb[sheet.name]
        assert ws.freeze_panes is not None
        _, min_row, _, _ = range_boundaries(ws.freeze_panes)
        assert min_row == FIRST_DATA_ROW                     # frozen just below the header
        for i, col in enumerate(sheet.columns, start=1):
            width = ws.column_dimensions[get_column_letter(i)].width
            assert width == column_width(col) and width >= col.width, (sheet.name, col.header)


def test_header_styles_and_number_formats(prefilled):
    wb = openpyxl.load_workbook(prefilled)
    for sheet in c.SUBMISSION_SHEETS:
        ws = wb[sheet.name]
        fills = {}
        for i, col in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=HEADER_ROW, column=i)
            assert cell.value == col.header                 # no marks inside the header text
            assert cell.font.b and cell.alignment.wrap_text
            assert cell.border.bottom.style == "thin"
            assert cell.fill.fill_type == "solid"
            fills.setdefault(col.required, set()).add(cell.fill.fgColor.rgb)
            if col.kind == "text" and col.width >= 36:
                assert ws.cell(row=FIRST_DATA_ROW, column=i).alignment.wrap_text
        if True in fills and False in fills:
            assert not fills[True] & fills[False], "required headers look different"
    expected = {
        (c.SHEET_ACTIONS, c.COL_BUDGET): "#,##0",
        (c.SHEET_ACTIONS, c.COL_SETTLEMENT): "#,##0",
        (c.SHEET_PARTNERS, c.COL_CO2_REDUCTION): "#,##0.0",
        (c.SHEET_PARTNERS, c.COL_PARTICIPANTS): "0",
    }
    for (name, header), fmt in expected.items():
        ws = wb[name]
        col = TABLES[name].headers.index(header) + 1
        for r in (FIRST_DATA_ROW, LAST_FORMATTED_ROW):
            assert ws.cell(row=r, column=col).number_format == fmt, (name, header)


def test_guide_sheet_explains_every_column(prefilled):
    wb = openpyxl.load_workbook(prefilled)
    text = "\n".join(str(v) for row in sheet_values(wb[GUIDE_SHEET]) for v in row if v is not None)
    for sheet in c.SUBMISSION_SHEETS:
        assert sheet.name in text
        for col in sheet.columns:
            assert col.header in text
            if col.note:
                assert col.note in text
            for choice in col.choices:
                assert choice in text
    for label in c.INFO_LABELS:
        assert label in text
    for word in ("必須", "任意", "令和6年度", "R6", "未把握", "追加", "提出"):
        assert word in text, word
    for ind in INDICATORS:                                   # the unit table
        assert ind.code in text and ind.unit in text


# --- round trip ------------------------------------------------------------------------

def test_fill_template_example_round_trip(prefilled):
    filled = fill_template_example(prefilled)
    assert filled["actions"] == [a.code for a in ACTIONS]
    assert set(filled["indicators"]) == {i.code for i in INDICATORS}

    wb = openpyxl.load_workbook(prefilled)
    ws = wb[c.SHEET_ACTIONS]
    h = c.ACTIONS_SHEET.headers
    for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(ACTIONS)):
        row = [ws.cell(row=r, column=i + 1).value for i in range(len(h))]
        assert row[h.index(c.COL_IMPLEMENTATION)] in c.IMPLEMENTATION_STATUSES
        assert row[h.index(c.COL_SELF_EVALUATION)] in c.SELF_EVALUATIONS
        assert row[h.index(c.COL_DIRECTION_NEXT)] in c.DIRECTIONS_NEXT
        assert row[h.index(c.COL_RESULT)]
    ws = wb[c.SHEET_PARTNERS]
    row = [ws.cell(row=FIRST_DATA_ROW, column=i + 1).value for i in range(len(c.PARTNERS_SHEET.headers))]
    assert row[0] == ACTIONS[0].code and row[1] in c.STAKEHOLDER_TYPES

    # Saving through openpyxl keeps the form intact: headers, drop-downs, hidden list sheet.
    assert wb[CHOICES_SHEET].sheet_state == "hidden"
    for sheet in c.SUBMISSION_SHEETS:
        rows = sheet_values(wb[sheet.name])
        assert rows[find_header_row(rows, sheet.key) - 1][: len(sheet.headers)] == sheet.headers
    assert validation_for(wb[c.SHEET_ACTIONS], 3, FIRST_DATA_ROW) is not None

    cal = python_calamine.CalamineWorkbook.from_path(str(prefilled))
    rows = cal.get_sheet_by_name(c.SHEET_INDICATORS).to_python()
    values = {r[0]: r[2] for r in rows[FIRST_DATA_ROW - 1:] if r and r[0]}
    assert values == filled["indicators"]


# --- LibreOffice ------------------------------------------------------------------------

@pytest.mark.skipif(not os.path.exists(SOFFICE), reason=f"LibreOffice not installed ({SOFFICE} missing)")
def test_libreoffice_round_trip_keeps_headers(prefilled, tmp_path):
    src = tmp_path / "in"
    out = tmp_path / "out"
    src.mkdir()
    shutil.copy(prefilled, src / "template.xlsx")
    profile = (tmp_path / "lo_profile").as_uri()          # own profile: safe next to other soffice runs
    try:
        subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless",
                        "--convert-to", "xlsx", "--outdir", str(out), str(src / "template.xlsx")],
                       check=True, capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        pytest.fail("LibreOffice conversion took over 120 s")
    converted = out / "template.xlsx"
    assert converted.exists()

    wb = openpyxl.load_workbook(converted)
    for sheet in c.SUBMISSION_SHEETS:
        rows = sheet_values(wb[sheet.name])
        assert rows[find_header_row(rows, sheet.key) - 1][: len(sheet.headers)] == sheet.headers
    info = wb[c.SHEET_INFO]
    assert tuple(info.cell(row=r, column=1).value for r in range(1, 6)) == c.INFO_LABELS
    assert wb[c.SHEET_ACTIONS].cell(row=FIRST_DATA_ROW, column=1).value == ACTIONS[0].code

    # The drop-downs and the hidden list sheet survive too.
    assert wb[CHOICES_SHEET].sheet_state == "hidden"
    col = c.PARTNERS_SHEET.headers.index(c.COL_STAKEHOLDER_TYPE) + 1
    dv = validation_for(wb[c.SHEET_PARTNERS], col, FIRST_DATA_ROW)
    assert dv is not None and list_values(wb, dv.formula1) == list(c.STAKEHOLDER_TYPES)

    cal = python_calamine.CalamineWorkbook.from_path(str(converted))
    for sheet in c.SUBMISSION_SHEETS:
        rows = cal.get_sheet_by_name(sheet.name).to_python()
        assert tuple(rows[find_header_row(rows, sheet.key) - 1][: len(sheet.headers)]) == sheet.headers
