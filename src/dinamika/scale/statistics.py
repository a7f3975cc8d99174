"""Sufficient statistics of item responses, computed partition by partition (beyond one machine).

Every moment-based estimate of dinamika needs only sums over respondents: pairwise
covariances and correlations (alpha, omega), the complete-case covariance matrix (CFA ML) and
the bivariate tables of every pair of items (polychoric correlations). With integer codes all
of them follow from

- the pair tables ``tables[i, j, a, b]``: respondents answering code ``lowest + a`` to item
  ``i`` and ``lowest + b`` to item ``j`` (pairwise; the diagonal blocks are the item
  distributions), and
- the complete-case sums: respondents answering every item, their code sums and
  cross-products.

These are integer counts and sums, so adding them up over partitions gives exactly the numbers
of one pass over all rows, in any order and on any number of machines.
:func:`sufficient_statistics` computes them from an in-memory DataFrame, from Parquet files or
a folder of them (partitioned data), or from a Dask DataFrame; with Dask installed
(``pip install 'dinamika[dask]'``) files and Dask DataFrames are reduced by the Dask scheduler
in use (a ``distributed.Client`` when one is active), otherwise files are read one after
another with pyarrow.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from dinamika.core.results import ResultMixin
from dinamika.errors import UsageError
from dinamika.i18n.messages import Message
from dinamika.psychometrics.polychoric.fit import pair_tables
from dinamika.psychometrics.reliability.moments import pairwise_cor, pairwise_cov

__all__ = ["SufficientStatistics", "sufficient_statistics"]

MAX_CODES = 10  # distinct codes a pair table holds (psych's response.frequencies(max = 10))


@dataclass(frozen=True)
class SufficientStatistics(ResultMixin):
    """Integer sums over respondents from which every moment-based estimate follows.

    Attributes
    ----------
    items : tuple of str
        Item columns, in order.
    lowest : int
        The code of the first row and column of each pair table (the lowest code answered).
    tables : ndarray of int64, shape (p, p, K, K)
        ``tables[i, j, a, b]``: respondents answering ``lowest + a`` to item i and
        ``lowest + b`` to item j.
    n_rows : int
        Rows read; ``n_answering`` of them answered at least one item.
    patterns : mapping
        Respondents per pattern of answered items (``numpy.packbits`` of the answered mask),
        from which the respondents answering any of some items follow.
    n_complete, complete_sum, complete_cross : int, (p,), (p, p)
        Respondents answering every item, their code sums and cross-products.
    partitions : int
        Partitions the sums were added up from.

    Examples
    --------
    >>> import pandas as pd
    >>> from dinamika.scale import sufficient_statistics
    >>> s = sufficient_statistics(pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 2, 4, None]}))
    >>> s.count.tolist(), s.n_complete
    ([[4, 3], [3, 3]], 3)
    """

    items: tuple[str, ...]
    lowest: int
    tables: NDArray[np.int64] = field(repr=False)
    n_rows: int
    n_answering: int
    n_complete: int
    complete_sum: NDArray[np.int64] = field(repr=False)
    complete_cross: NDArray[np.int64] = field(repr=False)
    partitions: int = 1
    patterns: Mapping[bytes, int] = field(default_factory=dict, repr=False)

    # --- pairwise sums (Σ over respondents answering both items) -------------------------
    @property
    def count(self) -> NDArray[np.int64]:
        """(p, p) respondents answering both items."""
        return self.tables.sum(axis=(2, 3))

    def _codes(self) -> NDArray[np.int64]:
        return self.lowest + np.arange(self.tables.shape[2], dtype=np.int64)

    def pairwise_sums(self) -> tuple[NDArray[np.int64], ...]:
        """``n, sx, sxx, sx2`` (each p × p) as :func:`~dinamika.psychometrics.reliability.moments.pairwise_cov`
        takes them: Σ m_i m_j, Σ x_i m_i m_j, Σ x_i x_j m_i m_j, Σ x_i² m_i m_j."""
        v = self._codes()
        t = self.tables
        sx = np.einsum("ijab,a->ij", t, v)
        sxx = np.einsum("ijab,a,b->ij", t, v, v)
        sx2 = np.einsum("ijab,a->ij", t, v * v)
        return self.count, sx, sxx, sx2

    def pairwise_cov(self, reverse: Sequence[str] = ()) -> pd.DataFrame:
        """R's ``cov(x, use = "pairwise")`` (reverse-keyed items change sign)."""
        n, sx, sxx, _ = (a.astype(np.float64) for a in self.pairwise_sums())
        return self._frame(pairwise_cov(n, sx, sxx), reverse)

    def pairwise_cor(self, reverse: Sequence[str] = ()) -> pd.DataFrame:
        """R's ``cor(x, use = "pairwise")``: each pair's own means and SDs."""
        n, sx, sxx, sx2 = (a.astype(np.float64) for a in self.pairwise_sums())
        return self._frame(pairwise_cor(n, sx, sxx, sx2), reverse)

    def complete_cov(self, *, bias: bool = False) -> pd.DataFrame:
        """Covariance matrix of the complete cases (``bias=True``: divided by n, as ML uses)."""
        n = self.n_complete
        if n < 2:
            raise UsageError(f"only {n} respondent(s) answered every item")
        s = self.complete_sum.astype(np.float64)
        cross = self.complete_cross.astype(np.float64) - np.outer(s, s) / n
        return self._frame(cross / (n if bias else n - 1), ())

    def complete_mean(self) -> pd.Series:
        """Item means of the complete cases."""
        return pd.Series(self.complete_sum / max(self.n_complete, 1), index=list(self.items))

    def _frame(self, mat: NDArray[np.float64], reverse: Sequence[str]) -> pd.DataFrame:
        names = list(self.items)
        unknown = [r for r in reverse if r not in names]
        if unknown:
            raise UsageError(f"reverse names item(s) {unknown} that are not among {names}")
        sign = np.where([n in set(reverse) for n in names], -1.0, 1.0)
        return pd.DataFrame(mat * np.outer(sign, sign), index=names, columns=names)

    def subset(self, items: Sequence[str]) -> SufficientStatistics:
        """The statistics of some of the items (pairwise parts exact; the complete-case part
        needs the complete cases of exactly these items and is only kept when they are all)."""
        unknown = [i for i in items if i not in self.items]
        if unknown:
            raise UsageError(f"item(s) {unknown} are not among {list(self.items)}")
        pos = [self.items.index(i) for i in items]
        if set(items) != set(self.items):  # complete cases of other items: not known here
            complete = (0, np.zeros(len(pos), np.int64), np.zeros((len(pos),) * 2, np.int64))
        else:
            complete = (
                self.n_complete,
                self.complete_sum[pos],
                self.complete_cross[np.ix_(pos, pos)],
            )
        answering = self.n_answering
        if self.patterns:
            keys = list(self.patterns)
            bits = np.unpackbits(
                np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), -1), axis=1
            )[:, : len(self.items)]
            any_of = bits[:, pos].any(axis=1)
            answering = int(np.asarray(list(self.patterns.values()))[any_of].sum())
        return SufficientStatistics(
            items=tuple(items),
            lowest=self.lowest,
            tables=self.tables[np.ix_(pos, pos)],
            n_rows=self.n_rows,
            n_answering=answering,
            n_complete=complete[0],
            complete_sum=complete[1],
            complete_cross=complete[2],
            partitions=self.partitions,
            patterns=self.patterns,
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per item: answers, mean and SD of the answers (pairwise diagonal)."""
        n, sx, _, sx2 = (np.diag(a).astype(np.float64) for a in self.pairwise_sums())
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = sx / n
            sd = np.sqrt((sx2 - sx * sx / n) / (n - 1))
        return pd.DataFrame(
            {"item": list(self.items), "n": n.astype(np.int64), "mean": mean, "sd": sd}
        )

    def summary(self, lang: str = "id") -> str:
        """Rows, respondents and partitions the statistics hold."""
        return Message(
            "scale.statistics_summary",
            items=len(self.items),
            rows=self.n_rows,
            answering=self.n_answering,
            complete=self.n_complete,
            partitions=self.partitions,
        ).text(lang)


# ---------------------------------------------------------------------------------------------


def _codes_of(frame: pd.DataFrame, items: Sequence[str]) -> NDArray[np.float64]:
    missing = [c for c in items if c not in frame.columns]
    if missing:
        raise UsageError(f"item column(s) {missing} are not in the data")
    try:
        x = frame[list(items)].to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"item columns need numeric codes with NaN for missing ({exc})") from None
    return x


def _range(frame: pd.DataFrame, items: Sequence[str]) -> tuple[float, float, bool]:
    """Lowest and highest code of a partition and whether every code is a whole number."""
    x = _codes_of(frame, items)
    obs = ~np.isnan(x)
    if not obs.any():
        return np.inf, -np.inf, True
    vals = x[obs]
    return float(vals.min()), float(vals.max()), bool((vals == np.round(vals)).all())


def _partition(frame: pd.DataFrame, items: Sequence[str], lowest: int, k: int) -> tuple[Any, ...]:
    """Integer sums of one partition: pair tables, rows, answering, complete-case sums and the
    respondents per answered pattern."""
    x = _codes_of(frame, items)
    obs = ~np.isnan(x)
    codes = np.where(obs, x - lowest, -1).astype(np.int64)
    tables = pair_tables(codes, k)
    full = obs.all(axis=1)
    xc = x[full].astype(np.int64)
    return (
        tables,
        len(x),
        int(obs.any(axis=1).sum()),
        int(full.sum()),
        xc.sum(axis=0),
        xc.T @ xc,
        _patterns(obs),
    )


def _patterns(obs: NDArray[np.bool_]) -> Counter[bytes]:
    if not len(obs):
        return Counter()
    packed, counts = np.unique(np.packbits(obs, axis=1), axis=0, return_counts=True)
    return Counter({row.tobytes(): int(c) for row, c in zip(packed, counts, strict=True)})


def _add(parts: Iterable[tuple[Any, ...]]) -> tuple[Any, ...]:
    total: list[Any] | None = None
    count = 0
    for part in parts:
        count += 1
        total = list(part) if total is None else [a + b for a, b in zip(total, part, strict=True)]
    if total is None:
        raise UsageError("the data has no partitions")
    return (*total, count)


def _is_dask(obj: Any) -> bool:
    return type(obj).__module__.startswith(("dask.", "dask_expr"))


def _parquet_files(source: str | Path | Sequence[str | Path]) -> list[Path]:
    paths = [Path(source)] if isinstance(source, str | Path) else [Path(p) for p in source]
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files += sorted(f for f in p.rglob("*.parquet") if f.is_file())
        elif p.is_file():
            files.append(p)
        else:
            raise UsageError(f"{p} is neither a Parquet file nor a folder of them")
    if not files:
        raise UsageError(f"no .parquet files in {', '.join(str(p) for p in paths)}")
    return files


def _dask_frame(source: Any, items: Sequence[str]) -> Any:
    if _is_dask(source):
        return source
    try:
        import dask.dataframe as dd
    except ImportError:
        return None
    return dd.read_parquet([str(f) for f in _parquet_files(source)], columns=list(items))


def sufficient_statistics(
    source: pd.DataFrame | str | Path | Sequence[str | Path] | Any,
    items: Sequence[str] | None = None,
) -> SufficientStatistics:
    """Pair tables and complete-case sums of item responses, added up over partitions.

    Parameters
    ----------
    source : DataFrame, path(s) or Dask DataFrame
        Item responses (integer codes, NaN for missing): an in-memory DataFrame, one or more
        Parquet files or folders of them (a partitioned data set), or a Dask DataFrame. Files
        and Dask DataFrames are reduced by Dask (the active ``distributed.Client``, if any)
        when it is installed (``pip install 'dinamika[dask]'``), else file by file.
    items : sequence of str, optional
        Item columns (default: every column of an in-memory or Dask DataFrame).

    Returns
    -------
    SufficientStatistics
        Accepted by :func:`dinamika.polychoric`, :func:`dinamika.cfa` (ML, listwise) and
        :func:`dinamika.scale.reliability_from_statistics`, which give the in-memory results.

    Examples
    --------
    >>> import pandas as pd
    >>> from dinamika.scale import sufficient_statistics
    >>> s = sufficient_statistics(pd.DataFrame({"a": [1, 2, 3], "b": [1, 3, 3]}))
    >>> s.pairwise_cov().round(3).to_numpy().tolist()
    [[1.0, 1.0], [1.0, 1.333]]
    """
    if isinstance(source, pd.DataFrame):
        names = [str(c) for c in (items if items is not None else source.columns)]
        return _reduce([source], names, partitions=lambda fn: [fn(source)])
    ddf = None
    if _is_dask(source) or isinstance(source, str | Path | list | tuple):
        ddf = _dask_frame(source, items or [])
    if ddf is not None:
        names = [str(c) for c in (items if items is not None else ddf.columns)]
        return _reduce_dask(ddf[names], names)
    files = _parquet_files(source)
    if items is None:
        import pyarrow.parquet as pq

        items = list(pq.read_schema(files[0]).names)
    names = [str(c) for c in items]

    def each(fn: Any) -> list[Any]:
        return [fn(pd.read_parquet(f, columns=names)) for f in files]

    return _reduce(files, names, partitions=each)


def _check_range(lo: float, hi: float, whole: bool) -> tuple[int, int]:
    if lo > hi:
        raise UsageError("there are no answers to work with")
    if not whole:
        raise UsageError("item codes must be whole numbers (e.g. 1–5) for pair tables")
    k = int(hi - lo) + 1
    if k > MAX_CODES:
        raise UsageError(f"the items span {k} codes; pair tables hold at most {MAX_CODES}")
    return int(lo), k


def _assemble(names: list[str], lowest: int, total: tuple[Any, ...]) -> SufficientStatistics:
    tables, n_rows, n_ans, n_full, csum, ccross, patterns, count = total
    return SufficientStatistics(
        items=tuple(names),
        lowest=lowest,
        tables=np.asarray(tables, dtype=np.int64),
        n_rows=int(n_rows),
        n_answering=int(n_ans),
        n_complete=int(n_full),
        complete_sum=np.asarray(csum, dtype=np.int64),
        complete_cross=np.asarray(ccross, dtype=np.int64),
        partitions=int(count),
        patterns=dict(patterns),
    )


def _reduce(source: Any, names: list[str], partitions: Any) -> SufficientStatistics:
    ranges = partitions(lambda f: _range(f, names))
    lo, k = _check_range(
        min(r[0] for r in ranges), max(r[1] for r in ranges), all(r[2] for r in ranges)
    )
    return _assemble(names, lo, _add(partitions(lambda f: _partition(f, names, lo, k))))


def _reduce_dask(ddf: Any, names: list[str]) -> SufficientStatistics:
    """Two passes of Dask tasks, one per partition, each returning small integer arrays."""
    import dask

    parts = ddf.to_delayed()
    ranges = dask.compute(*[dask.delayed(_range)(p, names) for p in parts])
    lo, k = _check_range(
        min(r[0] for r in ranges), max(r[1] for r in ranges), all(r[2] for r in ranges)
    )
    sums = [dask.delayed(_partition)(p, names, lo, k) for p in parts]
    while len(sums) > 1:  # tree reduction: partial sums are added where they were computed
        sums = [
            dask.delayed(_add_two)(*sums[i : i + 2]) if i + 1 < len(sums) else sums[i]
            for i in range(0, len(sums), 2)
        ]
    (total,) = dask.compute(sums[0])
    return _assemble(names, lo, (*total, len(parts)))


def _add_two(a: tuple[Any, ...], b: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(x + y for x, y in zip(a, b, strict=True))
