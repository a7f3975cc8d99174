"""dinamika.score: reverse keys, the minimum-answered rule, sums, the TALIS-style metric."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from dinamika import load_instrument, load_survey, score
from dinamika.errors import UsageError

INST = load_instrument("komunitas-guru@1.0.0")


def _frame(rows: dict[str, list[float | None]], n: int) -> pd.DataFrame:
    data = {i: [3.0] * n for i in INST.item_ids}
    data.update(rows)
    return pd.DataFrame(data, dtype=float)


def test_reverse_keying_and_mean():
    df = _frame({"KEP1": [5, 1], "KEP6": [1, 5]}, 2)  # KEP6 is reverse-keyed: 6 - x
    out = score(df, instrument=INST)
    # respondent 0: 5, 3, 3, 3, 3, (6 - 1) = 5 -> 22 / 6
    assert_allclose(out["kepemimpinan"], [22 / 6, 14 / 6])  # resp 1: 1, 3, 3, 3, 3, (6 - 5) = 1
    assert list(out["kepemimpinan_n"]) == [6, 6]


def test_min_answered_rule_at_least_half():
    six = INST.scales["kepemimpinan"]
    rows = {i: [None, None] for i in six[:3]}
    rows[six[3]] = [4.0, None]  # respondent 0 answers 3 of 6 items, respondent 1 only 2
    df = _frame(rows, 2)
    out = score(df, instrument=INST)  # default: at least ceil(0.5 * 6) = 3 items
    assert list(out["kepemimpinan_n"]) == [3, 2]
    assert out["kepemimpinan"].iloc[0] == pytest.approx(10 / 3)  # 4, 3 and reverse-keyed 3
    assert np.isnan(out["kepemimpinan"].iloc[1])
    strict = score(df, instrument=INST, min_answered=0.6)  # ceil(3.6) = 4 items needed
    assert strict["kepemimpinan"].isna().all()


def test_min_answered_boundary():
    six = INST.scales["saling_percaya"]
    df = _frame({i: [None] for i in six[:4]}, 1)  # 2 of 6 answered
    assert np.isnan(score(df, instrument=INST)["saling_percaya"].iloc[0])
    assert score(df, instrument=INST, min_answered=1 / 3)["saling_percaya"].iloc[
        0
    ] == pytest.approx(3.0)


def test_prorated_sum():
    six = INST.scales["komitmen_kolektif"]
    df = _frame({six[0]: [5.0], six[1]: [None]}, 1)
    out = score(df, instrument=INST, method="sum")
    # answered: 5, 3, 3, 3, and the reverse-keyed last item 3 -> mean 17/5, prorated x 6
    assert out["komitmen_kolektif"].iloc[0] == pytest.approx(17 / 5 * 6)


def test_talis_metric_midpoint_10_sd_2():
    rng = np.random.default_rng(4)
    df = pd.DataFrame(
        rng.integers(1, 6, size=(200, len(INST.item_ids))).astype(float),
        columns=list(INST.item_ids),
    )
    df.iloc[0] = 3.0  # all at the midpoint (reverse keying keeps 3 at 3)
    plain = score(df, instrument=INST)
    talis = score(df, instrument=INST, talis=True)
    for scale in INST.scales:
        assert talis[scale].iloc[0] == pytest.approx(10.0)
        assert talis[scale].std(ddof=1) == pytest.approx(2.0)
        assert_allclose(talis[scale], 10 + 2 * (plain[scale] - 3) / plain[scale].std(ddof=1))


def test_survey_scores_keep_ids_and_groups():
    survey = load_survey()
    out = score(survey)
    assert out.index.equals(survey.responses.index)
    assert list(out.columns[: len(survey.groups) + 1]) == ["teacher", *survey.groups]
    for scale in INST.scales:
        assert scale in out and f"{scale}_n" in out
        assert out[scale].dropna().between(1, 5).all()
    # the manifest's min_answered applies when not given
    need = np.ceil(survey.min_answered * 6)
    assert (out.loc[out["kepemimpinan"].notna(), "kepemimpinan_n"] >= need).all()
    assert out.loc[out["kepemimpinan_n"] < need, "kepemimpinan"].isna().all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "median"}, "method"),
        ({"min_answered": 0}, "min_answered"),
        ({"min_answered": 1.5}, "min_answered"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(UsageError, match=message):
        score(_frame({}, 1), instrument=INST, **kwargs)


def test_dataframe_needs_instrument_and_columns():
    with pytest.raises(UsageError, match="instrument"):
        score(_frame({}, 1))
    with pytest.raises(UsageError, match="KEP1"):
        score(_frame({}, 1).drop(columns="KEP1"), instrument=INST)


def test_out_of_range_code_is_refused():
    with pytest.raises(UsageError, match="outside its range"):
        score(_frame({"SP2": [7.0]}, 1), instrument="komunitas-guru@1.0.0")
