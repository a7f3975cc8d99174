"""Turning typed answers (codes or labels, in Indonesian or English) into integer codes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dinamika.data.instruments import ResponseScale

__all__ = ["MISSING_MARKERS", "classify_answers", "classify_distinct", "normalize_label"]

#: Typed values that mean "not answered" (after normalization).
MISSING_MARKERS = frozenset({"", "na", "n/a", "nan", "-", ".", "tidak menjawab", "no answer"})

_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]0+)?$")
_DECIMAL = re.compile(r"^[+-]?\d*[.,]\d+$")


def normalize_label(text: str) -> str:
    """Case-, accent-space- and spacing-insensitive form of a label.

    >>> normalize_label("  Sangat   SETUJU ")
    'sangat setuju'
    """
    return _SPACE.sub(" ", str(text).replace("\u00a0", " ")).strip().casefold()


def label_map(scale: ResponseScale, extra: Mapping[str, int] | None = None) -> dict[str, int]:
    """Normalized label (both languages) → code, plus user-given labels from the manifest."""
    out = {
        normalize_label(text): code
        for code, texts in scale.labels.items()
        for text in texts.values()
    }
    for raw, code in (extra or {}).items():
        out[normalize_label(raw)] = int(code)
    return out


def _factorize(values: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """``pd.factorize(values, use_na_sentinel=False)``; one Arrow pass for Arrow text columns."""
    dtype = values.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow" and not values.hasnans:
        arr = pa.array(values.array)
        enc = pc.dictionary_encode(
            arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
        )
        return np.asarray(enc.indices.to_numpy(zero_copy_only=False)), enc.dictionary.to_pylist()
    index, uniques = pd.factorize(values, use_na_sentinel=False)
    return index, uniques.tolist()


def classify_answers(
    values: pd.Series, scale: ResponseScale, extra: Mapping[str, int] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Codes for typed answers, and a status per cell.

    Returns
    -------
    codes : float array
        The integer code, NaN for missing or invalid.
    status : object array
        ``""`` valid or missing; otherwise the problem code (``out_of_range``,
        ``unknown_answer``, ``non_numeric``).
    """
    index, code_of, status_of = classify_distinct(values, scale, extra)
    return code_of[index], status_of[index]


def classify_distinct(
    values: pd.Series, scale: ResponseScale, extra: Mapping[str, int] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`classify_answers` per distinct value: ``index`` (each cell's distinct value),
    ``code_of`` and ``status_of`` (the code and status of each distinct value)."""
    labels = label_map(scale, extra)
    # Each distinct typed value is classified once (a handful per column); the cells get their
    # code and status by indexing with the factorized column, so no Python runs per row.
    index, uniques = _factorize(values)
    code_of = np.full(len(uniques), np.nan)
    status_of = np.full(len(uniques), "", dtype=object)
    for k, raw in enumerate(uniques):
        norm = normalize_label(raw)
        if norm in MISSING_MARKERS:
            continue
        if norm in labels and scale.min <= labels[norm] <= scale.max:
            code_of[k] = float(labels[norm])
        elif norm in labels:
            status_of[k] = "out_of_range"
        elif _NUMBER.match(norm):
            num = int(float(norm.replace(",", ".")))
            if scale.min <= num <= scale.max:
                code_of[k] = float(num)
            else:
                status_of[k] = "out_of_range"
        elif _DECIMAL.match(norm):
            status_of[k] = "non_numeric"
        elif any(ch.isalpha() for ch in norm):
            status_of[k] = "unknown_answer"
        else:
            status_of[k] = "non_numeric"
    return index, code_of, status_of
