"""Ordinal (polychoric) alpha and omega: bootstrap of the polychoric matrix, vectorized.

Private helper of :mod:`dinamika.psychometrics.reliability.api`. Each bootstrap draw is a vector of multinomial
counts w, so every draw's pair contingency tables are ``W @ onehot(pair cells)`` — one matrix
product for a block of draws — and the polychoric likelihoods of all pairs of all draws are
maximized together (:func:`dinamika.psychometrics.polychoric.fit.fit_pairs`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.special import ndtri

from dinamika.i18n.messages import Message, Said
from dinamika.psychometrics.polychoric.api import PolychoricResult, _prepare
from dinamika.psychometrics.polychoric.fit import fit_pairs, pairwise_thresholds
from dinamika.psychometrics.reliability import alpha as _alpha
from dinamika.psychometrics.reliability.bootstrap import (
    _BLOCK_CELLS,
    _draw_weights,
    bca_interval,
    percentile_interval,
)

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


class _Replicates:
    """Ordinal alpha and omega of replicate data sets given their pair tables and margins."""

    def __init__(self, poly: PolychoricResult, p: int, n_cat: int, loadings: Array | None):
        self.poly = poly
        self.p = p
        self.n_cat = n_cat
        self.iu, self.ju = np.triu_indices(p, 1)
        full = poly.rho_unsmoothed if poly.rho_unsmoothed is not None else poly.rho
        self.start = full.to_numpy()[self.iu, self.ju]
        self.loadings = loadings
        self.problems = 0

    def __call__(self, tables: Array, margins: Array) -> tuple[Array, Array | None]:
        """tables: (b, pairs·K·K) counts; margins: (b, p·K) counts."""
        b = len(tables)
        k = self.n_cat
        n_pairs = len(self.iu)
        tabs = tables.reshape(b * n_pairs, k, k)
        totals = tabs.sum(axis=(1, 2))
        if self.poly.global_thresholds:
            marg = margins.reshape(b, self.p, k)
            with np.errstate(divide="ignore", invalid="ignore"):
                tau = ndtri(np.cumsum(marg, axis=2)[:, :, :-1] / marg.sum(axis=2, keepdims=True))
            tr = tau[:, self.iu].reshape(b * n_pairs, k - 1)
            tc = tau[:, self.ju].reshape(b * n_pairs, k - 1)
        else:
            tabs, tr, tc, _ = pairwise_thresholds(tabs, totals, 0.5)
        rho, status = fit_pairs(tabs, tr, tc, totals > 0, np.tile(self.start, b))
        self.problems += int((status != 0).sum() + (~np.isfinite(rho)).sum())
        mats = np.broadcast_to(np.eye(self.p), (b, self.p, self.p)).copy()
        rr = rho.reshape(b, n_pairs)
        mats[:, self.iu, self.ju] = rr
        mats[:, self.ju, self.iu] = rr
        ok = np.isfinite(rr).all(axis=1)
        mats[ok] = _smooth(mats[ok])
        alpha = np.full(b, np.nan)
        alpha[ok] = _alpha.std_alpha(mats[ok])
        if self.loadings is None:
            return alpha, None
        omega = np.full(b, np.nan)
        omega[ok] = _alpha.one_factor(mats[ok], self.loadings).omega_total
        return alpha, omega


def ordinal_bootstrap(
    keyed: pd.DataFrame,
    poly: PolychoricResult,
    n_boot: int,
    rng: np.random.Generator,
    ci: float,
    estimates: tuple[float, float],
    loadings: Array | None,
    diagnostics: list[str],
) -> dict[str, tuple[float, float] | None]:
    """Percentile and BCa intervals of ordinal alpha and omega from ``n_boot`` resamples.

    BCa's acceleration comes from the exact jackknife: leaving out a respondent only depends
    on the respondent's response pattern, so one polychoric fit per distinct pattern suffices
    (skipped, with a note, above 2,000,000 pattern × pair fits).
    """
    codes, _, n_cat = _prepare(keyed, "pairwise")
    n, p = codes.shape
    iu, ju = np.triu_indices(p, 1)
    n_pairs = len(iu)
    cells = np.arange(n_cat * n_cat)
    cats = np.arange(n_cat)
    split = n_pairs * n_cat * n_cat
    width = split + p * n_cat

    def hot(c: NDArray[np.int64]) -> NDArray[np.float32]:
        """One-hot pair cells and item categories of the rows c (float32, exact counts)."""
        cell = c[:, iu] * n_cat + c[:, ju]
        cell[(c[:, iu] < 0) | (c[:, ju] < 0)] = -1
        pair = (cell[:, :, None] == cells).reshape(len(c), split)
        item = (c[:, :, None] == cats).reshape(len(c), p * n_cat)
        return np.concatenate([pair, item], axis=1).astype(np.float32)

    rows = n if n * width <= 8 * _BLOCK_CELLS else max(1, _BLOCK_CELLS // width)
    cached = hot(codes) if rows == n else None
    fit = _Replicates(poly, p, n_cat, loadings)
    size_max = max(1, min(n_boot, _BLOCK_CELLS // n))
    alphas: list[Array] = []
    omegas: list[Array] = []
    total = np.zeros(width)
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
                sums += w[:, start:stop] @ hot(codes[start:stop])
        a, o = fit(sums[:, :split], sums[:, split:])
        alphas.append(a)
        if o is not None:
            omegas.append(o)
        done += b
    a_boot = np.concatenate(alphas)
    o_boot = np.concatenate(omegas) if omegas else None
    out: dict[str, tuple[float, float] | None] = {"alpha_boot": percentile_interval(a_boot, ci)}
    if o_boot is not None:
        out["omega_boot"] = percentile_interval(o_boot, ci)

    patterns, inverse, _ = np.unique(codes, axis=0, return_inverse=True, return_counts=True)
    if len(patterns) * n_pairs > 2_000_000:
        diagnostics.append(Said(Message("reliability.ordinal_no_bca", n=len(patterns))))
    else:
        if cached is not None:
            total = cached.sum(axis=0, dtype=np.float64)
        else:
            total = sum(
                (hot(codes[s : s + rows]).sum(axis=0, dtype=np.float64) for s in range(0, n, rows)),
                np.zeros(width),
            )
        a_jack: list[Array] = []
        o_jack: list[Array] = []
        step = max(1, _BLOCK_CELLS // (8 * width))
        for s in range(0, len(patterns), step):
            loo = total[None, :] - hot(patterns[s : s + step]).astype(np.float64)
            a, o = fit(loo[:, :split], loo[:, split:])
            a_jack.append(a)
            if o is not None:
                o_jack.append(o)
        inv = inverse.ravel()
        out["alpha_bca"] = bca_interval(a_boot, estimates[0], np.concatenate(a_jack)[inv], ci)
        if o_boot is not None and o_jack:
            out["omega_bca"] = bca_interval(o_boot, estimates[1], np.concatenate(o_jack)[inv], ci)
    if fit.problems:
        diagnostics.append(Said(Message("reliability.replicate_problems", n=fit.problems)))
    return out
