"""市役所の排出量 (事務事業編): the city government's own emissions against its targets, by
organisation, activity and facility; the factors' effect, the year-on-year decomposition,
coverage, and where a facility's figure came from.  The headline figures stay on top; the
charts are grouped into four views (kept in the URL, like the organisation)."""
import streamlit as st

from pipeline.analysis import common
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
state = ui.q(ops.inventory_state)
if not state.has_inventory:
    ui.empty(txt.NO_INVENTORY)
    st.stop()
if not state.energy_years:
    ui.empty(txt.NO_ENERGY)
    st.stop()
if not state.has_factors:
    ui.empty(txt.NO_FACTORS)
    st.stop()

scope_names = dict(state.scopes)
left, right = st.columns([1, 2])
org = ui.url_choice("org", list(scope_names), txt.ORG_LABEL, key="ops_org", format_func=scope_names.get,
                    help=txt.ORG_HELP, container=left)
view = ui.url_choice("view", list(txt.VIEWS), txt.VIEW_LABEL, key="ops_view", format_func=txt.VIEWS.get,
                     container=right, radio=True)
scope, name = scope_names[org], org or "all"

# --- headline: the scope against base, path and target ------------------------------------------
st.header(txt.H_TARGET)
totals = ui.q(ops.operations_totals, org)
pace = ui.q(ops.operations_pace, fy, org)
if pace is None or pace.latest_year != fy:
    ui.empty(txt.no_energy_for(fy))
if pace is not None:
    cols = st.columns(4)
    cols[0].metric(txt.metric_t(pace.latest_year, pace.provisional), ui.fmt_num(pace.t_co2, ops.t_digits(pace.t_co2)))
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
    if ui.derive(ops.any_provisional, totals):
        st.caption(txt.PROVISIONAL_NOTE)
has_year = fy in state.inventory_years

# --- view: target and organisations -----------------------------------------------------------------
if view == "target":
    if pace is not None:
        title = txt.trend_title(scope, pace.latest_year, pace.t_co2, pace.reduction_pct, pace.provisional)
        ui.chart_block(ui.lazy(ops.operations_trend_chart, totals, title, txt.TREND_SUBTITLE), totals, title,
                       f"operations_{name}",
                       columns=["fiscal_year", "organisation_name", "t_co2", "provisional_mark", "t_co2_fixed",
                                "base_year", "base_t_co2", "target_year", "target_t_co2", "expected_t_co2",
                                "reduction_pct", "status", "facilities_reported", "facilities_in_use"])
    if has_year:
        st.header(txt.H_ORGS)
        status = ui.q(ops.operations_status, fy)
        title = txt.orgs_title(fy, *ui.derive(ops.good_organisations, status))
        ui.chart_block(ui.lazy(ops.organisations_chart, status, title), status, title, f"operations_orgs_{fy}",
                       columns=["organisation_name", "t_co2", "provisional_mark", "base_year", "base_t_co2",
                                "target_year", "target_t_co2", "expected_t_co2", "reduction_pct",
                                "expected_reduction_pct", "target_reduction_pct", "actual_rate_pct",
                                "needed_rate_pct", "status", "facilities_reported", "facilities_in_use"])
    st.stop()

if not has_year:
    st.stop()

# --- view: activity, the factors' effect and the decomposition ----------------------------------------
if view == "factors":
    st.header(txt.H_ACTIVITY)
    by_activity = ui.q(ops.emissions_by_activity, org, fy)
    title = txt.activity_title(fy, *(ui.derive(ops.largest_activity, by_activity, fy) or (None, None)))
    ui.chart_block(ui.lazy(ops.activity_chart, by_activity, title), by_activity, title,
                   f"operations_activity_{name}_{fy}",
                   columns=["fiscal_year", "activity", "t_co2", "share_pct", "provisional_mark"])

    st.header(txt.H_FACTOR)
    comparison = ui.derive(ops.factor_comparison, totals, fy)
    title = txt.factor_title(fy, *ui.derive(ops.factor_gap, comparison, fy))
    ui.chart_block(ui.lazy(ops.factor_comparison_chart, comparison, title), comparison, title,
                   f"operations_factor_{name}_{fy}")
    if ui.derive(ops.fixed_missing, totals):
        st.caption(txt.FIXED_MISSING_NOTE)

    st.header(txt.H_DECOMPOSITION)
    change = ui.q(ops.decomposition, fy, org)
    if change.empty:
        ui.empty(txt.NO_PREVIOUS_YEAR)
    else:
        steps = ui.derive(ops.waterfall_steps, change)
        title = txt.waterfall_title(fy, *ui.derive(ops.change_figures, change))
        ui.chart_block(ui.lazy(ops.waterfall_chart, steps, title), steps, title,
                       f"operations_change_{name}_{fy}", columns=["step", "fiscal_year", "value", "start", "end"])
    st.stop()

