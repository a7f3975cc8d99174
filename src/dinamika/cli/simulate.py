"""``dinamika simulate``: write a synthetic term folder with known truth.

``dinamika simulate --examples --out surveys/ --force`` regenerates the two bundled example terms
byte for byte.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from dinamika.cli.common import add_lang, say
from dinamika.errors import UsageError
from dinamika.i18n.messages import Message


def register(sub: Any) -> None:
    """Add the ``simulate`` sub-command."""
    p = sub.add_parser(
        "simulate",
        help=say("help.simulate"),
        description=say("help.simulate.description"),
        epilog=say("help.simulate.epilog"),
    )
    p.add_argument(
        "--out",
        metavar="FOLDER",
        help=say("help.simulate.out"),
    )
    p.add_argument("--seed", type=int, default=None, metavar="N", help=say("help.simulate.seed"))
    p.add_argument(
        "--panel-seed",
        type=int,
        default=None,
        metavar="N",
        help=say("help.simulate.panel_seed"),
    )
    p.add_argument(
        "--teachers",
        type=int,
        default=300,
        metavar="N",
        help=say("help.simulate.teachers", default=300),
    )
    p.add_argument(
        "--schools",
        type=int,
        default=30,
        metavar="N",
        help=say("help.simulate.schools", default=30),
    )
    p.add_argument("--term", metavar="NAME", help=say("help.simulate.term"))
    p.add_argument(
        "--labels",
        choices=("codes", "id", "en"),
        default="codes",
        help=say("help.simulate.labels", default="codes"),
    )
    p.add_argument(
        "--master-share",
        type=float,
        default=0.0,
        metavar="P",
        help=say("help.simulate.master_share", default=0),
    )
    p.add_argument(
        "--examples",
        action="store_true",
        help=say("help.simulate.examples"),
    )
    p.add_argument(
        "--force",
        action="store_true",
        help=say("help.simulate.force"),
    )
    add_lang(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the term folder(s) and print what was written."""
    from dinamika.simulation.term import simulate, write_examples

    if args.examples:
        if any(v is not None for v in (args.term, args.panel_seed, args.seed)):
            raise UsageError(Message("cli.examples_fixed"), lang=args.lang)
        out = Path(args.out or "surveys")
        for folder in write_examples(out, overwrite=args.force):
            print(Message("cli.written_folder", path=folder).text(args.lang))
        return 0
    if args.schools < 2 or args.teachers < 2 * args.schools:
        raise UsageError(Message("cli.too_few_schools"), lang=args.lang)
    avg = args.teachers / args.schools
    spread = max(1, round(0.4 * avg))
    sizes = (max(2, round(avg) - spread), max(2, round(avg) + spread))
    out = Path(args.out) if args.out else Path(args.term or "contoh")
    term = simulate(
        n_schools=args.schools,
        teachers_per_school=sizes,
        n_kkg=max(1, round(args.schools / 4)),
        term=args.term or out.resolve().name,
        seed=0 if args.seed is None else args.seed,
        panel_seed=args.panel_seed,
        labels=args.labels,
        master_share=args.master_share,
    )
    folder = term.write(out, overwrite=args.force)
    print(Message("cli.written_folder", path=folder).text(args.lang))
    print(term.summary(args.lang))
    return 0
