"""The summary of findings: 3–6 findings made from a term's results by stated rules.

Each rule is a function returning a :class:`Finding`: the catalogue key of its sentence (chosen
by the numbers, so the wording can never contradict them), the numbers it quotes, and the key of
the rule it applies (shown under the finding). The report shows them in its language with
:meth:`Finding.fields_for`.

Rules
-----
``extremes``
    The dimension (scale) with the highest and the lowest mean score, each with its t interval;
    "clearly different" only when the intervals do not overlap.
``link``
    The dimension whose teacher scores correlate most strongly (largest ``|r|``) with observed
    overall teaching quality; "related" only when its Fisher interval excludes 0.
``groups``
    Schools (or KKGs) shown in the report whose mean differs from the district mean of a
    dimension by a one-sample t test, Holm-adjusted over every shown group × dimension,
    adjusted p < 1 − ci. Hidden (suppressed) groups are never tested or named.
``reliability``
    Scales with alpha or omega total below 0.70 (the reliability section's rule).
``next_step``
    What a team could do next, for the weakest dimension (the seed study's four factors:
    leadership, mutual trust, collective commitment, school support).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from dinamika.privacy.outputs import group_means
from dinamika.relations.change import term_means
from dinamika.relations.linking import p_adjust
from dinamika.report.verdicts import DIGITS, below

__all__ = [
    "RELIABILITY_CUT",
    "Finding",
    "extremes",
    "group_differences",
    "link",
    "next_step",
    "reliability",
    "summarize",
]

#: Alpha or omega below this is flagged (as in the reliability section).
RELIABILITY_CUT = 0.70


@dataclass(frozen=True)
class Finding:
    """One finding: sentence key, the values it quotes and the rule that made it.

    ``numbers`` are shown with two decimals, ``counts`` as whole numbers, ``names`` are ids
    (scales) shown by their display name, ``lists`` are lists of ids joined in the sentence.
    """

    key: str
    rule: str
    numbers: Mapping[str, float] = field(default_factory=dict)
    counts: Mapping[str, int] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)
    lists: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def fields_for(self, view: Any) -> dict[str, str]:
        """The sentence's fields formatted for ``view`` (a report View: num, label, lang)."""
        from dinamika.i18n import join

        out: dict[str, str] = {}
        out.update({k: view.num(v) for k, v in self.numbers.items()})
        out.update({k: view.num(v, 0) for k, v in self.counts.items()})
        out.update({k: view.label(v) for k, v in self.names.items()})
        out.update({k: join([view.label(x) for x in v], view.lang) for k, v in self.lists.items()})
        return out


def extremes(scores: pd.DataFrame, scales: Sequence[str], *, ci: float = 0.95) -> Finding | None:
    """Strongest and weakest dimension with intervals (None: fewer than 2 scored scales).

    Examples
    --------
    >>> s = pd.DataFrame({"a": [4.0, 4.2, 4.4, 4.1], "b": [2.0, 2.5, 2.2, 2.1]})
    >>> f = extremes(s, ["a", "b"])
    >>> f.key, f.names["strong"], f.names["weak"]
    ('finding_extremes_clear', 'a', 'b')
    """
    means = term_means([scores.assign(term="")], scales, min_n=2, ci=ci).dropna(subset=["mean"])
    if len(means) < 2:
        return None
    strong = means.loc[means["mean"].idxmax()]
    weak = means.loc[means["mean"].idxmin()]
    clear = bool(strong["lower"] > weak["upper"])
    return Finding(
        key="finding_extremes_clear" if clear else "finding_extremes_overlap",
        rule="rule_extremes",
        numbers={
            "strong_mean": float(strong["mean"]),
            "strong_lo": float(strong["lower"]),
            "strong_hi": float(strong["upper"]),
            "weak_mean": float(weak["mean"]),
            "weak_lo": float(weak["lower"]),
            "weak_hi": float(weak["upper"]),
        },
        names={"strong": str(strong["scale"]), "weak": str(weak["scale"])},
    )


def link(correlations: pd.DataFrame | None, *, min_n: int = 5) -> Finding:
    """The dimension most related to observed overall teaching quality (or why none is).

    ``correlations`` is ``relate(...).correlations`` (columns ``x``, ``y``, ``n``, ``r``,
    ``lower``, ``upper``); None when the term has no observations.

    Examples
    --------
    >>> c = pd.DataFrame({"x": ["a", "b"], "y": ["overall", "overall"], "n": [40, 40],
    ...                   "r": [0.45, -0.1], "lower": [0.16, -0.4], "upper": [0.67, 0.22]})
    >>> f = link(c)
    >>> f.key, f.names["scale"], f.numbers["r"]
    ('finding_link_positive', 'a', 0.45)
    """
    if correlations is None:
        return Finding(key="finding_link_absent", rule="rule_link")
    overall = correlations[(correlations["y"] == "overall") & correlations["r"].notna()]
    overall = overall[overall["n"] >= min_n]
    if overall.empty:
        return Finding(key="finding_link_absent", rule="rule_link")
    best = overall.loc[overall["r"].abs().idxmax()]
    r, lo, hi = float(best["r"]), float(best["lower"]), float(best["upper"])
    key = (
        "finding_link_positive"
        if lo > 0
        else "finding_link_negative"
        if hi < 0
        else "finding_link_unclear"
    )
    return Finding(
        key=key,
        rule="rule_link",
        numbers={"r": r, "lo": lo, "hi": hi},
        counts={"n": int(best["n"])},
        names={"scale": str(best["x"])},
    )


