"""Streamlit entry point: navigation and the shared sidebar; pages hold layout only."""
from __future__ import annotations

import streamlit as st

from pathlib import Path

from pipeline.dashboard import ui
from pipeline.dashboard import sign_in
from pipeline.texts import council as council_txt
from pipeline.texts import dashboard as txt
from pipeline.texts import history as history_txt
from pipeline.texts import operations as operations_txt
from pipeline.texts import publication as publication_txt
from pipeline.texts import report as report_txt
from pipeline.texts import upload as upload_txt

# The favicon is a file of the app (sent inline as a data URL): a ":material/…" page icon
# makes the browser fetch it from a public font CDN, and nothing served may call out.
# (The st.Page icons below are drawn with the font bundled in Streamlit: no request.)
APP_ICON = Path(__file__).parent / "assets" / "icon.svg"

st.set_page_config(page_title=txt.APP_TITLE, page_icon=str(APP_ICON), layout="wide")

# The default page is served at "/" whatever its url_path, so "/overview" (a link typed or
# shared by hand, or the first-visit redirect of pipeline.shell) would show "Page not found".
# A hidden second entry for the same script answers there; the menu keeps one 概要 at "/".
OVERVIEW_AT_PATH = st.Page("pages/overview.py", title=txt.OVERVIEW_TITLE, icon=":material/dashboard:",
                           url_path="overview", visibility="hidden")

PAGES = {
    txt.SECTION_DASHBOARD: [
        st.Page("pages/overview.py", title=txt.OVERVIEW_TITLE, icon=":material/dashboard:", default=True, url_path="home"),
        st.Page("pages/attainment.py", title=txt.ATTAINMENT_TITLE, icon=":material/flag:", url_path="attainment"),
        st.Page("pages/stakeholders.py", title=txt.STAKEHOLDERS_TITLE, icon=":material/handshake:", url_path="stakeholders"),
        st.Page("pages/pdca.py", title=txt.PDCA_TITLE, icon=":material/autorenew:", url_path="pdca"),
        st.Page("pages/trends.py", title=txt.TRENDS_TITLE, icon=":material/trending_up:", url_path="trends"),
        st.Page("pages/operations.py", title=operations_txt.PAGE_TITLE, icon=":material/apartment:", url_path="operations"),
        st.Page("pages/submission_status.py", title=txt.SUBMISSIONS_TITLE, icon=":material/checklist:", url_path="submissions"),
    ],
    txt.SECTION_WORK: [
        st.Page("pages/upload.py", title=upload_txt.TITLE, icon=":material/upload_file:", url_path="upload"),
        st.Page("pages/history.py", title=history_txt.TITLE, icon=":material/history:", url_path="history"),
        st.Page("pages/report.py", title=report_txt.PAGE_TITLE, icon=":material/description:", url_path="report"),
        st.Page("pages/council.py", title=council_txt.PAGE_TITLE, icon=":material/account_balance:", url_path="council"),
        st.Page("pages/publication.py", title=publication_txt.PAGE_TITLE, icon=":material/public:", url_path="publication"),
        OVERVIEW_AT_PATH,
    ],
}

navigation = st.navigation(PAGES)
ui.render_shell()
sign_in.render_sign_in()
navigation.run()
