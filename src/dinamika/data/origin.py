"""Rows traced to the original export: problems in an imported data file name the export's row.

An import writes ``baris_asli`` (the export's spreadsheet row) and ``waktu_isi`` (the submission
time) into the data file and ``origin: {file, row, time}`` into ``survey.yaml``; the team fixes
the original export, so every problem names that row and time too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

import pandas as pd

from dinamika.data.validation import Problem

__all__ = ["trace"]


def trace(
    problems: Iterable[Problem], frame: pd.DataFrame, spec: Mapping[str, Any]
) -> list[Problem]:
    """``problems`` with the export row and time of each row of ``spec``'s data file.

    Examples
    --------
    >>> frame = pd.DataFrame({"baris_asli": ["7", "9"], "waktu_isi": ["2026-11-04T08:12:00", ""]})
    >>> spec = {"file": "kuesioner.csv", "origin": {"file": "jawaban.csv", "row": "baris_asli",
    ...                                             "time": "waktu_isi"}}
    >>> p = trace([Problem("no_answers", "kuesioner.csv", row=2)], frame, spec)[0]
    >>> p.location("id")
    'kuesioner.csv, baris 2 (= baris 7 di jawaban.csv, 2026-11-04 08:12)'
    """
    problems = list(problems)
    origin = spec.get("origin")
    if not isinstance(origin, Mapping) or origin.get("row") not in frame.columns:
        return problems
    label, source = str(spec["file"]), str(origin.get("file", "?"))
    rows = frame[origin["row"]].astype(str).str.strip().to_numpy()
    time_col = origin.get("time")
    times = (
        frame[time_col].astype(str).str.strip().to_numpy()
        if time_col in frame.columns
        else [""] * len(frame)
    )

    def at(row: Any) -> tuple[str, str] | None:
        k = int(row) - 2 if isinstance(row, int) or str(row).isdigit() else -1
        return (rows[k], times[k]) if 0 <= k < len(rows) and rows[k] else None

    out = []
    for p in problems:
        here = at(p.row) if p.file == label and p.row is not None and p.row >= 2 else None
        if here is None:
            out.append(p)
            continue
        params = dict(p.params)
        other = at(params.get("other_row")) if "other_row" in params else None
        if other is not None:
            params["other_row"] = f"{params['other_row']} [{source}: {other[0]}]"
        row = int(here[0]) if here[0].isdigit() else here[0]
        out.append(replace(p, params=params, origin=(source, row, here[1])))  # type: ignore[arg-type]
    return out
