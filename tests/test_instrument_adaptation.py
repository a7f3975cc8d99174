"""Instruments students and districts can adapt (issue 12, item 7): a new item, the diff with
its text and per-scale comparability, the declared version checked, file paths on the command
line, Indonesian-only local adaptations, and a broken file that does not break the list."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest
import yaml

from dinamika import InstrumentError, diff_instruments, load_instrument
from dinamika.cli import main
from dinamika.data import instruments as instruments_mod
from dinamika.data.adaptation import LocalAdaptationWarning
from dinamika.data.resources import instruments_dir
from dinamika.data.versions import check_lock, update_lock

NEW_ITEM = {
    "id": "KEP7", "scale": "kepemimpinan", "response_scale": "setuju5", "reverse": False,
    "text": {"id": "Koordinator membagi peran dalam pertemuan secara bergiliran.",
             "en": "The coordinator rotates roles in meetings."},
}  # fmt: skip


def _adapted(folder: Path, version: str, *, previous: bool = True, listed: bool = True) -> Path:
    raw = yaml.safe_load((instruments_dir() / "komunitas-guru" / "1.0.0.yaml").read_text("utf-8"))
    raw["version"], raw["released"] = version, "2026-03-01"
    if previous:
        raw["previous"] = "1.0.0"
    if listed:
        raw["changes"] = [{"kind": "added", "item": "KEP7", "description": {
            "id": "Butir baru tentang pembagian peran.", "en": "New item on sharing roles."}}]  # fmt: skip
    raw["items"].insert(6, dict(NEW_ITEM))
    path = folder / "komunitas-guru" / f"{version}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_new_item_under_a_minor_bump_is_refused_with_the_right_version(tmp_path: Path) -> None:
    d = diff_instruments("komunitas-guru@1.0.0", _adapted(tmp_path, "1.1.0"))
    assert d.required_bump == "major" and d.declared_bump == "minor" and not d.ok
    assert "release it as 2.0.0" in d.problems[0]
    text = d.summary("id")
    assert "“Koordinator membagi peran dalam pertemuan secara bergiliran.”" in text  # the text
    assert "rilis sebagai 2.0.0" in text


def test_a_student_adds_an_item_and_releases_a_valid_major_version(tmp_path: Path) -> None:
    new = _adapted(tmp_path, "2.0.0")
    d = diff_instruments("komunitas-guru@1.0.0", new)
    assert d.ok, d.problems
    assert d.changes[["item", "scale", "change"]].values.tolist() == [
        ["KEP7", "kepemimpinan", "added"]
    ]
    assert d.changes.loc[0, "new"] == NEW_ITEM["text"]["id"]
    # per scale: only kepemimpinan changed; the other three stay comparable
    per = d.scales.set_index("scale")["comparable"].to_dict()
    assert per == {"kepemimpinan": False, "saling_percaya": True, "komitmen_kolektif": True, "dukungan_sekolah": True}  # fmt: skip
    en = d.summary("en")
    assert "Scores are NOT comparable for: kepemimpinan." in en
    assert "Scores stay comparable for: saling_percaya, komitmen_kolektif, dukungan_sekolah." in en
    # released in a copy of the instruments folder: locked, loadable, listed
    root = tmp_path / "instruments"
    shutil.copytree(instruments_dir(), root)
    shutil.copy(new, root / "komunitas-guru" / "2.0.0.yaml")
    assert update_lock(root) == ["komunitas-guru/2.0.0.yaml"]
    assert check_lock(root) == []
    inst = load_instrument(root / "komunitas-guru" / "2.0.0.yaml")
    assert len(inst.scales["kepemimpinan"]) == 7 and inst.raw["previous"] == "1.0.0"


def test_previous_and_changes_are_checked(tmp_path: Path) -> None:
    d = diff_instruments(
        "komunitas-guru@1.0.0", _adapted(tmp_path, "2.0.0", previous=False, listed=False)
    )
    assert any('add previous: "1.0.0"' in p for p in d.problems)
    assert any("changes: lists no entry for KEP7" in p for p in d.problems)


def test_cli_diff_accepts_file_paths_and_exits_1_on_a_wrong_version(tmp_path: Path, capsys) -> None:
    good = _adapted(tmp_path / "a", "2.0.0")
    bad = _adapted(tmp_path / "b", "1.1.0")
    assert main(["instrument", "diff", "komunitas-guru@1.0.0", str(good), "--lang", "id"]) == 0
    out = capsys.readouterr().out
    assert "ditambah    KEP7" in out and "Skor TIDAK dapat dibandingkan untuk: kepemimpinan." in out
    assert (
        main(
            [
                "instrument",
                "diff",
                str(instruments_dir() / "komunitas-guru" / "1.0.0.yaml"),
                str(bad),
            ]
        )
        == 1
    )
    assert "MASALAH: versi 1.1.0 adalah kenaikan minor" in capsys.readouterr().out


def test_indonesian_only_local_adaptation_loads_with_a_warning(tmp_path: Path) -> None:
    path = _adapted(tmp_path, "2.0.0")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["languages"] = ["id"]
    for item in raw["items"]:
        item["text"].pop("en")
    raw["title"].pop("en")
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.warns(LocalAdaptationWarning, match="Indonesian only"):
        inst = load_instrument(path)
    assert inst.title("en") == inst.title("id")
    assert inst.item("KEP7").text["en"] == NEW_ITEM["text"]["id"]
    # a file that says it has English must have it
    raw["languages"] = ["id", "en"]
    other = tmp_path / "x" / "komunitas-guru" / "2.0.0.yaml"
    other.parent.mkdir(parents=True)
    other.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with warnings.catch_warnings(), pytest.raises(InstrumentError, match="have no English"):
        warnings.simplefilter("error")
        load_instrument(other)


def test_one_invalid_instrument_file_does_not_break_the_list(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    root = tmp_path / "instruments"
    shutil.copytree(instruments_dir(), root)
    broken = root / "komunitas-guru" / "2.0.0.yaml"
    broken.write_text(
        "schema: dinamika-instrument/1\nid: komunitas-guru\nversion: 2.0.0\n", encoding="utf-8"
    )
    monkeypatch.setattr(instruments_mod, "instruments_dir", lambda: root)
    instruments_mod._load_path.cache_clear()
    try:
        code = main(["instrument", "list", "--lang", "id"])
    finally:
        instruments_mod._load_path.cache_clear()
    out = capsys.readouterr().out
    assert code == 1
    assert "komunitas-guru" in out and "TIDAK VALID" in out
    assert "observasi-pembelajaran" in out and "panduan-wawancara" in out  # the others still listed
