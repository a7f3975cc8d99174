"""The last line of defence: search a finished output for every secret of the raw files.

:func:`secrets_of` collects the identifiers and free-text values of a term's raw files (minus
what the report prints anyway: instrument texts, catalogue words, group labels);
:func:`find_leaks` finds which of them occur in a text as *whole values* (the same sequence of
words, bounded by non-word characters), in time linear in the text plus the secrets: the page is
tokenized once, and each secret is looked up through its rarest word. ``dinamika validate``
runs the same collection, so it predicts what a report would refuse.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dinamika.errors import DinamikaError
from dinamika.privacy.identifiers import identifier_cells
from dinamika.privacy.pseudonym import _arrow_text, looks_like_identifier

__all__ = [
    "PrivacyError",
    "find_leaks",
    "public_strings",
    "public_tokens",
    "secret_cells",
    "secrets_of",
]


class PrivacyError(DinamikaError):
    """An output would contain an identifier or a free-text answer; nothing was written."""


_DATA_URI = re.compile(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+")
_STYLE = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL)
# geometry of inline SVG figures (coordinates, not data): a number there is not a value
_SVG_GEOMETRY = re.compile(r'\s(?:d|transform|viewBox|points)="[^"]*"')
_TOKEN = re.compile(r"\w+")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.casefold())


class _Page:
    """A text tokenized once: word counts and, on demand, positions of a word."""

    def __init__(self, text: str) -> None:
        self.words = _tokens(text)
        self.counts = Counter(self.words)
        self._pos: dict[str, list[int]] | None = None

    def positions(self, word: str) -> list[int]:
        if self._pos is None:
            pos: dict[str, list[int]] = {}
            for i, w in enumerate(self.words):
                pos.setdefault(w, []).append(i)
            self._pos = pos
        return self._pos.get(word, [])

    def contains(self, needle: list[str]) -> bool:
        """Whether the word sequence ``needle`` occurs (anchored at its rarest word)."""
        if not needle:
            return False
        anchor = min(range(len(needle)), key=lambda j: self.counts.get(needle[j], 0))
        if self.counts.get(needle[anchor], 0) == 0:
            return False
        if len(needle) == 1:
            return True
        k = len(needle)
        for p in self.positions(needle[anchor]):
            start = p - anchor
            if start >= 0 and self.words[start : start + k] == needle:
                return True
        return False


def find_leaks(text: str, secrets: Iterable[str], public: Iterable[str] = ()) -> list[str]:
    """The secrets that occur in ``text`` as whole values (raw or HTML-escaped).

    Embedded images, style sheets and the geometry of inline SVG figures (path data,
    transforms) are skipped. A secret matches when its words occur in
    the same order with nothing but non-word characters between them, case-insensitively; a
    secret inside a longer word or number does not match (``SD 1`` is not in ``SD 12``).
    An occurrence inside one of the ``public`` texts (what the report prints whatever the
    data: school and KKG names, instrument texts) is not a leak: a teacher named "Kartini"
    is not revealed by the school name "SD Kartini", but "Kartini" printed anywhere else is.
    Linear in the length of the text and the total length of the secrets.

    Examples
    --------
    >>> find_leaks("<p>SD 1: 3,5</p>", {"Siti Rahma", "<script>x</script>"})
    []
    >>> find_leaks("<p>&lt;script&gt;x&lt;/script&gt;</p>", {"<script>x</script>"})
    ['<script>x</script>']
    >>> find_leaks("<p>SD 12</p>", {"SD 1"}), find_leaks("<p>Siti  RAHMA.</p>", {"siti rahma"})
    ([], ['siti rahma'])
    >>> find_leaks("<td>SD Kartini</td>", {"Kartini"}, public=["SD Kartini"])
    []
    >>> find_leaks("<td>SD Kartini</td><td>Kartini</td>", {"Kartini"}, public=["SD Kartini"])
    ['Kartini']
    >>> find_leaks('<svg><path d="M 113 04 L 20"/><!-- 113 --></svg>', {"113 04", "113"})
    ['113']
    """
    body = _SVG_GEOMETRY.sub(" ", _STYLE.sub(" ", _DATA_URI.sub(" ", text)))
    page = _Page(html.unescape(body))
    wanted = {s: _tokens(s) for s in sorted(set(secrets))}
    found = [s for s, words in wanted.items() if page.contains(words)]
    if not found:
        return found
    hosts = _hosts({s: wanted[s] for s in found}, public)
    return [s for s in found if not hosts.get(s) or _uncovered(page, wanted[s], hosts[s])]


def _hosts(
    secrets: Mapping[str, list[str]], public: Iterable[str]
) -> dict[str, list[tuple[list[str], int]]]:
    """For each secret, the public texts whose words contain its words, with the offset."""
    by_first: dict[str, list[str]] = {}
    for s, words in secrets.items():
        if words:
            by_first.setdefault(words[0], []).append(s)
    hosts: dict[str, list[tuple[list[str], int]]] = {}
    for text in set(public):
        words = _tokens(text)
        for i, w in enumerate(words):
            for s in by_first.get(w, ()):
                k = len(secrets[s])
                if words[i : i + k] == secrets[s] and len(words) > k:
                    hosts.setdefault(s, []).append((words, i))
    return hosts


def _uncovered(page: _Page, needle: list[str], hosts: list[tuple[list[str], int]]) -> bool:
    """Whether ``needle`` occurs in the page at least once outside every host text."""
    k = len(needle)
    for start in page.positions(needle[0]):
        if page.words[start : start + k] != needle:
            continue
        inside = any(
            start >= off and page.words[start - off : start - off + len(host)] == host
            for host, off in hosts
        )
        if not inside:
            return True
    return False


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, Mapping):
        for k, v in node.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(node, list | tuple):
        for v in node:
            yield from _strings(v)


def public_strings(survey: Any) -> list[str]:
    """Everything a report prints whatever the data: catalogue, instruments, title, labels."""
    from dinamika.i18n import COLUMNS, TEXT

    parts: list[str] = []
    parts += _strings(TEXT)
    parts += _strings(COLUMNS)
    for inst in (survey.instrument, survey.observation_instrument, survey.interview_instrument):
        if inst is not None:
            parts += _strings(inst.raw)
    parts += _strings(dict(survey.manifest.get("title") or {}))
    parts += _strings(dict(survey.manifest.get("description") or {}))
    for g in survey.groups:
        parts += [str(v) for v in survey.responses[g].dropna().unique().tolist()]
    return parts


def public_tokens(survey: Any) -> _Page:
    """:func:`public_strings` tokenized as one page."""
    return _Page("\n\x00\n".join(public_strings(survey)))


class _Secrets:
    """Secret values of a term in the order met, each with the column it was met in: Arrow
    chunks, concatenated and de-duplicated (first occurrence wins) in one pass."""

    def __init__(self) -> None:
        self.values: list[pa.Array] = []
        self.rows: list[np.ndarray] = []
        self.where: list[tuple[str, str]] = []

    def add(self, values: pa.Array, rows: np.ndarray, label: str, column: str) -> None:
        if len(values):
            self.values.append(values.cast(pa.large_string()))
            self.rows.append(np.asarray(rows, dtype=np.int64))
            self.where.append((label, column))

    def first(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Distinct values in order of first occurrence, their chunk and row."""
        if not self.values:
            return [], np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        values = pa.concat_arrays(self.values)
        chunk = np.repeat(np.arange(len(self.values)), [len(v) for v in self.values])
        rows = np.concatenate(self.rows)
        codes = pc.dictionary_encode(values).indices.to_numpy(zero_copy_only=False)
        _, first = np.unique(np.asarray(codes), return_index=True)
        keep = np.sort(first)
        return values.take(keep).to_pylist(), chunk[keep], rows[keep]


