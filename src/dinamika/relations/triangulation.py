"""Triangulation: the joint display of survey, observation and interview evidence per construct.

The study's mixed-methods design reads each construct (leadership, trust, commitment, school
support) through three lenses — what teachers report in the questionnaire, how the construct
relates to the teaching observers see, and what teachers say in interviews — and asks whether
the lenses agree. :func:`triangulate` puts the three side by side with a verdict whose rule is
stated in :data:`TRIANGULATION_RULE`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from dinamika.core.deprecation import alpha_to_ci, renamed_argument
from dinamika.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from dinamika.data.survey import Survey
    from dinamika.psychometrics.reliability.api import Reliability
    from dinamika.relations.linking import RelateResult

__all__ = ["TRIANGULATION_RULE", "triangulate"]

STANCES = ("positif", "negatif", "campuran")

#: The verdict rule in words, a template filled with ``.format(share=0.6, min_mentions=3,
#: ci=0.95, alpha=0.05)`` (``alpha`` = 1 − ``ci``); :func:`triangulate` puts the filled text in
#: ``.attrs["rule"]``.

TRIANGULATION_RULE = (
    "Each source gives a direction in {{+1, 0, -1}}. Survey: +1 when the {ci:.0%} CI of the mean "
    "scale score lies above the response-scale midpoint, -1 when below, 0 otherwise. Interviews: +1 "
    "when at least {share:.0%} of the mentions of the construct's themes are positive, -1 when "
    "at least {share:.0%} are negative, 0 otherwise or with fewer than {min_mentions} mentions. "
    "Observation: +1 when the correlation with overall observed quality is positive with "
    "adjusted p < {alpha}, -1 when negative with adjusted p < {alpha}, 0 otherwise. "
    "Verdict: 'diverge' when survey and interviews point in opposite directions or the "
    "observation direction is -1; 'converge' when survey and interviews agree (both +1 or "
    "both -1) and the observation direction is +1; 'complement' otherwise (no contradiction, "
    "but at least one source is undecided or missing)."
)


def _survey_evidence(
    scores: pd.DataFrame, dims: list[str], midpoint: float, ci: float
) -> pd.DataFrame:
    vals = scores[dims].to_numpy(dtype=float)
    n = np.sum(~np.isnan(vals), axis=0)
    mean = np.nanmean(vals, axis=0) if len(vals) else np.full(len(dims), np.nan)
    sd = np.nanstd(vals, axis=0, ddof=1) if len(vals) > 1 else np.full(len(dims), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf((1 + ci) / 2, n - 1) * sd / np.sqrt(n)
    direction = np.where(mean - half > midpoint, 1, np.where(mean + half < midpoint, -1, 0))
    return pd.DataFrame(
        {
            "survey_n": n,
            "survey_mean": mean,
            "survey_sd": sd,
            "survey_lower": mean - half,
            "survey_upper": mean + half,
            "survey_direction": direction,
        },
        index=pd.Index(dims, name="construct"),
    )


def _reliability_columns(reliability: Any, dims: list[str]) -> pd.DataFrame:
    """``survey_alpha`` and ``survey_omega`` per scale from the forms reliability comes in.

    Accepted: a mapping scale -> alpha, a mapping scale -> result with ``.alpha`` /
    ``.omega_total`` (``dinamika.psychometrics.reliability.api``), or a table with a ``scale`` column (or scale
    index) and ``alpha`` / ``omega_total`` columns.
    """
    out = pd.DataFrame(np.nan, index=dims, columns=["survey_alpha", "survey_omega"])
    if reliability is None:
        return out
    if isinstance(reliability, Mapping):
        for d in dims:
            v = reliability.get(d)
            if v is None:
                continue
            if isinstance(v, int | float | np.floating):
                out.loc[d, "survey_alpha"] = float(v)
            else:
                out.loc[d, "survey_alpha"] = float(getattr(v, "alpha", np.nan))
                out.loc[d, "survey_omega"] = float(getattr(v, "omega_total", np.nan))
        return out
    if isinstance(reliability, pd.DataFrame):
        table = reliability.set_index("scale") if "scale" in reliability.columns else reliability
        table = table.reindex(dims)
        if "alpha" in table.columns or "omega_total" in table.columns:
            if "alpha" in table.columns:
                out["survey_alpha"] = table["alpha"].astype(float)
            if "omega_total" in table.columns:
                out["survey_omega"] = table["omega_total"].astype(float)
            return out
    raise UsageError(
        "`reliability` must map scale id -> alpha (or -> a dinamika.reliability result), or be "
        "a table with a `scale` column (or scale index) and `alpha` / `omega_total` columns."
    )


def _interview_evidence(
    interviews: pd.DataFrame,
    codebook: Mapping[str, Any],
    constructs: list[str],
    share: float,
    min_mentions: int,
) -> pd.DataFrame:
    construct_of = {
        theme: str(entry["construct"] if isinstance(entry, Mapping) else entry)
        for theme, entry in codebook.items()
    }
    unknown = sorted(set(interviews["theme"].dropna().astype(str)) - set(construct_of))
    if unknown:
        raise UsageError(
            f"interview themes {unknown[:5]} are not in the codebook; use theme ids of the "
            "interview instrument (e.g. T_KEP_ORGANISASI)."
        )
    bad = sorted(set(interviews["stance"].dropna().astype(str)) - set(STANCES))
    if bad:
        raise UsageError(f"interview stances {bad} are not one of {list(STANCES)}.")
    iv = interviews.dropna(subset=["theme", "stance"]).assign(
        construct=lambda d: d["theme"].astype(str).map(construct_of)
    )
    counts = pd.crosstab(iv["construct"], iv["stance"]).reindex(
        index=constructs, columns=list(STANCES), fill_value=0
    )
    mentions = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = counts.div(mentions.replace(0, np.nan), axis=0)
    teachers = iv.groupby("construct")["teacher"].nunique().reindex(constructs, fill_value=0)
    enough = mentions >= min_mentions
    direction = np.where(
        enough & (shares["positif"] >= share),
        1,
        np.where(enough & (shares["negatif"] >= share), -1, 0),
    )
    return pd.DataFrame(
        {
            "interview_teachers": teachers.astype(int),
            "interview_mentions": mentions.astype(int),
            "share_positive": shares["positif"],
            "share_negative": shares["negatif"],
            "share_mixed": shares["campuran"],
            "interview_direction": direction,
        },
        index=pd.Index(constructs, name="construct"),
    )


def _observation_evidence(
    correlations: pd.DataFrame | None, dims: list[str], alpha: float
) -> pd.DataFrame:
    cols = ["obs_r", "obs_lower", "obs_upper", "obs_p_adjusted"]
    if correlations is None:
        out = pd.DataFrame(np.nan, index=pd.Index(dims, name="construct"), columns=cols)
    else:
        c = correlations.loc[correlations["y"] == "overall"].set_index("x")
        out = pd.DataFrame(
            {
                "obs_r": c["r"],
                "obs_lower": c["lower"],
                "obs_upper": c["upper"],
                "obs_p_adjusted": c["p_adjusted"],
            }
        ).reindex(pd.Index(dims, name="construct"))
    sig = out["obs_p_adjusted"] < alpha
    out["obs_direction"] = np.where(
        sig & (out["obs_r"] > 0), 1, np.where(sig & (out["obs_r"] < 0), -1, 0)
    )
    return out


def _verdict(survey: int, interview: int, observation: int, available: bool) -> tuple[str, str]:
    if not available:
        return "", "interview evidence only: no survey scale or observation link"
    if survey * interview < 0:
        return "diverge", "survey and interviews point in opposite directions"
    if observation < 0:
        return "diverge", "higher scores go with lower observed teaching quality"
    if survey != 0 and survey == interview and observation > 0:
        side = "present" if survey > 0 else "lacking"
        return "converge", f"survey and interviews agree it is {side}; linked to observed quality"
    missing = [
        name
        for name, d in (("survey", survey), ("interviews", interview), ("observation", observation))
        if d == 0
    ]
    return "complement", f"no contradiction; undecided: {', '.join(missing)}"


@renamed_argument("alpha", "ci", alpha_to_ci)
def triangulate(
    survey: Survey,
    *,
    reliability: Mapping[str, float | Reliability] | pd.DataFrame | None = None,
    relate: RelateResult | None = None,
    scores: pd.DataFrame | None = None,
    midpoint: float | None = None,
    positive_share: float = 0.6,
    min_mentions: int = 3,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Joint display of survey, observation and interview evidence with a convergence verdict.

    Parameters
    ----------
    survey : Survey
        A loaded term with questionnaire responses and coded interviews (``survey.interviews``:
        ``teacher``, ``theme``, ``stance``); observations are used when present.
    reliability : mapping or DataFrame, optional
        Reliability per scale: ``{"kepemimpinan": 0.84, ...}`` (alpha), ``{scale:
        dinamika.reliability(...)}``, or a table with ``scale`` and ``alpha`` / ``omega_total``
        columns; shown as ``survey_alpha`` and ``survey_omega``. When omitted and ``survey`` is
        a loaded term, :func:`dinamika.reliability_table` (``n_boot=0``: point estimates only)
        supplies them; pass ``reliability={}`` to leave them empty.
    relate : RelateResult, optional
        A :func:`dinamika.relations.linking` result; computed here when omitted and the term has
        observations. Its correlations with ``overall`` are the observation evidence.
    scores : DataFrame, optional
        Teacher scale scores; ``dinamika.score(survey)`` when omitted.
    midpoint : float, optional
        Neutral point of the questionnaire's response scale; by default (min + max) / 2 of the
        instrument's response scale (3 on a 1–5 scale).
    positive_share, min_mentions
        Thresholds of the interview direction (see below).
    ci : float
        Confidence level: of the survey's t interval, and 1 − ``ci`` is the significance level
        of the observation correlation (0.95: 95% interval, adjusted p < 0.05). Replaces
        ``alpha=0.05``, which still works until the next release with a DeprecationWarning.

    Returns
    -------
    DataFrame
        One row per construct of the interview codebook (the four dimensions first, then
        benefits, challenges and strategies, which only have interview evidence and an empty
        verdict): ``construct``, ``survey_n``, ``survey_mean``, ``survey_sd``, ``survey_lower``,
        ``survey_upper``, ``survey_alpha``, ``survey_omega``, ``survey_direction``, ``obs_r``, ``obs_lower``,
        ``obs_upper``, ``obs_p_adjusted``, ``obs_direction``, ``interview_teachers`` (teachers who
        raised any theme of the construct), ``interview_mentions`` (teacher × theme rows),
        ``share_positive``, ``share_negative``, ``share_mixed`` (shares of the mentions),
        ``interview_direction``, ``verdict`` (``converge``, ``complement``, ``diverge``) and
        ``reason``. ``.attrs["rule"]`` holds the rule in words. Ids only; labels are the
        report's job.

    Notes
    -----
    The rule (also :data:`TRIANGULATION_RULE`, filled with the thresholds): each source gives
    a direction in {+1, 0, −1}. Survey: the ``ci`` (95%) t interval of the mean scale score above
    the midpoint (+1) or below it (−1). Interviews: at least ``positive_share`` of the mentions
    positive (+1) or negative (−1), with at least ``min_mentions`` mentions. Observation: the
    correlation with overall observed quality positive (+1) or negative (−1) at adjusted
    p < 1 − ``ci``. ``diverge`` when survey and interviews are opposite or the observation
    direction is −1; ``converge`` when survey and interviews agree (non-zero) and the
    observation direction is +1; ``complement`` otherwise.

    References
    ----------
    Fetters, M. D., Curry, L. A., & Creswell, J. W. (2013). Achieving integration in mixed
    methods designs: principles and practices. *Health Services Research*, 48, 2134–2156.
    O'Cathain, A., Murphy, E., & Nicholl, J. (2010). Three techniques for integrating data in
    mixed methods studies. *BMJ*, 341, c4587.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace as NS
    >>> survey = NS(
    ...     instrument=NS(scales={"kepemimpinan": ("KEP1",)}),
    ...     interviews=pd.DataFrame({"teacher": ["a", "b", "c"], "theme": ["T_KEP"] * 3,
    ...                              "stance": ["positif", "positif", "campuran"]}),
    ...     interview_instrument=NS(codebook={"T_KEP": {"construct": "kepemimpinan"}}),
    ...     observations=None,
    ... )
    >>> scores = pd.DataFrame({"teacher": list("abcdef"),
    ...                        "kepemimpinan": [4, 4.5, 3.5, 4, 5, 4.2]})
    >>> corr = pd.DataFrame({"x": ["kepemimpinan"], "y": ["overall"], "r": [0.3],
    ...                      "lower": [0.1], "upper": [0.5], "p_adjusted": [0.01]})
    >>> res = triangulate(survey, scores=scores, relate=NS(correlations=corr), midpoint=3)
    >>> res[["construct", "survey_direction", "interview_direction", "obs_direction", "verdict"]]
          construct  survey_direction  interview_direction  obs_direction   verdict
    0  kepemimpinan                 1                    1              1  converge
    """
    if not 0 < ci < 1:
        raise UsageError(f"`ci` must lie between 0 and 1, not {ci!r}.")
    alpha = round(1 - ci, 12)  # 0.05, not 0.050000000000000044
    if not 0.5 < positive_share <= 1:
        raise UsageError(f"`positive_share` must be in (0.5, 1], got {positive_share!r}.")
    interviews = getattr(survey, "interviews", None)
    iv_inst = getattr(survey, "interview_instrument", None)
    if interviews is None or iv_inst is None:
        raise UsageError(
            "this term has no coded interviews; add an `interviews:` section to survey.yaml "
            "to triangulate."
        )
    missing = [c for c in ("teacher", "theme", "stance") if c not in interviews.columns]
    if missing:
        raise UsageError(f"`survey.interviews` lacks the column(s) {missing}.")
    questionnaire = getattr(survey, "instrument", None)
    dims = list(getattr(questionnaire, "scales", {}) or {})
    codebook = getattr(iv_inst, "codebook", {})
    constructs = dims + [
        c
        for c in dict.fromkeys(
            str(e["construct"] if isinstance(e, Mapping) else e) for e in codebook.values()
        )
        if c not in dims
    ]
    if scores is None:
        from dinamika.psychometrics.scoring import score

        scores = score(survey)
    if midpoint is None:
        rs = getattr(questionnaire, "response_scales", None)
        first = next(iter(rs.values())) if rs else None
        midpoint = (first.min + first.max) / 2 if first is not None else 3.0
    if relate is None and getattr(survey, "observations", None) is not None:
        from dinamika.relations.linking import relate as _relate

        relate = _relate(survey, scores=scores)
    correlations = getattr(relate, "correlations", None)

    survey_ev = _survey_evidence(scores, [d for d in dims if d in scores.columns], midpoint, ci)
    if reliability is None and hasattr(survey, "responses") and hasattr(survey, "manifest"):
        from dinamika.psychometrics.reliability.api import reliability_table

        reliability = reliability_table(survey, n_boot=0)
    survey_ev = survey_ev.join(_reliability_columns(reliability, list(survey_ev.index)))
    obs_ev = _observation_evidence(correlations, dims, alpha)
    iv_ev = _interview_evidence(interviews, codebook, constructs, positive_share, min_mentions)
    table = iv_ev.join(survey_ev, how="left").join(obs_ev, how="left")
    for col in ("survey_direction", "obs_direction"):
        table[col] = table[col].fillna(0).astype(int)
    verdicts = [
        _verdict(s, i, o, c in dims)
        for c, s, i, o in zip(
            table.index,
            table["survey_direction"],
            table["interview_direction"],
            table["obs_direction"],
            strict=True,
        )
    ]
    table["verdict"] = [v for v, _ in verdicts]
    table["reason"] = [r for _, r in verdicts]
    table["verdict"] = table["verdict"].replace("", pd.NA)
    order = [
        "survey_n",
        "survey_mean",
        "survey_sd",
        "survey_lower",
        "survey_upper",
        "survey_alpha",
        "survey_omega",
        "survey_direction",
        "obs_r",
        "obs_lower",
        "obs_upper",
        "obs_p_adjusted",
        "obs_direction",
        "interview_teachers",
        "interview_mentions",
        "share_positive",
        "share_negative",
        "share_mixed",
        "interview_direction",
        "verdict",
        "reason",
    ]
    out = table[order].reset_index()
    out.attrs["rule"] = TRIANGULATION_RULE.format(
        share=positive_share, min_mentions=min_mentions, ci=ci, alpha=alpha
    )
    return out
