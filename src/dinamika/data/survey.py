"""One term of collected data: ``surveys/<term>/survey.yaml`` plus its data files.

:func:`load_survey` validates everything, reports every problem at once, pseudonymizes direct
identifiers and returns tidy tables (see ``docs/data-format.md``). Raw files are only read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dinamika.core.results import ResultMixin
from dinamika.data.cache import cache_key, read_cached, write_cached
from dinamika.data.checks import (
    check_interviews,
    check_observations,
    check_responses,
)
from dinamika.data.files import RawTable, read_table, sha256_file
from dinamika.data.group_names import read_group_names
from dinamika.data.instruments import Instrument, list_instruments, load_instrument
from dinamika.data.manifest import GROUPS, MANIFEST, PARTS, _problem, inside_folder, read_manifest
from dinamika.data.origin import trace
from dinamika.data.resources import default_survey
from dinamika.data.validation import Problem, ValidationReport, sort_problems
from dinamika.errors import InstrumentError, UsageError, ValidationError
from dinamika.i18n.messages import Message
from dinamika.privacy.identifiers import (
    guard_groups,
    id_identifier_kind,
    identifiers_as_groups,
    mask_problems,
)
from dinamika.privacy.pseudonym import key_file_inside, pseudonymize, resolve_key

__all__ = ["Survey", "load_survey", "validate_survey"]

_PARTS = {part: spec[0] for part, spec in PARTS.items()}  # part -> instrument kind


@dataclass(frozen=True)
class Survey(ResultMixin):
    """A loaded, validated and pseudonymized term.

    Attributes
    ----------
    term : str
        Term name from the manifest (e.g. ``contoh-2025-2``).
    responses : DataFrame
        One row per respondent: ``teacher``, the group columns the manifest names (``school``,
        ``kkg``, ``district``, ``level``), then item columns as float codes (NaN = missing).
    observations, interviews : DataFrame or None
        Lesson ratings (``lesson``, ``teacher``, ``observer``, indicators) and coded interview
        themes (``teacher``, ``theme``, ``stance``).
    instrument, observation_instrument, interview_instrument : Instrument
        The instrument versions the manifest names.
    problems : tuple of Problem
        Warnings found while loading (errors raise :class:`ValidationError` instead).
    file_hashes : dict
        SHA-256 of every raw file read, for provenance.

    Examples
    --------
    >>> from dinamika import load_survey
    >>> s = load_survey()  # the bundled example term
    >>> s.instrument.ref
    'komunitas-guru@1.0.0'
    >>> list(s.responses.columns[:4])
    ['teacher', 'school', 'kkg', 'district']
    """

    term: str
    path: Path
    manifest: Mapping[str, Any] = field(repr=False)
    instrument: Instrument = field(repr=False)
    responses: pd.DataFrame = field(repr=False)
    observation_instrument: Instrument | None = field(default=None, repr=False)
    observations: pd.DataFrame | None = field(default=None, repr=False)
    interview_instrument: Instrument | None = field(default=None, repr=False)
    interviews: pd.DataFrame | None = field(default=None, repr=False)
    problems: tuple[Problem, ...] = field(default=(), repr=False)
    file_hashes: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def groups(self) -> tuple[str, ...]:
        """Grouping columns present in ``responses`` (subset of school, kkg, district, level)."""
        return tuple(g for g in GROUPS if g in self.responses.columns)

    @property
    def item_columns(self) -> tuple[str, ...]:
        """Questionnaire item columns of ``responses``."""
        return self.instrument.item_ids

    @property
    def min_answered(self) -> float:
        """Share of a scale's items a respondent must answer to get a scale score."""
        return float(self.manifest["responses"].get("min_answered", 0.5))

    @property
    def title(self) -> Mapping[str, str]:
        """Bilingual title of the term (falls back to the term name)."""
        return dict(self.manifest.get("title") or {"id": self.term, "en": self.term})

    @property
    def population(self) -> int | None:
        """Number of teachers invited, when the manifest says (gives the response rate)."""
        pop = self.manifest.get("population") or {}
        return int(pop["teachers"]) if "teachers" in pop else None

    @property
    def synthetic(self) -> bool:
        """True for generated example data."""
        return bool(self.manifest.get("synthetic", False))

    def to_frame(self) -> pd.DataFrame:
        """One row per part of the term: ``part``, ``instrument``, ``rows``, ``teachers``."""
        parts = [
            ("responses", self.instrument, self.responses),
            ("observations", self.observation_instrument, self.observations),
            ("interviews", self.interview_instrument, self.interviews),
        ]
        return pd.DataFrame(
            [
                {
                    "part": name,
                    "instrument": inst.ref if inst is not None else None,
                    "rows": len(frame),
                    "teachers": frame["teacher"].nunique() if "teacher" in frame else 0,
                }
                for name, inst, frame in parts
                if frame is not None
            ]
        )

    def summary(self, lang: str = "id") -> str:
        """Counts of respondents, schools, lessons and interviews."""
        r = self.responses
        n_sch = r["school"].nunique() if "school" in r else 0
        n_les = 0 if self.observations is None else self.observations["lesson"].nunique()
        n_int = 0 if self.interviews is None else self.interviews["teacher"].nunique()
        return Message(
            "survey.summary",
            term=self.term,
            n=len(r),
            schools=n_sch,
            lessons=n_les,
            interviews=n_int,
            instrument=self.instrument.ref,
        ).text(lang)


