"""The ``dinamika cfa`` command on the bundled example terms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dinamika.cli import main

SURVEYS = Path(__file__).resolve().parents[1] / "surveys"


def test_cfa_command_prints_fit(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["cfa", str(SURVEYS / "contoh-2025-1"), "--estimator", "ML", "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["fit"]["df"] == 246  # 300 moments - 54 free parameters (24 items, 4 factors)
    assert {r["factor"] for r in out["loadings"]} == {
        "kepemimpinan",
        "saling_percaya",
        "komitmen_kolektif",
        "dukungan_sekolah",
    }


@pytest.mark.parametrize(
    ("lang", "words"), [("id", ("konfigural", "skalar")), ("en", ("configural", "scalar"))]
)
def test_cfa_command_invariance(
    capsys: pytest.CaptureFixture[str], lang: str, words: tuple[str, str]
) -> None:
    code = main(
        [
            "cfa",
            str(SURVEYS / "contoh-2025-1"),
            str(SURVEYS / "contoh-2025-2"),
            "--invariance",
            "--estimator",
            "ML",
            "--lang",
            lang,
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert all(w in out for w in words)


def test_cfa_command_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["cfa", str(SURVEYS / "contoh-2025-1"), "--invariance"])
    assert code == 2
    assert "invariance" in capsys.readouterr().err
