"""``dinamika reliability [SURVEY_DIR]`` and ``dinamika score [SURVEY_DIR]``."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Any

from dinamika.cli.common import add_key, add_lang, add_survey_dir, say
from dinamika.data.survey import Survey, load_survey
from dinamika.errors import UsageError
from dinamika.i18n.messages import Message, shown
from dinamika.psychometrics.reliability.api import reliability_table
from dinamika.psychometrics.scoring import score


def register(sub: Any) -> None:
    """Add the ``reliability`` and ``score`` sub-commands."""
    p = sub.add_parser(
        "reliability",
        help=say("help.reliability"),
        description=say("help.reliability.description"),
    )
    _common(p)
    p.add_argument(
        "--ordinal",
        action="store_true",
        help=say("help.reliability.ordinal"),
    )
    p.add_argument(
        "--missing",
        choices=("pairwise", "listwise"),
        default="pairwise",
        help=say("help.reliability.missing", default="pairwise"),
    )
    p.add_argument(
        "--n-boot",
        type=int,
        default=2000,
        metavar="N",
        help=say("help.reliability.n_boot", default=2000),
    )
    p.add_argument("--seed", type=int, default=1, help=say("help.seed", default=1))
    p.add_argument(
        "--format",
        choices=("text", "csv", "json"),
        default="text",
        help=say("help.format", default="text"),
    )
    p.set_defaults(func=run_reliability)

    s = sub.add_parser(
        "score",
        help=say("help.score"),
        description=say("help.score.description"),
    )
    _common(s)
    s.add_argument(
        "--method",
        choices=("mean", "sum"),
        default="mean",
        help=say("help.score.method", default="mean"),
    )
    s.add_argument(
        "--min-answered",
        type=float,
        default=None,
        metavar="SHARE",
        help=say("help.score.min_answered"),
    )
    s.add_argument(
        "--talis",
        action="store_true",
        help=say("help.score.talis"),
    )
    s.add_argument(
        "--output",
        metavar="FILE",
        type=Path,
        help=say("help.score.output"),
    )
    s.set_defaults(func=run_score)


def _common(p: argparse.ArgumentParser) -> None:
    add_survey_dir(p)
    add_lang(p)
    add_key(p)


def _load(args: argparse.Namespace) -> Survey:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pseudonyms play no part in these numbers
        return load_survey(args.survey_dir, key_file=args.key_file)


def run_reliability(args: argparse.Namespace) -> int:
    """Print the reliability table; exit 0."""
    if args.n_boot < 0:
        raise UsageError(Message("cli.n_boot"), lang=args.lang)
    survey = _load(args)
    tab = reliability_table(
        survey, ordinal=args.ordinal, missing=args.missing, n_boot=args.n_boot, seed=args.seed
    )
    notes = tab.attrs.get("notes", tab["notes"])  # as messages: in the user's language
    tab["notes"] = [shown(note, args.lang) for note in notes]
    if args.format == "csv":
        tab.to_csv(sys.stdout, index=False)
    elif args.format == "json":
        print(tab.to_json(orient="records", force_ascii=False))
    else:
        kind = Message("cli.polychoric" if args.ordinal else "cli.pearson")
        head = Message(
            "cli.reliability_head",
            term=survey.term,
            instrument=survey.instrument.ref,
            kind=kind,
            missing=args.missing,
        )
        print(head.text(args.lang))
        print(tab.round(3).to_string(index=False))
    return 0


def run_score(args: argparse.Namespace) -> int:
    """Write the scale scores as CSV; exit 0."""
    survey = _load(args)
    out = score(survey, method=args.method, min_answered=args.min_answered, talis=args.talis)
    if args.output:
        out.to_csv(args.output, index=False)
        print(Message("cli.rows_to", n=len(out), path=args.output).text(args.lang), file=sys.stderr)
    else:
        out.to_csv(sys.stdout, index=False)
    return 0
