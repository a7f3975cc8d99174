"""Polychoric correlations of sparse and extreme tables: the global maximum, or a diagnostic.

Reference: tests/reference/polychoric/sparse/make_sparse.R (psych::polychoric, lavaan::lavCor
and an independent maximum-likelihood search: dense grid + optimize on psych's own model).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dinamika import efa, polychoric, reliability
from dinamika.psychometrics.polychoric.bvn import R_GRID, bvn_cdf, bvn_cdf_rho_grid
from dinamika.psychometrics.polychoric.fit import fit_pairs, loglik

REF = json.loads(
    (
        Path(__file__).parent / "reference" / "polychoric" / "sparse" / "sparse_reference.json"
    ).read_text()
)
TABLES = {k: v for k, v in REF.items() if not k.startswith("_")}
# k5_large_n_one_corner: a cell with 1 answer has probability ~3e-15 at the maximum, at the
# absolute precision of any bivariate-normal routine (ours and pbivnorm); the likelihood is
# flat to 1e-4 in rho there (adaptive quadrature puts the maximum 3.4e-5 above R's value).
ML_TOL = {"k5_large_n_one_corner": 1e-4}


def _frame(table: list[list[float]]) -> pd.DataFrame:
    t = np.asarray(table, dtype=np.int64)
    r, c = np.nonzero(t)
    reps = t[r, c]
    return pd.DataFrame({"a": np.repeat(r + 1, reps), "b": np.repeat(c + 1, reps)}, dtype=float)


def _fit(table: list[list[float]]):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy overflow (or any other) warning reaches users
        return polychoric(_frame(table))


@pytest.mark.parametrize("name", sorted(TABLES))
def test_global_maximum_or_boundary_diagnostic(name):
    ref = TABLES[name]
    res = _fit(ref["table"])
    est = float(res.rho_unsmoothed.iloc[0, 1])
    assert -1.0 < est < 1.0
    assert res.global_thresholds == ref["global"]
    at_boundary = any("boundary" in d for d in res.diagnostics)
    if ref["ml_boundary"]:
        # the likelihood rises (or stays flat) up to |rho| = 1: said, and the estimate is the edge
        assert at_boundary
        assert abs(est) > 1 - 1e-8 and np.sign(est) == np.sign(ref["ml"])
    else:
        assert not at_boundary
        assert not any("not converge" in d for d in res.diagnostics)
        assert est == pytest.approx(ref["ml"], abs=ML_TOL.get(name, 1e-6))


@pytest.mark.parametrize("name", sorted(TABLES))
def test_agrees_with_psych_where_psych_found_the_maximum(name):
    ref = TABLES[name]
    if ref["psych"] is None or ref["ml_boundary"]:
        pytest.skip("psych gives no estimate or the maximum is at the boundary")
    est = float(_fit(ref["table"]).rho_unsmoothed.iloc[0, 1])
    if abs(ref["psych"] - ref["ml"]) < 1e-3:
        assert est == pytest.approx(ref["psych"], abs=1e-4)  # psych's optimize() tolerance
    else:
        # psych's polyF drops cells whose probability rounds to 0 and stops far off: its
        # estimate has a much lower likelihood than the maximum we return
        assert ref["loglik_at_psych"] < ref["loglik_at_ml"] - 1.0


def test_issue_case_equals_psych_and_lavaan():
    # sparse, strongly diagonal 4 x 4, zero or one count in the corners: rho was 0.98
    ref = TABLES["k4_issue_case"]
    est = float(_fit(ref["table"]).rho.iloc[0, 1])
    assert est == pytest.approx(ref["lavaan"], abs=1e-6)
    assert est == pytest.approx(ref["psych"], abs=1e-4)


def test_lavaan_stops_short_where_we_do_not():
    # lavaan's estimate here has a far lower likelihood than the maximum (a local stop)
    ref = TABLES["k4_diag_corners_mixed"]
    t = np.asarray(ref["table"], dtype=float)[None]
    est = float(_fit(ref["table"]).rho.iloc[0, 1])
    n = t.sum()
    from scipy.special import ndtri

    tr = ndtri(np.cumsum(t.sum(axis=2), axis=1)[:, :-1] / n)
    tc = ndtri(np.cumsum(t.sum(axis=1), axis=1)[:, :-1] / n)
    ll = loglik(t, tr, tc, np.array([est]))
    ll_lav = loglik(t, tr, tc, np.array([ref["lavaan"]]))
    assert ll[0] > ll_lav[0] + 100


def test_screening_grid_is_within_its_error_bound():
    rng = np.random.default_rng(5)
    h = rng.uniform(-4, 4, 4000)
    k = np.where(rng.random(4000) < 0.3, h + rng.normal(0, 0.01, 4000), rng.normal(0, 2, 4000))
    grid = bvn_cdf_rho_grid(h, k)
    exact = bvn_cdf(h[:, None], k[:, None], R_GRID[None, :])
    assert np.abs(grid - exact).max() < 2.5e-6  # the bound the likelihood screen relies on


def test_bimodal_profile_finds_the_higher_peak():
    # a mixture table: two clusters of answers, one agreeing and one reversed; whatever the
    # shape of the profile likelihood, no grid value may beat the returned estimate
    t = np.array([[12, 0, 0, 5], [0, 3, 0, 0], [0, 0, 3, 0], [6, 0, 0, 12]], dtype=float)[None]
    n = t.sum()
    from scipy.special import ndtri

    tr = ndtri(np.cumsum(t.sum(axis=2), axis=1)[:, :-1] / n)
    tc = ndtri(np.cumsum(t.sum(axis=1), axis=1)[:, :-1] / n)
    rho, status = fit_pairs(t, tr, tc, np.array([True]))
    dense = np.tanh(np.linspace(-6, 6, 2001))
    ll_dense = loglik(
        np.repeat(t, dense.size, 0),
        np.repeat(tr, dense.size, 0),
        np.repeat(tc, dense.size, 0),
        dense,
    )
    assert loglik(t, tr, tc, rho)[0] >= ll_dense.max() - 1e-9
    assert status[0] in (0, 1)


def test_many_random_sparse_pairs_never_beaten_by_a_dense_grid():
    rng = np.random.default_rng(11)
    from scipy.special import ndtri

    tabs = []
    for _ in range(100):
        k = int(rng.integers(3, 6))
        r = rng.uniform(-0.99, 0.99)
        z = rng.multivariate_normal([0, 0], [[1, r], [r, 1]], int(rng.integers(6, 40)))
        cuts = np.sort(rng.normal(0, 1, k - 1))
        t = np.zeros((5, 5))
        np.add.at(t, (np.searchsorted(cuts, z[:, 0]), np.searchsorted(cuts, z[:, 1])), 1)
        tabs.append(t)
    t = np.array(tabs)
    n = t.sum(axis=(1, 2))
    with np.errstate(divide="ignore"):
        tr = ndtri(np.cumsum(t.sum(axis=2), axis=1)[:, :-1] / n[:, None])
        tc = ndtri(np.cumsum(t.sum(axis=1), axis=1)[:, :-1] / n[:, None])
    ok = (np.count_nonzero(t.sum(axis=2), axis=1) > 1) & (
        np.count_nonzero(t.sum(axis=1), axis=1) > 1
    )
    t, tr, tc = t[ok], tr[ok], tc[ok]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rho, status = fit_pairs(t, tr, tc, np.ones(len(t), dtype=bool))
    dense = np.tanh(np.linspace(-6, 6, 121))
    m = len(t)
    ll_dense = loglik(
        np.repeat(t, dense.size, 0),
        np.repeat(tr, dense.size, 0),
        np.repeat(tc, dense.size, 0),
        np.tile(dense, m),
    ).reshape(m, dense.size)
    ll_est = loglik(t, tr, tc, rho)
    assert np.all(ll_est >= ll_dense.max(axis=1) - 1e-9 * (1 + np.abs(ll_est)))
    assert np.all(status != 2)


def _issue_items() -> pd.DataFrame:
    """Four items: the issue's sparse 4 x 4 pair plus two items correlated with both."""
    base = _frame(TABLES["k4_issue_case"]["table"])
    rng = np.random.default_rng(3)
    c = np.clip(base["a"] + rng.integers(-1, 2, len(base)), 1, 4)
    d = np.clip(base["b"] + rng.integers(-1, 2, len(base)), 1, 4)
    return pd.concat([base, pd.DataFrame({"c": c, "d": d}, dtype=float)], axis=1)


def test_carries_into_efa_and_ordinal_reliability():
    x = _issue_items()
    rho = polychoric(x, smooth=False).rho
    # the pair's estimate is the global maximum (lavaan 0.825695; was 0.98)
    assert rho.loc["a", "b"] == pytest.approx(TABLES["k4_issue_case"]["lavaan"], abs=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        fa = efa(x, 1, cor="polychoric")
        rel = reliability(x, ordinal=True, n_boot=0)
    np.testing.assert_allclose(fa.correlation.to_numpy(), polychoric(x).rho.to_numpy(), atol=1e-12)
    std = polychoric(x).rho.to_numpy()
    p = std.shape[0]
    alpha = p / (p - 1) * (1 - p / std.sum())
    assert rel.alpha == pytest.approx(alpha, abs=1e-10)


def test_efa_carries_the_polychoric_diagnostics():
    # psych::fa(cor = "poly") says "matrix was not positive definite, smoothing was done"
    x = pd.read_csv(Path(__file__).parent / "reference" / "polychoric" / "sim_npd.csv")
    res = efa(x, 1, cor="polychoric")
    assert any(d.startswith("polychoric:") and "smoothed" in d for d in res.diagnostics)
