"""Building the demo warehouse through the same path as `ingest`."""
from __future__ import annotations

import re
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from pipeline import load
from pipeline.access.auth import create_demo_accounts
from pipeline.demo.workbooks import write_demo_workbooks

DEMO_ACTOR_PREFIX = "demo"


def _submitted_at(path: Path, index: int) -> datetime:
    """A plausible submission time: FY y reports arrive in May–June of y+1."""
    m = re.search(r"FY(\d{4})", path.name)
    year = int(m.group(1)) if m else 2025
    base = datetime(year + 1, 5, 7, 9, 30)
    offset = timedelta(days=(index * 3) % 40, minutes=(index * 37) % 480)
    if "_v" in path.stem:           # resubmissions come a few weeks later
        offset += timedelta(days=21)
    return base + offset


def record_demo_council(db) -> None:
    """Council opinions, responses and follow-up for the demo, written as the HQ account."""
    from datetime import date

    from pipeline.access import auth
    from pipeline import council
    from pipeline.demo.content import COUNCIL_CYCLES, COUNCIL_OPINIONS
    hq = auth.get_user(db, "hq")
    for fy, (published, reviewed) in COUNCIL_CYCLES.items():
        council.record_cycle(db, fy, published=date.fromisoformat(published),
                             reviewed=date.fromisoformat(reviewed), user=hq)
    for fy, level, target, opinion, response, followups in COUNCIL_OPINIONS:
        opinion_id = council.add_opinion(db, fy, level, target, opinion, hq, response_text=response)
        for status_year, status in followups:
            council.set_status(db, opinion_id, status, status_year, hq)
    record_demo_public_opinions(db, hq)


def record_demo_public_opinions(db, hq) -> None:
    """Opinions of citizens, businesses, the platform and a public comment (some published)."""
    from datetime import date

    from pipeline import council
    from pipeline.demo.content import PUBLIC_OPINIONS
    for (fy, source, level, target, opinion, response, published, received, number,
         followups) in PUBLIC_OPINIONS:
        opinion_id = council.add_opinion(
            db, fy, level, target, opinion, hq, response_text=response, source=source,
            published=published, received_on=date.fromisoformat(received), reference_no=number)
        for status_year, status in followups:
            council.set_status(db, opinion_id, status, status_year, hq)


def freeze_demo_edition(db) -> None:
    """The demo's published edition of DEMO_FROZEN_YEAR, by the HQ account, stamped with
    its replayed time."""
    from pipeline.demo.content import DEMO_EDITION_NOTE, DEMO_FROZEN_AT, DEMO_FROZEN_YEAR
    from pipeline.warehouse import editions
    from pipeline.warehouse.schema import connect
    with connect(db, write=True) as con:
        try:
            editions.freeze(con, DEMO_FROZEN_YEAR, "hq", DEMO_EDITION_NOTE,
                            at=datetime.fromisoformat(DEMO_FROZEN_AT))
        except editions.EditionError:       # a demo without that FY: nothing to freeze
            pass


def _department_of(path: Path) -> str:
    parts = path.stem.split("_")
    return parts[1] if len(parts) > 1 else "dept"


def _set_demo_deadlines(db, fiscal_years) -> None:
    """Every demo FY gets its 提出期限, so 提出状況 shows days left/overdue and reminders work."""
    from pipeline.demo.content import demo_deadline
    from pipeline.warehouse import round as wround
    from pipeline.warehouse.schema import connect
    with connect(db, write=True) as con:
        for fy in fiscal_years:
            wround.set_deadline(con, fy, demo_deadline(fy), "demo:HQ")


def build_demo(db=None, *, scale: int = 1, progress=None, workdir: Path | None = None) -> str:
    """Generate the demo workbooks and load them; returns a short summary."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(workdir) if workdir else Path(tmp)
        plan = write_demo_workbooks(out, scale=scale)
        result, master_id, _ = load.load_master_file(plan.master_path, db, loaded_by="demo:HQ")
        if not result.accepted:
            raise RuntimeError("demo master rejected: " + "; ".join(
                f"{p.location} {p.message}" for p in result.errors[:5]))
        if plan.factors_path is not None:       # the 排出係数表, before the energy reports
            factors, _, _ = load.load_factors_file(plan.factors_path, db, loaded_by="demo:HQ")
            if not factors.accepted:
                raise RuntimeError("demo factors rejected: " + "; ".join(
                    f"{p.location} {p.message}" for p in factors.errors[:5]))
        create_demo_accounts(db)
        accepted = rejected = 0
        paths = list(plan.submissions)
        if progress:
            progress(f"{len(paths)} workbooks")
        # Bulk ingests (one transaction each), replaying who submitted when: the workbooks
        # submitted before the demo's edition is frozen, the edition, then the rest.
        from pipeline.demo.content import DEMO_FROZEN_AT
        frozen_at = datetime.fromisoformat(DEMO_FROZEN_AT)
        stamps = [_submitted_at(p, i) for i, p in enumerate(paths)]
        reports = []
        for before in (True, False):
            batch = [i for i, at in enumerate(stamps) if (at <= frozen_at) == before]
            reports += load.ingest_paths(
                [paths[i] for i in batch], db,
                loaded_by=[f"{DEMO_ACTOR_PREFIX}:{_department_of(paths[i])}" for i in batch],
                loaded_at=[stamps[i] for i in batch])
            if before:
                if scale == 1:
                    record_demo_council(db)
                freeze_demo_edition(db)
        for r in reports:
            if r.accepted:
                accepted += 1
            else:
                rejected += 1
                if progress:
                    progress(r.summary)
                    for p in r.errors[:5]:
                        progress(f"  {p.location}: {p.message}")
        if rejected:
            raise RuntimeError(f"demo workbooks rejected: {rejected}")
        _set_demo_deadlines(db, plan.fiscal_years)
        return f"計画マスタ版 {master_id}、提出 {accepted} 件"
