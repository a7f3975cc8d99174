"""From parsed syntax to lavaan's full parameter table (the defaults of ``cfa()``/``sem()``).

See :mod:`dinamika.psychometrics.cfa.model` for the matrices the rows fill.
"""

from __future__ import annotations

from dinamika.errors import UsageError
from dinamika.psychometrics.cfa.model import Model, Row
from dinamika.psychometrics.cfa.syntax import Statement

__all__ = ["GROUP_EQUAL", "build_model"]

#: ``group_equal`` keywords → (matrix, diagonal?) they constrain across groups.
GROUP_EQUAL: dict[str, tuple[str, bool | None]] = {
    "loadings": ("lambda", None),
    "intercepts": ("nu", None),
    "means": ("alpha", None),
    "thresholds": ("tau", None),
    "regressions": ("beta", None),
    "residuals": ("theta", True),
    "residual.covariances": ("theta", False),
    "lv.variances": ("psi", True),
    "lv.covariances": ("psi", False),
}


def _classify(stmts: list[Statement]) -> tuple[list[str], list[str], list[str], set[str]]:
    factors: list[str] = []
    for s in stmts:
        if s.op == "=~" and s.lhs not in factors:
            factors.append(s.lhs)
    indicators = {s.rhs for s in stmts if s.op == "=~"}
    names: list[str] = []
    for s in stmts:
        for n in (s.lhs, s.rhs):
            if n and n not in names:
                names.append(n)
    ov = [n for n in names if n not in factors]
    reg_ov = {
        n
        for s in stmts
        if s.op == "~"
        for n in (s.lhs, s.rhs)
        if n not in factors and n not in indicators
    }
    for s in stmts:
        if s.op == "=~" and s.rhs in factors:
            raise UsageError(
                f"'{s.lhs} =~ {s.rhs}': higher-order factors are not supported by dinamika.cfa"
            )
    lv = factors + [n for n in ov if n in reg_ov]
    return ov, lv, factors, reg_ov


