"""Shared fixtures: small, valid term folders that tests then break on purpose."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from dinamika import load_instrument

QUESTIONNAIRE = "komunitas-guru@1.0.0"


@pytest.fixture(autouse=True, scope="session")
def _term_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Cached terms of the test run go to a temporary folder, not the user's cache."""
    import os

    os.environ["DINAMIKA_CACHE_DIR"] = str(tmp_path_factory.mktemp("term-cache"))


RUBRIC = "observasi-pembelajaran@1.0.0"
GUIDE = "panduan-wawancara@1.0.0"


def _responses(n: int, rng: np.random.Generator) -> pd.DataFrame:
    items = load_instrument(QUESTIONNAIRE).item_ids
    df = pd.DataFrame(rng.integers(1, 6, (n, len(items))).astype(str), columns=list(items))
    df.insert(0, "id_guru", [f"G{i:03d}" for i in range(1, n + 1)])
    df.insert(1, "nama", [f"Ibu Guru Nomor {i}" for i in range(1, n + 1)])
    df.insert(2, "nip", [f"19850101200901{i:04d}" for i in range(1, n + 1)])
    df.insert(3, "sekolah", [f"SD Negeri {1 + i % 3}" for i in range(n)])
    df.insert(4, "kkg", [f"KKG Gugus {1 + i % 2}" for i in range(n)])
    df.insert(5, "kabupaten", "Kota Serang")
    return df


def _observations(teachers: list[str], rng: np.random.Generator) -> pd.DataFrame:
    items = load_instrument(RUBRIC).item_ids
    rows = []
    for j, t in enumerate(teachers):
        observers = ["P01", "P02"] if j % 3 == 0 else [f"P0{1 + j % 2}"]
        for o in observers:
            rows.append({"id_pelajaran": f"L{j:03d}", "id_guru": t, "id_pengamat": o})
    df = pd.DataFrame(rows)
    ratings = pd.DataFrame(
        rng.integers(1, 5, (len(df), len(items))).astype(str), columns=list(items)
    )
    return pd.concat([df, ratings], axis=1)


def _interviews(teachers: list[str]) -> pd.DataFrame:
    themes = list(load_instrument(GUIDE).codebook)
    return pd.DataFrame(
        {
            "id_guru": [t for t in teachers for _ in range(2)],
            "kode_tema": [themes[i % len(themes)] for i in range(2 * len(teachers))],
            "sikap": ["positif", "campuran"] * len(teachers),
        }
    )


def manifest(**overrides: Any) -> dict[str, Any]:
    """A valid manifest for the fixture files; overrides replace top-level sections."""
    m: dict[str, Any] = {
        "schema": "dinamika-survey/1",
        "term": "uji-2025-1",
        "responses": {
            "file": "kuesioner.csv",
            "instrument": QUESTIONNAIRE,
            "id": "id_guru",
            "groups": {"school": "sekolah", "kkg": "kkg", "district": "kabupaten"},
            "identifiers": ["nama", "nip"],
        },
        "observations": {
            "file": "observasi.csv",
            "instrument": RUBRIC,
            "lesson": "id_pelajaran",
            "teacher": "id_guru",
            "observer": "id_pengamat",
        },
        "interviews": {
            "file": "wawancara.csv",
            "instrument": GUIDE,
            "teacher": "id_guru",
            "theme": "kode_tema",
            "stance": "sikap",
        },
    }
    m.update(overrides)
    return m


TermMaker = Callable[..., Path]


@pytest.fixture
def make_term(tmp_path: Path) -> TermMaker:
    """``make_term(n=12, edit=fn, manifest=dict, sep=",", encoding="utf-8")`` → term folder.

    ``edit(responses, observations, interviews)`` may change the frames (all cells are text)
    before they are written.
    """

    def make(
        n: int = 12,
        *,
        edit: Callable[[pd.DataFrame, pd.DataFrame, pd.DataFrame], None] | None = None,
        manifest_: dict[str, Any] | None = None,
        sep: str = ",",
        encoding: str = "utf-8",
        name: str = "term",
    ) -> Path:
        rng = np.random.default_rng(7)
        folder = tmp_path / name
        folder.mkdir()
        resp = _responses(n, rng)
        obs = _observations(list(resp["id_guru"][: n // 2]), rng)
        itv = _interviews(list(resp["id_guru"][:4]))
        if edit is not None:
            edit(resp, obs, itv)
        resp.to_csv(folder / "kuesioner.csv", index=False, sep=sep, encoding=encoding)
        obs.to_csv(folder / "observasi.csv", index=False)
        itv.to_csv(folder / "wawancara.csv", index=False)
        m = manifest() if manifest_ is None else manifest_
        (folder / "survey.yaml").write_text(yaml.safe_dump(m, allow_unicode=True), encoding="utf-8")
        return folder

    return make


@pytest.fixture
def key_env(monkeypatch: pytest.MonkeyPatch) -> bytes:
    """A fixed pseudonymization key in the environment."""
    key = "kunci-rahasia-untuk-pengujian-0123456789"
    monkeypatch.setenv("DINAMIKA_PSEUDONYM_KEY", key)
    return key.encode()
