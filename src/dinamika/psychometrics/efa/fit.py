"""Factor extraction as ``psych::fa`` does it: minres, maximum likelihood, principal axis.

Private module. Each function takes a correlation matrix and returns unrotated loadings with
psych's sign convention (each factor's loadings sum positive). The numerical recipe follows
psych 2.2.9 ``fac()`` step for step so the converged solutions agree with R:

- minres: ``optim(1 - smc, method = "L-BFGS-B", lower = .005, upper = max(smc, 1),
  control = list(parscale = rep(.01, p)))`` on the sum of squared off-diagonal residuals,
  with psych's gradient ``diag(LL' + Psi - R)``; loadings from the eigen decomposition of
  ``R - Psi``.
- ml: the same optimizer on the ML discrepancy of ``Psi^-1/2 R Psi^-1/2`` (as ``factanal``).
- pa: iterated principal axis from squared multiple correlations, stopping when the total
  communality changes by less than ``min_err = .001`` or after ``max_iter = 50`` rounds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

EPS = float(np.finfo(float).eps)
# R's optim(method = "L-BFGS-B") defaults: factr = 1e7, pgtol = 0, lmm = 5, maxit = 100
_LBFGSB = {"maxcor": 5, "ftol": 1e7 * EPS, "gtol": 0.0, "maxiter": 100}
_PARSCALE = 0.01


@dataclass(frozen=True)
class Extraction:
    """Unrotated solution: loadings (p, k), eigenvalues and convergence information."""

    loadings: np.ndarray
    values: np.ndarray  # eigenvalues of R with the model communalities on the diagonal
    converged: bool
    iterations: int
    notes: tuple[str, ...]


def eigh_desc(a: np.ndarray, *, values_only: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Eigen decomposition with values in decreasing order, as R's ``eigen``."""
    if values_only:
        w = np.linalg.eigvalsh(a)[::-1]
        return w, np.empty((0, 0))
    w, v = np.linalg.eigh(a)
    return w[::-1], v[:, ::-1]


