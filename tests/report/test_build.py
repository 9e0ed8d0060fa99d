"""Report data: named query functions with hand-computed expectations, and the report's
figures equal to the warehouse views on the demo warehouse."""
from __future__ import annotations

import math

import pytest

from pipeline.report.model import ReportError
from pipeline.access import auth
from pipeline import council
from pipeline.report import build as report
from pipeline.report import data as rd
from pipeline.texts import council as ctxt
from pipeline.warehouse.schema import connect
from tests import factories as f

HQ = auth.User("hq-user", auth.ROLE_HQ)
@pytest.fixture()
def small_db(tmp_path):
    """Tiny warehouse: FY2024, I01 = 1000 (遅れ), I02 = 28 (順調), A001 complete, A003 未実施."""
    db = tmp_path / "w.duckdb"
    f.load_master(db)
    reports = f.ingest_all(
        db,
        f.d01(2024, indicators=[f.indicator_row("I01", 1000, 2024)],
              partners=[f.partner_row("A001", "市民", COL_PARTICIPANTS=120, COL_CO2_REDUCTION=5.5),
                        f.partner_row("A001", "事業者", COL_PARTICIPANTS=3)]),
        f.d02(2024, actions=[f.action_row("A003", COL_IMPLEMENTATION="未実施", COL_RESULT=None,
                                          COL_SELF_EVALUATION="D", COL_DIRECTION_NEXT="継続")],
              indicators=[f.indicator_row("I02", 28, 2024)]))
    assert all(r.accepted for r in reports), [p.message for r in reports for p in r.errors]
    return db


def test_status_counts_hand_computed(small_db):
    # I01: (1000-100)/(1800-100) = 52.9 %, expected 100 + 1700*11/17 = 1200 > 1000 -> 遅れ
    # I02: expected 40 - 17*11/17 = 29, 28 <= 29 (減少) -> 順調
    with connect(small_db) as con:
        counts = rd.indicator_status_counts(con, 2024)
        table = rd.indicator_table(con, 2024)
    assert counts == {"達成": 0, "順調": 1, "遅れ": 1, "悪化": 0, "未報告": 0}
    row = table.set_index("indicator_code").loc["I01"]
    assert row["attainment_pct"] == pytest.approx(900 / 1700 * 100)
    assert row["expected_value"] == pytest.approx(1200)


def test_pdca_completion_hand_computed(small_db):
    # FY2024 active: A001 (4 stages) and A003 (未実施 with D and 継続: P, C, A = 3); A002 ended 2023.
    with connect(small_db) as con:
        p = rd.pdca_completion(con, 2024)
        actions = rd.action_table(con, 2024)
    assert (p.actions, p.reported, p.do, p.check, p.act, p.complete) == (2, 2, 1, 2, 2, 1)
    assert p.complete_pct == pytest.approx(50.0)
    assert list(actions["action_code"]) == ["A001", "A003"]
    assert list(actions["stages"]) == [4, 3]


def test_partner_summary_hand_computed(small_db):
    with connect(small_db) as con:
        s = rd.partner_summary(con, 2024)
        by_type = rd.partners_by_type(con, 2024)
        p1 = rd.partner_summary(con, 2024, "P2")
    assert (s.rows, s.actions, s.types, s.participants) == (2, 1, 2, 123)
    assert s.co2_reduction_t == pytest.approx(5.5)
    assert list(by_type["stakeholder_type"]) == ["市民", "事業者"]
    assert p1.rows == 0


def test_emissions_summary_hand_computed(small_db):
    # factories: base 2013 = 1000 + 1000 - 10 = 1990; actual 2020 = 1750; target 2030 = 980.
    with connect(small_db) as con:
        e = rd.emissions_summary(con, 2024)
        early = rd.emissions_summary(con, 2019)
    assert (e.base_year, e.latest_year, e.target_year) == (2013, 2020, 2030)
    assert (e.base_kt, e.latest_kt, e.target_kt) == (1990, 1750, 980)
    assert e.reduction_pct == pytest.approx(240 / 1990 * 100)
    assert e.actual_rate_pct == pytest.approx((1 - (1750 / 1990) ** (1 / 7)) * 100)
    assert e.needed_rate_pct == pytest.approx((1 - (980 / 1990) ** (1 / 17)) * 100)
    assert e.path_kt == pytest.approx(1990 - 1010 * 7 / 17)
    assert e.on_track is False
    assert early.latest_year is None and early.on_track is None


def test_data_sources_and_date(small_db):
    with connect(small_db) as con:
        sources = rd.data_sources(con, 2024)
        when = rd.data_date(con, 2024)
        loaded = con.execute("SELECT max(loaded_at) FROM v_submissions").fetchone()[0]
    assert sorted(sources["department_code"]) == ["D01", "D02"]
    assert when == loaded


