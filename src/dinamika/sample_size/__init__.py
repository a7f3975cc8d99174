"""Minimum sample sizes of every analysis, in one documented table (``minimums``)."""

from __future__ import annotations

from dinamika.sample_size.minimums import (
    MINIMUMS,
    Minimum,
    below_minimum,
    minimum_sample_sizes,
    required_n,
)

__all__ = ["MINIMUMS", "Minimum", "below_minimum", "minimum_sample_sizes", "required_n"]
