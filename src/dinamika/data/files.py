"""Reading raw data files (CSV in the encodings and separators people really have, and XLSX).

Everything is read as text so that validation sees exactly what the user typed. Nothing here is
ever written back: raw files are read-only to dinamika.

A well-formed UTF-8 CSV (unique, non-empty headers; every row as wide as the header) is parsed
once by pyarrow's multi-threaded reader into Arrow-backed string columns; anything else (another
encoding, a broken row, duplicate headers) goes through the slower reader that pinpoints each
problem, so both give the same frame and the same problems.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dinamika.data.validation import Problem

__all__ = [
    "RawTable",
    "atomic_write",
    "atomic_write_set",
    "check_writable",
    "read_table",
    "sha256_file",
]

_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class RawTable:
    """A data file as text: ``frame`` has str cells ("" for empty) or is None when unreadable."""

    frame: pd.DataFrame | None
    problems: tuple[Problem, ...]
    encoding: str | None = None
    delimiter: str | None = None


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes (used in provenance)."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding that read it; raises UnicodeDecodeError with the last attempt."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        raise UnicodeDecodeError("utf-8", data, 0, 1, "the file contains NUL bytes (binary data)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252"), "cp1252"


def _sniff_delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def read_table(
    path: Path,
    *,
    label: str,
    delimiter: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
) -> RawTable:
    """Read a CSV or XLSX file as a DataFrame of strings.

    Parameters
    ----------
    path : Path
        The file.
    label : str
        How problems name the file (relative to the term folder).
    delimiter, encoding, sheet : optional
        Override detection (``None`` = detect: separator from the header row among ``,``
        ``;`` and tab; encoding UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252).
    """
    if not path.is_file():
        return RawTable(None, (Problem("missing_file", label),))
    if path.stat().st_size == 0:
        return RawTable(None, (Problem("empty_file", label),))
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return _read_xlsx(path, label, sheet)
    fast = _read_csv_arrow(path, delimiter, encoding)
    if fast is not None:
        return _finish(fast[0], label, fast[1], fast[2])
    data = path.read_bytes()
    try:
        text, used = (data.decode(encoding), encoding) if encoding else _decode(data)
    except (UnicodeDecodeError, LookupError) as exc:
        return RawTable(
            None, (Problem("unreadable_encoding", label, params={"detail": str(exc)[:120]}),)
        )
    text, stray = _newlines(text)
    sep = delimiter or _sniff_delimiter(text)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_values=[],
            skip_blank_lines=True,
            engine="c",
        )
    except pd.errors.EmptyDataError:
        return RawTable(None, (Problem("empty_file", label),), used, sep)
    except pd.errors.ParserError as exc:
        row = _row_from_parser_error(str(exc))
        return RawTable(
            None,
            (Problem("bad_row", label, row=row, params={"detail": str(exc)[:160]}),),
            used,
            sep,
        )
    try:
        widths = np.fromiter(
            (len(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=sep) if r),
            dtype=np.int64,
        )
    except csv.Error as exc:
        return RawTable(
            None, (Problem("bad_row", label, params={"detail": str(exc)[:160]}),), used, sep
        )
    table = _finish(frame, label, used, sep, widths[1:] if widths.size else None)
    warn = tuple(Problem("stray_cr", label, row=r) for r in stray)
    return RawTable(table.frame, table.problems + warn, table.encoding, table.delimiter)


def _newlines(text: str) -> tuple[str, list[int]]:
    """Text with ``\n`` line ends: CRLF and CR-only (old Mac) endings converted; a lone CR
    inside a quoted field becomes ``\n``, one outside quotes (a stray CR that would break the
    row) a space. Returns the line numbers where stray CRs stood."""
    if "\r" not in text:
        return text, []
    text = text.replace("\r\n", "\n")
    if "\n" not in text.rstrip("\r"):  # CR-only line endings
        return text.replace("\r", "\n"), []
    # split at quotes: odd pieces are inside a quoted field ("" escapes keep the parity)
    pieces = text.split('"')
    rows: list[int] = []
    line = 1
    for i, piece in enumerate(pieces):
        if "\r" in piece:
            if i % 2:  # a line break inside a quoted answer: keep it as one
                pieces[i] = piece.replace("\r", "\n")
            else:
                rows += [line + piece.count("\n", 0, m.start()) for m in re.finditer("\r", piece)]
                pieces[i] = piece.replace("\r", " ")
        line += piece.count("\n")
    return '"'.join(pieces), sorted(set(rows))[:100]


def _read_csv_arrow(
    path: Path, delimiter: str | None, encoding: str | None
) -> tuple[pd.DataFrame, str, str] | None:
    """Frame, encoding and separator of a well-formed UTF-8 CSV, or None to use the slow reader.

    The header line decides the separator exactly as :func:`_sniff_delimiter` does; pyarrow
    reads every column as text (empty cells stay ``""``). A file it refuses (bad UTF-8, a row
    of the wrong width) returns None, so the careful reader reports the problem.
    """
    import pyarrow as pa
    import pyarrow.csv as pcsv

    if encoding not in (None, "utf-8", "utf8", "utf-8-sig"):
        return None
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4096]:
        return None
    bom = head.startswith(b"\xef\xbb\xbf")
    first = head[3 if bom else 0 :].split(b"\n", 1)[0].rstrip(b"\r")
    if b'"' in first or b"\n" not in head:
        return None  # quoted or unfinished header: leave it to the careful reader
    try:
        header = first.decode("utf-8")
    except UnicodeDecodeError:
        return None
    sep = delimiter or _sniff_delimiter(header)
    names = header.split(sep)
    if len(set(names)) != len(names) or any(n == "" for n in names):
        return None
    try:
        table = pcsv.read_csv(
            path,
            read_options=pcsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pcsv.ParseOptions(delimiter=sep, newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()),  # pandas' own
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None
    if table.num_rows == 0:
        return None
    return table.to_pandas(), "utf-8-sig" if bom else (encoding or "utf-8"), sep


def _row_from_parser_error(msg: str) -> int | None:
    # pandas: "Error tokenizing data. C error: Expected 5 fields in line 7, saw 6"
    import re

    m = re.search(r"line (\d+)", msg)
    return int(m[1]) if m else None


#: Refuse a workbook beyond these before it is opened (a zip bomb, or not term data).
MAX_XLSX_BYTES = 512 * 1024 * 1024  # uncompressed, all parts together
MAX_ROWS = 1_000_000
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML (and old .xls) files


def _xlsx_precheck(path: Path, label: str) -> Problem | None:
    """Password protection, uncompressed size and row count, read from the zip directory and
    the sheets' ``<dimension>`` without decompressing the data."""
    import zipfile

    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE:
        return Problem("protected_workbook", label)
    if not zipfile.is_zipfile(path):
        return None  # let the reader say what it is
    limit = f"{MAX_ROWS:,} rows / {MAX_XLSX_BYTES // 2**20} MB"
    with zipfile.ZipFile(path) as zf:
        total = sum(i.file_size for i in zf.infolist())
        if total > MAX_XLSX_BYTES:
            detail = f"{total / 2**20:.0f} MB uncompressed"
            return Problem("too_large", label, params={"detail": detail, "limit": limit})
        for info in zf.infolist():
            if not re.fullmatch(r"xl/worksheets/sheet\d+\.xml", info.filename):
                continue
            with zf.open(info) as fh:
                start = fh.read(4096).decode("utf-8", "replace")
            m = re.search(r'<dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"', start)
            rows = int(m[1]) if m and m[1] else 0
            if rows > MAX_ROWS:
                detail = f"{rows:,} rows"
                return Problem("too_large", label, params={"detail": detail, "limit": limit})
    return None


