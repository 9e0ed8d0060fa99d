"""`python -m pipeline publish --year FY --out DIR`: the public site of one FY (section 9)."""
from __future__ import annotations

from pathlib import Path

from pipeline.cli import main as cli
from pipeline.texts import site as txt


_err = cli._err


def cmd_publish(args) -> int:
    from pipeline.site.build import SiteError, build_site, zip_bytes
    from pipeline.site.config import ConfigError, load_config
    year = cli.year_arg(args.year, txt.bad_year)
    if year is None:
        return 2
    try:
        config = load_config(args.config)
        result = build_site(getattr(args, "db", None), year, args.out, config=config,
                            include_report=not args.no_report)
    except (ConfigError, SiteError) as exc:
        _err(str(exc))
        return 1
    for note in result.notes:
        _err(note)
    _err(txt.wrote(str(result.out), len(result.pages), result.files, result.seconds))
    if args.zip:
        Path(args.zip).write_bytes(zip_bytes(result.out))
        _err(txt.wrote_zip(args.zip))
    return 0


def extend(add) -> None:
    p = add("publish", cmd_publish, txt.HELP_PUBLISH)
    p.add_argument("--year", required=True, help=txt.HELP_YEAR)
    p.add_argument("--out", required=True, help=txt.HELP_OUT)
    p.add_argument("--config", help=txt.HELP_CONFIG)
    p.add_argument("--no-report", action="store_true", help=txt.HELP_NO_REPORT)
    p.add_argument("--zip", help=txt.HELP_ZIP)


cli.EXTENSIONS.append(extend)
