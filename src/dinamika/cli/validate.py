"""``dinamika validate [SURVEY_DIR]``: list every problem in a term folder."""

from __future__ import annotations

import argparse
from typing import Any

from dinamika.cli.common import add_key, add_lang
from dinamika.data.survey import validate_survey
from dinamika.i18n.messages import Message


def register(sub: Any) -> None:
    """Add the ``validate`` sub-command."""
    p = sub.add_parser(
        "validate",
        help="periksa data semester / check a term folder",
        description=(
            "Periksa folder data semester dan tampilkan SEMUA masalah sekaligus (berkas, baris, "
            "kolom, nilai, perbaikan). / Check a term folder and list every problem at once. "
            "Exit 0: valid (warnings allowed); 1: problems found; 2: usage error."
        ),
    )
    p.add_argument(
        "survey_dir",
        nargs="?",
        default=None,
        metavar="SURVEY_DIR",
        help="folder berisi survey.yaml (default: contoh bawaan / bundled example)",
    )
    p.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text (default) atau json / text or machine-readable json",
    )
    p.add_argument(
        "--limit",
        type=int,
        default=200,
        metavar="N",
        help="tampilkan paling banyak N masalah di teks / show at most N problems as text (default 200; json shows all)",
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
