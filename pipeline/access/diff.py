"""What a valid workbook would change, against the active submission for its
department and FY: actions new/changed/removed (field by field), indicator
values before → after, partner rows added/removed, and energy use per
facility × activity × supplier × menu before → after in the 基準単位 (meters
added up, so 1.5 千kWh for 1,500 kWh is no change), with its emission effect.

`compare` is a pure function over a validated Submission and the stored rows;
`preview_change` fetches the stored rows and calls it.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from pipeline.ingest import contract as c
from pipeline.ingest.factors import FactorSet, name_key
from pipeline.ingest.normalise import is_missing
from pipeline.texts import upload as txt
from pipeline.ingest.validate import Submission

NEW = "new"
CHANGED = "changed"
REMOVED = "removed"
ADDED = "added"

# (attribute, label) of the action fields compared; the name is the master's, not compared.
ACTION_FIELDS = (
    ("implementation_status", c.COL_IMPLEMENTATION),
    ("budget_k_yen", c.COL_BUDGET),
    ("settlement_k_yen", c.COL_SETTLEMENT),
    ("result_text", c.COL_RESULT),
    ("self_evaluation", c.COL_SELF_EVALUATION),
    ("issues_text", c.COL_ISSUES),
    ("direction", c.COL_DIRECTION_NEXT),
    ("revision_text", c.COL_REVISION),
)
PARTNER_FIELDS = ("action_code", "stakeholder_type", "organisation", "participants",
                  "co2_reduction_t", "content")


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: object
    after: object


@dataclass(frozen=True)
class ActionChange:
    action_code: str
    kind: str                                   # new | changed | removed
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class IndicatorChange:
    indicator_code: str
    actual_year: int
    kind: str                                   # new | changed | removed
    before: float | None
    after: float | None
    note_before: str | None = None
    note_after: str | None = None


@dataclass(frozen=True)
class EnergyChange:
    facility_code: str
    activity: str
    supplier: str | None
    menu: str | None
    kind: str                                   # new | changed | removed
    before: float | None                        # in 基準単位, meters added up
    after: float | None
    base_unit: str | None
    effect_t: float | None = None               # t-CO2e at the FY's factor (None: no factor)
    provisional: bool = False                   # the factor is an earlier FY's (§8.2)


@dataclass
class StoredRows:
    """The rows of one stored submission, as plain dicts keyed like the Submission fields.
    `energy`: facility_code, activity, supplier, menu, amount (in 基準単位), base_unit."""
    submission_id: int
    actions: list[dict] = field(default_factory=list)
    indicator_values: list[dict] = field(default_factory=list)
    partners: list[dict] = field(default_factory=list)
    energy: list[dict] = field(default_factory=list)


@dataclass
class SubmissionDiff:
    department_code: str | None
    fiscal_year: int | None
    base_submission_id: int | None              # the active version compared against
    actions: list[ActionChange] = field(default_factory=list)
    indicators: list[IndicatorChange] = field(default_factory=list)
    partners_added: list[dict] = field(default_factory=list)
    partners_removed: list[dict] = field(default_factory=list)
    unchanged_actions: int = 0
    unchanged_indicators: int = 0
    unchanged_partners: int = 0
    names: dict[str, str] = field(default_factory=dict)
    energy: list[EnergyChange] = field(default_factory=list)
    unchanged_energy: int = 0
    facility_names: dict[str, str] = field(default_factory=dict)

    def count(self, kind: str) -> int:
        return (sum(1 for a in self.actions if a.kind == kind)
                + sum(1 for i in self.indicators if i.kind == kind)
                + sum(1 for e in self.energy if e.kind == kind))

    @property
    def is_empty(self) -> bool:
        return not (self.actions or self.indicators or self.partners_added or self.partners_removed
                    or self.energy)

    @property
    def energy_effect_t(self) -> float | None:
        """The emission change of the energy rows (None when none has a factor)."""
        effects = [e.effect_t for e in self.energy if e.effect_t is not None]
        return sum(effects) if effects else None


# --- comparison (pure) ----------------------------------------------------------

def _norm(value):
    """Treat NaN/blank as missing, round floats so storage noise is no change."""
    if is_missing(value):
        return None
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, int) and not isinstance(value, bool):
        return round(float(value), 9)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _same(a, b) -> bool:
    return _norm(a) == _norm(b)


def _display(value):
    value = _norm(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def compare(sub: Submission, stored: StoredRows | None,
            names: dict[str, str] | None = None, factors: FactorSet | None = None,
            facility_names: dict[str, str] | None = None) -> SubmissionDiff:
    """The change `sub` would make over `stored` (None: nothing active yet).
    `factors` (the current factor workbook) gives the energy rows' 基準単位 and emission effect."""
    result = SubmissionDiff(sub.department_code, sub.fiscal_year,
                            stored.submission_id if stored else None, names=dict(names or {}),
                            facility_names=dict(facility_names or {}))
    old_actions = {a["action_code"]: a for a in (stored.actions if stored else [])}
    new_codes = set()
    for a in sub.actions:
        new_codes.add(a.action_code)
        old = old_actions.get(a.action_code)
        if old is None:
            result.actions.append(ActionChange(a.action_code, NEW, tuple(
                FieldChange(attr, label, None, _display(getattr(a, attr)))
                for attr, label in ACTION_FIELDS if _norm(getattr(a, attr)) is not None)))
            continue
        changes = tuple(FieldChange(attr, label, _display(old.get(attr)), _display(getattr(a, attr)))
                        for attr, label in ACTION_FIELDS if not _same(old.get(attr), getattr(a, attr)))
        if changes:
            result.actions.append(ActionChange(a.action_code, CHANGED, changes))
        else:
            result.unchanged_actions += 1
    for code, old in old_actions.items():
        if code not in new_codes:
            result.actions.append(ActionChange(code, REMOVED, tuple(
                FieldChange(attr, label, _display(old.get(attr)), None)
                for attr, label in ACTION_FIELDS if _norm(old.get(attr)) is not None)))

    old_values = {(v["indicator_code"], v["actual_year"]): v
                  for v in (stored.indicator_values if stored else [])}
    new_keys = set()
    for v in sub.indicator_values:
        key = (v.indicator_code, v.actual_year)
        new_keys.add(key)
        old = old_values.get(key)
        if old is None:
            result.indicators.append(IndicatorChange(*key, NEW, None, _display(v.value), None, _norm(v.note)))
        elif not (_same(old.get("value"), v.value) and _same(old.get("note"), v.note)):
            result.indicators.append(IndicatorChange(*key, CHANGED, _display(old.get("value")),
                                                     _display(v.value), _norm(old.get("note")),
                                                     _norm(v.note)))
        else:
            result.unchanged_indicators += 1
    for key, old in old_values.items():
        if key not in new_keys:
            result.indicators.append(IndicatorChange(*key, REMOVED, _display(old.get("value")), None,
                                                     _norm(old.get("note")), None))

    def partner_key(row: dict) -> tuple:
        return tuple(_norm(row.get(f)) for f in PARTNER_FIELDS)

    old_partners = Counter(partner_key(p) for p in (stored.partners if stored else []))
    new_partners = Counter(partner_key({f: getattr(p, f) for f in PARTNER_FIELDS}) for p in sub.partners)
    for key, n in sorted((new_partners - old_partners).items(), key=lambda kv: str(kv[0])):
        result.partners_added.extend([dict(zip(PARTNER_FIELDS, map(_display, key)))] * n)
    for key, n in sorted((old_partners - new_partners).items(), key=lambda kv: str(kv[0])):
        result.partners_removed.extend([dict(zip(PARTNER_FIELDS, map(_display, key)))] * n)
    result.unchanged_partners = sum((old_partners & new_partners).values())
    _compare_energy(result, sub, stored, factors)
    return result


