"""The department submission workbook (取組状況報告) as a fill-in form.

`write_template` writes the .xlsx that departments fill in: a guide sheet
(記入方法), 提出情報, and the three table sheets of data contract section 2,
optionally pre-filled with a department's active actions and indicators.
Sheet names, headers, notes, widths and allowed values all come from
pipeline.contract; Japanese wording comes from pipeline.texts.template.

Layout of a table sheet: row 1 is a title (never containing the key header,
so the reader skips it), row 2 is the header row, data starts on row 3.
Extra sheets (記入方法, the hidden 選択肢) are ignored by the reader.
"""
from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Sequence

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.ingest import contract as c
from pipeline.texts import template as t

__all__ = [
    "TemplateAction", "TemplateIndicator", "TemplateEnergy", "TemplateEnergyRow",
    "write_template", "template_bytes",
    "TITLE_ROW", "HEADER_ROW", "FIRST_DATA_ROW", "LAST_FORMATTED_ROW",
    "GUIDE_SHEET", "CHOICES_SHEET", "column_width",
]


@dataclass(frozen=True)
class TemplateAction:
    code: str
    name: str


@dataclass(frozen=True)
class TemplateIndicator:
    code: str
    name: str
    unit: str


@dataclass(frozen=True)
class TemplateEnergyRow:
    """A pre-filled エネルギー使用量 row: a facility in use, with a meter of its last report."""
    facility_code: str
    facility_name: str
    activity: str | None = None
    supplier: str | None = None
    menu: str | None = None
    unit: str | None = None


@dataclass(frozen=True)
class TemplateEnergy:
    """What the エネルギー使用量 sheet needs: its rows and the factor workbook's lists."""
    rows: Sequence[TemplateEnergyRow] = ()
    activities: Sequence[tuple[str, str, Sequence[str]]] = ()   # (活動区分, 基準単位, other units)
    suppliers: Sequence[str] = ()                                # electricity suppliers, 代替値 excluded

    @property
    def units(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(u for _, base, others in self.activities for u in (base, *others)))


GUIDE_SHEET = t.GUIDE_SHEET
CHOICES_SHEET = t.CHOICES_SHEET

TITLE_ROW = 1
HEADER_ROW = 2
FIRST_DATA_ROW = HEADER_ROW + 1
LAST_FORMATTED_ROW = 500        # drop-downs and number formats reach this row
SPARE_ROWS = 100                # at least this many formatted rows after the pre-filled ones
INLINE_LIST_MAX_BYTES = 255     # Excel's limit on an inline list formula (UTF-8 bytes, to be safe)

# Columns whose requirement depends on another column (contract section 2).
CONDITIONAL_COLUMNS = {
    (c.SHEET_ACTIONS, c.COL_RESULT),      # required unless 実施状況 is 未実施
    (c.SHEET_ACTIONS, c.COL_REVISION),    # required when 今後の方向性 needs a revision
}

NUMBER_FORMATS = {
    c.COL_BUDGET: "#,##0",
    c.COL_SETTLEMENT: "#,##0",
    c.COL_CO2_REDUCTION: "#,##0.0",
    c.COL_PARTICIPANTS: "0",
}
TEXT_FORMAT = "@"               # code cells: keep leading zeros as typed
WRAP_MIN_WIDTH = 24             # text columns at least this wide wrap

# --- styles --------------------------------------------------------------
_THIN = Side(style="thin", color="808080")
_HAIR = Side(style="thin", color="BFBFBF")
HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
DATA_BORDER = Border(left=_HAIR, right=_HAIR, top=_HAIR, bottom=_HAIR)
FILL_REQUIRED = PatternFill("solid", fgColor="1F4E78")      # dark blue
FILL_CONDITIONAL = PatternFill("solid", fgColor="2E75B6")   # medium blue
FILL_OPTIONAL = PatternFill("solid", fgColor="DDEBF7")      # light blue
FILL_PREFILLED = PatternFill("solid", fgColor="F2F2F2")     # grey: given by the master
FILL_GUIDE_HEADING = PatternFill("solid", fgColor="DDEBF7")
FONT_HEADER_DARK = Font(bold=True, color="FFFFFF")
FONT_HEADER_LIGHT = Font(bold=True, color="1F1F1F")
FONT_TITLE = Font(bold=True, size=14)
FONT_SECTION = Font(bold=True, size=12, color="1F4E78")
FONT_BOLD = Font(bold=True)
FONT_REQUIRED_MARK = Font(bold=True, color="C00000")
ALIGN_HEADER = Alignment(horizontal="center", vertical="center", wrap_text=True)
ALIGN_WRAP = Alignment(vertical="top", wrap_text=True)
ALIGN_TOP = Alignment(vertical="top")
HEADER_HEIGHT = 36


