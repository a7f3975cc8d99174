"""Synthetic terms with known truth: questionnaire, lesson observations and coded interviews.

The model (all parameters are recorded in ``SimulatedTerm.truth`` and in ``truth.json``):

1. **Population** (``panel_seed``): schools in districts and KKG/MGMP groups; teachers in schools.
   Each school has a random effect on the four factors (covariance ``diag(sqrt(icc)) R
   diag(sqrt(icc))``) and on teaching quality; each teacher has a stable part of the factors.
   Two terms simulated with the same ``panel_seed`` share schools, teachers and school effects.
2. **Term** (``seed``): a few teachers are away or newly arrived, most respond. Factors
   ``eta = shift + u_school + sqrt(s) w_teacher + sqrt(1-s) w_term`` (total variance 1).
3. **Items**: ordinal probit, ``y* = lambda eta_k + sqrt(1 - lambda^2) e`` cut by thresholds into
   1..5; reverse-keyed items (the last of each scale) have negative loadings and mirrored
   thresholds, so ``6 - x`` behaves like the other items. ~3% answers missing completely at random,
   plus a few teachers who stopped early (so the minimum-items rule matters).
4. **Teaching quality** ``q = sum_k b_k eta_k + v_school + r`` (variance 1). One lesson for ~75% of
   respondents; indicator ``z = a_j q + c f_aspect + sqrt(1 - a_j^2 - c^2) e`` per lesson; each
   observer adds a severity and noise, thresholds cut 1..4; ~30% of lessons have two observers.
5. **Interviews**: for ~25% of respondents each codebook theme is raised with a set probability;
   its stance (positif / campuran / negatif) follows a multinomial logit in the teacher's true
   score on the theme's construct, so interviews triangulate with the questionnaire.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dinamika.core.results import ResultMixin
from dinamika.data.instruments import load_instrument
from dinamika.errors import UsageError
from dinamika.i18n.messages import Message
from dinamika.simulation import design, params
from dinamika.simulation.truth import truth_record
from dinamika.simulation.writing import write_term

__all__ = ["EXAMPLES", "SimulatedTerm", "simulate", "simulate_example", "write_examples"]

FACTORS = params.FACTORS

#: The two bundled example terms: name -> keyword arguments of :func:`simulate`.
EXAMPLES: dict[str, dict[str, Any]] = {
    "contoh-2025-1": {
        "seed": 20251,
        "panel_seed": 2025,
        "teachers_per_school": (7, 15),
        "shift": 0.0,
        "labels": "codes",
    },
    "contoh-2025-2": {
        "seed": 20252,
        "panel_seed": 2025,
        "teachers_per_school": (7, 15),
        "shift": (0.10, 0.10, 0.15, 0.20),
        "labels": "id",
    },
}


@dataclass(frozen=True)
class SimulatedTerm(ResultMixin):
    """One simulated term in the raw file layout ``load_survey`` reads.

    Attributes
    ----------
    term : str
    responses : DataFrame
        ``id_guru, nama, nip, sekolah, kkg, kabupaten, jenjang, KEP1 … DS6`` (items as nullable
        integer codes; :meth:`write` turns them into labels when ``labels`` asks for it).
    observations : DataFrame
        ``id_pelajaran, id_guru, id_pengamat, PP1 … EP3`` (one row per lesson × observer).
    interviews : DataFrame
        ``id_guru, kode_tema, sikap``.
    truth : dict
        Every true parameter (see ``truth.json``).
    latent : DataFrame
        Per respondent: ``id_guru``, the four true factor scores and true teaching quality.
    population : int
        Teachers on the roster this term (respondents are a subset).
    labels : {"codes", "id", "en"}
        How :meth:`write` writes questionnaire answers.
    """

    term: str
    responses: pd.DataFrame = field(repr=False)
    observations: pd.DataFrame = field(repr=False)
    interviews: pd.DataFrame = field(repr=False)
    truth: dict[str, Any] = field(repr=False)
    latent: pd.DataFrame = field(repr=False)
    population: int = 0
    labels: str = "codes"

    def write(self, folder: str | Path, *, overwrite: bool = False) -> Path:
        """Write ``survey.yaml``, the three CSV files and ``truth.json`` into ``folder``.

        The folder is assembled beside its destination and moved into place, so a reader never
        sees half a term. A non-empty ``folder`` is refused unless ``overwrite=True``.
        """
        return write_term(self, Path(folder), overwrite=overwrite)

    def to_frame(self) -> pd.DataFrame:
        """One row per file of the term: ``part``, ``rows``, ``teachers``."""
        parts = (("responses", self.responses), ("observations", self.observations),
                 ("interviews", self.interviews))  # fmt: skip
        return pd.DataFrame(
            [{"part": p, "rows": len(f), "teachers": f["id_guru"].nunique()} for p, f in parts]
        )

    def summary(self, lang: str = "id") -> str:
        """Counts of teachers, schools, lessons, ratings and interviews."""
        r, o = self.responses, self.observations
        regular = o[o["id_pengamat"] != params.MASTER]
        double = int((regular.groupby("id_pelajaran").size() > 1).sum())
        return Message(
            "simulate.summary",
            term=self.term,
            n=len(r),
            population=self.population,
            schools=r["sekolah"].nunique(),
            lessons=o["id_pelajaran"].nunique(),
            double=double,
            ratings=len(o),
            interviews=self.interviews["id_guru"].nunique(),
        ).text(lang)


def _vector(value: float | Sequence[float] | Mapping[str, float], name: str) -> np.ndarray:
    if isinstance(value, Mapping):
        unknown = set(value) - set(FACTORS)
        if unknown:
            raise UsageError(
                f"`{name}` names unknown factors {sorted(unknown)}; use {list(FACTORS)}"
            )
        return np.array([float(value.get(f, 0.0)) for f in FACTORS])
    try:
        arr = np.broadcast_to(np.asarray(value, dtype=float), (len(FACTORS),)).copy()
    except (TypeError, ValueError):
        raise UsageError(
            f"`{name}` must be one number, {len(FACTORS)} numbers (one per factor: "
            f"{list(FACTORS)}) or a mapping factor -> number, but {value!r} was passed."
        ) from None
    return arr


def _check(cond: bool, message: str) -> None:
    if not cond:
        raise UsageError(message)


def simulate(
    *,
    n_schools: int = 30,
    teachers_per_school: tuple[int, int] = (6, 14),
    n_kkg: int = 8,
    n_districts: int = 2,
    term: str = "contoh",
    seed: int = 0,
    panel_seed: int | None = None,
    factor_corr: np.ndarray | Sequence[Sequence[float]] | None = None,
    loadings: Mapping[str, float] | None = None,
    quality_coefs: Mapping[str, float] | None = None,
    missing_rate: float = 0.03,
    observed_share: float = 0.75,
    double_observed: float = 0.30,
    master_share: float = 0.0,
    interview_share: float = 0.25,
    shift: float | Sequence[float] | Mapping[str, float] = 0.0,
    labels: str = "codes",
) -> SimulatedTerm:
    """Simulate one term of teacher-community data with known true parameters.

    Parameters
    ----------
    n_schools, teachers_per_school, n_kkg, n_districts : int
        Size of the population: schools, teachers per school (inclusive range), KKG/MGMP groups,
        districts.
    term : str
        Term name (folder name and ``term:`` in ``survey.yaml``).
    seed : int
        Seeds everything that differs between terms (who responds, answers, lessons, interviews).
    panel_seed : int, optional
        Seeds the population (schools, teachers, school effects, observers); terms simulated with
        the same ``panel_seed`` share them. Default: ``seed``.
    factor_corr : (4, 4) array, optional
        Correlations of the factors (kepemimpinan, saling_percaya, komitmen_kolektif,
        dukungan_sekolah) within and between schools; must be positive definite.
    loadings : mapping, optional
        Item id -> probit loading, overriding the defaults (reverse-keyed items need a negative
        loading to behave as reverse-keyed).
    quality_coefs : mapping, optional
        Factor -> standardized effect on teaching quality (defaults .20, .15, .25, .15).
    missing_rate : float
        Share of questionnaire answers missing completely at random.
    observed_share, double_observed : float
        Share of respondents with an observed lesson; share of lessons rated by two observers.
    master_share : float
        Share of lessons also rated by the master rater ``MASTER`` (no severity bias, less
        noise), for observer certification; ``survey.yaml`` then names it (``master: MASTER``)
        so it never counts as one of a lesson's two observers. Default 0: no master ratings.
    interview_share : float
        Share of respondents interviewed.
    shift : float, sequence or mapping
        True factor means this term (in factor SD units), e.g. to simulate change over terms.
    labels : {"codes", "id", "en"}
        How answers are written to ``kuesioner.csv``.

    Returns
    -------
    SimulatedTerm

    Examples
    --------
    >>> t = simulate(n_schools=4, teachers_per_school=(8, 10), n_kkg=2, seed=1)
    >>> list(t.responses.columns[:7])
    ['id_guru', 'nama', 'nip', 'sekolah', 'kkg', 'kabupaten', 'jenjang']
    >>> t.truth["factors"]["names"][0], t.truth["items"]["KEP6"]["loading"] < 0
    ('kepemimpinan', True)
    """
    for name, count in (("n_schools", n_schools), ("n_kkg", n_kkg), ("n_districts", n_districts)):
        _check(
            isinstance(count, int | np.integer) and not isinstance(count, bool),
            f"`{name}` must be a whole number, but {count!r} was passed.",
        )
    _check(
        not isinstance(teachers_per_school, str | bytes)
        and np.shape(teachers_per_school) == (2,)
        and all(
            isinstance(v, int | np.integer) and not isinstance(v, bool) for v in teachers_per_school
        ),
        "`teachers_per_school` must be a (low, high) pair of whole numbers, but "
        f"{teachers_per_school!r} was passed.",
    )
    lo, hi = (int(v) for v in teachers_per_school)
    _check(n_schools >= 2, f"`n_schools` must be at least 2, but {n_schools} was passed.")
    _check(
        2 <= lo <= hi,
        f"`teachers_per_school` must be (low, high) with 2 <= low <= high, but {teachers_per_school} was passed.",
    )
    _check(
        1 <= n_districts <= n_schools,
        f"`n_districts` must be between 1 and n_schools, but {n_districts} was passed.",
    )
    _check(n_kkg >= 1, f"`n_kkg` must be at least 1, but {n_kkg} was passed.")
    for name, v in (
        ("missing_rate", missing_rate),
        ("observed_share", observed_share),
        ("double_observed", double_observed),
        ("master_share", master_share),
        ("interview_share", interview_share),
    ):
        _check(
            0.0 <= v <= 1.0 and (name != "missing_rate" or v < 0.5),
            f"`{name}` must be a share between 0 and "
            + ("0.5 (exclusive)" if name == "missing_rate" else "1")
            + f", but {v} was passed.",
        )
    _check(
        labels in ("codes", "id", "en"),
        f"The value for `labels` must be one of ['codes', 'id', 'en'], but {labels!r} was passed.",
    )

    questionnaire = load_instrument(params.INSTRUMENTS["responses"])
    rubric = load_instrument(params.INSTRUMENTS["observations"])
    guide = load_instrument(params.INSTRUMENTS["interviews"])
    corr = params.factor_corr(factor_corr)
    items = params.item_parameters(questionnaire, loadings)
    coefs = _vector(
        quality_coefs if quality_coefs is not None else params.QUALITY_COEFS, "quality_coefs"
    )
    mean = _vector(shift, "shift")
    quality_resid_var = (
        1.0 - float(coefs @ params.total_cov(corr) @ coefs) - params.QUALITY_SCHOOL_VAR
    )
    _check(
        quality_resid_var > 0.05,
        "`quality_coefs` explain too much of teaching quality; use smaller coefficients.",
    )

    panel = design.panel(
        np.random.default_rng(seed if panel_seed is None else panel_seed),
        n_schools=n_schools,
        sizes=(lo, hi),
        n_kkg=n_kkg,
        n_districts=n_districts,
        corr=corr,
        quality_resid_var=quality_resid_var,
    )
    rng = np.random.default_rng(seed)
    roster, n_present = design.term_roster(rng, panel)
    eta, quality = design.latent(rng, panel, roster, corr, mean, coefs, quality_resid_var)

    responses = design.questionnaire(
        rng, roster, eta, items, questionnaire, missing_rate, panel["schools"]
    )
    obs = design.observations(
        rng, panel, roster, quality, rubric, observed_share, double_observed, master_share
    )
    interviews = design.interviews(rng, roster, eta, corr, guide, interview_share)
    latent = pd.DataFrame({"id_guru": roster["id_guru"].to_numpy()})
    for k, f in enumerate(FACTORS):
        latent[f] = eta[:, k]
    latent["kualitas"] = quality

    truth = truth_record(
        term=term,
        seed=seed,
        panel_seed=seed if panel_seed is None else panel_seed,
        panel=panel,
        corr=corr,
        mean=mean,
        items=items,
        coefs=coefs,
        quality_resid_var=quality_resid_var,
        questionnaire=questionnaire,
        rubric=rubric,
        guide=guide,
        missing_rate=missing_rate,
        rates=(observed_share, double_observed, interview_share, master_share),
    )
    return SimulatedTerm(
        term=term,
        responses=responses,
        observations=obs,
        interviews=interviews,
        truth=truth,
        latent=latent,
        population=n_present,
        labels=labels,
    )


def simulate_example(term: str) -> SimulatedTerm:
    """One of the bundled example terms (``contoh-2025-1``, ``contoh-2025-2``), regenerated.

    Examples
    --------
    >>> simulate_example("contoh-2025-2").truth["seed"]
    20252
    """
    if term not in EXAMPLES:
        raise UsageError(
            f"The value for `term` must be one of {list(EXAMPLES)}, but {term!r} was passed."
        )
    return simulate(term=term, **EXAMPLES[term])


def write_examples(folder: str | Path, *, overwrite: bool = False) -> list[Path]:
    """Regenerate both bundled example terms into ``folder/<term>`` (byte-identical files)."""
    return [simulate_example(t).write(Path(folder) / t, overwrite=overwrite) for t in EXAMPLES]
