"""What changed between two versions of an instrument, and the lock on released files.

Versioning rule (semantic): MAJOR when items are added, removed, re-keyed or moved between
scales, or the response scale changes (scores are not comparable across the versions); MINOR when
the Indonesian wording changes (comparable, flag it in reports); PATCH for typos and
translations (English text only).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dinamika.data.instruments import Instrument, list_instruments, load_instrument
from dinamika.data.resources import instruments_dir
from dinamika.errors import InstrumentError

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
class InstrumentDiff:
    """Item-by-item differences between two instrument versions.

    Attributes
    ----------
    old, new : str
        ``id@version`` of the two sides.
    changes : DataFrame
        One row per change: ``item``, ``change`` (added, removed, moved, rekeyed, rescaled,
        reworded, translation), ``old``, ``new``.
    required_bump : str
        The smallest version step the changes need: none, patch, minor or major.
    comparable : bool
        True when scale scores of the two versions can be compared (no major change).

    Examples
    --------
    >>> d = diff_instruments("komunitas-guru@1.0.0", "komunitas-guru@1.0.0")
    >>> d.required_bump, d.comparable
    ('none', True)
    """

    old: str
    new: str
    changes: pd.DataFrame
    required_bump: str

    @property
    def comparable(self) -> bool:
        """Scores of the two versions can be compared."""
        return _RANK[self.required_bump] < _RANK["major"]

    def summary(self, lang: str = "en") -> str:
        """Readable list of the changes and the verdict on comparability."""
        en = lang != "id"
        if self.changes.empty:
            return f"{self.old} → {self.new}: " + (
                "no item changes." if en else "tidak ada perubahan butir."
            )
        lines = [f"{self.old} → {self.new}"]
        for row in self.changes.itertuples(index=False):
            lines.append(f"  {row.change:<11} {row.item}: {row.old} → {row.new}")
        if en:
            verdict = "scores stay comparable" if self.comparable else "scores are NOT comparable"
            lines.append(f"Needs at least a {self.required_bump} version step; {verdict}.")
        else:
            verdict = (
                "skor tetap dapat dibandingkan"
                if self.comparable
                else "skor TIDAK dapat dibandingkan"
            )
            lines.append(f"Memerlukan minimal kenaikan versi {self.required_bump}; {verdict}.")
        return "\n".join(lines)


def _as_instrument(ref: str | Path | Instrument) -> Instrument:
    return ref if isinstance(ref, Instrument) else load_instrument(ref)


def diff_instruments(old: str | Path | Instrument, new: str | Path | Instrument) -> InstrumentDiff:
    """Compare two versions of an instrument item by item.

    Parameters
    ----------
    old, new : str, Path or Instrument
        ``"id@version"``, a file path, or loaded instruments.
    """
    a, b = _as_instrument(old), _as_instrument(new)
    if a.id != b.id:
        raise InstrumentError(f"cannot compare different instruments {a.id!r} and {b.id!r}")
    rows: list[tuple[str, str, str, str]] = []
    ia = {i.id: i for i in a.items}
    ib = {i.id: i for i in b.items}
    for item_id in [*ia, *(k for k in ib if k not in ia)]:
        x, y = ia.get(item_id), ib.get(item_id)
        if y is None:
            rows.append((item_id, "removed", x.scale if x else "", ""))
            continue
        if x is None:
            rows.append((item_id, "added", "", y.scale))
            continue
        if x.scale != y.scale:
            rows.append((item_id, "moved", x.scale, y.scale))
        if x.reverse != y.reverse:
            rows.append((item_id, "rekeyed", f"reverse={x.reverse}", f"reverse={y.reverse}"))
        rx, ry = x.response_scale, y.response_scale
        if (rx.min, rx.max) != (ry.min, ry.max) or rx.labels != ry.labels:
            rows.append((item_id, "rescaled", f"{rx.min}–{rx.max}", f"{ry.min}–{ry.max}"))
        if x.text["id"] != y.text["id"]:
            rows.append((item_id, "reworded", x.text["id"], y.text["id"]))
        elif x.text["en"] != y.text["en"]:
            rows.append((item_id, "translation", x.text["en"], y.text["en"]))
    changes = pd.DataFrame(rows, columns=["item", "change", "old", "new"])
    bump = max((_BUMP[c] for c in changes["change"]), key=lambda s: _RANK[s], default="none")
    return InstrumentDiff(a.ref, b.ref, changes, bump)


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
    problems = [
        f"{rel}: changed after release (sha256 {actual[rel][:12]}… ≠ locked {digest[:12]}…); "
        "released versions never change: restore it and publish the change as a new version"
        for rel, digest in locked.items()
        if rel in actual and actual[rel] != digest
    ]
    problems += [f"{rel}: locked but missing" for rel in locked if rel not in actual]
    problems += [
        f"{rel}: not in {LOCK_NAME}; run `dinamika instrument lock`"
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
        raise InstrumentError(
            f"released files changed: {', '.join(changed)}; restore them and release a new version instead"
        )
    added = [rel for rel in actual if rel not in locked]
    merged = {**locked, **{rel: actual[rel] for rel in added}}
    text = "# sha256 of every released instrument file; a released version never changes\n"
    text += "".join(f"{merged[rel]}  {rel}\n" for rel in sorted(merged))
    _lock_path(root).write_text(text, encoding="utf-8")
    return added
