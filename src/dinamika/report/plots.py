"""Report figures: diverging Likert bars, correlation heatmap, coefficient plot, aspect bars.

Statistics are computed apart from drawing (:func:`likert_counts`, :func:`likert_shares`); each
drawing function is keyword-only, draws on ``ax=`` (a new figure when omitted) and returns the
Axes. Tick labels follow the report language (``lang=``: decimal comma in Indonesian).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator, ScalarFormatter

from dinamika.errors import UsageError
from dinamika.i18n import check_lang, fmt_num

__all__ = [
    "MISSING",
    "aspect_bars",
    "coefficient_plot",
    "heatmap",
    "likert_bars",
    "likert_counts",
    "likert_shares",
]

#: Name of the column of missing answers in :func:`likert_counts`.
MISSING = "missing"
_MISSING_COLOR = "#8c8c8c"


def likert_counts(
    frame: pd.DataFrame, *, items: Sequence[str], codes: Sequence[int]
) -> pd.DataFrame:
    """Answer counts per item and response code, missing answers included.

    Parameters
    ----------
    frame : DataFrame
        One row per respondent; item columns hold codes (NaN = missing).
    items : sequence of str
        Item columns, in display order.
    codes : sequence of int
        Every response code of the scale, lowest first (categories nobody chose get 0).

    Returns
    -------
    DataFrame
        Index ``items``; one integer column per code, then ``missing``. Values outside
        ``codes`` raise UsageError (they are not answers of this scale).

    Examples
    --------
    >>> f = pd.DataFrame({"A": [1, 2, 2, np.nan], "B": [5, 5, 4, 4]})
    >>> likert_counts(f, items=["A", "B"], codes=[1, 2, 3, 4, 5])
       1  2  3  4  5  missing
    A  1  2  0  0  0        1
    B  0  0  0  2  2        0
    """
    missing_cols = [i for i in items if i not in frame.columns]
    if missing_cols:
        raise UsageError(f"items {missing_cols} are not columns of the data")
    values = frame.loc[:, list(items)].to_numpy(dtype=float).T  # items × respondents
    codes_arr = np.asarray(codes, dtype=float)
    present = ~np.isnan(values)
    known = np.isin(values, codes_arr) | ~present
    if not known.all():
        bad = sorted(set(values[~known].tolist()))[:5]
        raise UsageError(f"answers {bad} are not codes of the scale {list(codes)}")
    counts = (values[:, :, None] == codes_arr[None, None, :]).sum(axis=1)
    out = pd.DataFrame(counts.astype(int), index=list(items), columns=list(codes))
    out[MISSING] = (~present).sum(axis=1).astype(int)
    return out


def likert_shares(counts: pd.DataFrame) -> pd.DataFrame:
    """Counts as percentages of all respondents (missing included), rows summing to 100.

    A row with no respondents at all stays 0 everywhere.
    """
    total = counts.sum(axis=1).to_numpy(dtype=float)
    shares = counts.to_numpy(dtype=float) / np.where(total > 0, total, 1.0)[:, None] * 100
    return pd.DataFrame(shares, index=counts.index, columns=counts.columns)


def _palette(k: int) -> list[Any]:
    """Red (disagree) to blue (agree); the middle category of an odd scale in neutral grey."""
    cmap = mpl.colormaps["RdBu"]
    colors: list[Any] = [cmap(x) for x in np.linspace(0.08, 0.92, k)] if k > 1 else []
    if k % 2:
        colors[k // 2 : k // 2 + 1] = ["#cfcfcf"]
    return colors


class _LangFormatter(ScalarFormatter):
    """Matplotlib's tick labels (decimals chosen from the tick spacing) in the report language."""

    def __init__(self, lang: str, absolute: bool = False) -> None:
        super().__init__(useOffset=False)
        self.lang = lang
        self.absolute = absolute

    def __call__(self, x: float, pos: int | None = None) -> str:
        text = str(super().__call__(abs(x) if self.absolute else x, pos))
        text = text.replace("\N{MINUS SIGN}", "-")
        return text.translate(_SWAP) if self.lang == "id" else text


