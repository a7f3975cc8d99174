"""Benchmark: the report's leak scan (:func:`dinamika.privacy.leaks.find_leaks`) at 10k, 40k
and 160k teachers (1k, 4k, 16k with ``--quick``).

Each case builds a report-sized page (one table row per school, 20 teachers a school, plus
the fixed text of a report) and the secrets of that many teachers (name, NIP, e-mail and a
free-text comment each), then times the scan. Peer: the previous scan (every multi-word secret
searched as a substring of the whole page), timed up to 40k teachers (it is quadratic: ×15 time
for ×4 teachers). Target: linear — time per teacher flat across sizes (``ratio`` > 1 where the
peer was timed).
"""

from __future__ import annotations

import html
import re
import time

import numpy as np

from dinamika.privacy.leaks import find_leaks

FIRST = ["Siti", "Budi", "Ani", "Dewi", "Agus", "Rina", "Joko", "Sri", "Eko", "Wati"]
LAST = ["Rahmawati", "Santoso", "Lestari", "Wibowo", "Hidayat", "Kusuma", "Saputra", "Utami"]


def case(n_teachers: int, seed: int = 0) -> tuple[str, set[str]]:
    """A report page and the secrets of ``n_teachers`` teachers."""
    rng = np.random.default_rng(seed)
    secrets: set[str] = set()
    for i in range(n_teachers):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i // 10) % len(LAST)]} {i}"
        secrets.add(name)
        secrets.add(f"19{int(rng.integers(10**15, 10**16))}")
        secrets.add(f"guru{i}@sekolah{i % 97}.sch.id")
        secrets.add(f"Komentar guru nomor {i}: pertemuan KKG perlu lebih teratur")
    rows = "".join(
        f"<tr><td>SD Negeri {s:05d}</td><td>20</td><td>3,{s % 10}</td></tr>"
        for s in range(max(1, n_teachers // 20))
    )
    fixed = "<p>Komitmen kolektif dan saling percaya guru di KKG.</p>" * 200
    return f"<html><body>{fixed}<table>{rows}</table></body></html>", secrets


def _old_scan(text: str, secrets: set[str]) -> list[str]:
    """The previous implementation (substring search per secret), for comparison."""
    folded = html.unescape(text).casefold()
    word = re.compile(r"[\w.@+\-]+")
    words = set(word.findall(folded))
    return [
        s
        for s in sorted(secrets)
        if (s.casefold() in words if word.fullmatch(s.casefold()) else s.casefold() in folded)
    ]


def _time(fn, *args) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def run(quick: bool = False) -> list[dict]:
    rows = []
    sizes = (1_000, 4_000, 16_000) if quick else (10_000, 40_000, 160_000)
    for n in sizes:
        page, secrets = case(n)
        ours = _time(find_leaks, page, secrets)
        peer = _time(_old_scan, page, secrets) if n <= sizes[1] else float("nan")
        rows.append(
            {
                "case": f"leak scan, {n:,} teachers ({len(secrets):,} secrets)",
                "dinamika_s": ours,
                "peer": "previous substring scan",
                "peer_s": peer,
                "ratio": peer / ours if peer == peer else float("nan"),
                "target": "linear",
                "note": f"{1e6 * ours / n:.1f} µs per teacher",
            }
        )
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
