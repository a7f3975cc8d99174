"""Lesson observations (the rubric) imported into an existing term: lesson, teacher, observer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from dinamika.errors import UsageError
from dinamika.i18n.messages import Message
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
    headers: Iterable[str],
    given: Mapping[str, str | None],
    names: Mapping[str, str] | None = None,
    lang: str = "id",
) -> dict[str, str]:
    """Key → header: the given columns, else the usual names (``id_pelajaran``, ``Kode guru``)."""
    names = dict(names or {})
    headers = list(headers)
    out: dict[str, str] = {}
    for key in KEYS:
        header = given.get(key)
        if header is not None:
            if header.strip() not in headers:
                raise UsageError(
                    Message("import.option_no_column", option=_OPTION[key], header=header),
                    lang=lang,
                )
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
            what = Message(f"key.{key}")
            issues.append(
                Issue(
                    Message("where.key_column", key=what),
                    Message("import.no_key_column", key=what),
                    Message("import.no_key_column.fix", option=_OPTION[key]),
                )
            )
            continue
        values = frame[keys[key]].astype(str).str.strip()
        blank = frame.index.to_numpy()[(values == "").to_numpy()] + 2
        if len(blank):
            issues.append(
                Issue(
                    Message("where.column_rows", column=keys[key], rows=rows_text(blank)),
                    Message("import.empty_key", key=Message(f"key.{key}")),
                    Message("import.empty_key.fix"),
                )
            )
    if issues:
        return pd.Series("", index=frame.index), issues
    lesson = frame[keys["lesson"]].astype(str).str.strip()
    observer = frame[keys["observer"]].astype(str).str.strip()
    return lesson + "\x1f" + observer, issues
