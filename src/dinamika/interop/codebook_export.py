"""The codebook of the scored dataset: every variable, its labels in both languages, its codes.

One row per variable of what :func:`dinamika.interop.export_survey` writes: the respondent id,
the group columns, the items (scale, reverse key, response codes and labels), the scale scores
with the number of items answered, and factor scores when present; each row names the
instrument version.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from dinamika import __version__
from dinamika.data.files import atomic_write
from dinamika.data.instruments import Instrument, load_instrument
from dinamika.errors import UsageError
from dinamika.i18n import check_lang, t
from dinamika.i18n.messages import Message
from dinamika.interop._templates import template

__all__ = ["CODEBOOK_COLUMNS", "codebook", "value_labels", "write_codebook"]

#: Columns of :func:`codebook`, in order (a contract: renaming one is a breaking change).
CODEBOOK_COLUMNS = (
    "variable", "role", "label_id", "label_en", "scale", "reverse", "type", "codes",
    "value_labels_id", "value_labels_en", "instrument",
)  # fmt: skip

_GROUP_LABELS = {
    "teacher": ("Kode responden (tersamar bila berupa data pribadi)", "Respondent code (pseudonymized when it is an identifier)"),
    "school": ("Sekolah", "School"),
    "kkg": ("KKG/MGMP (komunitas guru)", "KKG/MGMP (teacher community)"),
    "district": ("Kabupaten/Kota", "District/City"),
    "level": ("Jenjang", "School level"),
}  # fmt: skip
GROUP_COLUMNS = ("school", "kkg", "district", "level")
_OBSERVATION_IDS = (
    ("lesson", "Kode pelajaran yang diamati", "Code of the observed lesson"),
    ("teacher", "Kode guru yang diamati", "Code of the observed teacher"),
    ("observer", "Kode pengamat", "Observer code"),
)


def value_labels(inst: Instrument, item_id: str, lang: str) -> dict[int, str]:
    """Code → label of one item in ``lang``.

    >>> value_labels(load_instrument("komunitas-guru@1.0.0"), "KEP1", "en")[5]
    'Strongly agree'
    """
    rs = inst.item(item_id).response_scale
    return {c: rs.labels[c][lang] for c in range(rs.min, rs.max + 1)}


def _labels_text(labels: dict[int, str]) -> str:
    return "; ".join(f"{c} = {t}" for c, t in labels.items())


def codebook(
    instrument: str | Instrument,
    *,
    groups: Sequence[str] = GROUP_COLUMNS,
    scores: bool = True,
    factor_scores: Sequence[str] = (),
    min_answered: float = 0.5,
) -> pd.DataFrame:
    """Codebook of the scored dataset of a questionnaire (or of the ratings of a rubric, or of
    the coded themes of an interview guide: ``teacher``, ``theme``, ``stance`` and one
    ``theme_code`` row per theme).

    Parameters
    ----------
    instrument : str or Instrument
    groups : sequence of str
        Group columns present (``school``, ``kkg``, ``district``, ``level``).
    scores : bool
        Include the scale scores ``<scale>`` and the counts ``<scale>_n``.
    factor_scores : sequence of str
        Scales with a factor-score column ``fs_<scale>``.
    min_answered : float
        The minimum-answered rule of the scores, stated in their labels.

    Returns
    -------
    DataFrame
        Columns :data:`CODEBOOK_COLUMNS`.

    Examples
    --------
    >>> cb = codebook("komunitas-guru@1.0.0")
    >>> cb.set_index("variable").loc["KEP6", ["role", "scale", "reverse", "codes"]].tolist()
    ['item', 'kepemimpinan', True, '1-5']
    >>> cb["role"].value_counts().to_dict()
    {'item': 24, 'group': 4, 'scale_score': 4, 'n_answered': 4, 'id': 1}
    """
    inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    if inst.kind == "interview":
        return _interview_codebook(inst)
    ref = inst.ref
    rows: list[dict[str, object]] = []

    def add(variable: str, role: str, label_id: str, label_en: str, **kw: object) -> None:
        rows.append({"variable": variable, "role": role, "label_id": label_id, "label_en": label_en, "instrument": ref, **kw})  # fmt: skip

    if inst.kind == "observation":
        for var, lid, len_ in _OBSERVATION_IDS:
            add(var, "id", lid, len_, type="string")
        groups, scores = (), False
    else:
        add("teacher", "id", *_GROUP_LABELS["teacher"], type="string")
    for g in groups:
        if g not in _GROUP_LABELS:
            raise UsageError(f"unknown group {g!r}; groups are {', '.join(GROUP_COLUMNS)}")
        add(g, "group", *_GROUP_LABELS[g], type="string")
    for item in inst.items:
        rs = item.response_scale
        add(
            item.id, "item", item.text["id"], item.text["en"], scale=item.scale,
            reverse=item.reverse, type="integer", codes=f"{rs.min}-{rs.max}",
            value_labels_id=_labels_text(value_labels(inst, item.id, "id")),
            value_labels_en=_labels_text(value_labels(inst, item.id, "en")),
        )  # fmt: skip
    pct = f"{min_answered:.0%}"
    if scores:
        for scale, members in inst.scales.items():
            lid, len_ = inst.scale_label(scale, "id"), inst.scale_label(scale, "en")
            add(
                scale, "scale_score",
                f"{lid}: skor rata-rata {len(members)} butir (butir terbalik dibalik; kosong bila < {pct} butir dijawab)",
                f"{len_}: mean of {len(members)} items (reverse-keyed items recoded; empty when < {pct} answered)",
                scale=scale, type="number",
            )  # fmt: skip
            add(
                f"{scale}_n", "n_answered", f"{lid}: jumlah butir dijawab",
                f"{len_}: number of items answered", scale=scale, type="integer",
                codes=f"0-{len(members)}",
            )  # fmt: skip
    for scale in factor_scores:
        lid, len_ = inst.scale_label(scale, "id"), inst.scale_label(scale, "en")
        add(
            f"fs_{scale}", "factor_score", f"{lid}: skor faktor (CFA WLSMV, EBM)",
            f"{len_}: factor score (CFA WLSMV, EBM)", scale=scale, type="number",
        )  # fmt: skip
    return pd.DataFrame(rows).reindex(columns=list(CODEBOOK_COLUMNS))


def _interview_codebook(inst: Instrument) -> pd.DataFrame:
    """The coded-interview table (``teacher``, ``theme``, ``stance``), then one row per theme
    code: its construct (in ``scale``), label and what coders look for.

    >>> cb = codebook("panduan-wawancara@1.0.0")
    >>> cb["variable"].tolist()[:3], cb.loc[3, ["role", "scale"]].tolist()
    (['teacher', 'theme', 'stance'], ['theme_code', 'kepemimpinan'])
    """
    ref = inst.ref
    themes = inst.codebook
    stances = inst.stances

    def listing(entries: dict[str, str]) -> str:
        return "; ".join(f"{k} = {v}" for k, v in entries.items())

    rows: list[dict[str, object]] = [
        {"variable": "teacher", "role": "id", "label_id": "Kode guru yang diwawancarai",
         "label_en": "Code of the interviewed teacher", "type": "string"},
        {"variable": "theme", "role": "theme", "label_id": "Kode tema (lihat baris theme_code)",
         "label_en": "Theme code (see the theme_code rows)", "type": "string",
         "codes": ", ".join(themes)},
        {"variable": "stance", "role": "stance", "label_id": "Sikap terhadap tema",
         "label_en": "Stance towards the theme", "type": "string", "codes": ", ".join(stances),
         "value_labels_id": listing({k: v["id"] for k, v in stances.items()}),
         "value_labels_en": listing({k: v["en"] for k, v in stances.items()})},
    ]  # fmt: skip
    for theme_id, theme in themes.items():
        rows.append(
            {
                "variable": theme_id,
                "role": "theme_code",
                "label_id": f"{theme['label']['id']}: {theme['description']['id'].strip()}",
                "label_en": f"{theme['label']['en']}: {theme['description']['en'].strip()}",
                "scale": theme["construct"],
                "type": "code",
            }
        )
    for row in rows:
        row["instrument"] = ref
    return pd.DataFrame(rows).reindex(columns=list(CODEBOOK_COLUMNS))


def codebook_html(frame: pd.DataFrame, inst: Instrument, *, lang: str = "id") -> str:
    """The codebook as one self-contained HTML page."""
    check_lang(lang)
    rows = frame.astype(object).where(frame.notna(), "").to_dict("records")
    return template("codebook.html.j2").render(
        lang=lang, rows=rows, title=inst.title(lang), ref=inst.ref, version=__version__,
        licence=inst.raw.get("licence", ""), citation=inst.raw.get("citation", ""),
        source_citation=t("citation_source", lang),
    )  # fmt: skip


def write_codebook(
    instrument: str | Instrument,
    out: str | Path,
    *,
    lang: str = "id",
    frame: pd.DataFrame | None = None,
) -> Path:
    """Write the codebook as ``.csv`` (UTF-8 with BOM, opens in Excel) or ``.html``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = tempfile.TemporaryDirectory()
    >>> d = pathlib.Path(tmp.name)
    >>> out = write_codebook("komunitas-guru", d / "kode.csv")
    >>> pd.read_csv(out, encoding="utf-8-sig").shape
    (37, 11)
    """
    inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    table = codebook(inst) if frame is None else frame
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix == ".csv":
        from dinamika.interop._safe import neutralize

        safe = neutralize(table)
        return atomic_write(out, lambda tmp: safe.to_csv(tmp, index=False, encoding="utf-8-sig"))
    if suffix in (".html", ".htm"):
        html = codebook_html(table, inst, lang=lang)
        return atomic_write(out, lambda tmp: _write_text(tmp, html))
    raise UsageError(Message("codebook.suffix", suffix=out.suffix or "—"), lang=lang)


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
