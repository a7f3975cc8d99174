"""Factor rotations exactly as ``psych::fa`` calls them.

Private module. What psych 2.2.9 does for each ``rotate =`` value, reproduced here:

- ``"oblimin"``: ``GPArotation::oblimin(L)`` — gradient projection (Jennrich 2002) with
  ``gam = 0`` (quartimin), **no** Kaiser normalization, ``eps = 1e-5``, ``maxit = 1000``,
  starting from the identity.
- ``"varimax"``: ``stats::varimax(L)`` — Kaiser normalization on, ``eps = 1e-5``.
- ``"promax"``: ``psych::kaiser(L, rotate = "Promax")`` — rows scaled to unit length, then
  ``psych::Promax(m = 4)`` (varimax, target ``x |x|^(m-1)``, least squares, columns rescaled),
  then rows scaled back.

References
----------
Jennrich, R. I. (2002). A simple general method for oblique rotation. *Psychometrika*, 67,
7-19. Bernaards, C. A., & Jennrich, R. I. (2005). Gradient projection algorithms and software
for arbitrary rotation criteria in factor analysis. *Educational and Psychological
Measurement*, 65, 676-696. Hendrickson, A. E., & White, P. O. (1964). Promax. *British
Journal of Statistical Psychology*, 17, 65-70.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ROTATIONS = ("oblimin", "promax", "varimax", None)


@dataclass(frozen=True)
class Rotated:
    """Rotated pattern loadings, factor correlations (None if orthogonal) and convergence."""

    loadings: np.ndarray
    phi: np.ndarray | None
    converged: bool
    iterations: int


def _vgq_oblimin(lam: np.ndarray, gam: float) -> tuple[np.ndarray, float]:
    k = lam.shape[1]
    l2 = lam * lam
    x = l2 @ (1.0 - np.eye(k))
    if gam != 0:
        p = lam.shape[0]
        x = x - gam / p * x.sum(axis=0)
    return lam * x, float(np.sum(l2 * x) / 4.0)


def oblimin(a: np.ndarray, *, gam: float = 0.0, eps: float = 1e-5, maxit: int = 1000) -> Rotated:
    """Oblique gradient projection, GPArotation's ``GPFoblq(method = "oblimin")``."""
    k = a.shape[1]
    t = np.eye(k)
    al = 1.0
    lam = a.copy()  # A %*% t(solve(I))
    gq, f = _vgq_oblimin(lam, gam)
    g = -(lam.T @ gq).T  # solve(I) is I
    s = np.inf
    it = 0
    for it in range(maxit + 1):  # noqa: B007 - iteration count is reported
        gp = g - t * np.sum(t * g, axis=0)
        s = float(np.sqrt(np.sum(gp * gp)))
        if s < eps:
            break
        al *= 2.0
        for _ in range(11):
            x = t - al * gp
            tt = x / np.sqrt(np.sum(x * x, axis=0))
            tinv = np.linalg.inv(tt)
            lam = a @ tinv.T
            gq, ft = _vgq_oblimin(lam, gam)
            if f - ft > 0.5 * s * s * al:
                break
            al /= 2.0
        t = tt
        f = ft
        g = -(lam.T @ gq @ tinv).T
    return Rotated(lam, t.T @ t, s < eps, it)


def varimax(
    x: np.ndarray, *, normalize: bool = True, eps: float = 1e-5
) -> tuple[np.ndarray, np.ndarray, bool, int]:
    """``stats::varimax``: returns loadings, rotation matrix, converged, iterations."""
    p, nc = x.shape
    sc = np.sqrt(np.sum(x * x, axis=1)) if normalize else np.ones(p)
    x = x / sc[:, None]
    tt = np.eye(nc)
    d = 0.0
    converged = False
    i = 0
    for i in range(1, 1001):  # noqa: B007 - iteration count is reported
        z = x @ tt
        b = x.T @ (z**3 - z * (np.sum(z * z, axis=0) / p))
        u, sv, vt = np.linalg.svd(b)
        tt = u @ vt
        dpast = d
        d = float(np.sum(sv))
        if d < dpast * (1 + eps):
            converged = True
            break
    z = (x @ tt) * sc[:, None]
    return z, tt, converged, i


def promax(f: np.ndarray, *, m: int = 4) -> Rotated:
    """``psych::kaiser(f, rotate = "Promax")`` with ``psych::Promax(m = 4)``."""
    h = np.sqrt(np.sum(f * f, axis=1))
    x0 = f / h[:, None]
    x, rotmat, converged, iters = varimax(x0)
    q = x * np.abs(x) ** (m - 1)
    u = np.linalg.lstsq(x, q, rcond=None)[0]
    d = np.diag(np.linalg.inv(u.T @ u))
    u = u * np.sqrt(d)
    z = x @ u
    u = rotmat @ u
    ui = np.linalg.inv(u)
    return Rotated(z * h[:, None], ui @ ui.T, converged, iters)


def rotate(loadings: np.ndarray, rotation: str | None) -> Rotated:
    """Rotate unrotated ``loadings`` (p, k); one factor or ``None`` leaves them as they are."""
    k = loadings.shape[1]
    if rotation is None or k < 2:
        return Rotated(loadings, None, True, 0)
    if rotation == "oblimin":
        return oblimin(loadings)
    if rotation == "promax":
        return promax(loadings)
    z, _, converged, iters = varimax(loadings)
    return Rotated(z, None, converged, iters)


def align(
    loadings: np.ndarray, phi: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """psych's final sign and order convention.

    Each factor's loadings are made to sum positive; factors are then sorted by the variance
    they account for (``diag(Phi L'L)``, or ``colSums(L^2)`` when orthogonal), largest first,
    ties kept in place. Returns loadings, Phi and the order (0-based extraction indices).
    """
    s = np.sign(loadings.sum(axis=0))
    s[s == 0] = 1.0
    loadings = loadings * s
    if phi is not None:
        phi = phi * np.outer(s, s)
        ev = np.diag(phi @ loadings.T @ loadings)
    else:
        ev = np.sum(loadings * loadings, axis=0)
    order = np.argsort(-ev, kind="stable")
    loadings = loadings[:, order]
    if phi is not None:
        phi = phi[np.ix_(order, order)]
    return loadings, phi, order
