"""Issue 16: hostile and broken inputs to validate/load/import/export, each with its own
fixture. Every failure is a clear message with file/row/column and never a traceback."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import dinamika
from dinamika.cli import main
from dinamika.errors import SurveyError, ValidationError
from dinamika.interop import export_survey, import_google_forms
from tests.test_report_data import make_term

KEY = "0123456789abcdef0123456789abcdef"
FIX = Path(__file__).parent / "fixtures" / "interop"
REF = "komunitas-guru@1.0.0"


def _term(tmp_path: Path, name: str = "t") -> Path:
    return make_term(tmp_path / name, n_schools=6, per_school=9)


def _edit_csv(folder: Path, fn) -> None:
    path = folder / "kuesioner.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    fn(frame)
    frame.to_csv(path, index=False)


def _codes(report) -> list[str]:
    return [p.code for p in report.problems]


# --- 1, 2: identifiers where they do not belong ---------------------------------------------


def test_identifier_typed_into_a_group_column_never_reaches_outputs(tmp_path):
    folder = _term(tmp_path)

    def plant(f):
        f.loc[0, "sekolah"] = "siti.rahma@example.org"
        f.loc[1, "kkg"] = "Siti Rahma 19850101 201001 2 000"

    _edit_csv(folder, plant)
    survey = dinamika.load_survey(folder, key=KEY)
    assert "identifier_in_group" in [p.code for p in survey.problems]
    shown = set(survey.responses["school"]) | set(survey.responses["kkg"])
    assert not any("@" in s or "19850101" in s for s in shown)
    res = export_survey(survey, tmp_path / "x.csv", factor_scores=False)
    text = (tmp_path / "x.csv").read_text(encoding="utf-8-sig")
    assert "siti.rahma" not in text and "19850101" not in text
    assert res.path.exists()


def test_id_pointing_at_a_name_column_is_pseudonymized(tmp_path):
    folder = _term(tmp_path)
    yaml_path = folder / "survey.yaml"
    yaml_path.write_text(
        yaml_path.read_text()
        .replace("id: id_guru", "id: nama")
        .replace("identifiers: [nama, nip]", "identifiers: [nip]")
    )
    # the observations and interviews name teachers by id_guru: leave them out
    yaml_path.write_text(yaml_path.read_text().split("observations:")[0])
    survey = dinamika.load_survey(folder, key=KEY)
    assert "id_is_identifier" in [p.code for p in survey.problems]
    assert survey.responses["teacher"].str.startswith("p-").all()
    with pytest.raises(SurveyError, match="tampak seperti nama") as raised:
        export_survey(survey, tmp_path / "x.csv", factor_scores=False)
    assert "look like names" in raised.value.text("en")
    assert not (tmp_path / "x.csv").exists()


def test_nip_with_spaces_as_id_never_reaches_an_export(tmp_path):
    folder = _term(tmp_path)

    def spaced(f):
        f["id_guru"] = [f"19850101 2010{i:02d} 2 {i:03d}" for i in range(len(f))]

    _edit_csv(folder, spaced)
    text = (folder / "survey.yaml").read_text()
    (folder / "survey.yaml").write_text(text.split("observations:")[0])
    survey = dinamika.load_survey(folder, key=KEY)
    assert survey.responses["teacher"].str.startswith("p-").all()
    with pytest.raises(SurveyError, match="NIP/NIK/NUPTK"):
        export_survey(survey, tmp_path / "x.csv", factor_scores=False)
    assert not (tmp_path / "x.csv").exists()
    # declared as an identifier, the pseudonyms are exported, never the NIPs
    text = (folder / "survey.yaml").read_text().replace("[nama, nip]", "[nama, nip, id_guru]")
    (folder / "survey.yaml").write_text(text)
    export_survey(folder, tmp_path / "x.csv", factor_scores=False, key=KEY)
    assert "19850101" not in (tmp_path / "x.csv").read_text(encoding="utf-8-sig")


# --- 4: problems never print an identifier's value ------------------------------------------


def test_validate_never_prints_a_duplicated_email_id(tmp_path, capsys):
    folder = _term(tmp_path)

    def emails(f):
        f["id_guru"] = [f"guru{i}@sekolah.sch.id" for i in range(len(f))]
        f.loc[5, "id_guru"] = f.loc[4, "id_guru"]

    _edit_csv(folder, emails)
    text = (folder / "survey.yaml").read_text()
    (folder / "survey.yaml").write_text(text.split("observations:")[0])
    assert main(["validate", str(folder), "--format", "json"]) == 1
    out = capsys.readouterr().out
    found = json.loads(out)
    dup = [p for p in found["problems"] if p["code"] == "duplicate_id"]
    assert dup and dup[0]["row"] == 7 and dup[0]["column"] == "id_guru"
    assert "guru4@" not in out
    assert main(["validate", str(folder)]) == 1
    assert "guru4@" not in capsys.readouterr().out
    with pytest.raises(ValidationError) as exc:
        dinamika.load_survey(folder, key=KEY)
    assert "guru4@" not in str(exc.value)


# --- 6: the key inside the data folder ------------------------------------------------------


def test_key_file_inside_the_data_folder_is_warned(tmp_path, monkeypatch):
    folder = _term(tmp_path)
    (folder / "kunci.txt").write_text(KEY)
    monkeypatch.delenv("DINAMIKA_PSEUDONYM_KEY", raising=False)
    report = dinamika.validate_survey(folder, key_file=folder / "kunci.txt")
    assert "key_in_data_folder" in _codes(report)
    outside = tmp_path / "kunci.txt"
    outside.write_text(KEY)
    assert "key_in_data_folder" not in _codes(dinamika.validate_survey(folder, key_file=outside))
    monkeypatch.setenv("DINAMIKA_PSEUDONYM_KEY_FILE", str(folder / "kunci.txt"))
    assert "key_in_data_folder" in _codes(dinamika.validate_survey(folder))


# --- 8-11: paths and manifests --------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["/etc/passwd", "../../../../etc/passwd", "link.csv", "../t2/kuesioner.csv"]
)
def test_files_outside_the_term_folder_are_refused(tmp_path, name):
    folder = _term(tmp_path)
    _term(tmp_path, "t2")
    (folder / "link.csv").symlink_to("/etc/passwd")
    text = (folder / "survey.yaml").read_text().replace("file: kuesioner.csv", f"file: {name!r}")
    (folder / "survey.yaml").write_text(text)
    report = dinamika.validate_survey(folder, key=KEY)
    bad = [p for p in report.problems if p.code == "outside_folder"]
    assert bad and bad[0].column == "responses.file" and not report.ok
    assert "root:" not in report.to_json() and name in bad[0].message("en")


def test_term_name_never_escapes_the_report_folder():
    from dinamika.report.pipeline import default_output

    for term in ("../../../../x", "/etc/cron.d/x", "a/../../b", "..", "x\\..\\..\\y"):
        path = default_output([term])
        assert path.parent == Path("laporan") and ".." not in path.name and "/" not in path.name


def test_duplicate_keys_are_refused(tmp_path):
    folder = _term(tmp_path)
    text = (folder / "survey.yaml").read_text()
    (folder / "survey.yaml").write_text(text + "responses:\n  file: other.csv\n")
    report = dinamika.validate_survey(folder, key=KEY)
    assert not report.ok
    msg = report.errors[0].message("en")
    assert "'responses' appears twice" in msg and "lines" in msg


def test_yaml_alias_bomb_is_refused_before_expansion(tmp_path):
    folder = _term(tmp_path)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        bomb += f"{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
    (folder / "survey.yaml").write_text(bomb + "schema: dinamika-survey/1\nterm: *i\n")
    assert len(bomb) < 700
    report = dinamika.validate_survey(folder, key=KEY)
    assert not report.ok and "aliases" in report.errors[0].message("en")


def test_a_wrong_value_is_never_printed_whole(tmp_path):
    folder = _term(tmp_path)
    text = (folder / "survey.yaml").read_text()
    big = "[" + ", ".join(["x" * 50] * 2000) + "]"
    (folder / "survey.yaml").write_text(text.replace("synthetic: true", f"synthetic: {big}"))
    report = dinamika.validate_survey(folder, key=KEY)
    assert not report.ok and len(report.errors[0].message("en")) < 400


# --- 12: carriage returns -------------------------------------------------------------------


def test_cr_only_line_endings_and_stray_cr_are_read(tmp_path, capsys):
    folder = _term(tmp_path)
    path = folder / "kuesioner.csv"
    text = path.read_text()
    path.write_bytes(text.replace("\n", "\r").encode())
    assert dinamika.validate_survey(folder, key=KEY).ok
    lines = text.split("\n")
    lines[3] = lines[3].replace("KKG Gugus", "KKG\rGugus", 1)
    path.write_bytes("\n".join(lines).encode())
    report = dinamika.validate_survey(folder, key=KEY)
    stray = [p for p in report.problems if p.code == "stray_cr"]
    assert report.ok and stray and stray[0].row == 4
    assert main(["validate", str(folder)]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_google_forms_answers_with_cr_are_quoted_and_read_back(tmp_path):
    src = tmp_path / "export.csv"
    raw = pd.read_csv(FIX / "gforms_id.csv", dtype=str, keep_default_na=False)
    raw["Catatan"] = "baris satu\rbaris dua"
    raw.to_csv(src, index=False, quoting=csv.QUOTE_ALL)  # as Google Sheets quotes it
    out = tmp_path / "term"
    import_google_forms(src, instrument=REF, out=out, duplicates="keep-last")
    assert dinamika.validate_survey(out, key=KEY).ok
    back = pd.read_csv(out / "kuesioner.csv", dtype=str, keep_default_na=False)
    assert back["Catatan"].iloc[0] == "baris satu\nbaris dua"


# --- 13-15: workbooks -----------------------------------------------------------------------


def _xlsx_term(tmp_path: Path) -> Path:
    folder = _term(tmp_path)
    frame = pd.read_csv(folder / "kuesioner.csv", dtype=str, keep_default_na=False)
    frame.to_excel(folder / "kuesioner.xlsx", index=False)
    text = (folder / "survey.yaml").read_text().replace("kuesioner.csv", "kuesioner.xlsx")
    (folder / "survey.yaml").write_text(text)
    return folder


def test_formulas_without_cached_values_are_flagged(tmp_path):
    import openpyxl

    folder = _xlsx_term(tmp_path)
    wb = openpyxl.load_workbook(folder / "kuesioner.xlsx")
    ws = wb.active
    header = [c.value for c in ws[1]]
    col = header.index("KEP1") + 1
    ws.cell(row=3, column=col).value = "=2+2"  # openpyxl writes no cached value
    wb.save(folder / "kuesioner.xlsx")
    report = dinamika.validate_survey(folder, key=KEY)
    bad = [p for p in report.errors if p.code == "formula_without_value"]
    assert bad and (bad[0].row, bad[0].column) == (3, "KEP1")


def test_password_protected_workbook_says_how_to_save_without_password(tmp_path, capsys):
    folder = _xlsx_term(tmp_path)
    # an encrypted workbook is an OLE compound file, not a zip
    (folder / "kuesioner.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000)
    assert main(["validate", str(folder), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "password" in out and "Save As" in out and "calamine" not in out


def test_xlsx_zip_bomb_is_refused_before_reading(tmp_path):
    import time

    folder = _xlsx_term(tmp_path)
    path = folder / "kuesioner.xlsx"
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace('<dimension ref="A1:', '<dimension ref="A1:').split("<sheetData>")[0]
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x</t></is></c></row>' for r in range(1, 2)
    )
    body = sheet + "<sheetData>" + rows + "</sheetData></worksheet>"
    body = body.replace('<dimension ref="A1:AB55"/>', "")
    import re

    body = re.sub(r'<dimension ref="[^"]+"\s*/>', '<dimension ref="A1:B2000000"/>', body)
    parts["xl/worksheets/sheet1.xml"] = body.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        zf.writestr("xl/media/pad.bin", b"\0" * (600 * 2**20))  # 600 MB, deflates to <1 MB
    assert path.stat().st_size < 5 * 2**20
    t0 = time.perf_counter()
    report = dinamika.validate_survey(folder, key=KEY)
    assert time.perf_counter() - t0 < 10
    assert [p.code for p in report.errors] == ["too_large"]
    assert "MB uncompressed" in report.errors[0].message("en")
    parts.pop("xl/media/pad.bin", None)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    report = dinamika.validate_survey(folder, key=KEY)
    assert [p.code for p in report.errors] == ["too_large"]
    assert "2,000,000 rows" in report.errors[0].message("en")


# --- 20: review files written at import -----------------------------------------------------


def test_import_review_files_neutralize_formulas(tmp_path):
    src = tmp_path / "export.csv"
    raw = pd.read_csv(FIX / "gforms_id.csv", dtype=str, keep_default_na=False)
    raw['=HYPERLINK("http://evil.example","klik")'] = "=1+1"
    raw.to_csv(src, index=False)
    out = tmp_path / "term"
    import_google_forms(src, instrument=REF, out=out, duplicates="keep-last")
    for name in ("kuesioner.csv", "mapping.csv"):
        frame = pd.read_csv(out / name, dtype=str, keep_default_na=False)
        cells = [str(c) for c in frame.columns] + frame.astype(str).to_numpy().ravel().tolist()
        assert not any(c.startswith(("=", "+", "@")) for c in cells), name
    assert dinamika.validate_survey(out, key=KEY).ok
