"""Observed teaching quality: indicator, aspect and overall scores from lesson observations.

The ``observasi-pembelajaran`` rubric rates 21 indicators on a 1–4 scale, grouped into six
aspects. A lesson may be rated by up to two observers (and optionally a consensus row agreed
afterwards). :func:`observation_scores` reconciles the observers into one score per lesson —
keeping how far they disagreed — and aggregates lessons to teachers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from dinamika.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from dinamika.data.instruments import Instrument
    from dinamika.data.survey import Survey

__all__ = ["aspect_means", "observation_scores"]

_ID_COLUMNS = ("lesson", "teacher", "observer")


def _scales_of(instrument: Any) -> dict[str, tuple[str, ...]]:
    """Aspect id → indicator ids, from an instrument object or a plain mapping."""
    scales = getattr(instrument, "scales", instrument)
    if not isinstance(scales, Mapping) or not scales:
        raise UsageError(
            "`instrument` must be the observation instrument (with `.scales`) or a mapping "
            f"aspect id -> indicator ids, but {type(instrument).__name__} was passed. "
            "Use `survey.observation_instrument`."
        )
    out: dict[str, tuple[str, ...]] = {}
    for aspect, items in scales.items():
        if isinstance(items, str) or not isinstance(items, Sequence) or not items:
            raise UsageError(f"aspect {aspect!r} must list its indicator ids, got {items!r}.")
        out[str(aspect)] = tuple(str(i) for i in items)
    return out


def _aspect_scores(
    values: np.ndarray, columns: list[str], scales: dict[str, tuple[str, ...]], min_answered: float
) -> np.ndarray:
    """Mean of each aspect's indicators per row; NaN when fewer than ``min_answered`` answered."""
    pos = {c: j for j, c in enumerate(columns)}
    out = np.full((values.shape[0], len(scales)), np.nan)
    for a, items in enumerate(scales.values()):
        block = values[:, [pos[i] for i in items]]
        answered = np.sum(~np.isnan(block), axis=1)
        ok = answered >= min_answered * len(items)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nansum(block, axis=1) / answered
        out[ok, a] = mean[ok]
    return out


