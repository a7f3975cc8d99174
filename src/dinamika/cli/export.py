"""``dinamika export SURVEY_DIR --to csv|xlsx|sav|dta|parquet --out FILE`` and
``dinamika instrument export ID[@VERSION] --to xlsform|html|pdf|codebook --out FILE``."""

from __future__ import annotations

import argparse
from typing import Any

from dinamika.cli.common import add_key, add_lang
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
        help="ekspor data berskor / export scored data (CSV, XLSX, SPSS, Stata, Parquet)",
        description=(
            "Tulis data satu semester (butir, skor skala, skor faktor) dengan label variabel dan "
            "label nilai; hanya id tersamar. / Write a term's scored data (items, scale scores, "
            "factor scores) with variable and value labels; pseudonymized ids only."
        ),
    )
    p.add_argument("survey_dir", nargs="?", default=None, metavar="SURVEY_DIR",
                   help="folder berisi survey.yaml (default: contoh bawaan / bundled example)")  # fmt: skip
    p.add_argument("--to", choices=FORMATS, default=None,
                   help="format (default: dari akhiran --out / from the --out suffix)")  # fmt: skip
    p.add_argument("--out", required=True, metavar="FILE", help="berkas keluaran / output file")
    p.add_argument("--part", choices=("responses", "observations"), default="responses",
                   help="kuesioner (default) atau nilai pengamatan / questionnaire or lesson ratings")  # fmt: skip
    p.add_argument("--no-factor-scores", action="store_true",
                   help="tanpa skor faktor CFA / leave out CFA factor scores")  # fmt: skip
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
        help="ekspor instrumen / export: XLSForm, HTML/PDF cetak / printable, buku kode / codebook",
    )
    e.add_argument("ref", metavar="ID[@VERSION]")
    e.add_argument("--to", choices=INSTRUMENT_FORMATS, required=True,
                   help="xlsform (.xlsx, KoboToolbox/ODK), html, pdf (Chromium), codebook (.csv/.html)")  # fmt: skip
    e.add_argument("--out", required=True, metavar="FILE", help="berkas keluaran / output file")
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
