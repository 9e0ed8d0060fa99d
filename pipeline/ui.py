"""Streamlit glue shared by every page (sidebar, filters, chart blocks)."""
from __future__ import annotations

import streamlit as st

APP_TITLE = "ゼロカーボン計画 進捗管理"
SECTION_DASHBOARD = "ダッシュボード"
SECTION_WORK = "提出・報告"


def render_shell() -> None:
    st.sidebar.caption(APP_TITLE)
