"""Demo data: a plan master and department submission workbooks.

``write_demo_workbooks(out_dir)`` writes an illustrative (made-up) plan master
for さいたま市's zero-carbon plan and one 取組状況報告 workbook per department
and FY, with the varied stories and messy spellings real submissions have,
all valid under the data contract (shared/spec/data-contract.md).

Output is deterministic: the same seed and scale give byte-identical files
(fixed workbook properties and zip timestamps, no wall-clock time).
"""
from __future__ import annotations

import copy
import io
import random
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.xml.functions import tostring

from pipeline.ingest import contract as C
from pipeline.demo import content as D
from pipeline.demo import operations as OPS
from pipeline.texts import demo as T

_IMPL_DONE, _IMPL_PARTIAL, _IMPL_NOT, _IMPL_COMPLETE = C.IMPLEMENTATION_STATUSES
_EXPAND, _CONTINUE, _IMPROVE, _REDUCE, _STOP, _COMPLETE = C.DIRECTIONS_NEXT
_CITIZEN, _BUSINESS, _CIVIC = C.STAKEHOLDER_TYPES[0], C.STAKEHOLDER_TYPES[1], C.STAKEHOLDER_TYPES[5]
_OTHER_GAS = C.SECTORS[5]
_NOT_KNOWN = C.NOT_REPORTED_WORDS[-1]

FIXED_TIMESTAMP = datetime(2025, 4, 1, 9, 0, 0)
_ZIP_DATE_TIME = (2025, 4, 1, 9, 0, 0)
_CORE_PROPS = "docProps/core.xml"
CURRENT_YEAR = 2025


@dataclass
class DemoPlan:
    """What was generated."""
    master_path: Path
    # Department workbooks in the order they must be ingested
    # (oldest FY first; resubmissions after the originals).
    submissions: list[Path]
    fiscal_years: list[int] = field(default_factory=list)
    current_year: int = CURRENT_YEAR
    # (FY, department code) pairs with no submission (current FY only).
    missing: list[tuple[int, str]] = field(default_factory=list)
    # Corrected versions (a subset of `submissions`, at its end).
    resubmissions: list[Path] = field(default_factory=list)
    # Data rows written per submission sheet name, over all `submissions`.
    rows: dict[str, int] = field(default_factory=dict)
    # The emission factor workbook (排出係数表), loaded after the master.
    factors_path: Path | None = None


# --- How each (base) department types its workbook --------------------------
# year / actual_year: year spelling (see _fmt_year); numbers: plain / comma /
# fullwidth / spaces; minus: plain / triangle / black; pct: number / text /
# format; grade: plain / fullwidth; dash: the − variant; codes: plain /
# spaces / fullwidth; order: contract / shuffled; plus title, memo, no_col,
# blank_rows, explicit_year flags.
STYLES: dict[str, dict] = {
    "K01": {"year": "int"},
    "K02": {"year": "reiwa", "title": True, "memo": "end", "pct": "text", "dash": C.DASHES[1]},
    "K03": {"year": "R", "actual_year": "R", "numbers": "comma"},
    "K04": {"year": "reiwa_fw", "actual_year": "fw_nendo", "minus": "triangle", "memo": "end"},
    "K05": {"order": "shuffled", "no_col": True, "title": True},
    "K06": {"year": "nendo", "grade": "fullwidth", "dash": C.DASHES[4], "explicit_year": True},
    "K07": {"codes": "spaces", "numbers": "spaces", "blank_rows": True, "dash": C.DASHES[0]},
    "K08": {"numbers": "fullwidth", "year": "dual"},
    "K09": {"year": "reiwa", "actual_year": "reiwa", "minus": "black"},
    "K10": {"year": "text"},
    "K11": {"memo": "start", "title": True, "year": "R_nendo"},
    "K12": {"year": "fw_nendo"},
    "K13": {"codes": "fullwidth", "year": "reiwa"},
    "K14": {"pct": "format", "year": "R_nendo", "actual_year": "nendo"},
    "K15": {"year": "int", "explicit_year": True},
    "K16": {"year": "dual", "actual_year": "dual", "numbers": "comma"},
    "K17": {"year": "nendo", "pct": "text"},
    "K18": {"year": "reiwa", "title": True},
}

# (FY, base department) -> what the first version got wrong.
RESUBMISSIONS: dict[tuple[int, str], str] = {
    (2023, "K05"): "fix_value",
    (2024, "K03"): "fill_unreported",
    (2025, "K01"): "complete_partners",
    (2024, "K18"): "energy_unit_slip",       # 千kWh typed over kWh figures: a ≥10× warning
}


def _rng(seed: int, *parts) -> random.Random:
    return random.Random("|".join(str(p) for p in (seed, *parts)))


# --- Plan model ------------------------------------------------------------

@dataclass
class _Dept:
    code: str
    name: str
    bureau: str
    base: str            # base department code (its style)


@dataclass
class _Action:
    code: str
    measure: str
    name: str
    department: str
    start: int
    end: int | None
    priority: bool
    spec: D.ActionSpec

    def active(self, fy: int) -> bool:
        return self.start <= fy and (self.end is None or fy <= self.end)


@dataclass
class _Indicator:
    code: str
    name: str
    department: str
    spec: D.IndicatorSpec


