"""The shared vocabulary of the package: what every result offers and how renamed arguments age.

- :mod:`dinamika.core.results` — :class:`ResultMixin`: ``summary()`` → text, ``to_frame()`` →
  DataFrame, ``_repr_html_`` → a table in a notebook, for every public result type.
- :mod:`dinamika.core.deprecation` — :func:`renamed_argument`: an old argument name keeps
  working for one release with a ``DeprecationWarning`` that names the new one.
- :mod:`dinamika.core.sample_size` — :data:`MINIMUMS`: the minimum sample size of every
  analysis with its reference; results below it carry a flag.

Argument names and their defaults are listed in ``docs/glossary-arguments.md``.
"""
