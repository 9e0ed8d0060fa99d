"""Fuzzing ingest with mutated valid workbooks (hypothesis).

Each example starts from a valid department workbook — with an エネルギー使用量
sheet, against a master with facilities and a loaded factor workbook (§8) —
and applies a handful of random mutations: values of every type in any cell
(headers included), deleted and renamed sheets, inserted blank rows, merged
cells, huge strings, formulas.
The file must then be accepted whole, or rejected with errors whose sheet and
cell exist — never an exception from `load.check`/`ingest_bytes`, never a
partial load.  bench/fuzz_long.py runs the same property for longer.
"""
from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import MergedCell
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pipeline.ingest import contract as c
from pipeline import load
from pipeline.warehouse import store
from pipeline.ingest.normalise import nfkc
from pipeline.texts import validation as vtxt
from pipeline.warehouse.schema import connect
from tests import factories as f
from tests import operations_factories as of
from tests.warehouse.test_backup import indicator, partner

EXAMPLES = 60
CELL = re.compile(r"^([A-Z]{1,3})([1-9][0-9]*)$")
SHEETS = (c.SHEET_INFO, c.SHEET_ACTIONS, c.SHEET_INDICATORS, c.SHEET_PARTNERS, c.SHEET_ENERGY)

SPECIAL_VALUES = [
    "=1/0", "=A1+1", "=SUM(A1:A3)", '="A"&"001"', "#N/A", "令和6年度", "R6", "平成31年度",
    "△1,234", "▲5", "１２３", "12.5%", "1e400", "NaN", "未把握", "−", "ー", "A001", " a００１ ",
    "実施", "未実施", "改善", "休止・廃止", "市民", "その他", "\u200bA001", "2024/04/01",
    "D01", "D99", "2024", "2051", "-1", "0", "　",
    # エネルギー使用量: facilities, activities, units, suppliers, amounts
    "F001", "F002", "F003", "F999", "ｆ００１", "電気", "都市ガス", "灯油", "重油", "kWh", "千kWh", "ｋＷｈ",
    "m3", "ｍ３", "L", "kL", "A電力", "Ａ電力", "代替値", "不明電力", "グリーン100", "１，２３４", "1e9",
    "4月", "3月", "年間使用量",
]


def _text():
    return st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


values = st.one_of(
    st.none(), _text(), st.sampled_from(SPECIAL_VALUES),
    st.integers(min_value=-10**15, max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
    st.builds(lambda n, ch: ch * n, st.integers(30_000, 40_000), st.sampled_from(["あ", "A", "1"])),
)
sheet_index = st.integers(0, len(SHEETS) - 1)
set_cell = st.tuples(st.just("set"), sheet_index, st.integers(1, 12), st.integers(1, 20), values)
delete_sheet = st.tuples(st.just("delete"), sheet_index)
rename_sheet = st.tuples(st.just("rename"), sheet_index,
                         st.one_of(_text().map(lambda t: re.sub(r"[\[\]:*?/\\']", "", t)[:31]),
                                   st.sampled_from([s + " " for s in SHEETS] + ["Sheet1", "取組 実績"])))
insert_rows = st.tuples(st.just("insert"), sheet_index, st.integers(1, 6), st.integers(1, 5))
merge = st.tuples(st.just("merge"), sheet_index, st.integers(1, 8), st.integers(1, 8),
                  st.integers(0, 3), st.integers(0, 3))
# the エネルギー使用量 sheet (the base's fifth) gets cell mutations of its own: header and 4 rows
energy_cell = st.tuples(st.just("set"), st.just(SHEETS.index(c.SHEET_ENERGY)), st.integers(1, 6),
                        st.integers(1, 20), values)
mutations = st.lists(st.one_of(set_cell, set_cell, set_cell, energy_cell, energy_cell, delete_sheet,
                               rename_sheet, insert_rows, merge), min_size=1, max_size=6)


MONTHS = [100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210]     # 1,860


def base_workbook() -> bytes:
    data = f.submission(
        2023, "D01", indicators=[indicator("I01", 500), indicator("I01", 450, **{c.COL_ACTUAL_YEAR: 2022})],
        partners=[partner("A001", "市民", "市民団体A", 40), partner("A002", "事業者", "B社", 3)])
    return of.with_energy(data, [
        of.energy_row("F001", "電気", "kWh", months=MONTHS, annual=1860, COL_SUPPLIER="A電力"),
        of.energy_row("F001", "電気", "千kWh", annual=1.5),
        of.energy_row("F001", "都市ガス", "m3", months=MONTHS),
        of.energy_row("F001", "灯油", "kL", annual=0.2, COL_NOTE="ボイラー")])


def make_fuzz_db(db: Path) -> Path:
    """The §8 master (facilities, 自動算定) and the factor workbook: the energy sheet is checked."""
    of.load_ops(db)
    return db


BASE = base_workbook()


def mutate(data: bytes, ops) -> tuple[bytes, openpyxl.Workbook]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for op in ops:
        sheets = wb.worksheets
        if not sheets:
            break
        ws = sheets[op[1] % len(sheets)]
        kind = op[0]
        if kind == "set":
            cell = ws.cell(op[2], op[3])
            if not isinstance(cell, MergedCell):          # merged-away cells hold no value
                cell.value = op[4]
        elif kind == "delete" and len(sheets) > 1:
            wb.remove(ws)
        elif kind == "rename" and op[2].strip() and op[2] not in wb.sheetnames:
            ws.title = op[2]
        elif kind == "insert":
            ws.insert_rows(op[2], op[3])
        elif kind == "merge":
            ws.merge_cells(start_row=op[2], start_column=op[3],
                           end_row=op[2] + op[4], end_column=op[3] + op[5])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), wb


