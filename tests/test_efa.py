"""EFA, KMO, Bartlett, parallel analysis and MAP against R psych 2.2.9 / GPArotation.

Reference values come from ``tests/reference/efa/make_efa.R`` (rerun with
``Rscript tests/reference/efa/make_efa.R``); every comparison names the R call it reproduces.
Loadings are compared column for column, WITHOUT realigning order or sign: matching psych's
factor naming, order and sign convention is part of what is tested.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import dinamika
from dinamika.errors import UsageError

REF = Path(__file__).parent / "reference" / "efa"
FA = json.loads((REF / "efa_reference.json").read_text())
DATA = {name: pd.read_csv(REF / f"{name}.csv") for name in ("hs", "bfi", "sim", "heywood")}


def _matrix(block: dict) -> pd.DataFrame:
    cols = block["cols"] if isinstance(block["cols"], list) else [block["cols"]]
    values = np.array(block["values"], dtype=float).reshape(len(block["rows"]), len(cols))
    return pd.DataFrame(values, index=block["rows"], columns=cols)


def _run(key: str) -> tuple[dict, dinamika.EFAResult]:
    ref = FA["fa"][key]
    rotation = None if ref["rotate"] == "none" else ref["rotate"]
    res = dinamika.efa(DATA[ref["label"]], ref["nfactors"], method=ref["fm"], rotation=rotation)
    return ref, res


PEARSON_CASES = [k for k in FA["fa"] if "poly" not in k]


@pytest.mark.parametrize("key", PEARSON_CASES)
def test_loadings_phi_communalities_match_psych(key: str) -> None:
    ref, res = _run(key)
    # R: fa(x, nfactors, fm=, rotate=)$loadings -- same column names, order and signs
    expected = _matrix(ref["loadings"])
    assert list(res.loadings.columns) == list(expected.columns), ref["call"]
    assert list(res.loadings.index) == list(expected.index)
    assert_allclose(res.loadings.to_numpy(), expected.to_numpy(), atol=1e-4, rtol=0)
    # R: f$communality, f$uniquenesses
    assert_allclose(res.communalities.to_numpy(), ref["communality"], atol=1e-4, rtol=0)
    assert_allclose(res.uniquenesses.to_numpy(), ref["uniquenesses"], atol=1e-4, rtol=0)
    # R: f$Phi (NULL for orthogonal rotations and rotate = "none")
    if "phi" in ref:
        assert res.phi is not None
        phi = _matrix(ref["phi"])
        assert list(res.phi.columns) == list(phi.columns)
        assert_allclose(res.phi.to_numpy(), phi.to_numpy(), atol=1e-4, rtol=0)
    else:
        assert res.phi is None
    # R: f$Structure (loadings %*% Phi)
    assert_allclose(res.structure.to_numpy(), _matrix(ref["structure"]).to_numpy(), atol=1e-4)
    # R: f$Vaccounted
    vacc = _matrix(ref["vaccounted"])
    assert list(res.variance.index) == list(vacc.index)
    assert list(res.variance.columns) == list(vacc.columns)
    assert_allclose(res.variance.to_numpy(), vacc.to_numpy(), atol=1e-4, rtol=0)
    # R: f$e.values (closed form)
    assert_allclose(res.eigenvalues.to_numpy(), ref["e_values"], atol=1e-6, rtol=0)
    assert res.n == ref["n_obs"]
    assert res.converged


@pytest.mark.parametrize("key", PEARSON_CASES)
def test_fit_statistics_match_psych(key: str) -> None:
    ref, res = _run(key)
    fit = res.fit
    # R: f$dof, f$objective, f$STATISTIC, f$null.chisq, f$null.dof, f$TLI, f$rms, f$chi
    assert fit.df == ref["dof"]
    assert_allclose(fit.objective, ref["objective"], rtol=1e-4, atol=1e-6)
    assert_allclose(fit.chisq, ref["statistic"], rtol=1e-4, atol=1e-4)
    assert_allclose(fit.null_chisq, ref["null_chisq"], rtol=1e-6)
    assert fit.null_df == ref["null_dof"]
    if ref["tli"] is None:  # df = 0: psych's TLI is not finite
        assert not np.isfinite(fit.tli)
    else:
        assert_allclose(fit.tli, ref["tli"], rtol=1e-4, atol=1e-5)
    assert_allclose(fit.rms, ref["rms"], rtol=1e-4, atol=1e-6)
    assert_allclose(fit.e_chisq, ref["chi"], rtol=1e-4, atol=1e-4)
    if ref["dof"] > 0:
        # R: f$PVAL, f$RMSEA (estimate, 90% lower, upper), f$BIC, f$crms
        assert_allclose(fit.pvalue, ref["pval"], rtol=1e-3, atol=1e-12)
        rmsea = [fit.rmsea, fit.rmsea_ci_lower, fit.rmsea_ci_upper]
        assert_allclose(rmsea, np.array(ref["rmsea"][:3], dtype=float), atol=1e-5)
        assert_allclose(fit.bic, ref["bic"], rtol=1e-4, atol=1e-3)
        assert_allclose(fit.crms, ref["crms"], rtol=1e-4, atol=1e-6)


def test_heywood_case_is_reported_not_clamped() -> None:
    # R: fa(heywood, 3, fm = "pa", rotate = "none")
    #    Warning: An ultra-Heywood case was detected.  Examine the results carefully
    ref, res = _run("heywood_pa_none")
    warnings = ref["warnings"] if isinstance(ref["warnings"], list) else [ref["warnings"]]
    assert any("ultra-Heywood" in w for w in warnings)
    assert max(ref["communality"]) > 1
    expected = tuple(
        item
        for item, h2 in zip(ref["loadings"]["rows"], ref["communality"], strict=True)
        if h2 >= 1
    )
    assert res.heywood == expected and len(expected) >= 1
    item = expected[0]
    assert res.communalities[item] > 1  # not clamped
    assert res.uniquenesses[item] < 0
    assert any("Heywood" in d and item in d for d in res.diagnostics)
    assert "Heywood cases" in res.summary()


def test_no_heywood_on_regular_data() -> None:
    res = dinamika.efa(DATA["hs"], 3)
    assert res.heywood == ()
    assert not any("Heywood" in d for d in res.diagnostics)


def test_pairwise_missing_is_reported() -> None:
    res = dinamika.efa(DATA["bfi"], 5)
    assert res.n == 2800
    assert any("pairwise deletion" in d for d in res.diagnostics)


def test_listwise_equals_psych_on_complete_rows() -> None:
    complete = DATA["bfi"].dropna()
    a = dinamika.efa(DATA["bfi"], 5, missing="listwise")
    b = dinamika.efa(complete, 5)
    assert a.n == len(complete)
    assert_allclose(a.loadings.to_numpy(), b.loadings.to_numpy(), rtol=1e-8, atol=1e-10)
    assert any("listwise deletion" in d for d in a.diagnostics)


def test_to_frame_and_summary() -> None:
    res = dinamika.efa(DATA["hs"], 3)
    tidy = res.to_frame()
    assert list(tidy.columns) == ["item", "factor", "loading"]
    assert len(tidy) == 27
    row = tidy[(tidy["item"] == "x1") & (tidy["factor"] == "MR3")]
    assert row["loading"].item() == res.loadings.loc["x1", "MR3"]
    text = res.summary()
    assert "MR1" in text and "Phi" in text and "RMSEA" in text
    assert res.n_factors == 3
    assert res.eigenvalues.index[0] == 1


def test_recovers_simulated_loadings() -> None:
    # make_efa.R simulates 24 items, 4 factors, primary loadings .75 ... .50 (continuous
    # values cut into 5 categories, so Pearson loadings are somewhat attenuated)
    res = dinamika.efa(DATA["sim"], 4)
    true = np.tile([0.75, 0.7, 0.65, 0.6, 0.55, 0.5], 4)
    primary = res.loadings.abs().max(axis=1).to_numpy()
    assert np.abs(primary - true).max() < 0.15
    blocks = res.loadings.abs().idxmax(axis=1).to_numpy().reshape(4, 6)
    assert all(len(set(b)) == 1 for b in blocks)
    assert len({b[0] for b in blocks}) == 4
    assert res.phi is not None
    off = res.phi.to_numpy()[np.triu_indices(4, 1)]
    assert np.all(np.abs(off - 0.3) < 0.12)


def test_polychoric_matches_psych_fa_cor_poly() -> None:
    # R: fa(sim, nfactors = 4, fm = "minres", rotate = "oblimin", cor = "poly")
    ref = FA["fa"]["sim_poly_minres_oblimin"]
    res = dinamika.efa(DATA["sim"], 4, cor="polychoric")
    expected = _matrix(ref["loadings"])
    assert list(res.loadings.columns) == list(expected.columns)
    assert_allclose(res.loadings.to_numpy(), expected.to_numpy(), atol=1e-3, rtol=0)
    assert_allclose(res.communalities.to_numpy(), ref["communality"], atol=1e-3, rtol=0)
    assert res.phi is not None
    assert_allclose(res.phi.to_numpy(), _matrix(ref["phi"]).to_numpy(), atol=1e-3, rtol=0)


# -- KMO, Bartlett, MAP, parallel analysis ----------------------------------------------------


@pytest.mark.parametrize("name", ["hs", "bfi", "sim"])
def test_kmo_matches_psych(name: str) -> None:
    ref = FA["other"][name]["kmo"]
    res = dinamika.kmo(DATA[name])
    # R: KMO(cor(x, use = "pairwise"))$MSA and $MSAi
    assert_allclose(res.msa, ref["msa"], atol=1e-6, rtol=0)
    assert list(res.msa_items.index) == ref["items"]
    assert_allclose(res.msa_items.to_numpy(), ref["msai"], atol=1e-6, rtol=0)
    assert list(res.to_frame().columns) == ["item", "msa"]
    assert "Overall MSA" in res.summary()


@pytest.mark.parametrize("name", ["hs", "bfi", "sim"])
def test_bartlett_matches_psych(name: str) -> None:
    ref = FA["other"][name]["bartlett"]
    res = dinamika.bartlett(DATA[name])
    # R: cortest.bartlett(cor(x, use = "pairwise"), n = nrow(x))
    assert res.n == ref["n"]
    assert_allclose(res.chisq, ref["chisq"], rtol=1e-6)
    assert res.df == ref["df"]
    assert_allclose(res.pvalue, ref["p_value"], rtol=1e-6, atol=1e-300)
    row = res.to_frame()
    assert list(row.columns) == ["chisq", "df", "pvalue", "n"] and len(row) == 1
    assert row.at[0, "chisq"] == res.chisq


@pytest.mark.parametrize("name", ["hs", "bfi", "sim"])
def test_velicer_map_matches_psych(name: str) -> None:
    ref = np.array(FA["other"][name]["map"], dtype=float)
    res = dinamika.velicer_map(DATA[name])
    # R: VSS(x, n = 8, plot = FALSE)$map
    assert list(res.columns) == ["n_factors", "map"]
    assert_allclose(res["map"].to_numpy(), ref[: len(res)], atol=1e-6, rtol=0)
    assert res["n_factors"].tolist() == list(range(1, len(res) + 1))


@pytest.mark.parametrize("name", ["hs", "bfi", "sim"])
def test_parallel_analysis_observed_eigenvalues_match_psych(name: str) -> None:
    ref = FA["other"][name]["parallel"]
    res = dinamika.parallel_analysis(DATA[name], seed=11, n_iter=100)
    tab = res.eigenvalues
    # R: fa.parallel(x, fm = "minres")$pc.values and $fa.values (observed data, not random)
    assert_allclose(tab["pc_observed"].to_numpy(), ref["pc_values"], atol=1e-6, rtol=0)
    assert_allclose(tab["fa_observed"].to_numpy(), ref["fa_values"], atol=1e-4, rtol=0)
    # simulated means are random (R: fa.parallel(x, n.iter = 100)): close, not equal
    assert_allclose(tab["pc_simulated"].to_numpy(), ref["pc_sim"], atol=0.08)
    assert_allclose(tab["fa_simulated"].to_numpy(), ref["fa_sim"], atol=0.08)
    # with psych's rule (95th percentile) the suggestion is psych's
    res95 = dinamika.parallel_analysis(DATA[name], seed=11, n_iter=100, quantile=0.95)
    assert res95.n_factors == ref["nfact"]
    assert res95.n_components == ref["ncomp"]


def test_parallel_analysis_is_seeded_and_sane() -> None:
    a = dinamika.parallel_analysis(DATA["hs"], seed=5, n_iter=30)
    b = dinamika.parallel_analysis(DATA["hs"], seed=5, n_iter=30)
    pd.testing.assert_frame_equal(a.eigenvalues, b.eigenvalues)
    sim = a.eigenvalues["pc_simulated"].to_numpy()
    # eigenvalues of random correlation matrices: decreasing, summing to p, around 1
    assert np.all(np.diff(sim) < 0)
    assert_allclose(sim.sum(), 9, atol=1e-9)
    p, n = 9, 301
    mp_upper = (1 + np.sqrt(p / n)) ** 2  # Marchenko-Pastur edge
    assert 1 < sim[0] < mp_upper + 0.1
    assert a.n_factors == 3 and a.n_components == 3
    assert "suggests" in a.summary()
    assert "k" in a.to_frame().columns


@pytest.mark.parametrize("method", ["ml", "pa"])
def test_parallel_analysis_other_methods_run(method: str) -> None:
    res = dinamika.parallel_analysis(DATA["hs"], seed=1, n_iter=5, method=method)
    assert res.n_factors >= 1
    assert np.isfinite(res.eigenvalues.to_numpy()).all()


# -- input checks -------------------------------------------------------------------------------


def test_bad_options_raise_usage_errors() -> None:
    hs = DATA["hs"]
    with pytest.raises(UsageError, match="method"):
        dinamika.efa(hs, 3, method="wls")
    with pytest.raises(UsageError, match="rotation"):
        dinamika.efa(hs, 3, rotation="geomin")
    with pytest.raises(UsageError, match="n_factors"):
        dinamika.efa(hs, 9)
    with pytest.raises(UsageError, match="n_factors"):
        dinamika.efa(hs, 1.5)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="missing"):
        dinamika.efa(hs, 3, missing="mean")
    with pytest.raises(UsageError, match="DataFrame"):
        dinamika.efa(hs.to_numpy(), 3)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="variance"):
        dinamika.efa(hs.assign(x9=1.0), 2)
    with pytest.raises(UsageError, match="numeric"):
        dinamika.efa(hs.assign(x9="a"), 2)
    with pytest.raises(UsageError, match="n_iter"):
        dinamika.parallel_analysis(hs, n_iter=0)
    with pytest.raises(UsageError, match="quantile"):
        dinamika.parallel_analysis(hs, quantile=95)


def test_kmo_bartlett_listwise_use_complete_rows() -> None:
    complete = DATA["bfi"].dropna()
    k1 = dinamika.kmo(DATA["bfi"], missing="listwise")
    k2 = dinamika.kmo(complete)
    assert k1.n == k2.n == len(complete)
    assert_allclose(k1.msa, k2.msa, atol=1e-12)
    assert any("listwise" in d for d in k1.diagnostics)
    b1 = dinamika.bartlett(DATA["bfi"], missing="listwise")
    b2 = dinamika.bartlett(complete)
    assert b1.n == len(complete)
    assert_allclose(b1.chisq, b2.chisq, rtol=1e-12)
    assert "Bartlett" in b1.summary()


def test_bartlett_reports_non_positive_definite_matrix() -> None:
    # pairwise deletion can give an impossible matrix: r(a,b) = r(b,c) = 1 but r(a,c) = -1
    rng = np.random.default_rng(0)
    u, v, w = (rng.standard_normal(50) for _ in range(3))
    nan = np.full(50, np.nan)
    data = pd.DataFrame(
        {
            "a": np.concatenate([u, nan, w]),
            "b": np.concatenate([u, v, nan]),
            "c": np.concatenate([nan, v, -w]),
        }
    )
    res = dinamika.bartlett(data)
    assert np.isnan(res.chisq)
    assert any("positive definite" in d for d in res.diagnostics)
    assert any("pairwise deletion" in d for d in res.diagnostics)


def test_pairwise_correlations_equal_pandas() -> None:
    # pandas' DataFrame.corr uses pairwise-complete observations, as R's cor(use = "pairwise")
    from dinamika.psychometrics.efa.input import pairwise_pearson

    bfi = DATA["bfi"]
    r, n_pairs, _ = pairwise_pearson(bfi.to_numpy(dtype=float))
    assert_allclose(r, bfi.corr().to_numpy(), atol=1e-12)
    observed = bfi.notna().to_numpy(dtype=float)
    assert_allclose(n_pairs, observed.T @ observed)


def test_result_is_frozen() -> None:
    res = dinamika.efa(DATA["hs"], 3)
    with pytest.raises(AttributeError):
        res.n = 5  # type: ignore[misc]


# --- edge cases a user hits (acceptance audit) ---------------------------------------------


def _edge_items() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    f = rng.standard_normal((200, 1))
    x = np.clip(np.round(3 + f * 0.8 + rng.standard_normal((200, 6)) * 0.7), 1, 5)
    return pd.DataFrame(x, columns=[f"i{j}" for j in range(6)])


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize("func", [dinamika.efa, dinamika.kmo, dinamika.bartlett])
def test_all_missing_item_is_a_clear_error(func) -> None:
    items = _edge_items().assign(i0=np.nan)
    args = (items, 1) if func is dinamika.efa else (items,)
    with pytest.raises(UsageError, match=r"fewer than 2 answers.*i0"):
        func(*args)


def test_object_and_nullable_columns_equal_float() -> None:
    items = _edge_items()
    items.iloc[0, 0] = np.nan
    ref = dinamika.efa(items, 1).loadings
    as_object = items.astype(object)
    nullable = items.astype("Float64")
    assert nullable.iloc[0, 0] is pd.NA
    assert_allclose(dinamika.efa(as_object, 1).loadings, ref, rtol=1e-8, atol=1e-10)
    assert_allclose(dinamika.efa(nullable, 1).loadings, ref, rtol=1e-8, atol=1e-10)
    with pytest.raises(UsageError, match="not numeric"):
        dinamika.efa(items.assign(i1="setuju"), 1)


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_map_and_parallel_with_singular_correlations_do_not_warn() -> None:
    items = _edge_items()
    dup = items.assign(i5=items["i4"])
    m = dinamika.velicer_map(dup)
    assert m["map"].isna().any() and "note" in m.attrs
    assert np.isfinite(m["map"].iloc[0])
    # fewer respondents than items: singular simulated matrices in parallel analysis
    res = dinamika.parallel_analysis(items.iloc[:5], n_iter=5, seed=1)
    assert res.n == 5


def test_failed_principal_axis_is_a_clear_error() -> None:
    # R: fa(x, 3, fm = "pa") on these 6 one-factor items stops too:
    #    "imaginary eigen value condition encountered in fa ... exiting fa"
    with pytest.raises(UsageError, match=r"pa extraction of 3 factor\(s\).*imaginary"):
        dinamika.efa(_edge_items(), 3, method="pa")
