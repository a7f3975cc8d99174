"""Term and trend reports: run a parameterized notebook, write one self-contained HTML or PDF.

``dinamika report SURVEY_DIR`` (one term: ``notebooks/laporan-semester``) and ``dinamika report
DIR1 DIR2 …`` (trend over terms: ``notebooks/tren``) validate the data first, execute the
notebook on a real Jupyter kernel, convert it with nbconvert (code hidden, images embedded, no
script, no external URL), check the result for any identifier or free-text value of the raw
files, and write the file atomically. Same inputs, same bytes.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from dinamika.core.results import ResultMixin
from dinamika.data.files import atomic_write, check_writable
from dinamika.data.resources import EXAMPLE_TERMS, default_survey, surveys_dir
from dinamika.data.survey import load_survey
from dinamika.errors import UsageError
from dinamika.i18n import t
from dinamika.i18n.messages import Message
from dinamika.privacy.outputs import PrivacyError, find_leaks, public_strings, secrets_of
from dinamika.report.browser import BrowserMissing, find_chromium, print_pdf
from dinamika.report.params import DEFAULTS, ReportParams
from dinamika.report.sections.render import ReportView, label_maps

if TYPE_CHECKING:  # pragma: no cover
    from dinamika.report.kernel import Kernel

# The notebook kernel imports this module for ``View``; the pipeline (nbclient, nbconvert) is
# imported only where it runs, so the kernel does not pay for it.

__all__ = [
    "DEFAULT_SEED",
    "ReportParams",
    "ReportResult",
    "View",
    "default_output",
    "label_maps",
    "make_report",
    "render_notebook",
    "report",
]

#: Seed of every resampling step when none is given (owned by :class:`ReportParams`).
DEFAULT_SEED = DEFAULTS.seed
TERM_NOTEBOOK = "laporan-semester"
TREND_NOTEBOOK = "tren"
FEEDBACK_NOTEBOOK = "umpan-balik"

#: The renderer the notebooks use (``from dinamika.report.pipeline import View``).
View = ReportView

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ReportResult(ResultMixin):
    """What :func:`report` wrote."""

    path: Path
    kind: str  # "term", "trend" or "feedback" (--per-school)
    terms: tuple[str, ...]
    lang: str
    format: str

    def to_frame(self) -> pd.DataFrame:
        """One row: ``path``, ``kind``, ``terms``, ``lang``, ``format``."""
        return pd.DataFrame(
            [
                {
                    "path": str(self.path),
                    "kind": self.kind,
                    "terms": ", ".join(self.terms),
                    "lang": self.lang,
                    "format": self.format,
                }
            ]
        )

    def summary(self) -> str:
        """Where the report was written."""
        terms = " + ".join(self.terms)
        return f"{self.kind} report ({terms}, {self.lang}, {self.format}) written to {self.path}"


def safe_name(name: str) -> str:
    """``name`` reduced to letters, digits, ``.``, ``_`` and ``-`` for use in a file name.

    >>> safe_name("../../etc/passwd"), safe_name("2025/1 <b>"), safe_name("..")
    ('etc-passwd', '2025-1-b', 'semester')
    """
    import re

    cleaned = re.sub(r"[^\w.\-]+", "-", str(name), flags=re.ASCII)
    cleaned = re.sub(r"\.{2,}", ".", cleaned).strip(".-_")
    cleaned = re.sub(r"-{2,}", "-", cleaned)[:80]
    return cleaned or "semester"


def default_output(
    terms: Sequence[str], *, lang: str = "id", fmt: str = "html", per_school: bool = False
) -> Path:
    """``laporan/laporan-<term>.html`` (term) or ``laporan/tren-<first>_<last>.html`` (trend),
    relative to the current folder; ``-en`` before the suffix for English;
    ``laporan/umpan-balik-<term>.html`` for the feedback pages.

    Examples
    --------
    >>> str(default_output(["contoh-2025-2"]))
    'laporan/laporan-contoh-2025-2.html'
    >>> str(default_output(["contoh-2025-1", "contoh-2025-2"], lang="en", fmt="pdf"))
    'laporan/tren-contoh-2025-1_contoh-2025-2-en.pdf'
    >>> str(default_output(["../../../../x"]))  # a term name never leaves laporan/
    'laporan/laporan-x.html'
    """
    first, last = safe_name(terms[0]), safe_name(terms[-1])
    stem = f"laporan-{first}" if len(terms) == 1 else f"tren-{first}_{last}"
    if per_school:
        stem = f"umpan-balik-{first}"
    suffix = "" if lang == "id" else f"-{lang}"
    return Path("laporan") / f"{stem}{suffix}.{fmt}"


def render_notebook(
    name: str,
    params: Mapping[str, Any],
    *,
    title: str,
    lang: str,
    folder: Path | None = None,
    progress: Progress | None = None,
    kernel: Kernel | None = None,
) -> str:
    """Execute notebook ``name`` with ``params`` and return the report HTML (the pipeline).

    Runs on ``kernel`` when given (see :class:`dinamika.report.kernel.Kernel`), else on a fresh
    one. Also used by the benchmarks to time an empty notebook through the very same steps.
    """
    from dinamika.report import kernel as rx
    from dinamika.report.html import strip_streams, to_html

    nb = rx.load_notebook(name, folder)
    rx.inject_parameters(nb, params)

    def tell(index: int, total: int, cell: Any) -> None:
        section = rx.section_of(cell)
        if progress is not None and section is not None:
            label = t(section, lang) if section.startswith("sec_") else section
            progress(f"[{index}/{total}] {label}")

    with tempfile.TemporaryDirectory(prefix="dinamika-report-") as tmp:
        rx.execute(nb, cwd=Path(tmp), progress=tell, kernel=kernel)
    for message in strip_streams(nb):
        if message.strip():
            # what a section wrote to stderr (why it could not be computed): never in the
            # report, always on the terminal
            (progress or _stderr)(message.strip())
    return to_html(nb, title=title, lang=lang)


def report(
    survey_dirs: Sequence[str | Path] | None = None,
    *,
    lang: str = DEFAULTS.lang,
    out: str | Path | None = None,
    fmt: str = "html",
    min_cell: int = DEFAULTS.min_cell,
    seed: int = DEFAULTS.seed,
    key_file: str | Path | None = None,
    progress: Progress | None = None,
    per_school: bool = False,
) -> ReportResult:
    """Write the term report (one folder) or the trend report (two or more folders).

    Parameters
    ----------
    survey_dirs : sequence of paths, optional
        Term folders; default the bundled example term. Two or more give a trend report, in
        the order given.
    lang : {"id", "en"}
        Report language (default Bahasa Indonesia).
    out : path, optional
        Output file; default :func:`default_output` in the current folder.
    fmt : {"html", "pdf"}
        PDF is printed from the HTML by a headless Chromium (Debian package ``chromium``).
    min_cell : int
        Smallest group shown (default 5); smaller ones are suppressed with their complements.
    seed : int
        Seed of every resampling step.
    key_file : path, optional
        Pseudonymization key file.
    progress : callable, optional
        Called with one line of text per section (the CLI prints them on stderr).
    per_school : bool
        Write the feedback pages instead (one page per school and per KKG the term report
        shows; one term folder only).

    Returns
    -------
    ReportResult

    Raises
    ------
    ValidationError
        A term folder has data problems (all of them are listed).
    UsageError
        Bad arguments or a folder that does not exist.
    BrowserMissing
        PDF asked for and no Chromium installed.
    PrivacyError
        The output would contain an identifier or free-text value (nothing is written).
    """
    settings = ReportParams(lang=lang, min_cell=min_cell, seed=seed, key_file=_opt(key_file))
    if fmt not in ("html", "pdf"):
        raise UsageError(
            Message("usage.choice", name="format", allowed="['html', 'pdf']", value=repr(fmt)),
            lang=lang,
        )
    if fmt == "pdf" and find_chromium() is None:
        raise BrowserMissing()
    dirs = [Path(d) for d in survey_dirs] if survey_dirs else [default_survey()]
    if per_school and len(dirs) > 1:
        raise UsageError(Message("report.per_school_one_term"), lang=lang)
    for d in dirs:
        if not d.is_dir():
            raise UsageError(Message("report.not_a_folder", path=d), lang=lang)
    from dinamika.report import kernel as rx

    say = progress or (lambda _msg: None)
    with (
        tempfile.TemporaryDirectory(prefix="dinamika-report-") as tmp,
        rx.Kernel(Path(tmp)) as kernel,
    ):
        # the kernel starts and imports dinamika while the data are validated here
        surveys = []
        for d in dirs:
            say(Message("report.checking", path=d).text(lang))
            surveys.append(load_survey(d, key_file=key_file, lang=lang))
        terms = tuple(s.term for s in surveys)
        if len(set(terms)) != len(terms):
            raise UsageError(Message("report.same_term", terms=", ".join(terms)), lang=lang)
        secrets: set[str] = set()
        public: list[str] = []  # printed whatever the data: a secret inside them is no leak
        for s in surveys:
            secrets |= secrets_of(s)
            public += public_strings(s)
        kind = "term" if len(dirs) == 1 else "trend"
        common = settings.notebook_values()
        examples = [(surveys_dir() / term).resolve() for term in EXAMPLE_TERMS]
        resolved = [d.resolve() for d in dirs]
        if kind == "term":
            here = None if resolved[0] == default_survey().resolve() else str(resolved[0])
            params = {"survey_dir": here, **common}
            title = f"{t('term_report', lang)} · {terms[0]}"
            name = TERM_NOTEBOOK
            if per_school:
                title = f"{t('feedback_title', lang)} · {terms[0]}"
                name = FEEDBACK_NOTEBOOK
        else:
            many = None if resolved == examples else [str(d) for d in resolved]
            params = {"survey_dirs": many, **common}
            title = f"{t('trend_report', lang)} · {' – '.join(terms)}"
            name = TREND_NOTEBOOK
        target = (
            Path(out)
            if out is not None
            else default_output(terms, lang=lang, fmt=fmt, per_school=per_school)
        )
        check_writable(target)  # before the notebook runs, not after
        say(Message("report.running").text(lang))
        html = render_notebook(
            name, params, title=title, lang=lang, progress=progress or _quiet, kernel=kernel
        )
    leaks = find_leaks(html, secrets, public)
    if leaks:
        raise PrivacyError(Message("report.leak", n=len(leaks)), lang=lang)
    data = html.encode("utf-8")
    if fmt == "html":

        def write_html(path: Path) -> None:
            path.write_bytes(data)

        atomic_write(target, write_html)
    else:
        with tempfile.TemporaryDirectory(prefix="dinamika-pdf-") as tmp:
            page = Path(tmp) / "report.html"
            page.write_bytes(data)

            def write_pdf(path: Path) -> None:
                print_pdf(page, path)

            atomic_write(target, write_pdf)
    return ReportResult(target, "feedback" if per_school else kind, terms, lang, fmt)


#: The same function under the name ``dinamika`` exports (``dinamika.report.pipeline`` is this module).
make_report = report


def _quiet(message: str) -> None:
    """Without progress, still show what a section reported on stderr (not the counters)."""
    if not message.startswith("["):
        _stderr(message)


def _opt(value: str | Path | None) -> str | None:
    return None if value is None else str(Path(value).resolve())


def _stderr(message: str) -> None:
    print(
        message if message.startswith("dinamika") else f"dinamika report: {message}",
        file=sys.stderr,
        flush=True,
    )
