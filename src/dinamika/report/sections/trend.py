"""The trend report (``notebooks/tren``), one function per section.

Measurement invariance comes first: means and their change are shown only where scalar
invariance holds (:func:`invariance` returns why not, otherwise None).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dinamika.data.resources import EXAMPLE_TERMS, surveys_dir
from dinamika.data.survey import Survey, load_survey
from dinamika.errors import DinamikaError
from dinamika.privacy.outputs import group_means
from dinamika.psychometrics.cfa import cfa_model, reverse_items
from dinamika.psychometrics.cfa import invariance as measurement_invariance
from dinamika.psychometrics.scoring import score
from dinamika.relations.change import group_change, mean_change, shared_teachers, term_means
from dinamika.report.params import ReportParams
from dinamika.report.sections.render import ReportView, label_maps, setup_figures

__all__ = ["TrendReport", "groups", "invariance", "means", "start", "terms"]


@dataclass(frozen=True)
class TrendReport:
    """A trend report in progress: the terms (oldest first), parameters and the renderer."""

    surveys: tuple[Survey, ...]
    params: ReportParams
    view: ReportView

    @property
    def terms(self) -> list[str]:
        """Term names, oldest first."""
        return [s.term for s in self.surveys]

    @property
    def scales(self) -> list[str]:
        """Scales of the newest term's instrument."""
        return list(self.surveys[-1].instrument.scales)


def start(survey_dirs: Sequence[str | Path] | None, params: ReportParams) -> TrendReport:
    """Load the terms (``None``: the two bundled example terms) and show the title and notes."""
    setup_figures()
    if survey_dirs is None:
        survey_dirs = [str(surveys_dir() / t) for t in EXAMPLE_TERMS]
    surveys = tuple(load_survey(d, key_file=params.key_file, lang=params.lang) for d in survey_dirs)
    v = ReportView(params.lang, min_cell=params.min_cell, labels=label_maps(*surveys))
    terms = [s.term for s in surveys]
    v.title(v.t("trend_report"), v.t("trend_subtitle", terms=" → ".join(terms)))
    if any(s.synthetic for s in surveys):
        v.note(v.t("synthetic"))
    v.note(v.t("privacy_note", min_cell=params.min_cell), "privacy")
    return TrendReport(surveys, params, v)


def terms(rep: TrendReport) -> None:
    """1. The terms compared: respondents, schools and instrument versions."""
    v, surveys, names = rep.view, rep.surveys, rep.terms
    v.heading("sec_trend_terms")
    v.text(v.t("trend_terms_reading", k=len(names), terms=" → ".join(names)))
    v.table(
        pd.DataFrame(
            {
                "term": names,
                "n": [len(s.responses) for s in surveys],
                "n_schools": [
                    s.responses["school"].nunique() if "school" in s.responses else 0
                    for s in surveys
                ],
                "instrument": [s.instrument.ref for s in surveys],
            }
        ),
        keep_text=["instrument"],
        code=["instrument"],
    )


def invariance(rep: TrendReport) -> str | None:
    """2. Measurement invariance across terms (WLSMV); returns why means are not compared."""
    v, surveys = rep.view, rep.surveys
    inst = surveys[-1].instrument
    v.heading("sec_invariance")
    v.text(v.t("invariance_reading"))
    majors = {s.instrument.id + "@" + s.instrument.version.split(".")[0] for s in surveys}
    reason = None
    if len(majors) > 1:
        refs = ", ".join(sorted({s.instrument.ref for s in surveys}))
        reason = v.t("reason_instrument", refs=refs)
    else:
        stacked = pd.concat(
            [
                reverse_items(s.responses[list(inst.item_ids)], inst).assign(term=s.term)
                for s in surveys
            ],
            ignore_index=True,
        )
        try:
            # answers are ordered categories: WLSMV on polychorics, pairwise, so every
            # respondent counts (listwise ML would keep only the complete questionnaires)
            inv = measurement_invariance(
                cfa_model(inst),
                stacked,
                group="term",
                estimator="WLSMV",
                ordered=True,
                missing="pairwise",
            )
        except DinamikaError as exc:
            inv = None
            print(f"dinamika report: invariance failed: {exc}", file=sys.stderr)
            reason = v.t("reason_failed", reason=v.reason(exc))
        if inv is not None:
            tab = inv.table
            v.table(
                pd.DataFrame(
                    {
                        "step": [v.t("step_" + s) for s in tab["step"]],
                        "chisq": tab["chisq"],
                        "df": tab["df"].astype(int),
                        "cfi": tab["cfi"],
                        "rmsea": tab["rmsea"],
                        "delta_cfi": tab["delta_cfi"],
                        "delta_rmsea": tab["delta_rmsea"],
                        "verdict": [
                            v.t("verdict_" + str(x).split(" (")[0].replace(" ", "_"))
                            for x in tab["verdict"]
                        ],
                    }
                ),
                digits={"chisq": 1, "cfi": 3, "rmsea": 3, "delta_cfi": 3, "delta_rmsea": 3},
                keep_text=["verdict"],
            )
            v.text(
                v.t(
                    "invariance_n",
                    n=v.num(inv.fits["configural"].n, 0),
                    total=v.num(len(stacked), 0),
                )
            )
            if inv.holds != "scalar":
                failing = tab.loc[~tab["verdict"].isin(["baseline", "holds"]), "step"]
                step = str(failing.iloc[0]) if len(failing) else "configural"
                reason = v.t("reason_invariance", step=v.t("step_" + step))
    if reason is None:
        v.note(v.t("scalar_holds"))
    else:
        v.note(v.t("scalar_fails", reason=reason))
    return reason


