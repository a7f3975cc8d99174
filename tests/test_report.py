"""`dinamika report`: real kernel, byte-identical HTML, privacy, languages, exit codes, browser.

The real report is rendered three times in this module (module-scoped fixtures): the bundled
example with default parameters (which is also the top-to-bottom notebook run), the same again
through the command line (byte comparison), and a planted-secrets term in English. The trend
report is rendered once.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import html
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dinamika
from dinamika import i18n
from dinamika.cli import main
from dinamika.privacy.outputs import PrivacyError
from dinamika.report import pipeline as report_mod
from dinamika.report.browser import find_chromium, run_chromium
from tests.test_report_data import PLANTED, make_term

pytestmark = [pytest.mark.kernel, pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"
SRC = REPO / "src"


@pytest.fixture(scope="module")
def hermetic(tmp_path_factory):
    """Fresh HOME-like folders so no user configuration (kernels, matplotlib) leaks in."""
    home = tmp_path_factory.mktemp("home")
    env = {
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "MPLCONFIGDIR": str(home / "mpl"),
        "IPYTHONDIR": str(home / "ipython"),
        "JUPYTER_DATA_DIR": str(home / "jupyter-data"),
        "JUPYTER_CONFIG_DIR": str(home / "jupyter-config"),
        "JUPYTER_RUNTIME_DIR": str(home / "jupyter-runtime"),
        "DINAMIKA_LANG": "id",
    }
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        mp.delenv("DINAMIKA_PSEUDONYM_KEY", raising=False)
        mp.delenv("DINAMIKA_PSEUDONYM_KEY_FILE", raising=False)
        yield env


@contextlib.contextmanager
def _shared(tmp_path_factory, name: str):
    """A folder shared by the pytest-xdist workers of this session, entered under a lock, so a
    report is rendered once per session however the tests are distributed."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = root / f"shared-{name}"
    with (root / f"shared-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _cached_report(
    tmp_path_factory, name: str, make
) -> tuple[report_mod.ReportResult, bytes, list[str]]:
    with _shared(tmp_path_factory, name) as folder:
        done = folder / "done.json"
        if not done.exists():
            folder.mkdir(exist_ok=True)
            lines: list[str] = []
            result = make(folder, lines)
            meta = {
                "path": str(result.path),
                "kind": result.kind,
                "terms": list(result.terms),
                "lang": result.lang,
                "format": result.format,
                "lines": lines,
            }
            done.write_text(json.dumps(meta), encoding="utf-8")
        meta = json.loads(done.read_text(encoding="utf-8"))
    result = report_mod.ReportResult(
        Path(meta["path"]), meta["kind"], tuple(meta["terms"]), meta["lang"], meta["format"]
    )
    return result, result.path.read_bytes(), meta["lines"]


@pytest.fixture(scope="module")
def term_report(hermetic, tmp_path_factory):
    """The bundled example, default parameters (no parameter is injected)."""

    def make(folder, lines):
        return report_mod.report(out=folder / "laporan.html", progress=lines.append)

    return _cached_report(tmp_path_factory, "term", make)


@pytest.fixture(scope="module")
def planted_report(hermetic, tmp_path_factory):
    """A term with planted identifiers and free text, one school of 3 teachers, in English."""

    def make(folder, lines):
        term = make_term(folder / "term", plant=True)
        return report_mod.report([term], lang="en", out=folder / "report-en.html")

    result, data, _ = _cached_report(tmp_path_factory, "planted", make)
    return result, data.decode("utf-8"), result.path.parent / "term"


@pytest.fixture(scope="module")
def trend_report(hermetic, tmp_path_factory):
    examples = dinamika.data.resources.surveys_dir()

    def make(folder, lines):
        dirs = [examples / "contoh-2025-1", examples / "contoh-2025-2"]
        return report_mod.report(dirs, out=folder / "tren.html")

    result, data, _ = _cached_report(tmp_path_factory, "trend", make)
    return result, data.decode("utf-8")


def _visible_text(page: str) -> str:
    page = re.sub(r"<style[^>]*>.*?</style>", " ", page, flags=re.DOTALL)
    page = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(page)


