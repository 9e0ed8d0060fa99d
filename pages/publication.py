"""公表: the FY's frozen editions (公表版), what changed since the latest, freezing a new one (HQ)."""
import streamlit as st

from pipeline.access import auth, publication
from pipeline.analysis import editions as edition_changes
from pipeline.analysis import reference
from pipeline.dashboard import sign_in, ui
from pipeline.dashboard.shell import ensure_app_shell
from pipeline.texts import dashboard as dtxt
from pipeline.texts import publication as txt
from pipeline.site import build as site_build
from pipeline.site import config as site_config
from pipeline.texts import site as stxt
from pipeline.warehouse import editions, schema

ensure_app_shell()

st.title(txt.PAGE_TITLE)
st.caption(txt.PAGE_INTRO)
ui.require_submissions()

years = sorted(ui.q(reference.fiscal_years), reverse=True)
fy = st.selectbox(txt.YEAR_LABEL, years, format_func=dtxt.fy, key="publication_year")
flash = st.session_state.pop("publication_flash", None)
if flash:
    st.success(flash)

latest = ui.q(edition_changes.latest_edition, fy)
if latest is None:
    st.warning(txt.status_preliminary(fy))
else:
    st.info(txt.status_frozen(latest.label))

st.header(txt.EDITIONS_HEADING)
table = ui.q(edition_changes.editions_table, fy)
if table.empty:
    st.caption(txt.NO_EDITIONS)
else:
    ui.dataframe(ui.derive(edition_changes.editions_display, table), hide_index=True)

if latest is not None:
    st.header(txt.CHANGES_HEADING)
    with st.spinner(txt.COMPARING):
        changes = ui.cached(edition_changes.changes_since, fy)
    if changes.any:
        st.warning(txt.CHANGES_FOUND)
    else:
        st.success(txt.NO_CHANGES)
    st.subheader(txt.SUBMISSIONS_HEADING)
    if changes.submissions.empty:
        st.caption(txt.NO_SUBMISSION_CHANGES)
    else:
        st.dataframe(edition_changes.changes_display(changes.submissions), hide_index=True, placeholder=ui.BLANK)
    st.subheader(txt.FIGURES_HEADING)
    show_all = st.toggle(txt.SHOW_ALL_FIGURES, key="publication_all_figures")
    if not changes.figures_differ and not show_all:
        st.caption(txt.NO_FIGURE_CHANGES)
    else:
        st.dataframe(edition_changes.figures_display(changes.figures, only_differing=not show_all),
                     hide_index=True, placeholder=ui.BLANK)

# --- the public site of the FY as a zip (anyone: it holds public information only) --------
st.header(stxt.PAGE_SITE_HEADING)
st.caption(stxt.page_site_help(latest.label if latest is not None else None))
if st.button(stxt.SITE_BUILD_BUTTON, key="publication_site_build"):
    with st.spinner(stxt.SITE_BUILDING):
        try:
            archive, built = site_build.site_zip(ui.db(), fy)
        except (site_build.SiteError, site_config.ConfigError) as exc:
            st.error(str(exc))
        else:
            st.session_state["publication_site"] = (fy, schema.version_token(ui.db()), archive)
            st.success(stxt.site_built(len(built.pages), built.files, built.seconds))
site_zip = st.session_state.get("publication_site")
if site_zip and site_zip[0] == fy and site_zip[1] == schema.version_token(ui.db()):
    st.download_button(stxt.SITE_DOWNLOAD, site_zip[2], file_name=stxt.site_zip_name(fy),
                       mime="application/zip", key="publication_site_zip", icon=":material/download:")

st.header(txt.FREEZE_HEADING)
user = sign_in.require_roles(auth.ROLE_HQ, denied=txt.HQ_ONLY)    # HQ can sign in here too
st.caption(txt.FREEZE_HELP)
with st.form("publication_freeze", clear_on_submit=True):
    note = st.text_input(txt.NOTE_LABEL, key="publication_note", max_chars=500)
    if st.form_submit_button(txt.FREEZE_BUTTON, type="primary"):
        try:
            ed = publication.freeze(ui.db(), fy, user, note)
        except (editions.EditionError, auth.AccessDenied) as exc:
            st.error(str(exc))
        else:
            st.session_state["publication_flash"] = txt.frozen(ed.label, ed.submissions, ed.opinions)
            st.rerun()
