"""WLSMV for ordered items: DWLS estimation, robust standard errors, scaled-shifted test.

Per group g the sample statistics s_g are the thresholds and the polychoric correlations
(:mod:`dinamika.psychometrics.cfa.ordinal`), Gamma_g their NACOV and W_g = diag(Gamma_g)^-1. The model
(lavaan's ``parameterization = "delta"``) implies ``tau*_ik = delta_i (tau_ik - mu_i)`` and
``r_ij = delta_i delta_j [Lambda A Psi A' Lambda' + Theta]_ij`` with the residual variances
``theta_ii = 1/delta_i^2 - [Lambda A Psi A' Lambda']_ii`` (not free parameters).

- Estimation: minimize ``F = sum_g ((N_g - 1)/N) e_g' W_g e_g`` (e = s - sigma(theta)) by
  Gauss–Newton; ``T = N F = sum_g (N_g - 1) e_g' W_g e_g`` (lavaan's convention).
- Robust (sandwich) covariance: ``V = A^-1 B A^-1 / (N - G)`` with
  ``A = sum_g f_g D_g' W_g D_g`` and ``B = sum_g f_g D_g' W_g Gamma_g W_g D_g``
  (f_g = N_g/N, D the model Jacobian), as lavaan's ``robust.sem``.
- Scaled-shifted statistic (Asparouhov & Muthén, 2010; lavaan ``test = "scaled.shifted"``):
  with ``U = W - W D A^-1 D' W`` (groups stacked, W_g weighted by f_g, Gamma_g by 1/f_g),
  ``a = sqrt(df / tr((U Gamma)^2))``, ``shift = df - a tr(U Gamma)``, ``T* = a T + shift``.
- The baseline (independence) model keeps the thresholds and sets all correlations to 0; its
  scaled statistic gives ``cfi_scaled`` and ``tli_scaled``. RMSEA uses N - 1 as lavaan does
  for this estimator.

References
----------
Muthén, B., du Toit, S. H. C., & Spisic, D. (1997). Robust inference using weighted least
squares and quadratic estimating equations in latent variable modeling with categorical and
continuous outcomes. Unpublished technical report.

Asparouhov, T., & Muthén, B. (2010). Simple second order chi-square correction. Mplus
technical appendix.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from dinamika.errors import UsageError
from dinamika.i18n.messages import Message
from dinamika.psychometrics.cfa.fit import FitMeasures, cfi, chisq_pvalue, rmsea, rmsea_ci, tli
from dinamika.psychometrics.cfa.ml import start_values
from dinamika.psychometrics.cfa.model import Model
from dinamika.psychometrics.cfa.ordinal import _pairs, ordinal_stats, recode_ordinal
from dinamika.psychometrics.cfa.partable import build_model
from dinamika.psychometrics.cfa.result import CFAResult, assemble
from dinamika.psychometrics.cfa.syntax import Statement

__all__ = ["fit_wlsmv"]

Array = NDArray[Any]


def _moments(model: Model, mats: dict[str, Array], th_item: Array) -> tuple[Array, Array, Array]:
    """Model-implied (tau*, r) vector, plus Sigma_u and mu."""
    model.set_ordinal_theta(mats)
    sigma, mu, _ = model.implied(mats)
    d = mats["delta"]
    pr, pc = _pairs(model.p)
    r = d[pr] * d[pc] * sigma[pr, pc]
    tau = d[th_item] * (mats["tau"] - mu[th_item])
    return np.concatenate([tau, r]), sigma, mu


def _jacobian(model: Model, g: int, mats: dict[str, Array], th_item: Array) -> Array:
    """d (tau*, r) / d theta for group g (moments × npar)."""
    _, sigma, mu = _moments(model, mats, th_item)
    d_s, d_m = model.derivatives(g, mats)
    d = mats["delta"]
    pr, pc = _pairs(model.p)
    nth = len(th_item)
    jac = np.zeros((nth + len(pr), model.npar))
    jac[:nth] = -d[th_item][:, None] * d_m[:, th_item].T
    jac[nth:] = (d[pr] * d[pc])[:, None] * d_s[:, pr, pc].T
    for r in model.rows:
        if r.group != g or r.free == 0:
            continue
        if r.mat == "tau":
            jac[r.row, r.free - 1] += d[th_item[r.row]]
        elif r.mat == "delta":
            i = r.row
            sel = th_item == i
            jac[:nth][sel, r.free - 1] += mats["tau"][sel] - mu[i]
            jac[nth:][pr == i, r.free - 1] += (d[pc] * sigma[i, pc])[pr == i]
            jac[nth:][pc == i, r.free - 1] += (d[pr] * sigma[pr, i])[pc == i]
    return jac


def _dwg(jac: list[Array], w: list[Array], gamma: list[Array]) -> list[Array]:
    """``C_g = D_g' W_g Gamma_g`` per group (parameters × moments): one product with Gamma."""
    return [(wg[:, None] * jg).T @ gm for jg, wg, gm in zip(jac, w, gamma, strict=True)]


