"""Submission timestamps as Google Sheets, Excel and KoboToolbox write them, in Indonesian and English.

Accepted forms (case-insensitive, optional weekday, ``pukul``/``at``, time zone suffix):

- ISO: ``2026-11-27 14:03:12``, ``2026-11-27T14:03:12.123+07:00`` (Kobo ``_submission_time``)
- numeric: ``27/11/2026 14:03:12`` (Indonesian locale), ``11/27/2026 14:03:12`` (US locale),
  ``27-11-2026 14.03.12``; day-first or month-first is decided per column
- month names: ``27 Nov 2026 14.03.12``, ``27 Nopember 2026``, ``3 Agt 2026 09:15``,
  ``Jumat, 27 November 2026 pukul 14.03``, ``November 27, 2026 2:03:12 PM``
- Excel day numbers: ``46353.585555`` (a sheet re-saved without its date format)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["MONTHS", "ParsedTimes", "parse_timestamps"]

#: Month names and abbreviations, Indonesian (with old spellings) and English.
MONTHS: dict[str, int] = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agust": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}  # fmt: skip

_WEEKDAYS = (
    r"senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun"
)
_TIME = (
    r"(?:[ t]+(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<ampm>[ap]\.?m\.?)?)?"
)
_TZ = r"(?:\s*(?:z|[+-]\d{2}:?\d{2}|wib|wita|wit|utc|gmt(?:[+-]\d{1,2}(?::?\d{2})?)?))?"
_END = _TIME + _TZ + r"\s*$"
_FORMATS = {
    "iso": rf"^(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}}){_END}",
    "numeric": rf"^(?P<a>\d{{1,2}})[/.-](?P<b>\d{{1,2}})[/.-](?P<y>\d{{4}}|\d{{2}}){_END}",
    "day_month": rf"^(?P<d>\d{{1,2}})[ .-]+(?P<mon>[a-z]+)\.?[ .,-]+(?P<y>\d{{4}}){_END}",
    "month_day": rf"^(?P<mon>[a-z]+)\.?[ .-]+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[ ,]+(?P<y>\d{{4}}){_END}",
}


@dataclass(frozen=True)
class ParsedTimes:
    """Parsed timestamps of one column.

    Attributes
    ----------
    values : Series of datetime64
        NaT where empty or unreadable.
    bad_rows : ndarray of int
        Positions (0-based) of non-empty cells that could not be read.
    date_order : str
        ``"dmy"``, ``"mdy"`` or ``""`` (no all-numeric dates); how ``27/11``-style dates were read.
    assumed : bool
        True when no date in the column showed the order (every day ≤ 12) and ``date_order``
        fell back to the default.
    """

    values: pd.Series
    bad_rows: np.ndarray
    date_order: str
    assumed: bool


def _clean(values: pd.Series) -> pd.Series:
    s = values.astype(str).str.strip().str.lower()
    s = s.str.replace(rf"^(?:{_WEEKDAYS})\.?,?\s+", "", regex=True)
    s = s.str.replace(r"\s*(?:pukul|jam|at|,)\s*(?=\d{1,2}[:.]\d{2})", " ", regex=True)
    return s.str.replace(r"\s+", " ", regex=True)


def parse_timestamps(values: pd.Series, *, date_order: str = "auto") -> ParsedTimes:
    """Parse a column of submission timestamps.

    Parameters
    ----------
    values : Series of str
        As read from the file (``""`` = empty).
    date_order : {"auto", "dmy", "mdy"}
        How to read all-numeric dates such as ``05/11/2026``. ``auto`` looks for a day above 12
        in the column and otherwise assumes day-first (the Indonesian convention).

    Examples
    --------
    >>> s = pd.Series(["27/11/2026 14:03:12", "Jumat, 27 Nopember 2026 pukul 14.03", ""])
    >>> p = parse_timestamps(s)
    >>> [str(v) for v in p.values], p.date_order, list(p.bad_rows)
    (['2026-11-27 14:03:12', '2026-11-27 14:03:00', 'NaT'], 'dmy', [])
    """
    if date_order not in ("auto", "dmy", "mdy"):
        raise ValueError(f"date_order must be 'auto', 'dmy' or 'mdy', not {date_order!r}")
    s = _clean(values)
    n = len(s)
    year = np.full(n, np.nan)
    month = np.full(n, np.nan)
    day = np.full(n, np.nan)
    hour = np.zeros(n)
    minute = np.zeros(n)
    second = np.zeros(n)
    ampm = np.full(n, "", dtype=object)
    order_used, assumed = "", False
    for name, pattern in _FORMATS.items():
        parts = s.str.extract(pattern)
        hit = parts["y"].notna().to_numpy() & np.isnan(year)
        if not hit.any():
            continue
        p = parts[hit]
        y = p["y"].astype(float).to_numpy()
        y = np.where(y < 100, y + 2000, y)
        if name == "numeric":
            a = p["a"].astype(float).to_numpy()
            b = p["b"].astype(float).to_numpy()
            order_used = date_order
            if date_order == "auto":
                if (a > 12).any() and not (b > 12).any():
                    order_used = "dmy"
                elif (b > 12).any() and not (a > 12).any():
                    order_used = "mdy"
                else:  # every day <= 12 (or the column mixes both orders: rows become bad)
                    order_used, assumed = "dmy", not ((a > 12).any() and (b > 12).any())
            d, m = (a, b) if order_used == "dmy" else (b, a)
        elif name in ("day_month", "month_day"):
            d = p["d"].astype(float).to_numpy()
            m = p["mon"].map(MONTHS).astype(float).to_numpy()
        else:
            d = p["d"].astype(float).to_numpy()
            m = p["m"].astype(float).to_numpy()
        year[hit], month[hit], day[hit] = y, m, d
        hour[hit] = p["H"].astype(float).fillna(0).to_numpy()
        minute[hit] = p["M"].astype(float).fillna(0).to_numpy()
        second[hit] = p["S"].astype(float).fillna(0).to_numpy()
        ampm[hit] = p["ampm"].fillna("").str.replace(".", "", regex=False).to_numpy(dtype=object)
    pm = ampm == "pm"
    am = ampm == "am"
    hour = np.where(pm & (hour < 12), hour + 12, np.where(am & (hour == 12), 0, hour))
    bad_time = (
        ((ampm != "") & ((hour > 23) | (hour < 0))) | (hour > 23) | (minute > 59) | (second > 59)
    )
    frame = pd.DataFrame(
        {
            "year": year,
            "month": month,
            "day": day,
            "hour": np.where(bad_time, np.nan, hour),
            "minute": minute,
            "second": second,
        }
    )
    ok = frame.notna().all(axis=1).to_numpy()
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if ok.any():
        parsed[ok] = pd.to_datetime(frame[ok].astype(int), errors="coerce").to_numpy()
    serial = (
        s.str.fullmatch(r"\d{5}(?:\.\d+)?").fillna(False).to_numpy(dtype=bool)
        & parsed.isna().to_numpy()
    )
    if serial.any():  # Excel day numbers (a re-saved sheet whose dates lost their format)
        days = s[serial].astype(float)
        days = days.where((days > 20000) & (days < 80000))
        stamp = pd.Timestamp("1899-12-30") + pd.to_timedelta(days, unit="D")
        parsed[serial] = stamp.dt.round("s").to_numpy()
    nonempty = (s != "").to_numpy()
    bad = np.flatnonzero(nonempty & parsed.isna().to_numpy())
    return ParsedTimes(parsed, bad, order_used, assumed)
