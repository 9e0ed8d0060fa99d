"""`python -m pipeline report --year FY --out FILE` (.pdf or .xlsx)."""
from __future__ import annotations

import sys
from pathlib import Path

from pipeline.cli import main as cli
from pipeline.texts import report as txt


def cmd_report(args) -> int:
    from pipeline.report.build import write_report
    from pipeline.report.model import ReportError
    from pipeline.report.pdf import ReportFontMissing
    year = cli.year_arg(args.year, txt.bad_year)
    if year is None:
        return 2
    if Path(args.out).suffix.lower() not in (".pdf", ".xlsx"):
        print(txt.bad_extension(args.out), file=sys.stderr)
        return 2
    try:
        out = write_report(getattr(args, "db", None), year, args.out, from_edition=not args.live,
                           on_built=lambda r: print(r.edition_text, file=sys.stderr))
    except (ReportError, ReportFontMissing) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(txt.wrote(out), file=sys.stderr)
    return 0


def extend(add) -> None:
    p = add("report", cmd_report, txt.HELP_REPORT)
    p.add_argument("--year", required=True, help=txt.HELP_YEAR)
    p.add_argument("--out", required=True, help=txt.HELP_OUT)
    p.add_argument("--live", action="store_true", help=txt.HELP_LIVE)


cli.EXTENSIONS.append(extend)
