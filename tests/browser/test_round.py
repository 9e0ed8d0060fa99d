"""End to end, HQ's round on the 提出状況 page: set the FY's deadline, see who still owes what,
download the reminders as a zip of .eml files (the demo has K10 and K18 missing for FY2025)."""
from __future__ import annotations

import io
import zipfile

import pytest

from pipeline.access import auth
from pipeline.notify import mail
from pipeline.texts import round as rtxt
from tests.browser import helpers
from tests.browser.helpers import MAIN, goto, problems, rerun

pytestmark = pytest.mark.browser

HQ = next((name, password) for name, password, role, _ in auth.DEMO_ACCOUNTS if role == auth.ROLE_HQ)


def test_hq_sets_a_deadline_and_downloads_the_reminders(flow_page, flow_url, tmp_path):
    page = goto(flow_page, flow_url, "submissions", fy="2025")
    helpers.sign_in(page, *HQ)
    main = page.locator(MAIN)
    # Streamlit's date input is a segmented field (year, month, day spin buttons): type into it.
    field = main.get_by_label(rtxt.DEADLINE_LABEL, exact=True)
    field.locator('[role="spinbutton"]').first.click()
    page.keyboard.type("20260605")
    rerun(page, main.get_by_role("button", name=rtxt.DEADLINE_SAVE, exact=True).click)
    main.get_by_text(rtxt.DEADLINE_SAVED).wait_for()
    # the save ends with st.rerun(): the flash shows while that second run may still be going;
    # a click before it ends can hit the first run's download button, whose file is revoked
    helpers.wait_ready(page)
    assert "2025年度の提出期限は2026年6月5日（金）です。" in main.inner_text()
    assert problems(page) == []

    with page.expect_download() as info:
        main.get_by_role("button", name=rtxt.REMIND_ZIP).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "reminders_2025.zip"
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert {"2025_K10.eml", "2025_K18.eml"} <= set(names)
        msg = mail.parse(z.read("2025_K10.eml"))
    assert msg["To"] == "zc-k10@example.invalid"
    assert msg["Subject"] == "【2025年度 取組状況報告】ご提出のお願い（提出期限 6月5日）"
    assert "■ 提出期限: 2026年6月5日（金）" in msg.get_content().replace("\r\n", "\n")
