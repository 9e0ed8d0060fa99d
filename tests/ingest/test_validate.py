"""Submission validation (contract §2, §3 values, §4 messages) without a warehouse."""
from __future__ import annotations

import datetime as dt

import pytest

from pipeline.ingest import contract as c
from pipeline.ingest.master import validate_master
from pipeline.ingest.validate import validate_submission
from tests import factories as f
from tests.factories import action_row, indicator_row, partner_row

PLAN = validate_master(f.small_master(), "m.xlsx").plan


def check(data: bytes):
    return validate_submission(data, "dept.xlsx", PLAN)


def where(problems):
    return [(p.sheet, p.cell) for p in problems]


def is_japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


def test_valid_workbook():
    sub = check(f.d01(2023, indicators=[indicator_row("I01", 900)],
                      partners=[partner_row("A001", "事業者", COL_ORGANISATION="工務店A",
                                            COL_PARTICIPANTS=3, COL_CO2_REDUCTION=1.5)]))
    assert sub.accepted and sub.errors == [] and sub.warnings == []
    assert (sub.fiscal_year, sub.department_code, sub.department_name) == (2023, "D01", "ゼロカーボン推進戦略課")
    assert (sub.contact_person, sub.contact) == ("環境 太郎", "048-000-0000")
    assert [a.action_code for a in sub.actions] == ["A001", "A002"]
    a = sub.actions[0]
    assert (a.implementation_status, a.budget_k_yen, a.settlement_k_yen, a.self_evaluation, a.direction) == \
        ("実施", 5000, 4800, "B", "継続")
    assert (a.source_sheet, a.source_cell) == (c.SHEET_ACTIONS, "A2")
    v = sub.indicator_values[0]
    assert (v.indicator_code, v.actual_year, v.value, v.source_cell) == ("I01", 2023, 900, "C2")
    p = sub.partners[0]
    assert (p.stakeholder_type, p.organisation, p.participants, p.co2_reduction_t) == ("事業者", "工務店A", 3, 1.5)
    assert sub.rows == {c.SHEET_ACTIONS: 2, c.SHEET_INDICATORS: 1, c.SHEET_PARTNERS: 1}


# --- 提出情報 -------------------------------------------------------------------

@pytest.mark.parametrize("year", [2024, "2024", "2024年度", "令和6年度", "R6", "R6年度", "令和６年度",
                                  "FY2024", " 2024 ", "２０２４", dt.datetime(2025, 3, 31),
                                  dt.datetime(2024, 4, 1)])
def test_info_year_spellings(year):
    sub = check(f.submission(year, "D01", actions=[action_row("A001")]))
    assert sub.fiscal_year == 2024 and sub.accepted, sub.errors


@pytest.mark.parametrize("year,expected", [("令和元年度", 2019), ("平成31年度", 2019), ("H30", 2018),
                                           ("平成32年度", 2020), ("令和12(2030)年度", 2030)])
def test_info_era_years(year, expected):
    sub = check(f.submission(year, "D01", actions=[action_row("A001")]))
    assert sub.fiscal_year == expected


def test_info_labels_anywhere_in_first_20_rows():
    import io

    import openpyxl
    wb = openpyxl.load_workbook(io.BytesIO(f.d01(2024)))
    ws = wb[c.SHEET_INFO]
    ws.insert_rows(1, 3)
    ws["A1"] = "取組状況報告書"
    ws["A6"] = "所管課コード："                        # a trailing colon is tolerated
    sub = check(f.to_bytes(wb))
    assert sub.accepted, sub.errors
    ws.insert_rows(1, 16)                              # 年度 now on row 20, 所管課コード on row 21
    sub = check(f.to_bytes(wb))
    assert where(sub.errors) == [(c.SHEET_INFO, None)]
    assert c.INFO_DEPARTMENT_CODE in sub.errors[0].message


@pytest.mark.parametrize("info,cell", [({c.INFO_FISCAL_YEAR: None}, "B1"),
                                       ({c.INFO_DEPARTMENT_CODE: None}, "B2"),
                                       ({c.INFO_FISCAL_YEAR: "来年"}, "B1"),
                                       ({c.INFO_DEPARTMENT_CODE: "D99"}, "B2")])
