"""Likelihood machinery of :mod:`dinamika.psychometrics.polychoric.api` (private): pair tables, thresholds,
cell probabilities and the joint Newton iteration over all pairs."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtri

from dinamika.psychometrics.polychoric.bvn import bvn_cdf_grid, bvn_pdf

__all__ = ["cor_smooth", "fit_pairs", "marginals", "pair_tables", "pairwise_thresholds"]

_EDGE = 1.0 - 1e-9  # |rho| never goes beyond this
_CHUNK_ROWS = 50_000  # rows per one-hot block: float32 counts stay exact (< 2**24)


def pair_tables(codes: NDArray[np.int64], n_cat: int) -> NDArray[np.int64]:
    """All pairwise contingency tables at once: (p, p, K, K) counts via one-hot cross-products."""
    n, p = codes.shape
    acc = np.zeros((p * n_cat, p * n_cat), dtype=np.float64)
    cats = np.arange(n_cat)
    for start in range(0, n, _CHUNK_ROWS):
        block = codes[start : start + _CHUNK_ROWS]
        onehot = (block[:, :, None] == cats).reshape(len(block), p * n_cat).astype(np.float32)
        acc += onehot.T @ onehot
    return np.rint(acc).astype(np.int64).reshape(p, n_cat, p, n_cat).transpose(0, 2, 1, 3)


def marginals(counts: NDArray[np.int64]) -> NDArray[np.int64]:
    """Category counts of every item (the diagonal blocks of the pair tables)."""
    p = counts.shape[0]
    return np.stack([np.diag(counts[i, i]) for i in range(p)])


def pairwise_thresholds(
    tabs: NDArray[np.float64], totals: NDArray[np.float64], correct: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], int]:
    """psych ``polyc(global = FALSE)``: correct empty cells, thresholds from each table's margins."""
    props = tabs / np.where(totals > 0, totals, 1.0)[:, None, None]
    row_used = props.sum(axis=2) > 0  # (P, K)
    col_used = props.sum(axis=1) > 0
    inside = row_used[:, :, None] & col_used[:, None, :]
    zero = inside & (props == 0)
    fixed = zero.any(axis=(1, 2)) & (correct > 0)
    if correct > 0:
        props = np.where(zero, correct / np.where(totals > 0, totals, 1.0)[:, None, None], props)
    tr = _margin_cuts(props.sum(axis=2), row_used)
    tc = _margin_cuts(props.sum(axis=1), col_used)
    return props, tr, tc, int(fixed.sum())


