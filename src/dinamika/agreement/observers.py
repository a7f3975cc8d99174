"""Observer agreement on lesson observations, and observer certification against a master.

Both functions read the lesson-observation table of :func:`dinamika.load_survey`
(``survey.observations``: one row per lesson × observer, the indicator columns rated 1–4).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dinamika.agreement.certification import certify_observers
from dinamika.agreement.coefficients import icc, krippendorff_alpha, weighted_kappa
from dinamika.agreement.observers_input import (
    _ID,
    _check,
    _from_survey,
    _indicators,
    _scales,
    ratings_matrix,
)
from dinamika.core.results import ResultMixin
from dinamika.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from dinamika.data.instruments import Instrument
    from dinamika.data.survey import Survey

__all__ = ["RaterAgreement", "certify_observers", "rater_agreement"]

TABLE_COLUMNS = (
    "level", "unit", "n_lessons", "n_pairs", "exact_pct", "adjacent_pct", "kappa_linear",
    "kappa_quadratic", "icc1", "icc2", "icc2k", "n_icc", "alpha_ordinal", "alpha_interval",
)  # fmt: skip


@dataclass(frozen=True)
class RaterAgreement(ResultMixin):
    """Agreement between the observers of double-rated lessons.

    Attributes
    ----------
    table : DataFrame
        One row per ``level`` × ``unit``; columns ``level`` (``"indicator"``, ``"aspect"``,
        ``"overall"``, ``"pooled"``), ``unit``, ``n_lessons`` (lessons with two or more ratings
        of the unit), ``n_pairs`` (observer pairs compared; for ``pooled`` the pairs of
        indicator ratings over all lessons), ``exact_pct``, ``adjacent_pct``
        (within ±``within``), ``kappa_linear``, ``kappa_quadratic`` (indicators and pooled only),
        ``icc1`` (one-way, single observer: the observers differ between lessons), ``icc2``
        (two-way random, single observer), ``icc2k`` (mean of the k observers), ``n_icc``
        (lessons with all k ratings, the n behind the ICCs), ``alpha_ordinal`` and
        ``alpha_interval`` (Krippendorff, every available rating).
    n_lessons : int
        Lessons in the table; ``n_double_rated`` of them had two or more observers.
    observers : tuple of str
        Observers that rated at least one double-rated lesson.
    excluded : tuple of str
        Observer ids left out (consensus or master rows).
    """

    table: pd.DataFrame
    n_lessons: int
    n_double_rated: int
    observers: tuple[str, ...]
    excluded: tuple[str, ...] = field(default=())

    @property
    def sample_size(self) -> str | None:
        """Why the double-rated lessons are too few (:mod:`dinamika.core.sample_size`), or None."""
        from dinamika.core.sample_size import below_minimum

        return below_minimum("observer_agreement", self.n_double_rated)

    def to_frame(self) -> pd.DataFrame:
        """The tidy table."""
        return self.table

    def summary(self) -> str:
        """Aspect, overall and pooled rows, rounded for reading."""
        rows = self.table[self.table["level"] != "indicator"]
        head = (
            f"Observer agreement: {self.n_double_rated} of {self.n_lessons} lessons rated by two "
            f"or more of {len(self.observers)} observers"
        )
        return f"{head}\n{rows.round(3).to_string(index=False)}"


def _unit_scores(
    values: np.ndarray,
    indicators: list[str],
    scales: dict[str, tuple[str, ...]],
    min_answered: float,
) -> tuple[list[tuple[str, str]], np.ndarray]:
    """Indicator, aspect and overall scores per row (the rule of :func:`observation_scores`)."""
    pos = {c: j for j, c in enumerate(indicators)}
    units: list[tuple[str, str]] = [("indicator", c) for c in indicators]
    cols = [values]
    if scales:
        aspects = np.full((values.shape[0], len(scales)), np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            for a, items in enumerate(scales.values()):
                block = values[:, [pos[i] for i in items]]
                answered = (~np.isnan(block)).sum(axis=1)
                mean = np.nansum(block, axis=1) / answered
                aspects[:, a] = np.where(answered >= min_answered * len(items), mean, np.nan)
            answered = (~np.isnan(aspects)).sum(axis=1)
            overall = np.nansum(aspects, axis=1) / answered
        overall = np.where(answered >= min_answered * len(scales), overall, np.nan)
        units += [("aspect", a) for a in scales] + [("overall", "overall")]
        cols += [aspects, overall[:, None]]
    return units, np.hstack(cols)


def _instrument_items(instrument: Any) -> tuple[Any, ...]:
    """The Item objects of an Instrument (none for a plain scale mapping)."""
    items = getattr(instrument, "items", None)
    return () if items is None or callable(items) else tuple(items)


def _categories(
    instrument: Any, indicators: list[str], categories: Sequence[Any] | None
) -> dict[str, list[Any]]:
    """Rating scale per indicator: given, else the instrument's response scale, else 1-4."""
    if categories is not None:
        return {i: list(categories) for i in indicators}
    items = {getattr(it, "id", None): it for it in _instrument_items(instrument)}
    out = {}
    for ind in indicators:
        item = items.get(ind)
        lo, hi = getattr(item, "min", None), getattr(item, "max", None)
        out[ind] = (
            list(range(int(lo), int(hi) + 1)) if lo is not None and hi is not None else [1, 2, 3, 4]
        )
    return out


