"""Stage 5 — reports: the term and trend reports from the notebooks.

- ``pipeline``: ``make_report`` / ``report`` (validate, run the notebook, check, write).
- ``kernel``: the Jupyter kernel that runs the notebook; ``html``: nbconvert to one offline file;
  ``browser``: PDF and screenshots through Chromium.
- ``params``: :class:`ReportParams`, the one owner of the report defaults (CLI, make_report and
  the notebooks' parameters cells).
- ``sections``: one function per report section (``sections.term``, ``sections.trend``), called
  by the notebook cells; ``sections.render`` and ``view``: how results are shown; ``plots``:
  the figures.
- ``templates/``: the HTML template and CSS. Words come from ``dinamika.i18n``.
"""

from __future__ import annotations

from dinamika.report.pipeline import (
    DEFAULT_SEED,
    ReportParams,
    ReportResult,
    View,
    default_output,
    label_maps,
    make_report,
    render_notebook,
    report,
)

__all__ = [
    "DEFAULT_SEED",
    "ReportParams",
    "ReportResult",
    "View",
    "default_output",
    "label_maps",
    "make_report",
    "render_notebook",
    "report",
]
