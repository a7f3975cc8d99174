"""dinamika.simulation.term: determinism, round trip through load_survey, bundled examples, truth recovery."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dinamika import UsageError, load_instrument, load_survey, simulate
from dinamika.cli import main
from dinamika.data.resources import surveys_dir
from dinamika.simulation.term import EXAMPLES, simulate_example, write_examples
from dinamika.simulation.truth import category_probs, scale_moments

KEY = "test-key-0123456789abcdef"
FILES = ("survey.yaml", "kuesioner.csv", "observasi.csv", "wawancara.csv", "truth.json")
INST = load_instrument("komunitas-guru@1.0.0")


@pytest.fixture(scope="module")
def big():
    """A large population so that sample statistics sit close to the truth."""
    return simulate(n_schools=200, teachers_per_school=(8, 12), n_kkg=40, n_districts=4, seed=7)


def _scored(responses: pd.DataFrame) -> pd.DataFrame:
    x = responses[list(INST.item_ids)].astype(float)
    for item in INST.reverse_keyed:
        x[item] = 6 - x[item]
    return x


def _scale_means(responses: pd.DataFrame) -> pd.DataFrame:
    x = _scored(responses)
    return pd.DataFrame({s: x[list(items)].mean(axis=1) for s, items in INST.scales.items()})


def _alpha(x: pd.DataFrame) -> float:
    c = x.dropna().cov().to_numpy()
    k = c.shape[0]
    return k / (k - 1) * (1 - np.trace(c) / c.sum())


# --- determinism and files -----------------------------------------------------------------------


def test_same_seed_gives_byte_identical_files(tmp_path):
    kw = {"n_schools": 6, "teachers_per_school": (6, 8), "n_kkg": 2, "seed": 11, "term": "uji"}
    a = simulate(**kw).write(tmp_path / "a")
    b = simulate(**kw).write(tmp_path / "b")
    for name in FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    c = simulate(**{**kw, "seed": 12}).write(tmp_path / "c")
    assert (a / "kuesioner.csv").read_bytes() != (c / "kuesioner.csv").read_bytes()


def test_no_global_random_state_is_touched():
    before = np.random.get_state()[1].copy()  # noqa: NPY002 - the legacy global state is the point
    simulate(n_schools=3, teachers_per_school=(5, 6), n_kkg=1, seed=3)
    np.testing.assert_array_equal(np.random.get_state()[1], before)  # noqa: NPY002


def test_csv_layout_and_synthetic_identifiers():
    t = simulate(n_schools=5, teachers_per_school=(6, 8), n_kkg=2, seed=2)
    r = t.responses
    assert list(r.columns) == [
        "id_guru",
        "nama",
        "nip",
        "sekolah",
        "kkg",
        "kabupaten",
        "jenjang",
        *INST.item_ids,
    ]
    assert r["nama"].str.match(r"^Guru Contoh \d{4}$").all()
    assert r["nip"].str.match(r"^1990\d{14}$").all()
    assert r["id_guru"].is_unique
    assert set(r["jenjang"]) <= {"SD", "SMP"}
    assert list(t.observations.columns[:3]) == ["id_pelajaran", "id_guru", "id_pengamat"]
    assert list(t.interviews.columns) == ["id_guru", "kode_tema", "sikap"]
    assert t.population >= len(r)


def test_write_refuses_non_empty_folder(tmp_path):
    t = simulate(n_schools=3, teachers_per_school=(5, 6), n_kkg=1, seed=1)
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("mine")
    with pytest.raises(UsageError, match="not empty"):
        t.write(tmp_path / "x")
    t.write(tmp_path / "x", overwrite=True)
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == sorted(FILES)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp folders left


# --- round trip through the loader --------------------------------------------------------------


@pytest.mark.parametrize("labels", ["codes", "id", "en"])
def test_written_term_loads_and_validates(tmp_path, labels):
    t = simulate(
        n_schools=8, teachers_per_school=(6, 10), n_kkg=3, seed=5, labels=labels, term="uji"
    )
    s = load_survey(t.write(tmp_path / "uji"), key=KEY)
    assert s.term == "uji" and s.synthetic and s.population == t.population
    assert not [p for p in s.problems if p.code not in ("too_few_answers",)]
    assert list(s.responses["teacher"]) == list(t.responses["id_guru"])
    loaded = s.responses[list(INST.item_ids)].to_numpy()
    np.testing.assert_array_equal(loaded, t.responses[list(INST.item_ids)].astype(float).to_numpy())
    assert len(s.observations) == len(t.observations)
    assert s.interviews["stance"].isin(["positif", "negatif", "campuran"]).all()
    # identifiers are hashed at load: no synthetic name or NIP survives
    assert not s.responses["nama"].isin(t.responses["nama"]).any()
    assert not s.responses["nip"].isin(t.responses["nip"]).any()


def test_labels_are_written_in_the_requested_language(tmp_path):
    kw = {"n_schools": 3, "teachers_per_school": (5, 6), "n_kkg": 1, "seed": 4}
    text = simulate(**kw, labels="id").write(tmp_path / "id").joinpath("kuesioner.csv").read_text()
    assert "Sangat Setuju" in text and ",5," not in text
    text = simulate(**kw, labels="en").write(tmp_path / "en").joinpath("kuesioner.csv").read_text()
    assert "Strongly agree" in text


# --- bundled examples ----------------------------------------------------------------------------


def test_bundled_examples_regenerate_byte_for_byte(tmp_path):
    write_examples(tmp_path)
    for term in EXAMPLES:
        for name in FILES:
            fresh = (tmp_path / term / name).read_bytes()
            assert fresh == (surveys_dir() / term / name).read_bytes(), f"{term}/{name}"


@pytest.mark.parametrize("term", list(EXAMPLES))
def test_bundled_examples_load(term):
    s = load_survey(surveys_dir() / term, key=KEY)
    assert 280 <= len(s.responses) <= 330
    assert s.responses["school"].nunique() == 30
    truth = json.loads((surveys_dir() / term / "truth.json").read_text())
    assert truth["term"] == term and truth["seed"] == EXAMPLES[term]["seed"]


def test_examples_share_schools_and_most_teachers():
    a, b = (simulate_example(t) for t in EXAMPLES)
    assert set(a.responses["sekolah"]) == set(b.responses["sekolah"])
    ids_a, ids_b = set(a.responses["id_guru"]), set(b.responses["id_guru"])
    shared = len(ids_a & ids_b)
    assert shared / len(ids_a | ids_b) > 0.8
    assert ids_a - ids_b and ids_b - ids_a  # a few leave, a few join
    # term 2 has a higher true mean on every factor
    assert all(
        m2 > m1
        for m1, m2 in zip(a.truth["factors"]["mean"], b.truth["factors"]["mean"], strict=True)
    )


# --- truth recovery ------------------------------------------------------------------------------


def test_reverse_items_correlate_negatively_before_reverse_scoring(big):
    x = big.responses[list(INST.item_ids)].astype(float)
    for scale, items in INST.scales.items():
        rest = x[list(items[:-1])].mean(axis=1)
        assert x[items[-1]].corr(rest) < -0.2, scale
        assert big.truth["items"][items[-1]]["loading"] < 0


def test_scale_mean_correlations_follow_the_factor_correlations(big):
    r = _scale_means(big.responses).corr().to_numpy()
    truth = np.array(big.truth["factors"]["corr_total"])
    rel = np.array([big.truth["scales"][s]["omega"] for s in INST.scales])
    expected = truth * np.sqrt(np.outer(rel, rel))  # attenuation by the scales' unreliability
    off = ~np.eye(4, dtype=bool)
    np.testing.assert_allclose(r[off], expected[off], atol=0.07)
    assert np.corrcoef(r[off], truth[off])[0, 1] > 0.5


def test_sample_alpha_and_item_means_match_the_population_values(big):
    x = _scored(big.responses)
    for scale, items in INST.scales.items():
        assert _alpha(x[list(items)]) == pytest.approx(
            big.truth["scales"][scale]["alpha"], abs=0.03
        )
    raw = big.responses[list(INST.item_ids)].astype(float).mean()
    true = pd.Series({i: big.truth["items"][i]["mean"] for i in INST.item_ids})
    np.testing.assert_allclose(raw.to_numpy(), true.to_numpy(), atol=0.12)


def test_quality_coefficients_and_school_icc_are_recovered(big):
    lat = big.latent
    factors = big.truth["factors"]["names"]
    design = np.column_stack([np.ones(len(lat)), lat[factors].to_numpy()])
    coef = np.linalg.lstsq(design, lat["kualitas"].to_numpy(), rcond=None)[0][1:]
    true = [big.truth["quality"]["coefs"][f] for f in factors]
    np.testing.assert_allclose(coef, true, atol=0.07)
    # ICC(1) of the true factor scores within schools, one-way ANOVA estimator
    school = big.responses["sekolah"].to_numpy()
    for k, f in enumerate(factors):
        y = pd.Series(lat[f].to_numpy()).groupby(school)
        n_bar = y.size().mean()
        msb = (y.size() * (y.mean() - lat[f].mean()) ** 2).sum() / (y.ngroups - 1)
        msw = y.var(ddof=1).mul(y.size() - 1).sum() / (len(lat) - y.ngroups)
        icc = (msb - msw) / (msb + (n_bar - 1) * msw)
        assert icc == pytest.approx(big.truth["factors"]["school_icc"][k], abs=0.07), f


def test_interview_stances_triangulate_with_true_scores(big):
    lat = big.latent.set_index("id_guru")
    iv = big.interviews
    for theme, construct in [
        ("T_KEP_ORGANISASI", "kepemimpinan"),
        ("T_DS_WAKTU", "dukungan_sekolah"),
    ]:
        rows = iv[iv["kode_tema"] == theme]
        score = lat.loc[rows["id_guru"], construct].to_numpy()
        pos = score[rows["sikap"].to_numpy() == "positif"].mean()
        neg = score[rows["sikap"].to_numpy() == "negatif"].mean()
        assert pos - neg > 0.5, theme
    share = iv["id_guru"].nunique() / len(big.responses)
    assert share == pytest.approx(0.25, abs=0.02)


def test_missing_answers_are_about_three_percent(big):
    x = big.responses[list(INST.item_ids)]
    early = x.iloc[:, 8:].isna().all(axis=1)
    assert 0.02 < x[~early].isna().to_numpy().mean() < 0.04
    assert early.sum() >= 1  # a few stopped early, so the minimum-items rule matters


# --- observation design --------------------------------------------------------------------------


def test_observation_design(big):
    o = big.observations
    per_lesson = o.groupby("id_pelajaran")["id_pengamat"]
    assert per_lesson.size().isin([1, 2]).all()
    assert (per_lesson.nunique() == per_lesson.size()).all()  # distinct observers in a lesson
    assert o.groupby("id_pelajaran")["id_guru"].nunique().eq(1).all()
    double = (per_lesson.size() == 2).mean()
    assert double == pytest.approx(0.30, abs=0.01)
    assert o["id_pengamat"].str.match(r"^P(0[1-9]|1[0-2])$").all()
    observed = o["id_guru"].nunique() / len(big.responses)
    assert 0.7 <= observed <= 0.8
    ind = list(load_instrument("observasi-pembelajaran@1.0.0").item_ids)
    pairs = o[per_lesson.transform("size") == 2].sort_values(["id_pelajaran", "id_pengamat"])
    a = pairs.groupby("id_pelajaran")[ind].nth(0).to_numpy(dtype=float)
    b = pairs.groupby("id_pelajaran")[ind].nth(1).to_numpy(dtype=float)
    ok = ~np.isnan(a) & ~np.isnan(b)
    diff = np.abs(a - b)[ok]
    assert 0.55 <= (diff == 0).mean() <= 0.75  # exact agreement
    assert (diff <= 1).mean() >= 0.93  # adjacent agreement


def test_lesson_ratings_track_true_quality(big):
    o = big.observations
    ind = o.columns[3:]
    lesson_mean = o.groupby("id_guru")[list(ind)].mean().mean(axis=1)
    q = big.latent.set_index("id_guru").loc[lesson_mean.index, "kualitas"]
    assert np.corrcoef(lesson_mean, q)[0, 1] > 0.7


# --- population moments --------------------------------------------------------------------------


def test_scale_moments_match_a_large_monte_carlo_sample():
    rng = np.random.default_rng(0)
    lam = np.array([0.8, 0.6, -0.5])
    tau = [[-1.5, -0.5, 0.7, 1.5], [-2.0, -1.0, 0.0, 1.0], [-1.0, 0.2, 1.0, 2.0]]
    m = scale_moments(lam, tau, [False, False, True], mean=0.3)
    eta = 0.3 + rng.standard_normal(400_000)
    y = eta[:, None] * lam + rng.standard_normal((eta.size, 3)) * np.sqrt(1 - lam**2)
    x = 1 + (y[:, :, None] > np.array(tau)[None]).sum(axis=2)
    np.testing.assert_allclose(x.mean(axis=0), m["item_mean"], atol=0.01)
    s = x.astype(float)
    s[:, 2] = 6 - s[:, 2]
    np.testing.assert_allclose(np.cov(s.T), m["scored_cov"], atol=0.01)
    assert _alpha(pd.DataFrame(s)) == pytest.approx(m["alpha"], abs=0.005)
    p = category_probs(np.array([-1.0, 0.0, 2.0]), 0.6, tau[1])
    np.testing.assert_allclose(p.sum(axis=1), 1.0)


# --- bad input and the command line --------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"labels": "kode"}, "labels"),
        (
            {"factor_corr": [[1, 0.5, 0, 0], [0.4, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]},
            "symmetric",
        ),
        (
            {
                "factor_corr": [
                    [1, 0.9, 0.9, -0.9],
                    [0.9, 1, 0.9, -0.9],
                    [0.9, 0.9, 1, 0.9],
                    [-0.9, -0.9, 0.9, 1],
                ]
            },
            "positive definite",
        ),
        ({"loadings": {"XYZ1": 0.5}}, "unknown items"),
        ({"quality_coefs": {"kepemimpinan": 0.9, "saling_percaya": 0.9}}, "explain too much"),
        ({"teachers_per_school": (9, 3)}, "teachers_per_school"),
        ({"missing_rate": 0.7}, "missing_rate"),
    ],
)
def test_bad_arguments_raise_usage_errors(kwargs, message):
    with pytest.raises(UsageError, match=message):
        simulate(
            n_schools=3, teachers_per_school=kwargs.pop("teachers_per_school", (5, 6)), **kwargs
        )


def test_cli_writes_a_term_and_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "semester-uji"
    args = [
        "simulate",
        "--out",
        str(out),
        "--seed",
        "3",
        "--teachers",
        "80",
        "--schools",
        "8",
        "--labels",
        "en",
    ]
    assert main(args) == 0
    assert "semester-uji" in capsys.readouterr().out
    s = load_survey(out, key=KEY)
    assert s.term == "semester-uji" and 60 <= len(s.responses) <= 100
    assert main(args) == 2
    assert "tidak kosong" in capsys.readouterr().err  # the CLI speaks Indonesian by default
    assert main([*args, "--force"]) == 0
    assert main(["simulate", "--examples", "--seed", "1", "--out", str(tmp_path / "ex")]) == 2


def test_cli_examples_regenerates_bundled_terms(tmp_path):
    assert main(["simulate", "--examples", "--out", str(tmp_path)]) == 0
    for term in EXAMPLES:
        assert (tmp_path / term / "kuesioner.csv").read_bytes() == (
            surveys_dir() / term / "kuesioner.csv"
        ).read_bytes()


def test_regeneration_command_is_documented():
    root = Path(__file__).resolve().parents[1]
    command = "dinamika simulate --examples --out surveys/ --force"
    assert command in (root / "README.md").read_text(encoding="utf-8")
    assert command in (root / "src" / "dinamika" / "cli" / "simulate.py").read_text(
        encoding="utf-8"
    )


def test_master_rater_is_optional_and_named_in_the_manifest(tmp_path):
    from dinamika.agreement.observers import certify_observers

    plain = simulate(n_schools=10, teachers_per_school=(8, 10), n_kkg=2, seed=9)
    assert "MASTER" not in set(plain.observations["id_pengamat"])
    t = simulate(n_schools=10, teachers_per_school=(8, 10), n_kkg=2, seed=9, master_share=0.2)
    o = t.observations
    lessons = o["id_pelajaran"].nunique()
    assert (o["id_pengamat"] == "MASTER").sum() == round(0.2 * lessons)
    regular = o[o["id_pengamat"] != "MASTER"]
    assert regular.groupby("id_pelajaran").size().max() == 2
    folder = t.write(tmp_path / "m")
    assert "  master: MASTER\n" in (folder / "survey.yaml").read_text()
    s = load_survey(folder, key=KEY)  # three rows in a lesson are fine when one is the master
    cert = certify_observers(s.observations, "MASTER", instrument=s.observation_instrument)
    assert "MASTER" not in set(cert["observer"]) and len(cert) > 0
    assert (cert["adjacent_pct"] >= 90).all()  # small severities: every observer close to master


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"shift": [0.1, 0.2]}, "`shift` must be one number, 4 numbers"),
        ({"n_schools": 3.5}, "`n_schools` must be a whole number"),
        ({"teachers_per_school": "5"}, "`teachers_per_school` must be a \\(low, high\\) pair"),
        ({"missing_rate": 0.6}, "between 0 and 0.5"),
    ],
)
def test_malformed_arguments_are_usage_errors_not_tracebacks(kwargs, message) -> None:
    with pytest.raises(UsageError, match=message):
        simulate(**kwargs)