def smc(r: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Squared multiple correlations ``1 - 1/diag(R^-1)`` (psych::smc), clamped as psych does."""
    notes: list[str] = []
    try:
        inv = np.linalg.inv(r)
    except np.linalg.LinAlgError:
        inv = np.linalg.pinv(r)
    with np.errstate(divide="ignore"):  # a singular R gives 1 - inf: clamped below
        out = 1.0 - 1.0 / np.diag(inv)
    if out.max() > 1:
        notes.append("smc: squared multiple correlations > 1 were set to 1 (as psych::smc)")
        out = np.minimum(out, 1.0)
    if out.min() < 0:
        notes.append("smc: squared multiple correlations < 0 were set to 0 (as psych::smc)")
        out = np.maximum(out, 0.0)
    return out, notes


def _sign_columns(loadings: np.ndarray) -> np.ndarray:
    s = np.sign(loadings.sum(axis=0))
    s[s == 0] = 1.0
    return loadings * s


def _values(r: np.ndarray, loadings: np.ndarray) -> np.ndarray:
    s = r.copy()
    np.fill_diagonal(s, np.einsum("ij,ij->i", loadings, loadings))
    return eigh_desc(s, values_only=True)[0]


def _minres_obj(y: np.ndarray, r: np.ndarray, nf: int, low: np.ndarray) -> tuple[float, np.ndarray]:
    psi = y * _PARSCALE
    s = r.copy()
    s[np.diag_indices_from(s)] = 1.0 - psi
    w, v = eigh_desc(s)
    # objective (psych's fit.residuals): tiny eigenvalues -> 100 eps
    wf = np.where(w[:nf] < EPS, 100 * EPS, w[:nf])
    lf = v[:, :nf] * np.sqrt(wf)
    res = s - lf @ lf.T
    f = float(np.sum(res[low] ** 2))
    # gradient (psych's FAgr.minres): diag(LL') + Psi - diag(R), eigenvalues floored at 0
    lg = v[:, :nf] * np.sqrt(np.maximum(w[:nf], 0.0))
    g = np.einsum("ij,ij->i", lg, lg) + psi - np.diag(r)
    return f, g * _PARSCALE


def _ml_obj(y: np.ndarray, r: np.ndarray, nf: int) -> tuple[float, np.ndarray]:
    psi = y * _PARSCALE
    sc = 1.0 / np.sqrt(psi)
    sstar = r * np.outer(sc, sc)
    w, v = eigh_desc(sstar)
    e = w[nf:]
    f = -(float(np.sum(np.log(e) - e)) - nf + r.shape[0])
    load = v[:, :nf] * np.sqrt(np.maximum(w[:nf] - 1.0, 0.0))
    load = load * np.sqrt(psi)[:, None]
    g = (np.einsum("ij,ij->i", load, load) + psi - np.diag(r)) / psi**2
    return f, g * _PARSCALE


def _optimize(
    fun: Callable[..., tuple[float, np.ndarray]],
    start: np.ndarray,
    upper: float,
    args: tuple[object, ...],
) -> tuple[np.ndarray, bool, int]:
    bounds = [(0.005 / _PARSCALE, upper / _PARSCALE)] * start.size
    res = minimize(
        fun,
        start / _PARSCALE,
        args=args,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options=_LBFGSB,
    )
    return res.x * _PARSCALE, bool(res.success), int(res.nit)


def fit_minres(r: np.ndarray, nf: int) -> Extraction:
    """Minimum residual (psych's default ``fm = "minres"``)."""
    s_smc, notes = smc(r)
    upper = max(float(s_smc.max()), 1.0)
    start = np.diag(r) - s_smc
    low = np.tril_indices_from(r, k=-1)
    psi, ok, nit = _optimize(_minres_obj, start, upper, (r, nf, low))
    s = r.copy()
    s[np.diag_indices_from(s)] = np.diag(r) - psi
    w, v = eigh_desc(s)
    loadings = v[:, :nf] * np.sqrt(np.maximum(w[:nf], 0.0))
    loadings = _sign_columns(loadings)
    if not ok:
        notes.append(f"minres: the optimizer stopped without converging after {nit} iterations")
    return Extraction(loadings, _values(r, loadings), ok, nit, tuple(notes))


def fit_ml(r: np.ndarray, nf: int) -> Extraction:
    """Maximum likelihood (``fm = "ml"``)."""
    s_smc, notes = smc(r)
    upper = max(float(s_smc.max()), 1.0)
    start = np.full(r.shape[0], 0.5) if s_smc.sum() == nf and nf > 1 else np.diag(r) - s_smc
    psi, ok, nit = _optimize(_ml_obj, start, upper, (r, nf))
    sc = 1.0 / np.sqrt(psi)
    w, v = eigh_desc(r * np.outer(sc, sc))
    loadings = v[:, :nf] * np.sqrt(np.maximum(w[:nf] - 1.0, 0.0))
    loadings = _sign_columns(loadings * np.sqrt(psi)[:, None])
    if not ok:
        notes.append(f"ml: the optimizer stopped without converging after {nit} iterations")
    return Extraction(loadings, _values(r, loadings), ok, nit, tuple(notes))


def fit_pa(
    r: np.ndarray, nf: int, *, use_smc: bool = True, min_err: float = 0.001, max_iter: int = 50
) -> Extraction:
    """Iterated principal axis (``fm = "pa"``), psych's stopping rule."""
    notes: list[str] = []
    rmat = r.copy()
    if use_smc:
        s_smc, notes = smc(r)
        np.fill_diagonal(rmat, s_smc)
    comm = float(np.trace(rmat))
    i = 1
    converged = True
    loadings = np.full((r.shape[0], nf), np.nan)
    while True:
        try:
            w, v = eigh_desc(rmat)
        except np.linalg.LinAlgError:
            w = np.full(r.shape[0], np.nan)
        if not np.isfinite(w).all():  # the communalities ran away (a diverging Heywood case)
            notes.append(
                f"pa: the communalities diverged after {i} iterations (improper solution); "
                "stopped at the last finite one: try fewer factors or method='minres'"
            )
            converged = False
            break
        with np.errstate(invalid="ignore"):
            loadings = v[:, :nf] * np.sqrt(w[:nf])
        new = np.einsum("ij,ij->i", loadings, loadings)
        comm1 = float(new.sum())
        np.fill_diagonal(rmat, new)
        err = abs(comm - comm1)
        if np.isnan(err):
            notes.append("pa: an eigenvalue became negative (imaginary loadings); stopped")
            converged = False
            break
        comm = comm1
        i += 1
        if i > max_iter:
            if err > min_err:
                converged = False
                notes.append(f"pa: maximum iterations ({max_iter}) exceeded before convergence")
            break
        if err <= min_err:
            break
    loadings = _sign_columns(loadings)
    return Extraction(loadings, w, converged, i - 1, tuple(notes))


def extract(r: np.ndarray, nf: int, method: str) -> Extraction:
    """Dispatch to the extraction ``method``."""
    if method == "minres":
        return fit_minres(r, nf)
    if method == "ml":
        return fit_ml(r, nf)
    return fit_pa(r, nf)
