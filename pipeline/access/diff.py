"""What a valid workbook would change, against the active submission for its
department and FY: actions new/changed/removed (field by field), indicator
values before → after, partner rows added/removed.

`compare` is a pure function over a validated Submission and the stored rows;
`preview_change` fetches the stored rows and calls it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from pipeline.ingest import contract as c
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


@dataclass
class StoredRows:
    """The rows of one stored submission, as plain dicts keyed like the Submission fields."""
    submission_id: int
    actions: list[dict] = field(default_factory=list)
    indicator_values: list[dict] = field(default_factory=list)
    partners: list[dict] = field(default_factory=list)


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

    def count(self, kind: str) -> int:
        return (sum(1 for a in self.actions if a.kind == kind)
                + sum(1 for i in self.indicators if i.kind == kind))

    @property
    def is_empty(self) -> bool:
        return not (self.actions or self.indicators or self.partners_added or self.partners_removed)


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
            names: dict[str, str] | None = None) -> SubmissionDiff:
    """The change `sub` would make over `stored` (None: nothing active yet)."""
    result = SubmissionDiff(sub.department_code, sub.fiscal_year,
                            stored.submission_id if stored else None, names=dict(names or {}))
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
    return result


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
    return StoredRows(submission_id, actions, values, partners)


def _names(con) -> dict[str, str]:
    names = dict(con.execute("SELECT action_code, action_name FROM v_actions").fetchall())
    names.update(con.execute("SELECT indicator_code, indicator_name FROM v_indicators").fetchall())
    return names


def preview_change(con, sub: Submission) -> SubmissionDiff:
    """Compare a validated submission with the active one of its department and FY."""
    base = active_submission_id(con, sub.department_code, sub.fiscal_year)
    stored = stored_rows(con, base) if base is not None else None
    return compare(sub, stored, _names(con))


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
