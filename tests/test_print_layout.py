"""Printed reports: A4, no page more than half empty, byte-identical on rerun.

The term report and the per-school feedback pages of both example terms and of a simulated
40-teacher term, in Indonesian and English, are rendered on a real Jupyter kernel; the layout
test prints each through Debian's Chromium (``print_pdf``, the route of ``--format pdf``),
renders every page with ``pdftoppm`` and measures how far down the page the content reaches.

The rule (issue 13): no page is more than half empty except the last page of a section. A
section starts at an ``h2`` heading or a forced page break (a feedback page); the title and the
summary of findings are one section, so page 1 must be at least half full too.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from dinamika.cli import main
from dinamika.data.resources import surveys_dir
from dinamika.report import pipeline as report_mod
from dinamika.report.browser import find_chromium, print_pdf
from tests.test_report import _shared, hermetic  # noqa: F401

pytestmark = [pytest.mark.kernel, pytest.mark.slow]

TERMS = ("contoh-2025-1", "contoh-2025-2", "t40")
CASES = [(t, lang, kind) for t in TERMS for lang in ("id", "en") for kind in ("term", "feedback")]
IDS = [f"{t}-{lang}-{kind}" for t, lang, kind in CASES]

# A4 with the report's @page margins (templates/dinamika.css: 16 mm top and bottom)
A4_PT = (595.0, 842.0)
MARGIN_MM, PAGE_MM = 16.0, 297.0
MIN_FILL = 0.5

needs_print_tools = pytest.mark.skipif(
    find_chromium() is None
    or shutil.which("pdftoppm") is None
    or shutil.which("pdftotext") is None,
    reason="Chromium or poppler-utils (pdftoppm, pdftotext) is not installed; "
    "print layout checks skipped (Debian: apt-get install chromium poppler-utils)",
)


def _term_dir(folder: Path, term: str) -> Path:
    if term != "t40":
        return surveys_dir() / term
    sim = folder / "t40"
    if not sim.exists():  # the 40-teacher term of test_report (issue 11)
        assert main(["simulate", "--teachers", "40", "--schools", "6", "--out", str(sim)]) == 0
    return sim


def _render(folder: Path, term: str, lang: str, kind: str, name: str) -> Path:
    out = folder / f"{name}.html"
    report_mod.report([_term_dir(folder, term)], lang=lang, out=out, per_school=kind == "feedback")
    return out


@pytest.fixture(scope="module")
def rendered(hermetic, tmp_path_factory):  # noqa: F811
    """``rendered(case)``: the case's HTML, rendered once per session (shared by xdist
    workers, rendered on first use)."""

    def get(case: tuple[str, str, str]) -> Path:
        term, lang, kind = case
        name = f"{term}-{lang}-{kind}"
        with _shared(tmp_path_factory, "print-layout") as folder:
            folder.mkdir(exist_ok=True)
            if not (folder / f"{name}.html").exists():
                _render(folder, term, lang, kind, name)
        return folder / f"{name}.html"

    return get


# --- measuring a PDF ---------------------------------------------------------------------------


def page_fills(pdf: Path, dpi: int = 30) -> list[float]:
    """Per page, the share of the printable height (inside the @page margins) that the
    content reaches down to: the lowest non-white pixel row of the rendered page."""
    from PIL import Image

    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(prefix)],
                   check=True, capture_output=True)  # fmt: skip
    pages = sorted(
        pdf.parent.glob(f"{prefix.name}-*.png"), key=lambda p: int(p.stem.split("-")[-1])
    )
    fills = []
    for png in pages:
        a = np.asarray(Image.open(png).convert("L"))
        h = a.shape[0]
        top, bottom = h * MARGIN_MM / PAGE_MM, h * (1 - MARGIN_MM / PAGE_MM)
        rows = np.nonzero((a < 245).any(axis=1))[0]
        fills.append(0.0 if rows.size == 0 else float((rows.max() + 1 - top) / (bottom - top)))
        png.unlink()
    return fills


def first_lines(pdf: Path, n_pages: int) -> list[str]:
    """The first line of text of every page."""
    out = []
    for i in range(1, n_pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout  # fmt: skip
        lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        out.append(lines[0] if lines else "")
    return out


def section_starts(page: str) -> list[str]:
    """Headings that start a section: h2 except the first (the title belongs to the summary)
    and every forced page break (feedback pages)."""
    h2 = [html.unescape(re.sub(r"<[^>]+>", "", m)) for m in re.findall(r"<h2>(.*?)</h2>", page)]
    forced = re.findall(r'<h3 class="dk-pagebreak">(.*?)</h3>', page)
    return [" ".join(h.split()) for h in h2[1:] + [html.unescape(f) for f in forced]]


def page_size_pt(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    w, h = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info.stdout).groups()  # type: ignore[union-attr]
    return float(w), float(h)


@pytest.mark.browser
@needs_print_tools
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_no_page_more_than_half_empty(rendered, case, tmp_path):
    page = rendered(case).read_text(encoding="utf-8")
    pdf = print_pdf(rendered(case), tmp_path / "report.pdf")
    assert page_size_pt(pdf) == pytest.approx(A4_PT, abs=1.5)
    fills = page_fills(pdf)
    heads = first_lines(pdf, len(fills))
    starts = section_starts(page)
    assert starts, "no section headings found"

    def starts_section(line: str) -> bool:
        return len(line) >= 4 and any(s.startswith(line) or line.startswith(s) for s in starts)

    bad = [
        (i + 1, round(f, 2))
        for i, f in enumerate(fills)
        if f < MIN_FILL and i + 1 < len(fills) and not starts_section(heads[i + 1])
    ]
    record = {"case": "-".join(case), "pages": len(fills), "fills": [round(f, 2) for f in fills]}
    print(json.dumps(record))  # the measurement, shown with pytest -s
    assert not bad, f"pages more than half empty (page, fill): {bad}; {record}"
    if case[2] == "feedback":
        # one page per school and KKG shown (each a handout) plus the opening page
        forced = len(re.findall(r'<h3 class="dk-pagebreak">', page))
        assert len(fills) == forced + 1


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_rerun_is_byte_identical(rendered, case, tmp_path, hermetic):  # noqa: F811
    # a second run in a fresh kernel (for t40: of the same simulated folder) gives the same bytes
    first = rendered(case)
    term, lang, kind = case
    folder = first.parent / "t40" if term == "t40" else surveys_dir() / term
    again = tmp_path / "again.html"
    report_mod.report([folder], lang=lang, out=again, per_school=kind == "feedback")
    assert again.read_bytes() == first.read_bytes()
