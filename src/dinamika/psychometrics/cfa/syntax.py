"""A parser for the part of lavaan's model syntax that measurement models need.

Supported operators: ``=~`` (measured by), ``~`` (regressed on), ``~~`` (variance /
covariance) and ``~ 1`` (intercept / mean). Modifiers before a right-hand term: a number fixes
the parameter (``1*x1``, ``0*x2``), ``NA*`` frees it (``NA*x1`` frees the marker loading), a
name labels it (``a*x1``: parameters with the same label are constrained equal), and
``c(...)*`` gives one modifier per group. Several left-hand names (``f1 + f2 ~~ f3``) are
expanded. Statements are separated by new lines or ``;``; ``#`` and ``!`` start comments; a
line without an operator continues the previous one.

Not supported (a :class:`~dinamika.errors.UsageError` says so): ``:=`` defined parameters,
``==``/``<``/``>`` constraints, ``|`` threshold statements, ``~*~`` scale statements,
``start()``/``equal()`` modifiers and formative ``<~`` composites.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dinamika.errors import UsageError

__all__ = ["Modifier", "Statement", "parse_model"]

_OPS = ("=~", "~~", "~")
_UNSUPPORTED = (":=", "==", "<~", "~*~", "|", "<", ">")
_NAME = re.compile(r"^[A-Za-z_.][A-Za-z0-9_.]*$")


@dataclass(frozen=True)
class Modifier:
    """One modifier for one group: a fixed value, a label, or ``free`` (``NA*``)."""

    fixed: float | None = None
    label: str | None = None
    free: bool = False


@dataclass(frozen=True)
class Statement:
    """One ``lhs op rhs`` term; ``modifiers`` holds one entry, or one per group."""

    lhs: str
    op: str
    rhs: str
    modifiers: tuple[Modifier, ...] = ()

    def modifier(self, group: int) -> Modifier:
        """The modifier for 0-based ``group`` (a single modifier applies to every group)."""
        if not self.modifiers:
            return Modifier()
        if len(self.modifiers) == 1:
            return self.modifiers[0]
        if group >= len(self.modifiers):
            raise UsageError(
                f"the modifier c(...) on '{self.lhs} {self.op} {self.rhs}' has "
                f"{len(self.modifiers)} values but the data have more groups; give one per group"
            )
        return self.modifiers[group]


def _parse_one_modifier(text: str, where: str) -> Modifier:
    text = text.strip()
    if text in ("NA", "na"):
        return Modifier(free=True)
    try:
        return Modifier(fixed=float(text))
    except ValueError:
        pass
    if text.startswith(("'", '"')) and text.endswith(("'", '"')):
        text = text[1:-1]
    if not _NAME.match(text):
        raise UsageError(
            f"cannot read the modifier '{text}' in '{where}': use a number (fixed value), "
            "NA (free) or a label such as a1"
        )
    return Modifier(label=text)


def _parse_modifiers(text: str, where: str) -> tuple[Modifier, ...]:
    text = text.strip()
    if text.startswith(("start(", "equal(", "lower(", "upper(")):
        raise UsageError(f"the modifier '{text}' in '{where}' is not supported")
    if text.startswith("c(") and text.endswith(")"):
        return tuple(_parse_one_modifier(t, where) for t in text[2:-1].split(","))
    return (_parse_one_modifier(text, where),)


def _split_terms(side: str, where: str) -> list[tuple[str, tuple[Modifier, ...]]]:
    out: list[tuple[str, tuple[Modifier, ...]]] = []
    depth, cur, parts = 0, "", []
    for ch in side:  # split on '+' outside parentheses
        depth += ch == "("
        depth -= ch == ")"
        if ch == "+" and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    for part in parts:
        part = part.strip()
        if not part:
            raise UsageError(f"empty term in '{where}' (a stray '+'?)")
        mods: tuple[Modifier, ...] = ()
        if "*" in part:
            mod_text, _, part = part.rpartition("*")
            mods = _parse_modifiers(mod_text, where)
            part = part.strip()
        if part != "1" and not _NAME.match(part):
            raise UsageError(f"'{part}' in '{where}' is not a valid variable name")
        out.append((part, mods))
    return out


def _statements(model: str) -> list[str]:
    lines: list[str] = []
    for raw in model.replace(";", "\n").splitlines():
        line = re.split(r"[#!]", raw, maxsplit=1)[0].strip()
        if not line:
            continue
        has_op = any(op in line for op in (*_OPS, *_UNSUPPORTED))
        if lines and (not has_op or line.startswith("+") or lines[-1].rstrip().endswith("+")):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return lines


def parse_model(model: str) -> list[Statement]:
    """Parse lavaan model syntax into a flat list of :class:`Statement`.

    Parameters
    ----------
    model : str
        lavaan syntax, e.g. ``"visual =~ x1 + x2 + x3"``.

    Returns
    -------
    list of Statement
        One statement per left-hand × right-hand pair, in the order written.

    Examples
    --------
    >>> [(s.lhs, s.op, s.rhs) for s in parse_model("f =~ a + 0.5*b; a ~~ b")]
    [('f', '=~', 'a'), ('f', '=~', 'b'), ('a', '~~', 'b')]
    """
    if not isinstance(model, str) or not model.strip():
        raise UsageError("the model must be lavaan syntax text, e.g. 'f =~ x1 + x2 + x3'")
    out: list[Statement] = []
    for line in _statements(model):
        for bad in _UNSUPPORTED:
            if bad in line:
                raise UsageError(
                    f"the operator '{bad}' in '{line}' is not supported by dinamika.cfa; "
                    "write the model with =~, ~, ~~ and ~ 1 only"
                )
        op = next((o for o in _OPS if o in line), None)
        if op is None:
            raise UsageError(f"no operator (=~, ~, ~~) in the model line '{line}'")
        lhs_text, rhs_text = line.split(op, 1)
        lhs_names = [n for n, _ in _split_terms(lhs_text, line)]
        for lhs in lhs_names:
            if not _NAME.match(lhs):
                raise UsageError(f"'{lhs}' in '{line}' is not a valid variable name")
            for rhs, mods in _split_terms(rhs_text, line):
                if rhs == "1":
                    if op != "~":
                        raise UsageError(f"'1' is only allowed as '{lhs} ~ 1' (in '{line}')")
                    out.append(Statement(lhs, "~1", "", mods))
                else:
                    out.append(Statement(lhs, op, rhs, mods))
    return out
