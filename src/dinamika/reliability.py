"""Reliability and item analysis of a scale: alpha, omega, λ6, item–rest r, CIs — equal to R psych.

``reliability(items)`` works on one scale's items (a DataFrame); ``reliability_table(survey)``
runs it for every scale of a loaded term with the instrument's reverse keys. Closed-form
statistics equal ``psych::alpha``; omega total comes from a one-factor minres model;
confidence intervals are Feldt's (``psych::alpha.ci``) and a seeded, vectorized bootstrap
(percentile and BCa).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.stats import f as f_dist

from dinamika import _alpha
from dinamika._bootstrap import (
    bca_interval,
    boot_covariances,
    jackknife_covariances,
    percentile_interval,
)
from dinamika._moments import ItemMoments, item_moments
from dinamika._reliability_ordinal import ordinal_bootstrap
from dinamika.errors import UsageError
from dinamika.polychoric import PolychoricResult, polychoric

if TYPE_CHECKING:  # pragma: no cover
    from dinamika.survey import Survey

__all__ = ["Reliability", "reliability", "reliability_table"]

Interval = tuple[float, float]
_JACKKNIFE_MAX = 200_000  # BCa needs one leave-one-out fit per respondent


@dataclass(frozen=True)
class Reliability:
    """Reliability of one scale. Every CI is ``(lower, upper)`` at level ``ci``; None if not computed.

    Attributes
    ----------
    alpha, std_alpha, lambda6, average_r : float
        Cronbach's alpha (raw), standardized alpha, Guttman's λ6 (psych ``G6(smc)``) and the
        mean inter-item correlation, as ``psych::alpha``.
    omega_total : float
        McDonald's omega total from a one-factor minres model (see :func:`reliability`).
    n : int
        Respondents used (with at least one answer; with ``listwise``, complete ones).
    n_items : int
        Items in the scale.
    alpha_ci_feldt : tuple
        Feldt's interval (``psych::alpha.ci``).
    alpha_ci_boot, alpha_ci_bca, omega_ci_boot, omega_ci_bca : tuple or None
        Bootstrap percentile and BCa intervals.
    items : DataFrame
        One row per item: ``reversed``, ``n``, ``missing``, ``mean``, ``sd``, ``item_total_r``,
        ``item_rest_r``, ``alpha_if_deleted``, ``std_alpha_if_deleted``,
        ``lambda6_if_deleted``, ``omega_if_deleted``, ``loading``, then ``p_<code>``: share of
        each response code among the item's answers (as answered, before reverse keying).
    diagnostics : tuple of str
        Rows dropped, negative item–rest correlations, Heywood cases, bootstrap notes.
    ci, n_boot, missing, ordinal :
        The settings used.
    """

    alpha: float
    std_alpha: float
    lambda6: float
    average_r: float
    omega_total: float
    n: int
    n_items: int
    alpha_ci_feldt: Interval
    alpha_ci_boot: Interval | None
    alpha_ci_bca: Interval | None
    omega_ci_boot: Interval | None
    omega_ci_bca: Interval | None
    items: pd.DataFrame
    diagnostics: tuple[str, ...]
    ci: float = 0.95
    n_boot: int = 0
    missing: str = "pairwise"
    ordinal: bool = False

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per statistic and interval (``statistic, estimate, ci, lower, upper``)."""
        rows: list[tuple[str, float, str, float, float]] = []
        nan = float("nan")
        intervals = {
            "alpha": [
                ("feldt", self.alpha_ci_feldt),
                ("percentile", self.alpha_ci_boot),
                ("bca", self.alpha_ci_bca),
            ],
            "omega_total": [("percentile", self.omega_ci_boot), ("bca", self.omega_ci_bca)],
        }
        for stat in ("alpha", "std_alpha", "lambda6", "average_r", "omega_total"):
            est = float(getattr(self, stat))
            found = [(m, iv) for m, iv in intervals.get(stat, []) if iv is not None]
            if not found:
                rows.append((stat, est, "", nan, nan))
            for method, (lo, hi) in found:
                rows.append((stat, est, method, lo, hi))
        return pd.DataFrame(rows, columns=["statistic", "estimate", "ci", "lower", "upper"])

    def summary(self) -> str:
        """Readable report with the statistics, intervals, item table and diagnostics."""
        pct = round(100 * self.ci)

        def iv(v: Interval | None) -> str:
            return "—" if v is None else f"[{v[0]:.3f}, {v[1]:.3f}]"

        kind = "ordinal (polychoric)" if self.ordinal else "Pearson"
        lines = [
            f"Reliability of {self.n_items} items, n = {self.n} ({self.missing}, {kind})",
            f"  alpha       {self.alpha:.3f}  Feldt {pct}% {iv(self.alpha_ci_feldt)}"
            f"  bootstrap {iv(self.alpha_ci_boot)}  BCa {iv(self.alpha_ci_bca)}",
            f"  omega_total {self.omega_total:.3f}  bootstrap {pct}% {iv(self.omega_ci_boot)}"
            f"  BCa {iv(self.omega_ci_bca)}",
            f"  std_alpha {self.std_alpha:.3f}   lambda6 {self.lambda6:.3f}   "
            f"average_r {self.average_r:.3f}",
        ]
        cols = ["n", "mean", "sd", "item_rest_r", "alpha_if_deleted", "omega_if_deleted"]
        lines.append(self.items[cols].round(3).to_string())
        lines += [f"  note: {d}" for d in self.diagnostics]
        return "\n".join(lines)


