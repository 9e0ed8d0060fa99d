"""The demo workbooks: deterministic, valid under the data contract, varied.

These tests read the generated files with a small reader of their own (not
pipeline.validate) so they do not depend on the validator being written
concurrently; the reader follows the contract's rules (header row search,
title rows, column order, year and number spellings).
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import openpyxl
import pytest

from pipeline.ingest import contract as C
from pipeline.demo.workbooks import DemoPlan, write_demo_workbooks


# --- A small contract reader --------------------------------------------------

def norm(value) -> str:
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def parse_year(value) -> int | None:
    if value is None or norm(value) == "":
        return None
    if isinstance(value, (int, float)):
        return int(value)
    text = norm(value)
    m = re.fullmatch(r"(?:令和|平成|R|H)?(?:\d+|元)?\((\d{4})\)(?:年度)?", text)
    if m:
        return int(m.group(1))
    m = re.fullmatch(r"(\d{4})(?:年度)?", text)
    if m:
        return int(m.group(1))
    m = re.fullmatch(r"(令和|平成|R|H)(\d+|元)(?:年度)?", text)
    assert m, f"unreadable year {value!r}"
    n = 1 if m.group(2) == "元" else int(m.group(2))
    return n + (2018 if m.group(1) in ("令和", "R") else 1988)


def parse_number(value, unit: str = "", number_format: str = "General"):
    """A number, or None when blank / not reported."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        if unit == C.PERCENT_UNIT and "%" in number_format:
            return value * 100
        return value
    text = norm(value)
    if text in {norm(w) for w in C.NOT_REPORTED_WORDS} or text in C.DASHES:
        return None
    sign = 1
    if text[0] in "△▲":
        sign, text = -1, text[1:]
    text = text.replace(",", "").rstrip("%")
    return sign * float(text)


def _header(value) -> str:
    return "" if value is None else str(value).strip()


def read_info(ws) -> dict[str, object]:
    out = {}
    for row in ws.iter_rows(min_row=1, max_row=C.INFO_MAX_ROWS, max_col=2):
        label = norm(row[0].value)
        if label in C.INFO_LABELS:
            out[label] = row[1].value
    return out


def read_table(ws, key: str) -> list[dict]:
    """Rows of a table sheet as {header: cell} (cells, to keep number formats)."""
    rows = list(ws.iter_rows())
    header_at = None
    for i, row in enumerate(rows[:C.HEADER_SEARCH_ROWS]):
        if key in [_header(c.value) for c in row]:
            header_at = i
            break
    assert header_at is not None, f"{ws.title}: no header row with {key}"
    headers = [_header(c.value) for c in rows[header_at]]
    out = []
    for row in rows[header_at + 1:]:
        if all(c.value is None or norm(c.value) == "" for c in row):
            continue
        rec = {h: c for h, c in zip(headers, row) if h}
        rec["_row"] = row[0].row
        out.append(rec)
    return out, headers, header_at


def val(rec, header):
    cell = rec.get(header)
    return None if cell is None else cell.value


def grade_word(value) -> str:
    text = norm(value)
    return C.NOT_EVALUABLE if text in C.DASHES else text


