"""Closed-form internal-consistency statistics and the one-factor omega, on stacks of matrices.

Private helper of :mod:`dinamika.psychometrics.reliability.api`. Every function takes covariance or correlation
matrices of shape ``(..., p, p)`` so the same code serves the estimate, 2,000 bootstrap draws
and n jackknife replicates at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "OneFactor",
    "alpha_raw",
    "cov_to_cor",
    "item_rest_r",
    "lambda6",
    "one_factor",
    "std_alpha",
    "summary_stats",
]

Array = NDArray[np.float64]


def cov_to_cor(c: Array) -> Array:
    """Correlation matrices from covariance matrices (R's ``cov2cor``)."""
    d = np.sqrt(np.diagonal(c, axis1=-2, axis2=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return c / (d[..., :, None] * d[..., None, :])


def alpha_raw(c: Array) -> Array:
    r"""Cronbach's alpha :math:`\frac{p}{p-1}\left(1 - \frac{\operatorname{tr} C}{1^\top C 1}\right)`."""
    p = c.shape[-1]
    tr = np.trace(c, axis1=-2, axis2=-1)
    tot = c.sum(axis=(-2, -1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return (1.0 - tr / tot) * p / (p - 1.0)


def std_alpha(r: Array) -> Array:
    r"""Standardized alpha :math:`\frac{p}{p-1}\left(1 - \frac{p}{1^\top R 1}\right)`."""
    p = r.shape[-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        return (1.0 - p / r.sum(axis=(-2, -1))) * p / (p - 1.0)


def average_r(r: Array) -> Array:
    """Mean off-diagonal correlation ``(1ᵀR1 − p) / (p (p − 1))``."""
    p = r.shape[-1]
    return (r.sum(axis=(-2, -1)) - p) / (p * (p - 1.0))


def smc(r: Array) -> Array:
    """Squared multiple correlations ``1 − 1/diag(R⁺)`` clipped to [0, 1] (psych ``smc``)."""
    inv = np.linalg.pinv(r, rcond=np.sqrt(np.finfo(np.float64).eps), hermitian=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = 1.0 - 1.0 / np.diagonal(inv, axis1=-2, axis2=-1)
    return np.clip(out, 0.0, 1.0)


def lambda6(r: Array) -> Array:
    r"""Guttman's :math:`\lambda_6 = 1 - \sum_i (1 - \mathrm{smc}_i) / 1^\top R 1` (psych ``G6(smc)``)."""
    p = r.shape[-1]
    return 1.0 - (p - smc(r).sum(axis=-1)) / r.sum(axis=(-2, -1))


def item_rest_r(c: Array) -> Array:
    r"""Correlation of each item with the sum of the others, from C (psych ``r.drop``).

    :math:`r_{i,\text{rest}} = \frac{\sum_{j\ne i} C_{ij}}{\sqrt{C_{ii}\, 1^\top C_{-i,-i} 1}}`
    """
    row = c.sum(axis=-1)
    diag = np.diagonal(c, axis1=-2, axis2=-1)
    rest_var = c.sum(axis=(-2, -1))[..., None] - 2.0 * row + diag
    with np.errstate(invalid="ignore", divide="ignore"):
        return (row - diag) / np.sqrt(diag * rest_var)


def summary_stats(c: Array) -> dict[str, Array]:
    """alpha, std_alpha, lambda6, average_r of one covariance matrix (or a stack)."""
    r = cov_to_cor(c)
    return {
        "alpha": alpha_raw(c),
        "std_alpha": std_alpha(r),
        "lambda6": lambda6(r),
        "average_r": average_r(r),
    }


def _gradient(lam: Array, off: Array) -> Array:
    """Gradient of ¼ Σ_{i≠j} (r_ij − λ_i λ_j)² (off: R with zero diagonal)."""
    sq = lam * lam
    return -np.einsum("bij,bj->bi", off, lam) + lam * (sq.sum(axis=1, keepdims=True) - sq)


def _hessian(lam: Array, off: Array) -> Array:
    """Hessian of the same: 2 λ_k λ_l − r_kl off the diagonal, Σ_{j≠k} λ_j² on it."""
    sq = lam * lam
    hess = 2.0 * lam[:, :, None] * lam[:, None, :] - off
    idx = np.arange(lam.shape[1])
    hess[:, idx, idx] = sq.sum(axis=1, keepdims=True) - sq
    return hess


@dataclass(frozen=True)
class OneFactor:
    """One-factor minres (unweighted least squares) solutions for a stack of correlation matrices."""

    loadings: Array  # (..., p)
    omega_total: Array  # (...) psych::omega(nfactors = 1)$omega.tot: 1 − Σψ / 1ᵀ(DRD)1
    omega_implied: Array  # (...) (Σλ)² / ((Σλ)² + Σψ), the model-implied denominator
    converged: NDArray[np.bool_]  # (...)
    heywood: NDArray[np.bool_]  # (...) some loading² ≥ 1


def one_factor(
    r: Array, start: Array | None = None, *, tol: float = 1e-12, max_iter: int = 100
) -> OneFactor:
    r"""One-factor minres fit and McDonald's omega total, for every matrix of a stack.

    Minimizes :math:`\sum_{i<j} (r_{ij} - \lambda_i \lambda_j)^2` (minres / ULS; the solution
    psych's ``fa(r, 1, fm = "minres")`` converges to): a few fixed-point sweeps
    :math:`\lambda_k \leftarrow \sum_{j\ne k} r_{kj}\lambda_j / \sum_{j \ne k}\lambda_j^2`, then
    Newton steps until :math:`\max|\Delta\lambda| <` ``tol``. Signs make :math:`\sum\lambda \ge 0`.
    Then, with :math:`\psi_i = 1 - \lambda_i^2` and D the diagonal of the loadings' signs
    (psych's ``flip``: an item loading negatively counts reversed),

    .. math:: \omega_t = 1 - \frac{\sum_i \psi_i}{1^\top D R D 1}
        \quad\text{(psych::omega(R, nfactors = 1)\$omega.tot)},\qquad
        \omega_{\text{implied}} = \frac{(\sum_i \lambda_i)^2}{(\sum_i \lambda_i)^2 + \sum_i \psi_i}.

    The two differ only in the denominator (observed total variance against the one the
    model implies) and agree when the one-factor model fits.
    """
    r = np.asarray(r, dtype=np.float64)
    batch = r.shape[:-2]
    p = r.shape[-1]
    rr = r.reshape(-1, p, p)
    finite = np.isfinite(rr).all(axis=(1, 2))
    if not finite.all():  # a matrix with undefined correlations has no fit: NaN
        nan = np.full(rr.shape[0], np.nan)
        lam_all = np.full((rr.shape[0], p), np.nan)
        conv = np.zeros(rr.shape[0], dtype=bool)
        out = [nan.copy(), nan.copy()]
        if finite.any():
            st = None if start is None else np.broadcast_to(start, (rr.shape[0], p))[finite]
            sub = one_factor(rr[finite], st, tol=tol, max_iter=max_iter)
            lam_all[finite] = sub.loadings
            out[0][finite], out[1][finite] = sub.omega_total, sub.omega_implied
            conv[finite] = sub.converged
        return OneFactor(
            loadings=lam_all.reshape(*batch, p),
            omega_total=out[0].reshape(batch),
            omega_implied=out[1].reshape(batch),
            converged=conv.reshape(batch),
            heywood=(np.nan_to_num(lam_all) ** 2 >= 1).any(axis=1).reshape(batch),
        )
    eye = np.eye(p, dtype=bool)
    off = np.where(eye, 0.0, rr)
    if start is None:
        # principal-axis start: leading eigenvector of R with squared multiple correlations
        # on the diagonal
        reduced = np.where(eye, smc(rr)[:, :, None] * np.eye(p), off)
        vals, vecs = np.linalg.eigh(reduced)
        lam = vecs[:, :, -1] * np.sqrt(np.maximum(vals[:, -1], 1e-8))[:, None]
    else:
        lam = np.array(np.broadcast_to(start, (rr.shape[0], p)), dtype=np.float64)
        lam = lam.copy()
    converged = np.zeros(rr.shape[0], dtype=bool)
    if start is None:
        for _ in range(8):
            ss = (lam * lam).sum(axis=1, keepdims=True) - lam * lam
            with np.errstate(invalid="ignore", divide="ignore"):
                lam = np.einsum("bij,bj->bi", off, lam) / ss
    else:
        # Warm start (bootstrap / jackknife replicates near one solution): quasi-Newton steps
        # with one Hessian, taken at the start and the batch's mean matrix. Converges linearly
        # at a rate of the order of the replicates' spread; stragglers get full Newton below.
        h0 = _hessian(lam[:1], off.mean(axis=0, keepdims=True))[0]
        try:
            h0_inv = np.linalg.inv(h0)
        except np.linalg.LinAlgError:
            h0_inv = np.full((p, p), np.nan)
        begin = lam.copy()
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(40 if np.isfinite(h0_inv).all() else 0):
                act = np.flatnonzero(~converged)
                if act.size == 0:
                    break
                step = _gradient(lam[act], off[act]) @ h0_inv.T
                lam[act] -= step
                done = np.abs(step).max(axis=1) < tol
                converged[act[done]] = True
        # a replicate far from the start (weakly correlated items) can run away under the
        # shared Hessian: restart it from the start and leave it to full Newton below
        away = ~(np.abs(lam) < 10).all(axis=1)
        lam[away], converged[away] = begin[away], False
    for _ in range(max_iter):
        act = np.flatnonzero(~converged)
        if act.size == 0:
            break
        la = lam[act]
        oa = off[act]
        sq = la * la
        ss = sq.sum(axis=1, keepdims=True)
        with np.errstate(over="ignore", invalid="ignore"):
            grad = _gradient(la, oa)
            hess = _hessian(la, oa)
        try:
            step = np.asarray(np.linalg.solve(hess, grad[:, :, None])[:, :, 0], dtype=np.float64)
        except np.linalg.LinAlgError:
            step = np.full(la.shape, np.nan)
        bad = ~np.isfinite(step).all(axis=1)
        if bad.any():  # singular Hessian: fall back to a fixed-point sweep
            with np.errstate(invalid="ignore", divide="ignore"):
                fp = np.einsum("bij,bj->bi", oa[bad], la[bad]) / (ss[bad] - sq[bad])
            step[bad] = la[bad] - fp
        lam[act] = la - step
        done = np.abs(step).max(axis=1) < tol
        converged[act[done]] = True
    sign = np.where(lam.sum(axis=1) < 0, -1.0, 1.0)
    lam = lam * sign[:, None]
    s = lam.sum(axis=1)
    psi = 1.0 - lam * lam
    flip = np.where(lam < 0, -1.0, 1.0)
    total = np.einsum("bi,bij,bj->b", flip, rr, flip)
    with np.errstate(invalid="ignore", divide="ignore"):
        implied = s * s / (s * s + psi.sum(axis=1))
        omega = 1.0 - psi.sum(axis=1) / total
    return OneFactor(
        loadings=lam.reshape(*batch, p),
        omega_total=omega.reshape(batch),
        omega_implied=implied.reshape(batch),
        converged=converged.reshape(batch),
        heywood=(lam * lam >= 1.0).any(axis=1).reshape(batch),
    )
