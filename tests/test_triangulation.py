"""dinamika.triangulate: joint display and the verdict rule, on constructed evidence."""

from __future__ import annotations

from types import SimpleNamespace as NS

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from dinamika.errors import UsageError
from dinamika.relations.triangulation import TRIANGULATION_RULE, triangulate

DIMS = ["kepemimpinan", "saling_percaya", "komitmen_kolektif", "dukungan_sekolah"]
CODEBOOK = {
    "T_KEP_A": {"construct": "kepemimpinan"},
    "T_KEP_B": {"construct": "kepemimpinan"},
    "T_SP": {"construct": "saling_percaya"},
    "T_KK": {"construct": "komitmen_kolektif"},
    "T_DS": {"construct": "dukungan_sekolah"},
    "T_MANFAAT": {"construct": "manfaat"},
}


def _survey(interviews: pd.DataFrame) -> NS:
    return NS(
        instrument=NS(scales={d: (f"{d}1",) for d in DIMS}, response_scales={}),
        interviews=interviews,
        interview_instrument=NS(codebook=CODEBOOK),
        observations=None,
    )


def _interviews() -> pd.DataFrame:
    rows = []
    # kepemimpinan: 4 teachers, 5 mentions, 4 positive -> 80% positive
    rows += [("g1", "T_KEP_A", "positif"), ("g1", "T_KEP_B", "positif")]
    rows += [("g2", "T_KEP_A", "positif"), ("g3", "T_KEP_A", "positif")]
    rows += [("g4", "T_KEP_B", "campuran")]
    # saling_percaya: 3 negative of 4 -> 75% negative
    rows += [(f"g{i}", "T_SP", "negatif") for i in range(1, 4)] + [("g5", "T_SP", "positif")]
    # komitmen_kolektif: 2 mentions only (below min_mentions = 3)
    rows += [("g1", "T_KK", "positif"), ("g2", "T_KK", "positif")]
    # dukungan_sekolah: 3 of 5 negative (60%)
    rows += [(f"g{i}", "T_DS", "negatif") for i in range(1, 4)]
    rows += [("g4", "T_DS", "positif"), ("g5", "T_DS", "campuran")]
    rows += [("g1", "T_MANFAAT", "positif"), ("g2", "T_MANFAAT", "campuran")]
    return pd.DataFrame(rows, columns=["teacher", "theme", "stance"])


def _scores() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 60
    return pd.DataFrame(
        {
            "teacher": [f"g{i}" for i in range(n)],
            "kepemimpinan": 4.0 + rng.normal(0, 0.5, n),  # clearly above 3
            "saling_percaya": 4.1 + rng.normal(0, 0.5, n),  # above, while interviews negative
            "komitmen_kolektif": 3.9 + rng.normal(0, 0.5, n),
            "dukungan_sekolah": 2.2 + rng.normal(0, 0.5, n),  # below the midpoint
        }
    )


def _correlations(r: list[float], p: list[float]) -> NS:
    return NS(
        correlations=pd.DataFrame(
            {
                "x": DIMS + DIMS,
                "y": ["overall"] * 4 + ["persiapan"] * 4,
                "r": r + [0.0] * 4,
                "lower": [v - 0.1 for v in r] + [0.0] * 4,
                "upper": [v + 0.1 for v in r] + [0.0] * 4,
                "p_adjusted": p + [1.0] * 4,
            }
        )
    )


@pytest.fixture
def table() -> pd.DataFrame:
    rel = _correlations([0.30, 0.25, 0.28, 0.20], [0.001, 0.01, 0.002, 0.03])
    return triangulate(
        _survey(_interviews()), scores=_scores(), relate=rel, reliability={"kepemimpinan": 0.81}
    ).set_index("construct")


def test_rows_and_interview_counts(table):
    assert list(table.index) == [*DIMS, "manfaat"]
    kep = table.loc["kepemimpinan"]
    assert kep["interview_teachers"] == 4 and kep["interview_mentions"] == 5
    assert kep["share_positive"] == pytest.approx(0.8)
    assert kep["share_mixed"] == pytest.approx(0.2)
    assert kep["share_negative"] == 0.0
    assert table.loc["saling_percaya", "share_negative"] == pytest.approx(0.75)
    assert table.loc["manfaat", "interview_mentions"] == 2