def _overall(aspects: np.ndarray, min_answered: float) -> np.ndarray:
    answered = np.sum(~np.isnan(aspects), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(aspects, axis=1) / answered
    return np.where(answered >= min_answered * aspects.shape[1], mean, np.nan)


def _group_reduce(
    codes: np.ndarray, n_groups: int, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per group and column: sum and count of the non-missing values, max and min (NaN-aware).

    Groups without rows get 0 sums and counts and NaN extremes.
    """
    m = values.shape[1]
    sums = np.zeros((n_groups, m))
    counts = np.zeros((n_groups, m), dtype=int)
    maxs = np.full((n_groups, m), np.nan)
    mins = np.full((n_groups, m), np.nan)
    if len(codes) == 0:
        return sums, counts, maxs, mins
    order = np.argsort(codes, kind="stable")
    sc, v = codes[order], values[order]
    starts = np.flatnonzero(np.r_[True, sc[1:] != sc[:-1]])
    present = ~np.isnan(v)
    g = sc[starts]
    sums[g] = np.add.reduceat(np.where(present, v, 0.0), starts, axis=0)
    counts[g] = np.add.reduceat(present.astype(int), starts, axis=0)
    maxs[g] = np.fmax.reduceat(v, starts, axis=0)
    mins[g] = np.fmin.reduceat(v, starts, axis=0)
    return sums, counts, maxs, mins


def _nanmax_rows(a: np.ndarray) -> np.ndarray:
    """Row maxima ignoring NaN; NaN for all-NaN rows (no warning)."""
    return np.fmax.reduce(a, axis=1) if a.shape[1] else np.full(a.shape[0], np.nan)


def observation_scores(
    observations: pd.DataFrame | Survey,
    instrument: Instrument | Mapping[str, Sequence[str]] | None = None,
    *,
    level: Literal["lesson", "teacher"] = "lesson",
    reconcile: Literal["mean", "consensus"] = "mean",
    consensus_observer: str | None = None,
    exclude_observers: Sequence[str] = (),
    min_answered: float = 0.5,
) -> pd.DataFrame:
    """Indicator, aspect and overall teaching-quality scores per lesson or per teacher.

    Parameters
    ----------
    observations : DataFrame or Survey
        One row per lesson × observer with columns ``lesson``, ``teacher``, ``observer`` and the
        indicator columns (1–4, NaN = missing), as ``survey.observations``. Given a loaded
        Survey, its observations and observation instrument are used, and the ``consensus`` /
        ``master`` observers its ``survey.yaml`` names reconcile / are left out (as
        :func:`dinamika.relations.linking` does) unless ``consensus_observer`` / ``exclude_observers`` say
        otherwise.
    instrument : Instrument or mapping
        The observation instrument (its ``.scales``: aspect id → indicator ids), or that mapping.
        Required with a DataFrame.
    level : {"lesson", "teacher"}
        ``"lesson"``: one row per lesson. ``"teacher"``: one row per teacher, the mean of the
        teacher's lesson scores (each lesson weighs the same).
    reconcile : {"mean", "consensus"}
        How the observers of a lesson become one score. ``"mean"``: per indicator, the mean of
        the observers who rated it. ``"consensus"``: the row whose ``observer`` equals
        ``consensus_observer`` when the lesson has one (used as is, missing values included),
        otherwise the mean; the ``source`` column says which.
    consensus_observer : str, optional
        Observer id that marks consensus rows. Consensus rows never count as an observer: they
        are left out of ``n_observers``, of the mean and of the disagreement columns.
    exclude_observers : sequence of str
        Observer ids whose rows are dropped before scoring, e.g. a master rater who rated
        lessons only to certify the observers.
    min_answered : float
        Minimum share of an aspect's indicators that must be scored for an aspect score (default
        0.5, "at least half"); the same share of the six aspects is needed for ``overall``.

    Returns
    -------
    DataFrame
        ``level="lesson"``: ``lesson``, ``teacher``, ``n_observers``, ``source`` (``"single"``,
        ``"mean"`` or ``"consensus"``), the indicator scores, the aspect scores (named by aspect
        id), ``overall``, then the disagreement between observers: ``max_abs_diff`` (largest
        absolute difference on any indicator), ``<aspect>_diff`` and ``overall_diff`` (absolute
        difference between the observers' own aspect / overall scores; with more than two
        observers the range). A gap is NaN unless two observers scored that indicator or
        aspect (so always NaN for lessons rated by one observer).

        ``level="teacher"``: ``teacher``, ``n_lessons``, ``n_observers`` (distinct observers
        over the teacher's lessons), ``n_double_rated`` (lessons with two or more observers),
        the mean indicator, aspect and ``overall`` scores over lessons, and the disagreement
        columns as the largest value over the teacher's lessons.

        ``.attrs`` holds ``aspects``, ``indicators`` and ``level``.

    Notes
    -----
    For a lesson :math:`l` with observers :math:`o = 1..m_l`, the reconciled indicator score is
    :math:`x_{li} = \\frac{1}{m_{li}} \\sum_o x_{lio}` over the observers who scored it. Aspect
    scores are the mean of the reconciled indicators,
    :math:`A_{la} = \\operatorname{mean}_{i \\in a} x_{li}`, computed only when at least
    ``min_answered`` of the aspect's indicators are present, and
    :math:`\\text{overall}_l = \\operatorname{mean}_a A_{la}` (each aspect weighs the same,
    whatever its number of indicators). Nothing is imputed; a missing score stays NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> obs = pd.DataFrame({
    ...     "lesson": ["L1", "L1", "L2"], "teacher": ["G1", "G1", "G1"],
    ...     "observer": ["P1", "P2", "P1"],
    ...     "A1": [3.0, 4.0, 2.0], "A2": [3.0, 2.0, 2.0], "B1": [4.0, 4.0, 3.0],
    ... })
    >>> scales = {"a": ("A1", "A2"), "b": ("B1",)}
    >>> observation_scores(obs, scales)[["lesson", "n_observers", "a", "b", "overall",
    ...                                   "max_abs_diff"]]
      lesson  n_observers    a    b  overall  max_abs_diff
    0     L1            2  3.0  4.0     3.50           1.0
    1     L2            1  2.0  3.0     2.50           NaN
    >>> observation_scores(obs, scales, level="teacher")[["teacher", "n_lessons", "overall"]]
      teacher  n_lessons  overall
    0      G1          2      3.0
    """
    if not isinstance(observations, pd.DataFrame) and hasattr(observations, "manifest"):
        survey = observations  # a loaded term: its table, instrument and special observers
        if getattr(survey, "observations", None) is None:
            raise UsageError(
                "This term has no lesson observations (no `observations:` part in survey.yaml)."
            )
        spec = survey.manifest.get("observations") or {}
        observations = survey.observations
        instrument = survey.observation_instrument if instrument is None else instrument
        if consensus_observer is None and spec.get("consensus"):
            consensus_observer = str(spec["consensus"])
            reconcile = "consensus"
        if not exclude_observers and spec.get("master"):
            exclude_observers = [str(spec["master"])]
    if instrument is None:
        raise UsageError(
            "Give the observation instrument: observation_scores(survey.observations, "
            "survey.observation_instrument), or pass the loaded Survey itself."
        )
    if level not in ("lesson", "teacher"):
        raise UsageError(
            f"The value for `level` must be one of ['lesson', 'teacher'], but {level!r} was passed."
        )
    if reconcile not in ("mean", "consensus"):
        raise UsageError(
            "The value for `reconcile` must be one of ['mean', 'consensus'], "
            f"but {reconcile!r} was passed."
        )
    if reconcile == "consensus" and consensus_observer is None:
        raise UsageError(
            "`reconcile='consensus'` needs `consensus_observer`, the observer id that marks the "
            "consensus rows (for example consensus_observer='KONSENSUS')."
        )
    if not 0 < min_answered <= 1:
        raise UsageError(f"`min_answered` must be in (0, 1], but {min_answered!r} was passed.")
    if not isinstance(observations, pd.DataFrame):
        raise UsageError("`observations` must be a DataFrame such as `survey.observations`.")
    scales = _scales_of(instrument)
    indicators = [i for items in scales.values() for i in items]
    missing = [c for c in (*_ID_COLUMNS, *indicators) if c not in observations.columns]
    if missing:
        raise UsageError(
            f"`observations` lacks the column(s) {missing}; it needs {list(_ID_COLUMNS)} and "
            "every indicator the instrument names."
        )
    obs = observations.loc[:, [*_ID_COLUMNS, *indicators]]
    if exclude_observers:
        obs = obs.loc[~obs["observer"].astype(str).isin([str(o) for o in exclude_observers])]
    try:
        num = obs[indicators].apply(pd.to_numeric, errors="raise")
        values = num.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"indicator scores must be numeric (1–4, NaN missing): {exc}") from exc
    bad = ~np.isnan(values) & ((values < 1) | (values > 4))
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise UsageError(
            f"indicator {indicators[c]} of lesson {obs['lesson'].iloc[r]!r} (observer "
            f"{obs['observer'].iloc[r]!r}) is {values[r, c]}; scores must be between 1 and 4."
        )
    if len(obs) == 0:
        raise UsageError("`observations` has no rows: there is nothing to score.")
    for col in ("lesson", "teacher"):
        if obs[col].isna().any():
            raise UsageError(f"`observations` has rows without a `{col}` id; give every row one.")
    dup = obs.duplicated(["lesson", "observer"], keep=False)
    if dup.any():
        raise UsageError(
            "each observer may rate a lesson once, but these lesson × observer pairs repeat: "
            f"{sorted(set(map(tuple, obs.loc[dup, ['lesson', 'observer']].astype(str).values)))[:5]}"
        )
    teachers_per_lesson = obs.groupby("lesson", sort=False)["teacher"].nunique(dropna=False)
    if (teachers_per_lesson > 1).any():
        raise UsageError(
            "a lesson belongs to one teacher, but these lessons name several: "
            f"{list(teachers_per_lesson.index[teachers_per_lesson > 1][:5])}"
        )

    aspects = list(scales)
    row_aspects = _aspect_scores(values, indicators, scales, min_answered)
    row_scores = np.column_stack([values, row_aspects, _overall(row_aspects, min_answered)])
    k = len(indicators)

    lesson_codes, lesson_ids = pd.factorize(obs["lesson"])
    n_lessons = len(lesson_ids)
    first_row = np.unique(lesson_codes, return_index=True)[1]
    lesson_teacher = obs["teacher"].to_numpy()[first_row]
    is_consensus = (
        obs["observer"].astype(str).eq(str(consensus_observer)).to_numpy()
        if consensus_observer is not None
        else np.zeros(len(obs), dtype=bool)
    )
    rater_codes = lesson_codes[~is_consensus]
    sums, counts, maxs, mins = _group_reduce(rater_codes, n_lessons, row_scores[~is_consensus])
    n_observers = np.bincount(rater_codes, minlength=n_lessons)
    with np.errstate(invalid="ignore", divide="ignore"):
        rec = sums[:, :k] / counts[:, :k]
    source = np.where(n_observers > 1, "mean", "single").astype(object)
    if reconcile == "consensus":
        cons_codes = lesson_codes[is_consensus]
        rec[cons_codes] = values[is_consensus]
        source[cons_codes] = "consensus"
    rec_aspects = _aspect_scores(rec, indicators, scales, min_answered)
    # a gap needs two observers who both scored that indicator / aspect
    spread = np.where(counts >= 2, maxs - mins, np.nan)

    columns: dict[str, Any] = {
        "lesson": np.asarray(lesson_ids),
        "teacher": lesson_teacher,
        "n_observers": n_observers,
        "source": source,
    }
    columns.update(zip(indicators, rec.T, strict=True))
    columns.update(zip(aspects, rec_aspects.T, strict=True))
    columns["overall"] = _overall(rec_aspects, min_answered)
    columns["max_abs_diff"] = _nanmax_rows(spread[:, :k])
    diff_names = [f"{a}_diff" for a in [*aspects, "overall"]]
    columns.update(zip(diff_names, spread[:, k:].T, strict=True))
    out = pd.DataFrame(columns)
    out.attrs.update(aspects=aspects, indicators=indicators, level="lesson")
    if level == "lesson":
        return out

    teacher_codes, teacher_ids = pd.factorize(out["teacher"])
    n_teachers = len(teacher_ids)
    score_cols = [*indicators, *aspects, "overall"]
    t_sums, t_counts, _, _ = _group_reduce(
        teacher_codes, n_teachers, out[score_cols].to_numpy(dtype=float)
    )
    diff_cols = ["max_abs_diff", *diff_names]
    _, _, t_max, _ = _group_reduce(teacher_codes, n_teachers, out[diff_cols].to_numpy(dtype=float))
    # distinct observers per teacher: unique (teacher, observer) pairs among the raters' rows
    rater_teacher = teacher_codes[rater_codes]
    observer_codes = pd.factorize(obs["observer"].to_numpy()[~is_consensus])[0]
    pairs = np.unique(rater_teacher * (observer_codes.max(initial=0) + 1) + observer_codes)
    observers_per_teacher = np.bincount(
        pairs // (observer_codes.max(initial=0) + 1), minlength=n_teachers
    )
    tcols: dict[str, Any] = {
        "teacher": np.asarray(teacher_ids),
        "n_lessons": np.bincount(teacher_codes, minlength=n_teachers),
        "n_observers": observers_per_teacher,
        "n_double_rated": np.bincount(
            teacher_codes, weights=n_observers > 1, minlength=n_teachers
        ).astype(int),
    }
    with np.errstate(invalid="ignore", divide="ignore"):
        tcols.update(zip(score_cols, (t_sums / t_counts).T, strict=True))
    tcols.update(zip(diff_cols, t_max.T, strict=True))
    teacher = pd.DataFrame(tcols)
    teacher.attrs.update(aspects=aspects, indicators=indicators, level="teacher")
    return teacher


def aspect_means(scores: pd.DataFrame, aspects: Sequence[str], *, ci: float = 0.95) -> pd.DataFrame:
    """Mean of each aspect column with its t confidence interval (one row per aspect).

    ``scores`` is :func:`observation_scores` output (one row per lesson or teacher); missing
    values are left out per aspect. Equals R's ``t.test(x)$conf.int`` per column.

    Examples
    --------
    >>> d = pd.DataFrame({"a": [2.0, 3.0, 4.0], "b": [1.0, 1.0, np.nan]})
    >>> aspect_means(d, ["a", "b"]).round(3).to_dict("list")  # doctest: +NORMALIZE_WHITESPACE
    {'aspect': ['a', 'b'], 'n': [3, 2], 'mean': [3.0, 1.0], 'lower': [0.516, 1.0],
     'upper': [5.484, 1.0]}
    """
    from scipy import stats

    vals = scores[list(aspects)]
    n = vals.notna().sum()
    mean = vals.mean()
    q = stats.t.ppf(1 - (1 - ci) / 2, np.maximum(n - 1, 1))
    half = q * vals.std(ddof=1) / np.sqrt(n)
    return pd.DataFrame(
        {
            "aspect": list(aspects),
            "n": n.to_numpy(),
            "mean": mean.to_numpy(),
            "lower": (mean - half).to_numpy(),
            "upper": (mean + half).to_numpy(),
        }
    )
