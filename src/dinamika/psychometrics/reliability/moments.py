"""One chunked pass over item responses: pairwise covariances, item statistics, distributions.

Private helper of :mod:`dinamika.psychometrics.reliability.api`. Memory stays bounded (a few row chunks) whatever
the number of respondents, so a 1,000,000 × 24 array costs little more than ``numpy.cov``.
Covariances are ``use = "pairwise"`` in R's sense: every pair of items uses the respondents who
answered both, with that pair's own means.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

__all__ = ["ItemMoments", "item_moments", "pairwise_cor", "pairwise_cov"]

CHUNK_ROWS = 32_768  # rows per block: the block's work arrays stay in cache
MAX_LEVELS = 10  # psych's response.frequencies(max = 10)


@dataclass(frozen=True)
class ItemMoments:
    """Everything the reliability statistics need from the raw responses."""

    n_rows: int  # respondents with at least one answer
    count: NDArray[np.float64]  # (p, p) respondents answering both items
    cov: NDArray[np.float64]  # (p, p) pairwise covariances (ddof = 1)
    cor: NDArray[np.float64]  # (p, p) R's cor(x, use = "pairwise"): each pair's own SDs
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


def pairwise_cor(
    n: NDArray[np.float64],
    sx: NDArray[np.float64],
    sxx: NDArray[np.float64],
    sx2: NDArray[np.float64],
) -> NDArray[np.float64]:
    """R's ``cor(x, use = "pairwise")`` from (weighted) sums; works on stacks ``(..., p, p)``.

    As :func:`pairwise_cov`, plus ``sx2[i, j]`` = Σ w x_i² m_i m_j: each pair's correlation
    uses the standard deviations of the respondents who answered both items.
    """
    cov = pairwise_cov(n, sx, sxx)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = (sx2 - sx * sx / n) / (n - 1.0)  # var[i, j]: item i among those answering j
        return cov / np.sqrt(var * np.swapaxes(var, -1, -2))


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
    n_lev = int(hi - lo) + 1 if hi - lo < MAX_LEVELS and lo == round(lo) else 0
    width = n_lev + 1  # one extra bin per item for missing answers
    # bin of code v of item j: j * width + (v - lo); missing answers go to j * width + n_lev
    offsets = np.arange(p, dtype=np.intp) * width - int(lo)
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
    s_x2 = np.zeros((p, p))
    t_stats = np.zeros((3, p))  # Σ m t, Σ m t², Σ m t x (t and x centered)
    t_shift = float(shift.mean())
    n_rows = 0
    # work arrays in the memory order of x (a DataFrame's values are usually column-major),
    # so every elementwise step streams through contiguous memory
    order: Literal["C", "F"] = "F" if x.flags.f_contiguous and not x.flags.c_contiguous else "C"
    work = np.empty((min(n, CHUNK_ROWS), p), order=order)
    idx = np.empty((min(n, CHUNK_ROWS), p), dtype=np.intp, order=order)
    for start in range(0, n, CHUNK_ROWS):
        c = x[start : start + CHUNK_ROWS]
        m = len(c)
        buf = np.subtract(c, shift, out=work[:m])
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
            s_x2 += (buf * buf).T @ mf
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
            # codes as integers (truncated; non-integer codes are caught by the sum check below)
            src = c if complete else np.where(np.isnan(c), lo + n_lev, c)
            if lo < 0:  # truncate toward lo, so every fractional part lowers the sum
                np.copyto(idx[:m], src - lo, casting="unsafe")
                idx[:m] += offsets + int(lo)
            else:
                np.copyto(idx[:m], src, casting="unsafe")
                idx[:m] += offsets
            freq += np.bincount(idx[:m].ravel(order="K"), minlength=p * width)
    if complete:
        sums = s_x[0].copy()
        s_n[:] = n
        s_x = np.broadcast_to(sums[:, None], (p, p)).copy()
        cov = pairwise_cov(s_n, s_x, s_xx)
        mean = shift + sums / n
        ones = np.ones(p)
        sd = np.sqrt(np.diag(cov))
        with np.errstate(invalid="ignore", divide="ignore"):
            cor = cov / np.outer(sd, sd)
            total_r = cov @ ones / np.sqrt(np.diag(cov) * (ones @ cov @ ones))
    else:
        cov = pairwise_cov(s_n, s_x, s_xx)
        cor = pairwise_cor(s_n, s_x, s_xx, s_x2)
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
    if n_lev:
        table = freq.reshape(p, width)[:, :n_lev]
        # the distribution is reported only if the codes are integers: then Σ (code − lo) over
        # the counts equals Σ (x − lo) from the moments (every truncated fraction would lower it)
        answered = np.diag(s_n) if not complete else np.full(p, float(n))
        keyed_sum = mean * answered
        raw_sum = np.where(reverse, adjust * answered - keyed_sum, keyed_sum) - lo * answered
        coded_sum = table @ np.arange(n_lev, dtype=np.float64)
        if np.all(np.abs(coded_sum - raw_sum) <= 1e-6 + 1e-12 * (hi - lo) * answered):
            levels = lo + np.arange(n_lev, dtype=np.float64)
            counts = table
    return ItemMoments(
        n_rows=n_rows,
        count=s_n,
        cov=cov,
        cor=cor,
        mean=mean,
        total_r=total_r,
        levels=levels,
        freq=counts,
        complete=complete,
    )
