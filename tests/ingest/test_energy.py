"""The submission sheet エネルギー使用量 (contract §8.3): layouts, errors at their cells, warnings."""
from __future__ import annotations

import pytest

from pipeline.ingest import contract as c
from pipeline.warehouse.schema import connect
from tests import factories as f
from tests import operations_factories as of

MONTHS = [100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210]     # sum 1,860


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "w.duckdb"
    of.load_ops(path)
    return path


def ingest(db, *workbooks):
    return f.ingest_all(db, *workbooks)


def located(problems):
    return [(p.sheet, p.cell) for p in problems]


def stored(db):
    with connect(db) as con:
        return con.execute("SELECT facility_code, activity, supplier, unit, amount, amount_cells, "
                           "source_cell FROM energy_rows ORDER BY submission_id, row_no").fetchall()


def test_monthly_and_annual_layouts(db):
    monthly = of.d01_energy(2024, [of.energy_row("F001", "電気", "kWh", months=MONTHS, annual=1860,
                                                 COL_SUPPLIER="A電力")])
    report, = ingest(db, monthly)
    assert report.accepted and report.warnings == [], located(report.errors + report.warnings)
    assert report.rows[c.SHEET_ENERGY] == 1
    row = stored(db)[0]
    assert row[:5] == ("F001", "電気", "A電力", "kWh", 1860)
    assert row[5] == "G2:R2" and row[6] == "A2"
    # the annual layout: no month columns at all
    headers = [h for h in c.ENERGY_SHEET.headers if h not in c.MONTH_HEADERS]
    annual = of.with_energy(f.d01(2023), [of.energy_row("F001", "電気", "千kWh", annual=1.5)],
                            headers=headers)
    report, = ingest(db, annual)
    assert report.accepted, located(report.errors)
    assert stored(db)[1][3:6] == ("千kWh", 1.5, "G2")


def test_units_are_compared_after_nfkc(db):
    rows = [of.energy_row("F001", "電気", "ｋＷｈ", annual=10),
            of.energy_row("F001", "電気", " 千ｋＷｈ ", annual=1),
            of.energy_row("F001", "都市ガス", "ｍ３", annual=5),
            of.energy_row("F001", "都市ガス", "千m³", annual=1),
            of.energy_row("F001", "ＬＰＧ", "m3", annual=2)]
    report, = ingest(db, of.d01_energy(2024, rows))
    assert report.accepted, located(report.errors)
    with connect(db) as con:
        amounts = con.execute("SELECT activity, sum(amount) FROM v_facility_emissions GROUP BY ALL "
                              "ORDER BY 1").fetchall()
    assert amounts == [("LPG", 4.0), ("都市ガス", 1005.0), ("電気", 1010.0)]


def test_every_bad_input_at_its_cell_all_at_once_nothing_stored(db):
    rows = [
        of.energy_row("F999", "電気", "kWh", annual=1),                            # A2 unknown facility
        of.energy_row("F002", "電気", "kWh", annual=1),                            # A3 another department's
        of.energy_row("F003", "電気", "kWh", annual=1),                            # A4 closed (to FY2022)
        of.energy_row("F004", "電気", "kWh", annual=1),                            # A5 not yet open (FY2025)
        of.energy_row("F001", "重油", "L", annual=1),                               # C6 unknown activity
        of.energy_row("F001", "灯油", "kWh", annual=1),                             # F7 unit not allowed
        of.energy_row("F001", "電気", "kWh", months=[-5] + MONTHS[1:]),           # G8 negative month
        of.energy_row("F001", "電気", "kWh", annual="△3"),                         # S9 negative annual
        of.energy_row("F001", "電気", "kWh", months=MONTHS, annual=1900),         # S10 ≠ sum (2.2 %)
        of.energy_row("F001", "電気", "kWh", months=MONTHS, annual="abc"),        # S11 not a number
        of.energy_row(None, "電気", "kWh", annual=1, COL_FACILITY_NAME="本庁舎"),   # A12 required
        of.energy_row("F001", None, "kWh", annual=1),                               # C13 required
        of.energy_row("F001", "電気", None, annual=1),                              # F14 required
    ]
    report, = ingest(db, of.d01_energy(2024, rows))
    assert not report.accepted
    assert set(located(report.errors)) == {(c.SHEET_ENERGY, cell) for cell in (
        "A2", "A3", "A4", "A5", "C6", "F7", "G8", "S9", "S10", "S11", "A12", "C13", "F14")}
    assert stored(db) == []
    messages = {p.cell: p.message for p in report.errors}
    assert "教育委員会" not in messages["A3"] and "交通政策課" in messages["A3"]
    assert "2022年度" in messages["A4"] and "kWh" not in messages["F7"].split("使えません")[0].replace("「kWh」", "")
    assert "L / kL" in messages["F7"]


def test_annual_within_half_a_percent_is_accepted(db):
    report, = ingest(db, of.d01_energy(2024, [of.energy_row(
        "F001", "電気", "kWh", months=MONTHS, annual=1869)]))      # +0.48 %
    assert report.accepted, located(report.errors)
    assert stored(db)[0][4] == 1860                                # the months are the amount


