"""``dinamika.psychometrics.cfa``: data checks, estimation and assembly of the result."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from dinamika.errors import UsageError
from dinamika.i18n.messages import Message
from dinamika.psychometrics.blas import single_thread_blas
from dinamika.psychometrics.cfa.fit import (
    FitMeasures,
    cfi,
    chisq_pvalue,
    rmsea,
    rmsea_ci,
    srmr_bentler,
    tli,
)
from dinamika.psychometrics.cfa.ml import GroupStats, fit_ml, ml_information, start_values
from dinamika.psychometrics.cfa.model import Model
from dinamika.psychometrics.cfa.partable import build_model
from dinamika.psychometrics.cfa.result import CFAResult, assemble
from dinamika.psychometrics.cfa.syntax import parse_model

__all__ = ["cfa", "prepare"]

if TYPE_CHECKING:
    from dinamika.scale.statistics import SufficientStatistics

Array = NDArray[Any]


def prepare(
    data: pd.DataFrame, ov: list[str], group: str | None, missing: str
) -> tuple[list[Array], tuple[str, ...], list[Message], list[pd.Index]]:
    """Check the data and split it into one float matrix per group.

    ``missing="listwise"`` keeps complete rows; ``"fiml"`` keeps rows with at least one
    answered model item (NaN stay in the matrices). Returns the matrices, the group labels,
    notes for the diagnostics and the row labels of ``data`` used in each group.
    """
    if not isinstance(data, pd.DataFrame):
        raise UsageError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    if missing not in ("listwise", "fiml", "pairwise"):
        raise UsageError(
            f"missing must be one of ['listwise', 'fiml', 'pairwise'], but {missing!r} was passed"
        )
    absent = [c for c in ov if c not in data.columns]
    if absent:
        raise UsageError(
            f"the model names variable(s) {absent} that are not columns of the data; "
            f"available columns: {list(data.columns)[:30]}"
        )
    if group is not None and group not in data.columns:
        raise UsageError(f"group column {group!r} is not in the data")
    notes: list[Message] = []
    try:
        values = data[ov].astype(float)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"the item columns must be numeric codes ({exc})") from None
    if missing in ("fiml", "pairwise"):
        keep = values.notna().any(axis=1).to_numpy().copy()
        partial = int((values.isna().any(axis=1) & values.notna().any(axis=1)).sum())
        if partial:
            how = Message("cfa.fiml" if missing == "fiml" else "cfa.pairwise")
            notes.append(Message("cfa.partial_rows", n=partial, how=how))
    else:
        keep = values.notna().all(axis=1).to_numpy().copy()
    if group is not None:
        gcol = data[group]
        keep = keep & gcol.notna().to_numpy()
        if isinstance(gcol.dtype, pd.CategoricalDtype):
            labels = [str(x) for x in gcol.cat.categories if (gcol[keep] == x).any()]
        else:
            labels = [str(x) for x in pd.unique(gcol[keep])]
        gstr = gcol.astype(str).to_numpy()
    dropped = int((~keep).sum())
    if dropped:
        code = "cfa.dropped_listwise" if missing == "listwise" else "cfa.dropped_unanswered"
        if group is not None:
            code += "_group"
        notes.append(Message(code, n=dropped, total=len(data)))
    x = values.to_numpy(dtype=float)
    if group is None:
        mats, group_labels = [x[keep]], tuple([""])
        rows = [data.index[keep]]
    else:
        mats = [x[keep & (gstr == lab)] for lab in labels]
        rows = [data.index[keep & (gstr == lab)] for lab in labels]
        group_labels = tuple(labels)
    for lab, m in zip(group_labels, mats, strict=True):
        if len(m) <= len(ov):
            where = f" in group {lab!r}" if lab else ""
            raise UsageError(
                f"only {len(m)} usable respondents{where} for {len(ov)} variables; "
                "a CFA needs clearly more respondents than items"
            )
    return mats, group_labels, notes, rows


def _ml_fit_measures(
    model: Model, theta: Array, stats: list[GroupStats], fmin: float
) -> FitMeasures:
    ns = [s.n for s in stats]
    ntot, ngr, p = sum(ns), len(stats), model.p
    moments = p * (p + 1) // 2 + (p if model.meanstructure else 0)
    kx = len(model.fixed_x)  # exogenous covariates: their moments are reproduced exactly
    fixed = kx * (kx + 1) // 2 + (kx if model.meanstructure else 0)
    df = ngr * (moments - fixed) - model.npar
    chisq = ntot * fmin
    xi = [model.ov.index(n) for n in model.fixed_x]
    yi = [i for i in range(p) if i not in xi]
    tb, logl, logl_h1 = 0.0, 0.0, 0.0
    sigmas, mus = [], []
    for mats, st in zip(model.fill(theta), stats, strict=True):
        sigma, mu, _ = model.implied(mats)
        sigmas.append(sigma)
        mus.append(mu)
        _, logdet_s = np.linalg.slogdet(st.cov)
        # baseline: independent variables, but the covariates keep their covariances
        _, logdet_x = np.linalg.slogdet(st.cov[np.ix_(xi, xi)]) if xi else (1.0, 0.0)
        tb += st.n * (float(np.sum(np.log(np.diag(st.cov)[yi]))) + logdet_x - logdet_s)
        _, logdet = np.linalg.slogdet(sigma)
        diff = st.mean - mu if model.meanstructure else np.zeros(p)
        sinv = np.linalg.inv(sigma)
        logl += (
            -0.5
            * st.n
            * (p * math.log(2 * math.pi) + logdet + np.trace(st.cov @ sinv) + diff @ sinv @ diff)
        )
        logl_h1 += -0.5 * st.n * (p * math.log(2 * math.pi) + logdet_s + p)
        if xi:  # lavaan reports the likelihood conditional on the fixed covariates
            marg_x = -0.5 * st.n * (kx * math.log(2 * math.pi) + logdet_x + kx)
            logl -= marg_x
            logl_h1 -= marg_x
    dfb = ngr * (p * (p - 1) // 2 - kx * (kx - 1) // 2)
    lo, hi = rmsea_ci(chisq, df, ntot, ngr)
    covs = [s.cov for s in stats]
    means = [s.mean for s in stats] if model.meanstructure else None
    return FitMeasures(
        npar=model.npar,
        ntotal=ntot,
        chisq=chisq,
        df=df,
        pvalue=chisq_pvalue(chisq, df),
        baseline_chisq=tb,
        baseline_df=dfb,
        cfi=cfi(chisq, df, tb, dfb),
        tli=tli(chisq, df, tb, dfb),
        rmsea=rmsea(chisq, df, ntot, ngr),
        rmsea_ci_lower=lo,
        rmsea_ci_upper=hi,
        srmr=srmr_bentler(covs, sigmas, means, mus if means else None, ns),
        logl=logl,
        unrestricted_logl=logl_h1,
        aic=-2 * logl + 2 * model.npar,
        bic=-2 * logl + model.npar * math.log(ntot),
    )


def _ordered_items(ordered: bool | Sequence[str], ov: list[str], estimator: str) -> list[str]:
    if ordered is True or (estimator == "WLSMV" and ordered is False):
        return list(ov)
    if ordered is False:
        return []
    items = [str(x) for x in ordered]
    if sorted(items) != sorted(ov):
        raise UsageError(
            "dinamika.cfa treats either all model items as ordered or none; mixed continuous and "
            f"ordered indicators are not supported (ordered={items}, model items={ov})"
        )
    return items


def _check_identified(
    stmts: list[Any], ngr: int, std_lv: bool, geq: tuple[str, ...], p: int, ml: bool
) -> None:
    """Refuse models with more free parameters than sample moments (negative df)."""
    if not ml:
        return
    mod = build_model(
        stmts,
        ngroups=ngr,
        std_lv=std_lv,
        meanstructure=ngr > 1,
        group_equal=geq,
    )
    moments = ngr * (p * (p + 1) // 2 + (p if ngr > 1 else 0))
    if mod.npar > moments:
        raise UsageError(
            f"the model has {mod.npar} free parameters but the data give only {moments} "
            "variances, covariances (and means): it is not identified. Give each factor at "
            "least three items, or fix parameters"
        )


def cfa(
    model: str,
    data: pd.DataFrame | SufficientStatistics,
    *,
    estimator: str = "ML",
    ordered: bool | Sequence[str] = False,
    group: str | None = None,
    group_equal: Sequence[str] = (),
    std_lv: bool = False,
    missing: str = "listwise",
    group_partial: Sequence[str] = (),
) -> CFAResult:
    """Fit a confirmatory factor (or structural equation) model as lavaan does.

    Parameters
    ----------
    model : str
        lavaan syntax (``=~``, ``~``, ``~~``, ``~ 1``; see :mod:`dinamika.psychometrics.cfa.syntax`).
    data : DataFrame or SufficientStatistics
        One row per respondent, one column per item (plus the ``group`` column). Or
        :func:`dinamika.scale.sufficient_statistics` of exactly the model's items (data
        beyond one machine; single-group ML with listwise deletion; no factor scores).
    estimator : {"ML", "WLSMV"}
        ``"ML"``: normal-theory maximum likelihood with expected-information standard errors
        (lavaan's ``cfa()`` default). ``"WLSMV"``: diagonally weighted least squares on
        thresholds and polychoric correlations, robust standard errors and the scaled-shifted
        chi-square (lavaan's ``estimator = "WLSMV"``, ``parameterization = "delta"``).
    ordered : bool or list of str
        Treat the items as ordered categories. ``True`` (or WLSMV) = all items; a list must
        name all model items (mixed continuous/ordered indicators are not supported).
        Ordered items require ``estimator="WLSMV"``.
    group : str, optional
        Column with the group of each respondent (multi-group model with a mean structure).
    group_equal : sequence of str
        Parameters held equal across groups: ``"loadings"``, ``"intercepts"``,
        ``"thresholds"``, ``"means"``, ``"residuals"``, ``"residual.covariances"``,
        ``"lv.variances"``, ``"lv.covariances"``, ``"regressions"``.
    group_partial : sequence of str
        Parameters exempt from ``group_equal`` (lavaan's ``group.partial``), e.g.
        ``["x3 ~ 1"]`` for a partial scalar-invariance model (see ``score_tests()``).
    std_lv : bool
        Identify factors by fixing their variances to 1 (all loadings free) instead of fixing
        the first loading to 1.
    missing : {"listwise", "fiml", "pairwise"}
        ``"listwise"`` (lavaan's default): rows with a missing value in a model variable are
        left out and the number is reported in ``diagnostics.warnings``. ``"fiml"`` (ML only):
        full-information ML over all rows with at least one answered item, lavaan's
        ``missing = "ml"`` (see :mod:`dinamika.psychometrics.cfa.fiml`). ``"pairwise"`` (WLSMV only):
        thresholds and polychorics from the available answers, lavaan's
        ``missing = "pairwise"``.

    Returns
    -------
    CFAResult

    Notes
    -----
    ML discrepancy per group, with S computed with divisor N and the mean term only in
    multi-group models::

        F_g = log|Σ| + tr(S Σ⁻¹) − log|S| − p + (ȳ − μ)' Σ⁻¹ (ȳ − μ),   χ² = Σ_g N_g F_g

    Observed variables in regressions get lavaan's treatment: an observed outcome
    (``kualitas ~ kepemimpinan``) is modelled through a dummy latent variable; an observed
    predictor that is never an outcome is an exogenous covariate whose variances, covariances
    and means are fixed to the sample values (lavaan's ``fixed.x = TRUE``; ML with listwise
    deletion only). Higher-order factors and mixed continuous/ordered indicators are not
    supported and raise a clear error.

    References
    ----------
    Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal of
    Statistical Software*, 48(2), 1–36.

    Examples
    --------
    >>> import dinamika
    >>> from dinamika.psychometrics.cfa.examples import holzinger_swineford
    >>> hs = holzinger_swineford()
    >>> # In R: cfa("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6;
    >>> #            speed =~ x7 + x8 + x9", data = HolzingerSwineford1939)
    >>> res = dinamika.cfa("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; "
    ...                    "speed =~ x7 + x8 + x9", hs)
    >>> round(res.fit.chisq, 3), res.fit.df, round(res.fit.cfi, 3)
    (85.306, 24, 0.931)
    """
    with single_thread_blas():  # small matrices: threaded OpenBLAS only adds contention
        return _cfa(
            model,
            data,
            estimator,
            ordered,
            group,
            tuple(group_equal),
            std_lv,
            missing,
            group_partial=tuple(group_partial),
        )


def _from_statistics(
    stats: Any, ov: list[str], group: str | None, missing: str, estimator: str
) -> tuple[list[GroupStats], list[Message]]:
    """The ML sample moments of :class:`dinamika.scale.SufficientStatistics`: the complete
    cases' covariance (divided by n) and means, as ``np.cov(x.T, bias=True)`` of those rows."""
    if estimator != "ML" or missing != "listwise" or group is not None:
        raise UsageError(
            "a CFA of sufficient statistics is single-group ML with listwise deletion "
            "(estimator='ML', missing='listwise', no group); the others need the data"
        )
    absent = [c for c in ov if c not in stats.items]
    if absent:
        raise UsageError(
            f"the model names variable(s) {absent} that the statistics do not hold; "
            f"they hold: {list(stats.items)[:30]}"
        )
    if set(ov) != set(stats.items):
        raise UsageError(
            "the statistics must be of exactly the model's variables (their complete cases "
            f"differ from those of other items): compute them for {ov}"
        )
    sub = stats.subset(ov)
    if sub.n_complete <= len(ov):
        raise UsageError(
            f"only {sub.n_complete} usable respondents for {len(ov)} variables; "
            "a CFA needs clearly more respondents than items"
        )
    cov = sub.complete_cov(bias=True).to_numpy()
    dropped = sub.n_rows - sub.n_complete
    notes = [Message("cfa.dropped_listwise", n=dropped, total=sub.n_rows)] if dropped else []
    return [GroupStats(sub.n_complete, cov, sub.complete_mean().to_numpy())], notes


def _cfa(
    model: str,
    data: pd.DataFrame | SufficientStatistics,
    estimator: str,
    ordered: bool | Sequence[str],
    group: str | None,
    group_equal: tuple[str, ...],
    std_lv: bool,
    missing: str,
    cache: dict[str, Any] | None = None,
    group_partial: tuple[str, ...] = (),
) -> CFAResult:
    if estimator not in ("ML", "WLSMV"):
        raise UsageError(f"estimator must be one of ['ML', 'WLSMV'], but {estimator!r} was passed")
    geq = tuple(group_equal)
    if geq and group is None:
        raise UsageError("group_equal needs a group column (group=...)")
    stmts = parse_model(model)
    base = build_model(stmts, std_lv=std_lv)
    ov = base.ov
    if base.fixed_x and (missing == "fiml" or estimator != "ML"):
        raise UsageError(
            f"exogenous observed covariates {base.fixed_x} are supported with estimator='ML' "
            "and missing='listwise' only"
        )
    ord_items = _ordered_items(ordered, ov, estimator)
    if ord_items and estimator != "WLSMV":
        raise UsageError("ordered items need estimator='WLSMV' (ML treats items as continuous)")
    if missing == "fiml" and estimator != "ML":
        raise UsageError("missing='fiml' needs estimator='ML'; with WLSMV use missing='pairwise'")
    if missing == "pairwise" and estimator != "WLSMV":
        raise UsageError(
            "missing='pairwise' is available with estimator='WLSMV'; with ML use 'fiml'"
        )
    given: list[GroupStats] | None = None
    data_g: list[Array]
    labels: tuple[str, ...]
    notes: list[Message]
    rows: list[pd.Index]
    if hasattr(data, "complete_cross"):  # dinamika.scale.SufficientStatistics
        given, notes = _from_statistics(data, ov, group, missing, estimator)
        data_g, labels, rows = [], ("",), [pd.RangeIndex(given[0].n)]
    else:
        data_g, labels, notes, rows = prepare(data, ov, group, missing)
    if estimator == "WLSMV":
        from dinamika.psychometrics.cfa.wls import fit_wlsmv

        return fit_wlsmv(
            model,
            stmts,
            data_g,
            labels,
            notes,
            rows,
            std_lv=std_lv,
            group_equal=geq,
            group_partial=group_partial,
            cache=cache,
        )
    ngr = len(given) if given is not None else len(data_g)
    _check_identified(stmts, ngr, std_lv, geq, len(ov), estimator == "ML")
    if missing == "fiml":
        from dinamika.psychometrics.cfa.fiml import fiml_result

        mod = build_model(
            stmts,
            ngroups=ngr,
            std_lv=std_lv,
            meanstructure=True,
            group_equal=geq,
            group_partial=group_partial,
        )
        result: CFAResult = fiml_result(model, mod, data_g, labels, notes, rows)
        return result
    mod = build_model(
        stmts,
        ngroups=ngr,
        std_lv=std_lv,
        meanstructure=ngr > 1,
        group_equal=geq,
        group_partial=group_partial,
    )
    stats = given or [GroupStats(len(x), np.cov(x.T, bias=True), x.mean(axis=0)) for x in data_g]
    for lab, st in zip(labels, stats, strict=True):
        if np.linalg.eigvalsh(st.cov).min() <= 1e-12:
            where = f" in group {lab!r}" if lab else ""
            raise UsageError(
                f"the sample covariance matrix{where} is singular (an item is constant or a "
                "linear combination of others); remove that item"
            )
    if mod.fixed_x:
        mod.set_fixed_x([s.cov for s in stats], [s.mean for s in stats])
    start = start_values(mod, [s.cov for s in stats], [s.mean for s in stats])
    est = fit_ml(mod, stats, start)
    ntot = sum(s.n for s in stats)
    info = ml_information(mod, est.theta, stats) * ntot
    try:
        vcov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        vcov = np.linalg.pinv(info)
        notes.append(Message("cfa.singular"))
    vcov = np.asarray(vcov, dtype=float)
    se = np.sqrt(np.clip(np.diag(vcov), 0, None))
    fitm = _ml_fit_measures(mod, est.theta, stats, est.fmin)
    return assemble(
        model_text=model,
        estimator="ML",
        mod=mod,
        theta=est.theta,
        se=se,
        vcov=vcov,
        labels=labels,
        fit=fitm,
        converged=est.converged,
        iterations=est.iterations,
        message=est.message,
        notes=notes,
        n=ntot,
        data=tuple(data_g),
        stats=tuple(stats),
        extra={"rows": rows},
    )
