"""Validating a department submission workbook against the current plan.

All problems of a file are collected at once; errors reject the workbook,
warnings (name mismatch, unreported value, …) are shown but do not.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from pipeline.ingest import contract as c
from pipeline.ingest import normalise
from pipeline.ingest.energy import read_energy
from pipeline.ingest.master import MasterPlan
from pipeline.ingest.problems import ERROR, WARNING, Problem, RejectedFile
from pipeline.ingest.reader import RawWorkbook, SheetGrid, read_workbook
from pipeline.ingest.tables import ParsedRow, cell_ref, parse_table
from pipeline.texts import energy as etxt
from pipeline.texts import validation as txt


@dataclass(frozen=True)
class ActionReport:
    action_code: str
    action_name: str | None
    implementation_status: str
    budget_k_yen: float | None
    settlement_k_yen: float | None
    result_text: str | None
    self_evaluation: str
    issues_text: str | None
    direction: str
    revision_text: str | None
    source_sheet: str
    source_cell: str


@dataclass(frozen=True)
class IndicatorValue:
    indicator_code: str
    indicator_name: str | None
    actual_year: int
    value: float | None
    note: str | None
    source_sheet: str
    source_cell: str          # the 実績値 cell


@dataclass(frozen=True)
class PartnerRow:
    action_code: str
    stakeholder_type: str
    organisation: str | None
    participants: int | None
    co2_reduction_t: float | None
    content: str | None
    source_sheet: str
    source_cell: str


@dataclass
class Submission:
    """A validated workbook: what would be loaded, and what was found."""
    file_name: str
    fiscal_year: int | None = None
    department_code: str | None = None
    department_name: str | None = None
    contact_person: str | None = None
    contact: str | None = None
    actions: list[ActionReport] = field(default_factory=list)
    indicator_values: list[IndicatorValue] = field(default_factory=list)
    partners: list[PartnerRow] = field(default_factory=list)
    energy: list = field(default_factory=list)          # ingest.energy.EnergyRow
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def accepted(self) -> bool:
        return not self.errors and self.fiscal_year is not None and self.department_code is not None

    @property
    def rows(self) -> dict[str, int]:
        rows = {c.SHEET_ACTIONS: len(self.actions), c.SHEET_INDICATORS: len(self.indicator_values),
                c.SHEET_PARTNERS: len(self.partners)}
        if self.energy:
            rows[c.SHEET_ENERGY] = len(self.energy)
        return rows


SUBMISSION_SHEET_NAMES = (c.SHEET_INFO,) + tuple(t.name for t in c.SUBMISSION_SHEETS) + (c.SHEET_ENERGY,)


def validate_submission(data: bytes, file_name: str, plan: MasterPlan | None) -> Submission:
    """Read and validate a workbook; never raises for bad input."""
    result = Submission(file_name)
    try:
        book = read_workbook(data, file_name, SUBMISSION_SHEET_NAMES,
                             percent_sheets=(c.SHEET_INDICATORS,))
    except RejectedFile as exc:
        result.problems.append(exc.problem)
        return result
    if plan is None:
        result.problems.append(Problem(None, None, txt.NO_MASTER))
        return result
    return validate_book(book, plan, result)


def validate_book(book: RawWorkbook, plan: MasterPlan, result: Submission) -> Submission:
    problems = result.problems
    for name in (c.SHEET_INFO, c.SHEET_ACTIONS):
        if name not in book.sheets:
            problems.append(Problem(name, None, txt.missing_sheet(name)))
    if c.SHEET_INFO in book.sheets:
        _read_info(book.sheets[c.SHEET_INFO], plan, result)
    year = result.fiscal_year
    if c.SHEET_ACTIONS in book.sheets:
        _read_actions(book.sheets[c.SHEET_ACTIONS], plan, result)
    if c.SHEET_INDICATORS in book.sheets:
        _read_indicators(book.sheets[c.SHEET_INDICATORS], plan, result)
    if c.SHEET_PARTNERS in book.sheets:
        _read_partners(book.sheets[c.SHEET_PARTNERS], plan, result)
    if c.SHEET_ENERGY in book.sheets or plan.has_operations:
        result.energy = read_energy(book.sheets.get(c.SHEET_ENERGY), plan, year,
                                    result.department_code, problems)
    if year is not None and result.department_code in plan.departments \
            and c.SHEET_ACTIONS in book.sheets and not result.errors:
        reported = {a.action_code for a in result.actions}
        for action in _active_actions(plan, result.department_code, year):
            if action.code not in reported:
                problems.append(Problem(c.SHEET_ACTIONS, None,
                                        txt.action_not_reported(action.code, action.name), WARNING))
    return result


_by_department: tuple = (None, 0, {})   # (plan, action count, department -> actions)


def _active_actions(plan: MasterPlan, department_code: str, year: int) -> list:
    """plan.active_actions, with the plan's actions grouped by department once
    per plan (a batch validates hundreds of workbooks against one plan)."""
    global _by_department
    cached, count, groups = _by_department
    if cached is not plan or count != len(plan.actions):
        groups = {}
        for action in plan.actions.values():
            groups.setdefault(action.department_code, []).append(action)
        _by_department = (plan, len(plan.actions), groups)
    return [a for a in groups.get(department_code, ()) if a.active_in(year)]


def _read_info(grid: SheetGrid, plan: MasterPlan, result: Submission) -> None:
    sheet = c.SHEET_INFO
    found: dict[str, tuple[object, str]] = {}
    labels = {normalise.nfkc(label): label for label in c.INFO_LABELS}
    for r in range(min(c.INFO_MAX_ROWS, len(grid.rows))):
        label = grid.value(r, 0)
        if isinstance(label, str):
            key = labels.get(normalise.nfkc(label).rstrip(":："))
            if key and key not in found:
                found[key] = (grid.value(r, 1), cell_ref(r, 1))
    for label in c.INFO_REQUIRED:
        if label not in found:
            result.problems.append(Problem(sheet, None, txt.info_label_missing(label, c.INFO_MAX_ROWS)))
        elif normalise.is_blank(found[label][0]):
            result.problems.append(Problem(sheet, found[label][1], txt.info_value_missing(label)))
    if c.INFO_FISCAL_YEAR in found and not normalise.is_blank(found[c.INFO_FISCAL_YEAR][0]):
        value, ref = found[c.INFO_FISCAL_YEAR]
        try:
            result.fiscal_year = normalise.parse_year(value)
        except ValueError:
            result.problems.append(Problem(sheet, ref, txt.bad_year(c.INFO_FISCAL_YEAR, str(value)),
                                           value=str(value)))
    if c.INFO_DEPARTMENT_CODE in found and not normalise.is_blank(found[c.INFO_DEPARTMENT_CODE][0]):
        value, ref = found[c.INFO_DEPARTMENT_CODE]
        code = normalise.normalise_code(value)
        if code not in plan.departments:
            result.problems.append(Problem(sheet, ref, txt.unknown_department(code), value=code))
        else:
            result.department_code = code
            given = normalise.clean_text(found.get(c.INFO_DEPARTMENT_NAME, (None, ""))[0])
            master_name = plan.departments[code].name
            result.department_name = master_name
            if given and normalise.nfkc(given) != normalise.nfkc(master_name):
                result.problems.append(Problem(sheet, found[c.INFO_DEPARTMENT_NAME][1], txt.name_differs(
                    c.INFO_DEPARTMENT_CODE, code, given, master_name), WARNING, given))
    for label, attr in ((c.INFO_CONTACT_PERSON, "contact_person"), (c.INFO_CONTACT, "contact")):
        if label in found:
            setattr(result, attr, normalise.clean_text(found[label][0]))


def _unique(rows: list[ParsedRow], fields: tuple[str, ...], headers: tuple[str, ...], sheet,
            problems) -> list[ParsedRow]:
    seen: dict[tuple, str] = {}
    kept = []
    for row in rows:
        key = tuple(row.values.get(f) for f in fields)
        if key in seen:
            problems.append(Problem(sheet, row.cell(fields[0]), txt.duplicate_row(headers, key, seen[key])))
            row.ok = False
            continue
        seen[key] = row.cell(fields[0])
        kept.append(row)
    return kept


@functools.lru_cache(maxsize=8192)
def _name_key(name: str) -> str:
    """NFKC of a name; names repeat across every workbook of a batch."""
    return normalise.nfkc(name)


def _name_warning(problems, sheet, row: ParsedRow, field_name, kind, code, master_name):
    given = row.values.get(field_name)
    if given and given != master_name and _name_key(given) != _name_key(master_name):
        problems.append(Problem(sheet, row.cell(field_name),
                                txt.name_differs(kind, code, given, master_name), WARNING, given))


def _read_actions(grid: SheetGrid, plan: MasterPlan, result: Submission) -> None:
    sheet = c.SHEET_ACTIONS
    parsed = parse_table(grid, c.ACTIONS_SHEET)
    problems = result.problems
    problems.extend(parsed.problems)
    rows = [r for r in parsed.rows if r.values.get("action_code")]
    rows = _unique(rows, ("action_code",), (c.COL_ACTION_CODE,), sheet, problems)
    year = result.fiscal_year
    missing_columns: set[str] = set()     # a missing optional column is reported once, not per row

    def column_missing(header: str) -> None:
        if header not in missing_columns:
            missing_columns.add(header)
            problems.append(Problem(sheet, None, txt.missing_column(header)))

    for row in rows:
        v = row.values
        code = v["action_code"]
        action = plan.actions.get(code)
        if action is None:
            problems.append(Problem(sheet, row.cell("action_code"), txt.unknown_action(code), value=code))
            continue
        if year is not None and not action.active_in(year):
            problems.append(Problem(sheet, row.cell("action_code"), txt.inactive_action(
                code, action.name, year, action.start_year, action.end_year), value=code))
        if result.department_code and action.department_code != result.department_code:
            owner = plan.departments[action.department_code].name
            problems.append(Problem(sheet, row.cell("action_code"),
                                    txt.other_department_action(code, owner), WARNING, code))
        _name_warning(problems, sheet, row, "action_name", c.COL_ACTION_CODE, code, action.name)
        status = v.get("implementation_status")
        if status and status != c.NOT_IMPLEMENTED and not v.get("result_text") \
                and row.has("result_text"):
            problems.append(Problem(sheet, row.cell("result_text"), txt.result_required()))
        elif status and status != c.NOT_IMPLEMENTED and not row.has("result_text"):
            column_missing(c.COL_RESULT)
        direction = v.get("direction")
        if direction in c.DIRECTIONS_NEEDING_REVISION and not row.has("revision_text"):
            column_missing(c.COL_REVISION)
        elif direction in c.DIRECTIONS_NEEDING_REVISION and not v.get("revision_text"):
            problems.append(Problem(sheet, row.ref("revision_text"),
                                    txt.revision_required(direction)))
        if not row.ok or not (status and v.get("self_evaluation") and direction):
            continue
        result.actions.append(ActionReport(
            code, v.get("action_name"), status, v.get("budget_k_yen"), v.get("settlement_k_yen"),
            v.get("result_text"), v["self_evaluation"], v.get("issues_text"), direction,
            v.get("revision_text"), grid.name, row.cell("action_code")))


def _read_indicators(grid: SheetGrid, plan: MasterPlan, result: Submission) -> None:
    sheet = c.SHEET_INDICATORS
    parsed = parse_table(grid, c.INDICATORS_SHEET)
    problems = result.problems
    problems.extend(parsed.problems)
    year = result.fiscal_year
    rows = [r for r in parsed.rows if r.values.get("indicator_code")]
    for row in rows:
        if row.values.get("actual_year") is None and year is not None:
            row.values["actual_year"] = year
    rows = _unique(rows, ("indicator_code", "actual_year"),
                   (c.COL_INDICATOR_CODE, c.COL_ACTUAL_YEAR), sheet, problems)
    for row in rows:
        v = row.values
        code = v["indicator_code"]
        indicator = plan.indicators.get(code)
        if indicator is None:
            problems.append(Problem(sheet, row.cell("indicator_code"), txt.unknown_indicator(code),
                                    value=code))
            continue
        _name_warning(problems, sheet, row, "indicator_name", c.COL_INDICATOR_CODE, code,
                      indicator.name)
        actual_year = v.get("actual_year")
        if actual_year is not None and year is not None and actual_year > year:
            problems.append(Problem(sheet, row.ref("actual_year"),
                                    txt.future_actual_year(actual_year, year)))
            continue
        value = v.get("value")
        if value is not None and indicator.unit.strip() in ("%", "％") \
                and isinstance(row.raw.get("value"), (int, float)):
            # (the percent-format scan of the sheet runs only when it can matter)
            # only a number is stored as a fraction; text such as "12.5%" already is the percent
            if "value" in row.percent:
                value = round(value * 100, 10)   # a cell typed as 12.5% is stored as 0.125
            elif grid.percent_scan_failed:
                # 0.125 may mean 12.5% or 0.125%: never guess a factor of 100
                problems.append(Problem(sheet, row.ref("value"), txt.percent_format_unknown(value),
                                        value=str(value)))
                continue
        if code in plan.auto_indicators:
            # 自動算定 (§8.1): the inventory gives the value; a typed one is kept but not used
            if value is not None:
                problems.append(Problem(sheet, row.ref("value"),
                                        etxt.auto_value_ignored(code, indicator.name), WARNING))
        elif value is None and row.ok:
            problems.append(Problem(sheet, row.ref("value"),
                                    txt.value_not_reported(code, indicator.name), WARNING))
        if not row.ok or actual_year is None:
            continue
        result.indicator_values.append(IndicatorValue(
            code, v.get("indicator_name"), actual_year, value, v.get("note"), grid.name,
            row.ref("value") or row.cell("indicator_code")))


def _read_partners(grid: SheetGrid, plan: MasterPlan, result: Submission) -> None:
    sheet = c.SHEET_PARTNERS
    parsed = parse_table(grid, c.PARTNERS_SHEET)
    problems = result.problems
    problems.extend(parsed.problems)
    for row in parsed.rows:
        v = row.values
        code = v.get("action_code")
        if code is None:
            continue
        if code not in plan.actions:
            problems.append(Problem(sheet, row.cell("action_code"), txt.unknown_action(code), value=code))
            continue
        if not row.ok:
            continue
        result.partners.append(PartnerRow(
            code, v["stakeholder_type"], v.get("organisation"), v.get("participants"),
            v.get("co2_reduction_t"), v.get("content"), grid.name, row.cell("action_code")))
