"""True parameters of :func:`dinamika.simulation.term` and the functions that expand them.

Every number here ends up in ``truth.json``; change one and the bundled example terms change
(regenerate them with ``dinamika simulate --examples --out surveys/ --force``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from dinamika.data.instruments import Instrument
from dinamika.errors import UsageError

FACTORS = ("kepemimpinan", "saling_percaya", "komitmen_kolektif", "dukungan_sekolah")
INSTRUMENTS = {
    "responses": "komunitas-guru@1.0.0",
    "observations": "observasi-pembelajaran@1.0.0",
    "interviews": "panduan-wawancara@1.0.0",
}
DISTRICTS = (
    "Kabupaten Serang",
    "Kota Serang",
    "Kota Cilegon",
    "Kabupaten Pandeglang",
    "Kabupaten Lebak",
    "Kabupaten Tangerang",
    "Kota Tangerang",
    "Kota Tangerang Selatan",
)

#: Factor correlations (within and between schools), order as FACTORS.
FACTOR_CORR = np.array(
    [
        [1.00, 0.45, 0.50, 0.40],
        [0.45, 1.00, 0.55, 0.35],
        [0.50, 0.55, 1.00, 0.40],
        [0.40, 0.35, 0.40, 1.00],
    ]
)
#: Share of each factor's variance between schools (school support is most a school matter).
SCHOOL_ICC = {
    "kepemimpinan": 0.12,
    "saling_percaya": 0.10,
    "komitmen_kolektif": 0.10,
    "dukungan_sekolah": 0.15,
}
#: Share of the within-school teacher part that persists from term to term.
STABILITY = 0.70
#: Probit loadings; the last item of each scale is reverse-keyed (negative loading).
LOADINGS = {
    "KEP": (0.78, 0.74, 0.72, 0.68, 0.70, -0.50),
    "SP": (0.72, 0.70, 0.66, 0.74, 0.62, -0.48),
    "KK": (0.70, 0.66, 0.72, 0.74, 0.64, -0.52),
    "DS": (0.76, 0.72, 0.68, 0.74, 0.70, -0.55),
}
#: Thresholds of a positively keyed 5-point item before its item shift (skewed towards agree).
LIKERT_THRESHOLDS = (-2.0, -1.2, -0.4, 0.9)
#: Per-item shift of all thresholds (positive = harder to agree), in item order within a scale.
ITEM_SHIFTS = (0.0, 0.15, -0.10, 0.20, -0.15, 0.05)
#: Per-scale shift of all thresholds: trust is easiest to endorse, school support hardest.
SCALE_SHIFTS = {
    "kepemimpinan": 0.0,
    "saling_percaya": -0.15,
    "komitmen_kolektif": -0.05,
    "dukungan_sekolah": 0.30,
}
QUALITY_COEFS = {
    "kepemimpinan": 0.20,
    "saling_percaya": 0.15,
    "komitmen_kolektif": 0.25,
    "dukungan_sekolah": 0.15,
}
QUALITY_SCHOOL_VAR = 0.10
#: Loadings of the 21 rubric indicators on teaching quality (PP1 … EP3).
INDICATOR_LOADINGS = (
    0.72,
    0.70,
    0.68,  # persiapan
    0.66,
    0.74,
    0.70,
    0.62,  # pengelolaan_kelas
    0.76,
    0.72,
    0.74,
    0.70,  # interaksi
    0.72,
    0.68,
    0.74,  # metode
    0.70,
    0.76,
    0.72,
    0.68,  # penguasaan_materi
    0.66,
    0.64,
    0.70,  # evaluasi
)
ASPECT_LOADING = 0.35
RUBRIC_THRESHOLDS = (-1.6, -0.45, 0.95)
INDICATOR_SHIFTS = (
    0.0,
    0.10,
    -0.10,
    -0.15,
    0.05,
    0.10,
    0.20,
    0.0,
    0.15,
    -0.05,
    0.20,
    0.0,
    0.25,
    0.10,
    -0.20,
    -0.05,
    0.05,
    0.0,
    -0.10,
    0.30,
    0.10,
)
N_OBSERVERS = 12
OBSERVER_SEVERITY_SD = 0.15
OBSERVER_NOISE_SD = 0.45
#: The master rater (optional, ``master_share``): no severity bias and less noise.
MASTER, MASTER_NOISE_SD = "MASTER", 0.25
OBS_MISSING_RATE = 0.01
#: Each term a roster teacher is present with P_ACTIVE, a reserve (newcomer) with
#: P_RESERVE_ACTIVE; a present teacher responds with P_RESPOND unless among the P_RELUCTANT who
#: never respond (drawn once per population, so the same teachers are missing every term).
P_ACTIVE, P_RESERVE_ACTIVE, P_RESPOND, P_RELUCTANT = 0.97, 0.35, 0.98, 0.06
RESERVES_PER_SCHOOL = 1
STOPPED_EARLY_SHARE, STOPPED_EARLY_AFTER = 0.01, 8
STANCE_SLOPE = 1.2
#: theme -> (weights over FACTORS, P(raised), a_pos, a_neg); construct defaults below.
THEMES: dict[str, tuple[tuple[float, float, float, float], float, float, float]] = {
    "T_MANFAAT_JARINGAN": ((0.0, 0.5, 0.5, 0.0), 0.60, 1.0, -0.2),
    "T_MANFAAT_PRAKTIK": ((0.25, 0.25, 0.5, 0.0), 0.60, 1.0, 0.0),
    "T_TANTANGAN_WAKTU": ((0.0, 0.0, 0.4, 0.6), 0.70, -0.2, 0.8),
    "T_TANTANGAN_GAYA": ((0.3, 0.7, 0.0, 0.0), 0.55, 0.0, 0.6),
    "T_STRATEGI_KELOMPOK_KECIL": ((1.0, 0.0, 0.0, 0.0), 0.40, 0.6, 0.2),
    "T_STRATEGI_PENGHARGAAN": ((0.0, 0.0, 0.0, 1.0), 0.40, 0.4, 0.4),
    "T_STRATEGI_TEKNOLOGI": ((0.5, 0.0, 0.5, 0.0), 0.45, 0.7, 0.1),
}
_CONSTRUCT_DEFAULT = (0.55, 0.8, 0.3)
STANCES = ("positif", "campuran", "negatif")


def factor_corr(value: Any) -> np.ndarray:
    """Validated factor correlation matrix (default :data:`FACTOR_CORR`)."""
    corr = FACTOR_CORR.copy() if value is None else np.asarray(value, dtype=float)
    if corr.shape != (4, 4) or not np.allclose(corr, corr.T) or not np.allclose(np.diag(corr), 1):
        raise UsageError(
            "`factor_corr` must be a symmetric 4 x 4 correlation matrix with 1 on the diagonal."
        )
    if np.linalg.eigvalsh(corr).min() <= 1e-8:
        raise UsageError("`factor_corr` is not positive definite; lower the correlations.")
    return corr


def cov_part(corr: np.ndarray, share: np.ndarray) -> np.ndarray:
    s = np.sqrt(share)
    return np.asarray(corr * np.outer(s, s))


def icc_vector() -> np.ndarray:
    return np.array([SCHOOL_ICC[f] for f in FACTORS])


def total_cov(corr: np.ndarray) -> np.ndarray:
    """Total factor covariance: between-school plus within-school parts (unit diagonal)."""
    icc = icc_vector()
    return cov_part(corr, icc) + cov_part(corr, 1 - icc)


def item_parameters(
    inst: Instrument, overrides: Mapping[str, float] | None
) -> dict[str, dict[str, Any]]:
    """Per questionnaire item: factor, loading, thresholds, reverse."""
    out: dict[str, dict[str, Any]] = {}
    unknown = set(overrides or {}) - set(inst.item_ids)
    if unknown:
        raise UsageError(
            f"`loadings` names unknown items {sorted(unknown)}; items are {inst.item_ids[:3]} …"
        )
    for scale, members in inst.scales.items():
        prefix = members[0].rstrip("0123456789")
        for j, item_id in enumerate(members):
            lam = float((overrides or {}).get(item_id, LOADINGS[prefix][j]))
            if not -0.95 <= lam <= 0.95:
                raise UsageError(
                    f"loading of {item_id} must lie in [-0.95, 0.95], but {lam} was passed."
                )
            rev = inst.item(item_id).reverse
            base = np.array(LIKERT_THRESHOLDS) + ITEM_SHIFTS[j] + SCALE_SHIFTS.get(scale, 0.0)
            # reverse-keyed: mirrored thresholds so that 6 - x is distributed like a normal item
            tau = -base[::-1] if rev else base
            out[item_id] = {
                "factor": scale,
                "loading": lam,
                "reverse": rev,
                "thresholds": tau.tolist(),
            }
    return out


def indicator_thresholds(j: int) -> list[float]:
    """Thresholds (1|2, 2|3, 3|4) of rubric indicator ``j``."""
    return (np.array(RUBRIC_THRESHOLDS) + INDICATOR_SHIFTS[j]).tolist()


def theme_parameters(theme: str, guide: Instrument) -> dict[str, Any]:
    """Driver weights, P(raised) and stance intercepts of one interview theme."""
    if theme in THEMES:
        w, p, a_pos, a_neg = THEMES[theme]
    else:
        construct = guide.codebook[theme]["construct"]
        w = tuple(
            1.0 if f == construct else (0.25 if construct not in FACTORS else 0.0) for f in FACTORS
        )  # type: ignore[assignment]
        p, a_pos, a_neg = _CONSTRUCT_DEFAULT
    return {
        "weights": dict(zip(FACTORS, w, strict=True)),
        "p_raised": p,
        "a_pos": a_pos,
        "a_neg": a_neg,
    }
