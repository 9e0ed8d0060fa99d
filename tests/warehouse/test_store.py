"""pipeline.warehouse.store: versioned submissions, supersede, restore, history, archive, audit (§4)."""
from __future__ import annotations

import pytest

from pipeline.ingest import contract as c
from pipeline.warehouse import store
from pipeline.ingest.master import validate_master
from pipeline.ingest.validate import validate_submission
from pipeline.warehouse.schema import connect
from tests import factories as f
from tests.factories import indicator_row

PLAN = validate_master(f.small_master(), "m.xlsx").plan


def item(data: bytes, name="x.xlsx"):
    sub = validate_submission(data, name, PLAN)
    assert sub.accepted, sub.errors
    return sub, data


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "w.duckdb"
    f.load_master(path)
    return path


def statuses(con):
    return con.execute("SELECT submission_id, status FROM submissions ORDER BY 1").fetchall()


def test_batch_supersedes_and_dedupes_in_one_transaction(db):
    v1, v2 = f.d01(2024), f.d01(2024, indicators=[indicator_row("I01", 5)])
    with connect(db, write=True) as con:
        outcomes = store.load_submissions(con, [item(v1, "v1.xlsx"), item(v2, "v2.xlsx"),
                                                item(v1, "again.xlsx"), item(f.d02(2024))], "tester")
        assert [(o.submission_id, o.noop, o.superseded) for o in outcomes] == [
            (1, False, []), (2, False, [1]), (1, True, []), (3, False, [])]
        assert statuses(con) == [(1, "superseded"), (2, "active"), (3, "active")]
        assert con.execute("SELECT loaded_by FROM submissions WHERE submission_id = 2").fetchone()[0] == "tester"


def test_new_version_supersedes_stored_active(db):
    with connect(db, write=True) as con:
        store.load_submissions(con, [item(f.d01(2024))], None)
        [o] = store.load_submissions(con, [item(f.d01(2024, indicators=[indicator_row("I01", 1)]))], None)
        assert o.superseded == [1] and statuses(con) == [(1, "superseded"), (2, "active")]
        # nothing deleted: the old version's rows are still stored
        assert store.stored_rows(con, 1) == {c.SHEET_ACTIONS: 1, c.SHEET_INDICATORS: 0, c.SHEET_PARTNERS: 0}


def test_failure_mid_load_rolls_back_everything(db, monkeypatch):
    real_insert = store._insert

    def failing(con, table, frame):
        if table == "indicator_values":
            raise RuntimeError("disk full")
        real_insert(con, table, frame)
    with connect(db, write=True) as con:
        store.load_submissions(con, [item(f.d01(2024))], None)
        monkeypatch.setattr(store, "_insert", failing)
        with pytest.raises(RuntimeError):
            store.load_submissions(con, [item(f.d01(2024, indicators=[indicator_row("I01", 1)])),
                                         item(f.d02(2024))], None)
        assert statuses(con) == [(1, "active")]
        for table in ("action_reports", "indicator_values", "partner_rows"):
            assert con.execute(f"SELECT count(*) FROM {table} WHERE submission_id > 1").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM archive").fetchone()[0] == 2   # master + v1


def test_restore_history_and_audit(db):
    with connect(db, write=True) as con:
        store.load_submissions(con, [item(f.d01(2024), "v1.xlsx")], "a")
        store.load_submissions(con, [item(f.d01(2024, indicators=[indicator_row("I01", 1)]), "v2.xlsx")], "b")
        store.load_submissions(con, [item(f.d02(2024), "d02.xlsx")], "c")
        restored = store.restore(con, 1, "admin")
        assert (restored.submission_id, restored.status) == (1, "active")
        assert statuses(con) == [(1, "active"), (2, "superseded"), (3, "active")]
        # restoring the active one changes nothing; an unknown id gives None
        assert store.restore(con, 1, "admin").status == "active"
        assert store.restore(con, 99, "admin") is None
        assert [(h.submission_id, h.status) for h in store.history(con, "D01", 2024)] == \
            [(1, "active"), (2, "superseded")]
        assert [h.submission_id for h in store.history(con)] == [1, 2, 3]
        assert store.history(con, fiscal_year=2023) == []
        actions = con.execute("SELECT action, actor FROM audit_log ORDER BY event_id").fetchall()
        assert actions == [("master", ""), ("upload", "a"), ("upload", "b"), ("upload", "c"),
                           ("restore", "admin")]


