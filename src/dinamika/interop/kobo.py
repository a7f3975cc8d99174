"""Import a KoboToolbox / ODK Central export (CSV or XLSX) into a term folder.

Exports with "XML values and headers" head each column with the field name, prefixed by its
groups (``grp_kep/KEP1``; the separator may also be ``:`` or ``.``), and hold choice names
(codes); exports with labels head columns with the question text and hold the choice labels.
Both are read: field names equal to an item id match exactly, anything else goes through the
same header matching as Google Forms. Platform columns (``start``, ``end``, ``deviceid``,
``meta/instanceID``, ``_id``, ``_status``, ...) are dropped; ``_submission_time`` becomes
``waktu_isi``. Submissions whose consent field (``persetujuan``, as in the XLSForm that
:func:`write_xlsform` makes, or ``consent``) says no are left out, and the summary says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from dinamika.data.instruments import Instrument, load_instrument
from dinamika.i18n.messages import Message
from dinamika.interop._complete import complete_import
from dinamika.interop._importing import ImportResult, Roles, build_import
from dinamika.interop._matching import THRESHOLD, normalize_text
from dinamika.interop._screening import consent_column
from dinamika.interop._sources import (
    GroupColumns,
    apply_options,
    check_choices,
    check_screening,
    detect_keys,
    manual_mapping,
    read_export,
    record_choices,
)
from dinamika.interop._writing import write_import
from dinamika.interop.xlsform_export import xlsform

__all__ = ["field_name", "import_kobo"]

_PATH = re.compile(r"^[A-Za-z_][\w.-]*(?:[/:][A-Za-z_][\w.-]*)+$")
_META = {
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username",
    "audit", "instanceid", "rootuuid", "deprecatedid", "instancename", "_id", "_uuid",
    "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
    "__version__", "_version_", "_tags", "_index", "_parent_index", "_parent_table_name",
    "_xform_id_string", "_attachments", "_geolocation", "_duration", "_media_count",
    "_total_media", "_media_all_received", "_edited", "formhub/uuid", "uuid", "consent",
    "_submission__id", "_submission__uuid", "_submission__submission_time",
}  # fmt: skip


def field_name(header: str) -> str:
    """The field name without its group path.

    >>> field_name("grp_kep/KEP1"), field_name("grp_a:grp_b:SP2"), field_name("Nama sekolah")
    ('KEP1', 'SP2', 'Nama sekolah')
    """
    header = header.strip()
    if _PATH.match(header):
        return re.split(r"[/:]", header)[-1]
    return header


def _form_fields(inst: Instrument) -> dict[str, str]:
    """Normalized question label (either language) → field name, for the XLSForm's own
    non-item fields (consent, teacher code, school, ...): Kobo's label exports head columns
    with these labels, often behind their group's label (``Tentang Anda/Nama sekolah``)."""
    rows = xlsform(inst)["survey"]
    kinds = rows["type"].astype(str)
    keep = ~kinds.isin(["begin_group", "end_group", "note", "start", "end"])
    keep &= ~rows["name"].astype(str).isin(inst.item_ids)
    out: dict[str, str] = {}
    for col in [c for c in rows.columns if str(c).startswith("label")]:
        for label, name in zip(rows.loc[keep, col], rows.loc[keep, "name"], strict=True):
            if isinstance(label, str) and label.strip():
                out.setdefault(normalize_text(label), str(name))
    return out


def _label_field(header: str, fields: Mapping[str, str]) -> str | None:
    """The field whose label ends the header (group labels may precede it, joined by ``/``)."""
    parts = str(header).split("/")
    for k in range(len(parts)):
        name = fields.get(normalize_text("/".join(parts[k:])))
        if name is not None:
            return name
    return None


