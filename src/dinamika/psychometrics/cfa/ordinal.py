"""Sample statistics for ordered items: thresholds, polychoric correlations and their NACOV.

Two-step estimation as in lavaan (Olsson, 1979; Muthén, 1984):

1. Thresholds of item i: ``tau_ik = Phi^-1(P(y_i <= k))`` (univariate ML).
2. Polychoric correlation of each pair: ML of ``sum_ab n_ab log P_ab(rho)`` with the
   thresholds fixed, ``P_ab = Phi2(u_a, u_b; rho) - Phi2(l_a, u_b) - Phi2(u_a, l_b) +
   Phi2(l_a, l_b)`` (Fisher scoring, all pairs at once).
3. Asymptotic covariance of (thresholds, correlations) from the case-wise scores of the two
   steps (lavaan's ``muthen1984``): with ``A11`` the block-diagonal outer products of the
   threshold scores, ``A21`` the cross products of the correlation scores with the bivariate
   threshold scores, ``A22`` the diagonal of the squared correlation scores and ``INNER`` the
   cross product of all scores, ``B = [[A11, 0], [A21, A22]]`` and
   ``ACOV = B^-1 INNER B^-T``; ``NACOV (Gamma) = N ACOV``. A11, A21 and A22 come in closed
   form from the category counts and pair tables, and ACOV is accumulated over row blocks as
   ``(S B^-T)' (S B^-T)`` (S the case-wise scores), so no N × moments array is ever built:
   96 items at 100,000 respondents peak at 1.2 GB resident.

For binary items lavaan adds 0.5 to empty cells of 2×2 tables; that correction is not
implemented (a warning is returned when a table has an empty cell).

References
----------
Olsson, U. (1979). Maximum likelihood estimation of the polychoric correlation coefficient.
*Psychometrika*, 44, 443–460.

Muthén, B. (1984). A general structural equation model with dichotomous, ordered categorical,
and continuous latent variable indicators. *Psychometrika*, 49, 115–132.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr, ndtri

from dinamika.errors import UsageError
from dinamika.i18n.messages import Message
from dinamika.psychometrics.polychoric.bvn import bvn_cdf, bvn_pdf

__all__ = ["OrdinalStats", "ordinal_stats", "recode_ordinal"]

Array = NDArray[Any]
_PHI = 1.0 / np.sqrt(2.0 * np.pi)


@dataclass(frozen=True)
class OrdinalStats:
    """Thresholds, polychoric correlations and their NACOV for one group."""

    n: int
    thresholds: Array  # all items, item by item
    th_item: Array  # item index of each threshold
    cor: Array  # p×p polychoric correlation matrix
    nacov: Array  # (nth + p(p-1)/2) square, N × asymptotic covariance
    warnings: tuple[Message, ...]

    @property
    def vector(self) -> Array:
        """Sample statistics in lavaan's order: thresholds, then vech of cor (no diagonal)."""
        p = self.cor.shape[0]
        r, c = _pairs(p)
        return np.concatenate([self.thresholds, self.cor[r, c]])


def _pairs(p: int) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Row/column of lavaan's ``vech(., diagonal = FALSE)`` (column-wise lower triangle)."""
    cols, rows = np.triu_indices(p, 1)  # (col, row) with row > col, ordered by column
    return rows, cols


def recode_ordinal(
    groups: list[Array], names: list[str]
) -> tuple[list[NDArray[np.intp]], list[int]]:
    """Codes 0..K-1 per item from the values observed over all groups (-1 = missing)."""
    allx = np.vstack(groups)
    levels = [np.unique(allx[~np.isnan(allx[:, j]), j]) for j in range(allx.shape[1])]
    for j, lev in enumerate(levels):
        if len(lev) < 2:
            raise UsageError(f"item {names[j]!r} has a single observed category; drop it")
    out = []
    for x in groups:
        codes = np.column_stack([np.searchsorted(levels[j], x[:, j]) for j in range(x.shape[1])])
        codes[np.isnan(x)] = -1
        out.append(codes.astype(np.intp))
    return out, [len(lev) for lev in levels]


