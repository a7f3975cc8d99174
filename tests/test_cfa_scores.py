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
