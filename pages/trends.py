"""経年推移: emissions by sector, status shares, self-evaluation transitions, two-FY comparison."""
import streamlit as st

from pipeline.analysis import attainment, emissions, pdca, reference, trends
from pipeline.dashboard import ui
from pipeline.texts import dashboard as txt
from pipeline.dashboard.shell import ensure_app_shell

ensure_app_shell()

st.title(txt.TRENDS_TITLE)
st.caption(txt.TRENDS_CAPTION)
ui.require_master()
f = ui.filters()
fy = f.fiscal_year

changes = ui.q(emissions.sector_change, fy)
if changes.empty:
    ui.empty(txt.NO_EMISSIONS)
else:
    title = txt.sector_title(ui.derive(emissions.biggest_cut, changes))
    ui.chart_block(ui.lazy(emissions.sector_change_chart, changes, title), changes, title, "emissions_by_sector")

years = ui.q(reference.fiscal_years)
if not years:
    ui.empty(txt.NO_SUBMISSIONS)
    st.stop()

share = ui.q(attainment.status_by_year, f, fy)
if share.empty or int(share["count"].sum()) == 0:
    ui.empty(txt.NO_MATCH)
else:
    span = ui.derive(attainment.good_share_span, share)
    title = txt.share_title(span.first_year, span.last_year, span.first, span.last)
    ui.chart_block(ui.lazy(attainment.status_share_chart, share, title), share, title, "indicator_status_share")

if len(years) < 2:
    ui.empty(txt.NEED_TWO_YEARS)
    st.stop()

st.header(txt.COMPARE_HEADER)
from_default, to_default = trends.comparison_years(years, fy)
left, right = st.columns(2)
# Keyed by the sidebar FY: choosing another FY resets the pair to (previous FY, that FY).
year_a = left.selectbox(txt.COMPARE_FROM, years, index=years.index(from_default),
                        key=f"cmp_from_{fy}", format_func=txt.fy)
year_b = right.selectbox(txt.COMPARE_TO, years, index=years.index(to_default),
                         key=f"cmp_to_{fy}", format_func=txt.fy)

two = ui.q(trends.status_two_years, f, year_a, year_b)
title = txt.compare_title(year_a, year_b)
ui.chart_block(ui.lazy(attainment.status_compare_chart, two, title), two, title, f"compare_status_{year_a}_{year_b}")
comparison = ui.q(trends.compare_years, f, year_a, year_b)
labels = {"value_a": txt.fy_short(year_a), "value_b": txt.fy_short(year_b), "change": txt.COMPARE_CHANGE}
ui.table(ui.derive(trends.comparison_display, comparison, txt.BLANK), f"compare_{year_a}_{year_b}",
         rename=labels,
         column_config={label: st.column_config.TextColumn(alignment="right") for label in labels.values()})

st.header(txt.TRANSITIONS_HEADER)
transitions = ui.q(pdca.self_evaluation_transitions, f, year_a, year_b)
if transitions.empty:
    ui.empty(txt.NO_MATCH)
else:
    up, same, down = ui.derive(pdca.transition_summary, transitions)
    title = txt.transitions_title(year_a, year_b, up, down)
    ui.chart_block(ui.lazy(pdca.transitions_chart, transitions, year_a, year_b, title), transitions, title,
                   f"self_evaluation_{year_a}_{year_b}")