def _display_width(text: str) -> int:
    """Width in Excel character units: full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def column_width(col: c.Column) -> int:
    """Template width of a column: the contract's width, widened so the header fits."""
    return max(col.width, _display_width(col.header) + 2)


def _marker(sheet: str, col: c.Column) -> str:
    if col.required:
        return t.REQUIRED
    if (sheet, col.header) in CONDITIONAL_COLUMNS:
        return t.CONDITIONAL
    return t.OPTIONAL


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Choices:
    """The hidden 選択肢 sheet: one list per column, a label in row 1, values from row 2."""

    def __init__(self, wb: Workbook):
        self._wb = wb
        self._ws: Worksheet | None = None
        self._ranges: dict[tuple[str, ...], str] = {}

    def range_for(self, label: str, values: Sequence[str]) -> str:
        key = tuple(values)
        if key not in self._ranges:
            if self._ws is None:
                self._ws = self._wb.create_sheet(CHOICES_SHEET)
                self._ws.sheet_state = "hidden"
            ws = self._ws
            col = len(self._ranges) + 1
            letter = get_column_letter(col)
            ws.cell(row=1, column=col, value=label)
            for i, v in enumerate(values, start=2):
                cell = ws.cell(row=i, column=col, value=v)
                cell.number_format = TEXT_FORMAT
            ws.column_dimensions[letter].width = max(12, *(_display_width(v) + 2 for v in values))
            last = len(values) + 1
            self._ranges[key] = f"{_quote_sheet(CHOICES_SHEET)}!${letter}$2:${letter}${last}"
        return self._ranges[key]


def _inline_ok(values: Sequence[str]) -> bool:
    joined = ",".join(values)
    return (len(joined.encode("utf-8")) + 2 <= INLINE_LIST_MAX_BYTES
            and not any("," in v or '"' in v for v in values))


def _list_validation(col: c.Column, values: Sequence[str], choices: _Choices, *,
                     code_list: bool, label: str, strict: bool = True) -> DataValidation:
    if not code_list and _inline_ok(values):
        formula = '"' + ",".join(values) + '"'
        error = t.DV_ERROR_WITH_VALUES.format(header=col.header, values=" / ".join(values))
    else:
        formula = choices.range_for(label, values)
        error = t.DV_ERROR.format(header=col.header)
    prompt = t.DV_PROMPT_CODE if code_list else t.DV_PROMPT
    if not strict:          # another value is allowed after a warning (e.g. an unlisted supplier)
        error, prompt = t.DV_WARNING.format(header=col.header), t.DV_PROMPT_OPEN
    return DataValidation(
        type="list", formula1=formula, allow_blank=True,
        showErrorMessage=True, errorStyle="stop" if strict else "warning",
        errorTitle=_clip(t.DV_ERROR_TITLE, 32), error=_clip(error, 255),
        showInputMessage=True, promptTitle=_clip(t.DV_PROMPT_TITLE.format(header=col.header), 32),
        prompt=_clip(prompt, 255),
    )


