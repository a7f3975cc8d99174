"""``dinamika app``: the no-code page for district teams, in the browser, on this computer only."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from dinamika.cli.common import add_lang, say
from dinamika.i18n.messages import Message


def register(sub: Any) -> None:
    """Add the ``app`` sub-command."""
    p = sub.add_parser(
        "app",
        help=say("help.app"),
        description=say("help.app.description"),
    )
    p.add_argument(
        "--data",
        default="data-dinamika",
        metavar="DIR",
        help=say("help.app.data", default="data-dinamika"),
    )
    p.add_argument("--port", type=int, default=0, metavar="N", help=say("help.app.port"))
    p.add_argument(
        "--no-browser",
        action="store_true",
        help=say("help.app.no_browser"),
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