def test_survey_evidence_is_mean_with_t_interval(table):
    s = _scores()["kepemimpinan"]
    half = stats.t.ppf(0.975, len(s) - 1) * s.std(ddof=1) / np.sqrt(len(s))
    # R: t.test(x)$conf.int
    kep = table.loc["kepemimpinan"]
    assert kep["survey_mean"] == pytest.approx(s.mean(), rel=1e-12)
    assert kep["survey_lower"] == pytest.approx(s.mean() - half, rel=1e-12)
    assert kep["survey_n"] == 60
    assert kep["survey_alpha"] == 0.81
    assert np.isnan(table.loc["saling_percaya", "survey_alpha"])


def test_verdicts_follow_the_rule(table):
    # survey +1, interviews +1 (80% positive), observation +1 -> converge
    assert table.loc["kepemimpinan", "verdict"] == "converge"
    # survey +1 but interviews -1 (75% negative) -> diverge
    assert table.loc["saling_percaya", "verdict"] == "diverge"
    # too few mentions -> interviews undecided -> complement
    assert table.loc["komitmen_kolektif", "interview_direction"] == 0
    assert table.loc["komitmen_kolektif", "verdict"] == "complement"
    assert "interviews" in table.loc["komitmen_kolektif", "reason"]
    # survey -1 and interviews -1 (60% negative), observation +1 -> converge (lacking)
    assert table.loc["dukungan_sekolah", "survey_direction"] == -1
    assert table.loc["dukungan_sekolah", "verdict"] == "converge"
    assert "lacking" in table.loc["dukungan_sekolah", "reason"]
    # benefits: interview evidence only, no verdict
    assert pd.isna(table.loc["manfaat", "verdict"])
    assert np.isnan(table.loc["manfaat", "survey_mean"])


def test_observation_direction_decides():
    survey = _survey(_interviews())
    # kepemimpinan: not significant -> complement; negative significant -> diverge
    rel = _correlations([0.05, 0.25, 0.28, -0.30], [0.40, 0.01, 0.002, 0.001])
    t = triangulate(survey, scores=_scores(), relate=rel).set_index("construct")
    assert t.loc["kepemimpinan", "obs_direction"] == 0
    assert t.loc["kepemimpinan", "verdict"] == "complement"
    assert t.loc["dukungan_sekolah", "obs_direction"] == -1
    assert t.loc["dukungan_sekolah", "verdict"] == "diverge"
    # no observation evidence at all -> never converge
    none = triangulate(survey, scores=_scores(), relate=None).set_index("construct")
    assert set(none.loc[DIMS, "verdict"]) <= {"complement", "diverge"}
    assert none["obs_r"].isna().all()


def test_rule_text_and_thresholds():
    rel = _correlations([0.30, 0.25, 0.28, 0.20], [0.001, 0.01, 0.002, 0.03])
    t = triangulate(
        _survey(_interviews()), scores=_scores(), relate=rel, positive_share=0.9, min_mentions=2
    ).set_index("construct")
    assert "90%" in t.attrs["rule"] and "fewer than 2 mentions" in t.attrs["rule"]
    assert TRIANGULATION_RULE.startswith("Each source")
    # 80% positive is below 90% now; komitmen_kolektif's 2 positive mentions now count
    assert t.loc["kepemimpinan", "interview_direction"] == 0
    assert t.loc["komitmen_kolektif", "interview_direction"] == 1
    assert t.loc["komitmen_kolektif", "verdict"] == "converge"


