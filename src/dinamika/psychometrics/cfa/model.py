"""From parsed syntax to a parameter table and LISREL-style model matrices.

The model is lavaan's "all-y" LISREL representation, per group *g*::

    Sigma = Lambda A Psi A' Lambda' + Theta,   A = (I - B)^-1
    mu    = nu + Lambda A alpha

with ``Lambda`` (p×m loadings), ``B`` (m×m regressions among latents), ``Psi`` (m×m latent
(residual) covariances), ``Theta`` (p×p residual covariances), ``nu`` (intercepts), ``alpha``
(latent means). Ordered items add thresholds ``tau`` and scale factors ``delta`` (lavaan's
"delta" parameterization). An observed variable that takes part in a regression (``y ~ f``)
gets a "dummy" latent variable with loading 1 and residual variance 0, as in lavaan; an
observed predictor that is never an outcome is an exogenous covariate whose (co)variances and
means are fixed to the sample values (lavaan's ``fixed.x``, see :meth:`Model.set_fixed_x`).

The parameter table is built by :func:`dinamika.psychometrics.cfa.partable.build_model`. Defaults follow
lavaan's ``cfa()``/``sem()``: the first loading of each factor is fixed to 1
(``std_lv=True`` fixes the factor variances to 1 instead), residual variances and the
variances of latent variables are free, exogenous latent variables covary, endogenous latent
variables that predict nothing covary among themselves, and with a mean structure the observed
intercepts are free and the latent means fixed to 0 (free in groups 2..G when intercepts or
thresholds are constrained equal).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["Model", "Row"]

Array = NDArray[Any]


@dataclass
class Row:
    """One row of the parameter table (one model parameter in one group)."""

    lhs: str
    op: str
    rhs: str
    group: int  # 1-based
    mat: str
    row: int
    col: int
    free: int = 0  # 0 = fixed, otherwise 1-based index into the free-parameter vector
    value: float = 0.0
    label: str = ""
    user: bool = False
    exo: bool = False  # fixed to a sample statistic (lavaan's fixed.x)


@dataclass
class Model:
    """Parameter table plus the index arrays needed to fill and differentiate the matrices."""

    rows: list[Row]
    ov: list[str]
    lv: list[str]
    factors: list[str]
    ngroups: int
    meanstructure: bool
    ordered: dict[str, int]  # item -> number of thresholds (empty for continuous models)
    npar: int
    fixed_x: list[str] = field(default_factory=list)
    _idx: dict[tuple[int, str], tuple[NDArray[Any], ...]] = field(default_factory=dict)

    @property
    def p(self) -> int:
        return len(self.ov)

    @property
    def m(self) -> int:
        return len(self.lv)

    @property
    def nth(self) -> int:
        return sum(self.ordered.values())

    def __post_init__(self) -> None:
        for g in range(1, self.ngroups + 1):
            for mat in ("lambda", "theta", "psi", "beta", "nu", "alpha", "tau", "delta"):
                sel = [r for r in self.rows if r.group == g and r.mat == mat]
                self._idx[(g, mat)] = (
                    np.array([r.row for r in sel], dtype=np.intp),
                    np.array([r.col for r in sel], dtype=np.intp),
                    np.array([r.free for r in sel], dtype=np.intp),
                    np.array([r.value for r in sel], dtype=float),
                )

    def _prepare(self) -> None:
        """Fixed-value matrices and free-entry indices per group (computed once)."""
        p, m = self.p, self.m
        self._base: list[dict[str, Array]] = []
        self._free: dict[tuple[int, str], tuple[NDArray[Any], NDArray[Any], NDArray[Any], bool]]
        self._free = {}
        for g in range(1, self.ngroups + 1):
            mats: dict[str, Array] = {
                "lambda": np.zeros((p, m)),
                "theta": np.zeros((p, p)),
                "psi": np.zeros((m, m)),
                "beta": np.zeros((m, m)),
                "nu": np.zeros(p),
                "alpha": np.zeros(m),
                "tau": np.zeros(self.nth),
                "delta": np.ones(p),
            }
            for mat, x in mats.items():
                r, c, f, v = self._idx[(g, mat)]
                fixed = f == 0
                if x.ndim == 2:
                    x[r[fixed], c[fixed]] = v[fixed]
                    if mat in ("theta", "psi"):
                        x[c[fixed], r[fixed]] = v[fixed]
                else:
                    x[r[fixed]] = v[fixed]
                fr, fc, ff = r[~fixed], c[~fixed], f[~fixed]
                unique = len(np.unique(ff)) == len(ff) and len(
                    set(zip(ff.tolist(), fr.tolist(), strict=True))
                ) == len(ff)
                self._free[(g, mat)] = (fr, fc, ff, unique)
            self._base.append(mats)

    def fill(self, theta: Array) -> list[dict[str, Array]]:
        """Model matrices of every group for the free-parameter vector ``theta``."""
        if not hasattr(self, "_base"):
            self._prepare()
        out = []
        for g in range(1, self.ngroups + 1):
            mats = {k: v.copy() for k, v in self._base[g - 1].items()}
            for mat, x in mats.items():
                r, c, f, _ = self._free[(g, mat)]
                if not len(f):
                    continue
                vals = theta[f - 1]
                if x.ndim == 2:
                    x[r, c] = vals
                    if mat in ("theta", "psi"):
                        x[c, r] = vals
                else:
                    x[r] = vals
            out.append(mats)
        return out

    def set_fixed_x(self, covs: list[Array], means: list[Array]) -> None:
        """Fix the exogenous covariates' (co)variances and means to the sample values."""
        ov_i = {n: i for i, n in enumerate(self.ov)}
        for r in self.rows:
            if not r.exo:
                continue
            s, ybar = covs[r.group - 1], means[r.group - 1]
            if r.mat == "psi":
                r.value = float(s[ov_i[r.lhs], ov_i[r.rhs]])
            elif r.mat == "nu":
                r.value = float(ybar[ov_i[r.lhs]])
        self._idx.clear()
        self.__post_init__()
        if hasattr(self, "_base"):
            del self._base

    def set_ordinal_theta(self, mats: dict[str, Array]) -> None:
        """Delta parameterization: theta_ii = 1/delta_i^2 - (Lambda M Lambda')_ii, in place."""
        if not self.ordered:
            return
        mats["theta"][np.diag_indices(self.p)] = 0.0
        sigma, _, _ = self.implied(mats)
        idx = [i for i, n in enumerate(self.ov) if n in self.ordered]
        mats["theta"][idx, idx] = 1.0 / mats["delta"][idx] ** 2 - sigma[idx, idx]

    def implied(self, mats: dict[str, Array]) -> tuple[Array, Array, Array]:
        """(Sigma, mu, A) for one group's matrices (continuous parameterization)."""
        a_inv: Array = np.linalg.inv(np.eye(self.m) - mats["beta"])
        lam_a = mats["lambda"] @ a_inv
        sigma = lam_a @ mats["psi"] @ lam_a.T + mats["theta"]
        mu = mats["nu"] + lam_a @ mats["alpha"]
        return sigma, mu, a_inv

    def derivatives(self, g: int, mats: dict[str, Array]) -> tuple[Array, Array]:
        """d vec(Sigma)/d theta (npar×p×p) and d mu/d theta (npar×p) for group ``g``."""
        if not hasattr(self, "_base"):
            self._prepare()
        p, npar = self.p, self.npar
        d_s = np.zeros((npar + 1, p, p))
        d_m = np.zeros((npar + 1, p))
        a_inv = np.linalg.inv(np.eye(self.m) - mats["beta"])
        lam, psi = mats["lambda"], mats["psi"]
        big_l = lam @ a_inv
        a_alpha = a_inv @ mats["alpha"]
        r, c, f, uniq = self._free[(g, "lambda")]
        if len(f):
            big_m = a_inv @ psi @ a_inv.T
            d = np.zeros((len(f), p, p))
            d[np.arange(len(f)), r, :] = (big_m @ lam.T)[c, :]
            _add(d_s, f, d + d.transpose(0, 2, 1), uniq)
            if a_alpha.any():
                _add2(d_m, f, r, a_alpha[c], uniq)
        r, c, f, uniq = self._free[(g, "psi")]
        if len(f):
            u, v = big_l[:, r].T, big_l[:, c].T
            d = u[:, :, None] * v[:, None, :]
            d = np.where((r != c)[:, None, None], d + d.transpose(0, 2, 1), d)
            _add(d_s, f, d, uniq)
        r, c, f, uniq = self._free[(g, "theta")]
        if len(f):
            d = np.zeros((len(f), p, p))
            d[np.arange(len(f)), r, c] = 1.0
            d[np.arange(len(f)), c, r] = 1.0
            _add(d_s, f, d, uniq)
        r, c, f, uniq = self._free[(g, "beta")]
        if len(f):
            u = big_l[:, r].T
            v = (big_l @ psi @ a_inv.T[:, c]).T
            d = u[:, :, None] * v[:, None, :]
            _add(d_s, f, d + d.transpose(0, 2, 1), uniq)
            _add(d_m, f, u * a_alpha[c][:, None], uniq)
        r, _, f, uniq = self._free[(g, "nu")]
        if len(f):
            _add2(d_m, f, r, np.ones(len(f)), uniq)
        r, _, f, uniq = self._free[(g, "alpha")]
        if len(f):
            _add(d_m, f, big_l[:, r].T, uniq)
        return d_s[1:], d_m[1:]


def _add(target: Array, idx: NDArray[Any], values: Array, unique: bool) -> None:
    """target[idx] += values, accumulating repeated indices (equality constraints)."""
    if unique:
        target[idx] += values
    else:
        np.add.at(target, idx, values)


def _add2(target: Array, i: NDArray[Any], j: NDArray[Any], values: Array, unique: bool) -> None:
    """target[i, j] += values, accumulating repeated index pairs."""
    if unique:
        target[i, j] += values
    else:
        np.add.at(target, (i, j), values)
