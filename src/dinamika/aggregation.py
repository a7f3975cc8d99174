"""Within-group agreement before aggregating teachers' answers to schools or KKG/MGMP.

ICC(1) and ICC(2) come from the one-way ANOVA of a scale score on the group (Bliese, 2000);
rwg(j) compares each group's item variances with the variance expected if answers were random
(James, Demaree & Wolf, 1984). :func:`group_agreement` puts both next to the group means and
flags the groups whose mean should not stand for the group.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import special

from dinamika.errors import UsageError

__all__ = ["GroupAgreement", "group_agreement", "group_icc", "rwg"]

COMMUNITY_SCALES = ("kepemimpinan", "saling_percaya", "komitmen_kolektif", "dukungan_sekolah")


def _group_vector(data: pd.DataFrame, group: Any) -> pd.Series:
    if isinstance(group, str):
        if group not in data.columns:
            raise UsageError(f"Group column {group!r} not found; columns are {list(data.columns)}.")
        return data[group]
    g = pd.Series(np.asarray(group, dtype=object), index=data.index)
    if len(g) != len(data):
        raise UsageError(f"`group` has {len(g)} values but the data has {len(data)} rows.")
    return g


def group_icc(
    values: Any,
    group: Any,
    *,
    group_size: Literal["mean", "adjusted"] = "mean",
    alpha: float = 0.05,
) -> pd.Series:
    r"""ICC(1) and ICC(2) of one variable from the one-way ANOVA on the group.

    .. math::

        ICC(1) = \frac{MS_B - MS_W}{MS_B + (\bar k - 1) MS_W},\qquad
        ICC(2) = \frac{MS_B - MS_W}{MS_B}

    with :math:`N` people in :math:`G` groups of sizes :math:`n_g`, and :math:`\bar k = N/G`
    (``group_size="mean"``, as ``multilevel::ICC1`` computes it from ``aov``) or the
    unequal-size adjusted :math:`k_0 = (N - \sum n_g^2/N)/(G-1)` (``"adjusted"``).
    Rows with a missing value or group are left out. The confidence limits of ICC(1) are the
    F-based ones (Shrout & Fleiss, 1979, case 1; exact for equal group sizes):
    :math:`F_L = F / F_{1-\alpha/2}(G-1, N-G)`, :math:`F_U = F \cdot F_{1-\alpha/2}(N-G, G-1)`,
    limit :math:`(F_\cdot - 1)/(F_\cdot + \bar k - 1)`.

    Parameters
    ----------
    values, group : array-like
        The variable (e.g. a scale score) and each row's group.
    group_size : {"mean", "adjusted"}
        The :math:`\bar k` of ICC(1) with unequal groups.
    alpha : float
        1 − confidence level of the ICC(1) limits.

    Returns
    -------
    Series
        ``n``, ``n_groups``, ``group_size``, ``msb``, ``msw``, ``f``, ``df1``, ``df2``, ``p``,
        ``icc1``, ``icc1_lower``, ``icc1_upper``, ``icc2``.

    References
    ----------
    Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability. In K. J.
    Klein & S. W. J. Kozlowski (Eds.), *Multilevel theory, research, and methods in
    organizations* (pp. 349–381). Jossey-Bass.

    Examples
    --------
    >>> s = group_icc([3, 4, 3, 5, 5, 4, 2, 2, 1], ["a", "a", "a", "b", "b", "b", "c", "c", "c"])
    >>> round(float(s["icc1"]), 4), round(float(s["icc2"]), 4)
    (0.8657, 0.9508)
    """
    if group_size not in ("mean", "adjusted"):
        raise UsageError(f"`group_size` must be 'mean' or 'adjusted', not {group_size!r}.")
    if not 0 < alpha < 1:
        raise UsageError(f"`alpha` must lie between 0 and 1, not {alpha!r}.")
    try:
        y = pd.Series(np.asarray(values, dtype=float))
    except (TypeError, ValueError):  # pandas' NA in an object column, text
        try:
            y = pd.to_numeric(pd.Series(np.asarray(values, dtype=object).ravel()), errors="raise")
            y = y.astype(float)
        except (TypeError, ValueError) as exc:
            raise UsageError(f"`values` must be numeric (NaN = missing): {exc}") from exc
    g = pd.Series(np.asarray(group, dtype=object))
    if len(y) != len(g):
        raise UsageError(f"`values` has {len(y)} entries but `group` has {len(g)}.")
    ok = y.notna() & g.notna()
    y, g = y[ok].to_numpy(), g[ok]
    codes, _ = pd.factorize(g)
    n, n_groups = y.size, int(codes.max()) + 1 if y.size else 0
    nan = float("nan")
    if n_groups < 2 or n <= n_groups:
        keys = ("msb", "msw", "f", "df1", "df2", "p", "icc1", "icc1_lower", "icc1_upper", "icc2")
        out = dict.fromkeys(keys, nan)
        return pd.Series({"n": n, "n_groups": n_groups, "group_size": nan, **out})
    sizes = np.bincount(codes).astype(float)
    means = np.bincount(codes, weights=y) / sizes
    grand = y.mean()
    ssb = float(sizes @ (means - grand) ** 2)
    ssw = float(((y - means[codes]) ** 2).sum())
    df1, df2 = n_groups - 1, n - n_groups
    msb, msw = np.float64(ssb / df1), np.float64(ssw / df2)  # 0/0 -> NaN, not an exception
    k = n / n_groups if group_size == "mean" else (n - float(sizes @ sizes) / n) / df1
    with np.errstate(divide="ignore", invalid="ignore"):
        f = msb / msw
        icc1 = (msb - msw) / (msb + (k - 1) * msw)
        icc2 = (msb - msw) / msb
        q = 1 - alpha / 2
        f_lo = f / special.fdtri(df1, df2, q)
        f_hi = f * special.fdtri(df2, df1, q)
        lower = (f_lo - 1) / (f_lo + k - 1)
        upper = (f_hi - 1) / (f_hi + k - 1)
    return pd.Series(
        {"n": n, "n_groups": n_groups, "group_size": k, "msb": msb, "msw": msw, "f": f,
         "df1": df1, "df2": df2, "p": float(special.fdtrc(df1, df2, f)), "icc1": icc1,
         "icc1_lower": lower, "icc1_upper": upper,
         "icc2": icc2}
    )  # fmt: skip


def rwg(
    items: pd.DataFrame,
    group: Any,
    *,
    n_options: int = 5,
    null_variance: float | None = None,
) -> pd.DataFrame:
    r"""Within-group agreement rwg(j) per group, against the uniform (random answering) null.

    .. math::

        r_{wg(J)} = \frac{J\,(1 - \bar s^2_x/\sigma^2_E)}
                        {J\,(1 - \bar s^2_x/\sigma^2_E) + \bar s^2_x/\sigma^2_E},\qquad
        \sigma^2_{EU} = \frac{A^2 - 1}{12}

    where :math:`\bar s^2_x` is the mean over the :math:`J` items of the within-group item
    variances (n − 1 denominator, missing answers skipped) and :math:`A` the number of response
    options. With one item this is :math:`r_{wg} = 1 - s^2_x/\sigma^2_E`. When
    :math:`\bar s^2_x > \sigma^2_E` (more disagreement than random answering) the value is set
    to 0, as ``multilevel::rwg.j`` does; ``truncated`` flags those groups.

    Parameters
    ----------
    items : DataFrame
        One row per respondent; the item columns of one scale (plus the group column if
        ``group`` names one).
    group : str or array-like
        Group column name in ``items``, or the group of each row.
    n_options : int
        Number of response options :math:`A` (5 for the Likert scales of komunitas-guru).
    null_variance : float, optional
        Expected error variance of another null distribution (e.g. a skewed null from LeBreton
        & Senter, 2008); default the uniform :math:`(A^2-1)/12`.

    Returns
    -------
    DataFrame
        One row per group: ``group``, ``n`` (respondents), ``n_items`` (J), ``mean_var``,
        ``rwg_j`` (NaN for a group of one or an item nobody in the group varied on twice),
        ``truncated``.

    References
    ----------
    James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group interrater
    reliability with and without response bias. *Journal of Applied Psychology, 69*(1), 85–98.
    LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater
    reliability and interrater agreement. *Organizational Research Methods, 11*(4), 815–852.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"school": ["a"] * 3 + ["b"] * 3,
    ...                   "KEP1": [4, 4, 5, 1, 5, 3], "KEP2": [4, 5, 5, 2, 5, 1]})
    >>> rwg(d, "school").round(3)
      group  n  n_items  mean_var  rwg_j  truncated
    0     a  3        2     0.333  0.909      False
    1     b  3        2     4.167  0.000       True
    """
    if not isinstance(items, pd.DataFrame):
        raise UsageError(f"`items` must be a DataFrame, not {type(items).__name__}.")
    g = _group_vector(items, group)
    cols = [c for c in items.columns if not (isinstance(group, str) and c == group)]
    if not cols:
        raise UsageError("`items` has no item columns.")
    if null_variance is None:
        if n_options < 2:
            raise UsageError(f"`n_options` must be at least 2, not {n_options!r}.")
        null_variance = (n_options**2 - 1) / 12
    if not null_variance > 0:
        raise UsageError(f"`null_variance` must be positive, not {null_variance!r}.")
    try:  # to_numeric reads pandas' NA and numbers stored as text
        x = items[cols].apply(pd.to_numeric, errors="raise").astype(float)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"Item answers must be numeric codes: {exc}") from exc
    keep = g.notna()
    grouped = x[keep].groupby(g[keep], sort=True)
    var = grouped.var(ddof=1)
    mean_var = var.mean(axis=1, skipna=False)
    j = len(cols)
    ratio = mean_var / null_variance
    with np.errstate(divide="ignore", invalid="ignore"):
        value = j * (1 - ratio) / (j * (1 - ratio) + ratio)
    truncated = mean_var > null_variance
    value = value.where(~truncated, 0.0)
    out = pd.DataFrame(
        {
            "group": var.index,
            "n": grouped.size().to_numpy(),
            "n_items": j,
            "mean_var": mean_var.to_numpy(),
            "rwg_j": value.to_numpy(),
            "truncated": truncated.to_numpy(),
        }
    )
    out.attrs["null_variance"] = null_variance
    return out


@dataclass(frozen=True)
class GroupAgreement:
    """ICC(1), ICC(2) and rwg(j) per scale and grouping, and the group means they qualify.

    Attributes
    ----------
    scales : DataFrame
        One row per ``group_by`` × ``scale``: ``n`` (respondents with a score and a group),
        ``n_groups``, ``group_size`` (the k of ICC(1)), ``icc1`` with ``icc1_lower`` and
        ``icc1_upper`` (95% limits), ``icc2``, ``f``, ``df1``,
        ``df2``, ``p``, ``rwg_j_median``, ``rwg_j_mean``, ``n_truncated`` (groups whose rwg(j)
        was set to 0), ``n_groups_ok`` and ``scale_ok`` (ICC(1) and median rwg(j) meet the rule).
    groups : DataFrame
        One row per ``group_by`` × ``group`` × ``scale``: ``n``, ``mean``, ``sd``, ``rwg_j``,
        ``truncated``, ``aggregate_ok`` and ``reason`` (the criteria not met, ``""`` if none).
    rule : str
        The aggregation rule in words.
    """

    scales: pd.DataFrame
    groups: pd.DataFrame
    rule: str

    def to_frame(self) -> pd.DataFrame:
        """The per-scale table."""
        return self.scales

    def summary(self) -> pd.DataFrame:
        """Per-scale table rounded for reading."""
        cols = ["group_by", "scale", "n", "n_groups", "icc1", "icc2", "rwg_j_median",
                "n_groups_ok", "scale_ok"]  # fmt: skip
        return self.scales[cols].round(3)


def _scale_items(instrument: Any) -> dict[str, list[str]]:
    scales = getattr(instrument, "scales", instrument)
    if not isinstance(scales, Mapping):
        raise UsageError(
            "With `items=`, also give `instrument=` (the questionnaire instrument, or a mapping "
            "scale -> item ids) so that each scale's items are known."
        )
    return {str(s): [str(i) for i in v] for s, v in scales.items()}


def _instrument_items(instrument: Any) -> tuple[Any, ...]:
    """The Item objects of an Instrument (none for a plain scale mapping)."""
    items = getattr(instrument, "items", None)
    return () if items is None or callable(items) else tuple(items)


def _n_options(instrument: Any, items: Sequence[str], given: int | None) -> int:
    """Response options of a scale's items: given, else from the instrument, else 5."""
    if given is not None:
        return given
    found = {
        int(it.max) - int(it.min) + 1
        for it in _instrument_items(instrument)
        if getattr(it, "id", None) in set(items) and hasattr(it, "min") and hasattr(it, "max")
    }
    if len(found) > 1:
        raise UsageError(
            f"The items {list(items)} have different numbers of response options {sorted(found)}; "
            "rwg(j) needs one: give `n_options=`."
        )
    return found.pop() if found else 5


