"""School and KKG/MGMP names as people type them: one key per group, suspected near-duplicates.

Typed names differ in case, spacing, punctuation and abbreviation ("SD Negeri Serang 3",
"SDN Serang 3", "sdn serang 3 ") but name one school. :func:`group_key` reduces a name to a key
(common Indonesian school abbreviations expanded the same way: SD Negeri/SDN, SMP Negeri/SMPN,
SMA/SMK Negeri, Madrasah Ibtidaiyah/MI, Madrasah Tsanawiyah/MTs, "KKG Gugus 3"/"Gugus III");
names with one key are one group. :func:`similar_names` lists pairs that are probably one group
but are not merged automatically (a typo, another word order). The term folder's
``groups.csv`` (written at import, reviewed by a person) says which typed name is which group;
:func:`read_group_names` reads it for :func:`dinamika.load_survey`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

__all__ = [
    "GROUPS_FILE",
    "GROUP_COLUMNS",
    "apply_group_names",
    "group_key",
    "read_group_names",
    "similar_names",
    "unify_names",
]

GROUPS_FILE = "groups.csv"
#: kind (school, kkg, ...), name as typed, rows, the group it belongs to, how it was decided
#: (same = equal after normalization, district-list, suspected = please review, checked =
#: reviewed by a person), the school's NPSN from a district list, a note.
GROUP_COLUMNS = ("kind", "name_in_file", "n", "group", "status", "npsn", "note")

_PUNCT = re.compile(r"[^\w\s]|_")
_SPACE = re.compile(r"\s+")
_SPLIT = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9,
          "x": 10, "xi": 11, "xii": 12, "xiii": 13, "xiv": 14, "xv": 15}  # fmt: skip
#: Longer phrases first; applied on the normalized, single-spaced text.
_ABBREV = (
    ("sekolah dasar negeri", "sdn"), ("sekolah dasar", "sd"),
    ("sekolah menengah pertama negeri", "smpn"), ("sekolah menengah pertama", "smp"),
    ("sekolah menengah atas negeri", "sman"), ("sekolah menengah atas", "sma"),
    ("sekolah menengah kejuruan negeri", "smkn"), ("sekolah menengah kejuruan", "smk"),
    ("madrasah ibtidaiyah negeri", "min"), ("madrasah ibtidaiyah", "mi"),
    ("madrasah tsanawiyah negeri", "mtsn"), ("madrasah tsanawiyah", "mts"),
    ("madrasah aliyah negeri", "man"), ("madrasah aliyah", "ma"),
    ("sd negeri", "sdn"), ("smp negeri", "smpn"), ("sma negeri", "sman"), ("smk negeri", "smkn"),
    ("mi negeri", "min"), ("mts negeri", "mtsn"), ("ma negeri", "man"),
    ("sd n", "sdn"), ("smp n", "smpn"), ("sma n", "sman"), ("smk n", "smkn"), ("mts n", "mtsn"),
    ("kelompok kerja guru", "kkg"), ("musyawarah guru mata pelajaran", "mgmp"),
    ("kkg gugus", "gugus"), ("gugus kkg", "gugus"),
)  # fmt: skip
#: (phrase, pattern, short form); a pattern is tried only when its phrase occurs in the text
_ABBREV_RE = [(a, re.compile(rf"\b{a}\b"), b) for a, b in _ABBREV]


def group_key(name: object) -> str:
    """The key under which typed spellings of one school or KKG fall together.

    Examples
    --------
    >>> {group_key(n) for n in ["SD Negeri Serang 3", "SDN Serang 3", "sdn serang 3 ", "SDN. Serang  3"]}
    {'sdn serang 3'}
    >>> group_key("MTs Negeri 1 Kota Serang"), group_key("Madrasah Tsanawiyah Negeri 1 Kota Serang")
    ('mtsn 1 kota serang', 'mtsn 1 kota serang')
    >>> group_key("KKG Gugus III"), group_key("gugus 03"), group_key("SDN 02 Kasemen")
    ('gugus 3', 'gugus 3', 'sdn 2 kasemen')
    >>> group_key("MI Al-Hidayah"), group_key("  ")
    ('mi al hidayah', '')
    """
    if name is None or (isinstance(name, float) and name != name):
        return ""
    text = str(name).replace("\u00a0", " ")
    if not text.isascii():  # ASCII has nothing to decompose
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold()
    text = text.replace("’", "").replace("'", "")  # Al-Ma'arif = Al-Maarif
    text = _SPLIT.sub(" ", _PUNCT.sub(" ", text))
    words = [str(int(w)) if w.isdigit() else str(_ROMAN.get(w, w)) for w in text.split()]
    text = " ".join(words)
    for phrase, pattern, short in _ABBREV_RE:
        if phrase in text:
            text = pattern.sub(short, text)
    return _SPACE.sub(" ", text).strip()


def unify_names(values: pd.Series) -> pd.DataFrame:
    """One row per distinct typed name: ``name_in_file``, ``n``, ``key``, ``group``.

    ``group`` is the spelling used most often among the names that share a key (ties: the one
    met first), so "SDN Serang 3" ×5, "SD Negeri Serang 3" ×2, "sdn serang 3 " ×1 all become
    "SDN Serang 3".

    >>> unify_names(pd.Series(["SDN Serang 3", "sdn serang 3 ", "SDN Serang 3", "Gugus 1"]))
         name_in_file  n           key         group
    0    SDN Serang 3  2  sdn serang 3  SDN Serang 3
    1  sdn serang 3    1  sdn serang 3  SDN Serang 3
    2         Gugus 1  1       gugus 1       Gugus 1
    """
    text = values.dropna().astype(str)
    text = text[text.str.strip() != ""]
    counts = text.value_counts(sort=False)
    table = pd.DataFrame({"name_in_file": counts.index.astype(str), "n": counts.to_numpy()})
    table["key"] = table["name_in_file"].map(group_key)
    table["_order"] = range(len(table))
    best = (
        table.assign(_clean=table["name_in_file"].str.strip())
        .sort_values(["key", "n", "_order"], ascending=[True, False, True], kind="stable")
        .groupby("key", sort=False)["_clean"]
        .first()
    )
    table["group"] = table["key"].map(best)
    return table.drop(columns="_order").reset_index(drop=True)


#: The kind of school a key starts with; names of different kinds are never one group.
_KINDS = {"sd", "sdn", "sds", "sdit", "smp", "smpn", "smps", "smpit", "sma", "sman", "smk",
          "smkn", "mi", "min", "mis", "mts", "mtsn", "mtss", "ma", "man", "slb", "tk", "paud",
          "gugus", "kkg", "mgmp"}  # fmt: skip


def _kind(key: str) -> str:
    first = key.split(" ", 1)[0]
    return first if first in _KINDS else ""


def _digits(key: str) -> str:
    return " ".join(sorted(re.findall(r"\d+", key)))


def similar_names(names: Iterable[str], *, threshold: float = 0.85) -> list[tuple[str, str]]:
    """Pairs of distinct group names that probably name one group (not merged automatically).

    Two names are suspected when their keys (:func:`group_key`) are equal, hold the same words
    in another order, or read alike (difflib ratio ≥ ``threshold``) with the same numbers and
    the same kind of school: "SDN Serang 3" and "SDN Serang 13", or "SDN Contoh 1" and
    "SMPN Contoh 1", are never suspected. Names are compared only within
    blocks of equal numbers (ratios only in blocks of at most 300 names), so thousands of schools stay fast.

    Examples
    --------
    >>> similar_names(["SDN Serang 3", "SDN Serng 3", "SDN Serang 13", "SDN 3 Serang"])
    [('SDN 3 Serang', 'SDN Serang 3'), ('SDN Serang 3', 'SDN Serng 3')]
    """
    unique = sorted({str(n).strip() for n in names if str(n).strip()})
    keys = {n: group_key(n) for n in unique}
    blocks: dict[tuple[str, str], list[str]] = {}
    for n in unique:
        blocks.setdefault((_kind(keys[n]), _digits(keys[n])), []).append(n)
    pairs: list[tuple[str, str]] = []
    for members in blocks.values():
        if len(members) > 300:  # a national list: only equal or reordered keys, no ratios
            by_sorted: dict[str, list[str]] = {}
            for n in members:
                by_sorted.setdefault(" ".join(sorted(keys[n].split())), []).append(n)
            for group in by_sorted.values():
                pairs += [(a, b) for i, a in enumerate(group) for b in group[i + 1 :]]
            continue
        for i, a in enumerate(members):
            ka = keys[a]
            sa = sorted(ka.split())
            for b in members[i + 1 :]:
                kb = keys[b]
                if (
                    ka == kb
                    or sa == sorted(kb.split())
                    or difflib.SequenceMatcher(None, ka, kb).ratio() >= threshold
                ):
                    pairs.append((a, b))
    return sorted(pairs)


def read_group_names(
    folder: Path, name: str = GROUPS_FILE
) -> tuple[dict[str, dict[str, str]], set[str], str | None]:
    """``groups.csv`` of a term: kind → {name as typed (stripped) → group}, the names a person
    marked ``checked``, and what is wrong with the file (None when it reads)."""
    path = folder / name
    if not path.is_file():
        return {}, set(), f"{name} does not exist"
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        return {}, set(), str(exc).splitlines()[0]
    missing = [c for c in ("kind", "name_in_file", "group") if c not in table.columns]
    if missing:
        return {}, set(), f"{name} has no column {', '.join(missing)}"
    out: dict[str, dict[str, str]] = {}
    for kind, typed, group in zip(
        table["kind"], table["name_in_file"], table["group"], strict=True
    ):
        if typed.strip() and group.strip():
            out.setdefault(kind.strip(), {})[typed.strip()] = group.strip()
    status = table["status"] if "status" in table.columns else pd.Series("", index=table.index)
    checked = set(table.loc[status.str.strip().str.casefold() == "checked", "group"].str.strip())
    return out, checked, None


def apply_group_names(values: pd.Series, names: Mapping[str, str]) -> pd.Series:
    """Typed names (stripped) replaced by their group from ``groups.csv``; others as typed."""
    return values.map(names).fillna(values) if names else values
