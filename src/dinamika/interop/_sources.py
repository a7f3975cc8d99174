"""Reading an export and the user's choices (column options, --map, --ignore, mapping.csv)."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

import pandas as pd

from dinamika.data.files import read_table
from dinamika.data.survey import GROUPS
from dinamika.errors import UsageError
from dinamika.i18n.messages import Message
from dinamika.interop._importing import (
    DUPLICATES,
    ImportResult,
    Roles,
    detect_group,
    holds_identifiers,
    is_id_name,
    is_identifier,
)
from dinamika.interop._issues import ImportFailed, Issue
from dinamika.interop._observations import detect_keys
from dinamika.interop._screening import TEST_ROWS

__all__ = [
    "GroupColumns",
    "apply_options",
    "check_choices",
    "check_screening",
    "detect_keys",
    "manual_mapping",
    "read_export",
    "record_choices",
]

GroupColumns = Mapping[str, str]


def read_export(
    path: str | Path, lang: str, sheet: str | int | None = None
) -> tuple[Path, pd.DataFrame]:
    """The export as text cells (``sheet`` of an XLSX; default the first); unreadable files
    raise :class:`ImportFailed`."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(Message("import.no_file", path=path), lang=lang)
    table = read_table(path, label=path.name, sheet=sheet)
    errors = [p for p in table.problems if p.severity == "error"]
    if table.frame is None or errors:
        raise ImportFailed(path.name, [Issue.of(p) for p in (errors or table.problems)], lang)
    return path, table.frame


def check_choices(duplicates: str, date_order: str, threshold: float, lang: str = "id") -> None:
    """Refuse option values the import does not know."""
    if duplicates not in DUPLICATES:
        raise UsageError(
            Message("import.bad_duplicates", allowed=list(DUPLICATES), value=repr(duplicates)),
            lang=lang,
        )
    if date_order not in ("auto", "dmy", "mdy"):
        raise UsageError(Message("import.bad_date_order", value=repr(date_order)), lang=lang)
    if not 0.5 <= threshold <= 1:
        raise UsageError(Message("import.bad_threshold", value=threshold), lang=lang)


def check_screening(
    test_rows: str, start_date: str | None, lang: str = "id"
) -> pd.Timestamp | None:
    """Refuse unknown ``test_rows``; read ``start_date`` (YYYY-MM-DD)."""
    if test_rows not in TEST_ROWS:
        raise UsageError(
            Message("import.bad_test_rows", allowed=list(TEST_ROWS), value=repr(test_rows)),
            lang=lang,
        )
    if start_date is None:
        return None
    try:
        return pd.Timestamp(dt.date.fromisoformat(str(start_date).strip()))
    except ValueError:
        raise UsageError(
            Message("import.bad_start_date", value=repr(start_date)), lang=lang
        ) from None


def record_choices(
    result: ImportResult,
    roles: Roles,
    *,
    duplicates: str,
    test_rows: str,
    start_date: str | None,
    school_list: str | Path | None,
) -> ImportResult:
    """The choices an import was made with, for the head of ``survey.yaml``."""
    if roles.id is not None:
        ident = f"id = '{roles.id}' ({roles.id_note or 'given'})"
    elif roles.keys:
        ident = "id = " + " + ".join(f"'{h}'" for h in roles.keys.values())
    else:
        ident = (
            "id = generated R0001… (--generate-ids)"
            if roles.generate_ids
            else "id = generated R0001… (no id column)"
        )
    choices = [
        ident,
        f"--duplicates {duplicates}",
        f"--test-rows {test_rows}" + (f" --start-date {start_date}" if start_date else ""),
        f"consent = '{roles.consent}'" if roles.consent else "consent: no consent question found",
    ]
    if school_list is not None:
        choices.append(f"--school-list {Path(school_list).name}")
    return replace(result, choices=tuple(choices))


