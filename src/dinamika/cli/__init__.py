"""The ``dinamika`` command.

Each sub-command lives in its own module under ``dinamika.cli`` and exposes
``register(subparsers)``, which adds its parser and sets ``func`` (a callable taking the parsed
arguments and returning an exit code). Exit codes: 0 success, 1 problems found in the data,
2 usage errors (bad arguments, missing folder).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import os
import signal
import sys
from collections.abc import Sequence
from typing import Any

from dinamika import __version__
from dinamika.cli.argparse_lang import argparse_language, argv_lang, default_lang
from dinamika.errors import DinamikaError, UsageError
from dinamika.i18n.messages import MESSAGES, Message

#: Modules under ``dinamika.cli`` that add a sub-command, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = (
    "validate",
    "report",
    "instrument",
    "simulate",
    "importer",
    "export",
    "cfa",
    "reliability",
    "app",
)

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    """The full argument parser, with every registered sub-command.

    ``lang``: the language of argparse's own words and of every description and help text
    (default: ``--lang`` is not known yet, so ``$DINAMIKA_LANG`` or Indonesian; :func:`main`
    pre-scans ``argv`` for ``--lang`` before building it).
    """
    lang = lang or default_lang()
    with argparse_language(lang):
        parser = argparse.ArgumentParser(
            prog="dinamika",
            description=Message("cli.description").text(lang),
            epilog=Message("cli.epilog").text(lang),
        )
        parser.add_argument(
            "--version",
            action="version",
            version=f"dinamika {__version__}",
            help=Message("argparse.version").text(lang),
        )
        sub = parser.add_subparsers(dest="command", metavar=Message("help.command").text(lang))
        for name in COMMANDS:
            importlib.import_module(f"dinamika.cli.{name}").register(sub)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: unwinds like Ctrl-C, so every temporary file and folder is removed and
    child processes (Chromium, the Jupyter kernel) are stopped."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


def _on_sigterm() -> Any:
    try:
        return signal.signal(signal.SIGTERM, _raise_terminated)
    except ValueError:  # not the main thread (e.g. called from a test thread)
        return signal.getsignal(signal.SIGTERM)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (also used by the console script)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    with argparse_language(argv_lang(argv)):  # usage:, error: ... in the user's language
        parser = build_parser(argv_lang(argv))
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return EXIT_USAGE
    lang = getattr(args, "lang", None) or argv_lang(argv)
    previous = _on_sigterm()
    try:
        with argparse_language(lang):  # `dinamika import` prints its help: penggunaan:
            return int(args.func(args))
    except DinamikaError as exc:  # shown in the language the user asked for
        print(f"dinamika {args.command}: {exc.text(lang)}", file=sys.stderr)
        if isinstance(exc, UsageError):
            return EXIT_USAGE
        return EXIT_PROBLEMS
    except Terminated:
        print(f"dinamika: {Message('cli.terminated').text(lang)}", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print(f"dinamika: {Message('cli.interrupted').text(lang)}", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `dinamika ... | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:  # disk full, no permission, ...: never a traceback
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        code = f"oserror.{errno.errorcode.get(exc.errno or 0, '').lower()}"
        what = Message(code) if code in MESSAGES else (exc.strerror or str(exc))
        print(
            f"dinamika {args.command}: {Message('cli.os_error', what=what, where=where).text(lang)}",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    finally:
        with contextlib.suppress(ValueError, TypeError):
            signal.signal(signal.SIGTERM, previous)
