"""Synthetic terms with known truth: ``simulate`` (``term``), the design, parameters, truth and
writing a term folder."""
