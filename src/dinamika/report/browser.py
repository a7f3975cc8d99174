"""Headless Chromium (Debian package ``chromium``) for PDF printing, screenshots and page checks.

Nothing is downloaded: when no browser is installed, :func:`find_chromium` returns None and
callers raise :class:`BrowserMissing` with the package to install.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from dinamika.errors import DinamikaError
from dinamika.i18n.messages import Message

__all__ = ["BrowserMissing", "find_chromium", "print_pdf", "run_chromium", "screenshot"]

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
)


class BrowserMissing(DinamikaError):
    """No headless Chromium is installed."""

    def __init__(self, lang: str = "en") -> None:
        from dinamika.i18n.messages import Message

        super().__init__(Message("report.no_chromium"), lang=lang)


def find_chromium() -> str | None:
    """Path of a Chromium executable (``$DINAMIKA_CHROMIUM`` first), or None."""
    env = os.environ.get("DINAMIKA_CHROMIUM")
    if env and Path(env).is_file():
        return env
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def run_chromium(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with a fresh throw-away profile; raises on failure."""
    exe = find_chromium()
    if exe is None:
        raise BrowserMissing()
    # Chromium aborts (exit -6) when the path of one of its sockets (profile and TMPDIR) is longer
    # than a Unix socket allows (107 bytes): keep both under a short folder
    base = tempfile.gettempdir()
    if len(base) > 48 and Path("/tmp").is_dir():
        base = "/tmp"
    profile = tempfile.mkdtemp(prefix="dinamika-chromium-", dir=base)
    env = {**os.environ, "HOME": profile, "TMPDIR": base}  # its sockets go under TMPDIR too
    # its own process group: on a timeout, Ctrl-C or SIGTERM every Chromium helper is stopped
    # before the profile folder is removed, so nothing is left behind
    child = subprocess.Popen(
        [exe, *_FLAGS, f"--user-data-dir={profile}", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        out, err = child.communicate(timeout=timeout)
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        raise
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)  # helpers that outlived the browser
        for _ in range(5):
            shutil.rmtree(profile, ignore_errors=True)
            if not Path(profile).exists():
                break
            time.sleep(0.2)
    proc = subprocess.CompletedProcess(child.args, child.returncode, out, err)
    if proc.returncode != 0:
        raise DinamikaError(
            Message("browser.failed", status=proc.returncode, detail=proc.stderr[-500:])
        )
    return proc


def print_pdf(html: Path, pdf: Path) -> Path:
    """Print an HTML file to PDF (A4, no header/footer); returns ``pdf``."""
    pdf = Path(pdf).resolve()
    run_chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", Path(html).resolve().as_uri())
    if not pdf.is_file() or pdf.stat().st_size == 0:
        raise DinamikaError(Message("browser.no_output", path=pdf))
    return pdf


def screenshot(html: Path, png: Path, *, width: int = 1000, height: int = 1400) -> Path:
    """Screenshot of the first ``height`` pixels of an HTML page; returns ``png``."""
    png = Path(png).resolve()
    run_chromium(
        f"--screenshot={png}", f"--window-size={width},{height}", Path(html).resolve().as_uri()
    )
    if not png.is_file():
        raise DinamikaError(Message("browser.no_output", path=png))
    return png