def manual_mapping(
    mapping: Mapping[str, str] | str | Path | None, ignore: Iterable[str] = (), lang: str = "id"
) -> dict[str, str]:
    """Header → item id (``""`` = ignore) from a dict or a reviewed ``mapping.csv``.

    A ``mapping.csv`` written by an earlier import can be edited and given back: rows with an
    ``item`` are taken as is, rows whose ``role`` is ``ignored`` are ignored, the rest are
    detected again.
    """
    out: dict[str, str] = {}
    if isinstance(mapping, (str, Path)):
        path = Path(mapping)
        table = read_table(path, label=path.name)
        frame = table.frame
        if frame is None:
            raise UsageError(Message("import.mapping_unreadable", path=path), lang=lang)
        header_col = next((c for c in ("column_in_file", "header") if c in frame.columns), None)
        if header_col is None or "item" not in frame.columns:
            raise UsageError(Message("import.mapping_columns", path=path), lang=lang)
        roles = frame["role"] if "role" in frame.columns else pd.Series("", index=frame.index)
        for header, item, role in zip(frame[header_col], frame["item"], roles, strict=True):
            if item.strip():
                out[header.strip()] = item.strip()
            elif role.strip() == "ignored":
                out[header.strip()] = ""
    elif mapping:
        out.update({str(k).strip(): str(v).strip() for k, v in mapping.items()})
    for header in ignore:
        out[str(header).strip()] = ""
    return out


def _id_preference(header: str) -> int:
    """E-mail first, then NIP/NUPTK/NIK (unique), then the rest (names are not unique)."""
    norm = header.casefold()
    for rank, word in enumerate(("mail", "surel", "nip", "nuptk", "nik")):
        if word in norm:
            return rank
    return 9


def _require(frame: pd.DataFrame, header: str | None, option: str, lang: str = "id") -> None:
    if header is not None and header.strip() not in frame.columns:
        columns = [str(c) for c in frame.columns]
        folded = {c.casefold(): c for c in columns}
        near = difflib.get_close_matches(header.strip().casefold(), list(folded), n=3, cutoff=0.4)
        shown = [folded[n] for n in near] or columns[:8]
        listed = ", ".join(f"'{c if len(c) <= 40 else c[:39] + '…'}'" for c in shown)
        code = "import.option_did_you_mean" if near else "import.option_columns_begin"
        raise UsageError(Message(code, option=option, header=header, listed=listed), lang=lang)


def apply_options(
    frame: pd.DataFrame,
    roles: Roles,
    *,
    id_column: str | None,
    groups: GroupColumns | None,
    identifiers: Iterable[str],
    names: Mapping[str, str] | None = None,
    lang: str = "id",
) -> Roles:
    """Explicit column options win over detection; then detect groups, identifiers and the id.

    ``names`` maps headers to the name detection should look at (Kobo: the field name without
    its group prefix).
    """
    lookup: dict[str, str] = dict(names or {})
    claimed: set[str | None] = {roles.timestamp, *roles.dropped, *roles.items}
    given = dict(groups or {})
    for key, header in given.items():
        if key not in GROUPS:
            raise UsageError(
                Message("import.unknown_group", key=repr(key), allowed=", ".join(GROUPS)),
                lang=lang,
            )
        _require(frame, header, f"--{key}-column", lang)
    _require(frame, id_column, "--id-column", lang)
    for header in identifiers:
        _require(frame, header, "--identifier", lang)
    roles.groups = {k: v.strip() for k, v in given.items()}
    roles.identifiers = [h.strip() for h in identifiers]
    taken = claimed | set(roles.groups.values()) | {id_column}
    for header in map(str, frame.columns):
        if header in taken:
            continue
        name = lookup.get(header, header)
        group = detect_group(name)
        if group and group not in roles.groups:
            roles.groups[group] = header
        elif header not in roles.identifiers and (
            is_identifier(name) or holds_identifiers(frame[header])
        ):
            roles.identifiers.append(header)
    if id_column is not None:
        roles.id, roles.id_note = id_column.strip(), "--id-column"
    elif roles.id is None:
        code = [
            h for h in map(str, frame.columns) if h not in taken and is_id_name(lookup.get(h, h))
        ]
        if code:
            roles.id, roles.id_note = code[0], "respondent code"
        else:  # e-mail, NIP, NUPTK, NIK: unique per person; names and phones never
            ranked = sorted(roles.identifiers, key=lambda c: _id_preference(lookup.get(c) or c))
            unique = [c for c in ranked if _id_preference(lookup.get(c) or c) < 9]
            if unique:
                roles.id, roles.id_note = unique[0], "identifier (pseudonymized at load)"
    return roles
