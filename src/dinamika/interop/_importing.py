"""What Google Forms and KoboToolbox imports share: headers → items, answer checks, duplicates.

:func:`build_import` turns one exported table into the data file, manifest and mapping table
of a term folder, or raises :class:`ImportFailed` listing every problem; :func:`write_import`
then writes the folder atomically (a temporary folder, validated, then moved into place).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dinamika.core.results import ResultMixin
from dinamika.data.instruments import Instrument
from dinamika.errors import UsageError
from dinamika.i18n.messages import MESSAGES, Join, Message
from dinamika.interop._assemble import ID_COLUMN, TIME_COLUMN, assemble
from dinamika.interop._checks import (
    agreeing_labels,
    answer_issues,
    check_manual,
    find_duplicates,
    header_issue,
    lost_digits_issue,
    missing_item_issues,
)
from dinamika.interop._issues import ImportFailed, Issue, rows_text
from dinamika.interop._matching import HeaderMatch, match_headers
from dinamika.interop._notes import NotesMixin, column_notes
from dinamika.interop._observations import observation_ids
from dinamika.interop._roles import (
    detect_group,
    holds_identifiers,
    is_id_name,
    is_identifier,
    is_person_name,
)
from dinamika.interop._screening import (
    ROW_COLUMNS,
    generated_ids,
    ledger_frame,
    name_id_issue,
    select_rows,
)
from dinamika.interop._timestamps import parse_timestamps

__all__ = [
    "DUPLICATES",
    "ImportResult",
    "Roles",
    "build_import",
    "detect_group",
    "holds_identifiers",
    "is_id_name",
    "is_identifier",
]

DUPLICATES = ("error", "keep-last", "keep-first")


@dataclass
class Roles:
    """Headers whose role is known before item matching (from options or detection)."""

    id: str | None = None
    groups: dict[str, str] = field(default_factory=dict)
    identifiers: list[str] = field(default_factory=list)
    timestamp: str | None = None
    dropped: list[str] = field(default_factory=list)
    #: header → item id already known (e.g. Kobo field names equal to item ids)
    items: dict[str, str] = field(default_factory=dict)
    #: header → name in the written data file (default: the header, stripped)
    rename: dict[str, str] = field(default_factory=dict)
    #: why the respondent id was chosen, for the summary
    id_note: str = ""
    #: observations: lesson, teacher, observer → header
    keys: dict[str, str] = field(default_factory=dict)
    #: the consent question (submissions answering no, or nothing, are left out)
    consent: str | None = None
    #: number the respondents R0001… (an explicit choice when the only id would be a name)
    generate_ids: bool = False


@dataclass(frozen=True)
class ImportResult(NotesMixin, ResultMixin):
    """A term folder made from an export.

    Attributes
    ----------
    out : Path
        The term folder (``survey.yaml``, ``kuesioner.csv``, ``mapping.csv``).
    manifest : dict
        What ``survey.yaml`` holds.
    data : DataFrame
        The data file as written (answers as in the export; item columns renamed to item ids).
    mapping : DataFrame
        One row per header of the export: ``column_in_file``, ``column_in_data``, ``role``,
        ``item``, ``method``, ``similarity``, ``nearest``, ``item_text``.
    n_read, n_written : int
        Rows read from the export and written to the data file.
    duplicates : DataFrame
        Repeated submissions: ``row`` (spreadsheet row of the export), ``kept`` (True/False),
        ``kept_row``.
    messages : tuple of Message
        What the import assumed or dropped (date order, generated ids, ...); ``notes`` and
        ``notes_id`` give them in English and Indonesian.
    rows : DataFrame
        ``rows.csv``: every export row left out or flagged: ``row`` (spreadsheet row),
        ``waktu_isi``, ``status`` (dropped/kept), ``reason``, ``decision``.
    groups : DataFrame
        ``groups.csv``: each typed school/KKG name, its group and how that was decided.
    choices : tuple of str
        The choices the import was made with (id, duplicates, test rows, ...), recorded at the
        head of ``survey.yaml``.
    """

    out: Path
    manifest: Mapping[str, Any]
    data: pd.DataFrame = field(repr=False)
    mapping: pd.DataFrame = field(repr=False)
    n_read: int
    n_written: int
    duplicates: pd.DataFrame = field(repr=False)
    messages: tuple[Message, ...] = ()
    rows: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=ROW_COLUMNS), repr=False
    )
    groups: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    choices: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """How each header of the export was matched (:attr:`mapping`), to review."""
        return self.mapping

    def summary(self, lang: str = "id") -> str:
        """A few lines for the terminal."""
        items = self.mapping[self.mapping["role"] == "item"]
        methods = items["method"].value_counts().to_dict()
        how = Join(
            tuple(
                Join(
                    (Message(f"import.method.{k}") if f"import.method.{k}" in MESSAGES else k, v),
                    " ",
                )
                for k, v in sorted(methods.items())
            )
        )
        mapping = "mapping-observasi.csv" if "observations" in self.manifest else "mapping.csv"
        files = [mapping] + (["rows.csv"] if "responses" in self.manifest else [])
        files += ["groups.csv"] if len(self.groups) else []
        head = Message(
            "import.done",
            out=self.out,
            n_written=self.n_written,
            n_read=self.n_read,
            items=len(items),
            how=how,
            files=", ".join(files),
        )
        return "\n".join([head.text(lang), *(f"- {m.text(lang)}" for m in self.messages)])


def build_import(
    frame: pd.DataFrame,
    instrument: Instrument,
    roles: Roles,
    *,
    out: Path,
    source: str,
    manual: Mapping[str, str],
    labels: Mapping[str, int],
    duplicates: str,
    threshold: float,
    date_order: str,
    lang: str,
    test_rows: str = "error",
    start_date: pd.Timestamp | None = None,
) -> ImportResult:
    """Check one export against ``instrument`` and prepare the term folder (nothing written)."""
    observation = instrument.kind == "observation"
    if instrument.kind not in ("questionnaire", "observation"):
        raise UsageError(
            Message(
                "import.wrong_kind",
                instrument=instrument.ref,
                kind=Message(f"kind.{instrument.kind}"),
            ),
            lang=lang,
        )
    n_read = len(frame)
    empty = frame.apply(lambda col: col.astype(str).str.strip() == "").all(axis=1).to_numpy()
    skipped = frame.index.to_numpy()[empty] + 2
    frame = frame[~empty]  # rows with nothing in any cell (left behind in a sheet)
    headers = [str(h) for h in frame.columns]
    issues = check_manual(manual, headers, instrument)
    known = {roles.id, roles.timestamp, *roles.groups.values(), *roles.identifiers, *roles.dropped}
    known.add(roles.consent)
    known |= set(roles.keys.values())
    known |= set(roles.items)
    rest = [h for h in headers if h not in known]
    matches = [HeaderMatch(h, "matched", i, "exact", 1.0) for h, i in roles.items.items()]
    matches += match_headers(rest, instrument, manual=manual, threshold=threshold)
    if roles.items:  # field names and text headers together: one header per item still
        seen: dict[str, int] = {}
        for m in matches:
            if m.status == "matched" and m.item:
                seen[m.item] = seen.get(m.item, 0) + 1
        matches = [
            HeaderMatch(
                m.header, "ambiguous", None, "duplicate", m.similarity, ((str(m.item), 1.0),)
            )
            if m.status == "matched" and m.item and seen[m.item] > 1
            else m
            for m in matches
        ]
    issues += [
        header_issue(m, instrument) for m in matches if m.status in ("ambiguous", "unmatched")
    ]
    by_item = {m.item: m.header for m in matches if m.status == "matched" and m.item}
    missing = [i for i in instrument.item_ids if i not in by_item]
    issues += missing_item_issues(missing, matches, instrument)

    notes: list[Message] = []
    ledger: list[dict[str, Any]] = [
        {"row": int(r), "status": "dropped", "reason": "empty row / baris kosong"} for r in skipped
    ]
    if len(skipped):
        notes.append(Message("import.empty_rows", n=len(skipped), rows=rows_text(skipped)))
    times, time_notes = _times(frame, roles.timestamp, date_order)
    notes += time_notes
    frame, times, found = select_rows(
        frame, roles, [by_item[i] for i in instrument.item_ids if i in by_item], times,
        test_rows=test_rows, start=start_date, ledger=ledger, notes=notes,
    )  # fmt: skip
    issues += found
    n = len(frame)
    id_header = roles.id
    dup_key: pd.Series | None = None
    if observation:
        ids, key_issues = observation_ids(frame, roles.keys)
        issues += key_issues
        id_header = " + ".join(roles.keys.get(k, "?") for k in ("lesson", "observer"))
    elif id_header is None:
        ids = pd.Series([f"R{i:04d}" for i in range(1, n + 1)], index=frame.index)
        dup_key, id_header, found, id_notes = generated_ids(frame, roles)
        issues += found
        notes += id_notes
    else:
        ids = frame[id_header].astype(str).str.strip()
        blank = frame.index.to_numpy()[(ids == "").to_numpy()] + 2
        lost = lost_digits_issue(ids, id_header)
        if lost is not None:
            issues.append(lost)
        if is_person_name(id_header):
            issues.append(name_id_issue(id_header))
        if len(blank):
            issues.append(
                Issue(
                    Message("where.column_rows", column=id_header, rows=rows_text(blank)),
                    Message("import.empty_id"),
                    Message("import.empty_id.fix"),
                )
            )
    auto = agreeing_labels(frame, by_item, instrument, labels)
    if auto:
        labels = {**auto, **labels}
        shown = ", ".join(f"'{k}'" for k in list(auto)[:3]) + (", …" if len(auto) > 3 else "")
        notes.append(Message("import.agreeing_labels", shown=shown))
    issues += answer_issues(frame, by_item, instrument, labels)

    keep, dup_table, dup_issues = find_duplicates(
        ids if dup_key is None else dup_key,
        times,
        duplicates,
        id_header or ID_COLUMN,
        ratings=observation,
    )
    issues += dup_issues
    if issues:
        raise ImportFailed(source, issues, lang)
    if len(dup_table):
        dropped = dup_table.loc[~dup_table["kept"], "row"]
        kept_row = dup_table.loc[~dup_table["kept"], "kept_row"]
        ledger += [
            {"row": int(r), "status": "dropped", "reason": f"repeated submission; row {k} kept / kiriman berulang; baris {k} dipakai", "decision": f"duplicates {duplicates} (--duplicates)"}
            for r, k in zip(dropped, kept_row, strict=True)
        ]  # fmt: skip
        notes.append(
            Message(
                "import.repeats_dropped", n=len(dropped), policy=duplicates, rows=rows_text(dropped)
            )
        )

    data, mapping, manifest = assemble(frame, instrument, roles, matches, ids, times, keep, labels)
    notes += column_notes(mapping)
    part = manifest["observations" if observation else "responses"]
    part["origin"] = {"file": source, **part["origin"]}
    if not observation:
        manifest["term"] = out.name
    return ImportResult(
        out=out,
        manifest=manifest,
        data=data,
        mapping=mapping,
        n_read=n_read,
        n_written=int(keep.sum()),
        duplicates=dup_table,
        messages=tuple(notes),
        rows=ledger_frame(ledger, times),
    )


def _times(
    frame: pd.DataFrame, header: str | None, date_order: str
) -> tuple[pd.Series, list[Message]]:
    """Submission times (NaT when unread) and what reading them assumed."""
    notes: list[Message] = []
    times = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    if header is None:
        return times, notes
    parsed = parse_timestamps(frame[header], date_order=date_order)
    times = parsed.values
    if len(parsed.bad_rows):
        rows = rows_text(frame.index.to_numpy()[parsed.bad_rows] + 2)
        notes.append(Message("import.bad_times", column=header, rows=rows, into=TIME_COLUMN))
    if parsed.assumed:
        notes.append(Message("import.day_first", column=header))
    return times, notes
    parsed = parse_timestamps(frame[header], date_order=date_order)
    times = parsed.values
    if len(parsed.bad_rows):
        rows = rows_text(frame.index.to_numpy()[parsed.bad_rows] + 2)
        notes.append(
            (
                f"timestamps in column '{header}' could not be read in row(s) "
                f"{rows}; they are left empty in {TIME_COLUMN}",
                f"waktu di kolom '{header}' tidak terbaca pada baris {rows}; "
                f"dibiarkan kosong di {TIME_COLUMN}",
            )
        )
    if parsed.assumed:
        notes.append(
            (
                f"dates in '{header}' were read day-first (27/11/2026); no date "
                "showed the order — use --date-order mdy if the form used US dates",
                f"tanggal di '{header}' dibaca hari-bulan (27/11/2026); tidak ada "
                "tanggal yang menunjukkan urutannya — pakai --date-order mdy untuk format AS",
            )
        )
    return times, notes
