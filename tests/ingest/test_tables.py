"""pipeline.ingest.tables: header row, column mapping, blank rows, per-cell parsing (contract §2)."""
from __future__ import annotations

import pytest

from pipeline.ingest import contract as c
from pipeline.ingest.reader import SheetGrid
from pipeline.ingest.tables import cell_ref, find_header, parse_table


def grid(rows, percent=()):
    return SheetGrid("t", [list(r) for r in rows], frozenset(percent))


PARTNER_HEADERS = list(c.PARTNERS_SHEET.headers)


def test_cell_ref():
    assert cell_ref(0, 0) == "A1"
    assert cell_ref(11, 6) == "G12"
    assert cell_ref(1, 27) == "AB2"


def test_header_within_first_ten_rows_titles_above_ignored():
    rows = [["令和6年度 連携主体"], ["注意書き"]] + [[""]] * 7 + [PARTNER_HEADERS, ["A001", "市民"]]
    assert find_header(grid(rows), c.COL_ACTION_CODE) == 9
    t = parse_table(grid(rows), c.PARTNERS_SHEET)
    assert t.problems == [] and t.header_row == 10
    assert [r.row for r in t.rows] == [11]
    assert t.rows[0].cells["action_code"] == "A11"


def test_header_below_row_ten_is_a_sheet_error():
    rows = [[""]] * 10 + [PARTNER_HEADERS, ["A001", "市民"]]
    t = parse_table(grid(rows), c.PARTNERS_SHEET)
    assert len(t.problems) == 1
    p = t.problems[0]
    assert p.sheet == c.SHEET_PARTNERS and p.cell is None and c.COL_ACTION_CODE in p.message


def test_columns_in_any_order_and_unknown_columns_ignored():
    headers = ["メモ", c.COL_STAKEHOLDER_TYPE, c.COL_CO2_REDUCTION, c.COL_ACTION_CODE]
    rows = [headers, ["自由記入", "事業者", "12.5", "a001"]]
    t = parse_table(grid(rows), c.PARTNERS_SHEET)
    assert t.problems == []
    v = t.rows[0].values
    assert v == {"stakeholder_type": "事業者", "co2_reduction_t": 12.5, "action_code": "A001"}
    assert t.rows[0].cells == {"stakeholder_type": "B2", "co2_reduction_t": "C2", "action_code": "D2"}


def test_headers_match_after_nfkc():
    headers = [" 事業コード ", "連携主体区分", "ＣＯ２削減量（ｔ－ＣＯ２）"]
    t = parse_table(grid([headers, ["A001", "市民", 3]]), c.PARTNERS_SHEET)
    assert t.problems == [] and t.rows[0].values["co2_reduction_t"] == 3


def test_duplicate_and_missing_columns():
    rows = [[c.COL_ACTION_CODE, c.COL_ACTION_CODE], ["A001", "A002"]]
    t = parse_table(grid(rows), c.PARTNERS_SHEET)
    cells = {(p.cell, c.COL_STAKEHOLDER_TYPE in p.message) for p in t.problems}
    assert ("B1", False) in cells              # duplicate column, at its header cell
    assert (None, True) in cells               # required column missing: whole-sheet error
    assert t.rows == []


def test_blank_rows_and_rows_blank_in_contract_columns_are_skipped():
    rows = [PARTNER_HEADERS + ["メモ"], ["A001", "市民"], ["", "  ", None], [None] * 6 + ["欄外メモ"],
            ["　", ""], ["A003", "国"]]
    t = parse_table(grid(rows), c.PARTNERS_SHEET)
    assert t.problems == []
    assert [r.row for r in t.rows] == [2, 6]


def test_required_cells_name_cell_and_allowed_values():
    rows = [PARTNER_HEADERS, ["A001", None, "市内工務店"], [None, "市民"]]
    t = parse_table(grid(rows), c.PARTNERS_SHEET)
    by_cell = {p.cell: p.message for p in t.problems}
    assert set(by_cell) == {"B2", "A3"}
    assert "ゼロカーボンシティ共創推進プラットフォーム" in by_cell["B2"]   # what is allowed
    assert c.COL_ACTION_CODE in by_cell["A3"]
    assert not any(r.ok for r in t.rows)