def import_kobo(
    path: str | Path,
    *,
    instrument: str,
    out: str | Path,
    id_column: str | None = None,
    school_column: str | None = None,
    groups: GroupColumns | None = None,
    identifiers: Iterable[str] = (),
    mapping: Mapping[str, str] | str | Path | None = None,
    ignore: Iterable[str] = (),
    labels: Mapping[str, int] | None = None,
    duplicates: str = "error",
    threshold: float = THRESHOLD,
    date_order: str = "auto",
    lesson_column: str | None = None,
    teacher_column: str | None = None,
    observer_column: str | None = None,
    force: bool = False,
    sheet: str | int | None = None,
    generate_ids: bool = False,
    test_rows: str = "error",
    start_date: str | None = None,
    school_list: str | Path | None = None,
    title: str | None = None,
    population: int | None = None,
    lang: str = "id",
) -> ImportResult:
    """Make a term folder from a KoboToolbox or ODK Central export.

    Parameters are those of :func:`~dinamika.interop.import_google_forms` (an observation
    rubric goes into an existing term, as there). The respondent id
    is ``id_column``, else a code field (``id_guru``, ``kode_guru``), else an identifier
    column, else Kobo's ``_uuid`` (one id per submission: repeated submissions by one teacher
    cannot then be detected, which the summary says).

    Returns
    -------
    ImportResult

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> inst = load_instrument("komunitas-guru@1.0.0")
    >>> tmp = tempfile.TemporaryDirectory()
    >>> d = pathlib.Path(tmp.name)
    >>> cols = {f"grp_x/{i}": ["4", "5"] for i in inst.item_ids}
    >>> frame = pd.DataFrame({"grp_r/id_guru": ["G1", "G2"], **cols, "_uuid": ["a", "b"],
    ...                       "_submission_time": ["2026-11-27T01:00:00", "2026-11-27T02:00:00"]})
    >>> frame.to_csv(d / "kobo.csv", sep=";", index=False)
    >>> result = import_kobo(d / "kobo.csv", instrument=inst.ref, out=d / "term")
    >>> result.manifest["responses"]["id"], list(result.data.columns[:3])
    ('id_guru', ['id_guru', 'waktu_isi', 'baris_asli'])
    """
    check_choices(duplicates, date_order, threshold, lang)
    start = check_screening(test_rows, start_date, lang)
    inst = load_instrument(instrument)
    source, frame = read_export(path, lang, sheet)
    roles = Roles()
    fields = _form_fields(inst)
    names = {h: field_name(h) for h in frame.columns}
    names = {h: (_label_field(h, fields) or n) if n == h.strip() else n for h, n in names.items()}
    uuid = None
    item_ids = {i.casefold(): i for i in inst.item_ids}
    for header, name in names.items():
        key = name.casefold()
        if header == "_submission_time" or key == "_submission_time":
            roles.timestamp = header
        elif key == "_uuid" and uuid is None:
            uuid = header
        elif key in item_ids:
            roles.items[header] = item_ids[key]
        elif key in _META or header.casefold() in _META or key.startswith("meta/"):
            roles.dropped.append(header)
    roles.consent = consent_column(frame, names)
    if roles.consent is not None and roles.consent not in roles.dropped:
        roles.dropped.append(roles.consent)
    roles.rename = {h: n for h, n in names.items() if n != h}
    if len(set(roles.rename.values())) != len(roles.rename):  # two groups, one field name
        roles.rename = {}
    all_groups = dict(groups or {})
    if school_column is not None:
        all_groups["school"] = school_column
    if inst.kind == "observation":
        given = {"lesson": lesson_column, "teacher": teacher_column, "observer": observer_column}
        roles.keys = detect_keys(frame.columns, given, names, lang)
    else:
        roles = apply_options(
            frame,
            roles,
            id_column=id_column,
            groups=all_groups,
            identifiers=identifiers,
            names=names,
            lang=lang,
        )
        roles.generate_ids = generate_ids
    notes_uuid = False
    if roles.id is None and uuid is not None and not roles.keys:
        roles.id, roles.id_note = uuid, "_uuid (one per submission)"
        notes_uuid = True
    if uuid is not None and roles.id != uuid:
        roles.dropped.append(uuid)
    result = build_import(
        frame,
        inst,
        roles,
        out=Path(out),
        source=source.name,
        manual=manual_mapping(mapping, ignore, lang),
        labels=dict(labels or {}),
        duplicates=duplicates,
        threshold=threshold,
        date_order=date_order,
        lang=lang,
        test_rows=test_rows,
        start_date=start,
    )
    notes = list(result.messages)
    if notes_uuid:
        notes.append(Message("import.kobo_uuid"))
    result = replace(result, messages=tuple(notes))
    result = complete_import(
        result, title=title, population=population, school_list=school_list, lang=lang
    )
    result = record_choices(result, roles, duplicates=duplicates, test_rows=test_rows,
                            start_date=start_date, school_list=school_list)  # fmt: skip
    write_import(result, source, "kobo", force=force, lang=lang)
    return result
