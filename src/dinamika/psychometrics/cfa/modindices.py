"""Modification indices: score tests for parameters the model fixes (ML and WLSMV fits).

The model is extended by every omitted cross-loading (``f =~ x`` for items of other factors)
and every omitted residual covariance between observed variables (``x1 ~~ x2``), in each group.
With the per-observation score ``d = d logL/N / d theta_new = -1/2 dF/d theta_new`` at the
estimates and the expected information of the extended model partitioned into the free (1)
and the new (2) parameters, ``V = I22 - I21 I11^-1 I12`` (diagonal), lavaan's
``modindices()`` reports::

    mi  = N d^2 / V        (1-df chi-square score statistic)
    epc = d / V            (expected parameter change)

and ``sepc.all`` standardizes the EPC as std.all does (loading × sd(factor)/sd(item);
covariance / sqrt(theta_ii theta_jj)). Releasing across-group equality constraints
(lavaan's ``lavTestScore``) and FIML fits are not covered.

WLSMV (lavaan's convention): the information is ``sum_g (N_g/N) D' W D`` and the score
``sum_g ((N_g - 1)/N) D' W (s - sigma)`` of the extended model at the estimates, in the same
formulas.

References
----------
Sörbom, D. (1989). Model modification. *Psychometrika*, 54, 371–384.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dinamika.errors import UsageError
from dinamika.psychometrics.cfa.ml import _group_terms, ml_information
from dinamika.psychometrics.cfa.model import Model, Row

if TYPE_CHECKING:  # pragma: no cover
    from dinamika.psychometrics.cfa.result import CFAResult

__all__ = ["modification_indices"]


def _extend(model: Model) -> tuple[Model, list[Row]]:
    rows = [replace(r) for r in model.rows]
    have = {(r.lhs, r.op, r.rhs, r.group) for r in rows} | {
        (r.rhs, r.op, r.lhs, r.group) for r in rows if r.op == "~~"
    }
    new: list[Row] = []
    ov_i = {n: i for i, n in enumerate(model.ov)}
    lv_i = {n: i for i, n in enumerate(model.lv)}
    items = [n for n in model.ov if n not in model.lv]
    k = model.npar
    for g in range(1, model.ngroups + 1):
        for f in model.factors:
            for x in items:
                if (f, "=~", x, g) not in have:
                    k += 1
                    new.append(Row(f, "=~", x, g, "lambda", ov_i[x], lv_i[f], k))
        for a_i, a in enumerate(items):
            for b in items[a_i + 1 :]:
                if (a, "~~", b, g) not in have:
                    k += 1
                    i, j = sorted((ov_i[a], ov_i[b]), reverse=True)
                    new.append(Row(a, "~~", b, g, "theta", i, j, k))
    ext = Model(
        rows + new,
        model.ov,
        model.lv,
        model.factors,
        model.ngroups,
        model.meanstructure,
        model.ordered,
        k,
    )
    return ext, new


def _wls_terms(result: CFAResult, ext: Model, theta: Any) -> tuple[Any, Any]:
    """Expected information sum_g f_g D'WD and score sum_g ((N_g - 1)/N) D'W e (WLSMV)."""
    from dinamika.psychometrics.cfa.wls import _jacobian, _moments

    ostats = result._extra["ordinal"]
    weights = result._extra["weights"]
    ntot = sum(st.n for st in ostats)
    mats = ext.fill(theta)
    info = np.zeros((ext.npar, ext.npar))
    score = np.zeros(ext.npar)
    for g, st in enumerate(ostats):
        jac = _jacobian(ext, g + 1, mats[g], st.th_item)
        implied, _, _ = _moments(ext, mats[g], st.th_item)
        w = weights[g]
        info += st.n / ntot * jac.T @ (w[:, None] * jac)
        score += (st.n - 1) / ntot * jac.T @ (w * (st.vector - implied))
    return info, score


def modification_indices(result: CFAResult, top: int | None = 10) -> pd.DataFrame:
    """Modification indices, largest first, as lavaan's ``modindices()``.

    Parameters
    ----------
    result : CFAResult
        An ML (listwise) or WLSMV fit.
    top : int or None
        Keep the ``top`` largest (None = all).

    Returns
    -------
    DataFrame
        ``lhs, op, rhs, group, mi, epc, sepc_all``.

    Examples
    --------
    >>> import dinamika
    >>> from dinamika.psychometrics.cfa.examples import holzinger_swineford
    >>> res = dinamika.cfa("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; "
    ...                    "speed =~ x7 + x8 + x9", holzinger_swineford())
    >>> # In R: modindices(fit, sort. = TRUE)[1, ]  ->  visual =~ x9  mi 36.411
    >>> mi = res.modification_indices(top=1)
    >>> mi[["lhs", "op", "rhs"]].iloc[0].tolist(), round(float(mi["mi"].iloc[0]), 3)
    (['visual', '=~', 'x9'], 36.411)
    """
    if result._extra.get("missing") == "fiml":
        raise UsageError(
            "modification indices are not implemented for FIML fits; use missing='listwise'"
        )
    model = result._model
    ext, new = _extend(model)
    if not new:
        return pd.DataFrame(columns=["lhs", "op", "rhs", "group", "mi", "epc", "sepc_all"])
    theta = np.concatenate([result._theta, np.zeros(len(new))])
    if result.estimator == "WLSMV":
        info, score = _wls_terms(result, ext, theta)
    else:
        stats = list(result._stats)
        info = ml_information(ext, theta, stats)
        _, grad, _, _ = _group_terms(ext, theta, stats, False)
        score = -0.5 * grad
    q = model.npar
    i11, i12, i22 = info[:q, :q], info[:q, q:], info[q:, q:]
    v = np.diag(i22) - np.einsum("ij,ij->j", i12, np.linalg.solve(i11, i12))
    d = score[q:]
    mi = result.n * d**2 / v
    epc = d / v
    mats = ext.fill(theta)
    for m_g in mats:
        ext.set_ordinal_theta(m_g)
    recs: list[dict[str, Any]] = []
    for k, r in enumerate(new):
        m = mats[r.group - 1]
        sigma, _, a_inv = ext.implied(m)
        if r.op == "=~":
            lv_var = float((a_inv @ m["psi"] @ a_inv.T)[r.col, r.col])
            sepc = epc[k] * math.sqrt(lv_var) / math.sqrt(sigma[r.row, r.row])
        else:
            sepc = epc[k] / math.sqrt(m["theta"][r.row, r.row] * m["theta"][r.col, r.col])
        recs.append(
            {
                "lhs": r.lhs,
                "op": r.op,
                "rhs": r.rhs,
                "group": r.group,
                "mi": float(mi[k]),
                "epc": float(epc[k]),
                "sepc_all": float(sepc),
            }
        )
    out = pd.DataFrame.from_records(recs).sort_values("mi", ascending=False, kind="stable")
    out = out.reset_index(drop=True)
    return out if top is None else out.head(top)