def test_info_required_and_checked(info, cell):
    sub = check(f.submission(2024, "D01", actions=[action_row("A001")], info=info))
    assert not sub.accepted
    assert (c.SHEET_INFO, cell) in where(sub.errors)
    assert all(is_japanese(p.message) for p in sub.errors)


def test_info_department_code_spelling_and_name_warning():
    sub = check(f.submission(2024, " ｄ０１ ", actions=[action_row("A001")],
                             info={c.INFO_DEPARTMENT_NAME: "ゼロカーボン課"}))
    assert sub.accepted and sub.department_code == "D01"
    assert sub.department_name == "ゼロカーボン推進戦略課"               # master wins
    assert where(sub.warnings) == [(c.SHEET_INFO, "B3")]


@pytest.mark.parametrize("sheet", [c.SHEET_INFO, c.SHEET_ACTIONS])
def test_required_sheets(sheet):
    sub = check(f.d01(2024, drop_sheets=(sheet,)))
    assert not sub.accepted
    assert (sheet, None) in where(sub.errors)


def test_optional_sheets_may_be_absent():
    sub = check(f.d01(2024, drop_sheets=(c.SHEET_INDICATORS, c.SHEET_PARTNERS)))
    assert sub.accepted and sub.errors == []
    assert sub.indicator_values == [] and sub.partners == []


def test_extra_sheets_ignored_and_sheet_names_with_spaces():
    import io

    import openpyxl
    wb = openpyxl.load_workbook(io.BytesIO(f.d01(2024, extra_sheet=True)))
    wb[c.SHEET_ACTIONS].title = "取組実績 "
    assert check(f.to_bytes(wb)).accepted


# --- 取組実績 -------------------------------------------------------------------

@pytest.mark.parametrize("row,cell,fragment", [
    (action_row("A999"), "A2", "A999"),                                         # not in master
    (action_row("A002"), "A2", "実施期間外"),                                    # ended FY2023
    (action_row("A001", COL_IMPLEMENTATION=None), "C2", "実施 / 一部実施 / 未実施 / 完了"),
    (action_row("A001", COL_IMPLEMENTATION="実施済"), "C2", "実施 / 一部実施 / 未実施 / 完了"),
    (action_row("A001", COL_BUDGET=-1), "D2", "0以上"),
    (action_row("A001", COL_SETTLEMENT="△300"), "E2", "0以上"),
    (action_row("A001", COL_BUDGET="未定"), "D2", "数値"),
    (action_row("A001", COL_RESULT=None), "F2", "取組実績"),
    (action_row("A001", COL_SELF_EVALUATION=None), "G2", "A / B / C / D / −"),
    (action_row("A001", COL_SELF_EVALUATION="S"), "G2", "A / B / C / D / −"),
    (action_row("A001", COL_DIRECTION_NEXT=None), "I2", "拡充 / 継続 / 改善"),
    (action_row("A001", COL_DIRECTION_NEXT="見直し"), "I2", "拡充 / 継続 / 改善"),
    (action_row("A001", COL_DIRECTION_NEXT="改善"), "J2", "見直し内容"),
    (action_row("A001", COL_DIRECTION_NEXT="縮小"), "J2", "見直し内容"),
    (action_row("A001", COL_DIRECTION_NEXT="休止・廃止"), "J2", "見直し内容"),
])
def test_action_rules(row, cell, fragment):
    sub = check(f.submission(2024, "D01", actions=[row]))
    assert not sub.accepted
    assert [(p.sheet, p.cell) for p in sub.errors if fragment in p.message] == [(c.SHEET_ACTIONS, cell)]


def test_action_grid_cell_reference_like_G12():
    rows = [{} for _ in range(10)] + [action_row("A001", COL_SELF_EVALUATION="Z")]   # row 12
    sub = check(f.submission(2024, "D01", actions=rows))
    assert [p.location for p in sub.errors] == ["取組実績!G12"]
    assert "「Z」" in sub.errors[0].message and "A / B / C / D / −" in sub.errors[0].message


