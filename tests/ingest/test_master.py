"""Plan master (contract §1): sheets, columns, allowed values, references, versions."""
from __future__ import annotations

import pytest

from pipeline.ingest import contract as c
from pipeline import load
from pipeline.ingest.master import validate_master
from pipeline.warehouse.schema import connect
from tests import factories as f


def with_changed(sheet_rows: list[dict], index: int, **changes) -> list[dict]:
    rows = [dict(r) for r in sheet_rows]
    rows[index].update({getattr(c, k): v for k, v in changes.items()})
    return rows


def errors_of(data: bytes) -> list[tuple[str | None, str | None, str]]:
    result = validate_master(data, "m.xlsx")
    assert not result.accepted and result.plan is None
    return [(p.sheet, p.cell, p.message) for p in result.errors]


def test_valid_master_is_read_whole():
    result = validate_master(f.small_master(), "m.xlsx")
    assert result.accepted and result.errors == []
    plan = result.plan
    assert set(plan.departments) == {"D01", "D02"}
    assert plan.departments["D01"].bureau == "環境局"
    assert plan.policies == {"P1": "再生可能エネルギーの最大限導入", "P2": "脱炭素型まちづくり"}
    assert plan.measures["M21"] == ("P2", "公共交通の利用促進")
    a1, a2 = plan.actions["A001"], plan.actions["A002"]
    assert a1.priority is True and a2.priority is False           # ○ vs blank
    assert a1.end_year is None and a1.active_in(2050)             # blank 終了年度 = to the end
    assert a2.active_in(2023) and not a2.active_in(2024) and not a2.active_in(2020)
    i2 = plan.indicators["I02"]
    assert (i2.direction, i2.base_year, i2.base_value, i2.target_year, i2.target_value) == \
        ("減少", 2013, 40, 2030, 23)
    assert (2013, "森林吸収", "基準", -10) in [e[:4] for e in plan.emissions]
    assert result.rows == {c.MASTER_DEPARTMENTS: 2, c.MASTER_POLICIES: 2, c.MASTER_MEASURES: 2,
                           c.MASTER_ACTIONS: 3, c.MASTER_INDICATORS: 2, c.MASTER_EMISSIONS: 7}


def test_extra_columns_are_ignored():
    import io

    import openpyxl
    wb = openpyxl.load_workbook(io.BytesIO(f.small_master()))
    ws = wb[c.MASTER_ACTIONS]
    ws.insert_cols(1)
    ws["A1"] = "備考"
    ws["A2"] = "メモ"
    result = validate_master(f.to_bytes(wb), "m.xlsx")
    assert result.accepted, result.errors
    assert result.plan.actions["A001"].priority is True
    assert result.plan.cells[(c.MASTER_ACTIONS, "A001")] == "B2"


def test_optional_columns_may_be_absent():
    rows = [{k: v for k, v in r.items() if k not in (c.COL_END_YEAR, c.COL_PRIORITY)} for r in f.ACTIONS]
    import io

    import openpyxl
    wb = openpyxl.load_workbook(io.BytesIO(f.small_master(**{c.MASTER_ACTIONS: rows})))
    ws = wb[c.MASTER_ACTIONS]
    ws.delete_cols(6, 2)                        # drop the 終了年度 and 重点対策 columns
    result = validate_master(f.to_bytes(wb), "m.xlsx")
    assert result.accepted, result.errors
    assert result.plan.actions["A002"].end_year is None
    assert result.plan.actions["A002"].priority is False


def test_missing_sheet_gives_one_error_not_a_cascade():
    errs = errors_of(f.small_master(**{c.MASTER_POLICIES: None}))
    assert [(s, cl) for s, cl, _ in errs] == [(c.MASTER_POLICIES, None)]


def test_reversed_column_order():
    import io

    import openpyxl
    src = openpyxl.load_workbook(io.BytesIO(f.small_master()))
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for ws in src.worksheets:
        out = wb.create_sheet(ws.title)
        for row in ws.iter_rows(values_only=True):
            out.append(list(reversed(row)))
    result = validate_master(f.to_bytes(wb), "m.xlsx")
    assert result.accepted, result.errors
    assert result.plan.indicators["I01"].target_value == 1800


