"""One chunked pass over item responses: pairwise covariances, item statistics, distributions.

Private helper of :mod:`dinamika.reliability`. Memory stays bounded (a few row chunks) whatever
the number of respondents, so a 1,000,000 × 24 array costs little more than ``numpy.cov``.
Covariances are ``use = "pairwise"`` in R's sense: every pair of items uses the respondents who
answered both, with that pair's own means.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["ItemMoments", "item_moments", "pairwise_cov"]

CHUNK_ROWS = 65_536
MAX_LEVELS = 10  # psych's response.frequencies(max = 10)


@dataclass(frozen=True)
class ItemMoments:
    """Everything the reliability statistics need from the raw responses."""

    n_rows: int  # respondents with at least one answer
    count: NDArray[np.float64]  # (p, p) respondents answering both items
    cov: NDArray[np.float64]  # (p, p) pairwise covariances (ddof = 1)
    mean: NDArray[np.float64]  # (p,) item means (keyed)
    total_r: NDArray[np.float64]  # (p,) correlation of item with the mean of answered items
    levels: NDArray[np.float64] | None  # response codes counted in ``freq``
    freq: NDArray[np.int64] | None  # (p, len(levels)) counts of each code, as answered
    complete: bool  # no missing answer at all


def pairwise_cov(
    n: NDArray[np.float64], sx: NDArray[np.float64], sxx: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Pairwise covariances from (weighted) sums; works on stacks ``(..., p, p)``.

    ``n[i, j]`` = Σ w m_i m_j, ``sx[i, j]`` = Σ w x_i m_i m_j, ``sxx[i, j]`` = Σ w x_i x_j m_i m_j
    (x = 0 where missing). Returns (sxx − sx sxᵀ / n) / (n − 1).
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        return (sxx - sx * np.swapaxes(sx, -1, -2) / n) / (n - 1.0)


def item_moments(
    x: NDArray[np.float64],
    reverse: NDArray[np.bool_],
    adjust: float,
    code_range: tuple[float, float] | None = None,
    complete: bool | None = None,
) -> ItemMoments:
    """Keyed pairwise moments of ``x`` (n × p, NaN = missing) in one chunked pass.

    Reverse-keyed columns are transformed to ``adjust − x`` on the fly; the response
    distribution is counted on the answers as given, over the codes ``code_range`` (default:
    lowest to highest code observed) when they are at most 10 consecutive integers.
    ``complete`` (no missing answer), when known, saves a pass over the data.
    """
    n, p = x.shape
    if complete is None:
        complete = not bool(np.isnan(x).any())
    lo, hi = code_range if code_range is not None else (float(np.nanmin(x)), float(np.nanmax(x)))
    n_lev = int(hi - lo) + 1 if hi - lo < MAX_LEVELS else 0
    width = n_lev + 1  # one extra bin per item for missing answers
    offsets = np.arange(p) * width
    code_dtype = np.uint8 if p * width <= 256 else np.uint16
    freq = np.zeros(p * width, dtype=np.int64)
    first = x[:CHUNK_ROWS]
    keyed_first = np.where(reverse, adjust - first, first)
    shift = (
        np.nan_to_num(np.nanmean(keyed_first, axis=0)) if not complete else keyed_first.mean(axis=0)
    )
    rev_const = adjust - shift[reverse]
    s_n = np.zeros((p, p))
    s_x = np.zeros((p, p))
    s_xx = np.zeros((p, p))
    t_stats = np.zeros((3, p))  # Σ m t, Σ m t², Σ m t x (t and x centered)
    t_shift = float(shift.mean())
    n_rows = 0
    truncation_ok = True
    for start in range(0, n, CHUNK_ROWS):
        c = x[start : start + CHUNK_ROWS]
        buf = c - shift
        if reverse.any():
            buf[:, reverse] = rev_const - c[:, reverse]
        if complete:
            n_rows += len(c)
            s_x[0] += buf.sum(axis=0)  # column sums in row 0 (expanded below)
            s_xx += buf.T @ buf
        else:
            obs = ~np.isnan(c)
            mf = obs.astype(np.float64)
            np.copyto(buf, 0.0, where=~obs)
            s_n += mf.T @ mf
            s_x += buf.T @ mf
            s_xx += buf.T @ buf
            cnt = mf.sum(axis=1)
            has = cnt > 0
            n_rows += int(has.sum())
            with np.errstate(invalid="ignore", divide="ignore"):
                total = (buf.sum(axis=1) + mf @ shift) / cnt - t_shift
            total = np.where(has, total, 0.0)
            t_stats[0] += total @ mf
            t_stats[1] += (total * total) @ mf
            t_stats[2] += total @ buf
        if n_lev:
            raw = c - lo
            if not complete:
                raw = np.where(np.isnan(raw), n_lev, raw)
            codes = raw.astype(code_dtype)
            truncation_ok = truncation_ok and bool(np.array_equal(codes, raw))
            np.add(codes, offsets.astype(code_dtype), out=codes)
            freq += np.bincount(codes.ravel(order="K"), minlength=p * width)
    if complete:
        sums = s_x[0].copy()
        s_n[:] = n
        s_x = np.broadcast_to(sums[:, None], (p, p)).copy()
        cov = pairwise_cov(s_n, s_x, s_xx)
        mean = shift + sums / n
        ones = np.ones(p)
        with np.errstate(invalid="ignore", divide="ignore"):
            total_r = cov @ ones / np.sqrt(np.diag(cov) * (ones @ cov @ ones))
    else:
        cov = pairwise_cov(s_n, s_x, s_xx)
        cnt_i = np.diag(s_n)
        sx_i = np.diag(s_x)
        sxx_i = np.diag(s_xx)
        mean = shift + sx_i / cnt_i
        with np.errstate(invalid="ignore", divide="ignore"):
            num = t_stats[2] - t_stats[0] * sx_i / cnt_i
            den = np.sqrt((t_stats[1] - t_stats[0] ** 2 / cnt_i) * (sxx_i - sx_i**2 / cnt_i))
            total_r = num / den
    levels = None
    counts = None
    if n_lev and truncation_ok:
        levels = lo + np.arange(n_lev, dtype=np.float64)
        counts = freq.reshape(p, width)[:, :n_lev]
    return ItemMoments(
        n_rows=n_rows,
        count=s_n,
        cov=cov,
        mean=mean,
        total_r=total_r,
        levels=levels,
        freq=counts,
        complete=complete,
    )
