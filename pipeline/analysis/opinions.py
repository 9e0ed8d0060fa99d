"""Opinions on the plan per source and FY (the council's and the public's): query and chart.

The PDCA page shows how many opinions each source (環境審議会, 市民, 事業者, …) gave on
each FY's report, how many of them the city has answered and how many are published.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from pipeline.analysis.chart_style import (
    BLUE, GREEN, GREY, ORANGE, PURPLE, SKY, chart_title, headroom, tip, with_fy_label)
from pipeline.analysis.common import Filters, fetch, query
from pipeline.ingest import contract as c
from pipeline.texts import opinions as txt

#: One colour per source, in contract order (Okabe–Ito).
SOURCE_COLORS = dict(zip(c.OPINION_SOURCES, (BLUE, GREEN, ORANGE, PURPLE, SKY, GREY)))


@query
def opinion_counts(con, f: Filters | None = None) -> pd.DataFrame:
    """Per FY (the report the opinions are about) and source: opinions, responded, published.

    Every FY that has an opinion, with a row for every source (zeros included), sources in
    contract order; all FYs whatever `f.fiscal_year` says (a trend), up to it when given."""
    until = f.fiscal_year if f is not None else None
    frame = fetch(con, f"""
        SELECT fiscal_year, coalesce(source, '{c.OPINION_SOURCE_COUNCIL}') AS source,
               count(*) AS opinions,
               count(*) FILTER (WHERE nullif(trim(response_text), '') IS NOT NULL) AS responded,
               count(*) FILTER (WHERE coalesce(published, FALSE)) AS published
        FROM council_opinions {'WHERE fiscal_year <= ?' if until is not None else ''}
        GROUP BY ALL""", [int(until)] if until is not None else [])
    cols = ["fiscal_year", "source", "opinions", "responded", "published"]
    years = sorted(frame["fiscal_year"].unique().tolist())
    grid = pd.DataFrame([(y, s) for y in years for s in c.OPINION_SOURCES],
                        columns=["fiscal_year", "source"])
    out = grid.merge(frame, on=["fiscal_year", "source"], how="left")
    for col in ("opinions", "responded", "published"):
        out[col] = out[col].fillna(0).astype(int)
    return out[cols].reset_index(drop=True)


def opinion_totals(counts: pd.DataFrame, fiscal_year: int | None) -> dict[str, int]:
    """For one FY of `opinion_counts`: opinions, responded, published and the number of sources."""
    rows = counts[counts["fiscal_year"] == fiscal_year] if fiscal_year is not None else counts.iloc[0:0]
    return {"opinions": int(rows["opinions"].sum()), "responded": int(rows["responded"].sum()),
            "published": int(rows["published"].sum()),
            "sources": int((rows["opinions"] > 0).sum())}


def latest_opinions(counts: pd.DataFrame) -> tuple[int, int] | None:
    """(FY, opinions) of the latest FY in `opinion_counts` that has any opinion, else None."""
    totals = counts.groupby("fiscal_year")["opinions"].sum()
    totals = totals[totals > 0]
    return (int(totals.index.max()), int(totals[totals.index.max()])) if len(totals) else None


def opinion_chart(counts: pd.DataFrame, title: str, height: int = 300):
    """Opinions per FY, stacked by source (contract order and colours)."""
    data = with_fy_label(counts[counts["opinions"] > 0])
    data["order"] = data["source"].map({s: i for i, s in enumerate(c.OPINION_SOURCES)})
    totals = with_fy_label(counts.groupby("fiscal_year", as_index=False)["opinions"].sum())
    x = alt.X("fy_label:N", title=txt.AXIS_FY, sort=totals["fy_label"].tolist(),
              axis=alt.Axis(labelAngle=0))
    bars = alt.Chart(data).mark_bar(size=36).encode(
        x=x,
        y=alt.Y("opinions:Q", title=txt.AXIS_OPINIONS, axis=alt.Axis(tickMinStep=1),
                scale=headroom(totals, "opinions")),
        color=alt.Color("source:N", title=txt.LEGEND_SOURCE,
                        scale=alt.Scale(domain=list(SOURCE_COLORS), range=list(SOURCE_COLORS.values())),
                        legend=alt.Legend(orient="bottom", columns=3)),
        order=alt.Order("order:Q"),
        tooltip=[tip("fy_label", txt.AXIS_FY, kind="N"), tip("source", txt.LEGEND_SOURCE, kind="N"),
                 tip("opinions", txt.TIP_OPINIONS, "d"), tip("responded", txt.TIP_RESPONDED, "d"),
                 tip("published", txt.TIP_PUBLISHED, "d")])
    text = alt.Chart(totals).mark_text(dy=-8, fontSize=15).encode(x=x, y="opinions:Q", text="opinions:Q")
    return alt.layer(bars, text).properties(title=chart_title(title, txt.CHART_SUBTITLE), height=height)


@query
def open_council_opinions(con, fiscal_year: int) -> int:
    """環境審議会 opinions on the reports of FYs before `fiscal_year` whose latest follow-up
    status is not 対応済 (what the FY's report still has to answer)."""
    from pipeline.texts import council as ctxt
    return int(con.execute(f"""
        WITH latest AS (
            SELECT opinion_id, status,
                   row_number() OVER (PARTITION BY opinion_id
                                      ORDER BY status_year DESC, recorded_at DESC) AS rn
            FROM council_followups)
        SELECT count(*) FROM council_opinions o
        LEFT JOIN latest l ON l.opinion_id = o.opinion_id AND l.rn = 1
        WHERE o.fiscal_year < ? AND coalesce(o.source, '{c.OPINION_SOURCE_COUNCIL}') = ?
          AND coalesce(l.status, '') <> ?""",
        [int(fiscal_year), c.OPINION_SOURCE_COUNCIL, ctxt.STATUS_DONE]).fetchone()[0])


def opinion_counts_display(counts: pd.DataFrame) -> pd.DataFrame:
    """opinion_counts with Japanese headers (table and CSV beside the chart), zero rows dropped."""
    return counts[counts["opinions"] > 0].rename(columns=txt.HEADERS).reset_index(drop=True)
