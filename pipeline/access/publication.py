"""Publication writes with the role check: freezing a FY's edition is HQ's (audited).

The page and the command line both come through here; the edition itself is
pipeline.warehouse.editions.
"""
from __future__ import annotations

from pipeline.access import auth
from pipeline.warehouse import editions
from pipeline.warehouse.schema import connect


def freeze(db, fiscal_year: int, user, note: str | None = None) -> editions.Edition:
    """Record a new edition of the FY (HQ only); raises auth.AccessDenied or
    editions.EditionError (Japanese messages)."""
    actor = auth.require_role(user, auth.ROLE_HQ).username
    with connect(db, write=True) as con:
        return editions.freeze(con, fiscal_year, actor, note)