def _energy_key(facility, activity, supplier, menu) -> tuple:
    return facility, name_key(activity), name_key(supplier), name_key(menu)


def _compare_energy(result: SubmissionDiff, sub: Submission, stored: StoredRows | None,
                    factors: FactorSet | None) -> None:
    """Energy per facility × activity × supplier × menu, in 基準単位 (a unit change alone is
    no change); the effect is (after − before) × the factor the rule picks for the FY × GWP."""
    def summed(rows):
        out: dict[tuple, dict] = {}
        for r in rows:
            key = _energy_key(r["facility_code"], r["activity"], r["supplier"], r["menu"])
            entry = out.setdefault(key, dict(r, amount=0.0))
            entry["amount"] = None if entry["amount"] is None or r["amount"] is None \
                else entry["amount"] + r["amount"]
        return out

    def base_unit(activity):
        found = factors.activity(activity) if factors is not None else None
        return found.base_unit if found is not None else None

    new = summed({"facility_code": r.facility_code, "activity": r.activity, "supplier": r.supplier,
                  "menu": r.menu, "amount": r.base_amount, "base_unit": base_unit(r.activity)}
                 for r in sub.energy)
    old = summed(stored.energy if stored else [])
    for key in list(new) + [k for k in old if k not in new]:
        after, before = new.get(key), old.get(key)
        a = after["amount"] if after else None
        b = before["amount"] if before else None
        if after and before:
            if a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
                result.unchanged_energy += 1
                continue
            kind = CHANGED
        else:
            kind = NEW if after else REMOVED
        row = after or before
        effect, provisional = None, False
        activity = factors.activity(row["activity"]) if factors is not None else None
        if activity is not None and sub.fiscal_year is not None:
            chosen = factors.choose(activity.name, row["supplier"], row["menu"], sub.fiscal_year)
            if chosen is not None and (a is not None or b is not None):
                effect = ((a or 0.0) - (b or 0.0)) * chosen.factor * activity.gwp / 1000
                provisional = chosen.fiscal_year < sub.fiscal_year
        result.energy.append(EnergyChange(
            row["facility_code"], row["activity"], row["supplier"], row["menu"], kind, b, a,
            row.get("base_unit") or (before or {}).get("base_unit"), effect, provisional))


