"""Benchmark: dinamika.cfa / dinamika.invariance vs R lavaan and semopy.

Data: 24 five-point items, four correlated factors (six items each, the komunitas-guru
layout), simulated here (seeded) as thresholded normal responses; two groups of equal size
for the invariance cases. Cases, each at 300 and 10,000 respondents:

- ML CFA (four factors): lavaan ``cfa(m, d)`` and semopy ``Model(m).fit(d)`` (semopy's
  default ``obj="MLW"``, its ML);
- WLSMV CFA (ordered items): lavaan ``cfa(m, d, ordered = TRUE, estimator = "WLSMV")``
  (semopy has no WLSMV: its DWLS uses neither polychorics' NACOV nor the scaled-shifted test);
- the invariance sequence configural → metric → scalar on two groups, ML and WLSMV: lavaan's
  three ``cfa(group = "g", group.equal = ...)`` fits plus ``lavTestLRT``;
- FIML (``missing="fiml"``) on a 13-item, 3-factor model (Holzinger–Swineford-like continuous
  scores, items on different scales, missing at random: the chance that items 2–13 are
  missing rises with item 1), at 400 and 2,000 respondents: lavaan ``cfa(m, d, missing =
  "fiml")``.

lavaan is timed inside R with ``system.time`` around the fitting calls only (best of the
repeats; no start-up or CSV reading); ours and semopy's are best of repeats in this process.
Every row's note gives the largest absolute loading difference to the peer ("at equal
results").
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

from dinamika import cfa, invariance

N_ITEMS, N_FACTORS = 24, 4
ITEMS = [f"i{k:02d}" for k in range(1, N_ITEMS + 1)]
MODEL = "\n".join(f"f{f + 1} =~ " + " + ".join(ITEMS[6 * f : 6 * f + 6]) for f in range(N_FACTORS))


def _data(n: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    lam = np.zeros((N_ITEMS, N_FACTORS))
    for f in range(N_FACTORS):
        lam[6 * f : 6 * f + 6, f] = [0.78, 0.74, 0.7, 0.66, 0.62, 0.55]
    phi = np.full((N_FACTORS, N_FACTORS), 0.45)
    np.fill_diagonal(phi, 1.0)
    sigma = lam @ phi @ lam.T
    np.fill_diagonal(sigma, 1.0)
    z = rng.standard_normal((n, N_ITEMS)) @ np.linalg.cholesky(sigma).T
    x = np.digitize(z, [-1.8, -0.9, 0.1, 1.2]) + 1.0
    d = pd.DataFrame(x, columns=ITEMS)
    d.insert(0, "g", np.where(np.arange(n) < n // 2, "t1", "t2"))
    return d


def _best(fn: Callable[[], object], repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


R_SCRIPT = r"""
suppressPackageStartupMessages(library(lavaan))
d <- read.csv("{data}")
items <- setdiff(names(d), "g")
m <- readLines("{model}")
rep <- {repeat}
best <- function(expr) min(sapply(seq_len(rep), function(i) system.time(eval(expr))[["elapsed"]]))
out <- list()
f <- cfa(m, d)
out$ml <- best(quote(f <<- cfa(m, d)))
out$ml_loadings <- parameterEstimates(f)$est[parameterEstimates(f)$op == "=~"]
f <- cfa(m, d, ordered = items, estimator = "WLSMV")
out$wlsmv <- best(quote(f <<- cfa(m, d, ordered = items, estimator = "WLSMV")))
out$wlsmv_loadings <- parameterEstimates(f)$est[parameterEstimates(f)$op == "=~"]
inv_ml <- quote({{
  a <- cfa(m, d, group = "g"); b <- cfa(m, d, group = "g", group.equal = "loadings")
  s <- cfa(m, d, group = "g", group.equal = c("loadings", "intercepts")); lavTestLRT(a, b, s)
}})
out$inv_ml <- best(inv_ml)
inv_wl <- quote({{
  a <- cfa(m, d, group = "g", ordered = items, estimator = "WLSMV")
  b <- cfa(m, d, group = "g", ordered = items, estimator = "WLSMV", group.equal = "loadings")
  s <- cfa(m, d, group = "g", ordered = items, estimator = "WLSMV",
           group.equal = c("loadings", "thresholds")); lavTestLRT(a, b, s)
}})
out$inv_wlsmv <- best(inv_wl)
jsonlite::write_json(out, "{out}", digits = NA, auto_unbox = TRUE)
"""


def _lavaan(d: pd.DataFrame, repeat: int) -> dict | None:  # type: ignore[type-arg]
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        paths = {k: Path(tmp) / f"{k}.txt" for k in ("data", "model", "out", "script")}
        d.to_csv(paths["data"], index=False)
        paths["model"].write_text(MODEL + "\n")
        paths["script"].write_text(
            R_SCRIPT.format(
                data=paths["data"], model=paths["model"], out=paths["out"], repeat=repeat
            )
        )
        proc = subprocess.run(
            ["Rscript", str(paths["script"])],
            capture_output=True,
            text=True,
            check=False,
            timeout=3600,
        )
        if proc.returncode != 0 or not paths["out"].exists():
            return None
        return json.loads(paths["out"].read_text())  # type: ignore[no-any-return]


def _semopy(d: pd.DataFrame, repeat: int) -> tuple[float, np.ndarray] | None:
    try:
        import semopy
    except ImportError:  # pragma: no cover
        return None
    x = d[ITEMS]

    def fit() -> object:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mod = semopy.Model(MODEL)
            mod.fit(x)
            return mod

    seconds = _best(fit, repeat)
    est = fit().inspect()  # type: ignore[attr-defined]
    lo = est[(est["op"] == "~") & est["rval"].str.startswith("f")]
    order = {
        (f"f{f + 1}", it): k
        for k, (f, it) in enumerate(
            (f, it) for f in range(N_FACTORS) for it in ITEMS[6 * f : 6 * f + 6]
        )
    }
    vals = np.full(N_ITEMS, np.nan)
    for r in lo.itertuples():
        vals[order[(r.rval, r.lval)]] = float(r.Estimate)
    return seconds, vals


def _row(case: str, ours: float, peer: str, peer_s: float | None, target: str, note: str) -> dict:  # type: ignore[type-arg]
    return {
        "case": case,
        "dinamika_s": ours,
        "peer": peer,
        "peer_s": peer_s,
        "ratio": (peer_s / ours) if peer_s else None,
        "target": target,
        "note": note if peer_s else "peer not available",
    }


FIML_ITEMS = [f"x{k}" for k in range(1, 14)]
FIML_MODEL = "f1 =~ x1 + x2 + x3 + x4 + x5\nf2 =~ x6 + x7 + x8 + x9\nf3 =~ x10 + x11 + x12 + x13"
FIML_R = r"""
suppressPackageStartupMessages(library(lavaan))
d <- read.csv("{data}")
m <- readLines("{model}")
f <- cfa(m, d, missing = "fiml")
t <- min(sapply(seq_len({repeat}), function(i)
  system.time(f <<- cfa(m, d, missing = "fiml"))[["elapsed"]]))
