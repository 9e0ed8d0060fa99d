"""Multi-year comparison of the headline figures (経年推移)."""
from __future__ import annotations


import pandas as pd

# The data are aggregated figures already; big warehouses may still exceed Altair's 5,000 rows.
from pipeline.analysis.attainment import (
    attainment_table,
    indicator_status_counts,
    status_by_year,
)
from pipeline.analysis.common import Filters, pct, query
from pipeline.analysis.partners import partners_by_year
from pipeline.analysis.pdca import good_grade_share, pdca_by_year, self_evaluation_distribution
from pipeline.ingest import contract as c
from pipeline.ingest.normalise import is_missing
from pipeline.texts import dashboard as txt


@query
def year_metrics(con, f: Filters) -> dict[str, float | None]:
    """The headline figures of one FY (used by the two-FY comparison)."""
    fy = f.fiscal_year
    status = indicator_status_counts(con, f)
    counts = dict(zip(status["status"], status["count"])) if not status.empty else {}
    total = sum(int(v) for v in counts.values())
    table = attainment_table(con, f)
    pdca = pdca_by_year(con, f)
    pdca = pdca[pdca["fiscal_year"] == fy]
    grades = self_evaluation_distribution(con, f)
    partners = partners_by_year(con, f)
    partners = partners[partners["fiscal_year"] == fy]

    def first(frame, col, default=0.0):
        return float(frame[col].iloc[0]) if not frame.empty else default

    med = table["attainment_pct"].dropna()
    return {
        "indicators_achieved": float(counts.get(c.STATUS_ACHIEVED, 0)),
        "indicators_good_pct": pct(sum(counts.get(s, 0) for s in c.GOOD_STATUSES), total),
        "attainment_median": float(med.median()) if not med.empty else None,
        "actions_reported": first(pdca, "reported"),
        "pdca_complete_pct": (float(pdca["completion_pct"].iloc[0])
                              if not pdca.empty and pdca["completion_pct"].iloc[0] is not None
                              else None),
        "grade_ab_pct": good_grade_share(grades),
        "collaborations": first(partners, "collaborations"),
        "participants": first(partners, "participants"),
        "co2_t": first(partners, "co2_t"),
    }


@query
def compare_years(con, f: Filters, year_a: int, year_b: int) -> pd.DataFrame:
    """Side-by-side headline figures of two FYs and the change (b − a)."""
    a = year_metrics(con, f.year(int(year_a)))
    b = year_metrics(con, f.year(int(year_b)))
    rows = []
    for key, label in txt.METRIC_NAMES.items():
        va, vb = a[key], b[key]
        rows.append({"metric": label, "value_a": va, "value_b": vb,
                     "change": (vb - va) if va is not None and vb is not None else None})
    return pd.DataFrame(rows, columns=["metric", "value_a", "value_b", "change"])


@query
def status_two_years(con, f: Filters, year_a: int, year_b: int) -> pd.DataFrame:
    """Indicators per status in two FYs (for the side-by-side comparison)."""
    df = status_by_year(con, f)
    return df[df["fiscal_year"].isin([int(year_a), int(year_b)])].reset_index(drop=True)


#: Decimals of each headline figure of the two-FY comparison: counts are whole numbers.
COMPARE_DIGITS = {"indicators_achieved": 0, "indicators_good_pct": 1, "attainment_median": 1,
                  "actions_reported": 0, "pdca_complete_pct": 1, "grade_ab_pct": 1,
                  "collaborations": 0, "participants": 0, "co2_t": 1}


def comparison_display(comparison: pd.DataFrame, blank: str = "—") -> pd.DataFrame:
    """A `compare_years` frame as text for the table: counts as whole numbers, the others
    with one decimal, thousands separators, the change signed; `blank` when missing."""
    digits_of = {label: COMPARE_DIGITS.get(key, 1) for key, label in txt.METRIC_NAMES.items()}

    def fmt(value, digits: int, sign: str = "") -> str:
        if is_missing(value):
            return blank
        return f"{value:{sign},.{digits}f}"

    rows = []
    for r in comparison.itertuples(index=False):
        d = digits_of.get(r.metric, 1)
        rows.append({"metric": r.metric, "value_a": fmt(r.value_a, d), "value_b": fmt(r.value_b, d),
                     "change": fmt(r.change, d, "+")})
    return pd.DataFrame(rows, columns=["metric", "value_a", "value_b", "change"])


def comparison_years(years: list[int], fy: int | None) -> tuple[int, int]:
    """Default pair for the two-FY comparison: the FY before `fy` and `fy`
    (or `fy` and the next one when `fy` is the first)."""
    to = fy if fy in years else years[-1]
    earlier = [y for y in years if y < to]
    if earlier:
        return earlier[-1], to
    later = [y for y in years if y > to]
    return to, (later[0] if later else to)
