"""PDCA stages of the actions, self-evaluations and directions; and their charts."""
from __future__ import annotations

import altair as alt
import pandas as pd

# The data are aggregated figures already; big warehouses may still exceed Altair's 5,000 rows.
from pipeline.analysis.chart_style import (
    BLACK,
    GRADE_COLORS,
    NEUTRAL,
    STAGE_COLORS,
    STAGE_OF,
    STAGE_WHITE_TEXT_FROM,
    chart_title,
    headroom,
    tip,
    with_fy_label,
)
from pipeline.analysis.common import (
    NOT_REPORTED,
    Filters,
    fetch,
    pct,
    query,
    share_of,
    where_clause,
)
from pipeline.ingest import contract as c
from pipeline.texts import dashboard as txt


@query
def pdca_by_year(con, f: Filters) -> pd.DataFrame:
    """Per FY: actions planned, reported, with all four stages, and the completion rate."""
    where, params = where_clause(f.all_years())
    df = fetch(con, f"""SELECT fiscal_year, count(*) AS actions,
                             count(*) FILTER (WHERE reported) AS reported,
                             count(*) FILTER (WHERE stages = 4) AS complete,
                             count(*) FILTER (WHERE plan) AS plan,
                             count(*) FILTER (WHERE "do") AS "do",
                             count(*) FILTER (WHERE "check") AS "check",
                             count(*) FILTER (WHERE act) AS act
                      FROM v_pdca_status {where} GROUP BY fiscal_year ORDER BY fiscal_year""",
            params)
    df["completion_pct"] = [pct(a, b) for a, b in zip(df["complete"], df["actions"])]
    return df


@query
def pdca_matrix(con, f: Filters, max_actions: int | None = None) -> pd.DataFrame:
    """Action × FY with the number of stages met (all FYs; grouped by measure).

    With more than `max_actions` actions, only those whose cycle is incomplete in some FY
    are kept (the ones HQ follows up), up to `max_actions` of them.
    """
    df = _pdca_matrix(con, f)
    if max_actions is None or df["action_code"].nunique() <= max_actions:
        return df
    open_ = df.loc[df["stages"] < 4, "action_code"].drop_duplicates().head(max_actions)
    return df[df["action_code"].isin(set(open_))].reset_index(drop=True)


def _pdca_matrix(con, f: Filters) -> pd.DataFrame:
    where, params = where_clause(f.all_years(), dept_col="s.department_code", policy_col="s.policy_code",
                                 action_col="s.action_code")
    return fetch(con, f"""
        SELECT s.action_code, s.action_name, s.measure_code, m.measure_name, s.fiscal_year,
               s.stages, s.reported, s.department_code
        FROM v_pdca_status s LEFT JOIN v_measures m ON m.measure_code = s.measure_code
        {where}
        ORDER BY m.sort_order, s.measure_code, s.sort_order, s.action_code, s.fiscal_year""",
        params)


@query
def pdca_funnel(con, f: Filters) -> pd.DataFrame:
    """P→D→C→A: actions meeting each stage in the selected FY, and share of planned."""
    cols = ["stage", "label", "count", "share_pct"]
    if f.fiscal_year is None:
        return pd.DataFrame(columns=cols)
    row = pdca_by_year(con, f)
    row = row[row["fiscal_year"] == int(f.fiscal_year)]
    planned = int(row["plan"].iloc[0]) if not row.empty else 0
    out = []
    for stage in ("plan", "do", "check", "act"):
        n = int(row[stage].iloc[0]) if not row.empty else 0
        out.append({"stage": stage, "label": txt.STAGE_LABELS[stage], "count": n,
                    "share_pct": pct(n, planned)})
    return pd.DataFrame(out, columns=cols)


@query
def self_evaluation_distribution(con, f: Filters) -> pd.DataFrame:
    """Reported actions per 自己評価 grade in the selected FY (all grades listed)."""
    where, params = where_clause(f, extra=["reported"])
    df = fetch(con, f"SELECT self_evaluation AS grade, count(*) AS count FROM v_pdca_status "
                  f"{where} GROUP BY ALL", params)
    counts = dict(zip(df["grade"], df["count"]))
    total = sum(int(v) for v in counts.values())
    return pd.DataFrame([{"grade": g, "label": txt.grade_label(g, c.SELF_EVALUATION_LABELS[g]),
                          "count": int(counts.get(g, 0)),
                          "share_pct": pct(int(counts.get(g, 0)), total)}
                         for g in c.SELF_EVALUATIONS],
                        columns=["grade", "label", "count", "share_pct"])