def reliability(
    items: pd.DataFrame,
    *,
    reverse: Sequence[str] = (),
    missing: Literal["pairwise", "listwise"] = "pairwise",
    ordinal: bool = False,
    ci: float = 0.95,
    n_boot: int = 2000,
    seed: int | np.random.Generator | None = None,
    item_range: tuple[float, float] | None = None,
) -> Reliability:
    r"""Alpha, omega and item analysis of one scale — the numbers of ``psych::alpha``.

    Parameters
    ----------
    items : DataFrame
        The scale's items, one column each, numeric codes, NaN for missing.
    reverse : sequence of str
        Columns to reverse-key as ``min + max − x`` before anything else.
    missing : {"pairwise", "listwise"}, default "pairwise"
        ``pairwise`` (psych's default ``use = "pairwise"``): each covariance uses the respondents
        who answered both items, item statistics all answers to the item. ``listwise``: only
        respondents who answered every item (``psych::alpha(na.omit(x))``). Respondents who
        answered none of the items are always left out (reported in ``diagnostics``).
    ordinal : bool, default False
        Ordinal alpha and omega: the same formulas on the polychoric correlation matrix
        (:func:`dinamika.polychoric`), as ``psych::alpha(polychoric(x)$rho)``.
    ci : float, default 0.95
        Level of every confidence interval.
    n_boot : int, default 2000
        Bootstrap draws (respondents resampled with replacement); 0 skips the bootstrap.
    seed : int or numpy Generator, optional
        Seed of ``numpy.random.default_rng``; the same seed gives the same intervals.
    item_range : (min, max), optional
        Lowest and highest possible code, used for reverse keying and the response
        distribution. Default: the lowest and highest code observed in any of the items — the
        rule of psych's ``keys`` argument.

    Returns
    -------
    Reliability

    Notes
    -----
    With C the item covariance matrix (pairwise), R = cov2cor(C), p items:

    - ``alpha`` :math:`= \frac{p}{p-1}\big(1 - \operatorname{tr}C / 1^\top C 1\big)`;
      ``std_alpha`` the same on R; ``average_r`` :math:`= (1^\top R 1 - p)/(p(p-1))`;
      ``lambda6`` :math:`= 1 - \sum_i(1-\mathrm{smc}_i)/1^\top R 1` (Guttman's λ6).
    - ``item_rest_r`` (psych ``r.drop``) :math:`= \sum_{j\ne i}C_{ij}/\sqrt{C_{ii}\,1^\top C_{-i,-i}1}`;
      ``item_total_r`` (psych ``raw.r``) correlates the item with each respondent's mean of
      the items answered. With ``ordinal=True`` both come from the polychoric matrix
      (psych ``r.drop`` and ``r`` of a correlation matrix).
    - ``omega_total`` :math:`= (\sum\lambda)^2 / ((\sum\lambda)^2 + \sum(1-\lambda_i^2))` with
      λ the one-factor minres loadings of R — the value of
      ``l <- fa(R, 1, fm = "minres")$loadings; sum(l)^2 / (sum(l)^2 + sum(1 - l^2))``.
      (``psych::omega(x, 1)$omega.tot`` divides by the observed ``sum(R)`` instead of the
      model-implied total; the two agree when the one-factor model fits.)
    - Feldt: :math:`1 - (1-\alpha)F_{1-q}` and :math:`1 - (1-\alpha)F_{q}`, F with
      (n − 1, (n − 1)(p − 1)) degrees of freedom, q = (1 − ci)/2 (``psych::alpha.ci``).
    - Bootstrap: respondents are resampled ``n_boot`` times; each draw's pairwise covariance
      matrix comes from multinomial-weighted sums, all draws of a block in one matrix product.
      Percentile intervals use R's quantile type 7; BCa takes its acceleration from the exact
      jackknife (leave-one-out sums) and is skipped above 200,000 respondents.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika*, 16, 297–334. McDonald, R. P. (1999). *Test theory: A unified treatment*.
    Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for coefficient
    alpha. *Applied Psychological Measurement*, 11, 93–103. Efron, B. (1987). Better bootstrap
    confidence intervals. *JASA*, 82, 171–185.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(400, 1))
    >>> x = pd.DataFrame(np.clip(np.round(3 + f + rng.normal(size=(400, 4))), 1, 5),
    ...                  columns=["q1", "q2", "q3", "q4"])
    >>> res = reliability(x, n_boot=500, seed=1)  # in R: psych::alpha(x)
    >>> round(res.alpha, 3), round(res.omega_total, 3)
    (0.778, 0.778)
    >>> [round(v, 2) for v in res.alpha_ci_feldt]  # psych::alpha.ci(res.alpha, 400, 4)
    [0.74, 0.81]
    """
    frame, rev_mask, adjust, code_range, diagnostics = _prepare(items, reverse, missing, item_range)
    if not 0 < ci < 1:
        raise UsageError(f"`ci` must be between 0 and 1 (e.g. 0.95), but {ci!r} was passed.")
    if n_boot < 0 or int(n_boot) != n_boot:
        raise UsageError(f"`n_boot` must be a whole number ≥ 0, but {n_boot!r} was passed.")
    names = [str(c) for c in frame.columns]
    x = frame.to_numpy(dtype=np.float64)
    mom = item_moments(x, rev_mask, adjust, code_range)
    _check_cov(mom, names)
    p = len(names)
    poly: PolychoricResult | None = None
    keyed = pd.DataFrame(np.where(rev_mask, adjust - x, x), columns=names)
    if ordinal:
        poly = polychoric(keyed, missing=missing)
        diagnostics += [f"polychoric: {d}" for d in poly.diagnostics]
        cov = poly.rho.to_numpy()
    else:
        cov = mom.cov
    stats = _alpha.summary_stats(cov)
    corr = _alpha.cov_to_cor(cov)
    fit = _alpha.one_factor(corr) if p >= 3 else None
    if fit is None:
        diagnostics.append(
            "omega_total needs at least 3 items (a one-factor model of 2 items is not identified)"
        )
    elif not bool(fit.converged):
        diagnostics.append("the one-factor (minres) fit for omega did not converge")
    elif bool(fit.heywood):
        diagnostics.append(
            "Heywood case in the one-factor model: a loading of 1 or more (omega is unreliable)"
        )
    omega = float(fit.omega_total) if fit is not None else float("nan")
    table = _item_table(mom, cov, names, rev_mask, fit, ordinal, x)
    for item in table.index[table["item_rest_r"] < 0]:
        diagnostics.append(
            f"item {item} correlates negatively with the rest of the scale; check whether it "
            "should be reverse-keyed"
        )
    alpha = float(stats["alpha"])
    n = mom.n_rows
    q = (1 - ci) / 2
    feldt = (
        float(1 - (1 - alpha) * f_dist.ppf(1 - q, n - 1, (n - 1) * (p - 1))),
        float(1 - (1 - alpha) * f_dist.ppf(q, n - 1, (n - 1) * (p - 1))),
    )
    boot: dict[str, Interval | None] = dict.fromkeys(
        ["alpha_boot", "alpha_bca", "omega_boot", "omega_bca"]
    )
    if n_boot > 0:
        rng = np.random.default_rng(seed)
        if poly is not None:
            loadings = None if fit is None else fit.loadings
            boot.update(ordinal_bootstrap(keyed, poly, n_boot, rng, ci, loadings, diagnostics))
        else:
            boot.update(
                _bootstrap(
                    x, rev_mask, adjust, mom, n_boot, rng, ci, alpha, omega, fit, diagnostics
                )
            )
    return Reliability(
        alpha=alpha,
        std_alpha=float(stats["std_alpha"]),
        lambda6=float(stats["lambda6"]),
        average_r=float(stats["average_r"]),
        omega_total=omega,
        n=n,
        n_items=p,
        alpha_ci_feldt=feldt,
        alpha_ci_boot=boot["alpha_boot"],
        alpha_ci_bca=boot["alpha_bca"],
        omega_ci_boot=boot["omega_boot"],
        omega_ci_bca=boot["omega_bca"],
        items=table,
        diagnostics=tuple(diagnostics),
        ci=ci,
        n_boot=int(n_boot),
        missing=missing,
        ordinal=ordinal,
    )


