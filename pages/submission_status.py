"""提出状況: which departments have submitted for a FY, when, and how many versions."""
import streamlit as st

from pipeline.analysis import common, submissions
from pipeline.dashboard import ui
from pipeline.texts import dashboard as txt
from pipeline.dashboard.shell import ensure_app_shell

ensure_app_shell()

st.title(txt.SUBMISSIONS_TITLE)
st.caption(txt.SUBMISSIONS_CAPTION)
ui.require_master()
f = ui.filters()
fy = f.fiscal_year

status = ui.q(submissions.submission_status, f)
if status.empty:
    ui.empty(txt.NO_MATCH)
    st.stop()
counts = ui.derive(submissions.submission_counts, status)
cols = st.columns(3)
cols[0].metric(txt.METRIC_SUBMITTED, f"{counts.submitted} / {counts.total}")
cols[1].metric(txt.METRIC_MISSING, ui.fmt_num(counts.missing))
cols[2].metric(txt.METRIC_VERSIONS, ui.fmt_num(counts.versions))
st.subheader(txt.submissions_title(fy, counts.submitted, counts.total))

st.markdown(f"**{txt.MISSING_HEADER}**")
if counts.missing == 0:
    st.success(txt.ALL_SUBMITTED)
else:
    ui.table(ui.derive(submissions.unsubmitted, status), f"missing_{fy}",
             columns=["department_code", "department_name", "bureau_name", "versions"])

shown = ui.derive(common.flag_label, status, "submitted", "submitted_label", txt.SUBMITTED,
                  txt.NOT_SUBMITTED)
shown = ui.derive(common.blanks_as, shown, ("loaded_at", "file_name"), txt.NOT_SUBMITTED,
                  txt.DATETIME_FORMAT)
ui.table(shown, f"submissions_{fy}", columns=["department_code", "department_name", "bureau_name",
                                              "submitted_label", "loaded_at", "versions", "file_name"])

matrix = ui.q(submissions.submission_matrix, f)
if not matrix.empty:
    title = txt.submission_matrix_title(matrix["fiscal_year"].nunique())
    ui.chart_block(ui.lazy(submissions.submission_matrix_chart, matrix, title), matrix, title, "submission_matrix")
