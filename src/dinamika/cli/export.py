"""``dinamika export SURVEY_DIR --to csv|xlsx|sav|dta|parquet --out FILE`` and
``dinamika instrument export ID[@VERSION] --to xlsform|html|pdf|codebook --out FILE``."""

from __future__ import annotations

import argparse
from typing import Any

from dinamika.cli.common import add_key, add_lang, add_survey_dir, say
from dinamika.i18n.messages import Message
from dinamika.interop.codebook_export import write_codebook
from dinamika.interop.export import FORMATS, export_survey
from dinamika.interop.printable import write_printable
from dinamika.interop.xlsform_export import write_xlsform

INSTRUMENT_FORMATS = ("xlsform", "html", "pdf", "codebook")


def register(sub: Any) -> None:
    """Add the ``export`` sub-command (scored data)."""
    p = sub.add_parser(
        "export",
        help=say("help.export"),
        description=say("help.export.description"),
    )
    add_survey_dir(p)
    p.add_argument("--to", choices=FORMATS, default=None, help=say("help.export.to"))
    p.add_argument("--out", required=True, metavar="FILE", help=say("help.out_file"))
    p.add_argument("--part", choices=("responses", "observations"), default="responses",
                   help=say("help.export.part"))  # fmt: skip
    p.add_argument("--no-factor-scores", action="store_true",
                   help=say("help.export.no_factor_scores"))  # fmt: skip
    add_lang(p)
    add_key(p)
    p.set_defaults(func=_export)


def _export(args: argparse.Namespace) -> int:
    result = export_survey(
        args.survey_dir,
        args.out,
        to=args.to,
        lang=args.lang,
        factor_scores=not args.no_factor_scores,
        part=args.part,
        key_file=args.key_file,
    )
    print(result.summary(args.lang))
    return 0


def add_instrument_export(isub: Any) -> None:
    """Add ``instrument export`` to the ``instrument`` command's actions."""
    e = isub.add_parser(
        "export",
        help=say("help.instrument.export"),
    )
    e.add_argument("ref", metavar="ID[@VERSION]")
    e.add_argument("--to", choices=INSTRUMENT_FORMATS, required=True,
                   help=say("help.instrument.export.to"))  # fmt: skip
    e.add_argument("--out", required=True, metavar="FILE", help=say("help.out_file"))
    add_lang(e)
    e.set_defaults(func=_instrument_export)


def _instrument_export(args: argparse.Namespace) -> int:
    if args.to == "xlsform":
        path = write_xlsform(args.ref, args.out, lang=args.lang)
    elif args.to == "codebook":
        path = write_codebook(args.ref, args.out, lang=args.lang)
    else:
        path = write_printable(args.ref, args.out, lang=args.lang, pdf=args.to == "pdf")
    print(Message("cli.wrote", path=path).text(args.lang))
    return 0
