"""dinamika.agreement.coefficients against R psych (reference: tests/reference/agreement/make_agreement.R)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from dinamika.agreement.coefficients import (
    icc,
    krippendorff_alpha,
    percent_agreement,
    weighted_kappa,
)
from dinamika.errors import DinamikaError, UsageError

REF = Path(__file__).parent / "reference" / "agreement"
R = json.loads((REF / "agreement.json").read_text())
COLS = ["icc", "f", "df1", "df2", "p", "lower", "upper"]


def _compare(table: pd.DataFrame, ref: dict, rtol: float, atol: float) -> None:
    assert table["type"].tolist() == ref["type"]
    for col in COLS:
        assert_allclose(table[col].to_numpy(), np.array(ref[col], float), rtol=rtol, atol=atol,
                        err_msg=col)  # fmt: skip


# ---------------------------------------------------------------- ICC
def test_icc_shrout_fleiss_anova():
    sf = pd.read_csv(REF / "sf.csv")
    # R: psych::ICC(sf, lmer = FALSE)$results
    # >   type  ICC    F df1 df2       p lower bound upper bound
    # > ICC1 0.17  1.79   5  18 0.16477      -0.133       0.723 ...
    res = icc(sf)
    _compare(res, R["sf_anova"], rtol=0, atol=1e-6)
    assert list(res.index) == ["ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"]
    assert res.attrs["n_targets"] == 6 and res.attrs["n_raters"] == 4
    assert res.attrs["n_dropped"] == 0
    # Shrout & Fleiss (1979), Table 4: .17, .29, .71, .44, .62, .91
    assert_allclose(res["icc"], [0.17, 0.29, 0.71, 0.44, 0.62, 0.91], atol=0.005)


def test_icc_shrout_fleiss_reml_equals_lmer():
    sf = pd.read_csv(REF / "sf.csv")
    # R: psych::ICC(sf)  (lmer = TRUE default; lme4 stops ~1e-6 from the optimum)
    _compare(icc(sf, method="reml"), R["sf_lmer"], rtol=1e-4, atol=1e-6)


def test_icc_missing_listwise_equals_psych_on_na_omit():
    sim = pd.read_csv(REF / "icc_missing.csv")
    # R: psych::ICC(na.omit(sim), lmer = FALSE)
    res = icc(sim)
    _compare(res, R["missing_anova"], rtol=0, atol=1e-6)
    n_complete = int(sim.notna().all(axis=1).sum())
    assert res.attrs["n_targets"] == n_complete == R["missing_anova"]["n_obs"]
    assert res.attrs["n_dropped"] == len(sim) - n_complete > 0
    assert (res["n_targets"] == n_complete).all()


def test_icc_missing_reml_equals_psych_default():
    sim = pd.read_csv(REF / "icc_missing.csv")
    # R: psych::ICC(sim)  (lmer = TRUE: every rating used, n.obs = all rows)
    res = icc(sim, method="reml")
    _compare(res, R["missing_lmer"], rtol=1e-4, atol=1e-6)
    assert res.attrs["n_targets"] == R["missing_lmer"]["n_obs"] == len(sim)
    # R: as.data.frame(VarCorr(lmer(values ~ 1 + (1 | id) + (1 | items), long)))$vcov
    vc = R["missing_lmer_vc"]
    ms = res.attrs["ms"]
    assert_allclose(ms["error"], vc["residual"], rtol=1e-4)
    assert_allclose((ms["between"] - ms["error"]) / 3, vc["target"], rtol=1e-4)


def test_icc_long_format_equals_wide():
    sim = pd.read_csv(REF / "icc_missing.csv")
    long = (
        sim.rename_axis("lesson")
        .reset_index()
        .melt(id_vars="lesson", var_name="observer", value_name="score")
    )
    long = long.dropna()
    wide = icc(sim)
    from_long = icc(long, targets="lesson", raters="observer", ratings="score")
    assert_allclose(from_long[COLS].to_numpy(), wide[COLS].to_numpy(), atol=1e-12)


def test_icc_is_linear_time_on_many_targets():
    rng = np.random.default_rng(1)
    t = rng.normal(size=20_000)
    x = np.column_stack([t + rng.normal(0, 0.5, t.size), t + 0.2 + rng.normal(0, 0.5, t.size)])
    res = icc(x)
    # true ICC(1) = 1 / (1 + .25) = .8 up to the rater shift; large n pins it down
    assert abs(res.at["ICC3", "icc"] - 0.8) < 0.01
    assert res.at["ICC2", "lower"] < res.at["ICC2", "icc"] < res.at["ICC2", "upper"]


def test_icc_errors():
    with pytest.raises(UsageError, match="two raters"):
        icc(pd.DataFrame({"a": [1.0, 2.0]}))
    with pytest.raises(UsageError, match="at least two"):
        icc(pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": [1.0, 2.0, np.nan]}))
    with pytest.raises(UsageError, match="method"):
        icc(pd.DataFrame({"a": [1.0, 2.0], "b": [1.0, 2.0]}), method="lmer")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="all three"):
        icc(pd.DataFrame({"t": [1], "r": [1], "y": [1.0]}), targets="t", raters="r")
    dup = pd.DataFrame({"t": [1, 1], "r": ["a", "a"], "y": [1.0, 2.0]})
    with pytest.raises(UsageError, match="more than once"):
        icc(dup, targets="t", raters="r", ratings="y")
    assert issubclass(UsageError, DinamikaError)


# ---------------------------------------------------------------- kappa
@pytest.mark.parametrize("key, categories", [("kappa_levels14", [1, 2, 3, 4]),
                                             ("kappa_observed", None)])  # fmt: skip
@pytest.mark.parametrize("weights", ["unweighted", "quadratic", "linear"])
def test_kappa_equals_psych(key, categories, weights):
    d = pd.read_csv(REF / "kappa.csv")
    # R: psych::cohen.kappa(kap, levels = 1:4)            -> kappa, weighted.kappa (quadratic)
    # R: psych::cohen.kappa(kap, w = lin(4), levels = 1:4) -> weighted.kappa (linear)
    # R: psych::cohen.kappa(kap); psych::cohen.kappa(kap, w = lin(3))  (observed levels 2..4)
    ref = R[key][weights]
    w = None if weights == "unweighted" else weights
    res = weighted_kappa(d["a"], d["b"], weights=w, categories=categories, variance="psych")
    assert_allclose(res.kappa, ref["kappa"], atol=1e-6)
    assert_allclose(res.se**2, max(ref["var"], 0.0), atol=1e-10)  # psych sets var < 0 to 0
    assert_allclose([res.lower, res.upper], [ref["lower"], ref["upper"]], atol=1e-6)
    assert res.n == ref["n"] == int(d.notna().all(axis=1).sum())


@pytest.mark.parametrize("key, categories", [("levels14", [1, 2, 3, 4]), ("observed", None)])
@pytest.mark.parametrize("weights", ["unweighted", "quadratic", "linear"])
def test_kappa_default_variance_is_fleiss_cohen_everitt(key, categories, weights):
    d = pd.read_csv(REF / "kappa.csv")
    # R: fleiss_var(table(a, b), w)  -- the 1969 formula written out in make_agreement.R
    ref_var = R["kappa_fleiss_var"][key][weights]
    w = None if weights == "unweighted" else weights
    res = weighted_kappa(d["a"], d["b"], weights=w, categories=categories)
    assert_allclose(res.se**2, ref_var, rtol=1e-9, atol=1e-12)
    assert_allclose(res.kappa, R["kappa_" + key][weights]["kappa"], atol=1e-6)
    z = 1.959963984540054
    assert_allclose([res.lower, res.upper],
                    np.clip([res.kappa - z * res.se, res.kappa + z * res.se], -1, 1))  # fmt: skip
    if weights == "unweighted":
        # R: psych::cohen.kappa(kap)$var.kappa  (the same formula)
        assert_allclose(res.se**2, R["kappa_" + key]["unweighted"]["var"], rtol=1e-9)


def test_kappa_unused_category_is_in_the_table():
    d = pd.read_csv(REF / "kappa.csv")
    assert 1 not in set(d["a"]) | set(d["b"])
    full = weighted_kappa(d["a"], d["b"], weights="linear", categories=[1, 2, 3, 4])
    obs = weighted_kappa(d["a"], d["b"], weights="linear")
    assert full.table.shape == (4, 4) and full.table.loc[1].sum() == 0
    assert full.table.to_numpy().sum() == full.n
    assert obs.categories == (2, 3, 4)
    # an unused end category rescales the weights; kappa and its variance do not change
    assert_allclose([full.kappa, full.se], [obs.kappa, obs.se], rtol=1e-10)
    assert full.se > 0
    # an unused *middle* category changes the distances and so weighted kappa
    gap = weighted_kappa(d["a"], d["b"], weights="linear", categories=[1, 2, 2.5, 3, 4])
    assert abs(gap.kappa - full.kappa) > 1e-3


def test_kappa_perfect_and_errors():
    res = weighted_kappa([1, 2, 3, 4], [1, 2, 3, 4], weights="quadratic")
    assert res.kappa == pytest.approx(1.0)
    assert "kappa" in res.summary() and res.to_frame().shape == (1, 8)
    with pytest.raises(UsageError, match="not among the categories"):
        weighted_kappa([1, 2, 5], [1, 2, 3], categories=[1, 2, 3, 4])
    with pytest.raises(UsageError, match="must be one of"):
        weighted_kappa([1, 2], [1, 2], weights="cubic")
    with pytest.raises(UsageError, match="equal length"):
        weighted_kappa([1, 2], [1, 2, 3])
    custom = weighted_kappa([1, 2, 3, 3], [1, 3, 3, 2], weights=np.eye(3))
    assert_allclose(custom.kappa, weighted_kappa([1, 2, 3, 3], [1, 3, 3, 2]).kappa)


# ---------------------------------------------------------------- Krippendorff
# Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for
# Communication Departmental Papers 43, section "C. Nominal data, any number of observers,
# missing data" and the same reliability data under the other metrics: 4 observers x 12 units,
# published alphas nominal .743, ordinal .815, interval .849, ratio .797.
NAN = np.nan
KRIPP = np.array([
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]).T  # fmt: skip


@pytest.mark.parametrize("level, published", [("nominal", 0.743), ("ordinal", 0.815),
                                              ("interval", 0.849), ("ratio", 0.797)])  # fmt: skip
def test_krippendorff_published_example(level, published):
    res = krippendorff_alpha(KRIPP, level=level)
    assert round(res.alpha, 3) == published
    assert res.n_units == 11 and res.n_pairable == 40  # unit 12 has one value: not pairable
    assert float(res) == res.alpha


def _alpha_by_definition(data: np.ndarray, level: str) -> float:
    """Krippendorff's alpha from its pairwise definition (loops; tiny data only)."""
    units = [row[~np.isnan(row)] for row in data]
    units = [u for u in units if u.size >= 2]
    values = np.concatenate(units)
    n = values.size
    uniq, counts = np.unique(values, return_counts=True)

    def delta(c: float, k: float) -> float:
        if level == "nominal":
            return float(c != k)
        if level == "interval":
            return (c - k) ** 2
        if level == "ratio":
            return ((c - k) / (c + k)) ** 2
        lo, hi = sorted((c, k))
        inside = counts[(uniq >= lo) & (uniq <= hi)].sum()
        return (inside - (counts[uniq == c][0] + counts[uniq == k][0]) / 2) ** 2

    d_o = (
        sum(
            sum(delta(u[i], u[j]) for i in range(u.size) for j in range(u.size) if i != j)
            / (u.size - 1)
            for u in units
        )
        / n
    )
    d_e = sum(delta(values[i], values[j]) for i in range(n) for j in range(n) if i != j)
    return 1 - d_o / (d_e / (n * (n - 1)))


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_krippendorff_equals_pairwise_definition(level):
    assert_allclose(krippendorff_alpha(KRIPP, level=level).alpha,
                    _alpha_by_definition(KRIPP, level), atol=1e-12)  # fmt: skip
    rng = np.random.default_rng(3)
    x = rng.integers(1, 5, size=(15, 3)).astype(float)
    x[rng.random(x.shape) < 0.2] = np.nan
    assert_allclose(krippendorff_alpha(x, level=level).alpha,
                    _alpha_by_definition(x, level), atol=1e-12)  # fmt: skip


