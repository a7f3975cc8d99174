"""Reliability: alpha, omega, lambda-6, item analysis, Feldt and bootstrap CIs (``api``)."""

from __future__ import annotations

from dinamika.psychometrics.reliability.api import Reliability, reliability, reliability_table

__all__ = ["Reliability", "reliability", "reliability_table"]
