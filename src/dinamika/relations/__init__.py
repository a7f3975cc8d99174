"""Stage 4 — relations: community dynamics and observed teaching quality.

- ``linking``: ``relate``, ``correlate`` (Fisher CIs, Holm/BH), ``multilevel`` (REML, lme4).
- ``mixed_model`` and ``reml``: the profiled REML engine behind ``multilevel``.
- ``triangulation``: the joint display of survey, observation and interview evidence.
"""
