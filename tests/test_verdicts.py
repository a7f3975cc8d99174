"""Verdict sentences never contradict the numbers they quote; sample-size caveats in the report.

Every verdict rule of :mod:`dinamika.report.verdicts` is checked at its thresholds, and the
rendered fit sentence is parsed back: the verdict must follow from the quoted numbers.
"""

from __future__ import annotations

import html
import itertools
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import dinamika
from dinamika.cli import main
from dinamika.core.sample_size import MINIMUMS, below_minimum, minimum_sample_sizes
from dinamika.report.pipeline import View, label_maps
from dinamika.report.verdicts import FIT_CUTOFFS, below, fit_verdict

WORDS = {
    "id": {
        "good": "Model 2 faktor sesuai dengan data",
        "fair": "cukup sesuai",
        "poor": "kurang sesuai",
        "mixed": "tidak seragam",
    },
    "en": {
        "good": "fits the data well",
        "fair": "fits the data acceptably",
        "poor": "does not fit the data well",
        "mixed": "gives a mixed picture",
    },
}


def _render(lang: str, call) -> str:
    v = View(lang)
    shown: list[str] = []
    v.emit = shown.append
    call(v)
    return html.unescape(re.sub(r"<[^>]+>", " ", "".join(shown)))


def _fake_fit(cfi, tli, rmsea, srmr, *, n=500, npar=20, small=None):
    fit = SimpleNamespace(
        cfi=cfi, tli=tli, rmsea=rmsea, srmr=srmr, rmsea_ci_lower=0.0, rmsea_ci_upper=0.1,
        chisq=10.0, df=8, pvalue=0.3, npar=npar,
    )  # fmt: skip
    loadings = pd.DataFrame({"factor": ["f1", "f1", "f2"], "item": ["a", "b", "c"],
                             "std_all": [0.7, 0.6, 0.8]})  # fmt: skip
    diag = SimpleNamespace(converged=True, heywood=(), not_positive_definite=(), sample_size=small)
    return SimpleNamespace(fit=fit, estimator="ML", loadings=loadings, diagnostics=diag, n=n)


def _level_of_quoted(name: str, text: str) -> str:
    good, fair, higher = FIT_CUTOFFS[name]
    v = float(text.replace(",", "."))
    if higher:
        return "good" if v >= good else "fair" if v >= fair else "poor"
    return "good" if v <= good else "fair" if v <= fair else "poor"


# boundary values of each index: at the cut-off, just inside and just outside as printed
EDGES = {
    "cfi": [1.0, 0.951, 0.9496, 0.9449, 0.90, 0.8996, 0.8949, 0.5],
    "tli": [0.9504, 0.9449, 0.9001, 0.8949, 1.02],
    "rmsea": [0.0, 0.0604, 0.0605001, 0.08, 0.0804, 0.0806, 0.2],
    "srmr": [0.02, 0.0804, 0.0806, 0.1004, 0.1006, 0.112],
}


def test_fit_verdict_at_every_threshold():
    for values in itertools.product(*EDGES.values()):
        v = fit_verdict(*values)
        levels = {
            k: _level_of_quoted(k, f"{x:.{3 if k in ('rmsea', 'srmr') else 2}f}")
            for k, x in zip(EDGES, values, strict=True)
        }
        assert set(v.failing) == {k for k, lv in levels.items() if lv == "poor"}
        assert set(v.passing) == {k for k, lv in levels.items() if lv == "good"}
        if all(lv == "good" for lv in levels.values()):
            assert v.kind == "good"
        elif "poor" not in levels.values():
            assert v.kind == "fair"
        elif "good" in levels.values():
            assert v.kind == "mixed"
        else:
            assert v.kind == "poor"
    assert fit_verdict(float("nan"), 0.9, 0.05, 0.05).kind == "unknown"


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(
    "values",
    [
        (0.996, 0.995, 0.0, 0.112),  # the 40-teacher case of issue 11: indices disagree
        (0.9496, 0.9504, 0.0604, 0.0804),  # printed 0,95 / 0,060 / 0,080: good
        (0.9449, 0.96, 0.05, 0.05),  # printed 0,94: fair
        (0.8949, 0.88, 0.09, 0.11),  # all beyond the acceptable limits
        (0.93, 0.92, 0.07, 0.09),  # all acceptable
        (0.97, 0.8, 0.03, 0.03),  # TLI poor, others good
    ],
)
def test_fit_sentence_agrees_with_the_numbers_it_quotes(lang, values):
    text = _render(lang, lambda v: v.cfa(_fake_fit(*values)))
    sep = "," if lang == "id" else "."
    quoted = {
        k: re.search(rf"{k.upper()} (\d{sep}\d+)", text).group(1)  # type: ignore[union-attr]
        for k in ("cfi", "tli", "rmsea", "srmr")
    }
    levels = {k: _level_of_quoted(k, q) for k, q in quoted.items()}
    if all(lv == "good" for lv in levels.values()):
        kind = "good"
    elif "poor" not in levels.values():
        kind = "fair"
    elif "good" in levels.values():
        kind = "mixed"
    else:
        kind = "poor"
    assert WORDS[lang][kind] in text
    for other, word in WORDS[lang].items():
        if other != kind and not (kind == "fair" and other == "good"):
            assert word not in text, (other, text)
    if kind in ("mixed", "poor"):  # the failing index is named after the sentence
        failing = [k.upper() for k, lv in levels.items() if lv == "poor"]
        tail = text.split(")", 1)[1]
        assert all(f in tail for f in failing)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_fit_below_the_sample_size_minimum_is_not_judged(lang):
    why = below_minimum("cfa", 40, parameters=117)
    assert why is not None and "585" in why
    text = _render(lang, lambda v: v.cfa(_fake_fit(0.996, 0.995, 0.0, 0.112, n=40, npar=117,
                                                   small=why)))  # fmt: skip
    assert not any(word in text for word in WORDS[lang].values())
    assert "585" in text and "117" in text and "40" in text
    assert ("tidak dinilai" if lang == "id" else "not judged") in text


