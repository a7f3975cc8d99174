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
# # Laporan semester / Term report
#
# Parameterized report of one term. `dinamika report SURVEY_DIR` runs this notebook on a
# Jupyter kernel and converts it to one self-contained HTML file (code hidden). To rerun it
# here, edit the `parameters` cell below and choose *Run All*. Every heading and sentence the
# report shows comes from `dinamika.i18n`, so `lang = "en"` gives a fully English report.
# Markdown cells like this one are notes for the analyst; they are not part of the report.

# %% tags=["parameters"]
survey_dir = None  # folder with survey.yaml; None = the bundled example term
lang = "id"  # "id" (Bahasa Indonesia) or "en"
min_cell = 5  # smallest group shown; smaller groups are suppressed
seed = 2025  # seeds every resampling step
key_file = None  # pseudonymization key file (default: $DINAMIKA_PSEUDONYM_KEY[_FILE])

# %%
# ruff: noqa: E402  (imports follow the parameters cell)
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

import dinamika
from dinamika import privacy
from dinamika.i18n import join
from dinamika.report import plots
from dinamika.report.pipeline import View, label_maps

warnings.filterwarnings("ignore", category=FutureWarning)
plt.rcParams.update({"figure.dpi": 110, "font.size": 10, "svg.hashsalt": "dinamika"})

survey = dinamika.load_survey(survey_dir, key_file=key_file, lang=lang)
inst = survey.instrument
obs_inst = survey.observation_instrument
v = View(lang, min_cell=min_cell, labels=label_maps(survey))
scales = list(inst.scales)
R = survey.responses
n_resp = len(R)

v.title(v.t("term_report") + " · " + survey.title[lang], v.t("subtitle", term=survey.term))
if survey.synthetic:
    v.note(v.t("synthetic"))
v.note(v.t("privacy_note", min_cell=min_cell), "privacy")

# %% tags=["section:sec_glance"]
v.heading("sec_glance")
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
    v.note(v.t("manifest_incomplete", missing=join(missing, lang)), "missing")
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

# %% tags=["section:sec_instrument"]
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

# %% tags=["section:sec_items"]
v.heading("sec_items")
if n_resp < min_cell:
    v.note(v.t("too_few_for_items", min_cell=min_cell), "missing")
else:
    v.text(v.t("items_reading"))
    rs = inst.items[0].response_scale
    codes = list(range(rs.min, rs.max + 1))
    fig, axes = plt.subplots(len(scales), 1, figsize=(8.5, 2.3 * len(scales) + 0.8), sharex=True)
    for k, (scale, ax) in enumerate(zip(scales, np.atleast_1d(axes), strict=True)):
        items = list(inst.scales[scale])
        counts = plots.likert_counts(R, items=items, codes=codes)
        plots.likert_bars(
            counts,
            labels=[rs.label(c, lang) for c in codes],
            missing_label=v.t("missing"),
            item_labels=[
                i + (" " + v.t("reverse_mark") if i in inst.reverse_keyed else "") for i in items
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

# %% tags=["section:sec_reliability"]
v.heading("sec_reliability")
reliability = None
if not hasattr(dinamika, "reliability_table"):
    v.unavailable("what_reliability")
else:
    with v.guard():
        reliability = dinamika.reliability_table(survey, seed=seed)
        v.reliability(reliability)

# %% tags=["section:sec_factors"]
v.heading("sec_factors")
if not hasattr(dinamika, "cfa_survey"):
    v.unavailable("what_cfa")
else:
    with v.guard():
        fit = dinamika.cfa_survey(survey)
        v.cfa(fit, n_total=n_resp)

# %% tags=["section:sec_scores"]
v.heading("sec_scores")
scores = None
if not hasattr(dinamika, "score"):
    v.unavailable("what_scores")
else:
    with v.guard():
        scores = dinamika.score(survey)
        v.text(
            v.t(
                "scores_reading",
                share=f"{v.num(100 * survey.min_answered, 0)}%",
                lo=min(inst.item(i).min for i in inst.item_ids),
                hi=max(inst.item(i).max for i in inst.item_ids),
            )
        )

        tables = privacy.group_means(scores, values=scales, min_cell=min_cell)
        for group, key in (("school", "by_school"), ("kkg", "by_kkg")):
            if group not in tables:
                continue
            total = pd.DataFrame(
                {
                    group: [v.t("overall_row")],
                    "n": [len(scores)],
                    **{s: [scores[s].mean()] for s in scales},
                }
            )
            if n_resp < min_cell:
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
        if hasattr(dinamika, "group_agreement"):
            v.subheading(v.t("group_agreement_title"))
            groups = [g for g in ("school", "kkg") if g in scores]
            v.group_agreement(
                dinamika.group_agreement(scores, group=groups, items=R, instrument=inst)
            )

# %% tags=["section:sec_quality"]
v.heading("sec_quality")
if obs is None or obs_inst is None:
    v.no_data("what_observation")
elif n_lessons < min_cell:
    v.note(v.t("too_few_link", n=n_lessons, min_cell=min_cell), "missing")
else:
    with v.guard():
        # the term itself: its survey.yaml's consensus / master observers are honoured
        lessons = dinamika.observation_scores(survey, level="lesson")
        aspects = list(obs_inst.scales)
        vals = lessons[aspects]
        n_a = vals.notna().sum()
        mean_a = vals.mean()
        half = stats.t.ppf(0.975, np.maximum(n_a - 1, 1)) * vals.std(ddof=1) / np.sqrt(n_a)
        quality = pd.DataFrame(
            {
                "aspect": aspects,
                "n": n_a.to_numpy(),
                "mean": mean_a.to_numpy(),
                "lower": (mean_a - half).to_numpy(),
                "upper": (mean_a + half).to_numpy(),
            }
        )
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
        shown = quality.assign(aspect=[v.label(a) for a in aspects])
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
        v.table(quality, value_labels=["aspect"])
        v.subheading(v.t("rater_title"))
        if not hasattr(dinamika, "rater_agreement"):
            v.unavailable("what_rater")
        else:
            special = [
                str(survey.manifest["observations"][k])
                for k in ("master", "consensus")
                if survey.manifest["observations"].get(k)
            ]
            v.rater_agreement(dinamika.rater_agreement(obs, instrument=obs_inst, exclude=special))

# %% tags=["section:sec_link"]
v.heading("sec_link")
relation = None
if obs is None:
    v.no_data("what_observation")
elif not hasattr(dinamika, "relate") or not hasattr(dinamika, "score"):
    v.unavailable("what_relate")
else:
    with v.guard():
        relation = dinamika.relate(survey, scores=scores)
        v.relate(relation)

# %% tags=["section:sec_triangulation"]
v.heading("sec_triangulation")
if itv is None:
    v.no_data("what_interview")
elif not hasattr(dinamika, "triangulate") or not hasattr(dinamika, "score"):
    v.unavailable("what_triangulation")
else:
    with v.guard():
        joint = dinamika.triangulate(
            survey, reliability=reliability, relate=relation, scores=scores
        )
        v.triangulation(joint)

# %% tags=["section:sec_provenance"]
v.heading("sec_provenance")
v.text(v.t("provenance_reading"))
v.provenance(
    survey, {"lang": lang, "min_cell": min_cell, "seed": seed}
)