def _collect_secrets(survey: Any, min_length: int) -> _Secrets:
    from dinamika.data.files import read_table

    manifest = survey.manifest
    public = public_tokens(survey)
    found = _Secrets()
    specs = {
        "responses": (survey.instrument, ("id",), ("groups",)),
        "observations": (survey.observation_instrument, ("lesson", "teacher", "observer"), ()),
        "interviews": (survey.interview_instrument, ("teacher",), ("theme", "stance")),
    }
    for part, (inst, id_keys, coded_keys) in specs.items():
        spec = manifest.get(part)
        if not isinstance(spec, dict) or inst is None:
            continue
        label = str(spec["file"])
        raw = read_table(
            Path(survey.path) / label,
            label=label,
            delimiter=spec.get("delimiter"),
            encoding=spec.get("encoding"),
            sheet=spec.get("sheet"),
        )
        if raw.frame is None:
            continue
        coded = set(inst.item_ids)
        for key in coded_keys:
            val = spec.get(key)
            coded |= set(val.values()) if isinstance(val, dict) else {str(val)}
        for key in ("master", "consensus"):
            coded.discard(str(spec.get(key)))
        ids = {str(spec[k]) for k in id_keys if spec.get(k)}
        ids |= {str(c) for c in spec.get("identifiers") or ()}
        for col in raw.frame.columns:
            if col in coded and col not in ids:  # an e-mail typed as a group: row not known
                text = raw.frame[col].astype(str)
                typed = pc.dictionary_encode(pc.fill_null(_arrow_text(text), "nan")).dictionary
                distinct = pd.Series(pd.array(typed, dtype=text.dtype)).str.strip()
                hits = distinct[identifier_cells(distinct)].drop_duplicates()
                rows = np.full(len(hits), -2)
                found.add(pa.array(hits.tolist(), type=pa.large_string()), rows, label, str(col))
                continue
            identifying = col in ids or looks_like_identifier(str(col))
            values = raw.frame[col].astype(str).str.strip()
            kept, first = _worth_guarding(values, identifying, min_length)
            if not identifying:  # free text the report prints anyway is no secret
                shown = [public.contains(_tokens(v)) for v in kept.to_pylist()]
                keep = ~np.asarray(shown, dtype=bool)
                kept, first = kept.filter(pa.array(keep)), first[keep]
            found.add(kept, first, label, str(col))
    return found


