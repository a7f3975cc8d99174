"""Reliability and item analysis of a scale: alpha, omega, λ6, item–rest r, CIs — equal to R psych.

``reliability(items)`` works on one scale's items (a DataFrame); ``reliability_table(survey)``
runs it for every scale of a loaded term with the instrument's reverse keys. Closed-form
statistics equal ``psych::alpha``; omega total equals ``psych::omega(x, nfactors = 1)$omega.tot``
(one-factor minres model); confidence intervals are Feldt's (``psych::alpha.ci``) and a seeded,
vectorized bootstrap (percentile and BCa), reported from
:data:`dinamika.core.sample_size.MINIMUMS` ``["reliability_bootstrap"]`` respondents on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from dinamika.core.results import ResultMixin
from dinamika.core.sample_size import MINIMUMS
from dinamika.data.instruments import Instrument, load_instrument
from dinamika.errors import UsageError
from dinamika.i18n.messages import Message, Said
from dinamika.psychometrics.blas import single_thread_blas
from dinamika.psychometrics.reliability.core import (
    NAN_INTERVAL,
    Estimate,
    estimate,
    pearson_intervals,
)
from dinamika.psychometrics.reliability.ordinal import ordinal_bootstrap

if TYPE_CHECKING:  # pragma: no cover
    from dinamika.data.survey import Survey

__all__ = ["Reliability", "reliability", "reliability_table"]

Interval = tuple[float, float]


@dataclass(frozen=True)
class Reliability(ResultMixin):
    r"""Reliability of one scale. Every CI is ``(lower, upper)`` at level ``ci``; None if not computed.

    Attributes
    ----------
    alpha, std_alpha, lambda6, average_r : float
        Cronbach's alpha (raw), standardized alpha, Guttman's λ6 (psych ``G6(smc)``) and the
        mean inter-item correlation, as ``psych::alpha``.
    omega_total : float
        McDonald's omega total, ``psych::omega(x, nfactors = 1)$omega.tot``: one-factor minres
        loadings, observed total variance in the denominator (see :func:`reliability`).
    omega_implied : float
        The same loadings with the model-implied total variance in the denominator
        (:math:`(\sum\lambda)^2 / ((\sum\lambda)^2 + \sum\psi)`); equal to ``omega_total``
        when the one-factor model fits.
    n : int
        Respondents used (with at least one answer; with ``listwise``, complete ones).
    n_items : int
        Items in the scale.
    alpha_ci_feldt : tuple
        Feldt's interval (``psych::alpha.ci``).
    alpha_ci_boot, alpha_ci_bca, omega_ci_boot, omega_ci_bca : tuple or None
        Bootstrap percentile and BCa intervals (None with ``n_boot=0``; NaN bounds, with the
        reason in ``diagnostics``, below the minimum n or when not computable). No bound
        exceeds 1.
    items : DataFrame
        One row per item: ``reversed``, ``n``, ``missing``, ``mean``, ``sd``, ``item_total_r``,
        ``item_rest_r``, ``alpha_if_deleted``, ``std_alpha_if_deleted``,
        ``lambda6_if_deleted``, ``omega_if_deleted``, ``loading``, then ``p_<code>``: share of
        each response code among the item's answers (as answered, before reverse keying).
        ``mean`` and every correlation use the reverse-keyed answers, as psych does.
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
    omega_implied: float
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
        for stat in ("alpha", "std_alpha", "lambda6", "average_r", "omega_total", "omega_implied"):
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
            return "—" if v is None or not np.isfinite(v).all() else f"[{v[0]:.3f}, {v[1]:.3f}]"

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
    feldt_n: Literal["rows", "used"] = "rows",
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
        (:func:`dinamika.psychometrics.polychoric.api`), as ``psych::alpha(polychoric(x)$rho)``.
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
    feldt_n : {"rows", "used"}, default "rows"
        n of Feldt's interval: ``"rows"`` the number of rows of ``items`` (``nrow(x)``, as
        ``psych::alpha`` passes to ``alpha.ci``; with ``missing="listwise"`` the complete
        rows, as ``psych::alpha(na.omit(x))``); ``"used"`` the respondents with at least
        one answer (differs only when some rows are empty).

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
    - ``omega_total`` :math:`= 1 - \sum(1-\lambda_i^2) / 1^\top DRD1` with λ the one-factor
      minres loadings of R = ``cor(x, use = "pairwise")`` (each pair's own SDs; the polychoric
      matrix with ``ordinal=True``) and D their signs — ``psych::omega(x, nfactors =
      1)$omega.tot``, which flips negatively loading items. ``omega_implied``
      :math:`= (\sum\lambda)^2 / ((\sum\lambda)^2 + \sum(1-\lambda_i^2))` divides by the
      model-implied total instead; the two agree when the one-factor model fits.
    - Feldt: :math:`1 - (1-\alpha)F_{1-q}` and :math:`1 - (1-\alpha)F_{q}`, F with
      (n − 1, (n − 1)(p − 1)) degrees of freedom, q = (1 − ci)/2 (``psych::alpha.ci``), n as
      ``feldt_n``.
    - Bootstrap intervals need at least ``MINIMUMS["reliability_bootstrap"].minimum``
      respondents (:mod:`dinamika.core.sample_size`); below that they are NaN with the reason in
      ``diagnostics``. Replicates above 1 (Heywood cases, non-positive-definite pairwise
      matrices) count as 1, so no bound exceeds 1.
    - Bootstrap: respondents are resampled ``n_boot`` times; each draw's pairwise covariance
      matrix comes from multinomial-weighted sums, all draws of a block in one matrix product.
      Percentile intervals use R's quantile type 7; BCa takes its acceleration from the exact
      jackknife (leave-one-out sums). Above 200,000 respondents a scale whose answers form at
      most n/16 distinct patterns is resampled by pattern (each draw's pattern counts are
      multinomial(n, pattern shares): the same distribution as drawing respondents, in time
      that does not grow with n, each such scale on its own draws) with BCa from the exact
      per-pattern jackknife weighted by counts; the other scales share respondent draws
      streamed in blocks of rows (memory O(draws × p²), time linear in n), with BCa from the
      per-pattern jackknife up to 200,000 patterns and from the first-order leave-one-out of
      the sums beyond (said in ``diagnostics``). Up to 200,000 respondents the draws and
      results are those of the respondent bootstrap described above. With
      ``ordinal=True`` every draw's pair tables are weighted counts too, all draws' polychoric
      likelihoods are maximized together, and the jackknife needs one fit per distinct
      response pattern (BCa skipped when that exceeds 2,000,000 pattern × pair fits).

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
    if feldt_n not in ("rows", "used"):
        raise UsageError(f"`feldt_n` must be 'rows' or 'used', but {feldt_n!r} was passed.")
    # floating-point edge cases (an item constant in a bootstrap draw, a polychoric pair at
    # the boundary) become NaN or capped values that the diagnostics report: no raw warnings
    with single_thread_blas(), np.errstate(all="ignore"):
        return _reliability(items, reverse, missing, ordinal, ci, n_boot, seed, item_range, feldt_n)