pe <- parameterEstimates(f)
jsonlite::write_json(list(seconds = t, loadings = pe$est[pe$op == "=~"],
                          chisq = fitMeasures(f, "chisq")[[1]],
                          iterations = lavInspect(f, "iterations")),
                     "{out}", digits = NA, auto_unbox = TRUE)
"""


def _fiml_data(n: int, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    lam = np.zeros((13, 3))
    lam[0:5, 0] = [0.8, 0.7, 0.7, 0.6, 0.6]
    lam[5:9, 1] = [0.8, 0.75, 0.7, 0.6]
    lam[9:13, 2] = [0.8, 0.7, 0.65, 0.6]
    phi = np.array([[1.0, 0.4, 0.3], [0.4, 1.0, 0.5], [0.3, 0.5, 1.0]])
    sigma = lam @ phi @ lam.T
    np.fill_diagonal(sigma, 1.0)
    z = rng.standard_normal((n, 13)) @ np.linalg.cholesky(sigma).T
    scale = np.array([1.2, 1.0, 0.9, 1.1, 1.0, 2.0, 1.5, 1.0, 1.0, 0.8, 1.0, 1.3, 1.0])
    x = z * scale * 3 + 5 + np.arange(13) * 0.5
    p_miss = 0.35 / (1.0 + np.exp(-(z[:, [0]] - 1.0)))  # MAR: depends on (observed) item 1
    miss = rng.random((n, 13)) < p_miss
    miss[:, 0] = False
    x[miss] = np.nan
    return pd.DataFrame(x, columns=FIML_ITEMS)


def _fiml_rows(quick: bool) -> list[dict]:  # type: ignore[type-arg]
    rows: list[dict] = []  # type: ignore[type-arg]
    for n in (400, 2000):
        d = _fiml_data(n)
        repeat = 2 if quick else 5
        res = cfa(FIML_MODEL, d, missing="fiml")
        ours_s = _best(lambda d=d: cfa(FIML_MODEL, d, missing="fiml"), repeat)
        lav = None
        if shutil.which("Rscript") is not None:
            with tempfile.TemporaryDirectory() as tmp:
                paths = {k: Path(tmp) / f"{k}.txt" for k in ("data", "model", "out", "script")}
                d.to_csv(paths["data"], index=False, na_rep="NA")
                paths["model"].write_text(FIML_MODEL + "\n")
                paths["script"].write_text(
                    FIML_R.format(
                        data=paths["data"], model=paths["model"], out=paths["out"], repeat=repeat
                    )
                )
                proc = subprocess.run(
                    ["Rscript", str(paths["script"])], capture_output=True, text=True, check=False
                )
                if proc.returncode == 0 and paths["out"].exists():
                    lav = json.loads(paths["out"].read_text())
        note = f"converged in {res.diagnostics.iterations} iterations"
        if lav is not None:
            diff = np.abs(np.array(lav["loadings"]) - res.loadings["estimate"].to_numpy()).max()
            note += (
                f"; max |loading diff| {diff:.1e}, |chisq diff| "
                f"{abs(lav['chisq'] - res.fit.chisq):.1e}; lavaan {lav['iterations']} iterations"
            )
        rows.append(
            _row(
                f"CFA FIML, {n:,} x 13 items (MAR missing), 3 factors",
                ours_s,
                "R lavaan::cfa missing='fiml'",
                lav["seconds"] if lav else None,
                "within 3x",
                note,
            )
        )
    return rows


def run(quick: bool = False) -> list[dict]:  # type: ignore[type-arg]
    """Rows for benchmarks/run.py."""
    rows: list[dict] = _fiml_rows(quick)  # type: ignore[type-arg]
    for n in (300, 10_000):
        d = _data(n)
        repeat = (2 if quick else 5) if n <= 1000 else (1 if quick else 3)
        lav = _lavaan(d, repeat) or {}
        shape = f"{n:,} x {N_ITEMS} items, {N_FACTORS} factors"
        # ML
        res = cfa(MODEL, d)
        ours = res.loadings["estimate"].to_numpy()
        ours_s = _best(lambda d=d: cfa(MODEL, d), repeat)
        diff = np.abs(np.array(lav.get("ml_loadings", [np.nan] * N_ITEMS)) - ours).max()
        rows.append(
            _row(
                f"CFA ML, {shape}",
                ours_s,
                "R lavaan::cfa",
                lav.get("ml"),
                "within 2x",
                f"max |loading diff| {diff:.1e}",
            )
        )
        sem = _semopy(d, repeat)
        if sem is not None:
            sdiff = np.nanmax(np.abs(sem[1] - ours))
            rows.append(
                _row(
                    f"CFA ML, {shape}",
                    ours_s,
                    "semopy (MLW)",
                    sem[0],
                    ">= 5x",
                    f"max |loading diff| {sdiff:.1e}",
                )
            )
        # WLSMV
        res = cfa(MODEL, d, estimator="WLSMV")
        ours = res.loadings["estimate"].to_numpy()
        ours_s = _best(lambda d=d: cfa(MODEL, d, estimator="WLSMV"), repeat)
        diff = np.abs(np.array(lav.get("wlsmv_loadings", [np.nan] * N_ITEMS)) - ours).max()
        rows.append(
            _row(
                f"CFA WLSMV, {shape}",
                ours_s,
                "R lavaan::cfa WLSMV",
                lav.get("wlsmv"),
                "within 2x",
                f"max |loading diff| {diff:.1e}",
            )
        )
        # invariance sequences
        for est, key in (("ML", "inv_ml"), ("WLSMV", "inv_wlsmv")):
            ours_s = _best(
                lambda d=d, est=est: invariance(MODEL, d, group="g", estimator=est), repeat
            )
            rows.append(
                _row(
                    f"invariance {est} (3 fits + tests), {shape}, 2 groups",
                    ours_s,
                    "R lavaan 3x cfa + lavTestLRT",
                    lav.get(key),
                    "within 3x",
                    "same models and tests",
                )
            )
    return rows


if __name__ == "__main__":  # pragma: no cover
    for r in run(quick=True):
        print(r)
