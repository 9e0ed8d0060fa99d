"""`python -m pipeline snapshot`: refresh the read-only copy for other tools now."""
from __future__ import annotations

import sys

from pipeline.cli import main as cli
from pipeline.texts import warehouse as txt
from pipeline.warehouse import readonly


def cmd_snapshot(args) -> int:
    snap = readonly.refresh(getattr(args, "db", None))
    print(txt.snapshot_written(snap.path, len(snap.tables), snap.rows, snap.seconds),
          file=sys.stderr)
    return 0


def extend(add) -> None:
    add("snapshot", cmd_snapshot, txt.HELP_SNAPSHOT)


if extend not in cli.EXTENSIONS:
    cli.EXTENSIONS.append(extend)