@query
def direction_distribution(con, f: Filters) -> pd.DataFrame:
    """Reported actions per 今後の方向性 in the selected FY (all directions listed)."""
    where, params = where_clause(f, extra=["reported"])
    df = fetch(con, f"SELECT direction, count(*) AS count FROM v_pdca_status {where} GROUP BY ALL",
             params)
    counts = dict(zip(df["direction"], df["count"]))
    total = sum(int(v) for v in counts.values())
    return pd.DataFrame([{"direction": d, "count": int(counts.get(d, 0)),
                          "share_pct": pct(int(counts.get(d, 0)), total)}
                         for d in c.DIRECTIONS_NEXT],
                        columns=["direction", "count", "share_pct"])


def incomplete_reasons(reported: bool, do: bool, check: bool, direction: str | None,
                       act: bool) -> list[str]:
    """Why an action's cycle is incomplete, in Japanese (empty when complete)."""
    if not reported:
        return [txt.REASON_NOT_REPORTED]
    reasons = []
    if not do:
        reasons.append(txt.REASON_NOT_DONE)
    if not check:
        reasons.append(txt.REASON_NO_CHECK)
    if not act:
        reasons.append(txt.REASON_NO_DIRECTION if not direction else txt.REASON_NO_REVISION)
    return reasons


@query
def incomplete_cycles(con, f: Filters) -> pd.DataFrame:
    """Actions of the selected FY whose cycle is incomplete, with the reasons."""
    cols = ["action_code", "action_name", "department_name", "stages", "reasons",
            "self_evaluation", "direction"]
    where, params = where_clause(f, dept_col="s.department_code", policy_col="s.policy_code",
                           year_col="s.fiscal_year", extra=["s.stages < 4"],
                           action_col="s.action_code")
    df = fetch(con, f"""
        SELECT s.action_code, s.action_name, d.department_name, s.stages, s.reported,
               s."do", s."check", s.act, s.self_evaluation, s.direction
        FROM v_pdca_status s LEFT JOIN v_departments d USING (department_code)
        {where} ORDER BY s.stages, s.sort_order, s.action_code""", params)
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["reasons"] = ["、".join(incomplete_reasons(bool(r.reported), bool(r.do), bool(r.check),
                                                  r.direction if isinstance(r.direction, str) else None,
                                                  bool(r.act)))
                     for r in df.itertuples()]
    return df[cols].reset_index(drop=True)


_GRADE_RANK = {"A": 4, "B": 3, "C": 2, "D": 1}


@query
def self_evaluation_transitions(con, f: Filters, from_year: int, to_year: int) -> pd.DataFrame:
    """Actions active in both FYs, counted by (grade in from_year, grade in to_year)."""
    where, params = where_clause(f.all_years(), dept_col="a.department_code",
                           policy_col="a.policy_code", year_col="a.fiscal_year",
                           action_col="a.action_code")
    cond = "AND " + where[len("WHERE "):] if where else ""
    df = fetch(con, f"""
        SELECT coalesce(a.self_evaluation, '{NOT_REPORTED}') AS from_grade,
               coalesce(b.self_evaluation, '{NOT_REPORTED}') AS to_grade, count(*) AS count
        FROM v_pdca_status a JOIN v_pdca_status b
          ON a.action_code = b.action_code AND a.fiscal_year = ? AND b.fiscal_year = ?
        WHERE TRUE {cond}
        GROUP BY ALL""", [int(from_year), int(to_year)] + params)
    order = {g: i for i, g in enumerate(list(c.SELF_EVALUATIONS) + [NOT_REPORTED])}
    df["_a"] = df["from_grade"].map(order)
    df["_b"] = df["to_grade"].map(order)
    df["count"] = df["count"].astype(int)
    return df.sort_values(["_a", "_b"]).drop(columns=["_a", "_b"]).reset_index(drop=True)


def transition_summary(transitions: pd.DataFrame) -> tuple[int, int, int]:
    """(improved, unchanged, worsened) among actions graded A–D in both FYs."""
    up = same = down = 0
    for r in transitions.itertuples():
        a, b = _GRADE_RANK.get(r.from_grade), _GRADE_RANK.get(r.to_grade)
        if a is None or b is None:
            continue
        if b > a:
            up += int(r.count)
        elif b < a:
            down += int(r.count)
        else:
            same += int(r.count)
    return up, same, down


def _stage_scale() -> alt.Scale:
    return alt.Scale(domain=[1, 2, 3, 4], range=[STAGE_COLORS[k] for k in (1, 2, 3, 4)])


