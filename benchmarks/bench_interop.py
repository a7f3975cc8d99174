"""Benchmark: importing a large Google Forms export, and exporting the term to SPSS.

Cases (sizes: 20,000 submissions, 2,000 with ``--quick``), on a Google Sheets-style CSV made by
repeating ``tests/fixtures/interop/gforms_id.csv`` with distinct e-mails:

- ``import google-forms``: :func:`dinamika.import_google_forms` end to end (read, header
  matching, answer checks, timestamp parsing, duplicate search, writing the folder, and a full
  :func:`dinamika.validate_survey` of the written folder). Peer: the bare minimum a script would
  do — ``pandas.read_csv`` plus mapping labels to codes for the 24 item columns, no checks.
- ``export .sav``: :func:`dinamika.export_survey` (load, validate, pseudonymize, score, labels,
  write). Peer: ``pyreadstat.write_sav`` of an already scored frame with the same labels.

``ratio`` = peer time / dinamika time (below 1: dinamika does more work than the peer). The
target: all of that checking costs less than ten times the bare peer (``within 10x``), i.e. a
few seconds for a district's whole term.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from dinamika import export_survey, import_google_forms, load_instrument

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "interop" / "gforms_id.csv"
REF = "komunitas-guru@1.0.0"
KEY = "benchmark-key-0123456789abcdef"
CODES = {"sangat tidak setuju": 1, "tidak setuju": 2, "netral": 3, "setuju": 4, "sangat setuju": 5}


def _export_file(n: int, folder: Path) -> Path:
    raw = pd.read_csv(FIXTURE, dtype=str, keep_default_na=False).iloc[:30]
    reps = -(-n // len(raw))
    big = pd.concat([raw] * reps, ignore_index=True).iloc[:n]
    big["Alamat email"] = [f"guru{i}@sekolah.belajar.id" for i in range(n)]
    rng = np.random.default_rng(3)
    stamps = pd.Timestamp("2026-11-02 07:00") + pd.to_timedelta(
        np.sort(rng.integers(0, 2e6, n)), unit="s"
    )
    big["Stempel waktu"] = stamps.strftime("%d/%m/%Y %H:%M:%S")
    path = folder / "jawaban.csv"
    big.to_csv(path, index=False)
    return path


def _time(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def run(quick: bool = False) -> list[dict[str, object]]:
    n = 2_000 if quick else 20_000
    repeat = 1 if quick else 3
    inst = load_instrument(REF)
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="bench-interop-") as d:
        folder = Path(d)
        src = _export_file(n, folder)
        out = folder / "term"

        def ours() -> None:
            if out.exists():
                shutil.rmtree(out)
            import_google_forms(src, instrument=REF, out=out)

        def peer() -> None:
            df = pd.read_csv(src, dtype=str, keep_default_na=False)
            items = [c for c in df.columns if c[:1].isdigit()]
            for c in items:
                df[c] = df[c].str.strip().str.lower().map(CODES)

        t_ours, t_peer = _time(ours, repeat), _time(peer, repeat)
        rows.append(
            {
                "case": f"import google-forms, {n:,} rows x 24 items",
                "dinamika_s": t_ours,
                "peer": "pandas read_csv + label map (no checks)",
                "peer_s": t_peer,
                "ratio": t_peer / t_ours,
                "target": "within 10x of the bare peer",
                "note": "dinamika includes matching, checks, timestamps, duplicates, write and validate",
            }
        )

        sav = folder / "data.sav"
        t_export = _time(lambda: export_survey(out, sav, key=KEY, factor_scores=False), repeat)

        import pyreadstat

        from dinamika import load_survey, score

        survey = load_survey(out, key=KEY)
        frame = pd.concat(
            [survey.responses[["teacher", *inst.item_ids]], score(survey)[list(inst.scales)]],
            axis=1,
        )
        labels = {
            i: {float(c): t["id"] for c, t in inst.item(i).response_scale.labels.items()}
            for i in inst.item_ids
        }

        def peer_sav() -> None:
            pyreadstat.write_sav(frame, str(folder / "peer.sav"), variable_value_labels=labels)

        t_peer_sav = _time(peer_sav, repeat)
        rows.append(
            {
                "case": f"export .sav, {n:,} respondents",
                "dinamika_s": t_export,
                "peer": "pyreadstat.write_sav of a scored frame",
                "peer_s": t_peer_sav,
                "ratio": t_peer_sav / t_export,
                "target": "within 10x of the bare peer",
                "note": "dinamika includes load, validation, pseudonymization, scoring and labels",
            }
        )
    return rows


if __name__ == "__main__":  # pragma: no cover
    for row in run(quick=True):
        print(row)
