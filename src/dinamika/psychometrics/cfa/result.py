"""The result of :func:`dinamika.psychometrics.cfa`: tidy tables, standardized solution, diagnostics."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.special import ndtr

from dinamika.core.results import ResultMixin
from dinamika.core.sample_size import below_minimum, required_n
from dinamika.i18n.messages import Message
from dinamika.psychometrics.cfa.fit import FitMeasures
from dinamika.psychometrics.cfa.model import Model

if TYPE_CHECKING:  # pragma: no cover
    from dinamika.psychometrics.cfa.ml import GroupStats

__all__ = ["CFAResult", "Diagnostics", "assemble", "diagnose", "parameter_table"]

Array = NDArray[Any]


@dataclass(frozen=True)
class Diagnostics:
    """What happened during estimation; never hidden from the user.

    Attributes
    ----------
    converged, iterations, message
        Optimizer outcome.
    heywood : tuple of str
        Variables with a negative (residual) variance or a standardized loading above 1.
    not_positive_definite : tuple of str
        Matrices (e.g. ``"psi (group 1)"``) that are not positive definite at the solution.
    warnings : tuple of str
        Everything else worth knowing (e.g. polychoric tables with empty cells), in English.
    sample_size : str or None
        Set when n is below the CFA minimum of :mod:`dinamika.core.sample_size` (5 respondents per
        free parameter): why the fit should not be judged (English). None otherwise.
    notes : tuple of Message
        The warnings as catalogue messages, to be shown in either language.
    """

    converged: bool
    iterations: int
    message: str
    heywood: tuple[str, ...] = ()
    not_positive_definite: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    sample_size: str | None = None
    notes: tuple[Message, ...] = field(default=(), repr=False, compare=False)


def _sqrt_or_nan(x: float) -> float:
    return math.sqrt(x) if x > 0 else math.nan


def _std_all(
    model: Model, mats_all: list[dict[str, Array]]
) -> dict[tuple[str, str, str, int], float]:
    """lavaan's ``std.all`` for every row (keyed by lhs, op, rhs, group)."""
    out: dict[tuple[str, str, str, int], float] = {}
    for g, mats in enumerate(mats_all, start=1):
        sigma, _, a_inv = model.implied(mats)
        lv_var = np.diag(a_inv @ mats["psi"] @ a_inv.T)
        ov_var = np.diag(sigma)
        # a negative (Heywood) variance has no standard deviation: its std_all values are NaN,
        # and the Heywood case is reported in the diagnostics (lavaan gives NaN too)
        sd_ov = np.sqrt(np.where(ov_var > 0, ov_var, np.nan))
        sd_lv = np.sqrt(np.where(lv_var > 0, lv_var, np.nan))
        theta, psi = mats["theta"], mats["psi"]
        for r in model.rows:
            if r.group != g:
                continue
            key = (r.lhs, r.op, r.rhs, g)
            if r.mat == "lambda":
                v = mats["lambda"][r.row, r.col] * sd_lv[r.col] / sd_ov[r.row]
            elif r.mat == "beta":
                v = mats["beta"][r.row, r.col] * sd_lv[r.col] / sd_lv[r.row]
            elif r.mat == "psi":
                i, j = r.row, r.col
                if i == j:
                    v = psi[i, i] / lv_var[i]
                else:  # (residual) correlation, as lavaan >= 0.6
                    v = psi[i, j] / _sqrt_or_nan(psi[i, i] * psi[j, j])
            elif r.mat == "theta":
                i, j = r.row, r.col
                v = (
                    theta[i, i] / sigma[i, i]
                    if i == j
                    else theta[i, j] / _sqrt_or_nan(theta[i, i] * theta[j, j])
                )
            elif r.mat == "nu":
                v = mats["nu"][r.row] / sd_ov[r.row]
            elif r.mat == "alpha":
                v = mats["alpha"][r.row] / sd_lv[r.row]
            elif r.mat == "tau":
                item = model.ov.index(r.lhs)
                v = mats["tau"][r.row] / sd_ov[item]
            else:  # delta
                v = mats["delta"][r.row] * sd_ov[r.row]
            out[key] = float(v)
    return out


