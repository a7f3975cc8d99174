"""argparse's own words (``usage:``, ``error:``, "the following arguments are required", ...) in
the language of the command line.

argparse looks its messages up through :func:`gettext.gettext` bound as the module globals
``argparse._`` and ``argparse.ngettext``; :func:`argparse_language` points them at the message
catalogue (codes ``argparse.*``) while the parser is built and used, and restores them after.
The language comes from ``--lang`` in the arguments (before they are parsed), else
``$DINAMIKA_LANG``, else Indonesian.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator, Sequence

from dinamika.cli.common import default_lang
from dinamika.i18n.messages import MESSAGES

__all__ = ["ARGPARSE_CODES", "argparse_language", "argv_lang"]

#: argparse's message ids (Python 3.11–3.13) → catalogue codes.
ARGPARSE_CODES = {
    "usage: ": "argparse.usage",
    "%(prog)s: error: %(message)s\n": "argparse.error",
    "argument %(argument_name)s: %(message)s": "argparse.argument",
    "the following arguments are required: %s": "argparse.required",
    "one of the arguments %s is required": "argparse.one_required",
    "unrecognized arguments: %s": "argparse.unrecognized",
    "invalid choice: %(value)r (choose from %(choices)s)": "argparse.invalid_choice",
    "invalid %(type)s value: %(value)r": "argparse.invalid_value",
    "expected one argument": "argparse.expected_one",
    "expected at most one argument": "argparse.expected_at_most_one",
    "expected at least one argument": "argparse.expected_at_least_one",
    "not allowed with argument %s": "argparse.not_allowed",
    "ignored explicit argument %r": "argparse.ignored_explicit",
    "ambiguous option: %(option)s could match %(matches)s": "argparse.ambiguous",
    "unexpected option string: %s": "argparse.unexpected_option",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "argparse.unknown_parser",
    "can't open '%(filename)s': %(error)s": "argparse.cant_open",
    "positional arguments": "argparse.positionals",
    "options": "argparse.options",
    "show this help message and exit": "argparse.help",
    "show program's version number and exit": "argparse.version",
}
_PLURAL = {"expected %s argument": "argparse.expected_n"}


def argv_lang(argv: Sequence[str]) -> str:
    """``--lang`` as given in ``argv`` (``--lang en`` or ``--lang=en``), else the default.

    >>> argv_lang(["validate", "--lang", "en"]), argv_lang(["--lang=id"]), argv_lang([])
    ('en', 'id', 'id')
    """
    args = list(argv)
    for i, arg in enumerate(args):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else None
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        if value in ("id", "en"):
            return value
    return default_lang()


@contextlib.contextmanager
def argparse_language(lang: str) -> Iterator[None]:
    """argparse speaks ``lang`` inside the block."""
    module = argparse.__dict__
    saved = module["_"], module["ngettext"]

    def gettext(msgid: str) -> str:
        code = ARGPARSE_CODES.get(msgid)
        return MESSAGES[code][lang] if code else msgid

    def ngettext(singular: str, plural: str, n: int) -> str:
        code = _PLURAL.get(singular)
        if code:
            return MESSAGES[code][lang]
        return singular if n == 1 else plural

    module["_"], module["ngettext"] = gettext, ngettext
    try:
        yield
    finally:
        module["_"], module["ngettext"] = saved