_SWAP = str.maketrans(",.", ".,")


def _formatter(lang: str, digits: int | None = None, absolute: bool = False) -> Any:
    if digits is None:
        return _LangFormatter(lang, absolute)

    def fmt(x: float, _pos: int) -> str:
        return fmt_num(abs(x) if absolute else x, lang, digits)

    return FuncFormatter(fmt)


def likert_span(counts: pd.DataFrame) -> tuple[float, float, float]:
    """How far the diverging bars of ``counts`` reach left and right of zero, and the largest
    missing share (all in percent); pass the elementwise maximum over panels that share an
    x axis as ``span`` to :func:`likert_bars`, so every panel's bars fit.

    Examples
    --------
    >>> f = pd.DataFrame({"A": [1, 1, 3, 5, np.nan]})
    >>> likert_span(likert_counts(f, items=["A"], codes=[1, 2, 3, 4, 5]))
    (50.0, 30.0, 20.0)
    """
    codes = [c for c in counts.columns if c != MISSING]
    shares = likert_shares(counts)
    cat = shares[codes].to_numpy()
    miss = shares[MISSING].to_numpy() if MISSING in shares else np.zeros(len(shares))
    k = len(codes)
    lower = cat[:, : k // 2].sum(axis=1) + (cat[:, k // 2] / 2 if k % 2 else 0)
    return (
        float(np.max(lower, initial=0.0)),
        float(np.max(cat.sum(axis=1) - lower, initial=0.0)),
        float(np.max(miss, initial=0.0)),
    )


def likert_bars(
    counts: pd.DataFrame,
    *,
    labels: Sequence[str],
    missing_label: str = "Missing",
    item_labels: Sequence[str] | None = None,
    xlabel: str | None = None,
    legend: bool = True,
    lang: str = "id",
    span: tuple[float, float, float] | None = None,
    gid: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Diverging stacked bars of Likert answers, neutral centred, missing shown apart.

    Parameters
    ----------
    counts : DataFrame
        From :func:`likert_counts`: one column per code (lowest first) then ``missing``.
    labels : sequence of str
        Category labels, one per code.
    missing_label : str
        Legend label of the missing answers (drawn in grey right of the diverging bars).
    item_labels : sequence of str, optional
        Y tick labels (default: the index).
    xlabel : str, optional
    legend : bool
        Draw the legend below the axes (every category, also those nobody chose).
    lang : {"id", "en"}
        Tick number format.
    span : (left, right, missing), optional
        The x layout (see :func:`likert_span`); default this panel's own. Panels sharing an x
        axis must get the same span covering all of them, or bars of one are cut off.
    gid : str, optional
        Element ids in SVG output: ``{gid}-axes`` for the axes background and
        ``{gid}-seg-{item}-{category}`` / ``{gid}-miss-{item}`` for each bar (0-based), so a
        browser can check that every segment lies inside the axes.
    ax : Axes, optional

    Returns
    -------
    Axes
        One bar patch per item and category (zero-width for categories nobody chose) plus
        one per item for missing answers; the legend lists every category.

    Notes
    -----
    With an odd number of categories the middle one is split in half around zero; with an
    even number zero separates the lower and upper halves. Shares are of all respondents.

    Examples
    --------
    >>> f = pd.DataFrame({"A": [1, 3, 3, 5, np.nan], "B": [4, 4, 5, 5, 5]})
    >>> counts = likert_counts(f, items=["A", "B"], codes=[1, 2, 3, 4, 5])
    >>> ax = likert_bars(counts, labels=["STS", "TS", "N", "S", "SS"], missing_label="Kosong")
    >>> len(ax.patches)  # 2 items x 5 categories, then 2 missing bars
    12
    >>> neutral = ax.patches[2 * 2]  # category 3 of item A: 40% centred on zero
    >>> round(float(neutral.get_x()), 1), round(float(neutral.get_width()), 1)
    (-20.0, 40.0)
    >>> plt.close("all")
    """
    check_lang(lang)
    codes = [c for c in counts.columns if c != MISSING]
    if len(labels) != len(codes):
        raise UsageError(f"{len(codes)} categories need {len(codes)} labels, got {len(labels)}")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.45 * len(counts) + 1.4))
    shares = likert_shares(counts)
    cat = shares[codes].to_numpy()
    miss = shares[MISSING].to_numpy() if MISSING in shares else np.zeros(len(shares))
    k = len(codes)
    lower = cat[:, : k // 2].sum(axis=1) + (cat[:, k // 2] / 2 if k % 2 else 0)
    starts = -lower[:, None] + np.concatenate(
        [np.zeros((len(cat), 1)), cat.cumsum(axis=1)[:, :-1]], axis=1
    )
    y = np.arange(len(cat))[::-1]
    colors = _palette(k)
    for j in range(k):
        bars = ax.barh(
            y,
            cat[:, j],
            left=starts[:, j],
            color=colors[j],
            edgecolor="white",
            linewidth=0.5,
            height=0.7,
        )
        if gid:
            for i, patch in enumerate(bars.patches):
                patch.set_gid(f"{gid}-seg-{i}-{j}")
    left_edge, right_edge, miss_max = likert_span(counts) if span is None else span
    gap_at = max(right_edge, 5.0) + 6.0
    bars = ax.barh(y, miss, left=gap_at, color=_MISSING_COLOR, height=0.7)
    if gid:
        ax.patch.set_gid(f"{gid}-axes")
        for i, patch in enumerate(bars.patches):
            patch.set_gid(f"{gid}-miss-{i}")
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.axvline(gap_at - 3.0, color="#bbbbbb", linewidth=0.6, linestyle=":")
    for yi, m in zip(y, miss, strict=True):  # the share missing, readable without a scale
        if m > 0:
            label = "< 1" if m < 0.5 else fmt_num(m, lang, 0)
            ax.text(gap_at + m + 1.0, yi, f"{label}%", va="center", fontsize="x-small")
    ax.set_xlim(-max(left_edge, 5.0) - 3.0, gap_at + max(miss_max, 5.0) + 11.0)
    # percentage ticks only under the diverging bars, none under the missing answers
    lo_tick = -max(left_edge, 5.0) - 3.0
    ticks = MaxNLocator(nbins=8, steps=[1, 2, 2.5, 5, 10]).tick_values(lo_tick, gap_at - 3.0)
    ax.set_xticks([t for t in ticks if lo_tick <= t <= gap_at - 3.0])
    ax.set_yticks(
        y, list(item_labels) if item_labels is not None else [str(i) for i in counts.index]
    )
    ax.set_ylim(-0.6, len(cat) - 0.4)
    ax.xaxis.set_major_formatter(_formatter(lang, absolute=True))
    if xlabel:
        ax.set_xlabel(xlabel)
    if legend:
        handles = [Patch(facecolor=c, label=lab) for c, lab in zip(colors, labels, strict=True)]
        handles.append(Patch(facecolor=_MISSING_COLOR, label=missing_label))
        ax.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.18 if xlabel else -0.08),
            ncol=min(len(handles), 6),
            frameon=False,
            fontsize="small",
        )
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    return ax


def heatmap(
    matrix: pd.DataFrame,
    *,
    vmin: float = -1.0,
    vmax: float = 1.0,
    annot: bool = True,
    digits: int = 2,
    xlabel: str | None = None,
    ylabel: str | None = None,
    lang: str = "id",
    ax: Axes | None = None,
) -> Axes:
    """A correlation (or any bounded) matrix as a coloured grid with values written in.

    NaN cells are left blank (light grey). Returns the Axes; its first image is the grid.

    Examples
    --------
    >>> m = pd.DataFrame([[0.4, np.nan]], index=["kepemimpinan"], columns=["overall", "PP"])
    >>> ax = heatmap(m, lang="id")
    >>> [t.get_text() for t in ax.texts]
    ['0,40']
    >>> plt.close("all")
    """
    check_lang(lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(1.1 * matrix.shape[1] + 3, 0.6 * matrix.shape[0] + 1.5))
    values = matrix.to_numpy(dtype=float)
    cmap = mpl.colormaps["RdBu_r"].with_extremes(bad="#eeeeee")
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    ax.set_xticks(
        np.arange(values.shape[1]), [str(c) for c in matrix.columns], rotation=30, ha="right"
    )
    ax.set_yticks(np.arange(values.shape[0]), [str(i) for i in matrix.index])
    if annot:
        span = max(abs(vmin), abs(vmax))
        for (i, j), v in np.ndenumerate(values):
            if np.isnan(v):
                continue
            color = "white" if abs(v) > 0.6 * span else "black"
            ax.text(
                j,
                i,
                fmt_num(v, lang, digits),
                ha="center",
                va="center",
                color=color,
                fontsize="small",
            )
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    bar.ax.yaxis.set_major_formatter(_formatter(lang))
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    return ax


def coefficient_plot(
    frame: pd.DataFrame,
    *,
    estimate: str = "estimate",
    lower: str = "lower",
    upper: str = "upper",
    label: str = "term",
    reference: float = 0.0,
    xlabel: str | None = None,
    lang: str = "id",
    ax: Axes | None = None,
) -> Axes:
    """Point estimates with confidence intervals, one row per coefficient (first on top).

    Returns the Axes; ``ax.lines`` holds one interval line per row, then the reference line.

    Examples
    --------
    >>> coef = pd.DataFrame({"term": ["a", "b"], "estimate": [0.2, -0.1],
    ...                      "lower": [0.1, -0.3], "upper": [0.3, 0.1]})
    >>> ax = coefficient_plot(coef)
    >>> [tuple(map(float, line.get_xdata())) for line in ax.lines[:2]]
    [(0.1, 0.3), (-0.3, 0.1)]
    >>> plt.close("all")
    """
    check_lang(lang)
    _need(frame, [estimate, lower, upper, label])
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.5 * len(frame) + 1.4))
    y = np.arange(len(frame))[::-1]
    est = frame[estimate].to_numpy(dtype=float)
    lo = frame[lower].to_numpy(dtype=float)
    hi = frame[upper].to_numpy(dtype=float)
    for yi, a, b in zip(y, lo, hi, strict=True):
        ax.plot([a, b], [yi, yi], color="#2b6ca3", linewidth=2)
    ax.scatter(est, y, color="#2b6ca3", zorder=3, s=30)
    ax.axvline(reference, color="#888888", linewidth=0.8, linestyle="--")
    ax.set_yticks(y, [str(v) for v in frame[label]])
    ax.set_ylim(-0.7, len(frame) - 0.3)
    ax.xaxis.set_major_formatter(_formatter(lang))
    if xlabel:
        ax.set_xlabel(xlabel)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


def dot_intervals(
    frame: pd.DataFrame,
    *,
    label: str,
    series: Sequence[tuple[str, str, str, str]],
    reference: float | None = None,
    xlim: tuple[float, float] | None = None,
    xlabel: str | None = None,
    lang: str = "id",
    ax: Axes | None = None,
) -> Axes:
    """Dots with interval lines, one row per ``label``, one colour per series (first on top).

    ``series`` are ``(estimate, lower, upper, name)`` column triples with their legend name;
    a row with a missing estimate draws nothing for that series.

    Examples
    --------
    >>> t = pd.DataFrame({"scale": ["a", "b"], "alpha": [0.8, 0.7], "lo": [0.75, 0.6],
    ...                   "hi": [0.85, 0.78]})
    >>> ax = dot_intervals(t, label="scale", series=[("alpha", "lo", "hi", "alpha")])
    >>> [tuple(map(float, line.get_xdata())) for line in ax.lines[:2]]
    [(0.75, 0.85), (0.6, 0.78)]
    >>> plt.close("all")
    """
    check_lang(lang)
    _need(frame, [label, *[c for s in series for c in s[:3]]])
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.45 * len(frame) * len(series) + 1.4))
    y = np.arange(len(frame))[::-1].astype(float)
    colors = ["#2b6ca3", "#d9822b", "#4c9a5b", "#8a5fb0"]
    offsets = np.linspace(0.15, -0.15, len(series)) if len(series) > 1 else np.zeros(1)
    for (est, lo, hi, name), off, color in zip(series, offsets, colors, strict=False):
        e = frame[est].to_numpy(dtype=float)
        a = frame[lo].to_numpy(dtype=float)
        b = frame[hi].to_numpy(dtype=float)
        for yi, ai, bi in zip(y + off, a, b, strict=True):
            if not (np.isnan(ai) or np.isnan(bi)):
                ax.plot([ai, bi], [yi, yi], color=color, linewidth=2)
        ax.scatter(e, y + off, color=color, zorder=3, s=28, label=name)
    if reference is not None:
        ax.axvline(reference, color="#888888", linewidth=0.8, linestyle="--")
    ax.set_yticks(y, [str(v) for v in frame[label]])
    ax.set_ylim(-0.7, len(frame) - 0.3)
    if xlim:
        ax.set_xlim(*xlim)
    ax.xaxis.set_major_formatter(_formatter(lang))
    if xlabel:
        ax.set_xlabel(xlabel)
    if len(series) > 1:
        ax.legend(loc="lower right", fontsize="small", frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


def scree(
    observed: Sequence[float],
    criterion: Sequence[float],
    *,
    labels: tuple[str, str] = ("observed", "simulated"),
    xlabel: str | None = None,
    ylabel: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Scree plot with the parallel-analysis criterion (as ``psych::fa.parallel`` draws it).

    Examples
    --------
    >>> ax = scree([2.5, 0.9, 0.3], [0.6, 0.4, 0.2])
    >>> [len(line.get_xdata()) for line in ax.lines]
    [3, 3]
    >>> plt.close("all")
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3))
    k = np.arange(1, len(observed) + 1)
    ax.plot(k, np.asarray(observed, dtype=float), "o-", color="#2b6ca3", label=labels[0])
    ax.plot(k, np.asarray(criterion, dtype=float), "--", color="#d9822b", label=labels[1])
    ax.set_xticks(k)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.legend(frameon=False, fontsize="small")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


def aspect_bars(
    frame: pd.DataFrame,
    *,
    value: str = "mean",
    label: str = "aspect",
    lower: str | None = None,
    upper: str | None = None,
    xlim: tuple[float, float] | None = None,
    xlabel: str | None = None,
    lang: str = "id",
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars of one value per aspect (first on top), with optional CI whiskers.

    Returns the Axes; ``ax.patches`` holds one bar per row (NaN values give an empty bar).

    Examples
    --------
    >>> ax = aspect_bars(pd.DataFrame({"aspect": ["persiapan", "evaluasi"], "mean": [2.8, np.nan]}),
    ...                  xlim=(1, 4))
    >>> [round(float(b.get_width()), 2) for b in ax.patches]
    [1.8, 0.0]
    >>> plt.close("all")
    """
    check_lang(lang)
    _need(frame, [value, label, *(c for c in (lower, upper) if c)])
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.5 * len(frame) + 1.2))
    y = np.arange(len(frame))[::-1]
    vals = frame[value].to_numpy(dtype=float)
    base = xlim[0] if xlim else 0.0
    ax.barh(y, np.nan_to_num(vals - base, nan=0.0), left=base, color="#4c8cbf", height=0.6)
    if lower and upper:
        lo = frame[lower].to_numpy(dtype=float)
        hi = frame[upper].to_numpy(dtype=float)
        ok = ~(np.isnan(lo) | np.isnan(hi) | np.isnan(vals))
        ax.errorbar(
            vals[ok],
            y[ok],
            xerr=np.vstack([vals[ok] - lo[ok], hi[ok] - vals[ok]]),
            fmt="none",
            ecolor="#222222",
            capsize=3,
            linewidth=1,
        )
    ax.set_yticks(y, [str(v) for v in frame[label]])
    if xlim:
        ax.set_xlim(*xlim)
    ax.xaxis.set_major_formatter(_formatter(lang))
    if xlabel:
        ax.set_xlabel(xlabel)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


def _need(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise UsageError(f"the table lacks the column(s) {missing}; it has {list(frame.columns)}")
