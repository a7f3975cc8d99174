"""Benchmark: a whole term at national scale (10k, 100k, 1M and 3.3M teachers), against floors.

Each size is a term folder written by ``dinamika simulate`` (questionnaire of 24 items,
observations, interviews; cached under ``$DINAMIKA_BENCH_DATA`` or the temp folder) and timed
in a fresh Python process, step after step, as a user would run them:

- ``floor_read``: pyarrow reading the three CSV files (the load floor);
- ``load``: ``load_survey(cache=False)`` (read, validate, map labels to codes, pseudonymize);
- ``load_cached``: ``load_survey`` again from its Parquet cache (written by an untimed load);
- ``floor_cov``: ``numpy.cov`` of the 24 item columns (the floor of the moment-based steps);
- ``score``, ``reliability`` (4 scales, no bootstrap), ``reliability_boot`` (2,000 draws),
  ``cfa_ml`` (four-factor ML), ``wlsmv`` (four-factor WLSMV), ``polychoric`` (24 items),
  ``report`` (``make_report`` of the term).

Every step records its seconds and the process's peak RSS so far. Across sizes the script fits
log(seconds) on log(n) per step (the slope: 1 is linear). Usage::

    python benchmarks/bench_scale.py --sizes 10000,100000,1000000,3300000
    python benchmarks/bench_scale.py --sizes 10000,100000 --skip report

Writes ``benchmarks/scale.json``. ``run(quick)`` serves ``benchmarks/run.py`` (10k and 100k).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
STEPS = (
    "floor_read",
    "load",
    "load_cached",
    "floor_cov",
    "score",
    "reliability",
    "reliability_boot",
    "cfa_ml",
    "wlsmv",
    "polychoric",
    "report",
)
KEY = "bench-scale-key-0123456789"
#: load + validate + score + reliability of 4 scales + CFA ML: the issue's one-minute budget
HEADLINE = ("load", "score", "reliability", "cfa_ml")


def data_folder(n: int) -> Path:
    """A simulated term of about n teachers (written once, reused)."""
    root = Path(
        os.environ.get("DINAMIKA_BENCH_DATA", Path(tempfile.gettempdir()) / "dinamika-bench-scale")
    )
    folder = root / f"t{n}"
    if not (folder / "survey.yaml").is_file():
        folder.parent.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "dinamika.cli", "simulate", "--out", str(folder)]
        cmd += ["--teachers", str(n), "--schools", str(max(30, n // 33)), "--force"]
        subprocess.run(cmd, check=True, capture_output=True)
    return folder


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(folder: Path, skip: set[str]) -> list[dict[str, Any]]:
    """Time every step on one term folder in this process (called in a fresh interpreter)."""
    import pyarrow.csv as pcsv

    from dinamika import load_survey, polychoric, reliability_table, score
    from dinamika.psychometrics.cfa.instrument import cfa_survey

    rows: list[dict[str, Any]] = []
    state: dict[str, Any] = {}

    def step(name: str, fn: Callable[[], Any]) -> None:
        if name in skip:
            return
        t = time.perf_counter()
        state[name] = fn()
        rows.append({"step": name, "seconds": time.perf_counter() - t, "peak_mb": _peak_mb()})

    files = sorted(folder.glob("*.csv"))
    step("floor_read", lambda: [pcsv.read_csv(f).num_rows for f in files])
    os.environ["DINAMIKA_CACHE_DIR"] = tempfile.mkdtemp(prefix="dinamika-bench-cache-")
    survey = load_survey(folder, key=KEY, cache=False) if "load" in skip else None
    step("load", lambda: load_survey(folder, key=KEY, cache=False))
    survey = state.get("load", survey)
    if "load_cached" not in skip:
        load_survey(folder, key=KEY)  # validates again and writes the Parquet cache (untimed)
        step("load_cached", lambda: load_survey(folder, key=KEY))
    items = survey.responses[list(survey.item_columns)].to_numpy()
    rows.append({"step": "n", "seconds": float(len(items)), "peak_mb": _peak_mb()})
    filled = np.where(np.isnan(items), 3.0, items)
    del items
    step("floor_cov", lambda: np.cov(filled, rowvar=False))
    step("score", lambda: score(survey))
    step("reliability", lambda: reliability_table(survey, n_boot=0))
    step("reliability_boot", lambda: reliability_table(survey, n_boot=2000, seed=1))
    step("cfa_ml", lambda: cfa_survey(survey, estimator="ML"))
    step("wlsmv", lambda: cfa_survey(survey))
    step("polychoric", lambda: polychoric(survey.responses[list(survey.item_columns)]))
    if "report" not in skip:
        from dinamika import make_report

        out = Path(tempfile.mkdtemp()) / "report.html"
        os.environ["DINAMIKA_PSEUDONYM_KEY"] = KEY
        step("report", lambda: make_report([folder], out=out))
    return rows


def slope(ns: list[float], secs: list[float]) -> float:
    """Least-squares slope of log(seconds) on log(n)."""
    if len(ns) < 2:
        return float("nan")
    return float(np.polyfit(np.log(ns), np.log(secs), 1)[0])


def measure(sizes: list[int], skip_at: dict[str, int]) -> dict[str, Any]:
    """Run the worker per size; ``skip_at`` maps a step to the size from which it is skipped."""
    by_size: dict[int, list[dict[str, Any]]] = {}
    for n in sizes:
        folder = data_folder(n)
        skip = {s for s, limit in skip_at.items() if n >= limit}
        cmd = [sys.executable, __file__, "--worker", str(folder), "--skip", ",".join(sorted(skip))]
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
        by_size[n] = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"n≈{n}: " + ", ".join(f"{r['step']} {r['seconds']:.2f}" for r in by_size[n]),
            file=sys.stderr,
        )
    slopes = {}
    for name in STEPS:
        pts = [(r["n"], r["s"]) for r in _points(by_size, name)]
        slopes[name] = slope([p[0] for p in pts], [p[1] for p in pts])
    return {"sizes": by_size, "slopes": slopes}


def _points(by_size: dict[int, list[dict[str, Any]]], name: str) -> list[dict[str, float]]:
    out = []
    for rows in by_size.values():
        n = next(r["seconds"] for r in rows if r["step"] == "n")
        got = [r["seconds"] for r in rows if r["step"] == name]
        if got:
            out.append({"n": n, "s": got[0]})
    return out


def run(quick: bool) -> list[dict[str, Any]]:
    """Rows for ``benchmarks/run.py``: every step against its floor at each size."""
    sizes = [10_000, 100_000] if quick else [10_000, 100_000, 1_000_000, 3_300_000]
    res = measure(sizes, {"report": 100_001, "reliability_boot": 10**9, "wlsmv": 1_000_001})
    rows = []
    for n, steps in res["sizes"].items():
        t = {r["step"]: r for r in steps}
        for name in STEPS:
            if name.startswith("floor") or name not in t:
                continue
            floor = "floor_read" if name.startswith("load") else "floor_cov"
            rows.append(
                {
                    "case": f"{name}, n≈{n:,}",
                    "dinamika_s": t[name]["seconds"],
                    "peer": floor,
                    "peer_s": t[floor]["seconds"],
                    "ratio": t[floor]["seconds"] / t[name]["seconds"],
                    "target": "",
                    "note": f"peak RSS {t[name]['peak_mb']:.0f} MB; slope {res['slopes'][name]:.2f}",
                }
            )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--skip", default="", help="steps to skip, comma-separated")
    ap.add_argument("--sizes", default="10000,100000,1000000,3300000")
    ap.add_argument(
        "--skip-from",
        action="append",
        default=[],
        metavar="STEP=N",
        help="skip STEP at sizes >= N (e.g. report=1000000)",
    )
    ap.add_argument("--output", default=str(HERE / "scale.json"))
    args = ap.parse_args()
    skip = {s for s in args.skip.split(",") if s}
    if args.worker:
        print(json.dumps(worker(Path(args.worker), skip)))
        return
    skip_at = {s: 0 for s in skip}
    for item in args.skip_from:
        name, _, limit = item.partition("=")
        skip_at[name] = int(limit)
    res = measure([int(s) for s in args.sizes.split(",")], skip_at)
    Path(args.output).write_text(json.dumps(res, indent=1) + "\n")
    print(table(res))


def table(res: dict[str, Any]) -> str:
    """Markdown table: seconds (peak RSS MB) per step and size, and the log-log slope."""
    sizes = list(res["sizes"])
    head = "| step | " + " | ".join(f"n≈{int(n):,}" for n in sizes) + " | slope |"
    lines = [head, "|" + "---|" * (len(sizes) + 2)]
    for name in STEPS:
        cells = []
        for n in sizes:
            got = [r for r in res["sizes"][n] if r["step"] == name]
            cells.append(f"{got[0]['seconds']:.2f} s ({got[0]['peak_mb']:.0f} MB)" if got else "—")
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {res['slopes'][name]:.2f} |")
    headline = []
    for n in sizes:
        t = {r["step"]: r["seconds"] for r in res["sizes"][n]}
        headline.append(
            f"{sum(t[s] for s in HEADLINE):.1f} s" if all(s in t for s in HEADLINE) else "—"
        )
    lines.append("| load+score+reliability+CFA ML | " + " | ".join(headline) + " | |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
