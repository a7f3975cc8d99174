"""argparse's own words (``usage:``, ``error:``, "the following arguments are required", ...) in
the language of the command line, and the help text of every sub-command and option.

argparse looks its messages up through :func:`gettext.gettext` bound as the module globals
``argparse._`` and ``argparse.ngettext``; :func:`argparse_language` points them at the message
catalogue (codes ``argparse.*``) while the parser is built and used, and restores them after.
The language comes from ``--lang`` in the arguments (before they are parsed), else
``$DINAMIKA_LANG``, else Indonesian.

Help text (sub-command helps, descriptions, epilogs, option helps) is written as catalogue codes
(``help.*``): each ``register(sub)`` calls :func:`say`, which renders the code in the language of
the enclosing :func:`argparse_language` block. :func:`dinamika.cli.build_parser` is built inside
that block in the language pre-scanned from ``argv`` (:func:`argv_lang`), so ``--help`` shows one
language: Indonesian by default, English with ``--lang en`` or ``$DINAMIKA_LANG=en``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from typing import Any

from dinamika.i18n.messages import MESSAGES, Message

__all__ = [
    "ARGPARSE_CODES",
    "METAVAR_CODES",
    "argparse_language",
    "argv_lang",
    "default_lang",
    "help_lang",
    "metavar_text",
    "say",
]

_LANG: ContextVar[str | None] = ContextVar("dinamika_help_lang", default=None)


def default_lang() -> str:
    """Output language: ``$DINAMIKA_LANG`` when set to id/en, else Bahasa Indonesia."""
    lang = os.environ.get("DINAMIKA_LANG", "id")
    return lang if lang in ("id", "en") else "id"


def help_lang() -> str:
    """The language help text is written in: that of the enclosing :func:`argparse_language`
    block, else the default (``$DINAMIKA_LANG`` or Indonesian)."""
    return _LANG.get() or default_lang()


def say(code: str, **params: Any) -> str:
    """Help text ``code`` (``help.*`` in the catalogue) in :func:`help_lang`.

    argparse %-formats help strings, so a catalogue text never holds a bare ``%``.

    >>> with argparse_language("en"):
    ...     say("help.seed", default=1)
    'random seed (default 1)'
    >>> with argparse_language("id"):
    ...     say("help.seed", default=1)
    'benih acak (bawaan 1)'
    """
    return Message(code, params).text(help_lang())


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

#: Placeholder words of usage and option lines (``--out FILE``) → catalogue codes; a
#: placeholder is translated word by word (``ID@VERSION`` → ``ID@VERSI``).
METAVAR_CODES = {
    "FILE": "metavar.file",
    "DIR": "metavar.folder",
    "FOLDER": "metavar.folder",
    "SURVEY_DIR": "metavar.survey_dir",
    "COL": "metavar.column",
    "COLUMN": "metavar.column",
    "NAME": "metavar.name",
    "TEXT": "metavar.text",
    "HEADER": "metavar.header",
    "ITEM": "metavar.item",
    "CODE": "metavar.code",
    "VERSION": "metavar.version",
    "SHARE": "metavar.share",
    "SOURCE": "metavar.source",
    "ACTION": "metavar.action",
    "YYYY-MM-DD": "metavar.date",
}
_PLACEHOLDER = re.compile(r"YYYY-MM-DD|[A-Z][A-Z_]*")


def metavar_text(metavar: str, lang: str) -> str:
    """A usage placeholder in ``lang``.

    >>> metavar_text("ID@VERSION", "id"), metavar_text("'HEADER=ITEM'", "id")
    ('ID@VERSI', "'JUDUL=BUTIR'")
    >>> metavar_text("SURVEY_DIR", "en"), metavar_text("N", "id")
    ('SURVEY_DIR', 'N')
    """

    def one(m: re.Match[str]) -> str:
        code = METAVAR_CODES.get(m.group(0))
        return MESSAGES[code][lang] if code else m.group(0)

    return _PLACEHOLDER.sub(one, metavar)


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
    """argparse speaks ``lang`` inside the block, and :func:`say` writes help text in it."""
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

    formatter = argparse.HelpFormatter
    metavars = formatter._metavar_formatter

    def metavar_formatter(
        self: argparse.HelpFormatter, action: argparse.Action, default_metavar: str
    ) -> Any:
        inner = metavars(self, action, default_metavar)
        if action.choices is not None and action.metavar is None:
            return inner  # {html,pdf}: the values themselves
        return lambda size: tuple(metavar_text(str(m), lang) for m in inner(size))

    module["_"], module["ngettext"] = gettext, ngettext
    formatter._metavar_formatter = metavar_formatter  # type: ignore[method-assign]
    token = _LANG.set(lang)
    try:
        yield
    finally:
        _LANG.reset(token)
        module["_"], module["ngettext"] = saved
        formatter._metavar_formatter = metavars  # type: ignore[method-assign]
