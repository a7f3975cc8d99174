"""Scored-data exports (SPSS, Stata, Excel, CSV, Parquet) and the codebook."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from openpyxl import load_workbook

import dinamika
from dinamika import load_instrument, load_survey
from dinamika.cli import main
from dinamika.errors import SurveyError, UsageError
from dinamika.interop.codebook_export import CODEBOOK_COLUMNS, codebook, write_codebook
from dinamika.interop.export import export_survey
from dinamika.interop.google_forms import import_google_forms
from dinamika.psychometrics.scoring import score

FIX = Path(__file__).parent / "fixtures" / "interop"
KEY = "kunci-rahasia-untuk-tes-0123456789"
REF = "komunitas-guru@1.0.0"
EVIL = ['=HYPERLINK("http://x.invalid","klik")', "+62 SDN", "-SDN 9", "@SUM(A1)", "SDN Serang 3"]


@pytest.fixture(scope="module")
def term(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export") / "2026-2"
    import_google_forms(FIX / "gforms_id.csv", instrument=REF, out=out, duplicates="keep-last")
    data = pd.read_csv(out / "kuesioner.csv", dtype=str, keep_default_na=False)
    data["Asal Sekolah"] = [EVIL[i % len(EVIL)] for i in range(len(data))]
    data.to_csv(out / "kuesioner.csv", index=False)
    return out


def test_sav_round_trip_keeps_labels_and_values(term: Path, tmp_path: Path) -> None:
    result = export_survey(term, tmp_path / "t.sav", key=KEY, factor_scores=False)
    df, meta = pyreadstat.read_sav(str(tmp_path / "t.sav"))
    survey = load_survey(term, key=KEY)
    inst = survey.instrument
    scales = list(inst.scales)
    expected = ["teacher", "school", "kkg", *inst.item_ids, *scales, *[f"{s}_n" for s in scales]]
    assert list(df.columns) == expected
    labels = meta.column_names_to_labels
    for item in inst.items:
        mark = "[terbalik] " if item.reverse else ""  # issue 12: reverse-keyed items marked
        assert labels[item.id] == mark + item.text["id"]
        assert meta.variable_value_labels[item.id] == {
            float(c): t["id"] for c, t in item.response_scale.labels.items()
        }
        np.testing.assert_array_equal(df[item.id].to_numpy(), survey.responses[item.id].to_numpy())
    assert (
        meta.variable_measure["KEP1"] == "ordinal" and meta.variable_measure["teacher"] == "nominal"
    )
    scores = score(survey)
    for scale in inst.scales:
        np.testing.assert_allclose(
            df[scale].to_numpy(), scores[scale].to_numpy(), rtol=0, atol=1e-12
        )
        assert labels[scale].startswith(inst.scale_label(scale, "id"))
    assert df["teacher"].tolist() == survey.responses["teacher"].tolist()
    assert df["teacher"].str.match(r"^p-[0-9a-f]{16}$").all()
    raw = (tmp_path / "t.sav").read_bytes()
    assert b"@guru.sd.belajar.id" not in raw and b"Rahayu" not in raw  # no e-mails, no names
    assert result.data.shape == df.shape


def test_dta_round_trip_in_english(term: Path, tmp_path: Path) -> None:
    export_survey(term, tmp_path / "t.dta", lang="en", key=KEY, factor_scores=False)
    df, meta = pyreadstat.read_dta(str(tmp_path / "t.dta"))
    inst = load_instrument(REF)
    for item in inst.items:
        label = meta.column_names_to_labels[item.id]
        text = ("[reverse-keyed] " if item.reverse else "") + item.text["en"]
        assert label == (text if len(text) <= 80 else text[:79] + "…")  # Stata's 80-character limit
        assert meta.variable_value_labels[item.id] == {
            c: t["en"] for c, t in item.response_scale.labels.items()
        }
    assert len(df) == 30


def test_csv_and_xlsx_neutralize_formulas(term: Path, tmp_path: Path) -> None:
    export_survey(term, tmp_path / "t.csv", key=KEY, factor_scores=False)
    text = (tmp_path / "t.csv").read_text(encoding="utf-8-sig")
    data = pd.read_csv(tmp_path / "t.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert set(data["school"]) == {"'" + e if e[0] in "=+-@" else e for e in EVIL}
    for line in text.splitlines():
        for cell in line.split(","):
            assert not cell.strip('"').startswith(("=", "+", "-", "@"))
    side = pd.read_csv(tmp_path / "t.codebook.csv", encoding="utf-8-sig")
    assert side["variable"].tolist() == list(data.columns)

    export_survey(term, tmp_path / "t.xlsx", key=KEY, factor_scores=False)
    wb = load_workbook(tmp_path / "t.xlsx")
    ws = wb["data"]
    header = [c.value for c in ws[1]]
    col = header.index("school") + 1
    cells = [ws.cell(row=r, column=col) for r in range(2, ws.max_row + 1)]
    assert all(c.data_type == "s" for c in cells)  # text, never a formula
    assert {c.value for c in cells} == {"'" + e if e[0] in "=+-@" else e for e in EVIL}
    assert "variables" in wb.sheetnames
    kep1 = ws.cell(row=2, column=header.index("KEP1") + 1)
    assert kep1.data_type == "n"  # numbers stay numbers


def test_parquet_carries_labels(term: Path, tmp_path: Path) -> None:
    import json

    import pyarrow.parquet as pq

    export_survey(term, tmp_path / "t.parquet", key=KEY, factor_scores=False)
    schema = pq.read_schema(tmp_path / "t.parquet")
    f = schema.field("SP6")
    assert f.metadata[b"label_en"].decode() == load_instrument(REF).item("SP6").text["en"]
    assert json.loads(f.metadata[b"value_labels"])["1"] == "Sangat Tidak Setuju"
    assert json.loads(schema.metadata[b"dinamika"])["instrument"] == REF


def test_raw_identifiers_as_ids_are_refused(term: Path, tmp_path: Path) -> None:
    import shutil

    import yaml

    bad = tmp_path / "bad"
    shutil.copytree(term, bad)
    manifest = yaml.safe_load((bad / "survey.yaml").read_text(encoding="utf-8"))
    manifest["responses"]["identifiers"] = ["Nama Lengkap"]  # the e-mail id is no longer hashed
    (bad / "survey.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SurveyError, match="tampak seperti alamat email") as raised:
        export_survey(bad, tmp_path / "x.csv", key=KEY)
    assert "look like e-mail addresses" in raised.value.text("en")
    assert not (tmp_path / "x.csv").exists()


def test_factor_scores_on_the_bundled_term(tmp_path: Path) -> None:
    # Issue 12: factor scores for every teacher with enough answers (was: ML on the 149 of 309
    # complete rows). WLSMV EBM scores, kept where the scale score exists.
    from dinamika.psychometrics.cfa import cfa_survey

    result = export_survey(None, tmp_path / "ex.sav", key=KEY)
    fs_cols = [c for c in result.data.columns if c.startswith("fs_")]
    survey = load_survey(key=KEY)
    assert fs_cols == [f"fs_{s}" for s in survey.instrument.scales]
    expected = cfa_survey(survey).scores().reindex(survey.responses.index)
    scores = dinamika.score(survey)
    df, meta = pyreadstat.read_sav(str(tmp_path / "ex.sav"))
    for s in survey.instrument.scales:
        want = expected[s].where(scores[s].notna())
        np.testing.assert_allclose(df[f"fs_{s}"].to_numpy(), want.to_numpy(), rtol=1e-8, atol=1e-10)
        # every teacher with a scale score has a factor score
        assert (df[f"fs_{s}"].notna() == scores[s].notna()).all()
    assert df["fs_kepemimpinan"].notna().sum() == len(survey.responses) == 309
    assert (
        "factor score" not in meta.column_names_to_labels["fs_kepemimpinan"]
    )  # labels in Indonesian
    assert "skor faktor" in meta.column_names_to_labels["fs_kepemimpinan"]
    assert any(
        "for every teacher with at least 50% of a scale's items answered" in n for n in result.notes
    )


def test_sav_and_dta_store_likert_items_as_labelled_integers_and_mark_reverse_items(
    tmp_path: Path,
) -> None:
    survey = load_survey(key=KEY)
    inst = survey.instrument
    export_survey(survey, tmp_path / "x.sav", factor_scores=False)
    export_survey(survey, tmp_path / "x.dta", factor_scores=False, lang="en")
    _, sav_meta = pyreadstat.read_sav(str(tmp_path / "x.sav"))
    dta, dta_meta = pyreadstat.read_dta(str(tmp_path / "x.dta"))
    for item in inst.items:
        assert sav_meta.original_variable_types[item.id] == "F1.0"  # not F8.2
        assert dta_meta.readstat_variable_types[item.id] in ("int8", "int16", "int32")
        assert set(sav_meta.variable_value_labels[item.id]) == {1, 2, 3, 4, 5}
        assert dta_meta.variable_value_labels[item.id][5] == "Strongly agree"
        np.testing.assert_array_equal(
            dta[item.id].to_numpy(dtype=float), survey.responses[item.id].to_numpy()
        )
        label_id = sav_meta.column_names_to_labels[item.id]
        label_en = dta_meta.column_names_to_labels[item.id]
        assert label_id.startswith("[terbalik] ") == item.reverse
        assert label_en.startswith("[reverse-keyed] ") == item.reverse
    assert sav_meta.original_variable_types["kepemimpinan_n"] == "F1.0"
    assert sav_meta.original_variable_types["kepemimpinan"] != "F1.0"  # a mean stays a decimal


def test_observation_export_counts_lessons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DINAMIKA_PSEUDONYM_KEY", KEY)
    survey = load_survey(key=KEY)
    assert survey.observations is not None
    result = export_survey(survey, tmp_path / "obs.dta", part="observations")
    lessons = survey.observations["lesson"].nunique()
    assert lessons < len(survey.observations)  # some lessons were rated twice
    text = result.summary("id")
    assert f"{lessons} pelajaran yang diamati ({len(survey.observations)} penilaian oleh" in text
    assert "responden" not in text
    assert (
        main(["export", "--part", "observations", "--out", str(tmp_path / "o.csv"), "--lang", "en"])
        == 0
    )
    assert f"{lessons} observed lessons" in capsys.readouterr().out


def test_small_term_exports_without_factor_scores_and_says_why(term: Path, tmp_path: Path) -> None:
    result = export_survey(term, tmp_path / "t.csv", key=KEY)
    assert not any(c.startswith("fs_") for c in result.data.columns)
    assert any(
        n.startswith("factor scores not included: 30 respondents are too few") for n in result.notes
    )
    assert "skor faktor tidak disertakan" in result.summary("id")


def test_codebook_lists_every_exported_variable(term: Path, tmp_path: Path) -> None:
    result = export_survey(term, tmp_path / "t.csv", key=KEY, factor_scores=False)
    cb = result.codebook
    assert tuple(cb.columns) == CODEBOOK_COLUMNS
    assert cb["variable"].tolist() == list(result.data.columns)
    assert (cb["instrument"] == REF).all()
    full = codebook(REF).set_index("variable")
    assert full.loc["SP6", "reverse"] == True  # noqa: E712
    assert full.loc["SP6", "value_labels_en"].startswith("1 = Strongly disagree; 2 = Disagree")
    html_path = write_codebook(REF, tmp_path / "cb.html", lang="en")
    html = html_path.read_text(encoding="utf-8")
    for item in load_instrument(REF).items:
        assert f'<td class="var">{item.id}</td>' in html
    csv_path = write_codebook("observasi-pembelajaran@1.0.0", tmp_path / "cb.csv")
    obs = pd.read_csv(csv_path, encoding="utf-8-sig")
    assert obs["variable"].tolist()[:3] == ["lesson", "teacher", "observer"]
    assert len(obs) == 24


def test_cli_export(term: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DINAMIKA_PSEUDONYM_KEY", KEY)
    out = tmp_path / "t.sav"
    assert main(["export", str(term), "--out", str(out), "--no-factor-scores"]) == 0
    assert pyreadstat.read_sav(str(out))[0].shape[0] == 30
    assert main(["export", str(term), "--out", str(tmp_path / "t.txt")]) == 2
    assert (
        main(["instrument", "export", REF, "--to", "codebook", "--out", str(tmp_path / "c.csv")])
        == 0
    )
    assert (
        main(["instrument", "export", REF, "--to", "codebook", "--out", str(tmp_path / "c.txt")])
        == 2
    )


def test_observations_export_with_rubric_labels(
    term: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DINAMIKA_PSEUDONYM_KEY", KEY)
    out = tmp_path / "obs.sav"
    assert main(["export", "--part", "observations", "--out", str(out), "--lang", "en"]) == 0
    df, meta = pyreadstat.read_sav(str(out))
    survey = load_survey(key=KEY)
    rubric = survey.observation_instrument
    assert rubric is not None and survey.observations is not None
    assert list(df.columns) == ["lesson", "teacher", "observer", *rubric.item_ids]
    assert len(df) == len(survey.observations)
    assert meta.variable_value_labels["PP1"] == {
        float(c): t["en"] for c, t in rubric.item("PP1").response_scale.labels.items()
    }
    assert meta.column_names_to_labels["PP1"] == rubric.item("PP1").text["en"]
    np.testing.assert_array_equal(df["PM4"].to_numpy(), survey.observations["PM4"].to_numpy())
    with pytest.raises(UsageError, match="has no observations"):
        export_survey(term, tmp_path / "x.csv", part="observations", lang="en")
    with pytest.raises(UsageError, match="tidak berisi data pengamatan"):
        export_survey(term, tmp_path / "x.csv", part="observations")  # Indonesian by default
    with pytest.raises(UsageError, match=r"harus berakhiran \.csv"):
        export_survey(term, tmp_path / "x.txt")
    with pytest.raises(UsageError, match="`part` harus salah satu dari") as raised:
        export_survey(term, tmp_path / "x.csv", part="interviews")
    assert "`part` must be one of" in raised.value.text("en")


def test_failed_cfa_says_why_without_warnings_on_stderr(
    term: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    import importlib
    import warnings

    cfa_module = importlib.import_module("dinamika.psychometrics.cfa")

    def broken(*args: object, **kwargs: object) -> None:
        warnings.warn("invalid value encountered in sqrt", RuntimeWarning, stacklevel=1)
        raise ValueError("math domain error")

    monkeypatch.setattr(cfa_module, "cfa_survey", broken)
    monkeypatch.setattr("dinamika.interop.export.MIN_PER_ITEM", 0)  # reach the CFA on 30 rows
    result = export_survey(term, tmp_path / "t.csv", key=KEY)
    assert not any(c.startswith("fs_") for c in result.data.columns)
    note = result.summary("id")
    assert "ValueError: math domain error" in note and "--no-factor-scores" in note
    assert "RuntimeWarning" not in capfd.readouterr().err


def test_interview_guide_codebook_lists_every_theme_and_stance(tmp_path: Path) -> None:
    inst = load_instrument("panduan-wawancara@1.0.0")
    cb = codebook(inst)
    assert tuple(cb.columns) == CODEBOOK_COLUMNS
    themes = cb[cb["role"] == "theme_code"]
    assert themes["variable"].tolist() == list(inst.codebook)
    assert themes["scale"].tolist() == [t["construct"] for t in inst.codebook.values()]
    stance = cb.set_index("variable").loc["stance"]
    assert stance["codes"] == ", ".join(inst.stances)
    assert main(["instrument", "export", "panduan-wawancara", "--to", "codebook",
                 "--out", str(tmp_path / "k.html"), "--lang", "en"]) == 0  # fmt: skip
    page = (tmp_path / "k.html").read_text(encoding="utf-8")
    assert "T_KEP_ORGANISASI" in page and "Organizing meetings and agendas" in page


def test_small_schools_in_a_respondent_level_file_are_pointed_out(
    term: Path, tmp_path: Path
) -> None:
    import shutil

    folder = tmp_path / "kecil"
    shutil.copytree(term, folder)
    data = pd.read_csv(folder / "kuesioner.csv", dtype=str, keep_default_na=False)
    data.loc[0, "Asal Sekolah"] = "SDN Sendiri"  # one teacher alone in a school
    data.to_csv(folder / "kuesioner.csv", index=False)
    result = export_survey(folder, tmp_path / "k.csv", key=KEY, factor_scores=False)
    sizes = result.data["school"].value_counts()
    small = int((sizes < 5).sum())
    assert small >= 1
    assert f"{small} of {len(sizes)} groups in 'school' have fewer than 5" in result.summary("en")
    assert "bagikan berkas ini hanya di dalam tim peneliti" in result.summary("id")
    assert result.data["school"].tolist().count("SDN Sendiri") == 1  # reported, not altered
