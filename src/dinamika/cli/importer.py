"""``dinamika import google-forms|kobo FILE --instrument REF --out DIR``: exports → term folder."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from dinamika.cli.common import add_lang, say
from dinamika.errors import UsageError
from dinamika.i18n.messages import Message
from dinamika.interop import import_google_forms, import_kobo


def _pair(text: str, what: str, lang: str = "id") -> tuple[str, str]:
    head, sep, tail = text.rpartition("=")
    if not sep or not head.strip() or not tail.strip():
        raise UsageError(Message("cli.pair_form", option=what, text=repr(text)), lang=lang)
    return head.strip(), tail.strip()


def register(sub: Any) -> None:
    """Add ``import`` with the actions ``google-forms`` and ``kobo``."""
    p = sub.add_parser(
        "import",
        help=say("help.import"),
        description=say("help.import.description"),
    )
    isub = p.add_subparsers(dest="import_command", metavar="SOURCE")
    for name, func, help_code in (
        ("google-forms", import_google_forms, "help.import.google_forms"),
        ("kobo", import_kobo, "help.import.kobo"),
    ):
        a = isub.add_parser(name, help=say(help_code))
        a.add_argument("file", metavar="FILE", help=say("help.import.file"))
        a.add_argument("--instrument", required=True, metavar="ID@VERSION",
                       help=say("help.import.instrument"))  # fmt: skip
        a.add_argument("--out", required=True, metavar="DIR", help=say("help.import.out"))
        a.add_argument("--id-column", metavar="COL", help=say("help.import.id_column"))
        for key in ("school", "kkg", "district", "level", "lesson", "teacher", "observer"):
            a.add_argument(f"--{key}-column", metavar="COL", help=say(f"help.import.{key}_column"))
        a.add_argument("--identifier", action="append", default=[], metavar="COL",
                       help=say("help.import.identifier"))  # fmt: skip
        a.add_argument("--map", action="append", default=[], metavar="'HEADER=ITEM'",
                       help=say("help.import.map"))  # fmt: skip
        a.add_argument("--ignore", action="append", default=[], metavar="HEADER",
                       help=say("help.import.ignore"))  # fmt: skip
        a.add_argument("--mapping", metavar="FILE", help=say("help.import.mapping"))
        a.add_argument("--label", action="append", default=[], metavar="'TEXT=CODE'",
                       help=say("help.import.label"))  # fmt: skip
        a.add_argument("--duplicates", choices=("error", "keep-last", "keep-first"), default="error",
                       help=say("help.import.duplicates", default="error"))  # fmt: skip
        a.add_argument("--threshold", type=float, default=0.85,
                       help=say("help.import.threshold", default=0.85))  # fmt: skip
        a.add_argument("--date-order", choices=("auto", "dmy", "mdy"), default="auto",
                       help=say("help.import.date_order"))  # fmt: skip
        a.add_argument("--force", action="store_true", help=say("help.import.force"))
        a.add_argument("--sheet", metavar="NAME", help=say("help.import.sheet"))
        a.add_argument("--generate-ids", action="store_true", help=say("help.import.generate_ids"))
        a.add_argument("--test-rows", choices=("error", "drop", "keep"), default="error",
                       help=say("help.import.test_rows", default="error"))  # fmt: skip
        a.add_argument("--start-date", metavar="YYYY-MM-DD", help=say("help.import.start_date"))
        a.add_argument("--school-list", metavar="FILE", help=say("help.import.school_list"))
        a.add_argument("--title", metavar="TEXT", help=say("help.import.title"))
        a.add_argument("--population", type=int, metavar="N", help=say("help.import.population"))
        add_lang(a)
        a.set_defaults(func=_runner(func))
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def _runner(func: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        if args.map and args.mapping:
            raise UsageError(Message("cli.both_map_and_mapping"), lang=args.lang)
        labels = {}
        for text in args.label:
            raw, code = _pair(text, "--label", args.lang)
            try:
                labels[raw] = int(code)
            except ValueError:
                raise UsageError(
                    Message("cli.label_code", text=repr(text)), lang=args.lang
                ) from None
        groups = {
            key: getattr(args, f"{key}_column")
            for key in ("school", "kkg", "district", "level")
            if getattr(args, f"{key}_column")
        }
        title, population = _ask(args)
        result = func(
            args.file,
            instrument=args.instrument,
            out=args.out,
            id_column=args.id_column,
            groups=groups,
            identifiers=args.identifier,
            mapping=args.mapping or dict(_pair(m, "--map", args.lang) for m in args.map),
            ignore=args.ignore,
            labels=labels,
            duplicates=args.duplicates,
            threshold=args.threshold,
            lesson_column=args.lesson_column,
            teacher_column=args.teacher_column,
            observer_column=args.observer_column,
            date_order=args.date_order,
            force=args.force,
            sheet=args.sheet,
            generate_ids=args.generate_ids,
            test_rows=args.test_rows,
            start_date=args.start_date,
            school_list=args.school_list,
            title=title,
            population=population,
            lang=args.lang,
        )
        print(result.summary(args.lang))
        return 0

    return run


def _ask(args: argparse.Namespace) -> tuple[str | None, int | None]:
    """Title and population: the options, else asked when a person is at the terminal."""
    title, population = args.title, args.population
    observation = args.instrument.split("@")[0].startswith("observasi")
    if observation or not sys.stdin.isatty():
        return title, population
    if title is None:
        text = input(Message("cli.ask_title").text(args.lang)).strip()
        title = text or None
    while population is None:
        text = input(Message("cli.ask_population").text(args.lang)).strip()
        if not text:
            break
        if text.isdigit() and int(text) > 0:
            population = int(text)
        else:
            print(Message("cli.ask_whole_number").text(args.lang))
    return title, population