def _prepare(
    items: pd.DataFrame,
    reverse: Sequence[str],
    missing: str,
    item_range: tuple[float, float] | None,
) -> tuple[pd.DataFrame, NDArray[np.bool_], float, tuple[float, float] | None, list[str]]:
    if not isinstance(items, pd.DataFrame):
        raise UsageError(
            f"reliability() needs a pandas DataFrame of one scale's items, not {type(items).__name__}."
        )
    if missing not in ("pairwise", "listwise"):
        raise UsageError(
            f"The value for `missing` must be one of ['pairwise', 'listwise'], but {missing!r} was passed."
        )
    if items.shape[1] < 2:
        raise UsageError("reliability() needs at least two item columns.")
    if isinstance(reverse, str):
        reverse = (reverse,)
    unknown = [r for r in reverse if r not in items.columns]
    if unknown:
        raise UsageError(
            f"reverse names item(s) {unknown} that are not columns of the data; columns are {list(items.columns)}."
        )
    try:
        frame = items.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise UsageError(
            f"reliability() needs numeric item codes with NaN for missing ({exc})."
        ) from exc
    diagnostics: list[str] = []
    answered = frame.notna().sum(axis=1)
    empty = int((answered == 0).sum())
    if empty:
        diagnostics.append(f"{empty} respondent(s) answered none of the items and were left out")
    keep = answered == frame.shape[1] if missing == "listwise" else answered > 0
    dropped = int((~keep).sum()) - empty
    if missing == "listwise" and dropped:
        diagnostics.append(
            f"{dropped} respondent(s) with a missing answer were left out (listwise)"
        )
    frame = frame.loc[keep]
    if len(frame) < 3:
        raise UsageError(
            f"reliability() needs at least 3 respondents; {len(frame)} remain after removing missing answers."
        )
    x = frame.to_numpy()
    lo, hi = float(np.nanmin(x)), float(np.nanmax(x))
    code_range = None
    if item_range is not None:
        a, b = float(item_range[0]), float(item_range[1])
        if not a < b:
            raise UsageError(
                f"item_range must be (min, max) with min < max, but {item_range!r} was passed."
            )
        if lo < a or hi > b:
            raise UsageError(
                f"codes run from {lo:g} to {hi:g}, outside item_range {item_range!r}; fix the data or the range."
            )
        code_range = (a, b)
        adjust = a + b
    else:
        adjust = lo + hi
    rev_mask = np.array([c in set(reverse) for c in frame.columns], dtype=bool)
    return frame, rev_mask, adjust, code_range, diagnostics


