"""Identifiers in cells where they do not belong, and problems that must not print them.

- :func:`identifier_cells`: cells holding an e-mail address, a NIP/NIK/NUPTK (15–18 digits,
  also written with spaces, dots or dashes: ``19850101 201001 2 000``) or a phone number;
- :func:`looks_like_names`: a column of person names (``id:`` pointing at ``nama``);
- :func:`guard_groups`: group cells that hold an identifier are replaced by a keyed pseudonym at
  load (a warning names file, row and column, never the value);
- :func:`identifiers_as_groups`: a group label equal to a value of an identifier column (a
  teacher's name typed as the school) is an error: the report prints group labels, so it would
  print the name (and the report's leak search would refuse);
- :func:`mask_problems`: validation problems never show the value of an identifier.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dinamika.data.validation import Problem
from dinamika.privacy.pseudonym import _arrow_text, looks_like_identifier, pseudonymize

__all__ = [
    "MASK",
    "guard_groups",
    "id_identifier_kind",
    "identifier_cells",
    "identifiers_as_groups",
    "looks_like_names",
    "mask_problems",
]

#: What a problem shows instead of an identifier's value.
MASK = "***"

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.IGNORECASE)
# a run of digits with optional single separators (space, dot, dash) between them
_DIGIT_RUN = re.compile(r"\+?\d(?:[\s.\-/]?\d)+")
_PHONE = re.compile(r"^(\+62|62|0)8\d{7,11}$")
_NAME = re.compile(r"^[^\W\d_][\w'.\-]*(?: [^\W\d_][\w'.\-]*){1,5}$")


def _has_identifier(value: str) -> bool:
    if _EMAIL.search(value):
        return True
    for run in _DIGIT_RUN.findall(value):
        digits = re.sub(r"\D", "", run)
        if 15 <= len(digits) <= 18 or _PHONE.match(("+" if run.startswith("+") else "") + digits):
            return True
    return False


def _texts(values: pd.Series) -> pa.Array:
    """A column as Arrow strings (``astype(str)``, missing as ``"nan"``)."""
    return pc.fill_null(_arrow_text(values.astype(str)), "nan")


def _where(mask: pa.Array) -> np.ndarray:
    return np.flatnonzero(np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool))


def _non_ascii(texts: pa.Array) -> pa.Array:
    return pc.invert(pc.string_is_ascii(texts))


def _each_distinct(texts: pa.Array, at: np.ndarray, test: Callable[[str], bool]) -> np.ndarray:
    """``test`` of the texts at positions ``at``, called once per distinct text."""
    sub = pc.dictionary_encode(texts.take(at))
    found = np.asarray([test(v) for v in sub.dictionary.to_pylist()], dtype=bool)
    return found[np.asarray(sub.indices.to_numpy(zero_copy_only=False), dtype=np.intp)]


def _identifier_hits(texts: pa.Array) -> np.ndarray:
    """:func:`_has_identifier` of each text. Only texts with an ``@`` (e-mail), nine or more
    digits (the shortest phone number) or non-ASCII characters (Unicode digits) can match;
    only those reach the regular expressions, once per distinct text."""
    maybe = pc.or_(pc.match_substring(texts, "@"), pc.match_substring_regex(texts, _NINE_DIGITS))
    at = _where(pc.or_(maybe, _non_ascii(texts)))
    hit = np.zeros(len(texts), dtype=bool)
    if at.size:
        hit[at] = _each_distinct(texts, at, _has_identifier)
    return hit


def identifier_cells(values: pd.Series) -> np.ndarray:
    """True for cells that hold an e-mail, a 15–18 digit official number or a phone number.

    Vectorized: only cells with an ``@``, nine or more digits or non-ASCII characters reach
    the regular expressions, each distinct value once.

    >>> identifier_cells(pd.Series(["SDN 1", "Siti 19850101 201001 2 000", "a@b.id",
    ...                             "0812-3456-7890", "KKG 3", "2024"])).tolist()
    [False, True, True, True, False, False]
    """
    return _identifier_hits(_texts(values))


#: at least nine ASCII digits anywhere
_NINE_DIGITS = r"[0-9](?:[^0-9]*[0-9]){8}"
#: ``_NAME`` for ASCII texts in RE2 syntax (``[^\W\d_]`` is a letter, ``\w`` [A-Za-z0-9_];
#: Python's ``$`` also matches before a final newline)
_NAME_ASCII = r"^[A-Za-z][A-Za-z0-9_'.\-]*(?: [A-Za-z][A-Za-z0-9_'.\-]*){1,5}\n?$"


def looks_like_names(values: pd.Series) -> bool:
    """True when most non-empty values are two to six words without digits (person names).

    >>> looks_like_names(pd.Series(["Siti Rahma", "Budi Santoso", "Ani"]))
    True
    >>> looks_like_names(pd.Series(["G001", "G002", "G003"]))
    False
    """
    text = values.astype(str).str.strip()
    text = text[text != ""]
    if text.empty:
        return False
    texts = _texts(text)
    named = np.asarray(
        pc.match_substring_regex(texts, _NAME_ASCII).to_numpy(zero_copy_only=False), dtype=bool
    )
    other = _where(_non_ascii(texts))  # Unicode letters: Python's own regular expression
    if other.size:
        named[other] = _each_distinct(texts, other, lambda v: bool(_NAME.match(v)))
    return bool(named.mean() >= 0.6)


def id_identifier_kind(column: str, ids: pd.Series) -> str | None:
    """What the id column holds when it is a personal identifier (by header or values), else None.

    >>> id_identifier_kind("nama", pd.Series(["G1"])), id_identifier_kind("id", pd.Series(
    ...     ["19850101 201001 2 000", "19850202 201001 2 001"]))
    ('names', 'NIP/NIK/NUPTK numbers')
    >>> id_identifier_kind("id_guru", pd.Series(["G001", "G002"])) is None
    True
    """
    text = ids.fillna("").astype(str).str.strip()
    texts = _texts(text)
    mails = _where(pc.match_substring(texts, "@"))  # an e-mail address has one
    if mails.size and _each_distinct(texts, mails, lambda v: bool(_EMAIL.search(v))).any():
        return "e-mail addresses"
    hit = _identifier_hits(texts)
    if hit.any():
        found = texts.filter(pa.array(hit))
        digits = _each_distinct(found, np.arange(len(found)), _fifteen_digits)
        return "NIP/NIK/NUPTK numbers" if digits.any() else "phone numbers"
    if looks_like_identifier(column) or looks_like_names(text):
        return "names"
    return None


def _fifteen_digits(value: str) -> bool:
    return len(re.sub(r"\D", "", value)) >= 15


def guard_groups(
    responses: pd.DataFrame, spec: Mapping[str, Any], key: bytes, label: str
) -> list[Problem]:
    """Replace group cells holding an identifier by a keyed pseudonym (in place); warn."""
    problems: list[Problem] = []
    named = spec.get("groups") or {}
    for group, column in named.items():
        if group not in responses.columns:
            continue
        cells = responses[group]
        present = cells.notna().to_numpy()
        hit = identifier_cells(cells.fillna("")) & present
        for i in np.flatnonzero(hit):
            problems.append(
                Problem("identifier_in_group", label, row=int(i) + 2, column=str(column))
            )
        if hit.any():
            hidden = pseudonymize(cells[hit].astype(str), key, prefix=group)
            responses.loc[hit, group] = hidden.to_numpy()
    return problems


_WORD = re.compile(r"\w+")


def _words(value: str) -> str:
    """A value as the leak search sees it: its words, case-folded, one space apart."""
    return " ".join(_WORD.findall(value.casefold()))


def identifiers_as_groups(
    responses: pd.DataFrame,
    spec: Mapping[str, Any],
    columns: Iterable[str],
    label: str,
    *,
    min_length: int = 4,
) -> list[Problem]:
    """Group labels that equal a value of an identifier column (before pseudonymization).

    Compared as the report's leak search compares (same words, case and punctuation aside),
    for values of at least ``min_length`` characters (shorter ones are not searched for).
    One error per label, at the first row it occurs, naming the identifier column but never
    the value. Vectorized: each identifier column is reduced to letters and digits by Arrow,
    looked up in the labels' set, and only the hits are compared word by word.
    """
    named = spec.get("groups") or {}
    labels: dict[str, tuple[str, int]] = {}
    for group in named:
        if group not in responses.columns:
            continue
        cells = responses[group].dropna().astype(str)
        first = cells.drop_duplicates()
        rows = responses.index.get_indexer(first.index)
        for row, value in zip(rows.tolist(), first.tolist(), strict=True):
            words = _words(value)
            if len(value.strip()) >= min_length and words:
                labels.setdefault(words, (group, int(row) + 2))
    if not labels:
        return []
    squeezed = pa.array(sorted({w.replace(" ", "") for w in labels}), pa.string())
    problems: list[Problem] = []
    for column in dict.fromkeys(columns):
        if column not in responses.columns:
            continue
        values = responses[column].dropna().astype(str).drop_duplicates()
        arr = _arrow_text(values)  # no Python string per value
        loose = _squeeze(arr)
        hit = np.asarray(pc.is_in(loose, value_set=squeezed).fill_null(False))
        shown = str(column).removeprefix("__ident__")
        for value in values[hit].tolist():
            where = labels.get(_words(value))
            if where is None or len(value.strip()) < min_length:
                continue
            group, row = where
            problems.append(
                Problem(
                    "identifier_as_group",
                    label,
                    row=row,
                    column=str(named[group]),
                    params={"identifier_column": shown},
                )
            )
            del labels[_words(value)]
    return problems


def _squeeze(texts: pa.Array) -> pa.Array:
    """Texts lower-cased with everything but letters, digits, marks and ``_`` removed.

    ASCII texts lose their spaces by a plain substring replacement; only those with other
    punctuation left, and non-ASCII texts, go through the regular expression.
    """
    lower = pc.ascii_lower(texts)
    out = pc.replace_substring(lower, " ", "")
    done = pc.and_(
        pc.fill_null(pc.string_is_ascii(texts), True), pc.fill_null(pc.ascii_is_alnum(out), False)
    )
    if pc.all(done).as_py() is not False:
        return out
    rest = pc.invert(done)
    slow = pc.replace_substring_regex(
        pc.utf8_lower(texts.filter(rest)), r"[^\p{L}\p{N}\p{M}_]+", ""
    )
    return pc.replace_with_mask(out, rest, slow.cast(out.type))


def mask_problems(problems: Iterable[Problem], identifying: Iterable[str]) -> list[Problem]:
    """Problems with the value of every identifier replaced by :data:`MASK`.

    A value is masked when its column is an identifier (``identifying``, or a header that
    looks like one) or when the value itself holds an e-mail, NIP/NIK or phone number.
    """
    cols = set(identifying)
    out = []
    for p in problems:
        col_ident = p.column is not None and (p.column in cols or looks_like_identifier(p.column))
        params = dict(p.params)
        changed = False
        if p.value is not None and (col_ident or _has_identifier(str(p.value))):
            p = replace(p, value=MASK)
            changed = True
        for k in ("other", "lesson"):
            if k in params and (col_ident or _has_identifier(str(params[k]))):
                params[k] = MASK
                changed = True
        out.append(replace(p, params=params) if changed else p)
    return out