def test_reliability_forms():
    rel_table = pd.DataFrame(
        {"scale": DIMS, "alpha": [0.8, 0.7, 0.9, 0.6], "omega_total": [0.81, 0.72, 0.9, 0.65]}
    )
    t = triangulate(_survey(_interviews()), scores=_scores(), reliability=rel_table)
    t = t.set_index("construct")
    assert t.loc[DIMS, "survey_alpha"].tolist() == [0.8, 0.7, 0.9, 0.6]
    assert t.loc[DIMS, "survey_omega"].tolist() == [0.81, 0.72, 0.9, 0.65]
    results = {"saling_percaya": NS(alpha=0.77, omega_total=0.79)}
    t = triangulate(_survey(_interviews()), scores=_scores(), reliability=results)
    t = t.set_index("construct")
    assert t.loc["saling_percaya", ["survey_alpha", "survey_omega"]].tolist() == [0.77, 0.79]
    assert np.isnan(t.loc["kepemimpinan", "survey_alpha"])
    with pytest.raises(UsageError, match="reliability"):
        triangulate(_survey(_interviews()), scores=_scores(), reliability=[0.8])


def test_input_errors():
    bad_theme = _interviews().assign(theme="T_UNKNOWN")
    with pytest.raises(UsageError, match="codebook"):
        triangulate(_survey(bad_theme), scores=_scores())
    bad_stance = _interviews().assign(stance="netral")
    with pytest.raises(UsageError, match="stances"):
        triangulate(_survey(bad_stance), scores=_scores())
    no_iv = _survey(_interviews())
    no_iv.interviews = None
    with pytest.raises(UsageError, match="no coded interviews"):
        triangulate(no_iv, scores=_scores())


def test_on_the_bundled_term():
    from dinamika import load_survey, reliability_table, score
    from dinamika.data.resources import surveys_dir

    survey = load_survey(surveys_dir() / "contoh-2025-2", key="triangulation-test-key-0123456789")
    rel = reliability_table(survey)
    t = triangulate(survey, reliability=rel).set_index("construct")
    assert list(t.index) == [
        *DIMS,
        *[c for c in survey.interview_instrument.scales if c not in DIMS],
    ]
    scores = score(survey)
    assert t.loc[DIMS, "survey_mean"].tolist() == pytest.approx(scores[DIMS].mean().tolist())
    assert t.loc[DIMS, "survey_alpha"].tolist() == pytest.approx(
        rel.set_index("scale").loc[DIMS, "alpha"].tolist()
    )
    # interview counts straight from the coded table
    iv = survey.interviews.assign(
        construct=survey.interviews["theme"].map(
            {k: v["construct"] for k, v in survey.interview_instrument.codebook.items()}
        )
    )
    assert (
        t["interview_mentions"].to_dict()
        == iv.groupby("construct").size().reindex(t.index, fill_value=0).to_dict()
    )
    assert (
        t.loc["kepemimpinan", "interview_teachers"]
        == iv.loc[iv.construct == "kepemimpinan", "teacher"].nunique()
    )
    shares = t[["share_positive", "share_negative", "share_mixed"]].sum(axis=1)
    assert shares.to_numpy() == pytest.approx(1.0)
    assert set(t.loc[DIMS, "verdict"]) <= {"converge", "complement", "diverge"}
    assert t.loc[DIMS, "obs_r"].notna().all()
    assert t.loc["manfaat", "verdict"] is pd.NA or pd.isna(t.loc["manfaat", "verdict"])
    assert "Verdict" in t.attrs["rule"]


def test_reliability_filled_by_default_on_a_loaded_term() -> None:
    from dinamika import load_survey, reliability_table

    survey = load_survey(key="triangulation-tests-key-0123456789abcdef")
    res = triangulate(survey).set_index("construct")
    ref = reliability_table(survey, n_boot=0).set_index("scale")
    dims = list(survey.instrument.scales)
    # wiring only: alpha and omega themselves are checked against psych in test_reliability.py
    assert np.allclose(res.loc[dims, "survey_alpha"], ref.loc[dims, "alpha"], rtol=0, atol=0)
    assert np.allclose(res.loc[dims, "survey_omega"], ref.loc[dims, "omega_total"], atol=0)
    assert triangulate(survey, reliability={})["survey_alpha"].isna().all()
