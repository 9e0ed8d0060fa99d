"""市役所の排出量 (事務事業編): the city government's own emissions against its targets, by
organisation, activity and facility; the factors' effect, the year-on-year decomposition,
coverage, and where a facility's figure came from."""
import streamlit as st

from pipeline.analysis import operations as ops
from pipeline.dashboard import ui
from pipeline.dashboard.shell import ensure_app_shell
from pipeline.texts import dashboard as dtxt
from pipeline.texts import operations as txt
from pipeline.warehouse import provenance

ensure_app_shell()

st.title(txt.PAGE_TITLE)
st.caption(txt.PAGE_CAPTION)
ui.require_master()
f = ui.filters()
fy = f.fiscal_year
if not ui.q(ops.has_inventory):
    ui.empty(txt.NO_INVENTORY)
    st.stop()
if not ui.q(ops.energy_years):
    ui.empty(txt.NO_ENERGY)
    st.stop()
if not ui.q(ops.has_factors):
    ui.empty(txt.NO_FACTORS)
    st.stop()

scopes = ui.q(ops.scopes)
scope_names = dict(zip(scopes["organisation_code"].tolist(), scopes["organisation_name"].tolist()))
org = ui.url_choice("org", list(scope_names), txt.ORG_LABEL, key="ops_org", format_func=scope_names.get,
                    help=txt.ORG_HELP)
scope = scope_names[org]
years = ui.q(ops.inventory_years)
has_year = fy in years

# --- target and pace ----------------------------------------------------------------------
st.header(txt.H_TARGET)
totals = ui.q(ops.operations_totals, org)
pace = ui.q(ops.operations_pace, fy, org)
if pace is None:
    ui.empty(txt.no_energy_for(fy))
else:
    if pace.latest_year != fy:
        ui.empty(txt.no_energy_for(fy))
    cols = st.columns(4)
    cols[0].metric(f"{txt.METRIC_T} {dtxt.fy_short(pace.latest_year)}",
                   ui.fmt_num(pace.t_co2, 1, f"（{txt.PROVISIONAL}）" if pace.provisional else ""))
    cols[1].metric(txt.METRIC_REDUCTION, ui.fmt_num(pace.reduction_pct, 1, "%"),
                   help=f"{dtxt.fy_short(pace.base_year)} → {dtxt.fy_short(pace.latest_year)}")
    cols[2].metric(txt.METRIC_PACE_ACTUAL, ui.fmt_num(pace.actual_rate_pct, 1, "%"))
    cols[3].metric(txt.METRIC_PACE_NEEDED, ui.fmt_num(pace.needed_rate_pct, 1, "%"),
                   help=dtxt.fy_short(pace.target_year))
    if pace.needed_rate_pct is None or pace.actual_rate_pct is None:
        st.markdown(txt.NO_TARGET)
    else:
        st.markdown(dtxt.pace_sentence(pace.on_track, pace.actual_rate_pct, pace.needed_rate_pct,
                                       pace.latest_year, pace.target_year)
                    + (f" {txt.pace_status(pace.status)}" if pace.status else ""))
    title = txt.trend_title(scope, pace.latest_year, pace.t_co2, pace.reduction_pct, pace.provisional)
    ui.chart_block(ui.lazy(ops.operations_trend_chart, totals, title, txt.TREND_SUBTITLE), totals, title,
                   f"operations_{org or 'all'}",
                   columns=["fiscal_year", "organisation_name", "t_co2", "provisional_mark", "t_co2_fixed",
                            "base_year", "base_t_co2", "target_year", "target_t_co2", "expected_t_co2",
                            "reduction_pct", "status", "facilities_reported", "facilities_in_use"])
    if ui.derive(ops.any_provisional, totals):
        st.caption(txt.PROVISIONAL_NOTE)

if not has_year:
    st.stop()

# --- organisations ---------------------------------------------------------------------------
st.header(txt.H_ORGS)
status = ui.q(ops.operations_status, fy)
good, counted = ui.derive(ops.good_organisations, status)
title = txt.orgs_title(fy, good, counted)
ui.chart_block(ui.lazy(ops.organisations_chart, status, title), status, title, f"operations_orgs_{fy}",
               columns=["organisation_name", "t_co2", "provisional_mark", "base_year", "base_t_co2",
                        "target_year", "target_t_co2", "expected_t_co2", "reduction_pct",
                        "expected_reduction_pct", "target_reduction_pct", "actual_rate_pct",
                        "needed_rate_pct", "status", "facilities_reported", "facilities_in_use"])

# --- activity and the factors' effect ----------------------------------------------------------
st.header(txt.H_ACTIVITY)
by_activity = ui.q(ops.emissions_by_activity, org, fy)
title = txt.activity_title(fy, *(ui.derive(ops.largest_activity, by_activity, fy) or (None, None)))
ui.chart_block(ui.lazy(ops.activity_chart, by_activity, title), by_activity, title,
               f"operations_activity_{org or 'all'}_{fy}",
               columns=["fiscal_year", "activity", "t_co2", "share_pct", "provisional_mark"])

