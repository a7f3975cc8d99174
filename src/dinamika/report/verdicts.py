"""The report's verdict rules, applied to the numbers exactly as the sentence quotes them.

A verdict sentence quotes rounded numbers ("CFI 0,95"); a rule applied to the unrounded value
could call a quoted 0,95 "below 0,95". So every rule here rounds first, to the digits the
report prints, and names the indices that decide the verdict. Each rule is tested at its
thresholds (``tests/test_verdicts.py``).

Fit cut-offs: Hu & Bentler (1999) — CFI and TLI ≥ .95, RMSEA ≤ .06, SRMR ≤ .08 for a good fit;
the usual acceptable limits are .90, .08 and .10.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["DIGITS", "FIT_CUTOFFS", "FitVerdict", "below", "fit_verdict"]

# digits the report prints for each quoted index
DIGITS = {"cfi": 2, "tli": 2, "rmsea": 3, "srmr": 3, "alpha": 2, "omega": 2}

# index -> (good, acceptable, higher_is_better)
FIT_CUTOFFS: dict[str, tuple[float, float, bool]] = {
    "cfi": (0.95, 0.90, True),
    "tli": (0.95, 0.90, True),
    "rmsea": (0.06, 0.08, False),
    "srmr": (0.08, 0.10, False),
}


@dataclass(frozen=True)
class FitVerdict:
    """``kind``: good, fair, poor, mixed (some indices good, some poor) or unknown (NaN).

    ``failing``: the indices (as rounded) beyond the acceptable limit; ``passing``: those
    within the good cut-off.
    """

    kind: str
    failing: tuple[str, ...]
    passing: tuple[str, ...]


def _level(name: str, value: float) -> str:
    good, fair, higher = FIT_CUTOFFS[name]
    v = round(value, DIGITS[name])
    if higher:
        return "good" if v >= good else "fair" if v >= fair else "poor"
    return "good" if v <= good else "fair" if v <= fair else "poor"


def fit_verdict(cfi: float, tli: float, rmsea: float, srmr: float) -> FitVerdict:
    """Verdict of four fit indices, each judged as rounded to the report's digits.

    good: every index within its good cut-off; fair: none beyond its acceptable limit; poor:
    every available index beyond … or at least one poor and none good; mixed: at least one
    good and one poor (the sentence then names both); unknown: an index is NaN.

    Examples
    --------
    >>> fit_verdict(0.996, 0.995, 0.0, 0.112)   # the 40-teacher case: indices disagree
    FitVerdict(kind='mixed', failing=('srmr',), passing=('cfi', 'tli', 'rmsea'))
    >>> fit_verdict(0.9496, 0.951, 0.05, 0.05).kind  # CFI is quoted as 0,95: good
    'good'
    """
    values = {"cfi": cfi, "tli": tli, "rmsea": rmsea, "srmr": srmr}
    if any(not math.isfinite(v) for v in values.values()):
        return FitVerdict("unknown", (), ())
    levels = {k: _level(k, v) for k, v in values.items()}
    failing = tuple(k for k, lv in levels.items() if lv == "poor")
    passing = tuple(k for k, lv in levels.items() if lv == "good")
    if len(passing) == len(levels):
        kind = "good"
    elif not failing:
        kind = "fair"
    elif passing:
        kind = "mixed"
    else:
        kind = "poor"
    return FitVerdict(kind, failing, passing)


def below(value: float, threshold: float, digits: int) -> bool:
    """Is ``value``, rounded to ``digits`` as the report prints it, below ``threshold``?

    The value is rounded exactly as the report formats it (``f"{value:.{digits}f}"``, the
    text :func:`dinamika.i18n.fmt_num` prints), so the verdict and the quoted text agree
    on every boundary, including values such as 0.695 that are stored just below a half.

    >>> below(0.697, 0.70, 2), below(0.694, 0.70, 2), below(0.695, 0.70, 2)
    (False, True, True)
    """
    return bool(math.isfinite(value) and float(f"{value:.{digits}f}") < threshold)
