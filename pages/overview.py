import streamlit as st

st.info("このページは準備中です。")
