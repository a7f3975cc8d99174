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
# # Umpan balik per sekolah / Feedback pages
#
# `dinamika report SURVEY_DIR --per-school` runs this notebook: one printed page per school
# and per KKG that the term report shows (hidden groups get no page). Each cell calls one
# function of `dinamika.report.sections.feedback`; defaults live in `ReportParams`.

# %% tags=["parameters"]
survey_dir = None  # folder with survey.yaml; None = the bundled example term
# None below = dinamika's default (dinamika.report.params.ReportParams)
lang = None  # "id" (Bahasa Indonesia, the default) or "en"
min_cell = None  # smallest group shown (default 5); smaller groups get no page
seed = None  # seeds every resampling step (default 2025)
key_file = None  # pseudonymization key file (default: $DINAMIKA_PSEUDONYM_KEY[_FILE])

# %%
# ruff: noqa: E402  (imports follow the parameters cell)
from dinamika.report.params import ReportParams
from dinamika.report.sections import feedback as section

params = ReportParams.resolve(lang=lang, min_cell=min_cell, seed=seed, key_file=key_file)
rep = section.start(survey_dir, params)

# %% tags=["section:feedback_school"]
section.pages(rep, "school")

# %% tags=["section:feedback_kkg"]
section.pages(rep, "kkg")
