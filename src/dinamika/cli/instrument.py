"""``dinamika instrument list|show|diff|lock``: the versioned instruments."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from dinamika.cli.common import add_lang, say
from dinamika.data.instruments import list_instruments, load_instrument
from dinamika.data.versions import check_lock, diff_instruments, update_lock
from dinamika.errors import InstrumentError, UsageError
from dinamika.i18n.messages import Message, shown


def register(sub: Any) -> None:
    """Add ``instrument`` with its own sub-commands."""
    p = sub.add_parser(
        "instrument",
        help=say("help.instrument"),
        description=say("help.instrument.description"),
    )
    isub = p.add_subparsers(dest="instrument_command", metavar="ACTION")
    ls = isub.add_parser("list", help=say("help.instrument.list"))
    add_lang(ls)
    ls.set_defaults(func=_list)
    show = isub.add_parser("show", help=say("help.instrument.show"))
    show.add_argument("ref", metavar="ID[@VERSION]")
    add_lang(show)
    show.set_defaults(func=_show)
    diff = isub.add_parser(
        "diff",
        help=say("help.instrument.diff"),
        description=say("help.instrument.diff.description"),
    )
    diff.add_argument("old", metavar="ID@A|FILE")
    diff.add_argument("new", metavar="ID@B|FILE")
    add_lang(diff)
    diff.set_defaults(func=_diff)
    lock = isub.add_parser("lock", help=say("help.instrument.lock"))
    lock.add_argument("--check", action="store_true", help=say("help.instrument.lock.check"))
    add_lang(lock)
    lock.set_defaults(func=_lock)
    from dinamika.cli.export import add_instrument_export

    add_instrument_export(isub)  # export ID --to xlsform|html|pdf|codebook (dinamika.interop)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def _list(args: argparse.Namespace) -> int:
    broken = 0
    for inst_id, versions in list_instruments().items():
        try:
            inst = load_instrument(f"{inst_id}@{versions[-1]}")
        except InstrumentError as exc:  # one broken file must not hide the others
            broken += 1
            word = Message("cli.invalid").text(args.lang)
            print(f"{inst_id:<24} {', '.join(versions):<12} {word}: {exc.text(args.lang)}")
            continue
        n = len(inst.items) or len(inst.questions)
        unit = Message("cli.items" if inst.items else "cli.questions").text(args.lang)
        print(
            f"{inst_id:<24} {', '.join(versions):<12} {_kind(inst.kind, args.lang):<14} {n:>3} "
            f"{unit}  {inst.title(args.lang)}"
        )
    return 1 if broken else 0


def _kind(kind: str, lang: str) -> str:
    """``questionnaire`` → ``kuesioner`` (instrument kinds in the user's language)."""
    return Message(f"kind.{kind}").text(lang)


def _show(args: argparse.Namespace) -> int:
    inst = load_instrument(args.ref)
    lang = args.lang
    print(
        f"{inst.title(lang)} — {inst.ref} ({_kind(inst.kind, lang)}, {inst.raw['released']}, "
        f"{inst.raw['licence']})"
    )
    print(inst.raw["description"][lang].strip())
    print()
    if inst.kind == "interview":
        for q in inst.questions:
            print(f"{q['id']}  {q['text'][lang]}  [{', '.join(q['constructs'])}]")
        print()
        for theme_id, theme in inst.codebook.items():
            print(f"{theme_id:<28} {theme['construct']:<18} {theme['label'][lang]}")
        return 0
    for scale, members in inst.scales.items():
        print(f"## {inst.scale_label(scale, lang)} ({scale})")
        for item_id in members:
            item = inst.item(item_id)
            mark = " (R)" if item.reverse else ""
            print(f"  {item.id:<6}{mark:<4} {item.text[lang]}")
        print()
    for rs in inst.response_scales.values():
        codes = ", ".join(f"{c} = {rs.label(c, lang)}" for c in range(rs.min, rs.max + 1))
        print(f"{rs.id}: {codes}")
    if inst.reverse_keyed:
        print(Message("cli.reverse_keyed").text(lang))
    return 0


def _diff(args: argparse.Namespace) -> int:
    for ref in (args.old, args.new):
        if "@" not in ref and Path(ref).suffix not in (".yaml", ".yml"):
            raise UsageError(Message("cli.diff_versions"), lang=args.lang)
    result = diff_instruments(args.old, args.new)
    print(result.summary(args.lang))
    return 0 if result.ok else 1


def _lock(args: argparse.Namespace) -> int:
    if args.check:
        problems = check_lock()
        for line in problems:
            print(shown(line, args.lang))
        return 1 if problems else 0
    for rel in update_lock():
        print(Message("cli.locked", path=rel).text(args.lang))
    return 0
