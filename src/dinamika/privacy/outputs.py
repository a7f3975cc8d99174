"""Privacy in every output: small-cell suppression and a scrub of identifiers and free text.

Three layers, each enough on its own for what it guards:

1. :func:`suppress` hides every group cell with fewer than ``min_cell`` respondents, plus
   complementary cells, so no hidden cell can be recovered from published totals;
2. :func:`scrub` drops identifier columns and any text column that is not on an allow-list of
   closed vocabularies (group labels, item and scale ids), so free text cannot reach a table;
3. :func:`find_leaks` searches a finished report for every identifier and free-text value of
   the raw files (the report refuses to write a file in which one is found).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from dinamika.errors import UsageError
from dinamika.privacy.pseudonym import looks_like_identifier

__all__ = [
    "IDENTIFIER_COLUMNS",
    "SAFE_TEXT_COLUMNS",
    "PrivacyError",
    "find_leaks",
    "group_means",
    "public_strings",
    "scrub",
    "secrets_of",
    "suppress",
    "suppress_nested",
]

#: Columns of loaded data that identify a person or an event and never appear in an output.
IDENTIFIER_COLUMNS = frozenset({"teacher", "lesson", "observer", "id", "respondent"})

#: Text columns whose values come from closed vocabularies (labels, ids of the instrument).
SAFE_TEXT_COLUMNS = frozenset(
    {
        "school",
        "kkg",
        "district",
        "level",
        "group",
        "term",
        "scale",
        "item",
        "aspect",
        "indicator",
        "construct",
        "theme",
        "stance",
        "label",
        "category",
        "statistic",
        "measure",
        "index",
        "model",
        "step",
        "lhs",
        "op",
        "rhs",
        "x",
        "y",
        "predictor",
        "outcome",
        "factor",
        "flag",
        "method",
        "source",
        "status",
        "reason",
    }
)


def suppress(
    table: pd.DataFrame,
    *,
    count_col: str = "n",
    min_cell: int = 5,
    margins: Sequence[Sequence[str]] = ((),),
    values: Sequence[str] | None = None,
    hide: Sequence[bool] | np.ndarray | None = None,
) -> pd.DataFrame:
    """Hide small group cells, with complementary suppression.

    A row of ``table`` is one published cell (a school, a KKG) with its respondent count in
    ``count_col``. Primary suppression hides every row with ``n < min_cell``. Each entry of
    ``margins`` names columns whose value sets form groups whose total is published (``()``,
    the default, is the grand total; ``("kkg",)`` adds the KKG subtotals). Within every such
    group, complementary suppression then hides the smallest still-visible rows until the
    hidden rows are either none, all, or at least two whose counts add up to ``min_cell`` or
    more. The rule is applied over all margins until nothing changes, so a hidden cell can never
    be recovered as a total minus the visible cells (nor a hidden mean from the weighted total).

    Parameters
    ----------
    table : DataFrame
        One row per cell; must hold ``count_col`` (non-negative counts).
    count_col : str
        Column with the number of respondents in the cell.
    min_cell : int
        Smallest cell that may be shown (default 5).
    margins : sequence of sequences of str
        Groupings whose totals are published or derivable.
    values : sequence of str, optional
        Columns to blank in hidden rows; default every numeric column (``count_col`` too).
    hide : sequence of bool, optional
        Rows to hide whatever their count (e.g. the schools of a suppressed KKG, see
        :func:`suppress_nested`).

    Returns
    -------
    DataFrame
        A copy with the ``values`` of hidden rows set to NaN and a boolean ``suppressed`` column.

    References
    ----------
    Hundepool, A., Domingo-Ferrer, J., Franconi, L., et al. (2012). *Statistical Disclosure
    Control*, ch. 4 (threshold rule, secondary suppression). Wiley.

    Examples
    --------
    >>> t = pd.DataFrame({"school": ["A", "B", "C", "D"], "n": [12, 3, 9, 20], "mean": [3.1, 4.0, 3.5, 3.3]})
    >>> out = suppress(t, min_cell=5)
    >>> out["suppressed"].tolist()  # B is small; C (next smallest) hides it from the total
    [False, True, True, False]
    >>> out["mean"].isna().tolist()
    [False, True, True, False]
    """
    if not isinstance(min_cell, int | np.integer) or min_cell < 1:
        raise UsageError(
            f"min_cell must be a whole number of at least 1, but {min_cell!r} was passed"
        )
    if count_col not in table.columns:
        raise UsageError(
            f"the table has no count column {count_col!r}; its columns are {list(table.columns)}"
        )
    counts = pd.to_numeric(table[count_col], errors="coerce").to_numpy(dtype=float)
    if (counts[~np.isnan(counts)] < 0).any():
        raise UsageError(f"column {count_col!r} holds negative counts")
    for margin in margins:
        missing = [c for c in margin if c not in table.columns]
        if missing:
            raise UsageError(f"margin columns {missing} are not in the table")
    out = table.copy()
    n = np.nan_to_num(counts, nan=0.0)
    hidden = np.isnan(counts) | (counts < min_cell)
    if hide is not None:
        forced = np.asarray(hide, dtype=bool)
        if forced.shape != hidden.shape:
            raise UsageError(f"`hide` needs one value per row ({len(hidden)}), got {forced.size}")
        hidden |= forced
    # smallest sets first: a complement chosen inside a KKG usually also protects the total
    sets = sorted(_margin_sets(table, margins), key=len)
    changed = True
    while changed:
        changed = False
        for idx in sets:
            h = hidden[idx]
            n_hidden = int(h.sum())
            if n_hidden == 0 or n_hidden == idx.size:
                continue
            if n_hidden >= 2 and n[idx][h].sum() >= min_cell:
                continue
            visible = idx[~h]
            hidden[visible[np.argmin(n[visible])]] = True
            changed = True
    if values is None:
        values = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])]
        values = [*values, count_col] if count_col not in values else values
    for col in values:
        if col not in out.columns:
            raise UsageError(f"value column {col!r} is not in the table")
        if hidden.any():
            out[col] = (
                out[col].astype(float) if pd.api.types.is_numeric_dtype(out[col]) else out[col]
            )
            out.loc[hidden, col] = np.nan
    out["suppressed"] = hidden
    return out


def suppress_nested(
    table: pd.DataFrame,
    parent_table: pd.DataFrame,
    *,
    parent: str,
    count_col: str = "n",
    min_cell: int = 5,
    values: Sequence[str] | None = None,
    parent_values: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Suppress two published tables of nested groups together (schools within KKGs).

    ``parent_table`` (one row per ``parent`` value, e.g. KKG) is suppressed first against the
    grand total. Every child row (school) of a hidden parent is then hidden too, and the child
    table is suppressed against the grand total and the subtotals of the parents still shown.
    So neither a hidden school nor a hidden KKG can be recovered from any mix of the two tables
    and their totals. Each child must belong to one parent.

    Returns
    -------
    (child, parent) : tuple of DataFrame
        Both with a ``suppressed`` column, as :func:`suppress`.

    Examples
    --------
    >>> schools = pd.DataFrame({"kkg": ["A", "A", "B", "B", "C"], "school": list("pqrst"),
    ...                         "n": [6, 7, 2, 9, 8]})
    >>> kkgs = schools.groupby("kkg", as_index=False)["n"].sum()
    >>> s, k = suppress_nested(schools, kkgs, parent="kkg")
    >>> k["suppressed"].tolist(), s["suppressed"].tolist()
    ([False, False, False], [False, False, True, True, False])
    """
    if parent not in table.columns or parent not in parent_table.columns:
        raise UsageError(f"both tables need the parent column {parent!r}")
    parents_out = suppress(
        parent_table, count_col=count_col, min_cell=min_cell, values=parent_values
    )
    hidden_parents = set(parents_out.loc[parents_out["suppressed"], parent])
    force = table[parent].isin(hidden_parents).to_numpy()
    child = suppress(
        table,
        count_col=count_col,
        min_cell=min_cell,
        margins=((), (parent,)),
        values=values,
        hide=force,
    )
    return child, parents_out


