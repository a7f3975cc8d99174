"""Printable instruments: the questionnaire on paper, the observer's sheet, the interview guide.

One self-contained HTML page (no external files, print CSS for A4), in Bahasa Indonesia or
English; PDF through headless Chromium when it is installed. The questionnaire gives the
title, consent, instructions and a few lines about the respondent, then the items numbered
1…n in instrument order, grouped by scale but headed only "Bagian 1", "Bagian 2", ... so
respondents never see what a group measures, each with one answer box per response option.
The observation rubric becomes an observer's sheet (landscape): lesson, teacher and observer
codes, then per aspect every indicator with its four behavioural anchors and a box each.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from dinamika import __version__
from dinamika.data.files import atomic_write
from dinamika.data.instruments import Instrument, load_instrument
from dinamika.i18n import check_lang, t
from dinamika.interop._templates import template
from dinamika.report.browser import print_pdf

__all__ = ["printable_html", "write_printable"]

_WORDS: dict[str, dict[str, str]] = {
    "id": {
        "consent": "Persetujuan", "agree": "Saya telah membaca keterangan di atas dan bersedia ikut serta.",
        "agree_obs": "Guru yang diamati telah memberi persetujuan.",
        "agree_int": "Guru telah memberi persetujuan (dan izin merekam, bila direkam).",
        "about": "Tentang Anda", "about_obs": "Pelajaran yang diamati", "about_int": "Wawancara",
        "instructions": "Petunjuk", "part": "Bagian", "no": "No.", "statement": "Pernyataan",
        "indicator": "Indikator", "notes": "Catatan", "questions": "Pertanyaan",
        "codebook": "Kode tema", "code": "Kode", "theme": "Tema", "description": "Keterangan",
        "stances": "Sikap",
    },
    "en": {
        "consent": "Consent", "agree": "I have read the information above and agree to take part.",
        "agree_obs": "The observed teacher has given consent.",
        "agree_int": "The teacher has given consent (and permission to record, if recorded).",
        "about": "About you", "about_obs": "Observed lesson", "about_int": "Interview",
        "instructions": "Instructions", "part": "Part", "no": "No.", "statement": "Statement",
        "indicator": "Indicator", "notes": "Notes", "questions": "Questions",
        "codebook": "Theme codes", "code": "Code", "theme": "Theme", "description": "Description",
        "stances": "Stance",
    },
}  # fmt: skip
_FIELDS = {
    "questionnaire": {
        "id": ["Kode guru (dari tim; jangan menulis nama)", "Nama sekolah", "KKG/MGMP", "Kabupaten/Kota"],
        "en": ["Teacher code (from the team; do not write your name)", "School", "KKG/MGMP (teacher community)", "District/City"],
    },
    "observation": {
        "id": ["Kode pelajaran", "Kode guru yang diamati", "Kode pengamat", "Tanggal", "Kelas dan mata pelajaran", "Jam mulai – selesai"],
        "en": ["Lesson code", "Code of the observed teacher", "Observer code", "Date", "Class and subject", "Start – end time"],
    },
    "interview": {
        "id": ["Kode guru", "Kode pewawancara", "Tanggal", "Tempat", "Direkam (ya/tidak)"],
        "en": ["Teacher code", "Interviewer code", "Date", "Place", "Recorded (yes/no)"],
    },
}  # fmt: skip


def _context(inst: Instrument, lang: str) -> dict[str, Any]:
    words = dict(_WORDS[lang])
    raw = inst.raw
    kind = inst.kind
    if kind != "questionnaire":
        suffix = "_obs" if kind == "observation" else "_int"
        words["agree"], words["about"] = words["agree" + suffix], words["about" + suffix]
    ctx: dict[str, Any] = {
        "lang": lang,
        "kind": kind,
        "version": __version__,
        "title": inst.title(lang),
        "ref": inst.ref,
        "t": words,
        "consent": raw["consent"][lang].strip(),
        "instructions": raw["instructions"][lang].strip(),
        "fields": _FIELDS[kind][lang],
        "licence": raw.get("licence", ""),
        "citation": raw.get("citation", ""),
        "source_citation": t("citation_source", lang),
        "parts": [],
        "options": [],
    }
    if kind == "interview":
        ctx["questions"] = [
            {
                "id": q["id"],
                "text": q["text"][lang],
                "probes": [p[lang] for p in q.get("probes", ())],
            }
            for q in inst.questions
        ]
        ctx["themes"] = [
            {"id": tid, "label": th["label"][lang], "description": th["description"][lang]}
            for tid, th in inst.codebook.items()
        ]
        ctx["stances"] = [(code, label[lang]) for code, label in inst.stances.items()]
        return ctx
    scale = inst.items[0].response_scale
    ctx["options"] = [(c, scale.labels[c][lang]) for c in range(scale.min, scale.max + 1)]
    number = 0
    for k, (scale_id, members) in enumerate(inst.scales.items(), start=1):
        rows = []
        for item_id in members:
            item = inst.item(item_id)
            number += 1
            anchors = [(c, a[lang]) for c, a in sorted((item.anchors or {}).items())]
            rows.append(
                {"id": item.id, "number": number, "text": item.text[lang], "anchors": anchors}
            )
        heading = (
            f"{k}. {inst.scale_label(scale_id, lang)}"
            if kind == "observation"
            else f"{words['part']} {k}"  # respondents are not told what a part measures
        )
        ctx["parts"].append({"heading": heading, "rows": rows})
    return ctx


def printable_html(instrument: str | Instrument, *, lang: str = "id") -> str:
    """The printable page of an instrument as one self-contained HTML string.

    Examples
    --------
    >>> html = printable_html("komunitas-guru@1.0.0", lang="en")
    >>> "Teacher Community Dynamics Questionnaire" in html, html.count('<tr data-item=')
    (True, 24)
    >>> "Leadership" in html  # scale names stay hidden from respondents
    False
    """
    check_lang(lang)
    inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    return template("printable.html.j2").render(**_context(inst, lang))


def write_printable(
    instrument: str | Instrument, out: str | Path, *, lang: str = "id", pdf: bool | None = None
) -> Path:
    """Write the printable page as ``.html``, or as ``.pdf`` through headless Chromium.

    Parameters
    ----------
    out : str or Path
        Target file; ``pdf`` defaults to ``out`` ending in ``.pdf``.

    Raises
    ------
    dinamika.report.browser.BrowserMissing
        PDF requested and no Chromium installed (the message says how to install it).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = tempfile.TemporaryDirectory()
    >>> d = pathlib.Path(tmp.name)
    >>> out = write_printable("observasi-pembelajaran", d / "o.html")
    >>> out.read_text(encoding="utf-8").count("<tr data-item=")
    21
    """
    out = Path(out)
    pdf = out.suffix.lower() == ".pdf" if pdf is None else pdf
    html = printable_html(instrument, lang=lang)
    if not pdf:
        return atomic_write(out, lambda tmp: _write_text(tmp, html))
    with tempfile.TemporaryDirectory(prefix="dinamika-print-") as d:
        page = Path(d) / "page.html"
        page.write_text(html, encoding="utf-8")
        return atomic_write(out, lambda tmp: _print(page, tmp))


def _print(page: Path, target: Path) -> None:
    print_pdf(page, target)


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
