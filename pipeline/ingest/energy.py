"""The submission's optional sheet エネルギー使用量 (contract §8.3).

One row per facility, activity and meter/contract, with monthly amounts
(4月 … 3月) or a 年間使用量, in a unit of the current factor workbook.  Rows
are kept as typed (unit and supplier as written, with the cells they came
from); conversion to 基準単位 and the choice of factor happen in the views, so
a new factor workbook recomputes everything.  Every error is reported at its
cell, all at once; warnings (unknown supplier, a ≥10× jump from the previous
FY, a facility in use that is not listed, …) do not reject the workbook.
"""
from __future__ import annotations

from dataclasses import dataclass

from pipeline.ingest import contract as c
from pipeline.ingest.factors import FALLBACK_KEY, FactorSet, name_key
from pipeline.ingest.master import MasterPlan
from pipeline.ingest.problems import WARNING, Problem
from pipeline.ingest.reader import SheetGrid
from pipeline.ingest.tables import parse_table
from pipeline.texts import energy as txt
from pipeline.texts import validation as vtxt


@dataclass(frozen=True)
class EnergyRow:
    facility_code: str
    facility_name: str | None         # as reported
    activity: str                     # the factor workbook's spelling
    supplier: str | None              # electricity only, as reported (None = blank → 代替値)
    menu: str | None
    unit: str                         # as reported
    unit_ratio: float                 # 基準単位 per unit, at ingest
    months: tuple                     # 12 amounts, April first (None = blank)
    annual: float | None              # 年間使用量 as typed
    amount: float                     # in the reported unit: the months' sum, else 年間使用量
    amount_cells: str                 # the cells that amount sums, "G5,H5,…" or "S5"
    note: str | None
    source_sheet: str
    source_cell: str                  # the row's 施設コード cell

    @property
    def base_amount(self) -> float:
        return self.amount * self.unit_ratio


def read_energy(grid: SheetGrid | None, plan: MasterPlan, fiscal_year: int | None,
                department_code: str | None, problems: list[Problem]) -> list[EnergyRow]:
    """Check the sheet (None = absent) and return the rows to store."""
    sheet = c.SHEET_ENERGY
    in_use = []
    if plan.has_operations and fiscal_year is not None and department_code in plan.departments:
        in_use = plan.department_facilities(department_code, fiscal_year)
    if grid is None:
        for facility in in_use:
            problems.append(Problem(sheet, None, txt.facility_not_reported(facility.code, facility.name),
                                    WARNING))
        return []
    factors: FactorSet | None = plan.factors
    if not plan.has_operations:
        problems.append(Problem(sheet, None, txt.NO_FACILITIES))
        return []
    if factors is None:
        problems.append(Problem(sheet, None, txt.NO_FACTORS))
        return []
    parsed = parse_table(grid, c.ENERGY_SHEET)
    problems.extend(parsed.problems)
    if parsed.header_row is None:
        return []
    rows: list[EnergyRow] = []
    unit_cells: dict[tuple[str, str], str] = {}     # (facility, activity) -> its first 単位 cell
    # Activities, units and suppliers repeat on every row: look each spelling up once.
    activity_of: dict = {}
    ratio_of: dict = {}
    month_fields = c.MONTH_FIELDS
    for row in parsed.rows:
        v = row.values
        code = v.get("facility_code")
        if code is None:
            continue
        ok = row.ok
        facility = plan.facilities.get(code)
        if facility is None:
            problems.append(Problem(sheet, row.cell("facility_code"), txt.unknown_facility(code), value=code))
            ok = False
        elif department_code is not None and facility.department_code != department_code:
            owner = plan.departments.get(facility.department_code)
            problems.append(Problem(sheet, row.cell("facility_code"), txt.other_department_facility(
                code, facility.name, owner.name if owner else facility.department_code), value=code))
            ok = False
        elif fiscal_year is not None and not facility.in_use(fiscal_year):
            problems.append(Problem(sheet, row.cell("facility_code"), txt.facility_not_in_use(
                code, facility.name, fiscal_year, facility.start_year, facility.end_year), value=code))
            ok = False
        elif v.get("facility_name") and name_key(v["facility_name"]) != name_key(facility.name):
            problems.append(Problem(sheet, row.cell("facility_name"), vtxt.name_differs(
                c.COL_FACILITY_CODE, code, v["facility_name"], facility.name), WARNING, v["facility_name"]))
        activity = None
        if v.get("activity") is not None:
            text = v["activity"]
            activity = activity_of.get(text, False)
            if activity is False:
                activity = activity_of[text] = factors.activity(text)
            if activity is None:
                problems.append(Problem(sheet, row.cell("activity"), txt.unknown_activity(
                    v["activity"], [a.name for a in factors.activities.values()]), value=v["activity"]))
                ok = False
        ratio = None
        if activity is not None and v.get("unit") is not None:
            key = (activity.name, v["unit"])
            ratio = ratio_of.get(key, False)
            if ratio is False:
                ratio = ratio_of[key] = factors.ratio(activity, v["unit"])
            if ratio is None:
                problems.append(Problem(sheet, row.cell("unit"), txt.unit_not_allowed(
                    v["unit"], activity.name, factors.units(activity)), value=v["unit"]))
                ok = False
        supplier, menu = v.get("supplier"), v.get("menu")
        if activity is not None and (supplier or menu):
            if not factors.is_electric(activity.name):
                problems.append(Problem(sheet, row.ref("supplier") if supplier else row.ref("menu"),
                                        txt.supplier_not_electric(activity.name), WARNING))
                supplier = menu = None
            elif supplier and name_key(supplier) != FALLBACK_KEY \
                    and name_key(supplier) not in factors.suppliers.get(activity.name, {}):
                problems.append(Problem(sheet, row.cell("supplier"), txt.unknown_supplier(supplier),
                                        WARNING, supplier))
            elif menu and supplier and name_key(menu) not in factors.menus.get(
                    (activity.name, name_key(supplier)), ()):
                problems.append(Problem(sheet, row.cell("menu"), txt.unknown_menu(supplier, menu),
                                        WARNING, menu))
            elif menu and not supplier:
                problems.append(Problem(sheet, row.cell("menu"), txt.menu_without_supplier(), WARNING))
                menu = None
        months = tuple([v.get(m) for m in month_fields])
        given = [(m, x) for m, x in zip(month_fields, months) if x is not None]
        annual = v.get("annual")
        if given:
            amount = sum(x for _, x in given)
            cells = _month_cells(row, given)
            if len(given) < 12:
                blank = next(m for m, x in zip(c.MONTH_FIELDS, months) if x is None)
                missing = [h for h, x in zip(c.MONTH_HEADERS, months) if x is None]
                problems.append(Problem(sheet, row.ref(blank, row.cell("facility_code")),
                                        txt.months_missing(missing), WARNING))
            if annual is not None and abs(annual - amount) > c.ANNUAL_TOLERANCE * abs(amount) + 1e-9:
                problems.append(Problem(sheet, row.cell("annual"), txt.annual_mismatch(
                    _fmt(annual), _fmt(amount), c.ANNUAL_TOLERANCE * 100)))
                ok = False
        elif annual is not None:
            amount, cells = annual, row.cell("annual")
        else:
            if row.ok:
                problems.append(Problem(sheet, row.ref("annual", row.cell("facility_code")),
                                        txt.no_amount(code), WARNING))
            continue
        if not ok or activity is None or ratio is None:
            continue
        rows.append(EnergyRow(code, v.get("facility_name"), activity.name, supplier, menu, v["unit"],
                              ratio, months, annual, amount, cells, v.get("note"), grid.name,
                              row.cell("facility_code")))
        unit_cells.setdefault((code, activity.name), row.cell("unit"))
    if fiscal_year is not None and not any(p.severity != WARNING and p.sheet == sheet for p in problems):
        _jumps(rows, plan, fiscal_year, unit_cells, problems)
    reported = {r.facility_code for r in rows}
    for facility in in_use:
        if facility.code not in reported:
            problems.append(Problem(sheet, None, txt.facility_not_reported(facility.code, facility.name),
                                    WARNING))
    return rows