def column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def assert_located(problems, wb: openpyxl.Workbook) -> None:
    """Every problem names a real sheet (or a missing contract sheet) and a cell inside it."""
    by_key: dict = {}
    for ws in wb.worksheets:              # as the reader: the first sheet of a name is read
        by_key.setdefault(nfkc(ws.title), ws)
    for p in problems:
        assert isinstance(p.message, str) and p.message.strip()
        # load.check turns an exception into INTERNAL_ERROR: that is a bug here
        assert p.message != vtxt.INTERNAL_ERROR, "validation raised (see the log)"
        if p.sheet is None:
            assert p.cell is None, p
            continue
        ws = by_key.get(nfkc(p.sheet))
        if ws is None:
            assert p.sheet in SHEETS and p.cell is None, p        # "sheet missing"
            continue
        if p.cell is not None:
            m = CELL.match(p.cell)
            assert m, p
            assert int(m.group(2)) <= max(ws.max_row, 1) and column_index(m.group(1)) <= max(ws.max_column, 1), \
                (p, ws.max_row, ws.max_column)


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory) -> Path:
    return make_fuzz_db(tmp_path_factory.mktemp("fuzz") / "fuzz.duckdb")


COUNTS = ("SELECT count(*), (SELECT count(*) FROM action_reports), (SELECT count(*) FROM indicator_values), "
          "(SELECT count(*) FROM partner_rows), (SELECT count(*) FROM energy_rows) FROM submissions")


def check_example(db: Path, data: bytes, wb) -> load.IngestReport:
    with connect(db) as con:
        before = con.execute(COUNTS).fetchone()
    report = load.ingest_bytes([("fuzz.xlsx", data)], db)[0]
    with connect(db) as con:
        after = con.execute(COUNTS).fetchone()
        stored = store.stored_rows(con, report.submission_id) if report.submission_id else None
    assert_located(report.errors + report.warnings, wb)
    if not report.accepted:
        assert report.errors, "rejected without a reason"
        assert after == before                                   # nothing loaded
    elif report.noop:
        assert after == before
    else:
        sub = report.submission
        expected = {c.SHEET_ACTIONS: len(sub.actions), c.SHEET_INDICATORS: len(sub.indicator_values),
                    c.SHEET_PARTNERS: len(sub.partners)}
        if sub.energy:
            expected[c.SHEET_ENERGY] = len(sub.energy)
        assert stored == expected                                # whole
        assert after[0] == before[0] + 1
        added = (len(sub.actions), len(sub.indicator_values), len(sub.partners), len(sub.energy))
        assert list(after[1:]) == [b + n for b, n in zip(before[1:], added, strict=True)]
    return report


def test_base_workbook_is_accepted(fuzz_db):
    report = check_example(fuzz_db, BASE, openpyxl.load_workbook(io.BytesIO(BASE)))
    assert report.accepted, report.errors
    assert report.rows[c.SHEET_ENERGY] == 4 and not report.warnings, report.warnings


@settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(ops=mutations)
def test_mutated_workbooks_are_accepted_whole_or_rejected_with_located_errors(fuzz_db, ops):
    data, wb = mutate(BASE, ops)
    sub = load.check(data, "fuzz.xlsx", None)       # no master: still no exception
    assert not sub.accepted
    assert vtxt.INTERNAL_ERROR not in [p.message for p in sub.errors]
    report = check_example(fuzz_db, data, wb)
    event("accepted" if report.accepted else "rejected")
    if report.accepted and not report.noop:
        event(f"accepted with {len(report.submission.energy)} energy rows")
    elif any(p.sheet == c.SHEET_ENERGY for p in report.errors):
        event("rejected at エネルギー使用量")


@settings(max_examples=20, deadline=None)
@given(cut=st.integers(0, len(BASE) - 1), junk=st.binary(min_size=0, max_size=64))
def test_truncated_or_spliced_bytes_never_raise(cut, junk):
    data = BASE[:cut] + junk
    sub = load.check(data, "broken.xlsx", None)
    assert not sub.accepted and sub.errors
    assert vtxt.INTERNAL_ERROR not in [p.message for p in sub.errors]
    assert all(p.cell is None or CELL.match(p.cell) for p in sub.errors)
