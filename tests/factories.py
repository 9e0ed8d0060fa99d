"""Small workbook fixtures built in the tests (no binary files in the repo).

`small_master()` is a tiny but complete plan; `submission()` writes a
department workbook whose rows are given as dicts keyed by contract headers.
"""
from __future__ import annotations

import io
from typing import Any

import openpyxl

from pipeline.ingest import contract as c

DEPARTMENTS = [
    {c.COL_DEPARTMENT_CODE: "D01", c.COL_DEPARTMENT_NAME: "ゼロカーボン推進戦略課", c.COL_BUREAU: "環境局"},
    {c.COL_DEPARTMENT_CODE: "D02", c.COL_DEPARTMENT_NAME: "交通政策課", c.COL_BUREAU: "都市局"},
]
POLICIES = [
    {c.COL_POLICY_CODE: "P1", c.COL_POLICY_NAME: "再生可能エネルギーの最大限導入"},
    {c.COL_POLICY_CODE: "P2", c.COL_POLICY_NAME: "脱炭素型まちづくり"},
]
MEASURES = [
    {c.COL_MEASURE_CODE: "M11", c.COL_POLICY_CODE: "P1", c.COL_MEASURE_NAME: "太陽光発電の導入促進"},
    {c.COL_MEASURE_CODE: "M21", c.COL_POLICY_CODE: "P2", c.COL_MEASURE_NAME: "公共交通の利用促進"},
]
ACTIONS = [
    {c.COL_ACTION_CODE: "A001", c.COL_MEASURE_CODE: "M11", c.COL_ACTION_NAME: "住宅用太陽光発電設備補助",
     c.COL_DEPARTMENT_CODE: "D01", c.COL_START_YEAR: 2021, c.COL_END_YEAR: None, c.COL_PRIORITY: "○"},
    {c.COL_ACTION_CODE: "A002", c.COL_MEASURE_CODE: "M11", c.COL_ACTION_NAME: "公共施設への太陽光導入",
     c.COL_DEPARTMENT_CODE: "D01", c.COL_START_YEAR: 2021, c.COL_END_YEAR: 2023, c.COL_PRIORITY: None},
    {c.COL_ACTION_CODE: "A003", c.COL_MEASURE_CODE: "M21", c.COL_ACTION_NAME: "バス路線の再編",
     c.COL_DEPARTMENT_CODE: "D02", c.COL_START_YEAR: 2022, c.COL_END_YEAR: None, c.COL_PRIORITY: None},
]
INDICATORS = [
    {c.COL_INDICATOR_CODE: "I01", c.COL_MEASURE_CODE: "M11", c.COL_INDICATOR_NAME: "太陽光発電導入容量",
     c.COL_UNIT: "kW", c.COL_DIRECTION: "増加", c.COL_BASE_YEAR: 2013, c.COL_BASE_VALUE: 100,
     c.COL_TARGET_YEAR: 2030, c.COL_TARGET_VALUE: 1800, c.COL_DEPARTMENT_CODE: "D01"},
    {c.COL_INDICATOR_CODE: "I02", c.COL_MEASURE_CODE: "M21", c.COL_INDICATOR_NAME: "自動車分担率",
     c.COL_UNIT: "%", c.COL_DIRECTION: "減少", c.COL_BASE_YEAR: 2013, c.COL_BASE_VALUE: 40,
     c.COL_TARGET_YEAR: 2030, c.COL_TARGET_VALUE: 23, c.COL_DEPARTMENT_CODE: "D02"},
]
EMISSIONS = [
    {c.COL_FISCAL_YEAR: 2013, c.COL_SECTOR: "産業", c.COL_KIND: "基準", c.COL_EMISSIONS: 1000},
    {c.COL_FISCAL_YEAR: 2013, c.COL_SECTOR: "家庭", c.COL_KIND: "基準", c.COL_EMISSIONS: 1000},
    {c.COL_FISCAL_YEAR: 2013, c.COL_SECTOR: "森林吸収", c.COL_KIND: "基準", c.COL_EMISSIONS: -10},
    {c.COL_FISCAL_YEAR: 2020, c.COL_SECTOR: "産業", c.COL_KIND: "実績", c.COL_EMISSIONS: 900},
    {c.COL_FISCAL_YEAR: 2020, c.COL_SECTOR: "家庭", c.COL_KIND: "実績", c.COL_EMISSIONS: 850},
    {c.COL_FISCAL_YEAR: 2030, c.COL_SECTOR: "産業", c.COL_KIND: "目標", c.COL_EMISSIONS: 490},
    {c.COL_FISCAL_YEAR: 2030, c.COL_SECTOR: "家庭", c.COL_KIND: "目標", c.COL_EMISSIONS: 490},
]


def _table(ws, headers, rows, title_rows: int = 0):
    for i in range(title_rows):
        ws.cell(i + 1, 1, f"タイトル行{i + 1}")
    ws.append(list(headers)) if not title_rows else [ws.cell(title_rows + 1, j + 1, h) for j, h in enumerate(headers)]
    for r, row in enumerate(rows):
        for j, h in enumerate(headers):
            value = row.get(h)
            if value is not None:
                ws.cell(title_rows + 2 + r, j + 1, value)


