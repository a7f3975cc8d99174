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
# states why they are not compared. Each cell calls one function of
# `dinamika.report.sections.trend`; the statistics and the defaults (`ReportParams`) live in the
# library. Markdown cells are notes for the analyst, not report text.

# %% tags=["parameters"]
survey_dirs = None  # list of term folders, oldest first; None = the two bundled example terms
# None below = dinamika's default (dinamika.report.params.ReportParams)
lang = None  # "id" (Bahasa Indonesia, the default) or "en"
min_cell = None  # smallest group shown (default 5); smaller groups are suppressed
seed = None  # seeds every resampling step (default 2025)
key_file = None  # pseudonymization key file (default: $DINAMIKA_PSEUDONYM_KEY[_FILE])

# %%
# ruff: noqa: E402  (imports follow the parameters cell)
from dinamika.report.params import ReportParams
from dinamika.report.sections import trend as section

params = ReportParams.resolve(lang=lang, min_cell=min_cell, seed=seed, key_file=key_file)
rep = section.start(survey_dirs, params)

# %% tags=["section:sec_trend_terms"]
section.terms(rep)

# %% tags=["section:sec_invariance"]
reason = section.invariance(rep)

# %% tags=["section:sec_trend_means"]
scored = section.means(rep, reason=reason)

# %% tags=["section:sec_trend_groups"]
section.groups(rep, reason=reason, scored=scored)
