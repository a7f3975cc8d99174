"""Modification indices (score tests for fixed parameters) — ML only."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from dinamika.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from dinamika.cfa.result import CFAResult

__all__ = ["modification_indices"]


def modification_indices(result: CFAResult, top: int | None = 10) -> pd.DataFrame:
    """Not implemented yet: raises :class:`~dinamika.errors.UsageError` (no fake numbers)."""
    raise UsageError("modification indices are not implemented in dinamika.cfa yet")