def parameter_table(
    model: Model, theta: Array, se: Array, group_labels: tuple[str, ...]
) -> pd.DataFrame:
    """lavaan's ``parameterEstimates(fit, standardized=TRUE)`` as a tidy DataFrame."""
    mats_all = model.fill(theta)
    for mats in mats_all:
        model.set_ordinal_theta(mats)
    std = _std_all(model, mats_all)
    rows = [r for r in model.rows if not (r.op == "=~" and r.lhs == r.rhs)]  # no dummy loadings
    est = np.array(
        [
            mats_all[r.group - 1][r.mat][r.row, r.col]
            if r.mat in ("lambda", "theta", "psi", "beta")
            else mats_all[r.group - 1][r.mat][r.row]
            for r in rows
        ],
        dtype=float,
    )
    free = np.array([r.free for r in rows])
    s = np.where(free > 0, se[np.maximum(free, 1) - 1], 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where((free > 0) & (s > 0), est / s, np.nan)
    return pd.DataFrame(
        {
            "lhs": [r.lhs for r in rows],
            "op": [r.op for r in rows],
            "rhs": [r.rhs for r in rows],
            "group": np.array([r.group for r in rows], dtype=np.int64),
            "group_label": [
                group_labels[r.group - 1] if len(group_labels) > 1 else "" for r in rows
            ],
            "label": [r.label for r in rows],
            "free": free > 0,
            "est": est,
            "se": s,
            "z": z,
            "pvalue": 2.0 * ndtr(-np.abs(z)),
            "std_all": [std[(r.lhs, r.op, r.rhs, r.group)] for r in rows],
        }
    )


def _frame(recs: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: [r[c] for r in recs] for c in columns})


def _r2(model: Model, theta: Array, group_labels: tuple[str, ...]) -> pd.DataFrame:
    recs = []
    for g, mats in enumerate(model.fill(theta), start=1):
        model.set_ordinal_theta(mats)
        sigma, _, a_inv = model.implied(mats)
        lv_var = np.diag(a_inv @ mats["psi"] @ a_inv.T)
        endo = [bool(x) for x in np.any(mats["beta"] != 0, axis=1)]
        label = group_labels[g - 1] if len(group_labels) > 1 else ""
        for i, n in enumerate(model.ov):
            if n in model.lv:
                continue
            recs.append(
                {
                    "group": g,
                    "group_label": label,
                    "variable": n,
                    "r2": 1.0 - mats["theta"][i, i] / sigma[i, i],
                }
            )
        for j, n in enumerate(model.lv):
            if endo[j]:
                recs.append(
                    {
                        "group": g,
                        "group_label": label,
                        "variable": n,
                        "r2": 1.0 - mats["psi"][j, j] / lv_var[j],
                    }
                )
    return _frame(recs, ["group", "group_label", "variable", "r2"])


def _factor_correlations(model: Model, theta: Array, group_labels: tuple[str, ...]) -> pd.DataFrame:
    recs = []
    fac = [model.lv.index(f) for f in model.factors]
    for g, mats in enumerate(model.fill(theta), start=1):
        _, _, a_inv = model.implied(mats)
        cov = (a_inv @ mats["psi"] @ a_inv.T)[np.ix_(fac, fac)]
        sd = np.sqrt(np.abs(np.diag(cov)))
        cor = cov / np.outer(sd, sd)
        for a in range(len(fac)):
            for b in range(a + 1, len(fac)):
                recs.append(
                    {
                        "group": g,
                        "group_label": group_labels[g - 1] if len(group_labels) > 1 else "",
                        "factor1": model.factors[a],
                        "factor2": model.factors[b],
                        "r": float(cor[a, b]),
                    }
                )
    return _frame(recs, ["group", "group_label", "factor1", "factor2", "r"])


