"""Run a report notebook on a real Jupyter kernel: read, inject parameters, execute.

The kernel is always this interpreter's own IPython kernel (``sys.executable -m
ipykernel_launcher``), whatever kernel specs are installed for the user, so the report runs with
the dinamika that was called. Cell ids are renumbered so that nothing random reaches the output.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.channels import ZMQSocketChannel
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError

from dinamika.data.resources import notebooks_dir
from dinamika.errors import DinamikaError, UsageError
from dinamika.i18n.messages import Message

__all__ = [
    "KernelDied",
    "NotebookFailed",
    "execute",
    "inject_parameters",
    "load_notebook",
    "renumber",
    "section_of",
]

KERNEL_NAME = "python3"
PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
SECTION_PREFIX = "section:"


class NotebookFailed(DinamikaError):
    """A report notebook cell raised; the message names the section and the error."""


class KernelDied(NotebookFailed):
    """The Jupyter kernel process ended while the report was running."""


_DIED = Message("report.kernel_died")


class _OwnKernelSpecs(KernelSpecManager):
    """Kernel specs that resolve every name to this interpreter's IPython kernel."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return KernelSpec(
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            display_name=f"Python {sys.version_info.major}.{sys.version_info.minor} (dinamika)",
            language="python",
            resource_dir=str(Path(__file__).parent),
        )

    def find_kernel_specs(self) -> dict[str, str]:
        return {KERNEL_NAME: str(Path(__file__).parent)}


def renumber(nb: Any) -> Any:
    """Give cells stable ids (``cell-0``, ``cell-1``, …) in place; returns ``nb``."""
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    return nb


def load_notebook(name: str, folder: Path | None = None) -> Any:
    """Read ``<name>.py`` (jupytext percent format, the source of truth) or ``<name>.ipynb``."""
    import jupytext

    folder = notebooks_dir() if folder is None else Path(folder)
    source = folder / f"{name}.py"
    if source.is_file():
        nb = jupytext.read(source, fmt="py:percent")
    elif (folder / f"{name}.ipynb").is_file():
        nb = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    else:
        raise UsageError(f"report notebook {name!r} not found in {folder}")
    nb.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata.pop("jupytext", None)
    return renumber(nb)


def parameter_defaults(nb: Any) -> dict[str, Any]:
    """The literal assignments of the cell tagged ``parameters``."""
    import ast

    for cell in nb.cells:
        if PARAMETERS_TAG in cell.metadata.get("tags", []):
            out = {}
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target = node.targets[0]
                    if isinstance(target, ast.Name):
                        out[target.id] = ast.literal_eval(node.value)
            return out
    return {}


def inject_parameters(nb: Any, params: Mapping[str, Any]) -> Any:
    """Insert a cell assigning the ``params`` that differ from the notebook's defaults.

    The cell goes right after the one tagged ``parameters``; values are written with ``repr``
    (str, int, float, bool, None, lists and dicts of those). With only default values nothing
    is inserted: the notebook then runs exactly as it does top to bottom in JupyterLab.
    """
    defaults = parameter_defaults(nb)
    unknown = [name for name in params if name not in defaults]
    if unknown:
        raise UsageError(f"the notebook has no parameter(s) {unknown}; it has {list(defaults)}")
    lines = [f"{name} = {value!r}" for name, value in params.items() if defaults.get(name) != value]
    if not lines:
        return renumber(nb)
    cell = nbformat.v4.new_code_cell("\n".join(lines))
    cell.metadata["tags"] = [INJECTED_TAG]
    at = next(
        (i + 1 for i, c in enumerate(nb.cells) if PARAMETERS_TAG in c.metadata.get("tags", [])),
        0,
    )
    nb.cells.insert(at, cell)
    return renumber(nb)


def section_of(cell: Any) -> str | None:
    """The section a cell starts (its ``section:<name>`` tag), or None."""
    for tag in cell.metadata.get("tags", []):
        if str(tag).startswith(SECTION_PREFIX):
            return str(tag)[len(SECTION_PREFIX) :]
    return None


#: Run in a fresh kernel while the parent process validates the data (``silent``: no output,
#: no execution count); the notebook then finds these modules imported.
WARM_UP = (
    "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot\nimport dinamika.report\n"
)


def _kernel_env(env: Mapping[str, str] | None) -> dict[str, str]:
    kernel_env = {**os.environ, **(env or {})}
    kernel_env.setdefault("PYTHONHASHSEED", "0")
    # The kernel must import the same dinamika as this process (also from a source checkout).
    src = str(Path(__file__).resolve().parents[2])
    kernel_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (src, kernel_env.get("PYTHONPATH", "")) if p
    )
    return kernel_env


class _WatchedChannel(ZMQSocketChannel):
    """A blocking channel whose long waits look at the kernel twice a second.

    nbclient waits for a cell's output (no timeout) and for its reply (the cell timeout) on
    the event loop; with a blocking client a killed kernel was waited for forever (over 90
    minutes observed). Here every wait is cut into half-second polls, and a dead kernel raises
    :class:`~nbclient.exceptions.DeadKernelError` at once.
    """

    alive: Callable[[], bool] = staticmethod(lambda: True)

    def get_msg(self, timeout: float | None = None) -> dict[str, Any]:
        import queue
        import time

        if timeout is not None and timeout <= 0.5:
            return super().get_msg(timeout)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = 0.5 if deadline is None else min(0.5, deadline - time.monotonic())
            try:
                return super().get_msg(max(left, 0.0))
            except queue.Empty:
                if not self.alive():
                    raise DeadKernelError("the Jupyter kernel died") from None
                if deadline is not None and time.monotonic() >= deadline:
                    raise


