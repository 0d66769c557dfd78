"""``python -m geo users add|list|disable ... --workspace W``: accounts of a shared deployment.

    python -m geo users add NAME --role admin|analyst|agency|viewer [--agency OPD] --workspace W
                            [--password-stdin]
    python -m geo users list --workspace W
    python -m geo users disable NAME --workspace W

The password is asked for twice at a prompt (not echoed), or read from the first line of
standard input with ``--password-stdin``; it is never an argument, so it stays out of the
shell history and the process list.
"""

from __future__ import annotations

import getpass
import sys

from geo.access import ROLES, AccountStore
from geo.common.errors import GeoInputError


def add_arguments(parser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    add = sub.add_parser("add", help="add an account")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--agency", default="", help="the OPD of an agency account")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")
    listing = sub.add_parser("list", help="list accounts (never passwords)")
    disable = sub.add_parser("disable", help="disable an account (it stays in the audit trail)")
    disable.add_argument("name", metavar="NAME")
    for each in (add, listing, disable):
        each.add_argument("--workspace", required=True, metavar="W", help="workspace folder")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("password: ")
        if password != getpass.getpass("again: "):
            raise GeoInputError("err.login_failed", source="password")
    if not password:
        raise GeoInputError("err.password_stdin", source="password")
    return password


def run(args) -> int:
    from geo import audit

    store = AccountStore(args.workspace)
    if args.action == "add":
        user = store.add(args.name, _password(args.password_stdin), args.role, args.agency)
        audit.record(args.workspace, "cli", "user_added", {"user": user.username, "role": user.role})
        print(f"added {user.username} ({user.role})")
    elif args.action == "disable":
        store.disable(args.name)
        audit.record(args.workspace, "cli", "user_disabled", {"user": args.name.strip().lower()})
        print(f"disabled {args.name.strip().lower()}")
    else:
        frame = store.list()
        if frame.empty:
            print("no accounts")
        for row in frame.itertuples():
            state = "active" if row.active else "disabled"
            print(f"{row.username}\t{row.role}\t{row.agency}\t{state}\t{row.created_at}")
    return 0
