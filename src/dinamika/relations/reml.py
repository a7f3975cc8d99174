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

from dataclasses import dataclass

import numpy as np
from scipy import optimize

__all__ = ["RandomInterceptFit", "fit_random_intercept"]

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
