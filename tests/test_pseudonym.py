"""No raw identifier survives loading; pseudonyms are keyed and stable."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dinamika import load_survey
from dinamika.errors import UsageError
from dinamika.privacy.pseudonym import looks_like_identifier, pseudonymize, resolve_key
from tests.conftest import TermMaker, manifest


def _all_text(survey) -> str:
    frames = [survey.responses, survey.observations, survey.interviews]
    return "\n".join(f.astype(str).to_csv(index=False) for f in frames if f is not None)


def test_no_raw_identifier_anywhere_in_loaded_data(make_term: TermMaker, key_env: bytes) -> None:
    def edit(r, o, i):
        r["Email Address"] = [f"guru{k}@sekolah.sch.id" for k in range(len(r))]
        r["no_hp"] = [f"08123456{k:04d}" for k in range(len(r))]

    folder = make_term(edit=edit)
    raw = pd.read_csv(folder / "kuesioner.csv", dtype=str)
    survey = load_survey(folder)
    text = _all_text(survey)
    for col in ("nama", "nip", "Email Address", "no_hp"):
        for value in raw[col]:
            assert value not in text, f"{col} value {value!r} survived loading"
    assert survey.responses["nama"].str.match(r"^p-[0-9a-f]{16}$").all()
    codes = {p.code for p in survey.problems}
    assert "undeclared_identifier" in codes and "ephemeral_key" not in codes


def test_teacher_id_that_is_an_identifier_is_hashed_consistently(
    make_term: TermMaker, key_env: bytes
) -> None:
    m = manifest()
    m["responses"]["identifiers"] = ["nama", "nip", "id_guru"]
    survey = load_survey(make_term(manifest_=m))
    assert survey.responses["teacher"].str.startswith("p-").all()
    assert not any(t.startswith("G0") for t in survey.observations["teacher"])
    assert set(survey.observations["teacher"]) <= set(survey.responses["teacher"])
    assert set(survey.interviews["teacher"]) <= set(survey.responses["teacher"])


def test_same_key_same_pseudonym_different_key_different(
    make_term: TermMaker, tmp_path: Path
) -> None:
    folder = make_term()
    key_file = tmp_path / "kunci.txt"
    key_file.write_text("sebuah-kunci-yang-cukup-panjang\n", encoding="utf-8")
    a = load_survey(folder, key_file=key_file).responses["nip"]
    b = load_survey(folder, key="sebuah-kunci-yang-cukup-panjang").responses["nip"]
    c = load_survey(folder, key="kunci-lain-yang-juga-panjang").responses["nip"]
    pd.testing.assert_series_equal(a, b)
    assert not (a == c).any()


def test_without_a_key_pseudonyms_are_random_and_a_warning_says_so(
    make_term: TermMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DINAMIKA_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("DINAMIKA_PSEUDONYM_KEY_FILE", raising=False)
    folder = make_term()
    s1, s2 = load_survey(folder), load_survey(folder)
    assert not np.array_equal(s1.responses["nip"], s2.responses["nip"])
    assert "ephemeral_key" in {p.code for p in s1.problems}


def test_short_or_missing_key_file_is_a_usage_error(make_term: TermMaker, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="too short"):
        resolve_key("pendek")
    with pytest.raises(UsageError, match="cannot read the pseudonymization key file"):
        resolve_key(key_file=tmp_path / "tidak-ada.txt")


def test_hmac_is_keyed() -> None:
    s = pd.Series(["198501012009011001"])
    assert pseudonymize(s, b"k" * 16)[0] != pseudonymize(s, b"j" * 16)[0]


@pytest.mark.parametrize(
    "name", ["Nama", "NIP", "NUPTK", "nik", "Email Address", "Alamat email", "no_hp", "Telepon"]
)
def test_identifier_columns_are_recognised(name: str) -> None:
    assert looks_like_identifier(name)


def test_case_and_spacing_do_not_change_the_pseudonym() -> None:
    s = pd.Series(
        ["Guru.Satu@Sekolah.sch.id", " guru.satu@sekolah.sch.id ", "Ibu  Sari", "ibu sari"]
    )
    out = pseudonymize(s, b"0123456789abcdef")
    assert out[0] == out[1] and out[2] == out[3] and out[0] != out[2]


def test_vectorized_pseudonyms_equal_per_value_hmac() -> None:
    """The Arrow path gives exactly the pseudonym of the per-value definition (any key length,
    any whitespace, non-ASCII text), so pseudonyms never change between versions."""
    import hmac
    import re

    values = pd.Series(
        ["Guru A", "guru  a", " GURU\tA ", "", "Ä b\u00a0c", "x\x1cy", "ß", "İstanbul", "a" * 200,
         "\u3000x\u2003 Y ", "Siti Rahma", "siti rahma"],
        index=range(10, 22),
    )  # fmt: skip
    for key in (b"0123456789abcdef", b"k" * 100):
        for prefix in ("p", "school"):
            got = pseudonymize(values, key, prefix=prefix)
            want = [
                ""
                if (n := re.sub(r"\s+", " ", v).strip().casefold()) == ""
                else f"{prefix}-" + hmac.digest(key, n.encode(), "sha256").hex()[:16]
                for v in values
            ]
            assert got.tolist() == want and list(got.index) == list(values.index)
    assert (
        pseudonymize(values, b"0123456789abcdef")[10]
        == "p-" + hmac.digest(b"0123456789abcdef", b"guru a", "sha256").hex()[:16]
    )