def good_grade_share(grades: pd.DataFrame) -> float | None:
    """% of graded actions with a good grade (A, B: contract.GOOD_GRADES) in a
    `self_evaluation_distribution` frame; None when nothing is graded."""
    return share_of(grades, "grade", c.GOOD_GRADES)


def pdca_matrix_chart(df: pd.DataFrame, title: str, highlight_year: int | None = None):
    """Action × FY, coloured by the number of stages met; rows grouped by measure."""
    data = with_fy_label(df)
    data["label"] = ("［" + data["measure_code"].fillna("") + "］" + data["action_code"] + " "
                     + data["action_name"])
    data["measure"] = data["measure_code"].fillna("") + " " + data["measure_name"].fillna("")
    data["state"] = [txt.stages_state(s, r)
                     for s, r in zip(data["stages"], data["reported"])]
    order = data.drop_duplicates("label")["label"].tolist()
    years = sorted(data["fy_label"].unique().tolist())
    height = max(160, 24 * len(order) + 40)
    data = data[["fy_label", "label", "measure", "state", "stages"]]    # only what is drawn
    base = alt.Chart(data).encode(
        x=alt.X("fy_label:N", sort=years, title=None, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=380)))
    rect = base.mark_rect(stroke="white", strokeWidth=1.5).encode(
        color=alt.Color("stages:O", title=txt.STAGES_LEGEND, scale=_stage_scale()),
        tooltip=[tip("measure", txt.COLUMNS["measure_name"], kind="N"),
                 tip("label", txt.COLUMNS["action_name"], kind="N"),
                 tip("fy_label", txt.COLUMNS["fiscal_year"], kind="N"),
                 tip("state", txt.STAGES_DONE_TIP, kind="N")])
    text = base.mark_text(fontSize=13).encode(
        text=alt.Text("stages:Q"),
        color=alt.condition(f"datum.stages >= {STAGE_WHITE_TEXT_FROM}", alt.value("white"),
                            alt.value("black")))
    layers = [rect, text]
    if highlight_year is not None and txt.fy_short(highlight_year) in years:
        hl = pd.DataFrame({"fy_label": [txt.fy_short(highlight_year)]})
        layers.append(alt.Chart(hl).mark_rect(fill=None, stroke=BLACK, strokeWidth=3).encode(
            x=alt.X("fy_label:N", sort=years)))
    return alt.layer(*layers).properties(title=chart_title(title, txt.PDCA_MATRIX_SUBTITLE),
                                         height=height)


def funnel_chart(df: pd.DataFrame, title: str, height: int = 240):
    """Actions meeting each PDCA stage, one bar per stage.

    Not a funnel: each stage is counted on its own (the contract allows stages in any
    order), so a later stage may count more actions than an earlier one."""
    data = df.copy()
    data["stage_no"] = data["stage"].map(STAGE_OF)
    data["text"] = [txt.stage_count_label(n, p if p is not None and p == p else None)
                    for n, p in zip(data["count"], data["share_pct"])]
    y = alt.Y("label:N", sort=data["label"].tolist(), title=None)
    bars = alt.Chart(data).mark_bar(height=34).encode(
        x=alt.X("count:Q", title=txt.ACTIONS_AXIS, axis=alt.Axis(tickMinStep=1),
                scale=headroom(data, "count", 0.3)),
        y=y, color=alt.Color("stage_no:O", scale=_stage_scale(), legend=None),
        tooltip=[tip("label", txt.COLUMNS["stage"], kind="N"),
                 tip("count", txt.ACTIONS_TIP, "d"),
                 tip("share_pct", txt.SHARE_OF_PLANNED_TIP, ".1f")])
    text = alt.Chart(data).mark_text(align="left", dx=6, fontSize=17, fontWeight="bold").encode(
        x="count:Q", y=y, text="text:N")
    return alt.layer(bars, text).properties(title=chart_title(title, txt.STAGE_BARS_SUBTITLE), height=height)


