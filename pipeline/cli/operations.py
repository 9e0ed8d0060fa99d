"""`python -m pipeline factors FILE [--json]`: the emission factor workbook (contract §8.2)."""
from __future__ import annotations

import json

from pipeline import load
from pipeline.cli import main as cli
from pipeline.texts import cli as cli_txt
from pipeline.texts import factors as txt


def cmd_factors(args) -> int:
    result, factor_id, noop = load.load_factors_file(args.file, args.db, loaded_by=cli._actor())
    cli._print_problems(result.errors, result.file_name, cli_txt.ERROR_LABEL)
    cli._print_problems(result.warnings, result.file_name, cli_txt.WARNING_LABEL)
    if not result.accepted:
        cli._err(txt.rejected(result.file_name, len(result.errors)))
    elif noop:
        cli._err(txt.noop(factor_id))
    else:
        cli._err(txt.loaded(factor_id, result.rows, result.factors.years))
    if args.json:
        print(json.dumps({
            "file": result.file_name, "accepted": result.accepted, "noop": noop,
            "factor_id": factor_id, "rows": result.rows,
            "years": result.factors.years if result.factors else [],
            "errors": [p.to_json() for p in result.errors],
            "warnings": [p.to_json() for p in result.warnings],
        }, ensure_ascii=False, indent=2))
    return 0 if result.accepted else 1


def extend(add) -> None:
    p = add("factors", cmd_factors, txt.HELP_FACTORS)
    p.add_argument("file")
    p.add_argument("--json", action="store_true")


if extend not in cli.EXTENSIONS:
    cli.EXTENSIONS.append(extend)
