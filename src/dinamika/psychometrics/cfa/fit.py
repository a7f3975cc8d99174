"""Fit indices as lavaan's ``fitMeasures()`` reports them.

With T the test statistic on df degrees of freedom, T_b (df_b) that of the baseline model
(independent variables), N the total sample size and G the number of groups:

- CFI  = 1 - max(T - df, 0) / max(T - df, T_b - df_b, 0)
- TLI  = (T_b/df_b - T/df) / (T_b/df_b - 1)
- RMSEA = sqrt(G) * sqrt(max(T/(N df) - 1/N, 0)); the 90% interval inverts the non-central
  chi-square distribution in its non-centrality λ (RMSEA = sqrt(G λ / (N df))).
- SRMR (Bentler): root mean square of the standardized residuals (s_ij - σ_ij)/sqrt(s_ii s_jj)
  over the lower triangle with the diagonal (and (ȳ_i - μ_i)/sqrt(s_ii) with a mean structure),
  averaged over groups with weights N_g/N.
- AIC = -2 logL + 2 q, BIC = -2 logL + q log N (q free parameters, ML only).

The "scaled" indices of WLSMV use the scaled-shifted statistics of the model and of the
baseline model in the same formulas (lavaan's ``cfi.scaled``, ``tli.scaled``,
``rmsea.scaled``).

References
----------
Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance structure
analysis. *Structural Equation Modeling*, 6, 1–55.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import optimize, stats
from scipy.special import chdtr, chndtr

from dinamika.core.results import ResultMixin

__all__ = ["FitMeasures", "cfi", "rmsea", "rmsea_ci", "srmr_bentler", "tli"]

Array = NDArray[Any]


@dataclass(frozen=True)
class FitMeasures(ResultMixin):
    """Fit indices, named as lavaan's ``fitMeasures()`` with ``_`` for ``.``.

    The ``*_scaled`` fields are NaN for ML; ``aic``/``bic``/``logl`` are NaN for WLSMV.
    """

    npar: int
    ntotal: int
    chisq: float
    df: int
    pvalue: float
    baseline_chisq: float
    baseline_df: int
    cfi: float
    tli: float
    rmsea: float
    rmsea_ci_lower: float
    rmsea_ci_upper: float
    srmr: float
    logl: float = math.nan
    unrestricted_logl: float = math.nan
    aic: float = math.nan
    bic: float = math.nan
    chisq_scaled: float = math.nan
    df_scaled: float = math.nan
    pvalue_scaled: float = math.nan
    chisq_scaling_factor: float = math.nan
    chisq_shift_parameter: float = math.nan
    baseline_chisq_scaled: float = math.nan
    cfi_scaled: float = math.nan
    tli_scaled: float = math.nan
    rmsea_scaled: float = math.nan
    rmsea_ci_lower_scaled: float = math.nan
    rmsea_ci_upper_scaled: float = math.nan

    def __post_init__(self) -> None:
        for k, v in asdict(self).items():  # plain Python numbers, never numpy scalars
            object.__setattr__(
                self, k, int(v) if k in ("npar", "ntotal", "df", "baseline_df") else float(v)
            )

    def to_dict(self) -> dict[str, float]:
        """All indices as a plain dict."""
        return {k: float(v) for k, v in asdict(self).items()}

    def to_frame(self) -> pd.DataFrame:
        """One row with every index (the columns of :meth:`to_dict`)."""
        return pd.DataFrame([self.to_dict()])

    def summary(self) -> str:
        """Chi-square test, CFI, TLI, RMSEA with its 90% interval and SRMR on one line
        (the scaled versions when the estimator has them)."""
        s = "_scaled" if not math.isnan(self.chisq_scaled) else ""
        ci = (self[f"rmsea_ci_lower{s}"], self[f"rmsea_ci_upper{s}"])
        return (
            f"chi2({self[f'df{s}']:g}) = {self[f'chisq{s}']:.2f}, p = {self[f'pvalue{s}']:.3g}; "
            f"CFI = {self[f'cfi{s}']:.3f}; TLI = {self[f'tli{s}']:.3f}; RMSEA = "
            f"{self[f'rmsea{s}']:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]; SRMR = {self.srmr:.3f}"
            + (" (scaled)" if s else "")
        )

    def __getitem__(self, key: str) -> float:
        return float(getattr(self, key.replace(".", "_")))


def cfi(t: float, df: float, tb: float, dfb: float) -> float:
    """Comparative fit index (Bentler, 1990)."""
    num = max(t - df, 0.0)
    den = max(t - df, tb - dfb, 0.0)
    return 1.0 if den == 0 else 1.0 - num / den


def tli(t: float, df: float, tb: float, dfb: float) -> float:
    """Tucker–Lewis index (non-normed fit index)."""
    if df == 0:
        return 1.0
    return (tb / dfb - t / df) / (tb / dfb - 1.0)


def rmsea(t: float, df: float, n: int, ngroups: int = 1) -> float:
    """Root mean square error of approximation (lavaan: N, not N - 1)."""
    if df == 0:
        return 0.0
    return math.sqrt(ngroups) * math.sqrt(max(t / (n * df) - 1.0 / n, 0.0))


def rmsea_ci(
    t: float, df: float, n: int, ngroups: int = 1, ci: float = 0.90
) -> tuple[float, float]:
    """Confidence interval of the RMSEA from the non-central chi-square distribution."""
    if df == 0:
        return 0.0, 0.0
    if not math.isfinite(t) or t < 0:  # a fit that broke down (see its diagnostics)
        return math.nan, math.nan
    hi_p, lo_p = (1 + ci) / 2, (1 - ci) / 2

    def ncp_for(prob: float) -> float:
        def fn(lam: float) -> float:
            return float(chndtr(t, df, lam) if lam > 0 else chdtr(df, t)) - prob

        if fn(0.0) < 0:  # even lambda = 0 leaves too little mass below t
            return 0.0
        upper = max(t, 1.0)
        while fn(upper) > 0:
            upper *= 2.0
        return float(optimize.brentq(fn, 0.0, upper, xtol=1e-12, rtol=1e-14))

    lam_lo, lam_hi = ncp_for(hi_p), ncp_for(lo_p)
    scale = ngroups / (n * df)
    return math.sqrt(lam_lo * scale), math.sqrt(lam_hi * scale)


def srmr_bentler(
    covs: list[Array],
    sigmas: list[Array],
    means: list[Array] | None,
    mus: list[Array] | None,
    ns: list[int],
) -> float:
    """Bentler's SRMR, weighted over groups by N_g / N (see module docstring)."""
    total = 0.0
    ntot = sum(ns)
    for g, (s, sig) in enumerate(zip(covs, sigmas, strict=True)):
        sd = np.sqrt(np.diag(s))
        res = (s - sig) / np.outer(sd, sd)
        il = np.tril_indices(len(sd))
        sq = list(res[il] ** 2)
        if means is not None and mus is not None:
            sq += list(((means[g] - mus[g]) / sd) ** 2)
        total += ns[g] / ntot * math.sqrt(float(np.mean(sq)))
    return total


def chisq_pvalue(t: float, df: float) -> float:
    """Upper-tail chi-square probability (NaN for df = 0 as lavaan)."""
    return float(stats.chi2.sf(t, df)) if df > 0 else math.nan
