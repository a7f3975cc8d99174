"""Arguments shared by several sub-commands."""

from __future__ import annotations

import argparse

from dinamika.cli.argparse_lang import default_lang, say

__all__ = ["add_key", "add_lang", "add_survey_dir", "default_lang", "say"]


def add_lang(parser: argparse.ArgumentParser) -> None:
    """``--lang id|en``."""
    parser.add_argument(
        "--lang", choices=("id", "en"), default=default_lang(), help=say("help.lang")
    )


def add_key(parser: argparse.ArgumentParser) -> None:
    """``--key-file`` for pseudonymization."""
    parser.add_argument("--key-file", metavar="FILE", help=say("help.key_file"))


def add_survey_dir(parser: argparse.ArgumentParser) -> None:
    """The optional ``SURVEY_DIR`` positional (default: the bundled example)."""
    parser.add_argument(
        "survey_dir", nargs="?", default=None, metavar="SURVEY_DIR", help=say("help.survey_dir")
    )
