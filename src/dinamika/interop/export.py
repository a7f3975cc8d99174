"""Export a term's scored data for SPSS, Stata, Excel, R or Python users.

The dataset has one row per respondent: ``teacher`` (pseudonymized when the manifest names the
id column as an identifier), the group columns, the item codes, the scale scores with the
number of items answered (:func:`dinamika.score`), and, when asked for and estimable, CFA factor
scores ``fs_<scale>`` (WLSMV, EBM). Identifier columns are never exported.
Variable labels and value labels travel with the file: natively in ``.sav`` and ``.dta``
(pyreadstat), as a ``variables`` sheet in ``.xlsx``, as field metadata in ``.parquet``, and as a
``<name>.codebook.csv`` beside a ``.csv``. Text cells of CSV and XLSX files that start with
``=``, ``+``, ``-`` or ``@`` get a leading ``'`` so a spreadsheet never runs them.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dinamika.core.results import ResultMixin
from dinamika.data.files import atomic_write, atomic_write_set, check_writable
from dinamika.data.survey import Survey, load_survey
from dinamika.errors import SurveyError, UsageError
from dinamika.i18n import check_lang
from dinamika.i18n.messages import Join, Message
from dinamika.interop._labelled import Part as _Part
from dinamika.interop._labelled import write_parquet as _write_parquet
from dinamika.interop._labelled import write_readstat as _write_readstat
from dinamika.interop._notes import NotesMixin
from dinamika.interop._safe import neutralize
from dinamika.interop.codebook_export import codebook

__all__ = ["FORMATS", "ExportResult", "export_survey", "scored_frame"]

FORMATS = ("csv", "xlsx", "sav", "dta", "parquet")
_SUFFIX = {".csv": "csv", ".xlsx": "xlsx", ".sav": "sav", ".dta": "dta", ".parquet": "parquet"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_LONG_NUMBER = re.compile(r"^\d{15,18}$")  # NIK (16), NIP (18), NUPTK (16)
_PHONE = re.compile(r"^(\+62|62|0)8\d{7,11}$")


@dataclass(frozen=True)
class ExportResult(NotesMixin, ResultMixin):
    """What was exported: the file(s), the data, the codebook, and notes."""

    path: Path
    data: pd.DataFrame = field(repr=False)
    codebook: pd.DataFrame = field(repr=False)
    extra_files: tuple[Path, ...] = ()
    messages: tuple[Message, ...] = ()
    part: str = "responses"

    def to_frame(self) -> pd.DataFrame:
        """The data as written (pseudonymized ids, items, scale scores)."""
        return self.data

    def summary(self, lang: str = "id") -> str:
        """A few lines for the terminal (respondents, or lessons for ``part="observations"``)."""
        n, k = self.data.shape
        if self.part == "observations":
            lessons = self.data["lesson"].nunique()
            observers = self.data["observer"].nunique()
            head = Message(
                "export.done_observations",
                path=self.path,
                lessons=lessons,
                n=n,
                observers=observers,
                k=k,
            ).text(lang)
        else:
            head = Message("export.done", path=self.path, n=n, k=k).text(lang)
        more = [str(p) for p in self.extra_files]
        return "\n".join([head, *more, *(f"- {m.text(lang)}" for m in self.messages)])


def _check_pseudonymous(ids: pd.Series, column: str, lang: str = "id") -> None:
    text = ids.astype(str).str.strip()
    digits = text.str.replace(r"[\s.\-/()]", "", regex=True)  # NIPs written with spaces
    for pattern, what in ((_EMAIL, "e-mail addresses"), (_LONG_NUMBER, "NIP/NIK/NUPTK numbers"), (_PHONE, "phone numbers")):  # fmt: skip
        share = (digits if pattern is not _EMAIL else text).str.match(pattern).mean()
        if share > 0:
            raise SurveyError(_not_pseudonymous(column, what), lang=lang)


#: What an id column holds (as :func:`dinamika.privacy.identifiers.id_identifier_kind` says).
_KINDS = {
    "e-mail addresses": "export.email",
    "NIP/NIK/NUPTK numbers": "export.nip",
    "phone numbers": "export.phone",
    "names": "export.names",
}


def _not_pseudonymous(column: str, what: str) -> Message:
    kind = Message(_KINDS[what]) if what in _KINDS else what
    return Message("export.not_pseudonymous", column=column, what=kind)


Note = Message


#: Factor scores need a CFA estimated on at least this many respondents per item.
MIN_PER_ITEM = 5


def _factor_scores(survey: Survey) -> tuple[pd.DataFrame | None, Note]:
    """EBM factor scores of the WLSMV CFA (pairwise polychorics, reverse-keyed items recoded),
    kept for every teacher with a scale score (enough answers: the term's ``min_answered``)."""
    from dinamika.psychometrics.cfa import cfa_survey
    from dinamika.psychometrics.scoring import score

    n_items, n_resp = len(survey.item_columns), len(survey.responses)
    if n_resp < MIN_PER_ITEM * n_items:
        return None, Message(
            "export.fs_too_few",
            n=n_resp,
            items=n_items,
            per_item=MIN_PER_ITEM,
            needed=MIN_PER_ITEM * n_items,
        )
    with warnings.catch_warnings(record=True) as caught:  # reported in the note, not on stderr
        warnings.simplefilter("always")
        try:
            fit = cfa_survey(survey)  # WLSMV, pairwise: every questionnaire counts
            fs = fit.scores()
        except Exception as exc:  # a CFA that cannot be fitted must not stop the export
            why = f"{type(exc).__name__}: {str(exc)[:200]}"
            return None, Message("export.no_factor_scores", why=why)
    fs = fs.reindex(survey.responses.index)
    scored = score(survey).reindex(survey.responses.index)
    for scale in fs.columns:  # too few answers for a scale score: no factor score either
        if scale in scored:
            fs.loc[scored[scale].isna().to_numpy(), scale] = np.nan
    fs.columns = [f"fs_{c}" for c in fs.columns]
    n, total = int(fs.notna().all(axis=1).sum()), len(fs)
    short = total - int(fs.notna().any(axis=1).sum())
    pct = f"{survey.min_answered:.0%}"
    diag = fit.diagnostics
    problems = []
    if not diag.converged:
        problems.append(Message("export.fs_not_converged", detail=diag.message))
    if diag.heywood:
        problems.append(Message("export.fs_heywood", which=", ".join(diag.heywood)))
    if diag.not_positive_definite:
        which = ", ".join(diag.not_positive_definite)
        problems.append(Message("export.fs_not_pd", which=which))
    numeric = sorted({str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)})
    if numeric:
        problems.append(Message("export.fs_numeric", detail="; ".join(numeric)[:200]))
    return fs, Message(
        "export.factor_scores",
        n=n,
        total=total,
        pct=pct,
        short=Message("export.fs_short", n=short) if short else "",
        warning=Message("export.fs_warning", problems=Join(tuple(problems), "; "))
        if problems
        else "",
    )


