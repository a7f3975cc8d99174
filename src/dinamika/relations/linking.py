"""Relating community dynamics to observed teaching quality.

- :func:`correlate`: correlations with Fisher-z confidence intervals and a multiplicity
  correction (Holm or Benjamini–Hochberg) over the whole table.
- :func:`multilevel`: random-intercept model ``outcome ~ predictors + (1 | group)`` by REML,
  with optional grand- or group-mean centring (within/between decomposition), standardized
  coefficients, the null-model ICC and Nakagawa's R².
- :func:`relate`: the whole analysis of a term (teacher scale scores × observation scores).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from dinamika.core.results import ResultMixin
from dinamika.errors import UsageError
from dinamika.relations.mixed_model import MultilevelResult, multilevel

if TYPE_CHECKING:  # pragma: no cover
    from dinamika.data.survey import Survey

__all__ = [
    "MultilevelResult",
    "RelateResult",
    "correlate",
    "multilevel",
    "p_adjust",
    "relate",
]

#: Columns that identify or count rather than score; never correlated by default.
_NOT_SCORES = frozenset(
    {"teacher", "school", "kkg", "district", "level", "lesson", "observer", "source"}
)


def p_adjust(p: Sequence[float] | np.ndarray, method: str | None = "holm") -> np.ndarray:
    """Adjust p-values for multiple testing, as R's ``p.adjust``.

    Parameters
    ----------
    p : array-like
        p-values; NaN entries are left out of the family and stay NaN.
    method : {"holm", "fdr_bh", "bonferroni", None}
        Holm's step-down family-wise correction, Benjamini–Hochberg false-discovery rate,
        Bonferroni, or none.

    Notes
    -----
    With the :math:`m` p-values sorted, :math:`p_{(1)} \\le \\dots \\le p_{(m)}`:
    Holm :math:`\\tilde p_{(i)} = \\max_{j \\le i} \\min\\{1, (m - j + 1) p_{(j)}\\}`;
    BH :math:`\\tilde p_{(i)} = \\min_{j \\ge i} \\min\\{1, m p_{(j)} / j\\}`.

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian
    Journal of Statistics*, 6, 65–70. Benjamini, Y., & Hochberg, Y. (1995). Controlling the false
    discovery rate. *JRSS B*, 57, 289–300.

    Examples
    --------
    >>> # In R: p.adjust(c(0.01, 0.04, 0.03), "holm")  -> 0.03 0.06 0.06
    >>> p_adjust([0.01, 0.04, 0.03], "holm").round(4).tolist()
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(p, dtype=float)
    if method not in ("holm", "fdr_bh", "bonferroni", None):
        raise UsageError(
            "The value for `adjust` must be one of ['holm', 'fdr_bh', 'bonferroni', None], "
            f"but {method!r} was passed."
        )
    out = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    q = p[ok]
    m = q.size
    if method is None or m == 0:
        out[ok] = q
        return out
    if method == "bonferroni":
        out[ok] = np.minimum(1.0, m * q)
        return out
    if method == "holm":
        order = np.argsort(q, kind="stable")
        adj = np.maximum.accumulate((m - np.arange(m)) * q[order])
    else:
        order = np.argsort(q, kind="stable")[::-1]
        adj = np.minimum.accumulate(m / np.arange(m, 0, -1) * q[order])
    res = np.empty(m)
    res[order] = np.minimum(1.0, adj)
    out[ok] = res
    return out


def _score_columns(frame: pd.DataFrame) -> list[str]:
    return [
        c
        for c in frame.columns
        if c not in _NOT_SCORES
        and not str(c).startswith("n_")
        and not str(c).endswith("_diff")
        and pd.api.types.is_numeric_dtype(frame[c])
    ]


def _as_float(col: pd.Series, name: str) -> np.ndarray:
    """A column as floats (NaN missing); pandas' NA and numbers stored as text are accepted."""
    try:
        return pd.to_numeric(col, errors="raise").to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"column {name!r} must hold numbers to be correlated: {exc}") from exc


