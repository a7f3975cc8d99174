"""Agreement between raters: intraclass correlations and percent agreement.

Cohen's (weighted) kappa lives in :mod:`dinamika.agreement.kappa` and Krippendorff's alpha in
:mod:`dinamika.agreement.krippendorff`; both are re-exported here. Every function takes plain arrays or
DataFrames, computes in one pass over the data (no long-format ANOVA), and reports the n it used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import special

from dinamika.agreement.kappa import KappaResult, weighted_kappa
from dinamika.agreement.krippendorff import KrippendorffResult, krippendorff_alpha
from dinamika.core.deprecation import alpha_to_ci, renamed_argument
from dinamika.core.results import ResultMixin
from dinamika.errors import UsageError

__all__ = [
    "KappaResult",
    "KrippendorffResult",
    "PercentAgreement",
    "icc",
    "krippendorff_alpha",
    "percent_agreement",
    "weighted_kappa",
]

ICC_TYPES = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")
ICC_COLUMNS = (
    "type", "icc", "f", "df1", "df2", "p", "lower", "upper", "n_targets", "n_raters", "note",
)  # fmt: skip


def _as_wide(
    data: Any, targets: str | None, raters: str | None, ratings: str | None
) -> pd.DataFrame:
    """Targets × raters float frame from a wide frame/array or a long frame."""
    long_args = (targets, raters, ratings)
    if any(a is not None for a in long_args):
        if not all(a is not None for a in long_args):
            raise UsageError(
                "For long-format data give all three of `targets=`, `raters=` and `ratings=` "
                f"(got targets={targets!r}, raters={raters!r}, ratings={ratings!r})."
            )
        if not isinstance(data, pd.DataFrame):
            raise UsageError("Long-format ICC needs a DataFrame with the named columns.")
        missing = [c for c in long_args if c not in data.columns]
        if missing:
            raise UsageError(
                f"Column(s) {missing} not found; the data has columns {list(data.columns)}."
            )
        dup = data.duplicated([targets, raters])
        if dup.any():
            raise UsageError(
                f"{int(dup.sum())} target × rater pair(s) appear more than once in the long data "
                f"(first: {data.loc[dup, [targets, raters]].iloc[0].tolist()}); "
                "keep one rating per pair."
            )
        wide = data.pivot(index=targets, columns=raters, values=ratings)
    else:
        wide = pd.DataFrame(data)
    try:  # to_numeric reads pandas' NA and numbers stored as text
        return wide.apply(pd.to_numeric, errors="raise").astype(float)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"Ratings must be numeric (NaN = missing): {exc}") from exc


@renamed_argument("alpha", "ci", alpha_to_ci)
def icc(
    data: Any,
    /,
    *,
    targets: str | None = None,
    raters: str | None = None,
    ratings: str | None = None,
    method: Literal["anova", "reml"] = "anova",
    ci: float = 0.95,
) -> pd.DataFrame:
    r"""The six intraclass correlations of Shrout & Fleiss (1979), as ``psych::ICC`` reports them.

    Mean squares come straight from row and column sums of the targets × raters matrix
    (:math:`O(nk)`), for :math:`n` targets and :math:`k` raters:

    .. math::

        MS_B = \frac{k\sum_i(\bar x_{i\cdot}-\bar x)^2}{n-1},\quad
        MS_J = \frac{n\sum_j(\bar x_{\cdot j}-\bar x)^2}{k-1},\quad
        MS_E = \frac{SS_T - SS_B - SS_J}{(n-1)(k-1)},\quad
        MS_W = \frac{SS_J + SS_E}{n(k-1)}

    and, e.g., :math:`ICC2 = (MS_B-MS_E)/(MS_B+(k-1)MS_E+k(MS_J-MS_E)/n)`,
    :math:`ICC2k = (MS_B-MS_E)/(MS_B+(MS_J-MS_E)/n)`. F tests and confidence limits (the
    Satterthwaite-type limits for ICC2/ICC2k) follow ``psych::ICC`` line by line.

    Parameters
    ----------
    data : DataFrame or array
        Targets (rows) × raters (columns), NaN for a missing rating; or, with ``targets=``,
        ``raters=`` and ``ratings=``, a long frame with one row per rating.
    targets, raters, ratings : str, optional
        Column names of the long format.
    method : {"anova", "reml"}
        ``"anova"`` (default) drops targets with any missing rating (listwise) and uses the
        two-way ANOVA mean squares: equal to ``psych::ICC(na.omit(x), lmer = FALSE)``.
        ``"reml"`` keeps every rating and estimates the variance components of
        ``rating ~ 1 + (1 | target) + (1 | rater)`` by REML, as ``psych::ICC(x)`` does with its
        default ``lmer = TRUE`` (see :func:`dinamika.agreement.icc_reml.icc_reml_components`); the mean
        squares are rebuilt from the variance components as psych does. Targets without any
        rating are left out (psych would still count them in n).
    ci : float
        Confidence level of the bounds (default 0.95). Replaces ``alpha`` (= 1 − ``ci``), which
        still works until the next release with a DeprecationWarning.

    Notes
    -----
    The columns are raters *as positions*. When different people rate different targets
    (observer pairs that change from lesson to lesson), put "first" and "second" rating in the
    columns, as :func:`dinamika.rater_agreement` does, and read ICC1/ICC1k: the one-way model
    is the one that fits that design (Shrout & Fleiss's case 1).

    Returns
    -------
    DataFrame
        Index ``ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k``; columns ``type, icc, f, df1, df2, p,
        lower, upper, n_targets, n_raters`` (``n_targets`` is the number of targets used).
        ``.attrs`` holds ``n_targets``, ``n_raters``, ``n_dropped`` (incomplete targets left out
        by ``"anova"``), ``method`` and the mean squares ``ms``.

    References
    ----------
    Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: Uses in assessing rater
    reliability. *Psychological Bulletin, 86*(2), 420–428.
    McGraw, K. O., & Wong, S. P. (1996). Forming inferences about some intraclass correlation
    coefficients. *Psychological Methods, 1*(1), 30–46.

    Examples
    --------
    >>> import pandas as pd
    >>> sf = pd.DataFrame([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8],
    ...                    [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]])
    >>> # In R: psych::ICC(sf, lmer = FALSE)
    >>> res = icc(sf)
    >>> res["icc"].round(4).tolist()
    [0.1657, 0.2898, 0.7148, 0.4428, 0.6201, 0.9093]
    """
    if method not in ("anova", "reml"):
        raise UsageError(
            f"The value for `method` must be one of ['anova', 'reml'], not {method!r}."
        )
    if not 0 < ci < 1:
        raise UsageError(f"`ci` must lie between 0 and 1, not {ci!r}.")
    wide = _as_wide(data, targets, raters, ratings)
    # raters × targets, C-contiguous (a free transpose of pandas' column blocks)
    xt = np.ascontiguousarray(wide.to_numpy(dtype=float).T)
    if xt.ndim != 2 or xt.shape[0] < 2:
        raise UsageError(f"ICC needs at least two raters (columns); got shape {xt.shape[::-1]}.")
    k, n_all = xt.shape
    if method == "anova":
        if np.isnan(xt.sum(axis=0)).any():  # NaN propagates: one cheap pass
            xt = xt[:, ~np.isnan(xt).any(axis=0)]
        n = xt.shape[1]
        if n < 2:
            raise UsageError(
                f"Only {n} target(s) have a rating from all {k} raters; ICC needs at least two. "
                "Use method='reml' to use incomplete targets."
            )
        msb, msj, mse, msw = _anova_ms(xt)
    else:
        from dinamika.agreement.icc_reml import icc_reml_components

        x = xt.T[~np.isnan(xt).all(axis=0)]
        n = x.shape[0]  # psych counts every row of the data it is given
        if n < 2 or int((~np.isnan(x)).sum()) <= n:
            raise UsageError(
                f"ICC needs at least two targets and some target rated twice; {n} target(s) "
                f"have a rating and {int((~np.isnan(x)).sum())} rating(s) in all."
            )
        from dinamika.psychometrics.blas import single_thread_blas

        with single_thread_blas():  # n x k products: threads only add hand-off cost (~1.7x)
            var_t, var_r, var_e = icc_reml_components(x)
        msb = k * var_t + var_e
        msj = n * var_r + var_e
        mse = var_e
        msw = var_e + var_r
    table = _icc_table(msb, msj, mse, msw, n, k, ci)
    table.attrs.update(
        n_targets=n,
        n_raters=k,
        n_dropped=n_all - n,
        method=method,
        ms={"between": msb, "raters": msj, "error": mse, "within": msw},
    )
    return table


def _anova_ms(xt: np.ndarray) -> tuple[float, float, float, float]:
    """Mean squares of the two-way ANOVA without replication; ``xt`` is raters × targets."""
    k, n = xt.shape
    c = xt - xt.mean()
    row = c.sum(axis=0) / k  # target means (centred)
    col = c.sum(axis=1) / n  # rater means (centred)
    flat = c.ravel()
    # einsum, not `@`: a long 1-D BLAS dot is multi-threaded in OpenBLAS and its thread
    # hand-off made single calls take ~10 ms (median) instead of ~0.1 ms on a shared machine
    ss_total = float(np.einsum("i,i->", flat, flat))
    ss_rows = k * float(np.einsum("i,i->", row, row))
    ss_cols = n * float(np.einsum("i,i->", col, col))
    ss_err = max(ss_total - ss_rows - ss_cols, 0.0)
    msb = ss_rows / (n - 1)
    msj = ss_cols / (k - 1)
    mse = ss_err / ((n - 1) * (k - 1))
    msw = (ss_cols + ss_err) / (n * (k - 1))
    return msb, msj, mse, msw


def _icc_table(
    msb: float, msj: float, mse: float, msw: float, n: int, k: int, ci: float
) -> pd.DataFrame:
    """The six ICCs, F tests and bounds from the mean squares (psych::ICC's formulas).

    Undefined values (no variance at all) come out as NaN, not as an exception.
    """
    msb, msj, mse, msw = (np.float64(v) for v in (msb, msj, mse, msw))
    with np.errstate(divide="ignore", invalid="ignore"):
        icc1 = (msb - msw) / (msb + (k - 1) * msw)
        icc2 = (msb - mse) / (msb + (k - 1) * mse + k * (msj - mse) / n)
        icc3 = (msb - mse) / (msb + (k - 1) * mse)
        icc1k = (msb - msw) / msb
        icc2k = (msb - mse) / (msb + (msj - mse) / n)
        icc3k = (msb - mse) / msb
        f11, f21 = msb / msw, msb / mse
        df11n, df11d = n - 1, n * (k - 1)
        df21n, df21d = n - 1, (n - 1) * (k - 1)
        p11 = special.fdtrc(df11n, df11d, f11)  # upper tail, as psych's -expm1(pf(log.p))
        p21 = special.fdtrc(df21n, df21d, f21)
        q = (1 + ci) / 2
        f1l = f11 / special.fdtri(df11n, df11d, q)
        f1u = f11 * special.fdtri(df11d, df11n, q)
        f3l = f21 / special.fdtri(df21n, df21d, q)
        f3u = f21 * special.fdtri(df21d, df21n, q)
        # ICC2: Satterthwaite df for the random-raters bounds (McGraw & Wong 1996, Table 7)
        fj = msj / mse
        vn = (k - 1) * (n - 1) * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2
        vd = (n - 1) * k**2 * icc2**2 * fj**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2
        v = vn / vd
        fu2 = special.fdtri(n - 1, v, q)
        fl2 = special.fdtri(v, n - 1, q)
        denom = k * msj + (k * n - k - n) * mse
        l2 = n * (msb - fu2 * mse) / (fu2 * denom + n * msb)
        u2 = n * (fl2 * msb - mse) / (denom + n * fl2 * msb)
        rows = [
            ("ICC1", icc1, f11, df11n, df11d, p11, (f1l - 1) / (f1l + k - 1), (f1u - 1) / (f1u + k - 1)),
            ("ICC2", icc2, f21, df21n, df21d, p21, l2, u2),
            ("ICC3", icc3, f21, df21n, df21d, p21, (f3l - 1) / (f3l + k - 1), (f3u - 1) / (f3u + k - 1)),
            ("ICC1k", icc1k, f11, df11n, df11d, p11, 1 - 1 / f1l, 1 - 1 / f1u),
            ("ICC2k", icc2k, f21, df21n, df21d, p21, l2 * k / (1 + l2 * (k - 1)), u2 * k / (1 + u2 * (k - 1))),
            ("ICC3k", icc3k, f21, df21n, df21d, p21, 1 - 1 / f3l, 1 - 1 / f3u),
        ]  # fmt: skip
    cols = list(zip(*rows, strict=True))
    table = pd.DataFrame(
        {
            "type": list(ICC_TYPES),
            **{
                c: np.array(v, dtype=float) for c, v in zip(ICC_COLUMNS[1:8], cols[1:], strict=True)
            },
            "n_targets": np.full(6, n),
            "n_raters": np.full(6, k),
        },
        index=pd.Index(ICC_TYPES),
    )
    # Tiny or degenerate data (no variance between targets, fewer targets than needed) can
    # push the mean-square formulas above 1 or to ±inf: psych prints such numbers; dinamika
    # shows NaN and says why.
    out = ~(table[["icc", "lower", "upper"]].le(1) | table[["icc", "lower", "upper"]].isna())
    out |= np.isinf(table[["icc", "lower", "upper"]])
    table["note"] = ""
    if out.to_numpy().any():
        bad = out.any(axis=1)
        table.loc[bad, "note"] = (
            "not interpretable: the targets vary no more than the ratings' error "
            f"(MS between = {msb:.3g}, n = {n}); rate more, more varied targets"
        )
        table[["icc", "lower", "upper"]] = table[["icc", "lower", "upper"]].mask(out)
    return table


@dataclass(frozen=True)
class PercentAgreement(ResultMixin):
    """Exact and within-tolerance agreement of two raters, in percent of the rated pairs."""

    n: int
    exact_pct: float
    adjacent_pct: float
    within: float

    def to_frame(self) -> pd.DataFrame:
        """One-row tidy frame."""
        return pd.DataFrame([self.__dict__])

    def summary(self) -> str:
        """Readable one-liner."""
        return (
            f"n = {self.n} pairs: exact {self.exact_pct:.1f}%, "
            f"within ±{self.within:g} {self.adjacent_pct:.1f}%"
        )


def percent_agreement(a: Any, b: Any, *, within: float = 1) -> PercentAgreement:
    r"""Exact and adjacent agreement of two raters.

    .. math:: \text{exact} = 100\,\frac{\#\{a_i = b_i\}}{n},\qquad
              \text{adjacent} = 100\,\frac{\#\{|a_i - b_i| \le w\}}{n}

    over the :math:`n` pairs where both ratings are present (adjacent includes exact).

    Parameters
    ----------
    a, b : array-like
        Ratings of the same targets by two raters; NaN = missing.
    within : float
        Tolerance :math:`w` of the adjacent agreement (default ±1 scale point).

    References
    ----------
    Stemler, S. E. (2004). A comparison of consensus, consistency, and measurement approaches
    to estimating interrater reliability. *Practical Assessment, Research, and Evaluation*,
    9(4).

    Examples
    --------
    >>> r = percent_agreement([1, 2, 3, 4, 2], [1, 3, 3, 2, None])
    >>> r.n, r.exact_pct, r.adjacent_pct
    (4, 50.0, 75.0)
    """
    x, y = _pair(a, b)
    n = x.size
    if n == 0:
        return PercentAgreement(0, float("nan"), float("nan"), float(within))
    d = np.abs(x - y)
    return PercentAgreement(
        n, 100.0 * float(np.mean(d == 0)), 100.0 * float(np.mean(d <= within)), float(within)
    )


def _float_vector(v: Any, name: str) -> np.ndarray:
    try:  # to_numeric also reads pandas' NA (nullable Int64/Float64) and numbers stored as text
        s = pd.to_numeric(pd.Series(np.asarray(v, dtype=object).ravel()), errors="raise")
        return s.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"Ratings of rater {name} must be numeric (NaN = missing): {exc}") from exc


def _pair(a: Any, b: Any) -> tuple[np.ndarray, np.ndarray]:
    """Two float vectors of equal length, restricted to the complete pairs."""
    x, y = _float_vector(a, "a"), _float_vector(b, "b")
    if x.shape != y.shape or np.ndim(a) != 1 or np.ndim(b) != 1:
        raise UsageError(
            f"The two raters' ratings must be 1-D and of equal length; got {np.shape(a)} and "
            f"{np.shape(b)}."
        )
    ok = ~(np.isnan(x) | np.isnan(y))
    return x[ok], y[ok]
