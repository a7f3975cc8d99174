"""``dinamika report [SURVEY_DIR ...]``: the term report (one folder) or trend report (several)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from dinamika.cli.common import add_key, add_lang, say
from dinamika.errors import ValidationError
from dinamika.i18n.messages import Message
from dinamika.report.params import DEFAULTS


def register(sub: Any) -> None:
    """Add the ``report`` sub-command."""
    p = sub.add_parser(
        "report",
        help=say("help.report"),
        description=say("help.report.description"),
    )
    p.add_argument(
        "survey_dirs",
        nargs="*",
        metavar="SURVEY_DIR",
        help=say("help.report.survey_dirs"),
    )
    p.add_argument(
        "--out",
        metavar="FILE",
        help=say("help.report.out"),
    )
    p.add_argument(
        "--format",
        choices=("html", "pdf"),
        default="html",
        help=say("help.report.format"),
    )
    p.add_argument(
        "--min-cell",
        type=int,
        default=DEFAULTS.min_cell,
        metavar="N",
        help=say("help.report.min_cell", default=DEFAULTS.min_cell),
    )
    p.add_argument(
        "--seed",
        type=int,
        default=DEFAULTS.seed,
        metavar="N",
        help=say("help.seed", default=DEFAULTS.seed),
    )
    p.add_argument(
        "--per-school",
        action="store_true",
        help=say("help.report.per_school"),
    )
    p.add_argument("--quiet", action="store_true", help=say("help.report.quiet"))
    add_lang(p)
    add_key(p)
    p.set_defaults(func=run)


def _progress(message: str) -> None:
    print(f"dinamika report: {message}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    """Write the report and print where it is."""
    from dinamika.report.pipeline import report

    try:
        result = report(
            args.survey_dirs or None,
            lang=args.lang,
            out=args.out,
            fmt=args.format,
            min_cell=args.min_cell,
            seed=args.seed,
            key_file=args.key_file,
            progress=None if args.quiet else _progress,
            per_school=args.per_school,
        )
    except ValidationError as exc:
        print(f"dinamika report: {exc.text(args.lang)}", file=sys.stderr)
        print(Message("cli.fix_and_rerun").text(args.lang), file=sys.stderr)
        return 1
    print(Message("cli.report_written", path=result.path).text(args.lang))
    return 0
