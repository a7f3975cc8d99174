"""``dinamika cfa [SURVEY_DIR ...]``: CFA of the questionnaire scales, optionally invariance."""

from __future__ import annotations

import argparse
import json
import warnings
from typing import Any

import pandas as pd

from dinamika.cli.common import add_key, add_lang, say
from dinamika.data.survey import load_survey
from dinamika.errors import UsageError
from dinamika.i18n.messages import Message, render
from dinamika.psychometrics.cfa import cfa, cfa_model, invariance, reverse_items
from dinamika.psychometrics.cfa.measurement_invariance import verdict_message


def register(sub: Any) -> None:
    """Add the ``cfa`` sub-command."""
    p = sub.add_parser(
        "cfa",
        help=say("help.cfa"),
        description=say("help.cfa.description"),
    )
    p.add_argument(
        "survey_dirs",
        nargs="*",
        metavar="SURVEY_DIR",
        help=say("help.cfa.survey_dirs"),
    )
    p.add_argument(
        "--estimator",
        choices=("WLSMV", "ML"),
        default="WLSMV",
        help=say("help.cfa.estimator"),
    )
    p.add_argument(
        "--missing",
        choices=("listwise", "pairwise", "fiml"),
        default=None,
        help=say("help.cfa.missing"),
    )
    p.add_argument(
        "--group",
        metavar="COLUMN",
        help=say("help.cfa.group"),
    )
    p.add_argument(
        "--invariance",
        action="store_true",
        help=say("help.cfa.invariance"),
    )
    p.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help=say("help.format", default="text"),
    )
    add_lang(p)
    add_key(p)
    p.set_defaults(func=run)


def _data(args: argparse.Namespace) -> tuple[pd.DataFrame, str]:
    dirs = args.survey_dirs or [None]
    frames = []
    instrument = None
    for d in dirs:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pseudonyms play no part in a CFA
            s = load_survey(d, key_file=args.key_file)
        if instrument is not None and s.instrument.ref != instrument.ref:
            raise UsageError(
                Message(
                    "cfa.same_instrument",
                    term=s.term,
                    instrument=s.instrument.ref,
                    first=instrument.ref,
                ),
                lang=args.lang,
            )
        instrument = s.instrument
        frames.append(reverse_items(s.responses, s.instrument).assign(term=s.term))
    if instrument is None:  # pragma: no cover - at least one folder
        raise UsageError(Message("cli.no_term_folder"), lang=args.lang)
    return pd.concat(frames, ignore_index=True), cfa_model(instrument)


def run(args: argparse.Namespace) -> int:
    """Print fit and loadings (or the invariance table); exit 0."""
    data, model = _data(args)
    missing = args.missing or ("pairwise" if args.estimator == "WLSMV" else "listwise")
    group = args.group or ("term" if args.invariance else None)
    if args.invariance:
        if group is None or data[group].nunique() < 2:
            raise UsageError(Message("cfa.needs_groups"), lang=args.lang)
        inv = invariance(model, data, group=group, estimator=args.estimator, missing=missing)
        if args.format == "json":
            print(inv.table.to_json(orient="records", force_ascii=False))
        else:
            table = inv.table.round(4)
            for col in ("step", "verdict", "note"):
                table[col] = [str(render(verdict_message(v), args.lang)) for v in table[col]]
            print(table.to_string(index=False))
            print()
            print(inv.summary(args.lang))
        return 0
    res = cfa(model, data, estimator=args.estimator, group=group, missing=missing)
    if args.format == "json":
        out = {
            "fit": res.fit.to_dict(),
            "loadings": json.loads(res.loadings.to_json(orient="records")),
            "n": res.n,
        }
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(res.summary(args.lang))
    return 0
