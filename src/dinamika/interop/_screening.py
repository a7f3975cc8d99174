"""Which submissions of an export count: consent, test and blank submissions, namesakes.

Every decision is made on whole columns (no per-row Python loops over answers) and is kept for
``rows.csv``: one row per export row left out or flagged, with the spreadsheet row, the
submission time, what was found and what was decided.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dinamika.data.group_names import group_key
from dinamika.i18n.messages import Join, Message
from dinamika.interop._issues import Issue, rows_text
from dinamika.interop._matching import normalize_text
from dinamika.interop._roles import is_person_name

if TYPE_CHECKING:  # pragma: no cover
    from dinamika.interop._importing import Roles

__all__ = [
    "CONSENT_FIELDS",
    "ROW_COLUMNS",
    "TEST_ROWS",
    "Screen",
    "consent_column",
    "consent_status",
    "generated_ids",
    "ledger_frame",
    "name_duplicate_key",
    "name_id_issue",
    "select_rows",
    "test_submissions",
]

TEST_ROWS = ("error", "drop", "keep")
#: ``rows.csv``: export rows left out or flagged, with what was decided.
ROW_COLUMNS = ["row", "waktu_isi", "status", "reason", "decision"]
#: Kobo/XLSForm field names of the consent question.
CONSENT_FIELDS = {"persetujuan", "consent", "informed_consent", "kesediaan"}
_CONSENT_WORDS = re.compile(r"\b(?:persetujuan|bersedia|kesediaan|consent|izin|ijin)\b")
_YES = re.compile(r"^(?:ya|yes|y|iya|bersedia|setuju|saya bersedia|saya setuju|1|true|ok)\b")
_NO = re.compile(r"^(?:tidak|tdk|no|n|tak|enggan|0|false)\b|\btidak (?:bersedia|setuju)\b")
_TEST_WORD = re.compile(r"\b(?:tes|test|testing|tester|coba|cobacoba|percobaan|uji ?coba|dummy)\b")


@dataclass(frozen=True)
class Screen:
    """Rows (by position in the frame) a screening step flags, and why (catalogue messages)."""

    positions: np.ndarray
    reasons: tuple[Join, ...]

    @property
    def reasons_en(self) -> tuple[str, ...]:
        """Why, in English."""
        return tuple(r.text("en") for r in self.reasons)

    @property
    def reasons_id(self) -> tuple[str, ...]:
        """Why, in Indonesian."""
        return tuple(r.text("id") for r in self.reasons)


def consent_column(frame: pd.DataFrame, names: Mapping[str, str] | None = None) -> str | None:
    """The consent question: a Kobo field ``persetujuan``/``consent``, or a header that asks for
    consent ("Persetujuan", "Apakah Bapak/Ibu bersedia …") whose answers are yes/no words.

    >>> df = pd.DataFrame({"Apakah Anda bersedia mengisi?": ["Ya, saya bersedia", "Tidak"],
    ...                    "Nama": ["a", "b"]})
    >>> consent_column(df)
    'Apakah Anda bersedia mengisi?'
    """
    names = dict(names or {})
    for header in map(str, frame.columns):
        if names.get(header, header).strip().casefold() in CONSENT_FIELDS:
            return header
    for header in map(str, frame.columns):
        if not _CONSENT_WORDS.search(normalize_text(names.get(header, header))):
            continue
        answers = frame[header].astype(str).map(normalize_text)
        answers = answers[answers != ""]
        yes_no = answers.str.contains(_YES) | answers.str.contains(_NO)
        if len(answers) and yes_no.mean() >= 0.9:
            return header
    return None


def consent_status(values: pd.Series) -> np.ndarray:
    """``"yes"``, ``"no"`` (declined) or ``"blank"`` (unanswered) per submission.

    >>> consent_status(pd.Series(["Ya, saya bersedia", "Tidak bersedia", "", "no", "Setuju"])).tolist()
    ['yes', 'no', 'blank', 'no', 'yes']
    """
    text = values.astype(str).map(normalize_text)
    out = np.full(len(text), "yes", dtype=object)
    out[text.str.contains(_NO).to_numpy()] = "no"
    out[(text == "").to_numpy()] = "blank"
    return out


def test_submissions(
    frame: pd.DataFrame,
    item_headers: Sequence[str],
    text_headers: Iterable[str],
    times: pd.Series,
    start: pd.Timestamp | None,
) -> tuple[Screen, pd.Timestamp | None]:
    """Submissions that look like tests: every item empty, "tes"/"test"/"coba" typed in a name,
    id or group cell, or sent before the first day of data collection (``start``; without it,
    the first one or two submissions when at least ten follow after a pause of three days or
    more). Returns the first day used.
    """
    n = len(frame)
    why: list[list[Message]] = [[] for _ in range(n)]
    if item_headers:
        items = frame[list(item_headers)].astype(str).apply(lambda c: c.str.strip() == "")
        for pos in np.flatnonzero(items.all(axis=1).to_numpy()):
            why[pos].append(Message("screen.all_empty"))
    for header in text_headers:
        text = frame[header].astype(str).map(normalize_text)
        hit = text.str.contains(_TEST_WORD).to_numpy()
        for pos in np.flatnonzero(hit):
            value = str(frame[header].iloc[pos]).strip()
            why[pos].append(Message("screen.test_word", value=value, header=header))
    day = times.dt.normalize()
    if start is None:
        start = _first_day(times)
    if start is not None:
        early = (day < start).to_numpy() & day.notna().to_numpy()
        first = start.strftime("%Y-%m-%d")
        for pos in np.flatnonzero(early):
            why[pos].append(Message("screen.before_start", first=first))
    flagged = np.array([k for k in range(n) if why[k]], dtype=int)
    return Screen(flagged, tuple(Join(tuple(why[k]), "; ") for k in flagged)), start


def _first_day(times: pd.Series) -> pd.Timestamp | None:
    """The first day of collection when one or two early submissions (tests of the form) are
    followed by a pause of at least three days and then at least ten submissions."""
    sent = times.dropna().sort_values()
    if len(sent) < 12:
        return None
    gaps = sent.diff().iloc[1:3].to_numpy()  # after the first and after the second submission
    for k, gap in enumerate(gaps, start=1):
        if gap >= np.timedelta64(3, "D"):
            return pd.Timestamp(sent.iloc[k]).normalize()
    return None


def name_duplicate_key(frame: pd.DataFrame, name: str, school: str | None) -> pd.Series:
    """Name plus school (normalized) for finding repeated submissions when the ids are
    generated: namesakes in different schools stay different people."""
    key = frame[name].astype(str).map(normalize_text)
    if school is not None:
        key = key + "\x1f" + frame[school].map(group_key)
    return key.where(frame[name].astype(str).str.strip() != "", "")


def screen_issue(where: Message, reason: Join) -> Issue:
    """A flagged submission that needs the user's choice."""
    return Issue(where, Message("import.test_row", reason=reason), Message("import.test_row.fix"))


