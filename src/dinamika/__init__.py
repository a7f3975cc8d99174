"""dinamika — teacher-community dynamics and observed teaching quality.

Public API (everything else is private):

- instruments: :func:`load_instrument`, :func:`list_instruments`, :func:`diff_instruments`
- term data: :func:`load_survey`, :func:`validate_survey`
- example data: :func:`simulate`
- factor analysis: :func:`efa`, :func:`kmo`, :func:`bartlett`, :func:`parallel_analysis`,
  :func:`velicer_map`
- imports and exports: :func:`import_google_forms`, :func:`import_kobo`, :func:`export_survey`,
  :func:`write_xlsform`, :func:`write_printable`, :func:`codebook`, :func:`write_codebook`
- reports: :func:`make_report` (term and trend reports; also ``dinamika.report.pipeline``), privacy
  in outputs: :func:`suppress`, :func:`suppress_nested`, :func:`scrub`
- minimum sample sizes of every analysis: :func:`minimum_sample_sizes`
- errors: :class:`DinamikaError` and its subclasses
"""

from __future__ import annotations

__version__ = "0.1.0"

from dinamika.agreement.coefficients import (
    KappaResult,
    KrippendorffResult,
    PercentAgreement,
    icc,
    krippendorff_alpha,
    percent_agreement,
    weighted_kappa,
)
from dinamika.agreement.groups import GroupAgreement, group_agreement, group_icc, rwg
from dinamika.agreement.observers import RaterAgreement, certify_observers, rater_agreement
from dinamika.core.sample_size import minimum_sample_sizes
from dinamika.data.instruments import Instrument, list_instruments, load_instrument
from dinamika.data.survey import Survey, load_survey, validate_survey
from dinamika.data.validation import Problem, ValidationReport
from dinamika.data.versions import diff_instruments
from dinamika.errors import (
    DinamikaError,
    InstrumentError,
    SurveyError,
    UsageError,
    ValidationError,
)
from dinamika.interop import (
    ExportResult,
    ImportFailed,
    ImportResult,
    codebook,
    export_survey,
    import_google_forms,
    import_kobo,
    write_codebook,
    write_printable,
    write_xlsform,
)
from dinamika.privacy.outputs import PrivacyError, scrub, suppress, suppress_nested
from dinamika.psychometrics.cfa import (
    CFAResult,
    FitMeasures,
    InvarianceResult,
    cfa,
    cfa_model,
    cfa_survey,
    invariance,
)
from dinamika.psychometrics.efa.api import (
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
from dinamika.psychometrics.observation import observation_scores
from dinamika.psychometrics.polychoric.api import PolychoricResult, polychoric
from dinamika.psychometrics.reliability.api import Reliability, reliability, reliability_table
from dinamika.psychometrics.scoring import score
from dinamika.relations.linking import (
    MultilevelResult,
    RelateResult,
    correlate,
    multilevel,
    p_adjust,
    relate,
)
from dinamika.relations.triangulation import TRIANGULATION_RULE, triangulate
from dinamika.report import make_report
from dinamika.simulation.term import SimulatedTerm, simulate

__all__ = [
    "TRIANGULATION_RULE",
    "BartlettResult",
    "CFAResult",
    "DinamikaError",
    "EFAFit",
    "EFAResult",
    "ExportResult",
    "FitMeasures",
    "GroupAgreement",
    "ImportFailed",
    "ImportResult",
    "Instrument",
    "InstrumentError",
    "InvarianceResult",
    "KMOResult",
    "KappaResult",
    "KrippendorffResult",
    "MultilevelResult",
    "ParallelResult",
    "PercentAgreement",
    "PolychoricResult",
    "PrivacyError",
    "Problem",
    "RaterAgreement",
    "RelateResult",
    "Reliability",
    "SimulatedTerm",
    "Survey",
    "SurveyError",
    "UsageError",
    "ValidationError",
    "ValidationReport",
    "__version__",
    "bartlett",
    "certify_observers",
    "cfa",
    "cfa_model",
    "cfa_survey",
    "codebook",
    "correlate",
    "diff_instruments",
    "efa",
    "export_survey",
    "group_agreement",
    "group_icc",
    "icc",
    "import_google_forms",
    "import_kobo",
    "invariance",
    "kmo",
    "krippendorff_alpha",
    "list_instruments",
    "load_instrument",
    "load_survey",
    "make_report",
    "minimum_sample_sizes",
    "multilevel",
    "observation_scores",
    "p_adjust",
    "parallel_analysis",
    "percent_agreement",
    "polychoric",
    "rater_agreement",
    "relate",
    "reliability",
    "reliability_table",
    "rwg",
    "score",
    "scrub",
    "simulate",
    "suppress",
    "suppress_nested",
    "triangulate",
    "validate_survey",
    "velicer_map",
    "weighted_kappa",
    "write_codebook",
    "write_printable",
    "write_xlsform",
]
