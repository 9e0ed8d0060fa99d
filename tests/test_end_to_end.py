"""From the form to the views: template → filled → ingested, every spelling of contract §3,
files as Excel/openpyxl and LibreOffice write them (.xlsx, .xls), .xlsm, and the demo."""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from pipeline.cli import main as cli
from pipeline.ingest import contract as c
from pipeline.warehouse.schema import connect
from tests import factories as f
from tests import operations_factories as of
from tests.factories import action_row, partner_row
from tests.ingest.test_template import fill_template_example

SOFFICE = shutil.which("soffice") or ("/usr/bin/soffice" if os.path.exists("/usr/bin/soffice") else None)
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
ROOT = Path(__file__).resolve().parent.parent


# --- template → filled → ingested ----------------------------------------------------

def test_prefilled_template_filled_in_loads_without_edits(tmp_path):
    db = tmp_path / "w.duckdb"
    f.load_master(db)
    out = tmp_path / "form.xlsx"
    assert cli.main(["--db", str(db), "template", "--out", str(out), "--department", "D01",
                     "--year", "2023"]) == 0
    filled = fill_template_example(out)
    assert filled["actions"] == ["A001", "A002"] and set(filled["indicators"]) == {"I01"}
    [r] = f.ingest_all(db, ("form.xlsx", out.read_bytes()))
    assert r.accepted and r.errors == [] and r.warnings == [], (r.errors, r.warnings)
    with connect(db) as con:
        assert con.execute("SELECT actual_value FROM v_indicator_attainment WHERE indicator_code = 'I01' "
                           "AND fiscal_year = 2023").fetchone()[0] == filled["indicators"]["I01"]
        assert con.execute("SELECT count(*) FROM v_stakeholder_contributions").fetchone()[0] == 1
        assert con.execute("SELECT min(stages) FROM v_pdca_status WHERE fiscal_year = 2023 "
                           "AND department_code = 'D01'").fetchone()[0] == 4


# --- every spelling of section 3 ---------------------------------------------------------

def _info(ws, year, dept, title=False):
    if title:
        ws.append(["令和6年度 取組状況報告書"])
        ws.append([])
    for label, value in ((c.INFO_FISCAL_YEAR, year), (c.INFO_DEPARTMENT_CODE, dept),
                         (c.INFO_CONTACT_PERSON, "担当 花子"), (c.INFO_CONTACT, "内線 1")):
        ws.append([label, value])


def _actions_book(year, grades: dict[str, str]) -> bytes:
    rows = [action_row(code, COL_SELF_EVALUATION=g, COL_BUDGET="5,000", COL_IMPLEMENTATION=" 実施 ")
            for code, g in grades.items()]
    return f.submission(year, "D01", actions=rows)


