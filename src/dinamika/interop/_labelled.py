"""Files that carry their labels: SPSS ``.sav`` and Stata ``.dta`` (pyreadstat), Parquet.

Likert items and answer counts are stored as whole numbers with value labels (``F1.0`` in SPSS,
an integer type in Stata), never as ``F8.2`` decimals; reverse-keyed items say so at the start
of their variable label (``[terbalik]`` / ``[reverse-keyed]``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dinamika.data.instruments import Instrument
from dinamika.i18n.messages import Message
from dinamika.interop.codebook_export import value_labels

__all__ = ["Part", "write_parquet", "write_readstat"]


@dataclass(frozen=True)
class Part:
    """What a writer needs to know about the exported table."""

    instrument: Instrument
    term: str
    nominal: tuple[str, ...]


def _labels(cb: pd.DataFrame, lang: str, limit: int | None = None) -> list[str | None]:
    labels: list[str | None] = cb[f"label_{lang}"].fillna("").astype(str).tolist()
    if limit:
        labels = [t if t is None or len(t) <= limit else t[: limit - 1] + "…" for t in labels]
    return labels


def write_readstat(
    data: pd.DataFrame, cb: pd.DataFrame, part: Part, path: Path, fmt: str, lang: str
) -> None:
    import pyreadstat

    inst = part.instrument
    frame = data.copy()
    integers = [c for c in frame.columns if c in inst.item_ids or isinstance(frame[c].dtype, pd.Int64Dtype)]  # fmt: skip
    for col in frame.columns:
        if col in integers:  # Likert codes and counts: whole numbers, stored as such
            frame[col] = pd.to_numeric(frame[col]).astype("Int16")
        elif not pd.api.types.is_numeric_dtype(frame[col]):
            frame[col] = frame[col].astype(object).where(frame[col].notna(), "").astype(str)
    vlabels: dict[str, dict[int | float, str]] = {
        i: {int(c): t for c, t in value_labels(inst, i, lang).items()} for i in inst.item_ids
    }
    labels = _labels(cb, lang)
    mark = Message("export.reverse_mark").text(lang) + " "
    reverse = set(inst.reverse_keyed)
    labels = [f"{mark}{t}" if v in reverse else t for v, t in zip(cb["variable"], labels, strict=True)]  # fmt: skip
    title = f"{part.term} — {inst.ref}"
    if fmt == "sav":
        measure = {c: "scale" for c in frame.columns}
        measure.update({c: "nominal" for c in part.nominal})
        measure.update({i: "ordinal" for i in inst.item_ids})
        width = {c: f"F{max(1, len(str(int(frame[c].max()))) if frame[c].notna().any() else 1)}.0" for c in integers}  # fmt: skip
        pyreadstat.write_sav(
            frame, str(path), file_label=title, column_labels=labels,
            variable_value_labels=vlabels, variable_measure=measure, variable_format=width,
        )  # fmt: skip
    else:  # Stata: labels at most 80 characters, value labels on integer variables
        short = [t if t is None or len(t) <= 80 else t[:79] + "…" for t in labels]
        pyreadstat.write_dta(
            frame, str(path), file_label=title[:80], column_labels=short,
            variable_value_labels=vlabels, version=15,
        )  # fmt: skip


def write_parquet(data: pd.DataFrame, cb: pd.DataFrame, part: Part, path: Path, lang: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(data, preserve_index=False)
    fields = []
    meta = cb.set_index("variable")
    for f in table.schema:
        row = meta.loc[f.name]
        md = {"label_id": str(row["label_id"]), "label_en": str(row["label_en"])}
        if isinstance(row["value_labels_id"], str):
            md["value_labels"] = json.dumps(
                value_labels(part.instrument, f.name, lang), ensure_ascii=False
            )
        fields.append(f.with_metadata({k: v.encode("utf-8") for k, v in md.items()}))
    schema = pa.schema(fields, metadata={
        b"dinamika": json.dumps({"term": part.term, "instrument": part.instrument.ref}).encode("utf-8"),
    })  # fmt: skip
    pq.write_table(table.cast(schema), str(path))