@pytest.mark.parametrize(
    ("alpha", "omega", "low"),
    [(0.6951, 0.80, False), (0.6949, 0.80, True), (0.695, 0.80, True), (0.70, 0.70, False), (0.80, 0.6951, False),
     (0.80, 0.6949, True), (float("nan"), 0.80, False)],
)  # fmt: skip
def test_reliability_verdict_at_its_threshold(alpha, omega, low):
    assert (below(alpha, 0.70, 2) or below(omega, 0.70, 2)) == low
    table = pd.DataFrame(
        {"scale": ["s"], "n": [120], "alpha": [alpha], "alpha_lower": [0.6], "alpha_upper": [0.8],
         "omega_total": [omega], "omega_lower": [0.6], "omega_upper": [0.8], "flagged_items": [""]}
    )  # fmt: skip
    text = _render("id", lambda v: v.reliability(table, n_boot=0))
    assert ("di bawah 0,70: s" in text) == low
    assert ("setidaknya 0,70" in text) == (not low)


def test_minimum_table_is_documented():
    tab = minimum_sample_sizes()
    assert {"reliability_bootstrap", "efa", "cfa", "group_icc", "multilevel",
            "observer_agreement", "correlation"} <= set(tab.index)  # fmt: skip
    assert tab["reference"].str.contains(r"\(\d{4}\)").all()
    assert below_minimum("group_icc", 29) and below_minimum("group_icc", 30) is None
    assert below_minimum("cfa", 585, parameters=117) is None
    assert below_minimum("cfa", 584, parameters=117)


@pytest.fixture(scope="module")
def term40(tmp_path_factory):
    out = tmp_path_factory.mktemp("t40") / "t40"
    assert main(["simulate", "--teachers", "40", "--schools", "6", "--out", str(out)]) == 0
    return dinamika.load_survey(out)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["id", "en"])
def test_forty_teacher_term_reads_correctly(term40, lang):
    """Each analysis of a 40-teacher, 6-school term carries its flag; the report says so."""
    s = term40
    fit = dinamika.cfa_survey(s)
    assert fit.diagnostics.sample_size is not None  # > 100 free parameters, 40 respondents
    text = _render(lang, lambda v: v.cfa(fit, n_total=len(s.responses)))
    assert not any(word in text for word in WORDS[lang].values())
    assert ("tidak dinilai" if lang == "id" else "not judged") in text

    scores = dinamika.score(s)
    agree = dinamika.group_agreement(scores, group=["school"], items=s.responses,
                                     instrument=s.instrument)  # fmt: skip
    assert agree.scales["few_groups"].all()
    text = _render(lang, lambda v: v.group_agreement(agree))
    assert ("Hanya 6 kelompok" if lang == "id" else "Only 6 groups") in text

    raters = dinamika.rater_agreement(s.observations, instrument=s.observation_instrument)
    assert raters.n_double_rated < MINIMUMS["observer_agreement"].minimum
    assert raters.sample_size is not None
    text = _render(lang, lambda v: v.rater_agreement(raters))
    assert "Koo & Li" in text

    rel = dinamika.relate(s, scores=scores)
    assert rel.model.sample_size is not None
    v = View(lang, labels=label_maps(s))
    shown: list[str] = []
    v.emit = shown.append
    v.relate(rel)
    assert "Maas & Hox" in html.unescape("".join(shown))

    tab = dinamika.reliability_table(s, n_boot=200, seed=1)
    assert (tab["n"] >= 30).all() and tab["omega_upper"].le(1).all()
    assert np.isfinite(tab[["alpha_lower", "alpha_upper"]]).all().all()