def test_repeated_action_code_is_an_error():
    sub = check(f.submission(2024, "D01", actions=[action_row("A001"), action_row(" a001 ")]))
    assert where(sub.errors) == [(c.SHEET_ACTIONS, "A3")]
    assert "A2" in sub.errors[0].message


@pytest.mark.parametrize("row", [
    action_row("A001", COL_IMPLEMENTATION="未実施", COL_RESULT=None),          # 未実施: no result needed
    action_row("A001", COL_DIRECTION_NEXT="改善", COL_REVISION="対象を拡大"),
    action_row("A001", COL_BUDGET=None, COL_SETTLEMENT=None, COL_ISSUES=None),
    action_row("A001", COL_SELF_EVALUATION="Ａ"),
    action_row("A001", COL_SELF_EVALUATION=" b "),
])
def test_action_rows_accepted(row):
    sub = check(f.submission(2024, "D01", actions=[row]))
    assert sub.accepted, sub.errors


@pytest.mark.parametrize("dash", ["-", "－", "−", "―", "ー"])
def test_any_dash_is_the_not_evaluable_grade(dash):
    sub = check(f.submission(2024, "D01", actions=[action_row("A001", COL_SELF_EVALUATION=dash)]))
    assert sub.accepted and sub.actions[0].self_evaluation == "−"


@pytest.mark.parametrize("value,expected", [("1,234", 1234), ("１，２３４", 1234), ("1234.5", 1234.5),
                                            (" 12 ", 12), ("１２", 12), (1234.0, 1234)])
def test_amount_spellings(value, expected):
    sub = check(f.submission(2024, "D01", actions=[action_row("A001", COL_BUDGET=value)]))
    assert sub.accepted and sub.actions[0].budget_k_yen == expected


def test_action_name_differs_is_a_warning():
    sub = check(f.submission(2024, "D01", actions=[action_row("A001", COL_ACTION_NAME="太陽光補助")]))
    assert sub.accepted and where(sub.warnings) == [(c.SHEET_ACTIONS, "B2")]
    assert "住宅用太陽光発電設備補助" in sub.warnings[0].message


def test_active_action_not_reported_is_a_warning():
    sub = check(f.submission(2023, "D01", actions=[action_row("A001")]))
    assert sub.accepted
    assert [(p.sheet, "A002" in p.message) for p in sub.warnings] == [(c.SHEET_ACTIONS, True)]


def test_other_departments_action_is_a_warning():
    sub = check(f.submission(2024, "D01", actions=[action_row("A001"), action_row("A003")]))
    assert sub.accepted and where(sub.warnings) == [(c.SHEET_ACTIONS, "A3")]


# --- 指標実績 -------------------------------------------------------------------

@pytest.mark.parametrize("value", [None, "－", "-", "―", "未把握"])
def test_not_reported_value_is_a_warning(value):
    sub = check(f.d01(2024, indicators=[indicator_row("I01", value)]))
    assert sub.accepted and sub.errors == []
    assert where(sub.warnings) == [(c.SHEET_INDICATORS, "C2")]
    assert sub.indicator_values[0].value is None


@pytest.mark.parametrize("year,expected", [(None, 2024), (2022, 2022), ("R4", 2022), ("令和4年度", 2022),
                                           ("平成32年度", 2020), (dt.datetime(2023, 3, 31), 2022),
                                           ("２０２１年度", 2021)])
def test_actual_year(year, expected):
    sub = check(f.d01(2024, indicators=[indicator_row("I01", 500, year)]))
    assert sub.accepted, sub.errors
    assert sub.indicator_values[0].actual_year == expected


def test_actual_year_after_submission_year_is_an_error():
    sub = check(f.d01(2024, indicators=[indicator_row("I01", 500, 2025)]))
    assert where(sub.errors) == [(c.SHEET_INDICATORS, "D2")]


@pytest.mark.parametrize("rows,cell", [
    ([indicator_row("I01", 1, 2022), indicator_row("I01", 2, 2022)], "A3"),
    ([indicator_row("I01", 1, None), indicator_row("I01", 2, 2024)], "A3"),   # blank = the FY
])
def test_repeated_indicator_year_pair_is_an_error(rows, cell):
    sub = check(f.d01(2024, indicators=rows))
    assert where(sub.errors) == [(c.SHEET_INDICATORS, cell)]


