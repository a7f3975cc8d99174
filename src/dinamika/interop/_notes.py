"""Notes the import summary gives about columns: personal data, other questions, fuzzy matches."""

from __future__ import annotations

import os

import pandas as pd

from dinamika.privacy.pseudonym import ENV_KEY, ENV_KEY_FILE

__all__ = ["column_notes"]


def _quoted(headers: list[str]) -> str:
    shown = [f"'{h if len(h) <= 40 else h[:39] + '…'}'" for h in headers[:4]]
    return ", ".join(shown) + (f" (+{len(headers) - 4})" if len(headers) > 4 else "")


def column_notes(mapping: pd.DataFrame) -> list[tuple[str, str]]:
    """Say which columns hold personal data (hashed at load) and which are not loaded."""
    notes: list[tuple[str, str]] = []
    role = mapping["role"].astype(str)
    ident = mapping.loc[role.str.contains("identifier"), "column_in_file"].astype(str).tolist()
    other = mapping.loc[role == "other", "column_in_file"].astype(str).tolist()
    if ident:
        en = (
            f"personal data {_quoted(ident)}: replaced by keyed pseudonyms when the folder is "
            "loaded (the data file keeps them as the export did: do not share the folder)"
        )
        id_ = (
            f"data pribadi {_quoted(ident)}: diganti nama samaran berkunci saat folder dibaca "
            "(berkas data tetap memuatnya seperti ekspor: jangan bagikan folder ini)"
        )
        if not (os.environ.get(ENV_KEY) or os.environ.get(ENV_KEY_FILE)):
            en += (
                "; set DINAMIKA_PSEUDONYM_KEY_FILE (a key file outside the data folder) before "
                "validate/report so pseudonyms stay the same between runs"
            )
            id_ += (
                "; atur DINAMIKA_PSEUDONYM_KEY_FILE (berkas kunci di luar folder data) sebelum "
                "validate/report agar nama samaran tetap sama"
            )
        notes.append((en, id_))
    fuzzy = mapping[mapping["method"].astype(str) == "fuzzy"]
    if len(fuzzy):
        pairs = [
            f"{_quoted([str(h)])} → {i} ({float(r):.2f})"
            for h, i, r in zip(fuzzy["column_in_file"], fuzzy["item"], fuzzy["similarity"], strict=True)
        ]  # fmt: skip
        notes.append(
            (
                f"matched by similarity, check the wording in mapping.csv: {'; '.join(pairs)}",
                f"dicocokkan menurut kemiripan, periksa kalimatnya di mapping.csv: {'; '.join(pairs)}",
            )
        )
    if other:
        notes.append(
            (
                f"{len(other)} other question(s) not analysed (ignore: in survey.yaml): "
                f"{_quoted(other)}",
                f"{len(other)} pertanyaan lain tidak dianalisis (ignore: di survey.yaml): "
                f"{_quoted(other)}",
            )
        )
    return notes