def _write_table(wb: Workbook, sheet: c.TableSheet, rows: Sequence[dict[str, object]], *,
                 title: str, choices: _Choices,
                 code_lists: dict[str, tuple[str, Sequence[str]]],
                 unit_comments: Sequence[str | None] = (),
                 open_lists: Sequence[str] = ()) -> Worksheet:
    ws = wb.create_sheet(sheet.name)
    ws.cell(row=TITLE_ROW, column=1, value=title).font = FONT_TITLE
    # The legend starts in the first column clear of the (large-font) title.
    needed, covered, legend_col = _display_width(title) * 1.3, 0, len(sheet.columns)
    for idx, col in enumerate(sheet.columns, start=1):
        if covered >= needed:
            legend_col = idx
            break
        covered += column_width(col)
    ws.cell(row=TITLE_ROW, column=legend_col, value=t.TABLE_LEGEND.strip()).font = FONT_REQUIRED_MARK
    ws.row_dimensions[TITLE_ROW].height = 24

    last_row = max(LAST_FORMATTED_ROW, FIRST_DATA_ROW + len(rows) + SPARE_ROWS)
    for idx, col in enumerate(sheet.columns, start=1):
        letter = get_column_letter(idx)
        ws.column_dimensions[letter].width = column_width(col)
        marker = _marker(sheet.name, col)
        cell = ws.cell(row=HEADER_ROW, column=idx, value=col.header)
        cell.fill = {t.REQUIRED: FILL_REQUIRED, t.CONDITIONAL: FILL_CONDITIONAL}.get(marker, FILL_OPTIONAL)
        cell.font = FONT_HEADER_LIGHT if marker == t.OPTIONAL else FONT_HEADER_DARK
        cell.alignment = ALIGN_HEADER
        cell.border = HEADER_BORDER
        if col.note or marker != t.OPTIONAL:
            cell.comment = Comment(t.HEADER_COMMENT.format(marker=marker, note=col.note),
                                   t.COMMENT_AUTHOR, width=260, height=110)

        # Cell formats for the whole fill-in area, so typed values look right.
        if col.kind == "code":
            number_format = TEXT_FORMAT
        else:
            number_format = NUMBER_FORMATS.get(col.header)
        wrap = col.kind == "text" and col.width >= WRAP_MIN_WIDTH
        for r in range(FIRST_DATA_ROW, last_row + 1):
            cell = ws.cell(row=r, column=idx)
            cell.border = DATA_BORDER
            cell.alignment = ALIGN_WRAP if wrap else ALIGN_TOP
            if number_format:
                cell.number_format = number_format

        # Drop-down lists.
        rng = f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}"
        dv = None
        if col.kind == "choice" and col.choices:
            dv = _list_validation(col, col.choices, choices, code_list=False, label=col.header)
        elif col.header in code_lists and code_lists[col.header][1]:
            label, values = code_lists[col.header]
            dv = _list_validation(col, values, choices, code_list=col.kind == "code", label=label,
                                  strict=col.header not in open_lists)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(rng)

    ws.row_dimensions[HEADER_ROW].height = HEADER_HEIGHT
    headers = sheet.headers
    for r, row in enumerate(rows, start=FIRST_DATA_ROW):
        for header, value in row.items():
            cell = ws.cell(row=r, column=headers.index(header) + 1, value=value)
            cell.fill = FILL_PREFILLED
    if unit_comments:
        value_col = headers.index(c.COL_ACTUAL_VALUE) + 1
        for r, unit in enumerate(unit_comments, start=FIRST_DATA_ROW):
            if unit:
                ws.cell(row=r, column=value_col).comment = Comment(
                    t.UNIT_COMMENT.format(unit=unit), t.COMMENT_AUTHOR, width=160, height=40)

    # Freeze the title and header rows, and the code and name columns where there is a name.
    frozen_cols = 2 if len(headers) > 1 and headers[1] in (
        c.COL_ACTION_NAME, c.COL_INDICATOR_NAME, c.COL_FACILITY_NAME) else 1
    ws.freeze_panes = f"{get_column_letter(frozen_cols + 1)}{FIRST_DATA_ROW}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return ws


def _write_info(wb: Workbook, fiscal_year: int | None, department_code: str | None,
                department_name: str | None) -> Worksheet:
    ws = wb.create_sheet(c.SHEET_INFO)
    given = {c.INFO_FISCAL_YEAR: fiscal_year, c.INFO_DEPARTMENT_CODE: department_code,
             c.INFO_DEPARTMENT_NAME: department_name}
    for r, label in enumerate(c.INFO_LABELS, start=1):
        required = label in c.INFO_REQUIRED
        a = ws.cell(row=r, column=1, value=label)
        a.font = FONT_HEADER_DARK if required else FONT_HEADER_LIGHT
        a.fill = FILL_REQUIRED if required else FILL_OPTIONAL
        a.border = HEADER_BORDER
        a.alignment = Alignment(vertical="center")
        b = ws.cell(row=r, column=2, value=given.get(label))
        b.border = HEADER_BORDER
        b.alignment = Alignment(vertical="center", horizontal="left")
        if label == c.INFO_DEPARTMENT_CODE:
            b.number_format = TEXT_FORMAT
        if given.get(label) is not None:
            b.fill = FILL_PREFILLED
        if required:
            ws.cell(row=r, column=3, value=t.REQUIRED).font = FONT_REQUIRED_MARK
        hint = t.INFO_HINTS.get(label, "")
        if label == c.INFO_FISCAL_YEAR and fiscal_year:
            hint = f"{t.era_year(fiscal_year)}。" + hint
        ws.cell(row=r, column=4, value=hint).alignment = Alignment(vertical="center")
        ws.row_dimensions[r].height = 22
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 36
    ws.column_dimensions["C"].width = 8
    ws.column_dimensions["D"].width = 60
    return ws