st.header(txt.H_FACTOR)
comparison = ui.derive(ops.factor_comparison, totals, fy)
title = txt.factor_title(fy, *ui.derive(ops.factor_gap, comparison, fy))
ui.chart_block(ui.lazy(ops.factor_comparison_chart, comparison, title), comparison, title,
               f"operations_factor_{org or 'all'}_{fy}")
if ui.derive(ops.fixed_missing, totals):
    st.caption(txt.FIXED_MISSING_NOTE)

st.header(txt.H_DECOMPOSITION)
change = ui.q(ops.decomposition, fy, org)
if change is None:
    ui.empty(txt.NO_PREVIOUS_YEAR)
else:
    steps = ui.derive(ops.waterfall_steps, change)
    title = txt.waterfall_title(int(change["previous_year"]), fy, change["change_t"],
                                change["usage_effect_t"], change["factor_effect_t"])
    ui.chart_block(ui.lazy(ops.waterfall_chart, steps, title), steps, title,
                   f"operations_change_{org or 'all'}_{fy}",
                   columns=["step", "fiscal_year", "value", "start", "end"])

# --- facilities ------------------------------------------------------------------------------------
facilities = ui.q(ops.facility_emissions, fy, org, f.department)
st.header(txt.H_FACILITIES)
st.caption(txt.DEPARTMENT_NOTE)
top = ui.derive(ops.top_facilities, facilities)
title = txt.top_facilities_title(fy, *ui.derive(ops.top_summary, facilities))
ui.chart_block(ui.lazy(ops.top_facilities_chart, top, title), facilities, title,
               f"operations_facilities_{org or 'all'}_{fy}",
               columns=["facility_code", "facility_name", "department_name", "organisation_name", "use_type",
                        "floor_area_m2", "t_co2", "t_co2_fixed", "kg_per_m2", "share_of_total_pct",
                        "provisional_mark"])

st.header(txt.H_CHANGES)
changes = ui.q(ops.facility_changes, fy, org, f.department)
if changes.empty:
    ui.empty(txt.NO_CHANGES)
else:
    title = txt.changes_title(fy, *ui.derive(ops.largest_change, changes))
    ui.chart_block(ui.lazy(ops.facility_changes_chart, changes, title), changes, title,
                   f"operations_facility_change_{org or 'all'}_{fy}")

st.header(txt.H_INTENSITY)
intensity = ui.derive(ops.intensity_by_use, facilities)
if intensity.empty:
    ui.empty(txt.NO_AREA)
else:
    first = intensity.iloc[0]
    title = txt.intensity_title(fy, first["use_type"], float(first["kg_per_m2"]))
    ui.chart_block(ui.lazy(ops.intensity_chart, intensity, title), intensity, title,
                   f"operations_intensity_{org or 'all'}_{fy}")

# --- coverage ----------------------------------------------------------------------------------------
st.header(txt.H_COVERAGE)
coverage = ui.q(ops.coverage_by_department, fy, org, f.department)
reported, in_use = ui.derive(ops.coverage_totals, coverage)
title = txt.coverage_title(fy, reported, in_use)
ui.chart_block(ui.lazy(ops.coverage_chart, coverage, title), coverage, title,
               f"operations_coverage_{org or 'all'}_{fy}",
               columns=["department_code", "department_name", "organisation_name", "facilities_in_use",
                        "facilities_reported", "facilities_missing", "coverage_pct", "missing_facilities"])
missing = ui.derive(ops.missing_table, coverage)
if missing.empty:
    st.markdown(txt.NO_MISSING)
else:
    st.subheader(txt.MISSING_HEADER)
    ui.table(missing, f"operations_missing_{org or 'all'}_{fy}",
             columns=["department_code", "department_name", "facilities_missing", "missing_facilities"])

# --- provenance --------------------------------------------------------------------------------------
st.header(txt.H_PROVENANCE)
st.caption(txt.PROVENANCE_INTRO)
choices = ui.derive(ops.facility_choices, facilities)
if not choices:
    ui.empty(txt.NO_PROVENANCE)
else:
    code = st.selectbox(txt.PROVENANCE_SELECT, list(choices), format_func=choices.get,
                        key=ui.content_key("ops_facility", choices.values()))
    ui.table(ui.q(provenance.facility_sources, fy, code), f"operations_sources_{code}_{fy}",
             columns=list(txt.SOURCE_COLUMNS), rename=txt.SOURCE_COLUMNS)
    st.page_link("pages/history.py", label=txt.PROVENANCE_LINK, icon=":material/history:")
