"""Exploratory factor analysis equal to R ``psych::fa``.

Public functions: :func:`efa`, and (defined in private modules, re-exported here)
:func:`kmo`, :func:`bartlett`, :func:`parallel_analysis`, :func:`velicer_map`.

Extraction (minres, ML, principal axis), rotation (GPArotation's oblimin, psych's promax,
varimax) and the final sign and order convention follow psych 2.2.9 step for step, so the
columns of :attr:`EFAResult.loadings` carry the same names (``MR1``, ``MR3``, ...), order and
signs as ``psych::fa`` prints them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dinamika.core.results import ResultMixin
from dinamika.core.sample_size import below_minimum
from dinamika.errors import UsageError
from dinamika.psychometrics.blas import single_thread_blas
from dinamika.psychometrics.efa.factorability import BartlettResult, KMOResult, bartlett, kmo
from dinamika.psychometrics.efa.fit import extract
from dinamika.psychometrics.efa.input import check_choice, correlations, item_matrix
from dinamika.psychometrics.efa.retention import ParallelResult, parallel_analysis, velicer_map
from dinamika.psychometrics.efa.rotation import ROTATIONS, align, rotate
from dinamika.psychometrics.efa.stats import EFAFit, fit_statistics

__all__ = [
    "BartlettResult",
    "EFAFit",
    "EFAResult",
    "KMOResult",
    "ParallelResult",
    "bartlett",
    "efa",
    "kmo",
    "parallel_analysis",
    "velicer_map",
]

METHODS = ("minres", "ml", "pa")
_PREFIX = {"minres": "MR", "ml": "ML", "pa": "PA"}


@dataclass(frozen=True)
class EFAResult(ResultMixin):
    """Result of :func:`efa`.

    Attributes
    ----------
    loadings : DataFrame
        Pattern loadings, items x factors, columns named and ordered as psych prints them
        (``MR1``, ``MR3``, ``MR2`` ...: named in extraction order, then sorted by variance
        accounted for after rotation).
    communalities : Series
        ``h2``: diagonal of ``L Phi L'`` (psych's ``communality``).
    uniquenesses : Series
        ``u2 = 1 - h2`` (psych's ``uniquenesses``). Never clamped: see :attr:`heywood`.
    phi : DataFrame or None
        Factor correlations for oblique rotations, ``None`` for orthogonal ones.
    variance : DataFrame
        psych's ``Vaccounted``: rows ``SS loadings``, ``Proportion Var``, ``Cumulative Var``,
        ``Proportion Explained``, ``Cumulative Proportion`` (first two only for one factor).
    n : int
        Respondents used (rows; psych's ``n.obs``). Pairwise counts are in
        :attr:`diagnostics` when they differ.
    converged : bool
        Extraction and rotation both converged.
    iterations : int
        Iterations of the extraction (optimizer iterations, or principal-axis rounds).
    heywood : tuple of str
        Items with communality >= 1 or uniqueness <= 0 (Heywood / ultra-Heywood cases).
    fit : EFAFit
        Chi-square, df, p, RMSEA (90% CI), TLI, BIC, RMSR as psych's ``fa`` reports them.
    eigenvalues : Series
        Eigenvalues of the correlation matrix (psych's ``e.values``), indexed 1..p.
    correlation : DataFrame
        The correlation matrix analysed.
    diagnostics : tuple of str
        Everything worth knowing: missing-data handling, non-convergence, Heywood cases.
    method, rotation, cor, missing : str
        The options used.
    """

    loadings: pd.DataFrame
    communalities: pd.Series
    uniquenesses: pd.Series
    phi: pd.DataFrame | None
    variance: pd.DataFrame
    n: int
    converged: bool
    iterations: int
    heywood: tuple[str, ...]
    fit: EFAFit
    eigenvalues: pd.Series
    correlation: pd.DataFrame = field(repr=False)
    diagnostics: tuple[str, ...]
    method: str
    rotation: str | None
    cor: str
    missing: str

    @property
    def n_factors(self) -> int:
        """Number of factors extracted."""
        return int(self.loadings.shape[1])

    @property
    def structure(self) -> pd.DataFrame:
        """Structure matrix: item-factor correlations ``L Phi`` (= loadings if orthogonal)."""
        if self.phi is None:
            return self.loadings.copy()
        return self.loadings @ self.phi

    def to_frame(self) -> pd.DataFrame:
        """Tidy loadings: one row per item x factor with columns ``item, factor, loading``."""
        long = self.loadings.reset_index(names="item").melt(
            id_vars="item", var_name="factor", value_name="loading"
        )
        return long.reset_index(drop=True)

    def summary(self, *, digits: int = 2, cut: float = 0.0) -> str:
        """A readable report: loadings with h2/u2, variance accounted for, Phi, fit, notes."""
        tab = self.loadings.copy()
        if cut > 0:
            tab = tab.where(tab.abs() >= cut)
        tab["h2"] = self.communalities
        tab["u2"] = self.uniquenesses
        rot = self.rotation or "none"
        lines = [
            f"Exploratory factor analysis: {self.n_factors} factor(s), method={self.method}, "
            f"rotation={rot}, cor={self.cor}, missing={self.missing}, n={self.n}",
            "",
            tab.round(digits).to_string(na_rep=""),
            "",
            self.variance.round(digits).to_string(),
        ]
        if self.phi is not None:
            lines += ["", "Factor correlations (Phi):", self.phi.round(digits).to_string()]
        f = self.fit
        lines += [
            "",
            f"chisq = {f.chisq:.2f}, df = {f.df:g}, p = {f.pvalue:.3g}; "
            f"RMSEA = {f.rmsea:.3f} [{f.rmsea_ci_lower:.3f}, {f.rmsea_ci_upper:.3f}]; "
            f"TLI = {f.tli:.3f}; BIC = {f.bic:.2f}; RMSR = {f.rms:.3f}",
            f"converged: {self.converged} ({self.iterations} iterations)",
        ]
        if self.heywood:
            lines.append(f"Heywood cases: {', '.join(self.heywood)}")
        lines += [f"note: {d}" for d in self.diagnostics]
        return "\n".join(lines)


def efa(
    items: pd.DataFrame,
    n_factors: int,
    *,
    method: str = "minres",
    rotation: str | None = "oblimin",
    cor: str = "pearson",
    missing: str = "pairwise",
) -> EFAResult:
    r"""Exploratory factor analysis, equal to ``psych::fa(x, nfactors, fm=, rotate=)``.

    The common factor model :math:`R = \Lambda \Phi \Lambda' + \Psi` is fitted to the item
    correlation matrix :math:`R`:

    - ``"minres"`` (psych's default) minimizes :math:`\sum_{i<j} (r_{ij} -
      (\Lambda\Lambda')_{ij})^2` over the uniquenesses :math:`\Psi` (L-BFGS-B from
      :math:`1 - \mathrm{SMC}`, as psych);
    - ``"ml"`` minimizes :math:`\operatorname{tr}(\Sigma^{-1}R) - \log|\Sigma^{-1}R| - p`;
    - ``"pa"`` iterates principal axes from the SMCs until the summed communality changes
      by less than .001 (at most 50 rounds).

    Rotations: ``"oblimin"`` (quartimin, GPArotation, no Kaiser normalization),
    ``"promax"`` (psych's: Kaiser-normalized, power 4), ``"varimax"`` (``stats::varimax``,
    Kaiser-normalized) or ``None``. Each factor is then signed so that its loadings sum
    positive and factors are sorted by variance accounted for, as psych does.

    Parameters
    ----------
    items : DataFrame
        One numeric column per item, NaN for missing answers.
    n_factors : int
        Number of factors.
    method : {"minres", "ml", "pa"}
        Extraction method (psych's ``fm``).
    rotation : {"oblimin", "promax", "varimax", None}
        Rotation (psych's ``rotate``; ``None`` = ``"none"``).
    cor : {"pearson", "polychoric"}
        Correlations to analyse; ``"polychoric"`` uses :func:`dinamika.psychometrics.polychoric.api` with
        psych's default continuity correction 0.5 (``fa(x, cor = "poly")``).
    missing : {"pairwise", "listwise"}
        Pairwise-complete correlations (psych's default ``use = "pairwise"``) or complete
        respondents only. Nothing is imputed.

    Returns
    -------
    EFAResult
        Loadings, communalities, uniquenesses, Phi, variance accounted for, fit, diagnostics.
        Heywood cases are reported in ``.heywood`` and ``.diagnostics``, never clamped.

    Raises
    ------
    UsageError
        Unknown option, too few items, an item without variance, or too many factors.

    References
    ----------
    Revelle, W. (2022). *psych: Procedures for Psychological, Psychometric, and Personality
    Research* (R package 2.2.9), function ``fa``. Harman, H. H., & Jones, W. H. (1966).
    Factor analysis by minimizing residuals (minres). *Psychometrika*, 31, 351-368.
    Jennrich, R. I. (2002). A simple general method for oblique rotation. *Psychometrika*, 67,
    7-19.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import dinamika
    >>> rng = np.random.default_rng(1)
    >>> f = rng.standard_normal((500, 2))
    >>> x = np.hstack([f[:, [0]] * 0.8, f[:, [0]] * 0.7, f[:, [0]] * 0.6,
    ...                f[:, [1]] * 0.8, f[:, [1]] * 0.7, f[:, [1]] * 0.6])
    >>> items = pd.DataFrame(x + rng.standard_normal(x.shape) * 0.6,
    ...                      columns=["a1", "a2", "a3", "b1", "b2", "b3"])
    >>> res = dinamika.efa(items, 2)   # R: psych::fa(items, 2)
    >>> list(res.loadings.columns)
    ['MR1', 'MR2']
    >>> res.loadings.abs().idxmax(axis=1).tolist()
    ['MR2', 'MR2', 'MR2', 'MR1', 'MR1', 'MR1']
    >>> res.loadings.abs().max(axis=1).round(1).tolist()
    [0.8, 0.7, 0.7, 0.8, 0.8, 0.7]
    >>> res.heywood
    ()
    """
    check_choice("method", method, METHODS)
    check_choice("rotation", rotation, ROTATIONS)
    x, names = item_matrix(items)
    p = len(names)
    if isinstance(n_factors, bool) or not isinstance(n_factors, int | np.integer):
        raise UsageError(f"`n_factors` must be a whole number, got {n_factors!r}.")
    n_factors = int(n_factors)
    if not 1 <= n_factors < p:
        raise UsageError(
            f"`n_factors` must be between 1 and {p - 1} for {p} items, got {n_factors}."
        )
    with single_thread_blas():
        return _efa(x, names, n_factors, method=method, rotation=rotation, cor=cor, missing=missing)


def _efa(
    x: np.ndarray,
    names: list[str],
    n_factors: int,
    *,
    method: str,
    rotation: str | None,
    cor: str,
    missing: str,
) -> EFAResult:
    ci = correlations(x, names, cor=cor, missing=missing)
    notes = list(ci.notes)
    p = len(names)
    dof = p * (p - 1) / 2 - p * n_factors + n_factors * (n_factors - 1) / 2
    if dof < 0:
        notes.append(
            f"{n_factors} factors for {p} items leave {dof:g} degrees of freedom: the model is "
            "not identified; interpret with care"
        )
    ex = extract(ci.r, n_factors, method)
    notes += ex.notes
    if not np.isfinite(ex.loadings).all():  # psych: "imaginary eigen value condition ... exiting"
        raise UsageError(
            f"The {method} extraction of {n_factors} factor(s) from {p} items failed: "
            + "; ".join(ex.notes or ("the loadings are not finite",))
            + ". Extract fewer factors or use another method (e.g. method='minres')."
        )
    ro = rotate(ex.loadings, rotation)
    if not ro.converged:
        notes.append(f"rotation {rotation}: did not converge in {ro.iterations} iterations")
    lam, phi, order = align(ro.loadings, ro.phi)
    cols = [f"{_PREFIX[method]}{i + 1}" for i in order]
    h2 = np.einsum("ij,ij->i", ex.loadings, ex.loadings)
    u2 = np.diag(ci.r) - h2
    heywood = tuple(nm for nm, h, u in zip(names, h2, u2, strict=True) if h >= 1 or u <= 0)
    if heywood:
        notes.append(
            "Heywood case(s): communality >= 1 (uniqueness <= 0) for "
            + ", ".join(
                f"{nm} (h2 = {h:.4f})" for nm, h in zip(names, h2, strict=True) if nm in heywood
            )
            + "; the solution is improper: try fewer factors, another method, or check for "
            "near-duplicate items"
        )
    fit, fit_notes = fit_statistics(ci.r, lam, phi, ci.n, ci.n_pairs)
    notes += fit_notes
    if ci.n is not None and (few := below_minimum("efa", ci.n, parameters=p)):
        notes.append(f"sample size: {few}")
    vx = np.sum(lam * lam, axis=0) if phi is None else np.diag(phi @ lam.T @ lam)
    vtotal = float(np.sum(h2 + u2))
    rows = {"SS loadings": vx, "Proportion Var": vx / vtotal}
    if n_factors > 1:
        rows["Cumulative Var"] = np.cumsum(vx / vtotal)
        rows["Proportion Explained"] = vx / vx.sum()
        rows["Cumulative Proportion"] = np.cumsum(vx / vx.sum())
    idx, cidx = pd.Index(names), pd.Index(cols)
    variance = pd.DataFrame(
        np.vstack(list(rows.values())), index=pd.Index(list(rows)), columns=cidx
    )
    return EFAResult(
        loadings=pd.DataFrame(lam, index=idx, columns=cidx),
        communalities=pd.Series(h2, index=idx, name="h2"),
        uniquenesses=pd.Series(u2, index=idx, name="u2"),
        phi=None if phi is None else pd.DataFrame(phi, index=cidx, columns=cidx),
        variance=variance,
        n=ci.n,
        converged=ex.converged and ro.converged,
        iterations=ex.iterations,
        heywood=heywood,
        fit=fit,
        eigenvalues=pd.Series(
            np.linalg.eigvalsh(ci.r)[::-1],
            index=pd.RangeIndex(1, p + 1, name="k"),
            name="eigenvalue",
        ),
        correlation=pd.DataFrame(ci.r, index=idx, columns=idx),
        diagnostics=tuple(notes),
        method=method,
        rotation=rotation,
        cor=cor,
        missing=missing,
    )
