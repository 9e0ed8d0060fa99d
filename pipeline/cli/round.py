"""`round`, `remind` and `narrative` (contract section 10): the HQ's yearly round.

    round --year FY [--deadline YYYY-MM-DD]      set (or show) the FY's 提出期限
    remind --year FY --out DIR [--send]           one .eml per missing/incomplete department
    narrative --year FY [--json]                  the drafted narrative (saved text where HQ saved one)

Exit codes: 0 done; 1 could not (no deadline, SMTP failure, a message not sent); 2 usage.
"""
from __future__ import annotations

import json
from datetime import date

from pipeline.cli import main as cli
from pipeline.texts import round as txt


_err = cli._err


def cmd_round(args) -> int:
    from pipeline.warehouse import round as wround
    from pipeline.warehouse.schema import connect
    fy = cli.year_arg(args.year)
    if fy is None:
        return 2
    if args.deadline:
        try:
            deadline = date.fromisoformat(args.deadline.strip())
        except ValueError:
            _err(txt.bad_date(args.deadline))
            return 2
        with connect(getattr(args, "db", None), write=True) as con:
            wround.set_deadline(con, fy, deadline, cli._actor())
        _err(txt.deadline_set(fy, deadline))
        return 0
    with connect(getattr(args, "db", None)) as con:
        found = wround.get_deadline(con, fy)
    if found is None:
        _err(txt.deadline_none(fy))
    else:
        print(found.deadline.isoformat())
    return 0


def cmd_remind(args) -> int:
    from pipeline.analysis import reference
    from pipeline.notify import reminders, smtp
    from pipeline.warehouse.schema import connect
    fy = cli.year_arg(args.year)
    if fy is None:
        return 2
    db = getattr(args, "db", None)
    config = None
    if args.send:
        try:
            config = smtp.load_config()
        except smtp.SmtpError as exc:
            _err(str(exc))
            return 1
        if config is None:
            _err(txt.SMTP_NOT_CONFIGURED)
            return 1
    with connect(db) as con:
        if not reference.has_master(con):
            _err(txt.NO_MASTER)
            return 1
        try:
            batch = reminders.build_round(con, fy, date.today(), priority=args.priority,
                                          sender=config.sender if config else None)
        except reminders.NoDeadline as exc:
            _err(str(exc))
            return 1
    try:
        paths = reminders.write_eml(batch, args.out)
    except OSError as exc:
        _err(txt.cannot_write(args.out, exc))
        return 1
    if not batch.reminders:
        _err(txt.no_reminders(fy))
    else:
        _err(txt.wrote_messages(len(paths), args.out))
        for r, path in zip(batch.reminders, paths):
            _err(txt.wrote_message(str(path), r.to))
    for g in batch.without_email:
        _err(txt.missing_email(g.department_code, g.department_name))
    if not args.send:
        return 0
    try:
        results = reminders.send_round(db, batch, config, cli._actor())
    except smtp.SmtpError as exc:
        _err(str(exc))
        return 1
    sent = 0
    for _r, delivery in results:
        if delivery.sent:
            sent += 1
            _err(txt.sent_one(delivery.to))
        else:
            _err(delivery.error)
    _err(txt.sent_summary(sent, len(batch.reminders)))
    unsent = len(batch.reminders) - sent
    if unsent:
        _err(txt.not_sent(unsent))
    return 0 if unsent == 0 else 1


def cmd_narrative(args) -> int:
    from pipeline.analysis import narrative
    fy = cli.year_arg(args.year)
    if fy is None:
        return 2
    result = narrative.narrative_for_report(getattr(args, "db", None), fy, priority=args.priority)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print(result.as_text())
    return 0


def extend(add) -> None:
    p = add("round", cmd_round, txt.HELP_ROUND)
    p.add_argument("--year", required=True)
    p.add_argument("--deadline", help=txt.HELP_DEADLINE)
    p = add("remind", cmd_remind, txt.HELP_REMIND)
    p.add_argument("--year", required=True)
    p.add_argument("--out", required=True, help=txt.HELP_OUT_DIR)
    p.add_argument("--send", action="store_true", help=txt.HELP_SEND)
    p.add_argument("--priority", action="store_true", help=txt.HELP_PRIORITY)
    p = add("narrative", cmd_narrative, txt.HELP_NARRATIVE)
    p.add_argument("--year", required=True)
    p.add_argument("--json", action="store_true", help=txt.HELP_JSON)
    p.add_argument("--priority", action="store_true", help=txt.HELP_PRIORITY)


cli.EXTENSIONS.append(extend)
