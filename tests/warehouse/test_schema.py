"""Warehouse views (contract §5 formulas, §6 views), hand-computed expectations.

The plan (tests/factories.small_master):
  I01 太陽光発電導入容量 kW 増加: base FY2013 = 100, target FY2030 = 1800
      expected(y) = 100 + 1700 × (y − 2013) / 17 = 100 + 100 (y − 2013)
      attainment(a) = (a − 100) / 1700 × 100
  I02 自動車分担率 % 減少: base FY2013 = 40, target FY2030 = 23
      expected(y) = 40 − (y − 2013);  attainment(a) = (a − 40) / (23 − 40) × 100
  A001 (D01, FY2021–), A002 (D01, FY2021–FY2023), A003 (D02, FY2022–)
"""
from __future__ import annotations

import pytest

from pipeline.ingest import contract as c
from pipeline.warehouse.schema import connect, db_path, version_token
from tests import factories as f
from tests.factories import action_row, indicator_row, partner_row

SUBMISSIONS = {
    "d01_2021": lambda: f.d01(2021),
    "d01_2022": lambda: f.d01(2022),
    "d01_2023": lambda: f.d01(2023, actions=[
        action_row("A001"),
        action_row("A002", COL_IMPLEMENTATION="未実施", COL_RESULT=None, COL_SELF_EVALUATION="C",
                   COL_DIRECTION_NEXT="縮小", COL_REVISION="対象施設を絞る")],
        indicators=[indicator_row("I01", 1000)]),                          # 2023: later replaced
    "d02_2023_v1": lambda: f.d02(2023, actions=[action_row("A003", COL_SELF_EVALUATION="A")],
                                 indicators=[indicator_row("I02", 30, 2017)],
                                 partners=[partner_row("A003", "学校", COL_ORGANISATION="旧版の学校")]),
    "d02_2023_v2": lambda: f.d02(2023, actions=[
        action_row("A003", COL_IMPLEMENTATION="一部実施", COL_SELF_EVALUATION="D",
                   COL_DIRECTION_NEXT="改善", COL_REVISION="ダイヤを見直す")]),
    "d01_2024": lambda: f.d01(2024, actions=[
        action_row("A001", COL_SELF_EVALUATION="−", COL_DIRECTION_NEXT="拡充")],
        indicators=[indicator_row("I01", 100, 2018),     # equal to base → 悪化
                    indicator_row("I01", 50, 2019),      # below base → 悪化
                    indicator_row("I01", 1800, 2020),    # exactly the target: 100 % → 達成
                    indicator_row("I01", 900, 2021),     # exactly on the path → 順調
                    indicator_row("I01", 500, 2022),     # behind, better than base → 遅れ
                    indicator_row("I01", 1150, 2023),    # replaces FY2023's 1000 (later FY wins)
                    indicator_row("I01", None, 2024)],   # not reported → 未報告
        partners=[partner_row("A001", "事業者", COL_ORGANISATION="工務店A", COL_PARTICIPANTS=12,
                              COL_CO2_REDUCTION=34.5, COL_COLLABORATION="相談会"),
                  partner_row("A001", "市民")]),
    "d02_2024": lambda: f.d02(2024, actions=[action_row("A003", COL_SELF_EVALUATION="A")],
                              indicators=[indicator_row("I02", 20, 2019),   # beyond target → 達成
                                          indicator_row("I02", 23, 2020),   # exactly 100 % → 達成
                                          indicator_row("I02", 32, 2021),   # exactly on path → 順調
                                          indicator_row("I02", 35, 2022),   # behind → 遅れ
                                          indicator_row("I02", 40, 2023),   # equal to base → 悪化
                                          indicator_row("I02", 45)],        # worse than base → 悪化
                              partners=[partner_row("A003", "国", COL_CO2_REDUCTION="1,000")]),
}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("wh") / "w.duckdb"
    f.load_master(path)
    for name, build in SUBMISSIONS.items():
        [report] = f.ingest_all(path, (name + ".xlsx", build()))
        assert report.accepted, (name, report.errors)
    return path


