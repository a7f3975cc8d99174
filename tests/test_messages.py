"""The message catalogue: every code in both languages with the same fields, every code the
source uses exists, and messages become text only when shown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dinamika import i18n
from dinamika.data.validation import MESSAGES as PROBLEMS
from dinamika.data.validation import Problem
from dinamika.errors import UsageError, ValidationError
from dinamika.i18n import MESSAGES, Message

SRC = Path(i18n.__file__).resolve().parents[1]


def _source() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SRC.rglob("*.py")))


def test_every_code_in_both_languages_with_the_same_fields():
    for code, entry in MESSAGES.items():
        assert re.fullmatch(r"[a-z_]+(\.[a-z0-9_]+)+", code), code
        assert set(entry) - {"severity"} == set(i18n.LANGS), code
        assert all(isinstance(entry[k], str) and entry[k].strip() for k in i18n.LANGS), code
        assert i18n.fields_of(entry["id"]) == i18n.fields_of(entry["en"]), code
        if "severity" in entry:
            assert code.startswith("problem.") and entry["severity"] in ("error", "warning")


def test_messages_are_really_translated():
    # identical text only where the message is nothing but its fields or a technical word
    same = [
        c
        for c, e in MESSAGES.items()
        if e["id"] == e["en"]
        and re.sub(r"\{[^}]*\}|[\W\d_]", "", e["en"]) not in ("", "OK", "Pearson", "FIML")
    ]
    assert same == []


def test_report_words_and_message_codes_do_not_collide():
    assert not set(MESSAGES) & set(i18n.TEXT)


def test_every_code_the_source_uses_exists():
    text = _source()
    literal = set(re.findall(r"""(?:Message|say)\(\s*["']([a-z_][a-z0-9_.]*)["']""", text))
    literal |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""", text))
    assert literal, "no message codes found in the source"
    missing = sorted(c for c in literal if c not in MESSAGES)
    assert missing == []
    problems = set(re.findall(r"""Problem\(\s*["']([a-z_]+)["']""", text))
    problems |= set(re.findall(r"""Problem\(\s*\n\s*["']([a-z_]+)["']""", text))
    assert problems
    for code in problems:
        assert f"problem.{code}" in MESSAGES and f"problem.{code}.fix" in MESSAGES, code
        assert MESSAGES[f"problem.{code}"].get("severity") in ("error", "warning"), code


def test_message_renders_in_either_language_and_nests():
    inner = Message("manifest.must_bool")
    m = Message("manifest.bad_value", key="synthetic", wrong=inner, found="'ya'")
    assert m.text("id") == "'synthetic' harus true atau false (tertulis 'ya')"
    assert m.text("en") == "'synthetic' must be true or false (found 'ya')"
    assert str(m) == m.text("id")
    with pytest.raises(KeyError, match="no message"):
        Message("nope.nothing")
    with pytest.raises(UsageError, match="must be one of"):
        m.text("fr")
    assert i18n.t("validation.error", "en") == "ERROR"


def test_errors_keep_their_message_and_render_in_another_language():
    exc = UsageError(Message("cli.both_map_and_mapping"), lang="en")
    assert str(exc) == "give either --map or --mapping, not both"
    assert exc.text("id") == "pakai --map atau --mapping, tidak keduanya"
    assert exc.message is not None and exc.message.code == "cli.both_map_and_mapping"
    plain = UsageError("plain text")
    assert plain.message is None and plain.text("id") == "plain text" == str(plain)
    problem = Problem("missing_id", "kuesioner.csv", row=4, column="id")
    err = ValidationError([problem], lang="en")
    assert str(err).startswith("1 problem(s) found in the term data:")
    assert err.text("id").startswith(
        "Ditemukan 1 masalah pada data semester:\n- kuesioner.csv, baris 4"
    )


def test_validation_problems_keep_their_old_shape():
    # code -> (severity, {lang: (what, fix)}), as dinamika.data.validation.MESSAGES always was
    assert PROBLEMS["missing_id"] == (
        "error",
        {"id": ("id kosong", "beri setiap baris sebuah id"),
         "en": ("the id is empty", "give every row an id")},
    )  # fmt: skip
    p = Problem("bad_manifest", "survey.yaml", params={
        "detail": Message("manifest.missing_key", part="responses", key="file"),
        "fix": Message("manifest.missing_key.fix", part="responses", key="file")})  # fmt: skip
    assert p.render("en") == (
        "survey.yaml: survey.yaml is not valid: 'responses' has no 'file'. "
        "Fix: add 'file:' under 'responses:'."
    )
    assert p.render("id") == (
        "survey.yaml: survey.yaml tidak valid: 'responses' tidak memiliki 'file'. "
        "Perbaikan: tambahkan 'file:' di bawah 'responses:'."
    )
