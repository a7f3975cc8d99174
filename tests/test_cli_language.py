"""The whole command line speaks Indonesian by default: every sub-command's usual success and
failure paths, run with no --lang and no $DINAMIKA_LANG, print no English line."""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

import pytest

from dinamika.cli import build_parser, main
from dinamika.data.resources import surveys_dir
from dinamika.i18n import MESSAGES

FIX = Path(__file__).parent / "fixtures" / "interop"
REF = "komunitas-guru@1.0.0"
KEY = "kunci-rahasia-untuk-tes-0123456789"

#: Words of English sentences; none is an Indonesian word (table column ids are not checked).
GIVEAWAYS = re.compile(
    r"\b(the|is|are|was|were|not|must|cannot|could|should|does|has|have|wrote|written|found|"
    r"problems?|errors?|warnings?|rows|items|questions|respondents|teachers|schools|lessons|"
    r"observed|interviewed|matched|review|imported|checking|running|failed|converged|"
    r"iterations|holds|without|and|of|to|with|groups|questionnaire|observation|interview|"
    r"configural|metric|scalar|missing|more|give|choose|add|fix)\b",
    re.IGNORECASE,
)


def _english_phrases() -> list[str]:
    """Literal stretches of the catalogue's English texts that the Indonesian ones lack."""
    phrases = set()
    for entry in MESSAGES.values():
        for chunk in re.split(r"\{[^}]*\}", entry["en"]):
            chunk = chunk.strip(" .,:;()'\"\n")
            if len(chunk) >= 12 and " " in chunk and chunk not in entry["id"]:
                phrases.add(chunk)
    return sorted(phrases)


PHRASES = _english_phrases()

#: Indonesian words of a sentence; none is an English word (checked under --lang en).
INDONESIAN = re.compile(
    r"\b(yang|dan|atau|dari|untuk|dengan|tanpa|berkas|bawaan|kolom|butir|jumlah|tampilkan|"
    r"buat|tulis|semester|sekolah|guru|laporan|kelompok|bila|jika|hanya|mis|penggunaan|opsi|"
    r"bantuan|perintah|keluar|berisi|folder semester|kiriman|benih|skala|skor|ekspor|impor|"
    r"periksa|bahasa|keluaran|halaman|peramban|baru|lain|ini|itu|tidak|ada|pengamat|"
    r"pelajaran|contoh|instrumen|versi|daftar|bandingkan|kunci|argumen|posisi)\b",
    re.IGNORECASE,
)


def _indonesian_phrases() -> list[str]:
    """Literal stretches of the catalogue's Indonesian texts that the English ones lack."""
    phrases = set()
    for entry in MESSAGES.values():
        for chunk in re.split(r"\{[^}]*\}", entry["id"]):
            chunk = chunk.strip(" .,:;()'\"\n")
            if len(chunk) >= 12 and " " in chunk and chunk not in entry["en"]:
                phrases.add(chunk)
    return sorted(phrases)


ID_PHRASES = _indonesian_phrases()


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    try:
        code = main(list(argv))
    except SystemExit as stop:  # argparse: --help, usage errors
        code = int(stop.code or 0)
    out = capsys.readouterr()
    return code, [line for line in (out.out + out.err).splitlines() if line.strip()]


#: option names, quoted values, `commands`, {choices}, ID@VERSION, file names and paths are not
#: words of a sentence
CODE = (
    r"--?[\w-]+|'[^']*'|`[^`]*`|\{[^}]*\}|\S+@\S+|[\w-]+\.(?:csv|yaml|xlsx|html|pdf)\b|"
    r"\S*/\S*|\$\w+"
)


def _assert_english(lines: list[str]) -> None:
    """No line holds an Indonesian sentence (a word list plus the catalogue's Indonesian
    stretches that the English text lacks)."""
    assert lines
    for line in lines:
        indonesian = [p for p in ID_PHRASES if p in line]
        assert not indonesian, (line, indonesian)
        words = INDONESIAN.findall(re.sub(CODE, " ", line))
        assert not words, (line, words)


def _assert_indonesian(lines: list[str], allowed: tuple[str, ...] = ()) -> None:
    assert lines
    for line in lines:
        text = line
        for ok in allowed:  # names from the data or the user (headers, paths)
            text = text.replace(ok, "")
        english = [p for p in PHRASES if p in text]
        assert not english, (line, english)
        # option names, quoted values, `commands`, {yaml: snippets} and file names are not words
        # of a sentence
        code = r"--[\w-]+|'[^']*'|`[^`]*`|\{[^}]*\}|\S+@\S+|[\w-]+\.(?:csv|yaml|xlsx|html|pdf)\b"
        text = re.sub(code, " ", text)
        words = GIVEAWAYS.findall(text)
        assert not words, (line, words)


