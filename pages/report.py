"""年次報告書: choose a FY, build the report, download it as PDF and XLSX; read, edit and save
the drafted narrative (HQ)."""
import streamlit as st

from pipeline.access import auth
from pipeline.access import round as round_access
from pipeline.analysis import editions as edition_info
from pipeline.analysis import narrative, reference
from pipeline.dashboard import sign_in
from pipeline.texts import round as rtxt
from pipeline.warehouse import round as wround
from pipeline.report import build as report
from pipeline.report import pdf as report_pdf
from pipeline.dashboard import ui
from pipeline.texts import publication as ptxt
from pipeline.texts import dashboard as dtxt
from pipeline.texts import report as txt
from pipeline.dashboard.shell import ensure_app_shell

ensure_app_shell()

st.title(txt.PAGE_TITLE)
st.caption(txt.PAGE_INTRO)

years = sorted(ui.q(reference.fiscal_years), reverse=True)
if not years:
    st.info(txt.NO_YEARS)
    st.stop()

# The year reads as on every other page (2024年度（令和6年度）); the cover keeps 令和 first.
fy = st.selectbox(txt.YEAR_LABEL, years, format_func=dtxt.fy, key="report_year")
edition = ui.q(edition_info.latest_edition, fy)
live = False
if edition is not None:
    live = st.toggle(ptxt.REPORT_LIVE_TOGGLE, key="report_live")
st.caption(ptxt.report_source(None if live or edition is None else edition.label))

if st.button(txt.BUILD_BUTTON, type="primary", key="report_build"):
    with st.spinner(txt.BUILDING):
        data = report.build_report(ui.db(), fy, from_edition=not live)
        try:
            pdf = report.render(data, ".pdf")
        except report_pdf.ReportFontMissing as exc:
            st.warning(str(exc))
            pdf = None
        st.session_state["report_files"] = (fy, pdf, report.render(data, ".xlsx"))
        st.session_state["report_files_live"] = live
    st.success(txt.BUILT)

files = st.session_state.get("report_files")
if files and files[0] == fy and st.session_state.get("report_files_live", False) == live:
    left, right = st.columns(2)
    if files[1] is not None:
        left.download_button(txt.DOWNLOAD_PDF, files[1], file_name=txt.data_file_name(fy, ".pdf"),
                             mime="application/pdf", key="report_pdf")
    right.download_button(txt.DOWNLOAD_XLSX, files[2], file_name=txt.data_file_name(fy, ".xlsx"),
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key="report_xlsx")

# --- the narrative: draft from the figures, edited and saved by HQ ----------------------------
st.header(rtxt.NARRATIVE_HEADER)
st.caption(rtxt.NARRATIVE_CAPTION)
priority = ui.priority_only()
if priority:
    st.info(rtxt.NARRATIVE_PRIORITY_NOTE)
# drafted from the same figures as the report: the FY's 公表版 unless 速報 is chosen above
text = ui.cached(narrative.narrative_as_reported, fy, priority, not live)
user = sign_in.current_user()
can_edit = user is not None and user.role == auth.ROLE_HQ
if not can_edit:
    st.caption(rtxt.NARRATIVE_HQ_ONLY)
flash = st.session_state.pop("narrative_flash", None)
if flash:
    st.success(flash)


def _use_draft(key: str, draft: str) -> None:
    st.session_state[key] = draft


for p in text.paragraphs:
    st.subheader(p.title)
    st.caption(rtxt.saved_caption(p.version, p.saved_by, p.saved_at) if p.saved else rtxt.DRAFT_CAPTION)
    if not can_edit:
        ui.plain_text(p.text)
        continue
    key = f"narr_{fy}_{text.scope}_{p.section}_{p.version or 0}"
    if key not in st.session_state:
        st.session_state[key] = p.text
    edited = st.text_area(p.title, key=key, height=160, label_visibility="collapsed")
    left, right, _ = st.columns([1, 1, 4])
    if left.button(rtxt.NARRATIVE_SAVE, key=f"save_{key}"):
        try:
            round_access.save_narrative(ui.db(), fy, text.scope, p.section, edited, user)
        except (round_access.RoundError, auth.AccessDenied) as exc:
            st.error(str(exc))
        else:
            st.session_state["narrative_flash"] = rtxt.NARRATIVE_SAVED
            st.rerun()
    right.button(rtxt.NARRATIVE_RESET, key=f"draft_{key}", on_click=_use_draft, args=(key, p.draft))
    if p.saved:
        with st.expander(rtxt.NARRATIVE_VERSIONS, key=f"versions_{key}"):
            ui.dataframe(ui.q(wround.narrative_versions, fy, text.scope, p.section), hide_index=True)
