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

from dinamika.cfa.ml import GroupStats, _group_terms
from dinamika.cfa.model import Model

__all__ = ["Pattern", "em_h1", "fit_fiml", "patterns"]

Array = NDArray[Any]
LOG2PI = math.log(2 * math.pi)


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
    pats: list[Pattern], p: int, *, tol: float = 1e-12, max_iter: int = 10_000
) -> tuple[Array, Array, int]:
    """EM estimates of the unrestricted mean vector and covariance matrix (divisor N)."""
    n = sum(pt.n for pt in pats)
    t1 = np.zeros(p)
    cnt = np.zeros(p)
    for pt in pats:
        t1[pt.obs] += pt.n * pt.mean
        cnt[pt.obs] += pt.n
    mu = t1 / cnt
    sigma = np.eye(p)
    var = np.zeros(p)
    for pt in pats:
        var[pt.obs] += pt.n * (np.diag(pt.cov) + (pt.mean - mu[pt.obs]) ** 2)
    sigma = np.diag(var / cnt)
    for it in range(1, max_iter + 1):
        s1 = np.zeros(p)
        s2 = np.zeros((p, p))
        for pt in pats:
            o = pt.obs
            m = np.setdiff1d(np.arange(p), o)
            yy = pt.cov + np.outer(pt.mean, pt.mean)  # mean of y_o y_o'
            if len(m) == 0:
                s1 += pt.n * pt.mean
                s2 += pt.n * yy
                continue
            beta = np.linalg.solve(sigma[np.ix_(o, o)], sigma[np.ix_(o, m)]).T  # m × o
            a = mu[m] - beta @ mu[o]
            cond = sigma[np.ix_(m, m)] - beta @ sigma[np.ix_(o, m)]
            ey = np.empty(p)
            ey[o] = pt.mean
            ey[m] = a + beta @ pt.mean
            block = np.empty((p, p))
            block[np.ix_(o, o)] = yy
            mo = np.outer(a, pt.mean) + beta @ yy
            block[np.ix_(m, o)] = mo
            block[np.ix_(o, m)] = mo.T
            block[np.ix_(m, m)] = (
                cond
                + np.outer(a, a)
                + np.outer(a, beta @ pt.mean)
                + np.outer(beta @ pt.mean, a)
                + beta @ yy @ beta.T
            )
            s1 += pt.n * ey
            s2 += pt.n * block
        new_mu = s1 / n
        new_sigma = s2 / n - np.outer(new_mu, new_mu)
        change = max(np.abs(new_mu - mu).max(), np.abs(new_sigma - sigma).max())
        mu, sigma = new_mu, new_sigma
        if change < tol:
            return mu, sigma, it
    return mu, sigma, max_iter


def _objective(
    model: Model, theta: Array, groups: list[list[Pattern]], ntot: int, grad: bool = True
) -> tuple[float, Array]:
    """F = -2 logL / N (without the 2π constant) and its gradient."""
    f = 0.0
    g = np.zeros(model.npar)
    for gi, (mats, pats) in enumerate(zip(model.fill(theta), groups, strict=True), start=1):
        sigma, mu, _ = model.implied(mats)
        gs = np.zeros_like(sigma)
        gm = np.zeros_like(mu)
        for pt in pats:
            o = pt.obs
            s_oo = sigma[np.ix_(o, o)]
            sign, logdet = np.linalg.slogdet(s_oo)
            if sign <= 0:
                return np.inf, g
            inv = np.linalg.inv(s_oo)
            d = pt.mean - mu[o]
            c = pt.cov + np.outer(d, d)
            f += pt.n / ntot * (logdet + np.sum(inv * c))
            if grad:
                gs[np.ix_(o, o)] += pt.n / ntot * (inv - inv @ c @ inv)
                gm[o] += -2.0 * pt.n / ntot * (inv @ d)
        if grad:
            d_s, d_m = model.derivatives(gi, mats)
            g += np.einsum("ij,aij->a", gs, d_s) + d_m @ gm
    return f, g


def fit_fiml(
    model: Model,
    groups: list[list[Pattern]],
    h1: list[tuple[Array, Array]],
    start: Array,
    *,
    max_iter: int = 500,
) -> tuple[Array, float, int, bool, Array]:
    """Minimize the FIML discrepancy; returns (theta, F, iterations, converged, vcov)."""
    ntot = sum(pt.n for pats in groups for pt in pats)
    stats = [
        GroupStats(sum(pt.n for pt in pats), sig, mu)
        for pats, (mu, sig) in zip(groups, h1, strict=True)
    ]
    theta = start.copy()
    fval, grad = _objective(model, theta, groups, ntot)
    converged, iterations = False, 0
    for it in range(1, max_iter + 1):
        iterations = it
        _, _, info, ok = _group_terms(model, theta, stats, True)
        if info is None or not ok:
            break
        step = -np.linalg.solve(2.0 * info, grad)
        t = 1.0
        for _ in range(40):
            f_new, g_new = _objective(model, theta + t * step, groups, ntot)
            if f_new <= fval + 1e-15 * max(1.0, abs(fval)):
                break
            t *= 0.5
        theta = theta + t * step
        done = abs(fval - f_new) < 1e-13 * max(1.0, abs(fval)) and np.abs(g_new).max() < 1e-9
        fval, grad = f_new, g_new
        if done or np.abs(grad).max() < 1e-11:
            converged = True
            break
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
    notes: list[str],
    rows: list[Any],
) -> Any:
    """Fit ``mod`` by FIML and assemble a :class:`~dinamika.cfa.result.CFAResult`."""
    from dinamika.cfa.api import _loadings, diagnose
    from dinamika.cfa.fit import (
        FitMeasures,
        cfi,
        chisq_pvalue,
        rmsea,
        rmsea_ci,
        srmr_bentler,
        tli,
    )
    from dinamika.cfa.ml import start_values
    from dinamika.cfa.result import (
        CFAResult,
        Diagnostics,
        _factor_correlations,
        _r2,
        parameter_table,
    )

    groups = [patterns(x) for x in data_g]
    h1 = []
    for pats in groups:
        mu, sig, _ = em_h1(pats, mod.p)
        h1.append((mu, sig))
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
    params = parameter_table(mod, theta, se, labels)
    heywood, npd = diagnose(mod, theta, params)
    message = "converged" if converged else "no convergence"
    return CFAResult(
        model=model_text,
        estimator="ML",
        fit=fitm,
        parameters=params,
        loadings=_loadings(params),
        factor_correlations=_factor_correlations(mod, theta, labels),
        r2=_r2(mod, theta, labels),
        diagnostics=Diagnostics(converged, iterations, message, heywood, npd, tuple(notes)),
        n=ntot,
        group_labels=labels,
        _model=mod,
        _theta=theta,
        _vcov=vcov,
        _data=tuple(data_g),
        _stats=tuple(GroupStats(n, sig, mu) for n, (mu, sig) in zip(ns, h1, strict=True)),
        _extra={"rows": rows, "missing": "fiml"},
    )
