"""AppTest of the upload page (提出): check → preview → confirm/cancel, and who may upload.

streamlit 1.67's AppTest drives `st.file_uploader` directly
(`at.file_uploader[0].upload(name, bytes)`), so no test hook is needed in the page.
"""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from pipeline.ingest import contract as c
from pipeline.analysis import attainment, common
from pipeline.dashboard.sign_in import SESSION_USER, SIDEBAR_BOX
from pipeline.texts.auth import SIGN_IN_HEADING
from pipeline.warehouse.schema import connect
from tests import factories as f
from tests.upload_fixtures import (PASSWORDS, ROOT, _template_warehouse, d01_workbook,  # noqa: F401
                                   d02_workbook, db, fast_hashing)

PAGE = str(ROOT / "pages" / "upload.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def page(username: str | None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    if username:
        at.session_state[SESSION_USER] = username
    at.run()
    assert not at.exception, at.exception
    return at


def upload(at: AppTest, name: str, data: bytes, year: int = 2023) -> AppTest:
    at.selectbox(key="upload_year").set_value(year)
    uploader = next(u for u in at.file_uploader if u.key.startswith("upload_file_"))
    uploader.upload(name, data, XLSX).run()
    assert not at.exception, at.exception
    return at


def stored(db) -> list[tuple]:
    with connect(db) as con:
        return con.execute("SELECT submission_id, department_code, status, loaded_by, file_name "
                           "FROM submissions ORDER BY submission_id").fetchall()


def test_valid_upload_preview_commit_and_visible(db):
    at = upload(page("d1"), "v1.xlsx", d01_workbook(500))
    assert stored(db) == []                                   # nothing written before confirming
    assert [m.value for m in at.metric] == ["3", "0", "0", "0 / 0"]   # A001, A002, I01 new
    assert any("初めての提出" in m.value for m in at.markdown)
    actions, indicators = at.dataframe[0].value, at.dataframe[1].value
    assert set(actions[c.COL_ACTION_CODE]) == {"A001", "A002"}
    assert indicators[[c.COL_INDICATOR_CODE, "変更前", "変更後"]].values.tolist() == [["I01", "（空欄）", "500"]]
    at.button(key="upload_confirm").click().run()
    assert not at.exception, at.exception
    assert stored(db) == [(1, "D01", c.SUBMISSION_ACTIVE, "d1", "v1.xlsx")]
    assert [s.value for s in at.success] and "提出ID: 1" in at.success[0].value
    assert at.file_uploader[0].value is None                  # the form is reset for the next file
    table = attainment.attainment_table(db, common.Filters(fiscal_year=2023))
    assert table.set_index("indicator_code").loc["I01", "actual_value"] == 500


def test_resubmission_previews_before_after(db):
    at = upload(page("d1"), "v1.xlsx", d01_workbook(500, "B"))
    at.button(key="upload_confirm").click().run()
    upload(at, "v2.xlsx", d01_workbook(650, "A"))
    assert [m.value for m in at.metric] == ["0", "2", "0", "0 / 0"]
    assert at.dataframe[0].value[["項目", "変更前", "変更後"]].values.tolist() == [
        [c.COL_SELF_EVALUATION, "B", "A"]]
    assert at.dataframe[1].value[["変更前", "変更後"]].values.tolist() == [["500", "650"]]
    at.button(key="upload_confirm").click().run()
    assert [s[2] for s in stored(db)] == [c.SUBMISSION_SUPERSEDED, c.SUBMISSION_ACTIVE]
    assert "提出ID: 2" in at.success[0].value


def test_invalid_upload_shows_errors_and_writes_nothing(db):
    bad = f.submission(2023, "D01", actions=[f.action_row("A001", COL_SELF_EVALUATION="Z"),
                                             f.action_row("A002", COL_RESULT=None)])
    at = upload(page("d1"), "bad.xlsx", bad)
    assert "2 件" in at.error[0].value
    errors = at.dataframe[0].value
    assert errors.columns.tolist() == ["シート", "セル", "入力値", "内容"]
    assert sorted(errors["セル"]) == ["F3", "G2"]
    assert "Z" in errors["入力値"].tolist()
    assert not [b for b in at.button if b.key == "upload_confirm"]
    assert stored(db) == []


def test_warnings_are_shown_separately_and_do_not_block(db):
    # A002 is active in FY2023 but not reported: a warning.
    data = f.submission(2023, "D01", actions=[f.action_row("A001")])
    at = upload(page("d1"), "partial.xlsx", data)
    assert not at.error
    assert "A002" in at.dataframe[0].value["内容"].iloc[0]
    at.button(key="upload_confirm").click().run()
    assert len(stored(db)) == 1


def test_cancel_writes_nothing(db):
    at = upload(page("d1"), "v1.xlsx", d01_workbook())
    at.button(key="upload_cancel").click().run()
    assert stored(db) == []
    assert "取り消しました" in at.info[0].value
    assert at.file_uploader[0].value is None


def test_department_cannot_upload_for_another_department(db):
    at = upload(page("d1"), "d02.xlsx", d02_workbook())
    assert "D02" in at.dataframe[0].value["内容"].iloc[0]
    assert not [b for b in at.button if b.key == "upload_confirm"]
    assert at.selectbox(key="upload_department").options == ["D01 " + f.DEPARTMENTS[0][c.COL_DEPARTMENT_NAME]]
    assert stored(db) == []


def test_hq_can_upload_for_any_department(db):
    at = upload(page("hq"), "d02.xlsx", d02_workbook())
    assert len(at.selectbox(key="upload_department").options) == 2
    at.button(key="upload_confirm").click().run()
    assert stored(db) == [(1, "D02", c.SUBMISSION_ACTIVE, "hq", "d02.xlsx")]


def test_wrong_year_is_an_error(db):
    at = upload(page("d1"), "v1.xlsx", d01_workbook(), year=2024)
    assert "2023年度" in at.dataframe[0].value["内容"].iloc[0]
    assert stored(db) == []


@pytest.mark.parametrize("who", [None, "viewer", "removed"])
def test_anonymous_and_viewers_get_no_upload_form(db, who):
    at = page(who)
    if who == "viewer":
        assert "権限" in at.warning[0].value
    else:                                  # nobody signed in: the sign-in form in the page
        assert "サインイン" in at.info[0].value
        assert at.text_input(key="auth_username_page")
    assert not at.file_uploader
    assert stored(db) == []


def test_a_role_change_applies_at_once(db):
    at = page("d1")
    assert at.file_uploader
    from pipeline.access import auth
    auth.add_account(db, "d1", "another-pass-1", auth.ROLE_VIEWER, replace=True, actor="test")
    at.run()
    assert not at.file_uploader and at.warning


def test_stale_preview_asks_to_look_again(db):
    at = upload(page("d1"), "mine.xlsx", d01_workbook(500))
    # Another session commits for the same department and FY meanwhile.
    other = page("hq")
    upload(other, "theirs.xlsx", d01_workbook(999))
    other.button(key="upload_confirm").click().run()
    at.button(key="upload_confirm").click().run()
    assert not at.exception
    assert "もう一度" in at.warning[0].value
    assert [s[4] for s in stored(db)] == ["theirs.xlsx"]
    # The refreshed preview compares with the new version; confirming now lands.
    assert any("提出ID 1" in m.value for m in at.markdown)
    at.button(key="upload_confirm").click().run()
    assert [s[4] for s in stored(db)] == ["theirs.xlsx", "mine.xlsx"]


def test_app_shows_the_sign_in_box(db):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert [e.label for e in at.sidebar.expander][-1] == SIGN_IN_HEADING   # folded until opened
    at.session_state[SIDEBAR_BOX] = True
    at.run()
    assert [t.key for t in at.sidebar.text_input] == ["auth_username", "auth_password"]


# AppTest in 1.67 drops the entry script's sidebar after `switch_page` under
# st.navigation, so this harness runs the sign-in box and then the page, as app.py does.
HARNESS = f"""
import runpy
from pipeline.dashboard import sign_in
sign_in.render_sign_in()
runpy.run_path({PAGE!r})
"""


def test_sign_in_through_the_sidebar_then_upload(db):
    at = AppTest.from_string(HARNESS, default_timeout=60)
    at.run()
    assert not at.file_uploader and at.info               # anonymous: no upload form
    at.session_state[SIDEBAR_BOX] = True                  # open the sidebar's sign-in box
    at.run()
    at.sidebar.text_input(key="auth_username").input("d1")
    at.sidebar.text_input(key="auth_password").input(PASSWORDS["d1"])
    at.sidebar.button[0].click().run()
    assert not at.exception, at.exception
    assert at.session_state[SESSION_USER] == "d1"
    upload(at, "v1.xlsx", d01_workbook(500))
    at.button(key="upload_confirm").click().run()
    assert stored(db) == [(1, "D01", c.SUBMISSION_ACTIVE, "d1", "v1.xlsx")]


def test_busy_warehouse_shows_a_retry_message_and_keeps_the_preview(db, monkeypatch):
    from pipeline import load
    from pipeline.access import uploads
    from pipeline.warehouse.schema import WarehouseBusy
    real = load.ingest_bytes

    def busy_writer(files, db=None, *, dry_run=False, **kwargs):
        if not dry_run:
            raise WarehouseBusy(uploads.txt.BUSY)
        return real(files, db, dry_run=dry_run, **kwargs)

    at = upload(page("d1"), "v1.xlsx", d01_workbook())
    monkeypatch.setattr(load, "ingest_bytes", busy_writer)
    at.button(key="upload_confirm").click().run()
    assert not at.exception, at.exception
    assert "もう一度お試しください" in at.error[0].value
    assert stored(db) == []
    monkeypatch.setattr(load, "ingest_bytes", real)          # the retry succeeds
    at.button(key="upload_confirm").click().run()
    assert len(stored(db)) == 1


def test_hq_loads_a_revised_master_from_the_page(db):
    revised = f.small_master(**{c.MASTER_ACTIONS: [dict(a, **{c.COL_ACTION_NAME: a[c.COL_ACTION_NAME] + "（改定）"})
                                                   for a in f.ACTIONS]})
    at = page("hq")
    master = next(u for u in at.file_uploader if u.key.startswith("master_file_"))
    master.upload("master_v2.xlsx", revised, XLSX).run()
    at.button(key="master_load").click().run()
    assert not at.exception, at.exception
    assert "版 2" in at.success[0].value
    with connect(db) as con:
        assert con.execute("SELECT action_name FROM v_actions WHERE action_code = 'A001'").fetchone()[0] \
            .endswith("（改定）")
        assert con.execute("SELECT actor FROM audit_log WHERE action = 'master' ORDER BY event_id DESC"
                           ).fetchone()[0] == "hq"
    assert not [u for u in page("d1").file_uploader if u.key.startswith("master_file_")]


def test_preview_lists_energy_changes_in_the_base_unit_with_their_effect(db):
    from tests import operations_factories as of
    of.load_ops(db)
    months = [100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210]     # 1,860 kWh
    first = of.d01_energy(2024, [of.energy_row("F001", "電気", "kWh", months=months, COL_SUPPLIER="A電力"),
                                 of.energy_row("F001", "灯油", "L", annual=200)])
    at = upload(page("d1"), "v1.xlsx", first, year=2024)
    energy = next(d.value for d in at.dataframe if c.COL_FACILITY_CODE in d.value.columns)
    assert energy[["施設名", c.COL_ACTIVITY, "区分", "変更後", c.COL_BASE_UNIT]].values.tolist() == [
        ["本庁舎", "電気", "新規", "1,860", "kWh"], ["本庁舎", "灯油", "新規", "200", "L"]]
    assert any("エネルギー使用量 2 行" in m.value for m in at.caption)
    at.button(key="upload_confirm").click().run()
    assert [s[4] for s in stored(db)] == ["v1.xlsx"]
    # v2: 2 千kWh instead of 1,860 kWh, 都市ガス new, 灯油 gone
    second = of.d01_energy(2024, [of.energy_row("F001", "電気", "千kWh", annual=2, COL_SUPPLIER="A電力"),
                                  of.energy_row("F001", "都市ガス", "m3", annual=100)])
    upload(at, "v2.xlsx", second, year=2024)
    assert [m.value for m in at.metric] == ["1", "1", "1", "0 / 0"]
    energy = next(d.value for d in at.dataframe if c.COL_FACILITY_CODE in d.value.columns)
    assert energy[[c.COL_ACTIVITY, c.COL_SUPPLIER, "区分", "変更前", "変更後", c.COL_BASE_UNIT,
                   "排出量の増減（t-CO2）"]].values.tolist() == [
        ["電気", "A電力", "変更", "1,860", "2,000", "kWh", "+0.053"],        # 140 kWh × 0.38
        ["都市ガス", "", "新規", "（空欄）", "100", "m3", "+0.223"],          # 100 m3 × 2.23
        ["灯油", "", "削除", "200", "（空欄）", "L", "-0.498"]]               # 200 L × 2.49
    assert any("-0.222 t-CO2" in m.value for m in at.caption)
