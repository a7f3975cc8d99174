"""Where the bundled instruments, example terms and notebooks live.

From a wheel they are package data under ``dinamika/_data``; from a source checkout (editable
install) they are the repository's top-level folders.
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parents[1]
_REPO = _PKG.parent.parent


def _find(name: str) -> Path:
    bundled = _PKG / "_data" / name
    if bundled.is_dir():
        return bundled
    return _REPO / name


def instruments_dir() -> Path:
    """Folder holding ``<instrument id>/<version>.yaml`` files."""
    return _find("instruments")


def surveys_dir() -> Path:
    """Folder holding the bundled example terms."""
    return _find("surveys")


def notebooks_dir() -> Path:
    """Folder holding the report notebooks."""
    return _find("notebooks")


def schema_path(name: str) -> Path:
    """Path of a JSON schema shipped with the package (``instrument``, ``survey``)."""
    return Path(__file__).resolve().parent / "schemas" / f"{name}.schema.json"


EXAMPLE_TERMS = ("contoh-2025-1", "contoh-2025-2")


def default_survey() -> Path:
    """The bundled example term every command uses when none is named."""
    return surveys_dir() / EXAMPLE_TERMS[-1]