#: Groups smaller than this let a reader recognize the teachers in them (as in the reports).
SMALL_GROUP = 5


def _small_group_notes(data: pd.DataFrame, groups: list[str] | tuple[str, ...]) -> list[Note]:
    """Warn when a group column names groups of fewer than :data:`SMALL_GROUP` respondents:
    the file is respondent-level, so nothing is suppressed, but such teachers are recognizable.
    """
    notes: list[Note] = []
    for g in groups:
        sizes = data[g].dropna().astype(str).value_counts()
        small = int((sizes < SMALL_GROUP).sum())
        if small:
            notes.append(
                Message(
                    "export.small_groups", small=small, n=len(sizes), column=g, min_cell=SMALL_GROUP
                )
            )
    return notes


def scored_frame(
    survey: Survey, *, factor_scores: bool = False
) -> tuple[pd.DataFrame, list[str], list[Note]]:
    """The exported dataset, the scales with factor scores, and notes (catalogue messages).

    Examples
    --------
    >>> s = load_survey(key="0123456789abcdef0123")
    >>> data, fs, notes = scored_frame(s)
    >>> list(data.columns[:2]), "kepemimpinan" in data, "kepemimpinan_n" in data
    (['teacher', 'school'], True, True)
    """
    from dinamika.psychometrics.scoring import score

    r = survey.responses
    column = str(survey.manifest["responses"]["id"])
    for p in survey.problems:  # pseudonymized at load, but the manifest must say so
        if p.code == "id_is_identifier":
            raise SurveyError(
                _not_pseudonymous(column, str(p.params.get("what", "names")))
            )
    _check_pseudonymous(r["teacher"], column)
    keep = ["teacher", *survey.groups, *survey.item_columns]
    data = r[keep].copy()
    scores = score(survey)
    scale_cols = [c for c in scores.columns if c in survey.instrument.scales or c.removesuffix("_n") in survey.instrument.scales]  # fmt: skip
    data = pd.concat([data, scores[scale_cols]], axis=1)
    notes: list[Note] = []
    fs_scales: list[str] = []
    if factor_scores:
        fs, note = _factor_scores(survey)
        notes.append(note)
        if fs is not None:
            data = pd.concat([data, fs], axis=1)
            fs_scales = [c.removeprefix("fs_") for c in fs.columns]
    for col in [c for c in data.columns if c.endswith("_n")]:
        data[col] = data[col].astype("Int64")
    return data.reset_index(drop=True), fs_scales, notes