class _WatchedClient(BlockingKernelClient):
    """A blocking kernel client whose iopub and shell channels notice a dead kernel."""

    iopub_channel_class = _WatchedChannel
    shell_channel_class = _WatchedChannel


class Kernel:
    """This interpreter's IPython kernel, started ahead of the notebook.

    The kernel imports dinamika (``warm_up``) while the caller validates the data; use it as a
    context manager so it is always shut down.
    """

    def __init__(
        self, cwd: Path, *, env: Mapping[str, str] | None = None, warm_up: str | None = WARM_UP
    ) -> None:
        self.cwd = Path(cwd)
        self.km = KernelManager(
            kernel_name=KERNEL_NAME,
            kernel_spec_manager=_OwnKernelSpecs(),
            client_class=f"{__name__}._WatchedClient",
        )
        self.km.start_kernel(
            cwd=str(self.cwd),
            env=_kernel_env(env),
            stderr=subprocess.DEVNULL,
            extra_arguments=["--HistoryManager.hist_file=:memory:"],
        )
        self.kc = self.km.client()
        self.kc.start_channels()
        for channel in (self.kc.iopub_channel, self.kc.shell_channel):
            channel.alive = self.km.is_alive
        self.warm_id: str | None = None
        try:
            try:
                self.kc.wait_for_ready(timeout=120)
            except RuntimeError:  # "Kernel died before replying" or no reply within the timeout
                if not self.km.is_alive():
                    raise KernelDied(_DIED) from None
                raise NotebookFailed(Message("report.kernel_slow", seconds="120")) from None
            if warm_up:
                self.warm_id = self.kc.execute(warm_up, silent=True, store_history=False)
        except BaseException:
            self.shutdown()
            raise

    def wait_warm(self, timeout: float = 600) -> None:
        """Wait until the warm-up code has run (its errors are left to the notebook).

        Polls every half second, so a kernel that died is noticed at once
        (:class:`KernelDied`), not after ``timeout``.
        """
        import queue
        import time

        deadline = time.monotonic() + timeout
        while self.warm_id is not None:
            try:
                msg = self.kc.get_shell_msg(timeout=0.5)
            except queue.Empty:
                if not self.km.is_alive():
                    raise KernelDied(_DIED) from None
                if time.monotonic() > deadline:
                    raise NotebookFailed(
                        Message("report.kernel_slow", seconds=f"{timeout:.0f}")
                    ) from None
                continue
            if msg.get("parent_header", {}).get("msg_id") == self.warm_id:
                self.warm_id = None

    def shutdown(self) -> None:
        """Stop the channels and the kernel process."""
        try:
            self.kc.stop_channels()
        finally:
            if self.km.has_kernel:
                self.km.shutdown_kernel(now=True)

    def __enter__(self) -> Kernel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


def execute(
    nb: Any,
    *,
    cwd: Path,
    progress: Callable[[int, int, Any], None] | None = None,
    timeout: int = 1800,
    kernel: Kernel | None = None,
) -> Any:
    """Execute ``nb`` in place on ``kernel`` (a fresh one in ``cwd`` when None); returns ``nb``.

    ``progress(index, total, cell)`` is called before each code cell runs. A failing cell raises
    :class:`NotebookFailed` naming the section and the error (no traceback of the kernel).
    """
    own = kernel is None
    kernel = Kernel(cwd, warm_up=None) if kernel is None else kernel
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    position = {id(c): i for i, c in enumerate(code_cells)}
    current = {"section": "?"}

    def on_start(cell: Any, cell_index: int) -> None:
        current["section"] = section_of(cell) or current["section"]
        if progress is not None and id(cell) in position:
            progress(position[id(cell)] + 1, len(code_cells), cell)

    client = NotebookClient(
        nb,
        km=kernel.km,
        timeout=timeout,
        allow_errors=False,
        record_timing=False,
        resources={"metadata": {"path": str(kernel.cwd)}},
        on_cell_start=on_start,
    )
    client.kc = kernel.kc
    try:
        kernel.wait_warm()
        client.execute()
    except DeadKernelError:
        raise KernelDied(_DIED) from None
    except KeyboardInterrupt:
        if not kernel.km.is_alive():
            raise KernelDied(_DIED) from None
        raise
    except CellExecutionError as exc:
        name = getattr(exc, "ename", "Error")
        value = str(getattr(exc, "evalue", "")).strip()
        raise NotebookFailed(
            Message(
                "report.section_stopped", section=repr(current["section"]), error=f"{name}: {value}"
            )
        ) from None
    finally:
        if own:
            kernel.shutdown()
    return renumber(nb)


def write_paired_ipynb(name: str, folder: Path | None = None) -> Path:
    """Regenerate ``<name>.ipynb`` from the ``.py`` source (stable ids, no outputs).

    Run ``python -c "from dinamika.report.kernel import write_paired_ipynb as w;
    w('laporan-semester'); w('tren')"`` after editing a notebook's ``.py``.
    """
    import jupytext

    folder = notebooks_dir() if folder is None else Path(folder)
    nb = jupytext.read(folder / f"{name}.py", fmt="py:percent")
    renumber(nb)
    target = folder / f"{name}.ipynb"
    jupytext.write(nb, target, fmt="ipynb")
    return target
