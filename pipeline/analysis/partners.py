"""Partners (連携主体): who took part, how many, CO2 reductions; and their charts."""
from __future__ import annotations

import altair as alt
import pandas as pd

# The data are aggregated figures already; big warehouses may still exceed Altair's 5,000 rows.
from pipeline.analysis.chart_style import (
    NEUTRAL,
    chart_title,
    headroom,
    tip,
    with_fy_label,
    wrap_label_expr,
)
from pipeline.analysis.common import Filters, fetch, query, where_clause
from pipeline.ingest import contract as c
from pipeline.texts import dashboard as txt


@query
def partners_by_year(con, f: Filters) -> pd.DataFrame:
    """Per FY: collaborations (rows), participants, CO2 reduction (t), named organisations."""
    where, params = where_clause(f.all_years())
    return fetch(con, f"""
        SELECT fiscal_year, count(*) AS collaborations,
               coalesce(sum(participants), 0)::BIGINT AS participants,
               coalesce(sum(co2_reduction_t), 0)::DOUBLE AS co2_t,
               count(DISTINCT nullif(trim(organisation), '')) AS organisations
        FROM v_stakeholder_contributions {where}
        GROUP BY fiscal_year ORDER BY fiscal_year""", params)


@query
def stakeholders_by_category(con, f: Filters) -> pd.DataFrame:
    """Partner category × FY: collaborations, participants, CO2 reduction.

    Restricted to the selected FY when one is set (use `f.all_years()` for trends).
    """
    where, params = where_clause(f)
    df = fetch(con, f"""
        SELECT fiscal_year, stakeholder_type, count(*) AS collaborations,
               coalesce(sum(participants), 0)::BIGINT AS participants,
               coalesce(sum(co2_reduction_t), 0)::DOUBLE AS co2_t
        FROM v_stakeholder_contributions {where}
        GROUP BY ALL""", params)
    order = {s: i for i, s in enumerate(c.STAKEHOLDER_TYPES)}
    df["_o"] = df["stakeholder_type"].map(order)
    return df.sort_values(["fiscal_year", "_o"]).drop(columns="_o").reset_index(drop=True)


@query
def stakeholder_heatmap(con, f: Filters) -> pd.DataFrame:
    """Partner category × basic policy for the selected FY, zeros included."""
    where, params = where_clause(f, dept_col="s.department_code", policy_col="s.policy_code",
                           year_col="s.fiscal_year", action_col="s.action_code")
    pol_where, pol_params = ("WHERE policy_code = ?", [f.policy]) if f.policy else ("", [])
    df = fetch(con, f"""
        WITH agg AS (
            SELECT s.stakeholder_type, s.policy_code, count(*) AS collaborations,
                   coalesce(sum(s.participants), 0)::BIGINT AS participants,
                   coalesce(sum(s.co2_reduction_t), 0)::DOUBLE AS co2_t
            FROM v_stakeholder_contributions s {where} GROUP BY ALL),
        pol AS (SELECT policy_code, policy_name, sort_order FROM v_policies {pol_where})
        SELECT t.stakeholder_type, pol.policy_code, pol.policy_name,
               coalesce(agg.collaborations, 0)::BIGINT AS collaborations,
               coalesce(agg.participants, 0)::BIGINT AS participants,
               coalesce(agg.co2_t, 0)::DOUBLE AS co2_t
        FROM (SELECT DISTINCT stakeholder_type FROM agg) t CROSS JOIN pol
        LEFT JOIN agg ON agg.stakeholder_type = t.stakeholder_type
                     AND agg.policy_code = pol.policy_code
        ORDER BY pol.sort_order, pol.policy_code""", params + pol_params)
    order = {s: i for i, s in enumerate(c.STAKEHOLDER_TYPES)}
    df["_o"] = df["stakeholder_type"].map(order)
    return df.sort_values(["_o"], kind="stable").drop(columns="_o").reset_index(drop=True)


@query
def top_organisations(con, f: Filters, limit: int = 10) -> pd.DataFrame:
    """Named organisations by number of collaborations in the selected FY."""
    where, params = where_clause(f, extra=["nullif(trim(organisation), '') IS NOT NULL"])
    return fetch(con, f"""
        SELECT trim(organisation) AS organisation,
               string_agg(DISTINCT stakeholder_type, ? ORDER BY stakeholder_type) AS stakeholder_types,
               count(*) AS collaborations, count(DISTINCT action_code) AS actions,
               coalesce(sum(participants), 0)::BIGINT AS participants,
               coalesce(sum(co2_reduction_t), 0)::DOUBLE AS co2_t
        FROM v_stakeholder_contributions {where}
        GROUP BY 1 ORDER BY collaborations DESC, participants DESC, organisation
        LIMIT {int(limit)}""", [txt.LIST_SEPARATOR, *params])


def _measure_tip(measure: str) -> alt.Tooltip:
    return tip(measure, txt.with_unit(txt.STAKE_MEASURES[measure], txt.STAKE_UNITS[measure]),
                ",.1f" if measure == "co2_t" else ",d")