def _month_cells(row, given) -> str:
    """The month cells an amount sums: `G5:R5` when they are one run of adjacent columns
    (the form's layout), else listed `G5,H5,…`."""
    columns = row._columns
    first = columns[given[0][0]][0]
    if all(columns[m][0] == first + i for i, (m, _) in enumerate(given)):
        if len(given) == 1:
            return row.cell(given[0][0])
        return f"{row.cell(given[0][0])}:{row.cell(given[-1][0])}"
    return ",".join(row.cell(m) for m, _ in given)


def _jumps(rows: list[EnergyRow], plan: MasterPlan, fiscal_year: int, unit_cells: dict,
           problems: list[Problem]) -> None:
    """A facility whose amount of an activity is ≥ 10× or ≤ 0.1× the previous FY's."""
    history = plan.energy_history or {}
    if not history:
        return
    totals: dict[tuple[str, str], float] = {}
    for r in rows:
        key = (r.facility_code, r.activity)
        totals[key] = totals.get(key, 0.0) + r.base_amount
    for (facility, activity), amount in totals.items():
        previous = history.get((fiscal_year - 1, facility, name_key(activity)))
        if not previous or previous <= 0 or amount <= 0:
            continue
        ratio = amount / previous
        if ratio >= c.JUMP_RATIO or ratio <= 1 / c.JUMP_RATIO:
            base_unit = plan.factors.activity(activity).base_unit
            problems.append(Problem(c.SHEET_ENERGY, unit_cells.get((facility, activity)), txt.jump(
                facility, activity, _fmt(amount), _fmt(previous), base_unit, ratio, fiscal_year - 1),
                WARNING))


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"


def remember(plan: MasterPlan, fiscal_year: int, rows: list[EnergyRow]) -> None:
    """Make an accepted workbook's amounts the previous FY's for later workbooks of a batch."""
    if plan.energy_history is None:
        plan.energy_history = {}
    totals: dict[tuple, float] = {}
    for r in rows:
        key = (fiscal_year, r.facility_code, name_key(r.activity))
        totals[key] = totals.get(key, 0.0) + r.base_amount
    plan.energy_history.update(totals)