def group_agreement(
    scores: Any,
    *,
    group: str | Sequence[str],
    scales: Sequence[str] | None = None,
    items: pd.DataFrame | None = None,
    instrument: Any = None,
    n_options: int | None = None,
    null_variance: float | None = None,
    min_group: int = 3,
    icc1_min: float = 0.05,
    rwg_min: float = 0.70,
    group_size: Literal["mean", "adjusted"] = "mean",
) -> GroupAgreement:
    r"""Can teachers' scale scores be aggregated to schools or KKG/MGMP? ICC(1), ICC(2), rwg(j).

    For each grouping column and scale: :func:`group_icc` on the scale scores and
    :func:`rwg` on the scale's items per group, then the group means with their n.

    The rule (thresholds configurable): a scale may be aggregated over a grouping when
    ICC(1) ≥ ``icc1_min`` (default .05) and the median rwg(j) over groups ≥ ``rwg_min``
    (default .70); a group's mean is flagged ``aggregate_ok`` when the scale passes, the group
    has at least ``min_group`` respondents with a score, and its own rwg(j) ≥ ``rwg_min``.
    Without ``items`` rwg(j) is not computed and the rule uses ICC(1) and n only.

    Parameters
    ----------
    scores : DataFrame or Survey
        One row per respondent with the grouping column(s) and scale scores, as returned by
        ``dinamika.score(survey)``. Given a loaded Survey, it is scored with
        :func:`dinamika.score` and its responses and instrument supply the items.
    group : str or sequence of str
        Grouping column(s), e.g. ``"school"`` or ``["school", "kkg"]``.
    scales : sequence of str, optional
        Scale columns; default the four komunitas-guru scales present in ``scores``.
    items : DataFrame, optional
        Item answers row-aligned with ``scores`` (same index), e.g. ``survey.responses``;
        needed for rwg(j).
    instrument : Instrument or mapping, optional
        Scale → item ids (``survey.instrument`` or its ``.scales``), used with ``items``.
    n_options : int, optional
        Response options A of the items; default from the instrument's response scale of the
        scale's items (5 for komunitas-guru), else 5. The uniform null variance is
        :math:`(A^2-1)/12`.
    null_variance : float, optional
        Use another null distribution's variance instead.
    min_group, icc1_min, rwg_min : int, float, float
        Thresholds of the rule above.
    group_size : {"mean", "adjusted"}
        The group size in ICC(1) with unequal groups (see :func:`group_icc`).

    References
    ----------
    Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability. In K. J.
    Klein & S. W. J. Kozlowski (Eds.), *Multilevel theory, research, and methods in
    organizations* (pp. 349–381). Jossey-Bass.
    LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater
    reliability and interrater agreement. *Organizational Research Methods, 11*(4), 815–852.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"school": list("aaabbbccc"),
    ...                   "K1": [3, 4, 3, 5, 5, 4, 2, 2, 1], "K2": [3, 4, 4, 5, 4, 4, 2, 1, 1]})
    >>> d["kep"] = d[["K1", "K2"]].mean(axis=1)
    >>> res = group_agreement(d, group="school", scales=["kep"], items=d,
    ...                       instrument={"kep": ["K1", "K2"]})
    >>> res.scales[["scale", "n_groups", "icc1", "icc2", "rwg_j_median", "scale_ok"]].round(3)
      scale  n_groups  icc1   icc2  rwg_j_median  scale_ok
    0   kep         3   0.9  0.964         0.909      True
    >>> res.groups[["group", "n", "mean", "aggregate_ok"]].round(2)
      group  n  mean  aggregate_ok
    0     a  3  3.50          True
    1     b  3  4.50          True
    2     c  3  1.50          True
    """
    if not isinstance(scores, pd.DataFrame) and hasattr(scores, "responses"):
        from dinamika.scoring import score  # a loaded Survey: score it, use its items

        survey = scores
        scores = score(survey)
        items = survey.responses if items is None else items
        instrument = survey.instrument if instrument is None else instrument
    if not isinstance(scores, pd.DataFrame):
        raise UsageError(f"`scores` must be a DataFrame, not {type(scores).__name__}.")
    groups = [group] if isinstance(group, str) else list(group)
    if scales is None:
        scales = [s for s in COMMUNITY_SCALES if s in scores.columns]
        if not scales:
            raise UsageError("No scale columns found; name them with `scales=`.")
    missing = [c for c in [*groups, *scales] if c not in scores.columns]
    if missing:
        raise UsageError(f"Column(s) {missing} not in `scores`; it has {list(scores.columns)}.")
    scale_items: dict[str, list[str]] = {}
    if items is not None:
        scale_items = _scale_items(instrument)
        if not items.index.equals(scores.index):
            raise UsageError(
                "`items` must be row-aligned with `scores` (same index), e.g. survey.responses "
                "with dinamika.score(survey)."
            )
        absent = [s for s in scales if s not in scale_items]
        if absent:
            raise UsageError(f"The instrument has no items for scale(s) {absent}.")
    options = {s: _n_options(instrument, scale_items.get(s, []), n_options) for s in scales}
    scale_rows, group_rows = [], []
    for gcol in groups:
        gvec = scores[gcol]
        for scale in scales:
            y = pd.to_numeric(scores[scale], errors="coerce")
            st = group_icc(y, gvec, group_size=group_size)
            ok = y.notna() & gvec.notna()
            by = y[ok].groupby(gvec[ok], sort=True)
            gt = pd.DataFrame({"n": by.size(), "mean": by.mean(), "sd": by.std(ddof=1)})
            if scale_items and items is not None:
                rw = rwg(items.loc[ok, scale_items[scale]], gvec[ok], n_options=options[scale],
                         null_variance=null_variance).set_index("group")  # fmt: skip
                gt["rwg_j"], gt["truncated"] = rw["rwg_j"], rw["truncated"].astype(bool)
            else:
                gt["rwg_j"], gt["truncated"] = np.nan, False
            median = float(gt["rwg_j"].median()) if scale_items else float("nan")
            icc_ok = bool(st["icc1"] >= icc1_min)
            rwg_ok = bool(median >= rwg_min) if scale_items else True
            scale_ok = icc_ok and rwg_ok
            reasons = pd.Series("", index=gt.index)
            if np.isnan(st["icc1"]):
                reasons += (
                    "icc1 not estimable (fewer than 2 groups, or no group with 2 or more members);"
                    if st["n_groups"] < 2 or st["n"] <= st["n_groups"]
                    else "icc1 not estimable (no variance in the scale scores);"
                )
            elif not icc_ok:
                reasons += f"icc1<{icc1_min:g};"
            if scale_items and not rwg_ok:
                reasons += f"median rwg_j<{rwg_min:g};"
            reasons = reasons.where(gt["n"] >= min_group, reasons + f"n<{min_group};")
            if scale_items:
                low = ~(gt["rwg_j"] >= rwg_min)
                reasons = reasons.where(~low, reasons + f"rwg_j<{rwg_min:g};")
            gt["aggregate_ok"] = reasons == ""
            gt["reason"] = reasons.str.rstrip(";")
            gt = gt.rename_axis("group").reset_index()
            gt.insert(0, "group_by", gcol)
            gt.insert(2, "scale", scale)
            group_rows.append(gt)
            scale_rows.append(
                {"group_by": gcol, "scale": scale, **st.to_dict(),
                 "rwg_j_median": median,
                 "rwg_j_mean": float(gt["rwg_j"].mean()) if scale_items else float("nan"),
                 "n_truncated": int(gt["truncated"].sum()),
                 "n_groups_ok": int(gt["aggregate_ok"].sum()), "scale_ok": scale_ok}
            )  # fmt: skip
    table = pd.DataFrame(scale_rows).drop(columns=["msb", "msw"])
    table[["n", "n_groups"]] = table[["n", "n_groups"]].astype(int)
    rule = (
        f"aggregate when ICC(1) >= {icc1_min:g}"
        + (
            f", median rwg(j) >= {rwg_min:g} (uniform null, A = "
            f"{'/'.join(str(a) for a in sorted(set(options.values())))})"
            if scale_items
            else ""
        )
        + f"; a group's mean needs n >= {min_group}"
        + (f" and its own rwg(j) >= {rwg_min:g}" if scale_items else "")
        + ("" if scale_items else " (rwg(j) not computed: no item data given)")
    )
    return GroupAgreement(table, pd.concat(group_rows, ignore_index=True), rule)
