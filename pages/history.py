"""提出履歴: every version per department and FY, originals, restore, provenance, audit log."""
from dataclasses import asdict

import streamlit as st

from pipeline.warehouse import audit
from pipeline.access import auth
from pipeline.warehouse import provenance
from pipeline.dashboard import ui
from pipeline.dashboard import sign_in
from pipeline.access import uploads
from pipeline.ingest import contract as c
from pipeline.texts import auth as atxt
from pipeline.texts import history as txt
from pipeline.warehouse.schema import WarehouseBusy
from pipeline.dashboard.shell import ensure_app_shell

ensure_app_shell()

st.title(txt.TITLE)
user = sign_in.require_roles(*auth.ROLES)
st.caption(txt.INTRO)

notice = st.session_state.pop("history_notice", None)
if notice:
    kind, message = notice
    getattr(st, kind)(message)

tab_names = [txt.TAB_VERSIONS, txt.TAB_PROVENANCE] + ([txt.TAB_AUDIT, atxt.TAB_ACCOUNTS] if user.is_hq else [])
tabs = st.tabs(tab_names)

# --- versions ------------------------------------------------------------------------------
with tabs[0]:
    departments, years = ui.q(audit.history_filters)
    names = dict(departments)
    left, right = st.columns(2)
    # A department's clerk opens on their own department's versions (すべて is one click away).
    own = 1 + list(names).index(user.department_code) if user.department_code in names else 0
    department = left.selectbox(txt.DEPARTMENT, [None, *names], index=own,
                                format_func=lambda c: txt.ALL if c is None else f"{c} {names[c]}",
                                key="history_department")
    year = right.selectbox(txt.FISCAL_YEAR, [None, *years],
                           format_func=lambda y: txt.ALL if y is None else txt.year_label(y),
                           key="history_year")
    frame = ui.q(audit.submission_history, department, year)
    if frame.empty:
        st.info(txt.NO_SUBMISSIONS)
    else:
        shown = frame.assign(status=frame["status"].map(lambda s: txt.STATUS_LABELS.get(s, s)))
        st.dataframe(shown, column_config=txt.HISTORY_COLUMNS, hide_index=True, width="stretch",
                     key="history_table", placeholder=ui.BLANK)
        rows = {int(r.submission_id): r for r in frame.itertuples()}
        labels = {sid: txt.version_option(sid, r.department_code, r.fiscal_year, r.status)
                  for sid, r in rows.items()}
        # Keyed by the labels, so a restore (a status change) redraws them; the choice is
        # remembered separately and carried over to the new widget.
        remembered = st.session_state.get("history_chosen")
        chosen = st.selectbox(txt.VERSION_SELECT, list(rows), format_func=labels.get,
                              index=list(rows).index(remembered) if remembered in rows else 0,
                              key=ui.content_key("history_version", labels.values()))
        st.session_state["history_chosen"] = chosen
        row = rows[chosen]
        actions = st.columns(2)
        if auth.can_access_department(user, row.department_code):
            actions[0].download_button(
                txt.DOWNLOAD_ORIGINAL, data=lambda: uploads.original_file(None, user, chosen)[1],
                file_name=row.file_name, key="history_download", on_click="ignore")
        else:
            actions[0].caption(txt.DOWNLOAD_NOT_ALLOWED)
        if row.status == c.SUBMISSION_ACTIVE:
            actions[1].caption(txt.ALREADY_ACTIVE)
        elif not user.is_hq:
            actions[1].caption(txt.RESTORE_ONLY_HQ)
        elif actions[1].button(txt.RESTORE, help=txt.RESTORE_HELP, key="history_restore"):
            try:
                target = uploads.restore_submission(None, user, chosen)
            except auth.AccessDenied as exc:
                st.error(str(exc))
            except WarehouseBusy as exc:
                st.error(str(exc))
            else:
                if target is None:
                    st.error(txt.UNKNOWN_SUBMISSION)
                else:
                    st.session_state["history_notice"] = (
                        "success", txt.restored(target.submission_id, target.department_code,
                                                target.fiscal_year))
                    st.rerun()
        with st.expander(txt.ROWS_OF_VERSION):
            version_rows = ui.q(provenance.submission_rows, chosen)
            st.dataframe(version_rows, column_config=txt.ROW_COLUMNS, hide_index=True,
                         width="stretch", key="history_rows")

