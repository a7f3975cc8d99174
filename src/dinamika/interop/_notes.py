"""Notes the import summary gives about columns: personal data, other questions, fuzzy matches."""

from __future__ import annotations

import os

import pandas as pd

from dinamika.i18n.messages import Message
from dinamika.privacy.pseudonym import ENV_KEY, ENV_KEY_FILE

__all__ = ["NotesMixin", "column_notes"]


class NotesMixin:
    """``notes`` and ``notes_id`` of a result that keeps its notes as catalogue ``messages``."""

    messages: tuple[Message, ...]

    @property
    def notes(self) -> tuple[str, ...]:
        """The notes in English."""
        return tuple(m.text("en") for m in self.messages)

    @property
    def notes_id(self) -> tuple[str, ...]:
        """The notes in Indonesian."""
        return tuple(m.text("id") for m in self.messages)


def _quoted(headers: list[str]) -> str:
    shown = [f"'{h if len(h) <= 40 else h[:39] + '…'}'" for h in headers[:4]]
    return ", ".join(shown) + (f" (+{len(headers) - 4})" if len(headers) > 4 else "")


def column_notes(mapping: pd.DataFrame) -> list[Message]:
    """Say which columns hold personal data (hashed at load) and which are not loaded."""
    notes: list[Message] = []
    role = mapping["role"].astype(str)
    ident = mapping.loc[role.str.contains("identifier"), "column_in_file"].astype(str).tolist()
    other = mapping.loc[role == "other", "column_in_file"].astype(str).tolist()
    if ident:
        keyed = os.environ.get(ENV_KEY) or os.environ.get(ENV_KEY_FILE)
        code = "import.personal_data" if keyed else "import.personal_data_no_key"
        notes.append(Message(code, columns=_quoted(ident)))
    fuzzy = mapping[mapping["method"].astype(str) == "fuzzy"]
    if len(fuzzy):
        pairs = [
            f"{_quoted([str(h)])} → {i} ({float(r):.2f})"
            for h, i, r in zip(fuzzy["column_in_file"], fuzzy["item"], fuzzy["similarity"], strict=True)
        ]  # fmt: skip
        notes.append(Message("import.fuzzy", pairs="; ".join(pairs)))
    if other:
        notes.append(Message("import.other_questions", n=len(other), columns=_quoted(other)))
    return notes
