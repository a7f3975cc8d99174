"""What every public result offers: ``summary()`` → text, ``to_frame()`` → a tidy DataFrame, and
``_repr_html_`` → that frame as a table, so a notebook shows numbers, not a dataclass dump.

Result types are frozen dataclasses that inherit :class:`ResultMixin` and define
``summary`` and ``to_frame``; the mixin adds the notebook view. ``tests/test_results.py``
checks every public result type.
"""

from __future__ import annotations

import html

import pandas as pd

__all__ = ["ResultMixin"]

#: Rows shown in a notebook before the table is cut (head and tail, as pandas does).
MAX_HTML_ROWS = 60


class ResultMixin:
    """Shared protocol of dinamika's result types.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Mean(ResultMixin):
    ...     value: float
    ...     n: int
    ...     def summary(self) -> str:
    ...         return f"mean = {self.value:.2f} (n = {self.n})"
    ...     def to_frame(self) -> pd.DataFrame:
    ...         return pd.DataFrame([{"value": self.value, "n": self.n}])
    >>> res = Mean(3.25, 40)
    >>> res.summary()
    'mean = 3.25 (n = 40)'
    >>> "<table" in res._repr_html_() and "Mean" in res._repr_html_()
    True
    """

    __slots__ = ()

    def summary(self) -> str:
        """Readable text of the result."""
        raise NotImplementedError

    def to_frame(self) -> pd.DataFrame:
        """The result's main numbers as a tidy DataFrame."""
        raise NotImplementedError

    def _repr_html_(self) -> str:
        """The :meth:`to_frame` table under the result's name (Jupyter's rich display)."""
        frame = self.to_frame()
        title = html.escape(type(self).__name__)
        plain = isinstance(frame.index, pd.RangeIndex)  # a row number says nothing: leave it out
        table = frame.to_html(
            max_rows=MAX_HTML_ROWS, na_rep="—", border=0, float_format=_num, index=not plain
        )
        return f'<div class="dinamika-result"><strong>{title}</strong>\n{table}</div>'


def _num(x: float) -> str:
    return f"{x:.4g}" if abs(x) < 1e4 else f"{x:,.0f}"
