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