def means(rep: TrendReport, *, reason: str | None) -> list[pd.DataFrame] | None:
    """3. Scale means per term and their change (only under scalar invariance).

    Returns the scores of every term (None when not compared or failed).
    """
    import matplotlib.pyplot as plt

    from dinamika.report import plots

    v, names, scales = rep.view, rep.terms, rep.scales
    min_cell, ci = rep.params.min_cell, rep.params.ci
    v.heading("sec_trend_means")
    if reason is not None:
        v.note(v.t("scalar_fails", reason=reason), "missing")
        return None
    scored = None
    with v.guard():
        scored = [score(s).assign(term=s.term) for s in rep.surveys]
        v.text(v.t("trend_means_reading"))
        per_term = term_means(scored, scales, min_n=min_cell, ci=ci)
        wide = pd.DataFrame({"label": [v.label(s) for s in scales]})
        series = []
        for k, name in enumerate(names):
            part = per_term[per_term["term"] == name].set_index("scale").reindex(scales)
            for col in ("mean", "lower", "upper"):
                wide[f"{col}_{k}"] = part[col].to_numpy(dtype=float)
            series.append((f"mean_{k}", f"lower_{k}", f"upper_{k}", name))
        fig, ax = plt.subplots(figsize=(7, 0.8 * len(scales) + 1.2))
        plots.dot_intervals(
            wide, label="label", series=series[:4], xlabel=v.t("trend_axis"), lang=rep.params.lang,
            ax=ax,
        )  # fmt: skip
        v.figure(fig, alt=v.t("trend_axis"))
        v.table(per_term, value_labels=["scale"])
        first, last = scored[0], scored[-1]
        change = mean_change(first, last, scales, min_n=min_cell, ci=ci)
        title = v.t("change_title", first=names[0], last=names[-1])
        v.subheading(title)
        fig, ax = plt.subplots(figsize=(7, 2.6))
        plots.coefficient_plot(
            change.assign(label=[v.label(s) for s in change["scale"]]),
            label="label",
            xlabel=v.t("change_axis"),
            lang=rep.params.lang,
            ax=ax,
        )
        v.figure(fig, alt=title)
        v.table(
            change.rename(columns={"estimate": "change"}), value_labels=["scale"], digits={"p": 3}
        )
        # The terms share teachers: the independent-samples CIs above ignore that. Say how many
        # and whether their scores correlate positively (then the CIs are conservative).
        shared, r = shared_teachers(first, last, scales)
        if shared >= min_cell:
            key = "trend_paired" if min(r) > 0 else "trend_paired_not_positive"
            v.text(v.t(key, shared=v.num(shared, 0), rmin=v.num(min(r)), rmax=v.num(max(r))))
    return scored


def groups(rep: TrendReport, *, reason: str | None, scored: list[pd.DataFrame] | None) -> None:
    """4. Change per school and KKG between the first and last term (suppressed)."""
    v, names, scales, min_cell = rep.view, rep.terms, rep.scales, rep.params.min_cell
    v.heading("sec_trend_groups")
    if reason is not None:
        v.note(v.t("scalar_fails", reason=reason), "missing")
        return
    with v.guard():
        if scored is None:
            raise DinamikaError("the scores of the terms could not be computed")
        v.text(v.t("trend_groups_reading", first=names[0], last=names[-1]))
        first_t, last_t = (
            group_means(sc, values=scales, min_cell=min_cell) for sc in (scored[0], scored[-1])
        )
        for group, key in (("school", "by_school"), ("kkg", "by_kkg")):
            if group not in first_t or group not in last_t:
                continue
            out, hidden = group_change(first_t[group], last_t[group], group, scales)
            v.subheading(v.t(key))
            v.table(out)
            if hidden.any():
                v.note(v.t("suppressed_rows", n=int(hidden.sum()), min_cell=min_cell), "missing")
