"""Reliability of a scale from sufficient statistics (the same formulas as in memory)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dinamika.core.results import ResultMixin
from dinamika.errors import UsageError
from dinamika.i18n.messages import Message
from dinamika.psychometrics.reliability import alpha as _alpha
from dinamika.psychometrics.reliability.core import Interval, feldt_interval
from dinamika.scale.statistics import SufficientStatistics

__all__ = ["ReliabilityFromStatistics", "reliability_from_statistics"]


@dataclass(frozen=True)
class ReliabilityFromStatistics(ResultMixin):
    """Alpha and omega of one scale from pairwise covariances (as :func:`dinamika.reliability`).

    ``n`` respondents answered at least one item; Feldt's interval uses ``n_rows`` (the rows,
    as ``reliability(feldt_n="rows")``). No bootstrap and no item table: those need the data.
    """

    alpha: float
    std_alpha: float
    lambda6: float
    average_r: float
    omega_total: float
    omega_implied: float
    n: int
    n_rows: int
    n_items: int
    alpha_ci_feldt: Interval
    ci: float

    def to_frame(self) -> pd.DataFrame:
        """One row: the coefficients, n and Feldt's interval."""
        return pd.DataFrame(
            [
                {
                    "alpha": self.alpha,
                    "std_alpha": self.std_alpha,
                    "lambda6": self.lambda6,
                    "average_r": self.average_r,
                    "omega_total": self.omega_total,
                    "omega_implied": self.omega_implied,
                    "n": self.n,
                    "n_items": self.n_items,
                    "alpha_ci_lower": self.alpha_ci_feldt[0],
                    "alpha_ci_upper": self.alpha_ci_feldt[1],
                }
            ]
        )

    def summary(self, lang: str = "id") -> str:
        """Alpha with its interval and omega, in one line."""
        return Message(
            "scale.reliability_summary",
            alpha=f"{self.alpha:.3f}",
            lower=f"{self.alpha_ci_feldt[0]:.3f}",
            upper=f"{self.alpha_ci_feldt[1]:.3f}",
            omega=f"{self.omega_total:.3f}",
            n=self.n,
            items=self.n_items,
        ).text(lang)


def reliability_from_statistics(
    stats: SufficientStatistics,
    items: Sequence[str] | None = None,
    *,
    reverse: Sequence[str] = (),
    ci: float = 0.95,
) -> ReliabilityFromStatistics:
    """Alpha, standardized alpha, λ6, average r and omega of one scale from its statistics.

    The formulas of :func:`dinamika.reliability` (``psych::alpha``/``omega``, pairwise) on the
    covariance and correlation matrices that :class:`~dinamika.scale.SufficientStatistics`
    gives: equal to the in-memory estimates up to floating-point rounding.

    Parameters
    ----------
    stats : SufficientStatistics
    items : sequence of str, optional
        The scale's items (default: all items of ``stats``).
    reverse : sequence of str
        Reverse-keyed items (their covariances change sign, as ``min + max − x`` gives).
    ci : float, default 0.95
        Level of Feldt's interval.

    Examples
    --------
    >>> import pandas as pd
    >>> from dinamika import reliability
    >>> from dinamika.scale import reliability_from_statistics, sufficient_statistics
    >>> data = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 5], "c": [1, 3, 3, 4, 4]})
    >>> r = reliability_from_statistics(sufficient_statistics(data))
    >>> round(r.alpha, 10) == round(reliability(data, n_boot=0).alpha, 10)
    True
    """
    if not 0 < ci < 1:
        raise UsageError(f"`ci` must be between 0 and 1 (e.g. 0.95), but {ci!r} was passed.")
    sub = stats.subset(list(items)) if items is not None else stats
    names = list(sub.items)
    if len(names) < 2:
        raise UsageError("reliability needs at least two items.")
    cov = sub.pairwise_cov(reverse).to_numpy()
    cor = sub.pairwise_cor(reverse).to_numpy()
    flat = [names[i] for i in np.flatnonzero(~(np.diag(cov) > 0))]
    if flat:
        raise UsageError(f"item(s) {', '.join(flat)} have no variance; remove them from the scale.")
    if not np.isfinite(cov).all():
        raise UsageError("some pair of items was answered together by fewer than 2 respondents.")
    est = {k: float(v) for k, v in _alpha.summary_stats(cov).items()}
    fit = _alpha.one_factor(cor) if len(names) >= 3 else None
    nan = float("nan")
    return ReliabilityFromStatistics(
        alpha=est["alpha"],
        std_alpha=est["std_alpha"],
        lambda6=est["lambda6"],
        average_r=est["average_r"],
        omega_total=float(fit.omega_total) if fit is not None else nan,
        omega_implied=float(fit.omega_implied) if fit is not None else nan,
        n=sub.n_answering,
        n_rows=sub.n_rows,
        n_items=len(names),
        alpha_ci_feldt=feldt_interval(est["alpha"], sub.n_rows, len(names), ci),
        ci=ci,
    )
