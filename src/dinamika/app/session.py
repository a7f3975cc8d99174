"""What the no-code page does, step by step, without any widget: testable and reusable.

An :class:`AppSession` owns one data folder. Everything it writes stays inside it:

- ``<data>/unggahan/<name>``: the uploaded export, as uploaded (never modified);
- ``<data>/<term>/``: the term folder, exactly what ``dinamika import`` writes (``survey.yaml``,
  ``kuesioner.csv``, ``mapping.csv``), so the CLI and a notebook can rerun the analysis;
- ``<data>/laporan/``: the reports.

The header matching, the checks and the messages are the CLI's own
(:func:`dinamika.interop.import_google_forms`, :func:`dinamika.validate_survey`,
:func:`dinamika.make_report`); the page only collects the choices the CLI takes as options.
"""

from __future__ import annotations

import re
import shlex
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dinamika.data.group_names import GROUPS_FILE, similar_names
from dinamika.data.instruments import Instrument, list_instruments, load_instrument
from dinamika.data.manifest import MANIFEST
from dinamika.errors import UsageError
from dinamika.i18n import check_lang, t
from dinamika.i18n.messages import Message
from dinamika.interop._importing import ImportResult
from dinamika.interop._matching import HeaderMatch, match_headers
from dinamika.interop._sources import read_export
from dinamika.interop.google_forms import import_google_forms
from dinamika.interop.kobo import import_kobo

__all__ = [
    "MAX_UPLOAD_BYTES",
    "SOURCES",
    "AppSession",
    "group_pairs",
    "review_group",
    "safe_name",
]

#: Largest export the page accepts (a 10,000-teacher Google Forms export is about 3 MB).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
#: Export kinds the page reads, with the import function the CLI uses for each.
SOURCES: dict[str, Callable[..., ImportResult]] = {
    "google-forms": import_google_forms,
    "kobo": import_kobo,
}
_SUFFIXES = (".csv", ".xlsx", ".tsv", ".txt")
_UNSAFE = re.compile(r"[^a-z0-9._-]+")


