"""Writing a simulated term folder: CSV files, ``survey.yaml`` and ``truth.json``.

Output is byte-for-byte reproducible: fixed column order, ``\\n`` line ends, integers only in the
CSV files, floats in ``truth.json`` rounded to 6 decimals, and no timestamps or versions.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from dinamika.data.instruments import load_instrument
from dinamika.errors import UsageError
from dinamika.i18n.messages import Message
from dinamika.simulation.params import MASTER

if TYPE_CHECKING:  # pragma: no cover
    from dinamika.simulation.term import SimulatedTerm

__all__ = ["FILES", "manifest_text", "write_term"]

FILES = {
    "responses": "kuesioner.csv",
    "observations": "observasi.csv",
    "interviews": "wawancara.csv",
}


def _as_text(
    frame: pd.DataFrame, columns: list[str], labels: dict[int, str] | None
) -> pd.DataFrame:
    out = frame.astype(object).copy()
    for col in columns:
        codes = frame[col]
        text = codes.astype("string").fillna("")
        if labels is not None:
            text = codes.map(labels).astype("string").fillna("")
        out[col] = text.astype(object)
    return out


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def manifest_text(term: SimulatedTerm) -> str:
    """``survey.yaml`` of a simulated term, in the documented manifest format."""
    truth = term.truth
    inst = truth["instruments"]
    kind = {
        "codes": "kode 1-5 / codes 1-5",
        "id": "label Bahasa Indonesia / Indonesian labels",
        "en": "label bahasa Inggris / English labels",
    }[term.labels]
    has_master = bool((term.observations["id_pengamat"] == MASTER).any())
    master = f"  master: {MASTER}\n" if has_master else ""
    return f"""\
# Data sintetis (bukan data nyata) / synthetic data (not real): dinamika simulate,
# seed {truth["seed"]}, panel seed {truth["panel_seed"]}. Jawaban kuesioner / answers: {kind}.
# Parameter sebenarnya / true parameters: truth.json
schema: dinamika-survey/1
term: {term.term}
title:
  id: "Contoh sintetis {term.term} (bukan data nyata)"
  en: "Synthetic example {term.term} (not real data)"
synthetic: true
population: {{teachers: {term.population}}}
responses:
  file: {FILES["responses"]}
  instrument: {inst["responses"]}
  id: id_guru
  groups: {{school: sekolah, kkg: kkg, district: kabupaten, level: jenjang}}
  identifiers: [nama, nip]
  min_answered: 0.5
observations:
  file: {FILES["observations"]}
  instrument: {inst["observations"]}
  lesson: id_pelajaran
  teacher: id_guru
  observer: id_pengamat
{master}interviews:
  file: {FILES["interviews"]}
  instrument: {inst["interviews"]}
  teacher: id_guru
  theme: kode_tema
  stance: sikap
"""


def _contents(term: SimulatedTerm) -> dict[str, bytes]:
    q = load_instrument(term.truth["instruments"]["responses"])
    labels = None
    if term.labels != "codes":
        scale = q.items[0].response_scale
        labels = {code: scale.label(code, term.labels) for code in range(scale.min, scale.max + 1)}
    rubric = load_instrument(term.truth["instruments"]["observations"])
    truth = json.dumps(term.truth, indent=2, ensure_ascii=False) + "\n"
    return {
        "survey.yaml": manifest_text(term).encode("utf-8"),
        FILES["responses"]: _csv(_as_text(term.responses, list(q.item_ids), labels)),
        FILES["observations"]: _csv(_as_text(term.observations, list(rubric.item_ids), None)),
        FILES["interviews"]: _csv(term.interviews),
        "truth.json": truth.encode("utf-8"),
    }


def write_term(term: SimulatedTerm, folder: Path, *, overwrite: bool = False) -> Path:
    """Write the term into ``folder`` atomically (assembled beside it, then renamed)."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(Message("simulate.out_is_file", path=folder), lang="en")
    if folder.is_dir() and any(folder.iterdir()) and not overwrite:
        raise UsageError(Message("simulate.out_not_empty", path=folder), lang="en")
    contents = _contents(term)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.parent / f".{folder.name}.tmp-{os.getpid()}"
    old = folder.parent / f".{folder.name}.old-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        for name, data in contents.items():
            (tmp / name).write_bytes(data)
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return folder
