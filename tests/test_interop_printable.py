"""Printable questionnaire, observer's sheet and interview guide; checked in headless Chromium."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from markupsafe import escape

from dinamika import load_instrument
from dinamika.cli import main
from dinamika.interop.printable import printable_html, write_printable
from dinamika.report.browser import find_chromium, run_chromium, screenshot

NO_BROWSER = (
    "headless Chromium not installed (Debian: apt-get install chromium); browser checks skipped"
)
needs_browser = pytest.mark.skipif(find_chromium() is None, reason=NO_BROWSER)

# Layout probe: runs in Chromium and writes what the page looks like into the DOM.
PROBE = """
<script>
window.addEventListener('load', () => {
  const rows = [...document.querySelectorAll('tr[data-item]')];
  const boxes = rows.map(r => [...r.querySelectorAll('.box')].map(b => {
    const q = b.getBoundingClientRect(); return [Math.round(q.left), Math.round(q.width), Math.round(q.height)]; }));
  const out = {
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
    items: rows.map(r => r.dataset.item), boxes: boxes,
    headings: [...document.querySelectorAll('h2')].map(h => h.textContent.trim()),
    title: document.querySelector('h1').getBoundingClientRect().top,
  };
  const pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


def _probe(html: str, tmp_path: Path, width: int) -> dict:
    page = tmp_path / "probe.html"
    page.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = run_chromium(f"--window-size={width},1400", "--dump-dom", page.as_uri()).stdout
    m = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert m, dom[-500:]
    return json.loads(m[1].replace("&quot;", '"').replace("&amp;", "&"))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_questionnaire_content(lang: str) -> None:
    inst = load_instrument("komunitas-guru@1.0.0")
    html = printable_html(inst, lang=lang)
    assert inst.title(lang) in html
    assert inst.raw["consent"][lang].strip()[:60] in html
    assert inst.raw["instructions"][lang].strip()[:60] in html
    rows = re.findall(r'<tr data-item="(\w+)"><td class="no">(\d+)</td><td>(.*?)</td>', html)
    assert [r[0] for r in rows] == list(inst.item_ids)  # instrument order
    assert [int(r[1]) for r in rows] == list(range(1, 25))
    assert [r[2] for r in rows] == [str(escape(i.text[lang])) for i in inst.items]
    part = "Bagian" if lang == "id" else "Part"
    assert re.findall(r"<h2>(\w+ \d)</h2>", html) == [f"{part} {k}" for k in range(1, 5)]
    for scale in inst.scales:  # scale names and ids are hidden from respondents
        assert inst.scale_label(scale, lang) not in html and scale not in html
    assert "(R)" not in html and "reverse" not in html.lower()
    body = html.split("<tbody>", 1)[1]
    first_row = body.split("</tr>", 1)[0]
    assert first_row.count('class="box"') == 5


def test_observer_sheet_and_interview_guide() -> None:
    rubric = load_instrument("observasi-pembelajaran@1.0.0")
    html = printable_html(rubric, lang="id")
    assert "size: A4 landscape" in html
    for scale in rubric.scales:
        assert rubric.scale_label(scale, "id") in html
    for item in rubric.items:
        assert item.anchors is not None
        for anchor in item.anchors.values():
            assert str(escape(anchor["id"])) in html
    assert html.count("<tr data-item=") == 21
    assert "Kode pengamat" in html
    guide = load_instrument("panduan-wawancara@1.0.0")
    html = printable_html(guide, lang="en")
    for q in guide.questions:
        assert str(escape(q["text"]["en"])) in html
    for theme_id in guide.codebook:
        assert theme_id in html


@needs_browser
@pytest.mark.browser
@pytest.mark.parametrize("lang", ["id", "en"])
def test_questionnaire_layout_in_chromium(tmp_path: Path, lang: str) -> None:
    html = printable_html("komunitas-guru@1.0.0", lang=lang)
    probe = _probe(html, tmp_path, width=900)
    assert probe["scrollWidth"] <= probe["innerWidth"]  # nothing overflows the page width
    assert len(probe["items"]) == 24
    lefts = np.array([[b[0] for b in row] for row in probe["boxes"]])
    assert lefts.shape == (24, 5)
    assert (lefts == lefts[0]).all()  # answer boxes line up in five columns
    assert (np.diff(lefts[0]) > 30).all()  # and are well apart
    sizes = np.array([[b[1:] for b in row] for row in probe["boxes"]])
    assert ((sizes >= 12) & (sizes <= 20)).all()  # visible, square-ish boxes
    # a screenshot looks like a printed page: white paper, dark text, title at the top
    from PIL import Image

    png = screenshot(
        tmp_path / "probe.html", tmp_path / f"questionnaire-{lang}.png", width=900, height=1300
    )
    img = np.asarray(Image.open(png).convert("L"), dtype=float)
    assert img.shape == (1300, 900)
    dark = img < 128
    assert 0.02 < dark.mean() < 0.25
    assert dark[:50].any()  # the title
    assert not dark[:, -40:].any()  # right margin is empty: no overflow


@needs_browser
@pytest.mark.browser
def test_observer_sheet_layout_in_chromium(tmp_path: Path) -> None:
    probe = _probe(printable_html("observasi-pembelajaran@1.0.0", lang="en"), tmp_path, width=1200)
    assert probe["scrollWidth"] <= probe["innerWidth"]
    assert len(probe["items"]) == 21
    lefts = np.array([[b[0] for b in row] for row in probe["boxes"]])
    assert lefts.shape == (21, 4) and (lefts == lefts[0]).all()


@needs_browser
@pytest.mark.browser
def test_pdf_through_chromium(tmp_path: Path) -> None:
    pdf = write_printable("komunitas-guru@1.0.0", tmp_path / "kuesioner.pdf", lang="id")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert 2 <= pages <= 5
    assert list(tmp_path.iterdir()) == [pdf]  # no temporary files left


def test_cli_export_html(tmp_path: Path) -> None:
    out = tmp_path / "q.html"
    args = ["instrument", "export", "komunitas-guru@1.0.0", "--to", "html", "--lang", "en"]
    assert main([*args, "--out", str(out)]) == 0
    assert "Teacher Community Dynamics Questionnaire" in out.read_text(encoding="utf-8")


ANCHOR_PROBE = """
<script>
window.addEventListener('load', () => {
  const cells = [...document.querySelectorAll('td.anchor')].map(td => {
    const box = td.querySelector('.box').getBoundingClientRect();
    const range = document.createRange(); range.selectNodeContents(td.lastChild);
    const lines = [...range.getClientRects()].map(r => Math.round(r.left));
    return [Math.round(box.right), lines];
  });
  const pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(cells);
  document.body.appendChild(pre);
});
</script>
"""


@needs_browser
@pytest.mark.browser
def test_observer_anchor_lines_start_flush_beside_the_box(tmp_path: Path) -> None:
    # every line of a behavioural anchor starts at the same place, right of its tick box (the
    # floated box used to push only the first two lines in, so the text zig-zagged)
    page = tmp_path / "anchors.html"
    html = printable_html("observasi-pembelajaran@1.0.0", lang="id")
    page.write_text(html.replace("</body>", ANCHOR_PROBE + "</body>"), encoding="utf-8")
    dom = run_chromium("--window-size=1100,1400", "--dump-dom", page.as_uri()).stdout
    m = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert m, dom[-500:]
    cells = json.loads(m[1])
    assert len(cells) == 21 * 4
    for box_right, lines in cells:
        assert len(lines) >= 2 and len(set(lines)) == 1 and lines[0] >= box_right
