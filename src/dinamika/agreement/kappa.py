"""Cohen's kappa, unweighted and weighted, with Fleiss, Cohen & Everitt's large-sample variance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from dinamika.core.deprecation import alpha_to_ci, renamed_argument
from dinamika.core.results import ResultMixin
from dinamika.errors import UsageError

__all__ = ["KappaResult", "kappa_weights", "weighted_kappa"]


@dataclass(frozen=True)
class KappaResult(ResultMixin):
    """Cohen's kappa of two raters.

    Attributes
    ----------
    kappa, se, lower, upper : float
        Estimate, large-sample standard error (Fleiss, Cohen & Everitt, 1969) and confidence
        bounds (normal approximation, clipped to [-1, 1] as psych does).
    n : int
        Number of complete pairs used.
    weights : str
        ``"none"``, ``"linear"``, ``"quadratic"`` or ``"custom"``.
    po, pe : float
        (Weighted) observed and chance agreement.
    categories : tuple
        The scale the confusion matrix spans (unused categories included).
    table : DataFrame
        Confusion matrix of counts, rows rater ``a``, columns rater ``b``.
    """

    kappa: float
    se: float
    lower: float
    upper: float
    n: int
    weights: str
    po: float
    pe: float
    categories: tuple[Any, ...]
    table: pd.DataFrame = field(repr=False, compare=False)

    def to_frame(self) -> pd.DataFrame:
        """One-row tidy frame (without the confusion matrix)."""
        keys = ("kappa", "se", "lower", "upper", "n", "weights", "po", "pe")
        return pd.DataFrame([{k: getattr(self, k) for k in keys}])

    def summary(self) -> str:
        """Readable one-liner."""
        return (
            f"Cohen's kappa ({self.weights} weights), n = {self.n}: {self.kappa:.3f} "
            f"[{self.lower:.3f}, {self.upper:.3f}]"
        )


def kappa_weights(n_categories: int, weights: str) -> np.ndarray:
    r"""Agreement weights :math:`w_{ij}` over the category positions :math:`0..C-1`.

    Linear :math:`1-|i-j|/(C-1)`, quadratic :math:`1-(i-j)^2/(C-1)^2`, none: identity.

    Examples
    --------
    >>> kappa_weights(3, "linear").tolist()
    [[1.0, 0.5, 0.0], [0.5, 1.0, 0.5], [0.0, 0.5, 1.0]]
    """
    idx = np.arange(n_categories, dtype=float)
    d = np.abs(idx[:, None] - idx[None, :])
    span = max(n_categories - 1, 1)
    if weights == "none":
        return np.eye(n_categories)
    if weights == "linear":
        return 1.0 - d / span
    if weights == "quadratic":
        return 1.0 - d**2 / span**2
    raise UsageError(
        f"The value for `weights` must be one of [None, 'linear', 'quadratic'] or a square "
        f"matrix, but {weights!r} was passed."
    )


def _codes(a: Any, b: Any, categories: Sequence[Any] | None) -> tuple[np.ndarray, np.ndarray, list]:
    sa = pd.Series(np.asarray(a, dtype=object).ravel())
    sb = pd.Series(np.asarray(b, dtype=object).ravel())
    if len(sa) != len(sb) or np.ndim(a) != 1 or np.ndim(b) != 1:
        raise UsageError(
            f"The two raters' ratings must be 1-D and of equal length; got {np.shape(a)} and "
            f"{np.shape(b)}."
        )
    ok = (sa.notna() & sb.notna()).to_numpy()
    sa, sb = sa[ok], sb[ok]
    if categories is None:
        try:
            cats = sorted(set(sa.tolist()) | set(sb.tolist()))
        except TypeError as exc:  # e.g. numbers from one rater, text from the other
            kinds = sorted({type(v).__name__ for v in [*sa.tolist(), *sb.tolist()]})
            raise UsageError(
                f"The ratings mix values that cannot be ordered ({', '.join(kinds)}); convert "
                "both raters to the same type (e.g. pd.to_numeric) or give `categories=`."
            ) from exc
    else:
        cats = list(categories)
        if len(set(cats)) != len(cats):
            raise UsageError(f"`categories` has repeated values: {cats}.")
    lookup = pd.Index(cats)
    ca, cb = lookup.get_indexer(sa), lookup.get_indexer(sb)
    bad = sorted(set(sa[ca < 0].tolist()) | set(sb[cb < 0].tolist()), key=str)
    if bad:
        raise UsageError(
            f"Rating(s) {bad} are not among the categories {cats}; "
            "add them to `categories=` or fix the data."
        )
    return ca, cb, cats


@renamed_argument("alpha", "ci", alpha_to_ci)
def weighted_kappa(
    a: Any,
    b: Any,
    *,
    weights: str | np.ndarray | None = None,
    categories: Sequence[Any] | None = None,
    ci: float = 0.95,
    variance: Literal["fleiss", "psych"] = "fleiss",
) -> KappaResult:
    r"""Cohen's kappa for two raters, unweighted or weighted, as ``psych::cohen.kappa``.

    With the proportions :math:`p_{ij}` of the :math:`C \times C` confusion matrix, margins
    :math:`p_{i\cdot}, p_{\cdot j}` and agreement weights :math:`w_{ij}`:

    .. math::

        p_o = \sum_{ij} w_{ij} p_{ij},\quad p_e = \sum_{ij} w_{ij} p_{i\cdot} p_{\cdot j},\quad
        \kappa_w = \frac{p_o - p_e}{1 - p_e}

    The variance is Fleiss, Cohen & Everitt's (1969) large-sample formula (for unweighted
    kappa identical to psych's ``var.kappa``); the bounds are
    :math:`\kappa \pm z_{(1+c)/2}\sqrt{\mathrm{var}}` (:math:`c` = ``ci``), clipped to [-1, 1] as
    psych does. The estimates always equal psych's. psych's ``var.weighted`` (psych 2.2.9) differs from the
    published formula because R recycles a margin along the wrong axis
    (``rowSums(w * rs)``): it changes when an unused category is added and can turn negative,
    which psych then sets to 0. ``variance="psych"`` reproduces it exactly, for comparison.

    Parameters
    ----------
    a, b : array-like
        Ratings of the same targets by two raters; pairs with a missing rating are dropped.
    weights : {None, "linear", "quadratic"} or square array
        None for unweighted kappa; ``"quadratic"`` is psych's default weighted kappa;
        ``"linear"`` equals psych with ``w = 1 - abs(i - j) / (C - 1)``. Weights depend on the
        category *positions* (an unused middle category changes the distances), so give
        ``categories=`` for the full scale.
    categories : sequence, optional
        The full ordered scale, e.g. ``[1, 2, 3, 4]``. Categories nobody used still enter the
        confusion matrix (and the weights), as psych's ``levels=`` argument does. Default: the
        sorted values observed.
    ci : float
        Confidence level of the bounds (default 0.95). Replaces ``alpha`` (= 1 − ``ci``), which
        still works until the next release with a DeprecationWarning.
    variance : {"fleiss", "psych"}
        Variance of weighted kappa: the published formula (default) or psych's variant.

    References
    ----------
    Cohen, J. (1968). Weighted kappa. *Psychological Bulletin, 70*(4), 213–220.
    Fleiss, J. L., Cohen, J., & Everitt, B. S. (1969). Large sample standard errors of kappa and
    weighted kappa. *Psychological Bulletin, 72*(5), 323–327.

    Examples
    --------
    >>> a = [1, 2, 2, 3, 3, 3, 4, 2]
    >>> b = [1, 2, 3, 3, 3, 2, 4, 1]
    >>> # In R: psych::cohen.kappa(cbind(a, b), levels = 1:4)$weighted.kappa
    >>> round(weighted_kappa(a, b, weights="quadratic", categories=[1, 2, 3, 4]).kappa, 4)
    0.7857
    """
    if not 0 < ci < 1:
        raise UsageError(f"`ci` must lie between 0 and 1, not {ci!r}.")
    ca, cb, cats = _codes(a, b, categories)
    c = len(cats)
    n = int(ca.size)
    if isinstance(weights, str) or weights is None:
        label = "none" if weights is None else weights
        w = kappa_weights(c, label)
    else:
        w = np.asarray(weights, dtype=float)
        label = "custom"
        if w.shape != (c, c):
            raise UsageError(
                f"A weight matrix must be {c} × {c} (one row per category); got {w.shape}."
            )
    counts = np.zeros((c, c))
    np.add.at(counts, (ca, cb), 1.0)
    table = pd.DataFrame(counts, index=pd.Index(cats, name="a"), columns=pd.Index(cats, name="b"))
    po, pe = _po_pe(counts / n, w) if n else (float("nan"), float("nan"))
    if n == 0 or c < 2 or not pe < 1 - 1e-12:  # no pairs, or chance agreement is certain
        nan = float("nan")
        return KappaResult(nan, nan, nan, nan, n, label, po, pe, tuple(cats), table)
    if variance not in ("fleiss", "psych"):
        raise UsageError(f"`variance` must be 'fleiss' or 'psych', not {variance!r}.")
    kappa, var = (_unweighted if label == "none" else _weighted)(
        counts / n, w, n, variance == "psych"
    )
    se = float(np.sqrt(var))
    z = stats.norm.ppf((1 + ci) / 2)
    lower, upper = float(np.clip(kappa - z * se, -1, 1)), float(np.clip(kappa + z * se, -1, 1))
    return KappaResult(kappa, se, lower, upper, n, label, po, pe, tuple(cats), table)


def _po_pe(x: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    rs, cs = x.sum(axis=1), x.sum(axis=0)
    return float((w * x).sum()), float((w * np.outer(rs, cs)).sum())


def _unweighted(x: np.ndarray, w: np.ndarray, n: int, psych: bool) -> tuple[float, float]:
    """Unweighted kappa and its variance (psych's ``var.kappa``)."""
    rs, cs = x.sum(axis=1), x.sum(axis=0)
    po, pc = float(np.trace(x)), float(rs @ cs)
    kappa = (po - pc) / (1 - pc) if pc < 1 else float("nan")
    diag = np.diag(x)
    t1 = float(np.sum(diag * ((1 - pc) - (rs + cs) * (1 - po)) ** 2))
    s = cs[:, None] + rs[None, :]
    off = x * s**2
    t2 = (1 - po) ** 2 * float(off.sum() - np.trace(off))
    t3 = (po * pc - 2 * pc + po) ** 2
    var = (t1 + t2 - t3) / (n * (1 - pc) ** 4)
    return kappa, _clean_var(var)


def _weighted(x: np.ndarray, w: np.ndarray, n: int, psych: bool) -> tuple[float, float]:
    """Weighted kappa and its large-sample variance (Fleiss et al., or psych's variant)."""
    rs, cs = x.sum(axis=1), x.sum(axis=0)
    wpo, wpc = _po_pe(x, w)
    if psych:
        # psych: colw <- colSums(w * cs); roww <- rowSums(w * rs). R recycles the margin down
        # the columns, so roww[i] = rs[i] * sum_j w[i, j] instead of sum_j rs[j] * w[j, i].
        colw = (w * cs[:, None]).sum(axis=0)
        roww = rs * w.sum(axis=1)
    else:  # Fleiss, Cohen & Everitt (1969): w_i. = sum_j p_.j w_ij, w_.j = sum_i p_i. w_ij
        colw = w @ cs
        roww = rs @ w
    inner = w * (1 - wpc) - (colw[:, None] + roww[None, :]) * (1 - wpo)
    var = (float(np.sum(x * inner**2)) - (wpo * wpc - 2 * wpc + wpo) ** 2) / (n * (1 - wpc) ** 4)
    kappa = (wpo - wpc) / (1 - wpc) if np.trace(w) > 0 else 1 - wpo / wpc
    return float(kappa), _clean_var(var)


def _clean_var(var: float) -> float:
    """psych sets a negative or undefined variance to 0 (and flags the item as 'bad')."""
    return 0.0 if not np.isfinite(var) or var < 0 else float(var)
