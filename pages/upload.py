"""提出: choose the FY, download the form, upload, check, preview, confirm."""
import streamlit as st

from pipeline.access import auth
from pipeline.access import diff
from pipeline.dashboard import sign_in
from pipeline.dashboard import ui
from pipeline.access import uploads
from pipeline.ingest import contract as c
from pipeline.texts import upload as txt
from pipeline.warehouse.schema import WarehouseError
from pipeline.dashboard.shell import ensure_app_shell

ensure_app_shell()

# Sheet, cell and value stay narrow so the message (what to fix) is readable on a laptop.
PROBLEM_WIDTHS = {name: st.column_config.Column(width=w)
                  for name, w in zip(txt.PROBLEM_COLUMNS, (110, 60, 120, 600), strict=True)}
MESSAGE_FITS = 41          # full-width characters that fit the 600-px message column on one line


def widths(columns, sizes) -> dict:
    """Column widths (px or "small") for a change table, so it fits a 1366-px laptop."""
    return {name: st.column_config.Column(width=w) for name, w in zip(columns, sizes, strict=True)}


ACTION_WIDTHS = widths(txt.ACTION_DIFF_COLUMNS, (85, 190, 55, 100, 230, 230))
INDICATOR_WIDTHS = widths(txt.INDICATOR_DIFF_COLUMNS, (85, 190, 70, 55, 100, 100, 290))
PARTNER_WIDTHS = widths(txt.PARTNER_DIFF_COLUMNS, (55, 85, 120, 170, 110, 130, 220))
ENERGY_WIDTHS = widths(txt.ENERGY_DIFF_COLUMNS, (75, 140, 90, 90, 80, 55, 80, 80, 60, 130))


def problems_table(problems, key: str) -> None:
    """Errors or warnings with their sheet and cell; rows grow to show a long message whole."""
    frame = uploads.problems_frame(problems)
    longest = max((ui.text_width(m) for m in frame[txt.PROBLEM_COLUMNS[3]]), default=0)
    wrapped = longest > MESSAGE_FITS
    st.dataframe(frame, hide_index=True, width="stretch", key=key, column_config=PROBLEM_WIDTHS,
                 row_height=ui.WRAPPED_ROW if wrapped else None,
                 height=(min(len(frame), 8) * ui.WRAPPED_ROW + 40) if wrapped else "auto")


st.title(txt.TITLE)
user = sign_in.require_roles(*auth.UPLOAD_ROLES)
st.caption(txt.INTRO)

departments = uploads.departments_for(None, user)
if not departments:
    st.warning(txt.NO_MASTER)
    st.stop()
years, default_year = uploads.fiscal_year_choices(None)
names = dict(departments)

# --- 1. FY and template ---------------------------------------------------------
st.subheader(txt.STEP_1)
left, right = st.columns(2)
year = left.selectbox(txt.FISCAL_YEAR, years, index=years.index(default_year),
                      format_func=txt.fiscal_year_label, key="upload_year")
department = right.selectbox(txt.DEPARTMENT, list(names), format_func=lambda c: f"{c} {names[c]}",
                             key="upload_department", disabled=len(names) == 1)
st.download_button(
    txt.DOWNLOAD_TEMPLATE,
    data=lambda: uploads.template_for(None, user, department, year),
    file_name=uploads.template_file_name(department, year),
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    help=txt.TEMPLATE_HELP, key="upload_template", on_click="ignore")

# --- plan master (HQ only) -----------------------------------------------------------------
if user.is_hq:
    with st.expander(txt.MASTER_HEADING):
        st.caption(txt.MASTER_INTRO)
        master_nonce = st.session_state.setdefault("master_nonce", 0)
        master_file = st.file_uploader(txt.MASTER_UPLOADER, type=["xlsx", "xlsm", "xls"],
                                       key=f"master_file_{master_nonce}")
        if master_file is not None and st.button(txt.MASTER_LOAD, key="master_load"):
            try:
                with st.spinner(txt.STATUS_CHECKING):
                    loaded = uploads.load_master(None, user, master_file.name, master_file.getvalue())
            except (auth.AccessDenied, WarehouseError) as exc:
                st.error(str(exc))
            else:
                if loaded.status in (uploads.LOADED, uploads.NOOP):
                    st.session_state["master_nonce"] = master_nonce + 1
                    st.session_state["upload_notice"] = ("success", loaded.message)
                    st.rerun()
                st.error(loaded.message)
                if loaded.errors:
                    problems_table(loaded.errors, "master_errors")

# --- 2. upload and check --------------------------------------------------------------
st.subheader(txt.STEP_2)
notice = st.session_state.pop("upload_notice", None)
if notice:
    kind, message = notice
    getattr(st, kind)(message)

nonce = st.session_state.setdefault("upload_nonce", 0)
uploaded = st.file_uploader(txt.UPLOADER, type=["xlsx", "xlsm", "xls"], help=txt.UPLOADER_HELP,
                            key=f"upload_file_{nonce}")
if uploaded is None:
    st.session_state.pop("upload_check", None)
    st.stop()