def correlate(
    scores: pd.DataFrame,
    quality: pd.DataFrame,
    *,
    x: Sequence[str] | None = None,
    y: Sequence[str] | None = None,
    method: Literal["pearson", "spearman"] = "pearson",
    ci: float = 0.95,
    adjust: Literal["holm", "fdr_bh", "bonferroni"] | None = "holm",
) -> pd.DataFrame:
    """Correlate every score column with every quality column, with CIs and adjusted p-values.

    Parameters
    ----------
    scores, quality : DataFrame
        Matched on the ``teacher`` column when both have one (each teacher once), otherwise on
        the index.
    x, y : list of str, optional
        Columns to correlate. By default ``x`` is every numeric score column of ``scores``, and
        ``y`` is ``overall`` plus the aspect scores when ``quality`` comes from
        :func:`observation_scores`, else every numeric score column. Identifier, ``n_*`` and
        ``*_diff`` columns are never used by default.
    method : {"pearson", "spearman"}
    ci : float
        Confidence level of the interval.
    adjust : {"holm", "fdr_bh", "bonferroni", None}
        Multiplicity correction over all correlations in the table (one family).

    Returns
    -------
    DataFrame
        One row per pair: ``x``, ``y``, ``n`` (pairwise complete), ``r``, ``lower``, ``upper``,
        ``p``, ``p_adjusted``.

    Notes
    -----
    Pairs are used when both values are present (pairwise deletion; ``n`` says how many).
    Pearson: :math:`t = r\\sqrt{(n-2)/(1-r^2)}` on :math:`n-2` df; interval
    :math:`\\tanh(\\operatorname{atanh} r \\pm z_{1-\\alpha/2}/\\sqrt{n-3})` (Fisher), as R's
    ``cor.test``. Spearman: the same t approximation for p (R ``cor.test(..., method =
    "spearman", exact = FALSE)``) and the Fisher interval with the Bonett–Wright standard error
    :math:`\\sqrt{(1 + r^2/2)/(n-3)}`.

    References
    ----------
    Bonett, D. G., & Wright, T. A. (2000). Sample size requirements for estimating Pearson,
    Kendall and Spearman correlations. *Psychometrika*, 65, 23–28.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"teacher": list("abcdef"), "kepemimpinan": [1, 2, 3, 4, 5, 6.0]})
    >>> q = pd.DataFrame({"teacher": list("abcdef"), "overall": [2, 1, 4, 3, 6, 5.0]})
    >>> res = correlate(s, q)
    >>> # In R: cor.test(1:6, c(2, 1, 4, 3, 6, 5))  -> r 0.8286, 95% CI 0.0519 0.9807
    >>> res[["x", "y", "n", "r", "lower", "upper"]].round(4)
                  x        y  n       r   lower   upper
    0  kepemimpinan  overall  6  0.8286  0.0519  0.9807
    """
    if method not in ("pearson", "spearman"):
        raise UsageError(
            "The value for `method` must be one of ['pearson', 'spearman'], "
            f"but {method!r} was passed."
        )
    if not 0 < ci < 1:
        raise UsageError(f"`ci` must be between 0 and 1 (e.g. 0.95), but {ci!r} was passed.")
    if "teacher" in scores.columns and "teacher" in quality.columns:
        for name, frame in (("scores", scores), ("quality", quality)):
            if frame["teacher"].duplicated().any():
                raise UsageError(
                    f"`{name}` has several rows for one teacher; aggregate to one row per "
                    "teacher first (e.g. observation_scores(..., level='teacher'))."
                )
        merged = scores.merge(quality, on="teacher", how="inner", suffixes=("", "_quality"))
        right = {
            c: (f"{c}_quality" if c in scores.columns and c != "teacher" else c) for c in quality
        }
    else:
        merged = scores.merge(
            quality, left_index=True, right_index=True, how="inner", suffixes=("", "_quality")
        )
        right = {c: (f"{c}_quality" if c in scores.columns else c) for c in quality}
    xs = list(x) if x is not None else _score_columns(scores)
    if y is not None:
        ys = list(y)
    elif "aspects" in quality.attrs and "overall" in quality.columns:
        ys = ["overall", *quality.attrs["aspects"]]
    else:
        ys = _score_columns(quality)
    for name, cols, frame in (("x", xs, scores), ("y", ys, quality)):
        absent = [c for c in cols if c not in frame.columns]
        if absent or not cols:
            raise UsageError(f"`{name}` columns {absent or cols} are not available to correlate.")
    zq = stats.norm.ppf(0.5 + ci / 2)
    rows = []
    for cx in xs:
        for cy in ys:
            a, b = (_as_float(merged[c], c) for c in (cx, right[cy]))
            ok = ~(np.isnan(a) | np.isnan(b))
            a, b = a[ok], b[ok]
            n = int(ok.sum())
            if method == "spearman":
                a, b = stats.rankdata(a), stats.rankdata(b)
            r = p = lo = hi = np.nan
            if n >= 3 and np.ptp(a) > 0 and np.ptp(b) > 0:
                r = float(np.corrcoef(a, b)[0, 1])
                r = min(max(r, -1.0), 1.0)
                with np.errstate(divide="ignore"):
                    t = r * np.sqrt((n - 2) / (1.0 - r * r)) if abs(r) < 1 else np.inf * r
                p = float(2 * stats.t.sf(abs(t), n - 2))
                if n > 3 and abs(r) == 1.0:  # Fisher's z is infinite: the interval is the point
                    lo = hi = r
                elif n > 3:
                    se = np.sqrt(((1 + r * r / 2) if method == "spearman" else 1.0) / (n - 3))
                    lo, hi = (float(np.tanh(np.arctanh(r) + s * zq * se)) for s in (-1, 1))
            rows.append({"x": cx, "y": cy, "n": n, "r": r, "lower": lo, "upper": hi, "p": p})
    out = pd.DataFrame(rows, columns=["x", "y", "n", "r", "lower", "upper", "p"])
    out["p_adjusted"] = p_adjust(out["p"].to_numpy(), adjust)
    out.attrs.update(method=method, ci=ci, adjust=adjust)
    return out


