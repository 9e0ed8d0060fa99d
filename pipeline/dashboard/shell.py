"""Make sure a page always runs inside app.py's shell (navigation, sign-in, filters).

Streamlit keeps a process-wide flag, `PagesManager.uses_pages_directory`, that
starts True because a `pages/` folder sits next to app.py.  Until some session
has run app.py (whose `st.navigation` clears the flag), the first visit to a
deep link such as `/attainment?fy=2024` runs `pages/attainment.py` in the old
multipage mode: no sidebar shell, no sign-in, narrow layout.  Each page calls
`ensure_app_shell()` first; in that situation it clears the flag and reruns,
and because our `url_path`s equal the page file names the rerun lands on the
same page, now through app.py.
"""
from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ensure_app_shell() -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