# --- queries ---------------------------------------------------------------------

def active_submission_id(con, department_code: str, fiscal_year: int) -> int | None:
    row = con.execute(
        "SELECT max(submission_id) FROM submissions WHERE department_code = ? AND fiscal_year = ? "
        "AND status = ?", [department_code, fiscal_year, c.SUBMISSION_ACTIVE]).fetchone()
    return row[0] if row else None


def _dicts(cursor) -> list[dict]:
    cols = [d[0] for d in cursor.description]
    return [dict(zip(cols, row)) for row in cursor.fetchall()]


def stored_rows(con, submission_id: int) -> StoredRows:
    actions = _dicts(con.execute(
        "SELECT action_code, implementation_status, budget_k_yen, settlement_k_yen, result_text, "
        "self_evaluation, issues_text, direction, revision_text FROM action_reports "
        "WHERE submission_id = ?", [submission_id]))
    values = _dicts(con.execute(
        "SELECT indicator_code, actual_year, value, note FROM indicator_values "
        "WHERE submission_id = ?", [submission_id]))
    partners = _dicts(con.execute(
        "SELECT action_code, stakeholder_type, organisation, participants, co2_reduction_t, content "
        "FROM partner_rows WHERE submission_id = ?", [submission_id]))
    # In 基準単位 as the views count it: the current 単位換算, else the ratio known at ingest.
    energy = _dicts(con.execute(
        "SELECT e.facility_code, coalesce(a.activity, e.activity) AS activity, e.supplier, e.menu, "
        "       e.amount * CASE WHEN e.unit_key = a.base_unit_key THEN 1.0 "
        "                       ELSE coalesce(cv.ratio, e.unit_ratio) END AS amount, a.base_unit "
        "FROM energy_rows e LEFT JOIN v_factor_activities a ON a.activity_key = e.activity_key "
        "LEFT JOIN (SELECT * FROM f_conversions "
        "           WHERE factor_id = (SELECT factor_id FROM v_current_factor_set)) cv "
        "  ON cv.activity = a.activity AND cv.unit_key = e.unit_key "
        "WHERE e.submission_id = ? ORDER BY e.row_no", [submission_id]))
    return StoredRows(submission_id, actions, values, partners, energy)


