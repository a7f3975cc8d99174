"""Scale scores: reverse keys, a stated minimum-answered rule, and an optional TALIS-style metric.

``score(survey)`` gives one row per respondent and one column per scale of the instrument,
with the number of items each respondent answered beside every score.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from dinamika.data.instruments import Instrument, load_instrument
from dinamika.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from dinamika.data.survey import Survey

__all__ = ["score"]

_KEEP = ("teacher", "school", "kkg", "district", "level")


def score(
    survey_or_items: Survey | pd.DataFrame,
    *,
    instrument: Instrument | str | None = None,
    min_answered: float | None = None,
    method: Literal["mean", "sum"] = "mean",
    talis: bool = False,
) -> pd.DataFrame:
    r"""Scale scores, one row per respondent and one column per scale.

    Parameters
    ----------
    survey_or_items : Survey or DataFrame
        A loaded term (:func:`dinamika.load_survey`), or a DataFrame with the instrument's item
        columns (codes, NaN = missing) and optionally ``teacher`` and group columns.
    instrument : Instrument or str, optional
        Needed with a DataFrame (an :class:`~dinamika.instruments.Instrument` or a reference
        such as ``"komunitas-guru@1.0.0"``); a Survey brings its own.
    min_answered : float, optional
        Share of a scale's k items a respondent must answer to get a score: at least
        :math:`\lceil \text{min\_answered} \times k \rceil` items. Default: the term's
        ``min_answered`` (manifest), else 0.5 — "at least half the items" (3 of 6).
    method : {"mean", "sum"}, default "mean"
        ``mean`` of the answered items; ``sum`` = that mean × k (a prorated sum, so a
        respondent who skipped an item stays on the same footing as one who did not).
    talis : bool, default False
        Report scores on a TALIS-style metric: :math:`10 + 2\,(s - m)/\mathrm{SD}(s)`, where
        m is the midpoint of the scale's range (``(min + max)/2`` of the response codes, times
        k for sums) and SD(s) the standard deviation (n − 1) of the scores over all scored
        respondents in the data. The scale midpoint becomes 10 and one SD becomes 2 points.

    Returns
    -------
    DataFrame
        Index as the responses; ``teacher`` and the group columns present (``school``, ``kkg``,
        ``district``, ``level``), then one column per scale (instrument order), then
        ``<scale>_n``: items answered. A score is NaN when too few items were answered.

    Notes
    -----
    Reverse-keyed items are scored ``max + min − x`` with the item's own response range.

    Examples
    --------
    >>> import pandas as pd
    >>> from dinamika import load_instrument
    >>> inst = load_instrument("komunitas-guru@1.0.0")
    >>> items = {i: [4.0, 2.0] for i in inst.item_ids}
    >>> items["KEP6"] = [2.0, None]          # reverse-keyed: 2 -> 4
    >>> items["KEP1"] = [5.0, None]
    >>> items["KEP2"] = [None, None]
    >>> out = score(pd.DataFrame(items), instrument=inst)
    >>> out[["kepemimpinan", "kepemimpinan_n"]]
       kepemimpinan  kepemimpinan_n
    0          4.20               5
    1          2.00               3
    """
    if isinstance(survey_or_items, pd.DataFrame):
        if instrument is None:
            raise UsageError(
                "score() needs `instrument=` when given a DataFrame (e.g. instrument='komunitas-guru@1.0.0')."
            )
        inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
        responses = survey_or_items
        share = 0.5 if min_answered is None else min_answered
    else:
        inst = (
            survey_or_items.instrument
            if instrument is None
            else (instrument if isinstance(instrument, Instrument) else load_instrument(instrument))
        )
        responses = survey_or_items.responses
        share = survey_or_items.min_answered if min_answered is None else min_answered
    if method not in ("mean", "sum"):
        raise UsageError(
            f"The value for `method` must be one of ['mean', 'sum'], but {method!r} was passed."
        )
    if not 0 < float(share) <= 1:
        raise UsageError(
            f"`min_answered` is a share of a scale's items, between 0 (excluded) and 1, but {share!r} was passed."
        )
    missing_cols = [
        i for i in inst.item_ids if i in _scored_items(inst) and i not in responses.columns
    ]
    if missing_cols:
        raise UsageError(
            f"the data lack item column(s) {missing_cols} of {inst.ref}; check the column names."
        )
    out = responses[[c for c in _KEEP if c in responses.columns]].copy()
    counts = {}
    for scale, item_ids in inst.scales.items():
        if not item_ids:
            continue
        k = len(item_ids)
        x = _keyed(responses, inst, item_ids)
        answered = np.isfinite(x).sum(axis=1)
        need = max(1, math.ceil(float(share) * k - 1e-9))
        with np.errstate(invalid="ignore"):
            mean = np.nanmean(np.where(answered[:, None] > 0, x, 0.0), axis=1)
        val = np.where(answered >= need, mean, np.nan)
        lo = min(inst.item(i).min for i in item_ids)
        hi = max(inst.item(i).max for i in item_ids)
        mid = (lo + hi) / 2
        if method == "sum":
            val, mid = val * k, mid * k
        if talis:
            sd = float(np.nanstd(val, ddof=1)) if np.isfinite(val).sum() > 1 else float("nan")
            if not sd > 0:
                raise UsageError(
                    f"scale {scale}: the TALIS metric needs scores that vary across at least two respondents."
                )
            val = 10.0 + 2.0 * (val - mid) / sd
        out[scale] = val
        counts[f"{scale}_n"] = answered.astype(np.int64)
    for name, cnt in counts.items():
        out[name] = cnt
    return out


def _scored_items(inst: Instrument) -> set[str]:
    return {i for ids in inst.scales.values() for i in ids}


def _keyed(responses: pd.DataFrame, inst: Instrument, item_ids: tuple[str, ...]) -> np.ndarray:
    try:
        x = np.array(
            responses[list(item_ids)].to_numpy(dtype=np.float64, na_value=np.nan), copy=True
        )
    except (TypeError, ValueError) as exc:
        raise UsageError(f"item columns {list(item_ids)} must hold numeric codes ({exc}).") from exc
    for j, item_id in enumerate(item_ids):
        item = inst.item(item_id)
        col = x[:, j]
        bad = np.isfinite(col) & ((col < item.min) | (col > item.max))
        if bad.any():
            row = responses.index[int(np.flatnonzero(bad)[0])]
            raise UsageError(
                f"item {item_id}, row {row!r}: code {col[bad][0]:g} is outside its range "
                f"{item.min}–{item.max}; fix the data or the instrument version."
            )
        if item.reverse:
            x[:, j] = item.max + item.min - col
    return x
