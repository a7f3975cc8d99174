"""Small example data bundled for the documentation examples.

``holzinger_swineford()`` is lavaan's ``HolzingerSwineford1939`` (Holzinger & Swineford, 1939;
301 pupils of two schools, nine ability tests ``x1``…``x9``), as written by
``tests/reference/cfa/make_cfa.R``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["holzinger_swineford"]


def holzinger_swineford() -> pd.DataFrame:
    """lavaan's HolzingerSwineford1939 (columns ``id, school, x1..x9``).

    Examples
    --------
    >>> holzinger_swineford().shape
    (301, 11)
    """
    return pd.read_csv(Path(__file__).with_name("_data") / "hs1939.csv")
