"""Score (Lagrange multiplier) tests for releasing equality constraints (partial invariance).

A model with across-group equalities (``group_equal``) or shared labels is rewritten with one
free parameter per group and the equalities as constraints ``R theta = 0`` (first member minus
each other member, as lavaan writes ``.p2. == .p38.``). With the per-observation score ``d``
(gradient of logL/N for ML; the DWLS analogue for WLSMV) and expected information ``I`` of that
model at the constrained estimates, lavaan's ``lavTestScore()`` reports

- the total test ``X2 = N d' I^+ d`` on as many df as constraints, and
- for each constraint r, ``X2_r = N d' [Z_r^+]_11 d`` with ``Z_r = [[I, R_-r'], [R_-r, 0]]``
  (all other constraints kept), on 1 df: how much the fit improves when only that
  equality is released.

Large univariate statistics point to the loadings or intercepts that are not invariant.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from dinamika.errors import UsageError
from dinamika.psychometrics.cfa.ml import _group_terms, ml_information
from dinamika.psychometrics.cfa.model import Model

if TYPE_CHECKING:  # pragma: no cover
    from dinamika.psychometrics.cfa.result import CFAResult

__all__ = ["score_tests"]


def _release(model: Model, theta: Any) -> tuple[Model, Any, list[tuple[int, int, int, int]]]:
    """One parameter per row; constraints as (row index of first, of other, new idx a, b)."""
    rows = [replace(r) for r in model.rows]
    first: dict[int, int] = {}
    cons: list[tuple[int, int, int, int]] = []
    values = []
    k = 0
    for i, r in enumerate(rows):
        if r.free == 0:
            continue
        old = r.free
        k += 1
        r.free = k
        values.append(theta[old - 1])
        if old in first:
            cons.append((first[old], i, rows[first[old]].free, k))
        else:
            first[old] = i
    free = Model(
        rows,
        model.ov,
        model.lv,
        model.factors,
        model.ngroups,
        model.meanstructure,
        model.ordered,
        k,
        fixed_x=model.fixed_x,
    )
    return free, np.array(values), cons


def score_tests(result: CFAResult) -> pd.DataFrame:
    """Univariate score tests for every equality constraint, largest first.

    Parameters
    ----------
    result : CFAResult
        A multi-group fit with ``group_equal`` (or shared labels), ML (listwise) or WLSMV.

    Returns
    -------
    DataFrame
        ``lhs, op, rhs, group1, group2, X2, df, pvalue`` (one row per released equality), with
        the total test in ``.attrs["total"]`` as ``{"X2", "df", "pvalue"}``.

    Examples
    --------
    >>> import dinamika
    >>> from dinamika.psychometrics.cfa.examples import holzinger_swineford
    >>> res = dinamika.cfa("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; "
    ...                    "speed =~ x7 + x8 + x9", holzinger_swineford(), group="school",
    ...                    group_equal=("loadings", "intercepts"))
    >>> # In R: lavTestScore(fit)$uni: the x3 intercept is the least invariant (X2 = 19.19)
    >>> st = res.score_tests()
    >>> st.iloc[0][["lhs", "op"]].tolist(), round(float(st["X2"].iloc[0]), 1)
    (['x3', '~1'], 19.2)
    """
    if result._extra.get("missing") == "fiml":
        raise UsageError("score tests are not implemented for FIML fits; use missing='listwise'")
    free, theta, cons = _release(result._model, result._theta)
    if not cons:
        raise UsageError("the model has no equality constraints to test (use group_equal)")
    if result.estimator == "WLSMV":
        from dinamika.psychometrics.cfa.modindices import _wls_terms

        info, score = _wls_terms(result, free, theta)
    else:
        st = list(result._stats)
        info = ml_information(free, theta, st)
        score = -0.5 * _group_terms(free, theta, st, False)[1]
    n = result.n
    big_r = np.zeros((len(cons), free.npar))
    for j, (_, _, a, b) in enumerate(cons):
        big_r[j, a - 1] = 1.0
        big_r[j, b - 1] = -1.0
    total = float(n * score @ np.linalg.pinv(info) @ score)
    q = free.npar
    x2 = np.empty(len(cons))
    for j in range(len(cons)):
        r1 = np.delete(big_r, j, axis=0)
        z = np.block([[info, r1.T], [r1, np.zeros((len(r1), len(r1)))]])
        zinv = np.linalg.pinv(z)[:q, :q]
        x2[j] = n * score @ zinv @ score
    recs = []
    for j, (i_first, i_other, _, _) in enumerate(cons):
        r0, r1_ = free.rows[i_first], free.rows[i_other]
        recs.append(
            {
                "lhs": r0.lhs,
                "op": r0.op,
                "rhs": r0.rhs,
                "group1": r0.group,
                "group2": r1_.group,
                "X2": float(x2[j]),
                "df": 1,
                "pvalue": float(stats.chi2.sf(x2[j], 1)),
            }
        )
    out = pd.DataFrame.from_records(recs).sort_values("X2", ascending=False, kind="stable")
    out = out.reset_index(drop=True)
    out.attrs["total"] = {
        "X2": total,
        "df": len(cons),
        "pvalue": float(stats.chi2.sf(total, len(cons))),
    }
    return out