# ---------------------------------------------------------------------------------------------


def _instrument_for(part: str, ref: Any) -> tuple[Instrument | None, list[Problem]]:
    expected = _PARTS[part]
    available = list_instruments()
    text = str(ref)
    inst_id, _, version = text.partition("@")
    if inst_id not in available:
        allowed = ", ".join(f"{i}@{v[-1]}" for i, v in available.items())
        return None, [
            Problem(
                "unknown_instrument",
                MANIFEST,
                column=f"{part}.instrument",
                value=text,
                params={"allowed": allowed},
            )
        ]
    if not version or version not in available[inst_id]:
        allowed = ", ".join(f"{inst_id}@{v}" for v in available[inst_id])
        return None, [
            Problem(
                "unknown_version",
                MANIFEST,
                column=f"{part}.instrument",
                value=text,
                params={"allowed": allowed},
            )
        ]
    try:
        inst = load_instrument(text)
    except InstrumentError as exc:
        return None, [
            _problem(
                Message("manifest.broken_instrument", detail=exc.message or str(exc)),
                Message("manifest.broken_instrument.fix"),
            )
        ]
    if inst.kind != expected:
        allowed = ", ".join(
            f"{i}@{v[-1]}" for i, v in available.items() if load_instrument(i).kind == expected
        )
        return None, [
            Problem(
                "wrong_instrument",
                MANIFEST,
                column=f"{part}.instrument",
                value=text,
                params={"kind": inst.kind, "expected": expected, "allowed": allowed},
            )
        ]
    return inst, []


def _read_part(folder: Path, spec: Mapping[str, Any], part: str = "") -> RawTable:
    name = str(spec["file"])
    if inside_folder(folder, name) is None:
        problem = Problem("outside_folder", MANIFEST, column=f"{part}.file", value=name)
        return RawTable(None, (problem,))
    return read_table(
        folder / name,
        label=name,
        delimiter=spec.get("delimiter"),
        encoding=spec.get("encoding"),
        sheet=spec.get("sheet"),
    )


def _hashes(folder: Path, manifest: Mapping[str, Any], parts: Any) -> dict[str, str]:
    hashes = {
        str(manifest[p]["file"]): sha256_file(folder / str(manifest[p]["file"])) for p in parts
    }
    hashes[MANIFEST] = sha256_file(folder / MANIFEST)
    return hashes


def _extra_hashes(folder: Path, manifest: Mapping[str, Any]) -> dict[str, str]:
    """Hashes of other files the load reads (the group-names file), for the cache key."""
    spec = manifest.get("responses")
    name = spec.get("group_names") if isinstance(spec, dict) else None
    if not name:
        return {}
    path = folder / str(name)
    return {str(name): sha256_file(path) if path.is_file() else "absent"}


