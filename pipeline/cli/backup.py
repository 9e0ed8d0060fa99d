"""`python -m pipeline backup [--out FILE]` and `restore-backup FILE`."""
from __future__ import annotations

import sys

from pipeline.warehouse import backup as bk
from pipeline.cli import main as cli
from pipeline.texts import backup as txt


def cmd_backup(args) -> int:
    info = bk.backup(getattr(args, "db", None), args.out)
    print(txt.backup_written(info.path, info.submissions, info.size), file=sys.stderr)
    return 0


def cmd_restore_backup(args) -> int:
    info = bk.restore_backup(args.file, getattr(args, "db", None))
    print(txt.restored(info.backup, info.path, info.aside), file=sys.stderr)
    return 0


def extend(add) -> None:
    p = add("backup", cmd_backup, txt.HELP_BACKUP)
    p.add_argument("--out", help=txt.HELP_OUT)
    p = add("restore-backup", cmd_restore_backup, txt.HELP_RESTORE_BACKUP)
    p.add_argument("file", help=txt.HELP_BACKUP_FILE)


if extend not in cli.EXTENSIONS:
    cli.EXTENSIONS.append(extend)
