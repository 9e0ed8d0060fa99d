"""What changed since a FY's edition was frozen (公表版との差): for HQ's decision whether
to issue a new edition.

- `submission_changes(con, edition)`: on the live warehouse, the workbooks superseded since
  freezing (差し替え) and those active now that the edition does not have (追加), each
  marked when it bears on the FY's figures.
- `headline_figures(con, fy)`: the figures a reader of the report sees first (indicator
  status counts, emissions, PDCA completion, partners, opinions), the same functions as
  the 概要 page; run on the live warehouse and on the edition's copy and compared by
  `figure_differences`.
- `changes_since(db, fy)` puts them together.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pipeline.analysis import attainment, emissions, partners, pdca
from pipeline.analysis.common import Filters, kpi
from pipeline.ingest import contract as c
from pipeline.ingest.normalise import is_missing
from pipeline.texts import publication as txt
from pipeline.warehouse import editions
from pipeline.warehouse.schema import connect

CHANGE_COLUMNS = ["change", "submission_id", "department_code", "department_name", "fiscal_year",
                  "file_name", "loaded_at", "replaced_by", "affects_year"]


def submission_changes(con, edition: editions.Edition) -> pd.DataFrame:
    """On the live warehouse: workbooks of the edition no longer active (差し替え, with the
    version active now in `replaced_by`) and active workbooks the edition does not have
    (追加: loaded or restored after freezing).  `affects_year`: the workbook is of the
    edition's FY or reports an indicator value for it."""
    frame = con.execute("""
        WITH ed AS (SELECT submission_id FROM edition_submissions WHERE edition_id = ?),
        changed AS (
            SELECT 'superseded' AS change, s.* FROM submissions s
            WHERE s.submission_id IN (SELECT submission_id FROM ed) AND s.status <> ?
            UNION ALL
            SELECT 'added' AS change, s.* FROM submissions s
            WHERE s.status = ? AND s.submission_id NOT IN (SELECT submission_id FROM ed))
        SELECT ch.change, ch.submission_id, ch.department_code,
               coalesce(d.department_name, ch.department_name) AS department_name,
               ch.fiscal_year, ch.file_name, ch.loaded_at,
               (SELECT max(a.submission_id) FROM submissions a WHERE a.status = ?
                  AND a.department_code = ch.department_code AND a.fiscal_year = ch.fiscal_year
                  AND ch.change = 'superseded') AS replaced_by,
               ch.fiscal_year = ? OR EXISTS (
                   SELECT 1 FROM indicator_values v WHERE v.submission_id = ch.submission_id
                   AND v.actual_year = ?) AS affects_year
        FROM changed ch LEFT JOIN v_departments d USING (department_code)
        ORDER BY ch.fiscal_year DESC, ch.department_code, ch.change = 'added', ch.submission_id""",
        [edition.edition_id, c.SUBMISSION_ACTIVE, c.SUBMISSION_ACTIVE, c.SUBMISSION_ACTIVE,
         edition.fiscal_year, edition.fiscal_year]).df()
    frame["replaced_by"] = frame["replaced_by"].astype("Int64")
    # the SQL speaks in codes; the words shown are the texts' (no UI text in SQL)
    frame["change"] = frame["change"].map({"superseded": txt.CHANGE_SUPERSEDED, "added": txt.CHANGE_ADDED})
    return frame[CHANGE_COLUMNS]


def _value(x):
    return None if is_missing(x) else x


def headline_figures(con, fiscal_year: int) -> dict[str, object]:
    """The FY's headline figures by key (keys: `status:<word>` for the five indicator
    statuses, then txt.FIGURE_LABELS' keys), from the same query functions as the pages."""
    fy = int(fiscal_year)
    f = Filters(fiscal_year=fy)
    out: dict[str, object] = {}
    counts = attainment.indicator_status_counts(con, f)
    for row in counts.itertuples():
        out[f"status:{row.status}"] = int(row.count)
    pace = emissions.emission_pace(con, fy)
    out["emissions_latest_year"] = pace.latest_year if pace else None
    out["emissions_latest_kt"] = pace.latest_kt if pace else None
    out["emissions_reduction_pct"] = pace.reduction_pct if pace else None
    out["emissions_actual_rate_pct"] = pace.actual_rate_pct if pace else None
    by_year = pdca.pdca_by_year(con, f)
    for key, col in (("pdca_actions", "actions"), ("pdca_reported", "reported"),
                     ("pdca_complete", "complete"), ("pdca_completion_pct", "completion_pct")):
        out[key] = kpi(by_year, fy, col).value
    years = partners.partners_by_year(con, f)
    for key, col in (("partners_collaborations", "collaborations"),
                     ("partners_participants", "participants"), ("partners_co2_t", "co2_t")):
        out[key] = kpi(years, fy, col).value
    total, published, responded = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE coalesce(published, FALSE)), "
        "count(*) FILTER (WHERE nullif(trim(response_text), '') IS NOT NULL) "
        "FROM council_opinions").fetchone()
    out["opinions_total"], out["opinions_published"], out["opinions_responded"] = \
        int(total), int(published), int(responded)
    out["submissions_active"] = con.execute(
        "SELECT count(*) FROM submissions WHERE status = ? AND fiscal_year = ?",
        [c.SUBMISSION_ACTIVE, fy]).fetchone()[0]
    out["master_id"] = (con.execute("SELECT master_id FROM master_versions WHERE is_current")
                        .fetchone() or [None])[0]
    out["factor_id"] = editions._current_factor_id(con)
    return {k: _value(v) for k, v in out.items()}


