"""dinamika.observation_scores: reconciliation, min-items rule, disagreement, teacher level."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dinamika.errors import UsageError
from dinamika.psychometrics.observation import observation_scores

SCALES = {
    "persiapan": ("PP1", "PP2", "PP3"),
    "pengelolaan_kelas": ("PK1", "PK2", "PK3", "PK4"),
    "interaksi": ("IK1", "IK2", "IK3", "IK4"),
    "metode": ("MP1", "MP2", "MP3"),
    "penguasaan_materi": ("PM1", "PM2", "PM3", "PM4"),
    "evaluasi": ("EP1", "EP2", "EP3"),
}
INDICATORS = [i for items in SCALES.values() for i in items]


def _frame() -> pd.DataFrame:
    rows = [
        ("L1", "G1", "P1", [3] * 21),
        ("L1", "G1", "P2", [4] * 3 + [2] * 18),
        ("L2", "G1", "P1", [1, 2, 3] + [2] * 18),
        ("L3", "G2", "P2", [np.nan, np.nan, 4] + [3] * 18),  # persiapan: 1 of 3 answered
        ("L3", "G2", "P3", [np.nan, 2, 2] + [4] * 18),
        ("L3", "G2", "KONSENSUS", [3, 3, 3] + [3.0] * 18),
    ]
    return pd.DataFrame(
        [
            dict(lesson=le, teacher=t, observer=o, **dict(zip(INDICATORS, v, strict=True)))
            for le, t, o, v in rows
        ]
    )


def test_lesson_scores_by_hand():
    res = observation_scores(_frame(), SCALES, consensus_observer="KONSENSUS")
    assert res["lesson"].tolist() == ["L1", "L2", "L3"]
    assert res["n_observers"].tolist() == [2, 1, 2]  # the consensus row is no observer
    assert res["source"].tolist() == ["mean", "single", "mean"]
    l1, l2, l3 = (res.iloc[i] for i in range(3))
    # L1: persiapan (3+4)/2 = 3.5, other aspects (3+2)/2 = 2.5; overall mean of 6 aspects
    assert l1["PP1"] == 3.5 and l1["persiapan"] == 3.5 and l1["metode"] == 2.5
    assert l1["overall"] == pytest.approx((3.5 + 5 * 2.5) / 6)
    # disagreement: largest indicator gap 1; aspect gaps |4-3| and |2-3|
    assert l1["max_abs_diff"] == 1.0
    assert l1["persiapan_diff"] == 1.0 and l1["evaluasi_diff"] == 1.0
    assert l1["overall_diff"] == pytest.approx(abs((4 + 5 * 2) / 6 - 3))
    # L2: one observer, no disagreement
    assert l2["persiapan"] == 2.0 and np.isnan(l2["max_abs_diff"]) and np.isnan(l2["metode_diff"])
    # L3 reconciled: PP1 missing for both, PP2 = 2 (one observer), PP3 = 3; 2 of 3 -> scored
    assert np.isnan(l3["PP1"]) and l3["PP2"] == 2.0 and l3["PP3"] == 3.0
    assert l3["persiapan"] == 2.5
    # P2 alone has 1 of 3 persiapan items -> its own persiapan score is missing -> no diff
    assert np.isnan(l3["persiapan_diff"])
    assert l3["max_abs_diff"] == 2.0  # PP3 4 vs 2
    assert l3["metode"] == 3.5 and l3["metode_diff"] == 1.0


def test_consensus_rows_replace_the_mean():
    res = observation_scores(
        _frame(), SCALES, reconcile="consensus", consensus_observer="KONSENSUS"
    )
    l3 = res.set_index("lesson").loc["L3"]
    assert l3["source"] == "consensus"
    assert l3["PP1"] == 3.0 and l3["persiapan"] == 3.0 and l3["overall"] == 3.0
    # disagreement still measured between the two real observers
    assert l3["max_abs_diff"] == 2.0 and l3["n_observers"] == 2
    assert res.set_index("lesson").loc["L1", "source"] == "mean"


def test_min_answered_rule():
    obs = _frame().iloc[[3]]  # P2 on L3 alone: persiapan has 1 of 3 indicators
    res = observation_scores(obs, SCALES)
    assert np.isnan(res["persiapan"].iloc[0])
    # overall averages the 5 scored aspects (5 of 6 >= half)
    assert res["overall"].iloc[0] == 3.0
    loose = observation_scores(obs, SCALES, min_answered=1 / 3)
    assert loose["persiapan"].iloc[0] == 4.0


def test_teacher_level_means_over_lessons():
    lessons = observation_scores(_frame(), SCALES, consensus_observer="KONSENSUS")
    res = observation_scores(_frame(), SCALES, level="teacher", consensus_observer="KONSENSUS")
    assert res["teacher"].tolist() == ["G1", "G2"]
    g1 = res.iloc[0]
    assert g1["n_lessons"] == 2 and g1["n_double_rated"] == 1 and g1["n_observers"] == 2
    assert res.iloc[1]["n_observers"] == 2  # P2, P3; the consensus row is no observer
    expected = lessons.loc[lessons["teacher"] == "G1", ["overall", "persiapan", "PP1"]].mean()
    assert g1["overall"] == pytest.approx(expected["overall"])
    assert g1["persiapan"] == pytest.approx((3.5 + 2.0) / 2)
    assert g1["PP1"] == pytest.approx((3.5 + 1.0) / 2)
    assert g1["max_abs_diff"] == 1.0  # the largest over lessons (L2 has none)
    assert res.attrs["aspects"] == list(SCALES)
    assert "lesson" not in res.columns


def test_mean_of_observers_equals_mean_of_means_for_complete_data():
    rng = np.random.default_rng(5)
    n = 40
    obs = pd.DataFrame(rng.integers(1, 5, size=(2 * n, 21)).astype(float), columns=INDICATORS)
    obs.insert(0, "observer", ["A", "B"] * n)
    obs.insert(0, "teacher", np.repeat([f"G{i % 7}" for i in range(n)], 2))
    obs.insert(0, "lesson", np.repeat([f"L{i}" for i in range(n)], 2))
    res = observation_scores(obs, SCALES)
    a = observation_scores(obs[obs.observer == "A"], SCALES).set_index("lesson")
    b = observation_scores(obs[obs.observer == "B"], SCALES).set_index("lesson")
    r = res.set_index("lesson")
    for aspect in [*SCALES, "overall"]:
        np.testing.assert_allclose(r[aspect], (a[aspect] + b[aspect]) / 2)
        np.testing.assert_allclose(r[f"{aspect}_diff"], (a[aspect] - b[aspect]).abs())
    np.testing.assert_allclose(r["max_abs_diff"], (a[INDICATORS] - b[INDICATORS]).abs().max(axis=1))


def test_accepts_instrument_object():
    dinamika = pytest.importorskip("dinamika")
    inst = dinamika.load_instrument("observasi-pembelajaran")
    res = observation_scores(_frame(), inst, consensus_observer="KONSENSUS")
    assert list(res.columns[4:25]) == INDICATORS
    assert res.attrs["aspects"] == list(inst.scales)


@pytest.mark.parametrize(
    ("change", "kwargs", "match"),
    [
        (lambda d: d.drop(columns="PP1"), {}, "lacks"),
        (lambda d: d.assign(PP1=5.0), {}, "between 1 and 4"),
        (lambda d: pd.concat([d, d.iloc[[0]]]), {}, "once"),
        (lambda d: d.assign(teacher=["G1", "G9", "G1", "G2", "G2", "G2"]), {}, "one teacher"),
        (lambda d: d, {"level": "school"}, "level"),
        (lambda d: d, {"reconcile": "consensus"}, "consensus_observer"),
        (lambda d: d, {"reconcile": "median"}, "reconcile"),
    ],
)
def test_input_errors(change, kwargs, match):
    with pytest.raises(UsageError, match=match):
        observation_scores(change(_frame()), SCALES, **kwargs)


def test_exclude_observers_drops_rows():
    obs = pd.concat([_frame(), _frame().iloc[[2]].assign(observer="MASTER", PP1=4.0)])
    res = observation_scores(
        obs, SCALES, exclude_observers=["MASTER"], consensus_observer="KONSENSUS"
    )
    base = observation_scores(_frame(), SCALES, consensus_observer="KONSENSUS")
    pd.testing.assert_frame_equal(res, base)
    with_master = observation_scores(obs, SCALES, consensus_observer="KONSENSUS")
    assert with_master.set_index("lesson").loc["L2", "n_observers"] == 2


def test_relate_uses_consensus_and_master_from_the_manifest(monkeypatch):
    from types import SimpleNamespace

    import dinamika.psychometrics.observation
    from dinamika.relations.linking import relate

    seen = {}

    def spy(*args, **kwargs):
        seen.update(kwargs)
        raise RuntimeError("stop after scoring")

    monkeypatch.setattr(dinamika.psychometrics.observation, "observation_scores", spy)
    survey = SimpleNamespace(
        observations=_frame(),
        observation_instrument=SCALES,
        instrument=SimpleNamespace(scales={"a": ("A1",)}),
        manifest={"observations": {"consensus": "KONSENSUS", "master": "MASTER"}},
    )
    scores = pd.DataFrame({"teacher": ["G1", "G2"], "school": ["S1", "S1"], "a": [3.0, 4.0]})
    with pytest.raises(RuntimeError, match="stop after scoring"):
        relate(survey, scores=scores)
    assert seen["reconcile"] == "consensus"
    assert seen["consensus_observer"] == "KONSENSUS"
    assert list(seen["exclude_observers"]) == ["MASTER"]
    assert seen["level"] == "teacher"


def test_object_and_nullable_scores_equal_float() -> None:
    obs = _frame()
    ind = [c for c in obs.columns if c not in ("lesson", "teacher", "observer")]
    ref = observation_scores(obs, SCALES)
    nullable = obs.astype({c: "Float64" for c in ind})
    nullable.loc[nullable.index[0], ind[0]] = pd.NA
    plain = obs.copy()
    plain.loc[plain.index[0], ind[0]] = np.nan
    pd.testing.assert_frame_equal(
        observation_scores(nullable, SCALES), observation_scores(plain, SCALES)
    )
    pd.testing.assert_frame_equal(
        observation_scores(obs.astype({c: object for c in ind}), SCALES), ref
    )


def test_a_loaded_survey_is_accepted() -> None:
    from dinamika import load_survey

    survey = load_survey(key="observation-tests-key-0123456789abcdef")
    direct = observation_scores(survey.observations, survey.observation_instrument, level="teacher")
    pd.testing.assert_frame_equal(observation_scores(survey, level="teacher"), direct)
    with pytest.raises(UsageError, match="observation instrument"):
        observation_scores(survey.observations)
