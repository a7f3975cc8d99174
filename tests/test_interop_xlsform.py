"""XLSForm export: pyxform converts it, ODK Validate accepts it, item ids and choices round-trip."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyxform.xls2xform import convert

from dinamika import load_instrument
from dinamika.cli import main
from dinamika.errors import UsageError
from dinamika.interop.xlsform_export import group_names, write_xlsform, xlsform

NS = {"x": "http://www.w3.org/2002/xforms", "h": "http://www.w3.org/1999/xhtml"}
LANGS = ("Indonesian (id)", "English (en)")


def _xform(path: Path) -> tuple[ET.Element, list[str]]:
    warnings: list[str] = []
    result = convert(str(path), warnings=warnings)
    return ET.fromstring(result.xform), warnings


def _itext(root: ET.Element) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for tr in root.iter(f"{{{NS['x']}}}translation"):
        out[tr.attrib["lang"]] = {
            t.attrib["id"]: "".join(t.find("x:value", NS).itertext())  # type: ignore[union-attr]
            for t in tr.findall("x:text", NS)
        }
    return out


def _choices(root: ET.Element, list_name: str) -> list[tuple[str, str]]:
    inst = next(i for i in root.iter(f"{{{NS['x']}}}instance") if i.attrib.get("id") == list_name)
    return [
        (
            item.findtext("x:name", namespaces=NS) or "",
            item.findtext("x:itextId", namespaces=NS) or "",
        )
        for item in inst.iter(f"{{{NS['x']}}}item")
    ]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_questionnaire_xlsform_round_trips_through_pyxform(tmp_path: Path, lang: str) -> None:
    inst = load_instrument("komunitas-guru@1.0.0")
    path = write_xlsform(inst, tmp_path / "form.xlsx", lang=lang)
    sheets = pd.read_excel(path, sheet_name=None, dtype=str)
    assert list(sheets) == ["survey", "choices", "settings"]
    assert {f"label::{lang_}" for lang_ in LANGS} <= set(sheets["survey"].columns)
    assert sheets["settings"].loc[0, "version"] == "1.0.0"
    root, warnings = _xform(path)
    assert warnings == []
    primary = root.find(".//x:model/x:instance/*", NS)
    assert primary is not None
    assert primary.attrib == {"id": "komunitas_guru", "version": "1.0.0"}
    # every item is a select_one on the setuju5 list, inside its scale's group
    selects = {
        s.attrib["ref"].rsplit("/", 1)[-1]: s
        for s in root.iter(f"{{{NS['x']}}}select1")
        if s.attrib["ref"].rsplit("/", 1)[-1] in inst.item_ids
    }
    assert list(selects) == list(inst.item_ids)
    assert selects["KEP1"].attrib["ref"] == "/data/grp_kep/KEP1"
    for s in selects.values():
        assert s.find("x:itemset", NS).attrib["nodeset"] == "instance('setuju5')/root/item"  # type: ignore[union-attr]
    itext = _itext(root)
    assert set(itext) == set(LANGS)
    scale = inst.item("KEP1").response_scale
    for name, text_id in _choices(root, "setuju5"):
        code = int(name)
        assert itext["Indonesian (id)"][text_id] == scale.labels[code]["id"]
        assert itext["English (en)"][text_id] == scale.labels[code]["en"]
    assert [int(n) for n, _ in _choices(root, "setuju5")] == [1, 2, 3, 4, 5]
    groups = group_names(inst)
    for item in inst.items:
        ref = f"/data/{groups[item.scale]}/{item.id}:label"
        assert itext["Indonesian (id)"][ref] == item.text["id"]
        assert itext["English (en)"][ref] == item.text["en"]
    # scale names are never shown to respondents
    shown = " ".join(itext["Indonesian (id)"].values()) + " ".join(itext["English (en)"].values())
    for scale_id in inst.scales:
        assert inst.scale_label(scale_id, "id") not in shown
        assert inst.scale_label(scale_id, "en") not in shown


def test_observation_rubric_xlsform_carries_anchors(tmp_path: Path) -> None:
    inst = load_instrument("observasi-pembelajaran@1.0.0")
    path = write_xlsform(inst, tmp_path / "rubric.xlsx")
    root, warnings = _xform(path)
    assert warnings == []
    itext = _itext(root)
    names = [s.attrib["ref"].rsplit("/", 1)[-1] for s in root.iter(f"{{{NS['x']}}}select1")]
    assert [n for n in names if n in inst.item_ids] == list(inst.item_ids)
    for item in inst.items:
        pairs = _choices(root, f"rubrik_{item.id.lower()}")
        assert [int(n) for n, _ in pairs] == [1, 2, 3, 4]
        for name, text_id in pairs:
            assert item.anchors is not None
            assert itext["English (en)"][text_id].endswith(item.anchors[int(name)]["en"])
    fields = [b.attrib["nodeset"] for b in root.iter(f"{{{NS['x']}}}bind")]
    for f in ("id_pelajaran", "id_guru", "id_pengamat"):
        assert f"/data/grp_pelajaran/{f}" in fields


@pytest.mark.skipif(
    shutil.which("java") is None,
    reason="ODK Validate needs Java (Debian: default-jre-headless); not installed",
)
def test_odk_validate_accepts_both_forms(tmp_path: Path) -> None:
    for ref in ("komunitas-guru@1.0.0", "observasi-pembelajaran@1.0.0"):
        path = write_xlsform(ref, tmp_path / f"{ref}.xlsx")
        warnings: list[str] = []
        convert(str(path), warnings=warnings, validate=True)  # raises ODKValidateError if invalid
        assert warnings == []


def test_interview_guide_has_no_xlsform_and_bad_suffix_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="panduan wawancara") as raised:
        xlsform("panduan-wawancara@1.0.0")
    assert "interview guide" in raised.value.text("en")
    with pytest.raises(UsageError, match=r"\.xlsx"):
        write_xlsform("komunitas-guru@1.0.0", tmp_path / "form.csv")


def test_cli_instrument_export_xlsform(tmp_path: Path) -> None:
    out = tmp_path / "kg.xlsx"
    assert (
        main(["instrument", "export", "komunitas-guru@1.0.0", "--to", "xlsform", "--out", str(out)])
        == 0
    )
    root, _ = _xform(out)
    assert root.find(".//h:title", NS).text == "Kuesioner Dinamika Komunitas Guru"  # type: ignore[union-attr]
    assert (
        main(["instrument", "export", "panduan-wawancara", "--to", "xlsform", "--out", str(out)])
        == 2
    )


def test_a_kobo_export_of_the_xlsform_imports_back(tmp_path: Path) -> None:
    """Field paths of the exported form (groups included) are what import_kobo reads."""
    from dinamika import load_survey
    from dinamika.interop import import_kobo

    inst = load_instrument("komunitas-guru@1.0.0")
    survey = xlsform(inst)["survey"]
    path: list[str] = []
    headers: list[str] = []
    for kind, name in zip(survey["type"], survey["name"], strict=True):
        if kind == "begin_group":
            path.append(name)
        elif kind == "end_group":
            path.pop()
        elif kind not in ("note",):
            headers.append("/".join([*path, name]))
    assert "grp_kep/KEP1" in headers and "grp_responden/sekolah" in headers
    n = 8
    rng = np.random.default_rng(1)
    rows = []
    for i in range(n):
        row = {h: "" for h in headers}
        row.update(
            {"start": "2026-11-27T08:00:00.000+07:00", "end": "2026-11-27T08:10:00.000+07:00"}
        )
        row.update({"persetujuan": "ya", "grp_responden/id_guru": f"G{i:03d}"})
        row.update(
            {
                "grp_responden/sekolah": "SDN 1",
                "grp_responden/kkg": "Gugus 1",
                "grp_responden/kabupaten": "Serang",
            }
        )
        for item_id in inst.item_ids:
            group = next(h for h in headers if h.endswith(f"/{item_id}"))
            row[group] = str(rng.integers(1, 6))
        row.update({"_uuid": f"uuid-{i}", "_submission_time": f"2026-11-27T01:{i:02d}:00"})
        rows.append(row)
    src = tmp_path / "kobo.csv"
    pd.DataFrame(rows).to_csv(src, index=False, sep=";")
    result = import_kobo(src, instrument=inst.ref, out=tmp_path / "term")
    spec = result.manifest["responses"]
    assert spec["id"] == "id_guru"
    assert spec["groups"] == {"school": "sekolah", "kkg": "kkg", "district": "kabupaten"}
    assert set(result.mapping.loc[result.mapping["role"] == "item", "method"]) == {"exact"}
    s = load_survey(tmp_path / "term", key="0123456789abcdef0123")
    assert len(s.responses) == n and s.responses[list(inst.item_ids)].notna().all().all()