def _scaled_shifted(
    jac: list[Array],
    w: list[Array],
    gamma: list[Array],
    fg: list[float],
    t: float,
    df: int,
    dwg: list[Array] | None = None,
) -> tuple[float, float, float]:
    """(T*, scaling factor 1/a, shift) of the scaled-shifted statistic.

    With groups stacked (W = diag(f_g W_g), G = diag(Gamma_g / f_g), M = W D, A = D' M and
    C = M' G, i.e. ``C_g = D_g' W_g Gamma_g``), ``U G = W G - M A^-1 C``, so

        tr(U G)     = tr(W G) - tr(A^-1 C M)
        tr((U G)^2) = tr(W G W G) - 2 tr(A^-1 C W C') + tr((A^-1 C M)^2)

    — one product with Gamma (``dwg``, shared with the sandwich) and no moments × moments
    product.
    """
    big_d = np.vstack(jac)
    big_w = np.concatenate([f * wg for f, wg in zip(fg, w, strict=True)])
    m = big_w[:, None] * big_d
    a_mat = big_d.T @ m
    c = np.hstack(_dwg(jac, w, gamma) if dwg is None else dwg)
    a_inv_c = np.linalg.solve(a_mat, c)
    cm = a_inv_c @ m
    tr_wg = sum(float(wg @ np.diag(gm)) for wg, gm in zip(w, gamma, strict=True))
    tr_wgwg = sum(float(wg @ (gm * gm) @ wg) for wg, gm in zip(w, gamma, strict=True))
    tr1 = tr_wg - float(np.trace(cm))
    tr2 = tr_wgwg - 2.0 * float(np.sum(a_inv_c * (c * big_w[None, :]))) + float(np.sum(cm * cm.T))
    if df <= 0 or tr2 <= 0:  # saturated model: nothing to scale
        return t, math.nan, math.nan
    a = math.sqrt(df / tr2)
    shift = df - a * tr1
    return a * t + shift, 1.0 / a, shift


def fit_wlsmv(
    model_text: str,
    stmts: list[Statement],
    data_g: list[Array],
    labels: tuple[str, ...],
    notes: list[Message],
    rows: list[pd.Index],
    *,
    std_lv: bool = False,
    group_equal: tuple[str, ...] = (),
    group_partial: tuple[str, ...] = (),
    max_iter: int = 200,
    cache: dict[str, Any] | None = None,
) -> CFAResult:
    """Fit a model to ordered items with WLSMV (see module docstring).

    ``cache`` (a dict shared by fits of the same data, e.g. an invariance sequence) keeps the
    sample statistics so they are computed once.
    """
    names = build_model(stmts).ov
    _refuse_continuous(data_g, names)
    try:
        return _fit_wlsmv(
            model_text,
            stmts,
            data_g,
            labels,
            notes,
            rows,
            names,
            std_lv,
            group_equal,
            group_partial,
            max_iter,
            cache,
        )
    except np.linalg.LinAlgError as exc:
        raise UsageError(
            f"the WLSMV fit broke down numerically ({exc}): with items {names}, a matrix of the "
            "thresholds and polychoric correlations is singular. Check for items with very many "
            "or very rare categories (collapse them), nearly duplicated items (drop one), or "
            "fit continuous scores with estimator='ML'"
        ) from None


def _refuse_continuous(data_g: list[Array], names: list[str]) -> None:
    """WLSMV treats every model variable as ordered: refuse non-integer (continuous) scores."""
    allx = np.vstack(data_g)
    bad = [
        n
        for j, n in enumerate(names)
        if np.any((x := allx[~np.isnan(allx[:, j]), j]) != np.round(x))
    ]
    if bad:
        raise UsageError(
            f"variables {bad} have non-integer (continuous) values, but WLSMV treats every "
            "model variable as ordered categories; mixed continuous and ordered variables are "
            "not supported. Fit the model with estimator='ML', or cut those variables into a "
            "few ordered categories first"
        )