def _bounds(tau: Array, k: int) -> tuple[Array, Array]:
    """Lower/upper latent bounds of categories 0..k-1."""
    full = np.concatenate([[-np.inf], tau, [np.inf]])
    return full[:-1], full[1:]


def ordinal_stats(
    codes: NDArray[np.intp], nlev: list[int], names: list[str] | None = None, group: str = ""
) -> OrdinalStats:
    """Two-step thresholds/polychorics and their NACOV for one group (see module docstring).

    Missing answers (code -1) are handled pairwise, as lavaan's ``missing = "pairwise"``:
    thresholds from each item's answers, polychorics from each pair's complete answers, and
    zero case-wise scores where an answer is missing; NACOV is scaled by the number of rows.
    """
    n, p = codes.shape
    observed = codes >= 0
    codes = np.where(observed, codes, 0)
    warnings: list[Message] = []
    kmax = max(nlev)
    # -- step 1: thresholds -------------------------------------------------------------------
    taus, lo, up = [], np.full((p, kmax), np.inf), np.full((p, kmax), np.inf)
    th_item: list[int] = []
    th_start = []
    for j in range(p):
        counts = np.bincount(codes[observed[:, j], j], minlength=nlev[j])
        if (counts == 0).any():
            item = names[j] if names else f"number {j + 1}"
            where = f" in group {group!r}" if group else ""
            raise UsageError(
                f"item {item} has an answer category nobody chose{where} (counts per category: "
                f"{counts.tolist()}); thresholds cannot be estimated. Collapse rare categories "
                "(e.g. recode 1 and 2 together) or use estimator='ML'"
            )
        t = ndtri(np.cumsum(counts)[:-1] / counts.sum())
        th_start.append(len(th_item))
        taus.append(t)
        th_item += [j] * len(t)
        lo[j, : nlev[j]], up[j, : nlev[j]] = _bounds(t, nlev[j])
    tau = np.concatenate(taus)
    nth = len(tau)
    # univariate scores: a respondent's threshold scores depend only on the item's category,
    # so item j has one score vector per category: cat_scores[j, category, t] for its
    # thresholds t (column th_col[j, t] of the scores; padding goes to a spare column nth)
    cat_scores = np.zeros((p, kmax, kmax - 1))
    th_col = np.full((p, kmax - 1), nth)
    for j in range(p):
        k = np.arange(nlev[j])
        pk = ndtr(up[j, k]) - ndtr(lo[j, k])
        cat_scores[j, k[:-1], k[:-1]] += _phi(up[j, k[:-1]]) / pk[:-1]
        cat_scores[j, k[1:], k[1:] - 1] -= _phi(lo[j, k[1:]]) / pk[1:]
        th_col[j, : nlev[j] - 1] = th_start[j] + np.arange(nlev[j] - 1)
    # -- step 2: polychorics, all pairs at once ------------------------------------------------
    pr, pc = _pairs(p)
    npair = len(pr)
    block = _block_rows(npair)
    counts_flat = np.zeros(npair * kmax * kmax)
    for b0 in range(0, n, block):  # row blocks: no N × npair array
        cb, ob = codes[b0 : b0 + block], observed[b0 : b0 + block]
        flat = (np.arange(npair)[None, :] * kmax + cb[:, pr]) * kmax + cb[:, pc]
        both = ob[:, pr] & ob[:, pc]  # pairwise complete
        counts_flat += np.bincount(flat[both], minlength=npair * kmax * kmax)
    tables = counts_flat.reshape(npair, kmax, kmax)
    la, ua = lo[pr][:, :, None], up[pr][:, :, None]  # item 1 (rows)
    lb, ub = lo[pc][:, None, :], up[pc][:, None, :]  # item 2 (cols)
    valid = (la != np.inf) & (lb != np.inf)  # padded categories have both bounds at +inf
    if (np.where(valid, tables, 1.0) == 0).any():
        warnings.append(Message("cfa.empty_cells"))
    rho = _start_rho(tables, kmax)
    n_pair = tables.sum(axis=(1, 2))
    bnd = np.concatenate([lo[:, :1], up], axis=1)  # p × (kmax + 1) category boundaries
    bnd_a, bnd_b = bnd[pr], bnd[pc]
    for _ in range(100):
        prob, dprob = _cell_probs(bnd_a, bnd_b, rho, valid)
        score = np.sum(np.where(valid, tables * dprob / prob, 0.0), axis=(1, 2))
        info = n_pair * np.sum(np.where(valid, dprob**2 / prob, 0.0), axis=(1, 2))
        step = score / info
        new = np.clip(rho + step, -0.9999, 0.9999)
        done = np.max(np.abs(new - rho)) < 1e-12
        rho = new
        if done:
            break
    prob, dprob = _cell_probs(bnd_a, bnd_b, rho, valid)
    for q in np.flatnonzero(np.abs(rho) > 0.99):  # lavaan's check (lav_samplestats_step2)
        a_name = names[pr[q]] if names else f"#{pr[q] + 1}"
        b_name = names[pc[q]] if names else f"#{pc[q] + 1}"
        warnings.append(Message("cfa.duplicate_items", a=b_name, b=a_name, rho=f"{rho[q]:+.4f}"))
    cor = np.eye(p)
    cor[pr, pc] = rho
    cor[pc, pr] = rho
    # -- step 3: NACOV (lavaan's muthen1984) ----------------------------------------------------
    s = np.sqrt(1.0 - rho**2)[:, None, None]
    r3 = rho[:, None, None]
    with np.errstate(invalid="ignore"):
        # d P_ab / d u_a (upper bound of row category a) and d / d l_a
        d_ua = _phi(ua) * (_ndtr_safe((ub - r3 * ua) / s) - _ndtr_safe((lb - r3 * ua) / s))
        d_la = _phi(la) * (_ndtr_safe((ub - r3 * la) / s) - _ndtr_safe((lb - r3 * la) / s))
        d_ub = _phi(ub) * (_ndtr_safe((ua - r3 * ub) / s) - _ndtr_safe((la - r3 * ub) / s))
        d_lb = _phi(lb) * (_ndtr_safe((ua - r3 * lb) / s) - _ndtr_safe((la - r3 * lb) / s))
    safe_p = np.where(valid, prob, 1.0)
    cell_rho = np.where(valid, dprob / safe_p, 0.0)
    # A21: cross products of the rho scores with the bivariate threshold scores,
    # sum_ab n_ab s_rho(ab) d log P_ab / d tau; tau_{i,t} bounds row t above, row t+1 below
    w = tables * cell_rho
    up_i = (w * np.where(valid, d_ua / safe_p, 0.0)).sum(axis=2)  # npair × kmax (rows)
    lo_i = (w * np.where(valid, d_la / safe_p, 0.0)).sum(axis=2)
    up_j = (w * np.where(valid, d_ub / safe_p, 0.0)).sum(axis=1)  # npair × kmax (cols)
    lo_j = (w * np.where(valid, d_lb / safe_p, 0.0)).sum(axis=1)
    a21 = np.zeros((npair, nth))
    starts = np.array(th_start)
    levels = np.array(nlev)
    qq = np.arange(npair)
    for t in range(kmax - 1):
        for which, up_x, lo_x in ((pr, up_i, lo_i), (pc, up_j, lo_j)):
            ok = t < levels[which] - 1
            a21[qq[ok], starts[which[ok]] + t] = up_x[ok, t] - lo_x[ok, t + 1]
    # A11 (per item: sum over categories of count × score outer product) and A22 (sum of the
    # squared rho scores) in closed form from the counts and the pair tables
    a11 = np.zeros((nth, nth))
    for j in range(p):
        idx = slice(th_start[j], th_start[j] + nlev[j] - 1)
        counts = np.bincount(codes[observed[:, j], j], minlength=kmax).astype(float)
        v = cat_scores[j][:, : nlev[j] - 1]
        a11[idx, idx] = v.T @ (counts[:, None] * v)
    a22 = np.sum(tables * cell_rho**2, axis=(1, 2))
    a11_inv = np.zeros((nth, nth))  # block-diagonal: one small inverse per item
    for j in range(p):
        idx = slice(th_start[j], th_start[j] + nlev[j] - 1)
        a11_inv[idx, idx] = np.linalg.inv(a11[idx, idx])
    a21_inv = -(a21 / a22[:, None]) @ a11_inv
    # row q of A21^-1 lives on the thresholds of the pair's two items only: keep those
    # (npair × (kmax - 1) per item) and apply them to each item's own scores
    a21_pad = np.concatenate([a21_inv, np.zeros((npair, 1))], axis=1)
    a_row, a_col = a21_pad[qq[:, None], th_col[pr]], a21_pad[qq[:, None], th_col[pc]]
    # ACOV = B^-1 INNER B^-T = (S B^-T)' (S B^-T) with S the case-wise scores: accumulated over
    # row blocks of the transformed scores, so neither S (N × moments) nor INNER exists
    acov = np.zeros((nth + npair, nth + npair))
    items = np.arange(p)
    for b0 in range(0, n, block):
        cb, ob = codes[b0 : b0 + block], observed[b0 : b0 + block]
        sc_item = cat_scores[items, cb] * ob[:, :, None]  # rows × items × thresholds
        sc_th = np.zeros((len(cb), nth + 1))
        sc_th[:, th_col.ravel()] = sc_item.reshape(len(cb), -1)
        sc_th = sc_th[:, :nth]
        sc_cor = cell_rho[qq[None, :], cb[:, pr], cb[:, pc]] * (ob[:, pr] & ob[:, pc])
        sc_cor /= a22
        sc_cor += np.einsum("iqt,qt->iq", sc_item[:, pr], a_row)
        sc_cor += np.einsum("iqt,qt->iq", sc_item[:, pc], a_col)
        t_all = np.hstack([sc_th @ a11_inv, sc_cor])
        acov += t_all.T @ t_all
    return OrdinalStats(n, tau, np.array(th_item), cor, n * acov, tuple(warnings))


