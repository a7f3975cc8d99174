"""dinamika.psychometrics.polychoric.api against R psych::polychoric (tests/reference/polychoric/make_polychoric.R)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from dinamika import polychoric
from dinamika.errors import UsageError
from dinamika.psychometrics.polychoric.bvn import bvn_cdf, bvn_pdf

REF = Path(__file__).parent / "reference" / "polychoric"
TOL = 1e-3  # psych's optimize() stops at ~1e-4; the tolerance for polychoric rho


def _matrix(rows: list[list[float | str]]) -> np.ndarray:
    conv = {"Inf": np.inf, "-Inf": -np.inf}
    return np.array(
        [[conv[v] if isinstance(v, str) else v for v in row] for row in rows], dtype=float
    )


@pytest.fixture(scope="module")
def ref() -> dict:
    return json.loads((REF / "polychoric_reference.json").read_text())


@pytest.fixture(scope="module")
def data() -> dict[str, pd.DataFrame]:
    return {
        name: pd.read_csv(REF / f"{name}.csv")
        for name in ("bfi25", "sim5", "sim_sparse", "sim_npd")
    }


CASES = [
    # (reference key, data set, columns, keyword arguments)
    ("bfi25", "bfi25", None, {}),  # psych::polychoric(bfi[, 1:25])
    (
        "bfi_A_local",
        "bfi25",
        5,
        {"global_thresholds": False},
    ),  # polychoric(bfi[, 1:5], global = FALSE)
    ("sim5", "sim5", None, {}),  # psych::polychoric(sim5)
    ("sim5_listwise", "sim5", None, {"missing": "listwise"}),  # polychoric(na.omit(sim5))
    ("sim_sparse", "sim_sparse", None, {}),  # polychoric(sim_sparse): psych sets global = FALSE
    (
        "sim_sparse_nocorrect",
        "sim_sparse",
        None,
        {"correct": 0},
    ),  # polychoric(sim_sparse, correct = 0)
    ("sim_npd", "sim_npd", None, {}),  # polychoric(sim_npd): cor.smooth applied
    ("sim_npd_raw", "sim_npd", None, {"smooth": False}),  # polychoric(sim_npd, smooth = FALSE)
]


@pytest.mark.parametrize(("key", "dataset", "ncol", "kwargs"), CASES, ids=[c[0] for c in CASES])
def test_matches_psych(ref, data, key, dataset, ncol, kwargs):
    df = data[dataset] if ncol is None else data[dataset].iloc[:, :ncol]
    res = polychoric(df, **kwargs)
    expected = ref[key]
    assert list(res.rho.columns) == expected["items"]
    assert_allclose(res.rho.to_numpy(), _matrix(expected["rho"]), atol=TOL, rtol=0)
    # thresholds are closed form: qnorm of cumulative marginal proportions
    assert_allclose(res.thresholds.to_numpy(), _matrix(expected["tau"]), atol=1e-10, rtol=0)


def test_psych_agreement_is_much_tighter_than_tolerance(ref, data):
    # psych::polychoric(bfi[, 1:25]); the only gap is optimize()'s stopping tolerance
    res = polychoric(data["bfi25"])
    assert np.abs(res.rho.to_numpy() - _matrix(ref["bfi25"]["rho"])).max() < 1e-4


def test_global_fallback_and_correction_are_reported(data):
    res = polychoric(data["sim_sparse"])
    assert not res.global_thresholds
    assert any("global set to FALSE" in d for d in res.diagnostics)
    assert any("zero-cell correction" in d for d in res.diagnostics)


def test_smoothing_is_reported(ref, data):
    res = polychoric(data["sim_npd"])
    assert res.smoothed
    assert any("smoothed" in d for d in res.diagnostics)
    assert res.rho_unsmoothed is not None
    # min(eigen(polychoric(sim_npd, smooth = FALSE)$rho)$values)
    assert np.linalg.eigvalsh(res.rho_unsmoothed.to_numpy()).min() == pytest.approx(
        ref["sim_npd"]["min_eigen_unsmoothed"], abs=1e-3
    )
    assert np.linalg.eigvalsh(res.rho.to_numpy()).min() > 0
    assert_allclose(np.diag(res.rho.to_numpy()), 1.0)


def test_pairwise_n_counts_common_respondents(data):
    df = data["sim5"]
    res = polychoric(df)
    obs = df.notna().to_numpy().astype(int)
    assert_allclose(res.n.to_numpy(), obs.T @ obs)


def test_recovers_true_correlation():
    rng = np.random.default_rng(7)
    true = 0.6
    z = rng.multivariate_normal([0, 0], [[1, true], [true, 1]], 20_000)
    x = pd.DataFrame(np.digitize(z, [-1.0, 0.0, 0.7, 1.5]) + 1.0, columns=["a", "b"])
    est = polychoric(x).rho.loc["a", "b"]
    assert abs(est - true) < 0.02
    assert abs(est - x.corr().loc["a", "b"]) > 0.02  # not the Pearson correlation


def test_perfectly_ordered_pair_reported_at_boundary():
    x = pd.DataFrame(
        {"a": [1, 1, 2, 2, 3, 3, 4, 4] * 5, "b": [1, 1, 2, 2, 3, 3, 4, 4] * 5}, dtype=float
    )
    res = polychoric(x)
    assert res.rho.loc["a", "b"] > 0.999
    assert any("boundary" in d for d in res.diagnostics)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"a": [1.0, 2.0, 3.0]}), "at least two"),
        (pd.DataFrame({"a": [1.0, 2.5, 3.0], "b": [1.0, 2.0, 3.0]}), "non-integer"),
        (pd.DataFrame({"a": [1.0, 1.0, 1.0], "b": [1.0, 2.0, 3.0]}), "no variance"),
        (pd.DataFrame({"a": [1.0, 12.0, 3.0], "b": [1.0, 2.0, 3.0]}), "more than 8"),
        (pd.DataFrame({"a": ["x", "y"], "b": [1.0, 2.0]}), "numeric"),
    ],
)
def test_bad_input_raises(frame, message):
    with pytest.raises(UsageError, match=message):
        polychoric(frame)


def test_bad_missing_option():
    with pytest.raises(UsageError, match="missing"):
        polychoric(pd.DataFrame({"a": [1.0, 2.0], "b": [2.0, 1.0]}), missing="mean")  # type: ignore[arg-type]


def test_summary_mentions_smoothing(data):
    text = polychoric(data["sim_npd"]).summary()
    assert "smoothed" in text and "x12" in text


class TestBivariateNormal:
    def test_against_closed_forms(self):
        # Phi2(0, 0; r) = 1/4 + asin(r) / (2 pi); r = ±1 and infinite limits reduce to Phi
        r = np.array([-0.99, -0.95, -0.5, 0.0, 0.3, 0.8, 0.93, 0.999])
        assert_allclose(bvn_cdf(0.0, 0.0, r), 0.25 + np.arcsin(r) / (2 * np.pi), atol=1e-14)
        from scipy.special import ndtr

        assert_allclose(bvn_cdf(0.3, 0.2, 1.0), ndtr(0.2), atol=1e-15)
        assert_allclose(bvn_cdf(0.3, 0.2, -1.0), ndtr(0.3) + ndtr(0.2) - 1, atol=1e-15)
        assert_allclose(bvn_cdf(np.inf, 0.5, 0.3), ndtr(0.5), atol=1e-15)
        assert bvn_cdf(-np.inf, 0.5, 0.3) == 0.0

    def test_against_scipy_quadrature(self):
        from scipy import integrate

        rng = np.random.default_rng(3)
        for h, k, r in zip(
            rng.normal(size=8),
            rng.normal(size=8),
            [-0.97, -0.6, -0.2, 0.1, 0.5, 0.8, 0.94, 0.99],
            strict=True,
        ):
            # Plackett: Phi2(h, k; r) = Phi(h) Phi(k) + integral_0^r phi2(h, k; t) dt
            from scipy.special import ndtr

            val = (
                ndtr(h) * ndtr(k)
                + integrate.quad(lambda t, h=h, k=k: float(bvn_pdf(h, k, t)), 0, r, epsabs=1e-14)[0]
            )
            assert bvn_cdf(h, k, r) == pytest.approx(val, abs=1e-12)

    def test_grid_equals_pointwise(self):
        from dinamika.psychometrics.polychoric.bvn import bvn_cdf_grid

        rng = np.random.default_rng(5)
        n = 400
        inf = np.full((n, 1), np.inf)
        h = np.concatenate([-inf, np.sort(rng.normal(size=(n, 4)), axis=1), inf], axis=1)
        k = np.concatenate([-inf, np.sort(rng.normal(size=(n, 3)), axis=1), inf], axis=1)
        r = rng.uniform(-0.999, 0.999, n)  # every quadrature rule and the |r| >= 0.925 branch
        expected = bvn_cdf(h[:, :, None], k[:, None, :], r[:, None, None])
        assert_allclose(bvn_cdf_grid(h, k, r), expected, atol=1e-15, rtol=0)
