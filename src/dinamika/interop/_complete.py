"""What an import adds around the data: ``groups.csv`` (typed school/KKG names → groups,
optionally matched to a district school list with NPSN), the title and population of the
term, and notes saying what is still missing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from dinamika.data.files import read_table
from dinamika.data.group_names import (
    GROUP_COLUMNS,
    GROUPS_FILE,
    group_key,
    similar_names,
    unify_names,
)
from dinamika.errors import UsageError
from dinamika.i18n.messages import MESSAGES, Message
from dinamika.interop._importing import ImportResult
from dinamika.interop._matching import normalize_text

__all__ = ["complete_import", "read_school_list"]

_NPSN = {"npsn", "nomor pokok sekolah nasional"}
_SCHOOL = {"nama sekolah", "nama satuan pendidikan", "satuan pendidikan", "sekolah", "nama", "school"}  # fmt: skip


def read_school_list(path: str | Path, lang: str = "id") -> pd.DataFrame:
    """A district school list (e.g. a Dapodik export): ``key``, ``name``, ``npsn``."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(Message("import.school_list_missing", path=path), lang=lang)
    table = read_table(path, label=path.name)
    if table.frame is None:
        raise UsageError(Message("import.school_list_unreadable", path=path), lang=lang)
    frame = table.frame
    norm = {normalize_text(c): c for c in frame.columns}
    npsn = next((norm[k] for k in norm if k in _NPSN), None)
    name = next((norm[k] for k in norm if k in _SCHOOL), None)
    if npsn is None or name is None:
        raise UsageError(
            Message(
                "import.school_list_columns", name=path.name, columns=", ".join(frame.columns)
            ),
            lang=lang,
        )
    out = pd.DataFrame({"name": frame[name].str.strip(), "npsn": frame[npsn].str.strip()})
    out["key"] = out["name"].map(group_key)
    return out[out["key"] != ""].drop_duplicates("key")


def group_table(
    data: pd.DataFrame, groups: dict[str, str], school_list: pd.DataFrame | None
) -> tuple[pd.DataFrame, list[Message]]:
    """``groups.csv`` for the imported data, and notes for the summary."""
    parts: list[pd.DataFrame] = []
    notes: list[Message] = []
    rows = data["baris_asli"] if "baris_asli" in data else pd.Series(range(2, len(data) + 2))
    for kind, column in groups.items():
        table = unify_names(data[column])
        table.insert(0, "kind", kind)
        table["status"] = "same"
        table["npsn"] = ""
        table["note"] = ""
        if kind == "school" and school_list is not None:
            official = school_list.set_index("key")
            hit = table["key"].isin(official.index)
            table.loc[hit, "group"] = table.loc[hit, "key"].map(official["name"])
            table.loc[hit, "npsn"] = table.loc[hit, "key"].map(official["npsn"])
            table.loc[hit, "status"] = "district-list"
            missing = table.loc[~hit, "name_in_file"].tolist()
            if missing:
                shown = ", ".join(f"'{m.strip()}'" for m in missing[:5])
                notes.append(Message("import.not_in_school_list", n=len(missing), shown=shown))
        pairs = similar_names(table["group"].unique())
        for a, b in pairs:
            for this, other in ((a, b), (b, a)):
                where = table["group"] == this
                first = rows[
                    data[column]
                    .astype(str)
                    .str.strip()
                    .isin(table.loc[table["group"] == other, "name_in_file"].str.strip())
                ]
                seen = f" (row {first.iloc[0]})" if len(first) else ""
                table.loc[where & (table["status"] == "same"), "status"] = "suspected"
                table.loc[where, "note"] = (
                    table.loc[where, "note"] + f" similar to '{other}'{seen}"
                ).str.strip()
        merged = len(table) - table["group"].nunique()
        if merged or pairs:
            shown = "; ".join(f"'{a}' ~ '{b}'" for a, b in pairs[:5])
            noun = Message(f"group_kind.{kind}") if f"group_kind.{kind}" in MESSAGES else kind
            similar = Message("import.similar_pairs", n=len(pairs), shown=shown) if pairs else ""
            notes.append(
                Message(
                    "import.group_names",
                    n=len(table),
                    noun=noun,
                    groups=table["group"].nunique(),
                    similar=similar,
                )
            )
        parts.append(table)
    if not parts:
        return pd.DataFrame(columns=list(GROUP_COLUMNS)), notes
    out = pd.concat(parts, ignore_index=True)
    out["name_in_file"] = out["name_in_file"].str.strip()
    out = out.groupby(["kind", "name_in_file"], sort=False, as_index=False).agg(
        {"n": "sum", "group": "first", "status": "first", "npsn": "first", "note": "first"}
    )
    out = out.sort_values(
        ["kind", "group", "name_in_file"], key=lambda c: c.str.casefold(), kind="stable"
    )
    return out.reindex(columns=list(GROUP_COLUMNS)).reset_index(drop=True), notes


def complete_import(
    result: ImportResult,
    *,
    title: str | None,
    population: int | None,
    school_list: str | Path | None,
    lang: str = "id",
) -> ImportResult:
    """Add the title, population and ``groups.csv`` (``.groups``) to a questionnaire import."""
    manifest: dict[str, Any] = dict(result.manifest)
    if "responses" not in manifest:
        return result
    notes = list(result.messages)
    if population is not None and (isinstance(population, bool) or int(population) <= 0):
        raise UsageError(Message("import.population_positive"), lang=lang)
    head: dict[str, Any] = {"schema": manifest.pop("schema"), "term": manifest.pop("term")}
    if title:
        head["title"] = {"id": title.strip(), "en": title.strip()}
    if population is not None:
        head["population"] = {"teachers": int(population)}
    missing = "both" if not (title or population) else "title" if not title else "population"
    if not (title and population):
        notes.append(Message("import.no_title_population", missing=Message(f"import.missing_{missing}")))
    spec = dict(manifest["responses"])
    school = read_school_list(school_list, lang) if school_list is not None else None
    groups = {k: v for k, v in (spec.get("groups") or {}).items() if v in result.data}
    table, group_notes = group_table(result.data, groups, school)
    notes += group_notes
    table, kept = _keep_reviewed(table, Path(result.out) / GROUPS_FILE)
    if kept:
        notes.append(Message("import.kept_reviewed", n=kept))
    if len(table):
        spec["group_names"] = GROUPS_FILE
    manifest = {**head, **manifest, "responses": spec}
    return replace(
        result,
        manifest=manifest,
        messages=tuple(notes),
        groups=table,
    )


def _keep_reviewed(table: pd.DataFrame, path: Path) -> tuple[pd.DataFrame, int]:
    """On a repeated import (--force), lines a person marked ``checked`` in ``groups.csv`` win."""
    if not path.is_file() or table.empty:
        return table, 0
    try:
        old = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError, UnicodeDecodeError):
        return table, 0
    if not {"kind", "name_in_file", "group", "status"} <= set(old.columns):
        return table, 0
    old = old[old["status"].str.strip().str.casefold() == "checked"]
    old = old.drop_duplicates(["kind", "name_in_file"]).set_index(["kind", "name_in_file"])
    new = table.set_index(["kind", "name_in_file"])
    both = new.index.intersection(old.index)
    for col in ("group", "status", "npsn", "note"):
        if col in old.columns:
            new.loc[both, col] = old.loc[both, col]
    return new.reset_index().reindex(columns=list(GROUP_COLUMNS)), len(both)
