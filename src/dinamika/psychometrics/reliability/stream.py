"""Bootstrap sums at national scale: answer patterns, streamed multinomial weights, influence.

Private helper of :mod:`dinamika.psychometrics.reliability.large`. Three ways to keep a
2,000-draw bootstrap of millions of respondents linear in n and bounded in memory:

- :func:`patterns` groups respondents with identical answers. A draw of n respondents,
  counted by pattern, is exactly multinomial(n, pattern shares), so
  :func:`pattern_boot_covariances` costs O(patterns) per draw whatever n is, and the jackknife
  needs one leave-one-out value per pattern, weighted by its count
  (:func:`pattern_jackknife_covariances`, exact).
- :func:`block_weights` draws the multinomial counts of every respondent block by block: the
  draw's total per block of rows is multinomial(n, block shares), and given it the counts
  inside the block are multinomial(total, uniform) — together exactly multinomial(n, 1/n) per
  draw. :func:`streamed_sums` multiplies each block's weights (draws × rows) by that block's
  product columns, so memory is O(draws × columns) and nothing of size n × draws exists.
- :func:`influence_acceleration`: BCa's acceleration from the leave-one-out of the sums to
  first order, :math:`d_i = \\nabla\\theta \\cdot (z_i - \\bar z)` (one pass over the rows)
  when an exact jackknife (one fit per respondent or pattern) is too large.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from dinamika.psychometrics.reliability.bootstrap import _BLOCK_CELLS, _columns, _sums_to_cov

__all__ = [
    "Patterns",
    "block_weights",
    "influence_acceleration",
    "pattern_boot_covariances",
    "pattern_jackknife_covariances",
    "patterns",
    "row_order",
    "streamed_sums",
]

Array = NDArray[np.float64]
ROWS = 4096  # respondents per streamed block (a power of two: 12 random bits per index)
_HASH = np.random.default_rng(20261204).integers(1, 2**63, size=4096, dtype=np.int64) | 1


class Patterns(NamedTuple):
    """Distinct rows of (x0, obs): one representative each and how many respondents share it."""

    x0: Array
    obs: Array | None
    counts: NDArray[np.int64]


def patterns(x0: Array, obs: Array | None, limit: int) -> tuple[Patterns | None, int]:
    """Group respondents with identical centered answers and answered masks.

    Returns the patterns (None when there are more than ``limit``) and how many there are.
    Rows are keyed by one integer when every centered value is a shifted small integer code
    (the usual Likert case: keys counted by ``bincount`` and the patterns rebuilt from them). Otherwise a 64-bit hash of the rows counts
    them first (a collision can only undercount) and rows are grouped exactly by
    ``np.unique`` only when the count is within ``limit``.
    """
    n, p = x0.shape
    mask = np.ones_like(x0, dtype=bool) if obs is None else obs.astype(bool)
    lo = np.where(mask, x0, np.inf).min(axis=0) if n else np.zeros(p)
    lo = np.where(np.isfinite(lo), lo, 0.0)
    vals = np.where(mask, x0 - lo + 1.0, 0.0)  # 0 = missing, answers from 1
    top = int(vals.max()) + 2 if n else 2
    steps = np.rint(vals)
    if p * np.log2(top) < 62 and n and float(np.abs(vals - steps).max()) <= 1e-9:
        codes = steps.astype(np.int64)
        key = codes[:, 0].copy()
        for j in range(1, p):
            key += codes[:, j] * top**j
        if top**p <= 1 << 24:  # small key space: count keys, rebuild the rows from them
            every = np.bincount(key, minlength=top**p)
            uniq = np.flatnonzero(every)
            if len(uniq) > limit:
                return None, len(uniq)
            digits = (uniq[:, None] // top ** np.arange(p)) % top
            answered = digits > 0
            rep_x0 = np.where(answered, digits - 1.0 + lo, 0.0)
            rep_obs = None if obs is None else answered.astype(np.float64)
            return _by_count(rep_x0, rep_obs, every[uniq]), len(uniq)
        _, first, counts = np.unique(key, return_index=True, return_counts=True)
    else:
        mult = np.resize(_HASH, p)
        with np.errstate(over="ignore"):
            hashed = (np.ascontiguousarray(vals).view(np.int64) * mult).sum(axis=1)
        found = len(np.unique(hashed))
        if found > limit:
            return None, found
        stacked = np.concatenate([x0, mask.astype(np.float64)], axis=1)
        _, first, counts = np.unique(stacked, axis=0, return_index=True, return_counts=True)
    if len(counts) > limit:
        return None, len(counts)
    return _by_count(x0[first], None if obs is None else obs[first], counts), len(counts)


def _by_count(x0: Array, obs: Array | None, counts: NDArray[np.integer]) -> Patterns:
    """Patterns ordered by count, rarest first: numpy's multinomial draws them ~1.7x faster."""
    order = np.argsort(counts, kind="stable")
    return Patterns(x0[order], None if obs is None else obs[order], counts[order].astype(np.int64))


