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
from dinamika.privacy.identifiers import guard_groups, id_identifier_kind, mask_problems
from dinamika.privacy.pseudonym import key_file_inside, pseudonymize, resolve_key

__all__ = ["Survey", "load_survey", "validate_survey"]

_PARTS = {part: spec[0] for part, spec in PARTS.items()}  # part -> instrument kind


@dataclass(frozen=True)
class Survey:
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

    def summary(self, lang: str = "en") -> str:
        """Counts of respondents, schools, lessons and interviews."""
        r = self.responses
        n_sch = r["school"].nunique() if "school" in r else 0
        n_les = 0 if self.observations is None else self.observations["lesson"].nunique()
        n_int = 0 if self.interviews is None else self.interviews["teacher"].nunique()
        if lang == "id":
            return (
                f"Semester {self.term}: {len(r)} responden di {n_sch} sekolah, "
                f"{n_les} pelajaran diamati, {n_int} guru diwawancarai "
                f"({self.instrument.ref})."
            )
        return (
            f"Term {self.term}: {len(r)} respondents in {n_sch} schools, {n_les} lessons "
            f"observed, {n_int} teachers interviewed ({self.instrument.ref})."
        )


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
                str(exc),
                "report this to the instrument maintainers",
                "laporkan ke pengelola instrumen",
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


def _collect(
    path: str | Path | None, key: str | bytes | None, key_file: str | Path | None
) -> tuple[Survey | None, list[Problem], Path]:
    folder = default_survey() if path is None else Path(path)
    if not folder.is_dir():
        hint = " (give the term folder, not the survey.yaml file)" if folder.is_file() else ""
        raise UsageError(f"{folder} is not a folder{hint}")
    manifest, problems = read_manifest(folder)
    if manifest is None:
        return None, problems, folder
    instruments: dict[str, Instrument] = {}
    tables: dict[str, RawTable] = {}
    for part in _PARTS:
        spec = manifest.get(part)
        if not isinstance(spec, dict) or not spec.get("instrument") or not spec.get("file"):
            continue
        inst, found = _instrument_for(part, spec["instrument"])
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
    hashes = {
        str(manifest[p]["file"]): sha256_file(folder / str(manifest[p]["file"]))
        for p in tables
        if tables[p].frame is not None
    }
    hashes[MANIFEST] = sha256_file(folder / MANIFEST)

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
        raw = tables.get(part)
        if raw is None or raw.frame is None or part not in instruments:
            continue
        frame, found = check(raw.frame, manifest[part], instruments[part], known_teachers)
        problems += trace(found, raw.frame, manifest[part])
        parts[part] = frame
    problems = mask_problems(problems, identifying)
    if responses is None:
        return None, problems, folder
    rspec = manifest["responses"]
    problems += guard_groups(responses, rspec, key_bytes, str(rspec["file"]))

    # Pseudonymize: identifier columns always; the teacher id too when it is an identifier.
    ident_cols = [c for c in responses.columns if c.startswith("__ident__")]
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
    lang: str = "en",
) -> Survey:
    """Load, validate and pseudonymize one term.

    Parameters
    ----------
    path : str or Path, optional
        The term folder (holding ``survey.yaml``); default: the bundled example term.
    key, key_file : optional
        Pseudonymization key, or a file holding it (see :mod:`dinamika.privacy.pseudonym`).
    lang : {"en", "id"}
        Language of the error message.

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
    survey, problems, _ = _collect(path, key, key_file)
    if survey is None or any(p.severity == "error" for p in problems):
        raise ValidationError(sort_problems(problems), lang=lang)
    return survey