def test_same_indicator_different_years_is_fine():
    sub = check(f.d01(2024, indicators=[indicator_row("I01", 1, 2022), indicator_row("I01", 2, 2023),
                                        indicator_row("I01", 3)]))
    assert sub.accepted and [v.actual_year for v in sub.indicator_values] == [2022, 2023, 2024]


@pytest.mark.parametrize("row,cell", [
    (indicator_row("I99", 1), "A2"),
    (indicator_row(None, 1), "A2"),
    (indicator_row("I01", "約100"), "C2"),
    (indicator_row("I01", 1, "そのうち"), "D2"),
])
def test_indicator_errors(row, cell):
    sub = check(f.d01(2024, indicators=[row]))
    assert (c.SHEET_INDICATORS, cell) in where(sub.errors)


def test_indicator_name_differs_is_a_warning():
    sub = check(f.d01(2024, indicators=[indicator_row("I01", 1, COL_INDICATOR_NAME="太陽光")]))
    assert sub.accepted and where(sub.warnings) == [(c.SHEET_INDICATORS, "B2")]


@pytest.mark.parametrize("value,expected", [("1,234", 1234), ("１，２３４", 1234), ("△12", -12),
                                            ("▲12", -12), (" 12.5 ", 12.5), ("1234.5", 1234.5)])
def test_number_spellings(value, expected):
    sub = check(f.d01(2024, indicators=[indicator_row("I01", value)]))
    assert sub.indicator_values[0].value == expected


def _percent_value(value, *, unit_percent=True, percent_cell=False):
    code = "I02" if unit_percent else "I01"
    data = f.submission(2024, "D02", actions=[action_row("A003")] if unit_percent else None,
                        indicators=[indicator_row(code, value)],
                        percent_cells=("C2",) if percent_cell else ())
    if not unit_percent:
        data = f.submission(2024, "D01", actions=[action_row("A001")], indicators=[indicator_row(code, value)],
                            percent_cells=("C2",) if percent_cell else ())
    sub = check(data)
    assert sub.accepted, sub.errors
    return sub.indicator_values[0].value


def test_percent_spellings_on_a_percent_indicator():
    assert _percent_value(0.125, percent_cell=True) == pytest.approx(12.5)
    assert _percent_value("12.5%") == pytest.approx(12.5)
    assert _percent_value("１２．５％") == pytest.approx(12.5)
    assert _percent_value(12.5) == pytest.approx(12.5)


def test_percent_text_in_a_percent_formatted_cell_is_not_scaled_twice():
    assert _percent_value("12.5%", percent_cell=True) == pytest.approx(12.5)
    assert _percent_value("12.5", percent_cell=True) == pytest.approx(12.5)


def test_percent_format_on_a_non_percent_indicator_keeps_the_number():
    # Decision: only an indicator whose unit is % scales a %-formatted cell.
    assert _percent_value(0.5, unit_percent=False, percent_cell=True) == pytest.approx(0.5)


def test_a_failed_percent_scan_is_an_error_at_the_cell_it_matters_for():
    data = f.submission(2024, "D02", actions=[action_row("A003")],
                        indicators=[indicator_row("I02", 0.125)], percent_cells=("C2",))
    sub = check(f.break_number_formats(data))
    assert not sub.accepted
    assert where(sub.errors) == [(c.SHEET_INDICATORS, "C2")]
    assert "0.125" in sub.errors[0].message and "%" in sub.errors[0].message
    assert sub.indicator_values == []


def test_a_failed_percent_scan_does_not_matter_for_text_or_other_units():
    data = f.submission(2024, "D02", actions=[action_row("A003")],
                        indicators=[indicator_row("I02", "12.5%")], percent_cells=("C2",))
    assert check(f.break_number_formats(data)).indicator_values[0].value == pytest.approx(12.5)
    data = f.submission(2024, "D01", actions=[action_row("A001")],
                        indicators=[indicator_row("I01", 0.5)], percent_cells=("C2",))
    sub = check(f.break_number_formats(data))
    assert sub.accepted and sub.indicator_values[0].value == pytest.approx(0.5)


# --- 連携主体 -------------------------------------------------------------------

