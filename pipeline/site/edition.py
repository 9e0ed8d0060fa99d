"""Which data a publication shows: the FY's latest frozen edition, or the live data as 速報.

The frozen editions (contract section 9, `freeze`) are kept by
pipeline.warehouse.editions; this module only asks it for a warehouse in which the FY's
edition is what is active.  Where that module is absent, or the FY has never been
frozen, the site is built from the live warehouse and marked 「速報」 on every page.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Edition:
    """The edition a site shows; `number` None = live data (速報)."""
    fiscal_year: int
    number: int | None = None
    frozen_at: datetime | None = None
    note: str | None = None
    data_date: datetime | None = None      # newest submission of the FY the figures rest on

    @property
    def preliminary(self) -> bool:
        return self.number is None


def _editions_module():
    try:
        from pipeline.warehouse import editions
    except ImportError:
        return None
    return editions if hasattr(editions, "edition_warehouse") else None


@contextlib.contextmanager
def edition_source(db, fiscal_year: int):
    """Yield (warehouse path, Edition) for the FY: a copy holding its latest edition when
    one is frozen, else the live warehouse with a preliminary Edition."""
    module = _editions_module()
    fy = int(fiscal_year)
    if module is None:
        yield db, Edition(fy)
        return
    with module.edition_warehouse(db, fy) as (path, ed):
        if ed is None:
            yield path, Edition(fy)
        else:
            yield path, Edition(fy, int(ed.edition_no), ed.frozen_at, ed.note)
