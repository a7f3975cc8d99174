"""Benchmark: dinamika.efa (minres + oblimin, 4 factors, 24 items) vs factor_analyzer and psych.

Peers, timed in the same run on the same data:

- ``factor_analyzer.FactorAnalyzer(n_factors=4, rotation="oblimin", method="minres").fit(X)``.
  factor_analyzer 0.5.1 calls scikit-learn's ``check_array(force_all_finite=...)``, a keyword
  that scikit-learn >= 1.8 removed; a two-line shim renames it to ``ensure_all_finite`` so the
  peer runs at all (it does not change what is computed).
- R ``psych::fa(x, nfactors = 4)`` (minres + oblimin are psych's defaults), timed inside R
  with ``system.time`` around ``fa`` only (no start-up, no CSV reading), when ``Rscript`` is
  on the PATH.

Each time is the best of several repeats. "At equal results": every row's note gives the
largest absolute loading difference. psych is compared as is (same factor names, order and
signs); factor_analyzer orders and signs factors differently, so its columns are first matched
to ours (assignment on absolute congruence, then sign).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from dinamika import efa, parallel_analysis

N_ITEMS, N_FACTORS = 24, 4


def _data(n: int, seed: int = 1) -> pd.DataFrame:
    """n x 24 five-point items, 4 correlated factors (r = .3), complete.

    Complete data on purpose: with NaN, factor_analyzer imputes medians while psych and
    dinamika use pairwise-complete correlations, so results would not be equal.
    """
    rng = np.random.default_rng(seed)
    lam = np.zeros((N_ITEMS, N_FACTORS))
    for f in range(N_FACTORS):
        lam[6 * f : 6 * f + 6, f] = [0.75, 0.7, 0.65, 0.6, 0.55, 0.5]
    phi = np.full((N_FACTORS, N_FACTORS), 0.3)
    np.fill_diagonal(phi, 1.0)
    sigma = lam @ phi @ lam.T
    np.fill_diagonal(sigma, 1.0)
    z = rng.standard_normal((n, N_ITEMS)) @ np.linalg.cholesky(sigma).T
    x = np.digitize(z, [-1.5, -0.5, 0.5, 1.5]) + 1.0
    return pd.DataFrame(x, columns=[f"i{k:02d}" for k in range(1, N_ITEMS + 1)])


def _best(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up (imports, caches)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _factor_analyzer() -> type | None:
    try:
        import factor_analyzer.factor_analyzer as fam
        from sklearn.utils import check_array
    except ImportError:  # pragma: no cover
        return None

    def _check_array(*args, force_all_finite=True, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return check_array(*args, force_all_finite=force_all_finite, **kwargs)
        except TypeError:  # scikit-learn >= 1.8 renamed the keyword
            return check_array(*args, ensure_all_finite=force_all_finite, **kwargs)

    fam.check_array = _check_array  # type: ignore[attr-defined]
    return fam.FactorAnalyzer  # type: ignore[no-any-return]


def _aligned_diff(ours: np.ndarray, theirs: np.ndarray) -> float:
    """Max |difference| after matching their columns to ours (permutation and sign)."""
    a = ours / np.linalg.norm(ours, axis=0)
    b = theirs / np.linalg.norm(theirs, axis=0)
    rows, cols = linear_sum_assignment(-np.abs(a.T @ b))
    matched = theirs[:, cols[np.argsort(rows)]]
    signs = np.sign(np.sum(matched * ours, axis=0))
    return float(np.abs(matched * signs - ours).max())


def _time_factor_analyzer(
    d: pd.DataFrame, ours: np.ndarray, repeat: int
) -> tuple[float, float] | None:
    fa_cls = _factor_analyzer()
    if fa_cls is None:
        return None

    def fit() -> object:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fa_cls(n_factors=N_FACTORS, rotation="oblimin", method="minres").fit(d)

    seconds = _best(fit, repeat)
    model = fit()
    return seconds, _aligned_diff(ours, np.asarray(model.loadings_))  # type: ignore[attr-defined]


def _time_psych(d: pd.DataFrame, ours: pd.DataFrame, repeat: int) -> tuple[float, float] | None:
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.csv"
        out = Path(tmp) / "out.json"
        d.to_csv(path, index=False)
        script = (
            "suppressPackageStartupMessages({library(psych); library(GPArotation)});"
            f"d <- read.csv('{path}'); f <- fa(d, 4);"
            f"t <- min(sapply(1:{repeat}, function(i) system.time(f <<- fa(d, 4))[['elapsed']]));"
            "jsonlite::write_json(list(t = t, cols = colnames(f$loadings),"
            " L = unname(unclass(f$loadings))), "
            f"'{out}', digits = NA, auto_unbox = TRUE)"
        )
        proc = subprocess.run(
            ["Rscript", "-e", script], capture_output=True, text=True, check=False, timeout=900
        )
        if proc.returncode != 0 or not out.exists():
            return None
        res = json.loads(out.read_text())
    loadings = np.array(res["L"], dtype=float)
    same_names = list(res["cols"]) == list(ours.columns)
    diff = float(np.abs(loadings - ours.to_numpy()).max()) if same_names else float("nan")
    return float(res["t"]), diff


def _time_psych_parallel(d: pd.DataFrame, repeat: int) -> float | None:
    """psych::fa.parallel on the correlation matrix with n.obs: simulation only, as ours."""
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.csv"
        d.to_csv(path, index=False)
        script = (
            "suppressPackageStartupMessages(library(psych)); options(mc.cores = 1L);"
            f"d <- read.csv('{path}'); r <- cor(d); n <- nrow(d);"
            f"t <- min(sapply(1:{repeat}, function(i) system.time(suppressWarnings("
            "fa.parallel(r, n.obs = n, fm = 'minres', n.iter = 20, plot = FALSE)))[['elapsed']]));"
            "cat(t)"
        )
        proc = subprocess.run(
            ["Rscript", "-e", script], capture_output=True, text=True, check=False, timeout=900
        )
    try:
        return float(proc.stdout.strip().split()[-1])
    except (ValueError, IndexError):
        return None


def _parallel_rows(quick: bool) -> list[dict]:
    rows = []
    repeat = 2 if quick else 3
    for n in [300, 10_000]:
        d = _data(n)
        ours_s = _best(lambda d=d: parallel_analysis(d, n_iter=20, seed=1), repeat)
        peer_s = _time_psych_parallel(d, repeat)
        rows.append(
            {
                "case": f"parallel analysis, 20 simulated sets, {n:,} x {N_ITEMS}",
                "dinamika_s": ours_s,
                "peer": "R psych::fa.parallel",
                "peer_s": peer_s,
                "ratio": (peer_s / ours_s) if peer_s else None,
                "target": ">= 1x",
                "note": "psych single core (mc.cores = 1), simulation only (R + n.obs given)"
                if peer_s
                else "peer not available",
            }
        )
    return rows


def run(quick: bool = False) -> list[dict]:
    """Rows for benchmarks/run.py."""
    sizes = [300, 10_000]
    repeat = 3 if quick else 10
    rows: list[dict] = []
    for n in sizes:
        d = _data(n)
        result = efa(d, N_FACTORS)  # minres + oblimin, psych's defaults
        ours_s = _best(lambda d=d: efa(d, N_FACTORS), repeat)
        case = f"EFA minres+oblimin, {n:,} x {N_ITEMS} items, {N_FACTORS} factors"
        ours = result.loadings
        for peer, target, timer in (
            (
                "factor_analyzer",
                ">= 3x",
                lambda d=d, ours=ours: _time_factor_analyzer(d, ours.to_numpy(), repeat),
            ),
            ("R psych::fa", ">= 1x", lambda d=d, ours=ours: _time_psych(d, ours, repeat)),
        ):
            got = timer()
            if got is None:
                rows.append(
                    {
                        "case": case,
                        "dinamika_s": ours_s,
                        "peer": peer,
                        "peer_s": None,
                        "ratio": None,
                        "target": target,
                        "note": "peer not available",
                    }
                )
                continue
            peer_s, diff = got
            how = "as is" if peer.startswith("R") else "after matching columns"
            rows.append(
                {
                    "case": case,
                    "dinamika_s": ours_s,
                    "peer": peer,
                    "peer_s": peer_s,
                    "ratio": peer_s / ours_s,
                    "target": target,
                    "note": f"max |Δ loading| = {diff:.1e} ({how})",
                }
            )
    return rows + _parallel_rows(quick)


if __name__ == "__main__":  # pragma: no cover
    for row in run(quick=False):
        print(row)
