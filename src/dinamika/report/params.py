"""The one owner of the report's defaults: :class:`ReportParams`.

The command line (``dinamika report``), :func:`dinamika.make_report` and the notebooks'
``parameters`` cells all take their defaults from here. A notebook's parameters cell holds
``None`` for "dinamika's default"; :meth:`ReportParams.resolve` turns those into values, and
:meth:`ReportParams.notebook_values` does the reverse for the parameters the pipeline injects.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dinamika.errors import UsageError
from dinamika.i18n import check_lang
from dinamika.i18n.messages import Message

__all__ = ["DEFAULTS", "ReportParams"]


@dataclass(frozen=True)
class ReportParams:
    """Settings of one term or trend report; the defaults are dinamika's report defaults.

    Parameters
    ----------
    lang : {"id", "en"}
        Report language (default Bahasa Indonesia).
    min_cell : int
        Smallest group shown (default 5); smaller groups are suppressed with their complements.
    seed : int
        Seed of every resampling step (bootstrap intervals).
    ci : float
        Confidence level of every interval the report shows.
    key_file : str, optional
        Pseudonymization key file (default: ``$DINAMIKA_PSEUDONYM_KEY[_FILE]``).

    Examples
    --------
    >>> p = ReportParams()
    >>> p.lang, p.min_cell, p.seed, p.ci
    ('id', 5, 2025, 0.95)
    >>> ReportParams.resolve(lang="en", min_cell=None).min_cell
    5
    >>> ReportParams(min_cell=3).notebook_values()
    {'lang': None, 'min_cell': 3, 'seed': None, 'key_file': None}
    """

    lang: str = "id"
    min_cell: int = 5
    seed: int = 2025
    ci: float = 0.95
    key_file: str | None = None

    def __post_init__(self) -> None:
        check_lang(self.lang)
        m = self.min_cell
        if isinstance(m, bool) or not isinstance(m, int) or m < 1:
            raise UsageError(Message("report.bad_min_cell", value=repr(m)), lang=self.lang)
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise UsageError(Message("report.bad_seed", value=repr(self.seed)), lang=self.lang)
        if not 0 < self.ci < 1:
            raise UsageError(Message("report.bad_ci", value=repr(self.ci)), lang=self.lang)
        if self.key_file is not None:
            object.__setattr__(self, "key_file", str(Path(self.key_file).resolve()))

    @classmethod
    def resolve(cls, **values: Any) -> ReportParams:
        """Parameters from keyword values where ``None`` means the default (a notebook cell)."""
        return cls(**{k: v for k, v in values.items() if v is not None})

    def notebook_values(self) -> dict[str, Any]:
        """What to inject into a notebook's parameters cell: ``None`` where the value is the
        default, so a default report runs the notebook exactly as written (nothing injected)."""
        base = DEFAULTS
        return {
            name: None if getattr(self, name) == getattr(base, name) else getattr(self, name)
            for name in _NOTEBOOK_FIELDS
        }

    def provenance(self) -> dict[str, Any]:
        """The parameters the report's provenance appendix lists."""
        return {"lang": self.lang, "min_cell": self.min_cell, "seed": self.seed}

    def replace(self, **changes: Any) -> ReportParams:
        """A copy with ``changes``."""
        return dataclasses.replace(self, **changes)


#: The notebooks' parameters (besides the term folder); ``ci`` is fixed at its default.
_NOTEBOOK_FIELDS = ("lang", "min_cell", "seed", "key_file")

#: dinamika's report defaults.
DEFAULTS = ReportParams()