def _feldt_rows(items: pd.DataFrame, missing: str, feldt_n: str) -> int | None:
    """Feldt's n: nrow(x) (complete rows with listwise) or None for the respondents used."""
    if feldt_n == "used":
        return None
    if missing == "listwise":
        return int(items.notna().all(axis=1).sum())
    return len(items)


def _too_few(est: Estimate) -> bool:
    """Below the bootstrap minimum: say so in the diagnostics."""
    rule = MINIMUMS["reliability_bootstrap"]
    n = est.mom.n_rows
    if n >= rule.minimum:
        return False
    est.diagnostics.append(
        Said(
            Message(
                "reliability.boot_too_few", n=n, minimum=f"{rule.minimum:g}", ref=rule.reference
            )
        )
    )
    return True


def _reliability(
    items: pd.DataFrame,
    reverse: Sequence[str],
    missing: str,
    ordinal: bool,
    ci: float,
    n_boot: int,
    seed: int | np.random.Generator | None,
    item_range: tuple[float, float] | None,
    feldt_n: str,
) -> Reliability:
    if n_boot < 0 or int(n_boot) != n_boot:
        raise UsageError(f"`n_boot` must be a whole number ≥ 0, but {n_boot!r} was passed.")
    est = estimate(
        items, reverse, missing, ordinal, ci, item_range, _feldt_rows(items, missing, feldt_n)
    )
    boot: dict[str, Interval | None] = dict.fromkeys(
        ["alpha_boot", "alpha_bca", "omega_boot", "omega_bca"]
    )
    if n_boot > 0 and _too_few(est):
        boot = dict.fromkeys(boot, NAN_INTERVAL)
        if est.fit is None:
            boot["omega_boot"] = boot["omega_bca"] = None
    elif n_boot > 0:
        rng = np.random.default_rng(seed)
        if est.poly is not None:
            names = est.names
            keyed = pd.DataFrame(est.keyed, columns=names)
            loadings = None if est.fit is None else est.fit.loadings
            boot.update(
                ordinal_bootstrap(
                    keyed,
                    est.poly,
                    n_boot,
                    rng,
                    ci,
                    (est.stats["alpha"], est.omega),
                    loadings,
                    est.diagnostics,
                )
            )
        else:
            boot.update(pearson_intervals([est], None, n_boot, rng, ci)[0])
    return _assemble(est, boot, ci, n_boot, missing, ordinal)


