"""The work behind :func:`dinamika.psychometrics.reliability.api`: validation, point estimates, bootstrap.

Private. ``estimate`` computes everything but the bootstrap for one scale;
``pearson_intervals`` bootstraps several scales of the same respondents with shared draws (so
``reliability_table`` draws the respondents once for all scales).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.stats import f as f_dist

from dinamika.errors import UsageError
from dinamika.i18n.messages import Message, Said
from dinamika.psychometrics.polychoric.api import PolychoricResult, polychoric
from dinamika.psychometrics.reliability import alpha as _alpha
from dinamika.psychometrics.reliability.bootstrap import (
    bca_interval,
    boot_covariances,
    jackknife_covariances,
    percentile_interval,
)
from dinamika.psychometrics.reliability.moments import ItemMoments, item_moments

__all__ = ["Estimate", "estimate", "pearson_intervals"]

Interval = tuple[float, float]
JACKKNIFE_MAX = 200_000  # above: large.py (pattern or streamed draws, no n-respondent jackknife)
NAN_INTERVAL: Interval = (float("nan"), float("nan"))


@dataclass
class Estimate:
    """Point estimates of one scale plus what its bootstrap needs."""

    names: list[str]
    x: NDArray[np.float64]  # used rows, raw answers
    kept: NDArray[np.bool_] | None  # used rows among the input rows (None = all)
    rev_mask: NDArray[np.bool_]
    adjust: float
    mom: ItemMoments
    stats: dict[str, float]
    fit: _alpha.OneFactor | None
    omega: float
    omega_implied: float
    table: pd.DataFrame
    feldt: Interval
    poly: PolychoricResult | None
    diagnostics: list[str] = field(default_factory=list)

    @property
    def keyed(self) -> NDArray[np.float64]:
        return np.where(self.rev_mask, self.adjust - self.x, self.x)


def estimate(
    items: pd.DataFrame,
    reverse: Sequence[str],
    missing: str,
    ordinal: bool,
    ci: float,
    item_range: tuple[float, float] | None,
    feldt_n: int | None = None,
) -> Estimate:
    """Everything of :func:`dinamika.psychometrics.reliability.api` except the bootstrap.

    ``feldt_n``: the n of Feldt's interval (default: the respondents used).
    """
    x, kept, rev_mask, adjust, code_range, complete, diagnostics = prepare(
        items, reverse, missing, item_range
    )
    if not 0 < ci < 1:
        raise UsageError(f"`ci` must be between 0 and 1 (e.g. 0.95), but {ci!r} was passed.")
    names = [str(c) for c in items.columns]
    mom = item_moments(x, rev_mask, adjust, code_range, complete)
    check_cov(mom, names)
    p = len(names)
    poly: PolychoricResult | None = None
    if ordinal:
        keyed = pd.DataFrame(np.where(rev_mask, adjust - x, x), columns=names)
        poly = polychoric(keyed, missing="pairwise" if missing == "pairwise" else "listwise")
        diagnostics += [Said(Message("reliability.polychoric", note=d)) for d in poly.diagnostics]
        cov = poly.rho.to_numpy()
        cor = cov
    else:
        cov = mom.cov
        cor = mom.cor  # psych::omega correlates raw data with cor(x, use = "pairwise")
    stats = {k: float(v) for k, v in _alpha.summary_stats(cov).items()}
    fit = _alpha.one_factor(cor) if p >= 3 else None
    if fit is None:
        diagnostics.append(Said(Message("reliability.omega_3_items")))
    elif not np.isfinite(cor).all():
        diagnostics.append(Said(Message("reliability.omega_undefined")))
    elif not bool(fit.converged):
        diagnostics.append(Said(Message("reliability.omega_not_converged")))
    elif bool(fit.heywood):
        diagnostics.append(Said(Message("reliability.heywood")))
    omega = float(fit.omega_total) if fit is not None else float("nan")
    implied = float(fit.omega_implied) if fit is not None else float("nan")
    if stats["alpha"] > 1 or omega > 1:
        diagnostics.append(Said(Message("reliability.above_one")))
    table = item_table(mom, cov, cor, names, rev_mask, fit, ordinal, x)
    for item in table.index[table["item_rest_r"] < 0]:
        diagnostics.append(Said(Message("reliability.negative_item", item=item)))
    feldt = feldt_interval(stats["alpha"], mom.n_rows if feldt_n is None else feldt_n, p, ci)
    return Estimate(
        names=names,
        x=x,
        kept=kept,
        rev_mask=rev_mask,
        adjust=adjust,
        mom=mom,
        stats=stats,
        fit=fit,
        omega=omega,
        omega_implied=implied,
        table=table,
        feldt=feldt,
        poly=poly,
        diagnostics=diagnostics,
    )


def feldt_interval(alpha: float, n: int, p: int, ci: float) -> Interval:
    """Feldt's interval ``psych::alpha.ci(alpha, n, p)``; bounds capped at 1, NaN if undefined."""
    if not np.isfinite(alpha) or alpha >= 1 or n < 2:
        return NAN_INTERVAL
    q = (1 - ci) / 2
    df1, df2 = n - 1, (n - 1) * (p - 1)
    return (
        float(1 - (1 - alpha) * f_dist.ppf(1 - q, df1, df2)),
        float(1 - (1 - alpha) * f_dist.ppf(q, df1, df2)),
    )


