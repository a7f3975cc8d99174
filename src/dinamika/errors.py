"""One exception family for everything dinamika refuses to do.

Every message says what is wrong, where (file, row, column when there is one) and how to fix
it, in words a district officer can act on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from dinamika.data.validation import Problem

__all__ = [
    "DinamikaError",
    "InstrumentError",
    "SurveyError",
    "UsageError",
    "ValidationError",
]


class DinamikaError(Exception):
    """Base class of every error dinamika raises on purpose."""


class UsageError(DinamikaError, ValueError):
    """A function or command was called with arguments it cannot work with."""


class InstrumentError(DinamikaError):
    """An instrument file is missing, malformed, or its version is unknown."""


class SurveyError(DinamikaError):
    """A term folder cannot be read (missing manifest, unreadable file, ...)."""


class ValidationError(SurveyError):
    """Term data has problems; ``.problems`` lists every one of them.

    Parameters
    ----------
    problems : sequence of Problem
        All problems found, errors and warnings.
    lang : {"id", "en"}
        Language of the rendered message.
    """

    def __init__(self, problems: Sequence[Problem], lang: str = "id") -> None:
        self.problems = tuple(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        head = (
            f"{len(errors)} problem(s) found in the term data:"
            if lang == "en"
            else f"Ditemukan {len(errors)} masalah pada data semester:"
        )
        lines = [head, *(f"- {p.render(lang)}" for p in errors[:50])]
        if len(errors) > 50:
            lines.append(f"... and {len(errors) - 50} more (run `dinamika validate`)")
        super().__init__("\n".join(lines))