def load_master(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    master = {"wb": wb}
    for spec in C.MASTER_SHEETS:
        assert spec.name in wb.sheetnames, spec.name
        rows, headers, _ = read_table(wb[spec.name], spec.key)
        assert set(spec.headers) <= set(headers), (spec.name, headers)
        master[spec.name] = [{h: val(r, h) for h in spec.headers} for r in rows]
    return master


FILE_RE = re.compile(r"FY(\d{4})_(.+?)(?:_v(\d+))?\.xlsx")


def read_submission(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    m = FILE_RE.fullmatch(path.name)
    assert m, path.name
    sub = {"path": path, "fy": int(m.group(1)), "dept": m.group(2),
           "version": int(m.group(3) or 1), "sheets": wb.sheetnames,
           "info": read_info(wb[C.SHEET_INFO])}
    for spec in C.SUBMISSION_SHEETS:
        if spec.name in wb.sheetnames:
            rows, headers, header_at = read_table(wb[spec.name], spec.key)
            sub[spec.name] = rows
            sub[spec.name + ":headers"] = headers
            sub[spec.name + ":header_at"] = header_at
        else:
            assert not spec.required, f"{path.name}: missing {spec.name}"
            sub[spec.name] = []
    return sub


# --- Fixtures ------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> DemoPlan:
    return write_demo_workbooks(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def master(demo) -> dict:
    return load_master(demo.master_path)


@pytest.fixture(scope="module")
def subs(demo) -> list[dict]:
    return [read_submission(p) for p in demo.submissions]


# --- Determinism -----------------------------------------------------------------

def test_same_seed_gives_identical_files(demo, tmp_path):
    again = write_demo_workbooks(tmp_path)
    assert [p.name for p in again.submissions] == [p.name for p in demo.submissions]
    for a, b in zip([demo.master_path, *demo.submissions], [again.master_path, *again.submissions]):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_other_seed_changes_values_not_shape(demo, tmp_path):
    other = write_demo_workbooks(tmp_path, seed=7)
    assert [p.name for p in other.submissions] == [p.name for p in demo.submissions]
    assert any(a.read_bytes() != b.read_bytes() for a, b in zip(demo.submissions, other.submissions))


# (generation time: bench/demo.py — no wall-clock assertions in tests)


# --- Master ------------------------------------------------------------------------

def test_master_sizes_and_references(master):
    depts = {r[C.COL_DEPARTMENT_CODE] for r in master[C.MASTER_DEPARTMENTS]}
    policies = {r[C.COL_POLICY_CODE] for r in master[C.MASTER_POLICIES]}
    measures = {r[C.COL_MEASURE_CODE]: r for r in master[C.MASTER_MEASURES]}
    actions = master[C.MASTER_ACTIONS]
    indicators = master[C.MASTER_INDICATORS]
    assert len(depts) >= 12 and len(depts) == len(master[C.MASTER_DEPARTMENTS])
    assert 5 <= len(policies) <= 8
    assert 18 <= len(measures) <= 25
    assert len(actions) >= 60 and len({a[C.COL_ACTION_CODE] for a in actions}) == len(actions)
    assert 28 <= len(indicators) <= 40
    assert len({i[C.COL_INDICATOR_CODE] for i in indicators}) == len(indicators)
    assert all(r[C.COL_POLICY_CODE] in policies for r in measures.values())
    for a in actions:
        assert a[C.COL_MEASURE_CODE] in measures and a[C.COL_DEPARTMENT_CODE] in depts
        assert a[C.COL_PRIORITY] in (None, C.PRIORITY_MARK)
        assert isinstance(a[C.COL_START_YEAR], int)
        assert a[C.COL_END_YEAR] is None or a[C.COL_END_YEAR] >= a[C.COL_START_YEAR]
    for i in indicators:
        assert i[C.COL_MEASURE_CODE] in measures and i[C.COL_DEPARTMENT_CODE] in depts
        assert i[C.COL_DIRECTION] in C.INDICATOR_DIRECTIONS
        assert i[C.COL_TARGET_VALUE] != i[C.COL_BASE_VALUE]
    # every department has work to report; every policy has measures
    assert {a[C.COL_DEPARTMENT_CODE] for a in actions} == depts
    assert {m[C.COL_POLICY_CODE] for m in measures.values()} == policies
    assert 12 <= sum(a[C.COL_PRIORITY] == C.PRIORITY_MARK for a in actions) <= 20
    ends = {a[C.COL_END_YEAR] for a in actions}
    starts = {a[C.COL_START_YEAR] for a in actions}
    assert None in ends and 2023 in ends and {2023, 2024} <= starts
    units = Counter(i[C.COL_UNIT] for i in indicators)
    assert units[C.PERCENT_UNIT] >= 3 and len(units) >= 10
    assert set(i[C.COL_DIRECTION] for i in indicators) == set(C.INDICATOR_DIRECTIONS)
    assert {i[C.COL_BASE_YEAR] for i in indicators} >= {2013, 2019, 2020}


def test_master_emissions_tell_a_behind_pace_story(master):
    rows = master[C.MASTER_EMISSIONS]
    assert {r[C.COL_SECTOR] for r in rows} == set(C.SECTORS)
    keys = [(r[C.COL_FISCAL_YEAR], r[C.COL_SECTOR], r[C.COL_KIND]) for r in rows]
    assert len(keys) == len(set(keys))
    totals = defaultdict(float)
    for r in rows:
        totals[(r[C.COL_KIND], r[C.COL_FISCAL_YEAR])] += r[C.COL_EMISSIONS]
        if r[C.COL_SECTOR] == C.REMOVAL_SECTOR:
            assert r[C.COL_EMISSIONS] < 0
    base_years = {y for k, y in totals if k == C.KIND_BASE}
    assert base_years == {2013}
    base = totals[(C.KIND_BASE, 2013)]
    actual_years = sorted(y for k, y in totals if k == C.KIND_ACTUAL)
    assert actual_years[0] == 2017 and actual_years[-1] >= 2022
    gross_2017 = sum(r[C.COL_EMISSIONS] for r in rows if r[C.COL_FISCAL_YEAR] == 2017
                     and r[C.COL_SECTOR] != C.REMOVAL_SECTOR)
    assert gross_2017 == pytest.approx(5060, rel=0.01)
    target_2030 = totals[(C.KIND_TARGET, 2030)]
    assert 1 - target_2030 / base == pytest.approx(0.51, abs=0.02)
    assert totals[(C.KIND_TARGET, 2050)] == pytest.approx(0, abs=1)
    latest = actual_years[-1]
    actual_rate = 1 - (totals[(C.KIND_ACTUAL, latest)] / base) ** (1 / (latest - 2013))
    needed_rate = 1 - (target_2030 / base) ** (1 / (2030 - 2013))
    assert 0 < actual_rate < needed_rate


# --- Submissions -------------------------------------------------------------------

def test_every_submission_is_valid_under_the_contract(demo, master, subs):
    depts = {r[C.COL_DEPARTMENT_CODE] for r in master[C.MASTER_DEPARTMENTS]}
    actions = {r[C.COL_ACTION_CODE]: r for r in master[C.MASTER_ACTIONS]}
    indicators = {r[C.COL_INDICATOR_CODE]: r for r in master[C.MASTER_INDICATORS]}
    allowed_status = set(C.IMPLEMENTATION_STATUSES)
    for sub in subs:
        name, fy, dept = sub["path"].name, sub["fy"], sub["dept"]
        info = sub["info"]
        assert parse_year(info[C.INFO_FISCAL_YEAR]) == fy, name
        assert norm(info[C.INFO_DEPARTMENT_CODE]) == dept and dept in depts, name
        # 取組実績: exactly the department's actions active in the FY
        codes = [norm(val(r, C.COL_ACTION_CODE)) for r in sub[C.SHEET_ACTIONS]]
        assert len(codes) == len(set(codes)), name
        expected = {c for c, a in actions.items() if a[C.COL_DEPARTMENT_CODE] == dept
                    and a[C.COL_START_YEAR] <= fy
                    and (a[C.COL_END_YEAR] is None or fy <= a[C.COL_END_YEAR])}
        assert set(codes) == expected, name
        for r in sub[C.SHEET_ACTIONS]:
            where = f"{name} row {r['_row']}"
            status = norm(val(r, C.COL_IMPLEMENTATION))
            assert status in allowed_status, where
            assert grade_word(val(r, C.COL_SELF_EVALUATION)) in C.SELF_EVALUATIONS, where
            direction = norm(val(r, C.COL_DIRECTION_NEXT))
            assert direction in C.DIRECTIONS_NEXT, where
            if status != C.NOT_IMPLEMENTED:
                assert norm(val(r, C.COL_RESULT)), where
            if direction in C.DIRECTIONS_NEEDING_REVISION:
                assert norm(val(r, C.COL_REVISION)), where
            for col in (C.COL_BUDGET, C.COL_SETTLEMENT):
                v = parse_number(val(r, col))
                assert v is None or v >= 0, where
            if direction == "完了":
                assert actions[norm(val(r, C.COL_ACTION_CODE))][C.COL_END_YEAR] == fy, where
        # 指標実績: own indicators, unique (code, 実績年度)
        pairs = []
        for r in sub[C.SHEET_INDICATORS]:
            where = f"{name} row {r['_row']}"
            code = norm(val(r, C.COL_INDICATOR_CODE))
            assert code in indicators and indicators[code][C.COL_DEPARTMENT_CODE] == dept, where
            year = parse_year(val(r, C.COL_ACTUAL_YEAR)) or fy
            assert year <= fy, where
            pairs.append((code, year))
            cell = r[C.COL_ACTUAL_VALUE]
            parse_number(cell.value, indicators[code][C.COL_UNIT], cell.number_format)
        assert len(pairs) == len(set(pairs)), name
        # 連携主体
        for r in sub[C.SHEET_PARTNERS]:
            where = f"{name} row {r['_row']}"
            assert norm(val(r, C.COL_ACTION_CODE)) in actions, where
            assert norm(val(r, C.COL_STAKEHOLDER_TYPE)) in C.STAKEHOLDER_TYPES, where
            n = parse_number(val(r, C.COL_PARTICIPANTS))
            assert n is None or (n >= 0 and float(n).is_integer()), where
            co2 = parse_number(val(r, C.COL_CO2_REDUCTION))
            assert co2 is None or co2 >= 0, where


def test_submission_coverage_and_missing_departments(demo, master, subs):
    depts = {r[C.COL_DEPARTMENT_CODE] for r in master[C.MASTER_DEPARTMENTS]}
    assert demo.fiscal_years == list(range(2021, 2026)) and demo.current_year == 2025
    originals = defaultdict(set)
    for s in subs:
        if s["version"] == 1:
            originals[s["fy"]].add(s["dept"])
    for fy in demo.fiscal_years[:-1]:
        assert originals[fy] == depts
    missing = depts - originals[2025]
    assert 1 <= len(missing) <= 2
    assert {d for _, d in demo.missing} == missing


def test_resubmissions_follow_their_originals(demo, subs):
    assert 1 <= len(demo.resubmissions) <= 4
    n = len(demo.resubmissions)
    assert demo.submissions[-n:] == demo.resubmissions
    by_key = {(s["fy"], s["dept"], s["version"]): s for s in subs}
    fys = [s["fy"] for s in subs if s["version"] == 1]
    assert fys == sorted(fys)
    for path in demo.resubmissions:
        m = FILE_RE.fullmatch(path.name)
        fy, dept = int(m.group(1)), m.group(2)
        assert m.group(3) == "2"
        first = by_key[(fy, dept, 1)]
        assert demo.submissions.index(first["path"]) < demo.submissions.index(path)
        assert first["path"].read_bytes() != path.read_bytes()


def test_rows_counted_match_the_files(demo, subs):
    for sheet in (C.SHEET_ACTIONS, C.SHEET_INDICATORS, C.SHEET_PARTNERS):
        assert demo.rows[sheet] == sum(len(s[sheet]) for s in subs)


# --- Variety: the stories the dashboard needs -------------------------------------

def test_every_category_word_is_used(subs):
    types = Counter(norm(val(r, C.COL_STAKEHOLDER_TYPE)) for s in subs for r in s[C.SHEET_PARTNERS])
    assert set(types) == set(C.STAKEHOLDER_TYPES)
    rows = [r for s in subs for r in s[C.SHEET_ACTIONS]]
    assert {norm(val(r, C.COL_DIRECTION_NEXT)) for r in rows} == set(C.DIRECTIONS_NEXT)
    assert {norm(val(r, C.COL_IMPLEMENTATION)) for r in rows} == set(C.IMPLEMENTATION_STATUSES)
    assert {grade_word(val(r, C.COL_SELF_EVALUATION)) for r in rows} == set(C.SELF_EVALUATIONS)
    status = Counter(norm(val(r, C.COL_IMPLEMENTATION)) for r in rows)
    assert status["実施"] > len(rows) / 2
    # several partner rows per action sometimes; organisations named
    per_action = Counter((s["path"].name, norm(val(r, C.COL_ACTION_CODE)))
                         for s in subs for r in s[C.SHEET_PARTNERS])
    assert max(per_action.values()) >= 3
    assert sum(types.values()) >= 300


def test_messy_spellings_are_present(subs):
    years = [s["info"][C.INFO_FISCAL_YEAR] for s in subs]
    texts = [y for y in years if isinstance(y, str)]
    assert any(isinstance(y, int) for y in years)
    assert any("令和" in y for y in texts) and any(y.startswith("R") for y in texts)
    assert any(unicodedata.normalize("NFKC", y) != y for y in texts)       # full-width
    actual_years = [val(r, C.COL_ACTUAL_YEAR) for s in subs for r in s[C.SHEET_INDICATORS]]
    assert None in actual_years and any(isinstance(y, str) for y in actual_years)
    values = [val(r, c) for s in subs for r in s[C.SHEET_ACTIONS] for c in (C.COL_BUDGET, C.COL_SETTLEMENT)]
    assert any(isinstance(v, str) and "," in v for v in values)
    assert any(isinstance(v, str) and "，" in v for v in values)
    ind_values = [r[C.COL_ACTUAL_VALUE] for s in subs for r in s[C.SHEET_INDICATORS]]
    assert any(isinstance(c.value, str) and c.value.startswith("△") for c in ind_values)
    assert any(isinstance(c.value, str) and c.value.endswith("%") for c in ind_values)
    assert any("%" in c.number_format for c in ind_values)
    assert any(s[C.SHEET_ACTIONS + ":header_at"] > 0 for s in subs)              # title rows
    assert any(s[C.SHEET_ACTIONS + ":headers"][:len(C.ACTIONS_SHEET.headers)]
               != list(C.ACTIONS_SHEET.headers) for s in subs)                   # column order
    assert any("メモ" in s["sheets"] for s in subs)
    codes = [val(r, C.COL_ACTION_CODE) for s in subs for r in s[C.SHEET_ACTIONS]]
    assert any(c != norm(c) for c in codes)                                       # spaces / full-width
    grades = [val(r, C.COL_SELF_EVALUATION) for s in subs for r in s[C.SHEET_ACTIONS]]
    assert len({g for g in grades if grade_word(g) == C.NOT_EVALUABLE}) >= 2     # dash variants


def _indicator_statuses(master, subs) -> dict[tuple[str, int], str]:
    """Status per (indicator, FY) following contract section 5 (active versions only)."""
    ind = {r[C.COL_INDICATOR_CODE]: r for r in master[C.MASTER_INDICATORS]}
    active = {}
    for s in subs:                                   # later versions replace earlier ones
        active[(s["fy"], s["dept"])] = s
    values: dict[tuple[str, int], tuple[int, float | None]] = {}
    for s in sorted(active.values(), key=lambda s: s["fy"]):
        for r in s[C.SHEET_INDICATORS]:
            code = norm(val(r, C.COL_INDICATOR_CODE))
            year = parse_year(val(r, C.COL_ACTUAL_YEAR)) or s["fy"]
            cell = r[C.COL_ACTUAL_VALUE]
            values[(code, year)] = parse_number(cell.value, ind[code][C.COL_UNIT], cell.number_format)
    out = {}
    fys = sorted({s["fy"] for s in subs})
    for code, i in ind.items():
        b, t = i[C.COL_BASE_VALUE], i[C.COL_TARGET_VALUE]
        by, ty = i[C.COL_BASE_YEAR], i[C.COL_TARGET_YEAR]
        sign = 1 if i[C.COL_DIRECTION] == C.DIRECTION_UP else -1
        for fy in fys:
            a = values.get((code, fy))
            if a is None:
                out[(code, fy)] = C.STATUS_UNREPORTED
                continue
            expected = b + (t - b) * (fy - by) / (ty - by)
            if (a - b) / (t - b) * 100 >= 100:
                out[(code, fy)] = C.STATUS_ACHIEVED
            elif sign * (a - expected) >= 0:
                out[(code, fy)] = C.STATUS_ON_TRACK
            elif sign * (a - b) > 0:
                out[(code, fy)] = C.STATUS_BEHIND
            else:
                out[(code, fy)] = C.STATUS_WORSENED
    return out


def test_indicator_stories(master, subs):
    statuses = _indicator_statuses(master, subs)
    assert set(statuses.values()) == set(C.STATUSES)
    latest_reported = {}
    for (code, fy), st in sorted(statuses.items(), key=lambda kv: kv[0][1]):
        if st != C.STATUS_UNREPORTED:
            latest_reported[code] = st
    # a dashboard-worthy mix among the latest known statuses
    mix = Counter(latest_reported.values())
    for st in (C.STATUS_ACHIEVED, C.STATUS_ON_TRACK, C.STATUS_BEHIND, C.STATUS_WORSENED):
        assert mix[st] >= 2, mix
    # some indicators lag: values for earlier 実績年度 than the submission FY
    lagging = [r for s in subs for r in s[C.SHEET_INDICATORS]
               if (parse_year(val(r, C.COL_ACTUAL_YEAR)) or s["fy"]) < s["fy"]]
    same_year = [r for s in subs for r in s[C.SHEET_INDICATORS]
                 if (parse_year(val(r, C.COL_ACTUAL_YEAR)) or s["fy"]) == s["fy"]]
    assert len(lagging) >= 20 and len(same_year) >= 20
    unreported = [r for s in subs for r in s[C.SHEET_INDICATORS]
                  if parse_number(r[C.COL_ACTUAL_VALUE].value) is None]
    assert len(unreported) >= 5
    assert {norm(r[C.COL_ACTUAL_VALUE].value) for r in unreported} & {"未把握", "-"}


def test_pdca_has_incomplete_cycles(subs):
    rows = [r for s in subs for r in s[C.SHEET_ACTIONS]]
    not_done = [r for r in rows if norm(val(r, C.COL_IMPLEMENTATION)) == C.NOT_IMPLEMENTED]
    no_grade = [r for r in rows if grade_word(val(r, C.COL_SELF_EVALUATION)) == C.NOT_EVALUABLE]
    assert not_done and no_grade
    assert any(norm(val(r, C.COL_RESULT)) == "" for r in not_done)


# --- Scale ---------------------------------------------------------------------------

def test_scale_10_sizes(tmp_path):
    plan = write_demo_workbooks(tmp_path, scale=10)
    wb = openpyxl.load_workbook(plan.master_path, read_only=True)
    sizes = {name: sum(1 for _ in wb[name].iter_rows(min_row=2)) for name in wb.sheetnames}
    wb.close()
    assert 50 <= sizes[C.MASTER_DEPARTMENTS] <= 75
    assert sizes[C.MASTER_ACTIONS] >= 600
    assert sizes[C.MASTER_INDICATORS] >= 300
    assert plan.fiscal_years == list(range(2016, 2026))
    assert plan.rows[C.SHEET_PARTNERS] >= 20000
    assert len(plan.submissions) >= 500
    # spot-check one workbook of a cloned department
    clone = next(p for p in plan.submissions if "-2" in p.name and p.name.startswith("FY2016"))
    sub = read_submission(clone)
    assert sub[C.SHEET_ACTIONS] and parse_year(sub["info"][C.INFO_FISCAL_YEAR]) == 2016
