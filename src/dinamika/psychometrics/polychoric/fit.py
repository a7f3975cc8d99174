"""Likelihood machinery of :mod:`dinamika.psychometrics.polychoric.api` (private): pair tables, thresholds,
cell probabilities and the joint Newton iteration over all pairs."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtri

from dinamika.psychometrics.polychoric.bvn import R_GRID, bvn_cdf_grid, bvn_cdf_rho_grid, bvn_pdf

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
    cum = np.where(cum > 1.0 - 1e-12, 1.0, cum)  # a sum that is 1 up to rounding is 1 (cut +inf)
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


_GRID = R_GRID  # 29 values of rho, atanh-spaced, to within 2e-9 of +-1
_FLOOR = 1e-300  # probability floor: log(_FLOOR) = -690.8 per observation, no -inf


def loglik(
    w: NDArray[np.float64],
    tr: NDArray[np.float64],
    tc: NDArray[np.float64],
    rho: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Per-pair log-likelihood ``sum_ab w_ab log pi_ab(rho)`` (w: weights per cell, (P, K, K)).

    Probabilities below ``_FLOOR`` (including rounding noise at or below 0) count as
    ``_FLOOR``: a heavily penalized, finite value, so comparisons stay meaningful.
    """
    inf = np.full((len(tr), 1), np.inf)
    rows = np.concatenate([-inf, tr, inf], axis=1)
    cols = np.concatenate([-inf, tc, inf], axis=1)
    cdf = bvn_cdf_grid(rows, cols, rho)
    p = cdf[:, 1:, 1:] - cdf[:, :-1, 1:] - cdf[:, 1:, :-1] + cdf[:, :-1, :-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        logp = np.log(np.maximum(p, _FLOOR))
    out: NDArray[np.float64] = np.where(w > 0, w * logp, 0.0).sum(axis=(1, 2))
    return out


_CELL_ERR = 1e-5  # bound on the screening grid's error in a cell probability (4 CDF errors)


def _grid_loglik(
    w: NDArray[np.float64], tr: NDArray[np.float64], tc: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Screening log-likelihood of every pair at every grid value of rho, and an upper bound.

    Both (P, G). The bound uses ``p + _CELL_ERR`` for every cell probability ``p``: the exact
    log-likelihood at a grid value never exceeds it, so a grid value whose bound is below an
    estimate's exact log-likelihood cannot beat the estimate (no exact evaluation needed).
    """
    inf = np.full((len(tr), 1), np.inf)
    rows = np.concatenate([-inf, tr, inf], axis=1)[:, :, None]
    cols = np.concatenate([-inf, tc, inf], axis=1)[:, None, :]
    cdf = bvn_cdf_rho_grid(rows, cols)  # (P, K+1, K+1, G)
    p = cdf[:, 1:, 1:] - cdf[:, :-1, 1:] - cdf[:, 1:, :-1] + cdf[:, :-1, :-1]
    occupied = (w > 0)[..., None]
    with np.errstate(divide="ignore", invalid="ignore"):
        logp = np.where(occupied, np.log(np.maximum(p, _FLOOR)), 0.0)
        logu = np.where(occupied, np.log(np.minimum(np.maximum(p, 0.0) + _CELL_ERR, 1.0)), 0.0)
    approx = np.einsum("pab,pabg->pg", w, logp)
    upper = np.einsum("pab,pabg->pg", w, logu)
    return approx, upper


def _newton(
    w: NDArray[np.float64],
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    cur: NDArray[np.float64],
    lo: NDArray[np.float64],
    hi: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Safeguarded Newton on the score inside [lo, hi]; returns estimates and 'not converged'."""
    cur, lo, hi = cur.copy(), lo.copy(), hi.copy()
    active = np.ones(len(cur), dtype=bool)
    for it in range(120):
        act = np.flatnonzero(active)
        if act.size == 0:
            break
        r = cur[act]
        score, curv = _score(w[act], a[act], b[act], r)
        lo[act] = np.where(score > 0, r, lo[act])
        hi[act] = np.where(score <= 0, r, hi[act])
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            step = score / curv
            new = r + step
        outside = ~np.isfinite(new) | (new <= lo[act]) | (new >= hi[act])
        # A Newton step below the tolerance means r is the root to that precision, even when
        # rounding in the score puts r + step a hair outside the bracket.
        done = (np.isfinite(step) & (np.abs(step) < 1e-10)) | (hi[act] - lo[act] < 1e-10)
        # after 8 iterations every other step bisects: the bracket halves at least every
        # second step even where the likelihood is flat to rounding
        bisect = outside | (it >= 8 and it % 2 == 1)
        cur[act] = np.where(bisect, np.where(done, r, 0.5 * (lo[act] + hi[act])), new)
        active[act[done]] = False
    return cur, active


def _parabola(values: NDArray[np.float64], center: NDArray[np.intp]) -> NDArray[np.float64]:
    """Vertex of the parabola through the best grid value and its neighbours (a start value)."""
    g = len(_GRID)
    i = np.clip(center, 1, g - 2)
    x0, x1, x2 = _GRID[i - 1], _GRID[i], _GRID[i + 1]
    rows = np.arange(len(values))
    y0, y1, y2 = values[rows, i - 1], values[rows, i], values[rows, i + 1]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        num = (x1 - x0) ** 2 * (y1 - y2) - (x1 - x2) ** 2 * (y1 - y0)
        den = (x1 - x0) * (y1 - y2) - (x1 - x2) * (y1 - y0)
        vertex = x1 - 0.5 * num / den
    ok = np.isfinite(vertex) & (vertex > x0) & (vertex < x2) & (center == i)
    out: NDArray[np.float64] = np.where(ok, vertex, _GRID[center])
    return out


def fit_pairs(
    tabs: NDArray[np.float64],
    tr: NDArray[np.float64],
    tc: NDArray[np.float64],
    ok: NDArray[np.bool_],
    start: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Maximize every pair's profile log-likelihood on (-1, 1), globally.

    For all pairs at once: (1) a screening log-likelihood with an upper bound on a grid of
    29 values of rho (atanh-spaced, to within 2e-9 of +-1; :func:`bvn_cdf_rho_grid`);
    (2) a safeguarded Newton iteration inside the bracket formed by the best grid value's
    second neighbours (bisection whenever a step leaves the bracket or the score is not
    finite); (3) a check, with the exact likelihood, that no grid value beats the result:
    grid values whose upper bound could beat it are evaluated exactly. A pair that fails (3)
    or ends at an inner end of its bracket is bracketed again around the better grid value
    (up to 3 passes); one still failing is flagged (status 2) and keeps the best value seen.
    ``start`` (a previous estimate) is the first Newton point when it lies in the bracket.

    Returns the estimates and a status per pair: 0 ok, 1 maximum at the boundary (the
    likelihood at |rho| = 1 - 1e-9 is as high as anywhere: a (nearly) perfectly ordered
    table; rho is then that edge), 2 not converged.
    """
    n_pairs = len(tabs)
    rho = np.full(n_pairs, np.nan)
    status = np.zeros(n_pairs, dtype=np.int64)
    idx = np.flatnonzero(ok)
    if idx.size == 0:
        return rho, status
    t, a, b = tabs[idx], tr[idx], tc[idx]
    w = t / t.sum(axis=(1, 2))[:, None, None]
    m, g = idx.size, len(_GRID)
    approx, upper = _grid_loglik(w, a, b)
    exact = np.full((m, g), np.nan)  # exact log-likelihood where it was needed
    center = np.argmax(approx, axis=1)
    cur = _parabola(approx, center)
    if start is not None:
        s0 = start[idx]
        inside = np.abs(s0 - cur) < np.abs(_GRID[np.minimum(center + 2, g - 1)] - cur)
        cur = np.where(np.isfinite(s0) & inside, s0, cur)
    final = np.full(m, -np.inf)
    failed = np.zeros(m, dtype=bool)
    todo = np.arange(m)
    for _ in range(3):
        lo0 = np.where(center[todo] >= 2, _GRID[np.maximum(center[todo] - 2, 0)], -_EDGE)
        hi0 = np.where(center[todo] <= g - 3, _GRID[np.minimum(center[todo] + 2, g - 1)], _EDGE)
        est, active = _newton(w[todo], a[todo], b[todo], np.clip(cur[todo], lo0, hi0), lo0, hi0)
        ll = loglik(w[todo], a[todo], b[todo], est)
        better = ll > final[todo]  # keep the best value seen over passes
        cur[todo] = np.where(better, est, cur[todo])
        final[todo] = np.where(better, ll, final[todo])
        tol = 1e-10 * (1.0 + np.abs(final[todo]))
        need = (upper[todo] > (final[todo] + tol)[:, None]) & np.isnan(exact[todo])
        pi, gi = np.nonzero(need)
        if pi.size:
            rows = todo[pi]
            exact[rows, gi] = loglik(w[rows], a[rows], b[rows], _GRID[gi])
        known = np.where(np.isnan(exact[todo]), -np.inf, exact[todo])
        beaten = known.max(axis=1) > final[todo] + tol
        inner_end = ((np.abs(est - lo0) < 1e-8) & (lo0 > -_EDGE)) | (
            (np.abs(est - hi0) < 1e-8) & (hi0 < _EDGE)
        )
        failed[todo] = beaten | inner_end | active
        redo = beaten | inner_end
        if not redo.any():
            break
        nearest = np.abs(_GRID[None, :] - est[:, None]).argmin(axis=1)
        center[todo] = np.where(beaten, known.argmax(axis=1), nearest)
        cur[todo] = np.where(beaten, _GRID[center[todo]], cur[todo])
        final[todo] = np.where(beaten, known.max(axis=1), final[todo])
        todo = todo[redo]
    status_sub = np.where(failed, 2, 0)
    # maximum at the boundary: the likelihood at the edge is as high as at the estimate (to
    # rounding); the estimate is then the edge itself (deterministic, not rounding noise)
    near = np.flatnonzero(np.abs(cur) > 0.99)
    if near.size:
        edge = np.where(cur[near] >= 0, _EDGE, -_EDGE)
        ll_edge = loglik(w[near], a[near], b[near], edge)
        at_edge = ll_edge >= final[near] - 1e-10 * (1.0 + np.abs(final[near]))
        cur[near] = np.where(at_edge, edge, cur[near])
        status_sub[near] = np.where(at_edge, 1, status_sub[near])
    rho[idx] = cur
    status[idx] = status_sub
    return rho, status


def _score(
    w: NDArray[np.float64], a: NDArray[np.float64], b: NDArray[np.float64], r: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Score and a positive curvature (-Hessian, or the information where that is not > 0)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        p, d1, d2 = _cells(a, b, r)
        return _score_terms(w, w > 0, p, d1, d2)


def _score_terms(
    w: NDArray[np.float64],
    pos: NDArray[np.bool_],
    p: NDArray[np.float64],
    d1: NDArray[np.float64],
    d2: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    pp = np.where(pos, np.maximum(p, _FLOOR), 1.0)
    ratio = np.where(pos, d1 / pp, 0.0)
    score = (w * ratio).sum(axis=(1, 2))
    hess = (w * (np.where(pos, d2 / pp, 0.0) - ratio * ratio)).sum(axis=(1, 2))
    info = (w * ratio * ratio).sum(axis=(1, 2))
    curv = np.where(hess < 0, -hess, info)
    return score, curv


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
