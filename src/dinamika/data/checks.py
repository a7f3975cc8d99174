"""Cell-level checks of the three data files of a term; each returns a tidy frame and problems.

Checks work column by column on whole arrays; only cells that are wrong become Python objects.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dinamika.data.group_names import apply_group_names, similar_names
from dinamika.data.instruments import Instrument
from dinamika.data.likert import classify_distinct, normalize_label
from dinamika.data.validation import Problem
from dinamika.privacy.pseudonym import looks_like_identifier

__all__ = ["check_interviews", "check_observations", "check_responses"]

_ITEM_LIKE = re.compile(r"^[A-Z]{1,5}_?\d{1,3}$")
GROUP_KEYS = ("school", "kkg", "district", "level")


def _rows(mask: np.ndarray) -> np.ndarray:
    """Spreadsheet row numbers (header = row 1) of the True cells."""
    return np.flatnonzero(mask) + 2


def _codes(values: Any) -> tuple[np.ndarray, int]:
    """Integer code of each cell (equal texts, equal codes; missing = -1) and the number of
    distinct texts: one hashed Arrow pass, so checks compare integers instead of strings."""
    enc = pc.dictionary_encode(_strings(values))
    codes = np.asarray(pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False))
    return codes.astype(np.int64, copy=False), len(enc.dictionary)


def _first_of(codes: np.ndarray, k: int) -> np.ndarray:
    """Position of the first cell of each code 0..k-1."""
    first = np.full(k, len(codes), dtype=np.int64)
    seen, at = np.unique(codes, return_index=True)
    first[seen[seen >= 0]] = at[seen >= 0]
    return first


def _text_column(values: pd.Series) -> Any:
    """A text column for a new frame: its Arrow array as is (no round trip through Python
    objects), or the object array pandas infers the same ``str`` column from."""
    dtype = values.dtype
    arrow = isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"
    if arrow and dtype.na_value is not pd.NA and values.notna().any():
        return values.array
    return values.to_numpy()


def _require(frame: pd.DataFrame, label: str, columns: list[str]) -> list[Problem]:
    present = set(frame.columns)
    return [Problem("missing_column", label, row=1, column=c) for c in columns if c not in present]


def _ids(frame: pd.DataFrame, label: str, column: str) -> tuple[pd.Series, list[Problem]]:
    ids = frame[column].astype(str).str.strip()
    problems = [
        Problem("missing_id", label, row=int(r), column=column)
        for r in _rows((ids == "").to_numpy())
    ]
    return ids, problems


def _duplicates(
    keys: pd.Series, label: str, column: str, code: str = "duplicate_id", **extra: Any
) -> list[Problem]:
    nonempty = keys != ""
    dup = keys.duplicated(keep="first") & nonempty
    if not dup.any():
        return []
    first_row = pd.Series(np.arange(len(keys)) + 2, index=keys.index).groupby(keys).transform("min")
    return [
        Problem(
            code,
            label,
            row=int(i) + 2,
            column=column,
            value=str(keys.iloc[i]).split("\x1f")[-1],
            params={
                "other_row": int(first_row.iloc[i]),
                **{k: v.iloc[i] for k, v in extra.items()},
            },
        )
        for i in np.flatnonzero(dup.to_numpy())
    ]


def _lost_digits(ids: pd.Series, label: str, column: str) -> list[Problem]:
    """NIP-like ids (17–19 digits) that were spreadsheet numbers: they keep ~16 digits.

    Such values are all exactly representable as float64, which genuine NIPs are only by chance
    (about 1 in 32 each), so three or more of them, all representable, mean digits were lost.
    """
    big = ids[ids.str.fullmatch(r"\d{17,19}")]
    big = big[[int(v) > 2**53 for v in big]]  # a handful of distinct long ids at most
    if len(big) < 3 or not all(int(float(v)) == int(v) for v in big):
        return []
    return [Problem("lost_digits", label, row=1, column=column, value=str(big.iloc[0]))]


def _items(
    frame: pd.DataFrame, label: str, instrument: Instrument, extra: Mapping[str, int] | None
) -> tuple[pd.DataFrame, list[Problem]]:
    """The item codes as one float block (NaN = missing or invalid), in instrument order."""
    ids = list(instrument.item_ids)
    block = np.full((len(ids), len(frame)), np.nan)  # pandas' own layout: one row per column
    position = {item_id: j for j, item_id in enumerate(ids)}
    problems: list[Problem] = []
    for item in instrument.items:
        if item.id not in frame.columns:
            continue
        index, code_of, status_of = classify_distinct(frame[item.id], item.response_scale, extra)
        np.take(code_of, index, out=block[position[item.id]])
        wrong = status_of != ""
        if wrong.any():
            bad = wrong[index]
            status = status_of[index]
            scale = item.response_scale
            allowed = " / ".join(scale.labels[c]["id"] for c in range(scale.min, scale.max + 1))
            raw = frame[item.id].to_numpy(dtype=object)
            for i in np.flatnonzero(bad):
                problems.append(
                    Problem(
                        str(status[i]),
                        label,
                        row=int(i) + 2,
                        column=item.id,
                        value=str(raw[i]).strip(),
                        params={"min": scale.min, "max": scale.max, "allowed": allowed},
                    )
                )
    return pd.DataFrame(block.T, columns=ids, copy=False), problems


def _ignored(spec: Mapping[str, Any]) -> set[str]:
    """Columns the manifest lists under ``ignore:`` (known, deliberately not loaded)."""
    return {str(c) for c in spec.get("ignore") or []}


def _other_columns(
    frame: pd.DataFrame,
    label: str,
    instrument: Instrument,
    named: set[str],
    spec: Mapping[str, Any],
) -> tuple[list[str], list[Problem]]:
    """Unknown item-like columns are errors; identifier-like columns get hashed; the rest ignored.

    Columns listed under ``ignore:`` in the manifest are skipped without a warning (identifier-
    like ones included: they are not loaded at all).
    """
    problems: list[Problem] = []
    hashed: list[str] = []
    items = set(instrument.item_ids)
    named = named | _ignored(spec)
    sample = ", ".join(instrument.item_ids[:3]) + ", …"
    for col in frame.columns:
        if col in named or col in items:
            continue
        if _ITEM_LIKE.match(col):
            problems.append(
                Problem(
                    "unknown_item",
                    label,
                    row=1,
                    column=col,
                    params={"instrument": instrument.ref, "allowed": sample},
                )
            )
        elif looks_like_identifier(col):
            hashed.append(col)
            problems.append(Problem("undeclared_identifier", label, row=1, column=col))
        else:
            problems.append(Problem("ignored_column", label, row=1, column=col))
    return hashed, problems


def check_responses(
    frame: pd.DataFrame,
    spec: Mapping[str, Any],
    instrument: Instrument,
    group_names: Mapping[str, Mapping[str, str]] | None = None,
    checked: frozenset[str] = frozenset(),
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Validate the questionnaire file; return ``teacher``, groups, identifiers, item codes.

    ``group_names`` (from ``groups.csv``: kind → typed name → group) replaces typed school and
    KKG names by their group; pairs of group names that look alike are warned about unless a
    person marked them ``checked``.
    """
    label = str(spec["file"])
    named_groups = spec.get("groups") or {}
    groups = {k: str(named_groups[k]) for k in GROUP_KEYS if k in named_groups}
    identifiers = [str(c) for c in spec.get("identifiers") or []]
    id_col = str(spec["id"])
    problems = _require(
        frame, label, [id_col, *groups.values(), *identifiers, *instrument.item_ids]
    )
    if id_col not in frame.columns:
        return None, problems
    named = {id_col, *groups.values(), *identifiers}
    extra_idents, found = _other_columns(frame, label, instrument, named, spec)
    problems += found

    ids, found = _ids(frame, label, id_col)
    problems += found + _duplicates(ids, label, id_col) + _lost_digits(ids, label, id_col)
    out = pd.DataFrame({"teacher": _text_column(ids)})
    for key, col in groups.items():
        if col not in frame.columns:
            continue
        vals = frame[col].astype(str).str.strip()
        problems += [
            Problem("missing_group", label, row=int(r), column=col)
            for r in _rows((vals == "").to_numpy())
        ]
        vals = apply_group_names(vals, (group_names or {}).get(key, {}))
        problems += _similar_groups(vals, label, col, checked)
        out[key] = _text_column(vals.replace("", np.nan))
    for col in [*identifiers, *extra_idents]:
        if col in frame.columns and col != id_col:
            out[f"__ident__{col}"] = _text_column(frame[col].astype(str))

    item_frame, found = _items(frame, label, instrument, spec.get("labels"))
    problems += found
    out = pd.concat([out, item_frame], axis=1)
    problems += _answer_counts(item_frame, label, instrument, float(spec.get("min_answered", 0.5)))
    return out, problems


