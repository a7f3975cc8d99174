"""Versioned, bilingual instruments: the questionnaire, the observation rubric, the interview guide.

An instrument is data: ``instruments/<id>/<version>.yaml``, validated against the JSON schema in
``dinamika/schemas/instrument.schema.json``. Released files never change; their SHA-256 hashes
are kept in ``instruments/instruments.lock``. See ``docs/data-format.md``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from dinamika.core.results import ResultMixin
from dinamika.data.adaptation import check_languages
from dinamika.data.resources import instruments_dir, schema_path
from dinamika.errors import InstrumentError
from dinamika.i18n.messages import Message

__all__ = [
    "Instrument",
    "Item",
    "ResponseScale",
    "list_instruments",
    "load_instrument",
]

LANGS = ("id", "en")
_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


@dataclass(frozen=True)
class ResponseScale:
    """Response options of an item: integer codes ``min..max`` with bilingual labels."""

    id: str
    min: int
    max: int
    labels: Mapping[int, Mapping[str, str]]

    def label(self, code: int, lang: str = "id") -> str:
        """Label of one code in ``lang`` ("id" or "en")."""
        return self.labels[code][lang]


@dataclass(frozen=True)
class Item:
    """One questionnaire item or observation indicator."""

    id: str
    scale: str
    text: Mapping[str, str]
    reverse: bool
    response_scale: ResponseScale
    anchors: Mapping[int, Mapping[str, str]] | None = None

    @property
    def min(self) -> int:
        """Lowest response code."""
        return self.response_scale.min

    @property
    def max(self) -> int:
        """Highest response code."""
        return self.response_scale.max


@dataclass(frozen=True)
class Instrument(ResultMixin):
    """One released version of an instrument.

    Attributes
    ----------
    id, version, kind : str
        ``kind`` is ``questionnaire``, ``observation`` or ``interview``.
    items : tuple of Item
        In instrument order (empty for interview guides).
    scales : dict
        Scale (or aspect, or construct) id → tuple of its item ids, in order.
    reverse_keyed : tuple of str
        Item ids scored ``max + min - x``.
    sha256 : str
        Hash of the released file's bytes.

    Examples
    --------
    >>> inst = load_instrument("komunitas-guru@1.0.0")
    >>> inst.ref, list(inst.scales)
    ('komunitas-guru@1.0.0', ['kepemimpinan', 'saling_percaya', 'komitmen_kolektif', 'dukungan_sekolah'])
    >>> inst.reverse_keyed
    ('KEP6', 'SP6', 'KK6', 'DS6')
    """

    id: str
    version: str
    kind: str
    path: Path
    sha256: str
    raw: Mapping[str, Any] = field(repr=False)
    items: tuple[Item, ...] = field(repr=False)
    scales: Mapping[str, tuple[str, ...]] = field(repr=False)

    @property
    def ref(self) -> str:
        """``"id@version"``, the form manifests and commands use."""
        return f"{self.id}@{self.version}"

    @property
    def item_ids(self) -> tuple[str, ...]:
        """Item ids in instrument order."""
        return tuple(item.id for item in self.items)

    @property
    def reverse_keyed(self) -> tuple[str, ...]:
        """Ids of reverse-keyed items."""
        return tuple(item.id for item in self.items if item.reverse)

    @property
    def response_scales(self) -> dict[str, ResponseScale]:
        """Response scales by id."""
        return {item.response_scale.id: item.response_scale for item in self.items}

    def item(self, item_id: str) -> Item:
        """The item with this id."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise InstrumentError(
            Message("instrument.no_item", ref=self.ref, item=repr(item_id), items=self.item_ids)
        )

    def title(self, lang: str = "id") -> str:
        """Instrument title in ``lang``."""
        return str(self.raw["title"][lang])

    def scale_label(self, scale: str, lang: str = "id") -> str:
        """Human label of a scale (aspect, construct) in ``lang``."""
        for s in self.raw["scales"]:
            if s["id"] == scale:
                return str(s["label"][lang])
        raise InstrumentError(
            Message(
                "instrument.no_scale", ref=self.ref, scale=repr(scale), scales=list(self.scales)
            )
        )

    def scale_description(self, scale: str, lang: str = "id") -> str:
        """What a scale measures, in ``lang``."""
        for s in self.raw["scales"]:
            if s["id"] == scale:
                return str(s["description"][lang])
        raise InstrumentError(
            Message(
                "instrument.no_scale", ref=self.ref, scale=repr(scale), scales=list(self.scales)
            )
        )

    @property
    def questions(self) -> tuple[Mapping[str, Any], ...]:
        """Interview questions (interview guides only)."""
        return tuple(self.raw.get("questions", ()))

    @property
    def codebook(self) -> dict[str, Mapping[str, Any]]:
        """Interview themes by id (interview guides only)."""
        return {t["id"]: t for t in self.raw.get("codebook", ())}

    @property
    def stances(self) -> dict[str, Mapping[str, str]]:
        """Stance codes and their labels (interview guides only)."""
        return dict(self.raw.get("stances", {}))

    def summary(self, lang: str = "id") -> str:
        """Title, version and the scales with their number of items."""
        scales = ", ".join(f"{s} ({len(items)})" for s, items in self.scales.items())
        return Message(
            "instrument.summary",
            ref=self.ref,
            title=self.title(lang),
            n=len(self.items),
            scales=scales,
        ).text(lang)

    def to_frame(self, lang: str = "id") -> pd.DataFrame:
        """Items as a table: id, scale, reverse, min, max, text."""

        return pd.DataFrame(
            {
                "item": [i.id for i in self.items],
                "scale": [i.scale for i in self.items],
                "reverse": [i.reverse for i in self.items],
                "min": [i.min for i in self.items],
                "max": [i.max for i in self.items],
                "text": [i.text[lang] for i in self.items],
            }
        )


