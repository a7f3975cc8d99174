"""Reading and checking ``survey.yaml``: every key's type, with a fix for each mistake.

The format is documented in ``docs/data-format.md``. A manifest that breaks it yields
``bad_manifest`` problems (never a traceback); parts with a broken key are left out of loading.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from dinamika.data.validation import Problem
from dinamika.i18n.messages import Message

__all__ = ["GROUPS", "MANIFEST", "PARTS", "inside_folder", "read_manifest"]

MANIFEST = "survey.yaml"
GROUPS = ("school", "kkg", "district", "level")

Check = Callable[[Any], Message | None]  # returns what is wrong, or None


def _text(v: Any) -> Message | None:
    return None if isinstance(v, str) and v.strip() else Message("manifest.must_text")


def _text_list(v: Any) -> Message | None:
    ok = isinstance(v, list) and all(isinstance(x, str) and x.strip() for x in v)
    return None if ok else Message("manifest.must_text_list")


def _groups(v: Any) -> Message | None:
    if not isinstance(v, dict) or not all(isinstance(x, str) and x.strip() for x in v.values()):
        return Message("manifest.must_groups")
    unknown = [k for k in v if k not in GROUPS]
    return (
        Message("manifest.unknown_groups", unknown=unknown, allowed=list(GROUPS))
        if unknown
        else None
    )


def _share(v: Any) -> Message | None:
    ok = isinstance(v, int | float) and not isinstance(v, bool) and 0 < v <= 1
    return None if ok else Message("manifest.must_share")


def _delimiter(v: Any) -> Message | None:
    return None if v in (",", ";", "\t") else Message("manifest.must_delimiter")


def _labels(v: Any) -> Message | None:
    ok = isinstance(v, dict) and all(
        isinstance(k, str) and isinstance(c, int) and not isinstance(c, bool) for k, c in v.items()
    )
    return None if ok else Message("manifest.must_labels")


def _sheet(v: Any) -> Message | None:
    ok = isinstance(v, str | int) and not isinstance(v, bool)
    return None if ok else Message("manifest.must_sheet")


def _bilingual(v: Any) -> Message | None:
    ok = isinstance(v, dict) and all(isinstance(v.get(k), str) for k in ("id", "en"))
    return None if ok else Message("manifest.must_bilingual")


def _population(v: Any) -> Message | None:
    t = v.get("teachers") if isinstance(v, dict) else None
    ok = isinstance(t, int) and not isinstance(t, bool) and t > 0
    return None if ok else Message("manifest.must_population")


def _origin(v: Any) -> Message | None:
    ok = isinstance(v, dict) and set(v) <= {"file", "row", "time"} and "row" in v
    ok = ok and all(isinstance(x, str) and x.strip() for x in v.values())
    return None if ok else Message("manifest.must_origin")


def _bool(v: Any) -> Message | None:
    return None if isinstance(v, bool) else Message("manifest.must_bool")


_FILE_KEYS: dict[str, Check] = {
    "file": _text,
    "instrument": _text,
    "delimiter": _delimiter,
    "encoding": _text,
    "sheet": _sheet,
    "labels": _labels,
    "ignore": _text_list,
    "origin": _origin,
}

#: part -> (instrument kind, required keys, all keys with their checks)
PARTS: dict[str, tuple[str, tuple[str, ...], dict[str, Check]]] = {
    "responses": (
        "questionnaire",
        ("file", "instrument", "id"),
        {
            **_FILE_KEYS,
            "id": _text,
            "groups": _groups,
            "identifiers": _text_list,
            "min_answered": _share,
            "group_names": _text,
        },
    ),
    "observations": (
        "observation",
        ("file", "instrument", "lesson", "teacher", "observer"),
        {
            **_FILE_KEYS,
            "lesson": _text,
            "teacher": _text,
            "observer": _text,
            "master": _text,
            "consensus": _text,
        },
    ),
    "interviews": (
        "interview",
        ("file", "instrument", "teacher", "theme", "stance"),
        {**_FILE_KEYS, "teacher": _text, "theme": _text, "stance": _text},
    ),
}
_TOP: dict[str, Check] = {
    "schema": lambda v: None if v == "dinamika-survey/1" else Message("manifest.must_schema"),
    "term": _text,
    "title": _bilingual,
    "description": _bilingual,
    "synthetic": _bool,
    "population": _population,
}


def _problem(detail: Message, fix: Message) -> Problem:
    return Problem("bad_manifest", MANIFEST, params={"detail": detail, "fix": fix})


def _key_problems(
    where: str, spec: Mapping[str, Any], checks: Mapping[str, Check]
) -> list[Problem]:
    problems = []
    for key, value in spec.items():
        if key not in checks:
            allowed = ", ".join(checks)
            problems.append(
                _problem(
                    Message("manifest.unknown_key", key=f"{where}{str(key)[:40]}"),
                    Message("manifest.unknown_key.fix", allowed=allowed),
                )
            )
            continue
        wrong = checks[key](value)
        if wrong:
            problems.append(
                _problem(
                    Message(
                        "manifest.bad_value", key=f"{where}{key}", wrong=wrong, found=_short(value)
                    ),
                    Message("manifest.bad_value.fix", key=key),
                )
            )
    return problems


def inside_folder(folder: Path, name: str) -> Path | None:
    """``folder / name`` when it resolves (links followed) inside ``folder``, else None.

    >>> inside_folder(Path("."), "/etc/passwd") is None, inside_folder(Path("."), "../x") is None
    (True, True)
    """
    try:
        base = Path(folder).resolve()
        target = (Path(folder) / name).resolve()
    except (OSError, RuntimeError, ValueError):  # loops of links, NUL bytes
        return None
    return target if target.is_relative_to(base) and target != base else None


#: Limits checked before anything in survey.yaml is built or printed.
MAX_MANIFEST_BYTES = 1 << 20
MAX_ALIASES = 20


class _ManifestLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys and more than :data:`MAX_ALIASES` aliases."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise yaml.YAMLError(
                    f"more than {MAX_ALIASES} aliases (*name), line {mark.line + 1}: "
                    "survey.yaml needs none (an alias bomb?)"
                )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise yaml.YAMLError(
                    f"the key '{key}' appears twice (lines {seen[key]} and {line}); "
                    "only one may stay"
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _short(value: Any, limit: int = 80) -> str:
    """``repr`` of a value, cut to ``limit`` characters without building the whole text."""
    import reprlib

    r = reprlib.Repr()
    r.maxstring = r.maxother = limit
    r.maxlevel, r.maxdict, r.maxlist = 2, 4, 4
    text = r.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_manifest(folder: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The manifest as a dict (None when unreadable) and every problem with it.

    Parts (``responses``, ``observations``, ``interviews``) with a problem are removed from the
    returned dict, so loading goes on with the others and reports all problems at once.
    """
    path = folder / MANIFEST
    if not path.is_file():
        return None, [Problem("missing_manifest", MANIFEST)]
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            raise yaml.YAMLError(f"the file is larger than {MAX_MANIFEST_BYTES} bytes")
        raw = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=_ManifestLoader)
    except (UnicodeDecodeError, yaml.YAMLError, RecursionError) as exc:
        detail = str(exc).replace("\n", " ")[:200]
        return None, [
            _problem(
                Message("manifest.yaml_error", detail=detail), Message("manifest.yaml_error.fix")
            )
        ]
    if not isinstance(raw, dict):
        return None, [
            _problem(Message("manifest.not_mapping"), Message("manifest.not_mapping.fix"))
        ]
    problems = _key_problems("", {k: v for k, v in raw.items() if k not in PARTS}, _TOP)
    for part, (_, required, checks) in PARTS.items():
        spec = raw.get(part)
        if spec is None:
            if part == "responses":
                problems.append(
                    _problem(Message("manifest.no_responses"), Message("manifest.no_responses.fix"))
                )
            continue
        if not isinstance(spec, dict):
            problems.append(
                _problem(
                    Message("manifest.part_not_mapping", part=part),
                    Message("manifest.part_not_mapping.fix", part=part),
                )
            )
            raw.pop(part)
            continue
        found = _key_problems(f"{part}.", spec, checks)
        for key in required:
            if key not in spec:
                found.append(
                    _problem(
                        Message("manifest.missing_key", part=part, key=key),
                        Message("manifest.missing_key.fix", part=part, key=key),
                    )
                )
        if found:
            problems += found
            raw.pop(part)
    raw.setdefault("term", folder.name)
    return raw, problems
