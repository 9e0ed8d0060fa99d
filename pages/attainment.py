"""目標達成状況: every indicator's attainment and status, and one indicator in detail."""
import streamlit as st

from pipeline.analysis import attainment, reference
from pipeline.ingest import contract
from pipeline.dashboard import ui
from pipeline.texts import dashboard as txt
from pipeline.dashboard.shell import ensure_app_shell

ensure_app_shell()

st.title(txt.ATTAINMENT_TITLE)
st.caption(txt.ATTAINMENT_CAPTION)
ui.require_submissions()
f = ui.filters()
fy = f.fiscal_year

measures = ui.q(reference.measures, f.policy)
measure_names = dict(zip(measures["measure_code"], measures["measure_name"]))
left, right = st.columns([2, 3])
measure = left.selectbox(txt.MEASURE_LABEL, [""] + list(measure_names), key="att_measure",
                         format_func=lambda m: f"{m} {measure_names[m]}" if m else txt.ALL)
statuses = right.multiselect(txt.STATUS_FILTER_LABEL, list(contract.STATUSES), key="att_status",
                             placeholder=txt.ALL)

table = ui.q(attainment.attainment_table, f, measure or None, tuple(statuses) or None)
if table.empty:
    ui.empty(txt.NO_MATCH)
else:
    summary = ui.derive(attainment.attainment_summary, table)
    cols = st.columns(3)
    cols[0].metric(txt.ATTAINMENT_METRIC_COUNT, ui.fmt_num(summary.indicators))
    cols[1].metric(txt.GOOD_STATUSES_METRIC, ui.fmt_num(summary.good))
    cols[2].metric(txt.ATTAINMENT_METRIC_AVG, ui.fmt_num(summary.median_pct, 1, "%"))
    title = txt.attainment_chart_title(fy, summary.good, summary.indicators)
    shown = ["indicator_code", "indicator_name", "policy_name", "measure_name",
             "department_name", "unit", "base_value", "target_year", "target_value",
             "actual_value", "expected_value", "attainment_pct", "expected_pct", "status"]
    ui.chart_block(ui.lazy(attainment.attainment_chart, table, title), table, title, f"attainment_{fy}",
                   columns=shown)
    st.subheader(txt.TABLE_TITLE)
    # What a reader compares comes first and fits a 1366-px laptop; the plan's place
    # (基本方針, 施策) and the path figures follow to the right and in the CSV.
    listed = ["indicator_code", "indicator_name", "status", "attainment_pct", "actual_value", "target_value",
              "unit", "department_name", "target_year", "base_value", "expected_value", "policy_name",
              "measure_name"]
    widths = {"indicator_code": "small", "indicator_name": 240, "status": 70, "actual_value": 90,
              "target_value": 90, "unit": 80, "department_name": 130}
    ui.table(table, f"attainment_table_{fy}", columns=listed,
             column_config={**{txt.COLUMNS[k]: st.column_config.Column(width=w) for k, w in widths.items()},
                            # thousands separators, at most 3 decimals (a computed path had 4)
                            **{txt.COLUMNS[k]: st.column_config.NumberColumn(format="localized",
                                                                             width=widths.get(k))
                               for k in ("actual_value", "target_value", "base_value", "expected_value")},
                            txt.COLUMNS["attainment_pct"]: st.column_config.ProgressColumn(
                                txt.COLUMNS["attainment_pct"], format="%.1f%%", min_value=0, max_value=100,
                                width=120)})

st.header(txt.DETAIL_HEADER)
options = ui.q(attainment.indicator_options, f)
if options.empty:
    ui.empty(txt.NO_MATCH)
    st.stop()
names = dict(zip(options["indicator_code"], options["indicator_name"]))
code = st.selectbox(txt.DETAIL_SELECT, list(names), key="att_indicator",
                    format_func=lambda k: f"{k} {names[k]}")
detail = ui.q(attainment.indicator_detail, code, fy)
if detail is None:
    ui.empty(txt.NO_MATCH)
    st.stop()
if detail.projected_target_value is not None:
    st.markdown(txt.projection_sentence(detail.indicator_name, detail.projected_target_value,
                                        detail.target_value, detail.unit, detail.target_year,
                                        detail.will_meet, detail.projection_points))
else:
    st.markdown(txt.PROJECTION_TOO_FEW)
title = txt.detail_title(detail.indicator_name, detail.will_meet, detail.target_year)
ui.chart_block(ui.lazy(attainment.indicator_detail_chart, detail, title), detail.series, title, f"indicator_{code}")