def spelling_workbooks() -> dict[str, bytes]:
    """name → workbook bytes; the expected results are in check_spellings()."""
    books = {
        # all five dashes mean −; Ａ (full width) is A
        "d01_2021": _actions_book(2021, {"A001": "ー", "A002": "―"}),
        "d01_2022": _actions_book("R4", {"A001": "-", "A002": "−"}),
        "d01_2023": _actions_book("令和5年度", {"A001": "Ａ", "A002": "－"}),
    }
    # D01, FY 令和６年度 (full-width digits): indicator values and years in every spelling.
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _info(wb.create_sheet(c.SHEET_INFO), "令和６年度", " d01 ")
    ws = wb.create_sheet(c.SHEET_ACTIONS)
    ws.append(list(c.ACTIONS_SHEET.headers))
    ws.append([" a001 ", None, "実施", "１２，０００", 11500, "実施した", "Ａ", None, "継続", None])
    ws = wb.create_sheet(c.SHEET_INDICATORS)
    ws.append([c.COL_INDICATOR_CODE, c.COL_ACTUAL_VALUE, c.COL_ACTUAL_YEAR])
    for value, year in (("1,234", "令和元年度"),              # 2019
                        ("１，２３４", "H30"),                 # 2018
                        ("1234.5", "平成32年度"),              # 2020
                        ("△12", "R3"),                        # 2021
                        ("▲12", dt.datetime(2023, 3, 31)),    # 2022 (a date in FY2022)
                        ("  1500  ", "2023年度"),             # 2023
                        (None, None)):                         # 2024: formula, below
        ws.append(["I01", value, year])
    ws["B8"] = "=1000+300"                                     # cached value patched in below
    # エネルギー使用量 (§8.3): amounts in section 3's spellings, codes and units in any width.
    ws = wb.create_sheet(c.SHEET_ENERGY)
    ws.append(list(c.ENERGY_SHEET.headers))
    months = ["1,234", "１，２３４", "1234.5", "  1500  ", 1000, None, 100, 100, 100, 100, 100, 100]
    ws.append(["F001", "本庁舎", "電気 ", "Ａ電力", None, "ｋＷｈ", *months, "8,102.5", None])
    ws["L2"] = "=1000+300"                                     # 9月: a formula's cached value
    ws.append([" ｆ００１ ", None, "都市ガス", None, None, "ｍ３", *[None] * 12, "１，０００", None])
    ws.append(["F001", None, "灯油", None, None, "kL", *[None] * 12, "  2.5  ", "数字は文字で入力"])
    books["d01_2024"] = f.to_bytes(wb)
    for sheet in (c.SHEET_INDICATORS, c.SHEET_ENERGY):
        member = f.sheet_member(books["d01_2024"], sheet)
        books["d01_2024"] = f.patch_zip(books["d01_2024"], member, lambda x: x.replace(
            b"<f>1000+300</f><v />", b"<f>1000+300</f><v>1300</v>"))

    # D02, FY R6年度: title rows, columns in any order, an extra sheet, percentages.
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    wb.create_sheet("メモ")["A1"] = "作業用のメモ（取り込まれません）"
    _info(wb.create_sheet(c.SHEET_INFO), "R6年度", "Ｄ０２", title=True)
    ws = wb.create_sheet(c.SHEET_ACTIONS)
    ws.append(["令和6年度 取組実績"])
    ws.append(["※ 記入例を参考にしてください"])
    headers = list(reversed(c.ACTIONS_SHEET.headers))
    ws.append(headers)
    row = action_row("A003", COL_SELF_EVALUATION=" b ", COL_DIRECTION_NEXT="改善", COL_REVISION="便数を見直す")
    ws.append([row.get(h) for h in headers])
    ws = wb.create_sheet(c.SHEET_INDICATORS)
    ws.append(["指標の実績"])
    ws.append([c.COL_NOTE, c.COL_ACTUAL_YEAR, c.COL_ACTUAL_VALUE, "メモ", c.COL_INDICATOR_CODE])
    ws.append([None, "R6", 0.125, None, "I02"])                # 12.5% typed in Excel
    ws["C3"].number_format = "0.0%"
    ws.append(["文字の%", "平成31年度", "13.5%", None, "I02"])  # text with %
    ws.append([None, 2020, 14.5, "そのまま", "I02"])          # plain number
    ws.append([None, "R3", "未把握", None, "I02"])             # not reported (warning)
    ws = wb.create_sheet(c.SHEET_PARTNERS)
    ws.append(list(c.PARTNERS_SHEET.headers))
    ws.append(["A003", "事業者", "交通事業者", "１２", "1,234", "連携"])
    ws.append(["A003", " 国 ", None, None, None, None])
    ws = wb.create_sheet(c.SHEET_ENERGY)                        # a title row, columns reversed
    ws.append(["エネルギー使用量（令和6年度）"])
    headers = [h for h in reversed(c.ENERGY_SHEET.headers) if h not in c.MONTH_HEADERS]
    ws.append(headers)
    row = {c.COL_FACILITY_CODE: "Ｆ００２", c.COL_ACTIVITY: "電気", c.COL_SUPPLIER: "B電力",
           c.COL_UNIT: "千kWh", c.COL_ANNUAL: "１２．５"}
    ws.append([row.get(h) for h in headers])
    books["d02_2024"] = f.to_bytes(wb)
    return books


def master_with_spellings() -> bytes:
    indicators = [dict(i) for i in f.INDICATORS]
    indicators[0][c.COL_TARGET_YEAR] = "令和12(2030)年度"
    indicators[1][c.COL_BASE_YEAR] = "H25"
    return of.ops_master(indicators=indicators)        # with 組織 / 施設 / 事務事業目標 (§8.1)


