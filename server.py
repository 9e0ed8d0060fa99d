"""The app as served (`make run`, the browser tests): `streamlit run server.py`.

app.py on Streamlit's own server (`st.App`) plus the two HTTP routes that set and
clear the sign-in cookie (pipeline.dashboard.session_cookie), so a built-in account
stays signed in across reloads and tabs.  `streamlit run app.py` still works,
with the sign-in kept only for the life of the browser tab's session.
"""
import streamlit as st

from pipeline.dashboard.session_cookie import session_routes

app = st.App("app.py", routes=session_routes())
