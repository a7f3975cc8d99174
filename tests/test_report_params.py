"""The report's defaults have one owner (ReportParams) and the notebooks hold no statistics."""

from __future__ import annotations

import ast
import inspect
import tomllib
from pathlib import Path

import pytest

from dinamika.cli import build_parser
from dinamika.errors import UsageError
from dinamika.report import pipeline
from dinamika.report.kernel import load_notebook, parameter_defaults
from dinamika.report.params import DEFAULTS, ReportParams
from dinamika.report.sections import feedback, term, trend

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = {"laporan-semester": term, "tren": trend, "umpan-balik": feedback}


def test_cli_and_make_report_take_their_defaults_from_report_params():
    args = build_parser().parse_args(["report"])
    assert (args.min_cell, args.seed) == (DEFAULTS.min_cell, DEFAULTS.seed)
    sig = inspect.signature(pipeline.report).parameters
    assert sig["min_cell"].default == DEFAULTS.min_cell
    assert sig["seed"].default == DEFAULTS.seed
    assert sig["lang"].default == DEFAULTS.lang
    assert DEFAULTS.seed == pipeline.DEFAULT_SEED


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_notebook_parameters_mean_the_library_defaults(name):
    defaults = parameter_defaults(load_notebook(name))
    settings = {k: v for k, v in defaults.items() if k not in ("survey_dir", "survey_dirs")}
    assert set(settings) == set(DEFAULTS.notebook_values())
    # None = "dinamika's default": no value is copied into the notebook
    assert all(v is None for v in defaults.values())
    assert ReportParams.resolve(**settings) == DEFAULTS


def test_only_changed_values_are_injected():
    assert ReportParams().notebook_values() == dict.fromkeys(DEFAULTS.notebook_values())
    p = ReportParams(lang="en", min_cell=3)
    assert p.notebook_values() == {"lang": "en", "min_cell": 3, "seed": None, "key_file": None}
    assert ReportParams.resolve(**p.notebook_values()) == p


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "5"])
def test_bad_min_cell_is_a_usage_error(bad):
    with pytest.raises(UsageError, match="min-cell"):
        ReportParams(min_cell=bad)


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_notebook_cells_only_call_one_section_function(name):
    """After the parameters cell, every statement imports, resolves the parameters, or calls a
    function of the notebook's section module (its result possibly kept for a later section)."""
    module = NOTEBOOKS[name]
    nb = load_notebook(name)
    code = [
        c
        for c in nb.cells
        if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])
    ]
    called: list[str] = []
    for cell in code:
        for node in ast.parse(cell.source).body:
            if isinstance(node, ast.ImportFrom):
                assert node.module in ("dinamika.report.params", "dinamika.report.sections")
                continue
            value = node.value if isinstance(node, ast.Assign | ast.Expr) else None
            assert isinstance(value, ast.Call), ast.unparse(node)
            func = ast.unparse(value.func)
            if func == "ReportParams.resolve":
                continue
            assert func.startswith("section."), ast.unparse(node)
            called.append(func.removeprefix("section."))
    assert called[0] == "start" and len(called) == len(code)  # start(), then one per section
    assert set(called) <= set(module.__all__)


def test_mypy_checks_the_notebooks():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    files = config["tool"]["mypy"]["files"]
    for name in NOTEBOOKS:
        assert f"notebooks/{name}.py" in files
