"""Benchmark: dinamika.reliability and dinamika.polychoric against pingouin, numpy and R psych.

Data: simulated 5-point answers of n respondents to the four scales of komunitas-guru (24 items,
6 per scale, the last item of each scale reverse-keyed), made here with a fixed seed.
Cases (all peers timed in this run, on the same data):

- **four scales with 2,000-draw bootstrap CIs** (n = 300 and 10,000):
  ``dinamika.reliability_table`` (per scale: alpha, omega, λ6, item analysis, Feldt CI,
  percentile and BCa intervals for alpha and omega; one draw of respondents for all scales)
  against R ``psych::alpha(x, n.iter = 2000)`` per scale and a pingouin loop
  (``pingouin.cronbach_alpha`` on 2,000 resampled data sets per scale).
- **four scales, no bootstrap** (n = 300, 10,000 and 1,000,000): against ``psych::alpha`` and
  ``pingouin.cronbach_alpha``.
- **alpha on 1,000,000 × 24**: ``dinamika.psychometrics.reliability.api(x, n_boot=0)`` (one 24-item scale, with
  the item table) against ``numpy.cov`` of the same array; peak traced memory (tracemalloc)
  relative to the array's size.
- **polychoric, 25 items × 100,000**: ``dinamika.psychometrics.polychoric.api`` against ``psych::polychoric``
  (psych's defaults, including its two-core ``mclapply``), with the largest |Δρ|.

psych gets answers already reverse-keyed (psych's bootstrap ignores ``keys``); dinamika gets the
raw answers and ``reverse=``. R is timed inside R (``system.time`` around the call only, data
read beforehand), one run; the pingouin bootstrap loop is the best of 2 runs, dinamika the best
of 5 (7 for the 1,000,000 × 24 case, numpy.cov likewise). ``--quick`` runs smaller cases with
200 bootstrap draws and single runs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dinamika import load_instrument, polychoric, reliability, reliability_table

INSTRUMENT = load_instrument("komunitas-guru@1.0.0")  # the same 24 item ids and reverse keys

SCALES = {
    "kepemimpinan": [f"KEP{i}" for i in range(1, 7)],
    "saling_percaya": [f"SP{i}" for i in range(1, 7)],
    "komitmen_kolektif": [f"KK{i}" for i in range(1, 7)],
    "dukungan_sekolah": [f"DS{i}" for i in range(1, 7)],
}
ITEMS = [i for items in SCALES.values() for i in items]
REVERSED = [items[-1] for items in SCALES.values()]
LOADINGS = np.array([0.78, 0.74, 0.72, 0.68, 0.7, -0.5])
CUTS = np.array([-2.0, -1.2, -0.4, 0.9])


def simulate(n: int, seed: int = 2026) -> pd.DataFrame:
    """n × 24 five-point answers; four correlated factors; last item of each scale reversed."""
    rng = np.random.default_rng(seed)
    phi = np.full((4, 4), 0.45) + 0.55 * np.eye(4)
    out = np.empty((n, 24))
    step = 250_000
    for start in range(0, n, step):
        m = min(step, n - start)
        f = rng.multivariate_normal(np.zeros(4), phi, size=m)
        for s in range(4):
            z = f[:, [s]] * LOADINGS + rng.normal(size=(m, 6)) * np.sqrt(1 - LOADINGS**2)
            out[start : start + m, 6 * s : 6 * s + 6] = np.searchsorted(CUTS, z) + 1.0
    return pd.DataFrame(out, columns=ITEMS)


def keyed(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out[REVERSED] = 6.0 - out[REVERSED]
    return out


def _best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _row(
    case: str, ours: float, peer: str, peer_s: float | None, target: str = "", note: str = ""
) -> dict[str, Any]:
    return {
        "case": case,
        "dinamika_s": ours,
        "peer": peer,
        "peer_s": peer_s,
        "ratio": None if peer_s is None else peer_s / ours,
        "target": target,
        "note": note,
    }


# ---------------------------------------------------------------- R (psych) -----------------
R_SCRIPT = r"""
suppressPackageStartupMessages({library(psych); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
task <- args[1]; file <- args[2]; n <- as.integer(args[3]); p <- as.integer(args[4])
con <- file(file, "rb"); x <- matrix(readBin(con, "double", n * p), n, p); close(con)
colnames(x) <- paste0("V", 1:p)
x <- as.data.frame(x)
out <- list()
if (task == "alpha") {
  n_iter <- as.integer(args[5])
  t <- system.time(for (s in 0:3) {
    a <- suppressWarnings(alpha(x[, 6 * s + 1:6], n.iter = n_iter, warnings = FALSE))
  })[["elapsed"]]
  out$seconds <- t
  out$last_alpha <- a$total$raw_alpha
} else if (task == "polychoric") {
  t <- system.time(r <- suppressWarnings(polychoric(x)))[["elapsed"]]
  out$seconds <- t
  out$rho <- unname(split(r$rho, row(r$rho)))
}
cat(toJSON(out, digits = NA, auto_unbox = TRUE))
"""


def _rscript(task: str, x: np.ndarray, *extra: str) -> dict[str, Any] | None:
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "x.bin"
        np.asfortranarray(x, dtype=np.float64).ravel(order="F").tofile(data)
        script = Path(tmp) / "bench.R"
        script.write_text(R_SCRIPT)
        n, p = x.shape
        res = subprocess.run(
            [rscript, str(script), task, str(data), str(n), str(p), *extra],
            capture_output=True,
            text=True,
            timeout=3600,
        )
        if res.returncode != 0:
            raise RuntimeError(f"Rscript failed: {res.stderr[-2000:]}")
        return json.loads(res.stdout)


# ---------------------------------------------------------------- cases ----------------------
def _ours_four(df: pd.DataFrame, n_boot: int) -> None:
    reliability_table(df, instrument=INSTRUMENT, n_boot=n_boot, seed=1)


def _pingouin_loop(dk: pd.DataFrame, n_boot: int) -> float | None:
    try:
        import pingouin as pg
    except ImportError:  # pragma: no cover
        return None
    rng = np.random.default_rng(1)
    t0 = time.perf_counter()
    for items in SCALES.values():
        sub = dk[items]
        pg.cronbach_alpha(data=sub)
        for _ in range(n_boot):
            pg.cronbach_alpha(data=sub.iloc[rng.integers(0, len(sub), len(sub))])
    return time.perf_counter() - t0


def _reliability_rows(quick: bool) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    n_boot = 200 if quick else 2000
    repeat = 1 if quick else 5
    peer_repeat = 1 if quick else 2  # the pingouin loop takes 10-20 s per run
    for n in (300, 10_000):
        df = simulate(n)
        dk = keyed(df)
        case = f"4 scales x 6 items, {n:,} respondents, {n_boot:,}-draw bootstrap CIs"
        _ours_four(df, n_boot)  # warm-up
        ours = _best(lambda df=df: _ours_four(df, n_boot), repeat)
        target = ">= 20x" if n == 10_000 and not quick else ""
        r = _rscript("alpha", dk.to_numpy(), str(n_boot))
        rows.append(
            _row(
                case,
                ours,
                f"R psych::alpha(n.iter={n_boot}) x4",
                None if r is None else r["seconds"],
                target,
                "" if r is not None else "Rscript not found",
            )
        )
        pg_runs = [_pingouin_loop(dk, n_boot) for _ in range(peer_repeat)]
        pg_s = None if pg_runs[0] is None else min(t for t in pg_runs if t is not None)
        rows.append(
            _row(
                case,
                ours,
                f"pingouin cronbach_alpha loop ({n_boot:,} draws) x4",
                pg_s,
                target,
                "" if pg_s is not None else "pingouin not installed",
            )
        )
    for n in (300, 10_000) if quick else (300, 10_000, 1_000_000):
        df = simulate(n)
        dk = keyed(df)
        case = f"4 scales x 6 items, {n:,} respondents, no bootstrap"
        _ours_four(df, 0)
        ours = _best(lambda df=df: _ours_four(df, 0), repeat)
        r = _rscript("alpha", dk.to_numpy(), "1")
        rows.append(_row(case, ours, "R psych::alpha x4", None if r is None else r["seconds"]))
        try:
            import pingouin as pg

            pg_s = _best(
                lambda dk=dk: [pg.cronbach_alpha(data=dk[i]) for i in SCALES.values()], repeat
            )
        except ImportError:  # pragma: no cover
            pg_s = None
        rows.append(
            _row(case, ours, "pingouin cronbach_alpha x4", pg_s, "", "alpha and its CI only")
        )
    return rows


def _big_alpha_rows(quick: bool) -> list[dict[str, Any]]:
    n = 200_000 if quick else 1_000_000
    x = simulate(n).to_numpy()
    df = pd.DataFrame(x, columns=ITEMS)
    reliability(df, n_boot=0)
    repeat = 3 if quick else 7
    ours = _best(lambda: reliability(df, n_boot=0), repeat)
    cov = _best(lambda: np.cov(x, rowvar=False), repeat)
    tracemalloc.start()
    reliability(df, n_boot=0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    mem = peak / x.nbytes
    note = f"peak traced memory {mem:.2f}x the {x.nbytes / 2**20:.0f} MiB array (target < 3x: {'met' if mem < 3 else 'NOT met'})"
    return [
        _row(
            f"alpha + item table, {n:,} x 24 (one scale)",
            ours,
            "numpy.cov (same array)",
            cov,
            "within 3x",
            note,
        )
    ]


def _polychoric_rows(quick: bool) -> list[dict[str, Any]]:
    n = 10_000 if quick else 100_000
    rng = np.random.default_rng(7)
    lam = np.tile([0.75, 0.7, 0.65, 0.6, 0.55], 5)
    f = rng.normal(size=(n, 5))
    z = np.repeat(f, 5, axis=1) * lam + rng.normal(size=(n, 25)) * np.sqrt(1 - lam**2)
    x = np.searchsorted(CUTS, z) + 1.0
    x[rng.random(x.shape) < 0.02] = np.nan
    df = pd.DataFrame(x, columns=[f"q{i + 1}" for i in range(25)])
    polychoric(df)
    res = polychoric(df)
    ours = _best(lambda: polychoric(df), 1 if quick else 3)
    r = _rscript("polychoric", x)
    case = f"polychoric, 25 items x {n:,} (2% missing)"
    if r is None:
        return [_row(case, ours, "R psych::polychoric", None, ">= 5x", "Rscript not found")]
    diff = float(np.abs(np.array(r["rho"]) - res.rho.to_numpy()).max())
    return [
        _row(case, ours, "R psych::polychoric", r["seconds"], ">= 5x", f"max |Δρ| = {diff:.1e}")
    ]


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Rows for benchmarks/run.py."""
    return _reliability_rows(quick) + _big_alpha_rows(quick) + _polychoric_rows(quick)


if __name__ == "__main__":  # pragma: no cover
    for row in run(quick=True):
        print(row)