def _images(page: str) -> list[bytes]:
    return [base64.b64decode(m) for m in re.findall(r'src="data:image/png;base64,([^"]+)"', page)]


# --- the term report ------------------------------------------------------------------------


def test_term_report_is_complete_and_offline(term_report):
    result, data, lines = term_report
    page = data.decode("utf-8")
    assert result.kind == "term" and result.terms == ("contoh-2025-2",)
    for key in (
        "sec_summary",
        "sec_glance",
        "sec_instrument",
        "sec_items",
        "sec_reliability",
        "sec_factors",
        "sec_scores",
        "sec_quality",
        "sec_link",
        "sec_triangulation",
        "sec_glossary",
        "sec_score_tables",
        "sec_methods",
        "sec_provenance",
    ):
        assert html.escape(i18n.t(key, "id")) in page, key
    # the summary of findings comes first, with 3-6 findings each under its rule
    summary = page[page.index(i18n.t("sec_summary", "id")) : page.index(i18n.t("sec_glance", "id"))]
    assert 3 <= summary.count('<p class="dk-rule">') <= 6
    # the methods appendix names every reference and its R function
    for ref in ("Cronbach", "McDonald", "Feldt", "Efron", "Muthén", "Shrout", "Krippendorff",
                "Bliese", "Nakagawa", "Holm"):  # fmt: skip
        assert ref in page, ref
    assert "lavaan::cfa" in page and "psych::alpha" in page
    # every section whose analysis exists is filled: no "not available" or failure notes
    for key in ("not_available", "failed"):
        stem = i18n.TEXT[key]["id"].split(":")[0]
        assert stem not in page, key
    # offline, one file: no script, no external URL, figures embedded
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert len(_images(page)) >= 4
    assert "<title>Laporan Semester · contoh-2025-2</title>" in page
    assert '<html lang="id">' in page
    # progress went per section
    assert any("Gambaran semester" in line for line in lines)


def test_term_report_states_its_methods_from_the_analysis(term_report):
    """What a psychometrician asks: which CI method, which rule, which estimator, which n.

    The numbers quoted come from the analysis functions' own settings and results.
    """
    import inspect

    _, data, _ = term_report
    text = " ".join(_visible_text(data.decode("utf-8")).split())
    survey = dinamika.load_survey()
    # reliability: Feldt for alpha, bootstrap BCa with the function's number of draws, flag rule
    rel = inspect.signature(dinamika.reliability_table).parameters
    assert "metode Feldt" in text and "bootstrap BCa" in text
    assert i18n.fmt_num(rel["n_boot"].default, "id", 0) + " sampel ulang" in text
    assert "di bawah " + i18n.fmt_num(rel["flag_below"].default, "id") in text
    # group agreement: the rule group_agreement applies (ICC(1) and median rwg(j))
    agg = inspect.signature(dinamika.group_agreement).parameters
    rule = i18n.t(
        "group_agreement_reading",
        "id",
        icc1_min=i18n.fmt_num(agg["icc1_min"].default, "id"),
        rwg_min=i18n.fmt_num(agg["rwg_min"].default, "id"),
    )
    assert " ".join(rule.split()) in text
    # CFA: estimator and n used of all respondents
    fit = dinamika.cfa_survey(survey)
    assert f"Estimasi {fit.estimator}" in text
    assert f"{fit.n} dari {len(survey.responses)} responden" in text
    # observation: how the double-rated lessons were reconciled, counts from observation_scores
    source = dinamika.observation_scores(survey, level="lesson")["source"].value_counts()
    assert f"{source['single']} pelajaran diamati satu orang" in text
    assert f"untuk {source['mean']} pelajaran yang diamati dua orang dipakai rata-rata" in text
    # why kappa shows — for aspects, and the multiple-comparison correction by name
    assert " ".join(i18n.t("rater_columns", "id").split()) in text
    assert "koreksi Holm" in text
    # "—" in the triangulation's interview-only rows is explained as not applicable
    assert "berarti tidak berlaku" in text