@pytest.fixture(autouse=True)
def _default_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DINAMIKA_LANG", raising=False)
    monkeypatch.setenv("DINAMIKA_PSEUDONYM_KEY", KEY)


def test_the_checker_catches_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert len(PHRASES) > 100
    with pytest.raises(AssertionError):
        _assert_indonesian(["Wrote x.csv: 3 respondents, 4 variables."])
    with pytest.raises(AssertionError):
        _assert_indonesian(["kuesioner.csv: the data file does not exist"])
    code, lines = _run(capsys, "validate", "--lang", "en")
    assert code == 0
    with pytest.raises(AssertionError):
        _assert_indonesian(lines)


def _copy_term(tmp_path: Path, name: str = "term") -> Path:
    term = tmp_path / name
    shutil.copytree(surveys_dir() / "contoh-2025-2", term)
    return term


def test_validate_instrument_and_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    term = _copy_term(tmp_path)
    bare = _copy_term(tmp_path, "bare")  # no observations
    manifest = (bare / "survey.yaml").read_text(encoding="utf-8")
    start, end = manifest.index("observations:"), manifest.index("interviews:")
    (bare / "survey.yaml").write_text(manifest[:start] + manifest[end:], encoding="utf-8")
    runs = [
        (0, ["validate"]),
        (0, ["instrument", "list"]),
        (0, ["instrument", "show", REF]),
        (0, ["instrument", "show", "panduan-wawancara@1.0.0"]),
        (0, ["instrument", "diff", REF, REF]),
        (2, ["instrument", "diff", "komunitas-guru", REF]),
        (0, ["instrument", "export", REF, "--to", "codebook", "--out", str(tmp_path / "cb.csv")]),
        (0, ["instrument", "export", REF, "--to", "xlsform", "--out", str(tmp_path / "kg.xlsx")]),
        (0, ["export", str(term), "--to", "csv", "--out", str(tmp_path / "data.csv")]),
        (2, ["export", str(term), "--out", str(tmp_path / "data.txt")]),
        (2, ["export", str(bare), "--part", "observations", "--out", str(tmp_path / "o.sav")]),
        (2, ["validate", str(tmp_path / "nowhere")]),
        (2, ["instrument", "export", "panduan-wawancara@1.0.0", "--to", "xlsform",
             "--out", str(tmp_path / "g.xlsx")]),
        (2, ["instrument", "export", REF, "--to", "codebook", "--out", str(tmp_path / "cb.txt")]),
        (2, ["instrument", "export", REF, "--to", "xlsform", "--out", str(tmp_path / "kg.csv")]),
        (1, ["instrument", "show", "komunitas-guru@9.9.9"]),
        (2, ["export", str(term), "--out", str(tmp_path / "data.csv" / "x.csv")]),
    ]  # fmt: skip
    for expected, argv in runs:
        code, lines = _run(capsys, *argv)
        assert code == expected, (argv, lines)
        _assert_indonesian(lines, allowed=(str(tmp_path),))


