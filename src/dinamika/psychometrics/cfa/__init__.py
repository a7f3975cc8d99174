"""Confirmatory factor analysis, structural regressions, invariance and factor scores.

lavaan's numbers in Python: :func:`cfa` (ML and ordinal WLSMV), :func:`invariance`
(configural → metric → scalar), factor scores (:meth:`CFAResult.scores`) and
:func:`cfa_model` (lavaan syntax from an instrument).
"""

from __future__ import annotations

from dinamika.psychometrics.cfa.api import cfa
from dinamika.psychometrics.cfa.fit import FitMeasures
from dinamika.psychometrics.cfa.instrument import cfa_model, cfa_survey, reverse_items
from dinamika.psychometrics.cfa.measurement_invariance import InvarianceResult, invariance
from dinamika.psychometrics.cfa.result import CFAResult, Diagnostics

__all__ = [
    "CFAResult",
    "Diagnostics",
    "FitMeasures",
    "InvarianceResult",
    "cfa",
    "cfa_model",
    "cfa_survey",
    "invariance",
    "reverse_items",
]
