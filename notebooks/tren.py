# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Laporan tren / Trend report
#
# Compares two or more terms. `dinamika report DIR1 DIR2 …` runs this notebook; to rerun it
# here, edit the `parameters` cell and choose *Run All*. Measurement invariance comes first:
# means and their change are shown only where scalar invariance holds, otherwise the report
# states why they are not compared. Markdown cells are notes for the analyst, not report text.

# %% tags=["parameters"]
survey_dirs = None  # list of term folders, oldest first; None = the two bundled example terms
lang = "id"  # "id" (Bahasa Indonesia) or "en"
min_cell = 5  # smallest group shown; smaller groups are suppressed
seed = 2025  # seeds every resampling step
key_file = None  # pseudonymization key file (default: $DINAMIKA_PSEUDONYM_KEY[_FILE])

# %%
# ruff: noqa: E402  (imports follow the parameters cell)
import sys
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

import dinamika
from dinamika import privacy
from dinamika.report import plots
from dinamika.data.resources import EXAMPLE_TERMS, surveys_dir
from dinamika.report.pipeline import View, label_maps

warnings.filterwarnings("ignore", category=FutureWarning)
plt.rcParams.update({"figure.dpi": 110, "font.size": 10, "svg.hashsalt": "dinamika"})

if survey_dirs is None:
    survey_dirs = [str(surveys_dir() / t) for t in EXAMPLE_TERMS]
surveys = [dinamika.load_survey(d, key_file=key_file, lang=lang) for d in survey_dirs]
terms = [s.term for s in surveys]
inst = surveys[-1].instrument
scales = list(inst.scales)
v = View(lang, min_cell=min_cell, labels=label_maps(*surveys))
v.title(v.t("trend_report"), v.t("trend_subtitle", terms=" → ".join(terms)))
if any(s.synthetic for s in surveys):
    v.note(v.t("synthetic"))
v.note(v.t("privacy_note", min_cell=min_cell), "privacy")

# %% tags=["section:sec_trend_terms"]
v.heading("sec_trend_terms")
v.text(v.t("trend_terms_reading", k=len(terms), terms=" → ".join(terms)))
v.table(
    pd.DataFrame(
        {
            "term": terms,
            "n": [len(s.responses) for s in surveys],
            "n_schools": [
                s.responses["school"].nunique() if "school" in s.responses else 0 for s in surveys
            ],
            "instrument": [s.instrument.ref for s in surveys],
        }
    ),
    keep_text=["instrument"],
    code=["instrument"],
)

# %% tags=["section:sec_invariance"]
v.heading("sec_invariance")
v.text(v.t("invariance_reading"))
majors = {s.instrument.id + "@" + s.instrument.version.split(".")[0] for s in surveys}
reason = None
if len(majors) > 1:
    reason = v.t("reason_instrument", refs=", ".join(sorted({s.instrument.ref for s in surveys})))
elif not hasattr(dinamika, "invariance"):
    reason = v.t("reason_no_invariance")
else:
    from dinamika.psychometrics.cfa import reverse_items

    stacked = pd.concat(
        [
            reverse_items(s.responses[list(inst.item_ids)], inst).assign(term=s.term)
            for s in surveys
        ],
        ignore_index=True,
    )
    try:
        # answers are ordered categories: WLSMV on polychorics, pairwise, so every respondent
        # counts (listwise ML would keep only the questionnaires complete on all 24 items)
        inv = dinamika.invariance(
            dinamika.cfa_model(inst),
            stacked,
            group="term",
            estimator="WLSMV",
            ordered=True,
            missing="pairwise",
        )
    except dinamika.DinamikaError as exc:
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
            v.t("invariance_n", n=v.num(inv.fits["configural"].n, 0), total=v.num(len(stacked), 0))
        )
        if inv.holds != "scalar":
            failing = tab.loc[~tab["verdict"].isin(["baseline", "holds"]), "step"]
            step = str(failing.iloc[0]) if len(failing) else "configural"
            reason = v.t("reason_invariance", step=v.t("step_" + step))
if reason is None:
    v.note(v.t("scalar_holds"))
else:
    v.note(v.t("scalar_fails", reason=reason))

# %% tags=["section:sec_trend_means"]
v.heading("sec_trend_means")
comparable = reason is None
if not comparable:
    v.note(v.t("scalar_fails", reason=reason), "missing")
