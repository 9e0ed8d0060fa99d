"""The drafted narrative of the annual report (contract section 10): Japanese prose from the
figures, so that HQ edits rather than writes.

Rules (each a function below, tested with hand-made figures):
- Every number comes from the dashboard's own query functions (emissions.emission_pace,
  attainment.indicator_status_counts / attainment_table, pdca.pdca_by_year /
  flagged_actions, partners.partners_by_year, opinions.open_council_opinions) and the
  section-8 views; nothing is computed here that a page does not show.
- No trend is claimed that the figures do not show: a comparison with the previous FY is
  made only when that FY has reports, an emission change only between two inventory
  actuals, an indicator's movement only between values of consecutive FYs; otherwise
  the text says that the comparison is not made.
- One style (です・ます), counts with 件, percentages with one decimal (texts.round).
- Deterministic: same warehouse, same text.

`narrative_for_report(db, fy)` gives each paragraph as HQ saved it, else the draft, and
says which (the report and the public site use it).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from pipeline.analysis import attainment, emissions, opinions, partners, pdca, reference
from pipeline.analysis.common import Filters, fetch, query
from pipeline.ingest import contract as c
from pipeline.ingest.normalise import is_missing
from pipeline.texts import round as txt
from pipeline.warehouse import round as wround


@dataclass(frozen=True)
class Narrative:
    fiscal_year: int
    overview: str
    policies: dict[str, str]             # basic policy code → paragraph, master order
    policy_names: dict[str, str]
    operations: str | None

    def to_json(self) -> dict:
        return {"overview": self.overview, "policies": dict(self.policies),
                "operations": self.operations}


# --- overview sentences ---------------------------------------------------------------------

def previous_actual(totals: pd.DataFrame, latest_year: int, base_year: int) -> tuple[int, float] | None:
    """The inventory actual just before `latest_year` (after the base year), if any."""
    rows = totals[(totals["kind"] == c.KIND_ACTUAL) & (totals["fiscal_year"] < latest_year)
                  & (totals["fiscal_year"] > base_year)].sort_values("fiscal_year")
    if rows.empty:
        return None
    return int(rows["fiscal_year"].iloc[-1]), float(rows["kt_co2"].iloc[-1])


def emission_sentences(pace: emissions.EmissionPace | None, totals: pd.DataFrame,
                       fy: int) -> list[str]:
    if pace is None:
        return [txt.EMISSIONS_NO_BASE]
    if pace.latest_year is None:
        return [txt.emissions_no_actual(pace.base_year, pace.base_kt, fy)]
    out = [txt.emissions_latest(pace.latest_year, pace.latest_kt, pace.base_year, pace.base_kt,
                                pace.reduction_pct)]
    prev = previous_actual(totals, pace.latest_year, pace.base_year)
    if prev is None:
        out.append(txt.EMISSIONS_ONE_ACTUAL)
    else:
        out.append(txt.emissions_previous(prev[0], prev[1], (pace.latest_kt - prev[1]) / abs(prev[1]) * 100))
    if pace.needed_rate_pct is None or pace.target_year is None:
        out.append(txt.PACE_NO_TARGET)
    elif pace.actual_rate_pct is None:
        out.append(txt.PACE_NO_RATE)
    else:
        out.append(txt.pace(pace.actual_rate_pct, pace.needed_rate_pct, pace.target_year,
                            pace.target_kt, bool(pace.on_track)))
    return out


def indicator_sentences(counts: pd.DataFrame, fy: int, has_previous: bool,
                        subject: str = txt.SUBJECT_INDICATORS) -> list[str]:
    """`counts` is attainment.indicator_status_counts for the FY."""
    current = {r.status: int(r.count) for r in counts.itertuples()}
    if sum(current.values()) == 0:
        return [txt.no_indicators(fy)]
    out = [txt.status_counts(subject, current, c.STATUSES)]
    previous = {r.status: r.previous for r in counts.itertuples()}
    if has_previous and all(not is_missing(v) for v in previous.values()):
        good = (c.STATUS_ACHIEVED, c.STATUS_ON_TRACK)
        out.append(txt.good_change(sum(int(previous[s]) for s in good),
                                   sum(current.get(s, 0) for s in good)))
    return out


def _row(frame: pd.DataFrame, fy: int):
    rows = frame[frame["fiscal_year"] == fy]
    return None if rows.empty else rows.iloc[0]


def pdca_sentences(by_year: pd.DataFrame, fy: int, has_previous: bool) -> list[str]:
    """`by_year` is pdca.pdca_by_year."""
    row = _row(by_year, fy)
    if row is None or int(row["actions"]) == 0:
        return []
    pct = None if is_missing(row["completion_pct"]) else float(row["completion_pct"])
    out = [txt.pdca(int(row["actions"]), int(row["reported"]), int(row["complete"]), pct)]
    prev = _row(by_year, fy - 1) if has_previous else None
    if prev is not None and pct is not None and not is_missing(prev["completion_pct"]):
        p = float(prev["completion_pct"])
        out.append(txt.pdca_change(p, round(pct, 1) - round(p, 1)))
    return out


def partner_sentences(by_year: pd.DataFrame, fy: int, has_previous: bool) -> list[str]:
    """`by_year` is partners.partners_by_year."""
    row = _row(by_year, fy)
    current = 0 if row is None else int(row["collaborations"])
    prev = _row(by_year, fy - 1) if has_previous else None
    previous = 0 if prev is None else int(prev["collaborations"])
    if current == 0:
        out = [txt.no_partners(fy)]
        if previous:
            out.append(txt.partners_change(previous, 0))
        return out
    out = [txt.partners(current, int(row["participants"]), float(row["co2_t"]))]
    if has_previous:
        out.append(txt.partners_change(previous, current))
    return out


# --- policy paragraphs ------------------------------------------------------------------------

@dataclass(frozen=True)
class Mover:
    indicator_code: str
    indicator_name: str
    before: float
    after: float

    @property
    def change(self) -> float:
        return round(self.after, 1) - round(self.before, 1)


def movers(table: pd.DataFrame, fy: int) -> tuple[Mover | None, Mover | None, int]:
    """(largest rise, largest fall, indicators comparable) of attainment between FY − 1 and
    FY, from an attainment.attainment_table of all FYs.  Changes are compared as shown
    (one decimal); ties go to the first indicator in master order."""
    now = table[(table["fiscal_year"] == fy) & table["attainment_pct"].notna()]
    before = table[(table["fiscal_year"] == fy - 1) & table["attainment_pct"].notna()]
    prev = dict(zip(before["indicator_code"].tolist(), before["attainment_pct"].tolist()))
    pairs = [Mover(code, name, float(prev[code]), float(value))
             for code, name, value in zip(now["indicator_code"].tolist(),
                                          now["indicator_name"].tolist(),
                                          now["attainment_pct"].tolist())
             if code in prev]
    up = [m for m in pairs if m.change > 0]
    down = [m for m in pairs if m.change < 0]
    best = max(up, key=lambda m: m.change) if up else None
    worst = min(down, key=lambda m: m.change) if down else None
    return best, worst, len(pairs)


def mover_sentences(table: pd.DataFrame, fy: int) -> list[str]:
    best, worst, comparable = movers(table, fy)
    if comparable == 0:
        return [txt.MOVERS_NONE_COMPARABLE]
    if best is None and worst is None:
        return [txt.MOVERS_UNCHANGED]
    out = []
    if best is not None:
        out.append(txt.mover_up(best.indicator_name, best.before, best.after))
    if worst is not None:
        out.append(txt.mover_down(worst.indicator_name, worst.before, worst.after))
    return out


def action_sentences(flagged: pd.DataFrame) -> list[str]:
    """`flagged` is pdca.flagged_actions for the policy."""
    lag = flagged[flagged["lagging"]]["action_name"].tolist()
    rev = flagged[flagged["revising"]]["action_name"].tolist()
    return [txt.lagging(lag), txt.revising(rev)]


def policy_paragraph(fy: int, table: pd.DataFrame, by_year: pd.DataFrame,
                     flagged: pd.DataFrame, has_previous: bool, priority: bool = False) -> str:
    """One basic policy's paragraph from its slices of attainment.attainment_table (all FYs),
    pdca.pdca_by_policy and pdca.flagged_actions."""
    sentences = indicator_sentences(attainment.status_counts_from_table(table, fy), fy, has_previous,
                                    subject=txt.SUBJECT_POLICY_INDICATORS)
    if sentences == [txt.no_indicators(fy)]:
        sentences = []
    elif has_previous:
        sentences += mover_sentences(table, fy)
    else:
        sentences.append(txt.no_previous(fy))
    row = _row(by_year, fy)
    if row is None and priority and not sentences:
        return txt.POLICY_NO_PRIORITY
    if row is None or int(row["reported"]) == 0:
        sentences.append(txt.policy_no_report(fy))
    else:
        pct = None if is_missing(row["completion_pct"]) else float(row["completion_pct"])
        sentences.append(txt.policy_pdca(int(row["actions"]), int(row["complete"]), pct))
        sentences += action_sentences(flagged)
    return "".join(sentences)


# --- 事務事業編 ----------------------------------------------------------------------------------

def _has_view(con, name: str) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                       [name]).fetchone()[0] > 0


@query
def operations_figures(con, fiscal_year: int) -> tuple[dict | None, dict | None, bool]:
    """(the whole government's v_operations_emissions row of the FY, its v_operations_change
    row, whether the inventory has any data); (None, None, False) before section 8 exists."""
    if not _has_view(con, "v_operations_emissions"):
        return None, None, False
    if _has_view(con, "energy_rows") and \
            con.execute("SELECT count(*) FROM energy_rows").fetchone()[0] == 0:
        return None, None, False            # no energy data at all: skip the costly views
    total = fetch(con, "SELECT * FROM v_operations_emissions WHERE fiscal_year = ? "
                       "AND organisation_code IS NULL", [int(fiscal_year)])
    any_data = not total.empty or \
        con.execute("SELECT count(*) FROM v_operations_emissions").fetchone()[0] > 0
    change = None
    if not total.empty and _has_view(con, "v_operations_change"):
        frame = fetch(con, "SELECT * FROM v_operations_change WHERE fiscal_year = ? "
                           "AND organisation_code IS NULL", [int(fiscal_year)])
        change = None if frame.empty else frame.iloc[0].to_dict()
    return (None if total.empty else total.iloc[0].to_dict()), change, any_data


def factor_share(usage: float, factor: float) -> float | None:
    """The factor effect's share of the two effects' sizes, %; None when both are zero."""
    size = abs(usage) + abs(factor)
    return None if size == 0 else abs(factor) / size * 100


def operations_paragraph(total: dict | None, change: dict | None, any_data: bool,
                         fy: int) -> str | None:
    if not any_data:
        return None
    if total is None:
        return txt.operations_no_data(fy)
    out = []
    base_t = total.get("base_t_co2")
    if not is_missing(base_t) and not is_missing(total.get("reduction_pct")):
        out.append(txt.operations_total(fy, float(total["t_co2"]), int(total["base_year"]),
                                        float(base_t), float(total["reduction_pct"]),
                                        bool(total.get("provisional"))))
    if not is_missing(total.get("target_t_co2")) and not is_missing(total.get("target_year")):
        out.append(txt.operations_target(int(total["target_year"]), float(total["target_t_co2"]),
                                         str(total.get("status") or "")))
    if change is None:
        out.append(txt.OPERATIONS_NO_PREVIOUS)
    else:
        usage, factor = float(change["usage_effect_t"]), float(change["factor_effect_t"])
        out.append(txt.operations_change(int(change["previous_year"]), float(change["change_t"]),
                                         usage, factor, factor_share(usage, factor)))
    return "".join(out)


# --- the whole draft ----------------------------------------------------------------------------

@query
def draft_narrative(con, fiscal_year: int, priority: bool = False) -> Narrative:
    """The drafted overview, one paragraph per basic policy and the 事務事業編 paragraph."""
    fy = int(fiscal_year)
    f = Filters(fiscal_year=fy, priority=priority)
    years = reference.fiscal_years(con)
    has_previous = (fy - 1) in years
    overview = [txt.PRIORITY_SCOPE] if priority else []
    overview += emission_sentences(emissions.emission_pace(con, fy), emissions.emission_totals(con, fy), fy)
    # the 目標達成状況 page's table (all FYs, all policies): counts and movers are split from it
    table = attainment.attainment_table(con, f.all_years()) if fy in years else None
    if fy not in years:
        overview.append(txt.no_submissions(fy))
    else:
        overview += indicator_sentences(attainment.status_counts_from_table(table, fy), fy,
                                        has_previous)
        if not has_previous:
            overview.append(txt.no_previous(fy))
        overview += pdca_sentences(pdca.pdca_by_year(con, f), fy, has_previous)
        overview += partner_sentences(partners.partners_by_year(con, f), fy, has_previous)
    overview.append(txt.council_open(opinions.open_council_opinions(con, fy)))
    pols = reference.policies(con)
    names = dict(zip(pols["policy_code"].tolist(), pols["policy_name"].tolist()))
    policies = {code: txt.policy_no_report(fy) for code in names}
    if fy in years:
        # one query each for every policy, split here (the pages' queries, all policies)
        by_policy = pdca.pdca_by_policy(con, f)
        flagged = pdca.flagged_actions(con, f)
        for code in names:
            policies[code] = policy_paragraph(
                fy, table[table["policy_code"] == code],
                by_policy[by_policy["policy_code"] == code],
                flagged[flagged["policy_code"] == code], has_previous, priority)
    total, change, any_data = operations_figures(con, fy)
    return Narrative(fy, "".join(overview), policies, names,
                     operations_paragraph(total, change, any_data, fy))


# --- saved text, else the draft ---------------------------------------------------------------

@dataclass(frozen=True)
class Paragraph:
    section: str
    title: str
    text: str
    saved: bool
    draft: str
    saved_at: datetime | None = None
    saved_by: str | None = None
    version: int | None = None

    @property
    def mark(self) -> str:
        return txt.MARK_SAVED if self.saved else txt.MARK_DRAFT


@dataclass
class ReportNarrative:
    fiscal_year: int
    scope: str
    overview: Paragraph
    policies: dict[str, Paragraph] = field(default_factory=dict)
    operations: Paragraph | None = None

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [self.overview, *self.policies.values()] + ([self.operations] if self.operations else [])

    def to_json(self) -> dict:
        """Contract section 10's shape: {"overview", "policies": {CODE: TEXT}, "operations"}."""
        return {"overview": self.overview.text,
                "policies": {code: p.text for code, p in self.policies.items()},
                "operations": self.operations.text if self.operations else None}

    def as_text(self) -> str:
        blocks = [f"■ {p.title}（{p.mark}）\n{p.text}" for p in self.paragraphs]
        return "\n\n".join(blocks)


