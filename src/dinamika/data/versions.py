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
        en = lang != "id"
        if self.changes.empty:
            lines = [
                f"{self.old} → {self.new}: "
                + ("no item changes." if en else "tidak ada perubahan butir.")
            ]
        else:
            lines = [f"{self.old} → {self.new}"]
            for row in self.changes.itertuples(index=False):
                what = (
                    _CHANGE_ID.get(str(row.change), str(row.change)) if not en else str(row.change)
                )
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
        if en:
            lines.append(
                f"Needs at least a {self.required_bump} version step (declared: {self.declared_bump})."
            )
            if changed:
                lines.append(f"Scores are NOT comparable for: {', '.join(changed)}.")
                if same:
                    lines.append(f"Scores stay comparable for: {', '.join(same)}.")
            else:
                lines.append("All scores stay comparable.")
        else:
            step = {"none": "tidak ada", "major": "mayor", "lower": "lebih rendah"}
            need, said = (step.get(b, b) for b in (self.required_bump, self.declared_bump))
            lines.append(f"Memerlukan minimal kenaikan versi {need} (dinyatakan: {said}).")
            if changed:
                lines.append(f"Skor TIDAK dapat dibandingkan untuk: {', '.join(changed)}.")
                if same:
                    lines.append(f"Skor tetap dapat dibandingkan untuk: {', '.join(same)}.")
            else:
                lines.append("Semua skor tetap dapat dibandingkan.")
        for text in self.problems if en else self.problems_id:
            lines.append(("PROBLEM: " if en else "MASALAH: ") + text)
        return "\n".join(lines)


_CHANGE_ID = {"added": "ditambah", "removed": "dihapus", "moved": "dipindah", "rekeyed": "dibalik",
              "rescaled": "skala_jwb", "reworded": "diubah", "translation": "terjemahan"}  # fmt: skip


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
) -> tuple[list[str], list[str]]:
    en: list[str] = []
    id_: list[str] = []
    if a.ref == b.ref and a.sha256 == b.sha256:
        return en, id_
    if declared == "lower" or (declared == "none" and a.sha256 != b.sha256):
        en.append(
            f"version {b.version} is not higher than {a.version}; a new release needs a new number"
        )
        id_.append(
            f"versi {b.version} tidak lebih tinggi dari {a.version}; rilis baru memerlukan nomor baru"
        )
    elif _RANK.get(declared, 0) < _RANK[required]:
        want = _next(a.version, required)
        en.append(
            f"declared {b.version} is a {declared} step, but the changes need a {required} step: release it as {want}"
        )
        word = {"major": "mayor", "none": "tidak ada"}
        id_.append(
            f"versi {b.version} adalah kenaikan {word.get(declared, declared)}, padahal perubahannya memerlukan kenaikan {word.get(required, required)}: rilis sebagai {want}"
        )
    previous = b.raw.get("previous")
    if previous is None:
        en.append(
            f'the new version does not say which version it replaces: add previous: "{a.version}"'
        )
        id_.append(
            f'versi baru tidak menyebut versi yang digantikannya: tambahkan previous: "{a.version}"'
        )
    elif str(previous) != a.version:
        en.append(f"previous: {previous} but compared with {a.version}")
        id_.append(f"previous: {previous} padahal dibandingkan dengan {a.version}")
    listed = {(str(c.get("item", "")), str(c.get("kind", ""))) for c in b.raw.get("changes", ())}
    listed_items = {i for i, _ in listed}
    missing = sorted({str(i) for i in changes["item"] if str(i) not in listed_items})
    if missing:
        en.append(
            f"changes: lists no entry for {', '.join(missing)}; describe each change (kind, item, description)"
        )
        id_.append(
            f"changes: tidak memuat {', '.join(missing)}; jelaskan setiap perubahan (kind, item, description)"
        )
    return en, id_


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
    en, id_ = _release_problems(a, b, changes, bump, declared)
    return InstrumentDiff(a.ref, b.ref, changes, bump, declared, scales, tuple(en), tuple(id_))


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
