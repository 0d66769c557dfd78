"""``python -m geo audit list|export --workspace W``: the workspace's audit trail.

    python -m geo audit list --workspace W [--limit N]     newest first, one row a line
    python -m geo audit export --workspace W --out FILE    the whole trail as CSV
"""

from __future__ import annotations

from geo import audit


def add_arguments(parser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    listing = sub.add_parser("list", help="print the trail, newest first")
    listing.add_argument("--limit", type=int, default=50, metavar="N")
    export = sub.add_parser("export", help="write the trail as CSV")
    export.add_argument("--out", required=True, metavar="FILE")
    for each in (listing, export):
        each.add_argument("--workspace", required=True, metavar="W", help="workspace folder")


def run(args) -> int:
    if args.action == "export":
        path = audit.export_csv(args.workspace, args.out)
        print(f"wrote audit: {path}")
        return 0
    for row in audit.entries(args.workspace, limit=max(args.limit, 1)).itertuples():
        print(f"{row.id}\t{row.at}\t{row.actor}\t{row.action}\t{row.details}")
    return 0