def _group(key: str) -> str:
    if key.startswith("status:"):
        return txt.FIGURE_GROUP_INDICATORS
    return {"emissions": txt.FIGURE_GROUP_EMISSIONS, "pdca": txt.FIGURE_GROUP_PDCA,
            "partners": txt.FIGURE_GROUP_PARTNERS, "opinions": txt.FIGURE_GROUP_OPINIONS
            }.get(key.split("_")[0], txt.FIGURE_GROUP_DATA)


def _differs(a, b) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return round(float(a) - float(b), 9) != 0
    return a != b


def figure_differences(edition_figures: dict, live_figures: dict) -> pd.DataFrame:
    """One row per headline figure: group, label, edition, live, differs (bool)."""
    rows = []
    for key in dict.fromkeys([*edition_figures, *live_figures]):
        a, b = edition_figures.get(key), live_figures.get(key)
        label = key.split(":", 1)[1] if key.startswith("status:") else txt.FIGURE_LABELS.get(key, key)
        rows.append({"key": key, "group": _group(key), "label": label, "edition": a, "live": b,
                     "differs": _differs(a, b)})
    out = pd.DataFrame(rows, columns=["key", "group", "label", "edition", "live", "differs"])
    for col in ("edition", "live"):      # keep None as None and ints as ints
        out[col] = pd.Series([r[col] for r in rows], dtype=object)
    return out


@dataclass
class EditionChanges:
    """What changed in the live warehouse since the FY's edition was frozen."""
    edition: editions.Edition | None
    submissions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))
    figures: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def figures_differ(self) -> bool:
        return bool(not self.figures.empty and self.figures["differs"].any())

    @property
    def any(self) -> bool:
        """Anything that a new edition would change: a workbook bearing on the FY, or a figure."""
        relevant = not self.submissions.empty and bool(self.submissions["affects_year"].any())
        return relevant or self.figures_differ


def changes_since(db, fiscal_year: int, edition_id: int | None = None) -> EditionChanges:
    """Live warehouse against the FY's latest edition (or `edition_id`); `edition` None
    when the FY was never frozen."""
    with editions.edition_warehouse(db, fiscal_year, edition_id=edition_id) as (path, ed):
        if ed is None:
            return EditionChanges(None)
        with connect(path) as con:
            frozen = headline_figures(con, ed.fiscal_year)
    with connect(db) as con:
        live = headline_figures(con, ed.fiscal_year)
        changed = submission_changes(con, ed)
    return EditionChanges(ed, changed, figure_differences(frozen, live))


def changes_display(frame: pd.DataFrame) -> pd.DataFrame:
    """submission_changes with Japanese headers and はい/blank for affects_year."""
    out = frame.copy()
    out["affects_year"] = [txt.DIFFERS if v else txt.SAME for v in out["affects_year"]]
    return out.rename(columns=txt.CHANGE_HEADERS)


def figures_display(frame: pd.DataFrame, only_differing: bool = False) -> pd.DataFrame:
    """figure_differences with Japanese headers, 差異 as あり/blank, values as text."""
    if only_differing and not frame.empty:
        frame = frame[frame["differs"].astype(bool)]
    def text(v):
        if v is None:
            return "—"
        if isinstance(v, float):
            return f"{v:,.1f}" if not float(v).is_integer() else f"{v:,.0f}"
        return f"{v:,}" if isinstance(v, int) else str(v)
    out = pd.DataFrame({
        "group": frame["group"], "label": frame["label"],
        "edition": [text(v) for v in frame["edition"]], "live": [text(v) for v in frame["live"]],
        "differs": [txt.DIFFERS if d else txt.SAME for d in frame["differs"]]})
    return out.rename(columns=txt.FIGURE_HEADERS)


def editions_table(con, fiscal_year: int) -> pd.DataFrame:
    """The FY's editions, newest first: edition_no, frozen_at, frozen_by, note, submissions,
    opinions, master_id, factor_id (the 公表 page's list)."""
    rows = editions.list_editions(con, fiscal_year)
    cols = list(txt.EDITION_HEADERS)
    frame = pd.DataFrame([{k: getattr(e, k) for k in cols} for e in rows], columns=cols)
    for col in ("master_id", "factor_id"):
        frame[col] = frame[col].astype("Int64")
    return frame


def latest_edition(con, fiscal_year: int) -> editions.Edition | None:
    """The FY's latest edition (None: not frozen, 速報)."""
    return editions.latest_edition(con, fiscal_year)


def editions_display(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns=txt.EDITION_HEADERS)