# ---------------------------------------------------------------------------------------------
# loading


@cache
def _schema() -> dict[str, Any]:
    with schema_path("instrument").open(encoding="utf-8") as fh:
        return dict(json.load(fh))


def _version_key(version: str) -> tuple[int, int, int]:
    m = _VERSION.match(version)
    if not m:
        raise InstrumentError(Message("instrument.bad_version", version=repr(version)), lang="en")
    return int(m[1]), int(m[2]), int(m[3])


def list_instruments(root: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Instrument ids with their released versions, oldest first.

    Examples
    --------
    >>> list_instruments()["komunitas-guru"]
    ('1.0.0',)
    """
    root = instruments_dir() if root is None else Path(root)
    out: dict[str, tuple[str, ...]] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        versions = [p.stem for p in folder.glob("*.yaml") if _VERSION.match(p.stem)]
        if versions:
            out[folder.name] = tuple(sorted(versions, key=_version_key))
    return out


def _resolve(ref: str | Path) -> Path:
    path = Path(ref)
    if path.suffix in {".yaml", ".yml"}:
        if not path.is_file():
            raise InstrumentError(Message("instrument.no_file", path=path), lang="en")
        return path
    text = str(ref)
    inst_id, _, version = text.partition("@")
    available = list_instruments()
    if inst_id not in available:
        raise InstrumentError(
            Message("instrument.unknown", id=repr(inst_id), available=", ".join(sorted(available))),
            lang="en",
        )
    versions = available[inst_id]
    if not version:
        version = versions[-1]
    if version not in versions:
        raise InstrumentError(
            Message(
                "instrument.no_version",
                id=repr(inst_id),
                version=repr(version),
                versions=", ".join(versions),
            ),
            lang="en",
        )
    return instruments_dir() / inst_id / f"{version}.yaml"


def _check(raw: Mapping[str, Any], path: Path) -> None:
    """Schema plus the cross-references a JSON schema cannot express."""
    import jsonschema  # slow to import (~1 s); only needed for files not checked at release

    errors = sorted(jsonschema.Draft202012Validator(_schema()).iter_errors(raw), key=str)
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "(top level)"
        more = Message("instrument.schema_more", n=len(errors) - 1) if len(errors) > 1 else ""
        raise InstrumentError(
            Message(
                "instrument.schema", path=path, where=where, detail=errors[0].message, more=more
            )
        )
    if path.stem != raw["version"] or path.parent.name not in (raw["id"], path.parent.name):
        raise InstrumentError(Message("instrument.file_name", path=path, name=path.name))
    scale_ids = [s["id"] for s in raw["scales"]]
    if len(set(scale_ids)) != len(scale_ids):
        raise InstrumentError(Message("instrument.scales_repeat", path=path, ids=scale_ids))
    rs = raw.get("response_scales", {})
    for sid, scale in rs.items():
        want = {str(c) for c in range(scale["min"], scale["max"] + 1)}
        if {str(k) for k in scale["labels"]} != want:
            raise InstrumentError(
                f"{path}: response scale {sid!r} must label every code {sorted(want)}"
            )
    seen: set[str] = set()
    for item in raw.get("items", ()):
        if item["id"] in seen:
            raise InstrumentError(f"{path}: item id {item['id']} appears twice")
        seen.add(item["id"])
        if item["scale"] not in scale_ids:
            raise InstrumentError(
                f"{path}: item {item['id']} names unknown scale {item['scale']!r}"
            )
        if item["response_scale"] not in rs:
            raise InstrumentError(
                f"{path}: item {item['id']} names unknown response scale {item['response_scale']!r}"
            )
    for theme in raw.get("codebook", ()):
        if theme["construct"] not in scale_ids:
            raise InstrumentError(
                f"{path}: theme {theme['id']} names unknown construct {theme['construct']!r}"
            )


def _build(raw: Mapping[str, Any], path: Path, digest: str) -> Instrument:
    scales_rs = {
        sid: ResponseScale(
            id=sid,
            min=int(s["min"]),
            max=int(s["max"]),
            labels={int(k): dict(v) for k, v in s["labels"].items()},
        )
        for sid, s in raw.get("response_scales", {}).items()
    }
    items = tuple(
        Item(
            id=i["id"],
            scale=i["scale"],
            text=dict(i["text"]),
            reverse=bool(i["reverse"]),
            response_scale=scales_rs[i["response_scale"]],
            anchors={int(k): dict(v) for k, v in i["anchors"].items()} if "anchors" in i else None,
        )
        for i in raw.get("items", ())
    )
    if raw["kind"] == "interview":
        members: dict[str, list[str]] = {s["id"]: [] for s in raw["scales"]}
        for theme in raw["codebook"]:
            members[theme["construct"]].append(theme["id"])
    else:
        members = {s["id"]: [i.id for i in items if i.scale == s["id"]] for s in raw["scales"]}
    return Instrument(
        id=raw["id"],
        version=raw["version"],
        kind=raw["kind"],
        path=path,
        sha256=digest,
        raw=raw,
        items=items,
        scales={k: tuple(v) for k, v in members.items()},
    )


@cache
def _load_path(path: Path) -> Instrument:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InstrumentError(f"cannot read instrument file {path}: {exc.strerror}") from None
    try:
        raw = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InstrumentError(f"{path}: not valid UTF-8 YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise InstrumentError(f"{path}: an instrument file must be a YAML mapping")
    raw = _stringify_dates(raw)
    digest = hashlib.sha256(data).hexdigest()
    if digest not in _released_digests():
        # Released files were checked against the schema when released (and by the tests);
        # any other file (a draft version, a user's own instrument) is checked here.
        _check(raw, path)
        raw = check_languages(raw, path)  # Indonesian-only local adaptations: a warning
    return _build(raw, path, digest)


@cache
def _released_digests() -> frozenset[str]:
    lock = instruments_dir() / "instruments.lock"
    if not lock.is_file():
        return frozenset()
    lines = lock.read_text(encoding="utf-8").splitlines()
    return frozenset(line.split()[0] for line in lines if line.strip() and not line.startswith("#"))


def _stringify_dates(obj: Any) -> Any:
    """YAML reads ``2025-01-15`` as a date; the schema wants a string."""
    import datetime as dt

    if isinstance(obj, dict):
        return {str(k) if isinstance(k, int) else k: _stringify_dates(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_stringify_dates(v) for v in obj]
    if isinstance(obj, dt.date):
        return obj.isoformat()
    return obj


def load_instrument(ref: str | Path) -> Instrument:
    """Load an instrument by ``"id"`` (latest version), ``"id@version"`` or a file path.

    Parameters
    ----------
    ref : str or Path
        ``"komunitas-guru"``, ``"komunitas-guru@1.0.0"`` or ``path/to/1.0.0.yaml``.

    Returns
    -------
    Instrument

    Raises
    ------
    InstrumentError
        Unknown id or version, unreadable file, or a file that breaks the schema.

    Examples
    --------
    >>> obs = load_instrument("observasi-pembelajaran")
    >>> len(obs.items), len(obs.scales)
    (21, 6)
    """
    return _load_path(_resolve(ref).resolve())
