"""Input checks and correlation matrices shared by the EFA functions.

Private: :mod:`dinamika.psychometrics.efa.api` is the public face. Correlations follow R: ``cor(x, use =
"pairwise")`` for pairwise-complete Pearson correlations (psych's default), or the complete
rows only for ``missing="listwise"``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dinamika.errors import UsageError

MISSING = ("pairwise", "listwise")
COR = ("pearson", "polychoric")


@dataclass(frozen=True)
class CorrelationInput:
    """A correlation matrix with the sample sizes behind it.

    Attributes
    ----------
    r : ndarray (p, p)
        Correlation matrix.
    n_pairs : ndarray (p, p)
        Number of respondents behind each correlation (psych's ``pairwiseCount``).
    n : int
        Number of respondents (rows used): psych's ``n.obs``.
    items : list of str
        Item names, in column order.
    notes : tuple of str
        What was done to the data (rows dropped, ...).
    """

    r: np.ndarray
    n_pairs: np.ndarray
    n: int
    items: list[str]
    notes: tuple[str, ...]


def check_choice(name: str, value: object, allowed: tuple[object, ...]) -> None:
    """Raise a :class:`UsageError` naming the allowed values when ``value`` is not one."""
    if value not in allowed:
        raise UsageError(
            f"The value for `{name}` must be one of {list(allowed)}, but {value!r} was passed."
        )


def item_matrix(items: object, *, min_items: int = 3) -> tuple[np.ndarray, list[str]]:
    """Validate ``items`` (a DataFrame of numeric item columns) and return it as floats."""
    if not isinstance(items, pd.DataFrame):
        raise UsageError(
            f"`items` must be a pandas DataFrame with one column per item, got "
            f"{type(items).__name__}. Select the item columns, e.g. survey.responses[item_ids]."
        )
    if items.shape[1] < min_items:
        raise UsageError(
            f"Factor analysis needs at least {min_items} item columns, got {items.shape[1]}."
        )
    frame = _numeric_columns(items)
    bad = [str(c) for c, t in frame.dtypes.items() if not pd.api.types.is_numeric_dtype(t)]
    if bad:
        raise UsageError(
            f"Item columns must be numeric codes (NaN for missing); not numeric: {bad}. "
            "Map answer labels to codes first (dinamika.load_survey does this)."
        )
    names = [str(c) for c in frame.columns]
    if len(set(names)) != len(names):
        raise UsageError("Item column names must be unique.")
    x = frame.to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(x).any():
        raise UsageError("Item columns contain infinite values; use NaN for missing answers.")
    return x, names


def _numeric_columns(items: pd.DataFrame) -> pd.DataFrame:
    """Object columns that hold only numbers (or missing values) become floats; others stay."""
    obj = [c for c, t in items.dtypes.items() if not pd.api.types.is_numeric_dtype(t)]
    if not obj:
        return items
    out = items.copy()
    for c in obj:
        try:
            out[c] = pd.to_numeric(items[c], errors="raise").astype(float)
        except (TypeError, ValueError):
            continue
    return out


def pairwise_pearson(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairwise-complete Pearson correlations, pair counts and item variances (sums of squares).

    For each pair (i, j) only the rows where both are observed enter, with means and SDs
    from those rows, as R's ``cor(x, use = "pairwise")``. All pairs come from one matrix
    product of ``[x, x^2, 1]`` (masked) with ``[x, 1]``.
    """
    p = x.shape[1]
    observed = ~np.isnan(x)
    if observed.all():
        n = x.shape[0]
        xc = x - x.mean(axis=0)
        cov = xc.T @ xc
        ss = np.diag(cov).copy()
        with np.errstate(invalid="ignore", divide="ignore"):
            r = cov / np.sqrt(np.outer(ss, ss))
        np.fill_diagonal(r, 1.0)
        return r, np.full((p, p), float(n)), ss
    m = observed.astype(float)
    # centre with the available-case means first: correlations are shift invariant, and the
    # one-pass sums below are then numerically safe
    count = observed.sum(axis=0)
    centre = np.where(observed, x, 0.0).sum(axis=0) / np.maximum(count, 1)  # 0 if unanswered
    xc = np.where(observed, x - centre, 0.0)
    sums = np.hstack([xc, xc * xc, m]).T @ np.hstack([xc, m])
    s_ij, s_i = sums[:p, :p], sums[:p, p:]  # s_i[i, j]: sum of x_i where i and j observed
    ss_i, n_pairs = sums[p : 2 * p, p:], sums[2 * p :, p:]
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = s_ij - s_i * s_i.T / n_pairs
        var_i = ss_i - s_i * s_i / n_pairs
        r = cov / np.sqrt(var_i * var_i.T)
    np.fill_diagonal(r, 1.0)
    return r, n_pairs, np.diag(var_i).copy()


def correlations(
    x: np.ndarray,
    items: list[str],
    *,
    cor: str,
    missing: str,
    correct: float = 0.5,
) -> CorrelationInput:
    """Correlation matrix of the item matrix ``x`` as the EFA functions use it."""
    check_choice("cor", cor, COR)
    check_choice("missing", missing, MISSING)
    notes: list[str] = []
    if missing == "listwise":
        keep = ~np.isnan(x).any(axis=1)
        dropped = int((~keep).sum())
        x = x[keep]
        if dropped:
            notes.append(
                f"listwise deletion: {dropped} respondent(s) with a missing answer dropped"
            )
    n = int(x.shape[0])
    if n < 3:
        raise UsageError(f"Factor analysis needs at least 3 respondents, got {n}.")
    r, n_pairs, ss = pairwise_pearson(x)
    answered = np.diag(n_pairs)
    empty = [items[j] for j in range(x.shape[1]) if answered[j] < 2]
    if empty:
        raise UsageError(f"Items with fewer than 2 answers cannot be analysed: {empty}.")
    constant = [items[j] for j in range(x.shape[1]) if not ss[j] > 1e-12 * answered[j]]
    if constant:
        raise UsageError(
            f"Items without variance (everyone gave the same answer) cannot be factor "
            f"analysed: {constant}. Drop them first."
        )
    if cor == "polychoric":
        from dinamika import polychoric

        frame = pd.DataFrame(x, columns=items)
        poly = polychoric(frame, correct=correct)
        r = np.asarray(poly.rho, dtype=float)
        # what polychoric() had to say (smoothing, pairs at the boundary, pair-wise
        # thresholds, zero-cell corrections) is part of the factor analysis too
        notes += [f"polychoric: {d}" for d in poly.diagnostics]
    if np.isnan(r).any():
        bad = sorted({items[i] for i in np.argwhere(np.isnan(r))[:, 0]})
        raise UsageError(
            f"Some correlations cannot be computed because no respondent answered both items "
            f"(or one item is constant among them); items involved: {bad}."
        )
    if n_pairs.min() < n:
        notes.append(
            f"pairwise deletion: correlations rest on {int(n_pairs.min())} to "
            f"{int(n_pairs.max())} respondents"
        )
    return CorrelationInput(r=r, n_pairs=n_pairs, n=n, items=items, notes=tuple(notes))
