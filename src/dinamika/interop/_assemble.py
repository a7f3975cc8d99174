"""The written data file, the mapping table and the manifest section of an import."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dinamika.data.instruments import Instrument
from dinamika.interop._matching import HeaderMatch
from dinamika.interop._observations import OBS_FILE
from dinamika.interop._safe import neutralize_header

if TYPE_CHECKING:  # pragma: no cover
    from dinamika.interop._importing import Roles

__all__ = ["DATA_FILE", "ID_COLUMN", "ROW_COLUMN", "TIME_COLUMN", "assemble"]

DATA_FILE = "kuesioner.csv"
TIME_COLUMN = "waktu_isi"
ID_COLUMN = "id_responden"
#: The row of the original export (spreadsheet numbering, header = 1) each row came from.
ROW_COLUMN = "baris_asli"


def _unique(name: str, taken: set[str]) -> str:
    base, k = name, 2
    while name in taken:
        name, k = f"{base}_{k}", k + 1
    taken.add(name)
    return name


def assemble(
    frame: pd.DataFrame,
    inst: Instrument,
    roles: Roles,
    matches: Sequence[HeaderMatch],
    ids: pd.Series,
    times: pd.Series,
    keep: np.ndarray,
    labels: Mapping[str, int],
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    taken: set[str] = set(inst.item_ids)
    cols: dict[str, pd.Series] = {}
    rows: list[dict[str, Any]] = []

    def name_of(header: str) -> str:
        # a header a spreadsheet would run (=HYPERLINK(…)) is written, and named, inert
        return _unique(neutralize_header(roles.rename.get(header, header.strip())), taken)

    key_names = {key: name_of(h) for key, h in roles.keys.items()}
    for key, header in roles.keys.items():
        cols[key_names[key]] = frame[header]
        rows.append({"column_in_file": header, "column_in_data": key_names[key], "role": key})
    if roles.keys:
        id_name = ""
    elif roles.id is None:
        id_name = _unique(ID_COLUMN, taken)
        cols[id_name] = ids
    else:
        id_name = name_of(roles.id)
        cols[id_name] = frame[roles.id]
        rows.append(
            {
                "column_in_file": roles.id,
                "column_in_data": id_name,
                "role": "id",
                "method": roles.id_note,
            }
        )
    groups: dict[str, str] = {}
    for key, header in roles.groups.items():
        groups[key] = name_of(header)
        cols[groups[key]] = frame[header]
        rows.append({"column_in_file": header, "column_in_data": groups[key], "role": key})
    identifiers = [id_name] if roles.id is not None and roles.id in roles.identifiers else []
    for header in roles.identifiers:
        if header == roles.id:
            rows[0]["role"] = "id, identifier"
            continue
        name = name_of(header)
        identifiers.append(name)
        cols[name] = frame[header]
        rows.append({"column_in_file": header, "column_in_data": name, "role": "identifier"})
    unloaded: list[str] = []  # written for people to see, not analysed: `ignore:` in survey.yaml
    if roles.timestamp is not None:
        name = _unique(TIME_COLUMN, taken)
        unloaded.append(name)
        cols[name] = times.dt.strftime("%Y-%m-%dT%H:%M:%S").fillna("")
        rows.append(
            {"column_in_file": roles.timestamp, "column_in_data": name, "role": "timestamp"}
        )
    row_name = _unique(ROW_COLUMN, taken)
    unloaded.append(row_name)
    cols[row_name] = pd.Series(frame.index.to_numpy() + 2, index=frame.index)
    by_item = {m.item: m for m in matches if m.status == "matched" and m.item}
    for item_id in inst.item_ids:
        m = by_item[item_id]
        cols[item_id] = frame[m.header]
        rows.append(
            {"column_in_file": m.header, "column_in_data": item_id, "role": "item", "item": item_id,
             "method": m.method, "similarity": m.similarity, "nearest": m.nearest(),
             "item_text": inst.item(item_id).text["id"]}
        )  # fmt: skip
    for m in matches:
        if m.status == "other":
            name = name_of(m.header)
            cols[name] = frame[m.header]
            unloaded.append(name)
            rows.append(
                {"column_in_file": m.header, "column_in_data": name, "role": "other",
                 "similarity": m.similarity, "nearest": m.nearest()}
            )  # fmt: skip
        elif m.status == "ignored":
            rows.append({"column_in_file": m.header, "role": "ignored", "method": "manual"})
    for header in roles.dropped:
        rows.append({"column_in_file": header, "role": "metadata (dropped)"})
    data = pd.DataFrame({k: v.to_numpy() for k, v in cols.items()})[keep].reset_index(drop=True)
    mapping = pd.DataFrame(
        rows,
        columns=[
            "column_in_file",
            "column_in_data",
            "role",
            "item",
            "method",
            "similarity",
            "nearest",
            "item_text",
        ],
    )
    order = {h: i for i, h in enumerate(frame.columns)}
    mapping = mapping.sort_values("column_in_file", key=lambda s: s.map(order), kind="stable")
    origin = {
        "row": row_name,
        **({"time": cols_time} if (cols_time := _time_name(unloaded)) else {}),
    }
    if roles.keys:
        obs: dict[str, Any] = {"file": OBS_FILE, "instrument": inst.ref, **key_names}
        if labels:
            obs["labels"] = {str(k): int(v) for k, v in labels.items()}
        obs["ignore"] = [c for c in unloaded if c in (row_name, TIME_COLUMN)]
        obs["origin"] = origin
        return data, mapping.reset_index(drop=True), {"observations": obs}
    spec: dict[str, Any] = {"file": DATA_FILE, "instrument": inst.ref, "id": id_name}
    if groups:
        spec["groups"] = groups
    if identifiers:
        spec["identifiers"] = identifiers
    if labels:
        spec["labels"] = {str(k): int(v) for k, v in labels.items()}
    spec["ignore"] = unloaded
    spec["origin"] = origin
    manifest: dict[str, Any] = {"schema": "dinamika-survey/1", "term": "", "responses": spec}
    return data, mapping.reset_index(drop=True), manifest


def _time_name(unloaded: list[str]) -> str | None:
    return TIME_COLUMN if TIME_COLUMN in unloaded else None
