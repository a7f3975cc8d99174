"""The random draws of :func:`dinamika.simulation.term` (parameters live in ``_simulate_params``).

Every function takes the term's ``numpy.random.Generator``; nothing touches global random state
and nothing loops over teachers (loops run over items, themes or a handful of groups).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dinamika.data.instruments import Instrument
from dinamika.simulation.params import (
    ASPECT_LOADING,
    DISTRICTS,
    FACTORS,
    INDICATOR_LOADINGS,
    MASTER,
    MASTER_NOISE_SD,
    N_OBSERVERS,
    OBS_MISSING_RATE,
    OBSERVER_NOISE_SD,
    OBSERVER_SEVERITY_SD,
    P_ACTIVE,
    P_RELUCTANT,
    P_RESERVE_ACTIVE,
    P_RESPOND,
    QUALITY_SCHOOL_VAR,
    RESERVES_PER_SCHOOL,
    STABILITY,
    STANCE_SLOPE,
    STANCES,
    STOPPED_EARLY_AFTER,
    STOPPED_EARLY_SHARE,
    cov_part,
    icc_vector,
    indicator_thresholds,
    theme_parameters,
    total_cov,
)

# ---------------------------------------------------------------------------------------------
# population


def _groups(
    rng: np.random.Generator, district: np.ndarray, level: np.ndarray, n_kkg: int
) -> np.ndarray:
    """KKG (SD) / MGMP (SMP) group of each school, nested in district x level."""
    cells = sorted(set(zip(district.tolist(), level.tolist(), strict=True)))
    counts = np.array([np.sum((district == d) & (level == lv)) for d, lv in cells])
    n_groups = np.ones(len(cells), dtype=int)
    extra = max(n_kkg - len(cells), 0)
    if extra:
        quota = counts / counts.sum() * extra
        n_groups += np.floor(quota).astype(int)
        left = extra - int(np.floor(quota).sum())
        n_groups[np.argsort(-(quota - np.floor(quota)), kind="stable")[:left]] += 1
    n_groups = np.minimum(n_groups, counts)
    names = np.empty(len(district), dtype=object)
    number = {"SD": 0, "SMP": 0}  # KKG (SD) and MGMP (SMP) groups are numbered separately
    for (d, lv), g in zip(cells, n_groups, strict=True):
        idx = np.flatnonzero((district == d) & (level == lv))
        slot = rng.permutation(len(idx)) % g
        label = "KKG Gugus" if lv == "SD" else "MGMP SMP Rayon"
        names[idx] = [f"{label} {number[lv] + 1 + s}" for s in slot]
        number[lv] += int(g)
    return names


def panel(
    rng: np.random.Generator,
    *,
    n_schools: int,
    sizes: tuple[int, int],
    n_kkg: int,
    n_districts: int,
    corr: np.ndarray,
    quality_resid_var: float,
) -> dict[str, Any]:
    """Schools, the teacher roster (with reserves who may join in a term), stable effects."""
    district = np.array(
        DISTRICTS[:n_districts]
        if n_districts <= len(DISTRICTS)
        else [f"Kabupaten Contoh {i + 1}" for i in range(n_districts)],
        dtype=object,
    )
    district = district[rng.permutation(np.arange(n_schools) % n_districts)]
    level = np.where(rng.random(n_schools) < 0.7, "SD", "SMP").astype(object)
    number = np.empty(n_schools, dtype=int)
    for lv in ("SD", "SMP"):
        number[level == lv] = np.arange(1, int((level == lv).sum()) + 1)
    schools = pd.DataFrame(
        {
            "sekolah": [
                f"{'SDN' if lv == 'SD' else 'SMPN'} Contoh {n:02d}"
                for lv, n in zip(level, number, strict=True)
            ],
            "kkg": _groups(rng, district, level, n_kkg),
            "kabupaten": district,
            "jenjang": level,
        }
    )
    size = rng.integers(sizes[0], sizes[1] + 1, n_schools)
    slots = size + RESERVES_PER_SCHOOL
    school_of = np.repeat(np.arange(n_schools), slots)
    first = np.repeat(np.cumsum(slots) - slots, slots)
    reserve = (np.arange(len(school_of)) - first) >= np.repeat(size, slots)
    n = len(school_of)
    icc = icc_vector()
    teachers = pd.DataFrame(
        {"school": school_of, "reserve": reserve, "reluctant": rng.random(n) < P_RELUCTANT}
    )
    teachers.insert(0, "id_guru", [f"G{k:04d}" for k in range(1, n + 1)])
    return {
        "schools": schools,
        "teachers": teachers,
        "u_school": rng.standard_normal((n_schools, 4)) @ np.linalg.cholesky(cov_part(corr, icc)).T,
        "v_school": rng.standard_normal(n_schools) * np.sqrt(QUALITY_SCHOOL_VAR),
        "w_teacher": rng.standard_normal((n, 4)) @ np.linalg.cholesky(cov_part(corr, 1 - icc)).T,
        "r_teacher": rng.standard_normal(n) * np.sqrt(quality_resid_var),
        "observers": [f"P{k:02d}" for k in range(1, N_OBSERVERS + 1)],
        "severity": rng.standard_normal(N_OBSERVERS) * OBSERVER_SEVERITY_SD,
    }


def term_roster(rng: np.random.Generator, panel: dict[str, Any]) -> tuple[pd.DataFrame, int]:
    """Respondents this term (``row`` in the roster, ``id_guru``, ``school``) and teachers present."""
    t = panel["teachers"]
    p = np.where(t["reserve"], P_RESERVE_ACTIVE, P_ACTIVE)
    active = rng.random(len(t)) < p
    respond = active & ~t["reluctant"].to_numpy() & (rng.random(len(t)) < P_RESPOND)
    out = t.loc[respond, ["id_guru", "school"]].reset_index(drop=False)
    return out.rename(columns={"index": "row"}), int(active.sum())


def latent(
    rng: np.random.Generator,
    panel: dict[str, Any],
    roster: pd.DataFrame,
    corr: np.ndarray,
    mean: np.ndarray,
    coefs: np.ndarray,
    quality_resid_var: float,
) -> tuple[np.ndarray, np.ndarray]:
    """True factor scores (n x 4) and teaching quality (n) of the respondents this term."""
    row, school = roster["row"].to_numpy(), roster["school"].to_numpy()
    n = len(row)
    w_term = rng.standard_normal((n, 4)) @ np.linalg.cholesky(cov_part(corr, 1 - icc_vector())).T
    w = np.sqrt(STABILITY) * panel["w_teacher"][row] + np.sqrt(1 - STABILITY) * w_term
    eta = mean + panel["u_school"][school] + w
    r = np.sqrt(STABILITY) * panel["r_teacher"][row] + np.sqrt(
        (1 - STABILITY) * quality_resid_var
    ) * rng.standard_normal(n)
    quality = eta @ coefs + panel["v_school"][school] + r
    return eta, quality


def _cut(y: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """Codes 1..K: 1 + number of thresholds below each latent value (tau: items x K-1)."""
    return 1 + (y[:, :, None] > tau[None, :, :]).sum(axis=2)


def questionnaire(
    rng: np.random.Generator,
    roster: pd.DataFrame,
    eta: np.ndarray,
    items: dict[str, dict[str, Any]],
    inst: Instrument,
    missing_rate: float,
    schools: pd.DataFrame,
) -> pd.DataFrame:
    """Raw questionnaire: ids, synthetic identifiers, groups and nullable integer item codes."""
    ids = list(inst.item_ids)
    n = len(roster)
    lam = np.array([items[i]["loading"] for i in ids])
    fac = np.array([FACTORS.index(items[i]["factor"]) for i in ids])
    tau = np.array([items[i]["thresholds"] for i in ids])
    y = eta[:, fac] * lam + rng.standard_normal((n, len(ids))) * np.sqrt(1 - lam**2)
    codes = _cut(y, tau).astype(float)
    codes[rng.random(codes.shape) < missing_rate] = np.nan
    stopped = rng.random(n) < STOPPED_EARLY_SHARE
    codes[np.ix_(stopped, np.arange(STOPPED_EARLY_AFTER, len(ids)))] = np.nan
    num = roster["id_guru"].str[1:].astype(int).to_numpy()
    out = pd.DataFrame(
        {
            "id_guru": roster["id_guru"].to_numpy(),
            "nama": [f"Guru Contoh {k:04d}" for k in num],
            "nip": [f"1990{k:014d}" for k in num],
        }
    )
    return pd.concat(
        [
            out,
            schools.iloc[roster["school"].to_numpy()].reset_index(drop=True),
            pd.DataFrame(codes, columns=ids).astype("Int64"),
        ],
        axis=1,
    )


def observations(
    rng: np.random.Generator,
    panel: dict[str, Any],
    roster: pd.DataFrame,
    quality: np.ndarray,
    inst: Instrument,
    observed_share: float,
    double_observed: float,
    master_share: float = 0.0,
) -> pd.DataFrame:
    """One lesson for a share of respondents; one or two observers rate it independently.

    With ``master_share > 0`` the master rater (:data:`MASTER`, no severity, less noise) also
    rates that share of the lessons, for observer certification.
    """
    ids = list(inst.item_ids)
    observed = np.flatnonzero(rng.random(len(roster)) < observed_share)
    n_les = len(observed)
    double = np.zeros(n_les, dtype=bool)
    double[rng.choice(n_les, size=round(double_observed * n_les), replace=False)] = True
    first = rng.integers(0, N_OBSERVERS, n_les)
    second = (first + rng.integers(1, N_OBSERVERS, n_les)) % N_OBSERVERS
    a = np.array(INDICATOR_LOADINGS)
    aspect_of = np.array([list(inst.scales).index(inst.item(i).scale) for i in ids])
    aspect = rng.standard_normal((n_les, len(inst.scales)))[:, aspect_of]
    z = (
        quality[observed][:, None] * a
        + ASPECT_LOADING * aspect
        + rng.standard_normal((n_les, len(ids))) * np.sqrt(1 - a**2 - ASPECT_LOADING**2)
    )
    by_master = np.zeros(n_les, dtype=bool)
    if master_share > 0:
        by_master[rng.choice(n_les, size=round(master_share * n_les), replace=False)] = True
    pair = np.stack([first, second, np.full(n_les, N_OBSERVERS)], axis=1)
    keep = np.stack([np.ones(n_les, dtype=bool), double, by_master], axis=1)
    lesson = np.broadcast_to(np.arange(n_les)[:, None], pair.shape)[keep]
    observer = pair[keep]
    severity = np.append(panel["severity"], 0.0)
    noise_sd = np.where(observer == N_OBSERVERS, MASTER_NOISE_SD, OBSERVER_NOISE_SD)
    latent = (
        z[lesson]
        + severity[observer][:, None]
        + rng.standard_normal((len(lesson), len(ids))) * noise_sd[:, None]
    )
    tau = np.array([indicator_thresholds(j) for j in range(len(ids))])
    codes = _cut(latent, tau).astype(float)
    codes[rng.random(codes.shape) < OBS_MISSING_RATE] = np.nan
    out = pd.DataFrame(
        {
            "id_pelajaran": [f"L{k + 1:04d}" for k in lesson],
            "id_guru": roster["id_guru"].to_numpy()[observed][lesson],
            "id_pengamat": np.array([*panel["observers"], MASTER], dtype=object)[observer],
        }
    )
    return pd.concat([out, pd.DataFrame(codes, columns=ids).astype("Int64")], axis=1)


def interviews(
    rng: np.random.Generator,
    roster: pd.DataFrame,
    eta: np.ndarray,
    corr: np.ndarray,
    guide: Instrument,
    interview_share: float,
) -> pd.DataFrame:
    """Coded themes (teacher x theme x stance) for a random subset of respondents."""
    n = len(roster)
    chosen = np.sort(rng.choice(n, size=round(interview_share * n), replace=False))
    total = total_cov(corr)
    rows_t: list[np.ndarray] = []
    rows_theme: list[np.ndarray] = []
    rows_stance: list[np.ndarray] = []
    for k, theme in enumerate(guide.codebook):
        par = theme_parameters(theme, guide)
        w = np.array([par["weights"][f] for f in FACTORS])
        d = eta[chosen] @ w / np.sqrt(w @ total @ w)
        raised = rng.random(len(chosen)) < par["p_raised"]
        logits = np.stack(
            [par["a_pos"] + STANCE_SLOPE * d, np.zeros_like(d), par["a_neg"] - STANCE_SLOPE * d], 1
        )
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        cum = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
        stance = (rng.random(len(chosen))[:, None] > cum[:, :2]).sum(axis=1)
        rows_t.append(chosen[raised])
        rows_theme.append(np.full(int(raised.sum()), k))
        rows_stance.append(stance[raised])
    t, th, st = (np.concatenate(x) for x in (rows_t, rows_theme, rows_stance))
    order = np.lexsort((th, t))
    themes = np.array(list(guide.codebook), dtype=object)
    return pd.DataFrame(
        {
            "id_guru": roster["id_guru"].to_numpy()[t[order]],
            "kode_tema": themes[th[order]],
            "sikap": np.array(STANCES, dtype=object)[st[order]],
        }
    )
