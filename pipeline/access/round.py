"""The round's writes from the app, checked on the server: only HQ sets a deadline or saves
the narrative's text (each audited by pipeline.warehouse.round)."""
from __future__ import annotations

from datetime import date

from pipeline.access import auth
from pipeline.texts import round as txt
from pipeline.warehouse import round as wround
from pipeline.warehouse.schema import connect


class RoundError(ValueError):
    """A round write that cannot be done (Japanese message)."""


def set_deadline(db, fiscal_year: int, deadline: date, user) -> None:
    actor = auth.require_role(user, auth.ROLE_HQ).username
    with connect(db, write=True) as con:
        wround.set_deadline(con, int(fiscal_year), deadline, actor)


def save_narrative(db, fiscal_year: int, scope: str, section: str, text: str, user) -> int:
    """Save a new version of one paragraph; an empty text is refused (delete = save the draft)."""
    actor = auth.require_role(user, auth.ROLE_HQ).username
    text = (text or "").strip()
    if not text:
        raise RoundError(txt.EMPTY_TEXT)
    with connect(db, write=True) as con:
        return wround.save_narrative(con, int(fiscal_year), scope, section, text, actor)
