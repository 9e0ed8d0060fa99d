"""Streamlit entry point: navigation and the shared sidebar; pages hold layout only."""
from __future__ import annotations

import streamlit as st

from pathlib import Path

from pipeline.dashboard import ui
from pipeline.dashboard import sign_in

# The favicon is a file of the app (sent inline as a data URL): a ":material/…" page icon
# makes the browser fetch it from a public font CDN, and nothing served may call out.
# (The st.Page icons below are drawn with the font bundled in Streamlit: no request.)
APP_ICON = Path(__file__).parent / "assets" / "icon.svg"

st.set_page_config(page_title=ui.APP_TITLE, page_icon=str(APP_ICON), layout="wide")

# The default page is served at "/" whatever its url_path, so "/overview" (a link typed or
# shared by hand, or the first-visit redirect of pipeline.shell) would show "Page not found".
# A hidden second entry for the same script answers there; the menu keeps one 概要 at "/".
OVERVIEW_AT_PATH = st.Page("pages/overview.py", title="概要", icon=":material/dashboard:",
                           url_path="overview", visibility="hidden")

PAGES = {
    ui.SECTION_DASHBOARD: [
        st.Page("pages/overview.py", title="概要", icon=":material/dashboard:", default=True, url_path="home"),
        st.Page("pages/attainment.py", title="目標達成状況", icon=":material/flag:", url_path="attainment"),
        st.Page("pages/stakeholders.py", title="連携主体", icon=":material/handshake:", url_path="stakeholders"),
        st.Page("pages/pdca.py", title="PDCA", icon=":material/autorenew:", url_path="pdca"),
        st.Page("pages/trends.py", title="経年推移", icon=":material/trending_up:", url_path="trends"),
        st.Page("pages/submission_status.py", title="提出状況", icon=":material/checklist:", url_path="submissions"),
    ],
    ui.SECTION_WORK: [
        st.Page("pages/upload.py", title="提出", icon=":material/upload_file:", url_path="upload"),
        st.Page("pages/history.py", title="提出履歴", icon=":material/history:", url_path="history"),
        st.Page("pages/report.py", title="年次報告書", icon=":material/description:", url_path="report"),
        st.Page("pages/council.py", title="審議会意見", icon=":material/account_balance:", url_path="council"),
        OVERVIEW_AT_PATH,
    ],
}

navigation = st.navigation(PAGES)
ui.render_shell()
sign_in.render_sign_in()
navigation.run()
