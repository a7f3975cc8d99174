"""Bootstrap at national scale: answer patterns, streamed multinomial weights, influence BCa."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dinamika import load_instrument
from dinamika.data.instruments import Instrument
from dinamika.psychometrics.reliability import alpha as _alpha
from dinamika.psychometrics.reliability import core, large
from dinamika.psychometrics.reliability.api import reliability, reliability_table
from dinamika.psychometrics.reliability.bootstrap import (
    _columns,
    bca_interval,
    jackknife_acceleration,
    jackknife_covariances,
)
from dinamika.psychometrics.reliability.stream import (
    block_weights,
    influence_acceleration,
    pattern_boot_covariances,
    pattern_jackknife_covariances,
    patterns,
    row_order,
    streamed_sums,
)


def _likert(n: int, p: int, seed: int, missing: float = 0.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    f = rng.normal(size=(n, 1))
    x = np.clip(np.rint(3 + 0.9 * f + rng.normal(size=(n, p))), 1, 5)
    if missing:
        x[rng.random(x.shape) < missing] = np.nan
    return x


def _spec(x: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    miss = np.isnan(x)
    x0 = np.where(miss, 0.0, x - np.nanmean(x, axis=0))
    return x0, (~miss).astype(float) if miss.any() else None


@pytest.mark.parametrize("missing", [0.0, 0.05])
def test_pattern_jackknife_equals_respondent_jackknife(missing: float) -> None:
    x0, obs = _spec(_likert(3000, 4, 1, missing))
    jack = np.concatenate([_alpha.alpha_raw(c) for c, _ in jackknife_covariances(x0, obs)])
    pat, found = patterns(x0, obs, 3000)
    assert pat is not None and pat.counts.sum() == 3000 and found == len(pat.counts) < 3000
    pjack = np.concatenate([_alpha.alpha_raw(c) for c, _ in pattern_jackknife_covariances(pat)])
    np.testing.assert_allclose(
        jackknife_acceleration(pjack, weights=pat.counts), jackknife_acceleration(jack), rtol=1e-9
    )
    boot = np.random.default_rng(2).normal(0.7, 0.01, 500)
    est = float(np.median(boot))
    want = bca_interval(boot, est, jack, 0.95)
    got = bca_interval(boot, est, pjack, 0.95, weights=pat.counts)
    np.testing.assert_allclose(got, want, rtol=1e-10)


def test_patterns_of_non_integer_answers_and_the_limit() -> None:
    rng = np.random.default_rng(8)
    x0 = np.repeat(rng.normal(size=(50, 3)), 4, axis=0)  # 50 patterns, 4 respondents each
    pat, found = patterns(x0, None, 100)
    assert found == 50 and pat is not None and (pat.counts == 4).all()
    none, found = patterns(x0, None, 49)
    assert none is None and found == 50


def test_pattern_bootstrap_matches_respondent_bootstrap_in_distribution() -> None:
    x = _likert(4000, 5, 3)
    x0 = x - x.mean(axis=0)
    pat, _ = patterns(x0, None, 4000)
    assert pat is not None
    draws = np.concatenate(
        [
            _alpha.alpha_raw(c)
            for c, _ in pattern_boot_covariances(pat, 2000, np.random.default_rng(4))
        ]
    )
    rng = np.random.default_rng(5)
    resp = np.array(
        [
            _alpha.alpha_raw(np.cov(x[rng.integers(0, 4000, 4000)], rowvar=False))
            for _ in range(2000)
        ]
    )
    # same distribution: means within Monte Carlo error, spreads within 10%
    assert abs(draws.mean() - resp.mean()) < 4 * resp.std() / np.sqrt(2000) * np.sqrt(2)
    assert 0.9 < draws.std() / resp.std() < 1.1


def _weights(n: int, n_boot: int, seed: int) -> np.ndarray:
    w = np.zeros((n_boot, n))
    for first, start, stop, block, totals in block_weights(n, n_boot, np.random.default_rng(seed)):
        w[first : first + len(block), start:stop] = block
        np.testing.assert_array_equal(block.sum(axis=1), totals)
    return w


def test_block_weights_are_multinomial_counts_of_n_respondents() -> None:
    n, b = 10_000, 3000  # three row blocks (the last one partial), two groups of draws
    w = _weights(n, b, 1)
    assert (w == np.rint(w)).all() and (w >= 0).all()
    assert (w.sum(axis=1) == n).all()  # every draw has exactly n respondents
    # multinomial(n, 1/n): each count has mean 1 and variance 1 − 1/n; a block of 4,096
    # rows draws Binomial(n, 4096/n) respondents
    assert abs(w.mean() - 1) < 1e-12
    assert abs(w.var() - (1 - 1 / n)) < 0.01
    first = w[:, :4096].sum(axis=1)
    share = 4096 / n
    assert abs(first.var() / (n * share * (1 - share)) - 1) < 0.1
    assert abs(first.mean() - n * share) < 4 * np.sqrt(n * share * (1 - share) / b)
    # respondents are exchangeable: the count of a row is Poisson-like (P(0) ≈ e^-1)
    assert abs((w == 0).mean() - (1 - 1 / n) ** n) < 0.002
    np.testing.assert_array_equal(w, _weights(n, b, 1))  # seeded


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-12), (np.float32, 2e-5)])
def test_streamed_sums_equal_respondent_level_sums(dtype: type, rtol: float) -> None:
    n, b = 12_000, 300
    a = _spec(_likert(n, 4, 11, 0.02))
    c = _spec(_likert(n, 3, 12))
    got = streamed_sums([a, c], b, np.random.default_rng(7), dtype=dtype)
    w = _weights(n, b, 7)  # the same draws
    order, complete = row_order([a, c])
    assert 4096 < complete[:, 0].sum() < n  # blocks with reduced columns and full ones
    z = np.concatenate([_columns(*a)[0], _columns(*c)[0]], axis=1)[order]
    want = w @ z
    scale = np.abs(w) @ np.abs(z)  # rounding is relative to the sums of magnitudes
    assert got.shape == want.shape
    assert (np.abs(got - want) <= rtol * scale + 1e-12).all()


def test_influence_acceleration_matches_the_exact_jackknife() -> None:
    rng = np.random.default_rng(3)
    f = rng.normal(size=(3000, 1))
    x = 0.8 * f + rng.gamma(2.0, size=(3000, 5))  # skewed: a clearly nonzero acceleration
    x[rng.random(x.shape) < 0.03] = np.nan
    x0, obs = _spec(x)
    fit = _alpha.one_factor(_alpha.cov_to_cor(np.cov(np.nan_to_num(x), rowvar=False)))
    a_jack, o_jack = [], []
    for cov, cor in jackknife_covariances(x0, obs):
        a_jack.append(_alpha.alpha_raw(cov))
        o_jack.append(_alpha.one_factor(cor, fit.loadings).omega_total)
    exact = [jackknife_acceleration(np.concatenate(v)) for v in (a_jack, o_jack)]

    def theta(cov: np.ndarray, cor: np.ndarray) -> np.ndarray:
        omega = _alpha.one_factor(cor, fit.loadings).omega_total
        return np.column_stack([_alpha.alpha_raw(cov), omega])

    got = influence_acceleration(x0, obs, theta)
    assert abs(exact[0]) > 1e-3
    np.testing.assert_allclose(got, exact, rtol=0.02)


def _frame(x: np.ndarray) -> tuple[pd.DataFrame, Instrument]:
    inst = load_instrument("komunitas-guru@1.0.0")
    return pd.DataFrame(x, columns=list(inst.item_ids)), inst


def test_large_terms_get_bca_from_patterns(monkeypatch: pytest.MonkeyPatch) -> None:
    frame, inst = _frame(_likert(6000, 24, 6, 0.01))
    exact = reliability_table(frame, instrument=inst, n_boot=1000, seed=1)
    monkeypatch.setattr(core, "JACKKNIFE_MAX", 1000)
    monkeypatch.setattr(large, "PATTERN_SHARE", 1)  # every scale by patterns
    big = reliability_table(frame, instrument=inst, n_boot=1000, seed=1)
    assert big["omega_lower"].notna().all()
    np.testing.assert_allclose(big["alpha"], exact["alpha"], rtol=1e-12)
    np.testing.assert_allclose(big["omega_lower"], exact["omega_lower"], atol=0.01)
    np.testing.assert_allclose(big["omega_upper"], exact["omega_upper"], atol=0.01)


@pytest.mark.parametrize("continuous", [False, True])
def test_large_terms_with_many_patterns_stream_respondent_draws(
    monkeypatch: pytest.MonkeyPatch, continuous: bool
) -> None:
    if continuous:  # every answer pattern distinct: BCa from the influence values
        x = _likert(6000, 24, 9, 0.02) + np.random.default_rng(10).uniform(-0.4, 0.4, (6000, 24))
        x = np.clip(x, 1, 5)
    else:  # at most 3**6 patterns per scale: BCa from the exact per-pattern jackknife
        x = np.clip(_likert(6000, 24, 9), 2, 4)
    frame, inst = _frame(x)
    exact = reliability_table(frame, instrument=inst, n_boot=1000, seed=1)
    monkeypatch.setattr(core, "JACKKNIFE_MAX", 1000)
    monkeypatch.setattr(large, "PATTERN_SHARE", 10**9)  # never by patterns
    big = reliability_table(frame, instrument=inst, n_boot=1000, seed=1)
    assert big["omega_lower"].notna().all()
    assert big["notes"].str.contains("first-order leave-one-out").all() == continuous
    np.testing.assert_allclose(big["alpha"], exact["alpha"], rtol=1e-12)
    np.testing.assert_allclose(big["omega_lower"], exact["omega_lower"], atol=0.01)
    np.testing.assert_allclose(big["omega_upper"], exact["omega_upper"], atol=0.01)
    res = reliability(frame.iloc[:, :6], n_boot=500, seed=2)
    assert res.alpha_ci_bca is not None and np.isfinite(res.alpha_ci_bca).all()


def test_small_terms_never_take_the_large_path(monkeypatch: pytest.MonkeyPatch) -> None:
    frame, inst = _frame(_likert(3000, 24, 4, 0.02))
    before = reliability_table(frame, instrument=inst, n_boot=300, seed=3)

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("large path taken below JACKKNIFE_MAX")

    monkeypatch.setattr(large, "large_intervals", fail)
    after = reliability_table(frame, instrument=inst, n_boot=300, seed=3)
    pd.testing.assert_frame_equal(before, after)


@pytest.mark.parametrize("p", [4, 10, 30])  # bincount of keys, sort of keys, row hash + unique
def test_patterns_keep_every_sum(p: int) -> None:
    x0, obs = _spec(_likert(5000, p, 13, 0.05))
    pat, found = patterns(x0, obs, 5000)
    assert pat is not None and found == len(pat.counts) and pat.counts.sum() == 5000
    assert (np.diff(pat.counts) >= 0).all()  # rarest first
    want = _columns(x0, obs)[0].sum(axis=0)
    got = pat.counts.astype(float) @ _columns(pat.x0, pat.obs)[0]
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)