def grade_chart(df: pd.DataFrame, title: str, height: int = 240):
    data = df.copy()
    y = alt.Y("label:N", sort=data["label"].tolist(), title=None)
    bars = alt.Chart(data).mark_bar(height=30).encode(
        x=alt.X("count:Q", title=txt.ACTIONS_AXIS, axis=alt.Axis(tickMinStep=1), scale=headroom(data, "count")),
        y=y, color=alt.Color("grade:N", scale=alt.Scale(domain=list(c.SELF_EVALUATIONS),
                                                   range=[GRADE_COLORS[g] for g in c.SELF_EVALUATIONS]),
                        legend=None),
        tooltip=[tip("label", txt.COLUMNS["grade"], kind="N"), tip("count", txt.ACTIONS_TIP, "d"),
                 tip("share_pct", txt.SHARE_TIP, ".1f")])
    text = alt.Chart(data).mark_text(align="left", dx=6, fontSize=16).encode(
        x="count:Q", y=y, text="count:Q")
    return alt.layer(bars, text).properties(title=chart_title(title), height=height)


def direction_chart(df: pd.DataFrame, title: str, height: int = 260):
    data = df.copy()
    y = alt.Y("direction:N", sort=list(c.DIRECTIONS_NEXT), title=None)
    bars = alt.Chart(data).mark_bar(height=28, color=NEUTRAL).encode(
        x=alt.X("count:Q", title=txt.ACTIONS_AXIS, axis=alt.Axis(tickMinStep=1), scale=headroom(data, "count")),
        y=y, tooltip=[tip("direction", txt.COLUMNS["direction"], kind="N"),
                 tip("count", txt.ACTIONS_TIP, "d"), tip("share_pct", txt.SHARE_TIP, ".1f")])
    text = alt.Chart(data).mark_text(align="left", dx=6, fontSize=16).encode(
        x="count:Q", y=y, text="count:Q")
    return alt.layer(bars, text).properties(title=chart_title(title), height=height)


def transitions_chart(df: pd.DataFrame, from_year: int, to_year: int, title: str):
    """From-grade × to-grade counts: above the diagonal improved, below worsened."""
    grades = list(c.SELF_EVALUATIONS) + [txt.NOT_REPORTED]
    a_title = txt.grades_in(from_year)
    b_title = txt.grades_in(to_year)
    base = alt.Chart(df).encode(
        x=alt.X("to_grade:N", sort=grades, title=b_title, axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("from_grade:N", sort=grades, title=a_title))
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("count:Q", title=txt.ACTIONS_AXIS, scale=alt.Scale(scheme="blues")),
        tooltip=[alt.Tooltip("from_grade:N", title=a_title), alt.Tooltip("to_grade:N", title=b_title),
                 tip("count", txt.ACTIONS_TIP, "d")])
    mx = float(df["count"].max()) if not df.empty else 0.0
    text = base.mark_text(fontSize=18, fontWeight="bold").encode(
        text="count:Q",
        color=alt.condition(f"datum.count > {mx * 0.55}", alt.value("white"), alt.value("black")))
    return alt.layer(rect, text).properties(title=chart_title(title), height=320)


#: 自己評価 grades that say an action is behind (C やや遅れ, D 遅れ・未着手).
LAGGING_GRADES = ("C", "D")


@query
def flagged_actions(con, f: Filters) -> pd.DataFrame:
    """Actions of the selected FY rated C/D, or whose 今後の方向性 is a revision (改善, 縮小,
    休止・廃止): what a policy's paragraph of the narrative names."""
    cols = ["action_code", "action_name", "policy_code", "self_evaluation", "direction",
            "lagging", "revising"]
    if f.fiscal_year is None:
        return pd.DataFrame(columns=cols)
    grades = ", ".join(f"'{g}'" for g in LAGGING_GRADES)
    revising = ", ".join(f"'{d}'" for d in c.DIRECTIONS_NEEDING_REVISION)
    where, params = where_clause(f, extra=[f"(self_evaluation IN ({grades}) OR direction IN ({revising}))"])
    return fetch(con, f"""
        SELECT action_code, action_name, policy_code, self_evaluation, direction,
               coalesce(self_evaluation IN ({grades}), FALSE) AS lagging,
               coalesce(direction IN ({revising}), FALSE) AS revising
        FROM v_pdca_status {where} ORDER BY sort_order, action_code""", params)[cols]


@query
def pdca_by_policy(con, f: Filters) -> pd.DataFrame:
    """`pdca_by_year` per basic policy too (one query for every policy's paragraph)."""
    where, params = where_clause(f.all_years())
    df = fetch(con, f"""SELECT fiscal_year, policy_code, count(*) AS actions,
                             count(*) FILTER (WHERE reported) AS reported,
                             count(*) FILTER (WHERE stages = 4) AS complete
                      FROM v_pdca_status {where} GROUP BY ALL ORDER BY fiscal_year, policy_code""",
               params)
    df["completion_pct"] = [pct(a, b) for a, b in zip(df["complete"], df["actions"])]
    return df
