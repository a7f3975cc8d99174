"""Fields users compare with psych by hand (tests/reference/reliability/make_psych_omega.R).

``Reliability.omega_total`` is ``psych::omega(x, nfactors = 1)$omega.tot`` and
``alpha_ci_feldt`` is ``psych::alpha(x)$feldt`` (n = nrow(x)), on complete data, bfi with
missing answers (pairwise and listwise), a simulated scale, an unkeyed negative item (psych
flips it) and data with empty rows.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy.stats import f as f_dist

from dinamika import reliability

REF = Path(__file__).parent / "reference" / "reliability"
OPTIM = 1e-6  # psych's minres stops at optimizer noise (observed ≤ 1.2e-7 on these data)
CLOSED = 1e-12  # Feldt: closed form
POLY = 1e-5  # ordinal: the polychoric matrices agree with psych to about 1e-6


@pytest.fixture(scope="module")
def ref() -> dict:
    return json.loads((REF / "psych_omega_reference.json").read_text())


def _key(x: pd.DataFrame, keys: list[str], lo: int, hi: int) -> pd.DataFrame:
    x = x.copy()
    for k in keys:
        x[k] = lo + hi - x[k]
    return x


@pytest.fixture(scope="module")
def cases() -> dict[str, pd.DataFrame]:
    hs = pd.read_csv(REF / "hs.csv")
    bfi_a = _key(pd.read_csv(REF / "bfi_agree.csv"), ["A1"], 1, 6)
    sim = pd.read_csv(REF / "sim.csv")
    sim_k = _key(sim, ["s5"], 1, 5)
    cno = pd.read_csv(REF / "bfi_c_n_o.csv")
    empty = pd.DataFrame(np.nan, index=range(7), columns=bfi_a.columns)
    return {
        "hs_visual": hs.iloc[:, :3],
        "hs_textual": hs.iloc[:, 3:6],
        "hs_all": hs,
        "bfiA_pairwise": bfi_a,
        "bfiA_listwise": bfi_a.dropna(),
        "bfiC_pairwise": _key(cno[[f"C{i}" for i in range(1, 6)]], ["C4", "C5"], 1, 6),
        "bfiN_pairwise": cno[[f"N{i}" for i in range(1, 6)]],
        "bfiO_pairwise": _key(cno[[f"O{i}" for i in range(1, 6)]], ["O2", "O5"], 1, 6),
        "sim_pairwise": sim_k,
        "sim_listwise": sim_k.dropna(),
        "sim_unkeyed": sim,
        "bfiA_empty_rows": pd.concat([bfi_a.iloc[:300], empty], ignore_index=True),
    }


PEARSON = [
    "hs_visual", "hs_textual", "hs_all", "bfiA_pairwise", "bfiA_listwise", "bfiC_pairwise",
    "bfiN_pairwise", "bfiO_pairwise", "sim_pairwise", "sim_listwise", "sim_unkeyed",
    "bfiA_empty_rows",
]  # fmt: skip


@pytest.mark.parametrize("key", PEARSON)
def test_omega_total_is_psych_omega_tot(ref, cases, key):
    res = reliability(cases[key], n_boot=0)
    r = ref[key]
    assert res.omega_total == pytest.approx(r["omega_tot"], abs=OPTIM)
    assert_allclose(res.items["loading"], r["loadings"], atol=10 * OPTIM)
    # the model-implied omega keeps its own name, from the same loadings
    assert res.omega_implied == pytest.approx(r["omega_implied"], abs=10 * OPTIM)


@pytest.mark.parametrize("key", PEARSON)
def test_feldt_interval_is_psych_alpha_feldt(ref, cases, key):
    res = reliability(cases[key], n_boot=0)
    r = ref[key]
    assert res.alpha == pytest.approx(r["alpha"], abs=CLOSED)
    assert res.alpha_ci_feldt[0] == pytest.approx(r["feldt"]["lower"], abs=CLOSED)
    assert res.alpha_ci_feldt[1] == pytest.approx(r["feldt"]["upper"], abs=CLOSED)
    ninety = reliability(cases[key], n_boot=0, ci=0.90).alpha_ci_feldt
    assert_allclose(ninety, [r["feldt90"]["lower"], r["feldt90"]["upper"]], atol=CLOSED)


def test_feldt_n_used_leaves_empty_rows_out(ref, cases):
    x = cases["bfiA_empty_rows"]
    rows = reliability(x, n_boot=0)
    used = reliability(x, n_boot=0, feldt_n="used")
    assert rows.n == used.n == 300 and ref["bfiA_empty_rows"]["n_rows"] == 307
    a, n, p = used.alpha, 300, 5
    expect = [1 - (1 - a) * f_dist.ppf(q, n - 1, (n - 1) * (p - 1)) for q in (0.975, 0.025)]
    assert_allclose(used.alpha_ci_feldt, expect, atol=CLOSED)
    assert used.alpha_ci_feldt[0] < rows.alpha_ci_feldt[0]  # nrow = 307 gives a narrower one


def test_unkeyed_negative_item_is_flipped_as_psych_does(cases):
    keyed = reliability(cases["sim_pairwise"], n_boot=0)
    unkeyed = reliability(cases["sim_unkeyed"], n_boot=0)
    assert unkeyed.omega_total == pytest.approx(keyed.omega_total, abs=1e-12)
    assert unkeyed.omega_implied < keyed.omega_implied - 0.1  # the implied one does not flip


@pytest.mark.parametrize(
    ("key", "data"), [("bfiA_ordinal", "bfiA_pairwise"), ("sim_ordinal", "sim_pairwise")]
)
def test_ordinal_omega_total_is_psych_omega_of_polychoric(ref, cases, key, data):
    res = reliability(cases[data], n_boot=0, ordinal=True)
    assert res.omega_total == pytest.approx(ref[key]["omega_tot"], abs=POLY)
