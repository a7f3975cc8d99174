"""The term report (``notebooks/laporan-semester``), one function per section.

Each notebook cell calls one of these and nothing else: :func:`start` loads the term and shows
the title; every other function computes its section with the analysis functions and shows it
through the report's :class:`~dinamika.report.sections.render.ReportView`. A section that
cannot be computed becomes a one-line note (see :meth:`View.guard`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dinamika.agreement.groups import group_agreement
from dinamika.agreement.observers import rater_agreement
from dinamika.data.survey import Survey, load_survey
from dinamika.i18n import join
from dinamika.privacy.outputs import group_means
from dinamika.psychometrics.cfa import cfa_survey
from dinamika.psychometrics.observation import aspect_means, observation_scores
from dinamika.psychometrics.reliability.api import reliability_table
from dinamika.psychometrics.scoring import score
from dinamika.relations.linking import RelateResult, relate
from dinamika.relations.triangulation import triangulate
from dinamika.report.params import ReportParams
from dinamika.report.sections.render import ReportView, label_maps, setup_figures

__all__ = [
    "TermReport",
    "factors",
    "glance",
    "instrument",
    "items",
    "link",
    "provenance",
    "quality",
    "reliability",
    "scores",
    "start",
    "triangulation",
]


@dataclass(frozen=True)
class TermReport:
    """One term's report in progress: the loaded term, its parameters and the renderer."""

    survey: Survey
    params: ReportParams
    view: ReportView

    @property
    def n(self) -> int:
        """Questionnaires of the term."""
        return len(self.survey.responses)


def start(survey_dir: str | Path | None, params: ReportParams) -> TermReport:
    """Load the term (``None``: the bundled example) and show the title and notes."""
    setup_figures()
    survey = load_survey(survey_dir, key_file=params.key_file, lang=params.lang)
    v = ReportView(params.lang, min_cell=params.min_cell, labels=label_maps(survey))
    v.title(
        v.t("term_report") + " · " + survey.title[params.lang],
        v.t("subtitle", term=survey.term),
    )
    if survey.synthetic:
        v.note(v.t("synthetic"))
    v.note(v.t("privacy_note", min_cell=params.min_cell), "privacy")
    return TermReport(survey, params, v)


def glance(rep: TermReport) -> None:
    """1. The term at a glance: counts, response rate, validation warnings."""
    survey, v = rep.survey, rep.view
    v.heading("sec_glance")
    R = survey.responses
    n_resp = rep.n
    n_schools = R["school"].nunique() if "school" in R else 0
    obs = survey.observations
    itv = survey.interviews
    n_lessons = 0 if obs is None else obs["lesson"].nunique()
    n_interviewed = 0 if itv is None else itv["teacher"].nunique()
    rate = n_resp / survey.population if survey.population else None
    rows = [
        ("respondents", v.num(n_resp, 0)),
        ("schools", v.num(n_schools, 0)),
        ("kkgs", v.num(R["kkg"].nunique(), 0) if "kkg" in R else "—"),
        ("districts", v.num(R["district"].nunique(), 0) if "district" in R else "—"),
        ("lessons", v.num(n_lessons, 0)),
        ("observers", v.num(obs["observer"].nunique(), 0) if obs is not None else "—"),
        ("interviewed", v.num(n_interviewed, 0)),
        ("response_rate", f"{v.num(100 * rate, 0)}%" if rate else v.t("response_rate_unknown")),
        ("warnings", v.num(len(survey.problems), 0)),
    ]
    v.table(
        pd.DataFrame({"measure": [v.t(k) for k, _ in rows], "value": [x for _, x in rows]}),
        keep_text=["measure", "value"],
    )
    clause = v.t("rate_clause", rate=f"{v.num(100 * rate, 0)}%") if rate else ""
    v.text(
        v.t(
            "glance_reading",
            n=v.num(n_resp, 0),
            schools=v.num(n_schools, 0),
            rate=clause,
            lessons=v.num(n_lessons, 0),
            interviewed=v.num(n_interviewed, 0),
        )
    )
    missing = [v.t(f"missing_{k}") for k in ("title", "population") if not survey.manifest.get(k)]
    if missing:
        v.note(v.t("manifest_incomplete", missing=join(missing, rep.params.lang)), "missing")
    if survey.problems:
        v.text(v.t("warnings_reading", n=len(survey.problems)))
        kinds = pd.DataFrame(
            {
                "code": [p.code for p in survey.problems],
                "file": [v.file_role(survey, p.file) for p in survey.problems],
            }
        )
        kinds = kinds.value_counts(sort=False).rename("count").reset_index()
        kinds.insert(0, "kind", [v.problem_kind(code) for code in kinds.pop("code")])
        v.table(kinds, keep_text=["kind", "file"])
    else:
        v.text(v.t("no_warnings"))


