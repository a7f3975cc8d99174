"""Lesson observations (the rubric) imported into an existing term: lesson, teacher, observer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from dinamika.errors import UsageError
from dinamika.interop._checks import issue
from dinamika.interop._issues import Issue, rows_text
from dinamika.interop._matching import normalize_text

__all__ = ["KEYS", "OBS_FILE", "detect_keys", "observation_ids"]

KEYS = ("lesson", "teacher", "observer")
OBS_FILE = "observasi.csv"
_NAMES = {
    "lesson": {"id pelajaran", "kode pelajaran", "lesson", "lesson id", "lesson code"},
    "teacher": {"id guru", "kode guru", "kode guru yang diamati", "teacher", "teacher id",
                "teacher code", "code of the observed teacher"},
    "observer": {"id pengamat", "kode pengamat", "observer", "observer id", "observer code"},
}  # fmt: skip
_OPTION = {
    "lesson": "--lesson-column",
    "teacher": "--teacher-column",
    "observer": "--observer-column",
}


def detect_keys(
    headers: Iterable[str], given: Mapping[str, str | None], names: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Key → header: the given columns, else the usual names (``id_pelajaran``, ``Kode guru``)."""
    names = dict(names or {})
    headers = list(headers)
    out: dict[str, str] = {}
    for key in KEYS:
        header = given.get(key)
        if header is not None:
            if header.strip() not in headers:
                raise UsageError(f"{_OPTION[key]} '{header}': the file has no such column")
            out[key] = header.strip()
            continue
        for h in headers:
            if (
                normalize_text(names.get(h, h).replace("_", " ")) in _NAMES[key]
                and h not in out.values()
            ):
                out[key] = h
                break
    return out


def observation_ids(frame: pd.DataFrame, keys: Mapping[str, str]) -> tuple[pd.Series, list[Issue]]:
    """``lesson␟observer`` per row (one rating per observer and lesson) and missing-key issues."""
    issues: list[Issue] = []
    for key in KEYS:
        if key not in keys:
            issues.append(
                issue(
                    f"column for the {key} code",
                    (f"no column holds the {key} code", f"name it with {_OPTION[key]} COLUMN"),
                    (f"tidak ada kolom kode {key}", f"sebutkan dengan {_OPTION[key]} KOLOM"),
                )
            )
            continue
        values = frame[keys[key]].astype(str).str.strip()
        blank = frame.index.to_numpy()[(values == "").to_numpy()] + 2
        if len(blank):
            issues.append(
                issue(
                    f"column '{keys[key]}', row(s) {rows_text(blank)}",
                    (f"the {key} code is empty", "fill it in a copy of the file"),
                    (f"kode {key} kosong", "isi di salinan berkas"),
                )
            )
    if issues:
        return pd.Series("", index=frame.index), issues
    lesson = frame[keys["lesson"]].astype(str).str.strip()
    observer = frame[keys["observer"]].astype(str).str.strip()
    return lesson + "\x1f" + observer, issues