def _assemble(
    est: Estimate,
    boot: dict[str, Interval | None],
    ci: float,
    n_boot: int,
    missing: str,
    ordinal: bool,
) -> Reliability:
    return Reliability(
        alpha=est.stats["alpha"],
        std_alpha=est.stats["std_alpha"],
        lambda6=est.stats["lambda6"],
        average_r=est.stats["average_r"],
        omega_total=est.omega,
        omega_implied=est.omega_implied,
        n=est.mom.n_rows,
        n_items=len(est.names),
        alpha_ci_feldt=est.feldt,
        alpha_ci_boot=boot["alpha_boot"],
        alpha_ci_bca=boot["alpha_bca"],
        omega_ci_boot=boot["omega_boot"],
        omega_ci_bca=boot["omega_bca"],
        items=est.table,
        diagnostics=tuple(est.diagnostics),
        ci=ci,
        n_boot=int(n_boot),
        missing=missing,
        ordinal=ordinal,
    )


def reliability_table(
    survey_or_items: Survey | pd.DataFrame,
    *,
    instrument: Instrument | str | None = None,
    ordinal: bool = False,
    missing: Literal["pairwise", "listwise"] = "pairwise",
    ci: float = 0.95,
    n_boot: int = 2000,
    seed: int | None = None,
    flag_below: float = 0.30,
) -> pd.DataFrame:
    """Reliability of every scale of a loaded term, one row per scale.

    Parameters
    ----------
    survey_or_items : Survey or DataFrame
        A loaded term, or a DataFrame with the instrument's item columns (then pass
        ``instrument=``).
    instrument : Instrument or str, optional
        Needed with a DataFrame; a Survey brings its own.
    ordinal, missing, ci, n_boot, seed :
        As in :func:`reliability`. Each scale uses the instrument's reverse keys and the
        items' response range as ``item_range``. The bootstrap draws the respondents once for
        all scales (the same respondents in every draw), so one seed gives one joint resample;
        above 200,000 respondents a scale resampled by answer pattern (see :func:`reliability`)
        has draws of its own.
    flag_below : float, default 0.30
        ``flagged_items`` lists the items whose item–rest correlation is below this or whose
        removal would raise alpha.

    Returns
    -------
    DataFrame
        Columns ``scale, n, n_items, alpha, alpha_lower, alpha_upper, omega_total,
        omega_lower, omega_upper, std_alpha, lambda6, average_r, flagged_items, notes``
        (``notes``: the scale's diagnostics joined by "; ").
        ``alpha_lower``/``alpha_upper`` are Feldt's interval; ``omega_lower``/``omega_upper``
        the bootstrap BCa interval (the percentile interval when BCa is not available, see
        :func:`reliability`; NaN with ``n_boot=0``).

    Examples
    --------
    >>> from dinamika import load_survey
    >>> tab = reliability_table(load_survey(), n_boot=200, seed=1)
    >>> list(tab["scale"])
    ['kepemimpinan', 'saling_percaya', 'komitmen_kolektif', 'dukungan_sekolah']
    >>> bool((tab["alpha"] > 0.6).all())
    True
    """
    with single_thread_blas(), np.errstate(all="ignore"):
        return _reliability_table(
            survey_or_items, instrument, ordinal, missing, ci, n_boot, seed, flag_below
        )


