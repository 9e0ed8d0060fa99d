"""Workbook fixtures of the city's own operations (事務事業編, contract §8).

A master with 組織 / 施設 / 事務事業目標, a small 排出係数表 and submissions with
an エネルギー使用量 sheet, all built in memory.  The factors are chosen so that
emissions can be computed by hand in the tests.
"""
from __future__ import annotations

from typing import Any

import openpyxl

from pipeline.ingest import contract as c
from tests import factories as f

ORGANISATIONS = [
    {c.COL_ORGANISATION_CODE: "O1", c.COL_ORGANISATION_NAME: "市長部局"},
    {c.COL_ORGANISATION_CODE: "O2", c.COL_ORGANISATION_NAME: "教育委員会"},
]
DEPARTMENTS = [
    {**f.DEPARTMENTS[0], c.COL_ORGANISATION_CODE: "O1"},
    {**f.DEPARTMENTS[1], c.COL_ORGANISATION_CODE: "O2"},
]
FACILITIES = [
    {c.COL_FACILITY_CODE: "F001", c.COL_FACILITY_NAME: "本庁舎", c.COL_DEPARTMENT_CODE: "D01",
     c.COL_FACILITY_USE: "庁舎", c.COL_FLOOR_AREA: 10000, c.COL_START_YEAR: None, c.COL_END_YEAR: None},
    {c.COL_FACILITY_CODE: "F002", c.COL_FACILITY_NAME: "第一小学校", c.COL_DEPARTMENT_CODE: "D02",
     c.COL_FACILITY_USE: "学校", c.COL_FLOOR_AREA: 5000, c.COL_START_YEAR: 1980, c.COL_END_YEAR: None},
    {c.COL_FACILITY_CODE: "F003", c.COL_FACILITY_NAME: "旧分庁舎", c.COL_DEPARTMENT_CODE: "D01",
     c.COL_FACILITY_USE: "庁舎", c.COL_FLOOR_AREA: 2000, c.COL_START_YEAR: 1990, c.COL_END_YEAR: 2022},
    {c.COL_FACILITY_CODE: "F004", c.COL_FACILITY_NAME: "新センター", c.COL_DEPARTMENT_CODE: "D01",
     c.COL_FACILITY_USE: "集会施設", c.COL_FLOOR_AREA: 1500, c.COL_START_YEAR: 2025, c.COL_END_YEAR: None},
]
TARGETS = [
    {c.COL_ORGANISATION_CODE: None, c.COL_BASE_YEAR: 2013, c.COL_BASE_EMISSIONS_T: 100,
     c.COL_TARGET_YEAR: 2030, c.COL_REDUCTION_PCT: 50},
    {c.COL_ORGANISATION_CODE: "O1", c.COL_BASE_YEAR: 2013, c.COL_BASE_EMISSIONS_T: 60,
     c.COL_TARGET_YEAR: 2030, c.COL_REDUCTION_PCT: 40},
]
AUTO_INDICATOR = {
    c.COL_INDICATOR_CODE: "I03", c.COL_MEASURE_CODE: "M11", c.COL_INDICATOR_NAME: "市の事務事業に伴う排出量",
    c.COL_UNIT: "t-CO2", c.COL_DIRECTION: "減少", c.COL_BASE_YEAR: 2013, c.COL_BASE_VALUE: 100,
    c.COL_TARGET_YEAR: 2030, c.COL_TARGET_VALUE: 50, c.COL_DEPARTMENT_CODE: "D01",
    c.COL_AUTO: "事務事業編"}


def ops_master(*, organisations=ORGANISATIONS, departments=DEPARTMENTS, facilities=FACILITIES,
               targets=TARGETS, indicators=None, drop=()) -> bytes:
    """The small master plus the §8 sheets (a sheet named in `drop` is left out)."""
    data = f.small_master(**{c.MASTER_DEPARTMENTS: departments,
                             c.MASTER_INDICATORS: indicators or f.INDICATORS + [AUTO_INDICATOR]})
    import io
    wb = openpyxl.load_workbook(io.BytesIO(data))
    rows = {c.MASTER_ORGANISATIONS: organisations, c.MASTER_FACILITIES: facilities,
            c.MASTER_OPERATIONS_TARGETS: targets}
    for table in c.MASTER_OPERATIONS_SHEETS:
        if table.name in drop:
            continue
        f._table(wb.create_sheet(table.name), table.headers, rows[table.name])
    return f.to_bytes(wb)


ACTIVITIES = [
    ("電気", "kWh", "CO2", 1), ("都市ガス", "m3", "CO2", 1), ("灯油", "L", "CO2", 1),
    ("LPG", "kg", "CO2", 1), ("公用車走行（ガソリン）", "km", "CH4", 28),
]
CONVERSIONS = [("電気", "千kWh", 1000), ("都市ガス", "千m3", 1000), ("灯油", "kL", 1000),
               ("LPG", "m3", 2.0)]
