"""Goodness-of-fit statistics of a factor solution, as ``psych::factor.stats`` reports them.

Private module. With ``F = tr(M^-1 R) - log det(M^-1 R) - p`` (``M`` the model-implied
correlation matrix with unit diagonal, both matrices smoothed by ``cor.smooth`` if not
positive definite), psych reports

- ``chisq = F * ((n - 1) - (2p + 5)/6 - 2k/3)`` on ``df = p(p-1)/2 - pk + k(k-1)/2``,
- ``TLI = (M0 - Mm) / (M0 - 1/nm)`` with ``Mm = F/df``, ``M0 = 2 F0/(p(p-1))``,
- ``RMSEA = sqrt(max(chisq/(df n) - 1/(n-1), 0))`` with a 90% interval by inverting the
  noncentral chi-square,
- ``BIC = chisq - df log(n)``,
- the empirical statistics from the off-diagonal residuals weighted by the pairwise n:
  ``e_chisq = sum(n_ij e_ij^2)``, ``rms = sqrt(e_chisq/(n_h p(p-1)))`` (psych's RMSR),
  ``crms = sqrt(e_chisq/(2 n_h df))``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special, stats
from scipy.optimize import brentq

from dinamika.core.results import ResultMixin

EPS = float(np.finfo(float).eps)


@dataclass(frozen=True)
class EFAFit(ResultMixin):
    """Fit statistics of an EFA solution (psych ``fa`` names in brackets).

    Attributes
    ----------
    objective : float
        ML discrepancy ``F`` of the model-implied matrix [``objective``].
    chisq, df, pvalue : float
        Likelihood-ratio chi-square, degrees of freedom and p value [``STATISTIC``, ``dof``,
        ``PVAL``]; ``pvalue`` is NaN when ``df <= 0``.
    tli : float
        Tucker-Lewis index [``TLI``].
    rmsea, rmsea_ci_lower, rmsea_ci_upper : float
        RMSEA and its 90% confidence interval [``RMSEA``]; NaN when ``df <= 0``.
    bic : float
        ``chisq - df log(n)`` [``BIC``].
    null_chisq, null_df : float
        Chi-square and df of the independence model [``null.chisq``, ``null.dof``].
    e_chisq : float
        Empirical chi-square from the residuals [``chi``].
    rms, crms : float
        Root mean square residual (off diagonal) and its df-corrected version [``rms``,
        ``crms``].
    """

    objective: float
    chisq: float
    df: float
    pvalue: float
    tli: float
    rmsea: float
    rmsea_ci_lower: float
    rmsea_ci_upper: float
    bic: float
    null_chisq: float
    null_df: float
    e_chisq: float
    rms: float
    crms: float

    def to_dict(self) -> dict[str, float]:
        """The statistics as a plain dict."""
        return {k: float(getattr(self, k)) for k in self.__dataclass_fields__}

    def to_frame(self) -> pd.DataFrame:
        """One row with every statistic (the columns of :meth:`to_dict`)."""
        return pd.DataFrame([self.to_dict()])

    def summary(self) -> str:
        """Chi-square test, TLI, RMSEA with its 90% interval, RMSR and BIC on one line."""
        return (
            f"chi2({self.df:g}) = {self.chisq:.2f}, p = {self.pvalue:.3g}; TLI = {self.tli:.3f}; "
            f"RMSEA = {self.rmsea:.3f} [{self.rmsea_ci_lower:.3f}, {self.rmsea_ci_upper:.3f}]; "
            f"RMSR = {self.rms:.3f}; BIC = {self.bic:.2f}"
        )


def cor_smooth(r: np.ndarray, eig_tol: float = 1e-12) -> tuple[np.ndarray, bool]:
    """psych::cor.smooth: lift non-positive eigenvalues, rescale to a correlation matrix."""
    w, v = np.linalg.eigh(r)
    if w.min() >= EPS:
        return r, False
    w = np.where(w < eig_tol, 100 * eig_tol, w)
    w = w * r.shape[0] / w.sum()
    s = (v * w) @ v.T
    d = 1.0 / np.sqrt(np.diag(s))
    return s * np.outer(d, d), True


def _rmsea_bound(chisq: float, df: float, n: int, target: float) -> float:
    """sqrt(ncp / ((n-1) df)) with pchisq(chisq, df, ncp) = target (R's uniroot on [0, max])."""
    hi = max(n, chisq) + 2 * n

    def fn(x: float) -> float:
        cdf = special.chndtr(chisq, df, x) if x > 0 else special.chdtr(df, chisq)
        return float(cdf) - target

    try:
        root = brentq(fn, 0.0, hi, xtol=1e-10)
    except ValueError:
        return float("nan")
    return float(np.sqrt(root / (n - 1) / df))


def fit_statistics(
    r: np.ndarray,
    loadings: np.ndarray,
    phi: np.ndarray | None,
    n: int,
    n_pairs: np.ndarray,
    *,
    ci: float = 0.90,
) -> tuple[EFAFit, list[str]]:
    """Fit statistics of pattern ``loadings`` with factor correlations ``phi``."""
    notes: list[str] = []
    p, k = loadings.shape
    model = loadings @ (phi if phi is not None else np.eye(k)) @ loadings.T
    residual = r - model
    dof = p * (p - 1) / 2 - p * k + k * (k - 1) / 2
    np.fill_diagonal(residual, 0.0)
    e_chisq = float(np.sum(residual**2 * n_pairs))
    nh = float(stats.hmean(n_pairs.ravel()))
    rms = float(np.sqrt(e_chisq / (nh * p * (p - 1))))
    crms = float(np.sqrt(e_chisq / (2 * nh * dof))) if dof > 0 else float("nan")

    np.fill_diagonal(model, np.diag(r))
    model, sm = cor_smooth(model)
    rs, sr = cor_smooth(r)
    if sm:
        notes.append("fit: the model matrix was not positive definite and was smoothed")
    if sr:
        notes.append(
            "fit: the correlation matrix was not positive definite and was smoothed "
            "(psych::cor.smooth) for the fit statistics"
        )
    try:
        m_inv_r = np.linalg.solve(model, rs)
    except np.linalg.LinAlgError:
        notes.append("fit: the model matrix is singular; fit statistics are not valid")
        m_inv_r = np.eye(p)
    objective = float(np.trace(m_inv_r) - np.linalg.slogdet(m_inv_r)[1] - p)
    factor = (n - 1) - (2 * p + 5) / 6 - (2 * k) / 3
    chisq = max(objective * factor, 0.0)
    pvalue = float(special.chdtrc(dof, chisq)) if dof > 0 else float("nan")
    f0 = float(np.trace(rs) - np.linalg.slogdet(rs)[1] - p)
    mm = objective / dof if dof != 0 else float("nan")
    m0 = f0 * 2 / (p * (p - 1))
    tli = (m0 - mm) / (m0 - 1 / factor)
    null_chisq = f0 * ((n - 1) - (2 * p + 5) / 6)
    rmsea = lower = upper = bic = float("nan")
    if dof > 0:
        rmsea = float(np.sqrt(max(chisq / (dof * n) - 1 / (n - 1), 0.0)))
        tail = round(1 - ci, 12) / 2  # the RMSEA interval at level ci (psych: 90%)
        cdf0 = float(special.chdtr(dof, chisq))
        upper = _rmsea_bound(chisq, dof, n, tail) if cdf0 > tail else 0.0
        lower = _rmsea_bound(chisq, dof, n, 1 - tail) if cdf0 > 1 - tail else 0.0
        if upper < rmsea:
            upper = float("nan")
        if lower > rmsea:
            lower = float("nan")
        bic = chisq - dof * np.log(n)
    fit = EFAFit(
        objective=objective,
        chisq=float(chisq),
        df=float(dof),
        pvalue=pvalue,
        tli=float(tli),
        rmsea=rmsea,
        rmsea_ci_lower=float(lower),
        rmsea_ci_upper=float(upper),
        bic=float(bic),
        null_chisq=float(null_chisq),
        null_df=float(p * (p - 1) / 2),
        e_chisq=e_chisq,
        rms=rms,
        crms=crms,
    )
    return fit, notes