@pytest.mark.parametrize("header,value,expected", [
    (c.COL_PARTICIPANTS, "１２", 12),
    (c.COL_PARTICIPANTS, 12.0, 12),
    (c.COL_PARTICIPANTS, " 1,200 ", 1200),
    (c.COL_CO2_REDUCTION, "１，２３４.５", 1234.5),
    (c.COL_CO2_REDUCTION, 0, 0),
    (c.COL_STAKEHOLDER_TYPE, " 大学・研究機関 ", "大学・研究機関"),
    (c.COL_ACTION_CODE, " ａ００１ ", "A001"),
    (c.COL_ORGANISATION, "  さいたま市内の工務店　", "さいたま市内の工務店"),
])
def test_cell_kinds_parse(header, value, expected):
    row = {c.COL_ACTION_CODE: "A001", c.COL_STAKEHOLDER_TYPE: "市民", header: value}
    t = parse_table(grid([PARTNER_HEADERS, [row.get(h) for h in PARTNER_HEADERS]]), c.PARTNERS_SHEET)
    assert t.problems == []
    field = c.PARTNERS_SHEET.column(header).field
    assert t.rows[0].values[field] == expected


@pytest.mark.parametrize("header,value,fragment", [
    (c.COL_PARTICIPANTS, 12.5, "0以上の整数"),
    (c.COL_PARTICIPANTS, -3, "0以上の整数"),
    (c.COL_PARTICIPANTS, "多数", "0以上の整数"),
    (c.COL_CO2_REDUCTION, "△5", "0以上の数値"),
    (c.COL_CO2_REDUCTION, "約5t", "数値"),
    (c.COL_STAKEHOLDER_TYPE, "町内会", "市民 / 事業者"),
])
def test_bad_cells_are_errors_at_their_cell(header, value, fragment):
    row = {c.COL_ACTION_CODE: "A001", c.COL_STAKEHOLDER_TYPE: "市民", header: value}
    t = parse_table(grid([PARTNER_HEADERS, [row.get(h) for h in PARTNER_HEADERS]]), c.PARTNERS_SHEET)
    assert len(t.problems) == 1
    p = t.problems[0]
    col = PARTNER_HEADERS.index(header)
    assert p.cell == cell_ref(1, col) and p.sheet == c.SHEET_PARTNERS
    assert fragment in p.message and p.value is not None
    assert not t.rows[0].ok


def test_all_errors_of_a_sheet_at_once():
    rows = [PARTNER_HEADERS, ["A001", "町内会", None, -1, "x"], ["A002", None]]
    t = parse_table(grid(rows), c.PARTNERS_SHEET)
    assert sorted(p.cell for p in t.problems) == ["B2", "B3", "D2", "E2"]


@pytest.mark.parametrize("value", [None, "", "－", "-", "―", "未把握", " 未把握 "])
def test_measured_not_reported_words_are_blank_without_error(value):
    headers = list(c.INDICATORS_SHEET.headers)
    t = parse_table(grid([headers, ["I01", None, value]]), c.INDICATORS_SHEET)
    assert t.problems == [] and t.rows[0].values["value"] is None


def test_percent_format_recorded_per_field():
    headers = list(c.INDICATORS_SHEET.headers)
    t = parse_table(grid([headers, ["I02", None, 0.125]], percent={(1, 2)}), c.INDICATORS_SHEET)
    assert t.rows[0].percent == {"value"}


@pytest.mark.parametrize("value,ok", [("○", True), ("〇", True), (" ○ ", True), ("×", False)])
def test_priority_mark(value, ok):
    table = next(t for t in c.MASTER_SHEETS if t.name == c.MASTER_ACTIONS)
    headers = list(table.headers)
    row = ["A001", "M11", "事業", "D01", 2021, None, value]
    t = parse_table(grid([headers, row]), table)
    assert (t.problems == []) is ok
    if ok:
        assert t.rows[0].values["priority"] is True
    else:
        assert t.problems[0].cell == "G2" and "○" in t.problems[0].message
