"""`python -m pipeline council import FILE`: load a 審議会意見 workbook.

The command line runs with the warehouse owner's rights (like `master` and
`restore`), so it acts as HQ under the operating-system user's name.
"""
from __future__ import annotations

import sys
from pathlib import Path

from pipeline.access import auth
from pipeline.cli import main as cli
from pipeline import council
from pipeline.texts import council as txt


def cmd_council(args) -> int:
    data = Path(args.file).read_bytes()
    user = auth.User(cli._actor(), auth.ROLE_HQ)
    result = council.import_workbook(getattr(args, "db", None), data, Path(args.file).name, user)
    for p in result.problems:
        print(f"{args.file} {p.sheet or ''}!{p.cell or ''}: {p.message}", file=sys.stderr)
    if not result.accepted:
        print(txt.import_rejected(len(result.problems)), file=sys.stderr)
        return 1
    print(txt.imported(result.added, result.updated), file=sys.stderr)
    return 0


def extend(add) -> None:
    p = add("council", cmd_council, txt.HELP_COUNCIL)
    p.add_argument("action", choices=["import"])
    p.add_argument("file")


cli.EXTENSIONS.append(extend)
