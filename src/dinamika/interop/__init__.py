"""Meeting users where their data lives: form imports, instrument exports, data exports.

- imports: :func:`import_google_forms`, :func:`import_kobo` → a term folder (``survey.yaml``,
  ``kuesioner.csv``, ``mapping.csv``) that :func:`dinamika.validate_survey` accepts
- instrument exports: :func:`xlsform` / :func:`write_xlsform` (KoboToolbox, ODK Central),
  :func:`printable_html` / :func:`write_printable` (questionnaire or observer's sheet, HTML or
  PDF), :func:`codebook` / :func:`write_codebook` (CSV, HTML)
- data exports: :func:`export_survey` (CSV, XLSX, SPSS ``.sav``, Stata ``.dta``, Parquet)
"""

from __future__ import annotations

from dinamika.interop._importing import ImportResult
from dinamika.interop._issues import ImportFailed
from dinamika.interop.codebook_export import CODEBOOK_COLUMNS, codebook, write_codebook
from dinamika.interop.export import ExportResult, export_survey
from dinamika.interop.google_forms import import_google_forms
from dinamika.interop.kobo import import_kobo
from dinamika.interop.printable import printable_html, write_printable
from dinamika.interop.xlsform_export import write_xlsform, xlsform

__all__ = [
    "CODEBOOK_COLUMNS",
    "ExportResult",
    "ImportFailed",
    "ImportResult",
    "codebook",
    "export_survey",
    "import_google_forms",
    "import_kobo",
    "printable_html",
    "write_codebook",
    "write_printable",
    "write_xlsform",
    "xlsform",
]
