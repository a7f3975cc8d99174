"""dinamika.agreement.observers: observer agreement per indicator/aspect/overall, observer certification."""

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
from dinamika.agreement.observers import TABLE_COLUMNS, certify_observers, rater_agreement
from dinamika.errors import UsageError

REF = Path(__file__).parent / "reference" / "agreement"
R = json.loads((REF / "agreement.json").read_text())


@pytest.fixture(scope="module")
def obs() -> pd.DataFrame:
    return pd.read_csv(REF / "observations.csv")


def _wide(obs: pd.DataFrame, col: str) -> np.ndarray:
    o = obs.sort_values(["lesson", "observer"])
    return o[col].to_numpy(float).reshape(-1, 2)


@pytest.mark.parametrize("indicator", ["X1", "X2", "X3"])
def test_indicator_rows_equal_psych(obs, indicator):
    res = rater_agreement(obs)
    row = res.table.set_index("unit").loc[indicator]
    ref = R["observations"][indicator]
    # R: ICC(na.omit(w), lmer = FALSE)$results$ICC[c(1, 2, 5)]
    assert_allclose([row["icc1"], row["icc2"], row["icc2k"]],
                    [ref["icc1"], ref["icc2"], ref["icc2k"]], atol=1e-6)  # fmt: skip
    # R: cohen.kappa(w, levels = 1:4)$weighted.kappa; cohen.kappa(w, w = lin(4), levels = 1:4)
    assert_allclose(row["kappa_quadratic"], ref["kappa_quadratic"], atol=1e-6)
    assert_allclose(row["kappa_linear"], ref["kappa_linear"], atol=1e-6)
    assert row["n_pairs"] == ref["n"]
    assert row["level"] == "indicator"


def test_indicator_rows_equal_the_building_blocks(obs):
    res = rater_agreement(obs)
    assert list(res.table.columns) == list(TABLE_COLUMNS)
    assert res.n_lessons == res.n_double_rated == 25
    assert res.observers == ("P1", "P2", "P3", "P4")
    for col in ("X1", "X2", "X3"):
        w = _wide(obs, col)
        row = res.table.set_index("unit").loc[col]
        pa = percent_agreement(w[:, 0], w[:, 1])
        assert_allclose([row["exact_pct"], row["adjacent_pct"]], [pa.exact_pct, pa.adjacent_pct])
        assert_allclose(row["alpha_ordinal"], krippendorff_alpha(w, level="ordinal").alpha)
        assert_allclose(row["alpha_interval"], krippendorff_alpha(w, level="interval").alpha)
        assert row["n_lessons"] == row["n_icc"] == int((~np.isnan(w)).all(axis=1).sum())
    # no instrument: indicators + pooled only
    assert set(res.table["level"]) == {"indicator", "pooled"}
    pooled = res.table.set_index("level").loc["pooled"]
    stacked = np.vstack([_wide(obs, c) for c in ("X1", "X2", "X3")])
    ok = ~np.isnan(stacked).any(axis=1)
    assert pooled["n_pairs"] == ok.sum()
    assert pooled["n_lessons"] == 25
    k = weighted_kappa(stacked[:, 0], stacked[:, 1], weights="linear", categories=[1, 2, 3, 4])
    assert_allclose(pooled["kappa_linear"], k.kappa)
    assert_allclose(pooled["icc2k"], icc(stacked).at["ICC2k", "icc"])


def test_aspect_and_overall_scores(obs):
    scales = {"a": ["X1", "X2"], "b": ["X3"]}
    res = rater_agreement(obs, instrument=scales)
    t = res.table.set_index("unit")
    assert list(res.table["level"]) == ["indicator"] * 3 + ["aspect"] * 2 + ["overall", "pooled"]
    o = obs.sort_values(["lesson", "observer"])
    # aspect a: mean of X1, X2 (half of the items needed: one answered is enough)
    a = o[["X1", "X2"]].mean(axis=1).to_numpy().reshape(-1, 2)
    overall = ((o[["X1", "X2"]].mean(axis=1) + o["X3"]) / 2).to_numpy().reshape(-1, 2)
    assert_allclose(t.loc["a", "icc2k"], icc(a).at["ICC2k", "icc"])
    assert_allclose(t.loc["overall", "alpha_interval"],
                    krippendorff_alpha(overall, level="interval").alpha)  # fmt: skip
    d = np.abs(overall[:, 0] - overall[:, 1])
    assert_allclose(t.loc["overall", "exact_pct"], 100 * np.mean(d == 0))
    assert_allclose(t.loc["overall", "adjacent_pct"], 100 * np.mean(d <= 1))
    # kappa only for categorical units
    assert t.loc[["a", "b", "overall"], "kappa_linear"].isna().all()
    rows = res.summary().splitlines()[2:]  # after the headline and the column names
    assert [r.split()[0] for r in rows] == ["aspect", "aspect", "overall", "pooled"]


