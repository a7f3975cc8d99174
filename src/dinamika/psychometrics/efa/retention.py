"""How many factors? Parallel analysis and Velicer's MAP (psych's ``fa.parallel``, ``VSS``).

Private module; the functions are public as ``dinamika.parallel_analysis`` and
``dinamika.velicer_map``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dinamika.core.results import ResultMixin
from dinamika.errors import UsageError
from dinamika.psychometrics.blas import single_thread_blas
from dinamika.psychometrics.efa.fit import fit_minres, fit_ml, fit_pa
from dinamika.psychometrics.efa.input import check_choice, correlations, item_matrix

_CHUNK = 20_000_000  # simulated values per batch (160 MB of float64)


@dataclass(frozen=True)
class ParallelResult(ResultMixin):
    """Result of :func:`parallel_analysis`.

    Attributes
    ----------
    eigenvalues : DataFrame
        One row per position ``k = 1..p`` with ``pc_observed``, ``pc_simulated`` (mean over
        iterations), ``pc_criterion``, ``fa_observed``, ``fa_simulated``, ``fa_criterion``
        (the criterion is the simulated mean, or the simulated ``quantile``).
    n_factors, n_components : int
        Number of leading observed eigenvalues above the criterion (psych's ``nfact``,
        ``ncomp``).
    n : int
        Respondents per simulated data set (rows of ``items``, as psych).
    n_iter : int
        Simulated data sets.
    method : str
        Extraction method for the factor eigenvalues.
    quantile : float or None
        Quantile used as criterion, ``None`` for the mean.
    seed : int or None
        Seed of :func:`numpy.random.default_rng`.
    """

    eigenvalues: pd.DataFrame
    n_factors: int
    n_components: int
    n: int
    n_iter: int
    method: str
    quantile: float | None
    seed: int | None

    def to_frame(self) -> pd.DataFrame:
        """The eigenvalue table, with the position as a column ``k``."""
        return self.eigenvalues.reset_index()

    def summary(self) -> str:
        """The suggestion and the eigenvalue table as text."""
        crit = "mean" if self.quantile is None else f"{self.quantile:g} quantile"
        return (
            f"Parallel analysis ({self.n_iter} simulated data sets of n = {self.n}, "
            f"criterion: simulated {crit}, fm = {self.method}) suggests "
            f"{self.n_factors} factor(s) and {self.n_components} component(s).\n"
            + self.eigenvalues.round(3).to_string()
        )


def _leading_above(observed: np.ndarray, criterion: np.ndarray) -> int:
    above = observed > criterion
    return int(above.size if above.all() else np.argmin(above))


def _fa_values(r: np.ndarray, method: str, *, use_smc: bool) -> np.ndarray:
    if method == "minres":
        return fit_minres(r, 1).values
    if method == "ml":
        return fit_ml(r, 1).values
    return fit_pa(r, 1, use_smc=use_smc).values


def _simulated_correlations(rng: np.random.Generator, n_iter: int, n: int, p: int) -> np.ndarray:
    """Correlation matrices of ``n_iter`` standard normal n x p data sets, in batches."""
    out = np.empty((n_iter, p, p))
    step = max(1, _CHUNK // (n * p))
    for start in range(0, n_iter, step):
        stop = min(n_iter, start + step)
        z = rng.standard_normal((stop - start, n, p))
        z -= z.mean(axis=1, keepdims=True)
        cov = np.einsum("inj,ink->ijk", z, z, optimize=True)
        sd = np.sqrt(np.einsum("ijj->ij", cov))
        out[start:stop] = cov / (sd[:, :, None] * sd[:, None, :])
    return out


def parallel_analysis(
    items: pd.DataFrame,
    *,
    n_iter: int = 20,
    seed: int | None = None,
    method: str = "minres",
    quantile: float | None = 0.95,
) -> ParallelResult:
    r"""Horn's parallel analysis for factors and components, as ``psych::fa.parallel``.

    Observed eigenvalues of the (pairwise-complete) correlation matrix :math:`R` (components)
    and of :math:`R` with one-factor communalities on the diagonal (factors, psych's
    ``fa(R, 1, fm = method)$values``) are compared with those of ``n_iter`` data sets of
    independent standard normal variables of the same size. The suggested number is the
    count of leading observed eigenvalues above the simulated criterion.

    All simulated data sets are drawn at once from ``numpy.random.default_rng(seed)``, their
    correlation matrices formed with one batched product and their eigenvalues with one
    call to :func:`numpy.linalg.eigvalsh` on the stack.

    Parameters
    ----------
    items : DataFrame
        Numeric item columns, NaN for missing (pairwise-complete correlations).
    n_iter : int
        Number of simulated data sets (psych's ``n.iter``, default 20).
    seed : int, optional
        Seed for reproducible simulations.
    method : {"minres", "ml", "pa"}
        Extraction method for the factor eigenvalues (psych's ``fm``).
    quantile : float or None, default 0.95
        Compare with this quantile of the simulated eigenvalues, as ``psych::fa.parallel``
        does (``quant = .95``); ``None`` compares with their mean (Horn's original rule).

    Returns
    -------
    ParallelResult

    Notes
    -----
    psych also resamples the observed data; only the simulated (normal) reference is
    computed here. The observed eigenvalues equal psych's ``pc.values`` and ``fa.values``.

    References
    ----------
    Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis.
    *Psychometrika*, 30, 179-185.

    Examples
    --------
    >>> import numpy as np, pandas as pd, dinamika
    >>> rng = np.random.default_rng(3)
    >>> f = rng.standard_normal((400, 2))
    >>> x = np.repeat(f, 4, axis=1) * 0.7 + rng.standard_normal((400, 8)) * 0.7
    >>> items = pd.DataFrame(x, columns=[f"i{k}" for k in range(8)])
    >>> pa = dinamika.parallel_analysis(items, seed=1)  # R: psych::fa.parallel(items)
    >>> pa.n_factors, pa.n_components
    (2, 2)
    """
    check_choice("method", method, ("minres", "ml", "pa"))
    if isinstance(n_iter, bool) or not isinstance(n_iter, int | np.integer) or n_iter < 1:
        raise UsageError(f"`n_iter` must be a positive whole number, got {n_iter!r}.")
    if quantile is not None and not 0 < quantile < 1:
        raise UsageError(f"`quantile` must be between 0 and 1 (or None), got {quantile!r}.")
    x, names = item_matrix(items)
    with single_thread_blas():  # many small matrices: threads only add overhead
        return _parallel(x, names, int(n_iter), seed, method, quantile)


def _parallel(
    x: np.ndarray,
    names: list[str],
    n_iter: int,
    seed: int | None,
    method: str,
    quantile: float | None,
) -> ParallelResult:
    ci = correlations(x, names, cor="pearson", missing="pairwise")
    n, p = x.shape
    pc_obs = np.linalg.eigvalsh(ci.r)[::-1]
    fa_obs = _fa_values(ci.r, method, use_smc=True)
    rng = np.random.default_rng(seed)
    sims = _simulated_correlations(rng, n_iter, n, p)
    pc_sim = np.linalg.eigvalsh(sims)[:, ::-1]
    fa_sim = np.stack([_fa_values(s, method, use_smc=False) for s in sims])
    if quantile is None:
        pc_crit, fa_crit = pc_sim.mean(axis=0), fa_sim.mean(axis=0)
    else:
        pc_crit = np.quantile(pc_sim, quantile, axis=0)
        fa_crit = np.quantile(fa_sim, quantile, axis=0)
    table = pd.DataFrame(
        {
            "pc_observed": pc_obs,
            "pc_simulated": pc_sim.mean(axis=0),
            "pc_criterion": pc_crit,
            "fa_observed": fa_obs,
            "fa_simulated": fa_sim.mean(axis=0),
            "fa_criterion": fa_crit,
        },
        index=pd.RangeIndex(1, p + 1, name="k"),
    )
    return ParallelResult(
        eigenvalues=table,
        n_factors=_leading_above(fa_obs, fa_crit),
        n_components=_leading_above(pc_obs, pc_crit),
        n=int(n),
        n_iter=n_iter,
        method=method,
        quantile=quantile,
        seed=seed,
    )


def velicer_map(items: pd.DataFrame, *, n_factors: int = 8) -> pd.DataFrame:
    r"""Velicer's minimum average partial (MAP) criterion, equal to ``psych::VSS(x)$map``.

    For :math:`m = 1, 2, \ldots` principal components partialled out of :math:`R`,

    .. math:: \mathrm{MAP}_m = \frac{1}{p(p-1)} \sum_{i \ne j} r^{*2}_{ij \cdot m},

    the mean squared partial correlation after removing the first :math:`m` components.
    The suggested number of factors is the :math:`m` with the smallest value.

    Parameters
    ----------
    items : DataFrame
        Numeric item columns, NaN for missing (pairwise-complete correlations).
    n_factors : int
        Largest number of components to partial out (psych's ``n``, default 8); at most
        ``p - 1``.

    Returns
    -------
    DataFrame
        Columns ``n_factors`` (1, 2, ...) and ``map``. ``map`` is NaN for an :math:`m` that
        leaves an item without residual variance (near-duplicate items, or fewer respondents
        than items); ``.attrs["note"]`` then says so.

    References
    ----------
    Velicer, W. F. (1976). Determining the number of components from the matrix of partial
    correlations. *Psychometrika*, 41, 321-327.

    Examples
    --------
    >>> import numpy as np, pandas as pd, dinamika
    >>> rng = np.random.default_rng(3)
    >>> f = rng.standard_normal((400, 2))
    >>> x = np.repeat(f, 4, axis=1) * 0.7 + rng.standard_normal((400, 8)) * 0.7
    >>> items = pd.DataFrame(x, columns=[f"i{k}" for k in range(8)])
    >>> m = dinamika.velicer_map(items)  # R: psych::VSS(items)$map
    >>> int(m.loc[m["map"].idxmin(), "n_factors"])
    2
    """
    if isinstance(n_factors, bool) or not isinstance(n_factors, int | np.integer) or n_factors < 1:
        raise UsageError(f"`n_factors` must be a positive whole number, got {n_factors!r}.")
    x, names = item_matrix(items)
    r = correlations(x, names, cor="pearson", missing="pairwise").r
    p = r.shape[0]
    w, v = np.linalg.eigh(r)
    w, v = w[::-1], v[:, ::-1]
    with np.errstate(invalid="ignore"):
        comp = v * np.sqrt(w)
    m_max = min(int(n_factors), p - 1)
    out = np.empty(m_max)
    for m in range(1, m_max + 1):
        c = r - comp[:, :m] @ comp[:, :m].T
        resid = np.diag(c)
        if not resid.min() > 1e-12:  # an item fully explained: partial correlations undefined
            out[m - 1] = np.nan
            continue
        d = 1.0 / np.sqrt(resid)
        rstar = c * np.outer(d, d)
        np.fill_diagonal(rstar, 0.0)
        if not np.abs(rstar).max() <= 1 + 1e-12:  # not positive definite (pairwise deletion)
            out[m - 1] = np.nan
            continue
        out[m - 1] = np.sum(rstar * rstar) / (p * (p - 1))
    res = pd.DataFrame({"n_factors": np.arange(1, m_max + 1), "map": out})
    if np.isnan(out).any():
        res.attrs["note"] = (
            "map is NaN where partialling out the components leaves an item without residual "
            "variance or partial correlations beyond ±1 (near-duplicate items, fewer "
            "respondents than items, or a pairwise matrix that is not positive definite)"
        )
    return res