def group_means(
    data: pd.DataFrame,
    *,
    values: Sequence[str],
    groups: Sequence[str] = ("school", "kkg"),
    min_cell: int = 5,
    bounds: Mapping[str, tuple[float, float]] | None = None,
) -> dict[str, pd.DataFrame]:
    """Respondent counts and means per group, suppressed for publication.

    One table per grouping column present in ``data`` (``n`` = rows of the group, then the
    mean of each ``values`` column). When the first grouping is nested in the second (every
    school in one KKG), both tables are suppressed together with :func:`suppress_nested`, and
    the child table gets the parent column; otherwise each table against its grand total.
    Then every table and the overall row are audited together by linear programming
    (:mod:`dinamika.privacy.audit`) and more rows are hidden until no hidden group's count or
    mean can be narrowed down (also when a teacher's KKG differs from the school's).
    ``bounds`` gives each value's possible range (default: its observed range, which is
    narrower than the scale's and so errs on the safe side).

    Examples
    --------
    >>> d = pd.DataFrame({"school": list("aaaaaabbbcccccc"), "kkg": ["K"] * 9 + ["L"] * 6,
    ...                   "x": range(15)})
    >>> t = group_means(d, values=["x"])
    >>> t["school"]["suppressed"].tolist(), t["kkg"]["suppressed"].tolist()
    ([True, True, False], [False, False])
    """
    present = [g for g in groups if g in data.columns]
    tables: dict[str, pd.DataFrame] = {}
    for g in present:
        by = data.groupby(g, sort=True)
        table = by[list(values)].mean()
        table.insert(0, "n", by.size().astype(int))
        tables[g] = table.reset_index()
    cols = ["n", *values]
    out: dict[str, pd.DataFrame] | None = None
    if len(present) >= 2:
        child, parent = present[0], present[1]
        parents = data.groupby(child)[parent].nunique()
        if len(parents) and int(parents.max()) == 1:
            of = data.groupby(child)[parent].first()
            table = tables[child]
            table.insert(1, parent, of.reindex(table[child]).to_numpy())
            out = dict(tables)
            out[child], out[parent] = suppress_nested(
                table,
                tables[parent],
                parent=parent,
                min_cell=min_cell,
                values=cols,
                parent_values=cols,
            )
    if out is None:
        out = {g: suppress(t, min_cell=min_cell, values=cols) for g, t in tables.items()}
    return _audited(data, out, present, values, min_cell, bounds)


