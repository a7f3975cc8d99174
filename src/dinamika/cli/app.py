"""``dinamika app``: the no-code page for district teams, in the browser, on this computer only."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from dinamika.cli.common import add_lang
from dinamika.i18n.messages import Message


def register(sub: Any) -> None:
    """Add the ``app`` sub-command."""
    p = sub.add_parser(
        "app",
        help="halaman tanpa kode di peramban / the no-code page in the browser",
        description=(
            "Buka halaman di peramban untuk mengubah ekspor Google Forms/KoboToolbox menjadi "
            "laporan semester tanpa terminal. Halaman hanya berjalan di komputer ini "
            "(127.0.0.1, dengan token sesi) dan hanya menulis ke folder data. Hentikan dengan "
            "Ctrl+C. / Open a page in the browser that turns a Google Forms/KoboToolbox export "
            "into the term report without a terminal. The page runs on this computer only "
            "(127.0.0.1, with a session token) and writes only to the data folder. Stop it with "
            "Ctrl+C."
        ),
    )
    p.add_argument(
        "--data",
        default="data-dinamika",
        metavar="DIR",
        help="folder data: unggahan, folder semester dan laporan ditulis di sini / data folder: "
        "uploads, term folders and reports go here (default: ./data-dinamika)",
    )
    p.add_argument("--port", type=int, default=0, metavar="N", help="port (default: any free port)")
    p.add_argument(
        "--no-browser",
        action="store_true",
        help="jangan buka peramban; cetak alamatnya saja / do not open a browser, print the address",
    )
    add_lang(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Start the page and wait until Ctrl+C."""
    from dinamika.app.server import serve

    def ready(url: str) -> None:
        print(Message("cli.app_ready", url=url).text(args.lang), flush=True)

    code = serve(
        args.data,
        port=args.port,
        lang=args.lang,
        open_browser=not args.no_browser,
        on_ready=ready,
    )
    if code in (0, -15, 143):
        return 0
    print(Message("cli.app_exit", status=code).text(args.lang), file=sys.stderr)
    return 2
