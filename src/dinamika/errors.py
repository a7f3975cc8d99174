"""One exception family for everything dinamika refuses to do.

Every message says what is wrong, where (file, row, column when there is one) and how to fix
it, in words a district officer can act on. An error raised with a
:class:`dinamika.i18n.Message` keeps the code and parameters: ``str(exc)`` is the text in the
language it was raised for, and ``exc.text(lang)`` renders it in another (the command line shows
every error in the language of ``--lang``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from dinamika.data.validation import Problem
    from dinamika.i18n.messages import Message

__all__ = [
    "DinamikaError",
    "InstrumentError",
    "SurveyError",
    "UsageError",
    "ValidationError",
]


class DinamikaError(Exception):
    """Base class of every error dinamika raises on purpose.

    Parameters
    ----------
    message : Message or str
        What is wrong and how to fix it; a :class:`~dinamika.i18n.Message` is rendered when
        shown.
    lang : {"id", "en"}
        Language of ``str(exc)``.

    Examples
    --------
    >>> from dinamika.i18n import Message
    >>> exc = UsageError(Message("cli.both_map_and_mapping"), lang="en")
    >>> str(exc)
    'give either --map or --mapping, not both'
    >>> exc.text("id")
    'pakai --map atau --mapping, tidak keduanya'
    """

    def __init__(self, *args: object, lang: str = "id") -> None:
        super().__init__(*args)
        self.lang = lang

    @property
    def message(self) -> Message | None:
        """The message this error was raised with, when it was raised with one."""
        from dinamika.i18n.messages import Message

        first = self.args[0] if len(self.args) == 1 else None
        return first if isinstance(first, Message) else None

    def text(self, lang: str | None = None) -> str:
        """The error in ``lang`` (default: the language it was raised for)."""
        message = self.message
        if message is None:
            return super().__str__()
        return message.text(lang or self.lang)

    def __str__(self) -> str:
        return self.text()


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
        super().__init__(self._render(lang), lang=lang)

    def _render(self, lang: str) -> str:
        from dinamika.i18n.messages import Message

        errors = [p for p in self.problems if p.severity == "error"]
        lines = [Message("validation.head", n=len(errors)).text(lang)]
        lines += [f"- {p.render(lang)}" for p in errors[:50]]
        if len(errors) > 50:
            lines.append(Message("validation.more", n=len(errors) - 50).text(lang))
        return "\n".join(lines)

    def text(self, lang: str | None = None) -> str:
        """Every error in the data, in ``lang`` (default: the language it was raised for)."""
        return self._render(lang or self.lang)