def category_bar_chart(df: pd.DataFrame, measure: str, title: str):
    """One FY: collaborations / participants / CO2 per partner category."""
    data = df.sort_values(measure, ascending=False)
    height = max(160, 34 * len(data) + 40)
    y = alt.Y("stakeholder_type:N", sort=data["stakeholder_type"].tolist(), title=None)
    fmt = ",.1f" if measure == "co2_t" else ",d"
    bars = alt.Chart(data).mark_bar(height=22, color=NEUTRAL).encode(
        x=alt.X(f"{measure}:Q", title=txt.with_unit(txt.STAKE_MEASURES[measure], txt.STAKE_UNITS[measure]),
                scale=headroom(data, measure)),
        y=y,
        tooltip=[tip("stakeholder_type", txt.COLUMNS["stakeholder_type"], kind="N"),
                 _measure_tip("collaborations"), _measure_tip("participants"),
                 _measure_tip("co2_t")])
    text = alt.Chart(data).mark_text(align="left", dx=6, fontSize=15).encode(
        x=f"{measure}:Q", y=y, text=alt.Text(f"{measure}:Q", format=fmt))
    return alt.layer(bars, text).properties(title=chart_title(title), height=height)


def heatmap_chart(df: pd.DataFrame, measure: str, title: str):
    """Partner category × basic policy, darker = more."""
    types = [t for t in c.STAKEHOLDER_TYPES if t in set(df["stakeholder_type"])]
    pols = df.drop_duplicates("policy_code")["policy_name"].tolist()
    height = max(160, 34 * len(types) + 60)
    fmt = ",.1f" if measure == "co2_t" else ",d"
    base = alt.Chart(df).encode(
        x=alt.X("policy_name:N", sort=pols, title=txt.COLUMNS["policy_name"],
                axis=alt.Axis(labelAngle=0, labelLimit=0, orient="bottom", labelExpr=wrap_label_expr(6, 4),
                              labelLineHeight=17, labelBaseline="top")),
        y=alt.Y("stakeholder_type:N", sort=types, title=None))
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(f"{measure}:Q", title=txt.with_unit(txt.STAKE_MEASURES[measure], txt.STAKE_UNITS[measure]),
                        scale=alt.Scale(scheme="blues")),
        tooltip=[tip("stakeholder_type", txt.COLUMNS["stakeholder_type"], kind="N"),
                 tip("policy_name", txt.COLUMNS["policy_name"], kind="N"),
                 _measure_tip("collaborations"), _measure_tip("participants"), _measure_tip("co2_t")])
    mx = float(df[measure].max()) if not df.empty else 0.0
    text = base.mark_text(fontSize=14).encode(
        text=alt.Text(f"{measure}:Q", format=fmt),
        color=alt.condition(f"datum.{measure} > {mx * 0.55}", alt.value("white"), alt.value("black")))
    return alt.layer(rect, text).properties(title=chart_title(title), height=height)


def top_organisations_chart(df: pd.DataFrame, title: str):
    data = df.copy()
    height = max(160, 34 * len(data) + 40)
    y = alt.Y("organisation:N", sort=data["organisation"].tolist(), title=None)
    bars = alt.Chart(data).mark_bar(height=22, color=NEUTRAL).encode(
        x=alt.X("collaborations:Q", title=txt.COLLABORATIONS_AXIS, axis=alt.Axis(tickMinStep=1),
                scale=headroom(data, "collaborations")), y=y,
        tooltip=[tip("organisation", txt.COLUMNS["organisation"], kind="N"),
                 tip("stakeholder_types", txt.COLUMNS["stakeholder_type"], kind="N"),
                 _measure_tip("collaborations"),
                 tip("actions", txt.ACTIONS_TIP, "d"),
                 _measure_tip("participants"), _measure_tip("co2_t")])
    text = alt.Chart(data).mark_text(align="left", dx=6, fontSize=15).encode(
        x="collaborations:Q", y=y, text="collaborations:Q")
    return alt.layer(bars, text).properties(title=chart_title(title), height=height)


def stakeholder_trend_chart(df: pd.DataFrame, measure: str, title: str, height: int = 360):
    """Per FY, stacked by partner category."""
    data = with_fy_label(df)
    types = [t for t in c.STAKEHOLDER_TYPES if t in set(data["stakeholder_type"])]
    data["type_rank"] = data["stakeholder_type"].map({t: i for i, t in enumerate(types)})
    return alt.Chart(data).mark_bar(size=48).encode(
        order=alt.Order("type_rank:Q", sort="descending"),   # stack in the legend's order
        x=alt.X("fy_label:N", title=txt.COLUMNS["fiscal_year"], axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"sum({measure}):Q",
                title=txt.with_unit(txt.STAKE_MEASURES[measure], txt.STAKE_UNITS[measure])),
        # 13 categories: a 4-column legend with capped labels (full names in the tooltip), so it
        # wraps instead of running off the right edge on a laptop screen
        color=alt.Color("stakeholder_type:N", title=txt.COLUMNS["stakeholder_type"], sort=types,
                        scale=alt.Scale(scheme="tableau20"),
                        legend=alt.Legend(columns=4, labelLimit=200)),
        tooltip=[tip("fy_label", txt.COLUMNS["fiscal_year"], kind="N"),
                 tip("stakeholder_type", txt.COLUMNS["stakeholder_type"], kind="N"),
                 _measure_tip("collaborations"), _measure_tip("participants"), _measure_tip("co2_t")],
    ).properties(title=chart_title(title), height=height)
