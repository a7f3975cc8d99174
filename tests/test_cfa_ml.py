"""dinamika.psychometrics.cfa (ML) against lavaan 0.6 — reference values from tests/reference/cfa/make_cfa.R."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import dinamika
from dinamika.errors import UsageError

REF = Path(__file__).parent / "reference" / "cfa"
HS = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
PD = """
  ind60 =~ x1 + x2 + x3
  dem60 =~ y1 + y2 + y3 + y4
  dem65 =~ y5 + y6 + y7 + y8
  dem60 ~ ind60
  dem65 ~ ind60 + dem60
  y1 ~~ y5
  y2 ~~ y4 + y6
  y3 ~~ y7
  y4 ~~ y8
  y6 ~~ y8
"""
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
    "aic",
    "bic",
    "logl",
    "npar",
    "baseline.chisq",
)
TOL = 1e-4


def _ref_params(name: str) -> pd.DataFrame:
    ref = pd.read_csv(REF / f"{name}_params.csv", keep_default_na=False, na_values=[""])
    ref["rhs"] = ref["rhs"].fillna("")
    return ref.rename(columns={"std.all": "std_all"})


def assert_matches_lavaan(name: str, res: dinamika.CFAResult, tol: float = TOL) -> None:
    ref = _ref_params(name)
    est = ref[ref.op != "r2"].merge(
        res.parameters, on=["lhs", "op", "rhs", "group"], how="left", suffixes=("_r", "")
    )
    assert est["est"].notna().all(), est[est["est"].isna()][["lhs", "op", "rhs"]]
    for col in ("est", "se", "std_all"):
        np.testing.assert_allclose(est[col], est[f"{col}_r"], atol=tol, err_msg=col)
    r2 = ref[ref.op == "r2"].merge(
        res.r2, left_on=["lhs", "group"], right_on=["variable", "group"], how="left"
    )
    np.testing.assert_allclose(r2["r2"], r2["est"], atol=tol)
    fit = json.loads((REF / f"{name}_fit.json").read_text())
    for key in FIT_KEYS:
        assert res.fit[key] == pytest.approx(fit[key], abs=tol), key


@pytest.fixture(scope="module")
def hs() -> pd.DataFrame:
    return pd.read_csv(REF / "hs1939.csv")


def test_hs_three_factor_ml(hs: pd.DataFrame) -> None:
    # R: fit <- cfa(HS, data = HolzingerSwineford1939); parameterEstimates(fit, standardized=TRUE)
    #    fitMeasures(fit)  # chisq 85.306, df 24, cfi 0.931, rmsea 0.092, srmr 0.065
    res = dinamika.cfa(HS, hs)
    assert_matches_lavaan("hs_ml", res)
    assert res.n == 301
    assert res.diagnostics.converged
    assert res.diagnostics.heywood == ()
    lo = res.loadings
    assert list(lo.columns) == [
        "group",
        "group_label",
        "factor",
        "item",
        "estimate",
        "se",
        "z",
        "pvalue",
        "std_all",
    ]
    # R: standardizedSolution(fit): visual =~ x1 est.std 0.772
    assert lo.loc[lo.item == "x1", "std_all"].item() == pytest.approx(0.771880, abs=1e-4)


def test_hs_std_lv(hs: pd.DataFrame) -> None:
    # R: cfa(HS, data = HolzingerSwineford1939, std.lv = TRUE)
    res = dinamika.cfa(HS, hs, std_lv=True)
    assert_matches_lavaan("hs_ml_stdlv", res)
    fc = res.factor_correlations
    ref = _ref_params("hs_ml_stdlv")
    vt = ref[(ref.lhs == "visual") & (ref.op == "~~") & (ref.rhs == "textual")]
    got = fc[(fc.factor1 == "visual") & (fc.factor2 == "textual")]["r"].item()
    assert got == pytest.approx(vt["est"].item(), abs=TOL)


def test_listwise_deletion_reports_n() -> None:
    # R: cfa(HS, data = hsna)  # lavaan drops incomplete rows (missing = "listwise")
    data = pd.read_csv(REF / "hs1939_missing.csv")
    res = dinamika.cfa(HS, data)
    assert_matches_lavaan("hs_ml_listwise", res)
    complete = int(data[[f"x{i}" for i in range(1, 10)]].notna().all(axis=1).sum())
    assert res.n == complete < len(data)
    assert any("listwise" in w for w in res.diagnostics.warnings)


def test_political_democracy_sem() -> None:
    # R: sem(PD, data = PoliticalDemocracy)  # lavaan tutorial model, chisq 38.125 df 35
    res = dinamika.cfa(PD, pd.read_csv(REF / "political_democracy.csv"))
    assert_matches_lavaan("polidem", res)


def test_observed_outcome_on_factors(hs: pd.DataFrame) -> None:
    # R: sem("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; x9 ~ visual + textual", hs)
    res = dinamika.cfa("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nx9 ~ visual + textual", hs)
    assert_matches_lavaan("hs_observed_outcome", res)


@pytest.mark.parametrize(
    ("step", "equal"),
    [("configural", ()), ("metric", ("loadings",)), ("scalar", ("loadings", "intercepts"))],
)
def test_multigroup(hs: pd.DataFrame, step: str, equal: tuple[str, ...]) -> None:
    # R: cfa(HS, data = HolzingerSwineford1939, group = "school", group.equal = ...)
    res = dinamika.cfa(HS, hs, group="school", group_equal=equal)
    assert_matches_lavaan(f"hs_mg_{step}", res)
    assert res.group_labels == ("Pasteur", "Grant-White")


def test_partial_scalar_invariance(hs: pd.DataFrame) -> None:
    # R: cfa(HS, data = hs, group = "school", group.equal = c("loadings", "intercepts"),
    #        group.partial = c("x3 ~ 1", "x7 ~ 1"))   # chisq 129.422, df 58
    res = dinamika.cfa(
        HS,
        hs,
        group="school",
        group_equal=("loadings", "intercepts"),
        group_partial=["x3 ~ 1", "x7 ~ 1"],
    )
    assert_matches_lavaan("hs_mg_partial_scalar", res)


def test_invariance_sequence_matches_lavtestlrt(hs: pd.DataFrame) -> None:
    # R: lavTestLRT(conf, metr, scal)
    inv = dinamika.invariance(HS, hs, group="school")
    ref = pd.read_csv(REF / "hs_mg_lrt.csv")
    tab = inv.table
    np.testing.assert_allclose(tab["chisq"], ref["chisq"], atol=TOL)
    np.testing.assert_array_equal(tab["df"], ref["df"])
    np.testing.assert_allclose(tab["delta_chisq"][1:], ref["delta_chisq"][1:], atol=TOL)
    np.testing.assert_allclose(tab["p_delta"][1:], ref["p_delta"][1:], atol=1e-6)
    cfi = [
        json.loads((REF / f"hs_mg_{s}_fit.json").read_text())["cfi"]
        for s in ("configural", "metric", "scalar")
    ]
    assert tab["delta_cfi"][2] == pytest.approx(cfi[2] - cfi[1], abs=TOL)
    assert list(tab["verdict"]) == ["baseline", "holds", "does not hold"]
    assert inv.holds == "metric"
    assert "not means" in inv.summary("en")


def test_invariance_custom_cutoffs(hs: pd.DataFrame) -> None:
    inv = dinamika.invariance(
        HS, hs, group="school", cutoffs={"delta_cfi": 0.05, "delta_rmsea": 0.02}
    )
    assert inv.holds == "scalar"
    with pytest.raises(UsageError, match="cutoffs"):
        dinamika.invariance(HS, hs, group="school", cutoffs={"cfi": 0.1})


def test_bad_inputs(hs: pd.DataFrame) -> None:
    with pytest.raises(UsageError, match="not columns"):
        dinamika.cfa("f =~ x1 + x2 + nope", hs)
    with pytest.raises(UsageError, match="estimator"):
        dinamika.cfa(HS, hs, estimator="GLS")
    with pytest.raises(UsageError, match="not supported"):
        dinamika.cfa(HS + "\nx1 ~~ x2 := 1", hs)
    with pytest.raises(UsageError, match="group_equal"):
        dinamika.cfa(HS, hs, group="school", group_equal=("slopes",))
    with pytest.raises(UsageError, match="missing"):
        dinamika.cfa(HS, hs, missing="pairwise")
    with pytest.raises(UsageError, match="DataFrame"):
        dinamika.cfa(HS, hs.to_numpy())  # type: ignore[arg-type]


def test_syntax_modifiers(hs: pd.DataFrame) -> None:
    # equal loadings by label, a fixed loading, and a freed marker with a fixed variance
    res = dinamika.cfa(
        "visual =~ NA*x1 + a*x2 + a*x3\nvisual ~~ 1*visual\ntextual =~ x4 + x5 + x6", hs
    )
    p = res.parameters
    lx = p[(p.op == "=~") & (p.lhs == "visual")].set_index("rhs")
    assert lx.loc["x2", "est"] == lx.loc["x3", "est"]
    assert lx.loc["x1", "free"]
    assert res.fit.df == 8 + 1  # 21 moments - 12 free parameters
    assert "summary" not in res.summary()


def test_modification_indices(hs: pd.DataFrame) -> None:
    # R: modindices(cfa(HS, data = HolzingerSwineford1939))  # mi, epc, sepc.all
    # (MI are sensitive to the last digits of the estimates: lavaan stops at its own
    # convergence tolerance, so mi is compared with atol 1e-4 plus rtol 1e-5)
    res = dinamika.cfa(HS, hs)
    mi = res.modification_indices(top=None)
    ref = pd.read_csv(REF / "hs_ml_modindices.csv")
    both = ref.merge(mi, on=["lhs", "op", "rhs"], how="left", suffixes=("_r", ""))
    assert len(mi) == len(ref) == 54
    np.testing.assert_allclose(both["mi"], both["mi_r"], rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(both["epc"], both["epc_r"], atol=1e-4)
    np.testing.assert_allclose(both["sepc_all"], both["sepc.all"], atol=1e-4)
    top = res.modification_indices()
    assert len(top) == 10
    assert top["mi"].is_monotonic_decreasing
    assert tuple(top.iloc[0][["lhs", "op", "rhs"]]) == ("visual", "=~", "x9")


def test_fiml_matches_lavaan() -> None:
    # R: cfa(HS, data = hsna, missing = "fiml")  # observed information, EM-based H1
    data = pd.read_csv(REF / "hs1939_missing.csv")
    res = dinamika.cfa(HS, data, missing="fiml")
    assert_matches_lavaan("hs_ml_fiml", res)
    fit = json.loads((REF / "hs_ml_fiml_fit.json").read_text())
    assert res.fit.unrestricted_logl == pytest.approx(fit["unrestricted.logl"], abs=1e-4)
    assert res.n == 301  # every row answered at least one item
    assert any("FIML" in w for w in res.diagnostics.warnings)
    with pytest.raises(UsageError, match="FIML"):
        res.scores()
    with pytest.raises(UsageError, match="listwise"):
        res.modification_indices()
    with pytest.raises(UsageError, match="fiml"):
        dinamika.cfa(HS, data, missing="fiml", estimator="WLSMV")


def test_fiml_multigroup_metric() -> None:
    # R: cfa(HS, data = hsna, missing = "fiml", group = "school", group.equal = "loadings")
    data = pd.read_csv(REF / "hs1939_missing.csv")
    res = dinamika.cfa(HS, data, missing="fiml", group="school", group_equal=("loadings",))
    assert_matches_lavaan("hs_mg_metric_fiml", res)


def test_heywood_case_is_reported_not_hidden() -> None:
    # sample correlations r_ab = r_ac = .8, r_bc = .5 imply a loading of sqrt(1.28) for a:
    # its residual variance must come out negative (lavaan warns; we report, never clamp)
    target = np.array([[1.0, 0.8, 0.8], [0.8, 1.0, 0.5], [0.8, 0.5, 1.0]])
    z = np.random.default_rng(3).standard_normal((400, 3))
    z = (z - z.mean(0)) @ np.linalg.inv(np.linalg.cholesky(np.cov(z.T, bias=True)).T)
    data = pd.DataFrame(z @ np.linalg.cholesky(target).T, columns=["a", "b", "c"])
    res = dinamika.cfa("f =~ a + b + c", data)
    theta_a = res.parameters.query("lhs == 'a' and op == '~~'")["est"].item()
    assert theta_a == pytest.approx(1 - 1.28, abs=1e-6)
    assert any("negative variance of a" in h for h in res.diagnostics.heywood)
    assert any("loading of a" in h for h in res.diagnostics.heywood)
    assert "Heywood" in res.summary("en")


def test_unidentified_model_is_refused(hs: pd.DataFrame) -> None:
    with pytest.raises(UsageError, match="not identified"):
        dinamika.cfa("f =~ x1 + x2", hs)


def test_exogenous_observed_covariates_fixed_x() -> None:
    # R: sem("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6;
    #         visual ~ ageyr + sex; textual ~ ageyr", data = HolzingerSwineford1939)
    # (fixed.x = TRUE: the covariates' variances/covariance are fixed to their sample values,
    # df 17, logl conditional on the covariates)
    data = pd.read_csv(REF / "hs1939_covariates.csv")
    res = dinamika.cfa(
        "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nvisual ~ ageyr + sex\ntextual ~ ageyr",
        data,
    )
    assert_matches_lavaan("hs_fixed_x", res)
    fit = json.loads((REF / "hs_fixed_x_fit.json").read_text())
    assert res.fit.baseline_df == fit["baseline.df"] == 27
    with pytest.raises(UsageError, match="covariates"):
        dinamika.cfa("visual =~ x1 + x2 + x3\nvisual ~ ageyr", data, missing="fiml")


@pytest.mark.parametrize("step", ["metric", "scalar"])
def test_score_tests_match_lavtestscore(hs: pd.DataFrame, step: str) -> None:
    # R: lavTestScore(cfa(HS, data = HolzingerSwineford1939, group = "school",
    #                     group.equal = ...))  # $uni (1-df tests) and $test (total)
    equal = ("loadings",) if step == "metric" else ("loadings", "intercepts")
    res = dinamika.cfa(HS, hs, group="school", group_equal=equal)
    st = res.score_tests()
    ref = pd.read_csv(REF / f"hs_mg_{step}_score_tests.csv", keep_default_na=False, na_values=[""])
    ref["rhs"] = ref["rhs"].fillna("")
    both = ref.merge(st, on=["lhs", "op", "rhs", "group1", "group2"], suffixes=("_r", ""))
    assert len(both) == len(ref) == len(st)
    np.testing.assert_allclose(both["X2"], both["X2_r"], rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(both["pvalue"], both["p_value"], atol=1e-5)
    assert st.attrs["total"]["df"] == ref["total_df"].iloc[0]
    assert st.attrs["total"]["X2"] == pytest.approx(ref["total_X2"].iloc[0], rel=1e-5)
    assert st["X2"].is_monotonic_decreasing
    with pytest.raises(UsageError, match="no equality"):
        dinamika.cfa(HS, hs, group="school").score_tests()


def test_fiml_converges_on_items_in_any_unit() -> None:
    # the stopping rule is scale-free: items in points of a 0-100 test converge like z-scores
    data = pd.read_csv(REF / "hs1939_missing.csv")
    scaled = data.copy()
    items = [f"x{i}" for i in range(1, 10)]
    scaled[items] = scaled[items] * 15 + 100
    a = dinamika.cfa(HS, data, missing="fiml")
    b = dinamika.cfa(HS, scaled, missing="fiml")
    assert a.diagnostics.converged and b.diagnostics.converged
    assert b.diagnostics.iterations < 100  # was 500 (max_iter) with an absolute gradient rule
    assert b.fit.chisq == pytest.approx(a.fit.chisq, rel=1e-7)
    std_a = a.loadings["std_all"].to_numpy()
    std_b = b.loadings["std_all"].to_numpy()
    np.testing.assert_allclose(std_b, std_a, atol=1e-6)


def test_invariance_gives_no_verdict_from_a_fit_that_did_not_converge(monkeypatch) -> None:
    import functools

    from dinamika.psychometrics.cfa import fiml

    data = pd.read_csv(REF / "hs1939_missing.csv")
    full = dinamika.invariance(HS, data, group="school", missing="fiml")
    assert all(f.diagnostics.converged for f in full.fits.values())
    monkeypatch.setattr(fiml, "fit_fiml", functools.partial(fiml.fit_fiml, max_iter=2))
    stuck = dinamika.invariance(HS, data, group="school", missing="fiml")
    assert not stuck.fits["metric"].diagnostics.converged
    verdicts = list(stuck.table["verdict"])
    assert "holds" not in verdicts[1:] and "does not hold" not in verdicts
    assert all(v.startswith("no verdict") for v in verdicts)
    assert stuck.holds is None
    assert "did not converge" in stuck.summary("en")
    assert all("did not converge" in n for n in stuck.table["note"])
    # the trend report names every verdict in the reader's language (notebooks/tren.py)
    from dinamika import i18n

    for v in verdicts:
        assert i18n.t("verdict_" + v.split(" (")[0].replace(" ", "_"), "id") == (
            "tanpa keputusan (model tidak konvergen)"
        )


def test_lavaan_warnings_become_diagnostics(monkeypatch) -> None:
    import functools

    from dinamika.psychometrics.cfa import fiml

    data = pd.read_csv(REF / "hs1939_missing.csv")
    # observed variances 1000+ times apart (lavaan: "some observed variances are (at least) a
    # factor 1000 times larger than others")
    wide = data.copy()
    wide["x1"] = wide["x1"] * 100
    res = dinamika.cfa(HS, wide.dropna())
    assert any("1000 times larger" in w for w in res.diagnostics.warnings)
    assert not any("1000 times" in w for w in dinamika.cfa(HS, data.dropna()).diagnostics.warnings)
    # a fit that stops before converging says so (lavaan: "model did not converge")
    monkeypatch.setattr(fiml, "fit_fiml", functools.partial(fiml.fit_fiml, max_iter=2))
    stuck = dinamika.cfa(HS, data, missing="fiml")
    assert not stuck.diagnostics.converged
    assert any("did not converge" in w for w in stuck.diagnostics.warnings)