def safe_name(text: str, *, fallback: str = "semester") -> str:
    """A file or folder name that stays where it is put: lowercase ASCII letters, digits, ``-``,
    ``_`` and ``.``; no path separators, no leading dots.

    Examples
    --------
    >>> safe_name("Semester 2 / 2026")
    'semester-2-2026'
    >>> safe_name("../../etc/passwd")
    'etc-passwd'
    >>> safe_name("...")
    'semester'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    name = _UNSAFE.sub("-", ascii_text).strip("-.")
    name = re.sub(r"-{2,}", "-", name)
    return name[:80] or fallback


@dataclass
class AppSession:
    """The state of one page: the data folder, the upload, the choices, what was written.

    Parameters
    ----------
    data_dir : path
        The only folder the page writes to (created when missing).
    lang : {"id", "en"}
        Language of the messages (Indonesian by default).

    Examples
    --------
    >>> import tempfile
    >>> s = AppSession(tempfile.mkdtemp())
    >>> sorted(s.questionnaires())[:1]
    ['komunitas-guru@1.0.0']
    """

    data_dir: Path | str
    lang: str = "id"
    instrument: str | None = None
    source: str = "google-forms"
    upload: Path | None = None
    headers: tuple[str, ...] = ()
    matches: tuple[HeaderMatch, ...] = ()
    choices: dict[str, str] = field(default_factory=dict)
    result: ImportResult | None = None
    term_dir: Path | None = None

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).resolve()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        check_lang(self.lang)

    @property
    def root(self) -> Path:
        """The data folder (resolved)."""
        return Path(self.data_dir)

    # -- step 1: instrument ------------------------------------------------------------------
    def questionnaires(self) -> list[str]:
        """``id@version`` of every released questionnaire (the forms teachers fill in)."""
        refs = []
        for name, versions in list_instruments().items():
            for version in versions:
                if load_instrument(f"{name}@{version}").kind == "questionnaire":
                    refs.append(f"{name}@{version}")
        return refs

    def choose_instrument(self, ref: str) -> Instrument:
        """Choose the questionnaire the export answers; resets the header choices."""
        inst = load_instrument(ref)
        self.instrument = inst.ref
        if self.upload is not None:
            self._match()
        return inst

    # -- step 2: upload ----------------------------------------------------------------------
    def save_upload(self, filename: str, content: bytes, *, source: str = "google-forms") -> Path:
        """Keep the uploaded export in ``<data>/unggahan/`` and read its headers.

        Refuses files over :data:`MAX_UPLOAD_BYTES` and kinds it cannot read, with the fix.
        """
        if source not in SOURCES:
            raise UsageError(f"source must be one of {sorted(SOURCES)}, not {source!r}")
        if len(content) > MAX_UPLOAD_BYTES:
            raise UsageError(
                t(
                    "app_too_big",
                    self.lang,
                    size=f"{len(content) / 2**20:.1f}",
                    limit=f"{MAX_UPLOAD_BYTES / 2**20:.0f}",
                )
            )
        stem, dot, suffix = Path(filename).name.rpartition(".")
        suffix = f".{suffix.lower()}" if dot else ""
        if suffix not in _SUFFIXES:
            raise UsageError(t("app_bad_kind", self.lang, name=Path(filename).name))
        folder = self.root / "unggahan"
        folder.mkdir(exist_ok=True)
        path = folder / f"{safe_name(stem, fallback='ekspor')}{suffix}"
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(content)
        tmp.replace(path)
        self.source = source
        self.upload = path
        _, frame = read_export(path, self.lang)
        self.headers = tuple(str(h) for h in frame.columns)
        self.choices = {}
        if self.instrument is not None:
            self._match()
        return path

    def _match(self) -> None:
        assert self.instrument is not None
        inst = load_instrument(self.instrument)
        self.matches = tuple(match_headers(list(self.headers), inst))

    # -- step 3: headers ---------------------------------------------------------------------
    def open_headers(self) -> list[HeaderMatch]:
        """Headers the matcher could not place (``unmatched`` or ``ambiguous``): the page asks."""
        return [m for m in self.matches if m.status in ("unmatched", "ambiguous")]

    def item_options(self) -> list[tuple[str, str]]:
        """``(label, value)`` pairs for a header's dropdown: every item, then "not an item"."""
        if self.instrument is None:
            return []
        inst = load_instrument(self.instrument)
        items = [(f"{i.id} — {i.text[self.lang]}", i.id) for i in inst.items]
        return [*items, (t("app_not_item", self.lang), "")]

    def choose_item(self, header: str, item: str) -> None:
        """The user's answer for one header: an item id, or ``""`` for "not an item"."""
        if header not in self.headers:
            raise UsageError(Message("app.no_header", header=repr(header)), lang=self.lang)
        self.choices[header] = item

    # -- step 4: import ----------------------------------------------------------------------
    def import_term(
        self,
        term: str,
        *,
        duplicates: str = "error",
        test_rows: str = "error",
        generate_ids: bool = False,
        title: str = "",
        population: int | None = None,
        force: bool = True,
    ) -> ImportResult:
        """Write ``<data>/<term>/`` with the CLI's importer and the choices made on the page.

        Raises :class:`dinamika.interop.ImportFailed` with every remaining problem (nothing is
        written then), as the CLI does.
        """
        if self.upload is None or self.instrument is None:
            raise UsageError(t("app_need_upload", self.lang))
        out = self.root / safe_name(term)
        importer = SOURCES[self.source]
        result = importer(
            self.upload,
            instrument=self.instrument,
            out=out,
            mapping=dict(self.choices),
            duplicates=duplicates,
            test_rows=test_rows,
            generate_ids=generate_ids,
            title=title.strip() or None,
            population=population,
            force=force,
            lang=self.lang,
        )
        self.result = result
        self.term_dir = out
        return result

    def cli_command(
        self,
        *,
        duplicates: str = "error",
        test_rows: str = "error",
        generate_ids: bool = False,
        title: str = "",
        population: int | None = None,
    ) -> str:
        """The ``dinamika import`` command that writes the same folder (shown on the page)."""
        if self.upload is None or self.term_dir is None or self.instrument is None:
            return ""
        words = ["dinamika", "import", self.source, str(self.upload)]
        words += ["--instrument", self.instrument, "--out", str(self.term_dir)]
        for header, item in sorted(self.choices.items()):
            words += ["--map", f"{header}={item}"] if item else ["--ignore", header]
        if duplicates != "error":
            words += ["--duplicates", duplicates]
        if test_rows != "error":
            words += ["--test-rows", test_rows]
        if generate_ids:
            words.append("--generate-ids")
        if title.strip():
            words += ["--title", title.strip()]
        if population:
            words += ["--population", str(population)]
        return " ".join(shlex.quote(w) for w in words)

    # -- step 4b: school and KKG names -------------------------------------------------------
    def group_pairs(self) -> list[tuple[str, str, str]]:
        """Typed group names that probably name one group: ``(kind, name, into)``."""
        return [] if self.term_dir is None else group_pairs(self.term_dir)

    def review_group(self, kind: str, name: str, into: str, *, merge: bool) -> None:
        """Record the user's decision on one suspected pair in ``groups.csv``."""
        if self.term_dir is None:
            raise UsageError(t("app_need_upload", self.lang))
        review_group(self.term_dir, kind, name, into, merge=merge)

    # -- step 5: report ----------------------------------------------------------------------
    def earlier_terms(self) -> list[str]:
        """Other term folders in the data folder (each with a ``survey.yaml``), by name."""
        current = self.term_dir.name if self.term_dir is not None else None
        return sorted(
            p.parent.name
            for p in self.root.glob(f"*/{MANIFEST}")
            if p.parent.name != current and p.parent.name not in ("unggahan", "laporan")
        )

    def make_report(
        self,
        *,
        lang: str | None = None,
        progress: Callable[[int, int, str], None] | None = None,
        earlier: Sequence[str] = (),
        per_school: bool = False,
    ) -> Path:
        """The term report of the imported folder in ``<data>/laporan/``; with ``earlier`` term
        folders of the data folder, the trend report over them and this term (in that order);
        with ``per_school``, the feedback pages (one per school and KKG shown in the report)."""
        from dinamika.report import default_output, make_report

        if self.term_dir is None:
            raise UsageError(t("app_need_upload", self.lang))
        lang = lang or self.lang
        known = set(self.earlier_terms())
        unknown = [name for name in earlier if name not in known]
        if unknown:
            raise UsageError(
                Message("app.no_term_folder", name=repr(unknown[0]), root=self.root), lang=lang
            )
        if per_school and earlier:
            raise UsageError(t("app_per_school_alone", self.lang))
        folders = [*(self.root / name for name in earlier), self.term_dir]
        names = [f.name for f in folders]
        out = self.root / default_output(names, lang=lang, per_school=per_school)

        def step(text: str) -> None:
            match = re.match(r"\[(\d+)/(\d+)\]\s*(.*)", text)
            if progress is not None and match:
                progress(int(match[1]), int(match[2]), match[3])

        return make_report(folders, lang=lang, out=out, progress=step, per_school=per_school).path