def _boot_spec(
    est: Estimate, n_total: int | None
) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
    """Centered keyed answers (0 = missing) and answered mask, on n_total rows when given."""
    keyed = est.keyed
    answered = ~np.isnan(keyed)
    x0 = np.where(answered, keyed - est.mom.mean, 0.0)
    if n_total is None or est.kept is None:
        return x0, None if est.mom.complete else answered.astype(np.float64)
    full = np.zeros((n_total, x0.shape[1]))
    full[est.kept] = x0
    obs = np.zeros((n_total, x0.shape[1]))
    obs[est.kept] = answered
    return full, obs


def pearson_intervals(
    ests: list[Estimate], n_total: int | None, n_boot: int, rng: np.random.Generator, ci: float
) -> list[dict[str, Interval | None]]:
    """Bootstrap (percentile, BCa) intervals of alpha and omega for scales sharing respondents.

    With ``n_total`` (the number of input rows) all scales share the same draws of respondents;
    a respondent a scale did not use contributes nothing to that scale's sums. Above
    ``JACKKNIFE_MAX`` respondents :func:`~dinamika.psychometrics.reliability.large.large_intervals`
    takes over (draws over answer patterns, or respondent draws streamed in row blocks).
    """
    if max(n_total or 0, *(len(e.x) for e in ests)) > JACKKNIFE_MAX:
        from dinamika.psychometrics.reliability.large import large_intervals  # imports core

        return large_intervals(ests, n_total, n_boot, rng, ci)
    specs = [_boot_spec(e, n_total) for e in ests]
    alphas: list[list[NDArray[np.float64]]] = [[] for _ in ests]
    omegas: list[list[NDArray[np.float64]]] = [[] for _ in ests]
    for block in boot_covariances(specs, n_boot, rng):
        for i, (est, (covs, cors)) in enumerate(zip(ests, block, strict=True)):
            alphas[i].append(_alpha.alpha_raw(covs))
            if est.fit is not None:
                omegas[i].append(_alpha.one_factor(cors, est.fit.loadings).omega_total)
    out = []
    for i, est in enumerate(ests):
        a_boot = np.concatenate(alphas[i])
        bad = int((~np.isfinite(a_boot)).sum())
        if bad:
            est.diagnostics.append(
                Said(Message("reliability.boot_skipped", bad=bad, n_boot=n_boot))
            )
        res: dict[str, Interval | None] = dict.fromkeys(["alpha_bca", "omega_boot", "omega_bca"])
        res["alpha_boot"] = percentile_interval(a_boot, ci)
        o_boot = np.concatenate(omegas[i]) if omegas[i] else None
        if o_boot is not None:
            res["omega_boot"] = percentile_interval(o_boot, ci)
        x0, obs = _boot_spec(est, None)
        a_jack: list[NDArray[np.float64]] = []
        o_jack: list[NDArray[np.float64]] = []
        for covs, cors in jackknife_covariances(x0, obs):
            a_jack.append(_alpha.alpha_raw(covs))
            if est.fit is not None:
                o_jack.append(_alpha.one_factor(cors, est.fit.loadings).omega_total)
        res["alpha_bca"] = bca_interval(a_boot, est.stats["alpha"], np.concatenate(a_jack), ci)
        if o_boot is not None:
            res["omega_bca"] = bca_interval(o_boot, est.omega, np.concatenate(o_jack), ci)
        out.append(res)
    return out