def to_bytes(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def small_master(**sheets: list[dict]) -> bytes:
    """A valid master; pass e.g. 事業=[...] (by sheet name) to replace a sheet's rows."""
    data = {c.MASTER_DEPARTMENTS: DEPARTMENTS, c.MASTER_POLICIES: POLICIES,
            c.MASTER_MEASURES: MEASURES, c.MASTER_ACTIONS: ACTIONS,
            c.MASTER_INDICATORS: INDICATORS, c.MASTER_EMISSIONS: EMISSIONS}
    data.update(sheets)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for table in c.MASTER_SHEETS:
        if data.get(table.name) is None:
            continue
        _table(wb.create_sheet(table.name), table.headers, data[table.name])
    return to_bytes(wb)


def action_row(code="A001", **kw) -> dict[str, Any]:
    row = {c.COL_ACTION_CODE: code, c.COL_IMPLEMENTATION: "実施", c.COL_RESULT: "補助を120件交付した",
           c.COL_SELF_EVALUATION: "B", c.COL_DIRECTION_NEXT: "継続", c.COL_BUDGET: 5000,
           c.COL_SETTLEMENT: 4800}
    row.update({getattr(c, k) if k.startswith("COL_") else k: v for k, v in kw.items()})
    return row


def submission(year: Any = 2024, department: Any = "D01", *, actions=None, indicators=None,
               partners=None, info: dict | None = None, drop_sheets=(), title_rows: int = 0,
               headers: dict[str, list[str]] | None = None, extra_sheet: bool = False,
               percent_cells: tuple[str, ...] = ()) -> bytes:
    """A department workbook; `headers` overrides a sheet's header order/content."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    if c.SHEET_INFO not in drop_sheets:
        ws = wb.create_sheet(c.SHEET_INFO)
        values = {c.INFO_FISCAL_YEAR: year, c.INFO_DEPARTMENT_CODE: department,
                  c.INFO_DEPARTMENT_NAME: None, c.INFO_CONTACT_PERSON: "環境 太郎",
                  c.INFO_CONTACT: "048-000-0000"}
        values.update(info or {})
        for label, value in values.items():
            ws.append([label, value])
    if actions is None:
        actions = [action_row("A001"), action_row("A002")] if department == "D01" else []
    sheets = [(c.ACTIONS_SHEET, actions), (c.INDICATORS_SHEET, indicators or []),
              (c.PARTNERS_SHEET, partners or [])]
    for table, rows in sheets:
        if table.name in drop_sheets:
            continue
        ws = wb.create_sheet(table.name)
        hdrs = (headers or {}).get(table.name, list(table.headers))
        _table(ws, hdrs, rows, title_rows)
        if table.name == c.SHEET_INDICATORS:
            for ref in percent_cells:
                ws[ref].number_format = "0.0%"
    if extra_sheet:
        wb.create_sheet("メモ")["A1"] = "作業用メモ"
    return to_bytes(wb)


def break_number_formats(data: bytes) -> bytes:
    """The workbook with an unreadable custom number-format id in styles.xml.

    The values still read (calamine does not need the id); only the percent
    scan of the cell styles fails.
    """
    import zipfile
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            body = zin.read(item.filename)
            if item.filename == "xl/styles.xml":
                body = body.replace(b'numFmtId="164"', b'numFmtId="x"')
            zout.writestr(item, body)
    return out.getvalue()


# --- helpers for warehouse-level tests (added for the contract tests) ---------

def indicator_row(code="I01", value=None, year=None, **kw) -> dict[str, Any]:
    """An 指標実績 row; `year` is the 実績年度 (None = blank)."""
    row = {c.COL_INDICATOR_CODE: code, c.COL_ACTUAL_VALUE: value, c.COL_ACTUAL_YEAR: year}
    row.update({getattr(c, k) if k.startswith("COL_") else k: v for k, v in kw.items()})
    return row


def partner_row(code="A001", kind="市民", **kw) -> dict[str, Any]:
    row = {c.COL_ACTION_CODE: code, c.COL_STAKEHOLDER_TYPE: kind}
    row.update({getattr(c, k) if k.startswith("COL_") else k: v for k, v in kw.items()})
    return row


def d01(year: int = 2024, **kw) -> bytes:
    """A valid D01 workbook for `year` (reports exactly the actions active that year)."""
    actions = kw.pop("actions", None)
    if actions is None:
        actions = [action_row("A001")] + ([action_row("A002")] if year <= 2023 else [])
    return submission(year, "D01", actions=actions, **kw)


def d02(year: int = 2024, **kw) -> bytes:
    """A valid D02 workbook for `year` (FY2022 and later: A003 is active)."""
    actions = kw.pop("actions", None)
    if actions is None:
        actions = [action_row("A003")]
    return submission(year, "D02", actions=actions, **kw)


def load_master(db, data: bytes | None = None):
    """Load `data` (default small_master()) as the current master; returns the MasterResult."""
    from pipeline import load
    result, _, _ = load.load_master_bytes(small_master() if data is None else data, "master.xlsx", db)
    assert result.accepted, [p.message for p in result.problems]
    return result


def ingest_all(db, *workbooks, **kw):
    """Ingest workbooks (bytes, or (name, bytes)) in one call; returns the IngestReports."""
    from pipeline import load
    files = [w if isinstance(w, tuple) else (f"wb{i}.xlsx", w) for i, w in enumerate(workbooks)]
    return load.ingest_bytes(files, db, **kw)


def patch_zip(data: bytes, member: str, transform) -> bytes:
    """Rewrite one member of an .xlsx zip: transform(bytes) -> bytes."""
    import zipfile
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == member:
                content = transform(content)
            dst.writestr(info, content)
    return out.getvalue()


def sheet_member(data: bytes, sheet_name: str) -> str:
    """The zip path of a sheet's XML (openpyxl writes xl/worksheets/sheetN.xml)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return f"xl/worksheets/sheet{wb.sheetnames.index(sheet_name) + 1}.xml"
