"""Import problems: each names the header or row and the fix, in Indonesian or English."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dinamika.errors import SurveyError

__all__ = ["ImportFailed", "Issue", "rows_text", "say"]


_WHERE_ID = {"row(s)": "baris", "rows": "baris", "row": "baris", "header": "judul kolom",
             "column": "kolom", "item": "butir"}  # fmt: skip
_WHERE_WORD = re.compile(r"(^|, |\()(row\(s\)|rows|row|header|column|item)(?= )")


@dataclass(frozen=True)
class Issue:
    """One problem found while importing: where, what, and the fix, in both languages."""

    where: str
    what_en: str
    fix_en: str
    what_id: str
    fix_id: str

    def render(self, lang: str = "id") -> str:
        """``where: what. Fix: ...``."""
        if lang == "id":
            where = _WHERE_WORD.sub(lambda m: m[1] + _WHERE_ID[m[2]], self.where)
            return f"{where}: {self.what_id}. Perbaikan: {self.fix_id}."
        return f"{self.where}: {self.what_en}. Fix: {self.fix_en}."


class ImportFailed(SurveyError):
    """The file cannot be imported as is; nothing was written. ``.issues`` lists every problem."""

    def __init__(self, source: str, issues: Sequence[Issue], lang: str = "id") -> None:
        self.source = source
        self.issues = tuple(issues)
        if lang == "id":
            head = (
                f"{source} tidak diimpor ({len(self.issues)} masalah); tidak ada berkas yang "
                "ditulis. Perbaiki lalu jalankan lagi:"
            )
        else:
            head = (
                f"{source} was not imported ({len(self.issues)} problem(s)); nothing was "
                "written. Resolve them and run the import again:"
            )
        super().__init__("\n".join([head, *(f"- {i.render(lang)}" for i in self.issues)]))


def say(lang: str, en: str, id_: str) -> str:
    """The message in the user's language (Indonesian unless ``lang="en"``).

    >>> say("id", "folder exists", "folder sudah ada")
    'folder sudah ada'
    """
    return en if lang == "en" else id_


def rows_text(rows: Iterable[int], limit: int = 8) -> str:
    """``"4, 9, 12"`` or ``"4, 9, 12, … (20 rows)"`` for spreadsheet row numbers.

    >>> rows_text([4, 9, 12])
    '4, 9, 12'
    >>> rows_text(range(2, 30), limit=3)
    '2, 3, 4, … (28 rows)'
    """
    rows = list(rows)
    text = ", ".join(str(r) for r in rows[:limit])
    return text if len(rows) <= limit else f"{text}, … ({len(rows)} rows)"
