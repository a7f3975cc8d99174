"""Population quantities of the simulation model, computed exactly (no sampling).

The questionnaire model of :func:`dinamika.simulation.term` is a graded-response (ordinal probit)
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
from typing import Any

import numpy as np
from numpy.polynomial.hermite_e import hermegauss
from scipy.special import ndtr

from dinamika.data.instruments import Instrument
from dinamika.simulation import params

__all__ = ["category_probs", "scale_moments", "truth_record"]

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


def _r(x: Any) -> Any:
    """Round floats (recursively) to 6 decimals so truth.json is stable and readable."""
    if isinstance(x, dict):
        return {k: _r(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_r(v) for v in x]
    if isinstance(x, np.ndarray):
        return _r(x.tolist())
    if isinstance(x, float | np.floating):
        return round(float(x), 6) + 0.0
    if isinstance(x, np.integer):
        return int(x)
    return x


def truth_record(
    *,
    term: str,
    seed: int,
    panel_seed: int,
    panel: dict[str, Any],
    corr: np.ndarray,
    mean: np.ndarray,
    items: dict[str, dict[str, Any]],
    coefs: np.ndarray,
    quality_resid_var: float,
    questionnaire: Instrument,
    rubric: Instrument,
    guide: Instrument,
    missing_rate: float,
    rates: tuple[float, float, float, float],
) -> dict[str, Any]:
    icc = np.array([params.SCHOOL_ICC[f] for f in params.FACTORS])
    scales: dict[str, Any] = {}
    for k, (scale, members) in enumerate(questionnaire.scales.items()):
        m = scale_moments(
            [items[i]["loading"] for i in members],
            [items[i]["thresholds"] for i in members],
            [items[i]["reverse"] for i in members],
            mean=float(mean[k]),
        )
        for i, item_id in enumerate(members):
            items[item_id]["mean"] = float(m["item_mean"][i])  # type: ignore[index]
            items[item_id]["sd"] = float(m["item_sd"][i])  # type: ignore[index]
        scales[scale] = {"mean": m["scale_mean"], "alpha": m["alpha"], "omega": m["omega"]}
    total = params.total_cov(corr)
    explained = float(coefs @ total @ coefs)
    return _r(
        {
            "schema": "dinamika-simulation-truth/1",
            "term": term,
            "seed": seed,
            "panel_seed": panel_seed,
            "instruments": dict(params.INSTRUMENTS),
            "design": {
                "schools": len(panel["schools"]),
                "districts": sorted(set(panel["schools"]["kabupaten"])),
                "kkg": sorted(set(panel["schools"]["kkg"])),
                "roster_teachers": len(panel["teachers"]),
                "p_active": params.P_ACTIVE,
                "p_reserve_active": params.P_RESERVE_ACTIVE,
                "p_respond": params.P_RESPOND,
                "p_reluctant": params.P_RELUCTANT,
                "reserves_per_school": params.RESERVES_PER_SCHOOL,
                "missing_rate": missing_rate,
                "stopped_early_share": params.STOPPED_EARLY_SHARE,
                "stopped_early_after": params.STOPPED_EARLY_AFTER,
                "observed_share": rates[0],
                "double_observed": rates[1],
                "interview_share": rates[2],
                "master_share": rates[3],
            },
            "factors": {
                "names": list(params.FACTORS),
                "corr_within": corr,
                "corr_between": corr,
                "corr_total": total,
                "school_icc": icc,
                "stability": params.STABILITY,
                "mean": mean,
                "note": "factor variance 1 in total; eta = mean + school effect + teacher part",
            },
            "items": items,
            "scales": scales,
            "quality": {
                "coefs": dict(zip(params.FACTORS, coefs.tolist(), strict=True)),
                "intercept": 0.0,
                "mean": float(coefs @ mean),
                "school_var": params.QUALITY_SCHOOL_VAR,
                "residual_var": quality_resid_var,
                "r2_factors": explained,
                "indicator_loadings": dict(
                    zip(rubric.item_ids, params.INDICATOR_LOADINGS, strict=True)
                ),
                "aspect_loading": params.ASPECT_LOADING,
                "indicator_thresholds": {
                    i: params.indicator_thresholds(j) for j, i in enumerate(rubric.item_ids)
                },
                "observer_severity": dict(
                    zip(panel["observers"], panel["severity"].tolist(), strict=True)
                ),
                "observer_noise_sd": params.OBSERVER_NOISE_SD,
                "master": params.MASTER,
                "master_noise_sd": params.MASTER_NOISE_SD,
                "observation_missing_rate": params.OBS_MISSING_RATE,
            },
            "interviews": {
                "themes": {t: params.theme_parameters(t, guide) for t in guide.codebook},
                "stance_slope": params.STANCE_SLOPE,
                "note": "P(stance) multinomial logit: positif = a_pos + slope*d, negatif = a_neg - slope*d, campuran = 0; d = standardized weighted factor score",
            },
        }
    )