def rows_with_times(rows: Sequence[int], times: Sequence[str]) -> Message:
    """``"7 (2026-11-04 08:12)"`` for messages: spreadsheet rows with their submission time."""
    shown = [
        f"{r} ({t.replace('T', ' ')[:16]})" if t else str(r)
        for r, t in zip(rows, times, strict=True)
    ]
    return rows_text(shown)  # type: ignore[arg-type]


def _time_text(times: pd.Series, index: Iterable[int]) -> list[str]:
    return [
        "" if pd.isna(t) else pd.Timestamp(t).strftime("%Y-%m-%dT%H:%M:%S")
        for t in times.loc[list(index)]
    ]


def select_rows(
    frame: pd.DataFrame,
    roles: Roles,
    item_headers: Sequence[str],
    times: pd.Series,
    *,
    test_rows: str,
    start: pd.Timestamp | None,
    ledger: list[dict[str, Any]],
    notes: list[Message],
) -> tuple[pd.DataFrame, pd.Series, list[Issue]]:
    """Leave out submissions without consent; flag test and blank ones (``test_rows``).

    Every row left out or flagged goes into ``ledger`` (for ``rows.csv``) and ``notes``.
    """
    issues: list[Issue] = []
    keep = np.ones(len(frame), dtype=bool)
    if roles.consent is not None:
        status = consent_status(frame[roles.consent])
        for code, en, id_ in (
            ("no", "without consent", "tanpa persetujuan"),
            ("blank", "with the consent question unanswered", "dengan pertanyaan persetujuan tidak dijawab"),
        ):  # fmt: skip
            pos = np.flatnonzero(status == code)
            if not len(pos):
                continue
            keep[pos] = False
            rows = frame.index.to_numpy()[pos] + 2
            stamps = _time_text(times, frame.index[pos])
            shown = rows_with_times(rows.tolist(), stamps)
            said = "import.no_consent" if code == "no" else "import.consent_blank"
            notes.append(Message(said, n=len(pos), column=roles.consent, rows=shown))
            ledger += [
                {"row": int(r), "waktu_isi": t, "status": "dropped", "decision": f"consent: {code} / persetujuan: {'tidak' if code == 'no' else 'kosong'}",
                 "reason": f"{en} / {id_}: '{roles.consent}'"}
                for r, t in zip(rows, stamps, strict=True)
            ]  # fmt: skip
    texts = [
        h for h in (roles.id, *roles.identifiers, *roles.groups.values(), *roles.keys.values()) if h
    ]
    sub = frame[keep]
    screen, first_day = test_submissions(
        sub, item_headers, dict.fromkeys(texts), times[keep], start
    )
    if len(screen.positions):
        index = sub.index[screen.positions]
        rows = index.to_numpy() + 2
        stamps = _time_text(times, index)
        for r, t, reason in zip(rows, stamps, screen.reasons, strict=True):
            ledger.append({"row": int(r), "waktu_isi": t, "status": "dropped" if test_rows == "drop" else "kept",
                           "reason": f"test or blank? {reason.text('en')} / uji coba atau kosong? {reason.text('id')}",
                           "decision": f"test-rows {test_rows} (--test-rows)"})  # fmt: skip
            if test_rows == "error":
                when = f" ({t.replace('T', ' ')[:16]})" if t else ""
                issues.append(screen_issue(Message("where.row_at", row=int(r), when=when), reason))
        shown = rows_with_times(rows.tolist(), stamps)
        if test_rows == "drop":
            keep[np.flatnonzero(keep)[screen.positions]] = False
            notes.append(Message("import.test_dropped", n=len(rows), rows=shown))
        elif test_rows == "keep":
            notes.append(Message("import.test_kept", n=len(rows), rows=shown))
    del first_day
    return frame[keep], times[keep], issues