def test_single_rated_excluded_and_three_observers():
    obs = pd.DataFrame({
        "lesson": ["L1", "L1", "L1", "L2", "L2", "L3", "L4", "L4"],
        "teacher": ["T1"] * 8,
        "observer": ["P1", "P2", "P3", "P1", "P2", "P1", "P2", "C"],
        "X": [3, 3, 2, 4, 4, 1, 2, 2.0],
    })  # fmt: skip
    res = rater_agreement(obs, exclude=["C"])
    assert res.n_lessons == 4 and res.n_double_rated == 2 and res.excluded == ("C",)
    row = res.table.iloc[0]
    # L1 gives 3 pairs (P1-P2 agree, P1-P3, P2-P3 differ by 1), L2 one agreeing pair
    assert row["n_pairs"] == 4 and row["n_lessons"] == 2
    assert row["n_icc"] == 1 and np.isnan(row["icc1"])  # only L1 has all three observers
    assert row["exact_pct"] == pytest.approx(50.0) and row["adjacent_pct"] == pytest.approx(100.0)
    with_c = rater_agreement(obs)
    assert with_c.n_double_rated == 3


def test_rater_agreement_errors(obs):
    with pytest.raises(UsageError, match="appear twice"):
        rater_agreement(pd.concat([obs, obs.iloc[:1]]))
    single = obs.drop_duplicates("lesson")
    with pytest.raises(UsageError, match="two observers"):
        rater_agreement(single)
    with pytest.raises(UsageError, match="not in the observation table"):
        rater_agreement(obs, instrument={"a": ["X1", "X9"]})
    with pytest.raises(UsageError, match="not found"):
        rater_agreement(obs, lesson="id_pelajaran")
    bad = obs.assign(X1=obs["X1"].replace({1: 5}))
    with pytest.raises(UsageError, match=r"X1: Rating\(s\) \[5\.0\] are not among the categories"):
        rater_agreement(bad)


# ---------------------------------------------------------------- certification
@pytest.fixture()
def cert() -> pd.DataFrame:
    return pd.DataFrame({
        "lesson": ["L1"] * 4 + ["L2"] * 3 + ["L3"],
        "teacher": ["T"] * 8,
        "observer": ["M", "P1", "P2", "P3", "M", "P1", "P2", "P3"],
        "A": [3, 3, 1, 4, 2, 2, 2, 1.0],
        "B": [4, 3, 2, 4, 1, np.nan, 1, 4.0],
        "C": [2, 2, 4, 3, 3, 4, 3, 2.0],
    })  # fmt: skip


def test_certify_observers_by_hand(cert):
    out = certify_observers(cert, "M").set_index("observer")
    # P1: L1 (3,3,2 vs 3,4,2) + L2 (2,-,4 vs 2,1,3): diffs 0,1,0,0,1 -> exact 3/5, within 5/5
    assert out.at["P1", "n_ratings"] == 5 and out.at["P1", "n_lessons"] == 2
    assert out.at["P1", "exact_pct"] == pytest.approx(60.0)
    assert out.at["P1", "adjacent_pct"] == pytest.approx(100.0)
    assert out.at["P1", "mean_abs_diff"] == pytest.approx(2 / 5)
    # P2: diffs 2,2,2,0,0,0 -> within 3/6 = 50% -> not certified
    assert out.at["P2", "adjacent_pct"] == pytest.approx(50.0)
    assert bool(out.at["P1", "certified"]) and not bool(out.at["P2", "certified"])
    # P3: L1 diffs 1,0,1 -> 100% within; L3 has no master rating
    assert out.at["P3", "n_ratings"] == 3 and bool(out.at["P3", "certified"])
    assert "80%" in out.attrs["rule"]
    strict = certify_observers(cert, "M", within=0, threshold=0.5).set_index("observer")
    assert strict["certified"].tolist() == [True, True, False]
    assert not certify_observers(cert, "M", min_ratings=6)["certified"].any()


def test_certify_with_master_frame_equals_master_id(cert):
    master = cert[cert["observer"] == "M"].drop(columns=["observer", "teacher"])
    others = cert[cert["observer"] != "M"]
    a = certify_observers(cert, "M")
    b = certify_observers(others, master)
    pd.testing.assert_frame_equal(a, b)


def test_certify_errors(cert):
    with pytest.raises(UsageError, match="No rows of master"):
        certify_observers(cert, "MASTER")
    with pytest.raises(UsageError, match="between 0 and 1"):
        certify_observers(cert, "M", threshold=80)
    with pytest.raises(UsageError, match="more than one row"):
        certify_observers(cert, cert[["lesson", "A"]])


def test_certify_mean_diff_sign(cert):
    out = certify_observers(cert, "M").set_index("observer")
    # P1 - M: 0, -1, 0 (L1) and 0, +1 (L2); P2 - M: -2, -2, +2, 0, 0, 0; P3 - M: +1, 0, +1
    assert_allclose(out["mean_diff"], [0.0, -2 / 6, 2 / 3])


# ---------------------------------------------------------------- example and simulated data
ROOT = Path(__file__).resolve().parents[1]