# --- provenance -------------------------------------------------------------------------------
with tabs[1]:
    st.caption(txt.PROVENANCE_INTRO)
    source_years = ui.q(provenance.source_years)
    if not source_years:
        st.info(txt.NO_SOURCES)
    else:
        left, right = st.columns(2)
        kind = left.selectbox(txt.PROVENANCE_KIND, list(txt.PROVENANCE_KINDS),
                              format_func=txt.PROVENANCE_KINDS.get, key="provenance_kind")
        source_year = right.selectbox(txt.PROVENANCE_YEAR, source_years,
                                      format_func=txt.year_label, key="provenance_year")
        sources = ui.q(provenance.sources_frame, source_year, kind)
        if sources.empty:
            st.info(txt.NO_SOURCES)
        else:
            st.dataframe(sources, column_config=txt.PROVENANCE_COLUMNS, hide_index=True,
                         width="stretch", key="provenance_table",
                         placeholder=ui.BLANK)

# --- audit log (HQ) -----------------------------------------------------------------------------
if user.is_hq:
    with tabs[2]:
        st.caption(txt.AUDIT_INTRO)
        chosen_actions = st.multiselect(txt.AUDIT_FILTER, list(txt.AUDIT_ACTION_LABELS),
                                        format_func=txt.AUDIT_ACTION_LABELS.get, key="audit_actions",
                                        placeholder=txt.ALL)
        events = ui.q(audit.audit_log, actions=tuple(chosen_actions) or None)
        events = events.assign(action=events["action"].map(lambda a: txt.AUDIT_ACTION_LABELS.get(a, a)))
        st.dataframe(events, column_config=txt.AUDIT_COLUMNS, hide_index=True, width="stretch",
                     key="audit_table", placeholder=ui.BLANK)

# --- accounts (HQ) --------------------------------------------------------------------------------
if user.is_hq:
    with tabs[3]:
        st.caption(atxt.ACCOUNTS_INTRO)
        accounts = auth.list_accounts(None)
        st.dataframe([asdict(a) for a in accounts], column_config=atxt.ACCOUNT_COLUMNS,
                     hide_index=True, width="stretch", key="accounts_table")
        departments = dict(uploads.departments_for(None, user))
        with st.form("account_add", clear_on_submit=True):
            st.markdown(f"**{atxt.ADD_ACCOUNT}**")
            left, right = st.columns(2)
            new_name = left.text_input(atxt.USERNAME, key="account_username")
            new_role = right.selectbox(atxt.ROLE, list(auth.ROLES), format_func=atxt.ROLE_LABELS.get,
                                       key="account_role")
            new_department = left.selectbox(
                atxt.DEPARTMENT, [None, *departments], key="account_department",
                format_func=lambda c: atxt.NO_DEPARTMENT if c is None else f"{c} {departments[c]}")
            new_display = right.text_input(atxt.DISPLAY_NAME, key="account_display")
            new_password = left.text_input(atxt.PASSWORD, type="password", key="account_password",
                                           autocomplete="new-password")
            replace = right.checkbox(atxt.REPLACE, key="account_replace")
            if st.form_submit_button(atxt.ADD):
                try:
                    added = auth.add_account(None, new_name, new_password or None, new_role,
                                             department_code=new_department, display_name=new_display or None,
                                             replace=replace, acting_user=user)
                except (auth.AccountError, auth.AccessDenied, WarehouseBusy) as exc:
                    st.error(str(exc))
                else:
                    st.session_state["history_notice"] = ("success", atxt.added(added.username, added.role))
                    st.rerun()
        others = [a.username for a in accounts if a.username != user.username]
        if others:
            st.markdown(f"**{atxt.REMOVE_ACCOUNT}**")
            left, right = st.columns([3, 1])
            doomed = left.selectbox(atxt.USERNAME, others, key="account_remove")
            if right.button(atxt.REMOVE, key="account_remove_button"):
                try:
                    auth.remove_account(None, doomed, acting_user=user)
                except (auth.AccountError, auth.AccessDenied, WarehouseBusy) as exc:
                    st.error(str(exc))
                else:
                    st.session_state["history_notice"] = ("success", atxt.removed(doomed))
                    st.rerun()
