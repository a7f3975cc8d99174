"""A small term folder written by the tests themselves, optionally with planted secrets.

The planted identifiers and free-text answers (with HTML and ``<script>``) must never reach a
report; :data:`PLANTED` lists every string a report must not contain.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from dinamika.data.instruments import load_instrument

#: Strings planted in the fixture's raw files that no output may contain.
PLANTED = (
    "Siti Rahmawati",
    "Budi Santoso",
    "198503122010012003",  # NIP
    "3603124501850002",  # NIK
    "siti.rahma@example.org",
    "0812-3456-7890",
    "+62 812 9876 5432",
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "Kepala sekolah kami tidak pernah hadir",
    "RAHASIA-GURU",
)

_MANIFEST = """\
schema: dinamika-survey/1
term: {term}
title: {{id: "Semester uji {term}", en: "Test term {term}"}}
synthetic: true
population: {{teachers: {population}}}
responses:
  file: kuesioner.csv
  instrument: komunitas-guru@1.0.0
  id: id_guru
  groups: {{school: sekolah, kkg: kkg, district: kabupaten}}
  identifiers: [nama, nip]
observations:
  file: observasi.csv
  instrument: observasi-pembelajaran@1.0.0
  lesson: id_pelajaran
  teacher: id_guru
  observer: id_pengamat
interviews:
  file: wawancara.csv
  instrument: panduan-wawancara@1.0.0
  teacher: id_guru
  theme: kode_tema
  stance: sikap
"""


def make_term(
    folder: Path,
    *,
    term: str = "uji-2025-2",
    n_schools: int = 10,
    per_school: int = 14,
    small_school: int = 3,
    seed: int = 7,
    plant: bool = False,
) -> Path:
    """Write a valid term folder with a known structure; returns the folder.

    One extra school has only ``small_school`` teachers (a cell the report must suppress).
    With ``plant=True`` identifiers, e-mail, phone numbers and free-text answers holding HTML
    and script are written into extra columns (and into the names of identifiers).
    """
    rng = np.random.default_rng(seed)
    inst = load_instrument("komunitas-guru@1.0.0")
    obs = load_instrument("observasi-pembelajaran@1.0.0")
    sizes = [per_school] * n_schools + [small_school]
    school = np.repeat([f"SD Negeri {i + 1:02d}" for i in range(len(sizes))], sizes)
    n = len(school)
    kkg_of = {s: f"KKG Gugus {(i % 3) + 1}" for i, s in enumerate(dict.fromkeys(school))}
    teacher = np.array([f"G{i + 1:04d}" for i in range(n)])
    theta = rng.normal(size=(n, 1)) + rng.normal(scale=0.5, size=(n, 4))
    cols: dict[str, object] = {
        "id_guru": teacher,
        "nama": [f"Guru Nomor {i}" for i in range(n)],
        "nip": [f"19{rng.integers(10**15, 10**16)}" for _ in range(n)],
        "sekolah": school,
        "kkg": [kkg_of[s] for s in school],
        "kabupaten": "Kabupaten Uji",
    }
    for j, (_scale, items) in enumerate(inst.scales.items()):
        for item_id in items:
            latent = theta[:, j] * (-1 if inst.item(item_id).reverse else 1)
            x = np.clip(np.round(3.4 + 0.9 * latent + rng.normal(scale=0.7, size=n)), 1, 5)
            x[rng.random(n) < 0.03] = np.nan
            cols[item_id] = x
    frame = pd.DataFrame(cols)
    for item_id in inst.item_ids:
        frame[item_id] = frame[item_id].map(lambda v: "" if np.isnan(v) else str(int(v)))
    if plant:
        frame.loc[0, "nama"] = PLANTED[0]
        frame.loc[1, "nama"] = PLANTED[1]
        frame.loc[0, "nip"] = PLANTED[2]
        frame["nik"] = ""
        frame.loc[0, "nik"] = PLANTED[3]
        frame["email"] = ""
        frame.loc[0, "email"] = PLANTED[4]
        frame["no_hp"] = ""
        frame.loc[0, "no_hp"] = PLANTED[5]
        frame.loc[1, "no_hp"] = PLANTED[6]
        frame["komentar"] = ""
        frame.loc[0, "komentar"] = PLANTED[7]
        frame.loc[1, "komentar"] = PLANTED[8]
        frame.loc[2, "komentar"] = PLANTED[9]
        frame.loc[3, "komentar"] = PLANTED[10]
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_csv(folder / "kuesioner.csv", index=False)

    # two observers per lesson for the first 60% of teachers
    observed = teacher[: int(0.6 * n)]
    rows = []
    quality = theta[: len(observed)].mean(axis=1)
    for k, t in enumerate(observed):
        base = 2.6 + 0.5 * quality[k]
        true = np.clip(base + rng.normal(scale=0.4, size=len(obs.item_ids)), 1, 4)
        for o in ("P01", "P02") if k % 2 == 0 else ("P03", "P04"):
            r = np.clip(np.round(true + rng.normal(scale=0.35, size=true.size)), 1, 4)
            rows.append(
                {
                    "id_pelajaran": f"L{k + 1:04d}",
                    "id_guru": t,
                    "id_pengamat": o,
                    **{i: int(v) for i, v in zip(obs.item_ids, r, strict=True)},
                }
            )
    observations = pd.DataFrame(rows)
    if plant:
        observations["catatan"] = ""
        observations.loc[0, "catatan"] = PLANTED[7]
    observations.to_csv(folder / "observasi.csv", index=False)

    themes = ["T_KEP_ORGANISASI", "T_SP_BERBAGI", "T_KK_TUJUAN", "T_DS_WAKTU"]
    stances = ["positif", "negatif", "campuran"]
    interviewed = teacher[:: max(1, n // 24)]
    irows = [
        {"id_guru": t, "kode_tema": th, "sikap": stances[int(rng.integers(0, 3))]}
        for t in interviewed
        for th in themes
        if rng.random() < 0.7
    ]
    interviews = pd.DataFrame(irows)
    if plant:
        interviews["kutipan"] = PLANTED[9]
    interviews.to_csv(folder / "wawancara.csv", index=False)
    manifest = _MANIFEST.format(term=term, population=n + 20)
    if plant:
        manifest = manifest.replace(
            "[nama, nip]", f"[nama, nip, nik, email, no_hp]  # {PLANTED[10]}"
        )
    (folder / "survey.yaml").write_text(manifest, encoding="utf-8")
    return folder
