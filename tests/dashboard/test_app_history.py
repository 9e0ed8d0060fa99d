"""AppTest of the history page (提出履歴): versions, restore (HQ, audited), provenance, audit log."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from pipeline.ingest import contract as c
from pipeline.warehouse import audit
from pipeline.access import auth
from pipeline import load
from pipeline.analysis import attainment, common
from pipeline.texts import history as htxt
from pipeline.dashboard.sign_in import SESSION_USER
from pipeline.warehouse.schema import connect
from tests.upload_fixtures import (ROOT, _template_warehouse, d01_workbook, d02_workbook,  # noqa: F401
                                   db, fast_hashing)

PAGE = str(ROOT / "pages" / "history.py")


@pytest.fixture
def versions(db):
    """D01 FY2023: v1 (I01 = 500) superseded by v2 (I01 = 650); D02: one version."""
    for name, data, who in (("v1.xlsx", d01_workbook(500), "d1"), ("v2.xlsx", d01_workbook(650), "d1"),
                            ("d02.xlsx", d02_workbook(30), "d2")):
        assert load.ingest_bytes([(name, data)], db, loaded_by=who)[0].accepted
    return db


def page(username: str | None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    if username:
        at.session_state[SESSION_USER] = username
    at.run()
    assert not at.exception, at.exception
    return at


def version_box(at: AppTest):
    """The version dropdown (its key follows its labels: pages/history.py)."""
    return next(s for s in at.selectbox if s.label == htxt.VERSION_SELECT)


def statuses(db) -> list[str]:
    with connect(db) as con:
        return [r[0] for r in con.execute("SELECT status FROM submissions ORDER BY submission_id").fetchall()]


def test_every_version_is_listed_with_who_when_file_and_hash(versions):
    at = page("d1")
    # a department's clerk opens on their own department's versions
    assert at.selectbox(key="history_department").value == "D01"
    assert at.dataframe[0].value["submission_id"].tolist() == [2, 1]
    at.selectbox(key="history_department").select_index(0).run()
    table = at.dataframe[0].value
    assert table[["submission_id", "department_code", "file_name", "loaded_by", "status"]].values.tolist() == [
        [2, "D01", "v2.xlsx", "d1", "現在の版"], [1, "D01", "v1.xlsx", "d1", "以前の版"],
        [3, "D02", "d02.xlsx", "d2", "現在の版"]]
    assert all(len(h) == 64 for h in table["sha256"])
    assert table["loaded_at"].notna().all()
    at.selectbox(key="history_department").set_value("D02").run()
    assert at.dataframe[0].value["submission_id"].tolist() == [3]


def test_hq_restores_an_earlier_version_and_it_is_audited(versions):
    at = page("hq")
    version_box(at).set_value(1).run()
    at.button(key="history_restore").click().run()
    assert not at.exception, at.exception
    assert "提出ID 1" in at.success[0].value
    # the dropdown still shows the restored version, now labelled as the current one
    assert version_box(at).value == 1
    assert version_box(at).format_func(1).endswith(f"（{htxt.STATUS_LABELS[c.SUBMISSION_ACTIVE]}）")
    assert statuses(versions) == [c.SUBMISSION_ACTIVE, c.SUBMISSION_SUPERSEDED, c.SUBMISSION_ACTIVE]
    # The dashboards now show v1's value; nothing was deleted.
    table = attainment.attainment_table(versions, common.Filters(fiscal_year=2023))
    assert table.set_index("indicator_code").loc["I01", "actual_value"] == 500
    audit_rows = at.dataframe[-2].value                      # the HQ audit tab
    assert audit_rows.iloc[0][["actor", "action", "target"]].tolist() == ["hq", "版の復元", "v1.xlsx"]


def test_department_cannot_restore(versions):
    at = page("d1")
    version_box(at).set_value(1).run()
    assert not [b for b in at.button if b.key == "history_restore"]
    assert any("推進本部" in m.value for m in at.caption)
    assert statuses(versions) == [c.SUBMISSION_SUPERSEDED, c.SUBMISSION_ACTIVE, c.SUBMISSION_ACTIVE]


def test_original_download_only_for_own_department_or_hq(versions):
    at = page("d1")
    at.selectbox(key="history_department").select_index(0).run()
    version_box(at).set_value(3).run()
    assert not [b for b in at.get("download_button")]
    version_box(at).set_value(2).run()
    assert len(at.get("download_button")) == 1
    hq = page("hq")
    version_box(hq).set_value(3).run()
    assert len(hq.get("download_button")) == 1


def test_audit_log_is_for_hq_only(versions):
    assert [t.label for t in page("d1").tabs] == ["版の一覧", "数値の出典"]
    hq = page("hq")
    assert [t.label for t in hq.tabs] == ["版の一覧", "数値の出典", "監査ログ", "アカウント"]
    log = hq.dataframe[-2].value
    assert log["action"].tolist()[:3] == ["提出", "提出", "提出"]
    hq.multiselect(key="audit_actions").set_value(["account"]).run()
    assert set(hq.dataframe[-2].value["action"]) == {"アカウント変更"}


def test_provenance_names_file_sheet_and_cell(versions):
    at = page("viewer")
    sources = at.dataframe[2].value                       # versions, rows of version, sources
    assert sources[["code", "value", "file_name", "sheet", "cell"]].values.tolist() == [
        ["I01", 650.0, "v2.xlsx", c.SHEET_INDICATORS, "C2"], ["I02", 30.0, "d02.xlsx", c.SHEET_INDICATORS, "C2"]]
    at.selectbox(key="provenance_kind").set_value("action").run()
    actions = at.dataframe[2].value
    assert actions[["code", "file_name", "cell"]].values.tolist() == [
        ["A001", "v2.xlsx", "A2"], ["A002", "v2.xlsx", "A3"], ["A003", "d02.xlsx", "A2"]]


def test_anonymous_sees_nothing(versions):
    at = page(None)
    assert at.info and at.text_input(key="auth_username_page") and not at.dataframe


def test_hq_manages_accounts_in_the_app(versions):
    at = page("hq")
    assert at.dataframe[-1].value["username"].tolist() == ["d1", "d2", "hq", "viewer"]
    at.text_input(key="account_username").input("k9")
    at.selectbox(key="account_role").set_value(auth.ROLE_DEPARTMENT)
    at.selectbox(key="account_department").set_value("D02")
    at.text_input(key="account_password").input("k9-password-1")
    next(b for b in at.button if b.label == "追加する").click().run()
    assert not at.exception, at.exception
    assert "k9" in at.success[0].value
    assert auth.authenticate(versions, "k9", "k9-password-1").user.department_code == "D02"
    at.text_input(key="account_username").input("bad")
    at.selectbox(key="account_role").set_value(auth.ROLE_DEPARTMENT)
    at.text_input(key="account_password").input("bad-password-1")
    next(b for b in at.button if b.label == "追加する").click().run()
    assert "--department" in at.error[0].value and auth.get_user(versions, "bad") is None
    at.selectbox(key="account_remove").set_value("k9")
    at.button(key="account_remove_button").click().run()
    assert auth.get_user(versions, "k9") is None
    assert "hq" not in at.selectbox(key="account_remove").options     # never oneself
    with connect(versions) as con:
        events = audit.audit_log(con, actions=["account"], actor="hq")
    assert events["target"].tolist()[:2] == ["k9", "k9"]


def test_provenance_of_facility_energy_names_its_month_cells(db):
    """The "energy" kind: one row per facility × activity × supplier × menu, the cells it sums."""
    from tests import operations_factories as of
    of.load_ops(db)
    months = [100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210]        # 1,860 kWh
    data = of.d01_energy(2024, [of.energy_row("F001", "電気", "kWh", months=months, COL_SUPPLIER="A電力"),
                                of.energy_row("F001", "電気", "千kWh", annual=1.5),
                                of.energy_row("F001", "都市ガス", "m3", annual=100)])
    report = load.ingest_bytes([("energy.xlsx", data)], db, loaded_by="d1")[0]
    assert report.accepted, report.errors
    at = page("viewer")
    at.selectbox(key="provenance_kind").set_value("energy").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="provenance_year").value == 2024
    sources = at.dataframe[2].value
    assert sources[["code", "name", "department_code", "file_name", "sheet", "cell"]].values.tolist() == [
        ["F001", "本庁舎", "D01", "energy.xlsx", c.SHEET_ENERGY, "S4"],
        ["F001", "本庁舎", "D01", "energy.xlsx", c.SHEET_ENERGY, "G2:R2"],
        ["F001", "本庁舎", "D01", "energy.xlsx", c.SHEET_ENERGY, "S3"]]
    # amount in 基準単位 and t-CO2 by hand: 100 m3 × 2.23; 1,860 kWh × 0.38 (A電力 FY2024);
    # 1.5 千kWh = 1,500 kWh × 0.44 (代替値 FY2024)
    assert sources["value"].tolist() == ["都市ガス / 100 m3 / 0.223 t-CO2",
                                         "電気 / A電力 / 1,860 kWh / 0.707 t-CO2",
                                         "電気 / 1,500 kWh / 0.660 t-CO2"]
    # the version's own rows list the エネルギー使用量 rows with their 施設コード cells
    version_box(at).set_value(report.submission_id).run()
    rows = at.dataframe[1].value
    energy = rows[rows["sheet"] == c.SHEET_ENERGY]
    assert energy[["cell", "code"]].values.tolist() == [["A2", "F001"], ["A3", "F001"], ["A4", "F001"]]