def group_differences(
    scores: pd.DataFrame,
    group: str,
    scales: Sequence[str],
    *,
    min_cell: int = 5,
    ci: float = 0.95,
) -> Finding | None:
    """How many shown groups differ credibly from the district mean (None: no such column).

    Only groups that the report shows (not suppressed by :func:`group_means`, which also
    hides complements) are tested, so no finding is about a hidden group.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> s = pd.DataFrame({"school": np.repeat(["s1", "s2", "s3"], 8),
    ...                   "a": np.r_[rng.normal(4.5, .2, 8), rng.normal(3, .2, 16)]})
    >>> f = group_differences(s, "school", ["a"])
    >>> f.key, f.counts["k"], f.counts["m"], f.counts["above"]
    ('finding_groups_school', 3, 3, 1)
    """
    if group not in scores:
        return None
    shown = group_means(scores, values=list(scales), groups=[group], min_cell=min_cell)[group]
    visible = [g for g, hidden in zip(shown[group], shown["suppressed"], strict=True) if not hidden]
    if not visible:
        return None
    tests: list[tuple[str, str, float, float]] = []  # group, scale, p, difference
    for scale in scales:
        district = float(scores[scale].mean())
        for g in visible:
            x = scores.loc[scores[group] == g, scale].dropna().to_numpy()
            if len(x) < 2 or np.all(x == x[0]):
                continue
            p = float(stats.ttest_1samp(x, district).pvalue)
            tests.append((str(g), scale, p, float(x.mean()) - district))
    adjusted = p_adjust([t[2] for t in tests], "holm") if tests else np.array([])
    credible = [t for t, p in zip(tests, adjusted, strict=True) if p < 1 - ci]
    above = {t[0] for t in credible if t[3] > 0}
    below = {t[0] for t in credible if t[3] < 0}
    k = len(above | below)
    return Finding(
        key=f"finding_groups_{group}" if k else f"finding_groups_{group}_none",
        rule="rule_groups",
        counts={"k": k, "m": len(visible), "above": len(above), "below": len(below)},
    )


def reliability(table: pd.DataFrame | None) -> Finding | None:
    """Scales below the reliability cut, or the lowest coefficient when none is.

    Examples
    --------
    >>> t = pd.DataFrame({"scale": ["a", "b"], "alpha": [0.81, 0.66], "omega_total": [0.83, 0.7]})
    >>> f = reliability(t)
    >>> f.key, list(f.lists["scales"])
    ('finding_reliability_low', ['b'])
    """
    if table is None or table.empty:
        return None
    values = table[["alpha", "omega_total"]]
    # judged as printed (two digits): a quoted 0.70 is never called "below 0.70"
    is_low = [
        below(a, RELIABILITY_CUT, DIGITS["alpha"]) or below(o, RELIABILITY_CUT, DIGITS["omega"])
        for a, o in zip(table["alpha"], table["omega_total"], strict=True)
    ]
    low = table.loc[is_low, "scale"]
    if len(low):
        return Finding(
            key="finding_reliability_low",
            rule="rule_reliability",
            numbers={"cut": RELIABILITY_CUT},
            lists={"scales": [str(s) for s in low]},
        )
    return Finding(
        key="finding_reliability_ok",
        rule="rule_reliability",
        numbers={"min": float(np.nanmin(values.to_numpy())), "cut": RELIABILITY_CUT},
    )


def next_step(weakest: str, known: Sequence[str]) -> Finding:
    """A next step for the weakest dimension (a generic one for scales the seed does not name).

    Examples
    --------
    >>> next_step("kepemimpinan", ["kepemimpinan"]).key
    'next_kepemimpinan'
    """
    key = f"next_{weakest}" if weakest in known else "next_generic"
    return Finding(key=key, rule="rule_next", names={"scale": weakest})


#: Scales with their own next-step sentence (the seed study's four factors).
NEXT_STEPS = ("kepemimpinan", "saling_percaya", "komitmen_kolektif", "dukungan_sekolah")


def summarize(
    *,
    scores: pd.DataFrame | None,
    scales: Sequence[str],
    reliability_table: pd.DataFrame | None,
    correlations: pd.DataFrame | None,
    min_cell: int = 5,
    ci: float = 0.95,
) -> list[Finding]:
    """All findings of a term in report order (at most 6)."""
    out: list[Finding] = []
    ext = extremes(scores, scales, ci=ci) if scores is not None else None
    if ext is not None:
        out.append(ext)
    out.append(link(correlations, min_n=min_cell))
    if scores is not None:
        for group in ("school", "kkg"):
            found = group_differences(scores, group, scales, min_cell=min_cell, ci=ci)
            if found is not None:
                out.append(found)
    rel = reliability(reliability_table)
    if rel is not None:
        out.append(rel)
    if ext is not None:
        out.append(next_step(ext.names["weak"], NEXT_STEPS))
    return out[:6]