def _names(con) -> dict[str, str]:
    names = dict(con.execute("SELECT action_code, action_name FROM v_actions").fetchall())
    names.update(con.execute("SELECT indicator_code, indicator_name FROM v_indicators").fetchall())
    return names


def preview_change(con, sub: Submission) -> SubmissionDiff:
    """Compare a validated submission with the active one of its department and FY."""
    from pipeline.warehouse import operations
    base = active_submission_id(con, sub.department_code, sub.fiscal_year)
    stored = stored_rows(con, base) if base is not None else None
    factors = facility_names = None
    if sub.energy or (stored is not None and stored.energy):
        factors = operations.current_factors(con)
        facility_names = dict(con.execute("SELECT facility_code, facility_name FROM v_facilities").fetchall())
    return compare(sub, stored, _names(con), factors, facility_names)


# --- tables for display --------------------------------------------------------------

def _fmt(value) -> str:
    if value is None:
        return txt.BLANK
    return str(value)


def action_frame(diff: SubmissionDiff) -> pd.DataFrame:
    """One row per changed field (new/removed actions list their filled fields)."""
    rows = []
    for a in diff.actions:
        label = txt.CHANGE_KINDS[a.kind]
        if not a.changes:
            rows.append((a.action_code, diff.names.get(a.action_code, ""), label, "", "", ""))
        for ch in a.changes:
            rows.append((a.action_code, diff.names.get(a.action_code, ""), label, ch.label,
                         _fmt(ch.before), _fmt(ch.after)))
    return pd.DataFrame(rows, columns=list(txt.ACTION_DIFF_COLUMNS))


def indicator_frame(diff: SubmissionDiff) -> pd.DataFrame:
    rows = [(i.indicator_code, diff.names.get(i.indicator_code, ""), i.actual_year,
             txt.CHANGE_KINDS[i.kind], _fmt(i.before), _fmt(i.after),
             "" if i.note_before == i.note_after else f"{_fmt(i.note_before)} → {_fmt(i.note_after)}")
            for i in diff.indicators]
    return pd.DataFrame(rows, columns=list(txt.INDICATOR_DIFF_COLUMNS))


def partner_frame(diff: SubmissionDiff) -> pd.DataFrame:
    rows = [(txt.CHANGE_KINDS[kind], *(_fmt(p[f]) for f in PARTNER_FIELDS))
            for kind, group in ((ADDED, diff.partners_added), (REMOVED, diff.partners_removed))
            for p in group]
    return pd.DataFrame(rows, columns=list(txt.PARTNER_DIFF_COLUMNS))


def _amount(value: float | None) -> str:
    if value is None:
        return txt.BLANK
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.3g}"


def energy_frame(diff: SubmissionDiff) -> pd.DataFrame:
    """One row per facility × activity × supplier × menu that changes, amounts in 基準単位."""
    rows = [(e.facility_code, diff.facility_names.get(e.facility_code, ""), e.activity,
             e.supplier or "", e.menu or "", txt.CHANGE_KINDS[e.kind], _amount(e.before),
             _amount(e.after), e.base_unit or "", txt.energy_effect(e.effect_t, e.provisional))
            for e in diff.energy]
    return pd.DataFrame(rows, columns=list(txt.ENERGY_DIFF_COLUMNS))