def rows(db, sql, params=()):
    with connect(db) as con:
        cur = con.execute(sql, list(params))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]


def attainment(db, code):
    return {r["fiscal_year"]: r for r in rows(
        db, "SELECT * FROM v_indicator_attainment WHERE indicator_code = ?", [code])}


# --- v_indicator_attainment -------------------------------------------------

def test_indicator_rows_fy_set(db):
    # FYs with an active submission: 2021, 2022, 2023, 2024; plus each reported FY.
    assert sorted(attainment(db, "I01")) == [2018, 2019, 2020, 2021, 2022, 2023, 2024]
    # 2017 came only from a superseded version: not shown.
    assert sorted(attainment(db, "I02")) == [2019, 2020, 2021, 2022, 2023, 2024]


@pytest.mark.parametrize("code,year,actual,expected,pct,status", [
    ("I01", 2018, 100, 600, 0.0, "悪化"),
    ("I01", 2019, 50, 700, -50 / 17, "悪化"),
    ("I01", 2020, 1800, 800, 100.0, "達成"),
    ("I01", 2021, 900, 900, 800 / 17, "順調"),
    ("I01", 2022, 500, 1000, 400 / 17, "遅れ"),
    ("I01", 2023, 1150, 1100, 1050 / 17, "順調"),
    ("I01", 2024, None, 1200, None, "未報告"),
    ("I02", 2019, 20, 34, 2000 / 17, "達成"),
    ("I02", 2020, 23, 33, 100.0, "達成"),
    ("I02", 2021, 32, 32, 800 / 17, "順調"),
    ("I02", 2022, 35, 31, 500 / 17, "遅れ"),
    ("I02", 2023, 40, 30, 0.0, "悪化"),
    ("I02", 2024, 45, 29, -500 / 17, "悪化"),
])
def test_attainment_expected_and_status(db, code, year, actual, expected, pct, status):
    r = attainment(db, code)[year]
    assert r["actual_value"] == actual
    assert r["expected_value"] == pytest.approx(expected)
    if pct is None:
        assert r["attainment_pct"] is None
    else:
        assert r["attainment_pct"] == pytest.approx(pct)
    assert r["status"] == status


def test_indicator_descriptive_columns(db):
    r = attainment(db, "I02")[2024]
    assert {k: r[k] for k in ("indicator_name", "unit", "direction", "base_year", "base_value",
                              "target_year", "target_value", "department_code", "measure_code",
                              "policy_code")} == {
        "indicator_name": "自動車分担率", "unit": "%", "direction": "減少", "base_year": 2013,
        "base_value": 40, "target_year": 2030, "target_value": 23, "department_code": "D02",
        "measure_code": "M21", "policy_code": "P2"}


def test_every_indicator_appears_in_every_submission_fy(tmp_path):
    path = tmp_path / "w.duckdb"
    f.load_master(path)
    before = version_token(path)
    f.ingest_all(path, f.d01(2024))                  # D01 only, no 指標実績 at all
    assert version_token(path) != before             # a landed write changes the cache key
    got = {(r["indicator_code"], r["fiscal_year"]): r for r in rows(path, "SELECT * FROM v_indicator_attainment")}
    assert sorted(got) == [("I01", 2024), ("I02", 2024)]     # I02 belongs to D02, who did not submit
    assert {k: (r["status"], r["actual_value"], r["attainment_pct"]) for k, r in got.items()} == {
        ("I01", 2024): ("未報告", None, None), ("I02", 2024): ("未報告", None, None)}
    assert got[("I02", 2024)]["expected_value"] == pytest.approx(29)


