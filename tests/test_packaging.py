"""A normal (non-editable) wheel carries the instruments, example terms and notebooks."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (whl,) = out.glob("dinamika-*.whl")
    return whl


@pytest.mark.slow
def test_wheel_contains_the_bundled_data(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for want in (
        "dinamika/_data/instruments/komunitas-guru/1.0.0.yaml",
        "dinamika/_data/instruments/instruments.lock",
        "dinamika/_data/surveys/contoh-2025-2/survey.yaml",
        "dinamika/schemas/instrument.schema.json",
    ):
        assert want in names, want
    assert any(n.startswith("dinamika/_data/notebooks/") for n in names)


@pytest.mark.slow
def test_installed_wheel_works_outside_the_repo(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    code = (
        "import dinamika, sys; from dinamika.versions import check_lock;"
        "assert '_data' in str(dinamika.load_instrument('komunitas-guru').path), dinamika.__file__;"
        "assert check_lock() == [];"
        "s = dinamika.load_survey(); print(s.term, len(s.responses))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("contoh-2025-2 ")
