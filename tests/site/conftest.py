"""A small warehouse for the site tests: two FYs of both departments, with text that
must never be published (staff names and contacts, 課題, budgets)."""
from __future__ import annotations

import pytest

from pipeline.ingest import contract as c
from tests import factories as f

STAFF = "公表禁止 太郎"
CONTACT = "secret-contact@example.invalid"
ISSUE = "社外秘の課題メモ"
BUDGET = 987654


def _info() -> dict:
    return {c.INFO_CONTACT_PERSON: STAFF, c.INFO_CONTACT: CONTACT}


def build_small(db) -> None:
    f.load_master(db)
    books = []
    for year, kw in ((2023, 600), (2024, 900)):
        books.append(f.d01(year, info=_info(), actions=[
            f.action_row("A001", COL_ISSUES=ISSUE, COL_BUDGET=BUDGET, COL_RESULT=f"補助を{kw}件交付した")]
            + ([f.action_row("A002", COL_ISSUES=ISSUE)] if year <= 2023 else []),
            indicators=[f.indicator_row("I01", kw)],
            partners=[f.partner_row("A001", "事業者", COL_ORGANISATION="市内工務店", COL_PARTICIPANTS=12,
                                    COL_CO2_REDUCTION=3.5, COL_COLLABORATION="制度周知")]))
        books.append(f.d02(year, info=_info(), indicators=[f.indicator_row("I02", 38 - (year - 2023) * 2)],
                           partners=[f.partner_row("A003", "市民", COL_PARTICIPANTS=40)]))
    reports = f.ingest_all(db, *books)
    assert all(r.accepted for r in reports), [r.summary for r in reports]


@pytest.fixture(scope="session")
def small_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("site") / "small.duckdb"
    build_small(db)
    return db