def test_krippendorff_interval_matches_matrix_route_and_strings_nominal():
    from dinamika.agreement.krippendorff import _delta2

    frame = pd.DataFrame(KRIPP)
    # the interval level uses per-unit sums; check against the coincidence matrix route
    res = krippendorff_alpha(frame * 2 + 1, level="interval")
    assert_allclose(res.alpha, krippendorff_alpha(KRIPP, level="interval").alpha, atol=1e-12)
    v = np.array([1.0, 2, 5])
    assert_allclose(_delta2("ratio", v, np.ones(3))[0, 1], (1 / 3) ** 2)
    labels = frame.replace({1: "a", 2: "b", 3: "c", 4: "d", 5: "e"})
    assert_allclose(krippendorff_alpha(labels, level="nominal").alpha,
                    krippendorff_alpha(KRIPP, level="nominal").alpha, atol=1e-12)  # fmt: skip
    with pytest.raises(UsageError, match="must be one of"):
        krippendorff_alpha(KRIPP, level="circular")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="numeric"):
        krippendorff_alpha(labels, level="ordinal")
    assert np.isnan(krippendorff_alpha(np.ones((5, 2)), level="ordinal").alpha)


# ---------------------------------------------------------------- percent agreement
def test_percent_agreement():
    a = [1, 2, 3, 4, 4, np.nan, 2]
    b = [1, 3, 1, 4, 3, 2, 2]
    res = percent_agreement(a, b)
    assert res.n == 6
    assert res.exact_pct == pytest.approx(100 * 3 / 6)
    assert res.adjacent_pct == pytest.approx(100 * 5 / 6)
    assert percent_agreement(a, b, within=2).adjacent_pct == pytest.approx(100.0)
    assert np.isnan(percent_agreement([np.nan], [1]).exact_pct)
    with pytest.raises(UsageError, match="numeric"):
        percent_agreement(["x"], [1])


