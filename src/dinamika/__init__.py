"""dinamika — teacher-community dynamics and observed teaching quality.

Public API (everything else is private):

- instruments: :func:`load_instrument`, :func:`list_instruments`, :func:`diff_instruments`
- term data: :func:`load_survey`, :func:`validate_survey`
- example data: :func:`simulate`
- errors: :class:`DinamikaError` and its subclasses
"""

from __future__ import annotations

__version__ = "0.1.0"

from dinamika.efa import (
    BartlettResult,
    EFAFit,
    EFAResult,
    KMOResult,
    ParallelResult,
    bartlett,
    efa,
    kmo,
    parallel_analysis,
    velicer_map,
)
from dinamika.errors import (
    DinamikaError,
    InstrumentError,
    SurveyError,
    UsageError,
    ValidationError,
)
from dinamika.instruments import Instrument, list_instruments, load_instrument
from dinamika.observation import observation_scores
from dinamika.polychoric import PolychoricResult, polychoric
from dinamika.relate import (
    MultilevelResult,
    RelateResult,
    correlate,
    multilevel,
    p_adjust,
    relate,
)
from dinamika.survey import Survey, load_survey, validate_survey
from dinamika.triangulation import TRIANGULATION_RULE, triangulate
from dinamika.validation import Problem, ValidationReport
from dinamika.versions import diff_instruments

__all__ = [
    "TRIANGULATION_RULE",
    "BartlettResult",
    "DinamikaError",
    "EFAFit",
    "EFAResult",
    "Instrument",
    "InstrumentError",
    "KMOResult",
    "MultilevelResult",
    "ParallelResult",
    "PolychoricResult",
    "Problem",
    "RelateResult",
    "Survey",
    "SurveyError",
    "UsageError",
    "ValidationError",
    "ValidationReport",
    "__version__",
    "bartlett",
    "correlate",
    "diff_instruments",
    "efa",
    "kmo",
    "list_instruments",
    "load_instrument",
    "load_survey",
    "multilevel",
    "observation_scores",
    "p_adjust",
    "parallel_analysis",
    "polychoric",
    "relate",
    "triangulate",
    "validate_survey",
    "velicer_map",
]