@dataclass
class _Plan:
    departments: list[_Dept]
    actions: list[_Action]
    indicators: list[_Indicator]
    fiscal_years: list[int]
    facilities: list = field(default_factory=list)        # OPS.FacilitySpec (departments as cloned)
    scaling: dict = field(default_factory=dict)           # organisation -> amount factor


def _clone_suffix(name: str, j: int) -> str:
    if j < len(D.WARDS):
        return T.CLONE_ITEM_NAME.format(name=name, ward=D.WARDS[j])
    return T.CLONE_ITEM_NAME_FALLBACK.format(name=name, n=j + 1)


def _build_plan(scale: int) -> _Plan:
    scale = max(1, int(scale))
    first_fy = 2016 if scale >= 10 else 2021
    years = list(range(first_fy, CURRENT_YEAR + 1))
    copies = max(1, -(-scale // 3))   # scale 10 → 4 copies of 18 = 72 departments

    def dept_code(base: str, k: int) -> str:
        return base if k == 0 else f"{base}-{k + 1}"

    departments = []
    for k in range(copies):
        for code, name, bureau in D.DEPARTMENTS:
            nm = name if k == 0 else T.CLONE_DEPARTMENT_NAME.format(name=name, n=k + 1)
            departments.append(_Dept(dept_code(code, k), nm, bureau, code))

    actions = []
    for j in range(scale):
        for s in D.ACTIONS:
            start = first_fy if s.start == 2021 else s.start
            actions.append(_Action(
                s.code if j == 0 else f"{s.code}-{j + 1}", s.measure,
                s.name if j == 0 else _clone_suffix(s.name, j),
                dept_code(s.department, j % copies), start, s.end, s.priority, s))

    indicators = []
    for j in range(scale):
        for s in D.INDICATORS:
            indicators.append(_Indicator(
                s.code if j == 0 else f"{s.code}-{j + 1}",
                s.name if j == 0 else _clone_suffix(s.name, j),
                dept_code(s.department, j % copies), s))
    facilities = []
    for k in range(copies):
        for f in OPS.facilities():
            if k == 0:
                facilities.append(f)
            else:
                facilities.append(OPS.FacilitySpec(
                    f"{f.code}-{k + 1}", T.CLONE_DEPARTMENT_NAME.format(name=f.name, n=k + 1),
                    dept_code(f.department, k), f.kind, f.start, f.end, f.meters))
    if scale >= 10:
        facilities += OPS.large_department_facilities(dept_code("K17", 1))
    return _Plan(departments, actions, indicators, years, facilities,
                 OPS.scaling(OPS.facilities()))


# --- Indicator values --------------------------------------------------------

def _interpolate(series: dict[int, float], year: int) -> float:
    keys = sorted(series)
    if year in series:
        return series[year]
    if year < keys[0]:
        return series[keys[0]]
    if year > keys[-1]:
        a, b = keys[-2], keys[-1]
        return series[b] + (series[b] - series[a]) / (b - a) * (year - b)
    lo = max(k for k in keys if k < year)
    hi = min(k for k in keys if k > year)
    return series[lo] + (series[hi] - series[lo]) * (year - lo) / (hi - lo)


def _sector_series(index: int | None) -> dict[int, float]:
    """Emission series of one sector (index into SECTORS) or the net total (None)."""
    out = {}
    for y, row in D.EMISSIONS.items():
        out[y] = float(sum(row)) if index is None else float(row[index])
    return out


def _series_value(name: str, year: int) -> float:
    if name == "city_operations":
        return _interpolate(D.CITY_OPERATIONS_SERIES, year)
    if name == "city_total":
        series = _sector_series(None)
        if year > max(series):           # beyond the inventory: slow decline
            return series[max(series)] - 45 * (year - max(series))
        return _interpolate(series, year)
    if name == "other_gas_rate":
        idx = C.SECTORS.index(_OTHER_GAS)
        series = _sector_series(idx)
        base = series[D.EMISSIONS_BASE_YEAR]
        value = _interpolate(series, min(year, max(series)))
        return (base - value) / base * 100
    raise ValueError(name)


_COVID_PROGRESS = {2019: 0.15, 2020: -2.2, 2021: -1.7, 2022: -1.1, 2023: -0.75, 2024: -0.55, 2025: -0.45}


def _indicator_value(ind: _Indicator, year: int, seed: int) -> float:
    s = ind.spec
    if s.story == "series":
        value = _series_value(s.series, year)
    else:
        b, t = s.base, s.target
        f = (year - s.base_year) / (s.target_year - s.base_year)
        k_rng = _rng(seed, "k", ind.code)
        noise = _rng(seed, "noise", ind.code, year).uniform(-0.02, 0.02)
        if s.story == "on_track":
            p = min(0.99, f * k_rng.uniform(1.1, 1.3) * (1 + noise))
        elif s.story == "achieved":
            f23 = max((2023 - s.base_year) / (s.target_year - s.base_year), 0.05)
            p = min(f / f23 * k_rng.uniform(1.0, 1.1), 1.02 + 0.03 * max(0, year - 2023)) + noise / 4
        elif s.story in ("behind", "unreported"):
            p = f * k_rng.uniform(0.35, 0.7) * (1 + noise)
        elif s.story == "worsening":
            p = -(0.03 + 0.025 * max(0, year - 2018)) * (1 + 3 * noise)
        elif s.story == "covid":
            p = _COVID_PROGRESS.get(year, f * 1.05) * (1 + noise)
        else:
            raise ValueError(s.story)
        value = b + (t - b) * p
    if s.unit == C.PERCENT_UNIT:
        value = min(value, 100.0)
    value = round(value, s.decimals)
    if s.decimals == 0:
        value = int(value)
    return value


def _indicator_rows(ind: _Indicator, fy: int, seed: int) -> list[dict]:
    s = ind.spec
    rng = _rng(seed, "indrow", ind.code, fy)
    year = fy - s.lag
    rows = []
    if s.lag and year - 1 >= s.base_year and rng.random() < 0.3:
        rows.append({C.COL_INDICATOR_CODE: ind.code, C.COL_INDICATOR_NAME: ind.name,
                     C.COL_ACTUAL_VALUE: _indicator_value(ind, year - 1, seed),
                     C.COL_ACTUAL_YEAR: year - 1, C.COL_NOTE: T.NOTE_FINALISED})
    if year < s.base_year:
        return rows
    if s.story == "unreported":
        missing = fy % 2 == 1 or fy == CURRENT_YEAR
    else:
        missing = rng.random() < 0.06
    note = None
    if missing:
        value = rng.choice(C.NOT_REPORTED_WORDS)
        note = rng.choice(T.NOTE_UNREPORTED) if rng.random() < 0.7 else None
    else:
        value = _indicator_value(ind, year, seed)
        if s.series == "city_total":
            note = T.NOTE_CITY_TOTAL
        elif s.lag and rng.random() < 0.3:
            note = T.NOTE_PRELIMINARY
    rows.append({C.COL_INDICATOR_CODE: ind.code, C.COL_INDICATOR_NAME: ind.name,
                 C.COL_ACTUAL_VALUE: value, C.COL_ACTUAL_YEAR: year, C.COL_NOTE: note})
    return rows


# --- Action rows ---------------------------------------------------------------

def _grade(r: float) -> str:
    if r > 0.85:
        return "A"
    if r > 0.45:
        return "B"
    if r > 0.25:
        return "C"
    return "D"


def _direction_for(grade: str, rng: random.Random) -> str:
    x = rng.random()
    if grade == "A":
        return _EXPAND if x < 0.5 else _CONTINUE
    if grade == "B":
        return _CONTINUE if x < 0.85 else (_EXPAND if x < 0.93 else _IMPROVE)
    if grade == "C":
        return _IMPROVE if x < 0.6 else (_CONTINUE if x < 0.9 else _REDUCE)
    if grade == "D":
        return _IMPROVE if x < 0.6 else (_REDUCE if x < 0.9 else _CONTINUE)
    return _CONTINUE if x < 0.6 else _IMPROVE


def _fmt_n(n: float, lo: float, hi: float) -> str:
    if float(lo).is_integer() and float(hi).is_integer():
        return f"{int(round(n)):,}"
    return f"{n:,.1f}"


def _action_row(a: _Action, fy: int, first_fy: int, seed: int) -> dict:
    s = a.spec
    rng = _rng(seed, "act", a.code, fy)
    health = s.health if s.health is not None else _rng(seed, "health", a.code).uniform(0.3, 0.95)
    r = health + rng.uniform(-0.25, 0.25)
    is_first = fy == a.start and a.start > first_fy
    is_last = a.end == fy
    revision = None
    if fy in s.overrides:
        status, grade, direction, *rest = s.overrides[fy]
        revision = rest[0] if rest else None
    elif is_last and s.fate == "complete":
        status, grade, direction = _IMPL_COMPLETE, ("A" if r > 0.7 else "B"), _COMPLETE
    elif is_last and s.fate == "abolish":
        status, grade, direction = _IMPL_DONE, ("C" if r > 0.4 else "D"), _STOP
    else:
        if fy != CURRENT_YEAR and rng.random() < 0.03:
            status = C.NOT_IMPLEMENTED
            grade = rng.choice(("D", C.NOT_EVALUABLE))
            direction = _IMPROVE
        else:
            status = _IMPL_PARTIAL if (r < 0.3 or (is_first and rng.random() < 0.5)) else _IMPL_DONE
            grade = C.NOT_EVALUABLE if rng.random() < 0.04 else _grade(r)
            direction = _direction_for(grade, rng)
    assert status in C.IMPLEMENTATION_STATUSES and grade in C.SELF_EVALUATIONS
    assert direction in C.DIRECTIONS_NEXT

    if status == C.NOT_IMPLEMENTED:
        result = rng.choice(D.NOT_DONE_RESULTS) or None
    else:
        lo, hi = s.n
        n = lo + (hi - lo) * min(1.0, max(0.0, rng.uniform(0.2, 0.8) + (r - 0.6) / 2))
        if status == _IMPL_PARTIAL:
            n = lo + (n - lo) * 0.5
        result = s.result.format(n=_fmt_n(n, lo, hi))
        if is_first:
            result = T.FIRST_YEAR_PREFIX + result
        if status == _IMPL_PARTIAL:
            result += T.PARTIAL_SUFFIX
        if status == _IMPL_COMPLETE:
            result += T.COMPLETE_SUFFIX

    budget = settlement = None
    if s.budget is not None:
        budget = int(round(s.budget * rng.uniform(0.85, 1.2)))
        if status == C.NOT_IMPLEMENTED:
            settlement = 0
        elif status == _IMPL_PARTIAL:
            settlement = int(round(budget * rng.uniform(0.4, 0.8)))
        else:
            settlement = int(round(budget * rng.uniform(0.75, 1.0)))

    issue = None
    if s.issue and rng.random() < 0.7:
        issue = s.issue
    elif rng.random() < 0.2:
        issue = rng.choice(D.GENERIC_ISSUES)

    if direction in C.DIRECTIONS_NEEDING_REVISION:
        revision = revision or rng.choice(D.REVISIONS[direction])
    elif direction == _EXPAND and rng.random() < 0.3:
        revision = rng.choice(D.OPTIONAL_REVISIONS)

    name = D.OLD_ACTION_NAMES.get((a.code, fy), a.name)
    return {C.COL_ACTION_CODE: a.code, C.COL_ACTION_NAME: name, C.COL_IMPLEMENTATION: status,
            C.COL_BUDGET: budget, C.COL_SETTLEMENT: settlement, C.COL_RESULT: result,
            C.COL_SELF_EVALUATION: grade, C.COL_ISSUES: issue, C.COL_DIRECTION_NEXT: direction,
            C.COL_REVISION: revision}


def _extra_partner(rng: random.Random, action: _Action, i: int) -> dict:
    x = rng.random()
    if x < 0.7:
        form = rng.choice(D.EXTRA_BUSINESS_FORMS)
        name = form.format(rng.choice(D.EXTRA_NAME_PREFIXES), rng.choice(D.EXTRA_NAME_SUFFIXES))
        kind, participants = _BUSINESS, rng.randint(1, 30)
        co2 = round(rng.uniform(1, 80), 1) if rng.random() < 0.6 else None
    elif x < 0.85:
        name = D.EXTRA_GROUP_FORM.format(rng.choice(D.EXTRA_NAME_PREFIXES))
        kind, participants, co2 = _CIVIC, rng.randint(5, 60), None
    else:
        name = T.EXTRA_CITIZEN_NAME.format(ward=rng.choice(D.WARDS))
        kind, participants, co2 = _CITIZEN, rng.randint(10, 400), None
    return {C.COL_ACTION_CODE: action.code, C.COL_STAKEHOLDER_TYPE: kind, C.COL_ORGANISATION: name,
            C.COL_PARTICIPANTS: participants, C.COL_CO2_REDUCTION: co2,
            C.COL_COLLABORATION: rng.choice(D.EXTRA_CONTENTS)}


def _partner_rows(a: _Action, fy: int, status: str, seed: int, scale: int) -> list[dict]:
    if status == C.NOT_IMPLEMENTED:
        return []
    rng = _rng(seed, "partners", a.code, fy)
    growth = 0.6 + 0.4 * min(1.0, max(0.0, (fy - a.start) / 4))
    rows = []
    for key, content in a.spec.partners:
        p = D.PARTNERS[key]
        if fy != CURRENT_YEAR and rng.random() >= 0.85:
            continue
        participants = None
        if p.participants and rng.random() < 0.9:
            participants = rng.randint(*p.participants)
        co2 = round(rng.uniform(*p.co2) * growth, 1) if p.co2 else None
        rows.append({C.COL_ACTION_CODE: a.code, C.COL_STAKEHOLDER_TYPE: p.type,
                     C.COL_ORGANISATION: p.name or None, C.COL_PARTICIPANTS: participants,
                     C.COL_CO2_REDUCTION: co2, C.COL_COLLABORATION: content})
    if scale > 1 and a.spec.partners:
        for i in range(rng.randint(0, scale - 1)):
            rows.append(_extra_partner(rng, a, i))
    return rows


# --- Submissions -------------------------------------------------------------

@dataclass
class _Submission:
    fy: int
    dept: _Dept
    person: str
    contact: str
    actions: list[dict]
    indicators: list[dict]
    partners: list[dict]
    version: int = 1
    energy: list = field(default_factory=list)     # OPS.EnergyLine
    energy_slip: bool = False                      # 千kWh typed over kWh figures (first version)

    @property
    def file_name(self) -> str:
        suffix = "" if self.version == 1 else f"_v{self.version}"
        return f"FY{self.fy}_{self.dept.code}{suffix}.xlsx"


def _build_submission(plan: _Plan, dept: _Dept, fy: int, seed: int, scale: int) -> _Submission:
    rng = _rng(seed, "dept", dept.code)
    person = rng.choice(D.CONTACT_NAMES)
    contact = T.CONTACT_FORMAT.format(ext=rng.randint(2000, 5999))
    if _rng(seed, "handover", dept.code, fy).random() < 0.25:   # staff rotation in April
        person = _rng(seed, "person", dept.code, fy).choice(D.CONTACT_NAMES)
    actions, partners = [], []
    for a in plan.actions:
        if a.department != dept.code or not a.active(fy):
            continue
        row = _action_row(a, fy, plan.fiscal_years[0], seed)
        actions.append(row)
        partners.extend(_partner_rows(a, fy, row[C.COL_IMPLEMENTATION], seed, scale))
    indicators = []
    for ind in plan.indicators:
        if ind.department == dept.code:
            if ind.spec.series == OPS.AUTO_INDICATOR_SERIES and fy != plan.fiscal_years[0]:
                continue        # 自動算定 from 事務事業編; typed once out of habit (a warning)
            indicators.extend(_indicator_rows(ind, fy, seed))
    energy = _energy_lines(plan, dept, fy)
    return _Submission(fy, dept, person, contact, actions, indicators, partners, energy=energy)


def _energy_lines(plan: _Plan, dept: _Dept, fy: int) -> list:
    """The department's エネルギー使用量 rows, scaled to the organisation's published FY2021 total."""
    lines = []
    for spec in plan.facilities:
        if spec.department != dept.code:
            continue
        if fy == 2023 and spec.code == "F0304":
            continue                    # forgotten in FY2023: a "facility not reported" warning
        factor = plan.scaling.get(OPS.organisation_of(dept.base), 1.0)
        for line in OPS.raw_lines(spec, fy):
            line.amount *= factor
            line.months = [m * factor for m in line.months]
            lines.append(line)
    return lines


def _apply_defect(sub: _Submission, kind: str) -> _Submission:
    """Return the flawed first version; `sub` becomes the corrected one (v2)."""
    first = copy.deepcopy(sub)
    numeric = [i for i, r in enumerate(sub.indicators)
               if isinstance(r[C.COL_ACTUAL_VALUE], (int, float))]
    if kind in ("fix_value", "fill_unreported") and numeric:
        i = numeric[0]
        if kind == "fix_value":
            v = sub.indicators[i][C.COL_ACTUAL_VALUE]
            first.indicators[i][C.COL_ACTUAL_VALUE] = v * 10
            sub.indicators[i][C.COL_NOTE] = T.NOTE_RESUBMIT_FIX
        else:
            first.indicators[i][C.COL_ACTUAL_VALUE] = _NOT_KNOWN
            first.indicators[i][C.COL_NOTE] = T.NOTE_UNREPORTED[0]
            sub.indicators[i][C.COL_NOTE] = T.NOTE_RESUBMIT_FILL
    elif kind == "energy_unit_slip":
        first.energy_slip = True
    else:
        if len(first.partners) > 1:
            first.partners.pop()
        for row in first.actions:
            if row[C.COL_SETTLEMENT] is not None:
                row[C.COL_SETTLEMENT] = None
                break
    sub.version = 2
    return first


# --- Rendering ---------------------------------------------------------------

_FW = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


def _fullwidth(text: str) -> str:
    return text.translate(_FW)


def _era(year: int, short: bool) -> str:
    if year >= 2019:
        n = year - 2018
        if short:
            return f"{T.ERA_REIWA_SHORT}{n}"
        return f"{T.ERA_REIWA}{T.ERA_FIRST_YEAR if n == 1 else n}"
    n = year - 1988
    return f"{T.ERA_HEISEI_SHORT}{n}" if short else f"{T.ERA_HEISEI}{T.ERA_FIRST_YEAR if n == 1 else n}"


def _fmt_year(year: int, style: str):
    if style == "int":
        return year
    if style == "text":
        return str(year)
    if style == "nendo":
        return f"{year}{T.NENDO}"
    if style == "fw_nendo":
        return _fullwidth(str(year)) + T.NENDO
    if style == "reiwa":
        return _era(year, False) + T.NENDO
    if style == "reiwa_fw":
        return _fullwidth(_era(year, False)) + T.NENDO
    if style == "R":
        return _era(year, True)
    if style == "R_nendo":
        return _era(year, True) + T.NENDO
    if style == "dual":
        return f"{_era(year, False)}({year}){T.NENDO}"
    raise ValueError(style)


def _plain_number(v):
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def _fmt_number(v, style: dict):
    """A number the way this department types it (None stays None)."""
    if v is None:
        return None
    v = _plain_number(v)
    numbers = style.get("numbers", "plain")
    minus = style.get("minus", "plain")
    negative = v < 0
    if negative and minus != "plain":
        mark = T.MINUS_TRIANGLE if minus == "triangle" else T.MINUS_BLACK_TRIANGLE
        return mark + str(abs(v))
    if numbers == "comma" and isinstance(v, int) and abs(v) >= 1000:
        return f"{v:,}"
    if numbers == "fullwidth" and abs(v) >= 100:
        return _fullwidth(f"{v:,}")
    if numbers == "spaces" and isinstance(v, int) and v >= 1000:
        return f" {v} "
    return v


def _fmt_code(code: str, style: dict) -> str:
    codes = style.get("codes", "plain")
    if codes == "spaces":
        return f" {code} "
    if codes == "fullwidth":
        return _fullwidth(code)
    return code


def _fmt_grade(grade: str, style: dict) -> str:
    if grade == C.NOT_EVALUABLE:
        return style.get("dash", C.NOT_EVALUABLE)
    if style.get("grade") == "fullwidth":
        return _fullwidth(grade)
    return grade


@dataclass
class _Formatted:
    """A cell value with an Excel number format (e.g. 0.125 shown as 12.5%)."""
    value: float
    number_format: str


def _new_workbook() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    _set_properties(wb)
    return wb


def _append(ws, values: list) -> None:
    plain = [v.value if isinstance(v, _Formatted) else v for v in values]
    ws.append(plain)
    for i, v in enumerate(values, 1):
        if isinstance(v, _Formatted):
            ws.cell(row=ws.max_row, column=i).number_format = v.number_format


class _SheetWriter:
    def __init__(self, wb: Workbook, name: str, style: dict, title: str | None):
        self.ws = wb.create_sheet(name)
        self.style = style
        if style.get("title") and title:
            self.ws.append([title])
            self.ws.append([T.SHEET_SUBTITLE])
            self.ws.append([])

    def table(self, headers: tuple[str, ...], rows: list[list], key: str):
        order = list(headers)
        if self.style.get("order") == "shuffled":
            _rng(0, "order", key).shuffle(order)
        index = [headers.index(h) for h in order]
        no_col = bool(self.style.get("no_col"))
        self.ws.append(([T.EXTRA_COLUMN_NO] if no_col else []) + order)
        for n, row in enumerate(rows, 1):
            cells = [row[i] for i in index]
            _append(self.ws, ([n] if no_col else []) + cells)
            if self.style.get("blank_rows") and n % 7 == 0:
                self.ws.append([])


def _pct_cell(value, style: dict, decimals: int):
    pct = style.get("pct", "number")
    if not isinstance(value, (int, float)):
        return value
    if pct == "text" and value >= 0:
        return f"{_plain_number(value)}%"
    if pct == "format":
        return _Formatted(round(value / 100, decimals + 2), "0." + "0" * max(decimals, 1) + "%")
    return _fmt_number(value, style)


def _render_submission(sub: _Submission, plan_units: dict[str, tuple[str, int]], path: Path) -> None:
    style = STYLES.get(sub.dept.base, {})
    year_label = _fmt_year(sub.fy, "reiwa")
    wb = _new_workbook()
    if style.get("memo") == "start":
        _memo_sheet(wb)

    info = wb.create_sheet(C.SHEET_INFO)
    if style.get("title"):
        info.append([T.INFO_TITLE.format(year=year_label)])
        info.append([])
    values = {
        C.INFO_FISCAL_YEAR: _fmt_year(sub.fy, style.get("year", "int")),
        C.INFO_DEPARTMENT_CODE: _fmt_code(sub.dept.code, style),
        C.INFO_DEPARTMENT_NAME: sub.dept.name,
        C.INFO_CONTACT_PERSON: sub.person,
        C.INFO_CONTACT: sub.contact,
    }
    for label in C.INFO_LABELS:
        info.append([label, values[label]])

    # 取組実績
    sw = _SheetWriter(wb, C.SHEET_ACTIONS, style, T.SHEET_TITLES[C.SHEET_ACTIONS].format(year=year_label))
    headers = C.ACTIONS_SHEET.headers
    rows = []
    for r in sub.actions:
        out = dict(r)
        out[C.COL_ACTION_CODE] = _fmt_code(r[C.COL_ACTION_CODE], style)
        out[C.COL_BUDGET] = _fmt_number(r[C.COL_BUDGET], style)
        out[C.COL_SETTLEMENT] = _fmt_number(r[C.COL_SETTLEMENT], style)
        out[C.COL_SELF_EVALUATION] = _fmt_grade(r[C.COL_SELF_EVALUATION], style)
        rows.append([out[h] for h in headers])
    sw.table(headers, rows, C.SHEET_ACTIONS)

    # 指標実績
    if sub.indicators:
        sw = _SheetWriter(wb, C.SHEET_INDICATORS, style,
                          T.SHEET_TITLES[C.SHEET_INDICATORS].format(year=year_label))
        headers = C.INDICATORS_SHEET.headers
        rows = []
        actual_style = style.get("actual_year", style.get("year", "int"))
        for r in sub.indicators:
            out = dict(r)
            unit, decimals = plan_units[r[C.COL_INDICATOR_CODE]]
            out[C.COL_INDICATOR_CODE] = _fmt_code(r[C.COL_INDICATOR_CODE], style)
            value = r[C.COL_ACTUAL_VALUE]
            if value == "":
                value = None
            if unit == C.PERCENT_UNIT:
                out[C.COL_ACTUAL_VALUE] = _pct_cell(value, style, decimals)
            else:
                out[C.COL_ACTUAL_VALUE] = _fmt_number(value, style) if isinstance(value, (int, float)) else value
            year = r[C.COL_ACTUAL_YEAR]
            if year == sub.fy and not style.get("explicit_year"):
                out[C.COL_ACTUAL_YEAR] = None
            else:
                out[C.COL_ACTUAL_YEAR] = _fmt_year(year, actual_style)
            rows.append([out[h] for h in headers])
        sw.table(headers, rows, C.SHEET_INDICATORS)

    # 連携主体
    if sub.partners:
        sw = _SheetWriter(wb, C.SHEET_PARTNERS, style, T.SHEET_TITLES[C.SHEET_PARTNERS].format(year=year_label))
        headers = C.PARTNERS_SHEET.headers
        rows = []
        for r in sub.partners:
            out = dict(r)
            out[C.COL_ACTION_CODE] = _fmt_code(r[C.COL_ACTION_CODE], style)
            out[C.COL_PARTICIPANTS] = _fmt_number(r[C.COL_PARTICIPANTS], style)
            out[C.COL_CO2_REDUCTION] = _plain_number(r[C.COL_CO2_REDUCTION])
            rows.append([out[h] for h in headers])
        sw.table(headers, rows, C.SHEET_PARTNERS)

    if sub.energy:
        _render_energy(wb, sub, style, year_label)

    if style.get("memo") == "end":
        _memo_sheet(wb)
    _save(wb, path)


def _render_energy(wb: Workbook, sub: _Submission, style: dict, year_label: str) -> None:
    """The エネルギー使用量 sheet, typed the department's way (units, layout, slips)."""
    base = sub.dept.base
    annual_only = base in OPS.ANNUAL_LAYOUT
    headers = tuple(h for h in C.ENERGY_SHEET.headers if not (annual_only and h in C.MONTH_HEADERS))
    sw = _SheetWriter(wb, C.SHEET_ENERGY, style, T.ENERGY_SHEET_TITLE.format(year=year_label))
    rows = []
    slipped = False
    for i, line in enumerate(sub.energy):
        unit, ratio = OPS.typed_unit(base, line.activity)
        months = [OPS.rounded(m, ratio) for m in line.months]
        annual = OPS.rounded(line.amount, ratio)
        note = None
        if sub.energy_slip and not slipped and line.activity == OPS.ELECTRICITY:
            unit, slipped = "千kWh", True            # the kWh figures stay: 1,000 times too much
        if annual_only and sub.fy == CURRENT_YEAR and base == "K07" and i == 2:
            annual = OPS.rounded(line.amount, 1000)  # a 千kWh figure typed as kWh: a ≤0.1× warning
        if sub.fy == 2023 and base == "K14" and i == 1:
            months[10] = None                        # 2月 left blank: a warning, the rest is summed
        if line.supplier == OPS.MIRAI:
            note = T.ENERGY_NOTE_NEW_SUPPLIER
        row = {C.COL_FACILITY_CODE: _fmt_code(line.facility.code, style),
               C.COL_FACILITY_NAME: line.facility.name, C.COL_ACTIVITY: line.activity,
               C.COL_SUPPLIER: line.supplier, C.COL_MENU: line.menu, C.COL_UNIT: unit, C.COL_NOTE: note}
        if annual_only:
            row[C.COL_ANNUAL] = _fmt_number(annual, style)
        else:
            row.update({h: _fmt_number(m, style) for h, m in zip(C.MONTH_HEADERS, months)})
            if base in OPS.LARGE_UNITS:              # the annual total too, within 0.5 % of the months
                row[C.COL_ANNUAL] = _fmt_number(round(sum(m for m in months if m is not None), 3), style)
        rows.append([row.get(h) for h in headers])
    sw.table(headers, rows, C.SHEET_ENERGY)


def _memo_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(T.MEMO_SHEET)
    for line in T.MEMO_LINES:
        ws.append([line])


def _set_properties(wb: Workbook) -> None:
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    wb.properties.creator = "pipeline.demo.workbooks"
    wb.properties.lastModifiedBy = None


def _save(wb: Workbook, path: Path) -> None:
    """Save with fixed zip timestamps so equal content gives equal bytes."""
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            data = zin.read(info.filename)
            if info.filename == _CORE_PROPS:   # openpyxl stamps `modified` with now()
                wb.properties.modified = FIXED_TIMESTAMP
                data = tostring(wb.properties.to_tree())
            zout.writestr(zi, data)
    path.write_bytes(out.getvalue())


# --- Master ------------------------------------------------------------------

def _write_master(plan: _Plan, path: Path) -> None:
    wb = _new_workbook()
    sheets = {s.name: s for s in C.MASTER_SHEETS + C.MASTER_OPERATIONS_SHEETS}

    def table(name: str, rows: list[dict]) -> None:
        ws = wb.create_sheet(name)
        headers = sheets[name].headers
        ws.append(list(headers))
        for r in rows:
            ws.append([r.get(h) for h in headers])

    table(C.MASTER_DEPARTMENTS, [
        {C.COL_DEPARTMENT_CODE: d.code, C.COL_DEPARTMENT_NAME: d.name, C.COL_BUREAU: d.bureau,
         C.COL_CONTACT_EMAIL: D.contact_email(d.code), C.COL_ORGANISATION_CODE: OPS.organisation_of(d.base)}
        for d in plan.departments])
    table(C.MASTER_POLICIES, [
        {C.COL_POLICY_CODE: c, C.COL_POLICY_NAME: n} for c, n in D.POLICIES])
    table(C.MASTER_MEASURES, [
        {C.COL_MEASURE_CODE: c, C.COL_POLICY_CODE: p, C.COL_MEASURE_NAME: n} for c, p, n in D.MEASURES])
    table(C.MASTER_ACTIONS, [
        {C.COL_ACTION_CODE: a.code, C.COL_MEASURE_CODE: a.measure, C.COL_ACTION_NAME: a.name,
         C.COL_DEPARTMENT_CODE: a.department, C.COL_START_YEAR: a.start, C.COL_END_YEAR: a.end,
         C.COL_PRIORITY: C.PRIORITY_MARK if a.priority else None}
        for a in plan.actions])
    table(C.MASTER_INDICATORS, [
        {C.COL_INDICATOR_CODE: i.code, C.COL_MEASURE_CODE: i.spec.measure, C.COL_INDICATOR_NAME: i.name,
         C.COL_UNIT: i.spec.unit, C.COL_DIRECTION: i.spec.direction, C.COL_BASE_YEAR: i.spec.base_year,
         C.COL_BASE_VALUE: _plain_number(float(i.spec.base)), C.COL_TARGET_YEAR: i.spec.target_year,
         C.COL_TARGET_VALUE: _plain_number(float(i.spec.target)), C.COL_DEPARTMENT_CODE: i.department,
         C.COL_AUTO: C.AUTO_OPERATIONS if i.spec.series == OPS.AUTO_INDICATOR_SERIES else None}
        for i in plan.indicators])
    rows = []
    for kind, table_ in ((C.KIND_BASE, {D.EMISSIONS_BASE_YEAR: D.EMISSIONS[D.EMISSIONS_BASE_YEAR]}),
                         (C.KIND_ACTUAL, {y: v for y, v in D.EMISSIONS.items() if y != D.EMISSIONS_BASE_YEAR}),
                         (C.KIND_TARGET, D.EMISSION_TARGETS)):
        for year in sorted(table_):
            for sector, value in zip(C.SECTORS, table_[year]):
                rows.append({C.COL_FISCAL_YEAR: year, C.COL_SECTOR: sector, C.COL_KIND: kind,
                             C.COL_EMISSIONS: _plain_number(float(value))})
    table(C.MASTER_EMISSIONS, rows)
    table(C.MASTER_ORGANISATIONS, [{C.COL_ORGANISATION_CODE: code, C.COL_ORGANISATION_NAME: name}
                                   for code, name in OPS.ORGANISATIONS])
    table(C.MASTER_FACILITIES, [
        {C.COL_FACILITY_CODE: f.code, C.COL_FACILITY_NAME: f.name, C.COL_DEPARTMENT_CODE: f.department,
         C.COL_FACILITY_USE: f.kind.use, C.COL_FLOOR_AREA: OPS.area_of(f), C.COL_START_YEAR: f.start,
         C.COL_END_YEAR: f.end} for f in plan.facilities])
    table(C.MASTER_OPERATIONS_TARGETS, [
        {C.COL_ORGANISATION_CODE: org, C.COL_BASE_YEAR: by, C.COL_BASE_EMISSIONS_T: base,
         C.COL_TARGET_YEAR: ty, C.COL_REDUCTION_PCT: pct} for org, by, base, ty, pct in OPS.TARGETS])
    ws = wb.create_sheet(T.MASTER_NOTE_SHEET)
    for line in T.MASTER_NOTE_LINES:
        ws.append([line])
    _save(wb, path)


def _write_factors(plan: _Plan, path: Path) -> None:
    """The emission factor workbook (排出係数表) HQ loads with `factors`."""
    wb = _new_workbook()
    sheets = {s.name: s for s in C.FACTOR_SHEETS}

    def table(name: str, rows: list[tuple]) -> None:
        ws = wb.create_sheet(name)
        ws.append(list(sheets[name].headers))
        for r in rows:
            ws.append([_plain_number(v) if isinstance(v, float) else v for v in r])

    table(C.FACTOR_ACTIVITIES, [tuple(a) for a in OPS.ACTIVITIES])
    table(C.FACTOR_CONVERSIONS, [tuple(r) for r in OPS.CONVERSIONS])
    table(C.FACTOR_FACTORS, OPS.factor_rows(plan.fiscal_years))
    ws = wb.create_sheet(T.MASTER_NOTE_SHEET)
    for line in T.FACTOR_NOTE_LINES:
        ws.append([line])
    _save(wb, path)


# --- Entry point ---------------------------------------------------------------

def write_demo_workbooks(out_dir: Path, *, scale: int = 1, seed: int = 2024) -> DemoPlan:
    """Write the demo plan master and department workbooks into `out_dir`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    scale = max(1, int(scale))
    plan = _build_plan(scale)

    master_path = out_dir / "master.xlsx"
    _write_master(plan, master_path)
    factors_path = out_dir / "factors.xlsx"
    _write_factors(plan, factors_path)

    units = {i.code: (i.spec.unit, i.spec.decimals) for i in plan.indicators}
    originals: list[Path] = []
    resubmissions: list[Path] = []
    missing: list[tuple[int, str]] = []
    rows = {C.SHEET_ACTIONS: 0, C.SHEET_INDICATORS: 0, C.SHEET_PARTNERS: 0, C.SHEET_ENERGY: 0}

    def render(sub: _Submission) -> Path:
        path = out_dir / sub.file_name
        _render_submission(sub, units, path)
        rows[C.SHEET_ACTIONS] += len(sub.actions)
        rows[C.SHEET_INDICATORS] += len(sub.indicators)
        rows[C.SHEET_PARTNERS] += len(sub.partners)
        rows[C.SHEET_ENERGY] += len(sub.energy)
        return path

    for fy in plan.fiscal_years:
        for dept in plan.departments:
            if fy == CURRENT_YEAR and dept.base in D.MISSING_CURRENT_YEAR:
                missing.append((fy, dept.code))
                continue
            sub = _build_submission(plan, dept, fy, seed, scale)
            defect = RESUBMISSIONS.get((fy, dept.base))
            if defect:
                first = _apply_defect(sub, defect)
                originals.append(render(first))
                resubmissions.append(render(sub))
            else:
                originals.append(render(sub))
    return DemoPlan(master_path=master_path, submissions=originals + resubmissions,
                    fiscal_years=list(plan.fiscal_years), current_year=CURRENT_YEAR,
                    missing=missing, resubmissions=resubmissions, rows=rows,
                    factors_path=factors_path)


__all__ = ["DemoPlan", "write_demo_workbooks"]
