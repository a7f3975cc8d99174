"""The term report end to end against the floor of the same pipeline with an empty notebook.

``dinamika.report.pipeline.report`` (validate, execute ``laporan-semester`` on a fresh kernel, convert,
leak check, atomic write) is timed against ``render_notebook`` of a notebook holding only the
``parameters`` cell, written the same way: kernel start, nbclient, nbconvert with the report
template. Targets: report ≤ 2× the floor at ~300 teachers, ≤ 3× at ~10,000 teachers (a term
made with ``dinamika.simulation.term``). ``ratio`` is floor / report as everywhere in this folder
(peer time / dinamika time), so the targets read ratio ≥ 0.5 and ≥ 0.33.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE.parent / "src") not in sys.path:
    sys.path.insert(0, str(HERE.parent / "src"))

from dinamika import simulate  # noqa: E402
from dinamika.data.files import atomic_write  # noqa: E402
from dinamika.data.resources import default_survey  # noqa: E402
from dinamika.report.kernel import Kernel  # noqa: E402
from dinamika.report.pipeline import render_notebook, report  # noqa: E402

EMPTY = """# %% tags=["parameters"]
survey_dir = None
lang = "id"
min_cell = 5
seed = 2025
key_file = None
"""


def _floor(folder: Path, out: Path, *, warm: bool = False) -> float:
    """The empty notebook through the pipeline; ``warm``: with the kernel's warm-up import.

    The report's pipeline starts its kernel with a warm-up (``import dinamika.report`` and
    matplotlib) while the data are validated; ``warm=True`` times the empty notebook on such a
    kernel, so the floor includes loading the library but no analysis.
    """
    (folder / "kosong.py").write_text(EMPTY, encoding="utf-8")
    start = time.perf_counter()
    if warm:
        with Kernel(folder) as kernel:
            kernel.wait_warm()
            page = render_notebook(
                "kosong", {"lang": "id"}, title="floor", lang="id", folder=folder, kernel=kernel
            )
    else:
        page = render_notebook("kosong", {"lang": "id"}, title="floor", lang="id", folder=folder)
    data = page.encode("utf-8")

    def write(path: Path) -> None:
        path.write_bytes(data)

    atomic_write(out, write)
    return time.perf_counter() - start


def _report(term: Path, out: Path) -> float:
    start = time.perf_counter()
    report([term], out=out)
    return time.perf_counter() - start


def _big_term(folder: Path, teachers: int) -> Path:
    per_school = 20
    sim = simulate(
        n_schools=max(1, teachers // per_school),
        teachers_per_school=(per_school - 4, per_school + 4),
        n_kkg=40,
        n_districts=5,
        term=f"bench-{teachers}",
        seed=11,
    )
    return sim.write(folder / f"bench-{teachers}")


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Rows for benchmarks/run.py (best of 2 runs each; 1 with ``quick``)."""
    repeats = 1 if quick else 2
    rows = []
    with tempfile.TemporaryDirectory(prefix="dinamika-bench-report-") as tmp:
        base = Path(tmp)
        cases = [("term report, bundled example (309 teachers)", default_survey(), "within 2x")]
        if not quick:
            cases.append(
                ("term report, simulated 10,000 teachers", _big_term(base, 10_000), "within 3x")
            )
        floor = min(_floor(base, base / f"floor{i}.html") for i in range(repeats))
        warm = min(_floor(base, base / f"warm{i}.html", warm=True) for i in range(repeats))
        for case, term, target in cases:
            best = min(_report(term, base / f"r{i}.html") for i in range(repeats))
            for peer, peer_s in (
                ("empty notebook, same pipeline (floor)", floor),
                ("empty notebook + kernel warm-up import (floor incl. library load)", warm),
            ):
                rows.append(
                    {
                        "case": case,
                        "dinamika_s": best,
                        "peer": peer,
                        "peer_s": peer_s,
                        "ratio": peer_s / best,
                        "target": target,
                        "note": f"report = {best / peer_s:.2f}x floor",
                    }
                )
    return rows


if __name__ == "__main__":  # pragma: no cover
    for row in run(quick="--quick" in sys.argv):
        print(row)