def _release_arrow_memory() -> None:
    """Give the freed Arrow buffers of the raw files back to the system (national terms)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _cache_items(instruments: Mapping[str, Instrument]) -> dict[str, tuple[str, ...]]:
    return {part: inst.item_ids for part, inst in instruments.items()}


def _from_cache(
    folder: Path,
    manifest: Mapping[str, Any],
    problems: list[Problem],
    resolved: Mapping[str, tuple[Instrument | None, list[Problem]]],
    key: str | bytes | None,
    key_file: str | Path | None,
) -> Survey | None:
    """The cached term for these exact raw files, manifest, instruments and key, if any."""
    if problems or "responses" not in resolved or any(f for _, f in resolved.values()):
        return None
    try:
        key_bytes, ephemeral = resolve_key(key, key_file)
    except UsageError:
        return None  # raised again, at its usual place, by the full load
    if ephemeral or (key is None and key_file_inside(folder, key_file)):
        return None
    if any(not (folder / str(manifest[p]["file"])).is_file() for p in resolved):
        return None
    instruments = {p: inst for p, (inst, _) in resolved.items() if inst is not None}
    hashes = _hashes(folder, manifest, resolved)
    ckey = cache_key(hashes, instruments, key_bytes, _extra_hashes(folder, manifest))
    got = read_cached(ckey, _cache_items(instruments))
    if got is None or got[0]["responses"] is None:
        return None
    tables, warnings = got
    return Survey(
        term=str(manifest.get("term", folder.name)),
        path=folder,
        manifest=manifest,
        instrument=instruments["responses"],
        responses=tables["responses"],
        observation_instrument=instruments.get("observations"),
        observations=tables["observations"],
        interview_instrument=instruments.get("interviews"),
        interviews=tables["interviews"],
        problems=warnings,
        file_hashes=dict(sorted(hashes.items())),
    )


def _collect(
    path: str | Path | None,
    key: str | bytes | None,
    key_file: str | Path | None,
    use_cache: bool = False,
) -> tuple[Survey | None, list[Problem], Path]:
    folder = default_survey() if path is None else Path(path)
    if not folder.is_dir():
        code = "survey.file_not_folder" if folder.is_file() else "survey.not_a_folder"
        raise UsageError(Message(code, path=folder), lang="en")
    manifest, problems = read_manifest(folder)
    if manifest is None:
        return None, problems, folder
    use_cache = use_cache and not problems  # a cached term starts from a clean manifest
    resolved = {
        part: _instrument_for(part, spec["instrument"])
        for part, spec in manifest.items()
        if part in _PARTS and isinstance(spec, dict) and spec.get("instrument") and spec.get("file")
    }
    if use_cache:
        hit = _from_cache(folder, manifest, problems, resolved, key, key_file)
        if hit is not None:
            return hit, list(hit.problems), folder
    instruments: dict[str, Instrument] = {}
    tables: dict[str, RawTable] = {}
    for part in _PARTS:
        if part not in resolved:
            continue
        spec = manifest[part]
        inst, found = resolved[part]
        problems += found
        table = _read_part(folder, spec, part)
        problems += table.problems
        if inst is not None:
            instruments[part] = inst
        tables[part] = table
    if any(p.severity == "error" for p in problems) and "responses" not in instruments:
        return None, problems, folder

    key_bytes, ephemeral = resolve_key(key, key_file)
    if not ephemeral and key is None and key_file_inside(folder, key_file):
        problems.append(Problem("key_in_data_folder", MANIFEST))
    hashes = _hashes(folder, manifest, [p for p in tables if tables[p].frame is not None])

    responses = None
    rtable: RawTable | None = tables.get("responses")
    if rtable is not None and rtable.frame is not None and "responses" in instruments:
        spec = manifest["responses"]
        names: dict[str, dict[str, str]] = {}
        checked: set[str] = set()
        if spec.get("group_names"):
            where = inside_folder(folder, str(spec["group_names"]))  # never outside the term
            names, checked, wrong = (
                read_group_names(folder, str(spec["group_names"]))
                if where is not None
                else ({}, set(), "the file must be inside the term folder")
            )
            if wrong:
                problems.append(
                    Problem("bad_group_names", str(spec["group_names"]), params={"detail": wrong})
                )
        responses, found = check_responses(
            rtable.frame, spec, instruments["responses"], names, frozenset(checked)
        )
        problems += trace(found, rtable.frame, spec)
    tables.pop("responses", None)  # the raw text is not needed any more: free it
    rtable = None
    known_teachers = None
    id_is_identifier = False
    identifying: set[str] = set()
    if responses is not None:
        known_teachers = pd.Index(responses["teacher"].unique())
        spec = manifest["responses"]
        declared = spec["id"] in (spec.get("identifiers") or [])
        kind = None if declared else id_identifier_kind(spec["id"], responses["teacher"])
        id_is_identifier = declared or kind is not None
        if kind is not None:
            problems.append(
                Problem(
                    "id_is_identifier",
                    str(spec["file"]),
                    row=1,
                    column=str(spec["id"]),
                    params={"what": kind},
                )
            )
        identifying |= {str(c) for c in spec.get("identifiers") or ()}
        if id_is_identifier:
            identifying.add(str(spec["id"]))
            for part in ("observations", "interviews"):
                if isinstance(manifest.get(part), dict) and manifest[part].get("teacher"):
                    identifying.add(str(manifest[part]["teacher"]))
    parts: dict[str, pd.DataFrame | None] = {"observations": None, "interviews": None}
    for part, check in (("observations", check_observations), ("interviews", check_interviews)):
        raw = tables.pop(part, None)
        if raw is None or raw.frame is None or part not in instruments:
            continue
        frame, found = check(raw.frame, manifest[part], instruments[part], known_teachers)
        problems += trace(found, raw.frame, manifest[part])
        parts[part] = frame
        del raw
    tables.clear()
    _release_arrow_memory()  # the raw files' text, before pseudonyms are made
    problems = mask_problems(problems, identifying)
    if responses is None:
        return None, problems, folder
    rspec = manifest["responses"]
    problems += guard_groups(responses, rspec, key_bytes, str(rspec["file"]))

    # Pseudonymize: identifier columns always; the teacher id too when it is an identifier.
    ident_cols = [c for c in responses.columns if c.startswith("__ident__")]
    # ... but first: a group label equal to an identifier would be printed (the report refuses)
    problems += identifiers_as_groups(
        responses, rspec, ident_cols + (["teacher"] if id_is_identifier else []), str(rspec["file"])
    )
    for col in ident_cols:
        responses[col] = pseudonymize(responses[col], key_bytes)
    responses = responses.rename(columns={c: c.removeprefix("__ident__") for c in ident_cols})
    if id_is_identifier:
        responses["teacher"] = pseudonymize(responses["teacher"], key_bytes)
        for frame in parts.values():
            if frame is not None:
                frame["teacher"] = pseudonymize(frame["teacher"], key_bytes)
    if ephemeral and (ident_cols or id_is_identifier):
        problems.append(Problem("ephemeral_key", MANIFEST))

    survey = Survey(
        term=str(manifest.get("term", folder.name)),
        path=folder,
        manifest=manifest,
        instrument=instruments["responses"],
        responses=responses,
        observation_instrument=instruments.get("observations"),
        observations=parts["observations"],
        interview_instrument=instruments.get("interviews"),
        interviews=parts["interviews"],
        problems=sort_problems(p for p in problems if p.severity == "warning"),
        file_hashes=dict(sorted(hashes.items())),
    )
    if use_cache and not ephemeral and not any(p.severity == "error" for p in problems):
        frames = {"responses": responses, **parts}
        write_cached(
            cache_key(hashes, instruments, key_bytes, _extra_hashes(folder, manifest)),
            frames,
            _cache_items(instruments),
            survey.problems,
        )
    return survey, problems, folder


def validate_survey(
    path: str | Path | None = None,
    *,
    key: str | bytes | None = None,
    key_file: str | Path | None = None,
) -> ValidationReport:
    """Check a term folder and list every problem at once (never raises for bad data).

    Parameters
    ----------
    path : str or Path, optional
        The term folder (holding ``survey.yaml``); default: the bundled example term.

    Returns
    -------
    ValidationReport
        ``.ok`` is True when there are no errors; ``.summary(lang)`` and ``.to_json()`` render it.

    Raises
    ------
    UsageError
        ``path`` is not a folder.
    """
    _, problems, folder = _collect(path, key, key_file)
    return ValidationReport(str(folder), sort_problems(problems))


def load_survey(
    path: str | Path | None = None,
    *,
    key: str | bytes | None = None,
    key_file: str | Path | None = None,
    lang: str = "id",
    cache: bool = True,
) -> Survey:
    """Load, validate and pseudonymize one term.

    Parameters
    ----------
    path : str or Path, optional
        The term folder (holding ``survey.yaml``); default: the bundled example term.
    key, key_file : optional
        Pseudonymization key, or a file holding it (see :mod:`dinamika.privacy.pseudonym`).
    lang : {"id", "en"}
        Language of the error message.
    cache : bool, default True
        Reuse (and store) the validated term in the Parquet cache of
        :mod:`dinamika.data.cache` when the raw files, manifest, instruments and key are
        unchanged; never with a random key, never inside the data folder.

    Returns
    -------
    Survey

    Raises
    ------
    ValidationError
        The data has errors; ``.problems`` lists all of them with file, row, column and fix.
    UsageError
        ``path`` is not a folder.

    Examples
    --------
    >>> s = load_survey()
    >>> s.responses.shape[0] > 100, s.observations is not None
    (True, True)
    """
    survey, problems, _ = _collect(path, key, key_file, use_cache=cache)
    if survey is None or any(p.severity == "error" for p in problems):
        raise ValidationError(sort_problems(problems), lang=lang)
    return survey
