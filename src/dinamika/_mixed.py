"""Random-intercept linear mixed model by profiled (RE)ML — the engine behind :func:`multilevel`.

Model: :math:`y = X\\beta + Zb + e`, :math:`b \\sim N(0, \\tau^2 I_G)`,
:math:`e \\sim N(0, \\sigma^2 I_n)`, one random intercept per group. With
:math:`\\theta = \\tau^2/\\sigma^2` and :math:`H = I + \\theta ZZ^\\top` (block diagonal),

.. math::

    H_g^{-1} = I - \\frac{\\theta}{1 + n_g\\theta} 11^\\top, \\qquad
    X^\\top H^{-1} X = W_{xx} + \\sum_g \\frac{n_g}{1 + n_g\\theta} \\bar x_g \\bar x_g^\\top,

where :math:`W_{xx}` is the pooled within-group cross-product matrix and :math:`\\bar x_g` the
group means. For a given :math:`\\theta` the GLS estimate
:math:`\\hat\\beta = (X^\\top H^{-1}X)^{-1} X^\\top H^{-1} y` and the profiled residual variance
are closed form, so (RE)ML reduces to a one-dimensional minimisation over :math:`\\theta`, done
on a log grid and refined by bounded Brent. The criteria are those of ``lme4``
(Bates et al., 2015, eq. 34 and 41):

.. math::

    -2\\ell_{ML} = \\log|H| + n\\,[1 + \\log(2\\pi\\, r^2/n)], \\qquad
    -2\\ell_{REML} = \\log|H| + \\log|X^\\top H^{-1}X| + (n-p)[1 + \\log(2\\pi\\, r^2/(n-p))],

with :math:`r^2 = (y - X\\hat\\beta)^\\top H^{-1} (y - X\\hat\\beta)` and
:math:`\\log|H| = \\sum_g \\log(1 + n_g\\theta)`.

References
----------
Bates, D., Mächler, M., Bolker, B., & Walker, S. (2015). Fitting linear mixed-effects models
using lme4. *Journal of Statistical Software*, 67(1). https://doi.org/10.18637/jss.v067.i01
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import optimize, stats

from dinamika.errors import UsageError

__all__ = ["MultilevelResult", "RandomInterceptFit", "fit_random_intercept", "multilevel"]

_GRID = np.concatenate([[0.0], np.logspace(-4, 3, 71)])  # values of sqrt(theta) = tau / sigma


@dataclass(frozen=True)
class RandomInterceptFit:
    """Raw estimates of a random-intercept model (internal; see :class:`MultilevelResult`)."""

    beta: np.ndarray
    vcov: np.ndarray
    sigma2: float
    tau2: float
    criterion: float
    reml: bool
    converged: bool
    singular: bool
    n: int
    n_groups: int
    df: np.ndarray
    message: str


@dataclass(frozen=True)
class _Moments:
    """Sufficient statistics. The GLS pieces depend on a group only through its size, so the
    between-group outer products are summed per distinct group size once; each likelihood
    evaluation then costs O(S p^2) for S distinct sizes, whatever the number of groups."""

    n_g: np.ndarray  # (G,) group sizes
    mx: np.ndarray  # (G, p) group means of X
    sizes: np.ndarray  # (S,) distinct group sizes
    count: np.ndarray  # (S,) groups of each size
    oxx: np.ndarray  # (S, p, p) sum over groups of that size of mx mx'
    oxy: np.ndarray  # (S, p) ... of mx my
    oyy: np.ndarray  # (S,) ... of my^2
    wxx: np.ndarray  # (p, p) pooled within-group cross-products
    wxy: np.ndarray  # (p,)
    wyy: float


def _moments(y: np.ndarray, x: np.ndarray, codes: np.ndarray, n_groups: int) -> _Moments:
    n_g = np.bincount(codes, minlength=n_groups).astype(float)
    p = x.shape[1]
    sx = np.column_stack(
        [np.bincount(codes, weights=x[:, j], minlength=n_groups) for j in range(p)]
    )
    mx = sx / n_g[:, None]
    my = np.bincount(codes, weights=y, minlength=n_groups) / n_g
    xc = x - mx[codes]
    yc = y - my[codes]
    sizes, size_of = np.unique(n_g, return_inverse=True)
    onehot = np.zeros((len(sizes), n_groups))
    onehot[size_of, np.arange(n_groups)] = 1.0
    oxx = (onehot @ (mx[:, :, None] * mx[:, None, :]).reshape(n_groups, p * p)).reshape(-1, p, p)
    return _Moments(
        n_g=n_g,
        mx=mx,
        sizes=sizes,
        count=onehot.sum(axis=1),
        oxx=oxx,
        oxy=onehot @ (mx * my[:, None]),
        oyy=onehot @ (my * my),
        wxx=xc.T @ xc,
        wxy=xc.T @ yc,
        wyy=float(yc @ yc),
    )


def _criterion(t: np.ndarray, m: _Moments, reml: bool) -> tuple[np.ndarray, ...]:
    """-2 log-likelihood at each sqrt(theta) in ``t`` (vectorised), with the GLS pieces."""
    theta = np.asarray(t, dtype=float) ** 2
    ns = m.sizes[None, :] * theta[:, None]  # (K, S)
    v = m.sizes[None, :] / (1.0 + ns)  # weight n_g / (1 + n_g theta) of each size
    p = m.wxx.shape[0]
    a = m.wxx[None] + (v @ m.oxx.reshape(len(m.sizes), p * p)).reshape(-1, p, p)
    b = m.wxy[None] + v @ m.oxy
    c = m.wyy + v @ m.oyy
    chol = np.linalg.cholesky(a)
    beta = np.linalg.solve(a, b[..., None])[..., 0]
    r2 = c - np.einsum("ki,ki->k", b, beta)
    n = int(m.n_g.sum())
    logdet_h = np.log1p(ns) @ m.count
    if reml:
        logdet_a = 2.0 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
        dev = logdet_h + logdet_a + (n - p) * (1.0 + np.log(2.0 * np.pi * r2 / (n - p)))
    else:
        dev = logdet_h + n * (1.0 + np.log(2.0 * np.pi * r2 / n))
    return dev, beta, r2, a


def _nlme_df(x: np.ndarray, codes: np.ndarray, m: _Moments, intercept: int | None) -> np.ndarray:
    """Denominator df of the t tests by the between/within rule of ``nlme`` (Pinheiro & Bates).

    A column constant within every group is a group-level (outer) term with
    ``df = G - (number of outer terms) - 1``; any other column, and the intercept, gets
    ``df = n - G - (number of inner terms, intercept excluded)``.
    """
    n = x.shape[0]
    g = len(m.n_g)
    scale = np.maximum(np.abs(x).max(axis=0), 1.0)
    constant = np.abs(x - m.mx[codes]).max(axis=0) <= 1e-8 * scale
    outer = constant.copy()
    if intercept is not None:
        outer[intercept] = False
    inner = ~constant
    df = np.where(outer, g - outer.sum() - 1, n - g - inner.sum()).astype(float)
    return df


def fit_random_intercept(
    y: np.ndarray,
    x: np.ndarray,
    codes: np.ndarray,
    *,
    reml: bool = True,
    intercept: int | None = 0,
) -> RandomInterceptFit:
    """Fit ``y ~ X + (1 | group)`` by profiled REML (default) or ML.

    Parameters
    ----------
    y : (n,) array
    x : (n, p) array, full column rank, including the intercept column
    codes : (n,) int array, group of each row as 0..G-1 (every group non-empty)
    reml : bool
    intercept : int or None
        Column index of the intercept (for the ``nlme`` df rule).
    """
    n, p = x.shape
    n_groups = int(codes.max()) + 1
    m = _moments(y, x, codes, n_groups)
    dev, _, _, _ = _criterion(_GRID, m, reml)
    k = int(np.nanargmin(dev))
    lo = _GRID[max(k - 1, 0)]
    hi = _GRID[min(k + 1, len(_GRID) - 1)]
    res = optimize.minimize_scalar(
        lambda t: float(_criterion(np.array([t]), m, reml)[0][0]),
        bounds=(lo, hi),
        method="bounded",
        options={"xatol": 1e-10, "maxiter": 500},
    )
    t_hat = float(res.x)
    candidates = np.array([0.0, t_hat])
    dev_c = _criterion(candidates, m, reml)[0]
    if dev_c[0] <= dev_c[1]:
        t_hat = 0.0
    dev1, beta, r2, a = _criterion(np.array([t_hat]), m, reml)
    sigma2 = float(r2[0] / ((n - p) if reml else n))
    vcov = sigma2 * np.linalg.inv(a[0])
    at_upper = k == len(_GRID) - 1
    converged = bool(res.success) and not at_upper
    singular = t_hat == 0.0
    message = "ok"
    if at_upper:
        message = "the group variance is implausibly large relative to the residual variance"
    elif not res.success:
        message = f"optimizer: {res.message}"
    elif singular:
        message = "boundary (singular) fit: the group variance is estimated as 0"
    return RandomInterceptFit(
        beta=beta[0],
        vcov=vcov,
        sigma2=sigma2,
        tau2=sigma2 * t_hat**2,
        criterion=float(dev1[0]),
        reml=reml,
        converged=converged,
        singular=singular,
        n=n,
        n_groups=n_groups,
        df=_nlme_df(x, codes, m, intercept),
        message=message,
    )


@dataclass(frozen=True)
class MultilevelResult:
    """A fitted random-intercept model; see :func:`multilevel`.

    Attributes
    ----------
    fixed : DataFrame
        ``term, estimate, se, df, t, p, lower, upper, std_estimate, std_lower, std_upper``.
    variance : DataFrame
        ``component`` (the group column's name, then ``residual``), ``variance``, ``sd``.
    icc_null : float
        Intraclass correlation of the outcome from the null model ``outcome ~ 1 + (1 | group)``
        fitted to the same rows.
    icc_residual : float
        Share of the residual variance that lies between groups after the predictors.
    r2_marginal, r2_conditional : float
        Nakagawa & Schielzeth's R² (fixed effects; fixed + random).
    n, n_groups, n_dropped : int
        Rows used, groups, and rows left out for a missing outcome, predictor or group.
    converged, singular : bool
        Optimizer success; group variance estimated on the boundary (0).
    criterion : float
        −2 × the (REML) log-likelihood, as ``lme4``'s ``REMLcrit`` / ``deviance``.
    """

    fixed: pd.DataFrame
    variance: pd.DataFrame
    icc_null: float
    icc_residual: float
    r2_marginal: float
    r2_conditional: float
    n: int
    n_groups: int
    n_dropped: int
    converged: bool
    singular: bool
    message: str
    outcome: str
    group: str
    center: str
    reml: bool
    ci: float
    criterion: float

    @property
    def loglik(self) -> float:
        """The (REML) log-likelihood."""
        return -self.criterion / 2.0

    def to_frame(self) -> pd.DataFrame:
        """The fixed-effects table."""
        return self.fixed

    def summary(self) -> str:
        """A readable report of the model, its fit and its diagnostics."""
        est = "REML" if self.reml else "ML"
        head = (
            f"Linear mixed model ({est}): {self.outcome} ~ predictors + (1 | {self.group}); "
            f"centring: {self.center}\n"
            f"n = {self.n} in {self.n_groups} groups ({self.n_dropped} rows dropped for missing "
            f"values); converged: {self.converged}; {self.message}\n"
            f"ICC (null model) = {self.icc_null:.3f}; R2 marginal = {self.r2_marginal:.3f}, "
            f"conditional = {self.r2_conditional:.3f}; -2 logLik = {self.criterion:.3f}\n"
            f"Fixed effects: Wald t tests and {self.ci:.0%} intervals, df by the nlme "
            "between/within rule; std_* = coefficient x sd(predictor) / sd(outcome)."
        )
        return (
            f"{head}\n{self.fixed.round(4).to_string(index=False)}\n\n"
            f"{self.variance.round(4).to_string(index=False)}"
        )


def multilevel(
    data: pd.DataFrame,
    outcome: str,
    predictors: Sequence[str],
    *,
    group: str = "school",
    center: Literal["none", "group", "grand"] = "none",
    standardize: bool = True,
    ci: float = 0.95,
    reml: bool = True,
) -> MultilevelResult:
    """Random-intercept regression ``outcome ~ predictors + (1 | group)`` (e.g. teachers in schools).

    Parameters
    ----------
    data : DataFrame
        One row per unit (teacher) with the outcome, predictors and group columns.
    outcome : str
    predictors : list of str
    group : str
        Grouping column of the random intercept (default ``"school"``).
    center : {"none", "grand", "group"}
        ``"grand"`` subtracts each predictor's mean (changes only the intercept). ``"group"``
        splits each predictor ``x`` into ``x_within`` (deviation from its group mean) and
        ``x_between`` (the group mean), so within- and between-group effects are estimated
        separately (Enders & Tofighi, 2007). Group means are taken over the rows analysed.
    standardize : bool
        Fill ``std_estimate`` (and its interval) with
        :math:`\\beta_j\\, s_{x_j} / s_y` (sample SDs over the rows analysed), identical to
        refitting on z-scored variables; NaN when False and for the intercept.
    ci : float
        Confidence level of the intervals.
    reml : bool
        REML (default, as ``lme4::lmer``) or ML.

    Returns
    -------
    MultilevelResult

    Notes
    -----
    Estimation is exact profiled (RE)ML over the variance ratio (see ``dinamika._mixed``);
    estimates, standard errors (``vcov``), variance components and the criterion equal
    ``lme4::lmer``. Tests and intervals are Wald: :math:`t = \\hat\\beta/\\mathrm{se}` against a t
    distribution whose df follow ``nlme::lme`` (a predictor constant within groups gets
    :math:`G - q - 1`, with :math:`q` such predictors; others and the intercept
    :math:`n - G - (p - q)`), so ``p`` matches ``summary(lme(...))$tTable``. Rows with any
    missing value in the outcome, predictors or group are left out (``n_dropped``).
    Nakagawa's R²: with :math:`\\sigma^2_f = \\operatorname{var}(X\\hat\\beta)`,
    :math:`R^2_m = \\sigma^2_f/(\\sigma^2_f + \\tau^2 + \\sigma^2)`,
    :math:`R^2_c = (\\sigma^2_f + \\tau^2)/(\\sigma^2_f + \\tau^2 + \\sigma^2)`.

    References
    ----------
    Nakagawa, S., & Schielzeth, H. (2013). A general and simple method for obtaining R² from
    generalized linear mixed-effects models. *Methods in Ecology and Evolution*, 4, 133–142.
    Enders, C. K., & Tofighi, D. (2007). Centering predictor variables in cross-sectional
    multilevel models. *Psychological Methods*, 12, 121–138.
    Pinheiro, J. C., & Bates, D. M. (2000). *Mixed-Effects Models in S and S-PLUS*. Springer.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> school = np.repeat(np.arange(20), 8)
    >>> x = rng.normal(size=160) + rng.normal(size=20)[school]
    >>> y = 2 + 0.5 * x + rng.normal(scale=0.5, size=20)[school] + rng.normal(size=160)
    >>> res = multilevel(pd.DataFrame({"y": y, "x": x, "school": school}), "y", ["x"])
    >>> res.fixed[["term", "estimate", "se", "df"]].round(3)
              term  estimate     se     df
    0  (Intercept)     1.819  0.139  139.0
    1            x     0.479  0.074  139.0
    """
    if center not in ("none", "group", "grand"):
        raise UsageError(
            "The value for `center` must be one of ['none', 'group', 'grand'], "
            f"but {center!r} was passed."
        )
    if not 0 < ci < 1:
        raise UsageError(f"`ci` must be between 0 and 1 (e.g. 0.95), but {ci!r} was passed.")
    predictors = list(predictors)
    if not predictors:
        raise UsageError("give at least one predictor (use the null model ICC otherwise).")
    cols = [outcome, *predictors, group]
    absent = [c for c in cols if c not in data.columns]
    if absent:
        raise UsageError(f"`data` lacks the column(s) {absent}.")
    for c in (outcome, *predictors):
        if not pd.api.types.is_numeric_dtype(data[c]):
            raise UsageError(f"column {c!r} must be numeric to enter the model.")
    values = np.column_stack(
        [data[c].to_numpy(dtype=float, na_value=np.nan) for c in (outcome, *predictors)]
    )
    groups = data[group].to_numpy()
    keep = ~np.isnan(values).any(axis=1) & ~pd.isna(groups)
    values = values[keep]
    codes, _ = pd.factorize(groups[keep], sort=True)
    n_groups = int(codes.max()) + 1 if len(codes) else 0
    y = values[:, 0]
    raw = values[:, 1:]
    names = list(predictors)
    if center == "grand":
        raw = raw - raw.mean(axis=0)
    elif center == "group":
        n_g = np.bincount(codes, minlength=n_groups)
        gm = np.column_stack(
            [
                np.bincount(codes, weights=raw[:, j], minlength=n_groups) / n_g
                for j in range(raw.shape[1])
            ]
        )[codes]
        raw = np.column_stack([raw - gm, gm])
        names = [f"{c}_within" for c in predictors] + [f"{c}_between" for c in predictors]
    x = np.column_stack([np.ones(len(y)), raw])
    terms = ["(Intercept)", *names]
    if n_groups < 2 or len(y) <= x.shape[1] + 1:
        raise UsageError(
            f"too little data for the model: {len(y)} complete rows in {n_groups} groups of "
            f"{group!r} for {x.shape[1]} coefficients."
        )
    if n_groups >= len(y):
        raise UsageError(
            f"every {group!r} has a single row, so group and residual variance cannot be told "
            "apart; a random intercept needs groups with several members."
        )
    if np.linalg.matrix_rank(x) < x.shape[1]:
        flat = [t for t, s in zip(terms[1:], x[:, 1:].std(axis=0), strict=True) if s == 0]
        raise UsageError(
            "the predictors are collinear (or constant"
            + (f": {flat}" if flat else "")
            + "); drop or combine predictors."
        )
    fit = fit_random_intercept(y, x, codes, reml=reml)
    null = fit_random_intercept(y, x[:, :1], codes, reml=reml)
    se = np.sqrt(np.diag(fit.vcov))
    tval = fit.beta / se
    q = stats.t.ppf(0.5 + ci / 2, fit.df)
    fixed = pd.DataFrame(
        {
            "term": terms,
            "estimate": fit.beta,
            "se": se,
            "df": fit.df,
            "t": tval,
            "p": 2 * stats.t.sf(np.abs(tval), fit.df),
            "lower": fit.beta - q * se,
            "upper": fit.beta + q * se,
        }
    )
    ratio = x.std(axis=0, ddof=1) / y.std(ddof=1)
    ratio[0] = np.nan
    if not standardize:
        ratio[:] = np.nan
    for col, src in (("std_estimate", "estimate"), ("std_lower", "lower"), ("std_upper", "upper")):
        fixed[col] = fixed[src].to_numpy() * ratio
    var_f = float(np.var(x @ fit.beta, ddof=1))
    total = var_f + fit.tau2 + fit.sigma2
    variance = pd.DataFrame(
        {
            "component": [group, "residual"],
            "variance": [fit.tau2, fit.sigma2],
            "sd": [np.sqrt(fit.tau2), np.sqrt(fit.sigma2)],
        }
    )
    message = (
        fit.message if fit.message != "ok" or null.converged else f"null model: {null.message}"
    )
    return MultilevelResult(
        fixed=fixed,
        variance=variance,
        icc_null=null.tau2 / (null.tau2 + null.sigma2),
        icc_residual=fit.tau2 / (fit.tau2 + fit.sigma2),
        r2_marginal=var_f / total,
        r2_conditional=(var_f + fit.tau2) / total,
        n=len(y),
        n_groups=n_groups,
        n_dropped=int((~keep).sum()),
        converged=fit.converged and null.converged,
        singular=fit.singular,
        message=message,
        outcome=outcome,
        group=group,
        center=center,
        reml=reml,
        ci=ci,
        criterion=fit.criterion,
    )
