"""Arguments shared by several sub-commands."""

from __future__ import annotations

import argparse
import os


def default_lang() -> str:
    """Output language: ``$DINAMIKA_LANG`` when set to id/en, else Bahasa Indonesia."""
    lang = os.environ.get("DINAMIKA_LANG", "id")
    return lang if lang in ("id", "en") else "id"


def add_lang(parser: argparse.ArgumentParser) -> None:
    """``--lang id|en``."""
    parser.add_argument(
        "--lang",
        choices=("id", "en"),
        default=default_lang(),
        help="bahasa keluaran / output language (default: id, or $DINAMIKA_LANG)",
    )


def add_key(parser: argparse.ArgumentParser) -> None:
    """``--key-file`` for pseudonymization."""
    parser.add_argument(
        "--key-file",
        metavar="FILE",
        help=(
            "berkas kunci penyamaran / pseudonymization key file (default: "
            "$DINAMIKA_PSEUDONYM_KEY or $DINAMIKA_PSEUDONYM_KEY_FILE; keep it outside the data folder)"
        ),
    )
