"""`python -m pipeline freeze --year FY [--note TEXT]` and `editions [--year FY]`.

The command line runs with the warehouse owner's rights (like `master` and
`council import`), so it freezes as HQ under the operating-system user's name.
"""
from __future__ import annotations

import sys

from pipeline.access import auth, publication
from pipeline.cli import main as cli
from pipeline.texts import publication as txt
from pipeline.warehouse import editions
from pipeline.warehouse.schema import connect


def cmd_freeze(args) -> int:
    year = cli.year_arg(args.year, txt.bad_year)
    if year is None:
        return 2
    user = auth.User(cli._actor(), auth.ROLE_HQ)
    try:
        ed = publication.freeze(getattr(args, "db", None), year, user, args.note)
    except editions.EditionError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(txt.frozen(ed.label, ed.submissions, ed.opinions), file=sys.stderr)
    return 0


def cmd_editions(args) -> int:
    year = None
    if args.year:
        year = cli.year_arg(args.year, txt.bad_year)
        if year is None:
            return 2
    with connect(getattr(args, "db", None)) as con:
        rows = editions.list_editions(con, year)
    print("\t".join(txt.EDITIONS_HEADERS))
    for e in rows:
        print("\t".join(str(x) for x in (
            e.edition_id, e.fiscal_year, e.edition_no, e.frozen_at, e.frozen_by or "",
            e.submissions, e.opinions, e.note or "")))
    return 0


def extend(add) -> None:
    p = add("freeze", cmd_freeze, txt.HELP_FREEZE)
    p.add_argument("--year", required=True, help=txt.HELP_YEAR)
    p.add_argument("--note", help=txt.HELP_NOTE)
    p = add("editions", cmd_editions, txt.HELP_EDITIONS)
    p.add_argument("--year", help=txt.HELP_YEAR)


if extend not in cli.EXTENSIONS:
    cli.EXTENSIONS.append(extend)