def test_validate_finds_problems_in_indonesian(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    term = _copy_term(tmp_path)
    text = (term / "survey.yaml").read_text(encoding="utf-8")
    (term / "survey.yaml").write_text(text.replace("synthetic: true", "synthetic: ya\nextra: 1"))
    data = (term / "kuesioner.csv").read_text(encoding="utf-8").splitlines()
    data[3] = data[3].replace(",Setuju,", ",Setuju banget,", 1)
    data[4] = ",".join(["", *data[4].split(",")[1:]])
    (term / "kuesioner.csv").write_text("\n".join(data) + "\n", encoding="utf-8")
    code, lines = _run(capsys, "validate", str(term))
    assert code == 1
    assert any("survey.yaml tidak valid" in line for line in lines)
    _assert_indonesian(lines, allowed=(str(tmp_path),))
    for argv in (
        ["cfa", str(term)],
        ["report", str(term)],
        ["export", str(term), "--out", "x.csv"],
    ):
        code, lines = _run(capsys, *argv)
        assert code == 1, (argv, lines)
        _assert_indonesian(lines, allowed=(str(tmp_path),))


def test_import_success_and_refusals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    headers = ("Alamat email", "Nama lengkap", "Nama sekolah")
    allowed = (str(tmp_path), str(FIX), *headers)
    src = str(FIX / "gforms_id.csv")
    runs = [
        (1, ["import", "google-forms", src, "--instrument", REF, "--out", str(tmp_path / "a")]),
        (0, ["import", "google-forms", src, "--instrument", REF, "--out", str(tmp_path / "b"),
             "--duplicates", "keep-last"]),
        (2, ["import", "google-forms", src, "--instrument", REF, "--out", str(tmp_path / "b"),
             "--duplicates", "keep-last"]),
        (2, ["import", "google-forms", str(tmp_path / "none.csv"), "--instrument", REF,
             "--out", str(tmp_path / "c")]),
        (2, ["import", "google-forms", src, "--instrument", REF, "--out", str(tmp_path / "c"),
             "--map", "a=KEP1", "--mapping", src]),
        (2, ["import", "google-forms", src, "--instrument", REF, "--out", str(tmp_path / "c"),
             "--label", "Setuju sekali=lima"]),
        (2, ["import", "google-forms", src, "--instrument", REF, "--out", str(tmp_path / "c"),
             "--id-column", "Emial"]),
        (1, ["import", "kobo", str(FIX / "kobo_export.csv"), "--instrument", REF,
             "--out", str(tmp_path / "k")]),
        (0, ["import", "kobo", str(FIX / "kobo_export.csv"), "--instrument", REF,
             "--out", str(tmp_path / "k"), "--duplicates", "keep-first"]),
    ]  # fmt: skip
    for expected, argv in runs:
        code, lines = _run(capsys, *argv)
        assert code == expected, (argv, lines)
        _assert_indonesian(lines, allowed=allowed)


def test_statistics_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    terms = [str(surveys_dir() / t) for t in ("contoh-2025-1", "contoh-2025-2")]
    runs = [
        (0, ["reliability", "--n-boot", "0"]),
        (2, ["reliability", "--n-boot", "-1"]),
        (0, ["score", "--output", str(tmp_path / "s.csv")]),
        (0, ["cfa"]),
        (0, ["cfa", *terms, "--invariance", "--estimator", "ML"]),
        (2, ["cfa", terms[0], "--invariance"]),
        (0, ["simulate", "--out", str(tmp_path / "sim"), "--teachers", "40", "--schools", "4"]),
        (2, ["simulate", "--out", str(tmp_path / "sim2"), "--schools", "1"]),
        (2, ["simulate", "--examples", "--seed", "3"]),
        (2, ["score", str(tmp_path / "nowhere")]),
        (2, ["cfa", str(tmp_path / "nowhere")]),
        (1, ["app", "--data", "/proc/dinamika-none", "--no-browser"]),
    ]
    for expected, argv in runs:
        code, lines = _run(capsys, *argv)
        assert code == expected, (argv, lines)
        _assert_indonesian(lines, allowed=(str(tmp_path),))


def test_report_success_and_refusal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = _run(capsys, "report", str(tmp_path / "nowhere"))
    assert code == 2
    _assert_indonesian(lines, allowed=(str(tmp_path),))
    code, lines = _run(capsys, "report", "--min-cell", "0")
    assert code == 2
    _assert_indonesian(lines, allowed=(str(tmp_path),))
    code, lines = _run(capsys, "report", "--out", str(tmp_path / "r.html"))
    assert code == 0 and (tmp_path / "r.html").is_file()
    _assert_indonesian(lines, allowed=(str(tmp_path), str(surveys_dir())))


def _commands() -> dict[str, argparse.ArgumentParser]:
    """Every sub-command ``dinamika --help`` lists, with its parser."""
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


#: argparse's own English words (its usage, error and help lines).
ARGPARSE_ENGLISH = re.compile(
    r"usage:|error:|the following arguments|unrecognized arguments|invalid choice|"
    r"invalid \w+ value|expected one argument|positional arguments|^options:|"
    r"show this help message|show program's version",
    re.MULTILINE,
)


def test_argparse_speaks_indonesian_by_default_and_english_on_request(
    capsys: pytest.CaptureFixture[str],
) -> None:
    commands = _commands()
    assert {"validate", "report", "import", "export", "cfa", "score", "app"} <= set(commands)
    for name, parser in commands.items():
        sub = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
        for argv in ([name, "--tidak-ada"], [name, "--help"]):
            code, lines = _run(capsys, *argv)
            text = "\n".join(lines)
            assert code == (0 if argv[-1] == "--help" else 2), (argv, text)
            assert "penggunaan:" in text and not ARGPARSE_ENGLISH.search(text), (argv, text)
            if argv[-1] != "--help":  # the error line itself is one Indonesian sentence
                _assert_indonesian([ln for ln in lines if "kesalahan:" in ln])
        for action in sub.choices if sub else ():  # instrument list/show/..., import kobo/...
            code, lines = _run(capsys, name, action, "--tidak-ada")
            text = "\n".join(lines)
            assert code == 2 and "kesalahan:" in text, (name, action, text)
            assert not ARGPARSE_ENGLISH.search(text), (name, action, text)
    for argv in (
        ["export"],  # a required option
        ["validate", "--format", "xml"],  # a choice
        ["report", "--min-cell", "x"],  # a number
        ["tidak-ada"],  # a command
        ["import", "google-forms"],  # required positional and option
    ):
        code, lines = _run(capsys, *argv)
        text = "\n".join(lines)
        assert code == 2 and "kesalahan:" in text and not ARGPARSE_ENGLISH.search(text), text
        _assert_indonesian([ln for ln in lines if "kesalahan:" in ln])
    code, lines = _run(capsys, "--help")
    assert code == 0 and "penggunaan: dinamika" in lines[0]
    _assert_indonesian(lines[1:])  # the sub-command list and its one-line helps too
    # English when asked (--lang or $DINAMIKA_LANG), and argparse is left as it was
    code, lines = _run(capsys, "export", "--lang", "en")
    assert code == 2 and lines[0].startswith("usage: ")
    assert "the following arguments are required: --out" in lines[-1]
    assert argparse._("usage: ") == "usage: "


def _help_runs() -> list[list[str]]:
    """``--help`` of dinamika, of every sub-command it lists and of their actions."""
    runs = [[]]
    for name, parser in _commands().items():
        runs.append([name])
        sub = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
        runs += [[name, action] for action in (sub.choices if sub else ())]
    return runs


def test_help_speaks_one_language(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every --help line (descriptions, option helps, defaults) is Indonesian by default and
    English with --lang en or $DINAMIKA_LANG=en: no line of the other language."""
    runs = _help_runs()
    assert len(runs) > 15
    for argv in runs:
        code, lines = _run(capsys, *argv, "--help")
        assert code == 0 and lines[0].startswith("penggunaan:"), (argv, lines)
        assert not ARGPARSE_ENGLISH.search("\n".join(lines)), argv
        _assert_indonesian(lines[1:])  # the usage line is option names and metavariables
        code, lines = _run(capsys, *argv, "--help", "--lang", "en")
        assert code == 0 and lines[0].startswith("usage:"), (argv, lines)
        _assert_english(lines[1:])
    with pytest.raises(AssertionError):
        _assert_english(["  --out FILE   berkas keluaran"])
    for name in ("import", "instrument"):  # no action given: the command's help, exit 2
        code, lines = _run(capsys, name)
        assert code == 2 and lines[0].startswith("penggunaan:"), (name, lines)
        _assert_indonesian(lines[1:])
    # $DINAMIKA_LANG chooses too; defaults are shown in either language
    monkeypatch.setenv("DINAMIKA_LANG", "en")
    code, lines = _run(capsys, "report", "--help")
    assert code == 0 and lines[0].startswith("usage:")
    _assert_english(lines[1:])
    assert any("smallest group shown (default 5)" in line for line in lines)
    monkeypatch.delenv("DINAMIKA_LANG")
    code, lines = _run(capsys, "report", "--help")
    assert any("kelompok terkecil yang ditampilkan (bawaan 5)" in line for line in lines)
    # placeholders too: --out BERKAS / --out FILE, and argparse's class is left as it was
    assert any("--out BERKAS" in line for line in lines)
    assert not any(re.search(r"\b(FILE|SURVEY_DIR|DIR|COLUMN|NAME)\b", ln) for ln in lines)
    code, lines = _run(capsys, "report", "--help", "--lang", "en")
    assert any("--out FILE" in line for line in lines) and any("SURVEY_DIR" in ln for ln in lines)
    plain = argparse.ArgumentParser(prog="x")
    plain.add_argument("f", metavar="FILE")
    assert plain.format_usage() == "usage: x [-h] FILE\n"