def export_survey(
    survey: str | Path | Survey | None,
    out: str | Path,
    *,
    to: str | None = None,
    lang: str = "id",
    factor_scores: bool = True,
    part: str = "responses",
    key: str | bytes | None = None,
    key_file: str | Path | None = None,
) -> ExportResult:
    """Write a term's scored data as CSV, XLSX, SPSS, Stata or Parquet.

    Parameters
    ----------
    survey : str, Path or Survey
        A term folder (loaded, validated and pseudonymized here) or a loaded Survey.
    out : str or Path
        The file to write (atomically).
    to : {"csv", "xlsx", "sav", "dta", "parquet"}, optional
        Default: from the suffix of ``out``.
    lang : {"id", "en"}
        Language of variable and value labels.
    factor_scores : bool, default True
        Add CFA factor scores ``fs_<scale>`` (one factor per scale, WLSMV with pairwise
        polychorics, empirical Bayes modal scores as lavPredict's EBM) for every teacher with a
        scale score (enough answers); with fewer than 5 respondents per item, or when the CFA
        cannot be fitted
        the export goes on without them and the notes say why, as they report non-convergence,
        Heywood cases and non-positive-definite matrices.
    part : {"responses", "observations"}
        ``"observations"`` exports the lesson ratings instead (``lesson``, ``teacher``,
        ``observer``, the rubric's indicators with the level labels as value labels).
    key, key_file : optional
        Pseudonymization key (see :func:`dinamika.load_survey`).

    Returns
    -------
    ExportResult

    Examples
    --------
    >>> import tempfile, pathlib, pyreadstat
    >>> tmp = tempfile.TemporaryDirectory()
    >>> d = pathlib.Path(tmp.name)
    >>> res = export_survey(None, d / "data.sav", key="0123456789abcdef0123", factor_scores=False)
    >>> df, meta = pyreadstat.read_sav(str(d / "data.sav"))
    >>> meta.variable_value_labels["KEP1"][5.0], df.shape == res.data.shape
    ('Sangat Setuju', True)
    """
    out = Path(out)
    fmt = to or _SUFFIX.get(out.suffix.lower())
    check_lang(lang)
    if fmt not in FORMATS:
        suffixes = ", ".join(f".{f}" for f in FORMATS)
        raise UsageError(
            Message("export.bad_format", suffixes=suffixes, value=repr(to or out.suffix)), lang=lang
        )
    check_writable(out)  # before loading and fitting, not after
    s = (
        survey
        if isinstance(survey, Survey)
        else load_survey(survey, key=key, key_file=key_file, lang=lang)
    )
    if part == "observations":
        obs, obs_inst = s.observations, s.observation_instrument
        if obs is None or obs_inst is None:
            raise UsageError(Message("export.no_observations", path=s.path), lang=lang)
        _check_pseudonymous(obs["teacher"], "observations.teacher", lang)
        _check_pseudonymous(obs["observer"], "observations.observer", lang)
        data = obs[["lesson", "teacher", "observer", *obs_inst.item_ids]].reset_index(drop=True)
        notes: list[Note] = []
        cb = codebook(obs_inst)
        target = _Part(obs_inst, s.term, ("lesson", "teacher", "observer"))
    elif part == "responses":
        data, fs_scales, notes = scored_frame(s, factor_scores=factor_scores)
        cb = codebook(
            s.instrument, groups=s.groups, factor_scores=fs_scales, min_answered=s.min_answered
        )
        target = _Part(s.instrument, s.term, ("teacher", *s.groups))
    else:
        raise UsageError(
            Message(
                "usage.choice",
                name="part",
                allowed="['responses', 'observations']",
                value=repr(part),
            ),
            lang=lang,
        )
    cb = cb.set_index("variable").loc[list(data.columns)].reset_index()
    extra: list[Path] = []
    if fmt == "csv":
        safe = neutralize(data)
        side = out.with_name(out.stem + ".codebook.csv")
        safe_cb = neutralize(cb)
        atomic_write_set(  # the data and its codebook appear together or not at all
            {
                out: lambda tmp: safe.to_csv(tmp, index=False, encoding="utf-8-sig"),
                side: lambda tmp: safe_cb.to_csv(tmp, index=False, encoding="utf-8-sig"),
            }
        )
        extra.append(side)
    elif fmt == "xlsx":
        safe, safe_cb = neutralize(data), neutralize(cb)

        def write_xlsx(tmp: Path) -> None:
            with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
                safe.to_excel(xw, sheet_name="data", index=False)
                safe_cb.to_excel(xw, sheet_name="variables", index=False)

        atomic_write(out, write_xlsx)
    elif fmt in ("sav", "dta"):
        atomic_write(out, lambda tmp: _write_readstat(data, cb, target, tmp, fmt, lang))
    else:
        atomic_write(out, lambda tmp: _write_parquet(data, cb, target, tmp, lang))
    if part == "responses":
        notes += _small_group_notes(data, s.groups)
    if np.any(data["teacher"].astype(str).str.startswith("p-")):
        notes.append(Message("export.keyed_ids"))
    return ExportResult(out, data, cb, tuple(extra), tuple(notes), part)
