"""The round's writes from the app are HQ's only, checked in the library."""
from __future__ import annotations

from datetime import date

import pytest

from pipeline.access import auth
from pipeline.access import round as round_access
from pipeline.warehouse import round as wround
from pipeline.warehouse.schema import connect
from tests.round_fixtures import warehouse

HQ = auth.User("hq1", auth.ROLE_HQ)
DEPT = auth.User("d1", auth.ROLE_DEPARTMENT, "D01")
VIEWER = auth.User("v1", auth.ROLE_VIEWER)


@pytest.mark.parametrize("user", [None, DEPT, VIEWER])
def test_only_hq_sets_the_deadline_or_saves_text(tmp_path, user):
    db = warehouse(tmp_path, deadline=None)
    with pytest.raises(auth.AccessDenied):
        round_access.set_deadline(db, 2024, date(2025, 5, 30), user)
    with pytest.raises(auth.AccessDenied):
        round_access.save_narrative(db, 2024, wround.SCOPE_ALL, "overview", "文章です。", user)
    with connect(db) as con:
        assert wround.get_deadline(con, 2024) is None
        assert wround.saved_narratives(con, 2024) == {}


def test_hq_writes_under_its_name(tmp_path):
    db = warehouse(tmp_path, deadline=None)
    round_access.set_deadline(db, 2024, date(2025, 5, 30), HQ)
    assert round_access.save_narrative(db, 2024, wround.SCOPE_ALL, "overview", " 文章です。 ", HQ) == 1
    with connect(db) as con:
        assert wround.get_deadline(con, 2024).set_by == "hq1"
        assert wround.saved_narratives(con, 2024)["overview"].text == "文章です。"
    with pytest.raises(round_access.RoundError):
        round_access.save_narrative(db, 2024, wround.SCOPE_ALL, "overview", "   ", HQ)
