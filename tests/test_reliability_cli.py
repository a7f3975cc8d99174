"""`dinamika reliability` and `dinamika score` on the bundled example term."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from dinamika import cli, load_survey, reliability_table, score


def test_reliability_command_csv(capsys):
    assert cli.main(["reliability", "--n-boot", "50", "--seed", "3", "--format", "csv"]) == 0
    out = pd.read_csv(io.StringIO(capsys.readouterr().out))
    expected = reliability_table(load_survey(), n_boot=50, seed=3)
    assert list(out["scale"]) == list(expected["scale"])
    assert out["alpha"].to_numpy() == pytest.approx(expected["alpha"].to_numpy(), abs=1e-12)
    assert out["omega_lower"].to_numpy() == pytest.approx(
        expected["omega_lower"].to_numpy(), rel=1e-6
    )


def test_reliability_command_text(capsys):
    assert cli.main(["reliability", "--n-boot", "0"]) == 0
    text = capsys.readouterr().out
    assert "komunitas-guru@1.0.0" in text and "kepemimpinan" in text


def test_reliability_command_bad_n_boot(capsys):
    assert cli.main(["reliability", "--n-boot", "-5"]) == 2


def test_score_command_writes_csv(tmp_path):
    target = tmp_path / "skor.csv"
    assert cli.main(["score", "--output", str(target), "--talis"]) == 0
    got = pd.read_csv(target)
    expected = score(load_survey(), talis=True)
    assert len(got) == len(expected)
    assert got["kepemimpinan"].to_numpy() == pytest.approx(
        expected["kepemimpinan"].to_numpy(), nan_ok=True
    )