def test_unknown_year_is_a_report_error(small_db):
    with pytest.raises(ReportError):
        report.build_report(small_db, 2019)


def test_report_figures_equal_views(demo_db):
    fy = 2024
    r = report.build_report(demo_db, fy)
    with connect(demo_db) as con:
        view_counts = dict(con.execute(
            "SELECT status, count(*) FROM v_indicator_attainment WHERE fiscal_year = ? GROUP BY 1",
            [fy]).fetchall())
        view_complete = con.execute(
            "SELECT count(*) FILTER (WHERE stages = 4), count(*) FROM v_pdca_status "
            "WHERE fiscal_year = ?", [fy]).fetchone()
        view_att = dict(con.execute(
            "SELECT indicator_code, attainment_pct FROM v_indicator_attainment WHERE fiscal_year = ?",
            [fy]).fetchall())
        view_partners = con.execute(
            "SELECT count(*), sum(participants) FROM v_stakeholder_contributions WHERE fiscal_year = ?",
            [fy]).fetchone()
    assert {k: v for k, v in r.status_counts.items() if v} == view_counts
    assert (r.pdca.complete, r.pdca.actions) == view_complete
    assert (r.partner_summary.rows, r.partner_summary.participants) == view_partners
    for s in r.sections:
        for code, value in zip(s.indicators["indicator_code"], s.indicators["attainment_pct"]):
            expected = view_att[code]
            assert (expected is None and math.isnan(value)) or value == pytest.approx(expected)
    assert sum(len(s.actions) for s in r.sections) == view_complete[1]


def test_next_years_report_carries_council_opinions(report_demo):
    demo_db = report_demo.db
    # The demo records its own council opinions (demo_content.COUNCIL_OPINIONS); the test adds
    # one more on FY2023's report.  FY N's report carries the opinions on FY N-1's report.
    r = report.build_report(demo_db, 2024)
    carried = r.council_previous.set_index("opinion_id")
    assert sorted(carried.index) == sorted(council.public_opinions(demo_db, 2023)["opinion_id"])
    assert report_demo.opinion_id in carried.index
    assert carried.loc[report_demo.opinion_id, "status"] == ctxt.STATUS_IN_PROGRESS
    earlier = report.build_report(demo_db, 2023).council_previous
    assert sorted(earlier["opinion_id"]) == sorted(council.public_opinions(demo_db, 2022)["opinion_id"])
    assert report_demo.opinion_id not in set(earlier["opinion_id"])


def test_frozen_year_is_reported_from_its_latest_edition(small_db, tmp_path, capsys):
    from pipeline.access import publication
    from pipeline.cli import main as cli
    from pipeline.texts import publication as ptxt
    from pipeline.texts import report as rtxt
    live = report.build_report(small_db, 2024)
    assert live.edition is None and live.edition_text == ptxt.PRELIMINARY_LONG
    ed = publication.freeze(small_db, 2024, HQ)
    # after freezing, D01 resubmits: I01 reaches its target
    f.ingest_all(small_db, f.d01(2024, indicators=[f.indicator_row("I01", 1900, 2024)]))
    frozen = report.build_report(small_db, 2024)
    assert frozen.edition == ed and ed.label in frozen.edition_text
    assert frozen.status_counts == live.status_counts                 # as at freezing
    assert frozen.status_counts["達成"] == 0
    assert set(frozen.sources["submission_id"]) == set(live.sources["submission_id"])
    now = report.build_report(small_db, 2024, from_edition=False)
    assert now.edition is None and now.status_counts["達成"] == 1
    out = tmp_path / "r.xlsx"
    assert cli.main(["--db", str(small_db), "report", "--year", "2024", "--out", str(out)]) == 0
    assert ed.label in capsys.readouterr().err
    from openpyxl import load_workbook
    ws = load_workbook(out)[rtxt.SHEET_SUMMARY]
    assert ws.cell(4, 2).value == ed.label
    assert cli.main(["--db", str(small_db), "report", "--year", "2024", "--live", "--out", str(out)]) == 0
    assert ptxt.PRELIMINARY in capsys.readouterr().err


def test_report_cli_exit_codes(small_db, tmp_path):
    from pipeline.cli import main as cli
    out = tmp_path / "r.xlsx"
    assert cli.main(["--db", str(small_db), "report", "--year", "2024", "--out", str(out)]) == 0
    assert out.stat().st_size > 0
    assert cli.main(["--db", str(small_db), "report", "--year", "2024", "--out", str(tmp_path / "r.doc")]) == 2
