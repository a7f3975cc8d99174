"""dinamika.psychometrics.reliability.api against R psych (tests/reference/reliability/make_reliability.R)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from dinamika import polychoric as dinamika_polychoric
from dinamika import reliability
from dinamika.errors import UsageError

REF = Path(__file__).parent / "reference" / "reliability"
CLOSED = 1e-6  # closed-form statistics
ITER = 1e-4  # omega (iterative one-factor fit)
POLY = 1e-3  # anything computed from polychoric correlations


@pytest.fixture(scope="module")
def ref() -> dict:
    return json.loads((REF / "reliability_reference.json").read_text())


@pytest.fixture(scope="module")
def data() -> dict[str, pd.DataFrame]:
    return {
        "hs": pd.read_csv(REF / "hs.csv"),
        "bfi": pd.read_csv(REF / "bfi_agree.csv"),
        "sim": pd.read_csv(REF / "sim.csv"),
    }


def _select(data, key):
    hs, bfi, sim = data["hs"], data["bfi"], data["sim"]
    return {
        "hs_visual": (hs[["x1", "x2", "x3"]], {}),  # psych::alpha(hs[, c('x1','x2','x3')])
        "hs_textual": (hs[["x4", "x5", "x6"]], {}),  # psych::alpha(hs[, c('x4','x5','x6')])
        "hs_all": (hs, {}),  # psych::alpha(hs[, paste0('x', 1:9)])
        "bfiA_pairwise": (bfi, {"reverse": ["A1"]}),  # psych::alpha(bfi[, 1:5], keys = 'A1')
        "bfiA_listwise": (
            bfi,
            {"reverse": ["A1"], "missing": "listwise"},
        ),  # alpha(na.omit(bfi[, 1:5]), keys = 'A1')
        "sim_pairwise": (sim, {"reverse": ["s5"]}),  # psych::alpha(sim, keys = 's5')
        "sim_listwise": (
            sim,
            {"reverse": ["s5"], "missing": "listwise"},
        ),  # alpha(na.omit(sim), keys = 's5')
        "sim_nokeys": (sim.drop(columns="s5"), {}),  # psych::alpha(sim[, -5])
    }[key]


PEARSON = [
    "hs_visual",
    "hs_textual",
    "hs_all",
    "bfiA_pairwise",
    "bfiA_listwise",
    "sim_pairwise",
    "sim_listwise",
    "sim_nokeys",
]


@pytest.mark.parametrize("key", PEARSON)
def test_alpha_statistics_match_psych(ref, data, key):
    items, kwargs = _select(data, key)
    res = reliability(items, n_boot=0, **kwargs)
    r = ref[key]
    # a$total: raw_alpha, std.alpha, G6(smc), average_r
    assert res.alpha == pytest.approx(r["total"]["raw_alpha"], abs=CLOSED)
    assert res.std_alpha == pytest.approx(r["total"]["std.alpha"], abs=CLOSED)
    assert res.lambda6 == pytest.approx(r["total"]["G6(smc)"], abs=CLOSED)
    assert res.average_r == pytest.approx(r["total"]["average_r"], abs=CLOSED)
    # alpha.ci(a$total$raw_alpha, nrow(x), ncol(x)) — Feldt
    assert_allclose(res.alpha_ci_feldt, [r["feldt"]["lower"], r["feldt"]["upper"]], atol=CLOSED)
    assert res.n == r["n_rows"]
    assert res.n_items == len(r["items"])


@pytest.mark.parametrize("key", PEARSON)
def test_item_statistics_match_psych(ref, data, key):
    items, kwargs = _select(data, key)
    it = reliability(items, n_boot=0, **kwargs).items
    r = ref[key]
    # a$alpha.drop
    assert_allclose(it["alpha_if_deleted"], r["drop"]["raw_alpha"], atol=CLOSED)
    assert_allclose(it["std_alpha_if_deleted"], r["drop"]["std.alpha"], atol=CLOSED)
    assert_allclose(it["lambda6_if_deleted"], r["drop"]["G6(smc)"], atol=CLOSED)
    # a$item.stats: n, raw.r (item_total_r), r.drop (item_rest_r), mean, sd
    assert_allclose(it["n"], r["stats"]["n"])
    assert_allclose(it["item_total_r"], r["stats"]["raw.r"], atol=CLOSED)
    assert_allclose(it["item_rest_r"], r["stats"]["r.drop"], atol=CLOSED)
    assert_allclose(it["mean"], r["stats"]["mean"], atol=CLOSED)
    assert_allclose(it["sd"], r["stats"]["sd"], atol=CLOSED)


@pytest.mark.parametrize("key", [k for k in PEARSON if "pairwise" not in k and k != "sim_nokeys"])
def test_omega_matches_one_factor_minres(ref, data, key):
    items, kwargs = _select(data, key)
    res = reliability(items, n_boot=0, **kwargs)
    r = ref[key]
    # l <- fa(R, 1, fm = "minres")$loadings; sum(l)^2 / (sum(l)^2 + sum(1 - l^2)): the
    # model-implied omega (omega_total is psych::omega's, tested in test_psych_omega.py).
    # Complete data only: with missing answers the fit now uses cor(x, use = "pairwise") as
    # psych::omega does (reference values in psych_omega_reference.json), not cov2cor(C).
    assert res.omega_implied == pytest.approx(r["omega_total"], abs=ITER)
    assert_allclose(res.items["loading"], r["loadings"], atol=ITER)


@pytest.mark.parametrize("key", ["bfiA_pairwise", "sim_pairwise", "sim_nokeys"])
def test_response_distribution_matches_psych(ref, data, key):
    items, kwargs = _select(data, key)
    it = reliability(items, n_boot=0, **kwargs).items
    levels = ref[key]["response_freq"]["levels"]
    cols = [f"p_{lev}" for lev in levels]
    # a$response.freq (as answered, before keys are applied)
    assert_allclose(it[cols].to_numpy(), np.array(ref[key]["response_freq"]["freq"]), atol=CLOSED)
    assert_allclose(it["missing"], len(items) - it["n"])


@pytest.mark.parametrize(
    ("key", "dataset", "rev", "rng"),
    [("bfiA_ordinal", "bfi", "A1", (1, 6)), ("sim_ordinal", "sim", "s5", (1, 5))],
)
def test_ordinal_alpha_and_omega(ref, data, key, dataset, rev, rng):
    res = reliability(data[dataset], reverse=[rev], ordinal=True, n_boot=0, item_range=rng)
    r = ref[key]
    # psych::alpha(polychoric(x_keyed)$rho): polychoric rho carries psych's ~1e-4 optimizer error
    assert res.alpha == pytest.approx(r["total"]["raw_alpha"], abs=POLY)
    assert res.std_alpha == pytest.approx(r["total"]["std.alpha"], abs=POLY)
    assert res.lambda6 == pytest.approx(r["total"]["G6(smc)"], abs=POLY)
    assert res.average_r == pytest.approx(r["total"]["average_r"], abs=POLY)
    assert res.omega_total == pytest.approx(r["omega_total"], abs=POLY)
    assert_allclose(res.items["item_rest_r"], r["stats"]["r.drop"], atol=POLY)
    assert_allclose(res.items["item_total_r"], r["stats"]["r"], atol=POLY)
    assert_allclose(res.items["alpha_if_deleted"], r["drop"]["raw_alpha"], atol=POLY)
    assert res.alpha == res.std_alpha  # alpha of a correlation matrix


def test_reverse_keying_uses_item_range(data):
    bfi = data["bfi"]
    a = reliability(bfi, reverse=["A1"], n_boot=0)  # inferred range 1..6 -> 7 - x
    b = reliability(bfi.assign(A1=7 - bfi["A1"]), n_boot=0)
    assert a.alpha == pytest.approx(b.alpha, abs=1e-12)
    assert a.items.loc["A1", "mean"] == pytest.approx(b.items.loc["A1", "mean"], abs=1e-12)
    c = reliability(
        bfi, reverse=["A1"], n_boot=0, item_range=(0, 10)
    )  # 10 - x: same alpha, other mean
    assert c.alpha == pytest.approx(a.alpha, abs=1e-12)
    assert c.items.loc["A1", "mean"] == pytest.approx(a.items.loc["A1", "mean"] + 3, abs=1e-12)
    assert bool(a.items.loc["A1", "reversed"])


def test_unkeyed_negative_item_is_flagged(data):
    res = reliability(data["bfi"], n_boot=0)
    assert any("A1" in d and "reverse" in d for d in res.diagnostics)


class TestBootstrap:
    def test_seeded_and_deterministic(self, data):
        a = reliability(data["sim"], reverse=["s5"], n_boot=300, seed=42)
        b = reliability(data["sim"], reverse=["s5"], n_boot=300, seed=42)
        c = reliability(data["sim"], reverse=["s5"], n_boot=300, seed=43)
        assert a.alpha_ci_boot == b.alpha_ci_boot and a.omega_ci_bca == b.omega_ci_bca
        assert a.alpha_ci_boot != c.alpha_ci_boot

    @pytest.mark.parametrize("missing", ["pairwise", "listwise"])
    def test_intervals_cover_estimate(self, data, missing):
        res = reliability(data["bfi"], reverse=["A1"], missing=missing, n_boot=500, seed=1)
        for est, ivs in [
            (res.alpha, [res.alpha_ci_boot, res.alpha_ci_bca, res.alpha_ci_feldt]),
            (res.omega_total, [res.omega_ci_boot, res.omega_ci_bca]),
        ]:
            for iv in ivs:
                assert iv is not None and iv[0] < est < iv[1]

    def test_fewer_respondents_wider_interval(self, data):
        bfi = data["bfi"]
        big = reliability(bfi, reverse=["A1"], n_boot=400, seed=3)
        small = reliability(bfi.iloc[:300], reverse=["A1"], n_boot=400, seed=3)
        width = lambda iv: iv[1] - iv[0]  # noqa: E731
        assert width(small.alpha_ci_boot) > 2 * width(big.alpha_ci_boot)
        assert width(small.omega_ci_bca) > 2 * width(big.omega_ci_bca)

    def test_matches_a_looped_bootstrap(self, data):
        # the weighted-moment bootstrap must equal resampling rows and recomputing, draw by draw
        sim = data["sim"].drop(columns="s5")
        n_boot = 50
        res = reliability(sim, n_boot=n_boot, seed=9)
        rng = np.random.default_rng(9)
        idx = rng.integers(0, len(sim), size=(n_boot, len(sim)))  # same draws as the weights
        vals = []
        for row in idx:
            c = sim.iloc[row].cov().to_numpy()  # pairwise, like cov(x, use = "pairwise")
            p = c.shape[0]
            vals.append(p / (p - 1) * (1 - np.trace(c) / c.sum()))
        # float32 weighted products: equal to ~1e-7, far below the Monte Carlo error
        assert_allclose(res.alpha_ci_boot, np.quantile(vals, [0.025, 0.975]), atol=1e-6)

    def test_jackknife_matches_leave_one_out(self, data):
        from dinamika.psychometrics.reliability.bootstrap import jackknife_covariances

        sim = data["sim"].drop(columns="s5").iloc[:40]
        x = sim.to_numpy()
        obs = ~np.isnan(x)
        x0 = np.where(obs, x - np.nanmean(x, axis=0), 0.0)
        blocks = list(jackknife_covariances(x0, obs.astype(float)))
        covs = np.concatenate([c for c, _ in blocks])
        cors = np.concatenate([r for _, r in blocks])
        for i in (0, 7, 39):
            assert_allclose(covs[i], sim.drop(index=sim.index[i]).cov().to_numpy(), atol=1e-12)
            # pairwise correlations with each pair's own SDs (R's cor(use = "pairwise"))
            assert_allclose(cors[i], sim.drop(index=sim.index[i]).corr().to_numpy(), atol=1e-12)

    def test_ordinal_bootstrap(self, data):
        res = reliability(data["sim"], reverse=["s5"], ordinal=True, n_boot=100, seed=5)
        for est, ivs in [
            (res.alpha, [res.alpha_ci_boot, res.alpha_ci_bca]),
            (res.omega_total, [res.omega_ci_boot, res.omega_ci_bca]),
        ]:
            for iv in ivs:
                assert iv is not None and iv[0] < est < iv[1]
        again = reliability(data["sim"], reverse=["s5"], ordinal=True, n_boot=100, seed=5)
        assert again.omega_ci_bca == res.omega_ci_bca

    def test_ordinal_jackknife_matches_refitting(self, data):
        # leave-one-out polychoric alpha for one respondent, by brute force
        from dinamika.psychometrics.reliability.ordinal import ordinal_bootstrap

        sim = data["sim"].drop(columns="s5").dropna().iloc[:150].reset_index(drop=True)
        poly = dinamika_polychoric(sim)
        res = reliability(sim, ordinal=True, n_boot=0)
        diags: list[str] = []
        out = ordinal_bootstrap(
            sim, poly, 50, np.random.default_rng(1), 0.95, (res.alpha, res.omega_total),
            res.items["loading"].to_numpy(), diags,
        )  # fmt: skip
        assert out["alpha_bca"] is not None
        # the jackknife replicate of row 0 equals a refit without row 0
        without = reliability(sim.drop(index=0), ordinal=True, n_boot=0)
        from dinamika.psychometrics.polychoric.api import _prepare
        from dinamika.psychometrics.reliability.ordinal import _Replicates

        codes, _, k = _prepare(sim, "pairwise")
        rep = _Replicates(poly, codes.shape[1], k, None)
        iu, ju = np.triu_indices(codes.shape[1], 1)
        tabs = np.zeros((1, len(iu) * k * k))
        marg = np.zeros((1, codes.shape[1] * k))
        for r in codes[1:]:
            tabs[0, np.arange(len(iu)) * k * k + r[iu] * k + r[ju]] += 1
            marg[0, np.arange(codes.shape[1]) * k + r] += 1
        alpha_loo, _ = rep(tabs, marg)
        assert alpha_loo[0] == pytest.approx(without.alpha, abs=1e-8)


def test_recovers_true_reliability():
    # one factor, loadings 0.7..0.5, continuous items: population omega and alpha are known
    rng = np.random.default_rng(11)
    lam = np.array([0.7, 0.65, 0.6, 0.55, 0.5])
    n = 50_000
    x = rng.normal(size=(n, 1)) * lam + rng.normal(size=(n, 5)) * np.sqrt(1 - lam**2)
    res = reliability(pd.DataFrame(x, columns=list("abcde")), n_boot=0)
    omega_true = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum())
    r = np.outer(lam, lam) + np.diag(1 - lam**2)
    alpha_true = 5 / 4 * (1 - 5 / r.sum())
    assert res.omega_total == pytest.approx(omega_true, abs=0.01)
    assert res.alpha == pytest.approx(alpha_true, abs=0.01)
    assert_allclose(res.items["loading"], lam, atol=0.02)


def test_recovers_true_ordinal_reliability():
    rng = np.random.default_rng(12)
    lam = np.array([0.8, 0.7, 0.7, 0.6, 0.5])
    n = 20_000
    z = rng.normal(size=(n, 1)) * lam + rng.normal(size=(n, 5)) * np.sqrt(1 - lam**2)
    x = pd.DataFrame(np.digitize(z, [-1.5, -0.5, 0.4, 1.2]) + 1.0, columns=list("abcde"))
    res = reliability(x, ordinal=True, n_boot=0)
    omega_true = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum())
    assert res.omega_total == pytest.approx(omega_true, abs=0.01)
    assert reliability(x, n_boot=0).omega_total < res.omega_total - 0.02  # Pearson attenuates


def test_frames_and_summary(data):
    res = reliability(data["bfi"], reverse=["A1"], n_boot=200, seed=2)
    tidy = res.to_frame()
    assert list(tidy.columns) == ["statistic", "estimate", "ci", "lower", "upper"]
    assert set(tidy.loc[tidy["statistic"] == "alpha", "ci"]) == {"feldt", "percentile", "bca"}
    assert "omega_total" in res.summary() or "omega" in res.summary()


def test_respondents_without_answers_are_reported():
    x = pd.DataFrame(
        {"a": [1, 2, 3, 4, np.nan, 5], "b": [2, 2, 3, 5, np.nan, 4], "c": [1, 3, 3, 4, np.nan, 5]},
        dtype=float,
    )
    res = reliability(x, n_boot=0)
    assert res.n == 5
    assert any("none of the items" in d for d in res.diagnostics)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reverse": ["zz"]}, "not columns"),
        ({"missing": "mean"}, "missing"),
        ({"item_range": (2, 4)}, "outside item_range"),
        ({"ci": 1.5}, "ci"),
        ({"n_boot": -1}, "n_boot"),
    ],
)
def test_bad_arguments(data, kwargs, message):
    with pytest.raises(UsageError, match=message):
        reliability(data["sim"], **kwargs)


def test_constant_item_is_refused():
    x = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [3.0, 3, 3, 3], "c": [1.0, 3, 2, 4]})
    with pytest.raises(UsageError, match="no variance"):
        reliability(x, n_boot=0)


def test_reliability_table_uses_instrument_keys():
    from dinamika import load_survey, reliability_table

    survey = load_survey()
    tab = reliability_table(survey, n_boot=100, seed=4)
    inst = survey.instrument
    assert list(tab["scale"]) == list(inst.scales)
    assert list(tab.columns) == [
        "scale", "n", "n_items", "alpha", "alpha_lower", "alpha_upper", "omega_total",
        "omega_lower", "omega_upper", "std_alpha", "lambda6", "average_r", "flagged_items",
        "notes",
    ]  # fmt: skip
    for row in tab.itertuples():
        items = list(inst.scales[row.scale])
        rev = [i for i in items if i in inst.reverse_keyed]
        one = reliability(survey.responses[items], reverse=rev, n_boot=0, item_range=(1, 5))
        assert row.alpha == pytest.approx(one.alpha, abs=1e-12)
        assert row.alpha_lower < row.alpha < row.alpha_upper
        assert row.omega_lower < row.omega_total < row.omega_upper
        # the simulated reverse-keyed items load well once keyed: none correlates negatively
        assert one.items["item_rest_r"].min() > 0


def test_reliability_table_on_a_frame_shares_draws_with_single_scales():
    from dinamika import load_instrument, reliability_table

    inst = load_instrument("komunitas-guru@1.0.0")
    rng = np.random.default_rng(8)
    df = pd.DataFrame(rng.integers(1, 6, size=(120, 24)).astype(float), columns=list(inst.item_ids))
    df = df.add(rng.normal(size=(120, 1)).round(), axis=0).clip(1, 5)  # some common variance
    tab = reliability_table(df, instrument=inst, n_boot=150, seed=2)
    items = list(inst.scales["saling_percaya"])
    one = reliability(df[items], reverse=["SP6"], n_boot=150, seed=2, item_range=(1, 5))
    row = tab.set_index("scale").loc["saling_percaya"]
    # omega of each bootstrap draw is an optimizer result: equal to its tolerance, not to 1e-12
    assert (row["omega_lower"], row["omega_upper"]) == pytest.approx(one.omega_ci_bca, rel=1e-6)
    with pytest.raises(UsageError, match="instrument"):
        reliability_table(df)


@pytest.mark.parametrize(
    ("key", "cols"), [("sim_nokeys", None), ("bfi_A2_A5", ["A2", "A3", "A4", "A5"])]
)
def test_bootstrap_interval_close_to_psych(ref, data, key, cols):
    # set.seed(s); quantile(psych::alpha(x, n.iter = 2000)$boot[, 1], c(.025, .975))
    items = data["sim"].drop(columns="s5") if cols is None else data["bfi"][cols]
    res = reliability(items, n_boot=2000, seed=1)
    # different random draws: agreement within Monte Carlo error only
    assert_allclose(res.alpha_ci_boot, ref["boot"][key], atol=0.01)


def test_response_distribution_only_for_integer_codes():
    rng = np.random.default_rng(21)
    f = rng.normal(size=(300, 1))
    x = pd.DataFrame(np.clip(np.round(f + rng.normal(size=(300, 4))), -2, 2), columns=list("abcd"))
    it = reliability(x, n_boot=0).items  # codes -2..2
    assert [c for c in it.columns if c.startswith("p_")] == ["p_-2", "p_-1", "p_0", "p_1", "p_2"]
    assert_allclose(it.loc["a", "p_0"], (x["a"] == 0).mean())
    x.iloc[5, 1] = 0.5  # one non-integer answer: no distribution, everything else unchanged
    it2 = reliability(x, n_boot=0).items
    assert not any(c.startswith("p_") for c in it2.columns)
    assert it2.loc["a", "mean"] == pytest.approx(it.loc["a", "mean"])


@pytest.mark.parametrize("term", ["contoh-2025-1", "contoh-2025-2"])
def test_bundled_terms_recover_their_true_ordinal_omega(term):
    # the bundled synthetic terms carry their generating loadings in truth.json
    from dinamika import load_survey

    folder = Path(__file__).parents[1] / "surveys" / term
    survey = load_survey(folder)
    truth = json.loads((folder / "truth.json").read_text())
    inst = survey.instrument
    for items in inst.scales.values():
        lam = np.array([abs(truth["items"][i]["loading"]) for i in items])
        omega_true = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum())
        rev = [i for i in items if i in inst.reverse_keyed]
        res = reliability(
            survey.responses[list(items)],
            reverse=rev,
            ordinal=True,
            n_boot=300,
            seed=1,
            item_range=(1, 5),
        )
        assert res.omega_total == pytest.approx(omega_true, abs=0.03)
        assert res.omega_ci_bca[0] < omega_true < res.omega_ci_bca[1]
        assert_allclose(res.items["loading"], lam, atol=0.12)


def test_an_item_nobody_answered_is_a_clear_error_not_a_warning() -> None:
    import warnings

    import dinamika
    from dinamika.errors import UsageError

    rng = np.random.default_rng(1)
    df = pd.DataFrame(rng.integers(1, 6, (50, 4)).astype(float), columns=list("abcd"))
    df["e"] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UsageError, match=r"item\(s\) e were answered by fewer than 2"):
            dinamika.reliability(df, n_boot=0)
        with pytest.raises(UsageError, match=r"item\(s\) e were answered by fewer than 2"):
            dinamika.polychoric(df)


def test_bootstrap_on_weakly_correlated_items_is_quiet() -> None:
    import warnings

    import dinamika

    rng = np.random.default_rng(5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        for _ in range(10):  # random answers: replicates far from the estimate
            df = pd.DataFrame(rng.integers(1, 6, (40, 6)).astype(float), columns=list("abcdef"))
            res = dinamika.reliability(df, n_boot=200, seed=1)
            assert np.isfinite(res.alpha)


def _small(n: int, p: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = rng.normal(size=(n, 1))
    x = np.clip(np.round(3 + f + rng.normal(size=(n, p))), 1, 5)
    return pd.DataFrame(x, columns=[f"q{i}" for i in range(p)])


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize(("n", "p", "seed"), [(4, 6, 3), (10, 5, 1), (10, 6, 2), (29, 4, 0)])
def test_bootstrap_below_the_minimum_n_is_not_reported(n, p, seed):
    from dinamika.core.sample_size import MINIMUMS

    x = _small(n, p, seed)
    x.iloc[0] = [1, 5] * (p // 2) + [3] * (p % 2)  # no item without variance
    res = reliability(x, n_boot=300, seed=1)
    assert n < MINIMUMS["reliability_bootstrap"].minimum
    for iv in (res.alpha_ci_boot, res.alpha_ci_bca, res.omega_ci_boot, res.omega_ci_bca):
        assert iv is not None and np.isnan(iv).all()
    assert any("bootstrap intervals are not reported" in d for d in res.diagnostics)
    assert res.alpha_ci_feldt[1] <= 1  # Feldt is still reported, inside its range
    assert "—" in res.summary()
    row = res.to_frame().query("statistic == 'alpha' and ci == 'bca'")
    assert row["lower"].isna().all()


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("seed", range(12))
def test_bootstrap_bounds_never_exceed_one(seed):
    rng = np.random.default_rng(seed)
    n, p = int(rng.integers(30, 40)), int(rng.integers(3, 8))
    x = _small(n, p, seed)
    x = x.mask(rng.random(x.shape) < 0.1 * (seed % 2))
    res = reliability(x, n_boot=300, seed=seed, ordinal=seed % 4 == 0)
    for iv in (
        res.alpha_ci_feldt,
        res.alpha_ci_boot,
        res.alpha_ci_bca,
        res.omega_ci_boot,
        res.omega_ci_bca,
    ):
        assert iv is not None
        assert not np.isfinite(iv).all() or iv[0] <= iv[1] <= 1


def test_bca_and_percentile_cap_replicates_at_one():
    from dinamika.psychometrics.reliability.bootstrap import bca_interval, percentile_interval

    boot = np.array([0.8, 0.9, 1.02, 1.04, 0.95, 0.97, 1.1, np.nan, 0.85, 0.99])
    jack = np.array([0.9, 0.93, 1.01, 0.95])
    assert percentile_interval(boot, 0.95)[1] == 1.0
    assert bca_interval(boot, 0.96, jack, 0.95)[1] <= 1.0
    assert np.isnan(percentile_interval(np.array([np.nan, 0.5]), 0.95)).all()


def test_reliability_table_below_the_minimum_says_why():
    from dinamika import load_survey, reliability_table

    survey = load_survey()
    few = survey.responses.iloc[:20]
    tab = reliability_table(few, instrument=survey.instrument, n_boot=100, seed=1)
    assert tab["omega_lower"].isna().all() and tab["alpha_lower"].notna().all()
    assert tab["notes"].str.contains("bootstrap intervals are not reported").all()
