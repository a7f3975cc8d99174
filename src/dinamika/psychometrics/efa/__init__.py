"""Exploratory factor analysis (``api``): input, extraction (``fit``), rotation, fit statistics,
factorability (KMO, Bartlett) and retention (parallel analysis, MAP)."""

from __future__ import annotations

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

__all__ = [
    "BartlettResult",
    "EFAFit",
    "EFAResult",
    "KMOResult",
    "ParallelResult",
    "bartlett",
    "efa",
    "kmo",
    "parallel_analysis",
    "velicer_map",
]
