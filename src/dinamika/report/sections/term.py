"""The term report (``notebooks/laporan-semester``), one function per section.

Each notebook cell calls one of these and nothing else: :func:`start` loads the term and shows
the title; every other function computes its section with the analysis functions and shows it
through the report's :class:`~dinamika.report.sections.render.ReportView`. A section that
cannot be computed becomes a one-line note (see :meth:`View.guard`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

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
    "glossary",
    "instrument",
    "items",
    "link",
    "methods",
    "provenance",
    "quality",
    "reliability",
    "score_tables",
    "scores",
    "start",
    "summary",
    "triangulation",
]


_R = TypeVar("_R")


@dataclass(frozen=True)
class TermReport:
    """One term's report in progress: the loaded term, its parameters and the renderer."""

    survey: Survey
    params: ReportParams
    view: ReportView
    #: analysis results computed once and shared by the summary and the sections
    results: dict[str, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Questionnaires of the term."""
        return len(self.survey.responses)

    def result(self, name: str, compute: Callable[[], _R]) -> _R:
        """``compute()`` once per report; a failure is kept and raised again on every call."""
        if name not in self.results:
            try:
                self.results[name] = compute()
            except Exception as exc:  # shown by the section that owns the result
                self.results[name] = exc
        value = self.results[name]
        if isinstance(value, Exception):
            raise value
        return value

    def maybe(self, name: str, compute: Callable[[], _R]) -> _R | None:
        """Like :meth:`result`, None on failure (the owning section reports it)."""
        try:
            return self.result(name, compute)
        except Exception:
            return None

    # the shared analyses
    def reliability_table(self) -> pd.DataFrame:
        return self.result(
            "reliability", lambda: reliability_table(self.survey, seed=self.params.seed)
        )

    def scores(self) -> pd.DataFrame:
        return self.result("scores", lambda: score(self.survey))

    def relation(self) -> RelateResult:
        return self.result(
            "relation", lambda: relate(self.survey, scores=self.maybe("scores", self.scores))
        )


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
    # say what is absent rather than "0 lessons were observed"
    others = {
        (True, True): "glance_both",
        (True, False): "glance_no_interviews",
        (False, True): "glance_no_observations",
        (False, False): "glance_neither",
    }[(n_lessons > 0, n_interviewed > 0)]
    v.text(
        v.t(
            "glance_reading",
            n=v.num(n_resp, 0),
            schools=v.num(n_schools, 0),
            rate=clause,
            others=v.t(others, lessons=v.num(n_lessons, 0), interviewed=v.num(n_interviewed, 0)),
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
    counts_of = {
        s: plots.likert_counts(survey.responses, items=list(inst.scales[s]), codes=codes)
        for s in scales
    }
    # the panels share one x axis: one layout that covers every panel's bars
    spans = np.array([plots.likert_span(c) for c in counts_of.values()])
    span = (float(spans[:, 0].max()), float(spans[:, 1].max()), float(spans[:, 2].max()))
    fig, axes = plt.subplots(len(scales), 1, figsize=(8.5, 2.3 * len(scales) + 0.8), sharex=True)
    for k, (scale, ax) in enumerate(zip(scales, np.atleast_1d(axes), strict=True)):
        ids = list(inst.scales[scale])
        counts = counts_of[scale]
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
            span=span,
            gid=f"dk-likert-{k}",
            ax=ax,
        )
        ax.set_title(inst.scale_label(scale, lang), loc="left", fontsize=10, fontweight="bold")
    fig.tight_layout()
    # inline SVG: the browser test checks every segment against its axes (test_figures_browser)
    v.figure(fig, alt=v.t("sec_items"), svg=True)
    v.table(
        pd.DataFrame(
            {
                "item": list(inst.item_ids),
                "item_text": [inst.item(i).text[lang] for i in inst.item_ids],
            }
        ),
        keep_text=["item_text"],
    )


def reliability(rep: TermReport) -> None:
    """4. Scale reliability: alpha and omega with intervals (dot plot and table)."""
    v = rep.view
    v.heading("sec_reliability")
    with v.guard():
        v.reliability(rep.reliability_table())


def factors(rep: TermReport) -> None:
    """5. Factor structure: the instrument's CFA (WLSMV on polychorics)."""
    v = rep.view
    v.heading("sec_factors")
    with v.guard():
        fit = cfa_survey(rep.survey)
        v.cfa(fit, n_total=rep.n, figure=lambda: _loading_figure(rep, fit.loadings))
    with v.guard():
        _parallel(rep)


def _loading_figure(rep: TermReport, loadings: pd.DataFrame) -> None:
    """Standardized loadings as dots, one row per item, grouped by factor."""
    import matplotlib.pyplot as plt

    from dinamika.report import plots

    v = rep.view
    load = loadings.loc[:, ["factor", "item", "std_all"]].reset_index(drop=True)
    load = load.assign(
        label=[
            f"{v.label(str(f))} · {i}" for f, i in zip(load["factor"], load["item"], strict=True)
        ]
    )
    fig, ax = plt.subplots(figsize=(7, 0.22 * len(load) + 1.2))
    plots.dot_intervals(
        load,
        label="label",
        series=[("std_all", "std_all", "std_all", v.t("loading_name"))],
        reference=0.5,
        xlim=(min(0.0, float(load["std_all"].min()) - 0.05), 1.0),
        xlabel=v.t("loading_axis"),
        lang=rep.params.lang,
        ax=ax,
    )
    ax.tick_params(axis="y", labelsize=7)
    v.figure(fig, alt=v.t("loading_axis"))


def _parallel(rep: TermReport) -> None:
    """Scree plot with the parallel-analysis criterion and its suggested number of factors."""
    import matplotlib.pyplot as plt

    from dinamika.psychometrics.cfa import reverse_items
    from dinamika.psychometrics.efa.retention import parallel_analysis
    from dinamika.report import plots

    v, inst = rep.view, rep.survey.instrument
    if rep.n < rep.params.min_cell:
        return
    items = reverse_items(rep.survey.responses[list(inst.item_ids)], inst)
    pa = parallel_analysis(items, seed=rep.params.seed)
    ev = pa.eigenvalues.head(12)  # the first factors are the ones that matter
    v.subheading(v.t("parallel_title"))
    v.text(v.t("parallel_reading", k=v.num(pa.n_factors, 0), designed=v.num(len(inst.scales), 0)))
    fig, ax = plt.subplots(figsize=(6.5, 3))
    plots.scree(
        ev["fa_observed"],
        ev["fa_criterion"],
        labels=(v.t("parallel_observed"), v.t("parallel_simulated")),
        xlabel=v.t("parallel_xlabel"),
        ylabel=v.t("parallel_ylabel"),
        ax=ax,
    )
    v.figure(fig, alt=v.t("parallel_title"))


def scores(rep: TermReport) -> None:
    """6. Scale scores by school and KKG (suppressed) and group agreement."""
    survey, v, min_cell = rep.survey, rep.view, rep.params.min_cell
    inst = survey.instrument
    scales = list(inst.scales)
    v.heading("sec_scores")
    with v.guard():
        result = rep.scores()
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
            v.subheading(v.t(key))
            _group_dots(rep, result, tables[group], group)
            n_hidden = int(tables[group]["suppressed"].sum())
            if n_hidden:
                v.note(v.t("suppressed_rows", n=n_hidden, min_cell=min_cell), "missing")
        if tables:
            v.text(v.t("tables_in_appendix"))
        v.subheading(v.t("group_agreement_title"))
        groups = [g for g in ("school", "kkg") if g in result]
        v.group_agreement(
            group_agreement(result, group=groups, items=survey.responses, instrument=inst)
        )


def _group_dots(rep: TermReport, result: pd.DataFrame, table: pd.DataFrame, group: str) -> None:
    """One panel per scale: the shown groups' means with intervals, sorted, district line."""
    import matplotlib.pyplot as plt

    from dinamika.relations.change import group_intervals
    from dinamika.report import plots

    v, scales = rep.view, list(rep.survey.instrument.scales)
    shown = [g for g, hid in zip(table[group], table["suppressed"], strict=True) if not hid]
    if not shown:
        return
    dots = group_intervals(result, group, scales, shown, ci=rep.params.ci)
    lo = float(np.nanmin(dots["lower"].to_numpy(dtype=float)))
    hi = float(np.nanmax(dots["upper"].to_numpy(dtype=float)))
    pad = 0.05 * (hi - lo or 1.0)
    cols = 2 if len(scales) > 1 else 1
    rows = -(-len(scales) // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(9, rows * (0.12 * len(shown) + 1.0)), squeeze=False
    )
    for ax, scale in zip(axes.flat, scales, strict=False):
        part = dots[dots["scale"] == scale].sort_values("mean", ascending=False)
        plots.dot_intervals(
            part,
            label=group,
            series=[("mean", "lower", "upper", v.label(scale))],
            reference=float(result[scale].mean()),
            xlim=(lo - pad, hi + pad),
            lang=rep.params.lang,
            ax=ax,
        )
        ax.set_title(v.label(scale), loc="left", fontsize=10, fontweight="bold")
        ax.tick_params(axis="y", labelsize=6 if len(shown) > 15 else 9)
    for ax in list(axes.flat)[len(scales) :]:
        ax.set_visible(False)
    fig.supxlabel(v.t("group_dots_axis"), fontsize=9)
    fig.tight_layout()
    v.figure(fig, alt=v.t("group_dots_axis"))


def score_tables(rep: TermReport) -> None:
    """Appendix: the tables of scale means by school and KKG (suppressed), with the total."""
    survey, v, min_cell = rep.survey, rep.view, rep.params.min_cell
    scales = list(survey.instrument.scales)
    v.heading("sec_score_tables")
    with v.guard():
        result = rep.scores()
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


def link(rep: TermReport) -> None:
    """8. Community dynamics and observed teaching quality."""
    v = rep.view
    v.heading("sec_link")
    if rep.survey.observations is None:
        v.no_data("what_observation")
        return
    with v.guard():
        v.relate(rep.relation())


def triangulation(rep: TermReport) -> None:
    """9. Triangulation of survey, observation and interviews (the joint display)."""
    v = rep.view
    v.heading("sec_triangulation")
    if rep.survey.interviews is None:
        v.no_data("what_interview")
        return
    with v.guard():
        joint = triangulate(
            rep.survey,
            reliability=rep.maybe("reliability", rep.reliability_table),
            relate=rep.maybe("relation", rep.relation)
            if rep.survey.observations is not None
            else None,
            scores=rep.maybe("scores", rep.scores),
        )
        v.triangulation(joint)


def summary(rep: TermReport) -> None:
    """Summary of findings (first): 3–6 findings by the rules of :mod:`dinamika.report.findings`,
    and the dimension means with their intervals as a dot plot."""
    import matplotlib.pyplot as plt

    from dinamika.relations.change import term_means
    from dinamika.report import findings, plots

    survey, v, p = rep.survey, rep.view, rep.params
    inst = survey.instrument
    scales = list(inst.scales)
    v.heading("sec_summary")
    if rep.n < p.min_cell:
        v.note(v.t("summary_none"), "missing")
        return
    with v.guard():
        scores = rep.maybe("scores", rep.scores)
        if scores is None:
            v.note(v.t("summary_none"), "missing")
            return
        lo = min(inst.item(i).min for i in inst.item_ids)
        hi = max(inst.item(i).max for i in inst.item_ids)
        v.text(v.t("summary_reading", n=v.num(rep.n, 0), lo=lo, hi=hi))
        relation = rep.maybe("relation", rep.relation) if survey.observations is not None else None
        found = findings.summarize(
            scores=scores,
            scales=scales,
            reliability_table=rep.maybe("reliability", rep.reliability_table),
            correlations=None if relation is None else relation.correlations,
            min_cell=p.min_cell,
            ci=p.ci,
        )
        v.findings([(v.t(f.key, **f.fields_for(v)), v.t(f.rule)) for f in found])
        means = term_means([scores.assign(term="")], scales, min_n=p.min_cell, ci=p.ci)
        means = means.assign(label=[v.label(s) for s in means["scale"]])
        fig, ax = plt.subplots(figsize=(7, 0.45 * len(means) + 1.2))
        plots.coefficient_plot(
            means.rename(columns={"mean": "estimate"}),
            label="label",
            reference=(lo + hi) / 2,
            xlabel=v.t("summary_axis", lo=lo, hi=hi),
            lang=p.lang,
            ax=ax,
        )
        ax.set_xlim(lo, hi)
        v.figure(fig, alt=v.t("summary_axis", lo=lo, hi=hi))


def glossary(rep: TermReport) -> None:
    """Glossary: every technical term of the report in one sentence."""
    v = rep.view
    v.heading("sec_glossary")
    v.text(v.t("glossary_reading"))
    keys = [
        "ci", "alpha", "omega", "cfa", "fit", "wlsmv", "loading", "eigen", "chisq", "se", "icc", "rwg",
        "kappa", "r", "p", "multilevel", "suppressed",
    ]  # fmt: skip
    v.table(
        pd.DataFrame(
            {
                "glossary_term": [v.t(f"gl_{k}_term") for k in keys],
                "meaning": [v.t(f"gl_{k}") for k in keys],
            }
        ),
        keep_text=["glossary_term", "meaning"],
    )


#: method (catalogue key), reference, the R function it equals
METHODS = (
    ("m_alpha", "Cronbach (1951); Feldt, Woodruff & Salih (1987)", "psych::alpha; psych::alpha.ci"),
    ("m_omega", "McDonald (1999); Efron (1987)", "psych::omega; boot::boot.ci(type = 'bca')"),
    (
        "m_wlsmv",
        "Muthén, du Toit & Spisic (1997)",
        "lavaan::cfa(ordered = TRUE, estimator = 'WLSMV')",
    ),
    ("m_icc_raters", "Shrout & Fleiss (1979)", "psych::ICC"),
    ("m_krippendorff", "Krippendorff (2004)", "irr::kripp.alpha(method = 'ordinal')"),
    ("m_group", "Bliese (2000); James, Demaree & Wolf (1984)", "multilevel::ICC1, ICC2, rwg.j"),
    (
        "m_multilevel",
        "Nakagawa & Schielzeth (2013)",
        "lme4::lmer(REML = TRUE); performance::r2_nakagawa",
    ),
    ("m_holm", "Holm (1979)", "p.adjust(method = 'holm')"),
    ("m_parallel", "Horn (1965)", "psych::fa.parallel"),
)


def methods(rep: TermReport) -> None:
    """Appendix: each method with its reference and the R function it equals."""
    v = rep.view
    v.heading("sec_methods")
    v.text(v.t("methods_reading"))
    v.table(
        pd.DataFrame(
            {
                "method": [v.t(key) for key, _, _ in METHODS],
                "reference": [ref for _, ref, _ in METHODS],
                "r_function": [fn for _, _, fn in METHODS],
            }
        ),
        keep_text=["method", "reference", "r_function"],
        code=["r_function"],
    )


def provenance(rep: TermReport) -> None:
    """Appendix: versions, hashes and parameters."""
    v = rep.view
    v.heading("sec_provenance")
    v.text(v.t("provenance_reading"))
    v.provenance(rep.survey, rep.params.provenance())
