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
# Each cell calls one function of `dinamika.report.sections.term`, which computes the section
# and shows it: the statistics and the defaults (`dinamika.report.params.ReportParams`) live
# in the library, where they are tested and type-checked. Markdown cells like this one are
# notes for the analyst; they are not part of the report.

# %% tags=["parameters"]
survey_dir = None  # folder with survey.yaml; None = the bundled example term
# None below = dinamika's default (dinamika.report.params.ReportParams)
lang = None  # "id" (Bahasa Indonesia, the default) or "en"
min_cell = None  # smallest group shown (default 5); smaller groups are suppressed
seed = None  # seeds every resampling step (default 2025)
key_file = None  # pseudonymization key file (default: $DINAMIKA_PSEUDONYM_KEY[_FILE])

# %%
# ruff: noqa: E402  (imports follow the parameters cell)
from dinamika.report.params import ReportParams
from dinamika.report.sections import term as section

params = ReportParams.resolve(lang=lang, min_cell=min_cell, seed=seed, key_file=key_file)
rep = section.start(survey_dir, params)

# %% tags=["section:sec_summary"]
section.summary(rep)

# %% tags=["section:sec_glance"]
section.glance(rep)

# %% tags=["section:sec_instrument"]
section.instrument(rep)

# %% tags=["section:sec_items"]
section.items(rep)

# %% tags=["section:sec_reliability"]
section.reliability(rep)

# %% tags=["section:sec_factors"]
section.factors(rep)

# %% tags=["section:sec_scores"]
section.scores(rep)

# %% tags=["section:sec_quality"]
section.quality(rep)

# %% tags=["section:sec_link"]
section.link(rep)

# %% tags=["section:sec_triangulation"]
section.triangulation(rep)

# %% tags=["section:sec_glossary"]
section.glossary(rep)

# %% tags=["section:sec_score_tables"]
section.score_tables(rep)

# %% tags=["section:sec_methods"]
section.methods(rep)

# %% tags=["section:sec_provenance"]
section.provenance(rep)