def instrument(rep: TermReport) -> None:
    """2. The instruments: scales, their items and reverse-keyed items, observation aspects."""
    survey, v, lang = rep.survey, rep.view, rep.params.lang
    inst, obs_inst = survey.instrument, survey.observation_instrument
    scales = list(inst.scales)
    v.heading("sec_instrument")
    v.text(
        v.t(
            "instrument_reading",
            title=inst.title(lang),
            version=inst.version,
            obs=f"{obs_inst.title(lang)} ({obs_inst.version})" if obs_inst else v.t("none"),
        )
    )
    v.table(
        pd.DataFrame(
            {
                "scale": [inst.scale_label(s, lang) for s in scales],
                "n_items": [len(inst.scales[s]) for s in scales],
                "reverse_items": [
                    ", ".join(i for i in inst.scales[s] if i in inst.reverse_keyed) or "—"
                    for s in scales
                ],
                "description": [inst.scale_description(s, lang) for s in scales],
            }
        ),
        keep_text=["reverse_items", "description"],
    )
    if obs_inst is not None:
        v.table(
            pd.DataFrame(
                {
                    "aspect": [obs_inst.scale_label(a, lang) for a in obs_inst.scales],
                    "n_items": [len(obs_inst.scales[a]) for a in obs_inst.scales],
                    "description": [obs_inst.scale_description(a, lang) for a in obs_inst.scales],
                }
            ),
            keep_text=["description"],
        )


def items(rep: TermReport) -> None:
    """3. Item response distributions: one Likert panel per scale, then the item wordings."""
    import matplotlib.pyplot as plt

    from dinamika.report import plots

    survey, v, lang = rep.survey, rep.view, rep.params.lang
    inst = survey.instrument
    scales = list(inst.scales)
    v.heading("sec_items")
    if rep.n < rep.params.min_cell:
        v.note(v.t("too_few_for_items", min_cell=rep.params.min_cell), "missing")
        return
    v.text(v.t("items_reading"))
    rs = inst.items[0].response_scale
    codes = list(range(rs.min, rs.max + 1))
    fig, axes = plt.subplots(len(scales), 1, figsize=(8.5, 2.3 * len(scales) + 0.8), sharex=True)
    for k, (scale, ax) in enumerate(zip(scales, np.atleast_1d(axes), strict=True)):
        ids = list(inst.scales[scale])
        counts = plots.likert_counts(survey.responses, items=ids, codes=codes)
        plots.likert_bars(
            counts,
            labels=[rs.label(c, lang) for c in codes],
            missing_label=v.t("missing"),
            item_labels=[
                i + (" " + v.t("reverse_mark") if i in inst.reverse_keyed else "") for i in ids
            ],
            xlabel=v.t("share_axis") if k == len(scales) - 1 else None,
            legend=k == len(scales) - 1,
            lang=lang,
            ax=ax,
        )
        ax.set_title(inst.scale_label(scale, lang), loc="left", fontsize=10, fontweight="bold")
    fig.tight_layout()
    v.figure(fig, alt=v.t("sec_items"))
    v.table(
        pd.DataFrame(
            {
                "item": list(inst.item_ids),
                "item_text": [inst.item(i).text[lang] for i in inst.item_ids],
            }
        ),
        keep_text=["item_text"],
    )


def reliability(rep: TermReport) -> pd.DataFrame | None:
    """4. Scale reliability: alpha and omega with intervals; returns the table (None if failed)."""
    v = rep.view
    v.heading("sec_reliability")
    table = None
    with v.guard():
        table = reliability_table(rep.survey, seed=rep.params.seed)
        v.reliability(table)
    return table


def factors(rep: TermReport) -> None:
    """5. Factor structure: the instrument's CFA (WLSMV on polychorics)."""
    v = rep.view
    v.heading("sec_factors")
    with v.guard():
        fit = cfa_survey(rep.survey)
        v.cfa(fit, n_total=rep.n)


