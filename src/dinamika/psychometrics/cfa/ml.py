"""Normal-theory maximum likelihood: discrepancy, Fisher scoring, expected information.

Per group the discrepancy is (lavaan, ``likelihood = "normal"``; S with divisor N)::

    F_g = log|Sigma| + tr(S Sigma^-1) - log|S| - p + (ybar - mu)' Sigma^-1 (ybar - mu)

and the fit function is F = sum_g (N_g / N) F_g, the chi-square statistic T = N F. The free
parameters are found by Fisher scoring (the expected Hessian of F is 2 I(theta) with the
per-observation information ``I_ab = 1/2 tr(Sigma^-1 dSigma_a Sigma^-1 dSigma_b) +
dmu_a' Sigma^-1 dmu_b``) with step halving; standard errors come from the expected information,
``vcov = (N I)^-1``, lavaan's default for complete data.

References
----------
Jöreskog, K. G. (1969). A general approach to confirmatory maximum likelihood factor analysis.
*Psychometrika*, 34, 183–202.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dinamika.psychometrics.cfa.model import Model

__all__ = ["GroupStats", "MLFit", "fit_ml", "ml_information", "start_values"]

Array = NDArray[Any]


@dataclass(frozen=True)
class GroupStats:
    """Sample statistics of one group: size, covariance (divisor N) and means."""

    n: int
    cov: Array
    mean: Array


@dataclass(frozen=True)
class MLFit:
    theta: Array
    fmin: float  # F = sum_g (N_g/N) F_g  (chi-square = N * fmin)
    iterations: int
    converged: bool
    message: str


def start_values(model: Model, covs: list[Array], means: list[Array]) -> Array:
    """Starting values: one-factor principal axes per factor, half the residual variance."""
    start = np.full(model.npar, np.nan)
    ov_i = {n: i for i, n in enumerate(model.ov)}
    items_of: dict[str, list[str]] = {f: [] for f in model.factors}
    marker_fixed: set[str] = set()
    for x in model.rows:
        if x.op == "=~" and x.group == 1 and x.lhs in items_of:
            items_of[x.lhs].append(x.rhs)
            if x.free == 0:
                marker_fixed.add(x.lhs)
    one_factor: dict[tuple[str, int], Array] = {}
    for r in model.rows:
        if r.free == 0 or not np.isnan(start[r.free - 1]):
            continue
        s, ybar = covs[r.group - 1], means[r.group - 1]
        val = 0.0
        if r.mat in ("lambda", "psi") and r.lhs in model.factors:
            items = items_of[r.lhs]
            key = (r.lhs, r.group)
            if key not in one_factor:
                idx = [ov_i[i] for i in items]
                w, v = np.linalg.eigh(s[np.ix_(idx, idx)])
                lam = np.sqrt(max(w[-1], 1e-3)) * v[:, -1]
                one_factor[key] = lam if lam[0] >= 0 else -lam
            lam = one_factor[key]
            std_lv = r.lhs not in marker_fixed
            marker = 1.0 if std_lv else (lam[0] if abs(lam[0]) > 1e-3 else 1.0)
            if r.mat == "lambda":
                val = lam[items.index(r.rhs)] / marker
            elif r.row == r.col:
                val = marker**2 if not std_lv else 1.0
        elif r.mat == "psi" and r.row == r.col:
            val = s[ov_i[r.lhs], ov_i[r.lhs]] if r.lhs in ov_i else 0.05
        elif r.mat == "theta" and r.row == r.col:
            val = 0.5 * s[r.row, r.row]
        elif r.mat == "nu":
            val = ybar[r.row]
        elif r.mat == "delta":
            val = 1.0
        start[r.free - 1] = val
    return start


def _group_terms(
    model: Model, theta: Array, stats: list[GroupStats], need_info: bool
) -> tuple[float, Array, Array | None, bool]:
    ntot = sum(st.n for st in stats)
    fval, grad = 0.0, np.zeros(model.npar)
    info = np.zeros((model.npar, model.npar)) if need_info else None
    for g, (mats, st) in enumerate(zip(model.fill(theta), stats, strict=True), start=1):
        sigma, mu, _ = model.implied(mats)
        sign, logdet = np.linalg.slogdet(sigma)
        if sign <= 0:
            return np.inf, grad, info, False
        sinv = np.linalg.inv(sigma)
        fg = st.n / ntot
        diff = st.mean - mu if model.meanstructure else np.zeros(model.p)
        _, logdet_s = np.linalg.slogdet(st.cov)
        f = logdet + np.trace(st.cov @ sinv) - logdet_s - model.p + diff @ sinv @ diff
        fval += fg * f
        d_s, d_m = model.derivatives(g, mats)
        w = sinv - sinv @ (st.cov + np.outer(diff, diff)) @ sinv
        grad += fg * (np.einsum("ij,aij->a", w, d_s) - 2.0 * d_m @ (sinv @ diff))
        if info is not None:
            k = np.matmul(sinv, d_s)  # Sigma^-1 dSigma_a, a = 1..npar
            kf = k.reshape(len(k), -1)
            ig = 0.5 * (kf @ k.transpose(0, 2, 1).reshape(len(k), -1).T)
            if model.meanstructure:
                ig += d_m @ sinv @ d_m.T
            info += fg * ig
    return fval, grad, info, True


def ml_information(model: Model, theta: Array, stats: list[GroupStats]) -> Array:
    """Expected information per observation, I = sum_g (N_g/N) I_g (multiply by N for vcov^-1)."""
    _, _, info, _ = _group_terms(model, theta, stats, True)
    return info if info is not None else np.zeros((model.npar, model.npar))


def fit_ml(
    model: Model, stats: list[GroupStats], start: Array, *, max_iter: int = 500, tol: float = 1e-10
) -> MLFit:
    """Minimize the ML discrepancy by Fisher scoring with step halving."""
    theta = start.copy()
    fval, grad, info, ok = _group_terms(model, theta, stats, True)
    if not ok:
        return MLFit(theta, np.inf, 0, False, "starting values give a non-positive-definite Sigma")
    for it in range(1, max_iter + 1):
        if info is None:  # pragma: no cover - always computed with need_info=True
            break
        try:
            step = -np.linalg.solve(2.0 * info, grad)
        except np.linalg.LinAlgError:
            step = -np.linalg.lstsq(2.0 * info, grad, rcond=None)[0]
        t = 1.0
        for _ in range(40):
            new = theta + t * step
            f_new, g_new, i_new, ok = _group_terms(model, new, stats, True)
            if ok and f_new <= fval + 1e-14 * max(1.0, abs(fval)):
                break
            t *= 0.5
        else:
            return MLFit(theta, fval, it, False, "line search failed")
        converged = abs(fval - f_new) < tol * max(1.0, abs(fval)) and np.max(np.abs(g_new)) < 1e-6
        theta, fval, grad, info = new, f_new, g_new, i_new
        if converged or np.max(np.abs(grad)) < 1e-10:
            return MLFit(theta, fval, it, True, "converged")
    return MLFit(theta, fval, max_iter, False, f"no convergence in {max_iter} iterations")
