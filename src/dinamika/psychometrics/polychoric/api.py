"""Polychoric correlations of ordinal items, all pairs at once.

The two-step estimator of Olsson (1979), as R ``psych::polychoric`` computes it: thresholds
from each item's marginal proportions, then, for every pair of items, the correlation ρ of an
underlying bivariate normal distribution that maximizes the likelihood of the pair's
contingency table. dinamika evaluates the bivariate normal CDF on every pair's threshold grid
in one vectorized call (:mod:`dinamika.psychometrics.polychoric.bvn`), differences it into cell probabilities and
solves the likelihood equations of all pairs together with a safeguarded Newton iteration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.special import ndtri

from dinamika.core.results import ResultMixin
from dinamika.errors import UsageError
from dinamika.i18n.messages import Message, Said
from dinamika.psychometrics.blas import single_thread_blas
from dinamika.psychometrics.polychoric.fit import (
    cor_smooth,
    fit_pairs,
    marginals,
    pair_tables,
    pairwise_thresholds,
)

__all__ = ["PolychoricResult", "polychoric"]

if TYPE_CHECKING:
    from dinamika.scale.statistics import SufficientStatistics

_MAX_CATEGORIES = 8  # psych's max.cat


@dataclass(frozen=True)
class PolychoricResult(ResultMixin):
    """Polychoric correlation matrix with its thresholds and diagnostics.

    Attributes
    ----------
    rho : DataFrame
        Items × items polychoric correlations (after smoothing when ``smoothed``).
    thresholds : DataFrame
        Items × cut index (1 … K−1): ``Φ⁻¹`` of each item's cumulative marginal proportions
        (psych's ``tau``). ``-inf``/``inf`` mark categories an item never used.
    n : DataFrame
        Items × items number of respondents who answered both items (diagonal: each item).
    smoothed : bool
        True when the matrix was not positive definite and was smoothed (psych's
        ``cor.smooth``); the unsmoothed estimates are then in ``rho_unsmoothed``.
    diagnostics : tuple of str
        Everything worth knowing: fallback to pair-wise thresholds, zero-cell corrections,
        smoothing, pairs at the boundary or without common respondents.
    global_thresholds : bool
        Whether the marginal thresholds were used for every pair (psych ``global=TRUE``).
    rho_unsmoothed : DataFrame
        The maximum-likelihood estimates before any smoothing.
    """

    rho: pd.DataFrame
    thresholds: pd.DataFrame
    n: pd.DataFrame
    smoothed: bool
    diagnostics: tuple[str, ...]
    global_thresholds: bool = True
    rho_unsmoothed: pd.DataFrame | None = None

    def to_frame(self) -> pd.DataFrame:
        """One row per item pair (upper triangle): ``item1``, ``item2``, ``rho``, ``n``."""
        i, j = np.triu_indices(len(self.rho), 1)
        names = self.rho.index.to_numpy()
        return pd.DataFrame(
            {
                "item1": names[i],
                "item2": names[j],
                "rho": self.rho.to_numpy()[i, j],
                "n": self.n.to_numpy()[i, j],
            }
        )

    def summary(self) -> str:
        """Readable report: n range, smoothing, diagnostics and the rounded matrix."""
        off = self.n.to_numpy()[np.triu_indices(len(self.n), 1)]
        lines = [
            f"Polychoric correlations of {len(self.rho)} items "
            f"(pairwise n {int(off.min()) if off.size else 0}–{int(off.max()) if off.size else 0}; "
            f"{'global' if self.global_thresholds else 'pair-wise'} thresholds; "
            f"{'smoothed' if self.smoothed else 'not smoothed'})",
            *(f"  note: {d}" for d in self.diagnostics),
            self.rho.round(3).to_string(),
        ]
        return "\n".join(lines)


def polychoric(
    items: pd.DataFrame | SufficientStatistics,
    *,
    correct: float = 0.5,
    smooth: bool = True,
    missing: Literal["pairwise", "listwise"] = "pairwise",
    global_thresholds: bool = True,
) -> PolychoricResult:
    r"""Polychoric correlation matrix, matching R ``psych::polychoric(x, correct = 0.5)``.

    Parameters
    ----------
    items : DataFrame or SufficientStatistics
        One column per ordinal item, integer codes (e.g. 1–5), NaN for missing. At most 8
        distinct codes across all items (psych's ``max.cat``). Or the pair tables of
        :func:`dinamika.scale.sufficient_statistics` (data beyond one machine; pairwise).
    correct : float, default 0.5
        Zero-cell correction used only with pair-wise thresholds (see Notes): every empty cell
        of a pair's table counts as ``correct`` observations. 0 disables it.
    smooth : bool, default True
        Smooth a non-positive-definite result by eigenvalue adjustment (psych's
        ``cor.smooth``); reported in ``smoothed`` and ``diagnostics``.
    missing : {"pairwise", "listwise"}, default "pairwise"
        ``pairwise`` uses, for every pair, the respondents who answered both items, and for the
        thresholds every answer to the item (psych's behaviour). ``listwise`` first drops every
        respondent with a missing answer (``psych::polychoric(na.omit(x))``).
    global_thresholds : bool, default True
        psych's ``global``: use each item's marginal thresholds for all its pairs. As in psych
        it is switched off (with a diagnostic) when the items do not share the same highest
        response code.

    Returns
    -------
    PolychoricResult

    Notes
    -----
    Codes are shifted so the lowest code of all items is category 1; with K categories the
    thresholds of item *i* are :math:`\tau_{ic} = \Phi^{-1}(\sum_{m \le c} p_{im})`,
    c = 1 … K−1. For a pair with table :math:`n_{ab}` the cell probabilities are

    .. math:: \pi_{ab}(\rho) = \Phi_2(\tau_a, \tau_b) - \Phi_2(\tau_{a-1}, \tau_b)
              - \Phi_2(\tau_a, \tau_{b-1}) + \Phi_2(\tau_{a-1}, \tau_{b-1})

    and ρ maximizes :math:`\sum_{ab} n_{ab} \log \pi_{ab}(\rho)`. The score uses Plackett's
    identity :math:`\partial\Phi_2/\partial\rho = \phi_2`; Newton steps are kept inside a
    bisection bracket so every pair converges to |Δρ| < 1e-10. psych's ``optimize`` stops at a
    tolerance of about 1e-4, so agreement with R is to that order.

    With global thresholds (psych's default) psych applies **no** zero-cell correction — the
    ``correct`` argument only acts in the pair-wise branch — and dinamika does the same. In the
    pair-wise branch (psych ``global=FALSE``) empty rows/columns of a pair's table are dropped,
    the remaining empty cells become ``correct`` counts, and thresholds come from that table's
    margins, exactly as psych's ``polyc``.

    References
    ----------
    Olsson, U. (1979). Maximum likelihood estimation of the polychoric correlation coefficient.
    *Psychometrika*, 44, 443–460.

    Revelle, W. psych: Procedures for Psychological, Psychometric, and Personality Research
    (``polychoric``, ``cor.smooth``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> z = rng.multivariate_normal([0, 0, 0], [[1, .5, .4], [.5, 1, .3], [.4, .3, 1]], 2000)
    >>> x = pd.DataFrame(np.digitize(z, [-1.2, -0.3, 0.5, 1.3]) + 1.0, columns=["a", "b", "c"])
    >>> res = polychoric(x)   # in R: psych::polychoric(x)$rho
    >>> res.rho.round(1)
         a    b    c
    a  1.0  0.5  0.4
    b  0.5  1.0  0.3
    c  0.4  0.3  1.0
    """
    with single_thread_blas():
        return _polychoric(items, correct, smooth, missing, global_thresholds)


def _polychoric(
    items: pd.DataFrame | SufficientStatistics,
    correct: float,
    smooth: bool,
    missing: str,
    global_thresholds: bool,
) -> PolychoricResult:
    if hasattr(items, "tables") and hasattr(items, "lowest"):  # dinamika.scale statistics
        counts, names, n_cat = _from_statistics(items, missing)
    else:
        codes, names, n_cat = _prepare(items, missing)
        counts = pair_tables(codes, n_cat)  # (p, p, K, K)
    return _from_tables(counts, names, n_cat, correct, smooth, global_thresholds)


def _from_statistics(stats: Any, missing: str) -> tuple[NDArray[np.int64], list[str], int]:
    """Pair tables of :class:`dinamika.scale.SufficientStatistics`, checked as :func:`_prepare`
    checks data (the tables are pairwise: ``missing="listwise"`` needs the data)."""
    if missing != "pairwise":
        raise UsageError(
            "polychoric() of sufficient statistics is pairwise; for listwise deletion compute "
            "the statistics of the complete rows"
        )
    names = [str(c) for c in stats.items]
    counts = np.asarray(stats.tables, dtype=np.int64)
    if len(names) < 2:
        raise UsageError("polychoric() needs at least two item columns.")
    marg = marginals(counts)
    if not marg.any():
        raise UsageError("polychoric(): there are no answers to work with.")
    used = np.flatnonzero(marg.any(axis=0))
    counts = counts[:, :, used[0] : used[-1] + 1, used[0] : used[-1] + 1]
    marg = marginals(counts)
    n_cat = counts.shape[2]
    if n_cat > _MAX_CATEGORIES:
        raise UsageError(
            f"polychoric(): the items span {n_cat} response codes (more than {_MAX_CATEGORIES}); "
            "for such items use Pearson correlations (psych's max.cat rule)."
        )
    sparse = [names[i] for i in np.flatnonzero(marg.sum(axis=1) < 2)]
    if sparse:
        raise UsageError(
            f"polychoric(): item(s) {', '.join(sparse)} were answered by fewer than 2 respondents; "
            "remove them first."
        )
    flat = [names[i] for i in np.flatnonzero((marg > 0).sum(axis=1) < 2)]
    if flat:
        raise UsageError(
            f"polychoric(): item(s) {', '.join(flat)} have no variance (one response code or no "
            "answers); remove them first."
        )
    return counts, names, n_cat


def _from_tables(
    counts: NDArray[np.int64],
    names: list[str],
    n_cat: int,
    correct: float,
    smooth: bool,
    global_thresholds: bool,
) -> PolychoricResult:
    diagnostics: list[str] = []
    n_items = counts.shape[0]
    marg = marginals(counts)
    n_item = marg.sum(axis=1)
    item_max = np.array([np.flatnonzero(m).max() for m in marg])
    if global_thresholds and np.unique(item_max).size > 1:
        global_thresholds = False
        diagnostics.append(Said(Message("polychoric.not_global")))
    with np.errstate(divide="ignore"):
        tau = ndtri(np.cumsum(marg, axis=1)[:, :-1] / n_item[:, None])

    iu, ju = np.triu_indices(n_items, 1)
    tabs = counts[iu, ju].astype(np.float64)  # (P, K, K): rows item i, columns item j
    totals = tabs.sum(axis=(1, 2))
    empty = totals == 0
    if global_thresholds:
        tr, tc = tau[iu], tau[ju]
        n_fixed = 0
    else:
        tabs, tr, tc, n_fixed = pairwise_thresholds(tabs, totals, correct)
        if n_fixed:
            diagnostics.append(Said(Message("polychoric.zero_cells", n=n_fixed, correct=correct)))
    rho_pairs, status = fit_pairs(tabs, tr, tc, ~empty)
    for idx in np.flatnonzero(empty):
        diagnostics.append(Said(Message("polychoric.no_pair", a=names[iu[idx]], b=names[ju[idx]])))
    for idx in np.flatnonzero(status == 1):
        diagnostics.append(
            Said(
                Message(
                    "polychoric.boundary",
                    a=names[iu[idx]],
                    b=names[ju[idx]],
                    rho=f"{rho_pairs[idx]:+.6f}",
                )
            )
        )
    for idx in np.flatnonzero(status == 2):
        diagnostics.append(
            Said(Message("polychoric.not_converged", a=names[iu[idx]], b=names[ju[idx]]))
        )

    mat = np.eye(n_items)
    mat[iu, ju] = rho_pairs
    mat[ju, iu] = rho_pairs
    raw = pd.DataFrame(mat.copy(), index=names, columns=names)
    smoothed = False
    if smooth and np.isnan(mat).any():
        diagnostics.append(Said(Message("polychoric.no_smoothing")))
    elif smooth:
        mat, smoothed = cor_smooth(mat)
        if smoothed:
            diagnostics.append(Said(Message("polychoric.smoothed")))

    n_mat = counts.sum(axis=(2, 3)).astype(np.int64)
    return PolychoricResult(
        rho=pd.DataFrame(mat, index=names, columns=names),
        thresholds=pd.DataFrame(tau, index=names, columns=pd.RangeIndex(1, n_cat)),
        n=pd.DataFrame(n_mat, index=names, columns=names),
        smoothed=smoothed,
        diagnostics=tuple(diagnostics),
        global_thresholds=global_thresholds,
        rho_unsmoothed=raw,
    )


def _prepare(items: pd.DataFrame, missing: str) -> tuple[NDArray[np.int64], list[str], int]:
    """Validate; return 0-based integer codes (−1 = missing), item names and K."""
    if not isinstance(items, pd.DataFrame):
        raise UsageError(
            f"polychoric() needs a pandas DataFrame of items, not {type(items).__name__}."
        )
    if missing not in ("pairwise", "listwise"):
        raise UsageError(
            f"The value for `missing` must be one of ['pairwise', 'listwise'], but {missing!r} was passed."
        )
    if items.shape[1] < 2:
        raise UsageError("polychoric() needs at least two item columns.")
    try:
        x = items.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise UsageError(
            "polychoric() needs numeric item codes (e.g. 1–5) with NaN for missing; "
            f"convert labels to codes first ({exc})."
        ) from exc
    if missing == "listwise":
        x = x[~np.isnan(x).any(axis=1)]
    names = [str(c) for c in items.columns]
    obs = ~np.isnan(x)
    if not obs.any():
        raise UsageError("polychoric(): there are no answers to work with.")
    bad = obs & (x != np.round(x))
    if bad.any():
        col = names[int(np.flatnonzero(bad.any(axis=0))[0])]
        raise UsageError(
            f"polychoric(): item {col!r} has non-integer codes; ordinal items need integer codes."
        )
    lo = np.nanmin(x)
    n_cat = int(np.nanmax(x) - lo) + 1
    if n_cat > _MAX_CATEGORIES:
        raise UsageError(
            f"polychoric(): the items span {n_cat} response codes (more than {_MAX_CATEGORIES}); "
            "for such items use Pearson correlations (psych's max.cat rule)."
        )
    sparse = [names[i] for i in np.flatnonzero(obs.sum(axis=0) < 2)]
    if sparse:
        raise UsageError(
            f"polychoric(): item(s) {', '.join(sparse)} were answered by fewer than 2 respondents; "
            "remove them first."
        )
    with np.errstate(invalid="ignore"):
        sd = np.nanstd(x, axis=0)
    flat = [names[i] for i in np.flatnonzero(~(sd > 0))]
    if flat:
        raise UsageError(
            f"polychoric(): item(s) {', '.join(flat)} have no variance (one response code or no "
            "answers); remove them first."
        )
    codes = np.where(obs, x - lo, -1).astype(np.int64)
    return codes, names, n_cat