def scores(rep: TermReport) -> pd.DataFrame | None:
    """6. Scale scores by school and KKG (suppressed) and group agreement; returns the scores."""
    survey, v, min_cell = rep.survey, rep.view, rep.params.min_cell
    inst = survey.instrument
    scales = list(inst.scales)
    v.heading("sec_scores")
    result = None
    with v.guard():
        result = score(survey)
        v.text(
            v.t(
                "scores_reading",
                share=f"{v.num(100 * survey.min_answered, 0)}%",
                lo=min(inst.item(i).min for i in inst.item_ids),
                hi=max(inst.item(i).max for i in inst.item_ids),
            )
        )
        tables = group_means(result, values=scales, min_cell=min_cell)
        for group, key in (("school", "by_school"), ("kkg", "by_kkg")):
            if group not in tables:
                continue
            total = pd.DataFrame(
                {
                    group: [v.t("overall_row")],
                    "n": [len(result)],
                    **{s: [result[s].mean()] for s in scales},
                }
            )
            if rep.n < min_cell:
                total.loc[:, ["n", *scales]] = np.nan
            v.subheading(v.t(key))
            shown = pd.concat([tables[group], total], ignore_index=True)
            # the total row has no school's KKG: an empty cell, not "—" (which means hidden)
            text = [c for c in shown if not pd.api.types.is_numeric_dtype(shown[c])]
            shown.loc[shown.index[-1], text] = shown.loc[shown.index[-1], text].fillna("")
            v.table(shown, total_last=True)
            n_hidden = int(tables[group]["suppressed"].sum())
            if n_hidden:
                v.note(v.t("suppressed_rows", n=n_hidden, min_cell=min_cell), "missing")
        v.subheading(v.t("group_agreement_title"))
        groups = [g for g in ("school", "kkg") if g in result]
        v.group_agreement(
            group_agreement(result, group=groups, items=survey.responses, instrument=inst)
        )
    return result


def quality(rep: TermReport) -> None:
    """7. Observed teaching quality per aspect with intervals, and observer agreement."""
    survey, v, lang, min_cell = rep.survey, rep.view, rep.params.lang, rep.params.min_cell
    obs, obs_inst = survey.observations, survey.observation_instrument
    v.heading("sec_quality")
    if obs is None or obs_inst is None:
        v.no_data("what_observation")
        return
    n_lessons = obs["lesson"].nunique()
    if n_lessons < min_cell:
        v.note(v.t("too_few_link", n=n_lessons, min_cell=min_cell), "missing")
        return
    import matplotlib.pyplot as plt

    from dinamika.report import plots

    with v.guard():
        # the term itself: its survey.yaml's consensus / master observers are honoured
        lessons = observation_scores(survey, level="lesson")
        aspects = list(obs_inst.scales)
        table = aspect_means(lessons, aspects, ci=rep.params.ci)
        ors = obs_inst.items[0].response_scale
        v.text(
            v.t(
                "quality_reading",
                n=v.num(len(lessons), 0),
                lo=ors.min,
                hi=ors.max,
                lo_label=ors.label(ors.min, lang),
                hi_label=ors.label(ors.max, lang),
            )
        )
        source = lessons["source"].value_counts()
        n_consensus = int(source.get("consensus", 0))
        v.text(
            v.t(
                "quality_reconcile",
                single=v.num(int(source.get("single", 0)), 0),
                mean=v.num(int(source.get("mean", 0)), 0),
                consensus=v.t("quality_consensus", n=v.num(n_consensus, 0)) if n_consensus else "",
                excluded=v.t("quality_excluded")
                if survey.manifest["observations"].get("master")
                else "",
            )
        )
        shown = table.assign(aspect=[v.label(a) for a in aspects])
        fig, ax = plt.subplots(figsize=(8, 3.2))
        plots.aspect_bars(
            shown,
            value="mean",
            label="aspect",
            lower="lower",
            upper="upper",
            xlim=(ors.min, ors.max),
            xlabel=v.t("quality_axis", lo=ors.min, hi=ors.max),
            lang=lang,
            ax=ax,
        )
        v.figure(fig, alt=v.t("sec_quality"))
        v.table(table, value_labels=["aspect"])
        v.subheading(v.t("rater_title"))
        special = [
            str(survey.manifest["observations"][k])
            for k in ("master", "consensus")
            if survey.manifest["observations"].get(k)
        ]
        v.rater_agreement(rater_agreement(obs, instrument=obs_inst, exclude=special))


def link(rep: TermReport, *, scores: pd.DataFrame | None) -> RelateResult | None:
    """8. Community dynamics and observed teaching quality; returns the relation (or None)."""
    v = rep.view
    v.heading("sec_link")
    if rep.survey.observations is None:
        v.no_data("what_observation")
        return None
    relation = None
    with v.guard():
        relation = relate(rep.survey, scores=scores)
        v.relate(relation)
    return relation


def triangulation(
    rep: TermReport,
    *,
    reliability: pd.DataFrame | None,
    relation: RelateResult | None,
    scores: pd.DataFrame | None,
) -> None:
    """9. Triangulation of survey, observation and interviews (the joint display)."""
    v = rep.view
    v.heading("sec_triangulation")
    if rep.survey.interviews is None:
        v.no_data("what_interview")
        return
    with v.guard():
        joint = triangulate(rep.survey, reliability=reliability, relate=relation, scores=scores)
        v.triangulation(joint)


def provenance(rep: TermReport) -> None:
    """Appendix: versions, hashes and parameters."""
    v = rep.view
    v.heading("sec_provenance")
    v.text(v.t("provenance_reading"))
    v.provenance(rep.survey, rep.params.provenance())
