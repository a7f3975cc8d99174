"""Stage 3 — agreement: between observers of a lesson and within schools and KKG/MGMP.

- ``coefficients``: ``icc`` (psych::ICC's six forms), ``weighted_kappa``, ``krippendorff_alpha``,
  ``percent_agreement`` (with ``icc_reml``, ``kappa``, ``krippendorff`` behind them).
- ``observers``: ``rater_agreement`` and ``certify_observers`` on a term's observations
  (``observers_input``, ``certification``).
- ``groups``: ``group_agreement``, ``group_icc`` (ICC(1), ICC(2)), ``rwg`` (``group_stats``).
"""
