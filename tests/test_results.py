"""Every public result type has ``summary()`` → str, ``to_frame()`` → DataFrame and a table
for notebooks (``_repr_html_``), on real results of the public functions."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import dinamika
from dinamika.core.results import ResultMixin
from dinamika.data.versions import InstrumentDiff
from dinamika.report.pipeline import ReportResult

KEY = "results-test-key-0123456789abcdef"
MODEL = "kep =~ KEP1 + KEP2 + KEP3 + KEP4 + KEP5\nsp =~ SP1 + SP2 + SP3 + SP4 + SP5"


@pytest.fixture(scope="module")
def survey() -> dinamika.Survey:
    return dinamika.load_survey(key=KEY)


def _items(s: dinamika.Survey) -> pd.DataFrame:
    return s.responses[[f"KEP{i}" for i in range(1, 7)]]


def _report(s: dinamika.Survey, tmp: Path) -> ReportResult:
    # ReportResult as make_report returns it (the report itself is tested in test_report.py)
    return ReportResult(tmp / "laporan.html", "term", (s.term,), "id", "html")


def _import(tmp: Path) -> dinamika.ImportResult:
    fixture = Path(__file__).parent / "fixtures" / "interop" / "gforms_id.csv"
    return dinamika.import_google_forms(
        fixture, instrument="komunitas-guru@1.0.0", out=tmp / "term", duplicates="keep-last"
    )


FACTORIES: dict[str, Callable[[dinamika.Survey, Path], object]] = {
    "Reliability": lambda s, t: dinamika.reliability(_items(s), reverse=["KEP6"], n_boot=0),
    "EFAResult": lambda s, t: dinamika.efa(_items(s), 1),
    "EFAFit": lambda s, t: dinamika.efa(_items(s), 1).fit,
    "KMOResult": lambda s, t: dinamika.kmo(_items(s)),
    "BartlettResult": lambda s, t: dinamika.bartlett(_items(s)),
    "ParallelResult": lambda s, t: dinamika.parallel_analysis(_items(s), n_iter=5, seed=1),
    "CFAResult": lambda s, t: dinamika.cfa(MODEL, s.responses),
    "FitMeasures": lambda s, t: dinamika.cfa(MODEL, s.responses).fit,
    "InvarianceResult": lambda s, t: dinamika.invariance(MODEL, s.responses, group="district"),
    "PolychoricResult": lambda s, t: dinamika.polychoric(_items(s)),
    "RelateResult": lambda s, t: dinamika.relate(s),
    "MultilevelResult": lambda s, t: dinamika.relate(s).model,
    "GroupAgreement": lambda s, t: dinamika.group_agreement(s, group="school"),
    "RaterAgreement": lambda s, t: dinamika.rater_agreement(s),
    "KappaResult": lambda s, t: dinamika.weighted_kappa([1, 2, 3, 3, 2], [1, 2, 3, 2, 2]),
    "KrippendorffResult": lambda s, t: dinamika.krippendorff_alpha(
        np.array([[1, 2, 3, 3], [1, 2, 3, 2.0]])
    ),
    "PercentAgreement": lambda s, t: dinamika.percent_agreement([1, 2, 3, 4], [1, 3, 3, 2]),
    "ImportResult": lambda s, t: _import(t),
    "ExportResult": lambda s, t: dinamika.export_survey(s, t / "data.csv"),
    "ValidationReport": lambda s, t: dinamika.validate_survey(key=KEY),
    "SimulatedTerm": lambda s, t: dinamika.simulate(n_schools=4, seed=3),
    "Survey": lambda s, t: s,
    "Instrument": lambda s, t: s.instrument,
    "InstrumentDiff": lambda s, t: dinamika.diff_instruments(
        "komunitas-guru@1.0.0", "komunitas-guru@1.0.0"
    ),
    "ReportResult": _report,
}

#: An instrument compared with itself has no changes (the table keeps its columns).
MAY_BE_EMPTY = {"InstrumentDiff"}

#: Public classes that are not results: errors, and one problem of a ValidationReport.
NOT_RESULTS = {"Problem"}


def _public_result_classes() -> dict[str, type]:
    out = {"InstrumentDiff": InstrumentDiff, "ReportResult": ReportResult}
    for name in dinamika.__all__:
        obj = getattr(dinamika, name)
        if inspect.isclass(obj) and dataclasses.is_dataclass(obj) and name not in NOT_RESULTS:
            out[name] = obj
    return out


def test_every_public_result_type_is_covered() -> None:
    classes = _public_result_classes()
    assert set(classes) == set(FACTORIES), set(classes) ^ set(FACTORIES)
    for name, cls in classes.items():
        assert issubclass(cls, ResultMixin), name


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_summary_is_text_to_frame_a_frame_and_notebooks_show_a_table(
    name: str, survey: dinamika.Survey, tmp_path: Path
) -> None:
    res = FACTORIES[name](survey, tmp_path)
    assert type(res).__name__ == name
    text = res.summary()  # type: ignore[attr-defined]
    assert isinstance(text, str) and text.strip(), name
    frame = res.to_frame()  # type: ignore[attr-defined]
    assert isinstance(frame, pd.DataFrame) and len(frame.columns), name
    assert not frame.empty or name in MAY_BE_EMPTY, name
    html = res._repr_html_()  # type: ignore[attr-defined]
    assert isinstance(html, str) and "<table" in html and f"<strong>{name}</strong>" in html
    assert str(frame.columns[0]) in html  # the frame's table, not a dataclass dump
    assert f"{name}(" not in html


def test_html_view_is_cut_for_long_tables(survey: dinamika.Survey) -> None:
    res = dinamika.polychoric(survey.responses[list(survey.instrument.item_ids)])
    assert len(res.to_frame()) > 60
    assert res._repr_html_().count("<tr") < 70  # head and tail rows, as pandas shows them