def test_icc_reml_on_the_boundary_equals_psych_default():
    bnd = pd.read_csv(REF / "icc_boundary.csv")
    # R: psych::ICC(bnd)  (lmer: rater variance estimated as 0, a singular fit)
    res = icc(bnd, method="reml")
    _compare(res, R["boundary_lmer"], rtol=1e-4, atol=1e-5)
    assert res.attrs["ms"]["raters"] == pytest.approx(res.attrs["ms"]["error"], rel=1e-6)


def test_no_variance_gives_nan_not_an_error():
    # everybody rated 4: kappa and ICC are undefined (0/0); agreement is still 100%
    res = weighted_kappa([4, 4, 4], [4, 4, 4], weights="linear", categories=[1, 2, 3, 4])
    assert np.isnan(res.kappa) and np.isnan(res.se) and res.po == 1.0 and res.n == 3
    assert icc(np.full((5, 2), 3.0))[["icc", "f", "p", "lower", "upper"]].isna().all().all()
    assert percent_agreement([4, 4], [4, 4]).exact_pct == 100.0
    assert np.isnan(krippendorff_alpha(np.full((5, 2), 3.0), level="nominal").alpha)


# --- edge cases a user hits (acceptance audit) ---------------------------------------------


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_icc_reml_without_enough_ratings_is_a_clear_error() -> None:
    empty = pd.DataFrame({"a": [np.nan] * 4, "b": [np.nan] * 4})
    with pytest.raises(UsageError, match="at least two targets"):
        icc(empty, method="reml")
    with pytest.raises(UsageError, match="at least two targets"):
        icc(pd.DataFrame({"a": [3.0], "b": [2.0]}), method="reml")


def test_percent_agreement_reads_nullable_and_text_numbers() -> None:
    a = pd.array([1, 2, 3, 4, None], dtype="Int64")
    b = pd.Series(["1", "3", "3", "2", "4"], dtype=object)
    r = percent_agreement(a, b)
    assert (r.n, r.exact_pct, r.adjacent_pct) == (4, 50.0, 75.0)


def test_kappa_with_numbers_and_text_mixed_is_a_clear_error() -> None:
    with pytest.raises(UsageError, match=r"cannot be ordered.*int, str"):
        weighted_kappa(["1", "2", "3"], [1, 2, 3])


def test_icc_reads_object_columns_with_pandas_na() -> None:
    w = pd.DataFrame({"a": [1, 2, pd.NA, 4, 3], "b": [1, 3, 3, 4, 2]}, dtype=object)
    expected = icc(w.astype("Float64").to_numpy(dtype=float, na_value=np.nan))
    pd.testing.assert_frame_equal(icc(w), expected, check_names=False)
