"""Group statistics behind aggregation: ICC(1)/ICC(2) of a score and rwg(j) of its items.

Private module; the public names are re-exported by :mod:`dinamika.agreement.groups`. ICC(1) and
ICC(2) come from the one-way ANOVA of a scale score on the group (Bliese, 2000); rwg(j)
compares each group's item variances with the variance expected if answers were random
(James, Demaree & Wolf, 1984).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import special

from dinamika.core.deprecation import alpha_to_ci, renamed_argument
from dinamika.errors import UsageError

__all__ = ["group_icc", "rwg"]


def _group_vector(data: pd.DataFrame, group: Any) -> pd.Series:
    if isinstance(group, str):
        if group not in data.columns:
            raise UsageError(f"Group column {group!r} not found; columns are {list(data.columns)}.")
        return data[group]
    g = pd.Series(np.asarray(group, dtype=object), index=data.index)
    if len(g) != len(data):
        raise UsageError(f"`group` has {len(g)} values but the data has {len(data)} rows.")
    return g


@renamed_argument("alpha", "ci", alpha_to_ci)
def group_icc(
    values: Any,
    group: Any,
    *,
    group_size: Literal["mean", "adjusted"] = "mean",
    ci: float = 0.95,
) -> pd.Series:
    r"""ICC(1) and ICC(2) of one variable from the one-way ANOVA on the group.

    .. math::

        ICC(1) = \frac{MS_B - MS_W}{MS_B + (\bar k - 1) MS_W},\qquad
        ICC(2) = \frac{MS_B - MS_W}{MS_B}

    with :math:`N` people in :math:`G` groups of sizes :math:`n_g`, and :math:`\bar k = N/G`
    (``group_size="mean"``, as ``multilevel::ICC1`` computes it from ``aov``) or the
    unequal-size adjusted :math:`k_0 = (N - \sum n_g^2/N)/(G-1)` (``"adjusted"``).
    Rows with a missing value or group are left out. The confidence limits of ICC(1) are the
    F-based ones (Shrout & Fleiss, 1979, case 1; exact for equal group sizes):
    :math:`F_L = F / F_{(1+c)/2}(G-1, N-G)`, :math:`F_U = F \cdot F_{(1+c)/2}(N-G, G-1)`,
    limit :math:`(F_\cdot - 1)/(F_\cdot + \bar k - 1)`, at confidence level :math:`c` (``ci``).

    Parameters
    ----------
    values, group : array-like
        The variable (e.g. a scale score) and each row's group.
    group_size : {"mean", "adjusted"}
        The :math:`\bar k` of ICC(1) with unequal groups.
    ci : float
        Confidence level of the ICC(1) limits (default 0.95). Replaces ``alpha`` (= 1 − ``ci``),
        which still works until the next release with a DeprecationWarning.

    Returns
    -------
    Series
        ``n``, ``n_groups``, ``group_size``, ``msb``, ``msw``, ``f``, ``df1``, ``df2``, ``p``,
        ``icc1``, ``icc1_lower``, ``icc1_upper``, ``icc2``.

    References
    ----------
    Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability. In K. J.
    Klein & S. W. J. Kozlowski (Eds.), *Multilevel theory, research, and methods in
    organizations* (pp. 349–381). Jossey-Bass.

    Examples
    --------
    >>> s = group_icc([3, 4, 3, 5, 5, 4, 2, 2, 1], ["a", "a", "a", "b", "b", "b", "c", "c", "c"])
    >>> round(float(s["icc1"]), 4), round(float(s["icc2"]), 4)
    (0.8657, 0.9508)
    """
    if group_size not in ("mean", "adjusted"):
        raise UsageError(f"`group_size` must be 'mean' or 'adjusted', not {group_size!r}.")
    if not 0 < ci < 1:
        raise UsageError(f"`ci` must lie between 0 and 1, not {ci!r}.")
    try:
        y = pd.Series(np.asarray(values, dtype=float))
    except (TypeError, ValueError):  # pandas' NA in an object column, text
        try:
            y = pd.to_numeric(pd.Series(np.asarray(values, dtype=object).ravel()), errors="raise")
            y = y.astype(float)
        except (TypeError, ValueError) as exc:
            raise UsageError(f"`values` must be numeric (NaN = missing): {exc}") from exc
    g = pd.Series(np.asarray(group, dtype=object))
    if len(y) != len(g):
        raise UsageError(f"`values` has {len(y)} entries but `group` has {len(g)}.")
    ok = y.notna() & g.notna()
    y, g = y[ok].to_numpy(), g[ok]
    codes, _ = pd.factorize(g)
    n, n_groups = y.size, int(codes.max()) + 1 if y.size else 0
    nan = float("nan")
    if n_groups < 2 or n <= n_groups:
        keys = ("msb", "msw", "f", "df1", "df2", "p", "icc1", "icc1_lower", "icc1_upper", "icc2")
        out = dict.fromkeys(keys, nan)
        return pd.Series({"n": n, "n_groups": n_groups, "group_size": nan, **out})
    sizes = np.bincount(codes).astype(float)
    means = np.bincount(codes, weights=y) / sizes
    grand = y.mean()
    ssb = float(sizes @ (means - grand) ** 2)
    ssw = float(((y - means[codes]) ** 2).sum())
    df1, df2 = n_groups - 1, n - n_groups
    msb, msw = np.float64(ssb / df1), np.float64(ssw / df2)  # 0/0 -> NaN, not an exception
    k = n / n_groups if group_size == "mean" else (n - float(sizes @ sizes) / n) / df1
    with np.errstate(divide="ignore", invalid="ignore"):
        f = msb / msw
        icc1 = (msb - msw) / (msb + (k - 1) * msw)
        icc2 = (msb - msw) / msb
        q = (1 + ci) / 2
        f_lo = f / special.fdtri(df1, df2, q)
        f_hi = f * special.fdtri(df2, df1, q)
        lower = (f_lo - 1) / (f_lo + k - 1)
        upper = (f_hi - 1) / (f_hi + k - 1)
    return pd.Series(
        {"n": n, "n_groups": n_groups, "group_size": k, "msb": msb, "msw": msw, "f": f,
         "df1": df1, "df2": df2, "p": float(special.fdtrc(df1, df2, f)), "icc1": icc1,
         "icc1_lower": lower, "icc1_upper": upper,
         "icc2": icc2}
    )  # fmt: skip


def rwg(
    items: pd.DataFrame,
    group: Any,
    *,
    n_options: int = 5,
    null_variance: float | None = None,
) -> pd.DataFrame:
    r"""Within-group agreement rwg(j) per group, against the uniform (random answering) null.

    .. math::

        r_{wg(J)} = \frac{J\,(1 - \bar s^2_x/\sigma^2_E)}
                        {J\,(1 - \bar s^2_x/\sigma^2_E) + \bar s^2_x/\sigma^2_E},\qquad
        \sigma^2_{EU} = \frac{A^2 - 1}{12}

    where :math:`\bar s^2_x` is the mean over the :math:`J` items of the within-group item
    variances (n − 1 denominator, missing answers skipped) and :math:`A` the number of response
    options. With one item this is :math:`r_{wg} = 1 - s^2_x/\sigma^2_E`. When
    :math:`\bar s^2_x > \sigma^2_E` (more disagreement than random answering) the value is set
    to 0, as ``multilevel::rwg.j`` does; ``truncated`` flags those groups.

    Parameters
    ----------
    items : DataFrame
        One row per respondent; the item columns of one scale (plus the group column if
        ``group`` names one).
    group : str or array-like
        Group column name in ``items``, or the group of each row.
    n_options : int
        Number of response options :math:`A` (5 for the Likert scales of komunitas-guru).
    null_variance : float, optional
        Expected error variance of another null distribution (e.g. a skewed null from LeBreton
        & Senter, 2008); default the uniform :math:`(A^2-1)/12`.

    Returns
    -------
    DataFrame
        One row per group: ``group``, ``n`` (respondents), ``n_items`` (J), ``mean_var``,
        ``rwg_j`` (NaN for a group of one or an item nobody in the group varied on twice),
        ``truncated``.

    References
    ----------
    James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group interrater
    reliability with and without response bias. *Journal of Applied Psychology, 69*(1), 85–98.
    LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater
    reliability and interrater agreement. *Organizational Research Methods, 11*(4), 815–852.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"school": ["a"] * 3 + ["b"] * 3,
    ...                   "KEP1": [4, 4, 5, 1, 5, 3], "KEP2": [4, 5, 5, 2, 5, 1]})
    >>> rwg(d, "school").round(3)
      group  n  n_items  mean_var  rwg_j  truncated
    0     a  3        2     0.333  0.909      False
    1     b  3        2     4.167  0.000       True
    """
    if not isinstance(items, pd.DataFrame):
        raise UsageError(f"`items` must be a DataFrame, not {type(items).__name__}.")
    g = _group_vector(items, group)
    cols = [c for c in items.columns if not (isinstance(group, str) and c == group)]
    if not cols:
        raise UsageError("`items` has no item columns.")
    if null_variance is None:
        if n_options < 2:
            raise UsageError(f"`n_options` must be at least 2, not {n_options!r}.")
        null_variance = (n_options**2 - 1) / 12
    if not null_variance > 0:
        raise UsageError(f"`null_variance` must be positive, not {null_variance!r}.")
    try:  # to_numeric reads pandas' NA and numbers stored as text
        x = items[cols].apply(pd.to_numeric, errors="raise").astype(float)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"Item answers must be numeric codes: {exc}") from exc
    keep = g.notna()
    grouped = x[keep].groupby(g[keep], sort=True)
    var = grouped.var(ddof=1)
    mean_var = var.mean(axis=1, skipna=False)
    j = len(cols)
    ratio = mean_var / null_variance
    with np.errstate(divide="ignore", invalid="ignore"):
        value = j * (1 - ratio) / (j * (1 - ratio) + ratio)
    truncated = mean_var > null_variance
    value = value.where(~truncated, 0.0)
    out = pd.DataFrame(
        {
            "group": var.index,
            "n": grouped.size().to_numpy(),
            "n_items": j,
            "mean_var": mean_var.to_numpy(),
            "rwg_j": value.to_numpy(),
            "truncated": truncated.to_numpy(),
        }
    )
    out.attrs["null_variance"] = null_variance
    return out
