"""dinamika.psychometrics.cfa(estimator="WLSMV") against lavaan 0.6 (tests/reference/cfa/make_cfa.R).

The ordinal data (600 respondents, two groups "a"/"b", eight 5-category items, a cross-loading
the model omits and a threshold shift of y3 in group b) are simulated by the R script and
written to ordinal.csv.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import dinamika
from dinamika.errors import UsageError
from dinamika.psychometrics.cfa.ordinal import ordinal_stats, recode_ordinal

REF = Path(__file__).parent / "reference" / "cfa"
ORD = "f1 =~ y1 + y2 + y3 + y4\nf2 =~ y5 + y6 + y7 + y8"
ITEMS = [f"y{i}" for i in range(1, 9)]
FIT_KEYS = (
    "chisq",
    "df",
    "pvalue",
    "cfi",
    "tli",
    "rmsea",
    "rmsea.ci.lower",
    "rmsea.ci.upper",
    "srmr",
    "npar",
    "baseline.chisq",
)
SCALED_KEYS = (
    "chisq.scaled",
    "pvalue.scaled",
    "chisq.scaling.factor",
    "baseline.chisq.scaled",
    "cfi.scaled",
    "tli.scaled",
    "rmsea.scaled",
    "rmsea.ci.lower.scaled",
    "rmsea.ci.upper.scaled",
)


@pytest.fixture(scope="module")
def ordd() -> pd.DataFrame:
    return pd.read_csv(REF / "ordinal.csv")


def assert_matches_lavaan(name: str, res: dinamika.CFAResult) -> None:
    ref = pd.read_csv(REF / f"{name}_params.csv", keep_default_na=False, na_values=[""])
    ref["rhs"] = ref["rhs"].fillna("")
    ref = ref.rename(columns={"std.all": "std_all"})
    est = ref[ref.op != "r2"].merge(
        res.parameters, on=["lhs", "op", "rhs", "group"], how="left", suffixes=("_r", "")
    )
    assert est["est"].notna().all()
    for col in ("est", "se", "std_all"):
        np.testing.assert_allclose(est[col], est[f"{col}_r"], atol=1e-4, err_msg=col)
    r2 = ref[ref.op == "r2"].merge(res.r2, left_on=["lhs", "group"], right_on=["variable", "group"])
    np.testing.assert_allclose(r2["r2"], r2["est"], atol=1e-4)
    fit = json.loads((REF / f"{name}_fit.json").read_text())
    for key in FIT_KEYS:
        assert res.fit[key] == pytest.approx(fit[key], abs=1e-4), key
    for key in SCALED_KEYS:
        assert res.fit[key] == pytest.approx(fit[key], abs=1e-3), key


def test_sample_statistics(ordd: pd.DataFrame) -> None:
    # R: lavInspect(fit, "sampstat")$th / $cov ; diag(lavInspect(fit, "gamma"))
    codes, nlev = recode_ordinal([ordd[ITEMS].to_numpy(float)], ITEMS)
    st = ordinal_stats(codes[0], nlev)
    th = pd.read_csv(REF / "ord_thresholds.csv")["th"].to_numpy()
    np.testing.assert_allclose(st.thresholds, th, atol=1e-8)
    np.testing.assert_allclose(
        st.cor, pd.read_csv(REF / "ord_polychoric.csv").to_numpy(), atol=1e-6
    )
    gamma = pd.read_csv(REF / "ord_nacov_diag.csv")["nacov_diag"].to_numpy()
    np.testing.assert_allclose(np.diag(st.nacov), gamma, rtol=1e-5)


def test_wlsmv_single_group(ordd: pd.DataFrame) -> None:
    # R: cfa(ORD, data = ordd, ordered = paste0("y", 1:8), estimator = "WLSMV")
    res = dinamika.cfa(ORD, ordd, estimator="WLSMV")
    assert res.estimator == "WLSMV"
    assert_matches_lavaan("ord_wlsmv", res)
    assert res.diagnostics.converged
    assert "scaled-shifted" in res.summary()


def test_wlsmv_std_lv(ordd: pd.DataFrame) -> None:
    # R: cfa(ORD, data = ordd, ordered = paste0("y", 1:8), estimator = "WLSMV", std.lv = TRUE)
    assert_matches_lavaan(
        "ord_wlsmv_stdlv", dinamika.cfa(ORD, ordd, ordered=True, estimator="WLSMV", std_lv=True)
    )


@pytest.mark.parametrize(
    ("step", "equal"),
    [("configural", ()), ("metric", ("loadings",)), ("scalar", ("loadings", "thresholds"))],
)
def test_wlsmv_multigroup(ordd: pd.DataFrame, step: str, equal: tuple[str, ...]) -> None:
    # R: cfa(ORD, data = ordd, ordered = ..., estimator = "WLSMV", group = "grp",
    #        group.equal = ...)   (scalar: delta scales and latent means free in group b)
    res = dinamika.cfa(ORD, ordd, estimator="WLSMV", group="grp", group_equal=equal)
    assert_matches_lavaan(f"ord_mg_{step}", res)


def test_wlsmv_invariance_matches_lavtestlrt(ordd: pd.DataFrame) -> None:
    # R: lavTestLRT(oconf, ometr, oscal)  # method "satorra.2000", scaled.shifted = TRUE
    inv = dinamika.invariance(ORD, ordd, group="grp", estimator="WLSMV")
    ref = pd.read_csv(REF / "ord_mg_lrt.csv")
    tab = inv.table
    np.testing.assert_array_equal(tab["df"], ref["df"])
    np.testing.assert_allclose(tab["delta_chisq"][1:], ref["delta_chisq"][1:], atol=1e-3)
    np.testing.assert_allclose(tab["p_delta"][1:], ref["p_delta"][1:], atol=1e-4)
    scaled = [
        json.loads((REF / f"ord_mg_{s}_fit.json").read_text())["cfi.scaled"]
        for s in ("configural", "metric", "scalar")
    ]
    np.testing.assert_allclose(tab["cfi"], scaled, atol=1e-3)
    assert inv.holds in ("metric", "scalar")


def test_mixed_ordered_rejected(ordd: pd.DataFrame) -> None:
    with pytest.raises(dinamika.UsageError, match="mixed"):
        dinamika.cfa(ORD, ordd, estimator="WLSMV", ordered=["y1", "y2"])
    with pytest.raises(dinamika.UsageError, match="WLSMV"):
        dinamika.cfa(ORD, ordd, ordered=True)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("ord_wlsmv_pairwise", {}),
        ("ord_mg_scalar_pairwise", {"group": "grp", "group_equal": ("loadings", "thresholds")}),
    ],
)
def test_wlsmv_pairwise_missing(name: str, kwargs: dict) -> None:  # type: ignore[type-arg]
    # R: cfa(ORD, data = ordna, ordered = ..., estimator = "WLSMV", missing = "pairwise", ...)
    data = pd.read_csv(REF / "ordinal_missing.csv")
    res = dinamika.cfa(ORD, data, estimator="WLSMV", missing="pairwise", **kwargs)
    assert_matches_lavaan(name, res)
    assert res.n == 600  # R: lavInspect(fit, "nobs")
    assert any("pairwise" in w for w in res.diagnostics.warnings)
    if name == "ord_wlsmv_pairwise":
        gamma = pd.read_csv(REF / "ord_pairwise_nacov_diag.csv")["nacov_diag"].to_numpy()
        np.testing.assert_allclose(np.diag(res._extra["ordinal"][0].nacov), gamma, rtol=1e-5)
    with pytest.raises(dinamika.UsageError, match="pairwise"):
        dinamika.cfa(ORD, data, missing="pairwise")


def test_wlsmv_unidentified_and_saturated(ordd: pd.DataFrame) -> None:
    with pytest.raises(dinamika.UsageError, match="not identified"):
        dinamika.cfa("f =~ y1 + y2", ordd, estimator="WLSMV")
    res = dinamika.cfa("f =~ y1 + y2 + y3", ordd, estimator="WLSMV")  # just identified
    assert res.fit.df == 0
    assert res.fit.chisq == pytest.approx(0.0, abs=1e-8)


def test_wlsmv_modification_indices(ordd: pd.DataFrame) -> None:
    # R: modindices(cfa(ORD, data = ordd, ordered = ..., estimator = "WLSMV"))
    # the simulated cross-loading of y4 on f2 tops the list, as in lavaan
    res = dinamika.cfa(ORD, ordd, estimator="WLSMV")
    mi = res.modification_indices(top=None)
    ref = pd.read_csv(REF / "ord_wlsmv_modindices.csv")
    both = ref.merge(mi, on=["lhs", "op", "rhs"], suffixes=("_r", ""))
    assert len(both) == len(ref) == len(mi) == 36
    np.testing.assert_allclose(both["mi"], both["mi_r"], rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(both["epc"], both["epc_r"], atol=1e-4)
    np.testing.assert_allclose(both["sepc_all"], both["sepc.all"], atol=1e-4)
    assert tuple(mi.iloc[0][["lhs", "op", "rhs"]]) == ("f2", "=~", "y4")


def test_wlsmv_score_tests(ordd: pd.DataFrame) -> None:
    # R: lavTestScore(ometr)  # lavaan warns that it uses the ordinary (non-robust) score test
    res = dinamika.cfa(ORD, ordd, estimator="WLSMV", group="grp", group_equal=("loadings",))
    st = res.score_tests()
    ref = pd.read_csv(REF / "ord_mg_metric_score_tests.csv")
    both = ref.merge(st, on=["lhs", "op", "rhs", "group1", "group2"], suffixes=("_r", ""))
    assert len(both) == len(ref) == 6
    np.testing.assert_allclose(both["X2"], both["X2_r"], rtol=1e-4, atol=1e-4)
    assert st.attrs["total"]["X2"] == pytest.approx(ref["total_X2"].iloc[0], rel=1e-4)


def _two_factor_items(n: int = 400, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = rng.normal(size=(n, 2))
    z = np.c_[
        f[:, [0]] * 0.7 + rng.normal(size=(n, 3)) * 0.7,
        f[:, [1]] * 0.7 + rng.normal(size=(n, 3)) * 0.7,
    ]
    return pd.DataFrame(np.digitize(z, [-1, 0, 1]) + 1.0, columns=[f"i{k}" for k in range(1, 7)])


def test_nearly_duplicated_items_are_reported_like_lavaan() -> None:
    # lavaan: "correlation between variables i3 and i2 is (nearly) 1.0"
    d = _two_factor_items()
    d["i3"] = d["i2"]
    d.loc[:3, "i3"] = np.clip(d.loc[:3, "i3"] + 1, 1, 4)
    res = dinamika.cfa("a =~ i1 + i2 + i3\nb =~ i4 + i5 + i6", d, estimator="WLSMV")
    assert any("(nearly) 1.0" in w and "i2" in w and "i3" in w for w in res.diagnostics.warnings)
    clean = dinamika.cfa(
        "a =~ i1 + i2 + i3\nb =~ i4 + i5 + i6", _two_factor_items(), estimator="WLSMV"
    )
    assert not any("(nearly) 1.0" in w for w in clean.diagnostics.warnings)


def test_continuous_outcome_in_wlsmv_is_a_clear_error() -> None:
    # was a raw numpy.linalg.LinAlgError ("Singular matrix")
    d = _two_factor_items()
    d["y"] = np.random.default_rng(2).normal(size=len(d)) * 3 + 10
    with pytest.raises(UsageError, match="estimator='ML'") as err:
        dinamika.cfa("a =~ i1 + i2 + i3\nb =~ i4 + i5 + i6\ny ~ a", d, estimator="WLSMV")
    assert "['y']" in str(err.value) and "continuous" in str(err.value)


def test_nacov_accumulated_in_row_blocks_equals_one_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """NACOV streams the transformed case-wise scores in row blocks: any block size, same Gamma."""
    from dinamika.psychometrics.cfa import ordinal

    rng = np.random.default_rng(5)
    lat = rng.normal(size=(700, 1)) + rng.normal(size=(700, 6))
    x = np.digitize(lat, [-1.0, 0.0, 1.0]).astype(float)
    x[:, 0] = np.minimum(x[:, 0], 1)  # items with different numbers of categories
    x[rng.random(x.shape) < 0.05] = np.nan
    codes, nlev = recode_ordinal([x], [f"v{i}" for i in range(6)])
    whole = ordinal_stats(codes[0], nlev)
    monkeypatch.setattr(ordinal, "_block_rows", lambda npair: 37)
    blocks = ordinal_stats(codes[0], nlev)
    np.testing.assert_allclose(blocks.nacov, whole.nacov, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(blocks.cor, whole.cor)


def test_scaled_shifted_traces_equal_the_explicit_u_gamma() -> None:
    """tr(U Gamma) and tr((U Gamma)^2) from the identities equal the explicit moments² form."""
    from dinamika.psychometrics.cfa.wls import _scaled_shifted

    rng = np.random.default_rng(2)
    jac = [rng.normal(size=(15, 4)), rng.normal(size=(15, 4))]
    w = [rng.uniform(0.5, 2.0, 15), rng.uniform(0.5, 2.0, 15)]
    gamma = []
    for _ in range(2):
        a = rng.normal(size=(15, 15))
        gamma.append(a @ a.T / 15 + np.eye(15))
    fg = [0.4, 0.6]
    big_d = np.vstack(jac)
    big_w = np.concatenate([f * wg for f, wg in zip(fg, w, strict=True)])
    big_g = np.zeros((30, 30))
    big_g[:15, :15], big_g[15:, 15:] = gamma[0] / fg[0], gamma[1] / fg[1]
    wd = big_w[:, None] * big_d
    ug = big_w[:, None] * big_g - wd @ np.linalg.solve(big_d.T @ wd, wd.T @ big_g)
    tr1, tr2 = np.trace(ug), np.sum(ug * ug.T)
    df, t = 20, 31.5
    a = np.sqrt(df / tr2)
    got = _scaled_shifted(jac, w, gamma, fg, t, df)
    np.testing.assert_allclose(got, (a * t + df - a * tr1, 1 / a, df - a * tr1), rtol=1e-12)
