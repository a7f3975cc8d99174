"""Start the no-code page: Voilà serving ``aplikasi.ipynb`` on 127.0.0.1 with a session token.

Why Voilà: dinamika already runs its reports on Jupyter kernels; Voilà turns a notebook of
ipywidgets into a page with no code cells, served by ``jupyter_server`` — which brings token
authentication, XSRF protection and the localhost-only listening address for free. Panel would
need a second server stack for the same page.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path

from dinamika.app.session import MAX_UPLOAD_BYTES
from dinamika.errors import UsageError
from dinamika.i18n import check_lang

__all__ = ["NOTEBOOK", "free_port", "serve", "voila_command"]

#: The notebook Voilà shows: one cell that displays :class:`dinamika.app.ui.App`.
NOTEBOOK = Path(__file__).with_name("aplikasi.ipynb")
HOST = "127.0.0.1"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def voila_command(port: int, token: str) -> list[str]:
    """The Voilà command line: localhost only, token required, no tracebacks, no file browsing.

    >>> cmd = voila_command(8866, "abc")
    >>> "--Voila.ip=127.0.0.1" in cmd and "--token=abc" in cmd
    True
    """
    return [
        sys.executable,
        "-m",
        "voila",
        str(NOTEBOOK),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={HOST}",
        f"--token={token}",
        "--Voila.port_retries=0",
        "--show_tracebacks=False",
        "--VoilaConfiguration.file_allowlist=[]",
        f"--Voila.tornado_settings={{'websocket_max_message_size': {2 * MAX_UPLOAD_BYTES}}}",
    ]


def _wait_for(port: int, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise UsageError(f"the page server stopped at start (exit {proc.returncode})")
        with socket.socket() as s:
            if s.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.1)
    proc.terminate()
    raise UsageError(f"the page server did not start within {timeout:.0f} s")


def serve(
    data_dir: str | Path,
    *,
    port: int = 0,
    lang: str = "id",
    open_browser: bool = True,
    on_ready: Callable[[str], None] | None = None,
    timeout: float = 60.0,
) -> int:
    """Run the page until interrupted; returns the server's exit code.

    ``on_ready(url)`` is called once the page answers (the URL carries the session token).
    """
    check_lang(lang)
    data = Path(data_dir).resolve()
    data.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    token = secrets.token_urlsafe(24)
    env = {**os.environ, "DINAMIKA_APP_DATA": str(data), "DINAMIKA_APP_LANG": lang}
    env.setdefault("PYTHONHASHSEED", "0")
    src = str(Path(__file__).resolve().parents[2])  # the same dinamika in the page's kernel
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH", "")) if p)
    # its own process group, so that stopping the page also stops the kernels Voilà started
    proc = subprocess.Popen(voila_command(port, token), env=env, cwd=data, start_new_session=True)
    try:
        _wait_for(port, proc, timeout)
        url = f"http://{HOST}:{port}/?token={token}"
        if on_ready is not None:
            on_ready(url)
        if open_browser:
            webbrowser.open(url)
        return proc.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        _stop_group(proc)


def _stop_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to Voilà and its kernels, SIGKILL to whatever is left after 10 s."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=10)
            if sig == signal.SIGTERM:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGKILL)  # kernels that outlived the server
            return
        except subprocess.TimeoutExpired:
            continue
