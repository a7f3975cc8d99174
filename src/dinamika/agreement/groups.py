"""Within-group agreement before aggregating teachers' answers to schools or KKG/MGMP.

ICC(1) and ICC(2) come from the one-way ANOVA of a scale score on the group (Bliese, 2000);
rwg(j) compares each group's item variances with the variance expected if answers were random
(James, Demaree & Wolf, 1984). :func:`group_agreement` puts both next to the group means and
flags the groups whose mean should not stand for the group. :func:`group_icc` and :func:`rwg`
live in the private ``dinamika.agreement.group_stats`` and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from dinamika.agreement.group_stats import group_icc, rwg
from dinamika.core.results import ResultMixin
from dinamika.core.sample_size import below_minimum
from dinamika.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from dinamika.data.instruments import Instrument
    from dinamika.data.survey import Survey

__all__ = ["GroupAgreement", "group_agreement", "group_icc", "rwg"]

COMMUNITY_SCALES = ("kepemimpinan", "saling_percaya", "komitmen_kolektif", "dukungan_sekolah")


@dataclass(frozen=True)
class GroupAgreement(ResultMixin):
    """ICC(1), ICC(2) and rwg(j) per scale and grouping, and the group means they qualify.

    Attributes
    ----------
    scales : DataFrame
        One row per ``group_by`` × ``scale``: ``n`` (respondents with a score and a group),
        ``n_groups``, ``group_size`` (the k of ICC(1)), ``icc1`` with ``icc1_lower`` and
        ``icc1_upper`` (95% limits), ``icc2``, ``f``, ``df1``,
        ``df2``, ``p``, ``rwg_j_median``, ``rwg_j_mean``, ``n_truncated`` (groups whose rwg(j)
        was set to 0), ``n_groups_ok`` and ``scale_ok`` (ICC(1) and median rwg(j) meet the rule),
        ``few_groups`` (fewer groups than the minimum of :mod:`dinamika.core.sample_size`, 30:
        ICC(1) and the rule's decision are then a first impression, not an inference).
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

    def summary(self) -> str:
        """The per-scale table rounded for reading, under the aggregation rule."""
        cols = ["group_by", "scale", "n", "n_groups", "icc1", "icc2", "rwg_j_median",
                "n_groups_ok", "scale_ok"]  # fmt: skip
        return f"{self.rule}\n{self.scales[cols].round(3).to_string(index=False)}"


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
    scores: pd.DataFrame | Survey,
    *,
    group: str | Sequence[str],
    scales: Sequence[str] | None = None,
    items: pd.DataFrame | None = None,
    instrument: Instrument | Mapping[str, Sequence[str]] | None = None,
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
        from dinamika.psychometrics.scoring import score  # a loaded Survey: score it, use its items

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
                 "n_groups_ok": int(gt["aggregate_ok"].sum()), "scale_ok": scale_ok,
                 "few_groups": below_minimum("group_icc", st["n_groups"]) is not None}
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
