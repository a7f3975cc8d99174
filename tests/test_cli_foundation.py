"""`dinamika validate` and `dinamika instrument`: exit codes, messages, no tracebacks."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dinamika.cli import main
from dinamika.data.resources import default_survey, surveys_dir
from tests.conftest import TermMaker


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_bundled_example_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    for term in ("contoh-2025-1", "contoh-2025-2"):
        code, out, _ = run(capsys, "validate", str(surveys_dir() / term), "--lang", "en")
        assert code == 0, out
        assert "OK: the data are ready for analysis." in out


def test_validate_without_folder_uses_the_bundled_example(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "validate")
    assert code == 0 and default_survey().name in out


def test_one_corrupted_cell_exits_1_and_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "rusak"
    shutil.copytree(default_survey(), folder)
    path = folder / "kuesioner.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    cells = lines[9].rstrip("\n").split(",")  # spreadsheet row 10
    col = header.index("SP3")
    cells[col] = "Setuju banget"
    lines[9] = ",".join(cells) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(folder), "--lang", "en")
    assert code == 1
    assert (
        "kuesioner.csv, row 10, column SP3: answer 'Setuju banget' is not one of the answer labels"
        in out
    )
    code, out, _ = run(capsys, "validate", str(folder), "--lang", "id")
    assert (
        "kuesioner.csv, baris 10, kolom SP3: jawaban 'Setuju banget' bukan salah satu pilihan jawaban"
        in out
    )


def test_json_output_lists_the_same_problems(
    make_term: TermMaker, capsys: pytest.CaptureFixture[str]
) -> None:
    def edit(r, o, i):
        r.loc[0, "KEP1"] = "6"

    code, out, _ = run(
        capsys, "validate", str(make_term(edit=edit)), "--format", "json", "--lang", "en"
    )
    doc = json.loads(out)
    assert code == 1 and doc["ok"] is False and doc["n_errors"] == 1
    (problem,) = [p for p in doc["problems"] if p["severity"] == "error"]
    assert problem == {
        "code": "out_of_range",
        "file": "kuesioner.csv",
        "row": 2,
        "column": "KEP1",
        "value": "6",
        "severity": "error",
        "message": "answer 6 is outside the scale 1–5",
        "fix": "correct the answer to a code from 1 to 5 (or leave the cell empty if not answered)",
    }


def test_usage_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    for args in (
        ["validate", str(tmp_path / "tidak-ada")],
        ["validate", "--format", "xml"],
        ["instrument", "show", "x@1"],
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "dinamika.cli", *args],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode in (1, 2), args
        assert "Traceback" not in proc.stderr, proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "dinamika.cli", "validate", str(tmp_path / "x")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2 and "bukan folder" in proc.stderr  # Indonesian by default


def test_instrument_list_show_diff(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "instrument", "list", "--lang", "en")
    assert code == 0 and "komunitas-guru" in out and "observasi-pembelajaran" in out
    code, out, _ = run(capsys, "instrument", "show", "komunitas-guru@1.0.0", "--lang", "id")
    assert code == 0 and re.search(r"KEP6 +\(R\)", out) and "Sangat Setuju" in out
    code, out, _ = run(capsys, "instrument", "show", "komunitas-guru", "--lang", "en")
    assert "Strongly agree" in out
    code, out, _ = run(
        capsys, "instrument", "diff", "komunitas-guru@1.0.0", "komunitas-guru@1.0.0", "--lang", "en"
    )
    assert code == 0 and "no item changes" in out
    code, out, _ = run(capsys, "instrument", "lock", "--check")
    assert code == 0 and out == ""


def test_help_is_in_the_language_of_lang(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # help used to be bilingual ("indonesia / english"); it now follows --lang / $DINAMIKA_LANG
    monkeypatch.delenv("DINAMIKA_LANG", raising=False)
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    out = capsys.readouterr().out
    assert "Periksa folder data semester" in out and "Check a term folder" not in out
    with pytest.raises(SystemExit):
        main(["validate", "--help", "--lang", "en"])
    out = capsys.readouterr().out
    assert "Check a term folder" in out and "Periksa folder data semester" not in out


def test_invalid_data_is_reported_in_the_cli_language(
    make_term: TermMaker, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def edit(r, o, i):
        r.loc[0, "KEP1"] = "6"

    folder = str(make_term(edit=edit))
    monkeypatch.delenv("DINAMIKA_LANG", raising=False)
    code, _, err = run(capsys, "score", folder)
    assert code == 1 and "kuesioner.csv, baris 2, kolom KEP1: jawaban 6 di luar skala 1–5" in err
    monkeypatch.setenv("DINAMIKA_LANG", "en")
    code, _, err = run(capsys, "score", folder)
    assert (
        code == 1 and "kuesioner.csv, row 2, column KEP1: answer 6 is outside the scale 1–5" in err
    )
