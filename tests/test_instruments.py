"""The three released instruments: schema, content rules, lock, diff."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from dinamika import InstrumentError, diff_instruments, list_instruments, load_instrument
from dinamika.data.resources import instruments_dir, schema_path
from dinamika.data.versions import check_lock, update_lock

RELEASED = [
    (inst_id, version) for inst_id, versions in list_instruments().items() for version in versions
]


def test_the_three_instruments_are_released() -> None:
    assert set(list_instruments()) == {
        "komunitas-guru",
        "observasi-pembelajaran",
        "panduan-wawancara",
    }


@pytest.mark.parametrize(("inst_id", "version"), RELEASED)
def test_every_released_file_follows_the_schema(inst_id: str, version: str) -> None:
    schema = json.loads(schema_path("instrument").read_text(encoding="utf-8"))
    raw = yaml.safe_load(
        (instruments_dir() / inst_id / f"{version}.yaml").read_text(encoding="utf-8")
    )
    raw["released"] = str(raw["released"])
    jsonschema.Draft202012Validator(schema).validate(raw)
    inst = load_instrument(f"{inst_id}@{version}")
    assert inst.raw["licence"] and inst.raw["citation"]
    assert (instruments_dir() / inst_id / "CHANGELOG.md").is_file()
    assert f"## {version}" in (instruments_dir() / inst_id / "CHANGELOG.md").read_text(
        encoding="utf-8"
    )


def test_questionnaire_scales_and_reverse_keys() -> None:
    inst = load_instrument("komunitas-guru@1.0.0")
    assert list(inst.scales) == [
        "kepemimpinan",
        "saling_percaya",
        "komitmen_kolektif",
        "dukungan_sekolah",
    ]
    for scale, items in inst.scales.items():
        assert 5 <= len(items) <= 7, scale
        assert any(inst.item(i).reverse for i in items), f"{scale} needs a reverse-keyed item"
    for item in inst.items:
        assert (item.min, item.max) == (1, 5)
        assert item.text["id"] != item.text["en"]
    labels = inst.items[0].response_scale.labels
    assert labels[1]["id"] == "Sangat Tidak Setuju" and labels[5]["id"] == "Sangat Setuju"


def test_observation_rubric_is_table_1() -> None:
    inst = load_instrument("observasi-pembelajaran@1.0.0")
    assert {k: len(v) for k, v in inst.scales.items()} == {
        "persiapan": 3,
        "pengelolaan_kelas": 4,
        "interaksi": 4,
        "metode": 3,
        "penguasaan_materi": 4,
        "evaluasi": 3,
    }
    for item in inst.items:
        assert (item.min, item.max) == (1, 4)
        assert item.anchors is not None and set(item.anchors) == {1, 2, 3, 4}
        assert all(a["id"] and a["en"] for a in item.anchors.values())


def test_interview_guide_has_questions_and_a_codebook() -> None:
    inst = load_instrument("panduan-wawancara")
    assert 8 <= len(inst.questions) <= 12
    constructs = {t["construct"] for t in inst.codebook.values()}
    assert {
        "kepemimpinan",
        "saling_percaya",
        "komitmen_kolektif",
        "dukungan_sekolah",
        "tantangan",
    } <= constructs
    assert set(inst.stances) == {"positif", "negatif", "campuran"}


def test_item_ids_are_unique_across_instruments() -> None:
    ids = [
        i
        for ref in ("komunitas-guru", "observasi-pembelajaran")
        for i in load_instrument(ref).item_ids
    ]
    assert len(ids) == len(set(ids))


def test_released_files_match_the_lock() -> None:
    assert check_lock() == []


def test_lock_catches_a_changed_release(tmp_path: Path) -> None:
    root = tmp_path / "instruments"
    shutil.copytree(instruments_dir(), root)
    path = root / "komunitas-guru" / "1.0.0.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Sangat Setuju", "Sangat  Setuju", 1),
        encoding="utf-8",
    )
    (problem,) = check_lock(root)
    assert problem.startswith("komunitas-guru/1.0.0.yaml: changed after release")
    assert problem.text("id").startswith("komunitas-guru/1.0.0.yaml: berubah setelah dirilis")
    with pytest.raises(InstrumentError, match="rilis versi baru") as raised:
        update_lock(root)
    assert "release a new version" in raised.value.text("en")


def _new_version(tmp_path: Path, edit) -> Path:
    raw = yaml.safe_load(
        (instruments_dir() / "komunitas-guru" / "1.0.0.yaml").read_text(encoding="utf-8")
    )
    raw["released"] = "2026-01-01"
    edit(raw)
    folder = tmp_path / "komunitas-guru"
    folder.mkdir(exist_ok=True)
    path = folder / f"{raw['version']}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_diff_reports_each_kind_of_change(tmp_path: Path) -> None:
    def edit(raw):
        raw["version"] = "2.0.0"
        items = raw["items"]
        items[0]["text"]["id"] = items[0]["text"]["id"] + " (diubah)"  # reworded
        items[1]["text"]["en"] = items[1]["text"]["en"] + " (edited)"  # translation
        items[2]["reverse"] = True  # re-keyed
        items[3]["scale"] = "saling_percaya"  # moved
        raw["items"] = [i for i in items if i["id"] != "DS5"]  # removed
        raw["items"].append({**items[4], "id": "DS7"})  # added

    d = diff_instruments("komunitas-guru@1.0.0", _new_version(tmp_path, edit))
    kinds = dict(
        zip(d.changes["item"] + ":" + d.changes["change"], d.changes["change"], strict=True)
    )
    assert set(kinds) == {
        "KEP1:reworded",
        "KEP2:translation",
        "KEP3:rekeyed",
        "KEP4:moved",
        "DS5:removed",
        "DS7:added",
    }
    assert d.required_bump == "major" and not d.comparable
    assert "NOT comparable" in d.summary("en")


def test_wording_change_alone_is_minor_and_comparable(tmp_path: Path) -> None:
    def edit(raw):
        raw["version"] = "1.1.0"
        raw["items"][0]["text"]["id"] += " (diubah)"

    d = diff_instruments("komunitas-guru@1.0.0", _new_version(tmp_path, edit))
    assert d.required_bump == "minor" and d.comparable
    assert "skor tetap dapat dibandingkan" in d.summary("id")


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("tidak-ada", "unknown instrument 'tidak-ada'"),
        ("komunitas-guru@3.0.0", "has no version '3.0.0'"),
        ("/tmp/does-not-exist.yaml", "does not exist"),
    ],
)
def test_bad_references_give_clear_errors(ref: str, message: str) -> None:
    with pytest.raises(InstrumentError, match=message):
        load_instrument(ref)


def test_a_file_breaking_the_schema_is_refused(tmp_path: Path) -> None:
    path = _new_version(tmp_path, lambda raw: raw["items"][0].pop("text"))
    with pytest.raises(InstrumentError, match="tidak mengikuti skema instrumen di items/0") as raised:
        load_instrument(path)
    assert "does not follow the instrument schema at items/0" in raised.value.text("en")
