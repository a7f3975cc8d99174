"""Benchmark: dinamika.multilevel (profiled REML) vs statsmodels MixedLM and R lme4::lmer.

Case: ``y ~ x1 + x2 + x3 + x4 + (1 | school)``, teachers within schools. R is timed inside R
(``system.time`` around ``lmer`` only, no start-up or CSV reading).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from dinamika import multilevel


def _data(n_groups: int, per_group: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(n_groups), per_group)
    x = rng.normal(size=(len(g), 4)) + rng.normal(scale=0.5, size=(n_groups, 4))[g]
    y = (
        x @ [0.2, 0.1, 0.3, 0.05]
        + rng.normal(scale=0.4, size=n_groups)[g]
        + rng.normal(size=len(g))
    )
    d = pd.DataFrame(x, columns=["x1", "x2", "x3", "x4"])
    d["y"] = y
    d["school"] = [f"S{i}" for i in g]
    return d


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _time_statsmodels(d: pd.DataFrame) -> tuple[float | None, np.ndarray | None]:
    try:
        import statsmodels.formula.api as smf
    except ImportError:  # pragma: no cover
        return None, None
    out: list[np.ndarray] = []

    def fit() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = smf.mixedlm("y ~ x1 + x2 + x3 + x4", d, groups=d["school"]).fit(reml=True)
        out.append(np.asarray(res.fe_params))

    return _best(fit, 1), out[-1]


def _time_lme4(d: pd.DataFrame) -> tuple[float | None, np.ndarray | None]:
    if shutil.which("Rscript") is None:
        return None, None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.csv"
        d.to_csv(path, index=False)
        script = (
            "suppressPackageStartupMessages(library(lme4));"
            f"d <- read.csv('{path}');"
            "t <- system.time(m <- lmer(y ~ x1 + x2 + x3 + x4 + (1 | school), d, REML = TRUE));"
            "cat(sprintf('%.17g', fixef(m)), t[['elapsed']])"
        )
        out = subprocess.run(
            ["Rscript", "-e", script], capture_output=True, text=True, check=False, timeout=900
        )
    try:
        nums = [float(v) for v in out.stdout.split()]
        return nums[-1], np.array(nums[:5])
    except (ValueError, IndexError):
        return None, None


def run(quick: bool = False) -> list[dict]:
    """Rows for benchmarks/run.py."""
    cases = [(200, 10)] if quick else [(200, 10), (2000, 25), (10000, 20)]
    rows: list[dict] = []
    for n_groups, per in cases:
        d = _data(n_groups, per)
        ours = _best(lambda d=d: multilevel(d, "y", ["x1", "x2", "x3", "x4"]), 3)
        est = multilevel(d, "y", ["x1", "x2", "x3", "x4"]).fixed["estimate"].to_numpy()
        case = f"multilevel REML, {len(d):,} teachers in {n_groups:,} schools"
        for peer, timer in (
            ("statsmodels MixedLM", _time_statsmodels),
            ("R lme4::lmer", _time_lme4),
        ):
            peer_s, peer_est = timer(d)
            diff = (
                f"max |Δ fixef| {np.max(np.abs(peer_est - est)):.1e}"
                if peer_est is not None
                else "peer not available"
            )
            rows.append(
                {
                    "case": case,
                    "dinamika_s": ours,
                    "peer": peer,
                    "peer_s": peer_s,
                    "ratio": (peer_s / ours) if peer_s else None,
                    "target": ">= 1x",
                    "note": diff,
                }
            )
    return rows


if __name__ == "__main__":  # pragma: no cover
    for row in run(quick=False):
        print(row)