def test_warnings(db):
    previous = of.d01_energy(2023, [of.energy_row("F001", "電気", "kWh", annual=30000),
                                    of.energy_row("F001", "灯油", "L", annual=500)])
    rows = [
        of.energy_row("F001", "電気", "千kWh", annual=32000, COL_SUPPLIER="C電力",  # F2 ≥10×; D2 unknown
                      COL_FACILITY_NAME="市役所本庁舎"),                                 # B2 name differs
        of.energy_row("F001", "灯油", "L", months={4: 40, 5: 45}, COL_SUPPLIER="A電力"),  # I3 months; D3
        of.energy_row("F001", "都市ガス", "m3"),                                          # S4 no amount
        of.energy_row("F001", "電気", "kWh", annual=10, COL_SUPPLIER="A電力", COL_MENU="プランX"),  # E5
    ]
    workbook = of.d01_energy(2024, rows, indicators=[f.indicator_row("I03", 13.5)])
    reports = ingest(db, previous, workbook)
    report = reports[1]
    assert report.accepted, located(report.errors)
    got = located(report.warnings)
    for where in [(c.SHEET_ENERGY, "F2"), (c.SHEET_ENERGY, "D2"), (c.SHEET_ENERGY, "B2"),
                  (c.SHEET_ENERGY, "I3"), (c.SHEET_ENERGY, "D3"), (c.SHEET_ENERGY, "S4"),
                  (c.SHEET_ENERGY, "E5"), (c.SHEET_INDICATORS, "C2")]:
        assert where in got, (where, got)
    messages = {p.cell: p.message for p in report.warnings if p.sheet == c.SHEET_ENERGY}
    assert "代替値" in messages["D2"] and "千kWh" in messages["F2"]
    assert "6月" in messages["I3"]
    # the unreported row is not stored; 灯油 keeps its two months, without a supplier
    rows_stored = stored(db)[2:]
    assert [r[1] for r in rows_stored] == ["電気", "灯油", "電気"]
    assert rows_stored[1][2] is None and rows_stored[1][4] == 85


def test_one_tenth_is_a_jump_too_and_batches_compare_with_earlier_workbooks(db):
    previous = of.d01_energy(2023, [of.energy_row("F001", "電気", "千kWh", annual=30)])
    current = of.d01_energy(2024, [of.energy_row("F001", "電気", "千kWh", annual=2.9)])   # kWh typed as 千kWh?
    fine = of.d01_energy(2025, [of.energy_row("F001", "電気", "kWh", annual=2900),
                                of.energy_row("F004", "電気", "kWh", annual=5)])
    _, report, report_fine = ingest(db, previous, current, fine)
    assert (c.SHEET_ENERGY, "F2") in located(report.warnings)
    assert report_fine.warnings == []


def test_facilities_in_use_that_are_not_listed(db):
    report, = ingest(db, f.d01(2024))             # no エネルギー使用量 sheet at all
    assert report.accepted
    assert [(p.sheet, p.cell) for p in report.warnings] == [(c.SHEET_ENERGY, None)]
    assert "F001" in report.warnings[0].message
    report, = ingest(db, f.d02(2024, actions=[f.action_row("A003")]))
    assert "F002" in report.warnings[0].message


def test_without_factor_workbook_or_facilities(tmp_path):
    db = tmp_path / "w.duckdb"
    f.load_master(db, of.ops_master())
    report, = ingest(db, of.d01_energy(2024, [of.energy_row(annual=1)]))
    assert not report.accepted and located(report.errors) == [(c.SHEET_ENERGY, None)]
    assert "排出係数表" in report.errors[0].message
    db2 = tmp_path / "v1.duckdb"
    f.load_master(db2)
    report, = ingest(db2, of.d01_energy(2024, [of.energy_row(annual=1)]))
    assert not report.accepted and located(report.errors) == [(c.SHEET_ENERGY, None)]
    # a v1 master: a workbook without the sheet is unchanged
    report, = ingest(db2, f.d01(2024))
    assert report.accepted and report.warnings == []


def test_title_rows_and_shuffled_columns(db):
    headers = list(reversed(c.ENERGY_SHEET.headers))
    data = of.with_energy(f.d01(2024), [of.energy_row("F001", "電気", "kWh", months=MONTHS)],
                          headers=headers, title_rows=2)
    report, = ingest(db, data)
    assert report.accepted, located(report.errors)
    assert stored(db)[0][6] == "T4"


def test_section_3_minus_signs_are_negative_amounts_hence_errors(db):
    """△12 and ▲12 read as −12 (section 3); an amount may not be negative (§8.3)."""
    months = ["1,234", "△12", "１，２３４"] + MONTHS[3:]
    rows = [of.energy_row("F001", "電気", "kWh", months=months),                 # H2 △ in 5月
            of.energy_row("F001", "灯油", "L", annual="▲12"),                    # S3
            of.energy_row("F001", "都市ガス", "m3", annual="－５")]                # S4 full-width minus
    report, = ingest(db, of.d01_energy(2024, rows))
    assert not report.accepted
    assert sorted(located(report.errors)) == [(c.SHEET_ENERGY, "H2"), (c.SHEET_ENERGY, "S3"),
                                              (c.SHEET_ENERGY, "S4")]
    assert {p.value for p in report.errors} == {"△12", "▲12", "－５"}
    assert all("負の値" in p.message for p in report.errors)
    assert stored(db) == []
