"""Google Forms and KoboToolbox imports: matching, refusals, duplicates, timestamps, privacy."""

from __future__ import annotations

import csv
import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from dinamika import load_instrument, load_survey, validate_survey
from dinamika.cli import main
from dinamika.errors import UsageError
from dinamika.interop import ImportFailed, import_google_forms, import_kobo
from dinamika.interop._timestamps import parse_timestamps

FIX = Path(__file__).parent / "fixtures" / "interop"
REF = "komunitas-guru@1.0.0"
KEY = "kunci-rahasia-untuk-tes-0123456789"
CODES = {"sangat tidak setuju": 1, "tidak setuju": 2, "netral": 3, "setuju": 4, "sangat setuju": 5}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _raw(name: str, **kw: object) -> pd.DataFrame:
    return pd.read_csv(FIX / name, dtype=str, keep_default_na=False, **kw)  # type: ignore[call-overload]


def _write_csv(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL)
    return path


# --- Google Forms, Indonesian CSV ------------------------------------------------------------


def test_duplicates_are_refused_by_default_and_nothing_is_written(tmp_path: Path) -> None:
    out = tmp_path / "2026-2"
    with pytest.raises(ImportFailed) as exc:
        import_google_forms(FIX / "gforms_id.csv", instrument=REF, out=out, lang="en")
    msg = str(exc.value)
    assert "rows 6, 32" in msg and "Alamat email" in msg and "--duplicates keep-last" in msg
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary folder left behind either


def test_google_forms_import_is_a_valid_pseudonymized_term(tmp_path: Path) -> None:
    src = FIX / "gforms_id.csv"
    before = _sha(src)
    out = tmp_path / "2026-2"
    result = import_google_forms(src, instrument=REF, out=out, duplicates="keep-last")
    assert _sha(src) == before  # the export is never modified
    assert sorted(p.name for p in out.iterdir()) == [
        "groups.csv",
        "kuesioner.csv",
        "mapping.csv",
        "rows.csv",
        "survey.yaml",
    ]
    assert result.n_read == 31 and result.n_written == 30

    manifest = yaml.safe_load((out / "survey.yaml").read_text(encoding="utf-8"))
    spec = manifest["responses"]
    assert spec["instrument"] == REF and spec["id"] == "Alamat email"
    assert spec["identifiers"] == ["Alamat email", "Nama Lengkap"]
    assert spec["groups"] == {"school": "Asal Sekolah", "kkg": "KKG/MGMP"}

    report = validate_survey(out, key=KEY)
    assert report.ok, report.summary("en")
    survey = load_survey(out, key=KEY)
    r = survey.responses
    assert len(r) == 30
    raw = _raw("gforms_id.csv")
    emails = set(raw["Alamat email"])
    assert r["teacher"].str.match(r"^p-[0-9a-f]{16}$").all()
    assert not set(r["teacher"]) & emails
    assert not r["Nama Lengkap"].isin(raw["Nama Lengkap"]).any()
    assert set(r["school"]) == {"SDN Serang 3", "SDN Serang 7", "SDN Cipocok 2"}

    # Codes equal the labels typed in the export, row by row; keep-last kept row 32, not row 6.
    kept = raw.drop(index=4).reset_index(drop=True)  # row 6 of the sheet = index 4
    inst = load_instrument(REF)
    for k, item in enumerate(inst.items):
        header = next(c for c in raw.columns if c.startswith(f"{k + 1}. "))
        expected = kept[header].str.strip().str.lower().map(CODES).to_numpy(dtype=float)
        np.testing.assert_array_equal(r[item.id].to_numpy(), expected)


def test_mapping_file_records_how_each_header_matched(tmp_path: Path) -> None:
    out = tmp_path / "t"
    result = import_google_forms(
        FIX / "gforms_id.csv", instrument=REF, out=out, duplicates="keep-last"
    )
    mapping = pd.read_csv(out / "mapping.csv", dtype=str, keep_default_na=False)
    assert list(mapping.columns) == ["column_in_file", "column_in_data", "role", "item", "method", "similarity", "nearest", "item_text"]  # fmt: skip
    items = mapping[mapping["role"] == "item"].set_index("item")
    assert len(items) == 24
    assert items.loc["KK3", "method"] == "fuzzy" and float(items.loc["KK3", "similarity"]) >= 0.85
    assert items.loc["KEP1", "method"] == "normalized"
    assert set(mapping["role"]) >= {
        "timestamp",
        "id, identifier",
        "identifier",
        "school",
        "kkg",
        "other",
    }
    assert result.mapping.shape[0] == mapping.shape[0]
    # The reviewed file can be given back: same result.
    again = import_google_forms(
        FIX / "gforms_id.csv", instrument=REF, out=tmp_path / "u", duplicates="keep-last",
        mapping=out / "mapping.csv",
    )  # fmt: skip
    assert set(again.mapping.loc[again.mapping["role"] == "item", "method"]) == {"manual"}
    pd.testing.assert_frame_equal(again.data, result.data)


