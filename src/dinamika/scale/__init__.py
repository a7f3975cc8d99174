"""Terms beyond one machine: sufficient statistics added up over partitions (Dask or files).

- :func:`sufficient_statistics`: pair tables and complete-case sums of item responses from a
  DataFrame, Parquet files/folders or a Dask DataFrame (see :mod:`dinamika.scale.statistics`);
- the estimators take them as they take data: :func:`dinamika.polychoric` (pair tables),
  :func:`dinamika.cfa` (ML, listwise: complete-case covariance) and
  :func:`reliability_from_statistics` (alpha, omega from pairwise covariances);
  ``docs/scale.md`` shows the whole path.
"""

from dinamika.scale.estimators import ReliabilityFromStatistics, reliability_from_statistics
from dinamika.scale.statistics import SufficientStatistics, sufficient_statistics

__all__ = [
    "ReliabilityFromStatistics",
    "SufficientStatistics",
    "reliability_from_statistics",
    "sufficient_statistics",
]
