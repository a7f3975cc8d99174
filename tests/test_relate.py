"""dinamika.correlate / dinamika.multilevel against R (cor.test, p.adjust, lme4::lmer, nlme::lme).

Reference values: tests/reference/relate/make_relate.R (rerun from the repo root).
Tolerances: 1e-6 closed form (correlations, CIs, p.adjust); 1e-4 relative for lmer (iterative).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from dinamika.errors import UsageError
from dinamika.relations.linking import correlate, multilevel, p_adjust, relate
from dinamika.relations.reml import fit_random_intercept

REF = Path(__file__).parent / "reference" / "relate"
DIMS = ["kepemimpinan", "saling_percaya", "komitmen_kolektif", "dukungan_sekolah"]
ASPECTS = [
    "persiapan",
    "pengelolaan_kelas",
    "interaksi",
    "metode",
    "penguasaan_materi",
    "evaluasi",
]
RTOL_ITER = 1e-4


@pytest.fixture(scope="module")
def ref() -> dict:
    return json.loads((REF / "relate.json").read_text())


@pytest.fixture(scope="module")
def teachers() -> pd.DataFrame:
    return pd.read_csv(REF / "teachers.csv")


@pytest.fixture(scope="module")
def sleep() -> pd.DataFrame:
    return pd.read_csv(REF / "sleepstudy.csv")


@pytest.fixture(scope="module")
def rcors() -> pd.DataFrame:
    return pd.read_csv(REF / "correlations.csv")


# ------------------------------------------------------------------ correlations


def test_pearson_matches_cor_test(teachers, rcors):
    res = correlate(teachers[DIMS], teachers[["overall", *ASPECTS]], adjust="holm")
    assert list(res.columns) == ["x", "y", "n", "r", "lower", "upper", "p", "p_adjusted"]
    assert res[["x", "y"]].values.tolist() == rcors[["x", "y"]].values.tolist()
    # R: cor.test(d[[x]], d[[y]], method = "pearson", conf.level = 0.95)
    assert res["n"].tolist() == rcors["n"].tolist()
    for col in ("r", "lower", "upper", "p"):
        assert_allclose(res[col], rcors[col], rtol=1e-6, atol=1e-12)
    # R: p.adjust(cors$p, "holm")
    assert_allclose(res["p_adjusted"], rcors["p_holm"], rtol=1e-6, atol=1e-12)


def test_bh_and_ci_level(teachers, rcors):
    res = correlate(teachers[DIMS], teachers[["overall", *ASPECTS]], adjust="fdr_bh", ci=0.90)
    # R: p.adjust(cors$p, "BH")
    assert_allclose(res["p_adjusted"], rcors["p_bh"], rtol=1e-6, atol=1e-12)
    # R: cor.test(..., conf.level = 0.90)$conf.int
    assert_allclose(res["lower"], rcors["lower90"], rtol=1e-6)
    assert_allclose(res["upper"], rcors["upper90"], rtol=1e-6)


def test_spearman_matches_cor_test_asymptotic(teachers, rcors):
    res = correlate(teachers[DIMS], teachers[["overall", *ASPECTS]], method="spearman")
    # R: cor.test(x, y, method = "spearman", exact = FALSE)
    assert_allclose(res["r"], rcors["rho"], rtol=1e-6)
    assert_allclose(res["p"], rcors["p_spearman"], rtol=1e-6, atol=1e-12)
    assert_allclose(res["p_adjusted"], rcors["p_spearman_holm"], rtol=1e-6, atol=1e-12)
    # Bonett-Wright interval, written out in make_relate.R
    assert_allclose(res["lower"], rcors["lower_spearman"], rtol=1e-6)
    assert_allclose(res["upper"], rcors["upper_spearman"], rtol=1e-6)


def test_correlate_matches_on_teacher_column(teachers):
    left = teachers[["teacher", *DIMS]]
    right = teachers[["teacher", "overall"]].sample(frac=1.0, random_state=3)
    res = correlate(left, right)
    base = correlate(teachers[DIMS], teachers[["overall"]])
    assert_allclose(res["r"], base["r"], rtol=1e-12)
    assert res["y"].unique().tolist() == ["overall"]


def test_correlate_rejects_duplicate_teachers():
    s = pd.DataFrame({"teacher": ["a", "a", "b"], "x": [1.0, 2, 3]})
    with pytest.raises(UsageError, match="one row per"):
        correlate(s, s.rename(columns={"x": "y"}))


def test_correlate_small_n_gives_nan_interval():
    s = pd.DataFrame({"x": [1.0, 2, 3]})
    q = pd.DataFrame({"y": [1.0, 3, 2]})
    res = correlate(s, q)
    assert res["n"].iloc[0] == 3
    assert np.isnan(res["lower"].iloc[0])
    assert res["r"].iloc[0] == pytest.approx(0.5)


def test_p_adjust_examples():
    p = np.array([0.01, 0.02, 0.03, 0.04, 0.05, np.nan])
    # R: p.adjust(c(.01,.02,.03,.04,.05), "holm") -> 0.05 0.08 0.09 0.09 0.09
    assert_allclose(p_adjust(p, "holm")[:5], [0.05, 0.08, 0.09, 0.09, 0.09])
    # R: p.adjust(c(.01,.02,.03,.04,.05), "BH") -> 0.05 0.05 0.05 0.05 0.05
    assert_allclose(p_adjust(p, "fdr_bh")[:5], [0.05] * 5)
    assert np.isnan(p_adjust(p, "holm")[5])
    with pytest.raises(UsageError, match="adjust"):
        p_adjust(p, "hommel")


# ------------------------------------------------------------------ mixed model vs lme4


def _check(res, r, *, std=False):
    """Compare a MultilevelResult with lmer output written by make_relate.R."""
    est = res.fixed["std_estimate" if std else "estimate"].to_numpy()
    if std:
        est, r_est = est[1:], np.asarray(r["fixef"])[1:]
    else:
        r_est = np.asarray(r["fixef"])
    # R: fixef(m); sqrt(diag(vcov(m))); as.data.frame(VarCorr(m))$vcov; sigma(m)^2
    assert_allclose(est, r_est, rtol=RTOL_ITER, atol=1e-8)
    if not std:
        assert_allclose(res.fixed["se"], r["se"], rtol=RTOL_ITER)
        assert_allclose(res.variance["variance"], [r["tau2"], r["sigma2"]], rtol=RTOL_ITER)
        # R: REMLcrit(m) / deviance(m)
        assert res.criterion == pytest.approx(r["criterion"], rel=1e-8)
        # R: Nakagawa by hand (see nakagawa() in make_relate.R)
        assert res.r2_marginal == pytest.approx(r["r2_marginal"], rel=RTOL_ITER)
        assert res.r2_conditional == pytest.approx(r["r2_conditional"], rel=RTOL_ITER)
    assert res.n == r["n"]
    assert res.n_groups == r["n_groups"]
    assert res.singular == r["singular"]


def test_sleepstudy_reml(sleep, ref):
    # R: lmer(Reaction ~ Days + (1 | Subject), sleepstudy, REML = TRUE)
    res = multilevel(sleep, "Reaction", ["Days"], group="Subject")
    _check(res, ref["sleepstudy_reml"])
    assert res.fixed["term"].tolist() == ["(Intercept)", "Days"]
    assert res.converged
    # R: icc of lmer(Reaction ~ 1 + (1 | Subject))
    assert res.icc_null == pytest.approx(ref["sleepstudy_icc_null"], rel=RTOL_ITER)
    # R: summary(lme(Reaction ~ Days, random = ~ 1 | Subject))$tTable
    assert res.fixed["df"].tolist() == ref["sleepstudy_nlme"]["df"]
    assert_allclose(res.fixed["p"], ref["sleepstudy_nlme"]["p"], rtol=RTOL_ITER)


def test_sleepstudy_ml(sleep, ref):
    # R: lmer(Reaction ~ Days + (1 | Subject), sleepstudy, REML = FALSE)
    res = multilevel(sleep, "Reaction", ["Days"], group="Subject", reml=False)
    _check(res, ref["sleepstudy_ml"])


def test_teachers_reml_with_missing(teachers, ref):
    r = ref["teachers_reml"]
    # R: cc <- d[complete.cases(d[c("overall", dims)]), ]
    #    lmer(overall ~ kepemimpinan + saling_percaya + komitmen_kolektif + dukungan_sekolah
    #         + (1 | school), data = cc, REML = TRUE)
    res = multilevel(teachers, "overall", DIMS)
    _check(res, r)
    assert res.n_dropped == len(teachers) - r["n"]
    assert res.fixed["term"].tolist() == r["terms"]
    # R: summary(lme(f, random = ~ 1 | school, data = cc))$tTable; intervals(m)$fixed
    assert res.fixed["df"].tolist() == r["nlme"]["df"]
    assert_allclose(res.fixed["t"], r["nlme"]["t"], rtol=RTOL_ITER)
    assert_allclose(res.fixed["p"], r["nlme"]["p"], rtol=RTOL_ITER)
    assert_allclose(res.fixed["lower"], r["nlme"]["lower"], rtol=RTOL_ITER)
    assert_allclose(res.fixed["upper"], r["nlme"]["upper"], rtol=RTOL_ITER)
    # R: icc of lmer(overall ~ 1 + (1 | school), data = cc)
    assert res.icc_null == pytest.approx(ref["teachers_icc_null"], rel=RTOL_ITER)


def test_teachers_ml(teachers, ref):
    # R: lmer(overall ~ kepemimpinan + saling_percaya + komitmen_kolektif + dukungan_sekolah
    #         + (1 | school), data = cc, REML = FALSE)
    res = multilevel(teachers, "overall", DIMS, reml=False)
    _check(res, ref["teachers_ml"])


def test_standardized_equals_refit_on_z_scores(teachers, ref):
    # R: lmer(f, data = zs) with every variable scale()d over the analysis sample
    res = multilevel(teachers, "overall", DIMS)
    _check(res, ref["teachers_std"], std=True)
    assert np.isnan(res.fixed["std_estimate"].iloc[0])
    ratio = res.fixed["std_estimate"] / res.fixed["estimate"]
    assert_allclose(res.fixed["std_lower"] / res.fixed["lower"], ratio)
    plain = multilevel(teachers, "overall", DIMS, standardize=False)
    assert plain.fixed["std_estimate"].isna().all()


def test_grand_mean_centring(teachers, ref):
    # R: gc <- cc; for (v in dims) gc[[v]] <- cc[[v]] - mean(cc[[v]])
    #    lmer(overall ~ <dims> + (1 | school), data = gc, REML = TRUE)
    res = multilevel(teachers, "overall", DIMS, center="grand")
    _check(res, ref["teachers_grand"])


def test_within_between(teachers, ref):
    r = ref["teachers_within_between"]
    # R: lmer(overall ~ x_within... + x_between... + (1 | school)) on group-mean-centred data
    res = multilevel(teachers, "overall", DIMS, center="group")
    _check(res, r)
    assert res.fixed["term"].tolist() == r["terms"]
    # R: nlme df: between terms G - 4 - 1, within terms n - G - 4
    assert res.fixed["df"].tolist() == r["nlme"]["df"]
    assert_allclose(res.fixed["p"], r["nlme"]["p"], rtol=RTOL_ITER)
    _check(res, ref["teachers_within_between_std"], std=True)


def test_profile_intervals_match_lme4(sleep, teachers, ref):
    res = multilevel(sleep, "Reaction", ["Days"], group="Subject", ci_method="profile")
    # exact roots in R: uniroot(D_ML(b) - D_ML - qchisq(.95, 1)) with offset(b * Days)
    assert_allclose(res.fixed["lower"].iloc[1], ref["sleepstudy_profile_days_exact"][0], rtol=1e-8)
    assert_allclose(res.fixed["upper"].iloc[1], ref["sleepstudy_profile_days_exact"][1], rtol=1e-8)
    # R: confint(m, method = "profile", parm = "beta_")  (lme4 interpolates the profile)
    assert_allclose(res.fixed["lower"], ref["sleepstudy_profile"]["lower"], rtol=1e-6)
    assert_allclose(res.fixed["upper"], ref["sleepstudy_profile"]["upper"], rtol=1e-6)
    # R: confint(m1, method = "profile", parm = "beta_", level = 0.90), teachers with missing
    r = ref["teachers_profile90"]
    t = multilevel(teachers, "overall", DIMS, ci=0.90, ci_method="profile")
    assert_allclose(t.fixed["lower"], r["lower"], rtol=1e-6)
    assert_allclose(t.fixed["upper"], r["upper"], rtol=1e-6)
    assert "profile-likelihood" in t.summary()
    # estimates and SEs are still the REML ones; std intervals follow the profile bounds
    wald = multilevel(teachers, "overall", DIMS, ci=0.90)
    assert_allclose(t.fixed["estimate"], wald.fixed["estimate"])
    ratio = (t.fixed["std_estimate"] / t.fixed["estimate"]).iloc[1:]
    assert_allclose(t.fixed["std_lower"].iloc[1:], t.fixed["lower"].iloc[1:] * ratio)
    with pytest.raises(UsageError, match="ci_method"):
        multilevel(teachers, "overall", DIMS, ci_method="boot")  # type: ignore[arg-type]


def test_engine_ml_below_reml_variance_and_singular_case():
    rng = np.random.default_rng(7)
    g = np.repeat(np.arange(10), 5)
    x = rng.normal(size=50)
    y = x + rng.normal(size=50)
    # a design with no group variation at all: the group variance sits on the boundary
    y = y - np.bincount(g, weights=y)[g] / 5 + y.mean()
    fit = fit_random_intercept(y, np.column_stack([np.ones(50), x]), g)
    assert fit.singular
    assert fit.tau2 == 0.0
    # with tau2 = 0 the REML fit is OLS: sigma2 is the OLS residual variance
    beta = np.linalg.lstsq(np.column_stack([np.ones(50), x]), y, rcond=None)[0]
    resid = y - beta[0] - beta[1] * x
    assert fit.sigma2 == pytest.approx(resid @ resid / 48, rel=1e-10)
    assert_allclose(fit.beta, beta, rtol=1e-10)


def test_multilevel_input_errors(teachers):
    with pytest.raises(UsageError, match="center"):
        multilevel(teachers, "overall", DIMS, center="cluster")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="lacks"):
        multilevel(teachers, "overall", ["nope"])
    bad = teachers.assign(const=1.0)
    with pytest.raises(UsageError, match="collinear"):
        multilevel(bad, "overall", ["kepemimpinan", "const"])
    with pytest.raises(UsageError, match="numeric"):
        multilevel(teachers, "overall", ["teacher"])
    with pytest.raises(UsageError, match="single row"):
        multilevel(teachers, "overall", DIMS, group="teacher")


def test_summary_mentions_diagnostics(teachers):
    res = multilevel(teachers, "overall", DIMS)
    text = res.summary()
    assert "REML" in text and "rows dropped" in text and "nlme" in text
    assert res.to_frame() is res.fixed
    assert res.loglik == pytest.approx(-res.criterion / 2)


# ------------------------------------------------------------------ known truth (simulation)

TRUE_COEFS = {
    "kepemimpinan": 0.20,
    "saling_percaya": 0.15,
    "komitmen_kolektif": 0.25,
    "dukungan_sekolah": 0.15,
}


@pytest.mark.parametrize("term", ["contoh-2025-1", "contoh-2025-2"])
def test_latent_truth_inside_cis_on_the_examples(term):
    """The data-generating model itself: q = sum_k b_k eta_k + v_school + r (dinamika.simulate).

    Fitting that model to the example's true factor scores and true quality must give 95% CIs
    that contain the true b_k (truth.json ``quality.coefs``) and the true intercept 0.
    """
    from dinamika.simulation.term import simulate_example

    t = simulate_example(term)
    truth = t.truth["quality"]
    assert truth["coefs"] == TRUE_COEFS
    d = t.latent.merge(t.responses[["id_guru", "sekolah"]], on="id_guru")
    res = multilevel(d, "kualitas", DIMS, group="sekolah").fixed.set_index("term")
    for k, b in truth["coefs"].items():
        assert res.loc[k, "lower"] < b < res.loc[k, "upper"], (term, k, b)
    assert res.loc["(Intercept)", "lower"] < truth["intercept"] < res.loc["(Intercept)", "upper"]


def test_wald_intervals_cover_at_nominal_rate():
    """Coverage of the 95% intervals over 300 replicates of a random-intercept model.

    30 schools of 6-14 teachers, four correlated predictors with school components, the
    simulation's coefficients and variances (tau2 = 0.1, sigma2 = 0.56). 1200 intervals: the
    observed coverage must lie within [0.925, 0.975].
    """
    rng = np.random.default_rng(20251127)
    beta = np.array(list(TRUE_COEFS.values()))
    hits = []
    for _ in range(300):
        sizes = rng.integers(6, 15, size=30)
        g = np.repeat(np.arange(30), sizes)
        x = rng.normal(size=(len(g), 4)) * 0.9 + rng.normal(scale=0.4, size=(30, 4))[g]
        y = 0.1 + x @ beta + rng.normal(scale=np.sqrt(0.1), size=30)[g]
        y = y + rng.normal(scale=np.sqrt(0.56), size=len(g))
        d = pd.DataFrame(x, columns=DIMS).assign(y=y, school=g)
        f = multilevel(d, "y", DIMS).fixed.iloc[1:]
        hits.append(((f["lower"] < beta) & (beta < f["upper"])).to_numpy())
    coverage = np.mean(hits)
    assert 0.925 <= coverage <= 0.975, coverage


# ------------------------------------------------------------------ relate() on the bundled terms

KEY = "relate-tests-key-0123456789abcdef"


def _fit_simulated(term) -> pd.DataFrame:
    """relate()'s pipeline on a SimulatedTerm held in memory (no files): score() of the
    questionnaire, observation_scores() of the lessons, multilevel() of overall on the four
    dimensions with (1 | school). Returns the slope rows of the fixed-effects table."""
    from dinamika import load_instrument, observation_scores, score

    q = load_instrument(term.truth["instruments"]["responses"])
    o = load_instrument(term.truth["instruments"]["observations"])
    r = term.responses.rename(columns={"id_guru": "teacher", "sekolah": "school"})
    items = r[list(q.item_ids)].astype("float64")
    scores = score(pd.concat([r[["teacher", "school"]], items], axis=1), instrument=q)
    ob = term.observations.rename(
        columns={"id_pelajaran": "lesson", "id_guru": "teacher", "id_pengamat": "observer"}
    )
    ob = pd.concat(
        [ob[["lesson", "teacher", "observer"]], ob[list(o.item_ids)].astype(float)], axis=1
    )
    quality = observation_scores(ob, o, level="teacher")
    d = scores[["teacher", "school", *DIMS]].merge(quality[["teacher", "overall"]], on="teacher")
    return multilevel(d, "overall", DIMS).fixed.set_index("term").iloc[1:]


@pytest.fixture(scope="module")
def observed_target() -> pd.Series:
    """Standardized coefficients of the observed-score model in a very large simulated term.

    truth.json's coefficients live on the latent scale (true factors, true quality). relate()
    fits observed scale means and observed lesson scores, whose standardized coefficients differ
    (measurement error, ordinal cut points, observer noise). The like-for-like target is the same
    model fitted to a term simulated with the example's parameters but 3000 schools (about
    22,000 observed teachers; SE of each coefficient about 0.007). It comes out near
    (.19, .15, .22, .15) against the latent (.20, .15, .25, .15).
    """
    from dinamika.simulation.term import EXAMPLES, simulate

    big = simulate(**{**EXAMPLES["contoh-2025-2"], "n_schools": 3000, "seed": 7, "panel_seed": 7})
    return _fit_simulated(big)["std_estimate"]


@pytest.mark.parametrize("term", ["contoh-2025-1", "contoh-2025-2"])
def test_relate_on_the_bundled_example(term):
    from dinamika import load_survey, score
    from dinamika.data.resources import surveys_dir
    from dinamika.simulation.term import simulate_example

    survey = load_survey(surveys_dir() / term, key=KEY)
    res = relate(survey)
    scores = score(survey)
    assert res.n_scored == scores["teacher"].nunique()
    assert res.n_observed == survey.observations["teacher"].nunique()
    assert res.n_matched == len(set(scores["teacher"]) & set(survey.observations["teacher"]))
    assert res.correlations.shape[0] == 4 * 7
    assert set(res.correlations["y"]) == {"overall", *ASPECTS}
    fixed = res.model.fixed.set_index("term")
    assert list(fixed.index[1:]) == DIMS
    assert res.model.n == res.data[["overall", *DIMS]].dropna().shape[0]
    assert res.model.converged
    assert "Teachers scored" in res.summary()
    # files -> load_survey -> relate equals the in-memory pipeline on the regenerated term
    memory = _fit_simulated(simulate_example(term))
    assert_allclose(fixed.iloc[1:][["estimate", "se"]], memory[["estimate", "se"]], rtol=1e-8)


def test_simulated_truth_inside_the_reported_intervals(observed_target):
    """The issue's acceptance check, on the default example term (contoh-2025-2).

    Both the true coefficients of truth.json (latent scale) and the observed-score target lie
    inside relate()'s 95% intervals of the standardized coefficients. (On contoh-2025-1 the
    saling_percaya interval, [-0.133, 0.140], just misses 0.15: one miss in eight intervals is
    what 95% intervals do; the next test checks their coverage over 100 simulated terms.)
    """
    from dinamika import load_survey
    from dinamika.data.resources import surveys_dir

    folder = surveys_dir() / "contoh-2025-2"
    truth = json.loads((folder / "truth.json").read_text())["quality"]["coefs"]
    fixed = relate(load_survey(folder, key=KEY)).model.fixed.set_index("term")
    for k, b in truth.items():
        assert fixed.loc[k, "std_lower"] < b < fixed.loc[k, "std_upper"], (k, b)
    for k, b in observed_target.items():
        assert fixed.loc[k, "std_lower"] < b < fixed.loc[k, "std_upper"], (k, b)
    assert (observed_target > 0.1).all()
    assert_allclose(observed_target, list(truth.values()), atol=0.05)


@pytest.mark.slow
def test_observed_pipeline_interval_coverage(observed_target):
    """100 terms simulated like the example: the 95% intervals of the standardized coefficients
    cover the observed-score target at the nominal rate (400 intervals; bounds +-2.5 SE)."""
    from dinamika.simulation.term import EXAMPLES, simulate

    target = observed_target.to_numpy()
    hits = []
    for s in range(100):
        f = _fit_simulated(
            simulate(**{**EXAMPLES["contoh-2025-2"], "seed": 500 + s, "panel_seed": 500 + s})
        )
        hits.append(((f["std_lower"] < target) & (target < f["std_upper"])).to_numpy())
    coverage = float(np.mean(hits))
    assert 0.92 <= coverage <= 0.98, coverage


def test_relate_needs_observations():
    from types import SimpleNamespace

    with pytest.raises(UsageError, match="no lesson observations"):
        relate(SimpleNamespace(observations=None, observation_instrument=None))


# --- edge cases a user hits (acceptance audit) ---------------------------------------------


def _ml_frame() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    return pd.DataFrame(
        {
            "y": rng.standard_normal(60),
            "x": rng.standard_normal(60),
            "school": np.repeat(np.arange(12), 5),
        }
    )


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_multilevel_constant_outcome_and_single_group_are_clear_errors() -> None:
    d = _ml_frame()
    with pytest.raises(UsageError, match="same value"):
        multilevel(d.assign(y=2.0), "y", ["x"], group="school")
    with pytest.raises(UsageError, match="at least two groups"):
        multilevel(d.assign(school="A"), "y", ["x"], group="school")


def test_multilevel_reads_numbers_stored_as_object() -> None:
    d = _ml_frame()
    ref = multilevel(d, "y", ["x"], group="school").fixed["estimate"]
    as_object = d.assign(x=d["x"].astype(object), y=d["y"].astype("Float64"))
    assert_allclose(
        multilevel(as_object, "y", ["x"], group="school").fixed["estimate"], ref, rtol=1e-8
    )
    with pytest.raises(UsageError, match="holds text"):
        multilevel(d.assign(x="tinggi"), "y", ["x"], group="school")


def test_relate_without_matching_teachers_says_so():
    from dinamika import load_survey, score

    survey = load_survey(key=KEY)
    scores = score(survey).assign(teacher=lambda d: "X" + d["teacher"].astype(str))
    with pytest.raises(UsageError, match=r"teacher.*ids"):
        relate(survey, scores=scores)


def test_correlate_reads_nullable_and_object_columns():
    s = pd.DataFrame({"teacher": list("abcdef"), "k": [1, 2, 3, 4, 5, None]})
    q = pd.DataFrame({"teacher": list("abcdef"), "overall": [2, 1, 4, 3, 6, 5.0]})
    ref = correlate(s.astype({"k": float}), q)
    for k in (s["k"].astype("Float64"), s["k"].astype(object).where(s["k"].notna(), pd.NA)):
        got = correlate(s.assign(k=k), q, x=["k"])
        pd.testing.assert_frame_equal(got, ref)
    with pytest.raises(UsageError, match="must hold numbers"):
        correlate(s.assign(k="tinggi"), q, x=["k"])


def test_relate_with_unrated_lessons_or_unknown_outcome_says_so():
    import dataclasses

    from dinamika import load_survey

    survey = load_survey(key=KEY)
    ind = list(survey.observation_instrument.item_ids)
    empty = survey.observations.assign(**dict.fromkeys(ind, np.nan))
    with pytest.raises(UsageError, match="mostly missing"):
        relate(dataclasses.replace(survey, observations=empty))
    with pytest.raises(UsageError, match="`outcome` must be"):
        relate(survey, outcome="kualitas")