def _fit_wlsmv(
    model_text: str,
    stmts: list[Statement],
    data_g: list[Array],
    labels: tuple[str, ...],
    notes: list[Message],
    rows: list[pd.Index],
    names: list[str],
    std_lv: bool,
    group_equal: tuple[str, ...],
    group_partial: tuple[str, ...],
    max_iter: int,
    cache: dict[str, Any] | None,
) -> CFAResult:
    key = f"ordinal:{names}:{labels}"
    if cache is not None and key in cache:
        nlev, ostats = cache[key]
    else:
        codes, nlev = recode_ordinal(data_g, names)
        ostats = [ordinal_stats(c, nlev, names, lab) for c, lab in zip(codes, labels, strict=True)]
        if cache is not None:
            cache[key] = (nlev, ostats)
    many = [n for n, k in zip(names, nlev, strict=True) if k > 10]
    if many:
        notes.append(Message("cfa.many_values", items=many))
    for lab, st in zip(labels, ostats, strict=True):
        notes += [Message("cfa.in_group", note=w, group=lab) if lab else w for w in st.warnings]
    ngr = len(data_g)
    mod = build_model(
        stmts,
        ngroups=ngr,
        std_lv=std_lv,
        meanstructure=False,
        ordered={n: k - 1 for n, k in zip(names, nlev, strict=True)},
        group_equal=group_equal,
        group_partial=group_partial,
    )
    moments = ngr * len(ostats[0].vector)
    if mod.npar > moments:
        raise UsageError(
            f"the model has {mod.npar} free parameters but the data give only {moments} "
            "thresholds and polychoric correlations: it is not identified. Give each factor at "
            "least three items, or fix parameters"
        )
    ns = [st.n for st in ostats]
    ntot = sum(ns)
    # lavaan's objective weights group g by (N_g - 1)/N (so T = sum_g (N_g - 1) F_g); the
    # information, the sandwich and U Gamma use f_g = N_g/N, and vcov divides by N - G.
    cw = [(n - 1) / ntot for n in ns]
    fg = [n / ntot for n in ns]
    th_item = ostats[0].th_item
    svec = [st.vector for st in ostats]
    w = [1.0 / np.diag(st.nacov) for st in ostats]
    theta = start_values(mod, [st.cor for st in ostats], [np.zeros(mod.p)] * ngr)
    for r in mod.rows:
        if r.free and r.mat == "tau":
            theta[r.free - 1] = ostats[r.group - 1].thresholds[r.row]
        elif r.free and r.mat == "delta":
            theta[r.free - 1] = 1.0

    def objective(th: Array) -> tuple[float, list[Array], list[dict[str, Array]]]:
        f, resid, mats_all = 0.0, [], mod.fill(th)
        for g in range(ngr):
            m, _, _ = _moments(mod, mats_all[g], th_item)
            e = svec[g] - m
            resid.append(e)
            f += cw[g] * float(e @ (w[g] * e))
        return f, resid, mats_all

    fval, resid, mats_all = objective(theta)
    converged, iterations, message = False, 0, ""
    for it in range(1, max_iter + 1):
        iterations = it
        jac = [_jacobian(mod, g + 1, mats_all[g], th_item) for g in range(ngr)]
        a_mat = sum(cw[g] * jac[g].T @ (w[g][:, None] * jac[g]) for g in range(ngr))
        b_vec = sum(cw[g] * jac[g].T @ (w[g] * resid[g]) for g in range(ngr))
        try:
            step = np.linalg.solve(a_mat, b_vec)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(a_mat, b_vec, rcond=None)[0]
        t = 1.0
        for _ in range(30):
            f_new, r_new, m_new = objective(theta + t * step)
            if f_new <= fval + 1e-15:
                break
            t *= 0.5
        theta = theta + t * step
        small = abs(fval - f_new) < 1e-14 * max(fval, 1e-12) or np.max(np.abs(t * step)) < 1e-10
        fval, resid, mats_all = f_new, r_new, m_new
        if small:
            converged, message = True, "converged"
            break
    else:
        message = f"no convergence in {max_iter} iterations"
    jac = [_jacobian(mod, g + 1, mats_all[g], th_item) for g in range(ngr)]
    a_mat = sum(fg[g] * jac[g].T @ (w[g][:, None] * jac[g]) for g in range(ngr))
    gam = [st.nacov for st in ostats]
    dwg = _dwg(jac, w, gam)  # D' W Gamma per group, shared by the sandwich and the test
    b_mat = sum(fg[g] * dwg[g] @ (w[g][:, None] * jac[g]) for g in range(ngr))
    a_inv = np.linalg.pinv(np.asarray(a_mat))
    vcov = a_inv @ b_mat @ a_inv / (ntot - ngr)
    se = np.sqrt(np.clip(np.diag(vcov), 0, None))
    # -- test statistics ------------------------------------------------------------------------
    nmom = len(svec[0])
    df = ngr * nmom - mod.npar
    chisq = ntot * fval
    chisq_s, scale, shift = _scaled_shifted(jac, w, gam, fg, chisq, df, dwg)
    nth = len(th_item)
    tb = ntot * sum(cw[g] * float(svec[g][nth:] @ (w[g][nth:] * svec[g][nth:])) for g in range(ngr))
    dfb = ngr * (nmom - nth)
    jb = []
    for g in range(ngr):
        jg = np.zeros((nmom, ngr * nth))
        jg[np.arange(nth), g * nth + np.arange(nth)] = 1.0
        jb.append(jg)
    tb_s, _, _ = _scaled_shifted(jb, w, gam, fg, tb, dfb)
    n1 = ntot - ngr  # lavaan uses N - G for this estimator
    lo, hi = rmsea_ci(chisq, df, n1, ngr)
    lo_s, hi_s = rmsea_ci(chisq_s, df, n1, ngr)
    srmr = 0.0
    for g in range(ngr):
        res_r = resid[g][nth:]
        srmr += ns[g] / ntot * math.sqrt(float(np.sum(res_r**2)) / (mod.p * (mod.p + 1) / 2))
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
        rmsea=rmsea(chisq, df, n1, ngr),
        rmsea_ci_lower=lo,
        rmsea_ci_upper=hi,
        srmr=srmr,
        chisq_scaled=chisq_s,
        df_scaled=df,
        pvalue_scaled=float(stats.chi2.sf(chisq_s, df)) if df > 0 else math.nan,
        chisq_scaling_factor=scale,
        chisq_shift_parameter=shift,
        baseline_chisq_scaled=tb_s,
        cfi_scaled=cfi(chisq_s, df, tb_s, dfb),
        tli_scaled=tli(chisq_s, df, tb_s, dfb),
        rmsea_scaled=rmsea(chisq_s, df, n1, ngr),
        rmsea_ci_lower_scaled=lo_s,
        rmsea_ci_upper_scaled=hi_s,
    )
    return assemble(
        model_text=model_text,
        estimator="WLSMV",
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
        stats=(),
        extra={"rows": rows, "ordinal": ostats, "jacobian": jac, "weights": w},
    )