@pytest.mark.parametrize("sheet", [t.name for t in c.MASTER_SHEETS])
def test_missing_sheet_names_the_sheet(sheet):
    errs = errors_of(f.small_master(**{sheet: None}))
    assert (sheet, None) in [(s, cell) for s, cell, _ in errs]


@pytest.mark.parametrize("sheet,rows,cell,fragment", [
    # 施策 → 基本方針
    (c.MASTER_MEASURES, with_changed(f.MEASURES, 1, COL_POLICY_CODE="P9"), "B3", "P9"),
    # 事業 → 施策 and 所管課
    (c.MASTER_ACTIONS, with_changed(f.ACTIONS, 0, COL_MEASURE_CODE="M99"), "B2", "M99"),
    (c.MASTER_ACTIONS, with_changed(f.ACTIONS, 2, COL_DEPARTMENT_CODE="D77"), "D4", "D77"),
    # 指標 → 施策 and 所管課
    (c.MASTER_INDICATORS, with_changed(f.INDICATORS, 1, COL_MEASURE_CODE="M98"), "B3", "M98"),
    (c.MASTER_INDICATORS, with_changed(f.INDICATORS, 0, COL_DEPARTMENT_CODE="D66"), "J2", "D66"),
])
def test_broken_reference_rejects_with_sheet_and_cell(tmp_path, sheet, rows, cell, fragment):
    data = f.small_master(**{sheet: rows})
    errs = errors_of(data)
    assert [(s, cl) for s, cl, m in errs if fragment in m] == [(sheet, cell)]
    # ... and the whole master is rejected: nothing is loaded.
    db = tmp_path / "w.duckdb"
    result, master_id, _ = load.load_master_bytes(data, "m.xlsx", db)
    assert not result.accepted and master_id is None
    with connect(db) as con:
        assert con.execute("SELECT count(*) FROM master_versions").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM m_actions").fetchone()[0] == 0


@pytest.mark.parametrize("sheet,rows,cell", [
    (c.MASTER_INDICATORS, with_changed(f.INDICATORS, 0, COL_DIRECTION="上昇"), "E2"),
    (c.MASTER_ACTIONS, with_changed(f.ACTIONS, 1, COL_PRIORITY="重点"), "G3"),
    (c.MASTER_ACTIONS, with_changed(f.ACTIONS, 1, COL_START_YEAR="いつか"), "E3"),
    (c.MASTER_ACTIONS, with_changed(f.ACTIONS, 1, COL_START_YEAR=None), "E3"),
    (c.MASTER_ACTIONS, with_changed(f.ACTIONS, 1, COL_END_YEAR=2019), "F3"),   # before 開始年度
    (c.MASTER_EMISSIONS, with_changed(f.EMISSIONS, 0, COL_SECTOR="工業"), "B2"),
    (c.MASTER_EMISSIONS, with_changed(f.EMISSIONS, 0, COL_KIND="見込"), "C2"),
    (c.MASTER_EMISSIONS, with_changed(f.EMISSIONS, 2, COL_EMISSIONS=10), "D4"),  # 森林吸収 > 0
    (c.MASTER_INDICATORS, with_changed(f.INDICATORS, 0, COL_BASE_VALUE="たくさん"), "G2"),
    (c.MASTER_DEPARTMENTS, with_changed(f.DEPARTMENTS, 1, COL_DEPARTMENT_CODE="D01"), "A3"),
    (c.MASTER_ACTIONS, with_changed(f.ACTIONS, 2, COL_ACTION_CODE="A001"), "A4"),
])
def test_bad_values_name_sheet_and_cell(sheet, rows, cell):
    errs = errors_of(f.small_master(**{sheet: rows}))
    assert (sheet, cell) in [(s, cl) for s, cl, _ in errs]


def test_allowed_values_in_the_message():
    errs = errors_of(f.small_master(**{c.MASTER_INDICATORS:
                                       with_changed(f.INDICATORS, 0, COL_DIRECTION="上昇")}))
    assert any("増加" in m and "減少" in m for _, _, m in errs)
    errs = errors_of(f.small_master(**{c.MASTER_EMISSIONS:
                                       with_changed(f.EMISSIONS, 0, COL_SECTOR="工業")}))
    assert any(all(s in m for s in c.SECTORS) for _, _, m in errs)