def test_later_submission_fy_wins_over_a_later_load(tmp_path):
    path = tmp_path / "w.duckdb"
    f.load_master(path)
    f.ingest_all(path, f.d01(2023, indicators=[indicator_row("I01", 1000)]))
    f.ingest_all(path, f.d01(2024, indicators=[indicator_row("I01", 1150, 2023)]))
    assert attainment(path, "I01")[2023]["actual_value"] == 1150
    # A resubmission of FY2023 loaded later still loses: the submission FY decides.
    f.ingest_all(path, f.d01(2023, indicators=[indicator_row("I01", 1010)]))
    assert attainment(path, "I01")[2023]["actual_value"] == 1150
    # A blank in the later FY does not erase the earlier FY's value (decision).
    f.ingest_all(path, f.d01(2024, indicators=[indicator_row("I01", None, 2023)]))
    assert attainment(path, "I01")[2023]["actual_value"] == 1010


def test_indicator_status_words_are_the_contract_words(db):
    assert {r["status"] for r in rows(db, "SELECT status FROM v_indicator_attainment")} <= set(c.STATUSES)


# --- v_pdca_status -----------------------------------------------------------

def pdca(db):
    return {(r["fiscal_year"], r["action_code"]): r for r in rows(db, "SELECT * FROM v_pdca_status")}


def test_pdca_rows_are_active_actions_in_submission_fys(db):
    assert sorted(pdca(db)) == [
        (2021, "A001"), (2021, "A002"),                      # A003 starts FY2022
        (2022, "A001"), (2022, "A002"), (2022, "A003"),
        (2023, "A001"), (2023, "A002"), (2023, "A003"),
        (2024, "A001"), (2024, "A003")]                      # A002 ended FY2023


@pytest.mark.parametrize("key,flags,stages,grade,direction", [
    ((2021, "A001"), (True, True, True, True), 4, "B", "継続"),
    ((2022, "A003"), (True, False, False, False), 1, None, None),      # not reported by D02
    ((2023, "A002"), (True, False, True, True), 3, "C", "縮小"),       # 未実施 with grade and direction
    ((2023, "A003"), (True, True, True, True), 4, "D", "改善"),        # v2, with 見直し内容
    ((2024, "A001"), (True, True, False, True), 3, "−", "拡充"),       # − grade: no C
    ((2024, "A003"), (True, True, True, True), 4, "A", "継続"),
])
def test_pdca_stages(db, key, flags, stages, grade, direction):
    r = pdca(db)[key]
    assert (r["plan"], r["do"], r["check"], r["act"]) == flags
    assert r["stages"] == stages
    assert (r["self_evaluation"], r["direction"]) == (grade, direction)


def test_pdca_descriptive_columns(db):
    r = pdca(db)[(2023, "A003")]
    assert (r["action_name"], r["department_code"], r["measure_code"], r["policy_code"]) == \
        ("バス路線の再編", "D02", "M21", "P2")


def test_pdca_act_needs_revision_text_where_required(tmp_path):
    # 改善 without 見直し内容 cannot be loaded; put one in directly to test the view.
    path = tmp_path / "w.duckdb"
    f.load_master(path)
    f.ingest_all(path, f.d01(2024))
    with connect(path, write=True) as con:
        for revision, act in ((None, False), ("  ", False), ("対象を拡大", True)):
            con.execute("UPDATE action_reports SET direction = '改善', revision_text = ?", [revision])
            r = con.execute("SELECT act, stages FROM v_pdca_status WHERE action_code = 'A001'").fetchone()
            assert r == (act, 3 + act)
        for direction in ("縮小", "休止・廃止"):
            con.execute("UPDATE action_reports SET direction = ?, revision_text = NULL", [direction])
            assert con.execute("SELECT act FROM v_pdca_status WHERE action_code = 'A001'").fetchone()[0] is False
        for direction in ("拡充", "継続", "完了"):
            con.execute("UPDATE action_reports SET direction = ?, revision_text = NULL", [direction])
            assert con.execute("SELECT act FROM v_pdca_status WHERE action_code = 'A001'").fetchone()[0] is True


# --- v_stakeholder_contributions -------------------------------------------------

