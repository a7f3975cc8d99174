"""Stage 2 — measurement: scores, reliability, polychoric correlations, EFA, CFA.

- ``scoring``: scale scores (``score``); ``observation``: observed teaching quality scores.
- ``reliability/``: alpha, omega, item analysis, Feldt and bootstrap CIs.
- ``polychoric/``: polychoric correlations (psych's two-step estimator).
- ``efa/``: exploratory factor analysis, KMO, Bartlett, parallel analysis, MAP.
- ``cfa/``: CFA/SEM (ML, FIML, WLSMV), factor scores, measurement invariance.
- ``blas``: the single-thread BLAS helper shared by the estimators.

Modules here take DataFrames and know nothing of files.
"""