# --- view: facilities ---------------------------------------------------------------------------------------
if view == "facilities":
    facilities = ui.q(ops.facility_emissions, fy, org, f.department)
    st.header(txt.H_FACILITIES)
    st.caption(txt.DEPARTMENT_NOTE)
    top = ui.derive(ops.top_facilities, facilities)
    title = txt.top_facilities_title(fy, *ui.derive(ops.top_summary, facilities))
    ui.chart_block(ui.lazy(ops.top_facilities_chart, top, title), facilities, title,
                   f"operations_facilities_{name}_{fy}",
                   columns=["facility_code", "facility_name", "department_name", "organisation_name", "use_type",
                            "floor_area_m2", "t_co2", "t_co2_fixed", "kg_per_m2", "share_of_total_pct",
                            "provisional_mark"])

    st.header(txt.H_CHANGES)
    st.caption(txt.CHANGES_NOTE)
    changes = ui.q(ops.facility_changes, fy, org, f.department)
    if changes.empty:
        ui.empty(txt.NO_CHANGES)
    else:
        title = txt.changes_title(fy, *ui.derive(ops.largest_change, changes))
        ui.chart_block(ui.lazy(ops.facility_changes_chart, changes, title), changes, title,
                       f"operations_facility_change_{name}_{fy}")

    st.header(txt.H_INTENSITY)
    intensity = ui.derive(ops.intensity_by_use, facilities)
    if intensity.empty:
        ui.empty(txt.NO_AREA)
    else:
        title = txt.intensity_title(fy, *ui.derive(ops.largest_intensity, intensity))
        ui.chart_block(ui.lazy(ops.intensity_chart, intensity, title), intensity, title,
                       f"operations_intensity_{name}_{fy}")
    st.stop()

# --- view: coverage and provenance -----------------------------------------------------------------------
st.header(txt.H_COVERAGE)
st.caption(txt.DEPARTMENT_NOTE)
coverage = ui.q(ops.coverage_by_department, fy, org, f.department)
title = txt.coverage_title(fy, *ui.derive(ops.coverage_totals, coverage))
ui.chart_block(ui.lazy(ops.coverage_chart, coverage, title), coverage, title, f"operations_coverage_{name}_{fy}",
               columns=["department_code", "department_name", "organisation_name", "facilities_in_use",
                        "facilities_reported", "facilities_missing", "coverage_pct", "missing_facilities"])
missing = ui.derive(ops.missing_table, coverage)
if missing.empty:
    st.markdown(txt.NO_MISSING)
else:
    st.subheader(txt.MISSING_HEADER)
    ui.table(missing, f"operations_missing_{name}_{fy}",
             columns=["department_code", "department_name", "facilities_missing", "missing_facilities"])

st.header(txt.H_PROVENANCE)
st.caption(txt.PROVENANCE_INTRO)
facilities = ui.q(ops.facility_emissions, fy, org, f.department)
choices = ui.derive(ops.facility_choices, facilities)
if not choices:
    ui.empty(txt.NO_PROVENANCE)
else:
    code = st.selectbox(txt.PROVENANCE_SELECT, list(choices), format_func=choices.get,
                        key=ui.content_key("ops_facility", choices.values()))
    sources = ui.derive(common.blanks_as, ui.q(provenance.facility_sources, fy, code), ("supplier", "menu"),
                        dtxt.BLANK)
    # Where the figure came from (file, sheet, cells) within a laptop's width; amounts with separators.
    widths = {"activity": 125, "supplier": 120, "menu": 60, "reported_amount": 110, "unit": 50,
              "file_name": 130, "sheet": 120, "cells": 85, "row_cell": 110, "amount": 120}
    ui.table(sources, f"operations_sources_{code}_{fy}", columns=list(txt.SOURCE_COLUMNS),
             rename=txt.SOURCE_COLUMNS,
             column_config={txt.SOURCE_COLUMNS[k]: (st.column_config.NumberColumn(format="localized", width=w)
                                                    if k in ("reported_amount", "amount")
                                                    else st.column_config.Column(width=w))
                            for k, w in widths.items()})
    st.page_link("pages/history.py", label=txt.PROVENANCE_LINK, icon=":material/history:")