@dataclass(frozen=True)
class CFAResult(ResultMixin):
    """A fitted confirmatory factor / structural equation model.

    Attributes
    ----------
    model : str
        The lavaan syntax that was fitted.
    estimator : {"ML", "WLSMV"}
    fit : FitMeasures
        Fit indices, named as lavaan's ``fitMeasures()`` with ``_`` for ``.``.
    parameters : DataFrame
        Every parameter: ``lhs, op, rhs, group, group_label, label, free, est, se, z, pvalue,
        std_all`` (lavaan's ``parameterEstimates(standardized=TRUE)``).
    loadings : DataFrame
        ``group, group_label, factor, item, estimate, se, z, pvalue, std_all``.
    factor_correlations : DataFrame
        ``group, group_label, factor1, factor2, r`` (model-implied).
    r2 : DataFrame
        ``group, group_label, variable, r2`` for indicators and endogenous latent variables.
    diagnostics : Diagnostics
    n : int
        Respondents actually used (after listwise deletion).
    group_labels : tuple of str
    """

    model: str
    estimator: str
    fit: FitMeasures
    parameters: pd.DataFrame = field(repr=False)
    loadings: pd.DataFrame = field(repr=False)
    factor_correlations: pd.DataFrame = field(repr=False)
    r2: pd.DataFrame = field(repr=False)
    diagnostics: Diagnostics
    n: int
    group_labels: tuple[str, ...]
    _model: Model = field(repr=False)
    _theta: Array = field(repr=False)
    _vcov: Array = field(repr=False)
    _data: tuple[Array, ...] = field(repr=False)
    _stats: tuple[GroupStats, ...] = field(repr=False)
    _extra: dict[str, Any] = field(repr=False, default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The full parameter table (same as ``.parameters``)."""
        return self.parameters.copy()

    def summary(self, lang: str = "id") -> str:
        """A readable report: fit indices, standardized loadings, diagnostics."""
        f = self.fit
        head = Message(
            "cfa.head", estimator=self.estimator, n=self.n, groups=len(self.group_labels)
        )
        lines = [head.text(lang)]
        if self.estimator == "WLSMV":
            lines.append(
                f"chi2 (scaled-shifted) = {f.chisq_scaled:.3f}, df = {f.df}, "
                f"p = {f.pvalue_scaled:.4f}; CFI = {f.cfi_scaled:.3f}, TLI = {f.tli_scaled:.3f}, "
                f"RMSEA = {f.rmsea_scaled:.3f} [{f.rmsea_ci_lower_scaled:.3f}, "
                f"{f.rmsea_ci_upper_scaled:.3f}], SRMR = {f.srmr:.3f}"
            )
        else:
            lines.append(
                f"chi2 = {f.chisq:.3f}, df = {f.df}, p = {f.pvalue:.4f}; CFI = {f.cfi:.3f}, "
                f"TLI = {f.tli:.3f}, RMSEA = {f.rmsea:.3f} [{f.rmsea_ci_lower:.3f}, "
                f"{f.rmsea_ci_upper:.3f}], SRMR = {f.srmr:.3f}"
            )
        cols = ["group_label", "factor", "item", "estimate", "se", "std_all"]
        tab = self.loadings[cols] if len(self.group_labels) > 1 else self.loadings[cols[1:]]
        lines += ["", tab.round(3).to_string(index=False)]
        d = self.diagnostics
        lines.append("")
        converged = Message("cfa.yes" if d.converged else "cfa.no")
        lines.append(
            Message("cfa.converged", converged=converged, iterations=d.iterations).text(lang)
        )
        for code, items in (
            ("cfa.heywood", d.heywood),
            ("cfa.not_pd", d.not_positive_definite),
            ("cfa.sample_size", (self._sample_size(lang),) if d.sample_size else ()),
        ):
            if items:
                lines.append(Message(code, items="; ".join(items)).text(lang))
        shown = [m.text(lang) for m in d.notes] if d.notes else list(d.warnings)
        if shown:
            lines.append(Message("cfa.warnings", items="; ".join(shown)).text(lang))
        return "\n".join(lines)

    def _sample_size(self, lang: str) -> str:
        """Why n is too small for this model, in ``lang``."""
        if lang == "en":
            return str(self.diagnostics.sample_size)
        npar = int(self.fit.npar)
        return Message("cfa.too_few", n=self.n, need=f"{required_n('cfa', npar):g}", k=npar).text(
            lang
        )

    def modification_indices(self, top: int | None = 10) -> pd.DataFrame:
        """Modification indices of fixed parameters, largest first (ML only).

        See :func:`dinamika.psychometrics.cfa.modindices.modification_indices`.
        """
        from dinamika.psychometrics.cfa.modindices import modification_indices

        return modification_indices(self, top=top)

    def score_tests(self) -> pd.DataFrame:
        """Score tests for releasing each equality constraint (lavaan's ``lavTestScore``).

        See :func:`dinamika.psychometrics.cfa.score_tests.score_tests`.
        """
        from dinamika.psychometrics.cfa.score_tests import score_tests

        return score_tests(self)

    def scores(self, method: str = "regression", *, talis: bool = False) -> pd.DataFrame:
        """Factor scores per respondent; see :func:`dinamika.psychometrics.cfa.scores.factor_scores`."""
        from dinamika.psychometrics.cfa.scores import factor_scores

        return factor_scores(self, method=method, talis=talis)


def diagnose(
    model: Model, theta: Array, params: pd.DataFrame
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Heywood cases and non-positive-definite latent / residual covariance matrices."""
    heywood: list[str] = []
    npd: list[str] = []
    op = params["op"].to_numpy()
    lhs, rhs = params["lhs"].to_numpy(), params["rhs"].to_numpy()
    est, std = params["est"].to_numpy(), params["std_all"].to_numpy()
    grp = params["group"].to_numpy()
    for k in np.flatnonzero((op == "~~") & (lhs == rhs) & (est < 0)):
        heywood.append(f"negative variance of {lhs[k]} (group {grp[k]})")
    for k in np.flatnonzero((op == "=~") & (np.abs(std) > 1)):
        heywood.append(f"standardized loading of {rhs[k]} on {lhs[k]} > 1 (group {grp[k]})")
    for g, mats in enumerate(model.fill(theta), start=1):
        for name in ("psi", "theta"):
            m = mats[name]
            if name == "theta" and model.ordered:
                continue
            if m.size and np.linalg.eigvalsh(m).min() < -1e-10:
                npd.append(f"{name} (group {g})")
    return tuple(heywood), tuple(npd)


def _loadings(params: pd.DataFrame) -> pd.DataFrame:
    """The ``=~`` rows of the parameter table, named for users."""
    k = np.flatnonzero(params["op"].to_numpy() == "=~")
    cols = {
        "group": "group",
        "group_label": "group_label",
        "factor": "lhs",
        "item": "rhs",
        "estimate": "est",
        "se": "se",
        "z": "z",
        "pvalue": "pvalue",
        "std_all": "std_all",
    }
    return pd.DataFrame({new: params[old].to_numpy()[k] for new, old in cols.items()})


def assemble(
    *,
    model_text: str,
    estimator: str,
    mod: Model,
    theta: Array,
    se: Array,
    vcov: Array,
    labels: tuple[str, ...],
    fit: FitMeasures,
    converged: bool,
    iterations: int,
    message: str,
    notes: list[Message],
    n: int,
    data: tuple[Array, ...],
    stats: tuple[GroupStats, ...],
    extra: dict[str, Any],
) -> CFAResult:
    """The result of any estimator: parameter table, standardized solution, diagnostics."""
    params = parameter_table(mod, theta, se, labels)
    heywood, npd = diagnose(mod, theta, params)
    if not (np.isfinite(fit.chisq) and fit.chisq >= 0):
        notes = [*notes, Message("cfa.broke_down")]
    notes = [*notes, *_lavaan_warnings(estimator, converged, iterations, vcov, stats, notes)]
    return CFAResult(
        model=model_text,
        estimator=estimator,
        fit=fit,
        parameters=params,
        loadings=_loadings(params),
        factor_correlations=_factor_correlations(mod, theta, labels),
        r2=_r2(mod, theta, labels),
        diagnostics=Diagnostics(
            converged,
            iterations,
            message,
            heywood,
            npd,
            tuple(m.text("en") for m in notes),
            below_minimum("cfa", n, parameters=int(fit.npar)),
            tuple(notes),
        ),
        n=n,
        group_labels=labels,
        _model=mod,
        _theta=theta,
        _vcov=vcov,
        _data=data,
        _stats=stats,
        _extra=extra,
    )


def _lavaan_warnings(
    estimator: str,
    converged: bool,
    iterations: int,
    vcov: Array,
    stats: tuple[GroupStats, ...],
    notes: list[Message],
) -> list[Message]:
    """The checks lavaan warns about after a fit, as diagnostics (none may pass silently)."""
    out: list[Message] = []
    if not converged:
        out.append(Message("cfa.not_converged", iterations=iterations))
    v = np.asarray(vcov, dtype=float)
    if not any(m.code == "cfa.singular" for m in notes):
        bad = not np.isfinite(v).all()
        if not bad and v.size:
            ev = np.linalg.eigvalsh(0.5 * (v + v.T))
            bad = ev.min() <= 1e-12 * max(ev.max(), 1e-300)
        if bad:
            out.append(Message("cfa.information_not_pd"))
    if estimator == "ML":
        for g, st in enumerate(stats, start=1):
            var = np.diag(np.asarray(st.cov, dtype=float))
            if var.size and var.min() > 0 and var.max() / var.min() > 1000:
                out.append(Message("cfa.variance_scale", group=g))
    return out