def test_stakeholder_rows(db):
    got = rows(db, "SELECT fiscal_year, action_code, department_code, measure_code, policy_code, "
                   "stakeholder_type, organisation, participants, co2_reduction_t "
                   "FROM v_stakeholder_contributions")
    assert sorted(tuple(r.values()) for r in got) == sorted([
        (2024, "A001", "D01", "M11", "P1", "市民", None, None, None),
        (2024, "A001", "D01", "M11", "P1", "事業者", "工務店A", 12, 34.5),
        (2024, "A003", "D02", "M21", "P2", "国", None, None, 1000.0),
    ])                                     # the superseded version's 学校 row is not there


# --- v_emissions ---------------------------------------------------------------

def test_emissions_view(db):
    got = {(r["fiscal_year"], r["sector"], r["kind"]): r["kt_co2"]
           for r in rows(db, "SELECT * FROM v_emissions")}
    assert got == {(e[c.COL_FISCAL_YEAR], e[c.COL_SECTOR], e[c.COL_KIND]): e[c.COL_EMISSIONS]
                   for e in f.EMISSIONS}


# --- v_submissions ---------------------------------------------------------------

def test_submissions_view_statuses(db):
    got = rows(db, "SELECT submission_id, department_code, fiscal_year, file_name, sha256, "
                   "loaded_at, loaded_by, status FROM v_submissions ORDER BY submission_id")
    assert [(r["file_name"], r["department_code"], r["fiscal_year"], r["status"]) for r in got] == [
        ("d01_2021.xlsx", "D01", 2021, "active"),
        ("d01_2022.xlsx", "D01", 2022, "active"),
        ("d01_2023.xlsx", "D01", 2023, "active"),
        ("d02_2023_v1.xlsx", "D02", 2023, "superseded"),
        ("d02_2023_v2.xlsx", "D02", 2023, "active"),
        ("d01_2024.xlsx", "D01", 2024, "active"),
        ("d02_2024.xlsx", "D02", 2024, "active"),
    ]
    assert all(len(r["sha256"]) == 64 and r["loaded_at"] is not None for r in got)


def test_views_show_only_active_submissions(db):
    with connect(db) as con:
        superseded = con.execute("SELECT submission_id FROM v_submissions WHERE status = 'superseded'"
                                 ).fetchall()
        assert len(superseded) == 1
        sid = superseded[0][0]
        for view in ("v_indicator_attainment", "v_pdca_status", "v_stakeholder_contributions"):
            n = con.execute(f"SELECT count(*) FROM {view} WHERE submission_id = ?", [sid]).fetchone()[0]
            assert n == 0, view


def test_view_columns_at_least_the_contract(db):
    required = {
        "v_indicator_attainment": "fiscal_year, indicator_code, indicator_name, unit, direction, "
        "base_year, base_value, target_year, target_value, actual_value, expected_value, "
        "attainment_pct, status, department_code, measure_code, policy_code",
        "v_pdca_status": "fiscal_year, action_code, action_name, department_code, measure_code, "
        "policy_code, plan, do, check, act, stages, self_evaluation, direction",
        "v_stakeholder_contributions": "fiscal_year, action_code, department_code, measure_code, "
        "policy_code, stakeholder_type, organisation, participants, co2_reduction_t",
        "v_emissions": "fiscal_year, sector, kind, kt_co2",
        "v_submissions": "submission_id, department_code, fiscal_year, file_name, sha256, loaded_at, "
        "loaded_by, status",
    }
    with connect(db) as con:
        for view, cols in required.items():
            names = {d[0] for d in con.execute(f"SELECT * FROM {view} LIMIT 0").description}
            assert set(cols.split(", ")) <= names, view
        types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                 "WHERE table_name = 'v_pdca_status'").fetchall())
        assert {types[k] for k in ("plan", "do", "check", "act")} == {"BOOLEAN"}


# --- connection helpers ------------------------------------------------------------

def test_db_path_precedence(monkeypatch, tmp_path):
    monkeypatch.delenv("PDCA_DB", raising=False)
    assert str(db_path()) == "data/warehouse.duckdb"
    monkeypatch.setenv("PDCA_DB", str(tmp_path / "env.duckdb"))
    assert db_path() == tmp_path / "env.duckdb"
    assert db_path(tmp_path / "arg.duckdb") == tmp_path / "arg.duckdb"
