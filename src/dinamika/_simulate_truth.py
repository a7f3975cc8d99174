"""Population quantities of the simulation model, computed exactly (no sampling).

The questionnaire model of :func:`dinamika.simulate` is a graded-response (ordinal probit)
one-factor model per scale: for item ``j`` of scale ``k``

.. math::  y^*_j = \\lambda_j \\eta_k + \\sqrt{1-\\lambda_j^2}\\,\\varepsilon_j, \\qquad
           x_j = 1 + \\sum_c [y^*_j > \\tau_{jc}],

with :math:`\\eta_k \\sim N(\\mu_k, 1)` and :math:`\\varepsilon_j \\sim N(0, 1)`. Items of one
scale are independent given :math:`\\eta_k`, so every moment of the observed codes is a
one-dimensional integral over :math:`\\eta_k`, done here with Gauss-Hermite quadrature (exact to
about 1e-12 with 80 nodes).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.polynomial.hermite_e import hermegauss
from scipy.special import ndtr

__all__ = ["category_probs", "scale_moments"]

_NODES, _WEIGHTS = hermegauss(80)
_WEIGHTS = _WEIGHTS / np.sqrt(2.0 * np.pi)


def category_probs(eta: np.ndarray, loading: float, thresholds: Sequence[float]) -> np.ndarray:
    """P(x = 1..K | eta) for one item; shape ``(len(eta), K)``.

    Examples
    --------
    >>> p = category_probs(np.array([0.0]), 0.7, [-1.0, 0.0, 1.0])
    >>> round(float(p.sum()), 10), round(float(p[0, 1]), 4)
    (1.0, 0.4193)
    """
    tau = np.asarray(thresholds, dtype=float)
    sd = np.sqrt(1.0 - loading**2)
    above = ndtr((loading * eta[:, None] - tau[None, :]) / sd)  # P(x > c), c = 1..K-1
    upper = np.hstack([np.ones((len(eta), 1)), above])
    lower = np.hstack([above, np.zeros((len(eta), 1))])
    return np.asarray(upper - lower)


def scale_moments(
    loadings: Sequence[float],
    thresholds: Sequence[Sequence[float]],
    reverse: Sequence[bool],
    mean: float = 0.0,
) -> dict[str, object]:
    """Exact moments of one scale's item codes and of its sum score.

    Parameters
    ----------
    loadings, thresholds, reverse
        Per item: probit loading, ``K-1`` thresholds, whether the item is reverse-scored
        (``min + max - x``) before summing.
    mean : float
        Mean of the factor (its variance is 1).

    Returns
    -------
    dict
        ``item_mean`` (raw codes), ``item_sd``, ``scored_cov`` (covariance of the scored items),
        ``scale_mean`` (mean of the scored items' average), ``alpha`` (Cronbach's alpha of the
        population covariance), ``omega`` (Var E[S|eta] / Var S: the true reliability of the
        sum score with respect to the factor, the quantity omega_total estimates).

    Examples
    --------
    >>> m = scale_moments([0.7, 0.7, -0.7], [[-1, 0, 1]] * 2 + [[-1, 0, 1]], [False, False, True])
    >>> round(m["scale_mean"], 4), round(m["alpha"], 4) == round(m["omega"], 4)
    (2.5, True)
    """
    eta = mean + _NODES
    k = len(loadings)
    n_cat = len(thresholds[0]) + 1
    codes = np.arange(1, n_cat + 1, dtype=float)
    cond_mean = np.empty((k, len(eta)))
    cond_sq = np.empty((k, len(eta)))
    for j in range(k):
        p = category_probs(eta, float(loadings[j]), thresholds[j])
        cond_mean[j] = p @ codes
        cond_sq[j] = p @ codes**2
    item_mean = cond_mean @ _WEIGHTS
    item_var = cond_sq @ _WEIGHTS - item_mean**2
    centred = cond_mean - item_mean[:, None]
    cov = (centred * _WEIGHTS) @ centred.T  # covariance of conditional means = item covariance
    np.fill_diagonal(cov, item_var)
    sign = np.where(np.asarray(reverse, dtype=bool), -1.0, 1.0)
    scored_cov = cov * np.outer(sign, sign)
    total_var = float(scored_cov.sum())
    scored_mean = np.where(sign < 0, (1 + n_cat) - item_mean, item_mean)
    signal = sign[:, None] * centred
    true_var = float(((signal.sum(axis=0)) ** 2) @ _WEIGHTS)
    alpha = k / (k - 1) * (1.0 - float(np.trace(scored_cov)) / total_var)
    return {
        "item_mean": item_mean,
        "item_sd": np.sqrt(item_var),
        "scored_cov": scored_cov,
        "scale_mean": float(scored_mean.mean()),
        "alpha": alpha,
        "omega": true_var / total_var,
    }