def test_term_report_provenance_without_timestamps(term_report):
    _, data, _ = term_report
    page = data.decode("utf-8")
    survey = dinamika.load_survey()
    assert survey.instrument.sha256 in page
    for name, digest in survey.file_hashes.items():
        assert digest in page, name
    assert dinamika.__version__ in page
    # no clock time anywhere (only dates could come from the data itself)
    assert not re.search(r"\b\d{2}:\d{2}:\d{2}\b", _visible_text(page))
    assert str(REPO) not in page  # no absolute paths of this machine


def test_figures_are_real_images(term_report):
    from PIL import Image

    _, data, _ = term_report
    for png in _images(data.decode("utf-8")):
        pixels = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)
        assert pixels.shape[0] > 100 and pixels.shape[1] > 300
        assert pixels.std() > 10  # not blank


def test_rerun_through_the_cli_is_byte_identical(term_report, tmp_path, hermetic):
    _, first, _ = term_report
    out = tmp_path / "again.html"
    proc = subprocess.run(
        [sys.executable, "-m", "dinamika.cli", "report", "--out", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        check=False,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"Laporan ditulis ke: {out}" in proc.stdout
    assert "dinamika report: [" in proc.stderr  # progress on stderr
    second = out.read_bytes()
    assert second == first


# --- privacy and language ---------------------------------------------------------------------


def test_planted_identifiers_and_free_text_never_appear(planted_report):
    _, page, folder = planted_report
    lowered = page.lower()
    for secret in PLANTED:
        for form in {secret, html.escape(secret), html.escape(secret, quote=False)}:
            assert form.lower() not in lowered, secret
    assert "<script" not in lowered
    assert not re.search(r"<[^>]*\bonerror\s*=", lowered)  # no event-handler attribute
    # pseudonyms and teacher ids do not appear either
    survey = dinamika.load_survey(folder)
    for column in ("teacher", "nama", "nip", "email", "no_hp"):
        values = [str(v) for v in survey.responses[column].head(20) if len(str(v)) >= 4]
        assert values, column
        for value in values:
            assert value not in page, column


def test_small_school_is_suppressed_with_a_complement(planted_report):
    _, page, _ = planted_report
    rows = re.findall(r"<tr[^>]*><td>(SD Negeri \d+)</td>(.*?)</tr>", page)
    school_rows = {}
    for name, rest in rows:
        school_rows.setdefault(name, rest)  # first table: scores by school
    small = school_rows["SD Negeri 11"]  # the school of 3 teachers
    assert ">3<" not in small and "—" in small
    hidden = [name for name, rest in school_rows.items() if re.search(r'dk-num">—<', rest)]
    assert len(hidden) >= 2  # a complementary school is hidden too
    # the reader is told how many rows are hidden and why (small or complement)
    note = i18n.t("suppressed_rows", "en", n=len(hidden), min_cell=5)
    assert " ".join(note.split()) in " ".join(_visible_text(page).split())


def test_english_report_has_no_indonesian_words(planted_report):
    _, page, _ = planted_report
    assert '<html lang="en">' in page
    text = _visible_text(re.sub(r'<td class="dk-code">.*?</td>', " ", page))
    text = re.sub(r"\S+\.(csv|xlsx|yaml)\b", " ", text)  # the user's own file names
    id_words = set()
    en_words = set()
    for table in (i18n.TEXT, i18n.COLUMNS):
        for entry in table.values():
            id_words |= set(re.findall(r"[A-Za-z][a-z]{5,}", entry["id"]))
            en_words |= set(re.findall(r"[A-Za-z][a-z]{5,}", entry["en"]))
    words = set(re.findall(r"[A-Za-z][a-z]{5,}", text))
    leaked = sorted((id_words - en_words) & words)
    assert leaked == [], leaked
    for key in ("sec_glance", "sec_scores", "sec_provenance"):
        assert i18n.t(key, "en") in html.unescape(page)


def test_leak_guard_refuses_to_write(tmp_path, monkeypatch, planted_report, hermetic):
    _, _, folder = planted_report
    monkeypatch.setattr(
        report_mod, "render_notebook", lambda *a, **k: f"<p>{html.escape(PLANTED[0])}</p>"
    )
    out = tmp_path / "x.html"
    with pytest.raises(PrivacyError, match="tidak ada yang ditulis") as exc:  # report in id
        report_mod.report([folder], out=out)
    assert "nothing was written" in exc.value.text("en")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


# --- trend ------------------------------------------------------------------------------------


def test_trend_report_checks_invariance_before_means(trend_report):
    result, page = trend_report
    assert result.kind == "trend" and result.terms == ("contoh-2025-1", "contoh-2025-2")
    assert "<script" not in page.lower()
    inv = page.index(html.escape(i18n.t("sec_invariance", "id")))
    means = page.index(html.escape(i18n.t("sec_trend_means", "id")))
    assert inv < means
    assert i18n.t("step_scalar", "id") in page
    # every questionnaire of both terms counts (WLSMV, pairwise), not only the complete ones
    n_all = sum(
        len(dinamika.load_survey(dinamika.data.resources.surveys_dir() / t).responses)
        for t in ("contoh-2025-1", "contoh-2025-2")
    )
    text_all = " ".join(_visible_text(page).split())
    assert "WLSMV" in text_all and f"pada {n_all} dari {n_all} jawaban kuesioner" in text_all
    holds = i18n.t("scalar_holds", "id") in page
    stated = i18n.t("scalar_fails", "id", reason="").strip() in page
    assert holds != stated  # one or the other, with the reason
    if holds:
        assert (
            html.escape(i18n.t("change_title", "id", first="contoh-2025-1", last="contoh-2025-2"))
            in page
        )
        assert len(_images(page)) >= 1
    for key in ("not_available", "failed"):
        assert i18n.TEXT[key]["id"].split(":")[0] not in page
    if holds:
        # the terms share teachers: the report counts them and calls its CIs conservative
        # because their scores correlate positively between the terms
        text = " ".join(_visible_text(page).split())
        a, b = (
            dinamika.score(dinamika.load_survey(dinamika.data.resources.surveys_dir() / t))
            for t in ("contoh-2025-1", "contoh-2025-2")
        )
        shared = a.merge(b, on="teacher", suffixes=("_a", "_b"))
        scales = dinamika.load_survey().instrument.scales
        r = [shared[f"{s}_a"].corr(shared[f"{s}_b"]) for s in scales]
        assert min(r) > 0
        assert f"{len(shared)} guru mengisi kuesioner di kedua semester" in text
        assert "IK ini konservatif" in text
        assert f"r {i18n.fmt_num(min(r), 'id')} sampai {i18n.fmt_num(max(r), 'id')}" in text


# --- exit codes and formats (no kernel needed) --------------------------------------------------


def test_invalid_data_exit_1_with_problems_and_no_traceback(tmp_path, capsys):
    folder = make_term(tmp_path / "bad")
    csv = folder / "kuesioner.csv"
    text = csv.read_text(encoding="utf-8").splitlines()
    text[2] = text[2].replace(",4,", ",9,", 1)  # an answer outside 1..5
    csv.write_text("\n".join(text) + "\n", encoding="utf-8")
    code = main(["report", str(folder), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert "kuesioner.csv" in err and "Traceback" not in err
    assert not (tmp_path / "laporan").exists()


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["report", str(tmp_path / "missing"), "--quiet"]) == 2
    assert "bukan folder" in capsys.readouterr().err  # the CLI speaks Indonesian by default
    assert main(["report", "--min-cell", "0", "--quiet"]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["report", "--format", "docx"])
    assert exc.value.code == 2


def test_pdf_without_chromium_names_the_package(monkeypatch, capsys):
    monkeypatch.setattr(report_mod, "find_chromium", lambda: None)
    code = main(["report", "--format", "pdf", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert "apt-get install chromium" in err and "Traceback" not in err


def test_default_output_names():
    assert report_mod.default_output(["t1"]) == Path("laporan/laporan-t1.html")
    assert report_mod.default_output(["t1"], lang="en", fmt="pdf") == Path(
        "laporan/laporan-t1-en.pdf"
    )
    assert report_mod.default_output(["a", "b", "c"]) == Path("laporan/tren-a_c.html")


# --- as a person sees it ------------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(
    find_chromium() is None,
    reason="Chromium is not installed (Debian: apt-get install chromium); browser checks skipped",
)

_PROBE = """<script>
window.__errors = [];
window.addEventListener('error', function (e) { window.__errors.push(String(e.message)); }, true);
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  document.body.setAttribute('data-probe-images',
    imgs.map(function (i) { return i.complete && i.naturalWidth > 0 ? '1' : '0'; }).join(''));
  document.body.setAttribute('data-probe-errors', String(window.__errors.length));
});
</script>"""


@pytest.mark.browser
@needs_chromium
def test_report_in_chromium(term_report, tmp_path):
    _, data, _ = term_report
    page = tmp_path / "report.html"
    page.write_bytes(data)
    probe = tmp_path / "probe.html"
    probe.write_text(data.decode("utf-8").replace("<head>", "<head>" + _PROBE, 1), encoding="utf-8")
    proc = run_chromium(
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=10000",
        "--dump-dom",
        probe.as_uri(),
    )
    dom = proc.stdout
    images = re.search(r'data-probe-images="([01]*)"', dom)
    errors = re.search(r'data-probe-errors="(\d+)"', dom)
    assert images and errors, "the page did not finish loading"
    assert images.group(1) and set(images.group(1)) == {"1"}  # every <img> decoded
    assert images.group(1).count("1") == len(_images(data.decode("utf-8")))
    assert errors.group(1) == "0"
    console = [line for line in proc.stderr.splitlines() if "CONSOLE" in line]
    assert console == [], console
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report-first-page.png"
    dinamika.report.browser.screenshot(page, shot, width=1000, height=1400)
    from PIL import Image

    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert pixels.shape == (1400, 1000) and pixels.std() > 10


@pytest.mark.browser
@needs_chromium
def test_pdf_is_printed_from_the_same_html(term_report, tmp_path, monkeypatch):
    _, data, _ = term_report
    monkeypatch.setattr(report_mod, "render_notebook", lambda *a, **k: data.decode("utf-8"))
    out = tmp_path / "laporan.pdf"
    result = report_mod.report(out=out, fmt="pdf")
    assert result.format == "pdf"
    assert out.read_bytes().startswith(b"%PDF")
    assert out.stat().st_size > 20_000


@pytest.mark.parametrize("name", ["laporan-semester", "tren", "umpan-balik"])
def test_notebook_pairs_are_in_sync(name):
    import jupytext
    import nbformat

    folder = REPO / "notebooks"
    source = jupytext.read(folder / f"{name}.py", fmt="py:percent")
    paired = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    assert [(c.cell_type, c.source) for c in paired.cells] == [
        (c.cell_type, c.source) for c in source.cells
    ], f"regenerate notebooks/{name}.ipynb (see notebooks/README.md)"
    assert [c.id for c in paired.cells] == [f"cell-{i}" for i in range(len(paired.cells))]
    assert all(not c.get("outputs") for c in paired.cells if c.cell_type == "code")
    params = [c for c in paired.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1


def test_kernel_is_this_interpreter(tmp_path, hermetic):
    """Whatever kernel specs the user has, the report runs on this Python's own ipykernel."""
    import nbformat

    from dinamika.report import kernel as rx

    spec_dir = Path(hermetic["JUPYTER_DATA_DIR"]) / "kernels" / "python3"
    spec_dir.mkdir(parents=True, exist_ok=True)
    (spec_dir / "kernel.json").write_text(  # a decoy user kernel that must not be used
        json.dumps(
            {
                "argv": [
                    "/nonexistent/python",
                    "-m",
                    "ipykernel_launcher",
                    "-f",
                    "{connection_file}",
                ],
                "display_name": "decoy",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import sys, os\nprint(sys.executable)\nprint(os.getcwd())")
    ]
    rx.execute(nb, cwd=tmp_path)
    out = nb.cells[0].outputs[0]["text"].splitlines()
    assert Path(out[0]).resolve() == Path(sys.executable).resolve()
    assert Path(out[1]).resolve() == tmp_path.resolve()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_failed_section_is_one_line_in_the_report_language(lang, capsys):
    from dinamika.errors import UsageError
    from dinamika.report.pipeline import View

    v = View(lang)
    shown: list[str] = []
    v.emit = shown.append
    with v.guard():
        raise UsageError("only 5 usable respondents for 24 variables")
    with v.guard():
        raise ZeroDivisionError("boom")
    assert len(shown) == 2
    assert "only 5 usable respondents" in capsys.readouterr().err  # always on the terminal
    if lang == "id":
        assert all("Bagian ini tidak dapat dihitung" in s for s in shown)
        assert not any("usable" in s or "ZeroDivision" in s for s in shown)
    else:
        assert "only 5 usable respondents" in shown[0]
        assert "ZeroDivisionError" in shown[1] and "boom" not in shown[1]


def test_tables_are_scrubbed_escaped_and_localized():
    import pandas as pd

    from dinamika.report.pipeline import View

    v = View("id", labels={"kepemimpinan": {"id": "Kepemimpinan", "en": "Leadership"}})
    shown: list[str] = []
    v.emit = shown.append
    v.table(
        pd.DataFrame(
            {
                "teacher": ["G0001"],
                "school": ["<b>SD</b>"],
                "komentar": ["<script>alert(1)</script>"],
                "scale": ["kepemimpinan"],
                "n": [12],
                "mean": [3.14159],
                "p": [0.0001],
            }
        ),
        value_labels=["scale"],
    )
    (page,) = shown
    assert "G0001" not in page and "script" not in page
    assert "&lt;b&gt;SD&lt;/b&gt;" in page
    assert "<th>Sekolah</th>" in page and "Kepemimpinan" in page
    assert ">3,14<" in page and ">12<" in page and "&lt; 0,001" in page


@pytest.mark.parametrize("lang", ["id", "en"])
def test_negative_group_iccs_are_shown_as_zero_and_said_so(lang):
    from types import SimpleNamespace

    import pandas as pd

    from dinamika.report.pipeline import View

    v = View(lang)
    shown: list[str] = []
    v.emit = shown.append
    scales = pd.DataFrame(
        {
            "group_by": ["kkg"], "scale": ["kepemimpinan"], "n_groups": [3],
            "icc1": [-0.04], "icc2": [-52.2], "rwg_j_median": [0.9], "scale_ok": [False],
        }
    )  # fmt: skip
    v.group_agreement(SimpleNamespace(scales=scales))
    page = "".join(shown)
    assert "-52" not in page and "−52" not in page
    assert ("ditampilkan sebagai 0" if lang == "id" else "are shown as 0") in page


@pytest.fixture(scope="module")
def forty_teacher_report(hermetic, tmp_path_factory):
    """`dinamika simulate --teachers 40 --schools 6`, then the term report (issue 11)."""

    def make(folder, lines):
        term = folder / "t40"
        assert main(["simulate", "--teachers", "40", "--schools", "6", "--out", str(term)]) == 0
        return report_mod.report([term], out=folder / "t40.html")

    _, data, _ = _cached_report(tmp_path_factory, "t40", make)
    return _visible_text(data.decode("utf-8"))


def test_forty_teacher_term_report_reads_correctly(forty_teacher_report):
    text = " ".join(forty_teacher_report.split())
    # the 4-factor CFA has far more free parameters than 40 respondents can carry: not judged
    assert "Kecocokan model tidak dinilai: 40 responden terlalu sedikit" in text
    assert not re.search(r"Model \d faktor (kurang |cukup )?sesuai", text)
    assert "Hanya 6 kelompok" in text  # school ICCs and aggregation: a first impression
    assert "Koo & Li" in text  # too few double-rated lessons to certify observers
    assert "Maas & Hox" in text  # multilevel model of 6 schools
    assert "Traceback" not in text and "Warning" not in text