def _check_cov(mom: ItemMoments, names: list[str]) -> None:
    var = np.diag(mom.cov)
    flat = [names[i] for i in np.flatnonzero(~(var > 0))]
    if flat:
        raise UsageError(
            f"item(s) {', '.join(flat)} have no variance (everyone gave the same answer); remove them from the scale."
        )
    few = np.argwhere(np.triu(~np.isfinite(mom.cov), 1))
    if len(few):
        i, j = few[0]
        raise UsageError(
            f"items {names[i]} and {names[j]} were answered together by fewer than 2 respondents, "
            "so their covariance cannot be estimated."
        )


def _item_table(
    mom: ItemMoments,
    cov: NDArray[np.float64],
    names: list[str],
    rev_mask: NDArray[np.bool_],
    fit: _alpha.OneFactor | None,
    ordinal: bool,
    x: NDArray[np.float64],
) -> pd.DataFrame:
    p = len(names)
    keep = ~np.eye(p, dtype=bool)
    sub = np.stack([cov[np.ix_(keep[i], keep[i])] for i in range(p)])  # (p, p-1, p-1)
    drop = _alpha.summary_stats(sub)
    if p - 1 >= 3:
        omega_drop = _alpha.one_factor(_alpha.cov_to_cor(sub)).omega_total
    else:
        omega_drop = np.full(p, np.nan)
    if p == 2:  # psych reports a regression slope here; alpha of one item is undefined
        for key in drop:
            drop[key] = np.full(p, np.nan)
    corr = _alpha.cov_to_cor(cov)
    total_r = corr.sum(axis=0) / np.sqrt(corr.sum()) if ordinal else mom.total_r
    answered = np.diag(mom.count) if not mom.complete else np.full(p, float(len(x)))
    table = pd.DataFrame(
        {
            "reversed": rev_mask,
            "n": answered.astype(np.int64),
            "missing": (len(x) - answered).astype(np.int64),
            "mean": mom.mean,
            "sd": np.sqrt(np.diag(mom.cov)),
            "item_total_r": total_r,
            "item_rest_r": _alpha.item_rest_r(cov),
            "alpha_if_deleted": drop["alpha"],
            "std_alpha_if_deleted": drop["std_alpha"],
            "lambda6_if_deleted": drop["lambda6"],
            "omega_if_deleted": omega_drop,
            "loading": fit.loadings if fit is not None else np.full(p, np.nan),
        },
        index=pd.Index(names, name="item"),
    )
    if mom.levels is not None and mom.freq is not None:
        answers = mom.freq.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = mom.freq / answers
        for k, level in enumerate(mom.levels):
            table[f"p_{level:g}"] = share[:, k]
    return table


