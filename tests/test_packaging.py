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
        "dinamika/data/schemas/instrument.schema.json",
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
        "import dinamika, sys; from dinamika.data.versions import check_lock;"
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


def test_no_public_name_shadows_a_submodule() -> None:
    """A package attribute named after one of its submodules is that submodule.

    A function called like its module (``dinamika.cfa`` the function over ``dinamika/cfa/``) makes
    ``import dinamika.cfa.wls`` and ``from dinamika.cfa import x`` mean different things.
    """
    import importlib
    import pkgutil
    import types

    import dinamika

    bad = []
    packages = [dinamika]
    while packages:
        package = packages.pop()
        for info in pkgutil.iter_modules(package.__path__):
            if info.name == "__main__":
                continue
            full = f"{package.__name__}.{info.name}"
            module = importlib.import_module(full)
            attr = getattr(package, info.name, None)
            if attr is not None and attr is not module:
                bad.append(f"{full} is shadowed by {type(attr).__name__} {attr!r}")
            if info.ispkg:
                packages.append(module)
    assert not bad, "\n".join(bad)
    assert isinstance(dinamika.report, types.ModuleType)  # the reports stage, with make_report
    for name in ("cfa", "efa", "polychoric", "reliability", "relate", "simulate", "invariance"):
        assert callable(getattr(dinamika, name)), name  # the functions users call keep working


def test_layout_has_no_flat_private_modules() -> None:
    """One folder per stage: the package root holds only ``__init__`` and ``errors``."""
    root = Path(__import__("dinamika").__file__).parent
    flat = sorted(p.name for p in root.glob("*.py"))
    assert flat == ["__init__.py", "errors.py"], flat