def test_keep_first_and_keep_last_choose_by_timestamp(tmp_path: Path) -> None:
    raw = _raw("gforms_id.csv")
    # put the repeated submission first in the file: keep-last must still keep the later one
    swapped = pd.concat([raw.iloc[[30]], raw.iloc[:30]]).reset_index(drop=True)
    src = _write_csv(tmp_path / "swapped.csv", swapped)
    last = import_google_forms(src, instrument=REF, out=tmp_path / "a", duplicates="keep-last")
    first = import_google_forms(src, instrument=REF, out=tmp_path / "b", duplicates="keep-first")
    email = raw.loc[30, "Alamat email"]
    t_last = last.data.loc[last.data["Alamat email"] == email, "waktu_isi"].item()
    t_first = first.data.loc[first.data["Alamat email"] == email, "waktu_isi"].item()
    assert t_last > t_first
    assert last.duplicates["row"].tolist() == [2, 7]  # spreadsheet rows of the two submissions
    assert last.duplicates["kept_row"].tolist() == [2, 2]


def test_unmatched_header_is_refused_with_nearest_candidates(tmp_path: Path) -> None:
    raw = _raw("gforms_id.csv")
    inst = load_instrument(REF)
    old = next(c for c in raw.columns if c.startswith("9. "))
    reworded = (
        "9. Saya merasa cukup aman mengakui kesulitan saat mengajar di depan rekan-rekan komunitas."
    )
    src = _write_csv(tmp_path / "form.csv", raw.rename(columns={old: reworded}))
    out = tmp_path / "t"
    with pytest.raises(ImportFailed) as exc:
        import_google_forms(src, instrument=REF, out=out, duplicates="keep-last", lang="en")
    msg = str(exc.value)
    assert f"header '{reworded}'" in msg and "nearest: SP3 (" in msg
    assert "item SP3: no header matches" in msg and "--map" in msg
    assert not out.exists()
    result = import_google_forms(
        src, instrument=REF, out=out, duplicates="keep-last", mapping={reworded: "SP3"}
    )
    row = result.mapping.set_index("item").loc["SP3"]
    assert row["method"] == "manual" and row["column_in_file"] == reworded
    assert inst.item("SP3").text["id"] == row["item_text"]


def test_two_headers_for_one_item_are_ambiguous(tmp_path: Path) -> None:
    raw = _raw("gforms_id.csv")
    inst = load_instrument(REF)
    raw["Ulangan: " + inst.item("KEP2").text["id"]] = raw.iloc[:, 6]
    src = _write_csv(tmp_path / "form.csv", raw)
    with pytest.raises(ImportFailed, match="more than one header matches item KEP2"):
        import_google_forms(
            src, instrument=REF, out=tmp_path / "t", duplicates="keep-last", lang="en"
        )


def test_unknown_answers_name_header_row_and_fix(tmp_path: Path) -> None:
    raw = _raw("gforms_id.csv")
    header = next(c for c in raw.columns if c.startswith("1. "))
    raw.loc[[1, 2], header] = "Setuju sekali"
    src = _write_csv(tmp_path / "form.csv", raw)
    with pytest.raises(ImportFailed) as exc:
        import_google_forms(
            src, instrument=REF, out=tmp_path / "t", duplicates="keep-last", lang="en"
        )
    msg = str(exc.value)
    assert f"header '{header.strip()}' (KEP1), row(s) 3, 4" in msg
    assert "answer 'Setuju sekali'" in msg and "--label 'Setuju sekali=CODE'" in msg
    result = import_google_forms(
        src, instrument=REF, out=tmp_path / "t", duplicates="keep-last", labels={"Setuju sekali": 5}
    )
    assert result.manifest["responses"]["labels"] == {"Setuju sekali": 5}
    s = load_survey(tmp_path / "t", key=KEY)
    assert (s.responses["KEP1"].iloc[[1, 2]] == 5).all()


# --- other Google Forms shapes -----------------------------------------------------------------