def pattern_boot_covariances(
    pat: Patterns, n_boot: int, rng: np.random.Generator
) -> Iterator[tuple[Array, Array]]:
    """Yield blocks of bootstrap covariance and correlation matrices drawn over patterns.

    Each draw's counts per pattern are multinomial(n, counts / n), the same distribution as
    counting n respondents drawn with replacement; time and memory do not grow with n.
    """
    n = int(pat.counts.sum())
    cols = _columns(pat.x0, pat.obs)[0]
    k_pat, p = cols.shape[0], pat.x0.shape[1]
    share = pat.counts / n
    size_max = max(1, min(n_boot, _BLOCK_CELLS // max(k_pat, cols.shape[1])))
    done = 0
    while done < n_boot:
        size = min(size_max, n_boot - done)
        w = rng.multinomial(n, share, size=size).astype(np.float64)
        yield _sums_to_cov(w @ cols, p, float(n), pat.obs is not None)
        done += size


def pattern_jackknife_covariances(pat: Patterns) -> Iterator[tuple[Array, Array]]:
    """Yield blocks of leave-one-out covariance and correlation matrices, one per pattern."""
    cols = _columns(pat.x0, pat.obs)[0]
    n, p = int(pat.counts.sum()), pat.x0.shape[1]
    total = pat.counts.astype(np.float64) @ cols
    step = max(1, _BLOCK_CELLS // (p * p * 4))
    for start in range(0, len(cols), step):
        block = total[None, :] - cols[start : start + step]
        yield _sums_to_cov(block, p, float(n - 1), pat.obs is not None)


def block_weights(
    n: int, n_boot: int, rng: np.random.Generator, rows: int = ROWS
) -> Iterator[tuple[int, int, int, NDArray[np.float32], NDArray[np.int64]]]:
    """Yield ``(first_draw, row_start, row_stop, w, totals)``: a block's counts, all draws.

    ``w[d, i]`` is how often respondent ``row_start + i`` appears in draw ``first_draw + d``
    (float32, exact); ``totals`` is ``w.sum(axis=1)``. Per group of draws the block totals are multinomial(n, block shares)
    and the counts inside a block multinomial(total, uniform): together each draw is exactly
    multinomial(n, 1/n), as counting n respondents drawn with replacement. ``rows`` must be
    a power of two ≤ 65,536 (the indices of 65,536 // rows draws are counted together).
    """
    nb = -(-n // rows)
    sizes = np.full(nb, rows, dtype=np.int64)
    sizes[-1] = n - rows * (nb - 1)
    group = 65536 // rows
    chunk = max(1, min(n_boot, 2 * _BLOCK_CELLS // rows))
    offsets = (np.arange(group) * rows).astype(np.uint16)
    buf = np.empty((chunk, rows), dtype=np.float32)
    for first in range(0, n_boot, chunk):
        size = min(chunk, n_boot - first)
        totals = rng.multinomial(n, sizes / n, size=size)  # (size, blocks)
        for j in range(nb):
            width = int(sizes[j])
            for g in range(0, size, group):
                tot = totals[g : g + group, j]
                m = int(tot.sum())
                if width == rows:  # uniform over a power of two: masked random bits
                    idx = rng.bit_generator.random_raw(-(-m // 4)).view(np.uint16)[:m]
                    idx &= np.uint16(rows - 1)
                else:
                    idx = rng.integers(0, width, size=m, dtype=np.uint16)
                idx += np.repeat(offsets[: len(tot)], tot)
                counts = np.bincount(idx.astype(np.intp), minlength=len(tot) * rows)
                buf[g : g + len(tot), :width] = counts.reshape(len(tot), rows)[:, :width]
            yield first, j * rows, j * rows + width, buf[:size, :width], totals[:, j]


def row_order(specs: list[tuple[Array, Array | None]]) -> tuple[NDArray[np.intp], Array]:
    """Respondents grouped by the set of scales they answered completely; and that set.

    Returns the order and a (n, scales) boolean array of complete answers per scale (in the
    original row order). The draws are exchangeable across respondents, so streaming the rows
    in this order draws from the same distribution, and a block whose rows all answered a
    scale completely needs only that scale's columns x and x·x.
    """
    n = specs[0][0].shape[0]
    complete = np.column_stack(
        [np.ones(n, dtype=bool) if obs is None else obs.all(axis=1) for _, obs in specs]
    )
    code = complete.astype(np.int64) @ (1 << np.arange(len(specs), dtype=np.int64))
    return np.argsort(-code, kind="stable"), complete


def _expand(red: Array, ones: Array, p: int) -> Array:
    """A complete block's sums [x, x·x] as the missing-answer layout [m·m, x·m, x·x, x²·m]."""
    b = len(red)
    iu, ju = np.triu_indices(p)
    sx, sxx = red[:, :p], red[:, p:]
    sx2 = sxx[:, iu == ju]  # Σ w x_i², in item order
    return np.concatenate(
        [
            np.broadcast_to(ones[:, None], (b, len(iu))),
            np.broadcast_to(sx[:, :, None], (b, p, p)).reshape(b, p * p),
            sxx,
            np.broadcast_to(sx2[:, :, None], (b, p, p)).reshape(b, p * p),
        ],
        axis=1,
    )


def streamed_sums(
    specs: list[tuple[Array, Array | None]],
    n_boot: int,
    rng: np.random.Generator,
    dtype: type[np.floating] = np.float32,
) -> Array:
    """Multinomial-weighted product-column sums of every draw, streamed over row blocks.

    ``specs`` as in :func:`~dinamika.psychometrics.reliability.bootstrap.boot_covariances`
    (one ``(x0, obs)`` per scale, same n rows). Returns ``(n_boot, k)``: each scale's columns
    side by side (``_columns`` order), equal to ``W @ Z[order]`` for the draws' count matrix W
    of :func:`block_weights` with the same ``rng``, the full product columns Z and the
    ``order`` of :func:`row_order`. For a scale that every respondent of a block answered
    completely the block multiplies only that scale's columns x and x·x (its counts are the
    block's draw totals), else all its columns. Products run in ``dtype`` (float32: ~1e-7 relative, far below Monte Carlo error), sums in float64.
    """
    n = specs[0][0].shape[0]
    order, complete = row_order(specs)
    complete = complete[order]
    widths = [_columns(x0[:1], None if obs is None else obs[:1])[0].shape[1] for x0, obs in specs]
    full = [np.zeros((n_boot, k)) for k in widths]
    red = [np.zeros((n_boot, x0.shape[1] * (x0.shape[1] + 3) // 2)) for x0, _ in specs]
    ones = [np.zeros(n_boot) for _ in specs]
    built = -1
    short: NDArray[np.bool_] = np.zeros(len(specs), dtype=bool)
    z = np.zeros((0, 0), dtype=dtype)
    for first, start, stop, w, drawn in block_weights(n, n_boot, rng):
        if built != start:
            rows = order[start:stop]
            short = np.asarray(complete[start:stop].all(axis=0))  # per scale: all rows complete
            cols = [
                _columns(x0[rows], None if obs is None or cut else obs[rows])[0]
                for (x0, obs), cut in zip(specs, short, strict=True)
            ]
            z, built = np.concatenate(cols, axis=1).astype(dtype), start
        got = w.astype(dtype, copy=False) @ z
        at = slice(first, first + len(w))
        col = 0
        for i, ((_, obs), cut) in enumerate(zip(specs, short, strict=True)):
            if obs is not None and cut:
                red[i][at] += got[:, col : col + red[i].shape[1]]
                ones[i][at] += drawn
                col += red[i].shape[1]
            else:
                full[i][at] += got[:, col : col + widths[i]]
                col += widths[i]
    for i, (x0, obs) in enumerate(specs):
        if obs is not None:
            full[i] += _expand(red[i], ones[i], x0.shape[1])
    return np.concatenate(full, axis=1)


def influence_acceleration(
    x0: Array, obs: Array | None, theta: Callable[[Array, Array], Array]
) -> Array:
    r"""BCa acceleration from the first-order leave-one-out of the sums.

    Leaving respondent i out turns the sums S into S − z_i, so to first order
    :math:`d_i = \bar\theta_{(\cdot)} - \theta_{(i)} = g \cdot (z_i - \bar z)` with g the
    gradient of the statistic at the mean leave-one-out sums (central differences, one step
    of each column's root mean square: a typical respondent's own share). The acceleration
    :math:`\sum d_i^3 / (6 (\sum d_i^2)^{3/2})` differs from the exact jackknife's by
    O(1/n) relative. ``theta(cov, cor)`` maps a stack of b matrices to (b, s) values of s
    statistics; returns their s accelerations (NaN where the gradient is not finite).
    """
    n, p = x0.shape
    missing = obs is not None
    step = max(1, _BLOCK_CELLS // (p * p * 4))

    def blocks() -> Iterator[Array]:
        for s in range(0, n, step):
            yield _columns(x0[s : s + step], None if obs is None else obs[s : s + step])[0]

    total = np.zeros(0)
    sq = np.zeros(0)
    for c in blocks():
        total = c.sum(axis=0) + (total if total.size else 0.0)
        sq = (c * c).sum(axis=0) + (sq if sq.size else 0.0)
    mean = total / n
    h = np.sqrt(np.maximum(sq / n - mean * mean, 0.0))
    h = np.where(h > 0, h, 1.0)
    base = total - mean  # the average leave-one-out sums, count n − 1
    eye = np.diag(h)
    vals = theta(*_sums_to_cov(np.concatenate([base + eye, base - eye]), p, float(n - 1), missing))
    k = len(h)
    grad = (vals[:k] - vals[k:]) / (2.0 * h[:, None])  # (k, s)
    ok = np.isfinite(grad).all(axis=0)
    grad = np.where(ok, grad, 0.0)
    m2 = np.zeros(grad.shape[1])
    m3 = np.zeros(grad.shape[1])
    shift = mean @ grad
    for c in blocks():
        d = c @ grad - shift
        m2 += (d * d).sum(axis=0)
        m3 += (d * d * d).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        acc = np.where(m2 > 0, m3 / (6.0 * m2**1.5), 0.0)
    return np.where(ok, acc, np.nan)
