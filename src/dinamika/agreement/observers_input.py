"""Reading the lesson-observation table: a loaded Survey or a DataFrame, its indicators."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from dinamika.errors import UsageError

_ID = ("lesson", "teacher", "observer")


def _from_survey(data: Any) -> tuple[pd.DataFrame, Any, tuple[str, ...], tuple[str, ...]]:
    """(observations, instrument, master ids, consensus ids) of a loaded Survey, else as is."""
    if isinstance(data, pd.DataFrame) or not hasattr(data, "manifest"):
        return data, None, (), ()
    if getattr(data, "observations", None) is None:
        raise UsageError(
            "This term has no lesson observations (no `observations:` part in survey.yaml)."
        )
    spec = data.manifest.get("observations") or {}
    master = (str(spec["master"]),) if spec.get("master") else ()
    consensus = (str(spec["consensus"]),) if spec.get("consensus") else ()
    return data.observations, data.observation_instrument, master, consensus


def _scales(instrument: Any, columns: Sequence[str]) -> dict[str, tuple[str, ...]]:
    if instrument is None:
        return {}
    scales = getattr(instrument, "scales", instrument)
    if not isinstance(scales, Mapping):
        raise UsageError(
            "`instrument` must be the observation instrument (with `.scales`) or a mapping "
            f"aspect -> indicator ids, but {type(instrument).__name__} was passed."
        )
    out = {str(a): tuple(str(i) for i in items) for a, items in scales.items()}
    missing = sorted({i for items in out.values() for i in items} - set(columns))
    if missing:
        raise UsageError(
            f"Indicator column(s) {missing} of the instrument are not in the observation table."
        )
    return out


def _indicators(obs: pd.DataFrame, scales: dict[str, tuple[str, ...]], ids: set[str]) -> list[str]:
    if scales:
        return [i for items in scales.values() for i in items]
    cols = [c for c in obs.columns if c not in ids]
    bad = [c for c in cols if not _numeric_like(obs[c])]
    if bad:
        raise UsageError(
            f"Column(s) {bad} are not numeric ratings; pass `instrument=` to name the indicators."
        )
    return cols


def _numeric_like(col: pd.Series) -> bool:
    """A numeric column, or an object column holding only numbers and missing values."""
    if pd.api.types.is_numeric_dtype(col):
        return True
    try:
        pd.to_numeric(col, errors="raise")
    except (TypeError, ValueError):
        return False
    return True


def ratings_matrix(obs: pd.DataFrame, indicators: list[str]) -> np.ndarray:
    """Indicator ratings as floats (NaN missing); numbers stored as text or object accepted."""
    try:
        num = obs[indicators].apply(pd.to_numeric, errors="raise")
        return num.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"Indicator ratings must be numeric (NaN = missing): {exc}") from exc


def _check(obs: pd.DataFrame, lesson: str, observer: str) -> None:
    if not isinstance(obs, pd.DataFrame):
        raise UsageError(f"`observations` must be a DataFrame, not {type(obs).__name__}.")
    missing = [c for c in (lesson, observer) if c not in obs.columns]
    if missing:
        raise UsageError(
            f"Column(s) {missing} not found in the observations; it has {list(obs.columns)}."
        )
    dup = obs.duplicated([lesson, observer])
    if dup.any():
        first = obs.loc[dup, [lesson, observer]].iloc[0].tolist()
        raise UsageError(
            f"{int(dup.sum())} lesson × observer row(s) appear twice (first: {first}); "
            "keep one row per observer per lesson."
        )
