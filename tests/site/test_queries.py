from __future__ import annotations

import math

import pandas as pd

from pipeline.site import queries as q
from pipeline.site.config import PublicationConfig, Visibility, from_mapping
from pipeline.warehouse.schema import connect
from tests.site.conftest import BUDGET, ISSUE

DEFAULT = Visibility.of(PublicationConfig())
OPEN = Visibility.of(from_mapping({"internal_fields": []}))


def test_indicator_rows_are_the_views_rows_of_the_fy(small_db):
    with connect(small_db) as con:
        rows = q.indicator_rows(con, 2024, DEFAULT)
        view = con.execute("SELECT indicator_code, actual_value, attainment_pct, status "
                           "FROM v_indicator_attainment WHERE fiscal_year = 2024 ORDER BY 1").fetchall()
    got = sorted(zip(rows["indicator_code"], rows["actual_value"], rows["attainment_pct"], rows["status"]))
    assert [(a, b, s) for a, b, _, s in got] == [(a, b, s) for a, b, _, s in view]
    assert all(math.isclose(x[2], y[2]) for x, y in zip(got, view))
    assert set(rows["policy_name"]) == {"再生可能エネルギーの最大限導入", "脱炭素型まちづくり"}


def test_action_rows_hide_internal_fields_by_default(small_db):
    with connect(small_db) as con:
        hidden = q.action_rows(con, 2024, DEFAULT)
        shown = q.action_rows(con, 2024, OPEN)
        view = con.execute("SELECT action_code, stages FROM v_pdca_status WHERE fiscal_year = 2024 "
                           "ORDER BY 1").fetchall()
    assert sorted(zip(hidden["action_code"], hidden["stages"])) == view
    a001 = hidden.set_index("action_code").loc["A001"]
    assert a001["result_text"] == "補助を900件交付した"
    assert pd.isna(a001["issues_text"]) and pd.isna(a001["budget_k_yen"]) and pd.isna(a001["settlement_k_yen"])
    open_a001 = shown.set_index("action_code").loc["A001"]
    assert open_a001["issues_text"] == ISSUE and open_a001["budget_k_yen"] == BUDGET


def test_partner_rows_and_organisation_setting(small_db):
    with connect(small_db) as con:
        rows = q.partner_rows(con, 2024, DEFAULT)
        no_names = q.partner_rows(con, 2024, Visibility.of(from_mapping({"internal_fields": ["主体名"]})))
    assert len(rows) == 2 and "市内工務店" in set(rows["organisation"])
    assert no_names["organisation"].isna().all()


def test_no_operations_without_the_views(small_db):
    with connect(small_db) as con:
        assert q.has_operations(con, 2024) is False


def test_opinions_never_carry_who_recorded_them(small_db):
    with connect(small_db) as con:
        frame = q.public_opinions(con, 2024)
    assert "recorded_by" not in frame.columns and "response_by" not in frame.columns


def test_years_and_demo_flag(small_db):
    with connect(small_db) as con:
        assert q.submission_fiscal_years(con) == [2023, 2024]
        assert q.is_demo(con) is False
        assert q.data_date(con, 2024) is not None