def _margin_cuts(margin: NDArray[np.float64], used: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Thresholds from (possibly corrected) margins; cuts at or above the last used category = +inf."""
    cum = np.clip(np.cumsum(margin, axis=1)[:, :-1], 0.0, 1.0)
    with np.errstate(divide="ignore"):
        cuts = ndtri(cum)
    last = used.shape[1] - 1 - np.argmax(used[:, ::-1], axis=1)  # last used category
    cut_idx = np.arange(margin.shape[1] - 1)
    return np.where(cut_idx[None, :] >= last[:, None], np.inf, cuts)


def _cells(
    tr: NDArray[np.float64], tc: NDArray[np.float64], rho: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Cell probabilities and their first and second derivatives in ρ, shape (P, K, K)."""
    inf = np.full((len(tr), 1), np.inf)
    rows = np.concatenate([-inf, tr, inf], axis=1)[:, :, None]
    cols = np.concatenate([-inf, tc, inf], axis=1)[:, None, :]
    r = rho[:, None, None]
    cdf = bvn_cdf_grid(rows[:, :, 0], cols[:, 0, :], rho)
    pdf = bvn_pdf(rows, cols, r)
    finite = np.isfinite(rows) & np.isfinite(cols)
    hr = np.where(finite, rows, 0.0)
    kc = np.where(finite, cols, 0.0)
    one = 1.0 - r * r
    dpdf = pdf * (r / one + (hr * kc * (1.0 + r * r) - r * (hr * hr + kc * kc)) / (one * one))

    def diff(g: NDArray[np.float64]) -> NDArray[np.float64]:
        return g[:, 1:, 1:] - g[:, :-1, 1:] - g[:, 1:, :-1] + g[:, :-1, :-1]

    return diff(cdf), diff(pdf), diff(dpdf)


def _start(tabs: NDArray[np.float64]) -> NDArray[np.float64]:
    """Pearson correlation of the codes, from each table (a good starting value)."""
    k = tabs.shape[1]
    c = np.arange(k, dtype=np.float64)
    tot = tabs.sum(axis=(1, 2))
    tot = np.where(tot > 0, tot, 1.0)
    pr = tabs.sum(axis=2) / tot[:, None]
    pc = tabs.sum(axis=1) / tot[:, None]
    mr, mc = pr @ c, pc @ c
    vr = pr @ c**2 - mr**2
    vc = pc @ c**2 - mc**2
    cov = np.einsum("pab,a,b->p", tabs, c, c) / tot - mr * mc
    with np.errstate(invalid="ignore", divide="ignore"):
        r0 = cov / np.sqrt(vr * vc)
    return np.clip(np.nan_to_num(r0), -0.95, 0.95)


def fit_pairs(
    tabs: NDArray[np.float64],
    tr: NDArray[np.float64],
    tc: NDArray[np.float64],
    ok: NDArray[np.bool_],
    start: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Maximize every pair's log-likelihood; status 0 ok, 1 boundary, 2 not converged."""
    n_pairs = len(tabs)
    rho = np.full(n_pairs, np.nan)
    status = np.zeros(n_pairs, dtype=np.int64)
    idx = np.flatnonzero(ok)
    if idx.size == 0:
        return rho, status
    t, a, b = tabs[idx], tr[idx], tc[idx]
    w = t / t.sum(axis=(1, 2))[:, None, None]
    cur = _start(t) if start is None else np.clip(start[idx], -0.99, 0.99)
    lo = np.full(idx.size, -_EDGE)
    hi = np.full(idx.size, _EDGE)
    active = np.ones(idx.size, dtype=bool)
    for _ in range(200):
        act = np.flatnonzero(active)
        if act.size == 0:
            break
        p, d1, d2 = _cells(a[act], b[act], cur[act])
        wa = w[act]
        pos = wa > 0
        pp = np.where(pos, np.maximum(p, 1e-300), 1.0)
        score = np.where(pos, wa * d1 / pp, 0.0).sum(axis=(1, 2))
        hess = np.where(pos, wa * (d2 / pp - (d1 / pp) ** 2), 0.0).sum(axis=(1, 2))
        info = np.where(pos, wa * (d1 / pp) ** 2, 0.0).sum(axis=(1, 2))
        r = cur[act]
        lo[act] = np.where(score > 0, r, lo[act])
        hi[act] = np.where(score <= 0, r, hi[act])
        curv = np.where(hess < 0, -hess, info)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = score / curv
        new = r + step
        outside = ~np.isfinite(new) | (new <= lo[act]) | (new >= hi[act])
        # A Newton step below the tolerance means r is the root to that precision, even when
        # rounding in the score puts r + step a hair outside the bracket (otherwise the
        # bisection fallback would creep toward the bracket's end, halving the gap per step).
        done = (np.abs(step) < 1e-10) | (hi[act] - lo[act] < 1e-10)
        new = np.where(outside, np.where(done, r, 0.5 * (lo[act] + hi[act])), new)
        cur[act] = new
        active[act[done]] = False
    status_sub = np.where(active, 2, 0)
    status_sub = np.where(np.abs(cur) >= _EDGE - 1e-8, 1, status_sub)
    rho[idx] = cur
    status[idx] = status_sub
    return rho, status


def cor_smooth(
    mat: NDArray[np.float64], eig_tol: float = 1e-12
) -> tuple[NDArray[np.float64], bool]:
    """psych ``cor.smooth``: fix eigenvalues below ``eig_tol`` when the smallest is < machine eps."""
    values, vectors = np.linalg.eigh(mat)
    if values.min() >= np.finfo(np.float64).eps:
        return mat, False
    values = np.where(values < eig_tol, 100 * eig_tol, values)
    values = values * len(values) / values.sum()
    cov = (vectors * values) @ vectors.T
    sd = np.sqrt(np.diag(cov))
    out = cov / np.outer(sd, sd)
    np.fill_diagonal(out, 1.0)
    return out, True