def _bootstrap(
    x: NDArray[np.float64],
    rev_mask: NDArray[np.bool_],
    adjust: float,
    mom: ItemMoments,
    n_boot: int,
    rng: np.random.Generator,
    ci: float,
    alpha: float,
    omega: float,
    fit: _alpha.OneFactor | None,
    diagnostics: list[str],
) -> dict[str, Interval | None]:
    keyed = np.where(rev_mask, adjust - x, x)
    obs_mask = ~np.isnan(keyed)
    obs = None if obs_mask.all() else obs_mask.astype(np.float64)
    x0 = np.where(obs_mask, keyed - mom.mean, 0.0)
    start = None if fit is None else fit.loadings
    alphas: list[NDArray[np.float64]] = []
    omegas: list[NDArray[np.float64]] = []
    for covs in boot_covariances(x0, obs, n_boot, rng):
        alphas.append(_alpha.alpha_raw(covs))
        if start is not None:
            omegas.append(_alpha.one_factor(_alpha.cov_to_cor(covs), start).omega_total)
    a_boot = np.concatenate(alphas)
    bad = int((~np.isfinite(a_boot)).sum())
    if bad:
        diagnostics.append(
            f"{bad} of {n_boot} bootstrap draws gave no alpha (an item without variance) and were skipped"
        )
    out: dict[str, Interval | None] = {"alpha_boot": percentile_interval(a_boot, ci)}
    o_boot = np.concatenate(omegas) if omegas else None
    if o_boot is not None:
        out["omega_boot"] = percentile_interval(o_boot, ci)
    if len(x) > _JACKKNIFE_MAX:
        diagnostics.append(
            f"BCa intervals were not computed: they need a jackknife over all {len(x)} respondents "
            f"(limit {_JACKKNIFE_MAX}); the percentile intervals are reported"
        )
        return out
    a_jack: list[NDArray[np.float64]] = []
    o_jack: list[NDArray[np.float64]] = []
    for covs in jackknife_covariances(x0, obs):
        a_jack.append(_alpha.alpha_raw(covs))
        if start is not None:
            o_jack.append(_alpha.one_factor(_alpha.cov_to_cor(covs), start).omega_total)
    out["alpha_bca"] = bca_interval(a_boot, alpha, np.concatenate(a_jack), ci)
    if o_boot is not None:
        out["omega_bca"] = bca_interval(o_boot, omega, np.concatenate(o_jack), ci)
    return out