def prepare(
    items: pd.DataFrame,
    reverse: Sequence[str],
    missing: str,
    item_range: tuple[float, float] | None,
) -> tuple[
    NDArray[np.float64],
    NDArray[np.bool_] | None,
    NDArray[np.bool_],
    float,
    tuple[float, float],
    bool,
    list[str],
]:
    """Validate; return used rows, their mask (None = all), reverse mask, min + max, code range."""
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
        x = np.asarray(items.to_numpy(dtype=np.float64, na_value=np.nan))
    except (TypeError, ValueError) as exc:
        raise UsageError(
            f"reliability() needs numeric item codes with NaN for missing ({exc})."
        ) from exc
    diagnostics: list[str] = []
    total = float(np.sum(x))  # one cheap pass: NaN when an answer is missing
    if np.isinf(total) or (np.isnan(total) and np.isinf(x).any()):
        raise UsageError("reliability() got infinite codes; use NaN for missing answers.")
    complete = not np.isnan(total)
    kept: NDArray[np.bool_] | None = None
    if not complete:
        nan = np.isnan(x)
        per_item = x.shape[0] - nan.sum(axis=0)
        sparse = [str(c) for c, k in zip(items.columns, per_item, strict=True) if k < 2]
        if sparse:
            raise UsageError(
                f"item(s) {', '.join(sparse)} were answered by fewer than 2 respondents; "
                "remove them from the scale (or check the column names)."
            )
        answered = x.shape[1] - nan.sum(axis=1)
        empty = int((answered == 0).sum())
        if empty:
            diagnostics.append(Said(Message("reliability.none_answered", n=empty)))
        keep = answered == x.shape[1] if missing == "listwise" else answered > 0
        dropped = int((~keep).sum()) - empty
        if missing == "listwise" and dropped:
            diagnostics.append(Said(Message("reliability.listwise_dropped", n=dropped)))
        if not keep.all():
            x = x[keep]
            kept = keep
        complete = missing == "listwise"
    if len(x) < 3:
        raise UsageError(
            f"reliability() needs at least 3 respondents; {len(x)} remain after removing missing answers."
        )
    lo, hi = (
        (float(x.min()), float(x.max())) if complete else (float(np.nanmin(x)), float(np.nanmax(x)))
    )
    code_range = (lo, hi)
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
    rev_mask = np.array([c in set(reverse) for c in items.columns], dtype=bool)
    return x, kept, rev_mask, adjust, code_range, complete, diagnostics


def check_cov(mom: ItemMoments, names: list[str]) -> None:
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


def item_table(
    mom: ItemMoments,
    cov: NDArray[np.float64],
    cor: NDArray[np.float64],
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
        sub_cor = np.stack([cor[np.ix_(keep[i], keep[i])] for i in range(p)])
        omega_drop = _alpha.one_factor(sub_cor).omega_total
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