def check_spellings(db) -> None:
    with connect(db) as con:
        values = dict(((code, y), v) for code, y, v in con.execute(
            "SELECT indicator_code, fiscal_year, actual_value FROM v_indicator_attainment").fetchall())
        assert {k: v for k, v in values.items() if k[0] == "I01"} == {
            ("I01", 2018): 1234, ("I01", 2019): 1234, ("I01", 2020): 1234.5, ("I01", 2021): -12,
            ("I01", 2022): -12, ("I01", 2023): 1500, ("I01", 2024): 1300}
        assert values[("I02", 2024)] == pytest.approx(12.5)
        assert values[("I02", 2019)] == pytest.approx(13.5)
        assert values[("I02", 2020)] == pytest.approx(14.5)
        assert values[("I02", 2021)] is None
        assert con.execute("SELECT DISTINCT target_year FROM v_indicator_attainment "
                           "WHERE indicator_code = 'I01'").fetchall() == [(2030,)]
        assert con.execute("SELECT DISTINCT base_year FROM v_indicator_attainment "
                           "WHERE indicator_code = 'I02'").fetchall() == [(2013,)]
        grades = {(y, a): g for y, a, g in con.execute(
            "SELECT fiscal_year, action_code, self_evaluation FROM v_pdca_status").fetchall()}
        assert grades == {(2021, "A001"): "−", (2021, "A002"): "−", (2022, "A001"): "−",
                          (2022, "A002"): "−", (2022, "A003"): None, (2023, "A001"): "A",
                          (2023, "A002"): "−", (2023, "A003"): None, (2024, "A001"): "A",
                          (2024, "A003"): "B"}
        assert con.execute("SELECT act, stages FROM v_pdca_status WHERE fiscal_year = 2024 "
                           "AND action_code = 'A003'").fetchone() == (True, 4)
        partners = sorted(con.execute(
            "SELECT stakeholder_type, organisation, participants, co2_reduction_t "
            "FROM v_stakeholder_contributions").fetchall(), key=str)
        assert partners == sorted([("事業者", "交通事業者", 12, 1234.0), ("国", None, None, None)], key=str)
        budgets = con.execute("SELECT budget_k_yen FROM action_reports r JOIN v_active_submissions s "
                              "USING (submission_id) WHERE s.fiscal_year = 2024 AND r.action_code = 'A001'"
                              ).fetchall()
        assert budgets == [(12000,)]
        assert con.execute("SELECT count(*) FROM v_submissions WHERE status = 'active'").fetchone()[0] == 5
        # エネルギー使用量: months 1,234 + １，２３４ + 1234.5 + 1500 + 1000 + (=1000+300) + 6 × 100
        energy = con.execute(
            "SELECT facility_code, activity, amount, base_unit, factor, source_cells FROM v_facility_emissions "
            "WHERE fiscal_year = 2024 ORDER BY facility_code, activity").fetchall()
        assert energy == [("F001", "灯油", 2500.0, "L", 2.49, "S4"),
                          ("F001", "都市ガス", 1000.0, "m3", 2.23, "S3"),
                          ("F001", "電気", 8102.5, "kWh", 0.38, "G2:R2"),     # Ａ電力 = A電力
                          ("F002", "電気", 12500.0, "kWh", 0.44, "B3")]       # B電力 FY2024: 代替値


def load_all(db, master: bytes, books: dict[str, bytes], suffix=".xlsx"):
    from pipeline import load
    result, _, _ = load.load_master_bytes(master, "m" + suffix, db)
    assert result.accepted, result.errors
    factors, _, _ = load.load_factors_bytes(of.factor_workbook(), "factors.xlsx", db)
    assert factors.accepted, factors.errors
    reports = f.ingest_all(db, *[(name + suffix, data) for name, data in books.items()])
    for r in reports:
        assert r.accepted, (r.file, [(p.location, p.message) for p in r.errors])
    return reports


def test_every_spelling_lands_right_in_the_views(tmp_path):
    db = tmp_path / "w.duckdb"
    reports = load_all(db, master_with_spellings(), spelling_workbooks())
    warn = {r.file: [(p.sheet, p.cell) for p in r.warnings] for r in reports}
    assert warn["d02_2024.xlsx"] == [(c.SHEET_INDICATORS, "C6")]        # 未把握
    assert not [w for w in warn["d01_2024.xlsx"] if w[0] == c.SHEET_ENERGY]   # every spelling is clean
    check_spellings(db)


