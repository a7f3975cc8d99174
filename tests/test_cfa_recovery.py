"""Recovery of the simulated example terms' true loadings and factor correlations.

``surveys/contoh-2025-*/truth.json`` (written by dinamika.simulate) holds the standardized
loadings of the latent responses (negative for reverse-keyed items on the raw scale) and the
factor correlations. After recoding the reverse-keyed items, WLSMV's std_all loadings
estimate |loading| and its factor correlations the true ones. With about 600
respondents (both terms stacked, same truth; pairwise deletion) and teachers clustered in
schools, a sampling error of ~0.05 is expected, so the tolerance is 0.15 for single values and
0.06 for the mean absolute error of the loadings.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import dinamika
from dinamika.psychometrics.cfa.instrument import reverse_items

ROOT = Path(__file__).resolve().parents[1] / "surveys"
KEY = "cfa-recovery-test-key-0123456789"


def _load(term: str) -> tuple[pd.DataFrame, dinamika.Instrument, dict]:  # type: ignore[type-arg]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = dinamika.load_survey(ROOT / term, key=KEY)
    truth = json.loads((ROOT / term / "truth.json").read_text())
    return s.responses, s.instrument, truth


def test_recovers_truth() -> None:
    # both example terms are simulated from the same measurement model: stack them
    frames, truth = [], {}
    for term in ("contoh-2025-1", "contoh-2025-2"):
        responses, inst, truth = _load(term)
        frames.append(responses)
    responses = pd.concat(frames, ignore_index=True)
    res = dinamika.cfa_survey((responses, inst), estimator="WLSMV")
    lo = res.loadings.set_index("item")["std_all"]
    true = pd.Series({k: abs(v["loading"]) for k, v in truth["items"].items()})
    err = (lo - true[lo.index]).abs()
    assert err.max() < 0.15, err.sort_values().tail()
    assert err.mean() < 0.06
    names = truth["factors"]["names"]
    corr = np.array(truth["factors"]["corr_total"])
    for r in res.factor_correlations.itertuples():
        assert abs(r.r - corr[names.index(r.factor1), names.index(r.factor2)]) < 0.15
    assert res.diagnostics.converged
    # cfa_survey uses pairwise deletion with WLSMV: every respondent counts, and it says so
    assert res.n == len(responses)
    assert any("pairwise" in w for w in res.diagnostics.warnings)


def test_invariance_across_example_terms() -> None:
    frames = []
    for term in ("contoh-2025-1", "contoh-2025-2"):
        responses, inst, _ = _load(term)
        frames.append(reverse_items(responses, inst).assign(term=term))
    data = pd.concat(frames, ignore_index=True)
    inv = dinamika.invariance(dinamika.cfa_model(inst), data, group="term")
    assert list(inv.table["step"]) == ["configural", "metric", "scalar"]
    # both terms are simulated from the same measurement model: invariance should hold
    assert inv.holds == "scalar"
    assert "compared" in inv.summary("en")