def _paragraph(section: str, title: str, draft: str, saved: dict) -> Paragraph:
    s = saved.get(section)
    if s is None:
        return Paragraph(section, title, draft, False, draft)
    return Paragraph(section, title, s.text, True, draft, s.saved_at, s.saved_by, s.version)


@query
def report_narrative(con, fiscal_year: int, priority: bool = False) -> ReportNarrative:
    scope = wround.SCOPE_PRIORITY if priority else wround.SCOPE_ALL
    draft = draft_narrative(con, fiscal_year, priority)
    saved = wround.saved_narratives(con, fiscal_year, scope)
    out = ReportNarrative(int(fiscal_year), scope,
                          _paragraph(wround.SECTION_OVERVIEW, txt.OVERVIEW_TITLE, draft.overview, saved))
    for code, text in draft.policies.items():
        out.policies[code] = _paragraph(wround.policy_section(code),
                                        f"{code} {draft.policy_names[code]}", text, saved)
    if draft.operations is not None:
        out.operations = _paragraph(wround.SECTION_OPERATIONS, txt.OPERATIONS_TITLE,
                                    draft.operations, saved)
    return out


def narrative_for_report(db, fiscal_year: int, priority: bool = False) -> ReportNarrative:
    """Each paragraph of FY's narrative as HQ saved it, else the draft, marked which
    (`Paragraph.saved`).  `db` is a warehouse path or an open connection."""
    return report_narrative(db, fiscal_year, priority)


def narrative_as_reported(db, fiscal_year: int, priority: bool = False,
                          from_edition: bool = True) -> ReportNarrative:
    """The narrative as the annual report prints it: drafted from the FY's latest frozen
    edition when there is one and `from_edition` (as report.build does), with the latest
    saved texts; otherwise from the live warehouse.  `db` is a warehouse path."""
    if not from_edition:
        return narrative_for_report(db, fiscal_year, priority)
    from pipeline.warehouse.editions import edition_warehouse
    with edition_warehouse(db, fiscal_year) as (path, _edition):
        return narrative_for_report(path, fiscal_year, priority)