def reliability_table(
    survey: Survey,
    *,
    ordinal: bool = False,
    missing: Literal["pairwise", "listwise"] = "pairwise",
    ci: float = 0.95,
    n_boot: int = 2000,
    seed: int | None = None,
    flag_below: float = 0.30,
) -> pd.DataFrame:
    """Reliability of every scale of a loaded term, one row per scale.

    Uses the instrument's scales, reverse keys and response ranges (``item_range`` = the
    items' min and max codes). ``alpha_lower``/``alpha_upper`` are Feldt's interval;
    ``omega_lower``/``omega_upper`` the bootstrap BCa interval (percentile when BCa is not
    available; NaN with ``n_boot=0``). ``flagged_items`` lists items whose item–rest
    correlation is below ``flag_below`` or whose removal would raise alpha.

    Examples
    --------
    >>> from dinamika import load_survey
    >>> tab = reliability_table(load_survey(), n_boot=200, seed=1)
    >>> list(tab["scale"])
    ['kepemimpinan', 'saling_percaya', 'komitmen_kolektif', 'dukungan_sekolah']
    >>> bool((tab["alpha"] > 0.6).all())
    True
    """
    inst = survey.instrument
    rows = []
    for scale, item_ids in inst.scales.items():
        if not item_ids:
            continue
        lo = min(inst.item(i).min for i in item_ids)
        hi = max(inst.item(i).max for i in item_ids)
        rev = [i for i in item_ids if i in set(inst.reverse_keyed)]
        res = reliability(
            survey.responses[list(item_ids)],
            reverse=rev,
            missing=missing,
            ordinal=ordinal,
            ci=ci,
            n_boot=n_boot,
            seed=seed,
            item_range=(lo, hi),
        )
        it = res.items
        flagged = it.index[(it["item_rest_r"] < flag_below) | (it["alpha_if_deleted"] > res.alpha)]
        omega_ci = res.omega_ci_bca or res.omega_ci_boot or (float("nan"), float("nan"))
        rows.append(
            {
                "scale": scale,
                "n": res.n,
                "n_items": res.n_items,
                "alpha": res.alpha,
                "alpha_lower": res.alpha_ci_feldt[0],
                "alpha_upper": res.alpha_ci_feldt[1],
                "omega_total": res.omega_total,
                "omega_lower": omega_ci[0],
                "omega_upper": omega_ci[1],
                "std_alpha": res.std_alpha,
                "lambda6": res.lambda6,
                "average_r": res.average_r,
                "flagged_items": ", ".join(flagged),
            }
        )
    return pd.DataFrame(rows)
