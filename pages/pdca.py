"""PDCA: action × FY matrix, P→D→C→A for a FY, self-evaluations, directions, incomplete cycles."""
import streamlit as st

from pipeline.analysis import common, opinions, pdca, reference
from pipeline.dashboard import ui
from pipeline.texts import dashboard as txt
from pipeline.texts import opinions as otxt
from pipeline.dashboard.shell import ensure_app_shell

ensure_app_shell()

st.title(txt.PDCA_TITLE)
st.caption(txt.PDCA_CAPTION)
ui.require_submissions()
f = ui.filters()
fy = f.fiscal_year

funnel = ui.q(pdca.pdca_funnel, f)
by_year = ui.q(pdca.pdca_by_year, f)
planned = int(funnel["count"].iloc[0]) if not funnel.empty else 0
if planned == 0:
    ui.empty(txt.NO_MATCH)
    st.stop()

cols = st.columns(3)
ui.metric(cols[0], txt.METRIC_PDCA, common.kpi(by_year, fy, "completion_pct"), digits=1,
          suffix="%", delta_suffix=txt.POINTS)
ui.metric(cols[1], txt.COLUMNS["complete"], common.kpi(by_year, fy, "complete"))
ui.metric(cols[2], txt.METRIC_REPORTED, common.kpi(by_year, fy, "reported"))

title = txt.funnel_title(fy, planned)
ui.chart_block(ui.lazy(pdca.funnel_chart, funnel, title), funnel, title, f"pdca_funnel_{fy}")

grades_box, directions_box = st.container(), st.container()
with grades_box:
    grades = ui.q(pdca.self_evaluation_distribution, f)
    title = txt.grade_title(fy, pdca.good_grade_share(grades))
    ui.chart_block(ui.lazy(pdca.grade_chart, grades, title), grades if grades["count"].sum() else None, title,
                   f"pdca_self_evaluation_{fy}")
with directions_box:
    directions = ui.q(pdca.direction_distribution, f)
    title = txt.direction_title(fy, common.top_label(directions, "direction", "count"))
    ui.chart_block(ui.lazy(pdca.direction_chart, directions, title),
                   directions if int(directions["count"].sum()) else None, title,
                   f"pdca_direction_{fy}")

st.header(txt.INCOMPLETE_HEADER)
incomplete = ui.q(pdca.incomplete_cycles, f)
if incomplete.empty:
    st.success(txt.NO_INCOMPLETE)
else:
    st.caption(txt.incomplete_caption(len(incomplete)))
    ui.table(ui.derive(common.blanks_as, incomplete, ("self_evaluation", "direction"), txt.NOT_REPORTED),
             f"pdca_incomplete_{fy}",
             column_config={txt.COLUMNS[k]: st.column_config.Column(width=w) for k, w in (
                 ("action_code", "small"), ("action_name", 200), ("department_name", 130),
                 ("stages", "small"), ("reasons", 230), ("self_evaluation", "small"), ("direction", "small"))})

matrix = ui.q(pdca.pdca_matrix, f, txt.MATRIX_MAX_ACTIONS)
shown_actions = matrix["action_code"].nunique()
if shown_actions < int(common.kpi(by_year, fy, "actions").value or 0):
    st.caption(txt.matrix_truncated(shown_actions))
title = txt.matrix_title(int(common.kpi(by_year, fy, "actions").value or 0),
                         int(common.kpi(by_year, fy, "complete").value or 0), fy)
ui.chart_block(ui.lazy(pdca.pdca_matrix_chart, matrix, title, fy, key=("pdca_matrix", f, title)),
               matrix, title, "pdca_matrix")

# --- Plan-level cycle and open council opinions (pipeline.council; issue 5) ---------
from pipeline import council as _council  # noqa: E402
from pipeline.texts import council as _ctxt  # noqa: E402

st.header(_ctxt.CYCLE_HEADING)
ui.dataframe(ui.derive(_council.cycle_display,
                       ui.cached(_council.plan_cycle_table, tuple(ui.q(reference.fiscal_years)))),
             hide_index=True)
st.subheader(_ctxt.OPEN_HEADING)
_open = ui.cached(_council.open_opinions)
if _open.empty:
    st.info(_ctxt.NO_OPEN_OPINIONS)
else:
    ui.dataframe(ui.derive(_council.opinions_display, _open, _council.SHORT_COLUMNS), hide_index=True,
                 column_config=ui.opinion_columns(), row_height=ui.WRAPPED_ROW)
# --- end of the council block ---------------------------------------------------------

# --- Opinions per source and FY: the council's and the public's (issue 12) --------------
st.header(otxt.HEADING)
st.caption(otxt.CAPTION)
opinion_counts = ui.q(opinions.opinion_counts, common.Filters(fiscal_year=fy))
if opinion_counts.empty:
    ui.empty(otxt.NO_OPINIONS)
else:
    totals = ui.derive(opinions.opinion_totals, opinion_counts, fy)
    cols = st.columns(3)
    cols[0].metric(otxt.METRIC_OPINIONS, ui.fmt_num(totals["opinions"]))
    cols[1].metric(otxt.METRIC_RESPONDED, ui.fmt_num(totals["responded"]))
    cols[2].metric(otxt.METRIC_PUBLISHED, ui.fmt_num(totals["published"]))
    title = otxt.chart_title(fy, totals["opinions"], totals["sources"],
                             ui.derive(opinions.latest_opinions, opinion_counts))
    ui.chart_block(ui.lazy(opinions.opinion_chart, opinion_counts, title),
                   ui.derive(opinions.opinion_counts_display, opinion_counts), title,
                   f"pdca_opinions_{fy}")
