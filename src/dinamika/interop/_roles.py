"""Which header is what before item matching: groups, direct identifiers, respondent codes."""

from __future__ import annotations

import re

import pandas as pd

from dinamika.interop._matching import normalize_text
from dinamika.privacy.pseudonym import looks_like_identifier

__all__ = ["detect_group", "holds_identifiers", "is_id_name", "is_identifier", "is_person_name"]

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


def is_person_name(header: str) -> bool:
    """A header holding people's names ("Nama lengkap", "Nama Guru"): never a unique id.

    >>> is_person_name("Nama lengkap"), is_person_name("Nama Sekolah"), is_person_name("Alamat email")
    (True, False, False)
    """
    norm = normalize_text(header)
    if _IDENT_WORD.search(norm) or not _NAME_OF.match(norm):
        return False
    return "kepala" in norm.split() or not _NOT_A_PERSON.search(norm)
