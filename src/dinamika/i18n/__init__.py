"""Every word dinamika shows, in Bahasa Indonesia (default) and English.

Headings, sentences, table columns and axis labels of the reports come from here (the texts
themselves live in ``i18n/catalogue.yaml``, easy to review for a translator), so a report in one
language never shows a word of the other. Errors, warnings and notes are :class:`Message` objects
(a code from ``i18n/messages.yaml`` and its parameters) that become text only where they are
shown; :func:`t` looks up both. Numbers follow the language too: ``3,25`` and
``1.234`` in Indonesian, ``3.25`` and ``1,234`` in English.
"""

from __future__ import annotations

import math
import string
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
import yaml

from dinamika.errors import UsageError
from dinamika.i18n.messages import MESSAGES, Message

__all__ = [
    "COLUMNS",
    "LANGS",
    "MESSAGES",
    "TEXT",
    "Message",
    "check_lang",
    "column_label",
    "fmt_int",
    "fmt_num",
    "fmt_pct",
    "t",
    "translate_columns",
]

LANGS = ("id", "en")

_T = dict[str, dict[str, str]]
_SOURCE = Path(__file__).resolve().parent / "catalogue.yaml"


def _load() -> tuple[_T, _T]:
    with _SOURCE.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return dict(data["TEXT"]), dict(data["COLUMNS"])


#: Sentences, headings and labels (``catalogue.yaml``); ``{name}`` fields are filled by
#: :func:`t`.
TEXT: _T
#: Display names of table columns (result column names are a contract; labels are not).
COLUMNS: _T
TEXT, COLUMNS = _load()


def check_lang(lang: str) -> str:
    """Return ``lang`` when it is a supported language, else raise UsageError."""
    if lang not in LANGS:
        raise UsageError(
            f"The value for `lang` must be one of {list(LANGS)}, but {lang!r} was passed."
        )
    return lang


def t(key: str, lang: str, **fields: object) -> str:
    """The text ``key`` (report word or message code) in ``lang`` with its ``{fields}`` filled.

    Examples
    --------
    >>> t("subtitle", "en", term="2025-2")
    'Teacher-community dynamics and teaching quality · term 2025-2'
    >>> t("cli.wrote", "id", path="kb.xlsx")
    'Ditulis kb.xlsx'
    """
    check_lang(lang)
    if key in MESSAGES:
        return Message(key, fields).text(lang)
    try:
        entry = TEXT[key]
    except KeyError:
        raise UsageError(f"no text {key!r} in dinamika.i18n.TEXT") from None
    return entry[lang].format(**fields) if fields else entry[lang]


def column_label(
    column: str, lang: str, extra: Mapping[str, Mapping[str, str]] | None = None
) -> str:
    """Display name of a result column; unknown columns raise, so nothing goes untranslated."""
    check_lang(lang)
    for table in (extra or {}, COLUMNS):
        if column in table:
            return str(table[column][lang])
    raise UsageError(
        f"column {column!r} has no translation; add it to dinamika.i18n.COLUMNS (or pass extra=)"
    )


def translate_columns(
    frame: pd.DataFrame, lang: str, extra: Mapping[str, Mapping[str, str]] | None = None
) -> pd.DataFrame:
    """A copy of ``frame`` with its columns renamed for display in ``lang``."""
    return frame.rename(columns={c: column_label(str(c), lang, extra) for c in frame.columns})


_SWAP = str.maketrans(",.", ".,")


def _swap(text: str) -> str:
    return text.translate(_SWAP)


def fmt_num(value: object, lang: str, digits: int = 2) -> str:
    """A number for display: ``3,25`` (id) or ``3.25`` (en); NaN/None become ``—``.

    Examples
    --------
    >>> fmt_num(1234.5, "id"), fmt_num(1234.5, "en"), fmt_num(float("nan"), "id")
    ('1.234,50', '1,234.50', '—')
    >>> fmt_num(-0.004, "en")
    '0.00'
    """
    check_lang(lang)
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—"
    x = float(value)  # type: ignore[arg-type]
    if math.isnan(x):
        return "—"
    text = f"{x:,.{digits}f}"
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")  # no "-0.00"
    return _swap(text) if lang == "id" else text


def fmt_int(value: object, lang: str) -> str:
    """A count: ``1.234`` (id) or ``1,234`` (en)."""
    return fmt_num(value, lang, digits=0)


def fmt_pct(share: object, lang: str, digits: int = 0) -> str:
    """A share (0–1) as a percentage: ``87%``."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "—"
    return f"{fmt_num(100 * float(share), lang, digits)}%"  # type: ignore[arg-type]


def fields_of(text: str) -> set[str]:
    """Names of the ``{fields}`` in a text (used by the tests)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def join(items: Iterable[str], lang: str) -> str:
    """``a, b dan c`` / ``a, b and c``."""
    items = list(items)
    word = " dan " if lang == "id" else " and "
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + word + items[-1]
