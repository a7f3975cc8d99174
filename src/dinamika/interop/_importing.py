"""What Google Forms and KoboToolbox imports share: headers → items, answer checks, duplicates.

:func:`build_import` turns one exported table into the data file, manifest and mapping table
of a term folder, or raises :class:`ImportFailed` listing every problem; :func:`write_import`
then writes the folder atomically (a temporary folder, validated, then moved into place).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from dinamika.data.instruments import Instrument
from dinamika.errors import UsageError
from dinamika.interop._assemble import ID_COLUMN, TIME_COLUMN, assemble
from dinamika.interop._checks import (
    agreeing_labels,
    answer_issues,
    check_manual,
    find_duplicates,
    header_issue,
    issue,
    lost_digits_issue,
    missing_item_issues,
)
from dinamika.interop._issues import ImportFailed, rows_text
from dinamika.interop._matching import HeaderMatch, match_headers, normalize_text
from dinamika.interop._notes import column_notes
from dinamika.interop._observations import observation_ids
from dinamika.interop._timestamps import parse_timestamps
from dinamika.privacy.pseudonym import looks_like_identifier

__all__ = [
    "DUPLICATES",
    "ImportResult",
    "Roles",
    "build_import",
    "detect_group",
    "holds_identifiers",
    "is_identifier",
]

DUPLICATES = ("error", "keep-last", "keep-first")

_GROUP_NAMES = {
    "school": {"sekolah", "nama sekolah", "asal sekolah", "satuan pendidikan", "unit kerja",
               "nama satuan pendidikan", "instansi", "school", "school name"},
    "kkg": {"kkg", "mgmp", "kkg mgmp", "gugus", "nama kkg", "nama mgmp", "kkg gugus",
            "kelompok kerja guru", "komunitas guru", "teacher community"},
    "district": {"kabupaten", "kabupaten kota", "kab kota", "kota", "kota kabupaten", "district"},
    "level": {"jenjang", "jenjang sekolah", "jenjang pendidikan", "level", "school level"},
}  # fmt: skip
_ID_NAMES = {"id guru", "kode guru", "id responden", "kode responden", "teacher id", "teacher code"}
_MORE_IDENT = re.compile(
    r"^(nama (guru|responden|bapak ibu)|no (hp|wa|telepon|telp)|nomor (hp|wa|whatsapp|telepon)|"
    r"alamat e ?mail|e ?mail address|nomor induk pegawai)$"
)
#: A word anywhere in the header that names contact details or an official number
#: ("Nomor HP / WA (opsional)", "NIP Bapak/Ibu", "Email aktif").
_IDENT_WORD = re.compile(
    r"\b(e ?mail|surel|whatsapp|wa|hp|ponsel|handphone|telepon|telp|phone|nip|nik|nuptk|nisn)\b"
)
#: "Nama ..." is a person's name unless it names a place, group or subject.
_NAME_OF = re.compile(r"^nama\b")
_NOT_A_PERSON = re.compile(
    r"\b(sekolah|madrasah|satuan|unit|instansi|lembaga|kkg|mgmp|gugus|kabupaten|kota|"
    r"kecamatan|desa|provinsi|mata pelajaran|mapel|kelas|kegiatan)\b"
)
#: Cell values that identify a person whatever the header says.
_EMAIL_VALUE = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_NUMBER_VALUE = re.compile(r"^(\d{15,18}|(\+62|62|0)8\d{7,11})$")  # NIK/NIP/NUPTK, phone


def detect_group(header: str) -> str | None:
    """``school``, ``kkg``, ``district`` or ``level`` when the header names one, else None.

    >>> detect_group("Asal Sekolah "), detect_group("KKG/MGMP"), detect_group("Usia")
    ('school', 'kkg', None)
    """
    norm = normalize_text(header)
    for key, names in _GROUP_NAMES.items():
        if norm in names:
            return key
    return None


def is_identifier(header: str) -> bool:
    """Direct identifiers: names, NIP, NUPTK, NIK, e-mail, phone numbers.

    >>> is_identifier("Alamat email"), is_identifier("Nama Guru"), is_identifier("Nama Sekolah")
    (True, True, False)
    >>> is_identifier("Nomor HP / WA (opsional)"), is_identifier("Nama Bapak/Ibu Guru")
    (True, True)
    """
    norm = normalize_text(header)
    if looks_like_identifier(header) or _MORE_IDENT.match(norm) or _IDENT_WORD.search(norm):
        return True
    person = "kepala" in norm.split() or not _NOT_A_PERSON.search(norm)  # head teacher: a person
    return bool(_NAME_OF.match(norm)) and person


def holds_identifiers(values: pd.Series) -> bool:
    """True when most answered cells are e-mail addresses, phone numbers or NIP/NIK numbers.

    >>> holds_identifiers(pd.Series(["siti@guru.id", "0812 3456 7890", ""]))
    True
    >>> holds_identifiers(pd.Series(["Setuju", "12", "budi@guru.id"]))
    False
    """
    text = values.astype(str).str.strip()
    text = text[text != ""]
    if text.empty:
        return False
    digits = text.str.replace(r"[\s.()-]", "", regex=True)
    hits = text.str.match(_EMAIL_VALUE) | digits.str.match(_NUMBER_VALUE)
    return bool(hits.mean() >= 0.5)


def is_id_name(header: str) -> bool:
    """Headers that hold a respondent code (``id_guru``, ``Kode Guru``)."""
    return normalize_text(header.replace("_", " ")) in _ID_NAMES


@dataclass
class Roles:
    """Headers whose role is known before item matching (from options or detection)."""

    id: str | None = None
    groups: dict[str, str] = field(default_factory=dict)
    identifiers: list[str] = field(default_factory=list)
    timestamp: str | None = None
    dropped: list[str] = field(default_factory=list)
    #: header → item id already known (e.g. Kobo field names equal to item ids)
    items: dict[str, str] = field(default_factory=dict)
    #: header → name in the written data file (default: the header, stripped)
    rename: dict[str, str] = field(default_factory=dict)
    #: why the respondent id was chosen, for the summary
    id_note: str = ""
    #: observations: lesson, teacher, observer → header
    keys: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportResult:
    """A term folder made from an export.

    Attributes
    ----------
    out : Path
        The term folder (``survey.yaml``, ``kuesioner.csv``, ``mapping.csv``).
    manifest : dict
        What ``survey.yaml`` holds.
    data : DataFrame
        The data file as written (answers as in the export; item columns renamed to item ids).
    mapping : DataFrame
        One row per header of the export: ``column_in_file``, ``column_in_data``, ``role``,
        ``item``, ``method``, ``similarity``, ``nearest``, ``item_text``.
    n_read, n_written : int
        Rows read from the export and written to the data file.
    duplicates : DataFrame
        Repeated submissions: ``row`` (spreadsheet row of the export), ``kept`` (True/False),
        ``kept_row``.
    notes, notes_id : tuple of str
        What the import assumed or dropped (date order, generated ids, ...).
    """

    out: Path
    manifest: Mapping[str, Any]
    data: pd.DataFrame = field(repr=False)
    mapping: pd.DataFrame = field(repr=False)
    n_read: int
    n_written: int
    duplicates: pd.DataFrame = field(repr=False)
    notes: tuple[str, ...] = ()
    notes_id: tuple[str, ...] = ()

    def summary(self, lang: str = "en") -> str:
        """A few lines for the terminal."""
        items = self.mapping[self.mapping["role"] == "item"]
        methods = items["method"].value_counts().to_dict()
        how = ", ".join(f"{k} {v}" for k, v in sorted(methods.items()))
        mapping = "mapping-observasi.csv" if "observations" in self.manifest else "mapping.csv"
        if lang == "id":
            lines = [
                f"Diimpor ke {self.out}: {self.n_written} dari {self.n_read} baris, "
                f"{len(items)} butir dicocokkan ({how}).",
                f"Tinjau {self.out / mapping} sebelum analisis.",
            ]
        else:
            lines = [
                f"Imported into {self.out}: {self.n_written} of {self.n_read} rows, "
                f"{len(items)} items matched ({how}).",
                f"Review {self.out / mapping} before analysis.",
            ]
        notes = self.notes_id if lang == "id" and self.notes_id else self.notes
        return "\n".join(lines + [f"- {n}" for n in notes])


def build_import(
    frame: pd.DataFrame,
    instrument: Instrument,
    roles: Roles,
    *,
    out: Path,
    source: str,
    manual: Mapping[str, str],
    labels: Mapping[str, int],
    duplicates: str,
    threshold: float,
    date_order: str,
    lang: str,
) -> ImportResult:
    """Check one export against ``instrument`` and prepare the term folder (nothing written)."""
    observation = instrument.kind == "observation"
    if instrument.kind not in ("questionnaire", "observation"):
        raise UsageError(
            f"{instrument.ref} is an {instrument.kind} instrument; imports bring in a "
            "questionnaire (komunitas-guru) or an observation rubric (observasi-pembelajaran)"
        )
    empty = frame.apply(lambda col: col.astype(str).str.strip() == "").all(axis=1).to_numpy()
    skipped = frame.index.to_numpy()[empty] + 2
    frame = frame[~empty]  # rows with nothing in any cell (left behind in a sheet)
    headers = [str(h) for h in frame.columns]
    issues = check_manual(manual, headers, instrument)
    known = {roles.id, roles.timestamp, *roles.groups.values(), *roles.identifiers, *roles.dropped}
    known |= set(roles.keys.values())
    known |= set(roles.items)
    rest = [h for h in headers if h not in known]
    matches = [HeaderMatch(h, "matched", i, "exact", 1.0) for h, i in roles.items.items()]
    matches += match_headers(rest, instrument, manual=manual, threshold=threshold)
    if roles.items:  # field names and text headers together: one header per item still
        seen: dict[str, int] = {}
        for m in matches:
            if m.status == "matched" and m.item:
                seen[m.item] = seen.get(m.item, 0) + 1
        matches = [
            HeaderMatch(
                m.header, "ambiguous", None, "duplicate", m.similarity, ((str(m.item), 1.0),)
            )
            if m.status == "matched" and m.item and seen[m.item] > 1
            else m
            for m in matches
        ]
    issues += [
        header_issue(m, instrument) for m in matches if m.status in ("ambiguous", "unmatched")
    ]
    by_item = {m.item: m.header for m in matches if m.status == "matched" and m.item}
    missing = [i for i in instrument.item_ids if i not in by_item]
    issues += missing_item_issues(missing, matches, instrument)

    notes: list[tuple[str, str]] = []  # (English, Indonesian)
    if len(skipped):
        rows = rows_text(skipped)
        notes.append(
            (
                f"{len(skipped)} empty row(s) skipped: row(s) {rows}",
                f"{len(skipped)} baris kosong dilewati: baris {rows}",
            )
        )
    n = len(frame)
    id_header = roles.id
    if observation:
        ids, key_issues = observation_ids(frame, roles.keys)
        issues += key_issues
        id_header = " + ".join(roles.keys.get(k, "?") for k in ("lesson", "observer"))
    elif id_header is None:
        ids = pd.Series([f"R{i:04d}" for i in range(1, n + 1)], index=frame.index)
        notes.append(
            (
                f"no respondent id, e-mail or NIP column: rows were numbered {ID_COLUMN} R0001… "
                "in file order, and repeated submissions cannot be detected (give --id-column)",
                f"tidak ada kolom id, email atau NIP: baris diberi nomor {ID_COLUMN} R0001… "
                "menurut urutan berkas, dan kiriman berulang tidak dapat dikenali (--id-column)",
            )
        )
    else:
        ids = frame[id_header].astype(str).str.strip()
        blank = frame.index.to_numpy()[(ids == "").to_numpy()] + 2
        lost = lost_digits_issue(ids, id_header)
        if lost is not None:
            issues.append(lost)
        if len(blank):
            issues.append(
                issue(
                    f"column '{id_header}', row(s) {rows_text(blank)}",
                    (
                        "the respondent id is empty",
                        "fill it in a copy of the file, or choose another column with --id-column",
                    ),
                    (
                        "id responden kosong",
                        "isi di salinan berkas, atau pilih kolom lain dengan --id-column",
                    ),
                )
            )
    auto = agreeing_labels(frame, by_item, instrument, labels)
    if auto:
        labels = {**auto, **labels}
        shown = ", ".join(f"'{k}'" for k in list(auto)[:3]) + (", …" if len(auto) > 3 else "")
        notes.append(
            (
                f"answers such as {shown} carry a code and a label that agree; they were "
                "added to labels: in survey.yaml",
                f"jawaban seperti {shown} memuat kode dan label yang sesuai; keduanya "
                "ditambahkan ke labels: di survey.yaml",
            )
        )
    issues += answer_issues(frame, by_item, instrument, labels)

    times = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    if roles.timestamp is not None:
        parsed = parse_timestamps(frame[roles.timestamp], date_order=date_order)
        times = parsed.values
        if len(parsed.bad_rows):
            rows = rows_text(frame.index.to_numpy()[parsed.bad_rows] + 2)
            notes.append(
                (
                    f"timestamps in column '{roles.timestamp}' could not be read in row(s) "
                    f"{rows}; they are left empty in {TIME_COLUMN}",
                    f"waktu di kolom '{roles.timestamp}' tidak terbaca pada baris {rows}; "
                    f"dibiarkan kosong di {TIME_COLUMN}",
                )
            )
        if parsed.assumed:
            notes.append(
                (
                    f"dates in '{roles.timestamp}' were read day-first (27/11/2026); no date "
                    "showed the order — use --date-order mdy if the form used US dates",
                    f"tanggal di '{roles.timestamp}' dibaca hari-bulan (27/11/2026); tidak ada "
                    "tanggal yang menunjukkan urutannya — pakai --date-order mdy untuk format AS",
                )
            )
    keep, dup_table, dup_issues = find_duplicates(ids, times, duplicates, id_header or ID_COLUMN)
    if observation:  # the message says "same respondent"; for ratings it is lesson and observer
        dup_issues = [
            replace(i, what_en=i.what_en.replace("the same respondent", "the same lesson and observer"),
                    what_id=i.what_id.replace("responden yang sama", "pelajaran dan pengamat yang sama"))
            for i in dup_issues
        ]  # fmt: skip
    issues += dup_issues
    if issues:
        raise ImportFailed(source, issues, lang)
    if len(dup_table):
        dropped = dup_table.loc[~dup_table["kept"], "row"]
        rows = rows_text(dropped)
        notes.append(
            (
                f"{len(dropped)} repeated submission(s) dropped ({duplicates}): row(s) {rows}",
                f"{len(dropped)} kiriman berulang tidak dipakai ({duplicates}): baris {rows}",
            )
        )

    data, mapping, manifest = assemble(frame, instrument, roles, matches, ids, times, keep, labels)
    notes += column_notes(mapping)
    if not observation:
        manifest["term"] = out.name
    return ImportResult(
        out=out,
        manifest=manifest,
        data=data,
        mapping=mapping,
        n_read=n + len(skipped),
        n_written=int(keep.sum()),
        duplicates=dup_table,
        notes=tuple(en for en, _ in notes),
        notes_id=tuple(id_ for _, id_ in notes),
    )
