"""Spreadsheet formula injection: text cells that a spreadsheet would run as a formula."""

from __future__ import annotations

import pandas as pd

__all__ = ["FORMULA_STARTS", "neutralize"]

#: A cell starting with one of these is taken as a formula by Excel, LibreOffice or Sheets
#: (``=``, ``+``, ``-``, ``@``; tab and carriage return per OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy where every text cell starting with a formula character gets a leading ``'``.

    Numbers stay numbers (a negative score is not text); only text columns are touched.

    >>> df = pd.DataFrame({"school": ["=HYPERLINK(\\"x\\")", "SDN 1", "-1"], "score": [-1.5, 2, 3]})
    >>> neutralize(df)["school"].tolist(), neutralize(df)["score"].tolist()
    (['\\'=HYPERLINK("x")', 'SDN 1', "'-1"], [-1.5, 2.0, 3.0])
    """
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            continue
        text = s.astype("string")
        risky = text.str.startswith(FORMULA_STARTS).fillna(False).to_numpy(dtype=bool)
        if risky.any():
            s = s.astype(object).copy()
            s[risky] = "'" + text[risky].astype(str)
            out[col] = s
    return out
