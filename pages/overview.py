"""概要: emissions and pace, indicator status, PDCA completion, partner participation."""
import streamlit as st

from pipeline.analysis import attainment, common, emissions, partners, pdca, reference
from pipeline.dashboard import ui
from pipeline.texts import dashboard as txt
from pipeline.dashboard.shell import ensure_app_shell

ensure_app_shell()

st.title(txt.OVERVIEW_TITLE)
st.caption(txt.OVERVIEW_CAPTION)
ui.require_master()
f = ui.filters()
fy = f.fiscal_year

# --- Emissions -------------------------------------------------------------------
st.header(txt.EMISSIONS_HEADER)
sector_emissions = ui.q(emissions.emissions_by_sector, fy)
pace = ui.q(emissions.emission_pace, fy)
if sector_emissions.empty or pace is None:
    ui.empty(txt.NO_EMISSIONS)
else:
    cols = st.columns(3)
    cols[0].metric(txt.METRIC_REDUCTION, ui.fmt_num(pace.reduction_pct, 1, "%"),
                   help=f"{txt.fy_short(pace.base_year)} → {txt.fy_short(pace.latest_year)}")
    cols[1].metric(txt.METRIC_PACE_ACTUAL, ui.fmt_num(pace.actual_rate_pct, 1, "%"))
    cols[2].metric(txt.METRIC_PACE_NEEDED, ui.fmt_num(pace.needed_rate_pct, 1, "%"),
                   help=txt.fy_short(pace.target_year))
    if pace.latest_year is None:
        st.markdown(txt.PACE_NO_ACTUAL)
    elif pace.needed_rate_pct is None:
        st.markdown(txt.PACE_NO_TARGET)
    else:
        st.markdown(txt.pace_sentence(pace.on_track, pace.actual_rate_pct, pace.needed_rate_pct,
                                      pace.latest_year, pace.target_year))
    path = ui.q(emissions.emission_path)
    title = txt.emissions_title(pace.base_year, pace.latest_year, pace.reduction_pct)
    ui.chart_block(ui.lazy(emissions.emissions_chart, sector_emissions, path, title), sector_emissions, title, "emissions")

if not ui.q(reference.fiscal_years):
    ui.empty(txt.NO_SUBMISSIONS)
    st.stop()

# --- Indicators ---------------------------------------------------------------------
st.header(txt.INDICATORS_HEADER)
counts = ui.q(attainment.indicator_status_counts, f)
if counts.empty or int(counts["count"].sum()) == 0:
    ui.empty(txt.NO_MATCH)
else:
    cols = st.columns(len(counts))
    for col, row in zip(cols, counts.itertuples()):
        col.metric(txt.status_metric(row.status), ui.fmt_num(row.count),
                   ui.fmt_delta(row.change) if row.previous is not None and row.previous == row.previous else None,
                   delta_color="off")
    title = txt.status_title(fy, dict(zip(counts["status"], counts["count"])))
    ui.chart_block(ui.lazy(attainment.status_counts_chart, counts, title), counts, title, f"indicator_status_{fy}")

# --- PDCA / partners ---------------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.header(txt.PDCA_HEADER)
    pdca_years = ui.q(pdca.pdca_by_year, f)
    sub = st.columns(2)
    ui.metric(sub[0], txt.METRIC_PDCA, common.kpi(pdca_years, fy, "completion_pct"), digits=1, suffix="%",
              delta_suffix=txt.POINTS)
    ui.metric(sub[1], txt.METRIC_REPORTED, common.kpi(pdca_years, fy, "reported"))
with right:
    st.header(txt.PARTNERS_HEADER)
    partner_years = ui.q(partners.partners_by_year, f)
    sub = st.columns(3)
    ui.metric(sub[0], txt.METRIC_COLLAB, common.kpi(partner_years, fy, "collaborations"))
    ui.metric(sub[1], txt.METRIC_PARTICIPANTS, common.kpi(partner_years, fy, "participants"))
    ui.metric(sub[2], txt.METRIC_CO2, common.kpi(partner_years, fy, "co2_t"), digits=1)
