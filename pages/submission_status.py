"""提出状況: which departments have submitted for a FY, when, how many versions; the FY's
deadline, what each department still owes, and the reminders (HQ)."""
import functools
from datetime import date

import streamlit as st

from pipeline.access import auth
from pipeline.access import round as round_access
from pipeline.analysis import common, completeness, submissions
from pipeline.dashboard import sign_in, ui
from pipeline.notify import reminders, smtp
from pipeline.texts import dashboard as txt
from pipeline.texts import round as rtxt
from pipeline.warehouse import round as wround
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
user = sign_in.current_user()
is_hq = user is not None and user.role == auth.ROLE_HQ
today = date.today()

# --- deadline ------------------------------------------------------------------------
flash = st.session_state.pop("round_flash", None)
if flash:
    st.success(flash)
deadline = ui.q(wround.get_deadline, fy)
left = completeness.days_left(deadline.deadline if deadline else None, today)
st.markdown(f"**{rtxt.DEADLINE_HEADER}**　" + rtxt.deadline_caption(
    fy, deadline.deadline if deadline else None, left,
    deadline.set_by if deadline else None, deadline.set_at if deadline else None))
if is_hq:
    with st.form("round_deadline_form", border=False):
        cols = st.columns([2, 1], vertical_alignment="bottom")
        chosen = cols[0].date_input(rtxt.DEADLINE_LABEL, value=deadline.deadline if deadline else None,
                                    min_value=date(fy, 4, 1), max_value=date(fy + 2, 3, 31),
                                    key="round_deadline", format="YYYY-MM-DD")
        submitted = cols[1].form_submit_button(rtxt.DEADLINE_SAVE)
    if submitted and chosen is not None:
        try:
            round_access.set_deadline(ui.db(), fy, chosen, user)
        except auth.AccessDenied as exc:
            st.error(str(exc))
        else:
            st.session_state["round_flash"] = rtxt.DEADLINE_SAVED
            st.rerun()

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

# --- what is missing per department ----------------------------------------------------------
st.subheader(rtxt.GAPS_HEADER)
st.caption(rtxt.GAPS_CAPTION)
gaps = ui.q(completeness.department_gaps, fy, f.priority, f.department)
if not gaps:
    st.info(rtxt.NO_EXPECTED)
else:
    table = ui.q(completeness.gaps_display, fy, f.priority, f.department,
                 deadline.deadline.isoformat() if deadline else None, today.isoformat())
    if all(g.complete for g in gaps):
        st.success(rtxt.ALL_COMPLETE)
    columns = [k for k in rtxt.GAPS_COLUMNS if is_hq or k != "email"]
    # The lists share the room left by the code, name and state (fits a 1366-px laptop).
    widths = {"department_code": 90, "department_name": 120, "state": 165, "missing_actions": 130,
              "missing_indicators": 130, "missing_facilities": 130, "email": 130}
    ui.table(table, f"round_gaps_{fy}", columns=columns, rename=rtxt.GAPS_COLUMNS,
             column_config={rtxt.GAPS_COLUMNS[k]: st.column_config.Column(width=w) for k, w in widths.items()
                            if k in columns})

# --- reminders (HQ) -------------------------------------------------------------------------
if is_hq and gaps:
    st.subheader(rtxt.REMIND_HEADER)
    st.caption(rtxt.REMIND_CAPTION)
    due = completeness.to_remind(gaps)
    if deadline is None:
        st.info(rtxt.REMIND_NEEDS_DEADLINE)
    elif not due:
        st.success(rtxt.REMIND_NONE)
    else:
        no_email = [g for g in due if not g.email]
        st.markdown(rtxt.remind_count(len(due), len(no_email)))
        if no_email:
            st.warning(rtxt.no_email_warning([f"{g.department_code} {g.department_name}" for g in no_email]))
        try:
            config = smtp.load_config(sign_in.secrets().get("smtp", {}))
            config_error = None
        except smtp.SmtpError as exc:
            config, config_error = None, str(exc)
        st.download_button(
            rtxt.REMIND_ZIP, data=functools.partial(reminders.reminder_zip, ui.db(), fy, today,
                                                    f.priority, config.sender if config else None,
                                                    f.department),
            file_name=f"reminders_{fy}.zip", mime="application/zip", on_click="ignore",
            key="round_zip", icon=":material/download:")
        if config is None:
            st.info(config_error or rtxt.REMIND_NO_SMTP)
        else:
            sure = st.checkbox(rtxt.REMIND_CONFIRM, key="round_send_confirm")
            if st.button(rtxt.REMIND_SEND, key="round_send", disabled=not sure, type="primary"):
                try:
                    batch, results = reminders.send_round_as(ui.db(), fy, today, config, user,
                                                             priority=f.priority,
                                                             department=f.department)
                except (smtp.SmtpError, auth.AccessDenied, reminders.NoDeadline) as exc:
                    st.error(str(exc))
                else:
                    sent = sum(1 for _, d in results if d.sent)
                    (st.success if sent == len(batch.reminders) else st.warning)(
                        rtxt.sent_summary(sent, len(batch.reminders)))
                    for _, d in results:
                        if not d.sent:
                            st.error(d.error)

st.subheader(txt.SUBMISSIONS_LIST_HEADER)
shown = ui.derive(common.flag_label, status, "submitted", "submitted_label", txt.SUBMITTED,
                  txt.NOT_SUBMITTED)
shown = ui.derive(common.blanks_as, shown, ("loaded_at", "file_name"), txt.NOT_SUBMITTED,
                  txt.DATETIME_FORMAT)
ui.table(shown, f"submissions_{fy}", columns=["department_code", "department_name", "bureau_name",
                                              "submitted_label", "loaded_at", "versions", "file_name"])

matrix = ui.q(submissions.submission_matrix, f)
if not matrix.empty:
    title = txt.submission_matrix_title(matrix["fiscal_year"].nunique(),
                                        ui.derive(submissions.missing_by_year, matrix))
    ui.chart_block(ui.lazy(submissions.submission_matrix_chart, matrix, title), matrix, title, "submission_matrix")