elif not hasattr(dinamika, "score"):
    v.unavailable("what_scores")
else:
    with v.guard():
        scored = [dinamika.score(s).assign(term=s.term) for s in surveys]
        v.text(v.t("trend_means_reading"))
        rows = []
        for sc in scored:
            for scale in scales:
                x = sc[scale].dropna().to_numpy()
                ci = (
                    stats.ttest_1samp(x, 0.0).confidence_interval(0.95)
                    if len(x) >= min_cell
                    else None
                )
                rows.append(
                    {
                        "term": sc["term"].iloc[0],
                        "scale": scale,
                        "n": len(x),
                        "mean": x.mean() if ci else np.nan,
                        "lower": ci.low if ci else np.nan,
                        "upper": ci.high if ci else np.nan,
                    }
                )
        means = pd.DataFrame(rows)
        v.table(means, value_labels=["scale"])
        first, last = scored[0], scored[-1]
        change = []
        for scale in scales:
            a, b = first[scale].dropna().to_numpy(), last[scale].dropna().to_numpy()
            if min(len(a), len(b)) < min_cell:
                change.append(
                    {
                        "scale": scale,
                        "estimate": np.nan,
                        "lower": np.nan,
                        "upper": np.nan,
                        "p": np.nan,
                    }
                )
                continue
            res = stats.ttest_ind(b, a, equal_var=False)
            ci = res.confidence_interval(0.95)
            change.append(
                {
                    "scale": scale,
                    "estimate": b.mean() - a.mean(),
                    "lower": ci.low,
                    "upper": ci.high,
                    "p": res.pvalue,
                }
            )
        change = pd.DataFrame(change)
        v.subheading(v.t("change_title", first=terms[0], last=terms[-1]))
        fig, ax = plt.subplots(figsize=(7, 2.6))
        plots.coefficient_plot(
            change.assign(label=[v.label(s) for s in change["scale"]]),
            label="label",
            xlabel=v.t("change_axis"),
            lang=lang,
            ax=ax,
        )
        v.figure(fig, alt=v.t("change_title", first=terms[0], last=terms[-1]))
        v.table(
            change.rename(columns={"estimate": "change"}), value_labels=["scale"], digits={"p": 3}
        )
        # The terms share teachers: the independent-samples CIs above ignore that. Say how many
        # and whether their scores correlate positively (then the CIs are conservative).
        if "teacher" in first and "teacher" in last:
            paired = first.merge(last, on="teacher", suffixes=("_a", "_b"))
            if len(paired) >= min_cell:
                r = [paired[s + "_a"].corr(paired[s + "_b"]) for s in scales]
                key = "trend_paired" if min(r) > 0 else "trend_paired_not_positive"
                v.text(
                    v.t(
                        key,
                        shared=v.num(len(paired), 0),
                        rmin=v.num(min(r)),
                        rmax=v.num(max(r)),
                    )
                )

# %% tags=["section:sec_trend_groups"]
v.heading("sec_trend_groups")
if not comparable:
    v.note(v.t("scalar_fails", reason=reason), "missing")
elif not hasattr(dinamika, "score"):
    v.unavailable("what_scores")
else:
    with v.guard():
        v.text(v.t("trend_groups_reading", first=terms[0], last=terms[-1]))
        first_t, last_t = (
            privacy.group_means(sc, values=scales, min_cell=min_cell)
            for sc in (scored[0], scored[-1])
        )
        for group, key in (("school", "by_school"), ("kkg", "by_kkg")):
            if group not in first_t or group not in last_t:
                continue
            both = first_t[group].merge(last_t[group], on=group, how="outer", suffixes=("_a", "_b"))
            hidden = both["suppressed_a"].fillna(True).astype(bool) | both["suppressed_b"].fillna(
                True
            ).astype(bool)
            out = pd.DataFrame({group: both[group], "n_first": both["n_a"], "n_last": both["n_b"]})
            for scale in scales:
                out[scale] = both[scale + "_b"] - both[scale + "_a"]
            out.loc[hidden.to_numpy(), ["n_first", "n_last", *scales]] = np.nan
            v.subheading(v.t(key))
            v.table(out)
            if hidden.any():
                v.note(v.t("suppressed_rows", n=int(hidden.sum()), min_cell=min_cell), "missing")
