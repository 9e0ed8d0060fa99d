"""年次報告書: choose a FY, build the report, download it as PDF and XLSX."""
import streamlit as st

from pipeline.analysis import editions as edition_info
from pipeline.analysis import reference
from pipeline.report import build as report
from pipeline.report import pdf as report_pdf
from pipeline.dashboard import ui
from pipeline.texts import publication as ptxt
from pipeline.texts import report as txt
from pipeline.dashboard.shell import ensure_app_shell

ensure_app_shell()

st.title(txt.PAGE_TITLE)
st.caption(txt.PAGE_INTRO)

years = sorted(ui.q(reference.fiscal_years), reverse=True)
if not years:
    st.info(txt.NO_YEARS)
    st.stop()

fy = st.selectbox(txt.YEAR_LABEL, years, format_func=txt.fy_label, key="report_year")
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