def _reliability_table(
    survey_or_items: Survey | pd.DataFrame,
    instrument: Instrument | str | None,
    ordinal: bool,
    missing: str,
    ci: float,
    n_boot: int,
    seed: int | None,
    flag_below: float,
) -> pd.DataFrame:
    if isinstance(survey_or_items, pd.DataFrame):
        if instrument is None:
            raise UsageError(
                "reliability_table() needs `instrument=` when given a DataFrame "
                "(e.g. instrument='komunitas-guru@1.0.0')."
            )
        responses = survey_or_items
    else:
        responses = survey_or_items.responses
        instrument = survey_or_items.instrument if instrument is None else instrument
    inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    if n_boot < 0 or int(n_boot) != n_boot:
        raise UsageError(f"`n_boot` must be a whole number ≥ 0, but {n_boot!r} was passed.")
    absent = [i for ids in inst.scales.values() for i in ids if i not in responses.columns]
    if absent:
        raise UsageError(
            f"the data lack item column(s) {absent} of {inst.ref}; check the column names."
        )
    scales = {k: v for k, v in inst.scales.items() if len(v) >= 2}
    reverse_keyed = set(inst.reverse_keyed)
    ests = []
    for item_ids in scales.values():
        lo = min(inst.item(i).min for i in item_ids)
        hi = max(inst.item(i).max for i in item_ids)
        rev = [i for i in item_ids if i in reverse_keyed]
        sub = responses[list(item_ids)]
        ests.append(
            estimate(sub, rev, missing, ordinal, ci, (lo, hi), _feldt_rows(sub, missing, "rows"))
        )
    boots: list[dict[str, Interval | None]] = [
        dict.fromkeys(["alpha_boot", "alpha_bca", "omega_boot", "omega_bca"]) for _ in ests
    ]
    few = [n_boot > 0 and _too_few(est) for est in ests]
    for b, small in zip(boots, few, strict=True):
        if small:
            b.update(dict.fromkeys(b, NAN_INTERVAL))
    enough = [est for est, small in zip(ests, few, strict=True) if not small]
    if n_boot > 0 and not ordinal and enough:
        shared = pearson_intervals(enough, len(responses), n_boot, np.random.default_rng(seed), ci)
        todo = [b for b, small in zip(boots, few, strict=True) if not small]
        for b, got in zip(todo, shared, strict=True):
            b.update(got)
    elif n_boot > 0 and ordinal:
        for b, est, small in zip(boots, ests, few, strict=True):
            if small:
                continue
            poly = est.poly
            if poly is None:  # pragma: no cover - ordinal estimates always have one
                continue
            keyed = pd.DataFrame(est.keyed, columns=est.names)
            loadings = None if est.fit is None else est.fit.loadings
            b.update(
                ordinal_bootstrap(
                    keyed,
                    poly,
                    n_boot,
                    np.random.default_rng(seed),
                    ci,
                    (est.stats["alpha"], est.omega),
                    loadings,
                    est.diagnostics,
                )
            )
    rows, results = [], []
    for scale, est, b in zip(scales, ests, boots, strict=True):
        res = _assemble(est, b, ci, n_boot, missing, ordinal)
        results.append(res)
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
                "notes": "; ".join(res.diagnostics),
            }
        )
    table = pd.DataFrame(rows)
    # the notes as messages, for display in another language (dinamika reliability --lang)
    table.attrs["notes"] = tuple(Said.join(r.diagnostics) for r in results)
    return table
