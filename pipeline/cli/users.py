"""`python -m pipeline users add|remove|list`: built-in accounts from the command line.

    users add NAME --role hq|department|viewer [--department CODE] [--password-stdin | --oidc]
    users remove NAME
    users list

Without --password-stdin the password is prompted for twice (getpass, never
echoed, never an argument so it stays out of shell history and `ps`).
"""
from __future__ import annotations

import argparse
import getpass
import sys

from pipeline.access import auth
from pipeline.cli import main as cli
from pipeline.texts import auth as txt


def _read_password(args) -> str | None:
    if args.oidc:
        return None
    if args.password_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    first = getpass.getpass(txt.PROMPT_PASSWORD)
    second = getpass.getpass(txt.PROMPT_PASSWORD_AGAIN)
    if first != second:
        raise auth.AccountError(txt.PASSWORDS_DIFFER)
    return first


def cmd_users_add(args) -> int:
    try:
        password = _read_password(args)
        user = auth.add_account(args.db, args.username, password, args.role,
                                department_code=args.department, display_name=args.name,
                                oidc=args.oidc, replace=args.replace, actor=cli._actor())
    except auth.AccountError as exc:
        cli._err(str(exc))
        return 1
    cli._err(txt.added(user.username, user.role))
    return 0


def cmd_users_remove(args) -> int:
    try:
        auth.remove_account(args.db, args.username, actor=cli._actor())
    except auth.AccountError as exc:
        cli._err(str(exc))
        return 1
    cli._err(txt.removed(auth.normalise_username(args.username)))
    return 0


def cmd_users_list(args) -> int:
    print("\t".join(txt.LIST_HEADERS))
    for a in auth.list_accounts(args.db):
        print("\t".join((
            a.username, a.role, a.department_code or "", a.display_name or "",
            txt.VIA_PASSWORD if a.has_password else txt.VIA_OIDC,
            str(a.created_at or ""), txt.YES if a.locked else "")))
    return 0


def extend(add) -> None:
    p = add("users", lambda args: args.users_func(args), txt.HELP_USERS)
    sub = p.add_subparsers(dest="users_command", parser_class=type(p))
    sub.required = True

    def sub_add(name, func, help_text):
        q = sub.add_parser(name, help=help_text)
        q.add_argument("--db", help=cli.txt.HELP_DB, default=argparse.SUPPRESS)
        q.set_defaults(users_func=func)
        return q

    q = sub_add("add", cmd_users_add, txt.HELP_USERS_ADD)
    q.add_argument("username")
    q.add_argument("--role", required=True, choices=auth.ROLES, help=txt.HELP_ROLE)
    q.add_argument("--department", help=txt.HELP_DEPARTMENT)
    q.add_argument("--name", help=txt.HELP_NAME)
    q.add_argument("--password-stdin", action="store_true", help=txt.HELP_PASSWORD_STDIN)
    q.add_argument("--oidc", action="store_true", help=txt.HELP_OIDC)
    q.add_argument("--replace", action="store_true", help=txt.HELP_REPLACE)
    q = sub_add("remove", cmd_users_remove, txt.HELP_USERS_REMOVE)
    q.add_argument("username")
    sub_add("list", cmd_users_list, txt.HELP_USERS_LIST)


cli.EXTENSIONS.append(extend)
