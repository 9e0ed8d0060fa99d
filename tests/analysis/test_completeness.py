"""What is missing per department: actions not reported, indicators without a value,
departments not submitted; the 重点対策のみ scope; days left."""
from __future__ import annotations

from datetime import date

from pipeline.analysis import completeness
from pipeline.texts import round as txt
from tests import factories as f
from tests.round_fixtures import warehouse


def _gaps(db, fy=2024, priority=False):
    return {g.department_code: g for g in completeness.department_gaps(db, fy, priority)}


def test_nothing_submitted_lists_every_expected_department(tmp_path):
    db = warehouse(tmp_path)
    gaps = _gaps(db)
    assert set(gaps) == {"D01", "D02"}
    assert not gaps["D01"].submitted and not gaps["D01"].complete
    assert [a for a, _ in gaps["D01"].actions] == ["A001"]          # A002 ended in FY2023
    assert [i for i, _ in gaps["D01"].indicators] == ["I01"]
    assert gaps["D01"].email == "d01@example.invalid"
    assert gaps["D02"].email is None


def test_complete_workbook_is_complete(tmp_path):
    db = warehouse(tmp_path, f.d01(2024, indicators=[f.indicator_row("I01", 500)]))
    g = _gaps(db)["D01"]
    assert g.submitted and g.complete and not g.actions and not g.indicators


def test_missing_action_and_unreported_indicator(tmp_path):
    db = warehouse(tmp_path, f.d01(2023, actions=[f.action_row("A001")],
                                   indicators=[f.indicator_row("I01", None)]))
    g = _gaps(db, 2023)["D01"]
    assert g.submitted and not g.complete
    assert g.actions == (("A002", "公共施設への太陽光導入"),)
    assert g.indicators == (("I01", "太陽光発電導入容量"),)


def test_value_for_an_earlier_year_counts_as_reported(tmp_path):
    db = warehouse(tmp_path, f.d01(2024, indicators=[f.indicator_row("I01", 480, 2022)]))
    assert _gaps(db)["D01"].indicators == ()


def test_priority_scope_counts_only_priority_actions(tmp_path):
    # A001 is the only priority action (M11); I01 belongs to M11, I02 (D02) to M21
    db = warehouse(tmp_path)
    gaps = _gaps(db, priority=True)
    assert set(gaps) == {"D01"}
    assert [a for a, _ in gaps["D01"].actions] == ["A001"]
    assert [i for i, _ in gaps["D01"].indicators] == ["I01"]


def test_facilities_are_skipped_without_the_inventory(tmp_path):
    db = warehouse(tmp_path)
    assert completeness.missing_facilities(db, 2024).empty
    assert all(g.facilities == () for g in completeness.department_gaps(db, 2024))


def fake_inventory(db, reported=("F1",)):
    """Stand-ins for section 8's facility views (the real ones are tested with the inventory)."""
    from pipeline.warehouse.schema import connect
    with connect(db, write=True) as con:
        con.execute("CREATE OR REPLACE VIEW v_facilities AS SELECT * FROM (VALUES "
                    "('F1', '本庁舎', 'D01', 2013, NULL), ('F2', '旧庁舎', 'D01', 2013, 2020), "
                    "('F3', '市民会館', 'D01', 2013, NULL)) t(facility_code, facility_name, "
                    "department_code, start_year, end_year)")
        rows = ", ".join(f"(2024, '{code}', 'D01', 10.0)" for code in reported)
        con.execute("CREATE OR REPLACE VIEW v_facility_emissions AS SELECT * FROM (VALUES "
                    f"{rows}) t(fiscal_year, facility_code, department_code, amount)")


def test_facilities_without_energy_data_once_the_inventory_exists(tmp_path):
    db = warehouse(tmp_path, f.d01(2024, indicators=[f.indicator_row("I01", 500)]))
    fake_inventory(db)
    g = _gaps(db)["D01"]
    assert g.facilities == (("F3", "市民会館"),)
    assert not g.complete
    assert _gaps(db, priority=True)["D01"].facilities == ()


def test_days_left_and_state_labels():
    assert completeness.days_left(date(2025, 5, 30), date(2025, 5, 20)) == 10
    assert completeness.days_left(date(2025, 5, 30), date(2025, 6, 2)) == -3
    assert completeness.days_left(None, date(2025, 6, 2)) is None
    assert txt.state_label(False, False, 10) == "未提出（期限まで残り10日）"
    assert txt.state_label(False, False, 0) == "未提出（本日が期限）"
    assert txt.state_label(False, False, -3) == "未提出（期限から3日超過）"
    assert txt.state_label(True, False, -3) == txt.SUBMITTED_INCOMPLETE
    assert txt.state_label(True, True, None) == txt.SUBMITTED_COMPLETE


def test_gaps_table_for_the_page(tmp_path):
    db = warehouse(tmp_path, f.d01(2024))
    table = completeness.gaps_table(completeness.department_gaps(db, 2024), date(2025, 5, 30),
                                    date(2025, 5, 28))
    rows = {r.department_code: r for r in table.itertuples()}
    assert rows["D01"].state == txt.SUBMITTED_INCOMPLETE
    assert rows["D01"].missing_indicators == "I01 太陽光発電導入容量"
    assert rows["D02"].state == "未提出（期限まで残り2日）"
    assert rows["D02"].email == txt.NO_EMAIL


def test_real_inventory_facilities_in_use_without_energy_data(tmp_path):
    """With section 8's master and views: F001 reported, F004 opens only in FY2025, F003 closed;
    D02's F002 is in use and its workbook has no energy rows."""
    from tests import operations_factories as of
    db = tmp_path / "w.duckdb"
    of.load_ops(db)
    assert all(r.accepted for r in f.ingest_all(
        db, of.d01_energy(2024, [of.energy_row("F001", "電気", "kWh", annual=10000)]),
        f.d02(2024)))
    gaps = _gaps(db)
    assert gaps["D01"].facilities == ()
    assert gaps["D02"].facilities == (("F002", "第一小学校"),)
