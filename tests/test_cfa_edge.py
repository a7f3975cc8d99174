"""CFA on data that push it into a corner: results with diagnostics, never a crash."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

import dinamika


def test_heywood_case_is_reported_not_raised() -> None:
    rng = np.random.default_rng(3)
    n = 120
    f, g = rng.normal(size=n), rng.normal(size=n)
    d = pd.DataFrame(
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
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning from a negative variance either
        res = dinamika.cfa("F =~ a + b + c + d\nG =~ e + h + i", d)
    assert any("negative variance of h" in h for h in res.diagnostics.heywood)
    assert len(res.loadings) == 7 and np.isfinite(res.loadings["estimate"]).all()