def _audited(
    data: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
    present: Sequence[str],
    values: Sequence[str],
    min_cell: int,
    bounds: Mapping[str, tuple[float, float]] | None,
) -> dict[str, pd.DataFrame]:
    """Hide more rows until the LP audit of all tables and the overall row passes."""
    from dinamika.privacy.audit import protect, publication_of

    if not present or data.empty:
        return tables
    hidden = {
        g: pd.Series(t["suppressed"].to_numpy(), index=t[g].to_numpy()) for g, t in tables.items()
    }
    pub, where = publication_of(
        data.dropna(subset=list(present), how="all"),
        groups=present,
        values=values,
        hidden=hidden,
        bounds=bounds,
        total_shown=len(data) >= min_cell,
    )
    mask, _ = protect(pub, min_cell=min_cell)
    for g in present:
        more = mask[where[g]] & ~tables[g]["suppressed"].to_numpy()
        if more.any():
            t = tables[g].copy()
            for col in ["n", *values]:
                t[col] = t[col].astype(float)
                t.loc[more, col] = np.nan
            t["suppressed"] = t["suppressed"].to_numpy() | more
            tables[g] = t
    return tables


def _margin_sets(table: pd.DataFrame, margins: Sequence[Sequence[str]]) -> list[np.ndarray]:
    sets: list[np.ndarray] = []
    positions = np.arange(len(table))
    for margin in margins:
        cols = list(margin)
        if not cols:
            sets.append(positions)
            continue
        keys = table[cols].astype(str).agg("\x1f".join, axis=1).to_numpy()
        for key in dict.fromkeys(keys):
            sets.append(positions[keys == key])
    return sets


def scrub(
    frame: pd.DataFrame,
    *,
    keep_text: Iterable[str] = (),
    identifiers: Iterable[str] = (),
) -> pd.DataFrame:
    """Drop identifier columns and free-text columns before a table is shown.

    Removed: the columns in :data:`IDENTIFIER_COLUMNS`, those named in ``identifiers`` (e.g. the
    manifest's), those whose name looks like an identifier (``nama``, ``NIP``, ``email``, …),
    and every text column not in :data:`SAFE_TEXT_COLUMNS` or ``keep_text``. Numeric columns
    and the index are kept as they are.

    Examples
    --------
    >>> t = pd.DataFrame({"teacher": ["G1"], "school": ["SD 1"], "komentar": ["<b>hi</b>"],
    ...                   "nip": ["1985"], "score": [3.5]})
    >>> list(scrub(t).columns)
    ['school', 'score']
    """
    drop_names = IDENTIFIER_COLUMNS | set(identifiers)
    allowed = SAFE_TEXT_COLUMNS | set(keep_text)
    keep = []
    for col in frame.columns:
        name = str(col)
        if name in drop_names or looks_like_identifier(name):
            continue
        dtype = frame[col].dtype
        is_text = not (
            pd.api.types.is_numeric_dtype(dtype)
            or pd.api.types.is_bool_dtype(dtype)
            or isinstance(dtype, pd.CategoricalDtype)
        )
        if is_text and name not in allowed:
            continue
        keep.append(col)
    return frame.loc[:, keep]


from dinamika.privacy.leaks import (  # noqa: E402
    PrivacyError,
    find_leaks,
    public_strings,
    secrets_of,
)