def _formulas_without_values(path: Path, label: str, sheet: str | int | None) -> list[Problem]:
    """Cells holding a formula whose result was never saved (read as blank otherwise)."""
    import zipfile

    def has_formula(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
        tail = b""
        with zf.open(info) as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                chunk = tail + block
                if b"<f>" in chunk or b"<f " in chunk:
                    return True
                tail = chunk[-3:]
        return False

    with zipfile.ZipFile(path) as zf:
        sheets = [i for i in zf.infolist() if i.filename.startswith("xl/worksheets/sheet")]
        if not any(has_formula(zf, i) for i in sheets):
            return []
    import openpyxl

    wb_f = openpyxl.load_workbook(path, read_only=True, data_only=False)
    wb_v = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        pick = sheet if sheet is not None else 0
        name = wb_f.sheetnames[pick] if isinstance(pick, int) else pick
        if name not in wb_f.sheetnames:
            return []
        problems: list[Problem] = []
        header: list[str] = []
        rows_f = wb_f[name].iter_rows(values_only=True)
        rows_v = wb_v[name].iter_rows(values_only=True)
        for r, (fr, vr) in enumerate(zip(rows_f, rows_v, strict=False), start=1):
            if r == 1:
                header = [str(v) if v is not None else "" for v in vr]
                continue
            for c, (f, v) in enumerate(zip(fr, vr, strict=False)):
                if isinstance(f, str) and f.startswith("=") and v is None:
                    col = header[c] if c < len(header) else str(c + 1)
                    problems.append(Problem("formula_without_value", label, row=r, column=col))
                    if len(problems) >= 200:
                        return problems
        return problems
    finally:
        wb_f.close()
        wb_v.close()


def _read_xlsx(path: Path, label: str, sheet: str | int | None) -> RawTable:
    try:
        refused = _xlsx_precheck(path, label)
        formulas = [] if refused else _formulas_without_values(path, label, sheet)
    except Exception as exc:  # a damaged zip: the reader below says what is wrong
        refused, formulas = None, []
        detail = f"{type(exc).__name__}: {exc}"[:160]
        return RawTable(None, (Problem("unreadable_file", label, params={"detail": detail}),))
    if refused is not None:
        return RawTable(None, (refused,))
    if formulas:
        return RawTable(None, tuple(formulas))
    try:
        frame = pd.read_excel(path, sheet_name=sheet if sheet is not None else 0, dtype=str)
    except ValueError as exc:  # e.g. unknown sheet
        return RawTable(
            None, (Problem("unreadable_file", label, params={"detail": str(exc)[:160]}),)
        )
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        detail = f"{type(exc).__name__}: {exc}"[:160]
        return RawTable(None, (Problem("unreadable_file", label, params={"detail": detail}),))
    frame = frame.dropna(how="all")
    frame = frame.fillna("")
    # Excel stores whole numbers typed as numbers as 4.0 in some exports: keep text as typed.
    return _finish(frame.astype(str), label, "xlsx", None)


def _finish(
    frame: pd.DataFrame,
    label: str,
    encoding: str,
    sep: str | None,
    widths: np.ndarray | None = None,
) -> RawTable:
    problems: list[Problem] = []
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        return RawTable(None, (Problem("empty_file", label),), encoding, sep)
    seen: set[str] = set()
    for col in frame.columns:
        base = col.split(".")[0] if col.rsplit(".", 1)[-1].isdigit() else col
        if base in seen or col in seen:
            problems.append(Problem("duplicate_column", label, row=1, column=base))
        seen.add(col)
    # Rows with fewer fields than the header (a file cut off, or a broken line): pandas pads
    # them silently, so count the fields of every data row as the CSV reader sees them.
    if widths is not None and widths.size == len(frame):
        for i in np.flatnonzero(widths < frame.shape[1]):
            problems.append(
                Problem(
                    "truncated_file",
                    label,
                    row=int(i) + 2,
                    params={"found": int(widths[i]), "expected": frame.shape[1]},
                )
            )
    return RawTable(frame.fillna(""), tuple(problems), encoding, sep)


def atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Write a file through ``write(tmp_path)`` then rename it into place.

    A reader never sees a half-written file, and a failed write leaves the old file intact.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        write(tmp_path)
        tmp_path.chmod(0o644)
        tmp_path.replace(path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    return path


def check_writable(path: Path) -> None:
    """Raise :class:`~dinamika.errors.UsageError` unless a file can be written at ``path``
    (its folder created if needed): checked before long work, so that work is not lost."""
    from dinamika.errors import UsageError

    path = Path(path)
    try:
        if path.is_dir():
            raise IsADirectoryError(21, "is a folder", str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        Path(probe).unlink()
    except OSError as exc:
        from dinamika.i18n.messages import MESSAGES, Message

        code = f"oserror.{errno.errorcode.get(exc.errno or 0, '').lower()}"
        why = Message(code) if code in MESSAGES else (exc.strerror or str(exc))
        raise UsageError(Message("files.cannot_write", path=path, why=why)) from None


def atomic_write_set(writers: dict[Path, Callable[[Path], None]]) -> list[Path]:
    """Write several files as one set: every file to a temporary name first, then all renamed
    into place; when any write fails, none of the files is replaced (no half set)."""
    temps: dict[Path, Path] = {}
    try:
        for name, write in writers.items():
            target = Path(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            os.close(fd)
            temps[target] = Path(tmp)
            write(temps[target])
            temps[target].chmod(0o644)
        for target, tmp_path in temps.items():
            tmp_path.replace(target)
    except BaseException:
        for tmp_path in temps.values():
            tmp_path.unlink(missing_ok=True)
        raise
    return list(temps)
