"""Spreadsheet formula injection: text cells that a spreadsheet would run as a formula."""

from __future__ import annotations

import pandas as pd

__all__ = ["FORMULA_STARTS", "neutralize", "neutralize_header", "review_file"]

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


def neutralize_header(name: str) -> str:
    r"""A column name a spreadsheet would run as a formula gets a leading ``'``.

    >>> neutralize_header('=HYPERLINK("http://x")'), neutralize_header("KEP1")
    ('\'=HYPERLINK("http://x")', 'KEP1')
    """
    return "'" + name if name.startswith(FORMULA_STARTS) else name


def review_file(frame: pd.DataFrame, *, keep: tuple[str, ...] = ()) -> pd.DataFrame:
    r"""A table about to be written as CSV for people to open (``mapping.csv``, the imported
    ``kuesioner.csv``): formulas neutralized in headers and text cells (except the ``keep``
    columns, e.g. answers that validation reads as they are), and carriage returns inside
    cells turned into ``\n`` so the CSV writer quotes them and the file reads back.

    >>> df = pd.DataFrame({"=1+1": ["=2+2", "a\rb"], "KEP1": ["=3", "4"]})
    >>> out = review_file(df, keep=("KEP1",))
    >>> list(out.columns), out.iloc[:, 0].tolist(), out["KEP1"].tolist()
    (["'=1+1", 'KEP1'], ["'=2+2", 'a\nb'], ['=3', '4'])
    """
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            continue
        out[col] = s.astype(object).where(
            s.isna(), s.astype(str).str.replace("\r\n", "\n").str.replace("\r", "\n")
        )
    safe = neutralize(out.drop(columns=[c for c in keep if c in out.columns]))
    for col in safe.columns:
        out[col] = safe[col]
    out.columns = [c if c in keep else neutralize_header(str(c)) for c in out.columns]
    return out
