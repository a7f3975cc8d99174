"""The report's sections: one library function per notebook cell.

- ``term``: the term report (``notebooks/laporan-semester``), ``trend``: the trend report
  (``notebooks/tren``). Each function computes its section with the analysis functions and
  shows it; the notebooks hold no statistics and no defaults.
- ``render``: :class:`ReportView`, how each analysis result is shown (tables, figures, reading).
"""

from __future__ import annotations

from dinamika.report.sections import feedback, render, term, trend
from dinamika.report.sections.render import ReportView, label_maps, setup_figures

__all__ = ["ReportView", "feedback", "label_maps", "render", "setup_figures", "term", "trend"]
