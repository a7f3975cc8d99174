"""Messages by code: errors, warnings and notes become text only where they are shown.

The texts live in ``i18n/messages.yaml`` (code → ``id``/``en`` text with ``{param}`` fields). Code
that finds a problem builds a :class:`Message` (a code and its parameters); whoever shows it calls
``.text(lang)``, so one result or error can be shown in Indonesian or English.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = ["MESSAGES", "SEVERITY", "Join", "Message", "Said", "render"]

_SOURCE = Path(__file__).resolve().parent / "messages.yaml"


def _load() -> dict[str, dict[str, str]]:
    with _SOURCE.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return {str(code): dict(entry) for code, entry in data.items()}


#: code -> {"id": text, "en": text[, "severity": "error"|"warning"]} (``messages.yaml``).
MESSAGES: dict[str, dict[str, str]] = _load()
#: Severity of each validation problem code (``problem.<code>`` entries).
SEVERITY: dict[str, str] = {
    code.removeprefix("problem."): entry["severity"]
    for code, entry in MESSAGES.items()
    if "severity" in entry
}


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


@dataclass(frozen=True)
class Message:
    """A message code and its parameters, rendered in a language only when shown.

    Parameters may themselves be messages (or sequences of messages, joined by ``, ``); they
    are rendered in the same language.

    Examples
    --------
    >>> m = Message("cli.wrote", path="out.xlsx")
    >>> m.text("id"), m.text("en")
    ('Ditulis out.xlsx', 'Wrote out.xlsx')
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __init__(self, code: str, params: Mapping[str, Any] | None = None, **kw: Any) -> None:
        if code not in MESSAGES:
            raise KeyError(f"no message {code!r} in dinamika/i18n/messages.yaml")
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "params", {**(params or {}), **kw})

    def text(self, lang: str = "id") -> str:
        """The message in ``lang`` (``"id"`` or ``"en"``) with its fields filled."""
        from dinamika.i18n import check_lang

        template = MESSAGES[self.code][check_lang(lang)]
        fields = {k: render(v, lang) for k, v in self.params.items()}
        return template.format_map(_Blank(fields))

    def __str__(self) -> str:
        return self.text("id")


@dataclass(frozen=True)
class Join:
    """Messages (or plain values) shown one after the other, separated by ``sep``.

    >>> Join((Message("key.lesson"), Message("key.observer")), " + ").text("id")
    'pelajaran + pengamat'
    """

    items: tuple[object, ...]
    sep: str = ", "

    def text(self, lang: str = "id") -> str:
        """The items in ``lang``, joined."""
        return self.sep.join(str(render(v, lang)) for v in self.items)


class Said(str):
    """A message's English text that still knows its message.

    For results whose diagnostics have always been English strings (joined, compared, written
    to CSV by code that expects ``str``): the value is the English text, and ``.text(lang)``
    shows it in another language.

    >>> note = Said(Message("cli.wrote", path="x.csv"))
    >>> note, note.text("id"), "; ".join([note, "y"])
    ('Wrote x.csv', 'Ditulis x.csv', 'Wrote x.csv; y')
    """

    message: Message | Join

    def __new__(cls, message: Message | Join) -> Said:
        obj = super().__new__(cls, message.text("en"))
        obj.message = message
        return obj

    def text(self, lang: str = "id") -> str:
        """The text in ``lang``."""
        return self.message.text(lang)

    def __reduce__(self) -> tuple[type[Said], tuple[Message | Join]]:
        return (Said, (self.message,))

    @classmethod
    def join(cls, items: Iterable[object], sep: str = "; ") -> Said:
        """``sep.join(items)`` that keeps the messages of the items that have them."""
        return cls(Join(tuple(getattr(i, "message", i) for i in items), sep))


def shown(value: object, lang: str) -> object:
    """``value`` in ``lang`` when it knows its message (:class:`Said`), else unchanged."""
    return value.text(lang) if isinstance(value, Said) else value


def render(value: object, lang: str) -> object:
    """``value`` ready to be shown: messages become text in ``lang``, other values unchanged."""
    if isinstance(value, (Message, Join, Said)):
        return value.text(lang)
    if isinstance(value, (list, tuple)) and any(isinstance(v, Message) for v in value):
        return ", ".join(str(render(v, lang)) for v in value)
    return value


def texts(messages: Iterable[Message], lang: str) -> tuple[str, ...]:
    """Each message in ``lang``."""
    return tuple(m.text(lang) for m in messages)
