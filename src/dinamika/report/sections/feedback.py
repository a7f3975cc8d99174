"""Feedback pages per school and per KKG (``dinamika report DIR --per-school``).

One printed page per group: its four dimension scores against the district with intervals, its
observed teaching quality by aspect (when enough of its lessons were observed), and its
strongest and weakest items in plain words. Privacy as in the term report: a group the term
report hides (fewer than ``min_cell`` respondents, or the complement that would reveal one) gets
no page, and no page shows a number about another group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dinamika.data.survey import Survey, load_survey
from dinamika.privacy.outputs import group_means
from dinamika.psychometrics.cfa import reverse_items
from dinamika.psychometrics.observation import aspect_means, observation_scores
from dinamika.psychometrics.scoring import score
from dinamika.relations.change import group_intervals, term_means
from dinamika.report.params import ReportParams
from dinamika.report.sections.render import ReportView, label_maps, setup_figures

__all__ = ["FeedbackReport", "pages", "shown_groups", "start"]


@dataclass(frozen=True)
class FeedbackReport:
    """The feedback pages in progress: the term, its scores and lesson scores."""

    survey: Survey
    params: ReportParams
    view: ReportView
    scores: pd.DataFrame
    lessons: pd.DataFrame | None


def start(survey_dir: str | Path | None, params: ReportParams) -> FeedbackReport:
    """Load the term, score it and show the title page note."""
    setup_figures()
    survey = load_survey(survey_dir, key_file=params.key_file, lang=params.lang)
    v = ReportView(params.lang, min_cell=params.min_cell, labels=label_maps(survey))
    v.title(
        v.t("feedback_title") + " · " + survey.title[params.lang],
        v.t("subtitle", term=survey.term),
    )
    if survey.synthetic:
        v.note(v.t("synthetic"))
    v.note(v.t("privacy_note", min_cell=params.min_cell), "privacy")
    v.text(v.t("feedback_reading"))
    lessons = None
    if survey.observations is not None and survey.observation_instrument is not None:
        lessons = observation_scores(survey, level="lesson")
    return FeedbackReport(survey, params, v, score(survey), lessons)


def shown_groups(
    scores: pd.DataFrame, group: str, scales: Sequence[str], min_cell: int
) -> list[str]:
    """The groups the term report shows (not suppressed, complements included), in order.

    Examples
    --------
    >>> d = pd.DataFrame({"school": ["a"] * 8 + ["b"] * 8 + ["c"] * 8 + ["d"] * 8, "x": range(32)})
    >>> shown_groups(d, "school", ["x"], 5)
    ['a', 'b', 'c', 'd']
    >>> tiny = pd.concat([d, pd.DataFrame({"school": ["e", "e"], "x": [1, 2]})])
    >>> "e" in shown_groups(tiny, "school", ["x"], 5)  # too small: no page (nor a complement)
    False
    """
    if group not in scores:
        return []
    table = group_means(scores, values=list(scales), groups=[group], min_cell=min_cell)[group]
    return [
        str(g) for g, hidden in zip(table[group], table["suppressed"], strict=True) if not hidden
    ]


def pages(rep: FeedbackReport, group: str) -> None:
    """One page per shown ``group`` (``school`` or ``kkg``)."""
    v = rep.view
    scales = list(rep.survey.instrument.scales)
    shown = shown_groups(rep.scores, group, scales, rep.params.min_cell)
    v.heading("feedback_" + group)
    if not shown:
        v.note(v.t("feedback_none", min_cell=rep.params.min_cell), "missing")
        return
    hidden = rep.scores[group].nunique() - len(shown)
    if hidden:
        v.note(v.t("feedback_hidden", n=v.num(hidden, 0), min_cell=rep.params.min_cell), "missing")
    for name in shown:
        with v.guard():
            _page(rep, group, name)


def _page(rep: FeedbackReport, group: str, name: str) -> None:
    import matplotlib.pyplot as plt

    from dinamika.report import plots

    v, p, survey = rep.view, rep.params, rep.survey
    inst = survey.instrument
    scales = list(inst.scales)
    mine = rep.scores[rep.scores[group].astype(str) == name]
    v.page_heading(name)
    v.text(v.t("feedback_n", n=v.num(len(mine), 0)))
    # dimension scores: this group against the district, both with intervals
    own = group_intervals(rep.scores.assign(**{group: rep.scores[group].astype(str)}), group,
                          scales, [name], ci=p.ci)  # fmt: skip
    district = term_means([rep.scores.assign(term="")], scales, min_n=2, ci=p.ci)
    both = pd.DataFrame(
        {
            "label": [v.label(s) for s in scales],
            "mean": own["mean"].to_numpy(),
            "lower": own["lower"].to_numpy(),
            "upper": own["upper"].to_numpy(),
            "d_mean": district["mean"].to_numpy(),
            "d_lower": district["lower"].to_numpy(),
            "d_upper": district["upper"].to_numpy(),
        }
    )
    lo = min(inst.item(i).min for i in inst.item_ids)
    hi = max(inst.item(i).max for i in inst.item_ids)
    fig, ax = plt.subplots(figsize=(7, 0.6 * len(scales) + 1.3))
    plots.dot_intervals(
        both,
        label="label",
        series=[
            ("mean", "lower", "upper", name),
            ("d_mean", "d_lower", "d_upper", v.t("feedback_district")),
        ],
        xlim=(lo, hi),
        xlabel=v.t("summary_axis", lo=lo, hi=hi),
        lang=p.lang,
        ax=ax,
    )
    v.figure(fig, alt=v.t("summary_axis", lo=lo, hi=hi))
    # strongest and weakest items (reverse-keyed items turned so higher is better)
    items = reverse_items(survey.responses[list(inst.item_ids)], inst)
    item_mean = items.loc[mine.index].mean()
    ranked = item_mean.dropna().sort_values(ascending=False)
    if len(ranked) >= 4:
        best, worst = list(ranked.index[:2]), list(ranked.index[-2:][::-1])
        v.text(v.t("feedback_items_reading"))
        v.table(
            pd.DataFrame(
                {
                    "which": [v.t("feedback_best")] * 2 + [v.t("feedback_worst")] * 2,
                    "item": [
                        i + (" " + v.t("reverse_mark") if i in inst.reverse_keyed else "")
                        for i in best + worst
                    ],
                    "item_text": [inst.item(i).text[p.lang] for i in best + worst],
                    "mean": [float(item_mean[i]) for i in best + worst],
                }
            ),
            keep_text=["which", "item_text"],
        )
    # observed teaching quality, when enough of the group's lessons were observed
    _quality(rep, group, name, mine)


def _quality(rep: FeedbackReport, group: str, name: str, mine: pd.DataFrame) -> None:
    v, p, survey = rep.view, rep.params, rep.survey
    obs_inst = survey.observation_instrument
    if rep.lessons is None or obs_inst is None or "teacher" not in mine:
        v.note(v.t("feedback_no_quality"), "missing")
        return
    teachers = set(mine["teacher"])
    own = rep.lessons[rep.lessons["teacher"].isin(teachers)]
    if len(own) < p.min_cell:
        v.note(v.t("feedback_few_lessons", n=v.num(len(own), 0), min_cell=p.min_cell), "missing")
        return
    aspects = list(obs_inst.scales)
    here = aspect_means(own, aspects, ci=p.ci)
    everyone = aspect_means(rep.lessons, aspects, ci=p.ci)
    v.text(v.t("feedback_quality_reading", n=v.num(len(own), 0)))
    v.table(
        pd.DataFrame(
            {
                "aspect": aspects,
                "mean": here["mean"].to_numpy(),
                "lower": here["lower"].to_numpy(),
                "upper": here["upper"].to_numpy(),
                "district_mean": everyone["mean"].to_numpy(dtype=float),
            }
        ),
        value_labels=["aspect"],
    )
    if np.isnan(here["mean"].to_numpy(dtype=float)).all():
        v.note(v.t("feedback_no_quality"), "missing")
