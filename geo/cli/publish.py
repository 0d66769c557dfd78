"""``python -m geo publish DIR --port P [--host H]``: serve a run's outputs as OGC API – Features.

DIR is the output folder of ``rank`` or ``export``. The villages, focus list, pockets, pocket
areas (and convergence when present) are served read-only by pygeoapi at
``http://127.0.0.1:P/`` (``/collections/villages/items`` ...); a layer with a personal column
is skipped. Bound to 127.0.0.1 unless ``--host`` says otherwise. Stops with Ctrl+C.
"""

from __future__ import annotations

import tempfile

from geo.common.errors import GeoInputError
from geo.i18n import t


def add_arguments(parser) -> None:
    parser.add_argument("dir", metavar="DIR", help="output folder of `rank` or `export`")
    parser.add_argument("--port", type=int, required=True, metavar="P", help="TCP port")
    parser.add_argument("--host", default="127.0.0.1", metavar="H",
                        help="address to listen on (default 127.0.0.1: this computer only)")
    parser.add_argument("--contact", default="", help="contact shown in the service metadata")
    parser.add_argument("--licence", default="", help="licence shown in the service metadata")


def run(args) -> int:
    from geo.cli.common import message_lang
    from geo.publish import serve

    if not 0 < args.port < 65536:
        raise GeoInputError("err.publish_port", source="--port", given=str(args.port))
    lang = message_lang(args)

    def ready(publication) -> None:
        shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
        for layer in publication.layers:
            print(f"{layer.name}: {len(layer.frame)} features ({layer.source})")
        for name, reason in publication.skipped.items():
            print(t("cli.publish_skipped", lang, layer=name, reason=reason))
        print(t("cli.publish_ready", lang, url=f"http://{shown}:{args.port}/"), flush=True)

    with tempfile.TemporaryDirectory(prefix="ppm-publish-") as work:
        try:
            serve(args.dir, port=args.port, host=args.host, work_dir=work, contact=args.contact,
                  licence=args.licence, ready=ready)
        except KeyboardInterrupt:
            pass
    return 0
