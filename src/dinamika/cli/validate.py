"""``dinamika validate [SURVEY_DIR]``: list every problem in a term folder."""

from __future__ import annotations

import argparse
from typing import Any

from dinamika.cli.common import add_key, add_lang, add_survey_dir, say
from dinamika.data.survey import validate_survey
from dinamika.i18n.messages import Message


def register(sub: Any) -> None:
    """Add the ``validate`` sub-command."""
    p = sub.add_parser(
        "validate",
        help=say("help.validate"),
        description=say("help.validate.description"),
    )
    add_survey_dir(p)
    p.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help=say("help.validate.format"),
    )
    p.add_argument(
        "--limit",
        type=int,
        default=200,
        metavar="N",
        help=say("help.validate.limit", default=200),
    )
    add_lang(p)
    add_key(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the validation report; exit 0 when valid, 1 when errors were found."""
    report = validate_survey(args.survey_dir, key_file=args.key_file)
    if args.format == "json":
        print(report.to_json(args.lang))
    else:
        print(report.summary(args.lang, limit=args.limit))
        if report.ok:
            print(Message("validation.ok").text(args.lang))
    return 0 if report.ok else 1
