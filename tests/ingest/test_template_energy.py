"""The pre-filled form's エネルギー使用量 sheet and its guide (contract §8.3, issue 11)."""
from __future__ import annotations

import io
import re

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from pipeline.access import uploads
from pipeline.access.auth import User
from pipeline.ingest import contract as c
from pipeline.ingest.template import FIRST_DATA_ROW, GUIDE_SHEET, HEADER_ROW, template_bytes
from tests import factories as f
from tests import operations_factories as of
from tests.cli.test_main import run

HQ = User("hq", "hq")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("tpl") / "w.duckdb"
    of.load_ops(path)
    reports = f.ingest_all(path, of.d01_energy(2023, [
        of.energy_row("F001", "電気", "kWh", annual=10000, COL_SUPPLIER="A電力", COL_MENU="グリーン100"),
        of.energy_row("F001", "電気", "kWh", annual=5000, COL_SUPPLIER="B電力"),
        of.energy_row("F001", "都市ガス", "千m3", annual=2)]))
    assert reports[0].accepted
    return path


def energy_sheet(data: bytes):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return wb, wb[c.SHEET_ENERGY]


def test_prefilled_with_facilities_in_use_and_their_last_report(db):
    wb, ws = energy_sheet(uploads.template_for(db, HQ, "D01", 2025))
    headers = [ws.cell(HEADER_ROW, i).value for i in range(1, ws.max_column + 1)]
    assert headers[:len(c.ENERGY_SHEET.headers)] == list(c.ENERGY_SHEET.headers)
    assert headers[6:18] == ["4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月", "1月", "2月", "3月"]
    rows = [[ws.cell(r, i).value for i in range(1, 7)] for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 5)]
    # F001 (three meters of FY2023), F004 (opens FY2025, no report yet); F003 closed in FY2022
    assert rows[:4] == [["F001", "本庁舎", "電気", "A電力", "グリーン100", "kWh"],
                        ["F001", "本庁舎", "電気", "B電力", None, "kWh"],
                        ["F001", "本庁舎", "都市ガス", None, None, "千m3"],
                        ["F004", "新センター", None, None, None, None]]
    assert rows[4] == [None] * 6
    # drop-downs: 活動区分 and 単位 strict, 電気事業者 open (an unlisted supplier is a warning)
    by_col = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            by_col[re.match(r"[A-Z]+", rng).group(0)] = dv
    letter = {h: get_column_letter(i) for i, h in enumerate(headers, 1)}
    assert by_col[letter[c.COL_ACTIVITY]].errorStyle == "stop"
    assert by_col[letter[c.COL_UNIT]].errorStyle == "stop"
    assert by_col[letter[c.COL_SUPPLIER]].errorStyle == "warning"
    units_formula = by_col[letter[c.COL_UNIT]].formula1
    assert "千kWh" in units_formula or "!" in units_formula
    # the 自動算定 indicator is not pre-filled
    assert "I03" not in [r[0] for r in wb[c.SHEET_INDICATORS].iter_rows(values_only=True)]
    guide = "\n".join(str(v) for row in wb[GUIDE_SHEET].iter_rows(values_only=True) for v in row if v)
    for phrase in ("千kWh", "代替値", "電気事業者の選び方", "A電力", "ほかに使える単位"):
        assert phrase in guide


def test_filled_form_is_accepted(db, tmp_path):
    data = uploads.template_for(db, HQ, "D01", 2024)
    wb, ws = energy_sheet(data)
    ws.delete_rows(FIRST_DATA_ROW + 3)           # F004 is not in use in FY2024: leave it out
    for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 3):
        for col in range(7, 19):
            ws.cell(r, col, 100)
    info = wb[c.SHEET_INFO]
    for row in info.iter_rows():
        if row[0].value == c.INFO_FISCAL_YEAR:
            row[1].value = 2024
    acts = wb[c.SHEET_ACTIONS]
    for r in range(FIRST_DATA_ROW, acts.max_row + 1):
        if acts.cell(r, 1).value:
            for header, value in ((c.COL_IMPLEMENTATION, "実施"), (c.COL_RESULT, "実施した"),
                                  (c.COL_SELF_EVALUATION, "B"), (c.COL_DIRECTION_NEXT, "継続")):
                acts.cell(r, c.ACTIONS_SHEET.headers.index(header) + 1, value)
    report, = f.ingest_all(db, f.to_bytes(wb), dry_run=True)
    assert report.accepted, [(p.location, p.message) for p in report.errors]
    assert report.rows[c.SHEET_ENERGY] == 3


def test_blank_template_and_masters_without_facilities_have_no_energy_sheet(tmp_path):
    assert c.SHEET_ENERGY not in openpyxl.load_workbook(io.BytesIO(template_bytes())).sheetnames
    db = tmp_path / "v1.duckdb"
    f.load_master(db)
    data = uploads.template_for(db, HQ, "D01", 2024)
    assert c.SHEET_ENERGY not in openpyxl.load_workbook(io.BytesIO(data)).sheetnames


def test_template_command_prefills_the_sheet(db, tmp_path):
    out = tmp_path / "form.xlsx"
    run("template", "--out", out, "--department", "D01", "--year", "2025", db=db, check_rc=0)
    _, ws = energy_sheet(out.read_bytes())
    assert ws.cell(FIRST_DATA_ROW, 1).value == "F001"
