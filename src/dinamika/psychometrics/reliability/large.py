"""Bootstrap intervals above ``core.JACKKNIFE_MAX`` respondents (national terms).

Private. :func:`large_intervals` serves :func:`dinamika.psychometrics.reliability.core.pearson_intervals`
when a term has more than ``JACKKNIFE_MAX`` respondents; smaller terms never come here, so their
draws and results are those of the respondent bootstrap. Per scale:

- at most n/16 distinct answer patterns (the usual short Likert scale): draws over patterns
  (multinomial pattern counts, the scale's own draws) and BCa from the exact per-pattern
  jackknife;
- otherwise the scales share draws of respondents, streamed block by block
  (:func:`~dinamika.psychometrics.reliability.stream.streamed_sums`); BCa from the exact
  per-pattern jackknife when there are at most ``JACKKNIFE_MAX`` patterns, else from the
  first-order leave-one-out of the sums (said in the diagnostics).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from dinamika.i18n.messages import Message, Said
from dinamika.psychometrics.reliability import alpha as _alpha
from dinamika.psychometrics.reliability import core as _core
from dinamika.psychometrics.reliability.bootstrap import (
    _n_columns,
    _sums_to_cov,
    bca_interval,
    percentile_interval,
)
from dinamika.psychometrics.reliability.stream import (
    Patterns,
    influence_acceleration,
    pattern_boot_covariances,
    pattern_jackknife_covariances,
    patterns,
    streamed_sums,
)

__all__ = ["large_intervals"]

Array = NDArray[np.float64]
Interval = tuple[float, float]
PATTERN_SHARE = 16  # resample patterns when there are at most n / 16 of them


def large_intervals(
    ests: list[_core.Estimate],
    n_total: int | None,
    n_boot: int,
    rng: np.random.Generator,
    ci: float,
) -> list[dict[str, Interval | None]]:
    """Percentile and BCa intervals of alpha and omega for every scale of a large term."""
    out: list[dict[str, Interval | None]] = [{} for _ in ests]
    streamed: list[tuple[int, Patterns | None, int]] = []
    for i, est in enumerate(ests):
        x0, obs = _core._boot_spec(est, None)
        few = len(x0) // PATTERN_SHARE
        pat, found = patterns(x0, obs, max(few, _core.JACKKNIFE_MAX))
        if pat is not None and found <= few:
            out[i] = _from_patterns(est, pat, n_boot, rng, ci)
        else:
            streamed.append((i, pat, found))
    if streamed:
        group = [ests[i] for i, _, _ in streamed]
        got = _streamed(group, [(p, f) for _, p, f in streamed], n_total, n_boot, rng, ci)
        for (i, _, _), res in zip(streamed, got, strict=True):
            out[i] = res
    return out


def _alpha_omega(est: _core.Estimate, covs: Array, cors: Array) -> tuple[Array, Array | None]:
    omega = None if est.fit is None else _alpha.one_factor(cors, est.fit.loadings).omega_total
    return _alpha.alpha_raw(covs), omega


def _note_bad(est: _core.Estimate, a_boot: Array, n_boot: int) -> None:
    bad = int((~np.isfinite(a_boot)).sum())
    if bad:
        est.diagnostics.append(Said(Message("reliability.boot_skipped", bad=bad, n_boot=n_boot)))


def _intervals(
    est: _core.Estimate,
    a_boot: Array,
    o_boot: Array | None,
    ci: float,
    jack: tuple[Array, Array | None, NDArray[np.int64]] | None,
    accel: tuple[float, float] | None = None,
) -> dict[str, Interval | None]:
    res: dict[str, Interval | None] = dict.fromkeys(["omega_boot", "omega_bca"])
    res["alpha_boot"] = percentile_interval(a_boot, ci)
    if jack is not None:
        res["alpha_bca"] = bca_interval(a_boot, est.stats["alpha"], jack[0], ci, weights=jack[2])
    else:
        a_acc = None if accel is None else accel[0]
        res["alpha_bca"] = bca_interval(a_boot, est.stats["alpha"], None, ci, accel=a_acc)
    if o_boot is not None:
        res["omega_boot"] = percentile_interval(o_boot, ci)
        if jack is not None:
            res["omega_bca"] = bca_interval(o_boot, est.omega, jack[1], ci, weights=jack[2])
        else:
            o_acc = None if accel is None else accel[1]
            res["omega_bca"] = bca_interval(o_boot, est.omega, None, ci, accel=o_acc)
    return res


def _pattern_jackknife(est: _core.Estimate, pat: Patterns) -> tuple[Array, Array | None]:
    a_jack, o_jack = [], []
    for covs, cors in pattern_jackknife_covariances(pat):
        a, o = _alpha_omega(est, covs, cors)
        a_jack.append(a)
        if o is not None:
            o_jack.append(o)
    return np.concatenate(a_jack), np.concatenate(o_jack) if o_jack else None


def _from_patterns(
    est: _core.Estimate, pat: Patterns, n_boot: int, rng: np.random.Generator, ci: float
) -> dict[str, Interval | None]:
    """One scale resampled over its answer patterns, BCa from the per-pattern jackknife."""
    a_parts, o_parts = [], []
    for covs, cors in pattern_boot_covariances(pat, n_boot, rng):
        a, o = _alpha_omega(est, covs, cors)
        a_parts.append(a)
        if o is not None:
            o_parts.append(o)
    a_boot = np.concatenate(a_parts)
    _note_bad(est, a_boot, n_boot)
    o_boot = np.concatenate(o_parts) if o_parts else None
    a_jack, o_jack = _pattern_jackknife(est, pat)
    return _intervals(est, a_boot, o_boot, ci, (a_jack, o_jack, pat.counts))


def _streamed(
    ests: list[_core.Estimate],
    pats: list[tuple[Patterns | None, int]],
    n_total: int | None,
    n_boot: int,
    rng: np.random.Generator,
    ci: float,
) -> list[dict[str, Interval | None]]:
    """Scales with many answer patterns: shared respondent draws streamed over row blocks."""
    specs = [_core._boot_spec(e, n_total) for e in ests]
    sums = streamed_sums(specs, n_boot, rng)
    n = specs[0][0].shape[0]
    out = []
    col = 0
    for est, (x0, obs), (pat, found) in zip(ests, specs, pats, strict=True):
        p = x0.shape[1]
        width = _n_columns(p, obs is not None)
        covs, cors = _sums_to_cov(sums[:, col : col + width], p, float(n), obs is not None)
        col += width
        a_boot, o_boot = _alpha_omega(est, covs, cors)
        _note_bad(est, a_boot, n_boot)
        if pat is not None:
            a_jack, o_jack = _pattern_jackknife(est, pat)
            out.append(_intervals(est, a_boot, o_boot, ci, (a_jack, o_jack, pat.counts)))
            continue
        used = _core._boot_spec(est, None)

        def theta(cov: Array, cor: Array, est: _core.Estimate = est) -> Array:
            a, o = _alpha_omega(est, cov, cor)
            return np.column_stack([a, np.full_like(a, np.nan) if o is None else o])

        acc = influence_acceleration(*used, theta)
        accel = (float(acc[0]), float(acc[1]))
        est.diagnostics.append(
            Said(
                Message(
                    "reliability.influence_bca",
                    patterns=f"{found:,}",
                    n=f"{len(used[0]):,}",
                    limit=f"{_core.JACKKNIFE_MAX:,}",
                )
            )
        )
        out.append(_intervals(est, a_boot, o_boot, ci, None, accel))
    return out