data = uploaded.getvalue()
check_key = (uploaded.name, len(data), hash(data), year, user.username)
stored = st.session_state.get("upload_check")
if stored is None or stored[0] != check_key:
    steps = {uploads.STEP_READ: txt.STATUS_READING, uploads.STEP_COMPARE: txt.STATUS_COMPARING}
    with st.status(txt.STATUS_CHECKING, expanded=False) as status:
        try:
            check = uploads.check_upload(None, user, uploaded.name, data, year,
                                         progress=lambda step: st.write(steps[step]))
        except (auth.AccessDenied, WarehouseError) as exc:
            status.update(label=txt.STATUS_DONE_ERRORS, state="error")
            st.error(str(exc))
            st.stop()
        status.update(label=txt.STATUS_DONE_ERRORS if check.errors else txt.STATUS_DONE_OK,
                      state="error" if check.errors else "complete")
    st.session_state["upload_check"] = (check_key, check)
else:
    check = stored[1]


def reset_upload(message=None) -> None:
    st.session_state.pop("upload_check", None)
    st.session_state["upload_nonce"] = st.session_state.get("upload_nonce", 0) + 1
    if message:
        st.session_state["upload_notice"] = message


if check.errors:
    st.error(txt.errors_found(len(check.errors)))
    st.markdown(f"**{txt.ERRORS_HEADING}**")
    problems_table(check.errors, "upload_errors")
if check.warnings:
    st.markdown(f"**{txt.WARNINGS_HEADING}**")
    st.caption(txt.warnings_found(len(check.warnings)))
    problems_table(check.warnings, "upload_warnings")
if check.noop:
    st.info(txt.noop(check.existing_submission_id))
if not check.ok:
    st.stop()

# --- 3. preview and confirm --------------------------------------------------------------
st.subheader(txt.STEP_3)
change = check.diff
st.write(txt.preview_intro(change.department_code, change.fiscal_year, change.base_submission_id))
st.caption(txt.ROWS_SUMMARY.format(actions=check.rows.get(c.SHEET_ACTIONS, 0),
                                   indicators=check.rows.get(c.SHEET_INDICATORS, 0),
                                   partners=check.rows.get(c.SHEET_PARTNERS, 0))
           + (txt.ENERGY_ROWS_SUMMARY.format(energy=check.rows[c.SHEET_ENERGY])
              if check.rows.get(c.SHEET_ENERGY) else ""))
cols = st.columns(4)
cols[0].metric(txt.METRIC_NEW, change.count(diff.NEW))
cols[1].metric(txt.METRIC_CHANGED, change.count(diff.CHANGED))
cols[2].metric(txt.METRIC_REMOVED, change.count(diff.REMOVED))
cols[3].metric(txt.METRIC_PARTNERS, f"{len(change.partners_added)} / {len(change.partners_removed)}")
if change.is_empty:
    st.info(txt.NO_CHANGES)
if change.actions:
    st.markdown(f"**{txt.ACTIONS_CHANGES}**")
    st.dataframe(diff.action_frame(change), hide_index=True, width="stretch", key="diff_actions",
                 placeholder=ui.BLANK, column_config=ACTION_WIDTHS)
if change.indicators:
    st.markdown(f"**{txt.INDICATOR_CHANGES}**")
    st.dataframe(diff.indicator_frame(change), hide_index=True, width="stretch", key="diff_indicators",
                 placeholder=ui.BLANK, column_config=INDICATOR_WIDTHS)
if change.partners_added or change.partners_removed:
    st.markdown(f"**{txt.PARTNER_CHANGES}**")
    st.dataframe(diff.partner_frame(change), hide_index=True, width="stretch", key="diff_partners",
                 placeholder=ui.BLANK, column_config=PARTNER_WIDTHS)
if change.energy:
    st.markdown(f"**{txt.ENERGY_CHANGES}**")
    if change.energy_effect_t is not None:
        st.caption(txt.energy_total_effect(change.energy_effect_t))
    st.dataframe(diff.energy_frame(change), hide_index=True, width="stretch", key="diff_energy",
                 placeholder=ui.BLANK, column_config=ENERGY_WIDTHS)

confirm, cancel = st.columns(2)
if confirm.button(txt.CONFIRM, type="primary", key="upload_confirm"):
    try:
        with st.spinner(txt.STATUS_CHECKING):
            result = uploads.commit_upload(None, user, uploaded.name, data, year,
                                           expected_base=change.base_submission_id)
    except (auth.AccessDenied, WarehouseError) as exc:
        st.error(str(exc))
        st.stop()
    if result.status == uploads.LOADED:
        reset_upload(("success", result.message))
        st.rerun()
    elif result.status == uploads.NOOP:
        reset_upload(("info", result.message))
        st.rerun()
    elif result.status == uploads.STALE:
        st.session_state["upload_check"] = (check_key, result.check)
        st.session_state["upload_notice"] = ("warning", result.message)
        st.rerun()
    else:
        st.error(result.message)
if cancel.button(txt.CANCEL, key="upload_cancel"):
    reset_upload(("info", txt.CANCELLED))
    st.rerun()
