"""dinamika.agreement.groups against R (reference: tests/reference/agreement/make_agreement.R)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from dinamika.agreement.groups import group_agreement, group_icc, rwg
from dinamika.errors import UsageError

REF = Path(__file__).parent / "reference" / "agreement"
R = json.loads((REF / "agreement.json").read_text())
ITEMS = ["KEP1", "KEP2", "KEP3", "KEP4"]


@pytest.fixture(scope="module")
def groups() -> pd.DataFrame:
    return pd.read_csv(REF / "groups.csv")


def test_group_icc_equals_aov(groups):
    # R: mod <- aov(kepemimpinan ~ as.factor(school), data = grp_df); summary(mod)
    #    ICC1 = (MSB - MSW) / (MSB + (N/G - 1) * MSW)    (multilevel::ICC1)
    #    ICC2 = (MSB - MSW) / MSB                        (multilevel::ICC2)
    ref = R["groups"]
    s = group_icc(groups["kepemimpinan"], groups["school"])
    for ours, theirs in [("msb", "msb"), ("msw", "msw"), ("f", "f"), ("p", "p"),
                         ("df1", "df1"), ("df2", "df2"), ("icc1", "icc1"), ("icc2", "icc2"),
                         ("group_size", "group_size")]:  # fmt: skip
        assert_allclose(s[ours], ref[theirs], rtol=1e-9, atol=1e-12, err_msg=ours)
    assert s["n"] == len(groups) and s["n_groups"] == groups["school"].nunique()
    # R: FL <- F / qf(.975, G - 1, N - G); (FL - 1) / (FL + N/G - 1); same with FU for the upper
    assert_allclose([s["icc1_lower"], s["icc1_upper"]],
                    [ref["icc1_lower"], ref["icc1_upper"]], rtol=1e-9)  # fmt: skip
    assert s["icc1_lower"] < s["icc1"] < s["icc1_upper"]
    # R: (MSB - MSW) / (MSB + (k0 - 1) * MSW), k0 = (N - sum(n_j^2) / N) / (G - 1)
    adj = group_icc(groups["kepemimpinan"], groups["school"], group_size="adjusted")
    assert_allclose(adj["icc1"], ref["icc1_adjusted"], rtol=1e-9)
    assert_allclose(adj["group_size"], ref["group_size_adjusted"], rtol=1e-12)
    assert groups["school"].value_counts().nunique() > 1  # unequal group sizes


def test_rwg_j_equals_r(groups):
    # R: rwgj(Q) per school: J (1 - mv/2) / (J (1 - mv/2) + mv/2), 0 when mv > 2 (uniform null)
    ref = R["rwg_j"]
    res = rwg(groups[["school", *ITEMS]], "school", n_options=5)
    assert res["group"].tolist() == ref["group"]
    assert_allclose(res["rwg_j"], ref["rwg_j"], atol=1e-9)
    assert_allclose(res["mean_var"], ref["mean_var"], atol=1e-12)
    assert res["n"].tolist() == ref["n"]
    assert (res["n_items"] == 4).all()
    assert res.attrs["null_variance"] == 2.0
    # truncation: flagged exactly where the mean variance exceeds the null variance
    assert (res["truncated"] == (res["mean_var"] > 2.0)).all()
    assert (res.loc[res["truncated"], "rwg_j"] == 0).all()


def test_rwg_single_item_and_group_vector(groups):
    # R: tapply(items[, 1], grp, function(v) max(0, 1 - var(v, na.rm = TRUE) / 2))
    res = rwg(groups[["KEP1"]], groups["school"].to_numpy())
    assert_allclose(res["rwg_j"], R["rwg_single"]["rwg"], atol=1e-12)


def test_rwg_truncates_and_handles_singletons():
    d = pd.DataFrame({"g": ["a", "a", "b", "b", "c"], "x": [1, 5, 3, 3, 4], "y": [5, 1, 3, 3, 4]})
    res = rwg(d, "g").set_index("group")
    assert res.at["a", "rwg_j"] == 0 and res.at["a", "truncated"]
    assert res.at["b", "rwg_j"] == 1 and not res.at["b", "truncated"]
    assert np.isnan(res.at["c", "rwg_j"]) and res.at["c", "n"] == 1
    custom = rwg(d, "g", null_variance=10.0).set_index("group")
    mv = 8.0
    assert_allclose(custom.at["a", "rwg_j"], 2 * (1 - mv / 10) / (2 * (1 - mv / 10) + mv / 10))


def test_group_agreement_table_and_rule(groups):
    scores = groups[["school", "kepemimpinan"]].assign(kkg=groups["school"].str[:2])
    res = group_agreement(scores, group=["school", "kkg"], items=groups[ITEMS],
                          instrument={"kepemimpinan": ITEMS}, min_group=5)  # fmt: skip
    row = res.scales.set_index("group_by").loc["school"]
    assert_allclose(row["icc1"], R["groups"]["icc1"], rtol=1e-9)
    assert_allclose(row["icc2"], R["groups"]["icc2"], rtol=1e-9)
    assert_allclose(row["rwg_j_median"], np.median(R["rwg_j"]["rwg_j"]), atol=1e-9)
    g = res.groups[res.groups["group_by"] == "school"].set_index("group")
    means = groups.groupby("school")["kepemimpinan"].mean()
    assert_allclose(g["mean"], means.loc[g.index])
    assert_allclose(g["rwg_j"], R["rwg_j"]["rwg_j"], atol=1e-9)
    expected = (
        bool(row["icc1"] >= 0.05 and row["rwg_j_median"] >= 0.70)
        & (g["n"] >= 5)
        & (g["rwg_j"] >= 0.70)
    )
    assert (g["aggregate_ok"] == expected).all()
    assert (g.loc[g["n"] < 5, "reason"].str.contains("n<5")).all()
    assert (g.loc[g["aggregate_ok"], "reason"] == "").all()
    assert "ICC(1) >= 0.05" in res.rule and "n >= 5" in res.rule
    assert set(res.scales["group_by"]) == {"school", "kkg"}
    text = res.summary()  # the rule, a header and one line per group_by x scale (2 here)
    assert text.splitlines()[0] == res.rule and len(text.splitlines()) == 1 + 1 + 2


def test_group_agreement_without_items_uses_icc_and_n(groups):
    res = group_agreement(groups, group="school", scales=["kepemimpinan"])
    assert res.groups["rwg_j"].isna().all()
    assert "not computed" in res.rule
    g = res.groups
    assert (g["aggregate_ok"] == (bool(res.scales["scale_ok"].iloc[0]) & (g["n"] >= 3))).all()


def test_group_agreement_errors(groups):
    with pytest.raises(UsageError, match="not in `scores`"):
        group_agreement(groups, group="district", scales=["kepemimpinan"])
    with pytest.raises(UsageError, match="instrument"):
        group_agreement(groups, group="school", scales=["kepemimpinan"], items=groups)
    with pytest.raises(UsageError, match="row-aligned"):
        group_agreement(groups, group="school", scales=["kepemimpinan"],
                        items=groups.iloc[::-1].reset_index(drop=True).iloc[1:],
                        instrument={"kepemimpinan": ITEMS})  # fmt: skip
    with pytest.raises(UsageError, match="No scale columns"):
        group_agreement(groups.drop(columns="kepemimpinan"), group="school")
    with pytest.raises(UsageError, match="group_size"):
        group_icc([1, 2], ["a", "b"], group_size="harmonic")  # type: ignore[arg-type]


def test_group_agreement_one_group_gives_nan_not_an_error():
    d = pd.DataFrame({"school": ["a"] * 4, "kepemimpinan": [3.0, 4.0, 3.5, 4.0]})
    res = group_agreement(d, group="school")
    assert np.isnan(res.scales.at[0, "icc1"]) and not res.scales.at[0, "scale_ok"]
    assert res.groups.at[0, "n"] == 4 and not res.groups.at[0, "aggregate_ok"]
    assert "icc1 not estimable" in res.groups.at[0, "reason"]


def test_group_agreement_on_a_loaded_survey():
    from dinamika import load_survey, score

    root = Path(__file__).resolve().parents[1]
    survey = load_survey(root / "surveys" / "contoh-2025-2", key="dinamika-test-key-0123456789")
    res = group_agreement(survey, group=["school", "kkg"])
    by_hand = group_agreement(score(survey), group=["school", "kkg"], items=survey.responses,
                              instrument=survey.instrument)  # fmt: skip
    pd.testing.assert_frame_equal(res.scales, by_hand.scales)
    assert len(res.scales) == 8 and res.scales["rwg_j_median"].notna().all()
    # school effects are simulated (truth.json: school ICC .10-.15): ICC(1) by school is positive
    assert (res.scales.loc[res.scales["group_by"] == "school", "icc1"] > 0).all()


def test_group_icc_without_within_variance():
    s = group_icc([3, 3, 4, 4], ["a", "a", "b", "b"])  # MSW = 0
    assert s["icc1"] == 1.0 and np.isinf(s["f"]) and s["p"] == 0.0
    flat = group_icc([3.0] * 4, ["a", "a", "b", "b"])  # no variance at all
    assert np.isnan(flat["icc1"]) and np.isnan(flat["icc2"])


def test_n_options_comes_from_the_instrument(groups):
    from types import SimpleNamespace

    seven = SimpleNamespace(
        scales={"kepemimpinan": ITEMS}, items=[SimpleNamespace(id=i, min=1, max=7) for i in ITEMS]
    )
    res = group_agreement(groups, group="school", scales=["kepemimpinan"], items=groups,
                          instrument=seven)  # fmt: skip
    direct = rwg(groups[["school", *ITEMS]], "school", n_options=7)
    assert_allclose(res.groups["rwg_j"], direct["rwg_j"])
    assert "A = 7" in res.rule
    mixed = SimpleNamespace(
        scales={"kepemimpinan": ITEMS},
        items=[SimpleNamespace(id=i, min=1, max=5 + (i == "KEP4")) for i in ITEMS],
    )
    with pytest.raises(UsageError, match="different numbers of response options"):
        group_agreement(groups, group="school", scales=["kepemimpinan"], items=groups,
                        instrument=mixed)  # fmt: skip


def test_groups_of_one_say_why_icc1_is_missing() -> None:
    d = pd.DataFrame({"school": list("abcdef"), "kep": [3.0, 4.0, 2.5, 3.5, 4.5, 2.0]})
    res = group_agreement(d, group="school", scales=["kep"])
    assert np.isnan(res.scales.at[0, "icc1"]) and not res.scales.at[0, "scale_ok"]
    assert (res.groups["reason"].str.contains("no group with 2 or more members")).all()
    assert (res.groups["reason"].str.contains("n<3")).all()
    const = group_agreement(
        d.assign(school=list("aabbcc"), kep=3.0), group="school", scales=["kep"]
    )
    assert const.groups["reason"].str.contains("no variance").all()


def test_object_columns_with_pandas_na_are_read_as_numbers() -> None:
    a = pd.Series([1, 2, pd.NA, 4, 3, 5], dtype=object)
    g = list("aabbbc")
    ref = group_icc(a.astype("Float64").to_numpy(dtype=float, na_value=np.nan), g)
    pd.testing.assert_series_equal(group_icc(a, g), ref)
    items = pd.DataFrame({"K1": a, "K2": [1, 3, 3, 4, 2, 5]}, dtype=object)
    pd.testing.assert_frame_equal(rwg(items, g), rwg(items.astype("Float64"), g))
    with pytest.raises(UsageError, match="must be numeric"):
        group_icc(["x", "y"], ["a", "b"])
