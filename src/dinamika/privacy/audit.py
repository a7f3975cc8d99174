"""Suppression audit: the feasible interval of every hidden cell, by linear programming.

After :func:`dinamika.privacy.outputs.suppress` has chosen cells, an attacker still holds every
*published* number of a term: the school table, the KKG table, the overall row, and the changes
of a trend report. This module solves, as τ-Argus and sdcTable do in their audits, for the
smallest and largest value each hidden cell's count and sums (mean × n) can take given all of
those numbers, and :func:`protect` hides more cells until every interval is wide.

The unknowns are *atoms*: the respondents of one combination of groups (one school within one
KKG, in one term). An atom that exists has at least one respondent (the attacker is assumed to
know which atoms exist), its sum of a scale lies between the scale's lower and upper bound
times its count. Every visible cell fixes the sum of its atoms' counts and sums; every visible
change (trend) fixes ``sum_last / n_last - sum_first / n_first``.

Protection level (documented in ``docs/keamanan-privasi.md``): for every hidden cell with fewer
than ``min_cell`` respondents,

- its count's interval is at least ``min_cell - 1`` wide (at least ``min_cell`` sizes remain
  possible), and
- the interval of each of its sums is at least ``mean_share × (upper - lower) × n`` wide: at its
  true size, the hidden mean could lie anywhere in a range of at least ``mean_share`` (default
  half) of the scale's range.

The linear relaxation gives intervals at least as wide as those of whole-number counts would
be; published means are taken as exact (no credit for rounding).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from scipy.sparse import csr_matrix, hstack, vstack

__all__ = ["MEAN_SHARE", "Publication", "audit", "protect"]

#: Share of the scale's range the attacker's interval of a hidden mean must span.
MEAN_SHARE = 0.5


@dataclass
class Publication:
    """Everything published about some terms, as linear facts about atoms.

    Attributes
    ----------
    n : ndarray
        Respondents per atom.
    sums : dict of str to ndarray
        Per value (scale), the atom's sum (mean × n).
    bounds : dict of str to (float, float)
        Smallest and largest value of one respondent's score on each scale.
    cells : list of tuple
        ``(table, label, members, hidden, locked)``: atom positions of each published cell;
        ``locked`` cells (the overall row) are never chosen for complementary suppression.
    changes : list of tuple
        ``(first_cell, last_cell)`` indices into ``cells`` of each trend change that is shown
        (only meaningful while both cells' counts are shown).
    """

    n: np.ndarray
    sums: dict[str, np.ndarray]
    bounds: dict[str, tuple[float, float]]
    cells: list[tuple[str, str, np.ndarray, bool, bool]]
    changes: list[tuple[int, int]]

    def cell_n(self, i: int) -> float:
        return float(self.n[self.cells[i][2]].sum())

    def hidden(self) -> np.ndarray:
        return np.array([c[3] for c in self.cells], dtype=bool)


def _membership(pub: Publication, rows: Sequence[int]) -> csr_matrix:
    m = len(pub.n)
    data, ri, ci = [], [], []
    for r, i in enumerate(rows):
        members = pub.cells[i][2]
        data += [1.0] * len(members)
        ri += [r] * len(members)
        ci += list(members)
    return csr_matrix((data, (ri, ci)), shape=(len(rows), m))


def _solve(c: np.ndarray, a_eq, b_eq, a_ub, b_ub, lb: np.ndarray) -> tuple[float, float]:
    out = []
    for sign in (1.0, -1.0):
        res = linprog(
            sign * c,
            A_eq=a_eq,
            b_eq=b_eq,
            A_ub=a_ub,
            b_ub=b_ub,
            bounds=list(zip(lb, [None] * len(lb), strict=True)),
            method="highs",
        )
        if res.status == 3:  # unbounded
            out.append(-np.inf if sign > 0 else np.inf)
        elif res.status == 0:
            out.append(sign * float(res.fun))
        else:  # infeasible by rounding of the facts: no information, say so by NaN
            out.append(np.nan)
    return out[0], out[1]


def audit(
    pub: Publication,
    *,
    min_cell: int = 5,
    mean_share: float = MEAN_SHARE,
    sensitive_only: bool = False,
    stop_at_first: bool = False,
) -> pd.DataFrame:
    """The feasible interval of every hidden cell's count and sums, and whether it is protected.

    Returns
    -------
    DataFrame
        One row per hidden cell: ``cell`` (index), ``table``, ``label``, ``n`` (true),
        ``n_lo``, ``n_hi``, ``<value>_lo``, ``<value>_hi`` (interval of the sum), ``sensitive``
        (fewer than ``min_cell``) and ``protected``. ``sensitive_only`` audits only the cells
        with fewer than ``min_cell``; ``stop_at_first`` returns at the first unprotected one
        (what :func:`protect` needs).

    Examples
    --------
    >>> pub = Publication(n=np.array([2, 9, 20]), sums={}, bounds={},
    ...                   cells=[("school", "A", np.array([0]), True, False),
    ...                          ("school", "B", np.array([1]), True, False),
    ...                          ("school", "C", np.array([2]), False, False),
    ...                          ("total", "", np.array([0, 1, 2]), False, True)], changes=[])
    >>> audit(pub)[["label", "n_lo", "n_hi", "protected"]].values.tolist()
    [['A', 1.0, 10.0, True], ['B', 1.0, 10.0, True]]
    """
    m = len(pub.n)
    hidden = pub.hidden()
    visible = [int(i) for i in np.flatnonzero(~hidden)]
    shown = set(visible)
    a_vis = _membership(pub, visible)
    n_vis = np.array([pub.cell_n(i) for i in visible])
    systems: dict[str, tuple[Any, Any, Any, Any, np.ndarray]] = {}
    eye = _sparse_eye(m)
    for value, sums in pub.sums.items():
        low, up = pub.bounds[value]
        # variables [x (m), s (m)]: L x - s <= 0, s - U x <= 0
        a_ub = vstack([hstack([low * eye, -eye]), hstack([-up * eye, eye])]).tocsr()
        b_ub = np.zeros(2 * m)
        eq_rows = [hstack([a_vis, csr_matrix((len(visible), m))])] if len(visible) else []
        eq_b = [n_vis] if len(visible) else []
        if len(visible):
            s_vis = np.array([sums[pub.cells[j][2]].sum() for j in visible])
            eq_rows.append(hstack([csr_matrix((len(visible), m)), a_vis]))
            eq_b.append(s_vis)
        for first, last in pub.changes:
            if first not in shown or last not in shown:
                continue
            row_c = np.zeros(2 * m)
            nf, nl = pub.cell_n(first), pub.cell_n(last)
            row_c[m + pub.cells[last][2]] += 1.0 / nl
            row_c[m + pub.cells[first][2]] -= 1.0 / nf
            d = sums[pub.cells[last][2]].sum() / nl - sums[pub.cells[first][2]].sum() / nf
            eq_rows.append(csr_matrix(row_c))
            eq_b.append(np.array([d]))
        a_eq = vstack(eq_rows).tocsr() if eq_rows else None
        b_eq = np.concatenate(eq_b) if eq_b else None
        lb = np.concatenate([np.ones(m), np.full(m, -np.inf if low < 0 else 0.0)])
        systems[value] = (a_eq, b_eq, a_ub, b_ub, lb)
    rows = []
    targets = [int(i) for i in np.flatnonzero(hidden)]
    if sensitive_only:
        targets = [i for i in targets if pub.cell_n(i) < min_cell]
    for i in targets:
        table, label, members, _, _ = pub.cells[i]
        c = np.zeros(m)
        c[members] = 1.0
        lo, hi = _solve(
            c, a_vis if len(visible) else None, n_vis if len(visible) else None, None, None,
            np.ones(m),
        )  # fmt: skip
        n_true = float(pub.n[members].sum())
        row = {"cell": int(i), "table": table, "label": label, "n": n_true, "n_lo": lo, "n_hi": hi}
        ok = not (hi - lo < min_cell - 1 - 1e-9)
        for value in pub.sums if ok or not stop_at_first else ():
            low, up = pub.bounds[value]
            a_eq, b_eq, a_ub, b_ub, lb = systems[value]
            cs = np.zeros(2 * m)
            cs[m + members] = 1.0
            s_lo, s_hi = _solve(cs, a_eq, b_eq, a_ub, b_ub, lb)
            row[f"{value}_lo"], row[f"{value}_hi"] = s_lo, s_hi
            need = mean_share * (up - low) * n_true
            if s_hi - s_lo < need - 1e-9:
                ok = False
                if stop_at_first:
                    break
        row["sensitive"] = n_true < min_cell
        row["protected"] = ok or not row["sensitive"]
        rows.append(row)
        if stop_at_first and not row["protected"]:
            break
    return pd.DataFrame(rows)


def _sparse_eye(m: int) -> csr_matrix:
    idx = np.arange(m)
    return csr_matrix((np.ones(m), (idx, idx)), shape=(m, m))


def protect(
    pub: Publication, *, min_cell: int = 5, mean_share: float = MEAN_SHARE
) -> tuple[np.ndarray, pd.DataFrame]:
    """Hide more cells until :func:`audit` finds every sensitive hidden cell protected.

    For a cell whose interval is too narrow, the smallest visible cell P that overlaps it is
    found (the fact that pins it); then the smallest visible cell of the same table that also
    overlaps P is hidden (or P itself, when there is none). Repeats until the audit passes.

    Returns
    -------
    (hidden, audit) : ndarray of bool, DataFrame
        The final hidden mask over ``pub.cells`` and the final audit.
    """
    sets = [set(c[2].tolist()) for c in pub.cells]
    sizes = np.array([pub.cell_n(i) for i in range(len(pub.cells))])
    for _ in range(len(pub.cells) + 1):
        result = audit(
            pub, min_cell=min_cell, mean_share=mean_share, sensitive_only=True, stop_at_first=True
        )
        bad = result[~result["protected"]] if len(result) else result
        if bad.empty:
            return pub.hidden(), result
        target = int(bad.iloc[0]["cell"])
        table = pub.cells[target][0]
        hidden = pub.hidden()
        free = [i for i in range(len(pub.cells)) if not hidden[i] and not pub.cells[i][4]]
        overlapping = sorted(
            (i for i in range(len(pub.cells)) if not hidden[i] and sets[i] & sets[target]),
            key=lambda i: sizes[i],
        )
        choice = None
        for p in overlapping:
            same = [q for q in free if q != p and pub.cells[q][0] == table and sets[q] & sets[p]]
            if same:
                choice = min(same, key=lambda q: (sizes[q], q))
                break
            if not pub.cells[p][4]:
                choice = p
                break
        if choice is None:
            same_table = [q for q in free if pub.cells[q][0] == table] or free
            if not same_table:  # only the overall row is left: nothing more can be hidden
                return pub.hidden(), result
            choice = min(same_table, key=lambda q: (sizes[q], q))
        t, label, members, _, locked = pub.cells[choice]
        pub.cells[choice] = (t, label, members, True, locked)
    return pub.hidden(), audit(pub, min_cell=min_cell, mean_share=mean_share, sensitive_only=True)


def publication_of(
    data: pd.DataFrame,
    *,
    groups: Sequence[str],
    values: Sequence[str],
    hidden: Mapping[str, pd.Series],
    bounds: Mapping[str, tuple[float, float]] | None = None,
    total_shown: bool = True,
    term: str = "",
) -> tuple[Publication, dict[str, list[int]]]:
    """The publication of one term's group tables (one per ``groups`` column) and overall row.

    ``hidden[g]`` is the suppression of table ``g`` (a boolean Series indexed by group label).
    Returns the publication and, per table, the indices of its cells (in ``hidden[g]`` order).
    """
    atoms = data.groupby(list(groups), sort=True, dropna=False)
    keys = atoms.size()
    n = keys.to_numpy(dtype=float)
    index = keys.index.to_frame(index=False)
    sums: dict[str, np.ndarray] = {}
    bnds: dict[str, tuple[float, float]] = {}
    for v in values:
        col = pd.to_numeric(data[v], errors="coerce")
        if col.notna().sum() == 0:
            continue
        means = col.groupby([data[g] for g in groups], sort=True, dropna=False).mean()
        means = means.reindex(keys.index).fillna(col.mean()).to_numpy(dtype=float)
        sums[v] = means * n
        lo_hi = bounds[v] if bounds and v in bounds else (col.min(), col.max())
        bnds[v] = (float(lo_hi[0]), float(lo_hi[1]))
    cells: list[tuple[str, str, np.ndarray, bool, bool]] = []
    where: dict[str, list[int]] = {}
    positions = np.arange(len(n))
    for g in groups:
        where[g] = []
        for lab, is_hidden in hidden[g].items():
            where[g].append(len(cells))
            members = positions[(index[g] == lab).to_numpy()]
            cells.append((f"{term}{g}", str(lab), members, bool(is_hidden), False))
    where["total"] = [len(cells)]
    cells.append((f"{term}total", "", positions, not total_shown, True))
    return Publication(n=n, sums=sums, bounds=bnds, cells=cells, changes=[]), where