def _groups(folder: Path) -> pd.DataFrame | None:
    path = Path(folder) / GROUPS_FILE
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def group_pairs(folder: Path) -> list[tuple[str, str, str]]:
    """Suspected pairs of ``groups.csv`` not reviewed yet: ``(kind, name, into)``, the group with
    fewer teachers first, to be merged into the larger one (the importer never merges them)."""
    table = _groups(folder)
    if table is None or table.empty:
        return []
    table["n_int"] = pd.to_numeric(table["n"], errors="coerce").fillna(0)
    open_rows = table[table["status"].str.strip() != "checked"]
    out = []
    for kind, rows in table.groupby("kind", sort=True):
        sizes = rows.groupby("group")["n_int"].sum()
        for a, b in similar_names(sizes.index):
            if not open_rows[(open_rows["kind"] == kind) & open_rows["group"].isin([a, b])].empty:
                small, big = sorted((a, b), key=lambda g: (sizes[g], g))
                out.append((str(kind), str(small), str(big)))
    return out


def review_group(folder: Path, kind: str, name: str, into: str, *, merge: bool) -> None:
    """Merge group ``name`` into ``into`` (or keep both) in ``groups.csv``; both are marked
    ``checked`` (reviewed by a person), which :func:`dinamika.load_survey` honours."""
    table = _groups(folder)
    if table is None:
        raise UsageError(Message("app.no_groups_file", file=GROUPS_FILE, folder=folder))
    rows = table["kind"] == kind
    if not (rows & table["group"].isin([name])).any():
        raise UsageError(Message("app.no_group", kind=kind, name=repr(name), file=GROUPS_FILE))
    if merge:
        table.loc[rows & (table["group"] == name), "group"] = into
    table.loc[rows & table["group"].isin([name, into]), "status"] = "checked"
    path = Path(folder) / GROUPS_FILE
    tmp = path.with_name(f".{path.name}.tmp")
    table.to_csv(tmp, index=False, encoding="utf-8")
    tmp.replace(path)


def describe(matches: tuple[HeaderMatch, ...] | list[HeaderMatch]) -> Mapping[str, int]:
    """How many headers are items, other questions, or still open."""
    kind = {"matched": "matched", "unmatched": "open", "ambiguous": "open"}
    counts = {"matched": 0, "open": 0, "other": 0}
    for m in matches:
        counts[kind.get(m.status, "other")] += 1
    return counts