def test_archive_holds_original_bytes(db):
    data = f.d01(2024)
    with connect(db, write=True) as con:
        [o] = store.load_submissions(con, [item(data)], None)
        assert o.sha256 == store.sha256_of(data)
        assert store.archived_file(con, o.sha256) == data
        assert store.archived_file(con, "0" * 64) is None


def test_current_master_round_trip(db):
    with connect(db) as con:
        plan = store.current_master(con)
    assert plan.actions == PLAN.actions and plan.indicators == PLAN.indicators
    assert plan.departments == PLAN.departments and plan.measures == PLAN.measures
    assert sorted(e[:4] for e in plan.emissions) == sorted(e[:4] for e in PLAN.emissions)


def test_no_master_yet(tmp_path):
    with connect(tmp_path / "empty.duckdb") as con:
        assert store.current_master(con) is None


def test_audit_event_ids_are_a_key(db):
    import duckdb
    with connect(db, write=True) as con:
        store.audit(con, "a", "test", "one")
        store.audit(con, "a", "test", "two")
        ids = [r[0] for r in con.execute("SELECT event_id FROM audit_log ORDER BY event_id").fetchall()]
        assert len(ids) == len(set(ids))
        with pytest.raises(duckdb.ConstraintException):
            con.execute("INSERT INTO audit_log (event_id, action) VALUES (?, 'dup')", [ids[-1]])


def test_an_older_warehouse_gets_the_audit_key_and_keeps_every_event(tmp_path):
    import duckdb
    path = tmp_path / "old.duckdb"
    raw = duckdb.connect(str(path))
    raw.execute("CREATE TABLE audit_log (event_id BIGINT, occurred_at TIMESTAMP, actor VARCHAR, "
                "action VARCHAR, target VARCHAR, detail VARCHAR)")
    raw.execute("INSERT INTO audit_log (event_id, action) VALUES (1, 'a'), (2, 'b'), (2, 'c'), (3, 'd')")
    raw.close()
    with connect(path, write=True) as con:
        rows = con.execute("SELECT event_id, action FROM audit_log ORDER BY event_id").fetchall()
        assert rows == [(1, "a"), (2, "b"), (3, "d"), (4, "c")]
        store.audit(con, "x", "new", "t")
        assert con.execute("SELECT max(event_id), count(*) FROM audit_log").fetchone() == (5, 5)


class _Recording:
    """A connection that records the SQL it runs and can fail on chosen statements."""

    def __init__(self, con, fail_on=()):
        self.con, self.fail_on, self.sql = con, fail_on, []

    def execute(self, sql, params=None):
        self.sql.append(sql.split()[0].upper())
        if any(sql.startswith(s) for s in self.fail_on):
            raise RuntimeError(f"{sql} failed")
        return self.con.execute(sql, params or [])


def test_restore_reads_the_status_inside_its_transaction(db):
    with connect(db, write=True) as con:
        store.load_submissions(con, [item(f.d01(2024), "v1.xlsx")], "t")
        store.load_submissions(con, [item(f.d01(2024, indicators=[indicator_row("I01", 5)]), "v2.xlsx")], "t")
        rec = _Recording(con)
        assert store.restore(rec, 1, "hq").status == c.SUBMISSION_ACTIVE
        assert rec.sql[0] == "BEGIN" and rec.sql[1] == "SELECT" and rec.sql[-1] == "COMMIT"


def test_a_failing_rollback_does_not_hide_the_original_error():
    from pipeline.warehouse.schema import transaction

    class Broken:
        def execute(self, sql, params=None):
            if sql == "ROLLBACK":
                raise ConnectionError("connection lost")

    with pytest.raises(ValueError, match="the real cause") as caught:
        with transaction(Broken()):
            raise ValueError("the real cause")
    assert any("connection lost" in note for note in caught.value.__notes__)