def generated_ids(
    frame: pd.DataFrame, roles: Roles
) -> tuple[pd.Series | None, str | None, list[Issue], list[Message]]:
    """With no id column: the key for repeated submissions, its description, issues, notes.

    A name is never the id: when the form holds names but no e-mail, NIP/NUPTK or code, the
    import asks for ``--id-column`` or ``--generate-ids``. With generated ids, repeated
    submissions are found by name and school together, so namesakes in different schools stay
    two teachers.
    """
    names = [h for h in roles.identifiers if is_person_name(h)]
    if names and not roles.generate_ids:
        listed = ", ".join(f"'{h}'" for h in frame.columns if h not in names)[:160]
        issue = Issue(
            Message("where.column", column=names[0]),
            Message("import.names_no_id"),
            Message("import.names_no_id.fix", listed=listed),
        )
        return None, None, [issue], []
    if not names:
        return None, None, [], [Message("import.numbered_rows", column="id_responden")]
    school = roles.groups.get("school")
    key = name_duplicate_key(frame, names[0], school)
    by = names[0] + (f" + {school}" if school else "")
    notes = [Message("import.generated_ids", by=by)]
    name_only = frame[names[0]].astype(str).map(normalize_text)
    same_name = name_only.duplicated(keep=False) & (name_only != "") & ~key.duplicated(keep=False)
    if same_name.any():
        rows = rows_text(frame.index.to_numpy()[same_name.to_numpy()] + 2)
        notes.append(Message("import.namesakes", rows=rows))
    return key, by, [], notes


def name_id_issue(header: str) -> Issue:
    """``--id-column`` names a column of people's names."""
    return Issue(
        Message("where.option", option=f"--id-column '{header}'"),
        Message("import.name_as_id"),
        Message("import.name_as_id.fix"),
    )


def ledger_frame(ledger: list[dict[str, Any]], times: pd.Series) -> pd.DataFrame:
    """``rows.csv`` sorted by row, with each row's submission time when it was read."""
    table = pd.DataFrame(ledger, columns=ROW_COLUMNS)
    if table.empty:
        return table
    known = {
        int(i) + 2: t for i, t in zip(times.index, _time_text(times, times.index), strict=True)
    }
    fill = table["row"].map(known)
    table["waktu_isi"] = table["waktu_isi"].where(table["waktu_isi"].notna(), fill).fillna("")
    for col in ROW_COLUMNS[1:]:  # text columns: empty, not NaN (and no float-column fill)
        table[col] = table[col].astype(object).where(table[col].notna(), "")
    return table.sort_values("row", kind="stable").reset_index(drop=True)
