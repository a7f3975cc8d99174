"""Report figures: what was drawn, asserted on the Matplotlib artists (seaborn-style tests)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from dinamika.errors import UsageError
from dinamika.report import plots

LABELS5 = ["STS", "TS", "N", "S", "SS"]


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _answers():
    return pd.DataFrame(
        {
            "A": [1, 2, 3, 3, 4, 5, 5, np.nan, 5, 4],
            "B": [5, 5, 4, 4, 4, 4, 5, 5, 4, np.nan],  # nobody chose 1-3
            "C": [np.nan] * 10,  # everything missing
        }
    )


def test_likert_counts_include_zero_categories_and_missing():
    counts = plots.likert_counts(_answers(), items=["A", "B", "C"], codes=[1, 2, 3, 4, 5])
    assert list(counts.columns) == [1, 2, 3, 4, 5, plots.MISSING]
    assert counts.loc["A"].tolist() == [1, 1, 2, 2, 3, 1]
    assert counts.loc["B"].tolist() == [0, 0, 0, 5, 4, 1]
    assert counts.loc["C"].tolist() == [0, 0, 0, 0, 0, 10]
    shares = plots.likert_shares(counts)
    assert_allclose(shares.sum(axis=1), [100, 100, 100])


def test_likert_counts_refuse_values_outside_the_scale():
    with pytest.raises(UsageError, match="not codes"):
        plots.likert_counts(pd.DataFrame({"A": [1, 7]}), items=["A"], codes=[1, 2, 3, 4, 5])
    with pytest.raises(UsageError, match="not columns"):
        plots.likert_counts(pd.DataFrame({"A": [1]}), items=["Z"], codes=[1, 2])


def test_likert_bars_neutral_centred_missing_apart():
    counts = plots.likert_counts(_answers(), items=["A", "B", "C"], codes=[1, 2, 3, 4, 5])
    ax = plots.likert_bars(counts, labels=LABELS5, missing_label="Kosong", lang="id")
    bars = ax.patches
    # 5 categories × 3 items, then 3 missing bars
    assert len(bars) == 5 * 3 + 3
    widths = np.array([b.get_width() for b in bars[:15]]).reshape(5, 3).T  # item × category
    assert_allclose(widths[0], [10, 10, 20, 20, 30])
    assert_allclose(widths[1], [0, 0, 0, 50, 40])  # zero-count categories are empty bars
    assert_allclose(widths[2], 0)
    # neutral (middle) bar of item A is centred on zero
    neutral = bars[2 * 3 + 0]
    assert neutral.get_x() + neutral.get_width() / 2 == pytest.approx(0)
    # item B without a neutral answer: disagree side is empty, agree side starts at zero
    agree_b = bars[3 * 3 + 1]
    assert agree_b.get_x() == pytest.approx(0)
    # missing bars sit to the right of every diverging bar
    right = max(b.get_x() + b.get_width() for b in bars[:15])
    missing = bars[15:]
    assert [b.get_width() for b in missing] == pytest.approx([10, 10, 100])
    assert all(b.get_x() > right for b in missing)
    # the legend lists every category, also those nobody chose, and the missing answers
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [*LABELS5, "Kosong"]
    # first item on top
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B", "C"]
    assert bars[0].get_y() > bars[1].get_y()
    # each missing bar carries its share (decimal comma language), and no percentage tick sits
    # under the missing column (it has no axis of its own)
    assert [t.get_text() for t in ax.texts] == ["10%", "10%", "100%"]
    assert max(ax.get_xticks()) < min(b.get_x() for b in missing)


def test_likert_bars_even_scale_splits_at_zero():
    counts = plots.likert_counts(
        pd.DataFrame({"X": [1, 2, 3, 4, 4, 4]}), items=["X"], codes=[1, 2, 3, 4]
    )
    ax = plots.likert_bars(counts, labels=["a", "b", "c", "d"], legend=False)
    lower = [b for b in ax.patches[:4]]
    assert lower[1].get_x() + lower[1].get_width() == pytest.approx(0)
    assert lower[2].get_x() == pytest.approx(0)
    assert ax.get_legend() is None


def test_likert_bars_label_count_checked():
    counts = plots.likert_counts(_answers(), items=["A"], codes=[1, 2, 3, 4, 5])
    with pytest.raises(UsageError, match="5 categories"):
        plots.likert_bars(counts, labels=["x"])


def test_tick_labels_follow_the_language():
    counts = plots.likert_counts(_answers(), items=["A"], codes=[1, 2, 3, 4, 5])
    fig, ax = plt.subplots()
    plots.aspect_bars(pd.DataFrame({"aspect": ["a"], "mean": [2.5]}), xlim=(1, 4), lang="id", ax=ax)
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert "1,5" in labels and "1.5" not in labels
    ax2 = plots.likert_bars(counts, labels=LABELS5, lang="en")
    ax2.figure.canvas.draw()
    assert all("-" not in t.get_text() for t in ax2.get_xticklabels())  # shares, not signs


def test_heatmap_draws_values_and_blanks_nan():
    m = pd.DataFrame([[0.5, -0.25], [np.nan, 0.75]], index=["x1", "x2"], columns=["y1", "y2"])
    ax = plots.heatmap(m, lang="en")
    image = ax.get_images()[0]
    data = image.get_array()
    assert bool(data.mask[1, 0]) and int(data.mask.sum()) == 1
    assert_allclose(data.data[0], [0.5, -0.25])
    texts = sorted(t.get_text() for t in ax.texts)
    assert texts == ["-0.25", "0.50", "0.75"]
    assert image.get_clim() == (-1.0, 1.0)
    ax_id = plots.heatmap(m, lang="id")
    assert "0,50" in [t.get_text() for t in ax_id.texts]


def test_coefficient_plot_draws_intervals_in_order():
    coef = pd.DataFrame(
        {
            "term": ["a", "b", "c"],
            "estimate": [0.2, -0.1, 0.4],
            "lower": [0.1, -0.3, 0.2],
            "upper": [0.3, 0.1, 0.6],
        }
    )
    ax = plots.coefficient_plot(coef, xlabel="β")
    intervals = ax.lines[:3]
    assert [tuple(line.get_xdata()) for line in intervals] == [(0.1, 0.3), (-0.3, 0.1), (0.2, 0.6)]
    assert [line.get_ydata()[0] for line in intervals] == [2, 1, 0]  # first on top
    assert_allclose(ax.collections[0].get_offsets()[:, 0], [0.2, -0.1, 0.4])
    assert ax.lines[3].get_xdata()[0] == 0  # reference line
    with pytest.raises(UsageError, match="lacks"):
        plots.coefficient_plot(coef.drop(columns="upper"))


def test_aspect_bars_with_intervals_and_missing_value():
    frame = pd.DataFrame(
        {
            "aspect": ["p", "q", "r"],
            "mean": [2.5, np.nan, 3.0],
            "lower": [2.3, np.nan, 2.8],
            "upper": [2.7, np.nan, 3.2],
        }
    )
    ax = plots.aspect_bars(frame, lower="lower", upper="upper", xlim=(1, 4))
    assert [b.get_width() for b in ax.patches] == pytest.approx([1.5, 0.0, 2.0])
    assert all(b.get_x() == 1 for b in ax.patches)
    assert ax.get_xlim() == (1, 4)
    # one error bar per row with a value
    segments = ax.collections[0].get_segments()
    assert len(segments) == 2


@pytest.mark.parametrize("lang", ["id", "en"])
def test_small_ranges_get_distinct_tick_labels(lang):
    coef = pd.DataFrame(
        {"term": ["a", "b"], "estimate": [0.05, 0.1], "lower": [-0.12, 0.0], "upper": [0.12, 0.27]}
    )
    ax = plots.coefficient_plot(coef, lang=lang)
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert len(set(labels)) == len(labels) >= 3
    sep = "," if lang == "id" else "."
    assert all(sep in x or x.lstrip("-").isdigit() for x in labels)


def _inside(ax) -> bool:
    lo, hi = ax.get_xlim()
    return all(
        lo - 1e-9 <= p.get_x() and p.get_x() + p.get_width() <= hi + 1e-9 for p in ax.patches
    )


def test_likert_panels_sharing_an_axis_keep_every_segment_inside():
    """The bug: panels sharing x took the last panel's range and cut off a panel whose items
    had more disagreement (34% 'strongly disagree' lost its segment)."""
    heavy = pd.DataFrame({"A": [1] * 34 + [2] * 20 + [4] * 46})  # 54% disagree
    light = pd.DataFrame({"B": [5] * 90 + [1] * 10})
    counts = [plots.likert_counts(f, items=list(f), codes=[1, 2, 3, 4, 5]) for f in (heavy, light)]
    spans = np.array([plots.likert_span(c) for c in counts])
    span = tuple(float(x) for x in spans.max(axis=0))
    assert span[0] == 54.0  # the heavy panel's left reach
    _, axes = plt.subplots(2, 1, sharex=True)
    for c, ax in zip(counts, axes, strict=True):
        plots.likert_bars(c, labels=LABELS5, span=span, ax=ax)
    assert all(_inside(ax) for ax in axes)
    # without a common span the shared axis is the last panel's and the first one is clipped
    _, axes = plt.subplots(2, 1, sharex=True)
    for c, ax in zip(counts, axes, strict=True):
        plots.likert_bars(c, labels=LABELS5, ax=ax)
    assert not _inside(axes[0])


def test_report_likert_figure_keeps_every_segment_inside(monkeypatch):
    from dinamika.report.params import ReportParams
    from dinamika.report.sections import term

    rep = term.start(None, ReportParams())
    rep.view.emit = lambda markup: None
    figures = []
    monkeypatch.setattr(rep.view, "figure", lambda fig, **kw: figures.append(fig))
    term.items(rep)
    (fig,) = figures
    axes = [ax for ax in fig.axes if ax.patches]
    assert len(axes) == len(rep.survey.instrument.scales)
    assert all(_inside(ax) for ax in axes)
    assert all(p.get_width() > 0 for ax in axes for p in ax.patches[:1])
