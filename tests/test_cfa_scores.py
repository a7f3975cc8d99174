"""Factor scores against lavaan's lavPredict (tests/reference/cfa/make_cfa.R)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import dinamika
from dinamika.errors import UsageError

REF = Path(__file__).parent / "reference" / "cfa"
HS = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"


@pytest.fixture(scope="module")
def hs() -> pd.DataFrame:
    return pd.read_csv(REF / "hs1939.csv")


@pytest.mark.parametrize(
    ("method", "file"),
    [("regression", "hs_ml_scores_regression.csv"), ("bartlett", "hs_ml_scores_bartlett.csv")],
)
def test_scores_match_lavpredict(hs: pd.DataFrame, method: str, file: str) -> None:
    # R: lavPredict(cfa(HS, data = HolzingerSwineford1939), method = "regression" / "Bartlett")
    res = dinamika.cfa(HS, hs)
    got = res.scores(method)
    ref = pd.read_csv(REF / file)
    assert list(got.columns) == ["visual", "textual", "speed"]
    np.testing.assert_allclose(got.to_numpy(), ref.to_numpy(), atol=1e-4)


def test_multigroup_scores(hs: pd.DataFrame) -> None:
    # R: lavPredict(cfa(HS, data = HolzingerSwineford1939, group = "school"))  (rbind of groups)
    res = dinamika.cfa(HS, hs, group="school")
    got = res.scores()
    ref = pd.read_csv(REF / "hs_mg_scores_regression.csv")
    np.testing.assert_allclose(
        got[["visual", "textual", "speed"]].to_numpy(), ref.to_numpy(), atol=1e-4
    )
    assert got["group"].iloc[0] == "Pasteur"


def test_scores_keep_index_after_listwise() -> None:
    data = pd.read_csv(REF / "hs1939_missing.csv")
    res = dinamika.cfa(HS, data)
    sc = res.scores()
    assert len(sc) == res.n
    assert sc.index.isin(data.index[data.filter(like="x").notna().all(axis=1)]).all()


def test_talis_metric(hs: pd.DataFrame) -> None:
    res = dinamika.cfa(HS, hs)
    tal = res.scores(talis=True)
    raw = res.scores()
    # linear transform with SD 2 ...
    np.testing.assert_allclose(tal.std(ddof=1), 2.0, atol=1e-12)
    np.testing.assert_allclose(tal.corrwith(raw), 1.0, atol=1e-12)
    # ... and a respondent at the midpoint of every item scores 10: scores are affine in the
    # items, so recover the affine map exactly and evaluate it at the midpoint
    x = hs[[f"x{i}" for i in range(1, 10)]].to_numpy()
    design = np.column_stack([np.ones(len(x)), x])
    coef = np.linalg.lstsq(design, raw.to_numpy(), rcond=None)[0]
    mid = (x.min(axis=0) + x.max(axis=0)) / 2
    eta_mid = np.concatenate([[1.0], mid]) @ coef
    expected = 10 + 2 * (raw.to_numpy() - eta_mid) / raw.std(ddof=1).to_numpy()
    np.testing.assert_allclose(tal.to_numpy(), expected, atol=1e-8)


def test_scores_bad_method(hs: pd.DataFrame) -> None:
    res = dinamika.cfa(HS, hs)
    with pytest.raises(UsageError, match="method"):
        res.scores("anderson")


ORD = "f1 =~ y1 + y2 + y3 + y4\nf2 =~ y5 + y6 + y7 + y8"
# lavaan's EBM optimizer stops at reltol 1e-8 (BFGS from 0); ours is Newton to 1e-10, so single
# scores differ by up to ~5e-4 while the bulk agree to ~1e-5.
EBM_MAX, EBM_MEDIAN = 1e-3, 2e-5


def test_wlsmv_ebm_scores_match_lavpredict() -> None:
    # R: lavPredict(cfa(ORD, data = ordd, ordered = ..., estimator = "WLSMV"))  # method "EBM"
    ordd = pd.read_csv(REF / "ordinal.csv")
    res = dinamika.cfa(ORD, ordd, estimator="WLSMV")
    got = res.scores().to_numpy()
    ref = pd.read_csv(REF / "ord_scores_ebm.csv").to_numpy()
    diff = np.abs(got - ref)
    assert diff.max() < EBM_MAX
    assert np.median(diff) < EBM_MEDIAN
    np.testing.assert_allclose(res.scores("ebm").to_numpy(), got)
    tal = res.scores(talis=True)
    np.testing.assert_allclose(tal.std(ddof=1), 2.0, atol=1e-12)
    with pytest.raises(UsageError, match="Bartlett"):
        res.scores("bartlett")


def test_wlsmv_ebm_scores_multigroup() -> None:
    # R: lavPredict(oconf). Group 1 agrees with lavaan. For group 2, lavaan 0.6-14 evaluates
    # the response probabilities with group 1's loadings (its lav_predict_fy_eta.i is not
    # given the group's matrices); we use each group's own parameters. Substituting group 1's
    # loadings into our computation reproduces lavaan's group-2 scores, which shows that this
    # is the only difference.
    from dinamika.psychometrics.cfa.ebm import ebm_scores
    from dinamika.psychometrics.cfa.ordinal import recode_ordinal

    ordd = pd.read_csv(REF / "ordinal.csv")
    res = dinamika.cfa(ORD, ordd, estimator="WLSMV", group="grp")
    got = res.scores()[["f1", "f2"]].to_numpy()
    ref = pd.read_csv(REF / "ord_mg_configural_scores_ebm.csv").to_numpy()
    n1 = int((ordd["grp"] == "a").sum())
    assert np.abs(got[:n1] - ref[:n1]).max() < EBM_MAX
    model = res._model
    mats = model.fill(res._theta)
    for m in mats:
        model.set_ordinal_theta(m)  # residual variances from each group's own parameters
    codes, nlev = recode_ordinal(list(res._data), model.ov)
    mats[1]["lambda"] = mats[0]["lambda"]
    lavaan_like = ebm_scores(model, mats[1], codes[1], nlev)
    assert np.abs(lavaan_like - ref[n1:]).max() < EBM_MAX
    assert np.abs(got[n1:] - ref[n1:]).max() > 0.01  # the documented difference is real
