"""Opinion counts per source and FY (PDCA page) and their chart."""
from __future__ import annotations

import pytest

from pipeline import council
from pipeline.access import auth
from pipeline.analysis import opinions
from pipeline.analysis.common import Filters
from pipeline.ingest import contract as c
from pipeline.texts import council as ctxt
from pipeline.texts import opinions as otxt
from tests import factories as f

HQ = auth.User("hq1", auth.ROLE_HQ)


@pytest.fixture()
def db(tmp_path):
    db = tmp_path / "w.duckdb"
    f.load_master(db)
    return db


def test_counts_per_source_and_year(db):
    assert opinions.opinion_counts(db).empty
    council.add_opinion(db, 2023, ctxt.LEVEL_PLAN, None, "審議会1", HQ, response_text="対応")
    council.add_opinion(db, 2023, ctxt.LEVEL_PLAN, None, "市民1", HQ, source="市民")
    council.add_opinion(db, 2023, ctxt.LEVEL_PLAN, None, "市民2", HQ, source="市民", published=True,
                        response_text="対応")
    council.add_opinion(db, 2024, ctxt.LEVEL_PLAN, None, "事業者1", HQ, source="事業者")
    counts = opinions.opinion_counts(db)
    assert len(counts) == 2 * len(c.OPINION_SOURCES)
    assert list(counts["source"][:len(c.OPINION_SOURCES)]) == list(c.OPINION_SOURCES)
    row = counts.set_index(["fiscal_year", "source"])
    assert tuple(row.loc[(2023, "環境審議会")]) == (1, 1, 1)      # opinions, responded, published
    assert tuple(row.loc[(2023, "市民")]) == (2, 1, 1)
    assert tuple(row.loc[(2024, "事業者")]) == (1, 0, 0)
    assert row.loc[(2024, "市民"), "opinions"] == 0
    assert opinions.opinion_totals(counts, 2023) == {"opinions": 3, "responded": 2, "published": 2,
                                                     "sources": 2}
    assert opinions.opinion_totals(counts, 2030)["opinions"] == 0
    # a FY with none yet says so and names the latest FY that has some
    assert opinions.latest_opinions(counts) == (2024, 1)
    assert otxt.chart_title(2025, 0, 0, opinions.latest_opinions(counts)) == \
        "2025年度の報告書への意見はまだありません（直近は2024年度の 1 件）"
    assert opinions.latest_opinions(counts.iloc[0:0]) is None
    until = opinions.opinion_counts(db, Filters(fiscal_year=2023))
    assert set(until["fiscal_year"]) == {2023}
    chart = opinions.opinion_chart(counts, "title").to_dict()
    assert chart["layer"][0]["encoding"]["color"]["scale"]["domain"] == list(c.OPINION_SOURCES)
