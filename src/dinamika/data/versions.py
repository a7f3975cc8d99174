"""What changed between two versions of an instrument, and the lock on released files.

Versioning rule (semantic): MAJOR when items are added, removed, re-keyed or moved between
scales, or the response scale changes (scores are not comparable across the versions); MINOR when
the Indonesian wording changes (comparable, flag it in reports); PATCH for typos and
translations (English text only).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dinamika.core.results import ResultMixin
from dinamika.data.instruments import Instrument, list_instruments, load_instrument
from dinamika.data.resources import instruments_dir
from dinamika.errors import InstrumentError
from dinamika.i18n.messages import MESSAGES, Message, Said

__all__ = ["InstrumentDiff", "check_lock", "diff_instruments", "update_lock"]

LOCK_NAME = "instruments.lock"
_RANK = {"none": 0, "patch": 1, "minor": 2, "major": 3}
_BUMP = {
    "added": "major",
    "removed": "major",
    "moved": "major",
    "rekeyed": "major",
    "rescaled": "major",
    "reworded": "minor",
    "translation": "patch",
}


@dataclass(frozen=True)
class InstrumentDiff(ResultMixin):
    """Item-by-item differences between two instrument versions.

    Attributes
    ----------
    old, new : str
        ``id@version`` of the two sides.
    changes : DataFrame
        One row per change: ``item``, ``scale``, ``change`` (added, removed, moved, rekeyed,
        rescaled, reworded, translation), ``old``, ``new`` (for added, removed and reworded items
        the Indonesian item text).
    required_bump : str
        The smallest version step the changes need: none, patch, minor or major.
    declared_bump : str
        The step the new version number takes from the old one (none, patch, minor, major, or
        ``lower`` when it is not higher).
    scales : DataFrame
        One row per scale of either version: ``scale``, ``changes`` (how many), ``bump`` (the
        largest step its changes need) and ``comparable`` (scores of this scale can be compared
        across the versions).
    problems : tuple of str
        What is wrong with the new version as a release (declared step too small, ``previous``
        not the old version, changes not listed under ``changes``), in English; ``problems_id``
        in Indonesian.

    Examples
    --------
    >>> d = diff_instruments("komunitas-guru@1.0.0", "komunitas-guru@1.0.0")
    >>> d.required_bump, d.comparable, d.scales["comparable"].all()
    ('none', True, np.True_)
    """

    old: str
    new: str
    changes: pd.DataFrame
    required_bump: str
    declared_bump: str = "none"
    scales: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    problems: tuple[str, ...] = ()
    problems_id: tuple[str, ...] = ()
    #: the problems as catalogue messages (``problems``/``problems_id`` are their texts)
    messages: tuple[Message, ...] = field(default=(), repr=False, compare=False)

    @property
    def comparable(self) -> bool:
        """Scores of every scale of the two versions can be compared."""
        return _RANK[self.required_bump] < _RANK["major"]

    @property
    def ok(self) -> bool:
        """The new version is a valid release after the old one (no :attr:`problems`)."""
        return not self.problems

    def to_frame(self) -> pd.DataFrame:
        """The changes, one row each: ``item``, ``change``, ``old``, ``new``."""
        return self.changes

    def summary(self, lang: str = "id") -> str:
        """The changes with the texts, the comparability of each scale, and the version check."""
        if self.changes.empty:
            lines = [Message("versions.no_changes", old=self.old, new=self.new).text(lang)]
        else:
            lines = [f"{self.old} → {self.new}"]
            for row in self.changes.itertuples(index=False):
                what = Message(f"versions.change.{row.change}").text(lang)
                if row.change == "added":
                    detail = f"({row.scale}) “{row.new}”"
                elif row.change == "removed":
                    detail = f"({row.scale}) “{row.old}”"
                elif row.change in ("reworded", "translation"):
                    detail = f"“{row.old}” → “{row.new}”"
                else:
                    detail = f"{row.old} → {row.new}"
                lines.append(f"  {what:<11} {row.item}: {detail}")
        changed = (
            self.scales[~self.scales["comparable"]]["scale"].tolist() if len(self.scales) else []
        )
        same = self.scales[self.scales["comparable"]]["scale"].tolist() if len(self.scales) else []
        need, said = (_step(b) for b in (self.required_bump, self.declared_bump))
        lines.append(Message("versions.needs", need=need, declared=said).text(lang))
        if changed:
            lines.append(
                Message("versions.not_comparable_for", scales=", ".join(changed)).text(lang)
            )
            if same:
                lines.append(Message("versions.comparable_for", scales=", ".join(same)).text(lang))
        else:
            lines.append(Message("versions.all_comparable").text(lang))
        # problems given as text (an InstrumentDiff made by hand) are shown as they are
        texts = {"en": self.problems, "id": self.problems_id or self.problems}
        found = [m.text(lang) for m in self.messages] if self.messages else texts[lang]
        for problem in found:
            lines.append(Message("versions.problem", problem=problem).text(lang))
        return "\n".join(lines)


def _step(bump: str) -> Message | str:
    """A version step in words (``patch`` and ``minor`` are the same in both languages)."""
    code = f"versions.step.{bump}"
    return Message(code) if code in MESSAGES else bump


def _as_instrument(ref: str | Path | Instrument) -> Instrument:
    return ref if isinstance(ref, Instrument) else load_instrument(ref)


def _declared(old: str, new: str) -> str:
    a = tuple(int(x) for x in old.split("."))
    b = tuple(int(x) for x in new.split("."))
    if b <= a:
        return "none" if a == b else "lower"
    if b[0] > a[0]:
        return "major"
    return "minor" if b[1] > a[1] else "patch"


def _next(version: str, bump: str) -> str:
    major, minor, patch = (int(x) for x in version.split("."))
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def _release_problems(
    a: Instrument, b: Instrument, changes: pd.DataFrame, required: str, declared: str
) -> list[Message]:
    out: list[Message] = []
    if a.ref == b.ref and a.sha256 == b.sha256:
        return out
    if declared == "lower" or (declared == "none" and a.sha256 != b.sha256):
        out.append(Message("versions.not_higher", new=b.version, old=a.version))
    elif _RANK.get(declared, 0) < _RANK[required]:
        want = _next(a.version, required)
        out.append(
            Message(
                "versions.step_too_small",
                new=b.version,
                declared=_step(declared),
                required=_step(required),
                want=want,
            )
        )
    previous = b.raw.get("previous")
    if previous is None:
        out.append(Message("versions.no_previous", old=a.version))
    elif str(previous) != a.version:
        out.append(Message("versions.wrong_previous", previous=previous, old=a.version))
    listed = {(str(c.get("item", "")), str(c.get("kind", ""))) for c in b.raw.get("changes", ())}
    listed_items = {i for i, _ in listed}
    missing = sorted({str(i) for i in changes["item"] if str(i) not in listed_items})
    if missing:
        out.append(Message("versions.unlisted_changes", items=", ".join(missing)))
    return out


def diff_instruments(old: str | Path | Instrument, new: str | Path | Instrument) -> InstrumentDiff:
    """Compare two versions of an instrument item by item, scale by scale.

    Parameters
    ----------
    old, new : str, Path or Instrument
        ``"id@version"``, a file path (e.g. a student's adapted ``2.0.0.yaml``), or loaded
        instruments.

    Returns
    -------
    InstrumentDiff
        The changes (with item texts), the version step they need and the one declared, the
        comparability of each scale, and what keeps ``new`` from being a valid release.
    """
    a, b = _as_instrument(old), _as_instrument(new)
    if a.id != b.id:
        raise InstrumentError(f"cannot compare different instruments {a.id!r} and {b.id!r}")
    rows: list[tuple[str, str, str, str, str]] = []
    ia = {i.id: i for i in a.items}
    ib = {i.id: i for i in b.items}
    for item_id in [*ia, *(k for k in ib if k not in ia)]:
        x, y = ia.get(item_id), ib.get(item_id)
        if y is None:
            rows.append((item_id, x.scale if x else "", "removed", x.text["id"] if x else "", ""))
            continue
        if x is None:
            rows.append((item_id, y.scale, "added", "", y.text["id"]))
            continue
        if x.scale != y.scale:
            rows.append((item_id, f"{x.scale}, {y.scale}", "moved", x.scale, y.scale))
        if x.reverse != y.reverse:
            rows.append(
                (item_id, y.scale, "rekeyed", f"reverse={x.reverse}", f"reverse={y.reverse}")
            )
        rx, ry = x.response_scale, y.response_scale
        if (rx.min, rx.max) != (ry.min, ry.max) or rx.labels != ry.labels:
            rows.append((item_id, y.scale, "rescaled", f"{rx.min}–{rx.max}", f"{ry.min}–{ry.max}"))
        if x.text["id"] != y.text["id"]:
            rows.append((item_id, y.scale, "reworded", x.text["id"], y.text["id"]))
        elif x.text.get("en") != y.text.get("en"):
            rows.append(
                (item_id, y.scale, "translation", str(x.text.get("en")), str(y.text.get("en")))
            )
    changes = pd.DataFrame(rows, columns=["item", "scale", "change", "old", "new"])
    bump = max((_BUMP[c] for c in changes["change"]), key=lambda s: _RANK[s], default="none")
    scale_rows = []
    for scale in dict.fromkeys([*a.scales, *b.scales]):
        hit = changes["scale"].map(lambda x, sc=scale: sc in str(x).split(", ")).astype(bool)
        mine = changes.loc[hit]
        step = max((_BUMP[c] for c in mine["change"]), key=lambda s: _RANK[s], default="none")
        if scale not in a.scales or scale not in b.scales:
            step = "major"
        scale_rows.append((scale, len(mine), step, _RANK[step] < _RANK["major"]))
    scales = pd.DataFrame(scale_rows, columns=["scale", "changes", "bump", "comparable"])
    declared = _declared(a.version, b.version)
    found = _release_problems(a, b, changes, bump, declared)
    return InstrumentDiff(
        a.ref, b.ref, changes, bump, declared, scales,
        tuple(m.text("en") for m in found), tuple(m.text("id") for m in found), tuple(found),
    )  # fmt: skip


def _lock_path(root: Path) -> Path:
    return root / LOCK_NAME


def _released(root: Path) -> dict[str, str]:
    out = {}
    for inst_id, versions in list_instruments(root).items():
        for v in versions:
            rel = f"{inst_id}/{v}.yaml"
            out[rel] = hashlib.sha256((root / rel).read_bytes()).hexdigest()
    return out


def _read_lock(root: Path) -> dict[str, str]:
    path = _lock_path(root)
    if not path.is_file():
        return {}
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            digest, rel = line.split(maxsplit=1)
            entries[rel.strip()] = digest
    return entries


def check_lock(root: Path | None = None) -> list[str]:
    """Released instrument files whose bytes differ from the lock, or that the lock lacks.

    An empty list means every released file is exactly as released.

    >>> check_lock()
    []
    """
    root = instruments_dir() if root is None else Path(root)
    locked, actual = _read_lock(root), _released(root)
    problems: list[str] = [
        Said(Message("versions.lock_changed", rel=rel, actual=actual[rel][:12], locked=digest[:12]))
        for rel, digest in locked.items()
        if rel in actual and actual[rel] != digest
    ]
    problems += [
        Said(Message("versions.lock_missing", rel=rel)) for rel in locked if rel not in actual
    ]
    problems += [
        Said(Message("versions.lock_absent", rel=rel, lock=LOCK_NAME))
        for rel in actual
        if rel not in locked
    ]
    return problems


def update_lock(root: Path | None = None) -> list[str]:
    """Add newly released files to the lock (never changes an existing entry); returns them."""
    root = instruments_dir() if root is None else Path(root)
    locked, actual = _read_lock(root), _released(root)
    changed = [rel for rel, d in locked.items() if rel in actual and actual[rel] != d]
    if changed:
        raise InstrumentError(Message("versions.released_changed", files=", ".join(changed)))
    added = [rel for rel in actual if rel not in locked]
    merged = {**locked, **{rel: actual[rel] for rel in added}}
    text = "# sha256 of every released instrument file; a released version never changes\n"
    text += "".join(f"{merged[rel]}  {rel}\n" for rel in sorted(merged))
    _lock_path(root).write_text(text, encoding="utf-8")
    return added
