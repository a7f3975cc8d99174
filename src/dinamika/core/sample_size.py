"""Minimum sample sizes of every analysis, in one documented table.

Each analysis names the unit it counts (respondents, respondents per free parameter, groups,
lessons), the minimum below which dinamika does not draw an inference from it, and the source
of that rule. Below the minimum a result carries a flag (``diagnostics`` / ``sample_size``
notes) and the report shows the section with a plain caveat or leaves the inference out.

The table is :data:`MINIMUMS`; :func:`minimum_sample_sizes` returns it as a DataFrame and
:func:`below_minimum` says whether (and why) a given n falls short.

Examples
--------
>>> from dinamika.core.sample_size import below_minimum, minimum_sample_sizes
>>> tab = minimum_sample_sizes()
>>> float(tab.loc["cfa", "minimum"]), tab.loc["cfa", "unit"]
(5.0, 'respondents per free parameter')
>>> below_minimum("cfa", 40, parameters=117) is not None  # 40 < 5 x 117
True
>>> below_minimum("cfa", 600, parameters=117) is None
True
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["MINIMUMS", "Minimum", "below_minimum", "minimum_sample_sizes", "required_n"]


@dataclass(frozen=True)
class Minimum:
    """One analysis's minimum: ``minimum`` units of ``unit`` (× parameters when per parameter)."""

    analysis: str
    unit: str
    minimum: float
    reference: str
    rationale: str

    @property
    def per_parameter(self) -> bool:
        return self.unit.endswith("per free parameter")


MINIMUMS: dict[str, Minimum] = {
    m.analysis: m
    for m in [
        Minimum(
            "reliability_bootstrap",
            "respondents",
            30,
            "Kelley & Pornprasertmanit (2016), Psychological Methods 21, 69-92",
            "bootstrap (percentile, BCa) intervals of alpha and omega are large-sample "
            "intervals; with fewer respondents they fall outside [0, 1] or undercover. "
            "Feldt's interval is still reported.",
        ),
        Minimum(
            "efa",
            "respondents per item",
            5,
            "Gorsuch (1983), Factor Analysis, 2nd ed.",
            "loadings and factor counts of fewer respondents per item do not replicate.",
        ),
        Minimum(
            "cfa",
            "respondents per free parameter",
            5,
            "Bentler & Chou (1987), Sociological Methods & Research 16, 78-117; "
            "Kline (2016), Principles and Practice of SEM, 4th ed., ch. 7",
            "fit indices and standard errors of a model with fewer respondents per free "
            "parameter are unstable (Kline: 10-20 preferred); the fit is not judged.",
        ),
        Minimum(
            "invariance",
            "respondents per free parameter",
            5,
            "Bentler & Chou (1987); Kline (2016), ch. 7",
            "each group's model needs the CFA minimum; differences of fit indices of "
            "smaller groups are noise.",
        ),
        Minimum(
            "group_icc",
            "groups",
            30,
            "Maas & Hox (2005), Methodology 1, 86-92",
            "with fewer groups the between-group variance and its standard error are biased "
            "(Maas & Hox recommend 50 for variance components); ICC(1) is shown without inference.",
        ),
        Minimum(
            "multilevel",
            "groups",
            30,
            "Maas & Hox (2005), Methodology 1, 86-92",
            "fixed effects and variance components of fewer groups have biased standard "
            "errors; effects are shown without significance tests.",
        ),
        Minimum(
            "observer_agreement",
            "lessons",
            30,
            "Koo & Li (2016), Journal of Chiropractic Medicine 15, 155-163",
            "an ICC or kappa from fewer than 30 jointly observed lessons has a confidence "
            "interval too wide to certify observers.",
        ),
        Minimum(
            "correlation",
            "respondents",
            10,
            "Bonett & Wright (2000), Psychometrika 65, 23-28",
            "Fisher-z intervals of fewer pairs are too wide to separate weak from strong "
            "association.",
        ),
    ]
}


def required_n(analysis: str, parameters: int | None = None) -> float:
    """The n an analysis needs (``minimum × parameters`` for per-parameter rules)."""
    rule = MINIMUMS[analysis]
    if rule.per_parameter or rule.unit == "respondents per item":
        if parameters is None:
            raise ValueError(f"{analysis}: the minimum is per parameter/item; pass `parameters`")
        return rule.minimum * parameters
    return rule.minimum


def below_minimum(analysis: str, n: float, parameters: int | None = None) -> str | None:
    """None when ``n`` meets the minimum of ``analysis``; otherwise the reason, in English.

    ``parameters``: free parameters (CFA, invariance) or items (EFA) for per-unit rules.
    """
    need = required_n(analysis, parameters)
    if n >= need:
        return None
    rule = MINIMUMS[analysis]
    per = f" ({rule.minimum:g} {rule.unit} × {parameters})" if parameters is not None else ""
    return (
        f"n = {n:g} is below the minimum of {need:g}{per} for {analysis}: "
        f"{rule.rationale} [{rule.reference}]"
    )


def minimum_sample_sizes() -> pd.DataFrame:
    """The table of minimums: index ``analysis``; ``unit, minimum, reference, rationale``."""
    return pd.DataFrame(
        [
            (m.analysis, m.unit, float(m.minimum), m.reference, m.rationale)
            for m in MINIMUMS.values()
        ],
        columns=["analysis", "unit", "minimum", "reference", "rationale"],
    ).set_index("analysis")
