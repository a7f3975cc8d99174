"""Ordinal (polychoric) alpha and omega: bootstrap of the polychoric matrix, vectorized.

Private helper of :mod:`dinamika.reliability`. Each bootstrap draw is a vector of multinomial
counts w, so every draw's pair contingency tables are ``W @ onehot(pair cells)`` — one matrix
product for a block of draws — and the polychoric likelihoods of all pairs of all draws are
maximized together (:func:`dinamika.polychoric._fit_pairs`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.special import ndtri

from dinamika import _alpha
from dinamika._bootstrap import _BLOCK_CELLS, _draw_weights, percentile_interval
from dinamika.polychoric import PolychoricResult, _fit_pairs, _pairwise_thresholds, _prepare

__all__ = ["ordinal_bootstrap"]

Array = NDArray[np.float64]


def _smooth(r: Array) -> Array:
    """psych ``cor.smooth`` on a stack of correlation matrices (only those that need it)."""
    vals, vecs = np.linalg.eigh(r)
    need = vals.min(axis=1) < np.finfo(np.float64).eps
    if not need.any():
        return r
    v = np.where(vals[need] < 1e-12, 1e-10, vals[need])
    v = v * r.shape[-1] / v.sum(axis=1, keepdims=True)
    cov = np.einsum("bij,bj,bkj->bik", vecs[need], v, vecs[need])
    out = r.copy()
    out[need] = _alpha.cov_to_cor(cov)
    return out


def ordinal_bootstrap(
    keyed: pd.DataFrame,
    poly: PolychoricResult,
    n_boot: int,
    rng: np.random.Generator,
    ci: float,
    loadings: Array | None,
    diagnostics: list[str],
) -> dict[str, tuple[float, float] | None]:
    """Percentile intervals of ordinal alpha and omega from ``n_boot`` resamples."""
    codes, _, n_cat = _prepare(keyed, "pairwise")
    n, p = codes.shape
    iu, ju = np.triu_indices(p, 1)
    n_pairs = len(iu)
    cells = np.arange(n_cat * n_cat)
    cats = np.arange(n_cat)
    width = n_pairs * n_cat * n_cat + p * n_cat

    def hot(start: int, stop: int) -> NDArray[np.float32]:
        """One-hot pair cells and item categories of rows start:stop (float32, exact counts)."""
        c = codes[start:stop]
        cell = c[:, iu] * n_cat + c[:, ju]
        cell[(c[:, iu] < 0) | (c[:, ju] < 0)] = -1
        pair = (cell[:, :, None] == cells).reshape(len(c), n_pairs * n_cat * n_cat)
        item = (c[:, :, None] == cats).reshape(len(c), p * n_cat)
        return np.concatenate([pair, item], axis=1).astype(np.float32)

    rows = n if n * width <= 8 * _BLOCK_CELLS else max(1, _BLOCK_CELLS // width)
    cached = hot(0, n) if rows == n else None
    full = poly.rho_unsmoothed if poly.rho_unsmoothed is not None else poly.rho
    start_pairs = full.to_numpy()[iu, ju]
    size_max = max(1, min(n_boot, _BLOCK_CELLS // n))
    alphas: list[Array] = []
    omegas: list[Array] = []
    problems = 0
    done = 0
    while done < n_boot:
        b = min(size_max, n_boot - done)
        w = _draw_weights(rng, n, b)
        if cached is not None:
            sums = (w @ cached).astype(np.float64)
        else:
            sums = np.zeros((b, width))
            for start in range(0, n, rows):
                stop = min(n, start + rows)
                sums += w[:, start:stop] @ hot(start, stop)
        split = n_pairs * n_cat * n_cat
        tabs = sums[:, :split].reshape(b * n_pairs, n_cat, n_cat)
        totals = tabs.sum(axis=(1, 2))
        if poly.global_thresholds:
            marg = sums[:, split:].reshape(b, p, n_cat)
            with np.errstate(divide="ignore", invalid="ignore"):
                tau = ndtri(np.cumsum(marg, axis=2)[:, :, :-1] / marg.sum(axis=2, keepdims=True))
            tr = tau[:, iu].reshape(b * n_pairs, n_cat - 1)
            tc = tau[:, ju].reshape(b * n_pairs, n_cat - 1)
        else:
            tabs, tr, tc, _ = _pairwise_thresholds(tabs, totals, 0.5)
        rho, status = _fit_pairs(tabs, tr, tc, totals > 0, np.tile(start_pairs, b))
        problems += int((status != 0).sum() + (~np.isfinite(rho)).sum())
        mats = np.broadcast_to(np.eye(p), (b, p, p)).copy()
        rr = rho.reshape(b, n_pairs)
        mats[:, iu, ju] = rr
        mats[:, ju, iu] = rr
        ok = np.isfinite(rr).all(axis=1)
        mats[ok] = _smooth(mats[ok])
        a = np.full(b, np.nan)
        a[ok] = _alpha.std_alpha(mats[ok])
        alphas.append(a)
        if loadings is not None:
            o = np.full(b, np.nan)
            o[ok] = _alpha.one_factor(mats[ok], loadings).omega_total
            omegas.append(o)
        done += b
    if problems:
        diagnostics.append(
            f"bootstrap: {problems} pair estimate(s) across the draws were at the boundary, "
            "did not converge or had no common respondents"
        )
    diagnostics.append(
        "ordinal bootstrap: percentile intervals only (BCa would need a polychoric fit per "
        "left-out respondent)"
    )
    out: dict[str, tuple[float, float] | None] = {
        "alpha_boot": percentile_interval(np.concatenate(alphas), ci)
    }
    if omegas:
        out["omega_boot"] = percentile_interval(np.concatenate(omegas), ci)
    return out
