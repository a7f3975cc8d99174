"""Checks of an export before import; each problem names the header or row and the fix."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from dinamika.data.instruments import Instrument, ResponseScale
from dinamika.data.likert import classify_answers, label_map, normalize_label
from dinamika.i18n.messages import Message
from dinamika.interop._issues import Issue, rows_text
from dinamika.interop._matching import HeaderMatch, normalize_text

__all__ = [
    "agreeing_labels",
    "answer_issues",
    "check_manual",
    "find_duplicates",
    "header_issue",
    "lost_digits_issue",
    "missing_item_issues",
]


def lost_digits_issue(ids: pd.Series, header: str) -> Issue | None:
    """An id column of 17-18 digit numbers (NIP) that went through a spreadsheet number.

    Numbers above 2**53 keep only about 16 significant digits as spreadsheet numbers, so NIPs
    typed into a number cell lose their last digits and two teachers may share one. Such values
    are all exactly representable as float64, which genuine NIPs are only by chance (1 in 32
    each), so three or more of them all representable means the digits were lost.

    >>> nips = pd.Series(["198003132020011008", "198808122014011008", "197511232010012032"])
    >>> lost_digits_issue(nips, "NIP").what.text("en").startswith("the ids look like NIP")
    True
    >>> lost_digits_issue(pd.Series(["198003132020011001", "198808122014011002",
    ...                              "197511232010012003"]), "NIP") is None
    True
    """
    text = ids.astype(str).str.strip()
    big = text[text.str.fullmatch(r"\d{17,19}")]
    big = big[[int(v) > 2**53 for v in big]]
    if len(big) < 3 or not all(int(float(v)) == int(v) for v in big):
        return None
    example = big.iloc[0]
    return Issue(
        Message("where.column", column=header),
        Message("import.lost_digits", example=example),
        Message("import.lost_digits.fix"),
    )


def header_issue(m: HeaderMatch, instrument: Instrument) -> Issue:
    header = m.header.strip()
    where = Message("where.header", header=header)
    near = m.nearest() or "-"
    best = m.candidates[0][0] if m.candidates else "ITEM"
    ref = instrument.ref
    if m.method == "duplicate":
        item = m.candidates[0][0]
        return Issue(
            where,
            Message("import.header_duplicate", item=item),
            Message("import.header_duplicate.fix", header=header, item=item),
        )
    if m.status == "ambiguous":
        return Issue(
            where,
            Message("import.header_ambiguous", instrument=ref, near=near),
            Message("import.header_ambiguous.fix", header=header),
        )
    return Issue(
        where,
        Message("import.header_unsure", instrument=ref, near=near),
        Message("import.header_unsure.fix", header=header, best=best),
    )


def check_manual(
    manual: Mapping[str, str], headers: Sequence[str], inst: Instrument
) -> list[Issue]:
    issues = []
    stripped = {h.strip() for h in headers}
    for header, item in manual.items():
        if header not in stripped:
            close = ", ".join(
                f"'{h}'" for h in sorted(stripped, key=lambda h: -_ratio(h, header))[:3]
            )
            issues.append(
                Issue(
                    Message("where.option", option=f"--map/--ignore '{header}'"),
                    Message("import.no_such_header", header=header, close=close),
                    Message("import.no_such_header.fix"),
                )
            )
        if item and item not in inst.item_ids:
            issues.append(
                Issue(
                    Message("where.option", option=f"--map '{header}={item}'"),
                    Message("import.no_such_item", instrument=inst.ref, item=item),
                    Message("import.no_such_item.fix", allowed=", ".join(inst.item_ids)),
                )
            )
    return issues


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, normalize_text(a), normalize_text(b)).ratio()


def _closest_code(value: str, scale: ResponseScale) -> int:
    """The code whose label reads most like ``value`` (for an example in a message only)."""
    names = {normalize_label(t): c for c, texts in scale.labels.items() for t in texts.values()}
    close = difflib.get_close_matches(normalize_label(value), list(names), n=1, cutoff=0)
    return names[close[0]] if close else scale.max


def answer_issues(
    frame: pd.DataFrame, by_item: Mapping[str, str], inst: Instrument, labels: Mapping[str, int]
) -> list[Issue]:
    issues = []
    for item_id, header in by_item.items():
        item = inst.item(item_id)
        _, status = classify_answers(frame[header], item.response_scale, labels)
        bad = np.flatnonzero(status != "")
        if not len(bad):
            continue
        scale = item.response_scale
        allowed = " / ".join(
            f"{c} {scale.labels[c]['id']}" for c in range(scale.min, scale.max + 1)
        )
        values = frame[header].to_numpy(dtype=object)[bad]
        for value in pd.unique(values):  # distinct bad answers: a handful
            rows = frame.index.to_numpy()[bad[values == value]] + 2  # spreadsheet rows
            v = str(value).strip()
            guess = _closest_code(v, scale)
            issues.append(
                Issue(
                    Message(
                        "where.header_rows",
                        header=header.strip(),
                        item=item_id,
                        rows=rows_text(rows),
                    ),
                    Message("import.bad_answer", value=v, allowed=allowed),
                    Message("import.bad_answer.fix", value=v, guess=guess),
                )
            )
    return issues


def find_duplicates(
    ids: pd.Series, times: pd.Series, policy: str, id_header: str, *, ratings: bool = False
) -> tuple[np.ndarray, pd.DataFrame, list[Issue]]:
    """Rows to keep, a table of the repeated submissions, and issues (policy ``error``).

    ``ids.index`` holds the rows' positions in the export (spreadsheet row = index + 2);
    ``ratings``: the ids are lesson and observer (lesson observations), not respondents.
    """
    sheet_rows = ids.index.to_numpy() + 2
    key = ids.astype(str).str.strip().str.casefold()
    n = len(key)
    order = pd.DataFrame({"key": key.to_numpy(), "time": times.to_numpy(), "pos": np.arange(n)})
    dup_mask = key.duplicated(keep=False).to_numpy() & (key != "").to_numpy()
    if not dup_mask.any():
        return np.ones(n, bool), pd.DataFrame(columns=["row", "kept", "kept_row"]), []
    # last/first submission by time when every time was read, else by row order
    sort_cols = ["key", "time", "pos"] if not order["time"].isna().any() else ["key", "pos"]
    ranked = order.sort_values(sort_cols, kind="stable")
    keep_last = policy != "keep-first"
    chosen = ranked.groupby("key", sort=False)["pos"].transform("last" if keep_last else "first")
    chosen_pos = (
        pd.Series(chosen.to_numpy(), index=ranked["pos"].to_numpy()).sort_index().to_numpy()
    )
    keep = (chosen_pos == np.arange(n)) | (key == "").to_numpy()
    table = pd.DataFrame(
        {
            "row": sheet_rows[dup_mask],
            "kept": keep[dup_mask],
            "kept_row": sheet_rows[chosen_pos[dup_mask]],
        }
    )
    issues = []
    if policy == "error":
        for _, grp in table.groupby("kept_row"):
            who = "import.same_rating" if ratings else "import.same_respondent"
            issues.append(
                Issue(
                    Message("where.rows", rows=rows_text(grp["row"])),
                    Message(who, column=id_header, n=len(grp)),
                    Message("import.same_respondent.fix"),
                )
            )
    return keep, table, issues


def missing_item_issues(
    missing: Sequence[str], matches: Sequence[HeaderMatch], inst: Instrument
) -> list[Issue]:
    issues = []
    for item_id in missing:
        near = sorted(
            ((m.header.strip(), s) for m in matches for i, s in m.candidates if i == item_id),
            key=lambda x: -x[1],
        )[:2]
        near_text = "; ".join(f"'{h}' ({s:.2f})" for h, s in near) or "-"
        text = inst.item(item_id).text["id"]
        issues.append(
            Issue(
                Message("where.item", item=item_id),
                Message("import.missing_item", text=text, near=near_text),
                Message("import.missing_item.fix", item=item_id, instrument=inst.ref),
            )
        )
    return issues


_CODE_FIRST = re.compile(r"^\s*(\d{1,2})\s*[-–—.:)=]\s*(.+?)\s*$")
_CODE_LAST = re.compile(r"^\s*(.+?)\s*(?:[\(\[]\s*(\d{1,2})\s*[\)\]]|[-–—:=]\s*(\d{1,2}))\s*$")


def agreeing_labels(
    frame: pd.DataFrame, by_item: Mapping[str, str], inst: Instrument, labels: Mapping[str, int]
) -> dict[str, int]:
    """Answers that carry both a code and a label that agree, e.g. ``5 - Sangat Setuju``.

    Forms often show ``1 (Sangat Tidak Setuju)``-style options; such an answer is read as its
    code only when the number and the label name the same code (nothing is guessed).

    >>> from dinamika import load_instrument
    >>> inst = load_instrument("komunitas-guru@1.0.0")
    >>> df = pd.DataFrame({"q": ["5 - Sangat Setuju", "Setuju (4)", "4 - Netral", "Netral"]})
    >>> agreeing_labels(df, {"KEP1": "q"}, inst, {})
    {'5 - Sangat Setuju': 5, 'Setuju (4)': 4}
    """
    found: dict[str, int] = {}
    for item_id, header in by_item.items():
        scale = inst.item(item_id).response_scale
        known = label_map(scale, labels)
        for value in pd.unique(frame[header].to_numpy(dtype=object)):  # a handful per column
            text = str(value).strip()
            if normalize_label(text) in known or text in found:
                continue
            m1, m2 = _CODE_FIRST.match(text), _CODE_LAST.match(text)
            if m1:
                code, label = int(m1[1]), m1[2]
            elif m2:
                code, label = int(m2[2] or m2[3]), m2[1]
            else:
                continue
            if known.get(normalize_label(label)) == code and scale.min <= code <= scale.max:
                found[text] = code
    return found
