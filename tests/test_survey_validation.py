"""Every validation case of the foundation issue, each with its message asserted."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from dinamika import ValidationError, load_survey, validate_survey
from dinamika.errors import UsageError
from tests.conftest import TermMaker, manifest


def only(report, code):
    found = [p for p in report.problems if p.code == code]
    assert found, f"expected a {code} problem, got {[p.code for p in report.problems]}"
    return found


def test_valid_term_has_no_errors(make_term: TermMaker, key_env: bytes) -> None:
    report = validate_survey(make_term())
    assert report.ok, report.summary()
    assert report.errors == ()


def test_out_of_range_names_file_row_column_value_and_fix(make_term: TermMaker) -> None:
    def edit(r, o, i):
        r.loc[3, "KEP2"] = "7"  # spreadsheet row 5 (header is row 1)

    (p,) = only(validate_survey(make_term(edit=edit)), "out_of_range")
    assert (p.file, p.row, p.column, p.value) == ("kuesioner.csv", 5, "KEP2", "7")
    assert p.render("en") == (
        "kuesioner.csv, row 5, column KEP2: answer 7 is outside the scale 1–5. Fix: correct the "
        "answer to a code from 1 to 5 (or leave the cell empty if not answered)."
    )
    assert p.render("id").startswith(
        "kuesioner.csv, baris 5, kolom KEP2: jawaban 7 di luar skala 1–5."
    )


def test_unknown_label_and_non_numeric(make_term: TermMaker) -> None:
    def edit(r, o, i):
        r.loc[0, "SP1"] = "Setuju sekali"
        r.loc[1, "SP2"] = "3,5"
        r.loc[2, "SP3"] = "4?"

    report = validate_survey(make_term(edit=edit))
    (unknown,) = only(report, "unknown_answer")
    assert (unknown.row, unknown.column, unknown.value) == (2, "SP1", "Setuju sekali")
    assert "Sangat Tidak Setuju / Tidak Setuju / Netral / Setuju / Sangat Setuju" in unknown.fix(
        "en"
    )
    non_numeric = only(report, "non_numeric")
    assert [(p.row, p.column, p.value) for p in non_numeric] == [
        (3, "SP2", "3,5"),
        (4, "SP3", "4?"),
    ]
    assert non_numeric[0].message("en") == "'3,5' is not a whole number"


def test_labels_in_both_languages_case_and_spacing_insensitive(
    make_term: TermMaker, key_env: bytes
) -> None:
    answers = [
        "Sangat Setuju",
        " setuju ",
        "STRONGLY DISAGREE",
        "Neutral",
        "tidak  setuju",
        "agree",
        "5.0",
        "",
    ]
    expected = [5, 4, 1, 3, 2, 4, 5, np.nan]

    def edit(r, o, i):
        r.loc[: len(answers) - 1, "DS1"] = answers

    survey = load_survey(make_term(edit=edit))
    got = survey.responses["DS1"].to_numpy()[: len(answers)]
    np.testing.assert_array_equal(got, np.array(expected, dtype=float))


def test_custom_labels_from_the_manifest(make_term: TermMaker, key_env: bytes) -> None:
    m = manifest()
    m["responses"]["labels"] = {"Sangat Tidak Sesuai": 1, "Sangat Sesuai": 5}

    def edit(r, o, i):
        r.loc[0, "KK1"] = "sangat sesuai"

    assert load_survey(make_term(edit=edit, manifest_=m)).responses.loc[0, "KK1"] == 5.0


def test_duplicate_id_points_to_the_first_row(make_term: TermMaker) -> None:
    def edit(r, o, i):
        r.loc[5, "id_guru"] = "G002"

    (p,) = only(validate_survey(make_term(edit=edit)), "duplicate_id")
    assert (p.row, p.column, p.value) == (7, "id_guru", "G002")
    assert p.message("en") == "id G002 appears more than once (also on row 3)"


def test_missing_required_column(make_term: TermMaker) -> None:
    def edit(r, o, i):
        del r["sekolah"]
        del r["KK4"]

    problems = only(validate_survey(make_term(edit=edit)), "missing_column")
    assert {p.column for p in problems} == {"sekolah", "KK4"}
    assert problems[0].fix("en").startswith("add the column")


def test_item_column_not_in_the_instrument(make_term: TermMaker) -> None:
    def edit(r, o, i):
        r["KEP7"] = "3"

    (p,) = only(validate_survey(make_term(edit=edit)), "unknown_item")
    assert p.column == "KEP7"
    assert "komunitas-guru@1.0.0 has no such item" in p.message("en")


def test_too_few_answers_is_a_warning(make_term: TermMaker, key_env: bytes) -> None:
    def edit(r, o, i):
        r.loc[4, ["KEP1", "KEP2", "KEP3", "KEP4"]] = ""

    report = validate_survey(make_term(edit=edit))
    (p,) = only(report, "too_few_answers")
    assert p.severity == "warning" and report.ok
    assert p.row == 6
    assert p.message("en") == (
        "only 2 of 6 items of scale kepemimpinan answered; the scale score needs at least 3"
    )


def test_observation_of_unknown_teacher(make_term: TermMaker) -> None:
    def edit(r, o, i):
        o.loc[2, "id_guru"] = "G999"

    report = validate_survey(make_term(edit=edit))
    problems = [p for p in only(report, "unknown_teacher") if p.file == "observasi.csv"]
    assert [(p.row, p.column, p.value) for p in problems] == [(4, "id_guru", "G999")]


def test_observation_rating_out_of_rubric(make_term: TermMaker) -> None:
    def edit(r, o, i):
        o.loc[0, "PK2"] = "5"

    (p,) = only(validate_survey(make_term(edit=edit)), "out_of_range")
    assert (p.file, p.row, p.column) == ("observasi.csv", 2, "PK2")
    assert "1–4" in p.message("en")


def test_duplicate_rating_and_too_many_observers(make_term: TermMaker) -> None:
    def edit(r, o, i):
        extra = o.iloc[[0]].copy()
        extra["id_pengamat"] = "P03"
        dup = o.iloc[[0]].copy()
        o.loc[len(o)] = extra.iloc[0]
        o.loc[len(o)] = dup.iloc[0]

    report = validate_survey(make_term(edit=edit))
    assert only(report, "duplicate_rating")[0].value == "P01"
    assert only(report, "too_many_observers")[0].value == "L000"


def test_unknown_theme_and_stance(make_term: TermMaker) -> None:
    def edit(r, o, i):
        i.loc[0, "kode_tema"] = "T_TIDAK_ADA"
        i.loc[1, "sikap"] = "senang"

    report = validate_survey(make_term(edit=edit))
    assert only(report, "unknown_theme")[0].row == 2
    assert only(report, "unknown_stance")[0].value == "senang"


@pytest.mark.parametrize(
    ("ref", "code"),
    [
        ("komunitas-guru@9.9.9", "unknown_version"),
        ("kuesioner-lain@1.0.0", "unknown_instrument"),
        ("observasi-pembelajaran@1.0.0", "wrong_instrument"),
    ],
)
def test_wrong_or_unknown_instrument_version(make_term: TermMaker, ref: str, code: str) -> None:
    m = manifest()
    m["responses"]["instrument"] = ref
    (p,) = only(validate_survey(make_term(manifest_=m)), code)
    assert p.file == "survey.yaml" and p.value == ref
    assert "komunitas-guru@1.0.0" in p.fix("en")


def test_empty_file(make_term: TermMaker) -> None:
    folder = make_term()
    (folder / "kuesioner.csv").write_text("id_guru,nama\n", encoding="utf-8")
    (p,) = only(validate_survey(folder), "empty_file")
    assert p.file == "kuesioner.csv"
    (folder / "kuesioner.csv").write_bytes(b"")
    assert only(validate_survey(folder), "empty_file")


def test_truncated_file(make_term: TermMaker) -> None:
    folder = make_term()
    path = folder / "kuesioner.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) - 30], encoding="utf-8")  # cut inside the last row
    (p,) = only(validate_survey(folder), "truncated_file")
    assert p.row == 13  # 12 respondents: the last is row 13
    assert "looks cut off" in p.message("en")


def test_unreadable_encoding(make_term: TermMaker) -> None:
    folder = make_term()
    (folder / "kuesioner.csv").write_bytes(b"\x00\x01\x02binary\x00data" * 10)
    (p,) = only(validate_survey(folder), "unreadable_encoding")
    assert "save it again as 'CSV UTF-8'" in p.fix("en")


def test_missing_manifest_and_missing_file(tmp_path: Path, make_term: TermMaker) -> None:
    assert only(validate_survey(tmp_path), "missing_manifest")
    folder = make_term()
    (folder / "observasi.csv").unlink()
    (p,) = only(validate_survey(folder), "missing_file")
    assert p.file == "observasi.csv"


def test_bad_manifest_yaml(make_term: TermMaker) -> None:
    folder = make_term()
    (folder / "survey.yaml").write_text("responses: [unclosed\n", encoding="utf-8")
    (p,) = only(validate_survey(folder), "bad_manifest")
    assert p.file == "survey.yaml"


def test_all_problems_are_listed_at_once(make_term: TermMaker) -> None:
    def edit(r, o, i):
        r.loc[0, "KEP1"] = "9"
        r.loc[1, "SP1"] = "x"
        r.loc[2, "id_guru"] = "G001"
        o.loc[0, "id_guru"] = "G404"

    codes = {p.code for p in validate_survey(make_term(edit=edit)).errors}
    assert {"out_of_range", "unknown_answer", "duplicate_id", "unknown_teacher"} <= codes


def test_load_survey_raises_with_every_problem(make_term: TermMaker) -> None:
    def edit(r, o, i):
        r.loc[0, "KEP1"] = "9"
        r.loc[1, "KEP1"] = "0"

    with pytest.raises(ValidationError) as info:
        load_survey(make_term(edit=edit), lang="en")
    assert len(info.value.problems) >= 2
    assert "kuesioner.csv, row 2, column KEP1" in str(info.value)


def test_not_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        validate_survey(tmp_path / "nope")


@pytest.mark.parametrize("sep", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_separators_and_encodings(
    make_term: TermMaker, key_env: bytes, sep: str, encoding: str
) -> None:
    def edit(r, o, i):
        r.loc[0, "sekolah"] = "SD Négeri Café"  # a character that differs between encodings

    survey = load_survey(make_term(edit=edit, sep=sep, encoding=encoding))
    assert survey.responses.loc[0, "school"] == "SD Négeri Café"
    assert survey.responses.shape[0] == 12


def test_xlsx_input(make_term: TermMaker, key_env: bytes) -> None:
    folder = make_term()
    frame = pd.read_csv(folder / "kuesioner.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "KEP1"] = "Sangat Setuju"
    (folder / "kuesioner.csv").unlink()
    frame.to_excel(folder / "kuesioner.xlsx", index=False)
    m = yaml.safe_load((folder / "survey.yaml").read_text(encoding="utf-8"))
    m["responses"]["file"] = "kuesioner.xlsx"
    (folder / "survey.yaml").write_text(yaml.safe_dump(m), encoding="utf-8")
    survey = load_survey(folder)
    assert survey.responses.loc[0, "KEP1"] == 5.0
    assert survey.responses.shape == (12, 4 + 2 + 24)


def test_raw_files_are_never_written(make_term: TermMaker, key_env: bytes) -> None:
    folder = make_term()
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    load_survey(folder)
    validate_survey(folder)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    assert before == after


def test_loaded_tables_have_the_documented_shape(make_term: TermMaker, key_env: bytes) -> None:
    s = load_survey(make_term())
    assert list(s.responses.columns[:6]) == ["teacher", "school", "kkg", "district", "nama", "nip"]
    assert list(s.responses.columns[6:]) == list(s.instrument.item_ids)
    assert all(s.responses[c].dtype == np.float64 for c in s.instrument.item_ids)
    assert list(s.observations.columns[:3]) == ["lesson", "teacher", "observer"]
    assert list(s.interviews.columns) == ["teacher", "theme", "stance"]
    assert s.groups == ("school", "kkg", "district")
    assert set(s.file_hashes) == {"kuesioner.csv", "observasi.csv", "wawancara.csv", "survey.yaml"}


def test_columns_listed_under_ignore_are_not_loaded_and_not_warned(
    make_term: TermMaker, key_env: bytes
) -> None:
    m = manifest()
    m["responses"]["ignore"] = ["waktu_isi", "catatan"]

    def edit(r, o, i):
        r["waktu_isi"] = "2025-08-01T10:00:00"
        r["catatan"] = "teks bebas <b>tidak</b> dimuat"
        r["lainnya"] = "x"

    survey = load_survey(make_term(edit=edit, manifest_=m))
    assert not {"waktu_isi", "catatan", "lainnya"} & set(survey.responses.columns)
    ignored = [p.column for p in survey.problems if p.code == "ignored_column"]
    assert ignored == ["lainnya"]


@pytest.mark.parametrize(
    ("key", "value", "detail"),
    [
        ("groups", "sekolah", "'responses.groups' must map group kinds to column names"),
        ("groups", {"sekolah_": "sekolah"}, "unknown group kind(s) ['sekolah_']"),
        ("identifiers", "nama", "'responses.identifiers' must be a list of column names"),
        ("min_answered", "abc", "'responses.min_answered' must be a share between 0 and 1"),
        ("min_answered", 3, "'responses.min_answered' must be a share between 0 and 1"),
        (
            "labels",
            {"Sangat Sesuai": "tinggi"},
            "'responses.labels' must map answer labels to whole-number codes",
        ),
        ("id", ["a", "b"], "'responses.id' must be a non-empty text"),
        ("delimiter", "|||", "'responses.delimiter' must be ',' or ';'"),
        ("identifer", ["nama"], "'responses.identifer' is not a known key"),
    ],
)
def test_manifest_keys_of_the_wrong_shape_are_named(
    make_term: TermMaker, key: str, value, detail: str
) -> None:
    m = manifest()
    m["responses"][key] = value
    report = validate_survey(make_term(manifest_=m))
    problems = only(report, "bad_manifest")
    assert any(detail in p.message("en") for p in problems), [p.message("en") for p in problems]
    assert all(p.file == "survey.yaml" for p in problems)


def test_a_broken_optional_part_does_not_hide_problems_elsewhere(make_term: TermMaker) -> None:
    m = manifest()
    m["observations"]["observer"] = 5

    def edit(r, o, i):
        r.loc[0, "KEP1"] = "8"

    report = validate_survey(make_term(edit=edit, manifest_=m))
    assert {"bad_manifest", "out_of_range"} <= {p.code for p in report.errors}


def test_a_manifest_label_mapped_outside_the_scale_is_out_of_range(make_term: TermMaker) -> None:
    m = manifest()
    m["responses"]["labels"] = {"Luar Biasa": 9}

    def edit(r, o, i):
        r.loc[0, "KEP1"] = "Luar biasa"

    (p,) = only(validate_survey(make_term(edit=edit, manifest_=m)), "out_of_range")
    assert (p.row, p.column) == (2, "KEP1")


def test_nip_ids_that_lost_digits_in_a_spreadsheet_are_flagged(
    make_term: TermMaker, key_env: bytes
) -> None:
    m = manifest()
    m["responses"]["id"] = "nip"
    m["responses"]["identifiers"] = ["nama", "nip"]
    m.pop("observations")
    m.pop("interviews")

    def edit(r, o, i):  # what 18-digit NIPs become after a trip through a number cell
        r["nip"] = [str(int(float(f"1985010120090110{k:02d}"))) for k in range(len(r))]

    report = validate_survey(make_term(edit=edit, manifest_=m))
    (p,) = only(report, "lost_digits")
    assert p.column == "nip" and p.severity == "warning"
    assert "lost their last digits" in p.message("en")