FACTORS = [
    # (年度, 活動区分, 電気事業者, メニュー, 係数, 出典)
    (2013, "電気", "代替値", None, 0.5, "告示"), (2013, "電気", "A電力", None, 0.55, "告示"),
    (2013, "都市ガス", None, None, 2.23, "施行令"), (2013, "灯油", None, None, 2.49, "施行令"),
    (2013, "LPG", None, None, 3.0, "施行令"),
    (2023, "電気", "代替値", None, 0.45, "告示"), (2023, "電気", "A電力", None, 0.40, "告示"),
    (2023, "電気", "A電力", "グリーン100", 0.0, "告示"), (2023, "電気", "B電力", None, 0.50, "告示"),
    (2023, "都市ガス", None, None, 2.23, "施行令"), (2023, "灯油", None, None, 2.49, "施行令"),
    (2023, "LPG", None, None, 3.0, "施行令"), (2023, "公用車走行（ガソリン）", None, None, 0.00001, "施行令"),
    (2024, "電気", "代替値", None, 0.44, "告示"), (2024, "電気", "A電力", None, 0.38, "告示"),
    (2024, "電気", "A電力", "グリーン100", 0.0, "告示"),
    (2024, "都市ガス", None, None, 2.23, "施行令"), (2024, "灯油", None, None, 2.49, "施行令"),
    (2024, "LPG", None, None, 3.0, "施行令"), (2024, "公用車走行（ガソリン）", None, None, 0.00001, "施行令"),
]
FY2025_FACTORS = [
    (2025, "電気", "代替値", None, 0.42, "告示"), (2025, "電気", "A電力", None, 0.35, "告示"),
    (2025, "都市ガス", None, None, 2.23, "施行令"), (2025, "灯油", None, None, 2.49, "施行令"),
    (2025, "LPG", None, None, 3.0, "施行令"),
]


def factor_workbook(*, activities=ACTIVITIES, conversions=CONVERSIONS, factors=FACTORS,
                    drop=(), extra_factors=()) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    sheets = {
        c.FACTOR_ACTIVITIES: [dict(zip((c.COL_ACTIVITY, c.COL_BASE_UNIT, c.COL_GAS, c.COL_GWP), r))
                              for r in activities],
        c.FACTOR_CONVERSIONS: [dict(zip((c.COL_ACTIVITY, c.COL_UNIT, c.COL_PER_BASE_UNIT), r))
                               for r in conversions],
        c.FACTOR_FACTORS: [dict(zip((c.COL_FISCAL_YEAR, c.COL_ACTIVITY, c.COL_SUPPLIER, c.COL_MENU,
                                     c.COL_FACTOR, c.COL_FACTOR_SOURCE), r))
                           for r in list(factors) + list(extra_factors)],
    }
    for table in c.FACTOR_SHEETS:
        if table.name in drop:
            continue
        f._table(wb.create_sheet(table.name), table.headers, sheets[table.name])
    return f.to_bytes(wb)


def energy_row(facility="F001", activity="電気", unit="kWh", months=None, annual=None, **kw) -> dict[str, Any]:
    """An エネルギー使用量 row; `months` is a list of 12 values (April first) or a dict 月 → value."""
    row: dict[str, Any] = {c.COL_FACILITY_CODE: facility, c.COL_ACTIVITY: activity, c.COL_UNIT: unit,
                           c.COL_ANNUAL: annual}
    if isinstance(months, dict):
        row.update({f"{m}月": v for m, v in months.items()})
    elif months is not None:
        row.update(dict(zip(c.MONTH_HEADERS, months)))
    row.update({getattr(c, k) if k.startswith("COL_") else k: v for k, v in kw.items()})
    return row


def with_energy(data: bytes, rows: list[dict], *, headers=None, title_rows: int = 0) -> bytes:
    """Add an エネルギー使用量 sheet to a submission workbook."""
    import io
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.create_sheet(c.SHEET_ENERGY)
    f._table(ws, headers or list(c.ENERGY_SHEET.headers), rows, title_rows)
    return f.to_bytes(wb)


def d01_energy(year: int, rows: list[dict], **kw) -> bytes:
    return with_energy(f.d01(year, **kw), rows)


def d02_energy(year: int, rows: list[dict], **kw) -> bytes:
    return with_energy(f.d02(year, **kw), rows)


def load_ops(db, *, factors: bytes | None = None, master: bytes | None = None):
    """Load the §8 master and the factor workbook into `db`."""
    from pipeline import load
    f.load_master(db, ops_master() if master is None else master)
    result, _, _ = load.load_factors_bytes(factor_workbook() if factors is None else factors,
                                           "factors.xlsx", db)
    assert result.accepted, [p.message for p in result.problems]
    return result


MONTHLY = [1000] * 12


def load_fy2023_2025(db):
    """FY2023–FY2025 for 本庁舎 (F001): two meters from two suppliers in FY2024, F002 in
    FY2024, F004 in FY2025 (no FY2025 factors loaded).  Returns `db`."""
    load_ops(db)
    reports = f.ingest_all(
        db,
        d01_energy(2023, [energy_row("F001", "電気", "kWh", annual=10000, COL_SUPPLIER="A電力"),
                          energy_row("F001", "都市ガス", "千m3", annual=2)]),
        d01_energy(2024, [energy_row("F001", "電気", "kWh", months=MONTHLY, COL_SUPPLIER="A電力"),
                          energy_row("F001", "電気", "千kWh", annual=20, COL_SUPPLIER="B電力"),
                          energy_row("F001", "都市ガス", "m3", months=[100] * 12)]),
        d02_energy(2024, [energy_row("F002", "電気", "kWh", annual=50000)],
                   actions=[f.action_row("A003")]),
        d01_energy(2025, [energy_row("F001", "電気", "kWh", months=MONTHLY, COL_SUPPLIER="A電力"),
                          energy_row("F004", "電気", "kWh", annual=4000, COL_SUPPLIER="A電力")]))
    assert all(r.accepted for r in reports), [(p.location, p.message) for r in reports for p in r.errors]
    return db
