"""Import a Google Forms export (CSV or XLSX as Google Sheets downloads it) into a term folder.

Google Sheets writes one row per submission: a ``Timestamp`` (``Stempel waktu`` in Indonesian)
column, an ``Email Address`` (``Alamat email``) column when the form collects e-mails, then one
column per question headed by the full question text (grid questions as ``Title [row]``), with
the answers as the option labels (``Sangat Setuju``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from dinamika.data.instruments import load_instrument
from dinamika.interop._complete import complete_import
from dinamika.interop._importing import ImportResult, Roles, build_import
from dinamika.interop._matching import THRESHOLD, normalize_text
from dinamika.interop._screening import consent_column
from dinamika.interop._sources import (
    GroupColumns,
    apply_options,
    check_choices,
    check_screening,
    detect_keys,
    manual_mapping,
    read_export,
    record_choices,
)
from dinamika.interop._writing import write_import

__all__ = ["import_google_forms"]

_TIMESTAMP = {"timestamp", "stempel waktu", "cap waktu", "waktu", "tanda waktu", "marca temporal"}
_EMAIL = {"email address", "alamat email", "email", "e mail", "alamat e mail", "surel",
          "username", "nama pengguna"}  # fmt: skip
_QUIZ = {"score", "skor", "nilai", "total score", "total skor"}


def import_google_forms(
    path: str | Path,
    *,
    instrument: str,
    out: str | Path,
    id_column: str | None = None,
    school_column: str | None = None,
    groups: GroupColumns | None = None,
    identifiers: Iterable[str] = (),
    mapping: Mapping[str, str] | str | Path | None = None,
    ignore: Iterable[str] = (),
    labels: Mapping[str, int] | None = None,
    duplicates: str = "error",
    threshold: float = THRESHOLD,
    date_order: str = "auto",
    lesson_column: str | None = None,
    teacher_column: str | None = None,
    observer_column: str | None = None,
    force: bool = False,
    sheet: str | int | None = None,
    generate_ids: bool = False,
    test_rows: str = "error",
    start_date: str | None = None,
    school_list: str | Path | None = None,
    title: str | None = None,
    population: int | None = None,
    lang: str = "id",
) -> ImportResult:
    """Make a term folder from a Google Forms export; the export itself is never modified.

    Headers are matched to the items of ``instrument``: exactly, then after normalization
    (numbering such as ``"1. "``, case, spacing and punctuation ignored), then by similarity
    (:mod:`difflib`, at least ``threshold`` and clearly closer to one item than to any other).
    Nothing is guessed: unmatched or ambiguous headers, items without a header, unknown
    answers, empty ids and repeated submissions (with ``duplicates="error"``) are all listed in
    one :class:`~dinamika.interop.ImportFailed`, and nothing is written.

    Parameters
    ----------
    path : str or Path
        The export (``.csv`` in UTF-8/Windows-1252 with ``,`` ``;`` or tab, or ``.xlsx``).
    instrument : str
        ``"komunitas-guru@1.0.0"``.
    out : str or Path
        The term folder to create (``surveys/<term>``); its name becomes the term.
    id_column : str, optional
        Respondent id. Default: a code column (``id_guru``, ``Kode Guru``), else the e-mail
        column (pseudonymized at load), else NIP/NUPTK, else rows are numbered.
    school_column, groups : optional
        Group columns (``groups={"kkg": "Gugus"}``); detected from usual headers otherwise.
    identifiers : iterable of str
        More direct-identifier columns (names, NIP, e-mail and phone are detected).
    mapping : dict or path, optional
        Header → item id (``""`` ignores the header), or a reviewed ``mapping.csv``.
    ignore : iterable of str
        Headers that are other questions.
    labels : dict, optional
        Extra answer labels → codes (``{"Setuju sekali": 5}``), kept in the manifest.
    duplicates : {"error", "keep-last", "keep-first"}
        Repeated submissions by the same respondent: refuse, or keep the latest / earliest
        (by timestamp when every timestamp was read, else by row order).
    date_order : {"auto", "dmy", "mdy"}
        How to read all-numeric timestamps.
    lesson_column, teacher_column, observer_column : str, optional
        For an observation rubric (``observasi-pembelajaran``): the lesson, observed teacher
        and observer codes (default: ``id_pelajaran``/``Kode pelajaran``, ``id_guru``/``Kode
        guru``, ``id_pengamat``/``Kode pengamat``). The ratings go into ``out``, an existing
        term whose questionnaire was imported first: ``observasi.csv``,
        ``mapping-observasi.csv`` and an ``observations:`` section in its ``survey.yaml``;
        one lesson rated twice by the same observer counts as a repeated submission.
    force : bool
        Replace the files of an existing folder (or its observations).
    sheet : str or int, optional
        Sheet of an XLSX export (default: the first, "Form Responses 1").
    lang : {"id", "en"}
        Language of the error and the notes (default Bahasa Indonesia).

    Returns
    -------
    ImportResult
        With the mapping table and ``summary()``; the folder passes :func:`dinamika.validate_survey`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> inst = load_instrument("komunitas-guru@1.0.0")
    >>> tmp = tempfile.TemporaryDirectory()
    >>> d = pathlib.Path(tmp.name)
    >>> header = ["Stempel waktu", "Alamat email"] + [
    ...     f"{k}. {item.text['id']} " for k, item in enumerate(inst.items, start=1)]
    >>> rows = [["27/11/2026 14:03:12", "siti@guru.id"] + ["Setuju"] * 24,
    ...         ["27 Nov 2026 15.10.00", "budi@guru.id"] + ["Sangat Setuju"] * 24]
    >>> pd.DataFrame(rows, columns=header).to_csv(d / "jawaban.csv", index=False)
    >>> result = import_google_forms(d / "jawaban.csv", instrument=inst.ref, out=d / "2026-2")
    >>> result.manifest["responses"]["id"], result.n_written
    ('Alamat email', 2)
    >>> result.mapping.loc[2, ["item", "method"]].tolist()
    ['KEP1', 'normalized']
    >>> result.data["waktu_isi"].tolist()
    ['2026-11-27T14:03:12', '2026-11-27T15:10:00']
    """
    check_choices(duplicates, date_order, threshold, lang)
    start = check_screening(test_rows, start_date, lang)
    inst = load_instrument(instrument)
    source, frame = read_export(path, lang, sheet)
    roles = Roles()
    for header in frame.columns:
        norm = normalize_text(header)
        if norm in _TIMESTAMP and roles.timestamp is None:
            roles.timestamp = header
        elif norm in _EMAIL:
            roles.identifiers.append(header)
        elif norm in _QUIZ:
            roles.dropped.append(header)
    email = list(roles.identifiers)
    roles.consent = consent_column(frame)
    if roles.consent is not None:
        roles.dropped.append(roles.consent)
    all_groups = dict(groups or {})
    if school_column is not None:
        all_groups["school"] = school_column
    if inst.kind == "observation":
        given = {"lesson": lesson_column, "teacher": teacher_column, "observer": observer_column}
        roles.identifiers = []  # the observer's e-mail stays in the file, hashed at load
        roles.keys = detect_keys(frame.columns, given, lang=lang)
    else:
        roles = apply_options(
            frame,
            roles,
            id_column=id_column,
            groups=all_groups,
            identifiers=[*email, *identifiers],
            lang=lang,
        )
        roles.generate_ids = generate_ids
    result = build_import(
        frame,
        inst,
        roles,
        out=Path(out),
        source=source.name,
        manual=manual_mapping(mapping, ignore, lang),
        labels=dict(labels or {}),
        duplicates=duplicates,
        threshold=threshold,
        date_order=date_order,
        lang=lang,
        test_rows=test_rows,
        start_date=start,
    )
    result = complete_import(
        result, title=title, population=population, school_list=school_list, lang=lang
    )
    result = record_choices(result, roles, duplicates=duplicates, test_rows=test_rows,
                            start_date=start_date, school_list=school_list)  # fmt: skip
    write_import(result, source, "google-forms", force=force, lang=lang)
    return result
