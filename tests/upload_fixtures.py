"""Shared fixtures of the upload/auth/history tests: a small warehouse with accounts.

Password hashing uses cheap Argon2 parameters here (same algorithm, same
code path) so the tests stay fast; production uses argon2-cffi's defaults.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from pipeline.access import auth
from pipeline import load
from pipeline.ingest import contract as c
from tests import factories as f

ROOT = Path(__file__).resolve().parents[1]
PASSWORDS = {"hq": "hq-password-1", "d1": "d1-password-1", "d2": "d2-password-1",
             "viewer": "viewer-password-1"}
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def fast_hashing(monkeypatch):
    monkeypatch.setattr(auth, "_hasher", FAST_HASHER)


@pytest.fixture(scope="session")
def _template_warehouse(tmp_path_factory) -> Path:
    """Built once: the small master and accounts hq, d1 (D01), d2 (D02), viewer."""
    path = tmp_path_factory.mktemp("template") / "warehouse.duckdb"
    saved, auth._hasher = auth._hasher, FAST_HASHER
    try:
        result, _, _ = load.load_master_bytes(f.small_master(), "master.xlsx", path, loaded_by="test")
        assert result.accepted
        auth.add_account(path, "hq", PASSWORDS["hq"], auth.ROLE_HQ, actor="test")
        auth.add_account(path, "d1", PASSWORDS["d1"], auth.ROLE_DEPARTMENT, department_code="D01",
                         actor="test")
        auth.add_account(path, "d2", PASSWORDS["d2"], auth.ROLE_DEPARTMENT, department_code="D02",
                         actor="test")
        auth.add_account(path, "viewer", PASSWORDS["viewer"], auth.ROLE_VIEWER, actor="test")
    finally:
        auth._hasher = saved
    return path


@pytest.fixture
def db(tmp_path, monkeypatch, fast_hashing, _template_warehouse):
    """A fresh copy of the template warehouse; $PDCA_DB points at it."""
    path = tmp_path / "warehouse.duckdb"
    for suffix in ("", ".wal"):
        source = Path(str(_template_warehouse) + suffix)
        if source.exists():
            shutil.copyfile(source, str(path) + suffix)
    monkeypatch.setenv("PDCA_DB", str(path))
    monkeypatch.delenv(auth.ENV_REQUIRE_LOGIN, raising=False)
    return path


def user(db, name: str) -> auth.User:
    found = auth.get_user(db, name)
    assert found is not None
    return found


def d01_workbook(value: float = 500, evaluation: str = "B", partners=None, year: int = 2023) -> bytes:
    """A valid D01 workbook for FY2023 (A001 and A002 are both active then)."""
    return f.submission(year, "D01", actions=[f.action_row("A001", COL_SELF_EVALUATION=evaluation),
                                              f.action_row("A002")],
                        indicators=[{c.COL_INDICATOR_CODE: "I01", c.COL_ACTUAL_VALUE: value}], partners=partners)


def d02_workbook(value: float = 35, year: int = 2023) -> bytes:
    return f.submission(year, "D02", actions=[f.action_row("A003")],
                        indicators=[{c.COL_INDICATOR_CODE: "I02", c.COL_ACTUAL_VALUE: value}])
