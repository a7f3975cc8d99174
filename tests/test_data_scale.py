"""The columnar data path: pyarrow's reader gives the same frame and problems as the careful one."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dinamika.data import files

CASES = {
    "plain": b"id,a,b\nG1,1,2\nG2,3,\n",
    "bom_crlf": b"\xef\xbb\xbfid;a;b\r\nG1;1;2\r\nG2;3;4\r\n",
    "quoted": b'id,a,b\nG1,"x, y",2\nG2,"line\nbreak",3\n',
    "blank_lines": b"id,a,b\n\nG1,1,2\n\nG2,3,4\n\n",
    "spaces": b" id , a ,b\nG1, 1 ,2 \n",
    "tab": b"id\ta\tb\nG1\t1\t2\n",
    "short_row": b"id,a,b\nG1,1,2\nG2,3\n",
    "long_row": b"id,a,b\nG1,1,2,9\n",
    "dup_header": b"id,a,a\nG1,1,2\n",
    "empty_header": b"id,,b\nG1,1,2\n",
    "cp1252": "id,nama\nG1,Jos\u00e9\n".encode("cp1252"),
    "utf16": "id,a\nG1,1\n".encode("utf-16"),
    "header_only": b"id,a,b\n",
    "no_newline": b"id,a,b",
    "empty_cells_only": b"id,a,b\n,,\nG1,1,2\n",
}


def _careful(path: Path) -> files.RawTable:
    orig = files._read_csv_arrow
    files._read_csv_arrow = lambda *a, **k: None  # type: ignore[assignment]
    try:
        return files.read_table(path, label=path.name)
    finally:
        files._read_csv_arrow = orig  # type: ignore[assignment]


@pytest.mark.parametrize("name", sorted(CASES))
def test_arrow_reader_equals_careful_reader(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.csv"
    path.write_bytes(CASES[name])
    fast, slow = files.read_table(path, label=path.name), _careful(path)
    assert fast.problems == slow.problems
    assert (fast.encoding, fast.delimiter) == (slow.encoding, slow.delimiter)
    if slow.frame is None:
        assert fast.frame is None
    else:
        assert fast.frame is not None
        pd.testing.assert_frame_equal(fast.frame, slow.frame)


def test_arrow_reader_used_for_wellformed_utf8(tmp_path: Path) -> None:
    path = tmp_path / "k.csv"
    path.write_bytes(CASES["bom_crlf"])
    got = files._read_csv_arrow(path, None, None)
    assert got is not None and got[1:] == ("utf-8-sig", ";")
    assert files._read_csv_arrow(path, None, "cp1252") is None


# --- the Parquet cache of validated terms -------------------------------------------------

KEY = "cache-test-key-0123456789"


@pytest.fixture
def term(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import shutil

    from dinamika.data.resources import default_survey

    monkeypatch.setenv("DINAMIKA_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("DINAMIKA_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("DINAMIKA_PSEUDONYM_KEY_FILE", raising=False)
    folder = tmp_path / "term"
    shutil.copytree(default_survey(), folder)
    return folder


def _same(a: object, b: object) -> None:
    for part in ("responses", "observations", "interviews"):
        fa, fb = getattr(a, part), getattr(b, part)
        pd.testing.assert_frame_equal(fa, fb, check_exact=True)
        assert list(fa.dtypes) == list(fb.dtypes)
    assert a.problems == b.problems  # type: ignore[attr-defined]
    assert a.file_hashes == b.file_hashes  # type: ignore[attr-defined]


def test_cache_reload_skips_parsing_and_is_identical(
    term: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dinamika.data.survey as survey_mod
    from dinamika import load_survey

    fresh = load_survey(term, key=KEY, cache=False)
    first = load_survey(term, key=KEY)
    entries = [p for p in (tmp_path / "cache").iterdir() if not p.name.startswith(".")]
    assert len(entries) == 1
    assert not any(p.suffix == ".parquet" for p in term.rglob("*"))  # not in the data

    def refuse(*a: object, **k: object) -> None:
        raise AssertionError("a cached term must not be parsed again")

    monkeypatch.setattr(survey_mod, "read_table", refuse)
    again = load_survey(term, key=KEY)
    _same(fresh, first)
    _same(fresh, again)
    assert not any(p.suffix == ".parquet" for p in term.rglob("*"))


def test_cache_invalidated_by_an_edited_raw_file(term: Path) -> None:
    from dinamika import load_survey

    before = load_survey(term, key=KEY)
    path = term / "kuesioner.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    cells = lines[1].rstrip("\n").split(",")
    col = header.index("KEP1")
    cells[col] = "1" if cells[col] != "1" else "2"
    lines[1] = ",".join(cells) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    after = load_survey(term, key=KEY)
    assert after.responses.loc[0, "KEP1"] == float(cells[col])
    assert after.responses.loc[0, "KEP1"] != before.responses.loc[0, "KEP1"]
    _same(after, load_survey(term, key=KEY, cache=False))
    # another key gives other pseudonyms, hence another entry
    other = load_survey(term, key=KEY + "x")
    assert not other.responses["nama"].equals(after.responses["nama"])


def test_cache_off_for_random_keys_and_holds_no_raw_identifiers(
    term: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow.parquet as pq

    from dinamika import load_survey
    from dinamika.data.files import read_table

    load_survey(term)  # random key: nothing cached
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())
    load_survey(term, key=KEY)
    raw = read_table(term / "kuesioner.csv", label="k").frame
    assert raw is not None
    names = set(raw["nama"]) | set(raw["nip"])
    stored: set[str] = set()
    for f in (tmp_path / "cache").rglob("*.parquet"):
        table = pq.read_table(f)
        for col in table.column_names:
            if str(table.schema.field(col).type) == "string":
                stored |= {v for v in table.column(col).to_pylist() if v is not None}
    assert stored and not (names & stored)
    monkeypatch.setenv("DINAMIKA_CACHE_DIR", "off")
    from dinamika.data.cache import cache_dir

    assert cache_dir() is None
