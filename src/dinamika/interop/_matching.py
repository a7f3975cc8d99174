"""Matching spreadsheet headers to instrument items: exact, then normalized, then fuzzy.

A header matches an item when it equals the item's text (Indonesian or English) or its id;
failing that, when it does so after normalization (form numbering such as ``"1. "`` removed,
Google Forms grid headers ``"Question [row]"`` reduced to the row, Kobo label headers
``"Group/Question"`` to the question, case, accents, punctuation and spacing ignored); failing that, when :class:`difflib.SequenceMatcher` finds it similar
(ratio ≥ ``threshold``) to exactly one item, clearly more similar than to any other. Anything
else is not guessed: headers in the grey zone (similar to some item, but not enough or not to
one item only) are reported with their nearest candidates.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from dinamika.data.instruments import Instrument

__all__ = ["HeaderMatch", "match_headers", "normalize_text"]

#: Default similarity needed for a fuzzy match, and the margin over the runner-up item.
THRESHOLD = 0.85
MARGIN = 0.05
#: Below this similarity to every item, a header is taken to be some other question.
FLOOR = 0.6

_GRID = re.compile(r"^(?P<title>.*?)\s*\[(?P<row>[^\[\]]+)\]\s*$")
_NUMBERING = re.compile(
    r"^\s*(?:\(?\d{1,3}[.)]|\d{1,3}\s*[-–:]|[a-z][.)]|[A-Z]{1,5}_?\d{1,3}\s*[.):\-–]?)\s+",
)
_PUNCT = re.compile(r"[^\w\s]")
_SPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Lower-case, accent-free, punctuation-free, single-spaced form of a header or item text.

    >>> normalize_text("  1. Koordinator  (KKG/MGMP) mengatur—pertemuan. ")
    'koordinator kkg mgmp mengatur pertemuan'
    """
    text = str(text).replace("\u00a0", " ")
    grid = _GRID.match(text)
    if grid:
        text = grid["row"]
    text = _NUMBERING.sub("", text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _PUNCT.sub(" ", text.casefold())
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class HeaderMatch:
    """How one header was read.

    ``status`` is ``matched`` (``item`` set; ``method`` exact, normalized, fuzzy or manual),
    ``ambiguous`` (similar to several items, or several headers claim one item), ``unmatched``
    (similar to an item but below the threshold), ``other`` (not a question of this
    instrument) or ``ignored`` (the user said so). ``candidates`` are the nearest items with
    their similarity, best first.
    """

    header: str
    status: str
    item: str | None = None
    method: str = ""
    similarity: float | None = None
    candidates: tuple[tuple[str, float], ...] = field(default=())

    def nearest(self, k: int = 3) -> str:
        """``"KEP2 (0.81), KEP3 (0.64)"``."""
        return ", ".join(f"{i} ({s:.2f})" for i, s in self.candidates[:k])


def _targets(instrument: Instrument) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in instrument.items:
        out[item.id] = [normalize_text(t) for t in item.text.values()] + [item.id.casefold()]
    return out


def _similarities(norm: str, targets: Mapping[str, list[str]]) -> list[tuple[str, float]]:
    sm = difflib.SequenceMatcher(autojunk=False)
    sm.set_seq2(norm)
    scores = []
    for item_id, texts in targets.items():  # a few dozen items
        best = 0.0
        for text in texts:
            sm.set_seq1(text)
            if sm.real_quick_ratio() > best and sm.quick_ratio() > best:
                best = max(best, sm.ratio())
        scores.append((item_id, round(best, 4)))
    return sorted(scores, key=lambda x: -x[1])


def match_headers(
    headers: Sequence[str],
    instrument: Instrument,
    *,
    manual: Mapping[str, str] | None = None,
    threshold: float = THRESHOLD,
) -> list[HeaderMatch]:
    """Read every header as an item of ``instrument`` (or not).

    Parameters
    ----------
    headers : sequence of str
        Headers still to classify (roles such as timestamp, e-mail, school already removed).
    manual : mapping, optional
        Header → item id, or ``""`` to ignore the header; wins over every rule.
    threshold : float
        Similarity (0–1) a fuzzy match needs.

    Examples
    --------
    >>> from dinamika import load_instrument
    >>> inst = load_instrument("komunitas-guru@1.0.0")
    >>> text = inst.item("SP3").text["id"]
    >>> [(m.item, m.method) for m in match_headers([f"3. {text} ", "SP4", "Usia"], inst)]
    [('SP3', 'normalized'), ('SP4', 'exact'), (None, '')]
    """
    manual = dict(manual or {})
    exact: dict[str, str] = {}
    for item in instrument.items:
        exact[item.id] = item.id
        for t in item.text.values():
            exact[t.strip()] = item.id
    targets = _targets(instrument)
    normalized = {text: item_id for item_id, texts in targets.items() for text in texts}

    out: list[HeaderMatch] = []
    for header in headers:
        key = header.strip()
        if key in manual:
            target = manual[key]
            out.append(
                HeaderMatch(header, "matched", target, "manual")
                if target
                else HeaderMatch(header, "ignored", method="manual")
            )
            continue
        if key in exact:
            out.append(HeaderMatch(header, "matched", exact[key], "exact", 1.0))
            continue
        norm = normalize_text(key)
        if norm in normalized:
            out.append(HeaderMatch(header, "matched", normalized[norm], "normalized", 1.0))
            continue
        parts = key.split("/")  # Kobo label headers with their group: "Bagian 1/Koordinator ..."
        tails = (normalize_text("/".join(parts[i:])) for i in range(1, len(parts)))
        tail = next((t for t in tails if t in normalized), None)
        if tail is not None:
            out.append(HeaderMatch(header, "matched", normalized[tail], "normalized", 1.0))
            continue
        scores = _similarities(norm, targets)
        (best_id, best), (_, second) = scores[0], scores[1] if len(scores) > 1 else ("", 0.0)
        cands = tuple(scores[:3])
        if best >= threshold and best - second >= MARGIN:
            out.append(HeaderMatch(header, "matched", best_id, "fuzzy", best, cands))
        elif best >= threshold:
            out.append(HeaderMatch(header, "ambiguous", None, "fuzzy", best, cands))
        elif best >= FLOOR:
            out.append(HeaderMatch(header, "unmatched", None, "fuzzy", best, cands))
        else:
            out.append(HeaderMatch(header, "other", None, "", best, cands))
    # One item, one header: several headers claiming the same item are all ambiguous.
    claims: dict[str, list[int]] = {}
    for i, m in enumerate(out):
        if m.status == "matched" and m.item is not None:
            claims.setdefault(m.item, []).append(i)
    for positions in claims.values():
        if len(positions) > 1:
            for i in positions:
                m = out[i]
                out[i] = HeaderMatch(
                    m.header,
                    "ambiguous",
                    None,
                    "duplicate",
                    m.similarity,
                    m.candidates or ((str(m.item), 1.0),),
                )
    return out