def test_english_xlsx_with_grid_headers(tmp_path: Path) -> None:
    out = tmp_path / "en"
    result = import_google_forms(FIX / "gforms_en.xlsx", instrument=REF, out=out)
    assert result.n_written == 12
    assert result.manifest["responses"]["groups"] == {"school": "School"}
    assert result.data["waktu_isi"].str.match(r"^2026-11-\d\dT\d\d:\d\d:\d\d$").all()
    s = load_survey(out, key=KEY)
    raw = pd.read_excel(FIX / "gforms_en.xlsx", dtype=str)
    header = next(c for c in raw.columns if c.endswith("[I apply in my classroom what I learn from the teacher community.]"))  # fmt: skip
    en = {"strongly disagree": 1, "disagree": 2, "neutral": 3, "agree": 4, "strongly agree": 5}
    expected = raw[header].str.lower().map(en).to_numpy(dtype=float)
    np.testing.assert_array_equal(s.responses["KK4"].to_numpy(), expected)


def test_xlsx_sheet_by_name(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(FIX / "gforms_en.xlsx")
    wb.create_sheet("Catatan", 0).append(["just notes"])
    wb.save(tmp_path / "two.xlsx")
    with pytest.raises(ImportFailed):  # the first sheet is not the responses
        import_google_forms(tmp_path / "two.xlsx", instrument=REF, out=tmp_path / "a")
    result = import_google_forms(
        tmp_path / "two.xlsx", instrument=REF, out=tmp_path / "a", sheet="Form Responses 1"
    )
    assert result.n_written == 12


def test_semicolon_cp1252_with_indonesian_month_names(tmp_path: Path) -> None:
    result = import_google_forms(FIX / "gforms_bulan.csv", instrument=REF, out=tmp_path / "b")
    raw = pd.read_csv(FIX / "gforms_bulan.csv", sep=";", encoding="cp1252", dtype=str)
    assert raw.loc[0, "Stempel waktu"].startswith("Senin, 4 Nopember 2026 pukul 08.12")
    assert result.data.loc[0, "waktu_isi"] == "2026-11-04T08:12:00"
    assert result.data["waktu_isi"].str.len().eq(19).all()
    assert "MI Al-Ma’arif" in set(result.data["Sekolah"])
    s = load_survey(tmp_path / "b", key=KEY)
    assert s.responses["KEP1"].notna().sum() >= 7  # upper-case labels read as codes


def test_generated_ids_when_there_is_no_id_column(tmp_path: Path) -> None:
    raw = _raw("gforms_id.csv").drop(columns=["Alamat email", "Nama Lengkap"])
    src = _write_csv(tmp_path / "anon.csv", raw)
    result = import_google_forms(src, instrument=REF, out=tmp_path / "t")
    assert result.data["id_responden"].iloc[:3].tolist() == ["R0001", "R0002", "R0003"]
    assert any("cannot be detected" in n for n in result.notes)
    assert validate_survey(tmp_path / "t", key=KEY).ok


def test_existing_folder_needs_force_and_input_is_protected(tmp_path: Path) -> None:
    out = tmp_path / "t"
    import_google_forms(FIX / "gforms_en.xlsx", instrument=REF, out=out)
    with pytest.raises(UsageError, match="--force"):
        import_google_forms(FIX / "gforms_en.xlsx", instrument=REF, out=out, lang="en")
    import_google_forms(FIX / "gforms_en.xlsx", instrument=REF, out=out, force=True)
    inside = tmp_path / "u"
    inside.mkdir()
    src = shutil.copy(FIX / "gforms_bulan.csv", inside / "kuesioner.csv")
    with pytest.raises(UsageError, match="overwrite its own input"):
        import_google_forms(src, instrument=REF, out=inside, force=True, lang="en")


# --- KoboToolbox -------------------------------------------------------------------------------


def test_kobo_export_with_group_prefixes(tmp_path: Path) -> None:
    with pytest.raises(
        ImportFailed, match=r"rows 2, 11: the same respondent \(column 'grp_responden/id_guru'\)"
    ):
        import_kobo(FIX / "kobo_export.csv", instrument=REF, out=tmp_path / "k", lang="en")
    result = import_kobo(
        FIX / "kobo_export.csv", instrument=REF, out=tmp_path / "k", duplicates="keep-first"
    )
    spec = result.manifest["responses"]
    assert spec["id"] == "id_guru" and spec["groups"] == {"school": "sekolah", "kkg": "kkg"}
    assert "_status" not in result.data.columns and "deviceid" not in result.data.columns
    assert result.data["waktu_isi"].iloc[0] == "2026-11-05T15:53:48"
    s = load_survey(tmp_path / "k", key=KEY)
    raw = _raw("kobo_export.csv", sep=";")
    first = raw.drop(index=9)
    np.testing.assert_array_equal(
        s.responses["DS6"].to_numpy(), pd.to_numeric(first["grp_ds/DS6"]).to_numpy(dtype=float)
    )
    assert s.responses["teacher"].tolist() == first["grp_responden/id_guru"].tolist()


def test_kobo_without_respondent_code_uses_uuid(tmp_path: Path) -> None:
    raw = _raw("kobo_export.csv", sep=";").drop(columns=["grp_responden/id_guru"])
    src = _write_csv(tmp_path / "k.csv", raw)
    result = import_kobo(src, instrument=REF, out=tmp_path / "k")
    assert result.manifest["responses"]["id"] == "_uuid"
    assert any("_uuid" in n for n in result.notes)
    assert validate_survey(tmp_path / "k", key=KEY).ok


# --- timestamps --------------------------------------------------------------------------------


def test_timestamp_orders_and_locales() -> None:
    us = parse_timestamps(pd.Series(["11/27/2026 14:03:12", "1/2/2026 9:05:00"]))
    assert us.date_order == "mdy" and not us.assumed
    assert [str(v) for v in us.values] == ["2026-11-27 14:03:12", "2026-01-02 09:05:00"]
    ambiguous = parse_timestamps(pd.Series(["01/02/2026 09:05:00"]))
    assert ambiguous.assumed and str(ambiguous.values[0]) == "2026-02-01 09:05:00"
    forced = parse_timestamps(pd.Series(["01/02/2026 09:05:00"]), date_order="mdy")
    assert str(forced.values[0]) == "2026-01-02 09:05:00"
    texts = pd.Series(
        ["27 Agustus 2026 14.03.12", "Kamis, 3 Des 2026", "November 27, 2026 2:03:12 PM",
         "2026-11-27T07:03:12.123Z", "27-Mei-2026 7.05", "rusak", ""]
    )  # fmt: skip
    got = parse_timestamps(texts)
    assert [str(v) for v in got.values] == [
        "2026-08-27 14:03:12", "2026-12-03 00:00:00", "2026-11-27 14:03:12",
        "2026-11-27 07:03:12", "2026-05-27 07:05:00", "NaT", "NaT",
    ]  # fmt: skip
    assert got.bad_rows.tolist() == [5]
    excel = parse_timestamps(pd.Series(["46353.585555556", "12345"]))
    assert str(excel.values[0]) == "2026-11-27 14:03:12" and excel.bad_rows.tolist() == [1]


# --- command line --------------------------------------------------------------------------------


def test_cli_import_exit_codes_and_clean_messages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["import", "google-forms", str(FIX / "gforms_id.csv"), "--instrument", REF]
    assert main([*args, "--out", str(tmp_path / "a"), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "rows 6, 32" in err and "Traceback" not in err
    assert (
        main([*args, "--out", str(tmp_path / "a"), "--duplicates", "keep-last", "--lang", "id"])
        == 0
    )
    assert "Diimpor ke" in capsys.readouterr().out
    assert main(["validate", str(tmp_path / "a")]) == 0
    capsys.readouterr()
    missing = [
        "import",
        "kobo",
        str(tmp_path / "nope.csv"),
        "--instrument",
        REF,
        "--out",
        str(tmp_path / "b"),
    ]
    assert main(missing) == 2
    assert main([*args, "--out", str(tmp_path / "c"), "--label", "oops"]) == 2
    assert (
        main(
            [
                *args,
                "--out",
                str(tmp_path / "c"),
                "--map",
                "No such header=KEP1",
                "--duplicates",
                "keep-last",
                "--lang",
                "en",
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert "the file has no header 'No such header'" in err


def test_cli_runs_as_a_process_without_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "dinamika.cli", "import", "kobo", str(FIX / "kobo_export.csv"),
         "--instrument", REF, "--out", str(tmp_path / "k")],
        capture_output=True, text=True, check=False,
        env={"PYTHONPATH": str(Path(__file__).parents[1] / "src"), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "keep-last" in proc.stderr


def test_kobo_without_consent_is_left_out_and_rows_keep_their_numbers(tmp_path: Path) -> None:
    raw = _raw("kobo_export.csv", sep=";")
    items = [c for c in raw.columns if c.startswith("grp_") and not c.startswith("grp_responden")]
    raw.loc[3, "persetujuan"] = "tidak"
    raw.loc[3, items] = ""  # declined: no answers
    raw.loc[6, "grp_sp/SP2"] = "9"
    src = _write_csv(tmp_path / "k.csv", raw)
    with pytest.raises(ImportFailed) as exc:
        import_kobo(src, instrument=REF, out=tmp_path / "k", duplicates="keep-first", lang="en")
    assert "header 'grp_sp/SP2' (SP2), row(s) 8: answer '9'" in str(exc.value)
    raw.loc[6, "grp_sp/SP2"] = "2"
    src = _write_csv(tmp_path / "k.csv", raw)
    result = import_kobo(src, instrument=REF, out=tmp_path / "k", duplicates="keep-first")
    assert result.n_written == 8  # 10 rows, one declined, one repeated submission
    assert any("without consent (persetujuan) left out: row(s) 5" in n for n in result.notes)
    assert result.duplicates["row"].tolist() == [2, 11]
    assert validate_survey(tmp_path / "k", key=KEY).ok


def test_answers_with_agreeing_code_and_label_are_read(tmp_path: Path) -> None:
    raw = _raw("gforms_id.csv")
    header = next(c for c in raw.columns if c.startswith("2. "))
    codes = raw[header].str.strip().str.lower().map(CODES)
    numbered = {1: "1 - Sangat Tidak Setuju", 2: "2 - Tidak Setuju", 3: "3 - Netral", 4: "Setuju (4)", 5: "Sangat Setuju (5)"}  # fmt: skip
    raw[header] = [numbered[int(c)] if c == c else "" for c in codes]
    src = _write_csv(tmp_path / "form.csv", raw)
    result = import_google_forms(src, instrument=REF, out=tmp_path / "t", duplicates="keep-last")
    assert any("carry a code and a label that agree" in n for n in result.notes)
    assert "jawaban seperti" in result.summary("id")
    s = load_survey(tmp_path / "t", key=KEY)
    expected = codes.drop(index=4).to_numpy(dtype=float)
    np.testing.assert_array_equal(s.responses["KEP2"].to_numpy(), expected)
    # a number and a label that disagree are not guessed
    raw.loc[0, header] = "4 - Netral"
    src = _write_csv(tmp_path / "form2.csv", raw)
    with pytest.raises(ImportFailed, match="answer '4 - Netral'"):
        import_google_forms(
            src, instrument=REF, out=tmp_path / "u", duplicates="keep-last", lang="en"
        )


def test_interview_guides_cannot_be_imported(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="interview instrument"):
        import_google_forms(
            FIX / "gforms_id.csv", instrument="panduan-wawancara@1.0.0", out=tmp_path / "t",
            lang="en",
        )


def test_every_problem_is_listed_at_once_with_place_and_fix(tmp_path: Path) -> None:
    raw = _raw("gforms_id.csv")
    q9 = next(c for c in raw.columns if c.startswith("9. "))
    q1 = next(c for c in raw.columns if c.startswith("1. "))
    raw = raw.rename(
        columns={
            q9: "9. Saya merasa cukup aman mengakui kesulitan saat mengajar di depan rekan-rekan komunitas."
        }
    )
    raw.loc[3, q1] = "Sangat setuju sekali"
    raw.loc[7, "Alamat email"] = ""
    src = _write_csv(tmp_path / "messy.csv", raw)
    for lang, fix in (("en", ". Fix: "), ("id", ". Perbaikan: ")):
        with pytest.raises(ImportFailed) as exc:
            import_google_forms(src, instrument=REF, out=tmp_path / "t", lang=lang)
        issues = exc.value.issues
        lines = str(exc.value).splitlines()[1:]
        assert len(issues) == len(lines) == 5  # header, missing item, answer, empty id, duplicate
        for line in lines:
            assert fix in line
            where = line[2:].split(": ", 1)[0]
            assert re.match(
                r"^(header|item|column|rows?|judul kolom|butir|kolom|baris)\b", where
            ), line
    assert not (tmp_path / "t").exists()


# --- observations into an existing term ---------------------------------------------------------


def _kobo_rubric(path: Path, teachers: list[str], *, repeat_first: bool = False) -> Path:
    """A Kobo export of the observation XLSForm: two observers per lesson, codes 1-4."""
    from dinamika.interop.xlsform_export import group_names

    rubric = load_instrument("observasi-pembelajaran@1.0.0")
    groups = group_names(rubric)
    rng = np.random.default_rng(4)
    rows = []
    for k, teacher in enumerate(teachers):
        for observer in ("P01", "P02"):
            row = {"start": "2026-11-20T08:00:00.000+07:00", "persetujuan": "ya",
                   "grp_pelajaran/id_pelajaran": f"L{k:03d}", "grp_pelajaran/id_guru": teacher,
                   "grp_pelajaran/id_pengamat": observer, "grp_pelajaran/tanggal": "2026-11-20"}  # fmt: skip
            for item in rubric.items:
                row[f"{groups[item.scale]}/{item.id}"] = str(rng.integers(1, 5))
            row.update({"catatan": "", "_uuid": f"u{k}{observer}", "_submission_time": f"2026-11-20T0{k % 10}:00:00"})  # fmt: skip
            rows.append(row)
    if repeat_first:
        rows.append(dict(rows[0], _submission_time="2026-11-21T09:00:00"))
    pd.DataFrame(rows).to_csv(path, sep=";", index=False)
    return path


def test_observations_join_an_imported_term(tmp_path: Path) -> None:
    term = tmp_path / "2026-2"
    import_kobo(FIX / "kobo_export.csv", instrument=REF, out=term, duplicates="keep-first")
    before = (term / "kuesioner.csv").read_bytes()
    teachers = pd.read_csv(term / "kuesioner.csv", dtype=str)["id_guru"].tolist()
    src = _kobo_rubric(tmp_path / "rubrik.csv", teachers[:6], repeat_first=True)
    rubric = "observasi-pembelajaran@1.0.0"
    with pytest.raises(ImportFailed, match="the same lesson and observer"):
        import_kobo(src, instrument=rubric, out=term, lang="en")
    result = import_kobo(src, instrument=rubric, out=term, duplicates="keep-last")
    assert result.n_written == 12
    manifest = yaml.safe_load((term / "survey.yaml").read_text(encoding="utf-8"))
    assert manifest["responses"]["file"] == "kuesioner.csv"  # the questionnaire part is kept
    assert manifest["observations"] == {
        "file": "observasi.csv", "instrument": rubric,
        "lesson": "id_pelajaran", "teacher": "id_guru", "observer": "id_pengamat",
        "ignore": ["waktu_isi", "baris_asli"],  # shown to people, not analysed
        "origin": {"file": "rubrik.csv", "row": "baris_asli", "time": "waktu_isi"},
    }  # fmt: skip
    assert (term / "survey.yaml").read_text(encoding="utf-8").startswith("# Dibuat oleh")
    assert (term / "kuesioner.csv").read_bytes() == before
    assert (term / "mapping-observasi.csv").is_file()
    s = load_survey(term, key=KEY)
    assert s.observations is not None and len(s.observations) == 12
    assert set(s.observations["observer"]) == {"P01", "P02"}
    raw = pd.read_csv(src, sep=";", dtype=str).drop(index=0)  # keep-last: the repeat stays
    np.testing.assert_array_equal(
        s.observations["PK2"].to_numpy(), pd.to_numeric(raw["grp_pk/PK2"]).to_numpy(dtype=float)
    )
    with pytest.raises(UsageError, match="already has observations"):
        import_kobo(src, instrument=rubric, out=term, duplicates="keep-last", lang="en")
    # re-importing the questionnaire with --force keeps the observations section and file
    import_kobo(
        FIX / "kobo_export.csv", instrument=REF, out=term, duplicates="keep-first", force=True
    )
    again = yaml.safe_load((term / "survey.yaml").read_text(encoding="utf-8"))
    assert again["observations"] == manifest["observations"]
    assert load_survey(term, key=KEY).observations is not None


def test_observations_need_the_term_and_known_teachers(tmp_path: Path) -> None:
    rubric = "observasi-pembelajaran@1.0.0"
    src = _kobo_rubric(tmp_path / "rubrik.csv", ["G001", "G002"])
    with pytest.raises(UsageError, match="import the questionnaire into it first"):
        import_kobo(src, instrument=rubric, out=tmp_path / "new", lang="en")
    term = tmp_path / "t"
    import_kobo(FIX / "kobo_export.csv", instrument=REF, out=term, duplicates="keep-first")
    manifest_before = (term / "survey.yaml").read_bytes()
    stranger = _kobo_rubric(tmp_path / "r2.csv", ["G001", "X999"])
    with pytest.raises(ImportFailed, match="teacher id X999 does not appear"):
        import_kobo(stranger, instrument=rubric, out=term, lang="en")
    assert (term / "survey.yaml").read_bytes() == manifest_before
    assert not (term / "observasi.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_empty_rows_are_skipped_and_said(tmp_path: Path) -> None:
    raw = _raw("gforms_id.csv")
    blank = pd.DataFrame([[""] * raw.shape[1]] * 2, columns=raw.columns)
    src = _write_csv(tmp_path / "form.csv", pd.concat([raw.iloc[:10], blank], ignore_index=True))
    result = import_google_forms(src, instrument=REF, out=tmp_path / "t", duplicates="keep-last")
    assert result.n_read == 12 and result.n_written == 10
    assert "2 empty row(s) skipped: row(s) 12, 13" in result.notes


def test_kobo_label_headers_with_group_labels(tmp_path: Path) -> None:
    """A Kobo export with "Labels" headers including group names, and label answers."""
    inst = load_instrument(REF)
    raw = _raw("kobo_export.csv", sep=";")
    labels = {
        1: "Sangat Tidak Setuju",
        2: "Tidak Setuju",
        3: "Netral",
        4: "Setuju",
        5: "Sangat Setuju",
    }
    renamed = {}
    for item in inst.items:
        col = next(c for c in raw.columns if c.endswith(f"/{item.id}"))
        raw[col] = raw[col].map(lambda v: labels[int(v)] if v else "")
        renamed[col] = f"Bagian {list(inst.scales).index(item.scale) + 1}/{item.text['id']}"
    src = _write_csv(tmp_path / "labels.csv", raw.rename(columns=renamed))
    result = import_kobo(src, instrument=REF, out=tmp_path / "k", duplicates="keep-first")
    items = result.mapping[result.mapping["role"] == "item"]
    assert len(items) == 24 and set(items["method"]) == {"normalized"}
    s = load_survey(tmp_path / "k", key=KEY)
    codes = _raw("kobo_export.csv", sep=";").drop(index=9)["grp_kep/KEP3"]
    np.testing.assert_array_equal(
        s.responses["KEP3"].to_numpy(), pd.to_numeric(codes).to_numpy(dtype=float)
    )


# --- found by using the import as a district officer would ----------------------------------


def test_contact_columns_are_identifiers_by_header_or_content(tmp_path: Path) -> None:
    raw = _raw("gforms_id.csv")
    raw.insert(3, "Nomor HP / WA (opsional)", [f"0812345678{i:02d}" for i in range(len(raw))])
    raw.insert(4, "Kontak", [f"+62 812-3456-7{i:03d}" for i in range(len(raw))])
    raw.insert(5, "Berapa tahun Anda mengajar?", ["7"] * len(raw))
    out = tmp_path / "t"
    result = import_google_forms(
        _write_csv(tmp_path / "f.csv", raw), instrument=REF, out=out, duplicates="keep-last"
    )
    spec = yaml.safe_load((out / "survey.yaml").read_text(encoding="utf-8"))["responses"]
    assert {"Nomor HP / WA (opsional)", "Kontak"} <= set(spec["identifiers"])
    assert "Berapa tahun Anda mengajar?" in spec["ignore"]
    survey = load_survey(out, key=KEY)
    assert "0812345678" not in survey.responses.to_csv()
    text = result.summary("id")
    assert "data pribadi" in text and "'Nomor HP / WA (opsional)'" in text
    assert "jangan bagikan folder ini" in text
    assert "pertanyaan lain tidak dianalisis" in text and "Berapa tahun Anda" in text


def test_fuzzy_matches_are_named_in_the_summary(tmp_path: Path) -> None:
    raw = _raw("gforms_id.csv")
    inst = load_instrument(REF)
    sp3 = next(c for c in raw.columns if "aman mengakui" in c)
    edited = (
        "Saya merasa aman untuk mengakui kesulitan dalam mengajar di hadapan anggota komunitas."
    )
    assert inst.item("SP3").text["id"] != edited
    raw = raw.rename(columns={sp3: edited})
    result = import_google_forms(
        _write_csv(tmp_path / "f.csv", raw),
        instrument=REF,
        out=tmp_path / "t",
        duplicates="keep-last",
    )
    assert f"'{edited[:39]}…' → SP3" in result.summary("en")
    assert "dicocokkan menurut kemiripan" in result.summary("id")


def test_folder_messages_follow_the_language(tmp_path: Path) -> None:
    out = tmp_path / "t"
    import_google_forms(FIX / "gforms_en.xlsx", instrument=REF, out=out)
    with pytest.raises(UsageError) as exc:
        import_google_forms(FIX / "gforms_en.xlsx", instrument=REF, out=out, lang="id")
    assert "sudah ada dan tidak kosong" in str(exc.value) and "already" not in str(exc.value)
    with pytest.raises(UsageError, match="tidak ada"):
        import_google_forms(tmp_path / "hilang.csv", instrument=REF, out=out, lang="id")


def test_kobo_label_export_finds_consent_and_code_by_their_labels(tmp_path: Path) -> None:
    from dinamika.interop.xlsform_export import xlsform

    rows = xlsform(REF)["survey"]
    lab = "label::English (en)"
    group, headers = "", {}
    for kind, name, label in zip(rows["type"], rows["name"], rows[lab], strict=True):
        if kind == "begin_group":
            group = label
        elif kind == "end_group":
            group = ""
        elif kind not in ("note", "start", "end"):
            headers[name] = f"{group}/{label}" if group else label
    n = 6
    answers = ["Agree", "Strongly agree", "Neutral", "Disagree", "Agree", "Agree"]
    data = {headers["persetujuan"]: ["Yes", "No", "Yes", "Yes", "Yes", "Yes"]}
    data[headers["id_guru"]] = [f"G{i}" for i in range(n)]
    data[headers["sekolah"]] = ["SDN 1", "", "SDN 1", "SDN 2", "SDN 2", "SDN 2"]
    data[headers["kkg"]] = ["KKG 1"] * n
    data[headers["kabupaten"]] = ["Sleman"] * n
    for item in load_instrument(REF).item_ids:
        data[headers[item]] = answers
    data["_uuid"] = [f"u{i}" for i in range(n)]
    frame = pd.DataFrame(data)
    for i in range(len(frame.columns) - 1):  # the declining teacher answered nothing
        frame.iloc[1, i] = "No" if i == 0 else ""
    out = tmp_path / "t"
    result = import_kobo(_write_csv(tmp_path / "k.csv", frame), instrument=REF, out=out)
    spec = result.manifest["responses"]
    assert spec["id"] == "id_guru"
    assert spec["groups"] == {"school": "sekolah", "kkg": "kkg", "district": "kabupaten"}
    assert (result.n_read, result.n_written) == (6, 5)
    assert "without consent" in result.summary("en") and "row(s) 3" in result.summary("en")
    assert load_survey(out, key=KEY).responses["teacher"].tolist() == ["G0", "G2", "G3", "G4", "G5"]


def test_nip_ids_that_lost_digits_in_a_spreadsheet_are_refused(tmp_path: Path) -> None:
    raw = _raw("gforms_id.csv").drop(columns=["Alamat email"])
    nips = [198003132020011000 + 7 * i for i in range(len(raw))]
    raw.insert(1, "NIP", [str(int(float(n))) for n in nips])  # what a number cell keeps
    with pytest.raises(ImportFailed) as exc:
        import_google_forms(
            _write_csv(tmp_path / "f.csv", raw), instrument=REF, out=tmp_path / "t", lang="id"
        )
    msg = str(exc.value)
    assert "kolom 'NIP'" in msg and "digit terakhirnya hilang" in msg and "--id-column" in msg
    raw["NIP"] = [str(n) for n in nips]  # typed as text: every digit kept
    result = import_google_forms(
        _write_csv(tmp_path / "g.csv", raw), instrument=REF, out=tmp_path / "u",
        duplicates="keep-last",
    )  # fmt: skip
    assert result.manifest["responses"]["id"] == "NIP"


def test_cli_usage_messages_are_indonesian_by_default_and_suggest_the_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DINAMIKA_LANG", raising=False)
    args = ["import", "google-forms", str(FIX / "gforms_id.csv"), "--instrument", REF]
    args += ["--out", str(tmp_path / "a")]
    assert main([*args, "--id-column", "Email"]) == 2
    err = capsys.readouterr().err
    assert "berkas tidak memiliki kolom itu; maksud Anda 'Alamat email'?" in err
    assert main([*args, "--label", "Setuju sekali"]) == 2
    assert "harus berbentuk 'TEKS=NILAI'" in capsys.readouterr().err
    assert main([*args, "--label", "Setuju sekali=lima"]) == 2
    assert "harus bilangan bulat" in capsys.readouterr().err
    assert main([*args, "--id-column", "Email", "--lang", "en"]) == 2
    assert "did you mean 'Alamat email'?" in capsys.readouterr().err
    assert not (tmp_path / "a").exists()