def _similar_groups(
    vals: pd.Series, label: str, column: str, checked: frozenset[str]
) -> list[Problem]:
    """A warning for each pair of group names that probably name one group."""
    enc = pc.dictionary_encode(_strings(vals))  # distinct names and each cell's code
    codes = np.asarray(pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False))
    rows = _first_of(codes.astype(np.int64), len(enc.dictionary)) + 2
    first = dict(zip(enc.dictionary.to_pylist(), rows.tolist(), strict=True))
    first.pop("", None)
    pairs = similar_names(first)
    return [
        Problem(
            "similar_groups",
            label,
            row=int(first[b]),
            column=column,
            value=b,
            params={"other": a, "other_row": int(first[a])},
        )
        for a, b in pairs
        if not (a in checked and b in checked)
    ]


def _answer_counts(
    items: pd.DataFrame, label: str, instrument: Instrument, share: float
) -> list[Problem]:
    answered = ~np.isnan(items.to_numpy(dtype=np.float64))  # one boolean block
    answered_any = answered.any(axis=1)
    problems = [Problem("no_answers", label, row=int(r)) for r in _rows(~answered_any)]
    position = {c: j for j, c in enumerate(items.columns)}
    for scale, members in instrument.scales.items():
        cols = [m for m in members if m in items.columns]
        if not cols:
            continue
        needed = math.ceil(share * len(cols))
        n = answered[:, [position[c] for c in cols]].sum(axis=1)
        for i in np.flatnonzero((n < needed) & answered_any):
            problems.append(
                Problem(
                    "too_few_answers",
                    label,
                    row=int(i) + 2,
                    params={
                        "answered": int(n[i]),
                        "total": len(cols),
                        "needed": needed,
                        "scale": scale,
                    },
                )
            )
    return problems


