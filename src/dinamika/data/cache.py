"""A Parquet cache of validated terms, so loading the same raw files again skips parsing.

The cache holds what :func:`dinamika.load_survey` returns for a term that loaded without
errors: the pseudonymized tables (answers as compact ``int8`` codes with missing values as
nulls) and the warnings. Its key is a SHA-256 over the raw files' and ``survey.yaml``'s
SHA-256 hashes, the instruments the manifest names, the dinamika version and the source of the
loading code (``dinamika/data`` and ``dinamika/privacy``), and a fingerprint of the pseudonymization key (HMAC of a constant; the key itself
is never stored). Editing any raw file, the manifest or the key gives another key, so a cached
term is never stale. Loads with a random (ephemeral) key are never cached.

Raw identifiers never reach the cache (only pseudonyms), and nothing is written into the data
folder: the cache lives in ``$DINAMIKA_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/dinamika/terms``
(``~/.cache/dinamika/terms``). ``DINAMIKA_CACHE_DIR=off`` turns it off. Each entry is written
to a temporary folder and renamed into place, so a reader never sees half an entry.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dinamika.data.validation import Problem

__all__ = ["cache_dir", "cache_key", "read_cached", "write_cached"]

ENV = "DINAMIKA_CACHE_DIR"
PARTS = ("responses", "observations", "interviews")
_CODE = Path(__file__).parent


def cache_dir() -> Path | None:
    """Where cached terms live, or None when caching is off (``DINAMIKA_CACHE_DIR=off``)."""
    env = os.environ.get(ENV)
    if env is not None:
        return None if env.strip().lower() in {"", "off", "0", "no"} else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dinamika" / "terms"


def cache_key(
    file_hashes: Mapping[str, str],
    instruments: Mapping[str, Any],
    key: bytes,
    extra: Mapping[str, str] | None = None,
) -> str:
    """Hex key of one term's validated tables (see the module docstring for what it covers)."""
    from dinamika import __version__
    from dinamika.privacy import pseudonym

    code = hashlib.sha256()  # the loading code: data/ and privacy/ (checks, pseudonyms, guards)
    for folder in (_CODE, Path(pseudonym.__file__).parent):
        for path in sorted(folder.glob("*.py")):
            code.update(path.name.encode() + b"\0" + path.read_bytes())
    parts = {
        "version": __version__,
        "code": code.hexdigest(),
        "files": dict(sorted(file_hashes.items())),
        "extra": dict(sorted((extra or {}).items())),  # e.g. the groups.csv of group names
        "instruments": {k: [v.ref, v.item_ids] for k, v in sorted(instruments.items())},
        "key": hmac.new(key, b"dinamika-term-cache-1", hashlib.sha256).hexdigest(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _to_arrow(frame: pd.DataFrame, items: tuple[str, ...]) -> Any:
    import pyarrow as pa

    cols = {}
    for name in frame.columns:
        col = frame[name]
        if name not in items:
            cols[name] = pa.array(col.astype(object).where(col.notna(), None), type=pa.string())
            continue
        codes = col.to_numpy(dtype=float)
        mask = np.isnan(codes)
        filled = np.where(mask, 0.0, codes)
        if np.array_equal(filled, filled.astype(np.int8)):  # whole codes: int8 with nulls
            cols[name] = pa.array(filled.astype(np.int8), mask=mask)
        else:
            cols[name] = pa.array(codes)
    return pa.table(cols)


def _from_arrow(table: Any, items: tuple[str, ...]) -> pd.DataFrame:
    out = {}
    for name in table.column_names:
        col = table.column(name)
        if name in items:
            out[name] = col.to_numpy(zero_copy_only=False).astype(np.float64)
        else:
            out[name] = pd.Series(col, dtype="str")
    return pd.DataFrame(out)


def write_cached(
    key: str,
    tables: Mapping[str, pd.DataFrame | None],
    items: Mapping[str, tuple[str, ...]],
    problems: tuple[Problem, ...],
) -> Path | None:
    """Store one term's tables and warnings under ``key``; None when off or not storable."""
    import pyarrow.parquet as pq

    root = cache_dir()
    if root is None:
        return None
    final = root / key
    if final.is_dir():
        return final
    present: dict[str, bool] = {}
    meta: dict[str, Any] = {"problems": [_problem_json(p) for p in problems], "parts": present}
    try:
        back = tuple(Problem(**p) for p in json.loads(json.dumps(meta["problems"])))
        if back != tuple(problems):
            return None  # a warning that would not come back the same from JSON
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{key[:16]}.", dir=root))
    except (OSError, TypeError, ValueError):
        return None  # an unwritable cache folder or an unusual warning: just do not cache
    try:
        for part, frame in tables.items():
            present[part] = frame is not None
            if frame is not None:
                pq.write_table(_to_arrow(frame, items.get(part, ())), tmp / f"{part}.parquet")
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        tmp.replace(final)
    except Exception:  # a full disk, a concurrent writer, an unusual column: do not cache
        shutil.rmtree(tmp, ignore_errors=True)
        return final if final.is_dir() else None
    return final


def read_cached(
    key: str, items: Mapping[str, tuple[str, ...]]
) -> tuple[dict[str, pd.DataFrame | None], tuple[Problem, ...]] | None:
    """The tables and warnings stored under ``key``, or None (not cached, off, or unreadable)."""
    import pyarrow.parquet as pq

    root = cache_dir()
    if root is None or not (root / key / "meta.json").is_file():
        return None
    try:
        meta = json.loads((root / key / "meta.json").read_text(encoding="utf-8"))
        tables: dict[str, pd.DataFrame | None] = {}
        for part in PARTS:
            present = meta["parts"].get(part, False)
            path = root / key / f"{part}.parquet"
            tables[part] = (
                _from_arrow(pq.read_table(path), items.get(part, ())) if present else None
            )
        problems = tuple(Problem(**p) for p in meta["problems"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return tables, problems


def _problem_json(p: Problem) -> dict[str, Any]:
    return {
        "code": p.code,
        "file": p.file,
        "row": p.row,
        "column": p.column,
        "value": p.value,
        "params": dict(p.params),
    }
