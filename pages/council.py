"""審議会意見: the council's opinions on the annual report, the city's responses and follow-up."""
import streamlit as st

from pipeline.access import auth
from pipeline.access import uploads
from pipeline import council
from pipeline.analysis import reference
from pipeline.ingest.contract import OPINION_SOURCES
from pipeline.dashboard import ui
from pipeline.dashboard import sign_in
from pipeline.texts import council as txt
from pipeline.texts import dashboard as dtxt
from pipeline.dashboard.shell import ensure_app_shell

ensure_app_shell()

st.title(txt.PAGE_TITLE)
st.caption(txt.PAGE_INTRO)

years = sorted(ui.q(reference.fiscal_years), reverse=True)
if not years:
    st.info(txt.NO_YEARS)
    st.stop()
db = ui.db()
# Opens on the latest FY with opinions: the newest FY usually has none until the council meets.
latest = council.latest_opinion_year(db)
fy = st.selectbox(txt.YEAR_LABEL, years, format_func=dtxt.fy, key="council_year",
                  index=years.index(latest) if latest in years else 0)
flash = st.session_state.pop("council_flash", None)
if flash:
    st.success(flash)

st.subheader(txt.LIST_HEADING)
frame = council.opinions(db, fy)
if frame.empty:
    st.info(txt.NO_OPINIONS)
else:
    st.dataframe(council.opinions_display(frame, council.YEAR_COLUMNS), hide_index=True, width="stretch",
                 column_config=ui.opinion_columns(), row_height=ui.WRAPPED_ROW)
    with st.expander(txt.ALL_FIELDS):
        st.dataframe(council.opinions_display(frame), hide_index=True, width="stretch")

st.subheader(txt.OPEN_HEADING)
open_all = council.open_opinions(db)
if open_all.empty:
    st.info(txt.NO_OPEN_OPINIONS)
else:
    st.dataframe(council.opinions_display(open_all, council.SHORT_COLUMNS), hide_index=True,
                 width="stretch", column_config=ui.opinion_columns(), row_height=ui.WRAPPED_ROW)

user = sign_in.require_roles(auth.ROLE_HQ, denied=txt.HQ_ONLY)    # HQ can sign in here too


def _run(action):
    try:
        action()
    except (council.CouncilError, auth.AccessDenied) as exc:
        st.error(str(exc))
    else:
        st.session_state["council_flash"] = txt.SAVED
        st.rerun()    # show the list with the new record


with st.form("council_add", clear_on_submit=True):
    st.markdown(f"**{txt.FORM_ADD}**")
    source = st.selectbox(txt.LABEL_SOURCE, OPINION_SOURCES, key="council_source")
    published_choice = st.radio(txt.LABEL_PUBLISH_CHOICE, list(txt.PUBLISH_CHOICES), horizontal=True,
                                key="council_published_choice")
    received = st.date_input(txt.LABEL_RECEIVED, value=None, key="council_received")
    level = st.selectbox(txt.LABEL_LEVEL, txt.LEVELS, key="council_level")
    options = council.targets(db, level)
    target = st.selectbox(txt.LABEL_TARGET, [None] + [c for c, _ in options],
                          format_func=lambda c: txt.NO_TARGET if c is None else f"{c} {dict(options)[c]}",
                          key="council_target")
    text = st.text_area(txt.LABEL_OPINION, key="council_text")
    response = st.text_area(txt.LABEL_RESPONSE, key="council_new_response")
    if st.form_submit_button(txt.BUTTON_ADD):
        _run(lambda: council.add_opinion(db, fy, level, target, text, user, response_text=response,
                                         source=source, received_on=received,
                                         published=txt.PUBLISH_CHOICES[published_choice]))

if not frame.empty:
    labels = {r.opinion_id: txt.opinion_label(r.opinion_id, r.level, r.target_code, r.opinion_text,
                                              r.source)
              for r in frame.itertuples()}
    with st.form("council_response"):
        st.markdown(f"**{txt.FORM_RESPONSE}**")
        oid = st.selectbox(txt.LABEL_OPINION_PICK, list(labels), format_func=labels.get,
                           key="council_resp_pick")
        response = st.text_area(txt.LABEL_RESPONSE, key="council_response_text")
        if st.form_submit_button(txt.BUTTON_RESPONSE):
            _run(lambda: council.set_response(db, oid, response, user))
    with st.form("council_publish"):
        st.markdown(f"**{txt.FORM_PUBLISH}**")
        oid_p = st.selectbox(txt.LABEL_OPINION_PICK, list(labels), format_func=labels.get,
                             key="council_publish_pick")
        publish = st.toggle(txt.LABEL_PUBLISH_TOGGLE, key="council_publish_value")
        if st.form_submit_button(txt.BUTTON_PUBLISH):
            _run(lambda: council.set_published(db, oid_p, publish, user))
    with st.form("council_status"):
        st.markdown(f"**{txt.FORM_STATUS}**")
        oid_s = st.selectbox(txt.LABEL_OPINION_PICK, list(labels), format_func=labels.get,
                             key="council_status_pick")
        status = st.selectbox(txt.LABEL_STATUS, txt.FOLLOWUP_STATUSES, key="council_status_value")
        year = st.number_input(txt.LABEL_STATUS_YEAR, min_value=fy + 1, max_value=fy + 20,
                               value=fy + 1, step=1, key="council_status_year")
        note = st.text_input(txt.LABEL_NOTE, key="council_status_note")
        if st.form_submit_button(txt.BUTTON_STATUS):
            _run(lambda: council.set_status(db, oid_s, status, int(year), user, note=note))

with st.form("council_cycle"):
    st.markdown(f"**{txt.FORM_CYCLE}**")
    published = st.date_input(txt.LABEL_PUBLISHED, value=None, key="council_published")
    reviewed = st.date_input(txt.LABEL_REVIEWED, value=None, key="council_reviewed")
    if st.form_submit_button(txt.BUTTON_CYCLE):
        _run(lambda: council.record_cycle(db, fy, published=published, reviewed=reviewed, user=user))

st.markdown(f"**{txt.FORM_IMPORT}**")
st.download_button(txt.BUTTON_TEMPLATE, council.council_template(), file_name=f"{txt.SHEET}.xlsx",
                   key="council_template")
upload = st.file_uploader(txt.LABEL_FILE, type=["xlsx"], key="council_file")
if upload is not None and st.button(txt.BUTTON_IMPORT, key="council_import"):
    result = council.import_workbook(db, upload.getvalue(), upload.name, user)
    if result.accepted:
        st.session_state["council_flash"] = txt.imported(result.added, result.updated)
        st.rerun()
    else:
        st.error(txt.import_rejected(len(result.problems)))
        st.dataframe(uploads.problems_frame(result.problems), hide_index=True, width="stretch")
