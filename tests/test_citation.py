"""Licence and citation: LICENSE, instruments/LICENSE, CITATION.cff, and the source study's
citation in printable instruments, codebooks and the report appendix."""

from __future__ import annotations

from pathlib import Path

import yaml

from dinamika import __version__, i18n, load_instrument
from dinamika.interop import codebook, printable_html
from dinamika.interop.codebook_export import codebook_html
from dinamika.report.sections import ReportView

REPO = Path(__file__).resolve().parents[1]


def test_licence_files_exist():
    code = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert code.startswith("MIT License") and "instruments/LICENSE" in code
    inst = (REPO / "instruments" / "LICENSE").read_text(encoding="utf-8")
    assert "CC BY 4.0" in inst and "creativecommons.org/licenses/by/4.0" in inst
    assert "SDN Serang 3" in inst


def test_citation_cff_is_complete():
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert cff["license"] == "MIT" and cff["version"] == __version__
    assert cff["authors"] and cff["title"].startswith("dinamika")
    refs = {r["type"]: r for r in cff["references"]}
    assert "SDN Serang 3" in refs["article"]["title"]
    assert refs["article"]["authors"]
    assert refs["generic"]["license"] == "CC-BY-4.0"


def test_printable_instrument_and_codebook_cite_the_source_study():
    for lang in ("id", "en"):
        source = i18n.t("citation_source", lang)
        assert "SDN Serang 3" in source
        page = printable_html("komunitas-guru@1.0.0", lang=lang)
        assert source in page
        inst = load_instrument("komunitas-guru@1.0.0")
        book = codebook_html(codebook(inst), inst, lang=lang)
        assert source in book


def test_report_appendix_cites_software_instruments_and_source():
    import dinamika

    survey = dinamika.load_survey()
    shown: list[str] = []
    view = ReportView("id")
    view.emit = shown.append
    view.provenance(survey, {"seed": 1})
    page = "\n".join(shown)
    assert "Cara mengutip dinamika" in page and "CITATION.cff" in page
    assert "CC BY 4.0" in page and survey.instrument.ref in page
    assert "SDN Serang 3" in page
