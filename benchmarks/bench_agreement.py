"""Benchmark: dinamika.icc on 2 raters × 60,000 targets vs pingouin and R psych.

Peers, timed in the same run on the same data:

- ``pingouin.intraclass_corr(data=long, targets=, raters=, ratings=)`` on the long format it
  needs (the melt is done once, outside the timing).
- R ``psych::ICC(x)``, timed inside R with ``system.time`` around ``ICC`` only. psych's default
  (``lmer = TRUE``) fits ``lme4::lmer``; its ANOVA route (``lmer = FALSE``) builds a dense
  120,000 × 60,001 model matrix (27 GB) at this size and cannot run, so the default is the peer.
  It is compared with ``dinamika.icc`` (ANOVA from row/column sums; identical to the REML
  estimates on complete data when no variance component is negative) and with
  ``dinamika.icc(method="reml")`` (the same estimator psych uses).

Each time is the best of several repeats (R: one run in quick mode). Every row's note gives the
largest absolute ICC difference over the six forms.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from dinamika import icc

N_TARGETS = 60_000
PG_NAMES = ["ICC(1,1)", "ICC(A,1)", "ICC(C,1)", "ICC(1,k)", "ICC(A,k)", "ICC(C,k)"]


def _data(n: int = N_TARGETS, seed: int = 1) -> pd.DataFrame:
    """n targets × 2 raters; the second rater scores 0.3 higher (ICC(1) ≈ .71)."""
    rng = np.random.default_rng(seed)
    t = rng.normal(size=n)
    return pd.DataFrame(
        {"A": t + rng.normal(0, 0.6, n), "B": t + 0.3 + rng.normal(0, 0.6, n)}
    ).round(3)


def _best(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _time_pingouin(d: pd.DataFrame, repeat: int) -> tuple[float, np.ndarray] | None:
    try:
        import pingouin as pg
    except ImportError:  # pragma: no cover
        return None
    long = (
        d.rename_axis("target")
        .reset_index()
        .melt(id_vars="target", var_name="rater", value_name="rating")
    )

    def fit() -> pd.DataFrame:
        return pg.intraclass_corr(data=long, targets="target", raters="rater", ratings="rating")

    seconds = _best(fit, repeat)
    res = fit().set_index("Type")
    return seconds, res.loc[PG_NAMES, "ICC"].to_numpy(float)


def _time_psych(d: pd.DataFrame, repeat: int) -> tuple[float, np.ndarray] | None:
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path, out = Path(tmp) / "d.csv", Path(tmp) / "out.json"
        d.to_csv(path, index=False)
        script = (
            "suppressPackageStartupMessages(library(psych));"
            f"x <- read.csv('{path}');"
            f"t <- min(sapply(1:{repeat}, function(i) system.time(r <<- ICC(x))[['elapsed']]));"
            f"jsonlite::write_json(list(t = t, icc = r$results$ICC), '{out}', digits = NA,"
            " auto_unbox = TRUE)"
        )
        proc = subprocess.run(
            ["Rscript", "-e", script], capture_output=True, text=True, check=False, timeout=1800
        )
        if proc.returncode != 0 or not out.exists():
            return None
        res = json.loads(out.read_text())
    return float(res["t"]), np.array(res["icc"], dtype=float)


def _row(case: str, ours_s: float, peer: str, got: tuple[float, np.ndarray] | None,
         ours: np.ndarray, target: str) -> dict:  # fmt: skip
    if got is None:
        return {"case": case, "dinamika_s": ours_s, "peer": peer, "peer_s": None, "ratio": None,
                "target": target, "note": "peer not available"}  # fmt: skip
    peer_s, theirs = got
    return {
        "case": case,
        "dinamika_s": ours_s,
        "peer": peer,
        "peer_s": peer_s,
        "ratio": peer_s / ours_s,
        "target": target,
        "note": f"max |Δ ICC| = {float(np.abs(theirs - ours).max()):.1e} over the six forms",
    }


def run(quick: bool = False) -> list[dict]:
    """Rows for benchmarks/run.py."""
    repeat = 3 if quick else 10
    d = _data()
    anova = icc(d)["icc"].to_numpy()
    reml = icc(d, method="reml")["icc"].to_numpy()
    anova_s = _best(lambda: icc(d), repeat * 10)
    reml_s = _best(lambda: icc(d, method="reml"), repeat)
    case = f"ICC (six forms), 2 raters x {N_TARGETS:,} targets"
    psych = _time_psych(d, 1 if quick else 3)
    return [
        _row(case, anova_s, "pingouin.intraclass_corr", _time_pingouin(d, repeat), anova, ">= 50x"),
        _row(case, anova_s, "R psych::ICC (lmer default)", psych, anova, ">= 1x"),
        _row(case + ', method="reml"', reml_s, "R psych::ICC (lmer default)", psych, reml, ">= 1x"),
    ]


if __name__ == "__main__":  # pragma: no cover
    for row in run(quick=False):
        print(row)
