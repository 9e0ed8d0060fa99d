"""What the public site shows, read from one warehouse in one connection.

`collect(con, fy, config, edition)` returns a SiteContent: per page its figures (the
app's chart builders on the app's query results), their data tables, the plain-words
sentences and the open-data frames.  Rendering (charts to SVG, pages to HTML) happens
later without the warehouse, so the connection is short.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from pipeline.analysis import attainment, emissions, partners
from pipeline.analysis.common import Filters
from pipeline.ingest import contract as c
from pipeline.ingest.normalise import is_missing
from pipeline.report import data as rd
from pipeline.site import queries as q
from pipeline.site.config import PublicationConfig, Visibility
from pipeline.site.edition import Edition
from pipeline.texts import dashboard as dtxt
from pipeline.texts import site as txt


#: Width of a chart that needs the whole page width (its table goes below it).
WIDE = 960


@dataclass
class Table:
    """A data table as the page shows it: text cells, numeric columns right-aligned."""
    caption: str
    headers: list[str]
    rows: list[list[str]]
    numeric: set[int] = field(default_factory=set)
    nowrap: set[int] = field(default_factory=set)

    @property
    def wide(self) -> bool:
        """Too many columns to sit beside its chart."""
        return len(self.headers) > 4


@dataclass(frozen=True)
class Recipe:
    """How to build a chart: one of the app's chart builders and its arguments.  Kept as a
    recipe so that a worker process builds the chart (Altair's objects cost more CPU than
    the queries) right where it is rendered."""
    builder: object
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def build(self):
        return self.builder(*self.args, **self.kwargs)


@dataclass
class Figure:
    """A chart (rendered to charts/<key>.svg), its text alternative and its data."""
    key: str
    title: str
    alt: str
    chart: Recipe
    table: Table
    width: int | None = None
    heading: str = ""
    svg_width: int = 0
    svg_height: int = 0

    @property
    def src(self) -> str:
        return f"charts/{self.key}.svg"


@dataclass
class Fact:
    """One labelled figure on a page; `value` is the machine-readable number."""
    label: str
    text: str
    value: float | None = None
    key: str = ""


@dataclass
class IndicatorItem:
    code: str
    name: str
    unit: str
    status: str
    meaning: str
    facts: list[Fact]
    figure: Figure | None


@dataclass
class ActionItem:
    code: str
    name: str
    department: str
    priority: bool
    reported: bool
    fields: list[tuple[str, str]]
    stages: int


@dataclass
class MeasureBlock:
    code: str
    name: str
    indicators: list[IndicatorItem]
    actions: list[ActionItem]


@dataclass
class PolicyPage:
    code: str
    name: str
    slug: str
    lead: str
    narrative: str = ""
    facts: list[Fact] = field(default_factory=list)
    narrative_saved: bool = False     # HQ's saved text (else the automatic draft)
    figure: Figure | None = None
    measures: list[MeasureBlock] = field(default_factory=list)
    indicators: int = 0
    good: int = 0
    actions: int = 0
    complete: int = 0

    @property
    def href(self) -> str:
        return f"{self.slug}.html"

    @property
    def title(self) -> str:
        return txt.policy_title(self.code, self.name)


@dataclass
class Opinion:
    source: str
    target: str
    opinion: str
    response: str
    status: str


@dataclass
class SiteContent:
    config: PublicationConfig
    edition: Edition
    fiscal_year: int
    generated_at: datetime
    demo: bool
    highlights: list[str] = field(default_factory=list)
    emission_facts: list[Fact] = field(default_factory=list)
    pace_sentence: str = ""
    status_facts: list[Fact] = field(default_factory=list)
    pdca_facts: list[Fact] = field(default_factory=list)
    partner_facts: list[Fact] = field(default_factory=list)
    top_figures: list[Figure] = field(default_factory=list)
    policies: list[PolicyPage] = field(default_factory=list)
    partner_figures: list[Figure] = field(default_factory=list)
    operations: dict | None = None
    opinions: dict[int, list[Opinion]] = field(default_factory=dict)
    open_data: dict[str, pd.DataFrame] = field(default_factory=dict)
    narrative: list[str] = field(default_factory=list)       # the overview's sentences
    narrative_saved: bool = False

    def figures(self) -> list[Figure]:
        out = list(self.top_figures) + list(self.partner_figures)
        for p in self.policies:
            if p.figure:
                out.append(p.figure)
            for m in p.measures:
                out.extend(i.figure for i in m.indicators if i.figure)
        if self.operations:
            out.extend(self.operations.get("figures", []))
        return out


# --- helpers -------------------------------------------------------------------------------

def _v(value):
    return None if is_missing(value) else value


def slug(code: str, index: int) -> str:
    """A file name for a policy page: its code where it is plain ASCII, else its position."""
    return f"policy-{code}" if re.fullmatch(r"[A-Za-z0-9_-]{1,40}", code or "") else f"policy-{index + 1}"


def _table(caption: str, frame: pd.DataFrame, columns: list[tuple[str, str, str]]) -> Table:
    """columns: (frame column, header, kind); kind: text, tag (short text kept on one line),
    int, num (as typed), num1 (one decimal), pct, fy."""
    rows = []
    for rec in frame.to_dict("records"):
        row = []
        for col, _, kind in columns:
            v = _v(rec.get(col))
            if v is None:
                row.append(txt.BLANK)
            elif kind == "int":
                row.append(f"{int(v):,}")
            elif kind == "num1":
                row.append(txt.num(v, 1))
            elif kind == "num":
                row.append(txt.num(v))
            elif kind == "pct":
                row.append(txt.pct(v))
            elif kind == "fy":
                row.append(txt.fy_short(v))
            else:
                row.append(str(v))
        rows.append(row)
    numeric = {i for i, (_, _, kind) in enumerate(columns) if kind in ("int", "num1", "num", "pct")}
    nowrap = numeric | {i for i, (_, _, kind) in enumerate(columns) if kind in ("fy", "tag")}
    return Table(txt.table_caption(caption), [h for _, h, _ in columns], rows, numeric, nowrap)


# --- top page ------------------------------------------------------------------------------------

def _emissions(con, site: SiteContent, fy: int) -> None:
    by_sector = emissions.emissions_by_sector(con, fy)
    pace = emissions.emission_pace(con, fy)
    if by_sector.empty or pace is None:
        return
    path = emissions.emission_path(con)
    title = dtxt.emissions_title(pace.base_year, pace.latest_year, pace.reduction_pct)
    site.emission_facts = [
        Fact(txt.L_BASE, f"{txt.num(pace.base_kt, 0)} {txt.KT}（{txt.fy_short(pace.base_year)}）",
             pace.base_kt, "base_kt"),
        Fact(txt.L_LATEST, f"{txt.num(pace.latest_kt, 0)} {txt.KT}（{txt.fy_short(pace.latest_year)}）"
             if pace.latest_kt is not None else txt.BLANK, pace.latest_kt, "latest_kt"),
        Fact(txt.L_REDUCTION, txt.pct(pace.reduction_pct), pace.reduction_pct, "reduction_pct"),
        Fact(txt.L_ACTUAL_RATE, txt.pct(pace.actual_rate_pct), pace.actual_rate_pct, "actual_rate_pct"),
        Fact(txt.L_NEEDED_RATE, txt.pct(pace.needed_rate_pct), pace.needed_rate_pct, "needed_rate_pct"),
    ]
    if pace.target_year is not None:
        site.emission_facts.append(Fact(
            f"{txt.L_TARGET}（{txt.fy_short(pace.target_year)}）",
            f"{txt.num(pace.target_kt, 0)} {txt.KT}", pace.target_kt, "target_kt"))
    site.pace_sentence = txt.pace_sentence(pace.on_track, pace.actual_rate_pct, pace.needed_rate_pct,
                                           pace.latest_year, pace.target_year)
    wide = by_sector.pivot_table(index=["fiscal_year", "kind"], columns="sector", values="kt_co2",
                                 aggfunc="sum").reset_index()
    sectors = [s for s in c.SECTORS if s in wide.columns]
    wide["total"] = wide[sectors].sum(axis=1)
    cols = [("fiscal_year", dtxt.COLUMNS["fiscal_year"], "fy"), ("kind", dtxt.COLUMNS["kind"], "text")]
    cols += [(s, s, "num1") for s in sectors] + [("total", dtxt.TOTAL, "num1")]
    alt_text = txt.alt_text(title, txt.ALT_EMISSIONS, site.pace_sentence)
    site.top_figures.append(Figure("emissions", title, alt_text,
                                   Recipe(emissions.emissions_chart, (by_sector, path, title)),
                                   _table(title + f"（{txt.KT}）", wide, cols)))
    tail = [txt.hl_emissions(pace.latest_year, pace.latest_kt, pace.base_year, pace.reduction_pct)] \
        if pace.latest_year is not None and pace.reduction_pct is not None else []
    if pace.target_year is not None:
        tail.append(txt.hl_target(pace.target_year, pace.target_reduction_pct, pace.on_track))
    site.highlights.extend(tail)


def _status(con, site: SiteContent, fy: int, table: pd.DataFrame) -> None:
    counts = attainment.indicator_status_counts(con, Filters(fiscal_year=fy))
    by = dict(zip(counts["status"], counts["count"]))
    prev = dict(zip(counts["status"], counts["previous"]))
    total = int(sum(by.values()))
    site.status_facts = [Fact(s, txt.n_indicators(by.get(s, 0)), float(by.get(s, 0)), f"status_{i}")
                         for i, s in enumerate(c.STATUSES)]
    if total == 0:
        return
    title = dtxt.status_title(fy, {k: int(v) for k, v in by.items()})
    cols = [("status", dtxt.COLUMNS["status"], "tag"), ("count", txt.COL_INDICATORS, "int"),
            ("previous", txt.COL_PREVIOUS, "int"), ("change", txt.COL_CHANGE, "int")]
    alt_text = txt.alt_text(title, txt.alt_status({s: int(by.get(s, 0)) for s in c.STATUSES}))
    site.top_figures.append(Figure(f"indicator-status-{fy}", title, alt_text,
                                   Recipe(attainment.status_counts_chart, (counts, title)),
                                   _table(title, counts, cols)))
    good = int(by.get(c.STATUS_ACHIEVED, 0)) + int(by.get(c.STATUS_ON_TRACK, 0))
    prev_good = None
    if all(not is_missing(prev.get(s)) for s in (c.STATUS_ACHIEVED, c.STATUS_ON_TRACK)):
        prev_good = int(prev[c.STATUS_ACHIEVED]) + int(prev[c.STATUS_ON_TRACK])
    site.highlights.append(txt.hl_status(total, good, prev_good))
    achieved = table[table["status"] == c.STATUS_ACHIEVED]["indicator_name"].tolist()
    if achieved:
        site.highlights.append(txt.hl_achieved(achieved[:3], max(0, len(achieved) - 3)))
    behind = int(by.get(c.STATUS_BEHIND, 0)) + int(by.get(c.STATUS_WORSENED, 0))
    if behind:
        site.highlights.append(txt.hl_behind(behind))


def _pdca_partners(con, site: SiteContent, fy: int) -> None:
    p = rd.pdca_completion(con, fy)
    site.pdca_facts = [
        Fact(txt.L_ACTIONS, f"{p.actions} {txt.UNIT_ACTIONS}", p.actions, "actions"),
        Fact(txt.L_REPORTED, f"{p.reported} {txt.UNIT_ACTIONS}", p.reported, "reported"),
        Fact(txt.L_COMPLETE, f"{p.complete} {txt.UNIT_ACTIONS}（{txt.pct(p.complete_pct, 0)}）",
             p.complete, "complete")]
    if p.actions:
        site.highlights.append(txt.hl_pdca(p.actions, p.reported, p.complete))
    s = rd.partner_summary(con, fy)
    site.partner_facts = [
        Fact(txt.L_COLLABORATIONS, f"{s.rows:,} {txt.UNIT_CASES}", s.rows, "collaborations"),
        Fact(txt.L_PARTICIPANTS, f"{s.participants:,} {txt.UNIT_PEOPLE}", s.participants, "participants"),
        Fact(txt.L_CO2, f"{txt.num(s.co2_reduction_t, 1)} {txt.UNIT_T}", s.co2_reduction_t, "co2_t"),
        Fact(txt.L_TYPES, f"{s.types} {txt.UNIT_TYPES}", s.types, "types")]
    if s.rows:
        site.highlights.append(txt.hl_partners(s.rows, s.types, s.participants, s.co2_reduction_t))


# --- policy pages ----------------------------------------------------------------------------------

def _indicator(con, row: dict, fy: int) -> IndicatorItem:
    detail = attainment.indicator_detail(con, row["indicator_code"], fy)
    status = row["status"]
    meaning = txt.indicator_meaning(
        row["indicator_name"], row["unit"], status, _v(row["actual_value"]), fy,
        int(row["base_year"]), float(row["base_value"]), int(row["target_year"]),
        float(row["target_value"]), _v(row["expected_value"]), _v(row["attainment_pct"]),
        row["direction"])
    unit = row["unit"]
    facts = [
        Fact(txt.L_ACTUAL, f"{txt.num(_v(row['actual_value']))} {unit}" if _v(row["actual_value"]) is not None
             else txt.BLANK, _v(row["actual_value"])),
        Fact(f"{txt.L_BASE_VALUE}（{txt.fy_short(row['base_year'])}）", f"{txt.num(row['base_value'])} {unit}",
             row["base_value"]),
        Fact(f"{txt.L_TARGET_VALUE}（{txt.fy_short(row['target_year'])}）",
             f"{txt.num(row['target_value'])} {unit}", row["target_value"]),
        Fact(txt.L_EXPECTED, f"{txt.num(_v(row['expected_value']))} {unit}", _v(row["expected_value"])),
        Fact(txt.L_ATTAINMENT, txt.pct(_v(row["attainment_pct"])), _v(row["attainment_pct"])),
        Fact(txt.L_STATUS, status),
    ]
    figure = None
    if detail is not None:
        title = dtxt.detail_title(detail.indicator_name, detail.will_meet, detail.target_year)
        series = detail.series.rename(columns={"actual_value": "actual"})
        frame = detail.path.merge(series[["fiscal_year", "actual", "status"]], on="fiscal_year", how="outer")
        keep = {int(detail.base_year), fy}
        frame = frame[frame["actual"].notna() | frame["fiscal_year"].isin(keep)]
        frame = frame.sort_values("fiscal_year")
        cols = [("fiscal_year", dtxt.COLUMNS["fiscal_year"], "fy"),
                ("actual", f"{txt.L_ACTUAL}（{unit}）", "num"),
                ("expected_value", f"{dtxt.SERIES_PATH}（{unit}）", "num"),
                ("status", txt.L_STATUS, "tag")]
        table = _table(title, frame, cols)
        table.rows.append([txt.fy_short(detail.target_year), txt.BLANK,
                           f"{txt.num(detail.target_value)}（{dtxt.SERIES_TARGET}）", txt.BLANK])
        alt_text = f"{title}。" + meaning
        if detail.projected_target_value is not None and detail.will_meet is not None:
            alt_text += dtxt.projection_sentence(detail.indicator_name, detail.projected_target_value,
                                                 detail.target_value, unit, detail.target_year,
                                                 detail.will_meet, detail.projection_points).replace("**", "")
        figure = Figure(f"indicator-{_safe(row['indicator_code'])}", title, alt_text,
                        Recipe(attainment.indicator_detail_chart, (detail, title), {"height": 300}), table, width=640)
    return IndicatorItem(row["indicator_code"], row["indicator_name"], unit, status, meaning, facts, figure)


def _safe(code: str) -> str:
    """A file-name-safe form of a code (a digest keeps two codes that differ only in
    other characters apart)."""
    out = re.sub(r"[^A-Za-z0-9_-]", "_", str(code))
    if out == str(code):
        return out
    return f"{out}-{hashlib.sha1(str(code).encode()).hexdigest()[:8]}"


def _action(rec: dict, vis: Visibility) -> ActionItem:
    reported = bool(rec["reported"])
    fields: list[tuple[str, str]] = [(txt.L_DEPARTMENT, rec.get("department_name") or rec["department_code"])]
    if not reported:
        fields.append((txt.L_IMPLEMENTATION, txt.NOT_REPORTED_ACTION))
    else:
        fields.append((txt.L_IMPLEMENTATION, rec["implementation_status"] or txt.BLANK))
        if vis.result and _v(rec.get("result_text")):
            fields.append((txt.L_RESULT, rec["result_text"]))
        if vis.budget and _v(rec.get("budget_k_yen")) is not None:
            fields.append((txt.L_BUDGET, f"{txt.num(rec['budget_k_yen'], 0)} {txt.UNIT_K_YEN}"))
        if vis.settlement and _v(rec.get("settlement_k_yen")) is not None:
            fields.append((txt.L_SETTLEMENT, f"{txt.num(rec['settlement_k_yen'], 0)} {txt.UNIT_K_YEN}"))
        fields.append((txt.L_EVALUATION, txt.grade(_v(rec.get("self_evaluation")), c.SELF_EVALUATION_LABELS)))
        if vis.issues and _v(rec.get("issues_text")):
            fields.append((txt.L_ISSUES, rec["issues_text"]))
        fields.append((txt.L_DIRECTION, _v(rec.get("direction")) or txt.BLANK))
        if vis.revision and _v(rec.get("revision_text")):
            fields.append((txt.L_REVISION, rec["revision_text"]))
    return ActionItem(rec["action_code"], rec["action_name"], fields[0][1], bool(rec.get("priority")),
                      reported, fields, int(rec.get("stages") or 0))


def _policies(con, site: SiteContent, fy: int, table: pd.DataFrame, actions: pd.DataFrame,
              vis: Visibility, narrative: dict[str, str], saved: frozenset = frozenset(),
              emit=lambda figures: None) -> None:
    for index, (code, name) in enumerate(rd.policies(con)):
        measures = rd.measures(con, code)
        ptable = table[table["policy_code"] == code].reset_index(drop=True)
        pactions = actions[actions["policy_code"] == code]
        good = int(ptable["status"].isin([c.STATUS_ACHIEVED, c.STATUS_ON_TRACK]).sum())
        complete = int((pactions["stages"] == 4).sum())
        page = PolicyPage(code, name, slug(code, index),
                          txt.policy_lead(len(measures), len(ptable), len(pactions)),
                          narrative=narrative.get(code, ""), facts=[], figure=None, measures=[],
                          indicators=len(ptable), good=good, actions=len(pactions), complete=complete)
        page.narrative_saved = code in saved
        counts = ptable["status"].value_counts()
        page.facts = [Fact(s, txt.n_indicators(counts.get(s, 0)), float(counts.get(s, 0)))
                      for s in c.STATUSES]
        if len(ptable):
            n_good = good
            title = dtxt.attainment_chart_title(fy, n_good, len(ptable))
            cols = [("indicator_name", dtxt.COLUMNS["indicator_name"], "text"),
                    ("actual_value", dtxt.COLUMNS["actual_value"], "num"),
                    ("unit", dtxt.COLUMNS["unit"], "text"),
                    ("target_value", dtxt.COLUMNS["target_value"], "num"),
                    ("attainment_pct", dtxt.COLUMNS["attainment_pct"], "pct"),
                    ("status", dtxt.COLUMNS["status"], "tag")]
            alt_text = txt.alt_text(title, txt.ALT_ATTAINMENT,
                                    "、".join(f"{r.indicator_name} {r.status}" for r in ptable.itertuples()))
            page.figure = Figure(f"attainment-{page.slug}", title, alt_text,
                                 Recipe(attainment.attainment_chart, (ptable, title)), _table(title, ptable, cols))
        for m in measures.itertuples():
            mrows = ptable[ptable["measure_code"] == m.measure_code]
            block = MeasureBlock(m.measure_code, m.measure_name,
                                 [_indicator(con, r, fy) for r in mrows.to_dict("records")],
                                 [_action(r, vis) for r in
                                  pactions[pactions["measure_code"] == m.measure_code].to_dict("records")])
            page.measures.append(block)
        site.policies.append(page)
        emit(([page.figure] if page.figure else [])
             + [i.figure for m in page.measures for i in m.indicators if i.figure])


# --- partners --------------------------------------------------------------------------------------

def _partners(con, site: SiteContent, fy: int, vis: Visibility) -> None:
    f = Filters(fiscal_year=fy)
    by_type = partners.stakeholders_by_category(con, f)
    if by_type.empty:
        return
    measure_cols = [("collaborations", dtxt.COLUMNS["collaborations"], "int"),
                    ("participants", dtxt.COLUMNS["participants"], "int"),
                    ("co2_t", dtxt.COLUMNS["co2_t"], "num1")]
    top = by_type.sort_values("collaborations", ascending=False)["stakeholder_type"].iloc[0]
    title = dtxt.stake_category_title(fy, top, dtxt.STAKE_MEASURES["collaborations"])
    table = _table(title, by_type, [("stakeholder_type", dtxt.COLUMNS["stakeholder_type"], "text")]
                   + measure_cols)
    site.partner_figures.append(Figure(
        f"partners-by-type-{fy}", title,
        txt.alt_text(title, txt.alt_values((r.stakeholder_type, int(r.collaborations))
                                           for r in by_type.itertuples())),
        Recipe(partners.category_bar_chart, (by_type, "collaborations", title)), table, heading=txt.H_BY_TYPE))
    heat = partners.stakeholder_heatmap(con, f)
    if not heat.empty:
        title = dtxt.stake_heatmap_title(fy, dtxt.STAKE_MEASURES["collaborations"])
        wide = heat.pivot_table(index="stakeholder_type", columns="policy_name", values="collaborations",
                                aggfunc="sum", sort=False).reset_index()
        pols = [p for p in heat.drop_duplicates("policy_code")["policy_name"] if p in wide.columns]
        order = {t: i for i, t in enumerate(c.STAKEHOLDER_TYPES)}
        wide = wide.sort_values("stakeholder_type", key=lambda s: s.map(order))
        cols = [("stakeholder_type", dtxt.COLUMNS["stakeholder_type"], "text")] + [(p, p, "int") for p in pols]
        site.partner_figures.append(Figure(
            f"partners-by-policy-{fy}", title,
            txt.alt_text(title, txt.ALT_HEATMAP),
            Recipe(partners.heatmap_chart, (heat, "collaborations", title)), _table(title, wide, cols),
            width=WIDE, heading=txt.H_BY_POLICY))
    trend = partners.stakeholders_by_category(con, Filters())
    trend = trend[trend["fiscal_year"] <= fy]
    if trend["fiscal_year"].nunique() > 1:
        years = partners.partners_by_year(con, Filters())
        years = years[years["fiscal_year"] <= fy]
        first, last = int(years["fiscal_year"].min()), int(years["fiscal_year"].max())
        a, b = float(years["collaborations"].iloc[0]), float(years["collaborations"].iloc[-1])
        change = (b - a) / a * 100 if a else None
        title = dtxt.stake_trend_title(dtxt.STAKE_MEASURES["collaborations"], first, last, change)
        cols = [("fiscal_year", dtxt.COLUMNS["fiscal_year"], "fy"),
                ("collaborations", dtxt.COLUMNS["collaborations"], "int"),
                ("participants", dtxt.COLUMNS["participants"], "int"),
                ("co2_t", dtxt.COLUMNS["co2_t"], "num1")]
        site.partner_figures.append(Figure(
            f"partners-trend-{fy}", title,
            txt.alt_text(title, txt.ALT_TREND, txt.alt_values(
                (txt.fy_short(r.fiscal_year), int(r.collaborations)) for r in years.itertuples())),
            Recipe(partners.stakeholder_trend_chart, (trend, "collaborations", title)), _table(title, years, cols),
            heading=txt.H_TREND))
    if vis.organisation:
        orgs = partners.top_organisations(con, f)
        if not orgs.empty:
            title = dtxt.stake_top_title(fy, str(orgs["organisation"].iloc[0]))
            cols = [("organisation", dtxt.COLUMNS["organisation"], "text"),
                    ("stakeholder_types", dtxt.COLUMNS["stakeholder_type"], "text"),
                    ("collaborations", dtxt.COLUMNS["collaborations"], "int"),
                    ("actions", dtxt.COLUMNS["actions"], "int")]
            site.partner_figures.append(Figure(
                f"partners-organisations-{fy}", title,
                txt.alt_text(title, txt.alt_values((r.organisation, int(r.collaborations))
                                                   for r in orgs.itertuples())),
                Recipe(partners.top_organisations_chart, (orgs, title)), _table(title, orgs, cols),
                heading=txt.H_ORGANISATIONS))


# --- operations, opinions --------------------------------------------------------------------------

def _operations(con, site: SiteContent, fy: int, paragraph: str | None) -> None:
    """The city government's own emissions (事務事業編) with the app's queries and charts
    (pipeline.analysis.operations), only where v_operations_emissions has rows up to the FY."""
    if not q.has_operations(con, fy):
        return
    from pipeline.analysis import operations as ops
    from pipeline.texts import operations as otxt
    site.open_data["operations"] = q.operations_rows(con, fy)
    out: dict = {"figures": [], "facts": [], "sentence": "", "narrative": paragraph or "",
                 "provisional": False}
    totals = ops.operations_totals(con)
    totals = totals[totals["fiscal_year"] <= fy].reset_index(drop=True)
    pace = ops.operations_pace(con, fy)
    if pace is not None:
        out["facts"] = [
            Fact(otxt.metric_t(pace.latest_year, pace.provisional),
                 f"{txt.num(pace.t_co2, 1)} {txt.UNIT_T}", pace.t_co2, "ops_t_co2"),
            Fact(txt.L_REDUCTION, txt.pct(pace.reduction_pct), pace.reduction_pct, "ops_reduction_pct"),
            Fact(txt.L_ACTUAL_RATE, txt.pct(pace.actual_rate_pct), pace.actual_rate_pct, "ops_actual_rate_pct"),
            Fact(txt.L_NEEDED_RATE, txt.pct(pace.needed_rate_pct), pace.needed_rate_pct, "ops_needed_rate_pct")]
        out["sentence"] = txt.pace_sentence(pace.on_track, pace.actual_rate_pct, pace.needed_rate_pct,
                                            pace.latest_year, pace.target_year)
        out["provisional"] = bool(ops.any_provisional(totals))
        title = otxt.trend_title(pace.scope, pace.latest_year, pace.t_co2, pace.reduction_pct, pace.provisional)
        cols = [("fiscal_year", dtxt.COLUMNS["fiscal_year"], "fy"), ("t_co2", txt.L_T_CO2, "num1"),
                ("provisional_mark", txt.L_PROVISIONAL, "tag"),
                ("t_co2_fixed", txt.L_T_CO2_FIXED, "num1"), ("expected_t_co2", txt.COL_EXPECTED_T, "num1"),
                ("reduction_pct", txt.COL_REDUCTION, "pct"), ("status", txt.L_STATUS, "tag")]
        whole = totals[totals["organisation_code"].isna()]
        out["figures"].append(Figure(
            f"operations-{fy}", title, txt.alt_text(title, otxt.TREND_SUBTITLE, out["sentence"]),
            Recipe(ops.operations_trend_chart, (whole, title, otxt.TREND_SUBTITLE)),
            _table(title, whole[whole["t_co2"].notna()], cols), heading=txt.H_OPERATIONS_TOTAL))
    status = ops.operations_status(con, fy)
    orgs = status[status["organisation_code"].notna()]
    if not orgs.empty and orgs["t_co2"].notna().any():
        title = otxt.orgs_title(fy, *ops.good_organisations(status))
        cols = [("organisation_name", txt.COL_ORGANISATION_UNIT, "text"), ("t_co2", txt.L_T_CO2, "num1"),
                ("reduction_pct", txt.COL_REDUCTION, "pct"),
                ("expected_reduction_pct", txt.COL_EXPECTED_REDUCTION, "pct"),
                ("target_reduction_pct", txt.COL_TARGET_REDUCTION, "pct"), ("status", txt.L_STATUS, "tag")]
        out["figures"].append(Figure(
            f"operations-organisations-{fy}", title,
            txt.alt_text(title, otxt.ORGS_SUBTITLE, "、".join(
                f"{r.organisation_name} {r.status}" for r in orgs.itertuples() if isinstance(r.status, str))),
            Recipe(ops.organisations_chart, (status, title)), _table(title, status[status["t_co2"].notna()], cols),
            heading=txt.H_OPERATIONS_ORGS))
    by_activity = ops.emissions_by_activity(con, None, fy)
    if not by_activity.empty:
        largest = ops.largest_activity(by_activity, fy) or (None, None)
        title = otxt.activity_title(fy, *largest)
        latest = by_activity[by_activity["fiscal_year"] == by_activity["fiscal_year"].max()]
        cols = [("activity", dtxt.COLUMNS["activity"], "text"), ("t_co2", txt.L_T_CO2, "num1"),
                ("share_pct", txt.COL_SHARE, "pct")]
        out["figures"].append(Figure(
            f"operations-activity-{fy}", title,
            txt.alt_text(title, txt.alt_values_t((r.activity, r.t_co2) for r in latest.itertuples())),
            Recipe(ops.activity_chart, (by_activity, title)), _table(title, latest, cols),
            heading=txt.H_OPERATIONS_ACTIVITY))
    site.operations = out


def _opinions(con, site: SiteContent, fy: int) -> None:
    frame = q.public_opinions(con, fy)
    site.open_data["opinions"] = frame
    for rec in frame.to_dict("records"):
        target = txt.PLAN_WIDE if not _v(rec.get("target_code")) else (
            f"{rec['level']} {rec['target_code']} {rec.get('target_name') or ''}".strip())
        site.opinions.setdefault(int(rec["fiscal_year"]), []).append(Opinion(
            _v(rec.get("source")) or txt.SOURCE_COUNCIL, target, rec["opinion_text"],
            _v(rec.get("response_text")) or txt.NO_RESPONSE, _v(rec.get("status")) or ""))
    if len(frame):
        responded = int(frame["response_text"].fillna("").astype(str).str.strip().ne("").sum())
        site.highlights.append(txt.hl_opinions(len(frame), responded))


def _narrative(con, fy: int):
    """The FY's narrative as HQ saved it, else the draft (contract section 10), or None
    where the narrative capability is absent."""
    try:
        from pipeline.analysis import narrative
    except ImportError:
        return None
    return narrative.report_narrative(con, fy)


_SENTENCE = re.compile(r"[^。「」]*(?:「[^」]*」[^。「」]*)*。|[^。]+$")


def sentences(text: str) -> list[str]:
    """A paragraph as its sentences (a 。 inside 「」 does not end one), blank lines dropped."""
    out = []
    for line in (text or "").splitlines():
        out.extend(m.group(0).strip() for m in _SENTENCE.finditer(line.strip()) if m.group(0).strip())
    return out


# --- entry point -------------------------------------------------------------------------------------

def collect(con, fiscal_year: int, config: PublicationConfig, edition: Edition,
            generated_at: datetime, emit=None) -> SiteContent:
    """Everything the site shows.  `emit(figures)` is told each section's figures as soon
    as they exist, so that rendering them can start while the rest is read."""
    emit = emit or (lambda figures: None)
    fy = int(fiscal_year)
    vis = Visibility.of(config)
    demo = q.is_demo(con) if config.demo is None else config.demo
    site = SiteContent(config, edition, fy, generated_at, demo)
    table = attainment.attainment_table(con, Filters(fiscal_year=fy))
    actions = q.action_rows(con, fy, vis)
    _emissions(con, site, fy)
    _status(con, site, fy, table)
    emit(list(site.top_figures))
    _pdca_partners(con, site, fy)
    story = _narrative(con, fy)
    if story is not None:
        site.narrative = sentences(story.overview.text)
        site.narrative_saved = bool(story.overview.saved)
    _policies(con, site, fy, table, actions, vis,
              {code: p.text for code, p in story.policies.items()} if story is not None else {},
              frozenset(code for code, p in story.policies.items() if p.saved) if story is not None
              else frozenset(), emit)
    _partners(con, site, fy, vis)
    emit(list(site.partner_figures))
    _operations(con, site, fy, story.operations.text if story is not None and story.operations else None)
    if site.operations:
        emit(list(site.operations.get("figures", [])))
    _opinions(con, site, fy)
    site.open_data.update({
        "indicators": q.indicator_rows(con, fy, vis),
        "actions": actions,
        "partners": q.partner_rows(con, fy, vis),
        "emissions": q.emission_rows(con, fy),
    })
    return site