def build_model(
    stmts: list[Statement],
    *,
    ngroups: int = 1,
    std_lv: bool = False,
    meanstructure: bool = False,
    ordered: dict[str, int] | None = None,
    group_equal: tuple[str, ...] = (),
    group_partial: tuple[str, ...] = (),
) -> Model:
    """Expand parsed statements into lavaan's full parameter table (see module docstring).

    ``group_partial`` lists parameters exempt from ``group_equal`` (lavaan's
    ``group.partial``), written as ``"visual =~ x2"`` or ``"x3 ~ 1"``.
    """
    ordered = dict(ordered or {})
    partial = {p.replace(" ", "").replace("~1", "~1") for p in group_partial}
    bad = [k for k in group_equal if k not in GROUP_EQUAL]
    if bad:
        raise UsageError(
            f"group_equal must be drawn from {sorted(GROUP_EQUAL)}, but {bad} was passed"
        )
    ov, lv, factors, reg_ov = _classify(stmts)
    lhs_reg = {s.lhs for s in stmts if s.op == "~"}
    # exogenous observed covariates: variances, covariances and means fixed to their sample
    # values (lavaan's fixed.x = TRUE); filled in by set_fixed_x()
    fixed_x = [n for n in ov if n in reg_ov and n not in lhs_reg]
    ov_i = {n: i for i, n in enumerate(ov)}
    lv_i = {n: i for i, n in enumerate(lv)}
    endo = {s.lhs for s in stmts if s.op == "~"}
    predictors = {s.rhs for s in stmts if s.op == "~"}
    eq_mats = {GROUP_EQUAL[k] for k in group_equal}
    eq_intercepts = "intercepts" in group_equal or "thresholds" in group_equal
    rows: list[Row] = []
    for g in range(1, ngroups + 1):
        grow: list[Row] = []
        seen: set[tuple[str, str, str]] = set()

        def add(
            row: Row,
            key: tuple[str, str, str],
            grow: list[Row] = grow,
            seen: set[tuple[str, str, str]] = seen,
        ) -> None:
            if key not in seen:
                seen.add(key)
                grow.append(row)

        marker_done: set[str] = set()
        for s in stmts:
            mod = s.modifier(g - 1)
            if s.op == "=~":
                is_marker = s.lhs not in marker_done and not std_lv
                marker_done.add(s.lhs)
                row = Row(s.lhs, "=~", s.rhs, g, "lambda", ov_i[s.rhs], lv_i[s.lhs], user=True)
                row.free, row.value = (0, 1.0) if is_marker else (1, 0.0)
            elif s.op == "~":
                row = Row(s.lhs, "~", s.rhs, g, "beta", lv_i[s.lhs], lv_i[s.rhs], 1, user=True)
            elif s.op == "~~":
                a, b = s.lhs, s.rhs
                if a in lv_i and b in lv_i:
                    i, j = sorted((lv_i[a], lv_i[b]), reverse=True)
                    row = Row(a, "~~", b, g, "psi", i, j, 1, user=True)
                elif a in ov_i and b in ov_i:
                    i, j = sorted((ov_i[a], ov_i[b]), reverse=True)
                    if i == j and a in ordered:
                        raise UsageError(
                            f"'{a} ~~ {a}': residual variances of ordered items are not free"
                        )
                    row = Row(a, "~~", b, g, "theta", i, j, 1, user=True)
                else:
                    raise UsageError(f"'{a} ~~ {b}' mixes an observed and a latent variable")
            else:  # ~1
                if s.lhs in factors:
                    row = Row(s.lhs, "~1", "", g, "alpha", lv_i[s.lhs], 0, 1, user=True)
                else:
                    row = Row(s.lhs, "~1", "", g, "nu", ov_i[s.lhs], 0, 1, user=True)
            if mod.fixed is not None:
                row.free, row.value = 0, mod.fixed
            elif mod.free or mod.label:
                row.free = 1
            row.label = mod.label or ""
            key = (row.lhs, row.op, row.rhs)
            if s.op == "~~" and (row.rhs, "~~", row.lhs) in seen:
                continue
            add(row, key)
        # residual variances of observed variables / dummy latents
        for n in ov:
            if n in reg_ov:
                rv = Row(n, "=~", n, g, "lambda", ov_i[n], lv_i[n], 0, 1.0)
                grow.append(rv)  # hidden dummy loading
                if n in fixed_x:
                    row = Row(n, "~~", n, g, "psi", lv_i[n], lv_i[n], 0, 1.0, exo=True)
                    add(row, (n, "~~", n))
                else:
                    add(Row(n, "~~", n, g, "psi", lv_i[n], lv_i[n], 1), (n, "~~", n))
            elif n in ordered:
                add(Row(n, "~~", n, g, "theta", ov_i[n], ov_i[n], 0, 1.0), (n, "~~", n))
            else:
                add(Row(n, "~~", n, g, "theta", ov_i[n], ov_i[n], 1), (n, "~~", n))
        for f in factors:
            add(
                Row(f, "~~", f, g, "psi", lv_i[f], lv_i[f], 0 if std_lv else 1, 1.0),
                (f, "~~", f),
            )
        exo_lv = [n for n in lv if n not in endo and n not in fixed_x]
        pure_y = [n for n in lv if n in endo and n not in predictors]
        for a_i, a in enumerate(fixed_x):
            for b in fixed_x[a_i + 1 :]:
                i, j = sorted((lv_i[a], lv_i[b]), reverse=True)
                add(Row(a, "~~", b, g, "psi", i, j, 0, 0.0, exo=True), (a, "~~", b))
        for group_lv in (exo_lv, pure_y):
            for a_i, a in enumerate(group_lv):
                for b in group_lv[a_i + 1 :]:
                    if (a, "~~", b) in seen or (b, "~~", a) in seen:
                        continue
                    i, j = sorted((lv_i[a], lv_i[b]), reverse=True)
                    add(Row(a, "~~", b, g, "psi", i, j, 1), (a, "~~", b))
        if ordered:
            t = 0
            for n in ov:
                for k in range(ordered.get(n, 0)):
                    grow.append(Row(n, "|", f"t{k + 1}", g, "tau", t, 0, 1))
                    t += 1
            for n in ov:
                free_delta = g > 1 and eq_intercepts
                grow.append(Row(n, "~*~", n, g, "delta", ov_i[n], 0, int(free_delta), 1.0))
        if meanstructure or ordered:
            for n in ov:
                free_nu = meanstructure and n not in ordered and n not in fixed_x
                row = Row(n, "~1", "", g, "nu", ov_i[n], 0, int(free_nu), 0.0, exo=n in fixed_x)
                add(row, (n, "~1", ""))
            for f in factors:
                free_a = g > 1 and eq_intercepts and "means" not in group_equal
                add(Row(f, "~1", "", g, "alpha", lv_i[f], 0, int(free_a), 0.0), (f, "~1", ""))
        rows.extend(grow)
    # free-parameter indices: user labels and group_equal share an index
    index: dict[str, int] = {}
    npar = 0
    for r in rows:
        if r.free == 0:
            continue
        eqkey = r.label
        if not eqkey and ngroups > 1:
            diag = r.row == r.col
            for mat, want_diag in eq_mats:
                if (
                    r.mat == mat
                    and (want_diag is None or want_diag == diag)
                    and f"{r.lhs}{r.op}{r.rhs}" not in partial
                ):
                    eqkey = f".eq.{r.mat}.{r.lhs}.{r.op}.{r.rhs}"
        if eqkey and eqkey in index:
            r.free = index[eqkey]
            continue
        npar += 1
        r.free = npar
        if eqkey:
            index[eqkey] = npar
    return Model(rows, ov, lv, factors, ngroups, meanstructure, ordered, npar, fixed_x=fixed_x)
