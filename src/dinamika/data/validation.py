"""Problems found in term data, in words a district officer can act on (Indonesian and English).

Every problem names the file, the row as a spreadsheet shows it (header = row 1), the column,
the bad value, what is wrong and what to do. :func:`dinamika.validate_survey` returns all of them
at once; :func:`dinamika.load_survey` raises :class:`dinamika.ValidationError` carrying them.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from dinamika.core.results import ResultMixin
from dinamika.i18n.messages import MESSAGES as CATALOGUE
from dinamika.i18n.messages import SEVERITY, Join, Message

__all__ = ["MESSAGES", "Problem", "ValidationReport", "inert"]

#: code -> (severity, {lang: (what, fix)}): the validation problems of the message catalogue
#: (``i18n/messages.yaml``, codes ``problem.<code>`` and ``problem.<code>.fix``) in the shape
#: earlier versions exported.
MESSAGES: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {
    code: (
        severity,
        {
            lang: (CATALOGUE[f"problem.{code}"][lang], CATALOGUE[f"problem.{code}.fix"][lang])
            for lang in ("id", "en")
        },
    )
    for code, severity in SEVERITY.items()
}


@dataclass(frozen=True)
class Problem:
    """One problem in term data.

    ``row`` is the spreadsheet row (header = 1) or None for file-level problems; ``params`` fill
    the catalogue's ``problem.<code>`` (what is wrong) and ``problem.<code>.fix`` messages
    (``i18n/messages.yaml``); a parameter may itself be a :class:`~dinamika.i18n.Message`.
    """

    code: str
    file: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    #: where the row came from when the file was imported: (export file, its row, time)
    origin: tuple[str, int, str] | None = None

    @property
    def severity(self) -> str:
        """``"error"`` (the data cannot be used as is) or ``"warning"``."""
        return SEVERITY[self.code]

    @property
    def what(self) -> Message:
        """What is wrong, as a catalogue message."""
        return Message(f"problem.{self.code}", self._fields())

    @property
    def todo(self) -> Message:
        """What to do about it, as a catalogue message."""
        return Message(f"problem.{self.code}.fix", self._fields())

    def _fields(self) -> dict[str, Any]:
        fields = {"value": self.value, "column": self.column, **self.params}
        return {k: _inert(v) for k, v in fields.items()}

    def message(self, lang: str = "id") -> str:
        """What is wrong, in ``lang``."""
        return self.what.text(_lang(lang))

    def fix(self, lang: str = "id") -> str:
        """What to do about it, in ``lang``."""
        return self.todo.text(_lang(lang))

    @property
    def where(self) -> Message:
        """``file, row N, column C`` as a catalogue message."""
        parts: list[Message | Join] = [Message("where.file", file=inert(self.file))]
        if self.row is not None:
            row: Message | Join = Message("where.row", row=self.row)
            if self.origin is not None:
                source, source_row, time = self.origin
                when = f", {time.replace('T', ' ')[:16]}" if time else ""
                origin = Message("where.origin", row=source_row, source=inert(source), when=when)
                row = Join((row, origin), " ")
            parts.append(row)
        if self.column is not None:
            parts.append(Message("where.column_plain", column=inert(self.column)))
        return Message("where.parts", parts=Join(tuple(parts)))

    def location(self, lang: str = "id") -> str:
        """``file, row N, column C``."""
        return self.where.text(_lang(lang))

    def render(self, lang: str = "id") -> str:
        """One line: location: message. Fix: ..."""
        lang = _lang(lang)
        return Message("problem.line", where=self.where, what=self.what, fix=self.todo).text(lang)

    def to_dict(self, lang: str = "id") -> dict[str, Any]:
        """Machine-readable form (``dinamika validate --format json``)."""
        out = asdict(self)
        out.pop("params")
        origin = out.pop("origin")
        if origin is not None:  # the row of the original export, for imported data
            out["origin"] = dict(zip(("file", "row", "time"), origin, strict=True))
        out.update(severity=self.severity, message=self.message(lang), fix=self.fix(lang))
        return out


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def inert(text: str) -> str:
    r"""``text`` safe to print on a terminal: control characters (ANSI escapes, newlines,
    carriage returns, bidi overrides) shown as escapes instead of acting.

    >>> print(inert("ok\x1b[2J\nOK: data siap"))
    ok\x1b[2J\nOK: data siap
    """
    return _CONTROL.sub(_escape, text)


def _escape(m: re.Match[str]) -> str:
    ch = m[0]
    special = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if ch in special:
        return special[ch]
    return f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}"


def _inert(value: Any) -> Any:
    return inert(value) if isinstance(value, str) else value


def _lang(lang: str) -> str:
    return "id" if lang == "id" else "en"


@dataclass(frozen=True)
class ValidationReport(ResultMixin):
    """Every problem found in one term folder.

    Examples
    --------
    >>> from dinamika import validate_survey
    >>> report = validate_survey()  # the bundled example term
    >>> report.ok
    True
    """

    path: str
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Problems that stop the data from being used."""
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Problems worth knowing that do not stop the analysis."""
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    def to_frame(self, lang: str = "id") -> pd.DataFrame:
        """One row per problem: severity, code, file, row, column, value, message, fix."""
        cols = ["severity", "code", "file", "row", "column", "value", "message", "fix"]
        rows = [p.to_dict(lang) for p in self.problems]
        return pd.DataFrame(rows, columns=cols).astype({"row": "Int64"})

    def to_json(self, lang: str = "id") -> str:
        """The report as JSON: ``{"path", "ok", "n_errors", "n_warnings", "problems": [...]}``."""
        return json.dumps(
            {
                "path": self.path,
                "ok": self.ok,
                "n_errors": len(self.errors),
                "n_warnings": len(self.warnings),
                "problems": [p.to_dict(lang) for p in self.problems],
            },
            ensure_ascii=False,
            indent=2,
        )

    def summary(self, lang: str = "id", *, limit: int | None = None) -> str:
        """Readable listing, errors first, with a count per kind of problem at the end."""
        lang = _lang(lang)
        if not self.problems:
            return Message("validation.none", path=self.path).text(lang)
        lines = []
        ordered = [*self.errors, *self.warnings]
        shown = ordered if limit is None else ordered[:limit]
        tag = {sev: Message(f"validation.{sev}").text(lang) for sev in ("error", "warning")}
        for p in shown:
            lines.append(f"{tag[p.severity]}  {p.render(lang)}")
        if len(shown) < len(ordered):
            lines.append(Message("validation.more_shown", n=len(ordered) - len(shown)).text(lang))
        counts = Counter(p.code for p in self.problems)
        tally = ", ".join(f"{code}: {n}" for code, n in counts.most_common())
        head = Message("validation.count", errors=len(self.errors), warnings=len(self.warnings))
        lines.append(f"{self.path}: {head.text(lang)} ({tally})")
        return "\n".join(lines)


def sort_problems(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """Stable order: by file, then row, then column."""
    return tuple(
        sorted(problems, key=lambda p: (p.file, p.row if p.row is not None else 0, p.column or ""))
    )
