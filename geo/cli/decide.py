"""``python -m geo decide``: rank the files and save the focus list as a decision.

    python -m geo decide --boundaries B [B ...] --households H [--config C] --title T
                         --by NAME --workspace W

Prints the new decision's id (one line) and exits 0.
"""

from __future__ import annotations

from geo.decisions.rerun import decide


def add_arguments(parser) -> None:
    parser.add_argument("--boundaries", nargs="+", required=True, metavar="B",
                        help="boundary layer file(s)")
    parser.add_argument("--households", required=True, metavar="H", help="household table")
    parser.add_argument("--config", metavar="C", help="ranking config (.toml or .yaml)")
    parser.add_argument("--title", required=True, metavar="T", help="e.g. 'Lokus desa miskin 2026'")
    parser.add_argument("--by", required=True, metavar="NAME", help="who finalised the list")
    parser.add_argument("--workspace", required=True, metavar="W",
                        help="folder of the decisions database")


def run(args) -> int:
    decision_id, _ = decide(args.boundaries, args.households, title=args.title,
                            decided_by=args.by, workspace=args.workspace, config=args.config)
    from geo.audit import record
    from geo.cli.decisions import _cli_actor

    record(args.workspace, _cli_actor(), "decision_saved",
           {"decision_id": int(decision_id), "title": args.title[:200], "decided_by": args.by[:100]})
    print(decision_id)
    return 0
