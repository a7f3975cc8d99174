"""Run dinamika's benchmarks against their peers, in one run, and print the ratios.

Usage (from the repository root)::

    python benchmarks/run.py             # every benchmarks/bench_*.py
    python benchmarks/run.py --quick     # smaller cases, fewer repeats
    python benchmarks/run.py --only reliability --only efa
    python benchmarks/run.py --output benchmarks/results.json

Each ``benchmarks/bench_<topic>.py`` exposes ``run(quick: bool) -> list[dict]``; every row has
``case``, ``dinamika_s``, ``peer``, ``peer_s``, ``ratio`` (peer time / dinamika time, so > 1
means dinamika is faster), ``target`` and ``note``. Peers are timed by the module itself, in
the same run (R through ``Rscript`` when it is installed; rows say so when a peer is missing).
This script prints one table and writes ``benchmarks/results.json`` with the machine it ran on.
A benchmark that raises is reported and the others still run; the exit code is then 1.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT / "src") not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT / "src"))
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

COLUMNS = ("case", "dinamika_s", "peer", "peer_s", "ratio", "target", "note")


def discover(only: list[str] | None = None) -> dict[str, Path]:
    """Benchmark modules by topic (``bench_<topic>.py``), sorted; ``only`` filters topics."""
    found = {p.stem.removeprefix("bench_"): p for p in sorted(HERE.glob("bench_*.py"))}
    if only:
        wanted = {t.strip() for item in only for t in item.split(",") if t.strip()}
        unknown = wanted - set(found)
        if unknown:
            raise SystemExit(f"unknown topic(s) {sorted(unknown)}; available: {sorted(found)}")
        found = {k: v for k, v in found.items() if k in wanted}
    return found


def load(topic: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{topic}", path)
    if spec is None or spec.loader is None:  # pragma: no cover
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def machine() -> dict[str, Any]:
    """Where the figures came from."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:  # pragma: no cover
        pass
    info: dict[str, Any] = {
        "date_utc": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    with contextlib.suppress(OSError):
        info["load_average"] = [round(v, 2) for v in os.getloadavg()]
    for dist in (
        "numpy",
        "scipy",
        "pandas",
        "pingouin",
        "factor_analyzer",
        "semopy",
        "statsmodels",
    ):
        try:
            info[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:  # pragma: no cover - peer not installed
            info[dist] = None
    rscript = shutil.which("Rscript")
    info["R"] = None
    if rscript:
        try:
            out = subprocess.run(
                [rscript, "-e", 'cat(R.version.string, as.character(packageVersion("psych")))'],
                capture_output=True,
                text=True,
                timeout=60,
            )
            info["R"] = out.stdout.strip() or None
        except (OSError, subprocess.TimeoutExpired):  # pragma: no cover
            pass
    return info


def target_met(row: dict[str, Any]) -> str:
    """'yes'/'no' for targets of the form '>= 20x' (ratio) or 'within 3x' (1/ratio); else ''."""
    ratio = row.get("ratio")
    target = str(row.get("target") or "")
    if ratio is None:
        return ""
    m = re.search(r">=?\s*([\d.]+)\s*x", target)
    if m:
        return "yes" if ratio >= float(m.group(1)) else "no"
    m = re.search(r"within\s*([\d.]+)\s*x", target)
    if m:
        return "yes" if ratio >= 1 / float(m.group(1)) else "no"
    return ""


def _fmt_time(s: Any) -> str:
    if s is None:
        return "—"
    s = float(s)
    if s < 1e-3:
        return f"{s * 1e6:.0f} µs"
    if s < 1:
        return f"{s * 1e3:.1f} ms"
    return f"{s:.2f} s"


def _fmt_ratio(r: Any) -> str:
    if r is None:
        return "—"
    r = float(r)
    return f"{r:,.0f}x" if r >= 100 else f"{r:.1f}x" if r >= 1 else f"{r:.2f}x"


def table(rows: list[dict[str, Any]]) -> str:
    """Plain-text table of all rows."""
    head = ["topic", "case", "dinamika", "peer", "peer time", "ratio", "target", "met", "note"]
    body = [
        [
            str(r.get("topic", "")),
            str(r.get("case", "")),
            _fmt_time(r.get("dinamika_s")),
            str(r.get("peer", "")),
            _fmt_time(r.get("peer_s")),
            _fmt_ratio(r.get("ratio")),
            str(r.get("target") or ""),
            target_met(r),
            str(r.get("note") or ""),
        ]
        for r in rows
    ]
    widths = [
        min(60, max(len(h), *(len(b[i]) for b in body))) if body else len(h)
        for i, h in enumerate(head)
    ]
    lines = [" | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    for b in body:
        lines.append(" | ".join(c.ljust(w) for c, w in zip(b, widths, strict=True)))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller cases, fewer repeats")
    parser.add_argument(
        "--only",
        action="append",
        metavar="TOPIC",
        help="run only this topic (repeatable, or comma-separated)",
    )
    parser.add_argument(
        "--output", type=Path, default=HERE / "results.json", help="where to write the JSON results"
    )
    args = parser.parse_args(argv)

    topics = discover(args.only)
    info = machine()
    print(
        f"dinamika benchmarks — {info['date_utc']}, {info['nproc']} cores, {info['cpu']}, load {info.get('load_average')}"
    )
    print(f"R: {info['R'] or 'not found (R peers skipped)'}")
    all_rows: list[dict[str, Any]] = []
    failed = []
    for topic, path in topics.items():
        print(f"\n== {topic} ({path.name}) ...", flush=True)
        t0 = time.perf_counter()
        try:
            rows = load(topic, path).run(quick=args.quick)
        except Exception as exc:  # report and go on with the other topics
            traceback.print_exc()
            failed.append(topic)
            rows = [{"case": "(benchmark failed)", "note": f"{type(exc).__name__}: {exc}"}]
        for r in rows:
            r = {k: r.get(k) for k in COLUMNS} | {"topic": topic}
            r["target_met"] = target_met(r)
            all_rows.append(r)
        print(table([r for r in all_rows if r["topic"] == topic]))
        print(f"({topic}: {time.perf_counter() - t0:.1f} s)")

    print("\n== all topics\n" + table(all_rows))
    payload = {"machine": info, "quick": args.quick, "rows": all_rows}
    args.output.write_text(json.dumps(payload, indent=2, default=float) + "\n", encoding="utf-8")
    print(f"\nwrote {args.output}")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
