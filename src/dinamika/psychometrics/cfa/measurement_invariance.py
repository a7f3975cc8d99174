"""Measurement invariance across groups: configural → metric → scalar.

Each step adds equality constraints across groups to the previous one (lavaan's
``group.equal``): metric holds the loadings equal, scalar also the intercepts (ML) or the
thresholds (WLSMV; lavaan then frees the latent means and the scale factors of groups 2..G).
Steps are compared with the chi-square difference test (``lavTestLRT``) and the changes in CFI
and RMSEA; a step "holds" when ΔCFI ≥ −cutoff and ΔRMSEA ≤ cutoff (Chen, 2007; Cheung &
Rensvold, 2002). The verdict of a step requires the previous step to hold.

With ML the difference test is the plain likelihood-ratio difference (``lavTestLRT``). With
WLSMV the table reports the scaled-shifted statistics (lavaan's ``chisq.scaled``,
``cfi.scaled``, ``tli.scaled``, ``rmsea.scaled``) and the difference test is lavaan's default
for this estimator, the scaled-shifted Satorra (2000) test (``lavTestLRT`` method
``"satorra.2000"``), see :func:`dinamika.psychometrics.cfa.wls.satorra2000_difference`.

References
----------
Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of measurement invariance.
*Structural Equation Modeling*, 14, 464–504.

Cheung, G. W., & Rensvold, R. B. (2002). Evaluating goodness-of-fit indexes for testing
measurement invariance. *Structural Equation Modeling*, 9, 233–255.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from dinamika.core.results import ResultMixin
from dinamika.errors import DinamikaError, UsageError
from dinamika.i18n.messages import Message, render
from dinamika.psychometrics.blas import single_thread_blas
from dinamika.psychometrics.cfa.api import _cfa
from dinamika.psychometrics.cfa.result import CFAResult
from dinamika.psychometrics.cfa.wls import satorra2000_difference

__all__ = ["InvarianceResult", "invariance"]

STEPS = ("configural", "metric", "scalar")
NO_VERDICT = "no verdict (a model did not converge)"


@dataclass(frozen=True)
class InvarianceResult(ResultMixin):
    """Result of :func:`invariance`.

    Attributes
    ----------
    table : DataFrame
        One row per step: ``step, chisq, df, pvalue, cfi, tli, rmsea, srmr, delta_chisq,
        delta_df, p_delta, delta_cfi, delta_rmsea, verdict, note`` (WLSMV: scaled statistics).
    holds : {"configural", "metric", "scalar"} or None
        The strictest level that holds (None when even the configural model fails to converge).
    fits : dict
        The fitted :class:`CFAResult` of every step.
    cutoffs : dict
    """

    table: pd.DataFrame
    holds: str | None
    fits: dict[str, CFAResult] = field(repr=False)
    cutoffs: dict[str, float] = field(default_factory=dict)
    group: str = ""

    def to_frame(self) -> pd.DataFrame:
        """The step table."""
        return self.table.copy()

    def summary(self, lang: str = "id") -> str:
        """The verdict in words, with the comparisons it is allowed to support."""
        cut = self.cutoffs

        def say(code: str, **params: object) -> str:
            return Message(code, params).text(lang)

        lines = [
            say(
                "invariance.head",
                group=self.group,
                delta_cfi=cut["delta_cfi"],
                delta_rmsea=cut["delta_rmsea"],
            )
        ]
        for r in self.table.itertuples():
            if r.step == "configural":
                lines.append(
                    say("invariance.configural", cfi=f"{r.cfi:.3f}", rmsea=f"{r.rmsea:.3f}")
                )
            else:
                lines.append(
                    say(
                        "invariance.step",
                        step=verdict_message(r.step),
                        delta_cfi=f"{r.delta_cfi:+.3f}",
                        delta_rmsea=f"{r.delta_rmsea:+.3f}",
                        delta_chisq=f"{r.delta_chisq:.2f}",
                        delta_df=r.delta_df,
                        p=f"{r.p_delta:.3g}",
                        verdict=verdict_message(r.verdict),
                    )
                )
        lines.append(say(f"invariance.holds.{self.holds or 'none'}"))
        stuck = [k for k, f in self.fits.items() if not f.diagnostics.converged]
        if stuck:
            names = ", ".join(str(render(verdict_message(k), lang)) for k in stuck)
            lines.append(say("invariance.not_converged", models=names))
        failed = next(
            (r.step for r in self.table.itertuples() if r.verdict == "does not hold"), None
        )
        if failed is not None and self.fits[failed].diagnostics.converged:
            try:
                top = self.fits[failed].score_tests().head(3)
            except (DinamikaError, np.linalg.LinAlgError):  # a hint only
                top = None
            if top is not None and len(top):
                items = ", ".join(
                    f"{r.lhs} {r.op} {r.rhs}".strip() + f" (X2 = {r.X2:.1f})"
                    for r in top.itertuples()
                )
                lines.append(
                    say("invariance.least_invariant", step=verdict_message(failed), items=items)
                )
        return "\n".join(lines)


_VERDICTS = {
    "baseline": "invariance.verdict.baseline",
    "holds": "invariance.verdict.holds",
    "does not hold": "invariance.verdict.fails",
    "not tested (previous step failed)": "invariance.verdict.not_tested",
    NO_VERDICT: "invariance.verdict.none",
    "scaled-shifted difference test (Satorra, 2000)": "invariance.note.scaled_shifted",
    **{step: f"invariance.name.{step}" for step in STEPS},
}


def verdict_message(verdict: str) -> Message | str:
    """A ``verdict`` or ``note`` value of the table as a catalogue message (for display)."""
    code = _VERDICTS.get(verdict)
    return verdict if code is None else Message(code)


def invariance(
    model: str,
    data: pd.DataFrame,
    *,
    group: str,
    estimator: str = "ML",
    ordered: bool | Sequence[str] = False,
    std_lv: bool = False,
    missing: str = "listwise",
    cutoffs: Mapping[str, float] | None = None,
) -> InvarianceResult:
    """Configural, metric and scalar invariance of a CFA model across groups.

    Parameters
    ----------
    model : str
        lavaan syntax of the measurement model.
    data : DataFrame
        Items plus the ``group`` column (e.g. two terms stacked, ``group="term"``).
    group : str
        Column holding the group of each respondent.
    estimator, ordered, std_lv, missing
        As in :func:`dinamika.psychometrics.cfa` (``missing="fiml"`` with ML, ``"pairwise"`` with WLSMV).
    cutoffs : dict, optional
        ``{"delta_cfi": 0.01, "delta_rmsea": 0.015}`` by default.

    Returns
    -------
    InvarianceResult

    Notes
    -----
    Δχ² (ML) = χ²_restricted − χ²_free on df_restricted − df_free, as ``lavTestLRT``.
    A step holds when ``CFI_step − CFI_previous ≥ −delta_cfi`` and
    ``RMSEA_step − RMSEA_previous ≤ delta_rmsea``.

    Examples
    --------
    >>> import dinamika
    >>> from dinamika.psychometrics.cfa.examples import holzinger_swineford
    >>> hs = holzinger_swineford()
    >>> # In R: lavTestLRT(cfa(m, hs, group = "school"),
    >>> #                  cfa(m, hs, group = "school", group.equal = "loadings"), ...)
    >>> inv = dinamika.invariance("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; "
    ...                           "speed =~ x7 + x8 + x9", hs, group="school")
    >>> inv.table[["step", "df", "verdict"]]
             step  df       verdict
    0  configural  48      baseline
    1      metric  54         holds
    2      scalar  60  does not hold
    >>> inv.holds
    'metric'
    """
    cut = {"delta_cfi": 0.01, "delta_rmsea": 0.015}
    if cutoffs:
        unknown = set(cutoffs) - set(cut)
        if unknown:
            raise UsageError(f"cutoffs keys must be among {sorted(cut)}, got {sorted(unknown)}")
        cut.update({k: float(v) for k, v in cutoffs.items()})
    cache: dict[str, Any] = {}
    with single_thread_blas():
        return _sequence(model, data, group, estimator, ordered, std_lv, missing, cut, cache)


def _sequence(
    model: str,
    data: pd.DataFrame,
    group: str,
    estimator: str,
    ordered: bool | Sequence[str],
    std_lv: bool,
    missing: str,
    cut: dict[str, float],
    cache: dict[str, Any],
) -> InvarianceResult:
    wls = estimator == "WLSMV"
    equal = {
        "configural": (),
        "metric": ("loadings",),
        "scalar": ("loadings", "thresholds" if wls else "intercepts"),
    }
    fits = {
        step: _cfa(
            model,
            data,
            estimator,
            ordered,
            group,
            tuple(equal[step]),
            std_lv,
            missing,
            cache=cache,
        )
        for step in STEPS
    }
    recs: list[dict[str, Any]] = []
    prev: dict[str, Any] | None = None
    holds: str | None = "configural" if fits["configural"].diagnostics.converged else None
    for step in STEPS:
        f = fits[step].fit
        chisq = f.chisq_scaled if wls else f.chisq
        rec: dict[str, Any] = {
            "step": step,
            "chisq": chisq,
            "df": f.df,
            "pvalue": f.pvalue_scaled if wls else f.pvalue,
            "cfi": f.cfi_scaled if wls else f.cfi,
            "tli": f.tli_scaled if wls else f.tli,
            "rmsea": f.rmsea_scaled if wls else f.rmsea,
            "srmr": f.srmr,
            "delta_chisq": math.nan,
            "delta_df": 0,
            "p_delta": math.nan,
            "delta_cfi": math.nan,
            "delta_rmsea": math.nan,
            "verdict": "baseline",
            "note": "",
        }
        if prev is not None:
            if wls:
                dchi, ddf, p_delta = satorra2000_difference(fits[prev["step"]], fits[step])
                rec["note"] = "scaled-shifted difference test (Satorra, 2000)"
            else:
                dchi, ddf = chisq - prev["chisq"], f.df - int(prev["df"])
                p_delta = float(stats.chi2.sf(dchi, ddf)) if ddf > 0 else math.nan
            rec["delta_chisq"] = dchi
            rec["delta_df"] = ddf
            rec["p_delta"] = p_delta
            rec["delta_cfi"] = rec["cfi"] - prev["cfi"]
            rec["delta_rmsea"] = rec["rmsea"] - prev["rmsea"]
            ok = rec["delta_cfi"] >= -cut["delta_cfi"] and rec["delta_rmsea"] <= cut["delta_rmsea"]
            both = fits[step].diagnostics.converged and fits[prev["step"]].diagnostics.converged
            if not both:
                # a comparison with a fit that did not converge is no evidence either way
                rec["verdict"] = NO_VERDICT
            elif ok and holds == prev["step"]:
                holds = step
                rec["verdict"] = "holds"
            else:
                rec["verdict"] = "does not hold" if not ok else "not tested (previous step failed)"
        elif not fits[step].diagnostics.converged:
            rec["verdict"] = NO_VERDICT
        if not fits[step].diagnostics.converged:
            d = fits[step].diagnostics
            rec["note"] = "; ".join(
                x
                for x in (rec["note"], f"did not converge ({d.iterations} iterations): {d.message}")
                if x
            )
        recs.append(rec)
        prev = rec
    return InvarianceResult(pd.DataFrame.from_records(recs), holds, fits, cut, group)
