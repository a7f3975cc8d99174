"""A messy 40-teacher Google Forms export, as a district team gets it (issue 12).

The fixture (``tests/fixtures/field/make_messy.py``): school and KKG names typed by hand in
case, spacing, punctuation and abbreviation variants plus one typo; a consent question answered
"Tidak" once; a blank test submission ("tes") three days before the form went out; two teachers
who sent the form twice; no e-mail column; two different teachers named Siti Aminah.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from dinamika import load_survey, validate_survey
from dinamika.cli import main
from dinamika.data.group_names import group_key, similar_names, unify_names
from dinamika.interop import ImportFailed, import_google_forms, import_kobo

FIX = Path(__file__).parent / "fixtures" / "field"
SRC = FIX / "gforms_lapangan.csv"
LIST = FIX / "dapodik_serang.csv"
REF = "komunitas-guru@1.0.0"
KEY = "kunci-rahasia-untuk-tes-lapangan-0123456789"
CHOICES = {"generate_ids": True, "test_rows": "drop", "duplicates": "keep-last"}


def _import(out: Path, **kw: object):
    return import_google_forms(SRC, instrument=REF, out=out, lang="id", **{**CHOICES, **kw})  # type: ignore[arg-type]


# --- 1. group names ---------------------------------------------------------------------------


def test_group_keys_join_typed_spellings_of_one_school() -> None:
    same = ["SD Negeri Serang 3", "SDN Serang 3", "sdn serang 3 ", "SDN. Serang 3", "SDN  Serang 3"]
    assert {group_key(n) for n in same} == {"sdn serang 3"}
    assert group_key("SMP Negeri 1 Serang") == group_key("SMPN 1 Serang") == "smpn 1 serang"
    assert group_key("Madrasah Ibtidaiyah Al-Hidayah") == group_key("MI Al Hidayah")
    assert (
        group_key("MTs Negeri 2")
        == group_key("MTsN 2")
        == group_key("Madrasah Tsanawiyah Negeri 2")
    )
    assert group_key("KKG Gugus III") == group_key("Gugus 3") == group_key("gugus 03")
    assert group_key("SDN Serang 3") != group_key("SDN Serang 13")  # numbers matter
    table = unify_names(pd.Series(["SDN Serang 3"] * 3 + ["sdn serang 3 ", "SD Negeri Serang 3"]))
    assert set(table["group"]) == {"SDN Serang 3"}  # the spelling used most often


def test_similar_names_finds_typos_and_word_order_not_other_numbers() -> None:
    pairs = similar_names(
        ["SDN Serang 3", "SDN Serng 3", "SDN 3 Serang", "SDN Serang 13", "SDN Serang 4"]
    )
    assert ("SDN Serang 3", "SDN Serng 3") in pairs and ("SDN 3 Serang", "SDN Serang 3") in pairs
    assert not any("13" in a + b or "4" in a + b for a, b in pairs)
    assert similar_names(["SDN Contoh 01", "SMPN Contoh 01", "MI Contoh 1"]) == []  # other kinds


def test_similar_names_stays_fast_for_a_national_school_list() -> None:
    rng = np.random.default_rng(1)
    places = [f"Desa{k}" for k in range(4000)]
    names = [f"SDN {rng.integers(1, 12)} {p}" for p in places] + ["SDN 3 Desa7", "SDN 3 Dsa7"]
    start = time.perf_counter()
    similar_names(names)
    assert time.perf_counter() - start < 5


# --- the whole export -------------------------------------------------------------------------


def test_nothing_is_guessed_every_problem_in_indonesian_with_original_row(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as exc:
        import_google_forms(SRC, instrument=REF, out=tmp_path / "t", lang="id")
    msg = str(exc.value)
    # 3. the blank test submission: asked for, with its row and time and every reason
    assert "baris 2 (2026-11-01 09:30): tampak seperti kiriman uji coba atau kosong" in msg
    assert "semua butir kosong" in msg and "'tes' di kolom 'Nama lengkap'" in msg
    assert "sebelum hari pertama pengisian (2026-11-04)" in msg and "--test-rows drop" in msg
    # 5. a name is never silently the id
    assert "nama tidak pernah dipakai sebagai id" in msg and "--generate-ids" in msg
    assert not (tmp_path / "t").exists()


def test_a_name_column_is_refused_as_the_id(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="nama bukan id yang unik"):
        _import(tmp_path / "t", id_column="Nama lengkap", generate_ids=False)


def test_messy_export_imports_with_every_choice_recorded(tmp_path: Path) -> None:
    out = tmp_path / "serang"
    result = _import(out, title="Survei Komunitas Guru Kota Serang 2026", population=48)
    assert (result.n_read, result.n_written) == (44, 40)
    summary = result.summary("id")
    # 2. consent honoured, with the count, the reason and the original row
    assert (
        "1 kiriman tanpa persetujuan (Apakah Bapak/Ibu bersedia mengisi kuesioner ini?) tidak dipakai: baris 18 (2026-11-07 07:30)"
        in summary
    )
    assert "1 kiriman uji coba atau kosong tidak dipakai (--test-rows drop): baris 2" in summary
    assert "2 kiriman berulang tidak dipakai (keep-last): baris 6, 22" in summary
    # 5. namesakes in different schools stay two teachers
    assert (
        "nama yang sama muncul di sekolah berbeda (dianggap guru yang berbeda): baris 14, 34"
        in summary
    )
    data = pd.read_csv(out / "kuesioner.csv", dtype=str, keep_default_na=False)
    assert (data["Nama lengkap"] == "Siti Aminah").sum() == 2
    ids = data["id_responden"]  # numbered in file order; left-out submissions keep their number
    assert ids.is_unique and ids.str.fullmatch(r"R\d{4}").all() and ids.is_monotonic_increasing
    # 4. every imported row keeps its original row and time
    raw = pd.read_csv(SRC, dtype=str, keep_default_na=False)
    rows = data["baris_asli"].astype(int)
    assert not set(rows) & {2, 6, 18, 22}
    np.testing.assert_array_equal(raw.loc[rows - 2, "Nama lengkap"], data["Nama lengkap"])
    assert data.loc[0, "waktu_isi"] == "2026-11-04T11:37:00"
    # every choice in reviewable files
    ledger = pd.read_csv(out / "rows.csv", dtype=str, keep_default_na=False)
    assert ledger["row"].tolist() == ["2", "6", "18", "22"]
    assert ledger["decision"].tolist() == ["test-rows drop (--test-rows)", "duplicates keep-last (--duplicates)", "consent: no / persetujuan: tidak", "duplicates keep-last (--duplicates)"]  # fmt: skip
    assert ledger.loc[2, "waktu_isi"] == "2026-11-07T07:30:00"
    head = (out / "survey.yaml").read_text(encoding="utf-8")
    for choice in ("id = generated R0001… (--generate-ids)", "--duplicates keep-last", "--test-rows drop", "consent = 'Apakah Bapak/Ibu"):  # fmt: skip
        assert f"# Pilihan / choice: {choice}" in head
    manifest = yaml.safe_load(head)
    # 6. title and population
    assert manifest["title"]["id"] == "Survei Komunitas Guru Kota Serang 2026"
    assert manifest["population"] == {"teachers": 48}
    assert manifest["responses"]["origin"] == {"file": SRC.name, "row": "baris_asli", "time": "waktu_isi"}  # fmt: skip
    assert manifest["responses"]["group_names"] == "groups.csv"


def test_groups_csv_is_written_reviewed_and_honoured(tmp_path: Path) -> None:
    out = tmp_path / "serang"
    result = _import(out)
    assert "20 nama sekolah yang diketik → 7 sekolah (groups.csv)" in result.summary("id")
    groups = pd.read_csv(out / "groups.csv", dtype=str, keep_default_na=False)
    assert list(groups.columns) == ["kind", "name_in_file", "n", "group", "status", "npsn", "note"]
    school = groups[groups["kind"] == "school"].set_index("name_in_file")
    for typed in ("SD Negeri Serang 3", "SDN Serang 3", "sdn serang 3", "SDN. Serang 3"):
        assert (
            school.loc[typed, "group"] == "SDN Serang 3"
            or school.loc[typed, "group"] == school.loc["SDN Serang 3", "group"]
        )
    assert school.loc["SDN Serng 3", "status"] == "suspected"  # a typo: not merged, reviewed
    assert "similar to" in school.loc["SDN Serng 3", "note"]
    kkg = groups[groups["kind"] == "kkg"]
    assert kkg["group"].nunique() == 3  # Gugus 3, Gugus 5, MGMP IPA Kota Serang

    survey = load_survey(out, key=KEY)
    assert len(survey.responses) == 40 and survey.responses["school"].nunique() == 7
    similar = [p for p in survey.problems if p.code == "similar_groups"]
    assert len(similar) == 1
    text = similar[0].render("id")
    assert "'SDN Serng 3'" in text and "= baris 29 di gforms_lapangan.csv, 2026-11-10 01:26" in text

    # the reviewer says the typo is the same school
    groups.loc[groups["name_in_file"] == "SDN Serng 3", ["group", "status"]] = [
        school.loc["SDN Serang 3", "group"], "checked"]  # fmt: skip
    groups.to_csv(out / "groups.csv", index=False)
    survey = load_survey(out, key=KEY)
    assert survey.responses["school"].nunique() == 6
    assert survey.responses["kkg"].nunique() == 3
    assert not [p for p in survey.problems if p.code == "similar_groups"]
    # a repeated import keeps the reviewed line
    again = _import(out, force=True)
    assert "1 baris groups.csv yang sudah ditinjau dipertahankan" in again.summary("id")
    assert load_survey(out, key=KEY).responses["school"].nunique() == 6


def test_district_school_list_gives_official_names_and_npsn(tmp_path: Path) -> None:
    out = tmp_path / "serang"
    result = _import(out, school_list=LIST)
    assert "1 nama sekolah tidak ada di daftar sekolah: 'SDN Serng 3'" in result.summary("id")
    groups = pd.read_csv(out / "groups.csv", dtype=str, keep_default_na=False)
    school = groups[groups["kind"] == "school"].set_index("name_in_file")
    assert school.loc["sdn serang 3", "group"] == "SD NEGERI SERANG 3"
    assert school.loc["sdn serang 3", "status"] == "district-list"
    assert school.loc["MTsN 1 Kota Serang", "npsn"] == school.loc["Madrasah Tsanawiyah Negeri 1 Kota Serang", "npsn"] != ""  # fmt: skip
    assert load_survey(out, key=KEY).responses["school"].nunique() == 7  # 6 + the typo


def test_validate_names_original_rows_for_problems_in_imported_data(tmp_path: Path) -> None:
    out = tmp_path / "serang"
    _import(out, test_rows="keep")  # the blank test row kept on purpose
    report = validate_survey(out, key=KEY)
    blank = [p for p in report.problems if p.code == "no_answers"]
    assert len(blank) == 1
    assert (
        blank[0].location("id")
        == "kuesioner.csv, baris 2 (= baris 2 di gforms_lapangan.csv, 2026-11-01 09:30)"
    )
    assert "(= row 2 of gforms_lapangan.csv, 2026-11-01 09:30)" in blank[0].location("en")


def test_start_date_flags_earlier_submissions(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as exc:
        _import(tmp_path / "t", test_rows="error", start_date="2026-11-05")
    msg = str(exc.value)
    assert (
        "baris 3 (2026-11-04 11:37)" in msg and "sebelum hari pertama pengisian (2026-11-05)" in msg
    )


def test_kobo_consent_counts_declined_and_unanswered(tmp_path: Path) -> None:
    from dinamika import load_instrument

    inst = load_instrument(REF)
    n = 6
    frame = pd.DataFrame({"persetujuan": ["ya", "tidak", "", "ya", "ya", "ya"],
                          "id_guru": [f"G{i}" for i in range(n)],
                          **{i: ["4"] * n for i in inst.item_ids}})  # fmt: skip
    frame.to_csv(tmp_path / "kobo.csv", index=False)
    result = import_kobo(tmp_path / "kobo.csv", instrument=REF, out=tmp_path / "t", lang="id")
    assert result.n_written == 4
    text = result.summary("id")
    assert "1 kiriman tanpa persetujuan (persetujuan) tidak dipakai: baris 3" in text
    assert (
        "1 kiriman dengan pertanyaan persetujuan tidak dijawab (persetujuan) tidak dipakai: baris 4"
        in text
    )


def test_cli_asks_title_and_population_in_indonesian(tmp_path: Path, monkeypatch, capsys) -> None:
    import io

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Tty("Survei Serang 2026\nempat puluh\n48\n"))
    out = tmp_path / "t"
    code = main(["import", "google-forms", str(SRC), "--instrument", REF, "--out", str(out),
                 "--generate-ids", "--test-rows", "drop", "--duplicates", "keep-last"])  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 0
    assert "Judul survei (Enter untuk melewati): " in printed
    assert "Jumlah guru yang diundang" in printed and "Tulis bilangan bulat" in printed
    manifest = yaml.safe_load((out / "survey.yaml").read_text(encoding="utf-8"))
    assert (
        manifest["title"]["id"] == "Survei Serang 2026" and manifest["population"]["teachers"] == 48
    )


def test_missing_title_and_population_are_named_with_the_way_to_add_them(tmp_path: Path) -> None:
    result = _import(tmp_path / "t")
    text = result.summary("id")
    assert (
        "survey.yaml belum berisi judul (--title) dan jumlah guru yang diundang (--population)"
        in text
    )
    assert "population: {teachers: N}" in text


@pytest.mark.kernel
@pytest.mark.slow
def test_report_of_the_messy_export_counts_schools_and_respondents(
    tmp_path: Path, monkeypatch
) -> None:
    import html
    import re

    from dinamika.report import pipeline

    monkeypatch.setenv("DINAMIKA_PSEUDONYM_KEY", KEY)
    out = tmp_path / "serang"
    _import(out, school_list=LIST)
    groups = pd.read_csv(out / "groups.csv", dtype=str, keep_default_na=False)
    groups.loc[groups["name_in_file"] == "SDN Serng 3", ["group", "status"]] = ["SD NEGERI SERANG 3", "checked"]  # fmt: skip
    groups.to_csv(out / "groups.csv", index=False)
    result = pipeline.report([out], out=tmp_path / "laporan.html")
    page = html.unescape(re.sub(r"<[^>]+>", " ", result.path.read_text(encoding="utf-8")))
    page = re.sub(r"\s+", " ", page)
    assert "Responden (guru) 40 Sekolah 6 KKG/MGMP 3" in page
    assert "Semester ini 40 guru dari 6 sekolah mengisi kuesioner" in page
    assert "survey.yaml belum menyebut judul survei (title) dan jumlah guru yang diundang" in page
    assert "SDN Serang 3" not in page or "SD NEGERI SERANG 3" in page
