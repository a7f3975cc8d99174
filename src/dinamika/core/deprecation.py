"""Renamed arguments keep working for one release, with a warning that names the new name.

Each rename is listed in ``CHANGELOG.md`` (section *Deprecated*); the aliases go in the next
release after that.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from dinamika.errors import UsageError

__all__ = ["alpha_to_ci", "renamed_argument"]

P = ParamSpec("P")
R = TypeVar("R")


def alpha_to_ci(alpha: Any) -> float:
    """The confidence level of a significance level: ``alpha=0.05`` → ``ci=0.95``.

    Rounded to 12 decimals so that ``0.05`` gives exactly ``0.95`` (not 0.9499999999999999).

    Examples
    --------
    >>> alpha_to_ci(0.05), alpha_to_ci(0.1)
    (0.95, 0.9)
    """
    return round(1.0 - float(alpha), 12)


def renamed_argument(
    old: str, new: str, convert: Callable[[Any], Any] | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator: accept keyword ``old`` as a deprecated alias of ``new`` for one release.

    Passing ``old`` emits a :class:`DeprecationWarning` naming ``new`` and calls the function
    with ``new=convert(value)`` (the value as is without ``convert``); passing both is a
    :class:`~dinamika.errors.UsageError`.

    Examples
    --------
    >>> import warnings
    >>> @renamed_argument("alpha", "ci", alpha_to_ci)
    ... def bounds(*, ci: float = 0.95) -> float:
    ...     return ci
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     bounds(alpha=0.1)
    0.9
    >>> print(caught[0].message)
    bounds(alpha=...) is deprecated and will be removed in the next release; use ci=0.9 instead.
    """

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if old in kwargs:
                if new in kwargs:
                    raise UsageError(
                        f"{func.__name__}() got both `{old}` (deprecated) and `{new}`; "
                        f"pass only `{new}`."
                    )
                value = kwargs.pop(old)
                kwargs[new] = convert(value) if convert is not None else value
                warnings.warn(
                    f"{func.__name__}({old}=...) is deprecated and will be removed in the next "
                    f"release; use {new}={kwargs[new]!r} instead.",
                    DeprecationWarning,
                    stacklevel=2,
                )
            return func(*args, **kwargs)

        aliases = dict(getattr(func, "__deprecated_aliases__", {}))
        aliases[old] = new
        wrapper.__deprecated_aliases__ = aliases  # type: ignore[attr-defined]
        return wrapper

    return decorate