class _Guide:
    """Sequential writer for the 記入方法 sheet."""

    def __init__(self, ws: Worksheet):
        self.ws = ws
        self.row = 1
        self.section = 0

    def line(self, text: str = "", *, font: Font | None = None, height: float | None = None) -> None:
        cell = self.ws.cell(row=self.row, column=1, value=text or None)
        if font:
            cell.font = font
        if height:
            self.ws.row_dimensions[self.row].height = height
        self.row += 1

    def paragraph(self, text: str) -> None:
        # Long text sits in A merged across to D so it wraps at a readable width.
        cell = self.ws.cell(row=self.row, column=1, value=text)
        cell.alignment = ALIGN_WRAP
        self.ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=4)
        lines = max(1, -(-_display_width(text) // 150))
        self.ws.row_dimensions[self.row].height = 18 * lines
        self.row += 1

    def heading(self, title: str) -> None:
        self.row += 1
        self.section += 1
        self.line(t.GUIDE_SECTION_NUMBER.format(number=self.section, title=title), font=FONT_SECTION)

    def sub(self, title: str) -> None:
        self.line(title, font=FONT_BOLD)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        for i, h in enumerate(headers, start=1):
            cell = self.ws.cell(row=self.row, column=i, value=h)
            cell.font = FONT_BOLD
            cell.fill = FILL_GUIDE_HEADING
            cell.border = HEADER_BORDER
            cell.alignment = ALIGN_HEADER
        self.row += 1
        for row in rows:
            longest = 0
            for i, v in enumerate(row, start=1):
                cell = self.ws.cell(row=self.row, column=i, value=v if v != "" else None)
                cell.border = DATA_BORDER
                cell.alignment = ALIGN_WRAP
                if v in (t.REQUIRED, t.CONDITIONAL):
                    cell.font = FONT_REQUIRED_MARK
                width = self.ws.column_dimensions[get_column_letter(i)].width or 10
                longest = max(longest, -(-_display_width(str(v)) // max(1, int(width) - 2)))
            self.ws.row_dimensions[self.row].height = max(18, 16 * longest)
            self.row += 1


def _choice_text(col: c.Column, code_lists: dict[str, tuple[str, Sequence[str]]]) -> str:
    if col.header == c.COL_SELF_EVALUATION:
        return "、".join(f"{v}（{c.SELF_EVALUATION_LABELS[v]}）" for v in col.choices)
    if col.choices:
        return "、".join(col.choices)
    if col.header in code_lists:
        return t.GUIDE_SEE_LIST
    return ""


def _write_guide(wb: Workbook, *, fiscal_year: int | None, department_code: str | None,
                 department_name: str | None, indicators: Sequence[TemplateIndicator],
                 code_lists: dict[str, dict[str, tuple[str, Sequence[str]]]],
                 energy: TemplateEnergy | None = None) -> Worksheet:
    ws = wb.active
    ws.title = GUIDE_SHEET
    for letter, width in zip("ABCD", (24, 16, 64, 48)):
        ws.column_dimensions[letter].width = width
    g = _Guide(ws)
    g.line(t.sheet_title(t.GUIDE_TITLE, fiscal_year, department_name), font=FONT_TITLE, height=24)
    target = t.guide_target(fiscal_year, department_name, department_code)
    if target:
        g.line(target, font=FONT_BOLD)
    g.paragraph(t.GUIDE_INTRO)

    g.heading(t.GUIDE_SECTION_SHEETS)
    sheet_rows = list(t.GUIDE_SHEET_ROWS)
    if energy is not None:
        sheet_rows.insert(-1, t.GUIDE_ENERGY_SHEET_ROW)
    g.table(t.GUIDE_SHEET_TABLE_HEADERS, sheet_rows)

    g.heading(t.GUIDE_SECTION_COLUMNS)
    g.sub(f"■ {c.SHEET_INFO}　{t.GUIDE_INFO_NOTE}")
    g.table(t.GUIDE_COLUMN_TABLE_HEADERS, [
        (label, t.REQUIRED if label in c.INFO_REQUIRED else t.OPTIONAL,
         t.GUIDE_INFO_ROWS.get(label, ""),
         t.INFO_HINTS.get(label, "") if label == c.INFO_FISCAL_YEAR else "")
        for label in c.INFO_LABELS])
    for sheet in c.SUBMISSION_SHEETS + ((c.ENERGY_SHEET,) if energy is not None else ()):
        g.row += 1
        g.sub(f"■ {sheet.name}")
        g.table(t.GUIDE_COLUMN_TABLE_HEADERS, [
            (col.header, _marker(sheet.name, col), col.note,
             _choice_text(col, code_lists.get(sheet.name, {})))
            for col in sheet.columns])

    g.heading(t.GUIDE_SECTION_VALUES)
    g.sub(f"■ {t.GUIDE_SELF_EVALUATION}")
    g.table((c.COL_SELF_EVALUATION, t.GUIDE_MEANING),
            [(v, c.SELF_EVALUATION_LABELS[v]) for v in c.SELF_EVALUATIONS])
    g.paragraph(t.GUIDE_NOT_IMPLEMENTED_NOTE.format(value=c.NOT_IMPLEMENTED))
    g.paragraph(t.GUIDE_DIRECTION_NOTE.format(values=t.LIST_SEPARATOR.join(c.DIRECTIONS_NEEDING_REVISION)))

    g.heading(t.GUIDE_SECTION_YEARS)
    for text in t.GUIDE_YEARS:
        g.paragraph(t.BULLET + text)

    g.heading(t.GUIDE_SECTION_UNKNOWN)
    for text in t.GUIDE_UNKNOWN:
        g.paragraph(t.BULLET + text)

    g.heading(t.GUIDE_SECTION_ROWS)
    for text in t.GUIDE_ROWS:
        g.paragraph(t.BULLET + text)

    if energy is not None:
        g.heading(t.GUIDE_SECTION_ENERGY)
        for text in t.GUIDE_ENERGY:
            g.paragraph(t.BULLET + text)
        if energy.activities:
            g.sub(f"■ {t.GUIDE_ENERGY_UNITS}")
            g.table(t.GUIDE_ENERGY_UNIT_HEADERS, [
                (name, base, "、".join(others) if others else "―") for name, base, others in energy.activities])
        g.row += 1
        g.sub(f"■ {t.GUIDE_ENERGY_SUPPLIERS}")
        for text in t.GUIDE_SUPPLIER:
            g.paragraph(t.BULLET + text)
        if energy.suppliers:
            g.paragraph(t.GUIDE_SUPPLIER_LIST.format(names="、".join(energy.suppliers)))

    if indicators:
        g.heading(t.GUIDE_SECTION_INDICATORS)
        g.paragraph(t.GUIDE_INDICATOR_NOTE)
        g.table(t.GUIDE_INDICATOR_TABLE_HEADERS, [(i.code, i.name, i.unit) for i in indicators])

    g.heading(t.GUIDE_SECTION_SUBMIT)
    for text in t.GUIDE_SUBMIT:
        g.paragraph(t.BULLET + text)

    ws.sheet_view.showGridLines = False
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return ws


def _write_energy(wb: Workbook, energy: TemplateEnergy, *, title: str, choices: _Choices) -> Worksheet:
    facility_codes = tuple(dict.fromkeys(r.facility_code for r in energy.rows))
    lists = {
        c.COL_FACILITY_CODE: (t.CHOICE_LIST_HEADERS["facility_codes"], facility_codes),
        c.COL_ACTIVITY: (t.CHOICE_LIST_HEADERS["activities"], tuple(a for a, _, _ in energy.activities)),
        c.COL_UNIT: (t.CHOICE_LIST_HEADERS["units"], energy.units),
        c.COL_SUPPLIER: (t.CHOICE_LIST_HEADERS["suppliers"],
                         tuple(energy.suppliers) + ((c.SUPPLIER_FALLBACK,) if energy.suppliers else ())),
    }
    rows = [{c.COL_FACILITY_CODE: r.facility_code, c.COL_FACILITY_NAME: r.facility_name,
             c.COL_ACTIVITY: r.activity, c.COL_SUPPLIER: r.supplier, c.COL_MENU: r.menu,
             c.COL_UNIT: r.unit} for r in energy.rows]
    rows = [{k: v for k, v in row.items() if v is not None} for row in rows]
    return _write_table(wb, c.ENERGY_SHEET, rows, title=title, choices=choices, code_lists=lists,
                        open_lists=(c.COL_SUPPLIER,))


def write_template(out: Path | str | BinaryIO, *, fiscal_year: int | None = None,
                   department_code: str | None = None, department_name: str | None = None,
                   actions: Sequence[TemplateAction] = (),
                   indicators: Sequence[TemplateIndicator] = (),
                   energy: TemplateEnergy | None = None) -> None:
    """Write the submission workbook (.xlsx) to a path or a binary file object.

    With `energy` (a master with facilities, contract §8) the form gains the
    エネルギー使用量 sheet: the department's facilities in use, one row per meter of
    their last report, with drop-downs for 活動区分, 単位 and 電気事業者.
    """
    actions = tuple(actions)
    indicators = tuple(indicators)
    wb = Workbook()

    action_codes = tuple(dict.fromkeys(a.code for a in actions))
    indicator_codes = tuple(dict.fromkeys(i.code for i in indicators))
    action_list = {c.COL_ACTION_CODE: (t.CHOICE_LIST_HEADERS["action_codes"], action_codes)} \
        if action_codes else {}
    indicator_list = {c.COL_INDICATOR_CODE: (t.CHOICE_LIST_HEADERS["indicator_codes"], indicator_codes)} \
        if indicator_codes else {}
    code_lists = {c.SHEET_ACTIONS: action_list, c.SHEET_INDICATORS: indicator_list,
                  c.SHEET_PARTNERS: action_list}

    _write_guide(wb, fiscal_year=fiscal_year, department_code=department_code,
                 department_name=department_name, indicators=indicators, code_lists=code_lists,
                 energy=energy)
    _write_info(wb, fiscal_year, department_code, department_name)

    choices = _Choices(wb)
    # Register the contract's long lists first so their place in 選択肢 is stable
    # (連携主体区分 is always column A), whatever codes follow.
    for sheet in c.SUBMISSION_SHEETS:
        for col in sheet.columns:
            if col.kind == "choice" and col.choices and not _inline_ok(col.choices):
                choices.range_for(col.header, col.choices)

    def title(sheet: str) -> str:
        return t.table_title(sheet, fiscal_year, department_name)

    _write_table(wb, c.ACTIONS_SHEET,
                 [{c.COL_ACTION_CODE: a.code, c.COL_ACTION_NAME: a.name} for a in actions],
                 title=title(c.SHEET_ACTIONS), choices=choices, code_lists=action_list)
    _write_table(wb, c.INDICATORS_SHEET,
                 [{c.COL_INDICATOR_CODE: i.code, c.COL_INDICATOR_NAME: i.name} for i in indicators],
                 title=title(c.SHEET_INDICATORS), choices=choices, code_lists=indicator_list,
                 unit_comments=[i.unit for i in indicators])
    _write_table(wb, c.PARTNERS_SHEET, [], title=title(c.SHEET_PARTNERS),
                 choices=choices, code_lists=action_list)
    if energy is not None:
        _write_energy(wb, energy, title=title(c.SHEET_ENERGY), choices=choices)

    # The hidden list sheet goes last, after the sheets people fill in.
    if CHOICES_SHEET in wb.sheetnames:
        wb.move_sheet(CHOICES_SHEET, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(CHOICES_SHEET))
    wb.active = 0

    props = wb.properties
    props.title = t.sheet_title(t.WORKBOOK_TITLE, fiscal_year, department_name)
    props.subject = t.WORKBOOK_SUBJECT
    props.creator = t.WORKBOOK_CREATOR
    props.keywords = t.WORKBOOK_KEYWORDS
    props.lastModifiedBy = t.WORKBOOK_CREATOR
    wb.custom_doc_props.append(StringProperty(name="contract_version", value=c.CONTRACT_VERSION))

    if isinstance(out, (str, Path)):
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        wb.save(str(out))
    else:
        wb.save(out)


def template_bytes(**kwargs) -> bytes:
    """The template as bytes (same keyword arguments as write_template)."""
    buf = io.BytesIO()
    write_template(buf, **kwargs)
    return buf.getvalue()