def secret_cells(survey: Any, *, min_length: int = 4) -> dict[str, tuple[str, int, str]]:
    """Every secret value of a term's raw files with where it first occurs (file, row, column).

    Read from the raw files named in the manifest: the id columns (teacher, lesson, observer),
    the declared identifiers, columns that look like identifiers, and every column that is not
    an item, a group or a coded column (free text). Left out: values shorter than
    ``min_length``, plain numbers shorter than 8 digits, and free-text values whose whole word
    sequence the report prints anyway (a comment reading "Komitmen kolektif" is a scale's
    name); identifier values are always kept. Collected column by column with Arrow kernels on
    the distinct values (Python only for non-ASCII values and free text).
    """
    found = _collect_secrets(survey, min_length)
    values, chunk, rows = found.first()
    where = [found.where[c] for c in chunk.tolist()]
    return {v: (w[0], r + 2, w[1]) for v, w, r in zip(values, where, rows.tolist(), strict=True)}


def secrets_of(survey: Any, *, min_length: int = 4) -> set[str]:
    """Every identifier and free-text value in a term's raw files (see :func:`secret_cells`)."""
    return set(_collect_secrets(survey, min_length).first()[0])


def _worth_guarding(
    values: pd.Series, identifying: bool, min_length: int
) -> tuple[pa.Array, np.ndarray]:
    """The distinct values of a column worth guarding, in order of first appearance, and the
    position of each one's first cell.

    One Arrow pass over the distinct values: at least ``min_length`` characters, not a plain
    number shorter than 8 characters, and (unless the column is an identifier) free text
    (:func:`_free_text`). ASCII values are judged by Arrow kernels, others by Python, alike.
    """
    codes = pc.dictionary_encode(pc.fill_null(_arrow_text(values), "nan"))
    uniq = codes.dictionary
    index = np.asarray(codes.indices.to_numpy(zero_copy_only=False))
    _, first = np.unique(index, return_index=True)  # code k first appears at first[k]
    length = pc.utf8_length(uniq)
    number = pc.and_(pc.match_substring_regex(uniq, r"^[.,]*[0-9][0-9.,]*$"), pc.less(length, 8))
    keep = pc.and_(pc.greater_equal(length, min_length), pc.invert(number))
    if not identifying:
        no_gaps = pc.replace_substring(pc.replace_substring(uniq, " ", ""), "-", "")
        free = pc.or_(
            pc.and_(pc.greater_equal(length, 15), pc.match_substring(uniq, " ")),
            pc.or_(
                pc.match_substring_regex(uniq, "[<>@]"),
                pc.match_substring_regex(no_gaps, "[0-9]{6}"),
            ),
        )
        keep = pc.and_(keep, free)
    ok = np.asarray(keep.to_numpy(zero_copy_only=False), dtype=bool)
    other = np.flatnonzero(~np.asarray(pc.string_is_ascii(uniq).to_numpy(zero_copy_only=False)))
    for k, value in zip(other.tolist(), uniq.take(other).to_pylist(), strict=True):
        ok[k] = _guarded(value, identifying, min_length)  # Unicode digits and spaces: Python
    at = np.flatnonzero(ok)
    return uniq.take(at), first[at]


def _guarded(value: str, identifying: bool, min_length: int) -> bool:
    """The per-value rule :func:`_worth_guarding` applies (used for non-ASCII values)."""
    if len(value) < min_length:
        return False
    if value.replace(".", "").replace(",", "").isdigit() and len(value) < 8:
        return False
    return identifying or _free_text(value)


def _free_text(value: str) -> bool:
    """A value of an unknown column worth guarding: a sentence, markup, e-mail or long number."""
    return (
        (len(value) >= 15 and " " in value)
        or any(ch in value for ch in "<>@")
        or bool(re.search(r"\d{6,}", value.replace(" ", "").replace("-", "")))
    )