def test_partner_rows_may_repeat():
    rows = [partner_row("A001", "事業者", COL_ORGANISATION="A社"),
            partner_row("A001", "事業者", COL_ORGANISATION="B社"),
            partner_row("A001", "事業者", COL_ORGANISATION="A社")]
    sub = check(f.d01(2024, partners=rows))
    assert sub.accepted and len(sub.partners) == 3


@pytest.mark.parametrize("kind", c.STAKEHOLDER_TYPES)
def test_every_stakeholder_type(kind):
    sub = check(f.d01(2024, partners=[partner_row("A001", kind)]))
    assert sub.accepted and sub.partners[0].stakeholder_type == kind


@pytest.mark.parametrize("row,cell", [
    (partner_row("A999"), "A2"),
    (partner_row(None, "市民", COL_ORGANISATION="X"), "A2"),
    (partner_row("A001", None), "B2"),
    (partner_row("A001", "自治会"), "B2"),
    (partner_row("A001", COL_PARTICIPANTS=2.5), "D2"),
    (partner_row("A001", COL_PARTICIPANTS=-1), "D2"),
    (partner_row("A001", COL_CO2_REDUCTION=-0.5), "E2"),
])
def test_partner_errors(row, cell):
    sub = check(f.d01(2024, partners=[row]))
    assert not sub.accepted and (c.SHEET_PARTNERS, cell) in where(sub.errors)


# --- whole file -------------------------------------------------------------------

def test_all_errors_of_a_file_at_once():
    sub = check(f.submission(2024, "D01", info={c.INFO_CONTACT: "x"},
                             actions=[action_row("A001", COL_SELF_EVALUATION="Z"), action_row("A999")],
                             indicators=[indicator_row("I01", "abc")],
                             partners=[partner_row("A001", "自治会")]))
    assert set(where(sub.errors)) == {(c.SHEET_ACTIONS, "G2"), (c.SHEET_ACTIONS, "A3"),
                                      (c.SHEET_INDICATORS, "C2"), (c.SHEET_PARTNERS, "B2")}
    assert all(is_japanese(p.message) for p in sub.errors)


def test_title_rows_and_columns_in_any_order():
    headers = {c.SHEET_ACTIONS: list(reversed(c.ACTIONS_SHEET.headers)) + ["メモ"],
               c.SHEET_INDICATORS: [c.COL_NOTE, c.COL_ACTUAL_VALUE, c.COL_INDICATOR_CODE]}
    sub = check(f.d01(2024, title_rows=3, headers=headers, indicators=[indicator_row("I01", 7)]))
    assert sub.accepted, sub.errors
    assert sub.actions[0].source_cell == "J5" and sub.indicator_values[0].source_cell == "B5"
    assert sub.indicator_values[0].actual_year == 2024


def test_not_a_workbook_is_one_error_without_sheet_or_cell():
    sub = check(b"not a workbook at all")
    assert not sub.accepted and where(sub.errors) == [(None, None)]


def test_no_master_is_one_clear_error():
    sub = validate_submission(f.d01(2024), "x.xlsx", None)
    assert not sub.accepted and len(sub.errors) == 1 and is_japanese(sub.errors[0].message)


def test_missing_optional_columns_reported_once_per_sheet():
    headers = {c.SHEET_ACTIONS: [c.COL_ACTION_CODE, c.COL_IMPLEMENTATION, c.COL_SELF_EVALUATION,
                                 c.COL_DIRECTION_NEXT]}
    sub = check(f.submission(2023, "D01", headers=headers, actions=[
        action_row("A001"), action_row("A002", COL_DIRECTION_NEXT="改善")]))
    assert where(sub.errors) == [(c.SHEET_ACTIONS, None), (c.SHEET_ACTIONS, None)]
    assert [c.COL_RESULT in sub.errors[0].message, c.COL_REVISION in sub.errors[1].message] == [True, True]
    # only the required columns, all actions 未実施 with a direction that needs no revision: fine
    sub = check(f.submission(2023, "D01", headers=headers, actions=[
        action_row("A001", COL_IMPLEMENTATION="未実施"), action_row("A002", COL_IMPLEMENTATION="未実施")]))
    assert sub.accepted, sub.errors