def test_bundled_example_term():
    from dinamika import load_survey

    survey = load_survey(ROOT / "surveys" / "contoh-2025-1", key="dinamika-test-key-0123456789")
    obs = survey.observations
    res = rater_agreement(obs, instrument=survey.observation_instrument)
    n_double = int((obs.groupby("lesson")["observer"].nunique() >= 2).sum())
    assert res.n_double_rated == n_double > 0
    t = res.table
    assert t["level"].value_counts().to_dict() == {"indicator": 21, "aspect": 6, "overall": 1,
                                                   "pooled": 1}  # fmt: skip
    kap = t.loc[t["level"] == "indicator", ["kappa_linear", "kappa_quadratic"]].to_numpy()
    assert np.isfinite(kap).all() and (np.abs(kap) <= 1).all()
    # the mean of two observers is more reliable than one (Spearman-Brown)
    assert (t["icc2k"] >= t["icc2"]).all()
    assert (t["adjacent_pct"] >= t["exact_pct"]).all()


def test_simulated_master_recovers_observer_severity():
    from dinamika import simulate

    sim = simulate(seed=5, master_share=0.5)
    obs = sim.observations.rename(
        columns={"id_pelajaran": "lesson", "id_guru": "teacher", "id_pengamat": "observer"}
    )
    master = sim.truth["quality"]["master"]
    cert = certify_observers(obs, master)
    severity = pd.Series(sim.truth["quality"]["observer_severity"])
    # simulated severity shifts an observer's latent ratings; the signed difference from the
    # (unbiased) master must follow it closely
    r = np.corrcoef(cert["observer"].map(severity), cert["mean_diff"])[0, 1]
    assert r > 0.9
    assert (cert["n_ratings"] > 0).all()
    # the master never counts as one of a lesson's observers when excluded
    res = rater_agreement(obs, exclude=[master])
    assert master not in res.observers and res.excluded == (master,)


def test_survey_object_is_accepted(tmp_path):
    from dinamika import load_survey, simulate

    term = simulate(seed=9, master_share=0.4)
    folder = tmp_path / "term"
    term.write(folder)
    survey = load_survey(folder, key="dinamika-test-key-0123456789")
    master = survey.manifest["observations"]["master"]
    via_survey = rater_agreement(survey)
    by_hand = rater_agreement(
        survey.observations, instrument=survey.observation_instrument, exclude=[master]
    )
    pd.testing.assert_frame_equal(via_survey.table, by_hand.table)
    assert via_survey.excluded == (master,)
    pd.testing.assert_frame_equal(
        certify_observers(survey), certify_observers(survey.observations, master)
    )
    with pytest.raises(UsageError, match="Name the master"):
        certify_observers(survey.observations)


def test_indicator_without_variance_is_nan_not_an_error():
    obs = pd.DataFrame({
        "lesson": ["L1", "L1", "L2", "L2", "L3", "L3"], "observer": ["A", "B"] * 3,
        "X": [4.0] * 6, "Y": [1, 2, 3, 3, 4, 4.0],
    })  # fmt: skip
    t = rater_agreement(obs).table.set_index("unit")
    assert t.at["X", "exact_pct"] == 100.0
    assert np.isnan(t.at["X", "kappa_linear"]) and np.isnan(t.at["X", "icc2k"])
    assert np.isfinite(t.at["Y", "kappa_linear"])


def test_categories_come_from_the_instrument_response_scale(obs):
    from types import SimpleNamespace

    items = [SimpleNamespace(id=i, min=1, max=6) for i in ("X1", "X2", "X3")]
    inst = SimpleNamespace(scales={"a": ("X1", "X2", "X3")}, items=items)
    row = rater_agreement(obs, instrument=inst).table.set_index("unit").loc["X1"]
    w = _wide(obs, "X1")
    six = weighted_kappa(w[:, 0], w[:, 1], weights="quadratic", categories=range(1, 7))
    four = weighted_kappa(w[:, 0], w[:, 1], weights="quadratic", categories=range(1, 5))
    assert_allclose(row["kappa_quadratic"], six.kappa)
    # unused end categories rescale the weights but leave kappa unchanged
    assert_allclose(six.kappa, four.kappa, rtol=1e-10)
    given = rater_agreement(obs, instrument=inst, categories=[1, 2, 3, 4]).table
    assert_allclose(given.set_index("unit").at["X1", "kappa_quadratic"], four.kappa)
    # a 0-3 response scale in the instrument makes a rating of 4 an error, named by indicator
    zero3 = SimpleNamespace(scales=inst.scales, items=[SimpleNamespace(id=i.id, min=0, max=3)
                                                       for i in items])  # fmt: skip
    with pytest.raises(UsageError, match=r"X1: .*not among the categories \[0, 1, 2, 3\]"):
        rater_agreement(obs, instrument=zero3)


def test_object_and_nullable_ratings_equal_float(obs) -> None:
    ref = rater_agreement(obs).table
    ind = [c for c in obs.columns if c not in ("lesson", "teacher", "observer")]
    as_object = obs.astype({c: object for c in ind})
    nullable = obs.astype({c: "Float64" for c in ind})
    for frame in (as_object, nullable):
        got = rater_agreement(frame).table
        pd.testing.assert_frame_equal(got, ref)
