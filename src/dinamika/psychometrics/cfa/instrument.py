"""Build CFA models and data from dinamika instruments and term folders."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from dinamika.errors import UsageError
from dinamika.psychometrics.cfa.result import CFAResult

if TYPE_CHECKING:  # pragma: no cover
    from dinamika.data.instruments import Instrument
    from dinamika.data.survey import Survey

__all__ = ["cfa_model", "cfa_survey", "reverse_items"]


def cfa_model(instrument: Instrument, scales: Iterable[str] | None = None) -> str:
    """lavaan syntax with one ``scale =~ item + ...`` line per scale of an instrument.

    Parameters
    ----------
    instrument : Instrument
        From :func:`dinamika.load_instrument`; ``instrument.scales`` maps scale id → item ids.
    scales : iterable of str, optional
        A subset of scale ids (default: all, in instrument order).

    Returns
    -------
    str

    Examples
    --------
    >>> import dinamika
    >>> print(dinamika.cfa_model(dinamika.load_instrument("komunitas-guru@1.0.0"))[:48])
    kepemimpinan =~ KEP1 + KEP2 + KEP3 + KEP4 + KEP5
    """
    all_scales = dict(instrument.scales)
    chosen = list(all_scales) if scales is None else list(scales)
    unknown = [s for s in chosen if s not in all_scales]
    if unknown:
        raise UsageError(f"unknown scale(s) {unknown}; the instrument has {list(all_scales)}")
    return "\n".join(f"{s} =~ " + " + ".join(all_scales[s]) for s in chosen)


def reverse_items(data: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """A copy of ``data`` with the instrument's reverse-keyed items recoded (min + max − x).

    Examples
    --------
    >>> import dinamika, pandas as pd
    >>> inst = dinamika.load_instrument("komunitas-guru@1.0.0")
    >>> reverse_items(pd.DataFrame({"KEP6": [1.0, 5.0, None]}), inst)["KEP6"].tolist()
    [5.0, 1.0, nan]
    """
    out = data.copy()
    for item_id in instrument.reverse_keyed:
        if item_id in out.columns:
            rs = instrument.item(item_id).response_scale
            out[item_id] = rs.min + rs.max - out[item_id]
    return out


def cfa_survey(
    survey: Survey | tuple[pd.DataFrame, Instrument],
    *,
    scales: Sequence[str] | None = None,
    estimator: str = "WLSMV",
    group: str | None = None,
    missing: str | None = None,
    **kwargs: Any,
) -> CFAResult:
    """CFA of a loaded term (or stacked terms) with reverse-keyed items recoded first.

    Parameters
    ----------
    survey : Survey or tuple
        A :func:`dinamika.load_survey` result (its ``.responses`` and ``.instrument`` are
        used), or a tuple ``(responses, instrument)``.
    scales : list of str, optional
        Scales to include (default all).
    estimator : {"WLSMV", "ML"}
        WLSMV (ordered items) by default: Likert answers are ordered categories.
    group : str, optional
        Grouping column of ``responses`` (``"school"``, ``"district"``, a stacked ``"term"``).
    missing : str, optional
        Default: ``"pairwise"`` for WLSMV, so that respondents who skipped an item still count
        (listwise deletion loses half of a 24-item questionnaire at 3% missing answers per
        item), and ``"listwise"`` (lavaan's default) for ML; ``"fiml"`` is available for ML
        but slower (many missing-data patterns).
    **kwargs
        Passed to :func:`dinamika.psychometrics.cfa`.
    """
    from dinamika.psychometrics.cfa.api import cfa

    if isinstance(survey, tuple):
        responses, instrument = survey
    else:
        responses, instrument = survey.responses, survey.instrument
    data = reverse_items(responses, instrument)
    if missing is None:
        missing = "pairwise" if estimator == "WLSMV" else "listwise"
    return cfa(
        cfa_model(instrument, scales),
        data,
        estimator=estimator,
        group=group,
        missing=missing,
        **kwargs,
    )
