"""Change between terms: scale means per term and their difference (the trend report's numbers).

Scores of two terms are treated as independent samples (Welch's t interval), which is
conservative when the terms share teachers whose scores correlate positively;
:func:`shared_teachers` says how many are shared and how their scores correlate.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["group_change", "group_intervals", "mean_change", "shared_teachers", "term_means"]


def term_means(
    scored: Sequence[pd.DataFrame],
    scales: Sequence[str],
    *,
    min_n: int = 5,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Mean and t interval of every scale in every term (R: ``t.test(x)$conf.int``).

    ``scored`` are :func:`dinamika.score` outputs, each with a ``term`` column. A term with
    fewer than ``min_n`` scores of a scale gets NaN (not shown).

    Examples
    --------
    >>> a = pd.DataFrame({"term": "A", "x": [1.0, 2.0, 3.0, 4.0, 5.0]})
    >>> term_means([a], ["x"]).round(3).to_dict("records")
    [{'term': 'A', 'scale': 'x', 'n': 5, 'mean': 3.0, 'lower': 1.037, 'upper': 4.963}]
    """
    rows = []
    for sc in scored:
        for scale in scales:
            x = sc[scale].dropna().to_numpy()
            interval = (
                stats.ttest_1samp(x, 0.0).confidence_interval(ci) if len(x) >= min_n else None
            )
            rows.append(
                {
                    "term": sc["term"].iloc[0],
                    "scale": scale,
                    "n": len(x),
                    "mean": x.mean() if interval else np.nan,
                    "lower": interval.low if interval else np.nan,
                    "upper": interval.high if interval else np.nan,
                }
            )
    return pd.DataFrame(rows)


def mean_change(
    first: pd.DataFrame,
    last: pd.DataFrame,
    scales: Sequence[str],
    *,
    min_n: int = 5,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Change of each scale mean from ``first`` to ``last`` with Welch's interval and p value.

    Equals R's ``t.test(last, first)`` (Welch). Fewer than ``min_n`` scores in either term:
    NaN.

    Examples
    --------
    >>> a = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 5.0]})
    >>> b = pd.DataFrame({"x": [2.0, 3.0, 4.0, 5.0, 6.0]})
    >>> mean_change(a, b, ["x"]).round(3).to_dict("records")
    [{'scale': 'x', 'estimate': 1.0, 'lower': -1.306, 'upper': 3.306, 'p': 0.347}]
    """
    rows = []
    for scale in scales:
        a, b = first[scale].dropna().to_numpy(), last[scale].dropna().to_numpy()
        if min(len(a), len(b)) < min_n:
            rows.append(
                {"scale": scale, "estimate": np.nan, "lower": np.nan, "upper": np.nan, "p": np.nan}
            )
            continue
        res = stats.ttest_ind(b, a, equal_var=False)
        interval = res.confidence_interval(ci)
        rows.append(
            {
                "scale": scale,
                "estimate": b.mean() - a.mean(),
                "lower": interval.low,
                "upper": interval.high,
                "p": res.pvalue,
            }
        )
    return pd.DataFrame(rows)


def shared_teachers(
    first: pd.DataFrame, last: pd.DataFrame, scales: Sequence[str]
) -> tuple[int, list[float]]:
    """How many teachers answered in both terms, and the correlation of their scores per scale.

    Examples
    --------
    >>> a = pd.DataFrame({"teacher": ["t1", "t2", "t3"], "x": [1.0, 2.0, 3.0]})
    >>> b = pd.DataFrame({"teacher": ["t2", "t3", "t4"], "x": [2.0, 4.0, 1.0]})
    >>> shared_teachers(a, b, ["x"])
    (2, [1.0])
    """
    if "teacher" not in first or "teacher" not in last:
        return 0, []
    paired = first.merge(last, on="teacher", suffixes=("_a", "_b"))
    return len(paired), [float(paired[s + "_a"].corr(paired[s + "_b"])) for s in scales]


def group_change(
    first: pd.DataFrame, last: pd.DataFrame, group: str, scales: Sequence[str]
) -> tuple[pd.DataFrame, pd.Series]:
    """Change of each group's scale means between two suppressed :func:`group_means` tables.

    A group hidden (``suppressed``) or absent in either term is hidden in the result (counts and
    changes NaN). Returns the table and the hidden mask.

    Examples
    --------
    >>> a = pd.DataFrame({"school": ["s1", "s2"], "n": [6, 7], "x": [3.0, 2.0],
    ...                   "suppressed": [False, False]})
    >>> b = pd.DataFrame({"school": ["s1", "s3"], "n": [8, 5], "x": [3.5, 1.0],
    ...                   "suppressed": [False, False]})
    >>> out, hidden = group_change(a, b, "school", ["x"])
    >>> out["x"].tolist(), hidden.tolist()
    ([0.5, nan, nan], [False, True, True])
    """
    both = first.merge(last, on=group, how="outer", suffixes=("_a", "_b"))
    hidden = both["suppressed_a"].fillna(True).astype(bool) | both["suppressed_b"].fillna(
        True
    ).astype(bool)
    out = pd.DataFrame({group: both[group], "n_first": both["n_a"], "n_last": both["n_b"]})
    for scale in scales:
        out[scale] = both[scale + "_b"] - both[scale + "_a"]
    out.loc[hidden.to_numpy(), ["n_first", "n_last", *scales]] = np.nan
    return out, hidden


def group_intervals(
    scores: pd.DataFrame,
    group: str,
    scales: Sequence[str],
    shown: Sequence[str],
    *,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Mean and t interval of every scale for each group in ``shown`` (tidy, one row per
    group × scale). ``shown`` are the groups a report may show (not suppressed).

    Examples
    --------
    >>> s = pd.DataFrame({"school": ["a"] * 3 + ["b"] * 3, "x": [1.0, 2, 3, 4, 4, 4]})
    >>> group_intervals(s, "school", ["x"], ["a"]).round(3).to_dict("records")
    [{'school': 'a', 'scale': 'x', 'n': 3, 'mean': 2.0, 'lower': -0.484, 'upper': 4.484}]
    """
    rows = []
    for g in shown:
        sub = scores.loc[scores[group] == g]
        for scale in scales:
            x = sub[scale].dropna().to_numpy()
            if len(x) >= 2 and np.ptp(x) > 0:
                interval = stats.ttest_1samp(x, 0.0).confidence_interval(ci)
                lo, hi = float(interval.low), float(interval.high)
            else:
                lo = hi = float(x.mean()) if len(x) else np.nan
            rows.append(
                {
                    group: g,
                    "scale": scale,
                    "n": len(x),
                    "mean": float(x.mean()) if len(x) else np.nan,
                    "lower": lo,
                    "upper": hi,
                }
            )
    return pd.DataFrame(rows, columns=[group, "scale", "n", "mean", "lower", "upper"])
