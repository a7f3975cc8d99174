"""Import problems: each names the header or row and the fix, shown in Indonesian or English."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dinamika.data.validation import Problem
from dinamika.errors import SurveyError
from dinamika.i18n.messages import Message

__all__ = ["ImportFailed", "Issue", "rows_text"]


@dataclass(frozen=True)
class Issue:
    """One problem found while importing: where, what, and the fix, as catalogue messages."""

    at: Message
    what: Message
    fix: Message

    @classmethod
    def of(cls, problem: Problem) -> Issue:
        """The import issue for a validation problem of the written folder."""
        return cls(problem.where, problem.what, problem.todo)

    @property
    def where(self) -> str:
        """Where, in English."""
        return self.at.text("en")

    @property
    def what_en(self) -> str:
        """What is wrong, in English."""
        return self.what.text("en")

    @property
    def what_id(self) -> str:
        """What is wrong, in Indonesian."""
        return self.what.text("id")

    @property
    def fix_en(self) -> str:
        """The fix, in English."""
        return self.fix.text("en")

    @property
    def fix_id(self) -> str:
        """The fix, in Indonesian."""
        return self.fix.text("id")

    def render(self, lang: str = "id") -> str:
        """``where: what. Fix: ...``."""
        return Message("problem.line", where=self.at, what=self.what, fix=self.fix).text(lang)


class ImportFailed(SurveyError):
    """The file cannot be imported as is; nothing was written. ``.issues`` lists every problem."""

    def __init__(self, source: str, issues: Sequence[Issue], lang: str = "id") -> None:
        self.source = source
        self.issues = tuple(issues)
        super().__init__(self.text(lang), lang=lang)

    def text(self, lang: str | None = None) -> str:
        """Every problem, in ``lang`` (default: the language it was raised for)."""
        lang = lang or self.lang
        head = Message("import.failed", source=self.source, n=len(self.issues)).text(lang)
        return "\n".join([head, *(f"- {i.render(lang)}" for i in self.issues)])


def rows_text(rows: Iterable[int], limit: int = 8) -> Message:
    """``"4, 9, 12"`` or ``"4, 9, 12, … (20 rows)"`` for spreadsheet row numbers.

    >>> rows_text([4, 9, 12]).text("en")
    '4, 9, 12'
    >>> rows_text(range(2, 30), limit=3).text("id")
    '2, 3, 4, … (28 baris)'
    """
    rows = list(rows)
    text = ", ".join(str(r) for r in rows[:limit])
    if len(rows) <= limit:
        return Message("where.rows_list", rows=text)
    return Message("where.rows_more", rows=text, n=len(rows))