def _pairs(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All within-lesson observer pairs (slot s < slot t) with both ratings present."""
    a, b = [], []
    for s, t in combinations(range(m.shape[1]), 2):
        ok = ~np.isnan(m[:, s]) & ~np.isnan(m[:, t])
        a.append(m[ok, s])
        b.append(m[ok, t])
    return np.concatenate(a), np.concatenate(b)


def _row(
    level: str,
    unit: str,
    m: np.ndarray,
    categorical: bool,
    categories: Sequence[Any],
    within: float,
) -> dict[str, Any]:
    nan = float("nan")
    row: dict[str, Any] = dict.fromkeys(TABLE_COLUMNS, nan)
    a, b = _pairs(m)
    row.update(level=level, unit=unit, n_lessons=int(((~np.isnan(m)).sum(axis=1) >= 2).sum()))
    row["n_pairs"] = int(a.size)
    if a.size:
        d = np.abs(a - b)
        row["exact_pct"] = 100.0 * float(np.mean(d < 1e-9))
        row["adjacent_pct"] = 100.0 * float(np.mean(d <= within + 1e-9))
        if categorical:
            try:
                lin = weighted_kappa(a, b, weights="linear", categories=categories)
            except UsageError as exc:
                raise UsageError(f"{unit}: {exc}") from exc
            row["kappa_linear"] = lin.kappa
            row["kappa_quadratic"] = weighted_kappa(
                a, b, weights="quadratic", categories=categories
            ).kappa
    row["n_icc"] = int((~np.isnan(m).any(axis=1)).sum())
    if row["n_icc"] >= 2:
        res = icc(m)
        row["icc1"], row["icc2"], row["icc2k"] = (
            float(res.at[t, "icc"]) for t in ("ICC1", "ICC2", "ICC2k")
        )
    if row["n_lessons"]:
        row["alpha_ordinal"] = krippendorff_alpha(m, level="ordinal").alpha
        row["alpha_interval"] = krippendorff_alpha(m, level="interval").alpha
    return row


def rater_agreement(
    observations: pd.DataFrame | Survey,
    *,
    instrument: Instrument | Mapping[str, Sequence[str]] | None = None,
    lesson: str = "lesson",
    observer: str = "observer",
    exclude: Sequence[str] = (),
    categories: Sequence[Any] | None = None,
    within: float = 1,
    min_answered: float = 0.5,
) -> RaterAgreement:
    r"""Agreement of the observers of double-rated lessons, per indicator, aspect and overall.

    Only lessons rated by two or more observers enter. Within a lesson the observers are
    ordered by id into slots 1..k, giving a lessons × k matrix per unit. Per unit:

    - ``exact_pct`` / ``adjacent_pct``: share of within-lesson observer pairs that agree exactly
      / within ±``within`` points;
    - ``kappa_linear`` / ``kappa_quadratic``: Cohen's weighted kappa of those pairs on the full
      scale (:func:`dinamika.weighted_kappa`; indicators and pooled only);
    - ``icc1``, ``icc2``, ``icc2k``: :func:`dinamika.icc` of the lessons with all k ratings.
      ICC1 suits the usual design where different observer pairs visit different lessons;
      ICC2k is the reliability of the mean of the k observers;
    - ``alpha_ordinal``, ``alpha_interval``: :func:`dinamika.krippendorff_alpha` (missing
      ratings allowed).

    Aspect scores are the mean of their indicators (when at least ``min_answered`` of them are
    rated) and ``overall`` the mean of the aspects, the rule of
    :func:`dinamika.observation_scores`, computed per observer before comparing. The
    ``pooled`` row stacks every indicator rating (units = lesson × indicator).

    Parameters
    ----------
    observations : DataFrame or Survey
        ``survey.observations``: ``lesson``, ``observer`` and the indicator columns. Given a
        loaded Survey, its observations and observation instrument are used and the master
        and consensus observers its ``survey.yaml`` names are excluded.
    instrument : Instrument or mapping, optional
        The observation instrument (``.scales``: aspect → indicators) or that mapping; without
        it every numeric column other than lesson/teacher/observer is an indicator and only
        indicator and pooled rows are produced.
    lesson, observer : str
        Column names.
    exclude : sequence of str
        Observer ids to leave out, e.g. consensus rows or the master rater.
    categories : sequence, optional
        The rating scale, so that unused levels still count in kappa. Default: each
        indicator's response scale in the instrument (min..max), else 1–4.
    within : float
        Tolerance of adjacent agreement.
    min_answered : float
        Share of an aspect's indicators (and of the aspects for overall) needed for a score.

    References
    ----------
    Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: Uses in assessing rater
    reliability. *Psychological Bulletin, 86*(2), 420–428.
    Cohen, J. (1968). Weighted kappa. *Psychological Bulletin, 70*(4), 213–220.
    Krippendorff, K. (2011). *Computing Krippendorff's alpha-reliability*. Annenberg School
    for Communication, University of Pennsylvania.

    Examples
    --------
    >>> import pandas as pd
    >>> obs = pd.DataFrame({
    ...     "lesson": ["L1", "L1", "L2", "L2", "L3", "L3", "L4"],
    ...     "observer": ["P1", "P2", "P1", "P3", "P2", "P3", "P1"],
    ...     "A1": [3, 3, 2, 3, 4, 4, 1.0], "A2": [2, 2, 3, 1, 4, 3, 2.0],
    ...     "B1": [4, 4, 1, 2, 3, 3, 2.0]})
    >>> res = rater_agreement(obs, instrument={"a": ["A1", "A2"], "b": ["B1"]})
    >>> res.n_double_rated
    3
    >>> res.table.set_index("unit").loc[["A1", "a", "overall"], ["n_lessons", "exact_pct",
    ...                                                          "adjacent_pct"]].round(1)
             n_lessons  exact_pct  adjacent_pct
    unit
    A1               3       66.7         100.0
    a                3       33.3         100.0
    overall          3       33.3         100.0
    """
    observations, survey_instrument, master, consensus = _from_survey(observations)
    instrument = survey_instrument if instrument is None else instrument
    _check(observations, lesson, observer)
    ids = {lesson, observer, *(_ID)}
    scales = _scales(instrument, list(observations.columns))
    indicators = _indicators(observations, scales, ids)
    excluded = tuple(dict.fromkeys([*master, *consensus, *(str(e) for e in exclude)]))
    obs = observations[~observations[observer].astype(str).isin(excluded)]
    n_lessons = int(obs[lesson].nunique())
    per_lesson = obs.groupby(lesson, sort=True)[observer].transform("size")
    obs = obs[per_lesson >= 2].sort_values([lesson, observer], kind="stable")
    lesson_codes, lesson_ids = pd.factorize(obs[lesson], sort=True)
    n_double = len(lesson_ids)
    if n_double == 0:
        raise UsageError(
            "No lesson was rated by two observers, so agreement cannot be computed. "
            "Double-rate some lessons (two `observer` rows with the same `lesson`)."
        )
    slot = obs.groupby(lesson, sort=False).cumcount().to_numpy()
    k = int(slot.max()) + 1
    values = ratings_matrix(obs, indicators)
    units, scores = _unit_scores(values, indicators, scales, min_answered)
    cube = np.full((n_double, k, scores.shape[1]), np.nan)
    cube[lesson_codes, slot, :] = scores
    scale_of = _categories(instrument, indicators, categories)
    rows = [
        _row(level, unit, cube[:, :, u], level == "indicator", scale_of.get(unit, ()), within)
        for u, (level, unit) in enumerate(units)
    ]
    n_ind = len(indicators)
    pooled = cube[:, :, :n_ind].transpose(2, 0, 1).reshape(-1, k)
    pooled_scale = sorted({c for i in indicators for c in scale_of[i]})
    rows.append(_row("pooled", "indicators", pooled, True, pooled_scale, within))
    rated = (~np.isnan(cube[:, :, :n_ind])).sum(axis=1) >= 2  # lessons × indicators
    rows[-1]["n_lessons"] = int(rated.any(axis=1).sum())
    table = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    observers = tuple(sorted(obs[observer].astype(str).unique()))
    return RaterAgreement(table, n_lessons, n_double, observers, excluded)