def _block_rows(npair: int) -> int:
    """Rows per block so a block's N × npair arrays stay near 4 million cells."""
    return max(64, (1 << 22) // max(npair, 1))


def _phi(x: Array) -> Array:
    out: Array = np.where(
        np.isfinite(x), _PHI * np.exp(-0.5 * np.where(np.isfinite(x), x, 0) ** 2), 0.0
    )
    return out


def _ndtr_safe(x: Array) -> Array:
    out: Array = ndtr(np.nan_to_num(x, nan=0.0, posinf=np.inf, neginf=-np.inf))
    return out


def _cell_probs(bnd_a: Array, bnd_b: Array, rho: Array, valid: Array) -> tuple[Array, Array]:
    """Cell probabilities and their derivative in rho, for all pairs at once.

    ``bnd_a``/``bnd_b`` (npair × (kmax + 1)) are the category boundaries of the two items
    (``-inf, tau_1, ..., +inf``, padded with ``+inf``); the bivariate CDF and density are
    evaluated once on the boundary grid and differenced into cells.
    """
    h = bnd_a[:, :, None]
    k = bnd_b[:, None, :]
    r = np.broadcast_to(rho[:, None, None], (len(rho), h.shape[1], k.shape[2]))
    hh, kk = np.broadcast_arrays(h, k)
    cdf = bvn_cdf(hh, kk, r)
    pdf = bvn_pdf(hh, kk, r)

    def cells(x: Array) -> Array:
        out: Array = x[:, 1:, 1:] - x[:, :-1, 1:] - x[:, 1:, :-1] + x[:, :-1, :-1]
        return out

    prob = np.where(valid, np.maximum(cells(cdf), 1e-300), 1.0)
    return prob, np.where(valid, cells(pdf), 0.0)


def _start_rho(tables: Array, kmax: int) -> Array:
    """Pearson correlation of the category codes as a starting value."""
    k = np.arange(kmax, dtype=float)
    n = tables.sum(axis=(1, 2))
    pa, pb = tables.sum(axis=2) / n[:, None], tables.sum(axis=1) / n[:, None]
    ma, mb = pa @ k, pb @ k
    va, vb = pa @ k**2 - ma**2, pb @ k**2 - mb**2
    cab = np.einsum("qab,a,b->q", tables, k, k) / n - ma * mb
    out: Array = np.clip(cab / np.sqrt(va * vb), -0.95, 0.95)
    return out
