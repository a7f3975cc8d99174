"""Full-information maximum likelihood (``missing="fiml"``) for ML fits.

Respondents are grouped by their pattern of answered items; pattern k (n_k respondents,
items o_k answered, mean ȳ_k and covariance S_k with divisor n_k) contributes::

    -2 logL_k = n_k [ p_k log 2π + log|Σ_oo| + tr(Σ_oo^-1 (S_k + d_k d_k')) ],  d_k = ȳ_k - μ_o

The model is fitted by minimizing F = -2 logL / N with quasi-Fisher steps (complete-data
expected information as the metric, step halving). The unrestricted (H1) means and
covariances come from the EM algorithm; χ² = 2 (logL_H1 - logL_H0). The baseline model
(independent items) is fitted item by item on the available answers. Standard errors use the
observed information (the Hessian of -logL, by central differences of the analytic gradient),
lavaan's default with ``missing = "ml"``. SRMR uses the EM estimates as sample moments.

Rows with no answered model item are dropped (reported in the diagnostics).

References
----------
Arbuckle, J. L. (1996). Full information estimation in the presence of incomplete data. In
G. A. Marcoulides & R. E. Schumacker (Eds.), *Advanced structural equation modeling*.

Little, R. J. A., & Rubin, D. B. (2002). *Statistical analysis with missing data* (2nd ed.),
ch. 11 (EM for the multivariate normal).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dinamika.i18n.messages import Message
from dinamika.psychometrics.cfa.ml import GroupStats, _group_terms
from dinamika.psychometrics.cfa.model import Model

__all__ = ["Pattern", "em_h1", "fit_fiml", "patterns"]

Array = NDArray[Any]
LOG2PI = math.log(2 * math.pi)
# Convergence of the FIML fit (F = -2 logL / N): the Newton decrement g' (2 I)^-1 g in the
# information metric (twice the predicted decrease of F) below 1e-13. F changes only by a
# constant when items change units, so the rule is the same for items on any scale (lavaan's
# nlminb stops on a relative change of the objective, rel.tol = 1e-10: a looser rule).
_DECREMENT_TOL = 1e-13


@dataclass(frozen=True)
class Pattern:
    """Respondents sharing one pattern of answered items."""

    obs: NDArray[np.intp]
    n: int
    mean: Array
    cov: Array  # divisor n


def patterns(x: Array) -> list[Pattern]:
    """Group the rows of ``x`` (NaN = missing) by missing-data pattern."""
    miss = np.isnan(x)
    keys, inverse = np.unique(miss, axis=0, return_inverse=True)
    out = []
    for k, key in enumerate(keys):
        rows = x[inverse.ravel() == k][:, ~key]
        mean = rows.mean(axis=0)
        dev = rows - mean
        out.append(Pattern(np.flatnonzero(~key), len(rows), mean, dev.T @ dev / len(rows)))
    return out


def loglik(pats: list[Pattern], mu: Array, sigma: Array) -> float:
    """Observed-data log-likelihood of one group."""
    total = 0.0
    for pt in pats:
        o = pt.obs
        s_oo = sigma[np.ix_(o, o)]
        d = pt.mean - mu[o]
        sign, logdet = np.linalg.slogdet(s_oo)
        if sign <= 0:
            return -np.inf
        inv = np.linalg.inv(s_oo)
        total += -0.5 * pt.n * (len(o) * LOG2PI + logdet + np.sum(inv * (pt.cov + np.outer(d, d))))
    return total


def em_h1(
    pats: list[Pattern], p: int, *, tol: float = 1e-11, max_iter: int = 10_000
) -> tuple[Array, Array, int]:
    """EM estimates of the unrestricted mean vector and covariance matrix (divisor N).

    E-step per pattern (answered o, missing m): ``B = Sigma_mo Sigma_oo^-1``,
    ``E[y_m] = mu_m + B (y_o - mu_o)``, ``Cov[y_m | y_o] = Sigma_mm - B Sigma_om``; patterns
    with the same number of answers are processed together. Stops when no mean moves by more
    than ``tol`` standard deviations and no covariance by more than ``tol`` times the product
    of the two standard deviations (scale-free: items in any unit converge alike).
    """
    n = sum(pt.n for pt in pats)
    t1 = np.zeros(p)
    cnt = np.zeros(p)
    for pt in pats:
        t1[pt.obs] += pt.n * pt.mean
        cnt[pt.obs] += pt.n
    mu = t1 / cnt
    var = np.zeros(p)
    for pt in pats:
        var[pt.obs] += pt.n * (np.diag(pt.cov) + (pt.mean - mu[pt.obs]) ** 2)
    sigma = np.diag(var / cnt)
    stacked = []
    for b in blocks(pats):
        miss = np.array([np.setdiff1d(np.arange(p), o) for o in b.idx], dtype=np.intp)
        miss = miss.reshape(len(b.idx), p - b.idx.shape[1])
        yy = b.cov + b.mean[:, :, None] * b.mean[:, None, :]  # mean of y_o y_o'
        stacked.append((b, miss, yy))
    for it in range(1, max_iter + 1):
        s1 = np.zeros(p)
        s2 = np.zeros((p, p))
        for b, miss, yy in stacked:
            o, m = b.idx, miss
            k = np.arange(len(b.n))[:, None, None]
            w = b.n
            ey = np.zeros((len(w), p))
            blk = np.zeros((len(w), p, p))
            ey[k[:, :, 0], o] = b.mean
            blk[k, o[:, :, None], o[:, None, :]] = yy
            if m.shape[1]:
                s_oo = sigma[o[:, :, None], o[:, None, :]]
                s_om = sigma[o[:, :, None], m[:, None, :]]
                s_mm = sigma[m[:, :, None], m[:, None, :]]
                beta = np.swapaxes(np.linalg.solve(s_oo, s_om), 1, 2)  # K × m × o
                a = mu[m] - np.einsum("kmo,ko->km", beta, mu[o])
                cond = s_mm - beta @ s_om
                bm = np.einsum("kmo,ko->km", beta, b.mean)
                ey[k[:, :, 0], m] = a + bm
                mo = a[:, :, None] * b.mean[:, None, :] + beta @ yy
                blk[k, m[:, :, None], o[:, None, :]] = mo
                blk[k, o[:, :, None], m[:, None, :]] = np.swapaxes(mo, 1, 2)
                blk[k, m[:, :, None], m[:, None, :]] = (
                    cond
                    + a[:, :, None] * a[:, None, :]
                    + a[:, :, None] * bm[:, None, :]
                    + bm[:, :, None] * a[:, None, :]
                    + beta @ yy @ np.swapaxes(beta, 1, 2)
                )
            s1 += w @ ey
            s2 += np.einsum("k,kij->ij", w, blk)
        new_mu = s1 / n
        new_sigma = s2 / n - np.outer(new_mu, new_mu)
        sd = np.sqrt(np.clip(np.diag(new_sigma), 1e-300, None))
        change = max(
            (np.abs(new_mu - mu) / sd).max(), (np.abs(new_sigma - sigma) / np.outer(sd, sd)).max()
        )
        mu, sigma = new_mu, new_sigma
        if change < tol:
            return mu, sigma, it
    return mu, sigma, max_iter


@dataclass(frozen=True)
class Block:
    """Patterns with the same number q of answered items, stacked for batched algebra."""

    idx: NDArray[np.intp]  # K × q answered items
    n: Array  # K
    mean: Array  # K × q
    cov: Array  # K × q × q


def blocks(pats: list[Pattern]) -> list[Block]:
    """Stack the patterns of one group by their number of answered items."""
    out = []
    for q in sorted({len(pt.obs) for pt in pats}):
        sel = [pt for pt in pats if len(pt.obs) == q]
        out.append(
            Block(
                np.array([pt.obs for pt in sel], dtype=np.intp),
                np.array([pt.n for pt in sel], dtype=float),
                np.array([pt.mean for pt in sel]),
                np.array([pt.cov for pt in sel]),
            )
        )
    return out


def _objective(
    model: Model, theta: Array, groups: list[list[Block]], ntot: int, grad: bool = True
) -> tuple[float, Array]:
    """F = -2 logL / N (without the 2π constant) and its gradient (patterns batched)."""
    f = 0.0
    g = np.zeros(model.npar)
    for gi, (mats, blks) in enumerate(zip(model.fill(theta), groups, strict=True), start=1):
        sigma, mu, _ = model.implied(mats)
        gs = np.zeros_like(sigma)
        gm = np.zeros_like(mu)
        for b in blks:
            rows, cols = b.idx[:, :, None], b.idx[:, None, :]
            s_oo = sigma[rows, cols]
            sign, logdet = np.linalg.slogdet(s_oo)
            if (sign <= 0).any():
                return np.inf, g
            inv = np.linalg.inv(s_oo)
            d = b.mean - mu[b.idx]
            c = b.cov + d[:, :, None] * d[:, None, :]
            w = b.n / ntot
            f += float(w @ (logdet + np.einsum("kij,kij->k", inv, c)))
            if grad:
                k = np.arange(len(b.n))
                full = np.zeros((len(b.n), model.p, model.p))
                full[k[:, None, None], rows, cols] = w[:, None, None] * (inv - inv @ c @ inv)
                gs += full.sum(axis=0)
                vec = np.zeros((len(b.n), model.p))
                vec[k[:, None], b.idx] = -2.0 * w[:, None] * np.einsum("kij,kj->ki", inv, d)
                gm += vec.sum(axis=0)
        if grad:
            d_s, d_m = model.derivatives(gi, mats)
            g += np.einsum("ij,aij->a", gs, d_s) + d_m @ gm
    return f, g


def fit_fiml(
    model: Model,
    patterns_g: list[list[Pattern]],
    h1: list[tuple[Array, Array]],
    start: Array,
    *,
    max_iter: int = 500,
) -> tuple[Array, float, int, bool, Array]:
    """Minimize the FIML discrepancy; returns (theta, F, iterations, converged, vcov)."""
    ntot = sum(pt.n for pats in patterns_g for pt in pats)
    groups = [blocks(p) for p in patterns_g]
    stats = [
        GroupStats(sum(pt.n for pt in pats), sig, mu)
        for pats, (mu, sig) in zip(patterns_g, h1, strict=True)
    ]
    theta = start.copy()
    fval, grad = _objective(model, theta, groups, ntot)
    converged, iterations = False, 0
    for it in range(1, max_iter + 1):
        iterations = it
        _, _, info, ok = _group_terms(model, theta, stats, True)
        if info is None or not ok:
            break
        try:
            step = -np.linalg.solve(2.0 * info, grad)
        except np.linalg.LinAlgError:
            break
        # Newton decrement in the information metric: twice the predicted decrease of F.
        # Invariant to the units of items and parameters (a gradient threshold is not: it
        # never triggers when items are on a scale of tens or hundreds).
        decrement = float(-grad @ step)
        if 0.0 <= decrement < _DECREMENT_TOL:
            converged = True
            break
        t = 1.0
        f_new, g_new = fval, grad
        for _ in range(40):
            f_new, g_new = _objective(model, theta + t * step, groups, ntot)
            if f_new <= fval + 1e-15 * max(1.0, abs(fval)):
                break
            t *= 0.5
        else:  # no decrease along the step: F is at its rounding floor, or the step is bad
            converged = 0.0 <= decrement < 1e-8
            break
        theta = theta + t * step
        fval, grad = f_new, g_new
    # observed information: Hessian of F by central differences of the analytic gradient
    h = np.zeros((model.npar, model.npar))
    for a in range(model.npar):
        eps = 1e-5 * max(1.0, abs(theta[a]))
        up = theta.copy()
        up[a] += eps
        dn = theta.copy()
        dn[a] -= eps
        h[a] = (_objective(model, up, groups, ntot)[1] - _objective(model, dn, groups, ntot)[1]) / (
            2 * eps
        )
    h = 0.5 * (h + h.T)
    vcov = np.linalg.pinv(0.5 * ntot * h)  # -logL = N F / 2
    return theta, fval, iterations, converged, vcov


def fiml_result(
    model_text: str,
    mod: Model,
    data_g: list[Array],
    labels: tuple[str, ...],
    notes: list[Message],
    rows: list[Any],
) -> Any:
    """Fit ``mod`` by FIML and assemble a :class:`~dinamika.cfa.result.CFAResult`."""
    from dinamika.psychometrics.cfa.fit import (
        FitMeasures,
        cfi,
        chisq_pvalue,
        rmsea,
        rmsea_ci,
        srmr_bentler,
        tli,
    )
    from dinamika.psychometrics.cfa.ml import start_values
    from dinamika.psychometrics.cfa.result import assemble

    groups = [patterns(x) for x in data_g]
    h1 = []
    for g, pats in enumerate(groups, start=1):
        mu, sig, em_iter = em_h1(pats, mod.p)
        h1.append((mu, sig))
        ev = np.linalg.eigvalsh(sig)
        if ev.min() <= 1e-12 * max(ev.max(), 1e-300):
            notes.append(Message("cfa.em_not_pd", group=g))
        if em_iter >= 10_000:
            notes.append(Message("cfa.em_not_converged", group=g))
    start = start_values(mod, [s for _, s in h1], [m for m, _ in h1])
    theta, _, iterations, converged, vcov = fit_fiml(mod, groups, h1, start)
    se = np.sqrt(np.clip(np.diag(vcov), 0, None))
    ns = [sum(pt.n for pt in pats) for pats in groups]
    ntot, ngr, p = sum(ns), len(groups), mod.p
    mats_all = mod.fill(theta)
    logl = logl_h1 = logl_b = 0.0
    sigmas, mus = [], []
    for pats, mats, (mu1, sig1) in zip(groups, mats_all, h1, strict=True):
        sigma, mu, _ = mod.implied(mats)
        sigmas.append(sigma)
        mus.append(mu)
        logl += loglik(pats, mu, sigma)
        logl_h1 += loglik(pats, mu1, sig1)
        # baseline: independent items, each fitted on its own available answers
        for j in range(p):
            parts = [
                (pt.n, pt.mean[k], pt.cov[k, k]) for pt in pats for k in np.flatnonzero(pt.obs == j)
            ]
            nj = sum(n for n, _, _ in parts)
            mj = sum(n * m for n, m, _ in parts) / nj
            vj = sum(n * (v + (m - mj) ** 2) for n, m, v in parts) / nj
            logl_b += -0.5 * nj * (LOG2PI + math.log(vj) + 1.0)
    chisq = 2.0 * (logl_h1 - logl)
    df = ngr * (p * (p + 1) // 2 + p) - mod.npar
    tb = 2.0 * (logl_h1 - logl_b)
    dfb = ngr * p * (p - 1) // 2
    lo, hi = rmsea_ci(chisq, df, ntot, ngr)
    fitm = FitMeasures(
        npar=mod.npar,
        ntotal=ntot,
        chisq=chisq,
        df=df,
        pvalue=chisq_pvalue(chisq, df),
        baseline_chisq=tb,
        baseline_df=dfb,
        cfi=cfi(chisq, df, tb, dfb),
        tli=tli(chisq, df, tb, dfb),
        rmsea=rmsea(chisq, df, ntot, ngr),
        rmsea_ci_lower=lo,
        rmsea_ci_upper=hi,
        srmr=srmr_bentler([s for _, s in h1], sigmas, [m for m, _ in h1], mus, ns),
        logl=logl,
        unrestricted_logl=logl_h1,
        aic=-2 * logl + 2 * mod.npar,
        bic=-2 * logl + mod.npar * math.log(ntot),
    )
    message = "converged" if converged else "no convergence"
    return assemble(
        model_text=model_text,
        estimator="ML",
        mod=mod,
        theta=theta,
        se=se,
        vcov=vcov,
        labels=labels,
        fit=fitm,
        converged=converged,
        iterations=iterations,
        message=message,
        notes=notes,
        n=ntot,
        data=tuple(data_g),
        stats=tuple(GroupStats(n, sig, mu) for n, (mu, sig) in zip(ns, h1, strict=True)),
        extra={"rows": rows, "missing": "fiml"},
    )
