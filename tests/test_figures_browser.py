"""Figures as Chromium shows them: none blank, none wider than the page, no Likert segment cut off.

The report has no scripts; the test opens it in Debian's headless Chromium through Playwright
(as the app's browser test does) and evaluates one measuring function in the page. It rasterizes every
figure (PNG images and the inline-SVG Likert chart) on a canvas and counts the inked pixels,
and measures, in screen coordinates, every Likert bar segment (SVG element
``dk-likert-{panel}-seg-{item}-{category}`` / ``-miss-{item}``, geometry from ``getBBox`` and
``getScreenCTM``, so clipping cannot hide an overflow) against its panel's axes
(``dk-likert-{panel}-axes``). A deliberately clipped chart proves the check can fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dinamika.report import plots
from dinamika.report.browser import find_chromium
from dinamika.report.view import View
from tests.test_print_layout import rendered  # noqa: F401
from tests.test_report import hermetic  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        find_chromium() is None,
        reason="Chromium is not installed (Debian: apt-get install chromium); browser checks skipped",
    ),
]

MEASURE = r"""
async () => {
  function ink(canvas) {
    const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4)
      if (d[i + 3] > 0 && (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235)) n++;
    return n / (canvas.width * canvas.height);
  }
  function raster(img, w, h) {
    const c = document.createElement('canvas');
    c.width = w; c.height = h;
    c.getContext('2d').drawImage(img, 0, 0, w, h);
    return ink(c);
  }
  function box(el) {  // geometry in screen coordinates, clipping ignored
    const shape = el.querySelector('path, rect') || el;
    const b = shape.getBBox(), m = shape.getScreenCTM();
    const xs = [], ys = [];
    for (const [x, y] of [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height],
                          [b.x + b.width, b.y + b.height]]) {
      xs.push(m.a * x + m.c * y + m.e); ys.push(m.b * x + m.d * y + m.f);
    }
    return {left: Math.min(...xs), right: Math.max(...xs), top: Math.min(...ys),
            bottom: Math.max(...ys)};
  }
  const out = {page: document.documentElement.clientWidth, figures: [], segments: [], axes: 0};
  for (const img of Array.from(document.images)) {
    await img.decode();
    const r = img.getBoundingClientRect();
    out.figures.push({kind: 'png', alt: img.alt, width: r.width, height: r.height,
                      right: r.right, ink: raster(img, img.naturalWidth, img.naturalHeight)});
  }
  for (const svg of Array.from(document.querySelectorAll('svg.dk-figure'))) {
    const r = svg.getBoundingClientRect();
    const img = new Image();
    img.src = 'data:image/svg+xml;charset=utf-8,' +
      encodeURIComponent(new XMLSerializer().serializeToString(svg));
    await img.decode();
    out.figures.push({kind: 'svg', alt: svg.getAttribute('aria-label'), width: r.width,
                      height: r.height, right: r.right,
                      ink: raster(img, Math.ceil(r.width), Math.ceil(r.height))});
    for (const ax of Array.from(svg.querySelectorAll('[id$="-axes"]'))) {
      out.axes++;
      const prefix = ax.id.slice(0, -'axes'.length);
      const a = box(ax);
      const bars = svg.querySelectorAll(`[id^="${prefix}seg-"], [id^="${prefix}miss-"]`);
      for (const seg of Array.from(bars)) {
        const s = box(seg);
        out.segments.push({id: seg.id, left: s.left - a.left, right: a.right - s.right,
                           top: s.top - a.top, bottom: a.bottom - s.bottom,
                           width: s.right - s.left});
      }
    }
  }
  return out;
}
"""


def measure_in_chromium(page: str, tmp_path: Path) -> dict:
    """Open ``page`` (HTML text, written to a file) in headless Chromium and measure it."""
    sync_api = pytest.importorskip("playwright.sync_api")
    probe = tmp_path / "probe.html"
    probe.write_text(page, encoding="utf-8")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=find_chromium(),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        try:
            view = browser.new_page(viewport={"width": 1000, "height": 1400})
            view.goto(probe.resolve().as_uri(), wait_until="load")
            result: dict = view.evaluate(MEASURE)
        finally:
            browser.close()
    return result


def outside(result: dict, tol: float = 0.5) -> list[dict]:
    """Segments that reach beyond their axes by more than ``tol`` CSS pixels."""
    return [
        s for s in result["segments"] if min(s["left"], s["right"], s["top"], s["bottom"]) < -tol
    ]


CASES = [
    (t, lang, "term") for t in ("contoh-2025-1", "contoh-2025-2", "t40") for lang in ("id", "en")
]


@pytest.mark.kernel
@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=["-".join(c) for c in CASES])
def test_report_figures_in_chromium(rendered, case, tmp_path):  # noqa: F811
    page = rendered(case).read_text(encoding="utf-8")
    result = measure_in_chromium(page, tmp_path)
    figures = result["figures"]
    n_png = len(re.findall(r'<img [^>]*src="data:image/png', page))
    assert len(figures) == n_png + 1  # every PNG and the one inline SVG (Likert)
    for fig in figures:
        assert fig["width"] > 100 and fig["height"] > 50, fig
        assert fig["right"] <= result["page"] + 0.5, fig  # not cut by the page edge
        assert fig["ink"] > 0.005, f"blank figure: {fig}"
    # every Likert bar of every panel inside its axes (4 panels, 24 items x 5 + 24 missing)
    assert result["axes"] == 4
    assert len(result["segments"]) == 24 * 6
    assert not outside(result), outside(result)[:5]


def _likert_page(span: tuple[float, float, float] | None, tmp_path: Path) -> str:
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(5)
    answers = pd.DataFrame(
        {"A": rng.choice([1, 1, 1, 2, 4], 60), "B": rng.choice([3, 4, 5], 60)}
    ).astype(float)
    counts = plots.likert_counts(answers, items=["A", "B"], codes=[1, 2, 3, 4, 5])
    _, ax = plt.subplots(figsize=(6, 2))
    plots.likert_bars(counts, labels=list("abcde"), span=span, gid="dk-likert-0", ax=ax)
    shown: list[str] = []
    view = View("en")
    view.emit = shown.append
    view.figure(ax.figure, alt="likert", svg=True)
    return f"<!DOCTYPE html><html><body>{''.join(shown)}</body></html>"


def test_the_check_finds_a_clipped_segment(tmp_path):
    # own span: every bar inside; a span made for another panel (20% left, the old bug): item
    # A's 60% disagreement reaches beyond the axes and the browser check says which segments
    fine = measure_in_chromium(_likert_page(None, tmp_path), tmp_path)
    assert fine["axes"] == 1 and len(fine["segments"]) == 12 and not outside(fine)
    cut = measure_in_chromium(_likert_page((20.0, 60.0, 0.0), tmp_path), tmp_path)
    bad = {s["id"] for s in outside(cut)}
    assert "dk-likert-0-seg-0-0" in bad  # item A, "strongly disagree"
    assert not any(i.startswith("dk-likert-0-seg-1-") for i in bad)  # item B fits
    assert all(f["ink"] > 0.005 for f in cut["figures"])
