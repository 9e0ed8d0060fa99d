"""連携主体: collaborations, participants and CO2 reduction by partner category."""
import streamlit as st

from pipeline.analysis import common, partners
from pipeline.dashboard import ui
from pipeline.texts import dashboard as txt
from pipeline.dashboard.shell import ensure_app_shell

ensure_app_shell()

st.title(txt.STAKEHOLDERS_TITLE)
st.caption(txt.STAKEHOLDERS_CAPTION)
ui.require_submissions()
f = ui.filters()
fy = f.fiscal_year

measure = st.segmented_control(txt.MEASURE_CHOICE, list(txt.STAKE_MEASURES), key="stake_measure",
                               format_func=txt.STAKE_MEASURES.get, default="collaborations")
measure = measure or "collaborations"
what = txt.STAKE_MEASURES[measure]

partner_years = ui.q(partners.partners_by_year, f)
cols = st.columns(3)
ui.metric(cols[0], txt.METRIC_COLLAB, common.kpi(partner_years, fy, "collaborations"))
ui.metric(cols[1], txt.METRIC_PARTICIPANTS, common.kpi(partner_years, fy, "participants"))
ui.metric(cols[2], txt.METRIC_CO2, common.kpi(partner_years, fy, "co2_t"), digits=1)

by_cat = ui.q(partners.stakeholders_by_category, f)
if by_cat.empty:
    ui.empty(txt.NO_PARTNERS)
else:
    title = txt.stake_category_title(fy, common.top_label(by_cat, "stakeholder_type", measure), what)
    ui.chart_block(ui.lazy(partners.category_bar_chart, by_cat, measure, title), by_cat, title,
                   f"partners_by_category_{fy}")

    heat = ui.q(partners.stakeholder_heatmap, f)
    title = txt.stake_heatmap_title(fy, what)
    ui.chart_block(ui.lazy(partners.heatmap_chart, heat, measure, title), heat, title, f"partners_heatmap_{fy}")

    orgs = ui.q(partners.top_organisations, f)
    title = txt.stake_top_title(fy, common.top_label(orgs, "organisation", "collaborations"))
    ui.chart_block(ui.lazy(partners.top_organisations_chart, orgs, title), orgs, title, f"partners_top_{fy}")

trend = ui.q(partners.stakeholders_by_category, f.all_years())
if not trend.empty:
    span = common.span_change(partner_years, measure)
    title = txt.stake_trend_title(what, span.first_year, span.last_year, span.change_pct)
    ui.chart_block(ui.lazy(partners.stakeholder_trend_chart, trend, measure, title), trend, title,
                   "partners_trend")
