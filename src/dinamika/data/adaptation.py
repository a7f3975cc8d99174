"""Local adaptations of an instrument: Indonesian-only versions a district or a student makes.

Released instruments are bilingual. A local adaptation (``languages: [id]``) may leave the
English texts out: the file loads with a warning, and English outputs show the Indonesian text.
A file that says ``languages: [id, en]`` must have every English text.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dinamika.errors import InstrumentError

__all__ = ["LocalAdaptationWarning", "check_languages"]


class LocalAdaptationWarning(UserWarning):
    """An instrument file without English texts (a local, Indonesian-only adaptation)."""


def _texts(obj: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every bilingual text object ``{id: ...}`` with its place in the file."""
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(obj, dict):
        if isinstance(obj.get("id"), str) and set(obj) <= {"id", "en"} and path:
            found.append((path, obj))
        else:
            for k, v in obj.items():
                found += _texts(v, f"{path}/{k}" if path else str(k))
    elif isinstance(obj, list):
        for k, v in enumerate(obj):
            found += _texts(v, f"{path}/{k}")
    return found


_TEXT_KEYS = {"title", "description", "instructions", "consent", "text", "label", "labels",
              "anchors", "probes", "examples", "stances"}  # fmt: skip


def check_languages(raw: Mapping[str, Any], path: Path) -> dict[str, Any]:
    """``raw`` with English filled from Indonesian when the file is Indonesian-only.

    Raises InstrumentError when a file declaring English lacks an English text, or a file does
    not have Indonesian.
    """
    out: dict[str, Any] = dict(raw)
    languages = list(raw.get("languages") or [])
    texts = [(p, t) for p, t in _texts(out) if set(p.split("/")) & _TEXT_KEYS]
    missing = [p for p, t in texts if not isinstance(t.get("en"), str) or not t["en"].strip()]
    if "id" not in languages:
        raise InstrumentError(
            f"{path}: languages must include id (Bahasa Indonesia), found {languages}"
        )
    if "en" in languages:
        if missing:
            raise InstrumentError(
                f"{path}: languages says en, but {len(missing)} text(s) have no English, first at "
                f"{missing[0]}; add the English text, or write languages: [id] for an "
                "Indonesian-only local adaptation"
            )
        return out
    for _, text in texts:
        text.setdefault("en", text["id"])
    warnings.warn(
        f"{path.name}: a local adaptation in Indonesian only (languages: [id]); English outputs "
        "show the Indonesian texts / adaptasi lokal hanya berbahasa Indonesia: keluaran bahasa "
        "Inggris memakai teks Indonesia",
        LocalAdaptationWarning,
        stacklevel=3,
    )
    return out