def test_xlsm_loads_and_macros_are_not_run(tmp_path):
    db = tmp_path / "w.duckdb"
    f.load_master(db)
    macro = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    data = f.patch_zip(f.d01(2024), "[Content_Types].xml", lambda x: x.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", macro))
    assert macro in __import__("zipfile").ZipFile(__import__("io").BytesIO(data)).read("[Content_Types].xml")
    [r] = f.ingest_all(db, ("report.xlsm", data))
    assert r.accepted, r.errors


# --- LibreOffice-written files ---------------------------------------------------------

@pytest.fixture(scope="module")
def libreoffice(tmp_path_factory):
    """Every spelling workbook (and the master, and a filled template) converted by LibreOffice
    to .xlsx and .xls, each format in one soffice call."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    base = tmp_path_factory.mktemp("lo")
    src = base / "src"
    src.mkdir()
    books = spelling_workbooks()
    books["master"] = master_with_spellings()
    # a formula without any cached value: LibreOffice computes and stores it
    wb = openpyxl.load_workbook(__import__("io").BytesIO(f.d01(2023)))
    ws = wb[c.SHEET_ACTIONS]
    ws["D2"] = "=2000+3000"
    books["formula"] = f.to_bytes(wb)
    for name, data in books.items():
        (src / f"{name}.xlsx").write_bytes(data)
    # a pre-filled form written by us and filled in as a department would
    from pipeline.ingest.template import TemplateAction, TemplateIndicator, write_template
    write_template(src / "form.xlsx", fiscal_year=2023, department_code="D01",
                   department_name=f.DEPARTMENTS[0][c.COL_DEPARTMENT_NAME],
                   actions=[TemplateAction(a[c.COL_ACTION_CODE], a[c.COL_ACTION_NAME]) for a in f.ACTIONS[:2]],
                   indicators=[TemplateIndicator("I01", f.INDICATORS[0][c.COL_INDICATOR_NAME], "kW")])
    fill_template_example(src / "form.xlsx")
    books["form"] = b""
    profile = (base / "lo_profile").as_uri()
    out = {}
    for fmt, filt in (("xlsx", "xlsx"), ("xls", "xls")):
        outdir = base / fmt
        cmd = [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore",
               "--convert-to", filt, "--outdir", str(outdir)] + sorted(str(p) for p in src.iterdir())
        proc = subprocess.run(cmd, capture_output=True, timeout=180)
        assert proc.returncode == 0, proc.stderr
        out[fmt] = {p.stem: p.read_bytes() for p in outdir.iterdir()}
        assert set(out[fmt]) == set(books), (fmt, proc.stdout, proc.stderr)
    return out


@needs_soffice
@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_libreoffice_files_load_with_every_spelling(libreoffice, tmp_path, fmt):
    books = dict(libreoffice[fmt])
    master = books.pop("master")
    books.pop("formula")
    books.pop("form")
    db = tmp_path / "w.duckdb"
    load_all(db, master, books, suffix="." + fmt)
    check_spellings(db)


@needs_soffice
@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_libreoffice_formula_cell_gives_its_cached_value(libreoffice, tmp_path, fmt):
    db = tmp_path / "w.duckdb"
    f.load_master(db)
    [r] = f.ingest_all(db, ("formula." + fmt, libreoffice[fmt]["formula"]))
    assert r.accepted, r.errors
    budgets = {a.action_code: a.budget_k_yen for a in r.submission.actions}
    assert budgets == {"A001": 5000, "A002": 5000}


@needs_soffice
@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_libreoffice_saved_template_loads(libreoffice, tmp_path, fmt):
    db = tmp_path / "w.duckdb"
    f.load_master(db)
    [r] = f.ingest_all(db, ("form." + fmt, libreoffice[fmt]["form"]))
    assert r.accepted and r.errors == [] and r.warnings == [], (r.errors, r.warnings)
    assert [a.action_code for a in r.submission.actions] == ["A001", "A002"]
    assert len(r.submission.partners) == 1 and len(r.submission.indicator_values) == 1


# --- the demo ---------------------------------------------------------------------------

def test_demo_command_builds_a_populated_warehouse(demo_build):
    # the session's demo is built by the command itself (tests/conftest.py), exit code checked there
    db = demo_build.db
    assert "Traceback" not in demo_build.stderr
    with connect(db) as con:
        counts = {v: con.execute(f"SELECT count(*) FROM {v}").fetchone()[0] for v in (
            "v_indicator_attainment", "v_pdca_status", "v_stakeholder_contributions", "v_emissions",
            "v_submissions")}
        assert all(n > 0 for n in counts.values()), counts
        statuses = {s for (s,) in con.execute("SELECT DISTINCT status FROM v_indicator_attainment").fetchall()}
        assert statuses == set(c.STATUSES)                 # on track, behind, worsening, unreported…
        assert con.execute("SELECT count(*) FROM v_submissions WHERE status = 'superseded'").fetchone()[0] > 0
        assert con.execute("SELECT count(DISTINCT department_code) FROM v_departments").fetchone()[0] >= 12
        assert con.execute("SELECT count(*) FROM v_actions").fetchone()[0] >= 60
