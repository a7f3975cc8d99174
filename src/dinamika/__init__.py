"""dinamika — teacher-community dynamics and observed teaching quality.

Public API (everything else is private):

- instruments: :func:`load_instrument`, :func:`list_instruments`, :func:`diff_instruments`
- term data: :func:`load_survey`, :func:`validate_survey`
- example data: :func:`simulate`
- errors: :class:`DinamikaError` and its subclasses
"""

from __future__ import annotations

__version__ = "0.1.0"

from dinamika.errors import (
    DinamikaError,
    InstrumentError,
    SurveyError,
    UsageError,
    ValidationError,
)

__all__ = [
    "DinamikaError",
    "InstrumentError",
    "SurveyError",
    "UsageError",
    "ValidationError",
    "__version__",
]