def _unknown_teachers(
    teachers: pd.Series, known: Collection[str] | None, label: str, column: str
) -> list[Problem]:
    if known is None:
        return []
    bad = (~_isin(teachers, known)) & (teachers != "").to_numpy()
    return [
        Problem(
            "unknown_teacher", label, row=int(i) + 2, column=column, value=str(teachers.iloc[i])
        )
        for i in np.flatnonzero(bad)
    ]


def _strings(values: Any) -> pa.Array:
    """An Arrow string array of a column, an Index or a set (no copy for Arrow-backed columns)."""
    arr = getattr(values, "array", None)
    if arr is not None and hasattr(arr, "__arrow_array__"):
        out = pa.array(arr)
    else:
        seq = list(values) if isinstance(values, set | frozenset) else values
        out = pa.array(np.asarray(seq, dtype=object), type=pa.string())
    if isinstance(out, pa.ChunkedArray):
        out = out.combine_chunks()
    return out.cast(pa.large_string())  # pandas' own string type: no copy


def _isin(values: pd.Series, allowed: Collection[str]) -> np.ndarray:
    """``values.isin(allowed)`` as one hashed Arrow lookup (pandas loops over ``allowed``)."""
    found = pc.is_in(_strings(values), value_set=_strings(allowed))
    return np.asarray(pc.fill_null(found, False).to_numpy(zero_copy_only=False), dtype=bool)


def _teacher_mismatch(
    lesson: pd.Series, teacher: pd.Series, label: str, column: str
) -> list[Problem]:
    """One lesson, one teacher: rows naming another teacher than the lesson's first row."""
    first_teacher = teacher.groupby(lesson).transform("first")
    first_row = pd.Series(np.arange(len(lesson)) + 2).groupby(lesson.to_numpy()).transform("min")
    return [
        Problem(
            "teacher_mismatch",
            label,
            row=int(i) + 2,
            column=column,
            value=teacher.iloc[i],
            params={
                "lesson": lesson.iloc[i],
                "other": first_teacher.iloc[i],
                "other_row": int(first_row.iloc[i]),
            },
        )
        for i in np.flatnonzero((teacher != first_teacher).to_numpy())
    ]


def _too_many_observers(
    lesson: pd.Series, observer: pd.Series, regular: np.ndarray, label: str, column: str
) -> list[Problem]:
    """Lessons rated by more than two regular observers."""
    per_lesson = observer[regular].groupby(lesson[regular]).nunique()
    return [
        Problem(
            "too_many_observers",
            label,
            row=int(np.flatnonzero((lesson == les).to_numpy())[0]) + 2,
            column=column,
            value=str(les),
            params={"found": int(n)},
        )
        for les, n in per_lesson[per_lesson > 2].items()
    ]