@dataclass(frozen=True)
class RelateResult(ResultMixin):
    """The whole relate analysis of a term; see :func:`relate`."""

    data: pd.DataFrame
    correlations: pd.DataFrame
    model: MultilevelResult
    n_scored: int
    n_observed: int
    n_matched: int
    dimensions: tuple[str, ...]
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def sample_size(self) -> str | None:
        """Why the matched teachers are too few for the correlations, or None."""
        from dinamika.core.sample_size import below_minimum

        return below_minimum("correlation", self.n_matched)

    def to_frame(self) -> pd.DataFrame:
        """The multilevel model's fixed effects (see ``.correlations`` for the correlations)."""
        return self.model.fixed

    def summary(self) -> str:
        """Readable text: sample, correlations, model."""
        corr = self.correlations[["x", "y", "n", "r", "lower", "upper", "p_adjusted"]]
        return (
            f"Teachers scored: {self.n_scored}; observed: {self.n_observed}; "
            f"both (analysed): {self.n_matched}\n\n"
            f"Correlations ({self.correlations.attrs.get('method')}, "
            f"adjust={self.correlations.attrs.get('adjust')}):\n"
            f"{corr.round(3).to_string(index=False)}\n\n{self.model.summary()}"
        )


def relate(
    survey: Survey,
    *,
    scores: pd.DataFrame | None = None,
    outcome: str = "overall",
    group: str = "school",
    center: Literal["none", "group", "grand"] = "none",
    method: Literal["pearson", "spearman"] = "pearson",
    adjust: Literal["holm", "fdr_bh", "bonferroni"] | None = "holm",
    ci: float = 0.95,
    reml: bool = True,
    ci_method: Literal["wald", "profile"] = "wald",
) -> RelateResult:
    """Relate the four community dimensions to observed teaching quality for one term.

    Teacher scale scores (``dinamika.score(survey)`` unless ``scores`` is given) are joined on
    ``teacher`` to teacher-level observation scores (:func:`observation_scores`, lessons
    averaged; observers reconciled by the consensus row where ``survey.yaml`` names a
    ``consensus`` observer, else by their mean; a ``master`` rater's rows are left out). Then: :func:`correlate` of the dimensions with
    ``overall`` and each aspect, and :func:`multilevel` of ``outcome`` on the dimensions with a
    random intercept for ``group`` and standardized coefficients.

    Parameters
    ----------
    survey : Survey
        A loaded term (``dinamika.load_survey``) with observations.
    scores : DataFrame, optional
        Teacher scale scores (one row per teacher with ``teacher``, ``group`` and the scale
        columns); computed with ``dinamika.score(survey)`` when omitted.
    outcome, group, center, method, adjust, ci, reml, ci_method
        Passed on to :func:`correlate` and :func:`multilevel`.

    Returns
    -------
    RelateResult
        ``.data`` (the joined teacher table), ``.correlations``, ``.model``, the counts of
        teachers scored, observed and matched, and ``.summary()``.

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian
    Journal of Statistics*, 6, 65–70. Nakagawa, S., & Schielzeth, H. (2013). A general and
    simple method for obtaining R² from generalized linear mixed-effects models. *Methods in
    Ecology and Evolution*, 4, 133–142.

    Examples
    --------
    >>> from dinamika import load_survey
    >>> res = relate(load_survey(key="doc-example-key-0123456789abcdef"))  # bundled term
    >>> res.n_matched, res.model.n, res.model.n_groups
    (228, 226, 30)
    >>> res.model.fixed[["term", "std_estimate", "std_lower", "std_upper"]].round(2)
                    term  std_estimate  std_lower  std_upper
    0        (Intercept)           NaN        NaN        NaN
    1       kepemimpinan          0.22       0.10       0.35
    2     saling_percaya          0.10      -0.04       0.23
    3  komitmen_kolektif          0.20       0.07       0.33
    4   dukungan_sekolah          0.25       0.13       0.38
    """
    from dinamika.psychometrics.observation import observation_scores

    obs_frame = getattr(survey, "observations", None)
    instrument = getattr(survey, "observation_instrument", None)
    if obs_frame is None or instrument is None or len(obs_frame) == 0:
        raise UsageError(
            "this term has no lesson observations; add an `observations:` section to "
            "survey.yaml to relate community dynamics to teaching quality."
        )
    if scores is None:
        from dinamika.psychometrics.scoring import score

        scores = score(survey)
    questionnaire = getattr(survey, "instrument", None)
    scales = getattr(questionnaire, "scales", None)
    dims = tuple(scales) if scales else tuple(c for c in _score_columns(scores))
    missing = [c for c in ("teacher", group, *dims) if c not in scores.columns]
    if missing:
        raise UsageError(f"teacher scores lack the column(s) {missing}.")
    if scores["teacher"].duplicated().any():
        raise UsageError("teacher scores must have one row per teacher.")
    spec = (getattr(survey, "manifest", None) or {}).get("observations") or {}
    consensus = str(spec["consensus"]) if spec.get("consensus") else None
    quality = observation_scores(
        obs_frame,
        instrument,
        level="teacher",
        reconcile="consensus" if consensus else "mean",
        consensus_observer=consensus,
        exclude_observers=[str(spec["master"])] if spec.get("master") else (),
    )
    aspects = list(getattr(instrument, "scales", instrument))
    qcols = ["teacher", *aspects, "overall"]
    data = scores[["teacher", group, *dims]].merge(quality[qcols], on="teacher", how="inner")
    if len(data) < 3:
        raise UsageError(
            f"only {len(data)} teacher(s) have both scale scores and observed lessons, too few to "
            "relate them; check that the `teacher` ids of the questionnaire and the observations "
            "match (same ids, pseudonymized with the same key)."
        )
    if outcome not in data.columns:
        raise UsageError(f"`outcome` must be 'overall' or an aspect {aspects}, not {outcome!r}.")
    if int(data[outcome].notna().sum()) < 3:
        raise UsageError(
            f"only {int(data[outcome].notna().sum())} of the {len(data)} observed teachers have "
            f"a {outcome!r} score: the lesson ratings are mostly missing (a score needs at "
            "least half of the indicators rated)."
        )
    correlations = correlate(
        data[["teacher", *dims]],
        data[qcols],
        x=list(dims),
        y=["overall", *aspects],
        method=method,
        ci=ci,
        adjust=adjust,
    )
    model = multilevel(
        data,
        outcome,
        list(dims),
        group=group,
        center=center,
        standardize=True,
        ci=ci,
        reml=reml,
        ci_method=ci_method,
    )
    return RelateResult(
        data=data,
        correlations=correlations,
        model=model,
        n_scored=int(scores["teacher"].nunique()),
        n_observed=int(quality["teacher"].nunique()),
        n_matched=len(data),
        dimensions=dims,
        info={"term": getattr(survey, "term", None)},
    )
