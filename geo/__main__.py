"""Command line: ``python -m geo COMMAND ...``.

Each command lives in ``geo/cli/<command>.py`` with ``add_arguments(parser)`` and
``run(args) -> int``. A :class:`~geo.common.errors.GeoInputError` becomes one line on stderr and
exit status 2; the user never sees a traceback for a problem in their input.

Errors, warnings and notes are written in the language of the global option ``--lang id|en``
(before the command: ``python -m geo --lang en rank ...``), else of the environment variable
``PPM_LANG``, else Bahasa Indonesia. The command sees it as ``args.message_lang``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from geo.common.errors import GeoInputError
from geo.common.reading import failure_kind, library_errors
from geo.i18n import DEFAULT_LANGUAGE, LANGUAGES, t

INTERRUPTED = 130  # the exit status of a command stopped with Ctrl-C (128 + SIGINT)

COMMANDS = {
    "boundaries": "Read boundary layers and write the canonical village layer with a quality report",
    "demo": "Write the built-in synthetic demo region (boundaries and households)",
    "households": "Read and validate a household table (personal columns are dropped)",
    "rank": "Join households to villages, compute indicators, rank villages, find pockets",
    "decide": "Rank the files and save the focus list as a decision (prints its id)",
    "decisions": "Saved decisions: list, show, compare two, re-run one with its stored config",
    "export": "Export results for GIS tools and decision documents",
    "reference": "Rebuild the shipped Kemendagri code table (names, code history, population)",
    "publish": "Serve a run's outputs as OGC API - Features (pygeoapi), read-only",
    "users": "Accounts and roles for a shared deployment (add, list, disable)",
    "audit": "The audit trail of a workspace (list, export to CSV)",
    "convergence": "Programme registers against need: exclusion, inclusion, untouched villages",
    "waves": "Link registry waves by household key: who stayed in, left or entered desil 1",
    "targets": "A region's RPJMD target and official BPS poverty rates, kept in the workspace",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__.splitlines()[0])
    parser.add_argument("--lang", dest="message_lang", choices=tuple(LANGUAGES), default=None,
                        help="language of errors, warnings and notes (default: env PPM_LANG, "
                             "else id)")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in COMMANDS.items():
        try:
            module = importlib.import_module(f"geo.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"geo.cli.{name}":
                raise
            continue  # command not built yet
        command = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command)
        command.set_defaults(_run=module.run)
    return parser


def message_language(option: str | None = None, environ=None) -> str:
    """``--lang`` when given, else ``PPM_LANG`` when it names a language, else ``id``."""
    if option in LANGUAGES:
        return option
    value = (os.environ if environ is None else environ).get("PPM_LANG", "").strip().lower()
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # diagnostics of the library on stderr: PPM_LOG=INFO or DEBUG (default: warnings only)
    level = os.environ.get("PPM_LOG", "WARNING").upper()
    logging.basicConfig(level=level if level in logging.getLevelNamesMapping() else "WARNING",
                        format="%(levelname)s %(name)s: %(message)s")
    lang = args.message_lang = message_language(args.message_lang)
    try:
        return int(args._run(args) or 0)
    except GeoInputError as exc:
        print(t("cli.error", lang, text=exc.render(lang)), file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # outputs are committed whole or not at all (geo.common.atomic)
        print(t("cli.interrupted", lang), file=sys.stderr)
        return INTERRUPTED
    except OSError as exc:  # a path the user gave cannot be read or written
        where = exc.filename or "input/output"
        print(t("cli.error", lang, text=f"{where}: {exc.strerror or exc}"), file=sys.stderr)
        return 2
    except library_errors() as exc:  # an input library failed outside a named file's read
        logging.getLogger("geo").debug("%s during %s", failure_kind(exc), args.command)
        print(t("cli.error", lang, text=t("err.input_library_unnamed", lang,
                                          kind=failure_kind(exc))), file=sys.stderr)
        return 2


def exit_with(status: int) -> None:
    """End the process with ``status``. An interrupted command ends at once: a first read's
    overlap and gap checks may still be running on their threads (about 10 s on Jawa Timur),
    and Python would wait for them before exiting. Outputs are committed whole or not at all,
    and so are cache entries; checks cut short are not stored, so the next run makes them."""
    if status == INTERRUPTED:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe (``| head`` stopped too)
                pass
        os._exit(status)
    sys.exit(status)


if __name__ == "__main__":
    exit_with(main())
