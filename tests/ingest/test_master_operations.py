"""Plan master, contract §8.1: 組織 / 施設 / 事務事業目標, 所管課.組織コード, 指標.自動算定."""
from __future__ import annotations

import pytest

from pipeline.ingest import contract as c
from pipeline.ingest.master import validate_master
from pipeline.warehouse import store
from pipeline.warehouse.schema import connect
from tests import factories as f
from tests import operations_factories as of


def errors_of(data: bytes) -> list[tuple[str | None, str | None]]:
    result = validate_master(data, "m.xlsx")
    assert not result.accepted
    return [(p.sheet, p.cell) for p in result.errors]


def test_master_with_operations_sheets():
    result = validate_master(of.ops_master(), "m.xlsx")
    assert result.accepted, result.problems
    plan = result.plan
    assert plan.has_operations
    assert plan.department_organisation == {"D01": "O1", "D02": "O2"}
    assert plan.facilities["F003"].in_use(2022) and not plan.facilities["F003"].in_use(2023)
    assert not plan.facilities["F004"].in_use(2024) and plan.facilities["F001"].in_use(1900)
    whole = plan.operations_targets[None]
    assert whole.target_t_co2 == 50 and plan.operations_targets["O1"].target_t_co2 == pytest.approx(36)
    assert plan.auto_indicators == {"I03": None}
    assert result.rows[c.MASTER_FACILITIES] == 4


def test_a_v1_master_has_none_and_stays_valid():
    result = validate_master(f.small_master(), "m.xlsx")
    assert result.accepted and not result.plan.has_operations and not result.plan.facilities


def test_auto_for_an_organisation():
    auto = {**of.AUTO_INDICATOR, c.COL_AUTO: "事務事業編：Ｏ１"}       # full-width colon and code
    result = validate_master(of.ops_master(indicators=f.INDICATORS + [auto]), "m.xlsx")
    assert result.accepted, result.problems
    assert result.plan.auto_indicators == {"I03": "O1"}


@pytest.mark.parametrize("kwargs, where", [
    # 施設 → 所管課
    (dict(facilities=of.FACILITIES + [{**of.FACILITIES[0], c.COL_FACILITY_CODE: "F009",
                                       c.COL_DEPARTMENT_CODE: "D99"}]), (c.MASTER_FACILITIES, "C6")),
    # 所管課 → 組織
    (dict(departments=[of.DEPARTMENTS[0], {**of.DEPARTMENTS[1], c.COL_ORGANISATION_CODE: "O9"}]),
     (c.MASTER_DEPARTMENTS, "E3")),
    # 所管課.組織コード blank once 組織 exists
    (dict(departments=[of.DEPARTMENTS[0], {**of.DEPARTMENTS[1], c.COL_ORGANISATION_CODE: None}]),
     (c.MASTER_DEPARTMENTS, "E3")),
    # 事務事業目標 → 組織
    (dict(targets=of.TARGETS + [{**of.TARGETS[1], c.COL_ORGANISATION_CODE: "O9"}]),
     (c.MASTER_OPERATIONS_TARGETS, "A4")),
    # 自動算定 → 組織
    (dict(indicators=f.INDICATORS + [{**of.AUTO_INDICATOR, c.COL_AUTO: "事務事業編:O9"}]),
     (c.MASTER_INDICATORS, "K4")),
    # 自動算定 that is neither 事務事業編 nor 事務事業編:<組織コード>
    (dict(indicators=f.INDICATORS + [{**of.AUTO_INDICATOR, c.COL_AUTO: "自動"}]), (c.MASTER_INDICATORS, "K4")),
    # the whole-government target row is required
    (dict(targets=of.TARGETS[1:]), (c.MASTER_OPERATIONS_TARGETS, None)),
    # one target per organisation
    (dict(targets=of.TARGETS + [of.TARGETS[0]]), (c.MASTER_OPERATIONS_TARGETS, "A4")),
    # target year not after the base year, reduction outside (0, 100]
    (dict(targets=[{**of.TARGETS[0], c.COL_TARGET_YEAR: 2013}]), (c.MASTER_OPERATIONS_TARGETS, "D2")),
    (dict(targets=[{**of.TARGETS[0], c.COL_REDUCTION_PCT: 120}]), (c.MASTER_OPERATIONS_TARGETS, "E2")),
    # 終了年度 before 開始年度, a negative floor area, a duplicated facility
    (dict(facilities=[{**of.FACILITIES[2], c.COL_END_YEAR: 1980}]), (c.MASTER_FACILITIES, "G2")),
    (dict(facilities=[{**of.FACILITIES[0], c.COL_FLOOR_AREA: -5}]), (c.MASTER_FACILITIES, "E2")),
    (dict(facilities=of.FACILITIES + [of.FACILITIES[0]]), (c.MASTER_FACILITIES, "A6")),
])
def test_broken_references_and_bad_values(kwargs, where):
    assert where in errors_of(of.ops_master(**kwargs))


@pytest.mark.parametrize("sheet", [c.MASTER_ORGANISATIONS, c.MASTER_FACILITIES, c.MASTER_OPERATIONS_TARGETS])
def test_all_four_or_none(sheet):
    assert (sheet, None) in errors_of(of.ops_master(drop=(sheet,)))


def test_organisation_codes_without_the_sheets_and_auto_without_them():
    data = of.ops_master(drop=tuple(t.name for t in c.MASTER_OPERATIONS_SHEETS))
    errors = errors_of(data)           # 組織コード given in 所管課: the three sheets are missing
    assert {s for s, _ in errors} >= {c.MASTER_ORGANISATIONS, c.MASTER_FACILITIES, c.MASTER_OPERATIONS_TARGETS}
    plain = f.small_master(**{c.MASTER_INDICATORS: f.INDICATORS + [of.AUTO_INDICATOR]})
    assert errors_of(plain) == [(c.MASTER_INDICATORS, "K4")]


def test_stored_and_read_back(tmp_path):
    db = tmp_path / "w.duckdb"
    f.load_master(db, of.ops_master())
    with connect(db) as con:
        plan = store.current_master(con)
        assert plan.facilities == validate_master(of.ops_master(), "m.xlsx").plan.facilities
        assert plan.operations_targets[None].base_t_co2 == 100
        assert plan.auto_indicators == {"I03": None}
        assert con.execute("SELECT organisation_code FROM v_facilities WHERE facility_code = 'F002'"
                           ).fetchone() == ("O2",)
        assert con.execute("SELECT target_t_co2 FROM v_operations_targets WHERE organisation_code IS NULL"
                           ).fetchone() == (50,)
    # a later v1 master drops the operations parts from the current plan
    f.load_master(db, f.small_master())
    with connect(db) as con:
        assert not store.current_master(con).has_operations
        assert con.execute("SELECT count(*) FROM v_facilities").fetchone() == (0,)
