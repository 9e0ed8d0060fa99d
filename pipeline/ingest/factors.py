"""The emission factor workbook (排出係数表, contract §8.2): reading and validating.

HQ loads one every year (`python -m pipeline factors FILE`).  `FactorSet` is
what the エネルギー使用量 check reads (activities, units, suppliers and menus);
the views choose the factor for each row of usage from the stored copy, so a
new workbook recomputes everything without anything being re-submitted.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from pipeline.ingest import contract as c
from pipeline.ingest import normalise
from pipeline.ingest.problems import ERROR, Problem, RejectedFile
from pipeline.ingest.reader import read_workbook
from pipeline.ingest.tables import parse_sheets
from pipeline.texts import factors as txt
from pipeline.texts import validation as vtxt


@functools.lru_cache(maxsize=4096)
def name_key(text: str | None) -> str | None:
    """How 活動区分, 電気事業者 and メニュー are matched: NFKC, no spaces, ASCII upper case."""
    if text is None:
        return None
    key = normalise._ascii_upper(normalise._squeeze(normalise.nfkc(text)))
    return key or None


@functools.lru_cache(maxsize=4096)
def unit_key(text: str | None) -> str | None:
    """How units are matched (contract §8.3): after NFKC (ｍ３ = m³ = m3), spaces removed."""
    if text is None:
        return None
    key = normalise._squeeze(normalise.nfkc(text))
    return key or None


FALLBACK_KEY = name_key(c.SUPPLIER_FALLBACK)


@dataclass(frozen=True)
class Activity:
    name: str
    base_unit: str
    gas: str
    gwp: float


@dataclass(frozen=True)
class Factor:
    fiscal_year: int
    activity: str
    supplier: str | None
    menu: str | None
    factor: float            # kg of the gas per 基準単位
    source: str | None
    cell: str


@dataclass
class FactorSet:
    activities: dict[str, Activity] = field(default_factory=dict)        # name_key -> activity
    conversions: dict[tuple[str, str], float] = field(default_factory=dict)  # (activity, unit_key) -> ratio
    conversion_units: dict[tuple[str, str], str] = field(default_factory=dict)  # (activity, unit_key) -> unit as written
    factors: list[Factor] = field(default_factory=list)

    def __post_init__(self):
        self._index()

    def _index(self) -> None:
        self.suppliers: dict[str, dict[str, str]] = {}      # activity -> supplier key -> name
        self.menus: dict[tuple[str, str], set[str]] = {}     # (activity, supplier key) -> menu keys
        self.electric: set[str] = {f.activity for f in self.factors if f.supplier is not None}
        self._by_activity: dict[str, list[Factor]] = {}
        for f in self.factors:
            self._by_activity.setdefault(f.activity, []).append(f)
            if f.supplier is None:
                continue
            skey = name_key(f.supplier)
            if skey != FALLBACK_KEY:
                self.suppliers.setdefault(f.activity, {}).setdefault(skey, f.supplier)
            if f.menu is not None:
                self.menus.setdefault((f.activity, skey), set()).add(name_key(f.menu))

    def activity(self, text) -> Activity | None:
        return self.activities.get(name_key(normalise.clean_text(text)))

    def is_electric(self, activity: str) -> bool:
        """Factors by supplier (electricity): the activity has rows with a 電気事業者."""
        return activity in self.electric

    def ratio(self, activity: Activity, unit: str) -> float | None:
        """How many 基準単位 one `unit` is, or None when the unit is not allowed for it."""
        key = unit_key(unit)
        if key is None:
            return None
        if key == unit_key(activity.base_unit):
            return 1.0
        return self.conversions.get((activity.name, key))

    def choose(self, activity: str, supplier: str | None, menu: str | None,
               fiscal_year: int) -> Factor | None:
        """The factor the rule of §8.2 picks for a row of usage in `fiscal_year` (the same
        rule as the view v_factor_choice, for what is not stored yet: the upload preview).
        The latest FY up to `fiscal_year` first; within it, for electricity, the supplier and
        menu, then the supplier with blank menu, then 代替値.  `factor_year < fiscal_year`
        means provisional."""
        skey, mkey = name_key(supplier), name_key(menu)
        electric = self.is_electric(activity)
        best, best_rank = None, None
        for f in self._by_activity.get(activity, ()):
            if f.fiscal_year > fiscal_year:
                continue
            if not electric:
                priority = 0
            else:
                fs, fm = name_key(f.supplier), name_key(f.menu)
                if skey is not None and mkey is not None and fs == skey and fm == mkey:
                    priority = 1
                elif fs == FALLBACK_KEY and fm is None:
                    priority = 3
                elif skey is not None and fs == skey and fm is None:
                    priority = 2
                elif fs is None:
                    priority = 4
                else:
                    continue
            rank = (-f.fiscal_year, priority)
            if best_rank is None or rank < best_rank:
                best, best_rank = f, rank
        return best

    def units(self, activity: Activity) -> list[str]:
        """The allowed units of an activity as written: 基準単位 first."""
        return [activity.base_unit] + [u for (a, _), u in self.conversion_units.items()
                                       if a == activity.name]

    @property
    def years(self) -> list[int]:
        return sorted({f.fiscal_year for f in self.factors})


@dataclass
class FactorResult:
    file_name: str
    factors: FactorSet | None
    problems: list[Problem]
    rows: dict[str, int]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != ERROR]

    @property
    def accepted(self) -> bool:
        return self.factors is not None and not self.errors


def validate_factors(data: bytes, file_name: str) -> FactorResult:
    """Read and check a 排出係数表; every problem at once, with sheet and cell."""
    try:
        book = read_workbook(data, file_name, [t.name for t in c.FACTOR_SHEETS])
    except RejectedFile as exc:
        return FactorResult(file_name, None, [exc.problem], {})
    problems: list[Problem] = []
    sheets = parse_sheets(book, c.FACTOR_SHEETS, problems)
    table_rows = sheets.rows
    rows = sheets.counts()
    unreadable = sheets.unreadable(c.FACTOR_SHEETS)

    fs = FactorSet()
    first_cell: dict[tuple, str] = {}
    for r in table_rows(c.FACTOR_ACTIVITIES):
        v = r.values
        key = name_key(v.get("activity"))
        if key is None:
            continue
        if key in first_cell:
            problems.append(Problem(c.FACTOR_ACTIVITIES, r.cell("activity"), vtxt.duplicate_row(
                (c.COL_ACTIVITY,), (v["activity"],), first_cell[key])))
            continue
        first_cell[key] = r.cell("activity")
        gwp = v.get("gwp")
        if gwp is not None and gwp <= 0:
            problems.append(Problem(c.FACTOR_ACTIVITIES, r.cell("gwp"), txt.gwp_not_positive(gwp)))
        if r.ok and v.get("base_unit") and v.get("gas") and gwp is not None:
            fs.activities[key] = Activity(v["activity"], v["base_unit"], v["gas"], gwp)

    def activity_of(sheet, row) -> Activity | None:
        text = row.values.get("activity")
        if text is None:
            return None
        found = fs.activities.get(name_key(text))
        if found is None and c.FACTOR_ACTIVITIES not in unreadable and name_key(text) not in first_cell:
            problems.append(Problem(sheet, row.cell("activity"), vtxt.broken_reference(
                c.COL_ACTIVITY, text, c.FACTOR_ACTIVITIES), value=text))
        return found

    for r in table_rows(c.FACTOR_CONVERSIONS):
        v = r.values
        act = activity_of(c.FACTOR_CONVERSIONS, r)
        ratio = v.get("ratio")
        if ratio is not None and ratio <= 0:
            problems.append(Problem(c.FACTOR_CONVERSIONS, r.cell("ratio"), txt.ratio_not_positive(ratio)))
            continue
        if act is None or not r.ok or v.get("unit") is None or ratio is None:
            continue
        key = (act.name, unit_key(v["unit"]))
        if key in first_cell:
            problems.append(Problem(c.FACTOR_CONVERSIONS, r.cell("unit"), vtxt.duplicate_row(
                (c.COL_ACTIVITY, c.COL_UNIT), (act.name, v["unit"]), first_cell[key])))
            continue
        first_cell[key] = r.cell("unit")
        if key[1] == unit_key(act.base_unit):
            if ratio != 1:
                problems.append(Problem(c.FACTOR_CONVERSIONS, r.cell("ratio"),
                                        txt.base_unit_ratio(act.base_unit)))
            continue
        fs.conversions[key] = ratio
        fs.conversion_units[key] = v["unit"]

    for r in table_rows(c.FACTOR_FACTORS):
        v = r.values
        act = activity_of(c.FACTOR_FACTORS, r)
        factor = v.get("factor")
        if factor is not None and factor < 0:
            problems.append(Problem(c.FACTOR_FACTORS, r.cell("factor"), txt.factor_negative(factor)))
            continue
        supplier, menu = v.get("supplier"), v.get("menu")
        if menu is not None and supplier is None:
            problems.append(Problem(c.FACTOR_FACTORS, r.cell("menu"), txt.menu_without_supplier()))
            continue
        if menu is not None and name_key(supplier) == FALLBACK_KEY:
            problems.append(Problem(c.FACTOR_FACTORS, r.cell("menu"), txt.menu_on_fallback()))
            continue
        if act is None or not r.ok or v.get("fiscal_year") is None or factor is None:
            continue
        if name_key(supplier) == FALLBACK_KEY:
            supplier = c.SUPPLIER_FALLBACK
        key = ("factor", v["fiscal_year"], act.name, name_key(supplier), name_key(menu))
        if key in first_cell:
            headers = [c.COL_FISCAL_YEAR, c.COL_ACTIVITY]
            values = [v["fiscal_year"], act.name]
            for header, value in ((c.COL_SUPPLIER, supplier), (c.COL_MENU, menu)):
                if value:
                    headers.append(header)
                    values.append(value)
            problems.append(Problem(c.FACTOR_FACTORS, r.cell("fiscal_year"),
                                    vtxt.duplicate_row(headers, values, first_cell[key])))
            continue
        first_cell[key] = r.cell("fiscal_year")
        fs.factors.append(Factor(v["fiscal_year"], act.name, supplier, menu, factor,
                                 v.get("source"), r.cell("factor")))
    fs._index()
    if any(p.severity == ERROR for p in problems):
        return FactorResult(file_name, None, problems, rows)
    return FactorResult(file_name, fs, problems, rows)