def test_base_inventory_must_be_exactly_one_fy():
    two = f.EMISSIONS + [{c.COL_FISCAL_YEAR: 2014, c.COL_SECTOR: "運輸", c.COL_KIND: "基準",
                          c.COL_EMISSIONS: 500}]
    errs = errors_of(f.small_master(**{c.MASTER_EMISSIONS: two}))
    assert [(s, cl) for s, cl, m in errs] == [(c.MASTER_EMISSIONS, None)]
    none = [r for r in f.EMISSIONS if r[c.COL_KIND] != "基準"]
    assert [(s, cl) for s, cl, m in errors_of(f.small_master(**{c.MASTER_EMISSIONS: none}))] == \
        [(c.MASTER_EMISSIONS, None)]


def test_all_errors_at_once():
    data = f.small_master(**{
        c.MASTER_MEASURES: with_changed(f.MEASURES, 1, COL_POLICY_CODE="P9"),
        c.MASTER_ACTIONS: with_changed(f.ACTIONS, 0, COL_MEASURE_CODE="M99"),
        c.MASTER_INDICATORS: with_changed(f.INDICATORS, 0, COL_DIRECTION="上昇"),
    })
    cells = {(s, cl) for s, cl, _ in errors_of(data)}
    assert {(c.MASTER_MEASURES, "B3"), (c.MASTER_ACTIONS, "B2"), (c.MASTER_INDICATORS, "E2")} <= cells


def test_spellings_in_master():
    actions = with_changed(f.ACTIONS, 0, COL_START_YEAR="令和3年度", COL_PRIORITY=" ○ ",
                           COL_ACTION_CODE=" ａ００１ ")
    indicators = with_changed(f.INDICATORS, 0, COL_BASE_YEAR="H25", COL_BASE_VALUE="１，０００",
                              COL_TARGET_YEAR="令和12(2030)年度")
    emissions = with_changed(f.EMISSIONS, 2, COL_EMISSIONS="△10")
    result = validate_master(f.small_master(**{c.MASTER_ACTIONS: actions,
                                               c.MASTER_INDICATORS: indicators,
                                               c.MASTER_EMISSIONS: emissions}), "m.xlsx")
    assert result.accepted, result.errors
    assert result.plan.actions["A001"].start_year == 2021
    i1 = result.plan.indicators["I01"]
    assert (i1.base_year, i1.base_value, i1.target_year) == (2013, 1000, 2030)
    assert (2013, "森林吸収", "基準", -10) in [e[:4] for e in result.plan.emissions]


def test_new_master_replaces_current_keeps_history_and_submissions(tmp_path):
    db = tmp_path / "w.duckdb"
    f.load_master(db)
    assert f.ingest_all(db, f.d01(2023))[0].accepted
    renamed = with_changed(f.ACTIONS, 0, COL_ACTION_NAME="住宅用太陽光発電設備補助（改定）")
    f.load_master(db, f.small_master(**{c.MASTER_ACTIONS: renamed}))
    with connect(db) as con:
        versions = con.execute(
            "SELECT master_id, is_current FROM master_versions ORDER BY master_id").fetchall()
        assert versions == [(1, False), (2, True)]
        assert con.execute("SELECT action_name FROM v_actions WHERE action_code = 'A001'"
                           ).fetchone()[0] == "住宅用太陽光発電設備補助（改定）"
        # the old plan is still stored
        assert con.execute("SELECT action_name FROM m_actions WHERE master_id = 1 AND "
                           "action_code = 'A001'").fetchone()[0] == "住宅用太陽光発電設備補助"
        assert con.execute("SELECT count(*) FROM v_submissions WHERE status = 'active'"
                           ).fetchone()[0] == 1
        assert con.execute("SELECT action_name FROM v_pdca_status WHERE action_code = 'A001' "
                           "AND fiscal_year = 2023").fetchone()[0] == "住宅用太陽光発電設備補助（改定）"


def test_reloading_the_current_master_is_a_noop(tmp_path):
    db = tmp_path / "w.duckdb"
    data = f.small_master()
    _, first, noop1 = load.load_master_bytes(data, "m.xlsx", db)
    _, second, noop2 = load.load_master_bytes(data, "m.xlsx", db)
    assert (noop1, noop2) == (False, True) and first == second
    with connect(db) as con:
        assert con.execute("SELECT count(*) FROM master_versions").fetchone()[0] == 1
