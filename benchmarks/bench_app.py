"""Benchmark: the no-code page's machine time, from upload to the downloadable report.

Case: a 300-teacher Google Forms export (``tests/fixtures/interop/gforms_id.csv`` repeated, as
in ``bench_interop``) goes through :class:`dinamika.app.session.AppSession` exactly as the page
drives it — keep the upload, match headers, import with the CLI's importer, write the term
report on a real Jupyter kernel. Peer: the same two steps as the CLI a researcher would type
(``dinamika import google-forms`` then ``dinamika report``, as subprocesses). The target is
under 20 s of machine time at 300 teachers; a person's time (choosing the file, one dropdown,
the term name, two clicks) is measured by the browser test ``tests/test_app.py``, which writes
it to ``test-artifacts/app/waktu.txt``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_interop import REF, _export_file

from dinamika.app.session import AppSession


def run(quick: bool = False) -> list[dict[str, object]]:
    n = 300
    with tempfile.TemporaryDirectory(prefix="bench-app-") as d:
        folder = Path(d)
        export = _export_file(n, folder)
        t0 = time.perf_counter()
        session = AppSession(folder / "data")
        session.choose_instrument(REF)
        session.save_upload(export.name, export.read_bytes())
        session.import_term("2026-1", title="Benchmark", population=n)
        session.make_report()
        ours = time.perf_counter() - t0

        t0 = time.perf_counter()
        cli = [sys.executable, "-m", "dinamika.cli"]
        term = folder / "cli" / "2026-1"
        subprocess.run([*cli, "import", "google-forms", str(export), "--instrument", REF,
                        "--out", str(term)], check=True, capture_output=True)  # fmt: skip
        subprocess.run([*cli, "report", str(term), "--out", str(folder / "cli.html"),
                        "--quiet"], check=True, capture_output=True)  # fmt: skip
        peer = time.perf_counter() - t0
    return [
        {
            "case": f"app: upload to report, {n} teachers",
            "dinamika_s": ours,
            "peer": "CLI: dinamika import + dinamika report",
            "peer_s": peer,
            "ratio": peer / ours,
            "target": "under 20 s of machine time",
            "note": "met" if ours < 20 else "NOT met",
        }
    ]
