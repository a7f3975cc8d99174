"""How each analysis result is shown in a report: tables, figures and a plain-language reading.

Each method takes the public result of an analysis module (never recomputing a statistic) and
renders it through :class:`dinamika.report.view.View`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dinamika import __version__
from dinamika.core.sample_size import MINIMUMS
from dinamika.data.survey import Survey
from dinamika.i18n import join
from dinamika.privacy.outputs import suppress
from dinamika.report.verdicts import DIGITS, below, fit_verdict
from dinamika.report.view import View

if TYPE_CHECKING:  # pragma: no cover
    from dinamika.data.survey import Survey

__all__ = ["ReportView", "label_maps", "setup_figures"]

# multiple-comparison corrections as statsmodels/pingouin name them -> as a reader knows them
_ADJUST_NAMES = {
    "holm": "Holm",
    "bonferroni": "Bonferroni",
    "bonf": "Bonferroni",
    "fdr_bh": "Benjamini–Hochberg",
    "fdr_by": "Benjamini–Yekutieli",
    "sidak": "Šidák",
    "hommel": "Hommel",
}


def setup_figures() -> None:
    """Matplotlib settings of every report figure (headless backend, stable bytes)."""
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    warnings.filterwarnings("ignore", category=FutureWarning)
    plt.rcParams.update({"figure.dpi": 110, "font.size": 10, "svg.hashsalt": "dinamika"})


def label_maps(*surveys: Survey) -> dict[str, dict[str, str]]:
    """Display names (id and en) of every scale, aspect and interview construct of the terms.

    Examples
    --------
    >>> from dinamika import load_survey
    >>> label_maps(load_survey())["kepemimpinan"]
    {'id': 'Kepemimpinan', 'en': 'Leadership'}
    """
    labels: dict[str, dict[str, str]] = {}
    for survey in surveys:
        for inst in (survey.instrument, survey.observation_instrument, survey.interview_instrument):
            if inst is None:
                continue
            for scale in inst.scales:
                labels[scale] = {lang: inst.scale_label(scale, lang) for lang in ("id", "en")}
    return labels


class ReportView(View):
    """:class:`View` plus one renderer per report section."""

    # --- reliability --------------------------------------------------------------------------
    def reliability(
        self, table: pd.DataFrame, *, n_boot: int | None = None, flag_below: float | None = None
    ) -> None:
        """Alpha (Feldt CI) and omega total (bootstrap CI) per scale, flagged items.

        ``n_boot`` and ``flag_below`` are those ``table`` was made with (default: the defaults
        of :func:`dinamika.reliability_table`); the reading quotes them.
        """
        import inspect

        from dinamika.psychometrics.reliability.api import reliability_table

        defaults = inspect.signature(reliability_table).parameters
        n_boot = defaults["n_boot"].default if n_boot is None else n_boot
        flag_below = defaults["flag_below"].default if flag_below is None else flag_below
        self.text(
            self.t(
                "reliability_reading",
                n_boot=self.num(n_boot, 0),
                flag_below=self.num(flag_below),
            )
        )

        def ci(lo: pd.Series, hi: pd.Series) -> list[str]:
            return [
                "—" if pd.isna(a) or pd.isna(b) else f"{self.num(a)} – {self.num(b)}"
                for a, b in zip(lo, hi, strict=True)
            ]

        flagged = [
            ", ".join(map(str, f)) if isinstance(f, list | tuple) else str(f or "")
            for f in table["flagged_items"]
        ]
        shown = pd.DataFrame(
            {
                "scale": table["scale"],
                "n": table["n"].astype(int),
                "alpha": table["alpha"],
                "alpha_ci": ci(table["alpha_lower"], table["alpha_upper"]),
                "omega_total": table["omega_total"],
                "omega_ci": ci(table["omega_lower"], table["omega_upper"]),
                "flagged": [f or "—" for f in flagged],
            }
        )
        import matplotlib.pyplot as plt

        from dinamika.report import plots

        dots = table.assign(label=[self.label(str(s)) for s in table["scale"]])
        lows = dots[["alpha_lower", "omega_lower", "alpha", "omega_total"]].min().min()
        fig, ax = plt.subplots(figsize=(7, 0.7 * len(dots) + 1.3))
        plots.dot_intervals(
            dots,
            label="label",
            series=[
                ("alpha", "alpha_lower", "alpha_upper", self.t("alpha_name")),
                ("omega_total", "omega_lower", "omega_upper", self.t("omega_name")),
            ],
            reference=0.70,
            xlim=(min(0.6, float(lows) - 0.02) if pd.notna(lows) else 0.6, 1.0),
            xlabel=self.t("reliability_axis"),
            lang=self.lang,
            ax=ax,
        )
        self.figure(fig, alt=self.t("reliability_axis"))
        self.table(shown, value_labels=["scale"], keep_text=["alpha_ci", "omega_ci", "flagged"])
        boot_min = MINIMUMS["reliability_bootstrap"].minimum
        if n_boot and (table["n"] < boot_min).any():
            self.note(self.t("reliability_small_n", min=self.num(boot_min, 0)), "missing")
        # judged as printed: a quoted 0,70 is never called "below 0,70"
        is_low = [
            below(a, 0.70, DIGITS["alpha"]) or below(o, 0.70, DIGITS["omega"])
            for a, o in zip(table["alpha"], table["omega_total"], strict=True)
        ]
        low = table.loc[is_low, "scale"]
        if len(low):
            names = join([self.label(str(s)) for s in low], self.lang)
            self.text(self.t("reliability_low", scales=names))
        else:
            self.text(self.t("reliability_ok"))
        items = [i for f in flagged for i in f.split(", ") if i]
        if items:
            self.text(self.t("flagged_items", items=", ".join(items)))

    # --- factor structure ---------------------------------------------------------------------
    def cfa(
        self, fit: Any, *, n_total: int | None = None, figure: Callable[[], None] | None = None
    ) -> None:
        """Fit indices, a verdict, standardized loadings and the fit's diagnostics."""
        f = fit.fit
        scaled = fit.estimator == "WLSMV"

        def pick(name: str) -> float:
            value = getattr(f, f"{name}_scaled", math.nan) if scaled else math.nan
            return float(value) if not math.isnan(value) else float(getattr(f, name))

        cfi, tli, rmsea, srmr = pick("cfi"), pick("tli"), pick("rmsea"), float(f.srmr)
        lo, hi = pick("rmsea_ci_lower"), pick("rmsea_ci_upper")
        quoted = {
            "k": self.num(fit.loadings["factor"].nunique(), 0),
            "cfi": self.num(cfi, DIGITS["cfi"]),
            "tli": self.num(tli, DIGITS["tli"]),
            "rmsea": self.num(rmsea, DIGITS["rmsea"]),
            "srmr": self.num(srmr, DIGITS["srmr"]),
        }
        if getattr(fit.diagnostics, "sample_size", None):
            # too few respondents per free parameter: the indices are shown, not judged
            self.text(self.t("fit_reading_small", **quoted))
            q = int(f.npar)
            need = MINIMUMS["cfa"].minimum * q
            self.note(
                self.t(
                    "fit_small_n", n=self.num(fit.n, 0), q=self.num(q, 0), need=self.num(need, 0)
                ),
                "missing",
            )
        else:
            v = fit_verdict(cfi, tli, rmsea, srmr)
            if v.kind == "unknown":
                self.text(self.t("fit_reading_small", **quoted))
            else:
                self.text(self.t("fit_reading", verdict=self.t(f"fit_{v.kind}"), **quoted))
            names = {"cfi": "CFI", "tli": "TLI", "rmsea": "RMSEA", "srmr": "SRMR"}
            failing = join([names[k] for k in v.failing], self.lang)
            if v.kind == "mixed":
                passing = join([names[k] for k in v.passing], self.lang)
                self.text(self.t("fit_which", passing=passing, failing=failing))
            elif v.kind == "poor":
                self.text(self.t("fit_failing", failing=failing))
        if n_total is not None:
            estimator = self.t("estimator_wlsmv" if scaled else "estimator_ml")
            self.text(
                self.t(
                    "cfa_n", n=self.num(fit.n, 0), total=self.num(n_total, 0), estimator=estimator
                )
            )
        self.subheading(self.t("fit_title"))
        self.table(
            pd.DataFrame(
                {
                    "n": [int(fit.n)],
                    "chisq": [pick("chisq")],
                    "df": [int(f.df)],
                    "pvalue": [pick("pvalue")],
                    "cfi": [cfi],
                    "tli": [tli],
                    "rmsea": [rmsea],
                    "rmsea_ci": [f"{self.num(lo, 3)} – {self.num(hi, 3)}"],
                    "srmr": [srmr],
                }
            ),
            digits={"chisq": 1, "pvalue": 3, "rmsea": 3, "srmr": 3},
            keep_text=["rmsea_ci"],
        )
        self.subheading(self.t("loadings_title"))
        if figure is not None:
            figure()  # the loading figure first (where people look), the exact table after it
        load = fit.loadings.loc[:, ["factor", "item", "std_all"]].rename(
            columns={"factor": "scale"}
        )
        self.table(load, value_labels=["scale"])
        d = fit.diagnostics
        notes = []
        if not d.converged:
            notes.append(self.t("diag_not_converged"))
        if d.heywood:
            notes.append(self.t("diag_heywood", items=", ".join(map(str, d.heywood))))
        if d.not_positive_definite:
            notes.append(self.t("diag_npd", what=", ".join(map(str, d.not_positive_definite))))
        if notes:
            self.note(self.t("diagnostics", text="; ".join(notes)))

    # --- group agreement ----------------------------------------------------------------------
    def group_agreement(
        self, result: Any, *, icc1_min: float | None = None, rwg_min: float | None = None
    ) -> None:
        """ICC(1), ICC(2) and median rwg(j) per grouping and scale, with the verdict.

        ``icc1_min`` and ``rwg_min`` are the rule ``result`` was made with (default: the
        defaults of :func:`dinamika.group_agreement`); the reading quotes them.
        """
        import inspect

        from dinamika.agreement.groups import group_agreement

        defaults = inspect.signature(group_agreement).parameters
        icc1_min = defaults["icc1_min"].default if icc1_min is None else icc1_min
        rwg_min = defaults["rwg_min"].default if rwg_min is None else rwg_min
        self.text(
            self.t(
                "group_agreement_reading", icc1_min=self.num(icc1_min), rwg_min=self.num(rwg_min)
            )
        )
        table = result.scales
        shown = pd.DataFrame(
            {
                "group": [self.label(str(g)) for g in table["group_by"]],
                "scale": table["scale"],
                "n_groups": table["n_groups"].astype(int),
                # a negative ICC estimate means "no between-group variance": shown as 0, said so
                "icc1": table["icc1"].clip(lower=0),
                "icc2": table["icc2"].clip(lower=0),
                "rwg_j": table["rwg_j_median"],
                "aggregate_ok": table["scale_ok"].astype(bool),
            }
        )
        self.table(shown, value_labels=["scale"])
        if ((table["icc1"] < 0) | (table["icc2"] < 0)).any():
            self.note(self.t("icc_truncated"), "missing")
        if "few_groups" in table:
            few = table[table["few_groups"].astype(bool)].drop_duplicates("group_by")
            for gcol, n in zip(few["group_by"], few["n_groups"], strict=True):
                self.note(
                    self.t(
                        "groups_small_n",
                        n=self.num(int(n), 0),
                        what=self.label(str(gcol)),
                        min=self.num(MINIMUMS["group_icc"].minimum, 0),
                    ),
                    "missing",
                )

    # --- observation --------------------------------------------------------------------------
    def rater_agreement(self, result: Any) -> None:
        """Observer agreement per aspect, overall and pooled over indicators."""
        table = result.table
        self.text(self.t("rater_reading", n=self.num(result.n_double_rated, 0)))
        if result.n_double_rated < self.min_cell:
            return
        rows = table[table["level"] != "indicator"]
        units = [
            self.t("overall_quality")
            if u == "overall"
            else self.t("pooled_indicators")
            if lv == "pooled"
            else self.label(str(u))
            for lv, u in zip(rows["level"], rows["unit"], strict=True)
        ]
        shown = pd.DataFrame(
            {
                "aspect": units,
                "n_lessons": rows["n_lessons"].astype(int).to_numpy(),
                "exact": rows["exact_pct"].to_numpy(dtype=float),
                "adjacent": rows["adjacent_pct"].to_numpy(dtype=float),
                "kappa_quadratic": rows["kappa_quadratic"].to_numpy(dtype=float),
                "icc1": rows["icc1"].to_numpy(dtype=float),
                "krippendorff_alpha": rows["alpha_ordinal"].to_numpy(dtype=float),
            }
        )
        if getattr(result, "sample_size", None):
            self.note(
                self.t(
                    "rater_small_n",
                    n=self.num(result.n_double_rated, 0),
                    min=self.num(MINIMUMS["observer_agreement"].minimum, 0),
                ),
                "missing",
            )
        self.table(shown, digits={"exact": 0, "adjacent": 0})
        self.note(self.t("rater_columns"), "missing")

    # --- relation -----------------------------------------------------------------------------
    def relate(self, result: Any) -> None:
        """Correlation heatmap, coefficient plot and their reading."""
        import matplotlib.pyplot as plt

        from dinamika.report import plots

        n = int(result.n_matched)
        if n < self.min_cell:
            self.note(self.t("too_few_link", n=n, min_cell=self.min_cell), "missing")
            return
        corr = result.correlations
        with_overall = corr[corr["y"] == "overall"].sort_values("r", key=np.abs, ascending=False)
        best = with_overall.iloc[0] if len(with_overall) else corr.iloc[0]
        self.text(
            self.t(
                "link_reading",
                n=self.num(n, 0),
                best=self.label(str(best["x"])),
                r=self.num(best["r"]),
            )
        )
        if getattr(result, "sample_size", None):
            self.note(
                self.t(
                    "link_small_n",
                    n=self.num(n, 0),
                    min=self.num(MINIMUMS["correlation"].minimum, 0),
                ),
                "missing",
            )
        matrix = corr.pivot(index="x", columns="y", values="r")
        ys = ["overall", *[c for c in dict.fromkeys(corr["y"]) if c != "overall"]]
        matrix = matrix.reindex(index=list(dict.fromkeys(corr["x"])), columns=ys)
        matrix.index = [self.label(str(i)) for i in matrix.index]
        matrix.columns = [
            self.t("overall_quality") if c == "overall" else self.label(str(c))
            for c in matrix.columns
        ]
        fig, ax = plt.subplots(figsize=(9, 3.6))
        plots.heatmap(matrix, lang=self.lang, ax=ax)
        ax.set_title(self.t("heatmap_title"), loc="left", fontsize=10)
        self.figure(fig, alt=self.t("heatmap_title"))
        shown = corr.loc[:, ["x", "y", "n", "r", "lower", "upper", "p_adjusted"]].rename(
            columns={"x": "scale", "y": "aspect"}
        )
        shown["aspect"] = [
            self.t("overall_quality") if a == "overall" else self.label(str(a))
            for a in shown["aspect"]
        ]
        self.table(shown, value_labels=["scale"], digits={"p_adjusted": 3})
        adjust = corr.attrs.get("adjust")
        if adjust:
            self.note(
                self.t(
                    "link_adjust",
                    method=_ADJUST_NAMES.get(str(adjust), str(adjust)),
                    k=self.num(len(corr), 0),
                    kind=str(corr.attrs.get("method", "pearson")).capitalize(),
                ),
                "missing",
            )
        fixed = result.model.fixed
        fixed = fixed[fixed["term"] != "(Intercept)"]
        coef = pd.DataFrame(
            {
                "predictor": [self.label(str(x)) for x in fixed["term"]],
                "estimate": fixed["std_estimate"].to_numpy(dtype=float),
                "lower": fixed["std_lower"].to_numpy(dtype=float),
                "upper": fixed["std_upper"].to_numpy(dtype=float),
                "p": fixed["p"].to_numpy(dtype=float),
            }
        )
        fig, ax = plt.subplots(figsize=(7, 0.5 * len(coef) + 1.4))
        plots.coefficient_plot(
            coef, label="predictor", xlabel=self.t("coef_axis"), lang=self.lang, ax=ax
        )
        ax.set_title(self.t("coef_title"), loc="left", fontsize=10)
        self.figure(fig, alt=self.t("coef_title"))
        self.table(coef, digits={"p": 3})
        m = result.model
        self.text(
            self.t(
                "model_reading",
                n=self.num(m.n, 0),
                groups=self.num(m.n_groups, 0),
                icc=self.num(m.icc_null),
                r2=self.num(m.r2_marginal),
            )
        )
        if getattr(m, "sample_size", None):
            self.note(
                self.t(
                    "model_small_n",
                    groups=self.num(m.n_groups, 0),
                    min=self.num(MINIMUMS["multilevel"].minimum, 0),
                ),
                "missing",
            )
        if not m.converged or m.singular:
            self.note(
                self.t(
                    "diagnostics",
                    text=self.t("diag_singular" if m.converged else "diag_not_converged"),
                )
            )

    # --- triangulation ------------------------------------------------------------------------
    def triangulation(self, joint: pd.DataFrame) -> None:
        """The joint display, interview shares suppressed for few teachers."""
        self.text(self.t("triangulation_reading"))
        table = suppress(
            joint,
            count_col="interview_teachers",
            min_cell=self.min_cell,
            margins=(),
            values=["interview_teachers", "share_positive", "share_negative", "share_mixed"],
        )
        shown = pd.DataFrame(
            {
                "construct": table["construct"],
                "survey_mean": table["survey_mean"],
                "survey_ci": [
                    f"{self.num(a)} – {self.num(b)}" if not (pd.isna(a) or pd.isna(b)) else "—"
                    for a, b in zip(table["survey_lower"], table["survey_upper"], strict=True)
                ],
                "obs_r": table["obs_r"],
                "interview_teachers": table["interview_teachers"].astype(float),
                "share_positive": 100 * table["share_positive"],
                "verdict": [
                    self.t(f"verdict_{v}") if isinstance(v, str) and v else "—"
                    for v in table["verdict"]
                ],
            }
        )
        self.table(
            shown,
            value_labels=["construct"],
            keep_text=["survey_ci", "verdict"],
            digits={"share_positive": 0, "interview_teachers": 0},
        )
        self.note(self.t("triangulation_rule", min_cell=self.min_cell), "missing")
        themes = table.loc[table["survey_mean"].isna(), "construct"]
        if len(themes):
            names = join([self.label(str(c)) for c in themes], self.lang)
            self.note(self.t("triangulation_dash", themes=names), "missing")

    # --- provenance ---------------------------------------------------------------------------
    def file_role(self, survey: Survey, name: str) -> str:
        """``kuesioner``/``observasi``/``wawancara``/``survey.yaml`` for a data file's name."""
        kinds = {"responses": "kind_questionnaire", "observations": "kind_observation",
                 "interviews": "kind_interview"}  # fmt: skip
        for part, kind in kinds.items():
            spec = survey.manifest.get(part)
            if isinstance(spec, Mapping) and str(spec.get("file")) == name:
                return self.t(kind)
        return "survey.yaml" if name == "survey.yaml" else "?"

    def provenance(self, survey: Survey, params: Mapping[str, Any]) -> None:
        """Versions, hashes, seed and parameters (no timestamps)."""
        rows: list[tuple[str, str]] = [
            (self.t("prov_version"), __version__),
            (self.t("prov_term"), str(survey.term)),
        ]
        for kind, inst in (
            ("kind_questionnaire", survey.instrument),
            ("kind_observation", survey.observation_instrument),
            ("kind_interview", survey.interview_instrument),
        ):
            if inst is None:
                continue
            rows.append((self.t("prov_instrument", kind=self.t(kind)), inst.ref))
            rows.append((self.t("prov_instrument_hash", kind=self.t(kind)), inst.sha256))
        for name, digest in survey.file_hashes.items():
            # by role, never by name: a file or folder may be named after a person
            rows.append((self.t("prov_file", file=self.file_role(survey, name)), digest))
        for name, value in params.items():
            rows.append((self.t("prov_param", name=name), str(value)))
        frame = pd.DataFrame({"measure": [r[0] for r in rows], "value": [r[1] for r in rows]})
        self.table(frame, keep_text=["measure", "value"], code=["value"])
        for head, body in (
            ("prov_cite_software", self.t("citation_software", version=__version__)),
            ("prov_cite_instruments", self.t("citation_instruments")),
            ("prov_cite_source", self.t("citation_source")),
        ):
            self.text(f"{self.t(head)}: {body}")
