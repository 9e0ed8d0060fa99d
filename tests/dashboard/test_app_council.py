"""AppTest: HQ adds an opinion, a response and a follow-up status; others cannot."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipeline.access import auth
from pipeline import council
from pipeline.texts import council as txt
from pipeline.dashboard.sign_in import SESSION_USER
from tests import factories as f

PAGE = Path(__file__).resolve().parents[2] / "pages" / "council.py"


@pytest.fixture()
def db(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    f.load_master(db)
    assert all(r.accepted for r in f.ingest_all(db, f.d01(2023), f.d01(2024)))
    auth.add_account(db, "hq1", "password-hq1", auth.ROLE_HQ)
    auth.add_account(db, "dept1", "password-d1", auth.ROLE_DEPARTMENT, department_code="D01")
    monkeypatch.setenv("PDCA_DB", str(db))
    return db


def _page(user: str | None) -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    if user:
        at.session_state[SESSION_USER] = user
    return at.run()


def _form_button(at, label):
    return next(b for b in at.button if b.label == label)


def test_hq_adds_opinion_response_and_status(db):
    at = _page("hq1")
    assert not at.exception
    at.selectbox(key="council_year").set_value(2023)
    at.run()
    at.text_area(key="council_text").input("再エネ導入の進捗を部門別に示すこと")
    _form_button(at, txt.BUTTON_ADD).click()
    at.run()
    assert not at.exception
    frame = council.opinions(db, 2023)
    assert list(frame["opinion_text"]) == ["再エネ導入の進捗を部門別に示すこと"]

    at.text_area(key="council_response_text").input("部門別の内訳を掲載する")
    _form_button(at, txt.BUTTON_RESPONSE).click()
    at.run()
    at.selectbox(key="council_status_value").set_value(txt.STATUS_DONE)
    _form_button(at, txt.BUTTON_STATUS).click()
    at.run()
    assert not at.exception
    row = council.opinions(db, 2023).iloc[0]
    assert (row["response_text"], row["status"], row["status_year"]) == \
        ("部門別の内訳を掲載する", txt.STATUS_DONE, 2024)


@pytest.mark.parametrize("user", [None, "dept1"])
def test_non_hq_sees_no_forms(db, user):
    at = _page(user)
    assert not at.exception
    assert any(txt.HQ_ONLY in i.value for i in at.info)
    assert not [b for b in at.button if b.label == txt.BUTTON_ADD]


def test_hq_signs_in_on_the_page_itself(db):
    at = _page(None)
    at.text_input(key="auth_username_page").input("hq1")
    at.text_input(key="auth_password_page").input("password-hq1")
    at.main.button[-1].click().run()
    assert not at.exception, at.exception
    assert [b for b in at.button if b.label == txt.BUTTON_ADD]
    assert not [t for t in at.text_input if t.key == "auth_username_page"]


def test_hq_records_a_citizens_opinion_and_publishes_it(db):
    at = _page("hq1")
    at.selectbox(key="council_year").set_value(2023)
    at.run()
    at.selectbox(key="council_source").set_value("市民")
    at.text_area(key="council_text").input("駅前に駐輪場を増やしてほしい")
    _form_button(at, txt.BUTTON_ADD).click()
    at.run()
    assert not at.exception
    row = council.opinions(db, 2023).iloc[0]
    assert (row["source"], bool(row["published"])) == ("市民", False)
    at.toggle(key="council_publish_value").set_value(True)
    _form_button(at, txt.BUTTON_PUBLISH).click()
    at.run()
    assert not at.exception
    assert bool(council.opinions(db, 2023).iloc[0]["published"])
    assert list(council.public_opinions(db)["opinion_text"]) == ["駅前に駐輪場を増やしてほしい"]


def test_form_words_are_the_right_ones(db):
    """The add form's 公表 choice is labelled 公表 (not the cycle form's date label), the target
    box names its empty choice, and the year reads like every other page's."""
    at = _page("hq1")
    assert at.radio(key="council_published_choice").label == txt.LABEL_PUBLISH_CHOICE
    assert at.selectbox(key="council_target").format_func(None) == txt.NO_TARGET
    assert at.selectbox(key="council_year").format_func(2024).startswith("2024年度（")
    assert at.date_input(key="council_published").label == txt.LABEL_PUBLISHED


def test_page_opens_on_the_latest_year_with_opinions(db):
    council.add_opinion(db, 2023, txt.LEVEL_PLAN, None, "意見", auth.User("hq1", auth.ROLE_HQ))
    at = _page(None)
    assert at.selectbox(key="council_year").value == 2023
