"""Polychoric correlations (``api``): thresholds, the bivariate normal (``bvn``), the fit (``fit``)."""

from __future__ import annotations

from dinamika.psychometrics.polychoric.api import PolychoricResult, polychoric

__all__ = ["PolychoricResult", "polychoric"]
