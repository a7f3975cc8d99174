"""One vocabulary: ``ci`` for confidence levels, with the old ``alpha=`` names as deprecated aliases."""

from __future__ import annotations

import warnings
from types import SimpleNamespace as NS

import numpy as np
import pandas as pd
import pytest

import dinamika
from dinamika.core.deprecation import alpha_to_ci, renamed_argument
from dinamika.errors import UsageError


def _ratings() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    true = rng.normal(0, 1, 40)
    return pd.DataFrame({f"r{j}": true + rng.normal(0, 0.7, 40) for j in range(3)})


def _triangulation_inputs() -> tuple[NS, pd.DataFrame, NS]:
    survey = NS(
        instrument=NS(scales={"kepemimpinan": ("KEP1",)}, response_scales={}),
        interviews=pd.DataFrame(
            {"teacher": list("abc"), "theme": ["T"] * 3, "stance": ["positif"] * 3}
        ),
        interview_instrument=NS(codebook={"T": {"construct": "kepemimpinan"}}),
        observations=None,
    )
    scores = pd.DataFrame({"teacher": list("abcdef"), "kepemimpinan": [4, 4.5, 3.5, 4, 5, 4.2]})
    corr = pd.DataFrame(
        {
            "x": ["kepemimpinan"],
            "y": ["overall"],
            "r": [0.3],
            "lower": [0.1],
            "upper": [0.5],
            "p_adjusted": [0.03],
        }
    )
    return survey, scores, NS(correlations=corr)


def _call(name: str, **level: float) -> object:
    """Call the public function ``name`` with a confidence level given as ``ci`` or ``alpha``."""
    rng = np.random.default_rng(5)
    if name == "icc":
        return dinamika.icc(_ratings(), **level)
    if name == "group_icc":
        values = rng.normal(0, 1, 60) + np.repeat(rng.normal(0, 1, 6), 10)
        return dinamika.group_icc(values, np.repeat(list("abcdef"), 10), **level)
    if name == "weighted_kappa":
        a = rng.integers(1, 5, 50)
        b = np.clip(a + rng.integers(-1, 2, 50), 1, 4)
        return dinamika.weighted_kappa(a, b, weights="quadratic", **level).to_frame()
    survey, scores, rel = _triangulation_inputs()
    return dinamika.triangulate(survey, scores=scores, relate=rel, midpoint=3, **level)


ALIASED = ["icc", "group_icc", "weighted_kappa", "triangulate"]


@pytest.mark.parametrize("name", ALIASED)
def test_alpha_is_a_deprecated_alias_of_ci(name: str) -> None:
    new = _call(name, ci=0.9)
    with pytest.warns(DeprecationWarning, match=r"use ci=0\.9 instead") as caught:
        old = _call(name, alpha=0.1)
    assert f"{name}(alpha=...)" in str(caught[0].message)
    assert caught[0].filename == __file__  # the warning points at the caller's line
    if isinstance(new, pd.DataFrame):
        pd.testing.assert_frame_equal(old, new)  # type: ignore[arg-type]
    else:
        pd.testing.assert_series_equal(old, new)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="pass only `ci`"):
        _call(name, ci=0.9, alpha=0.1)


@pytest.mark.parametrize("name", ALIASED)
def test_the_default_level_is_95_percent_and_ci_changes_the_bounds(name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the new name warns about nothing
        default, wide, narrow = _call(name), _call(name, ci=0.95), _call(name, ci=0.8)
    if isinstance(default, pd.DataFrame):
        pd.testing.assert_frame_equal(default, wide)  # type: ignore[arg-type]
    else:
        pd.testing.assert_series_equal(default, wide)  # type: ignore[arg-type]
    assert not wide.equals(narrow)  # type: ignore[attr-defined]


def test_triangulation_significance_follows_ci() -> None:
    survey, scores, rel = _triangulation_inputs()  # adjusted p = 0.03
    at95 = dinamika.triangulate(survey, scores=scores, relate=rel, midpoint=3)
    at99 = dinamika.triangulate(survey, scores=scores, relate=rel, midpoint=3, ci=0.99)
    assert at95.loc[0, "obs_direction"] == 1 and at99.loc[0, "obs_direction"] == 0
    assert "95% CI" in at95.attrs["rule"] and "p < 0.05" in at95.attrs["rule"]
    assert "99% CI" in at99.attrs["rule"] and "p < 0.01" in at99.attrs["rule"]
    assert at99.loc[0, "survey_lower"] < at95.loc[0, "survey_lower"]


def test_alpha_to_ci_gives_round_levels() -> None:
    assert alpha_to_ci(0.05) == 0.95 and alpha_to_ci(0.1) == 0.9 and alpha_to_ci(0.01) == 0.99


def test_renamed_argument_passes_other_arguments_through() -> None:
    @renamed_argument("old", "new")
    def f(x: int, *, new: int = 1) -> int:
        return x * new

    assert f(2, new=3) == 6
    with pytest.warns(DeprecationWarning, match=r"f\(old=\.\.\.\).*use new=3"):
        assert f(2, old=3) == 6  # type: ignore[call-arg]


def issubclass_safe(owner: object, cls: type) -> bool:
    return isinstance(owner, type) and issubclass(owner, cls)


def test_lang_defaults_to_indonesian_in_every_public_signature() -> None:
    import inspect

    from dinamika.data.validation import Problem
    from dinamika.data.versions import InstrumentDiff

    checked = []
    owners: list[object] = [getattr(dinamika, n) for n in dinamika.__all__]
    owners += [Problem, InstrumentDiff]
    for owner in owners:
        members = [owner] if inspect.isfunction(owner) else []
        if inspect.isclass(owner):
            members = [m for _, m in inspect.getmembers(owner, inspect.isfunction)]
        for fn in members:
            param = inspect.signature(fn).parameters.get("lang")
            if param is not None and param.default is not inspect.Parameter.empty:
                checked.append(fn.__qualname__)
                if issubclass_safe(owner, dinamika.DinamikaError) and fn.__name__ == "text":
                    # an error speaks the language it was raised for (itself Indonesian unless
                    # the caller asked otherwise): None means exactly that
                    assert param.default is None, fn.__qualname__
                    continue
                assert param.default == "id", fn.__qualname__
    assert {"load_survey", "import_kobo", "ValidationReport.summary", "report"} <= set(checked)


def test_errors_speak_indonesian_unless_asked(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "survey.yaml").write_text("schema: dinamika-survey/1\n", encoding="utf-8")
    with pytest.raises(dinamika.ValidationError) as info:
        dinamika.load_survey(tmp_path)
    assert str(info.value).startswith("Ditemukan")
    with pytest.raises(dinamika.ValidationError) as info:
        dinamika.load_survey(tmp_path, lang="en")
    assert "problem(s) found" in str(info.value)


def test_the_glossary_names_every_argument_shared_by_public_functions() -> None:
    import inspect
    from collections import Counter
    from pathlib import Path

    glossary = (Path(__file__).parent.parent / "docs" / "glossary-arguments.md").read_text(
        encoding="utf-8"
    )
    uses: Counter[str] = Counter()
    for name in dinamika.__all__:
        obj = getattr(dinamika, name)
        if inspect.isfunction(obj):
            uses.update(list(inspect.signature(obj).parameters))
    shared = sorted(n for n, k in uses.items() if k >= 3)
    assert "ci" in shared and "lang" in shared
    missing = [n for n in shared if f"`{n}`" not in glossary]
    assert not missing, f"add to docs/glossary-arguments.md: {missing}"
