"""Observer certification: each observer's ratings against master ratings of the same lessons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from dinamika.agreement.observers_input import _ID, _check, _from_survey, _indicators, _scales
from dinamika.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from dinamika.data.instruments import Instrument
    from dinamika.data.survey import Survey

__all__ = ["certify_observers"]


def certify_observers(
    observations: pd.DataFrame | Survey,
    master: str | pd.DataFrame | None = None,
    *,
    within: float = 1,
    threshold: float = 0.80,
    min_ratings: int = 1,
    instrument: Instrument | Mapping[str, Sequence[str]] | None = None,
    lesson: str = "lesson",
    observer: str = "observer",
) -> pd.DataFrame:
    r"""Certify observers against master ratings of the same lessons.

    For each observer, every indicator rating of a lesson the master also rated is compared
    with the master's rating of that indicator. An observer is certified when

    .. math:: \text{within\_pct} = 100\,\frac{\#\{|x - x_{master}| \le \text{within}\}}{n}
              \ge 100 \cdot \text{threshold} \quad\text{and}\quad n \ge \text{min\_ratings}

    (default: at least 80% of ratings within ±1 of the master).

    Parameters
    ----------
    observations : DataFrame or Survey
        ``survey.observations`` (``lesson``, ``observer``, indicator columns), or a loaded
        Survey (its observations; consensus rows are left out).
    master : str or DataFrame, optional
        The master's observer id within ``observations``, or a frame of master ratings with a
        ``lesson`` column and the indicator columns. Default with a Survey: the ``master``
        its ``survey.yaml`` names.
    within : float
        Tolerance for a rating to count as agreeing (0 = exact agreement only).
    threshold : float
        Required share (0–1) of ratings within the tolerance.
    min_ratings : int
        Minimum number of compared ratings for certification.
    instrument : Instrument or mapping, optional
        Names the indicator columns (default: numeric columns shared with the master).
    lesson, observer : str
        Column names.

    Returns
    -------
    DataFrame
        One row per observer: ``observer``, ``n_lessons``, ``n_ratings``, ``exact_pct``,
        ``adjacent_pct``, ``mean_abs_diff``, ``mean_diff`` (observer − master: negative for an
        observer more severe than the master), ``certified``. ``.attrs["rule"]`` states the
        rule.

    References
    ----------
    Cash, A. H., Hamre, B. K., Pianta, R. C., & Myers, S. S. (2012). Rater calibration when
    observational assessment occurs at large scale. *Early Childhood Research Quarterly*,
    27(3), 529–542.

    Examples
    --------
    >>> import pandas as pd
    >>> obs = pd.DataFrame({
    ...     "lesson": ["L1", "L1", "L1", "L2", "L2"],
    ...     "observer": ["M", "P1", "P2", "M", "P1"],
    ...     "A1": [3, 3, 1, 2, 2.0], "A2": [4, 3, 2, 1, 3.0]})
    >>> certify_observers(obs, "M")[["observer", "n_ratings", "exact_pct", "adjacent_pct",
    ...                              "certified"]]
      observer  n_ratings  exact_pct  adjacent_pct  certified
    0       P1          4       50.0          75.0      False
    1       P2          2        0.0           0.0      False
    """
    if not 0 <= threshold <= 1:
        raise UsageError(f"`threshold` is a share between 0 and 1 (e.g. 0.80), not {threshold!r}.")
    observations, survey_instrument, masters, consensus = _from_survey(observations)
    instrument = survey_instrument if instrument is None else instrument
    if master is None:
        if not masters:
            raise UsageError(
                "Name the master rater: `master=` an observer id or a frame of master ratings "
                "(or `master:` under `observations:` in survey.yaml)."
            )
        master = masters[0]
    _check(observations, lesson, observer)
    if consensus:
        observations = observations[~observations[observer].astype(str).isin(consensus)]
    if isinstance(master, pd.DataFrame):
        if lesson not in master.columns:
            raise UsageError(f"The master ratings need a {lesson!r} column.")
        if master[lesson].duplicated().any():
            raise UsageError("The master ratings have more than one row for a lesson.")
        ref, obs, master_id = master, observations, None
    else:
        master_id = str(master)
        is_master = observations[observer].astype(str) == master_id
        if not is_master.any():
            raise UsageError(
                f"No rows of master observer {master_id!r}; observers are "
                f"{sorted(observations[observer].astype(str).unique())[:20]}."
            )
        ref, obs = observations[is_master], observations[~is_master]
    ids = {lesson, observer, *(_ID)}
    scales = _scales(instrument, list(obs.columns))
    indicators = (
        _indicators(obs, scales, ids)
        if scales
        else [c for c in _indicators(obs, {}, ids) if c in ref.columns]
    )
    missing = [c for c in indicators if c not in ref.columns]
    if missing or not indicators:
        raise UsageError(f"The master ratings lack indicator column(s) {missing or indicators}.")
    ref_long = ref.melt(id_vars=[lesson], value_vars=indicators, var_name="_ind", value_name="_m")
    obs_long = obs.melt(
        id_vars=[lesson, observer], value_vars=indicators, var_name="_ind", value_name="_x"
    )
    both = obs_long.merge(ref_long, on=[lesson, "_ind"], how="inner").dropna(subset=["_x", "_m"])
    signed = pd.to_numeric(both["_x"], errors="raise").astype(float) - pd.to_numeric(
        both["_m"], errors="raise"
    ).astype(float)
    d = signed.abs()
    both = both.assign(_exact=d < 1e-9, _within=d <= within + 1e-9, _d=d, _s=signed)
    g = both.groupby(both[observer].astype(str), sort=True)
    out = pd.DataFrame(
        {
            "n_lessons": g[lesson].nunique(),
            "n_ratings": g.size(),
            "exact_pct": 100.0 * g["_exact"].mean(),
            "adjacent_pct": 100.0 * g["_within"].mean(),
            "mean_abs_diff": g["_d"].mean(),
            "mean_diff": g["_s"].mean(),
        }
    )
    all_obs = sorted(set(obs[observer].astype(str)))
    out = out.reindex(all_obs)
    out.index.name = "observer"
    out["n_lessons"] = out["n_lessons"].fillna(0).astype(int)
    out["n_ratings"] = out["n_ratings"].fillna(0).astype(int)
    out["certified"] = (out["n_ratings"] >= min_ratings) & (
        out["adjacent_pct"].fillna(-1) >= 100 * threshold - 1e-9
    )
    out = out.reset_index()
    out.attrs["rule"] = (
        f"certified when n_ratings >= {min_ratings} and at least {100 * threshold:g}% of ratings "
        f"are within ±{within:g} of the master" + (f" ({master_id})" if master_id else "")
    )
    return out