def check_observations(
    frame: pd.DataFrame,
    spec: Mapping[str, Any],
    instrument: Instrument,
    known: Collection[str] | None,
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Validate lesson observations: ids, observer pairs, ratings within the rubric.

    The pair checks compare integer codes of lessons, teachers and observers; a file that
    fails one is gone through again with the string operations that name each wrong row.
    """
    label = str(spec["file"])
    cols = {k: str(spec[k]) for k in ("lesson", "teacher", "observer")}
    problems = _require(frame, label, [*cols.values(), *instrument.item_ids])
    if any(c not in frame.columns for c in cols.values()):
        return None, problems
    _, found = _other_columns(frame, label, instrument, set(cols.values()), spec)
    problems += found
    lesson, p1 = _ids(frame, label, cols["lesson"])
    teacher, p2 = _ids(frame, label, cols["teacher"])
    observer, p3 = _ids(frame, label, cols["observer"])
    problems += p1 + p2 + p3 + _unknown_teachers(teacher, known, label, cols["teacher"])
    lc, n_lessons = _codes(lesson)
    oc, n_observers = _codes(observer)
    tc, _ = _codes(teacher)
    pair = lc * max(n_observers, 1) + oc  # one code per (lesson, observer)
    if pd.Series(pair).duplicated().any():
        problems += _duplicates(
            lesson + "\x1f" + observer,
            label,
            cols["observer"],
            code="duplicate_rating",
            lesson=lesson,
        )
    if (tc != tc[_first_of(lc, n_lessons)[lc]]).any():  # one lesson, one teacher
        problems += _teacher_mismatch(lesson, teacher, label, cols["teacher"])
    special = {str(spec[k]) for k in ("master", "consensus") if spec.get(k)}
    regular = ~_isin(observer, special)
    rated = np.bincount(pd.unique(pair[regular]) // max(n_observers, 1), minlength=n_lessons)
    if (rated > 2).any():
        problems += _too_many_observers(lesson, observer, regular, label, cols["lesson"])
    items, found = _items(frame, label, instrument, spec.get("labels"))
    problems += found
    out = pd.DataFrame(
        {
            "lesson": _text_column(lesson),
            "teacher": _text_column(teacher),
            "observer": _text_column(observer),
        }
    )
    return pd.concat([out, items], axis=1), problems


def check_interviews(
    frame: pd.DataFrame,
    spec: Mapping[str, Any],
    instrument: Instrument,
    known: Collection[str] | None,
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Validate coded interview themes against the codebook and stance codes."""
    label = str(spec["file"])
    cols = {k: str(spec[k]) for k in ("teacher", "theme", "stance")}
    problems = _require(frame, label, list(cols.values()))
    if problems:
        return None, problems
    teacher, found = _ids(frame, label, cols["teacher"])
    problems += found + _unknown_teachers(teacher, known, label, cols["teacher"])
    themes = frame[cols["theme"]].astype(str).str.strip().str.upper()
    codebook = instrument.codebook
    for i in np.flatnonzero(~_isin(themes, list(codebook))):
        problems.append(
            Problem(
                "unknown_theme",
                label,
                row=int(i) + 2,
                column=cols["theme"],
                value=themes.iloc[i],
                params={"instrument": instrument.ref, "allowed": ", ".join(codebook)},
            )
        )
    stance_of = {normalize_label(code): code for code in instrument.stances}
    for code, labels in instrument.stances.items():
        stance_of.update({normalize_label(t): code for t in labels.values()})
    typed = pc.dictionary_encode(pc.fill_null(_strings(frame[cols["stance"]]), "nan"))
    known_stance = [stance_of.get(normalize_label(v), "") for v in typed.dictionary.to_pylist()]
    stances = pd.Series(
        pd.array(pa.array(known_stance, type=pa.string()).take(typed.indices), dtype="str"),
        index=frame.index,
    )
    for i in np.flatnonzero((stances == "").to_numpy()):
        problems.append(
            Problem(
                "unknown_stance",
                label,
                row=int(i) + 2,
                column=cols["stance"],
                value=str(frame[cols["stance"]].iloc[i]).strip(),
                params={"allowed": ", ".join(instrument.stances)},
            )
        )
    out = pd.DataFrame(
        {
            "teacher": _text_column(teacher),
            "theme": _text_column(themes),
            "stance": _text_column(stances),
        }
    )
    return out, problems
