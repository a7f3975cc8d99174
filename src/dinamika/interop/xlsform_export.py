"""Instruments as XLSForms that upload to KoboToolbox or ODK Central as they are.

The form has the three XLSForm sheets: ``survey`` (one row per question; Likert items as
``select_one setuju5``), ``choices`` (the response codes with their labels) and ``settings``
(``form_title``, ``form_id``, ``version`` = the instrument version, ``default_language``).
Every text is given in both languages, in ``label::Indonesian (id)`` and
``label::English (en)`` columns. Field names are the item ids, inside one group per scale
named after the items' prefix (``grp_kep/KEP1``), which is what :func:`import_kobo` reads back.
Scale names are not shown to respondents (groups are labelled "Bagian 1", "Bagian 2", ...);
an observation rubric shows its aspects, and each indicator's levels carry their anchors.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from dinamika.data.files import atomic_write
from dinamika.data.instruments import Instrument, load_instrument
from dinamika.errors import UsageError
from dinamika.i18n import check_lang
from dinamika.i18n.messages import Message

__all__ = ["LANGUAGES", "group_names", "write_xlsform", "xlsform"]

#: XLSForm language names: ``label::Indonesian (id)``.
LANGUAGES = {"id": "Indonesian (id)", "en": "English (en)"}
_PREFIX = re.compile(r"^[A-Za-z]+")

_T = {
    "consent_q": {"id": "Saya bersedia ikut serta.", "en": "I agree to take part."},
    "consent_obs": {
        "id": "Guru yang diamati telah memberi persetujuan.",
        "en": "The observed teacher has given consent.",
    },
    "yes": {"id": "Ya", "en": "Yes"},
    "no": {"id": "Tidak", "en": "No"},
    "about": {"id": "Tentang Anda", "en": "About you"},
    "code": {
        "id": "Kode guru (diberikan oleh tim; jangan menulis nama)",
        "en": "Teacher code (given by the team; do not write your name)",
    },
    "school": {"id": "Nama sekolah", "en": "School"},
    "kkg": {"id": "KKG/MGMP", "en": "KKG/MGMP (teacher community)"},
    "district": {"id": "Kabupaten/Kota", "en": "District/City"},
    "part": {"id": "Bagian", "en": "Part"},
    "lesson": {"id": "Pelajaran yang diamati", "en": "Observed lesson"},
    "lesson_id": {"id": "Kode pelajaran", "en": "Lesson code"},
    "teacher_id": {"id": "Kode guru yang diamati", "en": "Code of the observed teacher"},
    "observer_id": {"id": "Kode pengamat", "en": "Observer code"},
    "date": {"id": "Tanggal pengamatan", "en": "Date of observation"},
    "class": {"id": "Kelas dan mata pelajaran", "en": "Class and subject"},
    "notes": {"id": "Catatan pengamat", "en": "Observer's notes"},
}


def group_names(inst: Instrument) -> dict[str, str]:
    """Scale id → XLSForm group name: ``grp_`` + the items' common letter prefix, lower case.

    >>> group_names(load_instrument("komunitas-guru@1.0.0"))["kepemimpinan"]
    'grp_kep'
    """
    out: dict[str, str] = {}
    for scale, items in inst.scales.items():
        prefixes = {m[0].lower() for i in items if (m := _PREFIX.match(i))}
        out[scale] = f"grp_{prefixes.pop()}" if len(prefixes) == 1 else f"grp_{scale}"
    if len(set(out.values())) < len(out):
        out = {scale: f"grp_{scale}" for scale in inst.scales}
    return out


def _row(kind: str, name: str, label: dict[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"type": kind, "name": name}
    for lang, col in LANGUAGES.items():
        row[f"label::{col}"] = (label or {}).get(lang, "")
    row.update(extra)
    return row


def _choices(list_name: str, labels: dict[int, dict[str, str]]) -> list[dict[str, Any]]:
    return [_row_choice(list_name, str(code), text) for code, text in sorted(labels.items())]


def _row_choice(list_name: str, name: str, label: dict[str, str]) -> dict[str, Any]:
    row: dict[str, Any] = {"list_name": list_name, "name": name}
    for lang, col in LANGUAGES.items():
        row[f"label::{col}"] = label[lang]
    return row


def _intro(inst: Instrument, consent_key: str) -> tuple[list[dict[str, Any]], str]:
    raw = inst.raw
    rows = [
        _row("start", "start"),
        _row("end", "end"),
        _row("note", "pengantar", {k: v.strip() for k, v in raw["consent"].items()}),
        _row("select_one ya_tidak", "persetujuan", _T[consent_key], required="yes"),
    ]
    return rows, "${persetujuan} = 'ya'"


def xlsform(instrument: str | Instrument) -> dict[str, pd.DataFrame]:
    """The three sheets of the XLSForm of a questionnaire or an observation rubric.

    Examples
    --------
    >>> sheets = xlsform("komunitas-guru@1.0.0")
    >>> list(sheets)
    ['survey', 'choices', 'settings']
    >>> s = sheets["survey"]
    >>> s.loc[s["name"] == "KEP1", ["type", "name"]].values.tolist()
    [['select_one setuju5', 'KEP1']]
    >>> sheets["settings"].loc[0, ["form_id", "version"]].tolist()
    ['komunitas_guru', '1.0.0']
    """
    inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    if inst.kind == "interview":
        raise UsageError(Message("xlsform.interview", ref=inst.ref))
    observation = inst.kind == "observation"
    survey, consent = _intro(inst, "consent_obs" if observation else "consent_q")
    choices = [
        _row_choice("ya_tidak", "ya", _T["yes"]),
        _row_choice("ya_tidak", "tidak", _T["no"]),
    ]
    if observation:
        survey += [
            _row("begin_group", "grp_pelajaran", _T["lesson"], relevant=consent, appearance="field-list"),
            _row("text", "id_pelajaran", _T["lesson_id"], required="yes"),
            _row("text", "id_guru", _T["teacher_id"], required="yes"),
            _row("text", "id_pengamat", _T["observer_id"], required="yes"),
            _row("date", "tanggal", _T["date"]),
            _row("text", "kelas", _T["class"]),
            _row("end_group", "grp_pelajaran"),
        ]  # fmt: skip
    else:
        survey += [
            _row("begin_group", "grp_responden", _T["about"], relevant=consent, appearance="field-list"),
            _row("text", "id_guru", _T["code"]),
            _row("text", "sekolah", _T["school"]),
            _row("text", "kkg", _T["kkg"]),
            _row("text", "kabupaten", _T["district"]),
            _row("end_group", "grp_responden"),
        ]  # fmt: skip
    instructions = {k: v.strip() for k, v in inst.raw["instructions"].items()}
    survey.append(_row("note", "petunjuk", instructions, relevant=consent))
    seen_lists: set[str] = set()
    for k, (scale, group) in enumerate(group_names(inst).items(), start=1):
        label = (
            {lang: inst.scale_label(scale, lang) for lang in LANGUAGES}
            if observation
            else {lang: f"{_T['part'][lang]} {k}" for lang in LANGUAGES}
        )
        survey.append(_row("begin_group", group, label, relevant=consent, appearance="field-list"))
        for item_id in inst.scales[scale]:
            item = inst.item(item_id)
            if observation and item.anchors:
                list_name = f"rubrik_{item.id.lower()}"
                choices += [
                    _row_choice(
                        list_name,
                        str(code),
                        {
                            lang: f"{code}. {item.response_scale.labels[code][lang]}: {text[lang]}"
                            for lang in LANGUAGES
                        },
                    )
                    for code, text in sorted(item.anchors.items())
                ]
                survey.append(_row(f"select_one {list_name}", item.id, dict(item.text)))
            else:
                rs = item.response_scale
                if rs.id not in seen_lists:
                    choices += _choices(rs.id, {c: dict(t) for c, t in rs.labels.items()})
                    seen_lists.add(rs.id)
                survey.append(
                    _row(f"select_one {rs.id}", item.id, dict(item.text), appearance="likert")
                )
        survey.append(_row("end_group", group))
    if observation:
        survey.append(
            _row("text", "catatan", _T["notes"], relevant=consent, appearance="multiline")
        )
    settings = pd.DataFrame(
        [
            {
                "form_title": inst.title("id"),
                "form_id": inst.id.replace("-", "_"),
                "version": inst.version,
                "default_language": LANGUAGES["id"],
                "style": "pages",
            }
        ]
    )
    columns = ["type", "name", *(f"label::{c}" for c in LANGUAGES.values()), "required", "relevant", "appearance"]  # fmt: skip
    return {
        "survey": pd.DataFrame(survey).reindex(columns=columns).fillna(""),
        "choices": pd.DataFrame(choices),
        "settings": settings,
    }


def write_xlsform(instrument: str | Instrument, out: str | Path, *, lang: str = "id") -> Path:
    """Write the XLSForm (``.xlsx``); ``lang`` is the form's default language.

    The file is written atomically (a temporary file renamed into place).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = tempfile.TemporaryDirectory()
    >>> d = pathlib.Path(tmp.name)
    >>> path = write_xlsform("komunitas-guru", d / "form.xlsx")
    >>> list(pd.read_excel(path, sheet_name=None))
    ['survey', 'choices', 'settings']
    """
    check_lang(lang)
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise UsageError(Message("xlsform.suffix", name=out.name), lang=lang)
    sheets = xlsform(instrument)
    sheets["settings"].loc[0, "default_language"] = LANGUAGES[lang]
    sheets["settings"].loc[0, "form_title"] = load_instrument_title(instrument, lang)

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            for name, frame in sheets.items():
                frame.to_excel(xw, sheet_name=name, index=False)

    return atomic_write(out, write)


def load_instrument_title(instrument: str | Instrument, lang: str) -> str:
    """Title of an instrument in ``lang``."""
    inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    return inst.title(lang)
