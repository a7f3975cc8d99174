"""Krippendorff's alpha against reference values computed in R (tests/reference/krippendorff).

irr is not packaged for Debian, so make_krippendorff.R computes alpha by hand in base R from
Krippendorff's (2011) coincidence-matrix definition, and also with irr::kripp.alpha's algorithm
(which weights pairs by 1 instead of 1/(m_u - 1) when the data have no missing value). dinamika
equals the definition to 1e-10 on every data set and level, and equals irr's algorithm wherever
irr follows the definition (missing values, or two raters).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dinamika import krippendorff_alpha

REF = Path(__file__).parent / "reference" / "krippendorff"
ALPHAS = pd.read_csv(REF / "alphas.csv")
CASES = list(ALPHAS.itertuples(index=False))


def _data(name: str) -> pd.DataFrame:
    return pd.read_csv(REF / f"{name}.csv").astype(float)


def test_reference_covers_every_level_and_missing_ratings():
    assert set(ALPHAS["level"]) == {"nominal", "ordinal", "interval", "ratio"}
    assert len(ALPHAS) == 20
    with_missing = [n for n in ALPHAS["data"].unique() if _data(n).isna().any().any()]
    assert {"kripp2011", "rubric_missing", "seven_point_missing"} <= set(with_missing)
    # a unit with a single rating and a unit with none are part of the reference data
    counts = _data("rubric_missing").notna().sum(axis=1)
    assert (counts == 1).any() and (counts == 0).any()


@pytest.mark.parametrize("case", CASES, ids=[f"{c.data}-{c.level}" for c in CASES])
def test_alpha_equals_the_r_definition(case):
    got = krippendorff_alpha(_data(case.data), level=case.level).alpha
    assert got == pytest.approx(case.alpha_definition, abs=1e-10, rel=0)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.data}-{c.level}" for c in CASES])
def test_alpha_equals_irr_where_irr_follows_the_definition(case):
    data = _data(case.data)
    got = krippendorff_alpha(data, level=case.level)
    if data.isna().any().any() or data.shape[1] == 2:
        assert got.alpha == pytest.approx(case.alpha_irr, abs=1e-10, rel=0)
    else:
        # complete data, m raters: irr's pair weight 1 scales o by s = m - 1, which turns
        # (n - 1) into (n - 1/s) in alpha = 1 - (n - 1) D_o / D_e
        s = data.shape[1] - 1
        n = got.n_pairable
        expected = 1 - (1 - case.alpha_definition) * (n - 1 / s) / (n - 1)
        assert case.alpha_irr == pytest.approx(expected, abs=1e-12, rel=0)
        assert not np.isclose(case.alpha_irr, got.alpha, atol=1e-4, rtol=0)
