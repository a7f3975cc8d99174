"""CFA on data that push it into a corner: results with diagnostics, never a crash."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import dinamika


def _two_factor_data(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 120
    f, g = rng.normal(size=n), rng.normal(size=n)
    return pd.DataFrame(
        {
            "a": f + rng.normal(scale=0.05, size=n),
            "b": f + rng.normal(scale=0.05, size=n),
            "c": rng.normal(size=n),
            "d": 0.2 * f + rng.normal(size=n),
            "e": g + rng.normal(scale=1.5, size=n),
            "h": g + rng.normal(scale=1.5, size=n),
            "i": 0.1 * g + rng.normal(size=n),
        }
    )


MODEL = "F =~ a + b + c + d\nG =~ e + h + i"


def test_heywood_case_is_reported_not_raised() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning from a negative variance either
        res = dinamika.cfa(MODEL, _two_factor_data(3))
    assert res.diagnostics.converged
    assert "negative variance of b (group 1)" in res.diagnostics.heywood
    assert np.isfinite(res.loadings["estimate"]).all()


@pytest.mark.parametrize("seed", [4, 5])
def test_a_fit_that_breaks_down_says_so(seed: int) -> None:
    res = dinamika.cfa(MODEL, _two_factor_data(seed))
    assert any("the fit broke down" in w for w in res.diagnostics.warnings)
    assert np.isnan(res.fit.rmsea_ci_lower)
