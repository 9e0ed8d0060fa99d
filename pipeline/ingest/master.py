"""The plan master (計画マスタ): reading, validating and the in-memory plan.

`MasterPlan` is what the submission validator checks against; it is built
either from a master workbook (here) or from the warehouse's current master
(warehouse.current_master).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.ingest import contract as c
from pipeline.ingest import normalise
from pipeline.ingest.problems import WARNING, Problem, RejectedFile
from pipeline.ingest.reader import read_workbook
from pipeline.ingest.tables import parse_sheets
from pipeline.texts import operations as otxt
from pipeline.texts import validation as txt


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    bureau: str | None = None


@dataclass(frozen=True)
class Action:
    code: str
    measure_code: str
    name: str
    department_code: str
    start_year: int
    end_year: int | None
    priority: bool = False

    def active_in(self, year: int) -> bool:
        return self.start_year <= year and (self.end_year is None or year <= self.end_year)


@dataclass(frozen=True)
class Indicator:
    code: str
    measure_code: str
    name: str
    unit: str
    direction: str
    base_year: int
    base_value: float
    target_year: int
    target_value: float
    department_code: str


@dataclass(frozen=True)
class Organisation:
    code: str
    name: str


@dataclass(frozen=True)
class Facility:
    code: str
    name: str
    department_code: str
    use_type: str | None
    floor_area_m2: float | None
    start_year: int | None
    end_year: int | None

    def in_use(self, year: int) -> bool:
        return (self.start_year is None or self.start_year <= year) and \
            (self.end_year is None or year <= self.end_year)


@dataclass(frozen=True)
class OperationsTarget:
    organisation_code: str | None        # None = the whole city government
    base_year: int
    base_t_co2: float
    target_year: int
    reduction_pct: float

    @property
    def target_t_co2(self) -> float:
        return self.base_t_co2 * (1 - self.reduction_pct / 100)


@dataclass
class MasterPlan:
    departments: dict[str, Department] = field(default_factory=dict)
    policies: dict[str, str] = field(default_factory=dict)           # code -> name
    measures: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (policy, name)
    actions: dict[str, Action] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    emissions: list[tuple[int, str, str, float, str]] = field(default_factory=list)
    # (fiscal_year, sector, kind, kt_co2, cell)
    cells: dict[tuple[str, str], str] = field(default_factory=dict)  # (sheet, code) -> cell
    contact_emails: dict[str, str] = field(default_factory=dict)  # department code -> 連絡先メール
    # Section 8 (事務事業編); empty for a master without those sheets.
    organisations: dict[str, Organisation] = field(default_factory=dict)
    department_organisation: dict[str, str] = field(default_factory=dict)  # department -> organisation
    facilities: dict[str, Facility] = field(default_factory=dict)
    operations_targets: dict[str | None, OperationsTarget] = field(default_factory=dict)
    auto_indicators: dict[str, str | None] = field(default_factory=dict)  # indicator -> organisation (None = whole)
    # Filled by the loader for submission checks (not part of the master file):
    factors: object | None = None              # ingest.factors.FactorSet of the current factor workbook
    energy_history: dict | None = None         # (FY, facility, activity) -> amount in 基準単位

    @property
    def has_operations(self) -> bool:
        return bool(self.organisations)

    def department_facilities(self, department_code: str, year: int | None = None) -> list[Facility]:
        # grouped by department once per set of facilities (a batch checks hundreds of workbooks)
        cached = self.__dict__.get("_facilities_by_department")
        if cached is None or cached[0] != len(self.facilities):
            groups: dict[str, list[Facility]] = {}
            for f in self.facilities.values():
                groups.setdefault(f.department_code, []).append(f)
            cached = (len(self.facilities), groups)
            self.__dict__["_facilities_by_department"] = cached
        return [f for f in cached[1].get(department_code, ()) if year is None or f.in_use(year)]

    def active_actions(self, department_code: str, year: int) -> list[Action]:
        return [a for a in self.actions.values()
                if a.department_code == department_code and a.active_in(year)]

    def department_indicators(self, department_code: str) -> list[Indicator]:
        return [i for i in self.indicators.values() if i.department_code == department_code]


@dataclass
class MasterResult:
    file_name: str
    plan: MasterPlan | None
    problems: list[Problem]
    rows: dict[str, int]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def accepted(self) -> bool:
        return self.plan is not None and not self.errors


def validate_master(data: bytes, file_name: str) -> MasterResult:
    """Read and check every sheet and reference of a master workbook."""
    try:
        book = read_workbook(data, file_name, [t.name for t in c.MASTER_SHEETS + c.MASTER_OPERATIONS_SHEETS])
    except RejectedFile as exc:
        return MasterResult(file_name, None, [exc.problem], {})
    problems: list[Problem] = []
    sheets = parse_sheets(book, c.MASTER_SHEETS, problems)
    tables, table_rows = sheets.tables, sheets.rows
    rows = sheets.counts()
    # Go on to the reference checks even when cells are bad: all errors at once.
    # Rows with a bad cell still register their code, so no cascade of broken refs.
    unreadable = sheets.unreadable(c.MASTER_SHEETS)

    plan = MasterPlan()
    for r in table_rows(c.MASTER_DEPARTMENTS):
        v = r.values
        plan.departments[v["department_code"]] = Department(
            v["department_code"], v["department_name"], v.get("bureau_name"))
        _contact_email(plan, r, problems)
    for r in table_rows(c.MASTER_POLICIES):
        plan.policies[r.values["policy_code"]] = r.values["policy_name"]
    for r in table_rows(c.MASTER_MEASURES):
        v = r.values
        _ref(unreadable, problems, c.MASTER_MEASURES, r, "policy_code", c.COL_POLICY_CODE,
             plan.policies, c.MASTER_POLICIES)
        plan.measures[v["measure_code"]] = (v["policy_code"], v["measure_name"])
    for r in table_rows(c.MASTER_ACTIONS):
        v = r.values
        _ref(unreadable, problems, c.MASTER_ACTIONS, r, "measure_code", c.COL_MEASURE_CODE,
             plan.measures, c.MASTER_MEASURES)
        _ref(unreadable, problems, c.MASTER_ACTIONS, r, "department_code", c.COL_DEPARTMENT_CODE,
             plan.departments, c.MASTER_DEPARTMENTS)
        if v.get("end_year") is not None and v.get("start_year") is not None \
                and v["end_year"] < v["start_year"]:
            problems.append(Problem(c.MASTER_ACTIONS, r.cell("end_year"),
                                    txt.end_before_start(v["start_year"], v["end_year"])))
        plan.actions[v["action_code"]] = Action(
            v["action_code"], v["measure_code"], v["action_name"], v["department_code"],
            v["start_year"], v.get("end_year"), bool(v.get("priority")))
        plan.cells[(c.MASTER_ACTIONS, v["action_code"])] = r.cell("action_code")
    for r in table_rows(c.MASTER_INDICATORS):
        v = r.values
        _ref(unreadable, problems, c.MASTER_INDICATORS, r, "measure_code", c.COL_MEASURE_CODE,
             plan.measures, c.MASTER_MEASURES)
        _ref(unreadable, problems, c.MASTER_INDICATORS, r, "department_code", c.COL_DEPARTMENT_CODE,
             plan.departments, c.MASTER_DEPARTMENTS)
        if None not in (v.get("target_year"), v.get("base_year")) \
                and v["target_year"] <= v["base_year"]:
            problems.append(Problem(c.MASTER_INDICATORS, r.cell("target_year"),
                                    txt.target_year_not_after_base(v["base_year"], v["target_year"])))
        if v.get("target_value") is not None and v["target_value"] == v.get("base_value"):
            problems.append(Problem(c.MASTER_INDICATORS, r.cell("target_value"),
                                    txt.target_equals_base()))
        plan.indicators[v["indicator_code"]] = Indicator(
            v["indicator_code"], v["measure_code"], v["indicator_name"], v["unit"],
            v["direction"], v["base_year"], v["base_value"], v["target_year"],
            v["target_value"], v["department_code"])
        plan.cells[(c.MASTER_INDICATORS, v["indicator_code"])] = r.cell("indicator_code")
    base_years = set()
    for r in table_rows(c.MASTER_EMISSIONS):
        v = r.values
        if v.get("sector") == c.REMOVAL_SECTOR and (v.get("kt_co2") or 0) > 0:
            problems.append(Problem(c.MASTER_EMISSIONS, r.cell("kt_co2"),
                                    txt.removal_positive(str(r.raw["kt_co2"]))))
        if v.get("kind") == c.KIND_BASE and v.get("fiscal_year") is not None:
            base_years.add(v["fiscal_year"])
        plan.emissions.append((v["fiscal_year"], v["sector"], v["kind"], v["kt_co2"],
                               r.cell("kt_co2")))
    if len(base_years) != 1 and c.MASTER_EMISSIONS not in unreadable:
        problems.append(Problem(c.MASTER_EMISSIONS, None,
                                txt.base_inventory_years(sorted(base_years))))
    rows.update(_read_operations(book, tables, unreadable, plan, problems))
    if any(p.severity != WARNING for p in problems):
        return MasterResult(file_name, None, problems, rows)
    return MasterResult(file_name, plan, problems, rows)


_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\]]+$")


def _contact_email(plan: MasterPlan, row, problems: list[Problem]) -> None:
    """連絡先メール (optional): kept when it looks like one address; otherwise a warning
    (the master still loads; the reminder round lists the department as having no address)."""
    email = (row.values.get("contact_email") or "").strip()
    if not email:
        return
    if _EMAIL.match(email):
        plan.contact_emails[row.values["department_code"]] = email
    else:
        problems.append(Problem(c.MASTER_DEPARTMENTS, row.cell("contact_email"),
                                txt.bad_contact_email(email), severity=WARNING))


def _ref(unreadable, problems, sheet, row, field_name, header, known, target_sheet):
    code = row.values.get(field_name)
    if code is not None and target_sheet not in unreadable and code not in known:
        problems.append(Problem(sheet, row.cell(field_name),
                                txt.broken_reference(header, code, target_sheet), value=code))


# --- Section 8: 組織, 施設, 事務事業目標, 所管課.組織コード, 指標.自動算定 ----------------

def _read_operations(book, tables, unreadable, plan: MasterPlan, problems: list[Problem]) -> dict[str, int]:
    """The optional 事務事業編 sheets: all of them or none (contract §8.1)."""
    present = [t for t in c.MASTER_OPERATIONS_SHEETS if t.name in book.sheets]
    departments = tables.get(c.MASTER_DEPARTMENTS)
    dept_rows = departments.rows if departments is not None else []
    org_column = any(r.has("organisation_code") for r in dept_rows[:1])
    org_given = [r for r in dept_rows if r.values.get("organisation_code")]
    indicators = tables.get(c.MASTER_INDICATORS)
    auto_rows = [r for r in (indicators.rows if indicators is not None else []) if r.values.get("auto")]
    if not present and not org_given:
        for r in auto_rows:
            problems.append(Problem(c.MASTER_INDICATORS, r.cell("auto"), otxt.auto_without_operations()))
        return {}
    for table in c.MASTER_OPERATIONS_SHEETS:
        if table.name not in book.sheets:
            problems.append(Problem(table.name, None, otxt.operations_sheet_missing(table.name)))
    sheets = parse_sheets(book, present, problems)
    parsed, table_rows = sheets.tables, sheets.rows
    rows = sheets.counts()
    unreadable = set(unreadable) | sheets.unreadable(c.MASTER_OPERATIONS_SHEETS)

    for r in table_rows(c.MASTER_ORGANISATIONS):
        v = r.values
        if v.get("organisation_code"):
            plan.organisations[v["organisation_code"]] = Organisation(
                v["organisation_code"], v.get("organisation_name"))
    # 所管課.組織コード: required for every department once 組織 exists.
    if c.MASTER_DEPARTMENTS not in unreadable:
        if not org_column:
            problems.append(Problem(c.MASTER_DEPARTMENTS, None, txt.missing_column(c.COL_ORGANISATION_CODE)))
        else:
            for r in dept_rows:
                code = r.values.get("organisation_code")
                if code is None:
                    if r.values.get("department_code") and r.ok:
                        problems.append(Problem(c.MASTER_DEPARTMENTS, r.cell("organisation_code"),
                                                txt.required(c.COL_ORGANISATION_CODE)))
                    continue
                _ref(unreadable, problems, c.MASTER_DEPARTMENTS, r, "organisation_code",
                     c.COL_ORGANISATION_CODE, plan.organisations, c.MASTER_ORGANISATIONS)
                if r.values.get("department_code"):
                    plan.department_organisation[r.values["department_code"]] = code
    for r in table_rows(c.MASTER_FACILITIES):
        v = r.values
        _ref(unreadable, problems, c.MASTER_FACILITIES, r, "department_code", c.COL_DEPARTMENT_CODE,
             plan.departments, c.MASTER_DEPARTMENTS)
        if v.get("end_year") is not None and v.get("start_year") is not None \
                and v["end_year"] < v["start_year"]:
            problems.append(Problem(c.MASTER_FACILITIES, r.cell("end_year"),
                                    txt.end_before_start(v["start_year"], v["end_year"])))
        if v.get("facility_code"):
            plan.facilities[v["facility_code"]] = Facility(
                v["facility_code"], v.get("facility_name"), v.get("department_code"),
                v.get("use_type"), v.get("floor_area_m2"), v.get("start_year"), v.get("end_year"))
            plan.cells[(c.MASTER_FACILITIES, v["facility_code"])] = r.cell("facility_code")
    seen_targets: dict[str | None, str] = {}
    for r in table_rows(c.MASTER_OPERATIONS_TARGETS):
        v = r.values
        org = v.get("organisation_code")
        where = r.ref("organisation_code") or r.cell("base_year")
        if org is not None:
            _ref(unreadable, problems, c.MASTER_OPERATIONS_TARGETS, r, "organisation_code",
                 c.COL_ORGANISATION_CODE, plan.organisations, c.MASTER_ORGANISATIONS)
        if org in seen_targets:
            problems.append(Problem(c.MASTER_OPERATIONS_TARGETS, where, otxt.duplicate_target(
                org, seen_targets[org])))
            continue
        seen_targets[org] = where
        if None not in (v.get("target_year"), v.get("base_year")) and v["target_year"] <= v["base_year"]:
            problems.append(Problem(c.MASTER_OPERATIONS_TARGETS, r.cell("target_year"),
                                    txt.target_year_not_after_base(v["base_year"], v["target_year"])))
        pct = v.get("reduction_pct")
        if pct is not None and not 0 < pct <= 100:
            problems.append(Problem(c.MASTER_OPERATIONS_TARGETS, r.cell("reduction_pct"),
                                    otxt.bad_reduction_pct(str(r.raw["reduction_pct"]))))
        if v.get("base_t_co2") is not None and v["base_t_co2"] <= 0:
            problems.append(Problem(c.MASTER_OPERATIONS_TARGETS, r.cell("base_t_co2"),
                                    otxt.base_emissions_not_positive()))
        if r.ok and None not in (v.get("base_year"), v.get("base_t_co2"), v.get("target_year"), pct):
            plan.operations_targets[org] = OperationsTarget(
                org, v["base_year"], v["base_t_co2"], v["target_year"], pct)
    if c.MASTER_OPERATIONS_TARGETS in parsed and c.MASTER_OPERATIONS_TARGETS not in unreadable \
            and None not in seen_targets:
        problems.append(Problem(c.MASTER_OPERATIONS_TARGETS, None, otxt.whole_government_target_missing()))
    for r in auto_rows:
        raw = r.values["auto"]
        scope = normalise.nfkc(raw).replace(" ", "")
        if scope == c.AUTO_OPERATIONS:
            org = None
        elif scope.startswith(c.AUTO_OPERATIONS + c.AUTO_SEPARATOR):
            org = normalise.normalise_code(scope[len(c.AUTO_OPERATIONS) + 1:])
            if not org:
                problems.append(Problem(c.MASTER_INDICATORS, r.cell("auto"), otxt.bad_auto(raw)))
                continue
            if c.MASTER_ORGANISATIONS not in unreadable and org not in plan.organisations:
                problems.append(Problem(c.MASTER_INDICATORS, r.cell("auto"), txt.broken_reference(
                    c.COL_ORGANISATION_CODE, org, c.MASTER_ORGANISATIONS), value=org))
                continue
        else:
            problems.append(Problem(c.MASTER_INDICATORS, r.cell("auto"), otxt.bad_auto(raw)))
            continue
        if r.values.get("indicator_code"):
            plan.auto_indicators[r.values["indicator_code"]] = org
    return rows
