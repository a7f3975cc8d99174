"""Small-cell suppression (with complementary cells), scrubbing and the output leak guard."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import dinamika
from dinamika.errors import UsageError
from dinamika.privacy.outputs import (
    find_leaks,
    group_means,
    scrub,
    secrets_of,
    suppress,
    suppress_nested,
)
from tests.test_report_data import PLANTED, make_term


def _table(ns, **extra):
    return pd.DataFrame({"group": [f"g{i}" for i in range(len(ns))], "n": ns, **extra})


def test_primary_and_complementary_suppression():
    out = suppress(_table([12, 3, 9, 20], mean=[3.1, 4.0, 3.5, 3.3]), min_cell=5)
    assert out["suppressed"].tolist() == [False, True, True, False]
    # the hidden cells lose every number, not only n
    assert out.loc[out["suppressed"], ["n", "mean"]].isna().all().all()
    assert out.loc[~out["suppressed"], "n"].tolist() == [12, 20]
    assert out["group"].tolist() == ["g0", "g1", "g2", "g3"]  # labels stay


def test_nothing_small_nothing_hidden():
    out = suppress(_table([5, 6, 7]), min_cell=5)
    assert not out["suppressed"].any()
    assert out["n"].tolist() == [5, 6, 7]


def test_hidden_cells_together_reach_min_cell():
    # 1 + 2 = 3 < 5: the union of the two would still disclose a group of 3
    out = suppress(_table([1, 2, 30, 40, 50]), min_cell=5)
    assert out["suppressed"].tolist() == [True, True, True, False, False]


def test_small_total_hides_everything():
    out = suppress(_table([1, 2]), min_cell=5)
    assert out["suppressed"].all()


def test_threshold_is_configurable():
    t = _table([8, 12, 30])
    assert not suppress(t, min_cell=5)["suppressed"].any()
    assert suppress(t, min_cell=10)["suppressed"].tolist() == [True, True, False]


def test_nested_margins_protect_subtotals():
    # KKG subtotals are published too: A has one small school, so a second school of A
    # must go, even though the grand total would already be protected by school B2.
    t = pd.DataFrame(
        {
            "kkg": ["A", "A", "A", "B", "B"],
            "school": ["A1", "A2", "A3", "B1", "B2"],
            "n": [3, 10, 11, 4, 9],
        }
    )
    out = suppress(t, min_cell=5, margins=[(), ("kkg",)])
    hidden = dict(zip(out["school"], out["suppressed"], strict=True))
    assert hidden == {"A1": True, "A2": True, "A3": False, "B1": True, "B2": True}


def _recoverable(hidden_sets: list[np.ndarray], hidden: np.ndarray) -> list[int]:
    """Hidden cells whose count follows from published totals (linear algebra over the sets)."""
    cols = np.flatnonzero(hidden)
    if cols.size == 0:
        return []
    rows = []
    for idx in hidden_sets:
        row = np.isin(cols, idx).astype(float)
        if row.any():
            rows.append(row)
    a = np.array(rows) if rows else np.zeros((0, cols.size))
    rank = np.linalg.matrix_rank(a) if len(a) else 0
    found = []
    for j, c in enumerate(cols):
        e = np.zeros(cols.size)
        e[j] = 1.0
        if np.linalg.matrix_rank(np.vstack([a, e])) == rank:
            found.append(int(c))
    return found


@pytest.mark.parametrize("seed", range(60))
def test_no_hidden_cell_can_be_recovered_from_totals(seed):
    """Schools within KKGs, both tables published with the grand total: no hidden school and
    no hidden KKG follows from the published numbers (exact linear-algebra check)."""
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 6))
    sizes = rng.integers(1, 6, size=k)
    t = pd.DataFrame(
        {
            "kkg": np.repeat([f"K{i}" for i in range(k)], sizes),
            "n": rng.choice([1, 2, 3, 4, 5, 6, 8, 12, 20, 40], size=int(sizes.sum())),
        }
    )
    t["school"] = [f"S{i}" for i in range(len(t))]
    kkgs = t.groupby("kkg", as_index=False)["n"].sum()
    schools, kk = suppress_nested(t, kkgs, parent="kkg", min_cell=5)
    hidden = schools["suppressed"].to_numpy()
    n = t["n"].to_numpy()
    assert hidden[n < 5].all()  # primary
    assert kk.loc[kk["n"].isna() | kk["suppressed"], "suppressed"].all()
    assert kk["suppressed"].to_numpy()[kkgs["n"].to_numpy() < 5].all()
    pos = np.arange(len(t))
    shown = set(kk.loc[~kk["suppressed"], "kkg"])
    groups = {g: pos[t["kkg"].to_numpy() == g] for g in kkgs["kkg"]}
    # Published: grand total, the KKG totals shown, every school shown.
    published = [pos] + [groups[g] for g in shown]
    assert _recoverable(published, hidden) == []
    # nor a hidden KKG total (the sum of its schools) from the same information
    cols = np.flatnonzero(hidden)
    rows = [np.isin(cols, idx).astype(float) for idx in published]
    rows = [r for r in rows if r.any()]
    a = np.array(rows) if rows else np.zeros((0, cols.size))
    rank = np.linalg.matrix_rank(a) if len(a) else 0
    for g in set(kkgs["kkg"]) - shown:
        e = np.isin(cols, groups[g]).astype(float)
        assert np.linalg.matrix_rank(np.vstack([a, e])) > rank, g
    for idx in published:
        h = hidden[idx]
        if 0 < h.sum() < len(idx):
            assert h.sum() >= 2 and n[idx][h].sum() >= 5


def test_suppress_validates_its_input():
    with pytest.raises(UsageError, match="min_cell"):
        suppress(_table([5]), min_cell=0)
    with pytest.raises(UsageError, match="count column"):
        suppress(_table([5]), count_col="size")
    with pytest.raises(UsageError, match="negative"):
        suppress(_table([5, -1]))
    with pytest.raises(UsageError, match="margin"):
        suppress(_table([5]), margins=[("kkg",)])


def test_scrub_drops_identifiers_and_free_text():
    t = pd.DataFrame(
        {
            "teacher": ["G1"],
            "observer": ["P1"],
            "school": ["SD 1"],
            "nama": ["Siti"],
            "NIP": ["1985"],
            "Email Address": ["a@b.c"],
            "komentar": ["<script>x</script>"],
            "kepemimpinan": [3.5],
            "n": [12],
        }
    )
    assert list(scrub(t).columns) == ["school", "kepemimpinan", "n"]
    assert "komentar" in scrub(t, keep_text=["komentar"]).columns
    assert "school" not in scrub(t, identifiers=["school"]).columns


def test_secrets_of_a_term_find_every_planted_value(tmp_path: Path):
    folder = make_term(tmp_path / "term", plant=True)
    survey = dinamika.load_survey(folder)
    secrets = secrets_of(survey)
    for planted in PLANTED[:10]:
        assert planted in secrets, planted
    # published labels are not secrets
    assert "SD Negeri 01" not in secrets
    assert "KKG Gugus 1" not in secrets


def test_find_leaks_sees_raw_and_escaped_forms_but_not_images():
    secrets = {"Siti Rahmawati", "<b>x</b>", "AAAA"}
    assert find_leaks("<p>siti rahmawati</p>", secrets) == ["Siti Rahmawati"]
    assert find_leaks("<td>&lt;b&gt;x&lt;/b&gt;</td>", secrets) == ["<b>x</b>"]
    assert find_leaks('<img src="data:image/png;base64,AAAAAAAA">', secrets) == []


def test_group_means_nested_and_crossed():
    nested = pd.DataFrame(
        {"school": list("aaabbbbbbcccccc"), "kkg": ["K"] * 9 + ["L"] * 6, "x": np.arange(15.0)}
    )
    t = group_means(nested, values=["x"], min_cell=5)
    assert "kkg" in t["school"].columns  # nested: the school table names its KKG
    assert t["school"]["suppressed"].tolist() == [True, True, False]  # a (3) and its complement b
    assert t["school"].loc[2, "x"] == pytest.approx(np.arange(9, 15).mean())
    assert not t["kkg"]["suppressed"].any()
    crossed = nested.assign(kkg=["K", "L"] * 7 + ["K"])  # schools span both KKGs
    t2 = group_means(crossed, values=["x"], min_cell=5)
    assert "kkg" not in t2["school"].columns
    assert t2["school"]["suppressed"].tolist() == [True, True, False]
    assert t2["kkg"]["n"].tolist() == [8, 7]


def test_identifier_detection_vectorized_equals_per_value() -> None:
    """identifier_cells / looks_like_names look at candidates only; same answer as per value."""
    import random

    from dinamika.privacy import identifiers as ident

    pool = ["SDN 1", "Siti 19850101 201001 2 000", "a@b.id", "0812-3456-7890", "KKG 3", "2024",
            "+6281234567890", "٠٨١٢٣٤٥٦٧٨٩٠", "Siti Rahma", "Budi Santoso", "Ani", "José María",
            "Nguyễn Văn A", "O'Neil Smith", "x_y z", "1abc def", "12345678 9", "@@", "",
            "Siti 0812 3456 789", "1234567890123456", "G001"]  # fmt: skip
    rng = random.Random(1)
    for _ in range(200):
        cells = pd.Series(rng.sample(pool, rng.randint(1, len(pool))))
        want = [ident._has_identifier(v) for v in cells]
        assert ident.identifier_cells(cells).tolist() == want
        named = [bool(ident._NAME.match(v.strip())) for v in cells if v.strip()]
        assert ident.looks_like_names(cells) == (bool(named) and sum(named) / len(named) >= 0.6)


def test_secret_values_of_a_column_vectorized_equal_per_value() -> None:
    """secret_cells' one-pass selection equals the per-value rule, order of first appearance."""
    import random

    from dinamika.privacy.leaks import _guarded, _worth_guarding

    pool = ["1234", "12.345", "1,234,567", "12345678", "abc", "Guru yang sangat baik sekali",
            "<b>x</b>", "a@b.id", "0812-3456-7890", "NIP 198501", "Catatan", "١٢٣٤٥", "Ibu Śiti",
            "komentar panjang dengan spasi", "", "nan", "٠٨١٢٣٤٥٦٧٨", "Ａｂｃｄ ｅｆｇｈ ｉｊｋｌｍｎｏ"]  # fmt: skip
    rng = random.Random(7)
    for _ in range(100):
        cells = pd.Series([rng.choice(pool) for _ in range(rng.randint(1, 40))])
        for identifying in (True, False):
            kept, first = _worth_guarding(cells, identifying, 4)
            distinct = list(dict.fromkeys(cells))
            want = [v for v in distinct if _guarded(v, identifying, 4)]
            assert kept.to_pylist() == want
            assert first.tolist() == [cells.tolist().index(v) for v in want]