def satorra2000_difference(m1: CFAResult, m0: CFAResult) -> tuple[float, int, float]:
    """Scaled-shifted difference test of nested WLSMV fits (lavTestLRT, ``"satorra.2000"``).

    ``m1`` is the less restricted model. With D1 (D0) the model Jacobians of m1 (m0) at their
    estimates, ``H = D1^+ D0`` and A a basis of the orthogonal complement of H (the restrictions
    in m1's parameters), P the information of m1 and
    ``M = P^-1 A' (A P^-1 A')^-1 A P^-1``::

        tr1 = sum_g f_g tr(W_g Gamma_g W_g D1_g M D1_g')
        tr2 = tr[(W D1 M D1' W diag(f_g Gamma_g))^2]
        a = sqrt(m / tr2),  b = m - a tr1,  T_delta = a (T0 - T1) + b  on m = df0 - df1 df.

    Returns (T_delta, m, p-value).
    """
    ex1, ex0 = m1._extra, m0._extra
    ostats = ex1["ordinal"]
    ns = [st.n for st in ostats]
    fg = [n / sum(ns) for n in ns]
    w = ex1["weights"]
    d1 = np.vstack(ex1["jacobian"])
    d0 = np.vstack(ex0["jacobian"])
    m = int(m0.fit.df - m1.fit.df)
    dt = m0.fit.chisq - m1.fit.chisq
    if m <= 0:
        return dt, m, math.nan
    h = np.linalg.lstsq(d1, d0, rcond=None)[0]  # D1^+ D0
    u, sv, _ = np.linalg.svd(h, full_matrices=True)
    rank = int(np.sum(sv > sv.max() * max(h.shape) * np.finfo(float).eps))
    a_mat = u[:, rank:].T
    big_w = np.concatenate(w)
    p_info = sum(
        f * jg.T @ (wg[:, None] * jg) for f, wg, jg in zip(fg, w, ex1["jacobian"], strict=True)
    )
    p_inv = np.linalg.inv(np.asarray(p_info))
    apa = a_mat @ p_inv @ a_mat.T
    mm = p_inv @ a_mat.T @ np.linalg.pinv(apa) @ a_mat @ p_inv
    sizes = [len(x) for x in w]
    big_g = np.zeros((sum(sizes), sum(sizes)))
    o = 0
    tr1 = 0.0
    for g, st in enumerate(ostats):
        k = sizes[g]
        big_g[o : o + k, o : o + k] = fg[g] * st.nacov
        jg = ex1["jacobian"][g]
        ug = (w[g][:, None] * st.nacov * w[g][None, :]) @ jg @ mm @ jg.T
        tr1 += fg[g] * float(np.trace(ug))
        o += k
    u_all = (big_w[:, None] * d1) @ mm @ (d1.T * big_w[None, :])
    ug_all = u_all @ big_g
    tr2 = float(np.sum(ug_all * ug_all.T))
    a = math.sqrt(m / tr2)
    t_delta = a * dt + (m - a * tr1)
    return t_delta, m, float(stats.chi2.sf(t_delta, m))
