"""Factor scores (not implemented yet)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from dinamika.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from dinamika.cfa.result import CFAResult

__all__ = ["factor_scores"]


def factor_scores(
    result: CFAResult, method: str = "regression", *, talis: bool = False
) -> pd.DataFrame:
    """Not implemented yet: raises :class:`~dinamika.errors.UsageError` (no fake numbers)."""
    raise UsageError("factor scores are not implemented in dinamika.cfa yet")
