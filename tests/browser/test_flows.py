"""End-to-end flows with the demo accounts, on their own server (`flow_url`).

A department signs in, downloads its pre-filled template, fills it with
openpyxl as a person would, uploads it, checks the preview, commits, and
finds its figures on the attainment page; a workbook with a bad cell shows
the cell-located error; HQ restores an earlier version on the history page.
"""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from pipeline.access import auth
from pipeline.ingest import contract as c
from pipeline.texts import dashboard as dtxt
from pipeline.texts import history as htxt
from pipeline.texts import upload as utxt
from tests.browser import helpers
from tests.browser.helpers import (MAIN, goto, metrics, problems, rerun, selected,
                                   wait_ready)
from tests.ingest.test_template import fill_template_example, header_map

pytestmark = pytest.mark.browser

ACCOUNTS = {name: (password, role, dept) for name, password, role, dept in auth.DEMO_ACCOUNTS}
DEPT_USER = next(name for name, (_, role, _) in ACCOUNTS.items() if role == auth.ROLE_DEPARTMENT)
HQ_USER = next(name for name, (_, role, _) in ACCOUNTS.items() if role == auth.ROLE_HQ)


def sign_in(page, username: str) -> None:
    helpers.sign_in(page, username, ACCOUNTS[username][0])


def download_template(page, tmp_path):
    with page.expect_download() as info:
        page.locator(MAIN).get_by_role("button", name=utxt.DOWNLOAD_TEMPLATE).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def upload(page, path) -> None:
    chooser = page.locator(f'{MAIN} [data-testid="stFileUploaderDropzoneInput"]').first
    rerun(page, lambda: chooser.set_input_files(str(path)))


def department_code_of(page) -> str:
    return selected(page, utxt.DEPARTMENT, MAIN).split()[0]


def test_department_uploads_a_filled_template(flow_page, flow_url, tmp_path):
    page = goto(flow_page, flow_url, "upload")
    sign_in(page, DEPT_USER)
    year = int(selected(page, utxt.FISCAL_YEAR, MAIN)[:4])
    dept = department_code_of(page)

    path = download_template(page, tmp_path)
    assert path.suffix == ".xlsx"
    written = fill_template_example(path)
    assert written["indicators"], "the department's template lists no indicators"

    upload(page, path)
    main = page.locator(MAIN)
    main.get_by_text(utxt.STEP_3).first.wait_for()
    assert problems(page) == []
    preview = metrics(page)
    assert set(preview) >= {utxt.METRIC_NEW, utxt.METRIC_CHANGED, utxt.METRIC_REMOVED}
    assert int(preview[utxt.METRIC_NEW]) + int(preview[utxt.METRIC_CHANGED]) > 0

    rerun(page, main.get_by_role("button", name=utxt.CONFIRM).click)
    success = page.locator('[data-testid="stAlertContentSuccess"]')
    success.wait_for()
    assert "提出ID" in success.inner_text() and dept in success.inner_text()

    # The new figures on the attainment page: its table's CSV holds the values written.
    page = goto(page, flow_url, "attainment", fy=year, dept=dept)
    assert problems(page) == []
    button = page.locator(MAIN).get_by_role("button", name=dtxt.CSV_BUTTON).filter(visible=True).last
    with page.expect_download() as info:
        button.click()
    rows = list(csv.DictReader(io.StringIO(info.value.path().read_text(encoding="utf-8-sig"))))
    code_col, actual_col = dtxt.COLUMNS["indicator_code"], dtxt.COLUMNS["actual_value"]
    shown = {r[code_col]: float(r[actual_col]) for r in rows if r.get(actual_col)}
    for code, value in written["indicators"].items():
        assert shown.get(code) == pytest.approx(value), f"{code}: {shown.get(code)} != {value}"


def test_bad_workbook_shows_cell_located_errors(flow_page, flow_url, tmp_path):
    page = goto(flow_page, flow_url, "upload")
    sign_in(page, DEPT_USER)
    path = download_template(page, tmp_path)
    fill_template_example(path)
    wb = openpyxl.load_workbook(path)
    ws = wb[c.SHEET_ACTIONS]
    header_row, cols = header_map(ws, c.ACTIONS_SHEET)
    ref = f"{get_column_letter(cols[c.COL_BUDGET])}{header_row + 1}"
    ws[ref] = "たくさん"                      # not a number
    wb.save(path)

    upload(page, path)
    page.locator('[data-testid="stAlertContentError"]').first.wait_for()
    grid = page.locator(f'{MAIN} [data-testid="stDataFrame"] table[role="grid"]').first
    grid.wait_for(state="attached")
    cells = [t.strip() for t in grid.locator("td").all_text_contents()]
    assert ref in cells and c.SHEET_ACTIONS in cells, f"no error located at {c.SHEET_ACTIONS}!{ref}: {cells[:20]}"
    assert page.locator(MAIN).get_by_role("button", name=utxt.CONFIRM).count() == 0


def choose_earlier_version(page, main) -> str:
    """Pick the first superseded version in the version list; returns its label.

    Signing in can be followed by one more rerun that redraws the list while it is open, so a
    redrawn (detached) option is retried rather than failing the flow.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    superseded = htxt.STATUS_LABELS[c.SUBMISSION_SUPERSEDED]
    combo = main.get_by_role("combobox", name=htxt.VERSION_SELECT, exact=True)
    for _ in range(3):
        wait_ready(page)
        combo.click()
        combo.fill(superseded)    # the list is virtualised: type to narrow it to earlier versions
        option = page.get_by_role("option").filter(has_text=superseded).first
        try:
            option.wait_for(timeout=10_000)
            label = option.inner_text(timeout=5_000).strip()
            rerun(page, option.click)
            return label
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    raise AssertionError("no earlier version could be chosen in the version list")


def test_hq_restores_an_earlier_version(flow_page, flow_url):
    page = goto(flow_page, flow_url, "history")
    sign_in(page, HQ_USER)
    main = page.locator(MAIN)
    label = choose_earlier_version(page, main)
    sid = label.split()[1]

    rerun(page, main.get_by_role("button", name=htxt.RESTORE, exact=True).click)
    success = page.locator('[data-testid="stAlertContentSuccess"]')
    success.wait_for()
    assert f"提出ID {sid}" in success.inner_text()
    assert problems(page) == []
    # the chosen version is now the active one, so it cannot be restored again
    shown = selected(page, htxt.VERSION_SELECT, MAIN)
    assert shown.startswith(f"提出ID {sid} ")
    # ... and the dropdown says so too (its labels are refreshed after the restore)
    assert shown.endswith(f"（{htxt.STATUS_LABELS[c.SUBMISSION_ACTIVE]}）"), shown
    main.get_by_text(htxt.ALREADY_ACTIVE).wait_for()
    assert main.get_by_role("button", name=htxt.RESTORE, exact=True).count() == 0
