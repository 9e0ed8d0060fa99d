"""The report tests' warehouse: a copy of the session's demo with one council opinion added
(the tests write it; the shared demo stays untouched)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline import council
from pipeline.access import auth
from pipeline.texts import council as ctxt
from tests.conftest import copy_warehouse

HQ = auth.User("hq-user", auth.ROLE_HQ)


@dataclass(frozen=True)
class ReportDemo:
    db: Path
    opinion_id: int          # an opinion on FY2023's report, 対応中 in FY2024


@pytest.fixture(scope="session")
def report_demo(demo_db, tmp_path_factory) -> ReportDemo:
    db = copy_warehouse(demo_db, tmp_path_factory.mktemp("report_demo"))
    oid = council.add_opinion(db, 2023, ctxt.LEVEL_PLAN, None, "再エネ導入の進捗を部門別に示すこと", HQ,
                              response_text="次年度報告書で部門別の内訳を掲載する")
    council.set_status(db, oid, ctxt.STATUS_IN_PROGRESS, 2024, HQ)
    return ReportDemo(db, oid)


@pytest.fixture(scope="session")
def report_db(report_demo) -> Path:
    return report_demo.db
