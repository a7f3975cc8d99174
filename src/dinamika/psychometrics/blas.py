"""Run BLAS single-threaded inside a block (private).

dinamika's matrix products are either tiny (p × p, p ≈ 5–30) or tall-and-thin one-pass
products; multi-threaded OpenBLAS adds synchronisation there, and on a busy machine a thread
that spin-waits for a descheduled partner can make a 10 ms product take a second. No-op without
``threadpoolctl``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["single_thread_blas"]

_CONTROLLER: list[Any] = []


@contextmanager
def single_thread_blas() -> Iterator[None]:
    """Limit BLAS to one thread for the duration of the block."""
    if not _CONTROLLER:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # pragma: no cover - threadpoolctl is a dependency
            _CONTROLLER.append(None)
        else:
            _CONTROLLER.append(ThreadpoolController())
    ctrl = _CONTROLLER[0]
    if ctrl is None:  # pragma: no cover
        yield
        return
    with ctrl.limit(limits=1, user_api="blas"):
        yield
