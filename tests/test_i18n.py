"""Every report word exists in both languages, with the same fields; numbers follow the language."""

from __future__ import annotations

import pandas as pd
import pytest

from dinamika import i18n
from dinamika.errors import UsageError


@pytest.mark.parametrize("table", [i18n.TEXT, i18n.COLUMNS], ids=["TEXT", "COLUMNS"])
def test_every_entry_in_both_languages_with_the_same_fields(table):
    for key, entry in table.items():
        assert set(entry) == set(i18n.LANGS), key
        assert all(isinstance(v, str) and v.strip() for v in entry.values()), key
        assert i18n.fields_of(entry["id"]) == i18n.fields_of(entry["en"]), key


def test_sentences_are_really_translated():
    # identical id/en text is allowed only for short technical labels (CFI, n, ICC(1), —)
    same = [k for k, e in i18n.TEXT.items() if e["id"] == e["en"] and len(e["en"]) > 6]
    assert same == []


def test_t_fills_fields_and_refuses_unknown_keys_and_languages():
    assert i18n.t("sec_glance", "id") == "1. Gambaran semester"
    assert i18n.t("sec_glance", "en") == "1. The term at a glance"
    assert "2025-2" in i18n.t("subtitle", "id", term="2025-2")
    with pytest.raises(UsageError, match="no text"):
        i18n.t("nope", "id")
    with pytest.raises(UsageError, match="must be one of"):
        i18n.t("sec_glance", "fr")


def test_columns_translate_or_raise():
    frame = i18n.translate_columns(pd.DataFrame({"school": [1], "mean": [2]}), "id")
    assert list(frame.columns) == ["Sekolah", "Rata-rata"]
    with pytest.raises(UsageError, match="no translation"):
        i18n.column_label("weird_column", "en")
    assert i18n.column_label("weird", "en", extra={"weird": {"id": "Aneh", "en": "Odd"}}) == "Odd"


@pytest.mark.parametrize(
    ("value", "lang", "digits", "expected"),
    [
        (3.14159, "id", 2, "3,14"),
        (3.14159, "en", 2, "3.14"),
        (1234567.891, "id", 1, "1.234.567,9"),
        (1234567.891, "en", 1, "1,234,567.9"),
        (-0.0001, "en", 3, "0.000"),
        (-0.5, "id", 1, "-0,5"),
        (float("nan"), "en", 2, "—"),
        (None, "id", 2, "—"),
    ],
)
def test_numbers_follow_the_language(value, lang, digits, expected):
    assert i18n.fmt_num(value, lang, digits) == expected


def test_counts_and_percentages():
    assert i18n.fmt_int(12345, "id") == "12.345"
    assert i18n.fmt_int(12345, "en") == "12,345"
    assert i18n.fmt_pct(0.875, "id", 1) == "87,5%"
    assert i18n.fmt_pct(float("nan"), "en") == "—"
    assert i18n.join(["a", "b", "c"], "id") == "a, b dan c"
    assert i18n.join(["a", "b"], "en") == "a and b"
