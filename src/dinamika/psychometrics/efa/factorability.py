"""Is a correlation matrix worth factoring? KMO and Bartlett's test (psych's versions).

Private module; the functions are public as ``dinamika.kmo`` and ``dinamika.bartlett``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from dinamika.core.results import ResultMixin
from dinamika.psychometrics.efa.input import check_choice, correlations, item_matrix


@dataclass(frozen=True)
class KMOResult(ResultMixin):
    """Kaiser-Meyer-Olkin measure of sampling adequacy.

    Attributes
    ----------
    msa : float
        Overall MSA (psych's ``MSA``).
    msa_items : Series
        MSA of each item (psych's ``MSAi``).
    n : int
        Respondents (rows) used.
    diagnostics : tuple of str
        Missing-data handling and numerical problems (e.g. a singular matrix).
    """

    msa: float
    msa_items: pd.Series
    n: int
    diagnostics: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row per item: ``item, msa``."""
        return self.msa_items.rename("msa").rename_axis("item").reset_index()

    def summary(self) -> str:
        """Overall and per-item MSA as text."""
        return (
            f"Kaiser-Meyer-Olkin factor adequacy (n = {self.n})\n"
            f"Overall MSA = {self.msa:.2f}\nMSA for each item:\n"
            + self.msa_items.round(2).to_string()
        )


@dataclass(frozen=True)
class BartlettResult(ResultMixin):
    """Bartlett's test that the correlation matrix is an identity matrix.

    Attributes
    ----------
    chisq : float
        ``-log|R| (n - 1 - (2p + 5)/6)``.
    df : float
        ``p(p - 1)/2``.
    pvalue : float
        Upper tail of the chi-square distribution.
    n : int
        Sample size used in the statistic.
    diagnostics : tuple of str
        Missing-data handling and numerical problems (e.g. a non-positive determinant).
    """

    chisq: float
    df: float
    pvalue: float
    n: int
    diagnostics: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row: ``chisq, df, pvalue, n``."""
        return pd.DataFrame([{k: getattr(self, k) for k in ("chisq", "df", "pvalue", "n")}])

    def summary(self) -> str:
        """One line of text."""
        return (
            f"Bartlett's test of sphericity: chisq = {self.chisq:.2f}, df = {self.df:g}, "
            f"p = {self.pvalue:.3g}, n = {self.n}"
        )


def kmo(items: pd.DataFrame, *, missing: str = "pairwise") -> KMOResult:
    r"""Kaiser-Meyer-Olkin measure of sampling adequacy, equal to ``psych::KMO``.

    With :math:`r_{ij}` the correlations and :math:`q_{ij}` the partial (anti-image)
    correlations from :math:`R^{-1}`,

    .. math:: \mathrm{MSA} = \frac{\sum_{i \ne j} r_{ij}^2}{\sum_{i \ne j} r_{ij}^2
              + \sum_{i \ne j} q_{ij}^2},

    and the item MSA restricts both sums to column :math:`j`.

    Parameters
    ----------
    items : DataFrame
        Numeric item columns, NaN for missing.
    missing : {"pairwise", "listwise"}
        Pairwise-complete correlations (psych: ``KMO(cor(x, use = "pairwise"))``) or
        complete rows only.

    Returns
    -------
    KMOResult

    References
    ----------
    Kaiser, H. F. (1970). A second generation little jiffy. *Psychometrika*, 35, 401-415.
    Kaiser, H. F., & Rice, J. (1974). Little jiffy, mark IV. *Educational and Psychological
    Measurement*, 34, 111-117.

    Examples
    --------
    >>> import numpy as np, pandas as pd, dinamika
    >>> rng = np.random.default_rng(0)
    >>> f = rng.standard_normal((300, 1))
    >>> items = pd.DataFrame(f * [0.8, 0.7, 0.6, 0.5] + rng.standard_normal((300, 4)) * 0.6,
    ...                      columns=list("abcd"))
    >>> res = dinamika.kmo(items)  # R: psych::KMO(items)
    >>> round(res.msa, 2)
    0.8
    """
    check_choice("missing", missing, ("pairwise", "listwise"))
    x, names = item_matrix(items, min_items=2)
    ci = correlations(x, names, cor="pearson", missing=missing)
    r = ci.r.copy()
    notes = list(ci.notes)
    try:
        q = np.linalg.inv(r)
    except np.linalg.LinAlgError:
        q = r.copy()  # as psych
        notes.append("the correlation matrix is not invertible: anti-image not found (as psych)")
    if not (np.isfinite(q).all() and (np.diag(q) > 0).all()):
        notes.append(
            "the correlation matrix is not positive definite (fewer respondents than items, "
            "a duplicated or constant item, or pairwise deletion): MSA is undefined (NaN)"
        )
        return KMOResult(
            msa=float("nan"),
            msa_items=pd.Series(np.nan, index=names, name="msa"),
            n=ci.n,
            diagnostics=tuple(notes),
        )
    d = 1.0 / np.sqrt(np.diag(q))
    q = q * np.outer(d, d)
    np.fill_diagonal(q, 0.0)
    np.fill_diagonal(r, 0.0)
    r2 = r * r
    q2 = q * q
    with np.errstate(divide="ignore", invalid="ignore"):
        msa = float(r2.sum() / (r2.sum() + q2.sum()))
        msai = r2.sum(axis=0) / (r2.sum(axis=0) + q2.sum(axis=0))
    if not np.isfinite(msai).all():
        notes.append(
            "an item is uncorrelated with every other item (no correlation, no partial "
            "correlation): its MSA is undefined (NaN)"
        )
    return KMOResult(
        msa=msa,
        msa_items=pd.Series(msai, index=names, name="msa"),
        n=ci.n,
        diagnostics=tuple(notes),
    )


def bartlett(items: pd.DataFrame, *, missing: str = "pairwise") -> BartlettResult:
    r"""Bartlett's test of sphericity, equal to ``psych::cortest.bartlett(R, n)``.

    .. math:: \chi^2 = -\log|R| \left(n - 1 - \frac{2p + 5}{6}\right), \quad
              df = \frac{p(p-1)}{2}.

    Parameters
    ----------
    items : DataFrame
        Numeric item columns, NaN for missing.
    missing : {"pairwise", "listwise"}
        With ``"pairwise"`` R is the pairwise-complete correlation matrix and ``n`` the number
        of rows (as ``psych::cortest.bartlett(x)`` on raw data); with ``"listwise"`` both come
        from the complete rows.

    Returns
    -------
    BartlettResult

    References
    ----------
    Bartlett, M. S. (1951). The effect of standardization on a chi square approximation in
    factor analysis. *Biometrika*, 38, 337-344.

    Examples
    --------
    >>> import numpy as np, pandas as pd, dinamika
    >>> rng = np.random.default_rng(0)
    >>> f = rng.standard_normal((300, 1))
    >>> items = pd.DataFrame(f * [0.8, 0.7, 0.6, 0.5] + rng.standard_normal((300, 4)) * 0.6,
    ...                      columns=list("abcd"))
    >>> res = dinamika.bartlett(items)  # R: psych::cortest.bartlett(cor(items), n = 300)
    >>> res.df, res.pvalue < 0.001
    (6.0, True)
    """
    check_choice("missing", missing, ("pairwise", "listwise"))
    x, names = item_matrix(items, min_items=2)
    ci = correlations(x, names, cor="pearson", missing=missing)
    p = len(names)
    notes = list(ci.notes)
    sign, logdet = np.linalg.slogdet(ci.r)
    if sign <= 0:
        notes.append(
            "the correlation matrix is not positive definite (determinant <= 0, e.g. from "
            "pairwise deletion): the statistic is undefined (NaN); try missing='listwise'"
        )
        logdet = float("nan")
    elif ci.n <= p or ci.n - 1 - (2 * p + 5) / 6 <= 0:
        notes.append(
            f"{ci.n} respondents for {p} items: the correlation matrix is singular and the "
            "test is undefined (NaN); it needs more respondents than items"
        )
        logdet = float("nan")
    chisq = float(-logdet * (ci.n - 1 - (2 * p + 5) / 6))
    df = p * (p - 1) / 2
    return BartlettResult(
        chisq=chisq,
        df=float(df),
        pvalue=float(stats.chi2.sf(chisq, df)),
        n=ci.n,
        diagnostics=tuple(notes),
    )
