"""Every word a report shows, in Bahasa Indonesia (default) and English.

Headings, sentences, table columns and axis labels all come from here, so a report in one
language never shows a word of the other. Numbers follow the language too: ``3,25`` and
``1.234`` in Indonesian, ``3.25`` and ``1,234`` in English.
"""

from __future__ import annotations

import math
import string
from collections.abc import Iterable, Mapping

import pandas as pd

from dinamika.errors import UsageError

__all__ = [
    "COLUMNS",
    "LANGS",
    "TEXT",
    "check_lang",
    "column_label",
    "fmt_int",
    "fmt_num",
    "fmt_pct",
    "t",
    "translate_columns",
]

LANGS = ("id", "en")

_T = dict[str, dict[str, str]]

#: Sentences, headings and labels; ``{name}`` fields are filled by :func:`t`.
TEXT: _T = {
    # --- report titles and fixed notes ---------------------------------------------------------
    "term_report": {"id": "Laporan Semester", "en": "Term Report"},
    "trend_report": {"id": "Laporan Tren Antarsemester", "en": "Term-over-Term Trend Report"},
    "subtitle": {
        "id": "Dinamika komunitas guru dan kualitas pembelajaran · semester {term}",
        "en": "Teacher-community dynamics and teaching quality · term {term}",
    },
    "trend_subtitle": {
        "id": "Dinamika komunitas guru · semester {terms}",
        "en": "Teacher-community dynamics · terms {terms}",
    },
    "synthetic": {
        "id": "Catatan: data ini adalah contoh sintetis, bukan data guru yang sebenarnya.",
        "en": "Note: these are synthetic example data, not real teachers' data.",
    },
    "privacy_note": {
        "id": (
            "Perlindungan privasi: kelompok dengan kurang dari {min_cell} responden tidak "
            "ditampilkan (—), begitu pula kelompok pelengkap yang dapat membuka nilainya dari "
            "total. Nama, NIP, kontak dan jawaban teks bebas tidak pernah dimuat dalam laporan."
        ),
        "en": (
            "Privacy: groups with fewer than {min_cell} respondents are not shown (—), nor are "
            "the complementary groups that would reveal them from the totals. Names, NIP, "
            "contacts and free-text answers never appear in the report."
        ),
    },
    "not_available": {
        "id": "Bagian ini belum tersedia: analisis {what} belum ada di versi dinamika ini.",
        "en": "This section is not available: the {what} analysis does not exist in this version of dinamika.",
    },
    "no_data": {
        "id": "Bagian ini dilewati: semester ini tidak memiliki data {what}.",
        "en": "This section is skipped: this term has no {what} data.",
    },
    "failed": {
        "id": "Bagian ini tidak dapat dihitung untuk data ini: {reason}",
        "en": "This section could not be computed for these data: {reason}",
    },
    "suppressed_mark": {"id": "—", "en": "—"},
    "yes": {"id": "ya", "en": "yes"},
    "no": {"id": "tidak", "en": "no"},
    # --- section headings ---------------------------------------------------------------------
    "sec_glance": {"id": "1. Gambaran semester", "en": "1. The term at a glance"},
    "sec_instrument": {"id": "2. Instrumen", "en": "2. Instruments"},
    "sec_items": {"id": "3. Sebaran jawaban per butir", "en": "3. Item response distributions"},
    "sec_reliability": {"id": "4. Reliabilitas skala", "en": "4. Scale reliability"},
    "sec_factors": {"id": "5. Struktur faktor", "en": "5. Factor structure"},
    "sec_scores": {
        "id": "6. Skor skala per sekolah dan KKG",
        "en": "6. Scale scores by school and KKG",
    },
    "sec_quality": {
        "id": "7. Kualitas pembelajaran yang diamati",
        "en": "7. Observed teaching quality",
    },
    "sec_link": {
        "id": "8. Hubungan dinamika komunitas dengan kualitas pembelajaran",
        "en": "8. Community dynamics and teaching quality",
    },
    "sec_triangulation": {"id": "9. Triangulasi", "en": "9. Triangulation"},
    "sec_provenance": {"id": "Lampiran: asal-usul laporan", "en": "Appendix: provenance"},
    "sec_trend_terms": {"id": "1. Semester yang dibandingkan", "en": "1. Terms compared"},
    "sec_invariance": {
        "id": "2. Uji invariansi pengukuran",
        "en": "2. Measurement invariance",
    },
    "sec_trend_means": {
        "id": "3. Rata-rata skala dan perubahannya",
        "en": "3. Scale means and their change",
    },
    "sec_trend_groups": {
        "id": "4. Perubahan per sekolah dan KKG",
        "en": "4. Change by school and KKG",
    },
    # --- what an analysis is called (fills {what}) --------------------------------------------
    "what_reliability": {"id": "reliabilitas", "en": "reliability"},
    "what_cfa": {
        "id": "analisis faktor konfirmatori (CFA)",
        "en": "confirmatory factor analysis (CFA)",
    },
    "what_scores": {"id": "penskoran skala", "en": "scale scoring"},
    "what_group_agreement": {"id": "kesepakatan dalam kelompok", "en": "within-group agreement"},
    "what_observation": {"id": "observasi pembelajaran", "en": "lesson observation"},
    "what_rater": {"id": "kesepakatan pengamat", "en": "observer agreement"},
    "what_relate": {
        "id": "hubungan (korelasi dan model multilevel)",
        "en": "relation (correlation and multilevel model)",
    },
    "what_triangulation": {"id": "triangulasi", "en": "triangulation"},
    "what_interview": {"id": "wawancara", "en": "interview"},
    "what_invariance": {"id": "invariansi pengukuran", "en": "measurement invariance"},
    # --- glance -------------------------------------------------------------------------------
    "respondents": {"id": "Responden (guru)", "en": "Respondents (teachers)"},
    "schools": {"id": "Sekolah", "en": "Schools"},
    "kkgs": {"id": "KKG/MGMP", "en": "KKG/MGMP groups"},
    "districts": {"id": "Kabupaten/kota", "en": "Districts"},
    "lessons": {"id": "Pelajaran yang diamati", "en": "Lessons observed"},
    "observers": {"id": "Pengamat", "en": "Observers"},
    "interviewed": {"id": "Guru yang diwawancarai", "en": "Teachers interviewed"},
    "response_rate": {"id": "Tingkat respons", "en": "Response rate"},
    "response_rate_unknown": {"id": "tidak diketahui", "en": "not known"},
    "warnings": {"id": "Peringatan validasi", "en": "Validation warnings"},
    "glance_reading": {
        "id": (
            "Semester ini {n} guru dari {schools} sekolah mengisi kuesioner{rate}. "
            "{lessons} pelajaran diamati dan {interviewed} guru diwawancarai."
        ),
        "en": (
            "This term {n} teachers from {schools} schools answered the questionnaire{rate}. "
            "{lessons} lessons were observed and {interviewed} teachers were interviewed."
        ),
    },
    "rate_clause": {"id": " (tingkat respons {rate})", "en": " (response rate {rate})"},
    "no_warnings": {
        "id": "Data lolos validasi tanpa peringatan.",
        "en": "The data passed validation without warnings.",
    },
    "warnings_reading": {
        "id": "Data lolos validasi dengan {n} peringatan (rincian: `dinamika validate`).",
        "en": "The data passed validation with {n} warning(s) (details: `dinamika validate`).",
    },
    "warning_kind": {"id": "Jenis peringatan", "en": "Kind of warning"},
    # --- instruments --------------------------------------------------------------------------
    "instrument_reading": {
        "id": "Kuesioner: {title} (versi {version}). Rubrik observasi: {obs}.",
        "en": "Questionnaire: {title} (version {version}). Observation rubric: {obs}.",
    },
    "none": {"id": "tidak ada", "en": "none"},
    # --- items --------------------------------------------------------------------------------
    "items_reading": {
        "id": (
            "Setiap batang menunjukkan persentase jawaban; jawaban netral berada di tengah, "
            "tidak setuju di kiri dan setuju di kanan. Batang abu-abu di kanan adalah jawaban "
            "kosong. Butir bertanda (R) dirumuskan terbalik: setuju berarti nilai rendah."
        ),
        "en": (
            "Each bar shows the share of answers; neutral answers sit in the centre, "
            "disagreement to the left and agreement to the right. The grey bar on the right is "
            "missing answers. Items marked (R) are reverse-keyed: agreeing means a low score."
        ),
    },
    "share_axis": {"id": "Persentase jawaban (%)", "en": "Share of answers (%)"},
    "missing": {"id": "Kosong", "en": "Missing"},
    "reverse_mark": {"id": "(R)", "en": "(R)"},
    "item_text": {"id": "Teks butir", "en": "Item text"},
    "too_few_for_items": {
        "id": "Sebaran butir tidak ditampilkan: kurang dari {min_cell} responden.",
        "en": "Item distributions are not shown: fewer than {min_cell} respondents.",
    },
    # --- reliability / factors ----------------------------------------------------------------
    "reliability_reading": {
        "id": (
            "Alfa Cronbach dan omega McDonald ≥ 0,70 biasanya dianggap memadai untuk "
            "perbandingan kelompok. Butir yang ditandai menurunkan reliabilitas skalanya."
        ),
        "en": (
            "Cronbach's alpha and McDonald's omega ≥ 0.70 are usually taken as adequate for "
            "comparing groups. Flagged items lower the reliability of their scale."
        ),
    },
    "reliability_low": {
        "id": "Skala dengan reliabilitas di bawah 0,70: {scales}.",
        "en": "Scales with reliability below 0.70: {scales}.",
    },
    "reliability_ok": {
        "id": "Semua skala memiliki omega dan alfa setidaknya 0,70.",
        "en": "Every scale has omega and alpha of at least 0.70.",
    },
    "flagged_items": {"id": "Butir yang ditandai: {items}.", "en": "Flagged items: {items}."},
    "fit_reading": {
        "id": (
            "Model empat faktor {verdict} (CFI {cfi}, TLI {tli}, RMSEA {rmsea}, SRMR {srmr}; "
            "patokan umum: CFI/TLI ≥ 0,95, RMSEA ≤ 0,06, SRMR ≤ 0,08)."
        ),
        "en": (
            "The four-factor model {verdict} (CFI {cfi}, TLI {tli}, RMSEA {rmsea}, SRMR {srmr}; "
            "usual cut-offs: CFI/TLI ≥ 0.95, RMSEA ≤ 0.06, SRMR ≤ 0.08)."
        ),
    },
    "fit_good": {"id": "sesuai dengan data", "en": "fits the data well"},
    "fit_fair": {"id": "cukup sesuai dengan data", "en": "fits the data acceptably"},
    "fit_poor": {"id": "kurang sesuai dengan data", "en": "does not fit the data well"},
    "loadings_title": {"id": "Muatan faktor terstandar", "en": "Standardized factor loadings"},
    "fit_title": {"id": "Indeks kecocokan model", "en": "Model fit indices"},
    "diagnostics": {"id": "Diagnostik: {text}", "en": "Diagnostics: {text}"},
    "diag_not_converged": {
        "id": "estimasi tidak konvergen; hasil hanya sebagai gambaran",
        "en": "the estimation did not converge; treat the results as indicative only",
    },
    "diag_heywood": {
        "id": "kasus Heywood (varians galat negatif atau muatan > 1) pada {items}",
        "en": "Heywood case (negative error variance or loading > 1) at {items}",
    },
    "diag_npd": {
        "id": "matriks tidak definit positif ({what})",
        "en": "matrix not positive definite ({what})",
    },
    "diag_singular": {
        "id": "varians antarsekolah diperkirakan 0 (model singular)",
        "en": "the between-school variance is estimated at 0 (singular model)",
    },
    "model_reading": {
        "id": (
            "Model multilevel memakai {n} guru di {groups} sekolah. ICC kualitas pembelajaran "
            "(model kosong) = {icc}: bagian keragaman yang terletak antarsekolah. R² marginal "
            "= {r2}."
        ),
        "en": (
            "The multilevel model uses {n} teachers in {groups} schools. ICC of teaching "
            "quality (null model) = {icc}: the share of variance lying between schools. "
            "Marginal R² = {r2}."
        ),
    },
    # --- scores -------------------------------------------------------------------------------
    "scores_reading": {
        "id": (
            "Rata-rata skor skala (1–5) per kelompok. Sel bertanda — disembunyikan demi "
            "privasi. Skor dihitung bila setidaknya {share} butir skala dijawab."
        ),
        "en": (
            "Mean scale scores (1–5) per group. Cells marked — are hidden for privacy. A score "
            "is computed when at least {share} of a scale's items were answered."
        ),
    },
    "by_school": {"id": "Per sekolah", "en": "By school"},
    "by_kkg": {"id": "Per KKG", "en": "By KKG"},
    "overall_row": {"id": "Semua guru", "en": "All teachers"},
    "group_agreement_title": {
        "id": "Kesepakatan dalam kelompok (apakah rata-rata kelompok bermakna)",
        "en": "Within-group agreement (are group means meaningful)",
    },
    "group_agreement_reading": {
        "id": (
            "ICC(1) menunjukkan bagian keragaman yang berasal dari perbedaan antarkelompok; "
            "ICC(2) ≥ 0,70 dan rwg(j) ≥ 0,70 mendukung penggunaan rata-rata kelompok."
        ),
        "en": (
            "ICC(1) is the share of variance due to differences between groups; ICC(2) ≥ 0.70 "
            "and rwg(j) ≥ 0.70 support using group means."
        ),
    },
    # --- quality ------------------------------------------------------------------------------
    "quality_reading": {
        "id": (
            "Rata-rata skor observasi per aspek (1 = belum tampak … 4 = sangat baik) dari {n} "
            "pelajaran, dengan selang kepercayaan 95%."
        ),
        "en": (
            "Mean observation score per aspect (1 = not yet evident … 4 = exemplary) over {n} "
            "lessons, with 95% confidence intervals."
        ),
    },
    "quality_axis": {"id": "Skor rata-rata (1–4)", "en": "Mean score (1–4)"},
    "rater_title": {"id": "Kesepakatan pengamat", "en": "Observer agreement"},
    "rater_reading": {
        "id": (
            "Kesepakatan pengamat dihitung dari {n} pelajaran yang diamati dua orang. Kappa "
            "berbobot dan ICC ≥ 0,60 menunjukkan kesepakatan yang baik."
        ),
        "en": (
            "Observer agreement comes from {n} lessons observed by two people. Weighted kappa "
            "and ICC ≥ 0.60 indicate good agreement."
        ),
    },
    # --- link ---------------------------------------------------------------------------------
    "link_reading": {
        "id": (
            "{n} guru memiliki skor kuesioner dan observasi. Korelasi terkuat: {best} "
            "(r = {r}). Model multilevel (guru dalam sekolah) memperkirakan pengaruh masing-"
            "masing dimensi dengan dimensi lain dikendalikan."
        ),
        "en": (
            "{n} teachers have both questionnaire and observation scores. Strongest "
            "correlation: {best} (r = {r}). The multilevel model (teachers within schools) "
            "estimates each dimension's effect with the others held constant."
        ),
    },
    "heatmap_title": {
        "id": "Korelasi dimensi komunitas dengan aspek pembelajaran",
        "en": "Correlations of community dimensions with teaching aspects",
    },
    "coef_title": {
        "id": "Koefisien terstandar (model multilevel, IK 95%)",
        "en": "Standardized coefficients (multilevel model, 95% CI)",
    },
    "coef_axis": {"id": "Koefisien terstandar", "en": "Standardized coefficient"},
    "overall_quality": {"id": "Kualitas keseluruhan", "en": "Overall quality"},
    "pooled_indicators": {"id": "Semua indikator (gabungan)", "en": "All indicators (pooled)"},
    "too_few_link": {
        "id": "Terlalu sedikit guru dengan data kuesioner dan observasi ({n} < {min_cell}).",
        "en": "Too few teachers with both questionnaire and observation data ({n} < {min_cell}).",
    },
    # --- triangulation ------------------------------------------------------------------------
    "triangulation_reading": {
        "id": (
            "Tampilan gabungan: untuk setiap konstruk, bukti dari kuesioner, wawancara dan "
            "observasi diletakkan berdampingan, dengan kesimpulan apakah bukti itu saling "
            "menguatkan, melengkapi atau bertentangan."
        ),
        "en": (
            "Joint display: for each construct the evidence from the questionnaire, the "
            "interviews and the observations side by side, with a verdict on whether they "
            "converge, complement each other or diverge."
        ),
    },
    "verdict_converge": {"id": "saling menguatkan", "en": "converge"},
    "verdict_complement": {"id": "saling melengkapi", "en": "complement"},
    "verdict_diverge": {"id": "bertentangan", "en": "diverge"},
    "triangulation_rule": {
        "id": (
            "Aturan: setiap sumber memberi arah (+, 0, −). Kuesioner: selang kepercayaan 95% "
            "rata-rata skala di atas (+) atau di bawah (−) titik tengah. Wawancara: sedikitnya "
            "60% sebutan positif (+) atau negatif (−), dengan sedikitnya 3 sebutan. Observasi: "
            "korelasi dengan kualitas keseluruhan positif (+) atau negatif (−) pada p terkoreksi "
            "< 0,05. Bertentangan: kuesioner dan wawancara berlawanan arah, atau arah observasi "
            "negatif; saling menguatkan: kuesioner dan wawancara searah dan arah observasi "
            "positif; selain itu saling melengkapi. Bagian wawancara dengan kurang dari "
            "{min_cell} guru disembunyikan."
        ),
        "en": (
            "Rule: each source gives a direction (+, 0, −). Questionnaire: the 95% confidence "
            "interval of the scale mean above (+) or below (−) the midpoint. Interviews: at "
            "least 60% of mentions positive (+) or negative (−), with at least 3 mentions. "
            "Observation: the correlation with overall quality positive (+) or negative (−) at "
            "adjusted p < 0.05. Diverge: questionnaire and interviews point in opposite "
            "directions, or the observation direction is negative; converge: questionnaire and "
            "interviews agree and the observation direction is positive; complement otherwise. "
            "Interview shares from fewer than {min_cell} teachers are hidden."
        ),
    },
    # --- provenance ---------------------------------------------------------------------------
    "provenance_reading": {
        "id": (
            "Laporan ini dapat dibuat ulang persis sama dari data dan parameter di bawah ini. "
            "Tidak ada waktu pembuatan yang dicatat; hanya sidik jari (SHA-256) berkas data."
        ),
        "en": (
            "This report can be rebuilt byte for byte from the data and parameters below. No "
            "creation time is recorded; only the fingerprints (SHA-256) of the data files."
        ),
    },
    "prov_item": {"id": "Butir", "en": "Item"},
    "prov_value": {"id": "Nilai", "en": "Value"},
    "prov_version": {"id": "Versi dinamika", "en": "dinamika version"},
    "prov_instrument": {"id": "Instrumen {kind}", "en": "Instrument ({kind})"},
    "prov_instrument_hash": {
        "id": "SHA-256 instrumen {kind}",
        "en": "SHA-256 of the instrument ({kind})",
    },
    "prov_file": {"id": "SHA-256 berkas {file}", "en": "SHA-256 of file {file}"},
    "prov_term": {"id": "Semester", "en": "Term"},
    "prov_param": {"id": "Parameter {name}", "en": "Parameter: {name}"},
    "kind_questionnaire": {"id": "kuesioner", "en": "questionnaire"},
    "kind_observation": {"id": "observasi", "en": "observation"},
    "kind_interview": {"id": "wawancara", "en": "interview"},
    # --- trend --------------------------------------------------------------------------------
    "trend_terms_reading": {
        "id": "Laporan ini membandingkan {k} semester: {terms}.",
        "en": "This report compares {k} terms: {terms}.",
    },
    "invariance_reading": {
        "id": (
            "Rata-rata antarsemester hanya dapat dibandingkan bila instrumen mengukur hal yang "
            "sama dengan cara yang sama (invariansi skalar). Kriteria: ΔCFI ≥ −0,01 dan "
            "ΔRMSEA ≤ 0,015 dibanding model sebelumnya."
        ),
        "en": (
            "Means can be compared across terms only when the instrument measures the same "
            "thing in the same way (scalar invariance). Criteria: ΔCFI ≥ −0.01 and ΔRMSEA ≤ "
            "0.015 relative to the previous model."
        ),
    },
    "scalar_holds": {
        "id": "Invariansi skalar terpenuhi: rata-rata dapat dibandingkan antarsemester.",
        "en": "Scalar invariance holds: means can be compared across terms.",
    },
    "scalar_fails": {
        "id": "Rata-rata tidak dibandingkan: {reason}",
        "en": "Means are not compared: {reason}",
    },
    "reason_invariance": {
        "id": "invariansi skalar tidak terpenuhi (langkah yang gagal: {step}).",
        "en": "scalar invariance does not hold (failing step: {step}).",
    },
    "reason_no_invariance": {
        "id": "uji invariansi belum tersedia di versi dinamika ini, sehingga kesetaraan pengukuran tidak dapat dipastikan.",
        "en": "the invariance test is not available in this version of dinamika, so equal measurement cannot be established.",
    },
    "reason_instrument": {
        "id": "semester memakai versi instrumen yang tidak sebanding ({refs}).",
        "en": "the terms use instrument versions that are not comparable ({refs}).",
    },
    "reason_failed": {
        "id": "uji invariansi gagal: {reason}",
        "en": "the invariance test failed: {reason}",
    },
    "trend_means_reading": {
        "id": "Rata-rata skala per semester dan perubahannya dari semester pertama, dengan IK 95%.",
        "en": "Scale means per term and their change from the first term, with 95% CIs.",
    },
    "trend_groups_reading": {
        "id": (
            "Perubahan rata-rata per kelompok dari semester {first} ke {last}. Kelompok yang "
            "kecil di salah satu semester disembunyikan."
        ),
        "en": (
            "Change in group means from term {first} to {last}. Groups that are small in either "
            "term are hidden."
        ),
    },
    "step_configural": {"id": "Konfigural", "en": "Configural"},
    "step_metric": {"id": "Metrik (muatan sama)", "en": "Metric (equal loadings)"},
    "step_scalar": {"id": "Skalar (intersep sama)", "en": "Scalar (equal intercepts)"},
    "verdict_baseline": {"id": "model dasar", "en": "baseline"},
    "verdict_holds": {"id": "terpenuhi", "en": "holds"},
    "verdict_does_not_hold": {"id": "tidak terpenuhi", "en": "does not hold"},
    "verdict_not_tested": {
        "id": "tidak diuji (langkah sebelumnya gagal)",
        "en": "not tested (previous step failed)",
    },
    "invariance_n": {
        "id": "Model diestimasi dengan ML pada {n} responden dengan jawaban lengkap.",
        "en": "The models were estimated by ML on {n} respondents with complete answers.",
    },
    "change_title": {
        "id": "Perubahan rata-rata dari {first} ke {last}",
        "en": "Change in means from {first} to {last}",
    },
    "change_axis": {"id": "Perubahan rata-rata (IK 95%)", "en": "Change in mean (95% CI)"},
    "mean_axis": {"id": "Rata-rata skala (1–5)", "en": "Scale mean (1–5)"},
    "term_axis": {"id": "Semester", "en": "Term"},
}

#: Display names of table columns (result column names are a contract; labels are not).
COLUMNS: _T = {
    "measure": {"id": "Ukuran", "en": "Measure"},
    "value": {"id": "Nilai", "en": "Value"},
    "count": {"id": "Jumlah", "en": "Count"},
    "scale": {"id": "Skala", "en": "Scale"},
    "aspect": {"id": "Aspek", "en": "Aspect"},
    "item": {"id": "Butir", "en": "Item"},
    "item_text": {"id": "Teks butir", "en": "Item text"},
    "kind": {"id": "Jenis", "en": "Kind"},
    "file": {"id": "Berkas", "en": "File"},
    "label": {"id": "Nama", "en": "Name"},
    "description": {"id": "Yang diukur", "en": "What it measures"},
    "n_items": {"id": "Jumlah butir", "en": "Items"},
    "reverse_items": {"id": "Butir terbalik", "en": "Reverse-keyed items"},
    "school": {"id": "Sekolah", "en": "School"},
    "kkg": {"id": "KKG", "en": "KKG"},
    "district": {"id": "Kabupaten/kota", "en": "District"},
    "level": {"id": "Jenjang", "en": "Level"},
    "group": {"id": "Kelompok", "en": "Group"},
    "term": {"id": "Semester", "en": "Term"},
    "n": {"id": "n", "en": "n"},
    "mean": {"id": "Rata-rata", "en": "Mean"},
    "sd": {"id": "SB", "en": "SD"},
    "lower": {"id": "Batas bawah IK", "en": "CI lower"},
    "upper": {"id": "Batas atas IK", "en": "CI upper"},
    "ci": {"id": "IK 95%", "en": "95% CI"},
    "alpha": {"id": "Alfa", "en": "Alpha"},
    "omega": {"id": "Omega", "en": "Omega"},
    "omega_total": {"id": "Omega total", "en": "Omega total"},
    "alpha_ci": {"id": "IK 95% alfa", "en": "Alpha 95% CI"},
    "omega_ci": {"id": "IK 95% omega", "en": "Omega 95% CI"},
    "flagged": {"id": "Butir ditandai", "en": "Flagged items"},
    "factor": {"id": "Faktor", "en": "Factor"},
    "loading": {"id": "Muatan", "en": "Loading"},
    "std_all": {"id": "Muatan terstandar", "en": "Standardized loading"},
    "se": {"id": "Galat baku", "en": "Std. error"},
    "chisq": {"id": "Khi-kuadrat", "en": "Chi-square"},
    "df": {"id": "db", "en": "df"},
    "pvalue": {"id": "Nilai p", "en": "p-value"},
    "p": {"id": "p", "en": "p"},
    "p_adjusted": {"id": "p terkoreksi", "en": "Adjusted p"},
    "cfi": {"id": "CFI", "en": "CFI"},
    "tli": {"id": "TLI", "en": "TLI"},
    "rmsea": {"id": "RMSEA", "en": "RMSEA"},
    "rmsea_ci": {"id": "RMSEA IK 90%", "en": "RMSEA 90% CI"},
    "srmr": {"id": "SRMR", "en": "SRMR"},
    "icc1": {"id": "ICC(1)", "en": "ICC(1)"},
    "icc2": {"id": "ICC(2)", "en": "ICC(2)"},
    "rwg_j": {"id": "rwg(j) median", "en": "rwg(j) median"},
    "n_groups": {"id": "Jumlah kelompok", "en": "Groups"},
    "n_lessons": {"id": "Pelajaran", "en": "Lessons"},
    "aggregate_ok": {"id": "Layak dirata-ratakan", "en": "Can be aggregated"},
    "r": {"id": "r", "en": "r"},
    "estimate": {"id": "Estimasi", "en": "Estimate"},
    "predictor": {"id": "Prediktor", "en": "Predictor"},
    "statistic": {"id": "Statistik", "en": "Statistic"},
    "exact": {"id": "Sama persis (%)", "en": "Exact agreement (%)"},
    "adjacent": {"id": "Selisih ≤ 1 (%)", "en": "Within one point (%)"},
    "kappa_linear": {"id": "Kappa linear", "en": "Linear kappa"},
    "kappa_quadratic": {"id": "Kappa kuadratik", "en": "Quadratic kappa"},
    "icc": {"id": "ICC", "en": "ICC"},
    "krippendorff_alpha": {"id": "Alfa Krippendorff", "en": "Krippendorff's alpha"},
    "construct": {"id": "Konstruk", "en": "Construct"},
    "survey": {"id": "Kuesioner", "en": "Questionnaire"},
    "interview": {"id": "Wawancara", "en": "Interviews"},
    "observation": {"id": "Observasi", "en": "Observation"},
    "verdict": {"id": "Kesimpulan", "en": "Verdict"},
    "step": {"id": "Langkah", "en": "Step"},
    "delta_cfi": {"id": "ΔCFI", "en": "ΔCFI"},
    "delta_rmsea": {"id": "ΔRMSEA", "en": "ΔRMSEA"},
    "holds": {"id": "Terpenuhi", "en": "Holds"},
    "change": {"id": "Perubahan", "en": "Change"},
    "n_schools": {"id": "Sekolah", "en": "Schools"},
    "instrument": {"id": "Instrumen", "en": "Instrument"},
    "n_first": {"id": "n semester awal", "en": "n first term"},
    "n_last": {"id": "n semester akhir", "en": "n last term"},
    "survey_mean": {"id": "Rata-rata kuesioner", "en": "Questionnaire mean"},
    "survey_ci": {"id": "IK 95% kuesioner", "en": "Questionnaire 95% CI"},
    "obs_r": {"id": "r dengan kualitas", "en": "r with quality"},
    "interview_teachers": {"id": "Guru yang menyebut", "en": "Teachers mentioning"},
    "share_positive": {"id": "Sebutan positif (%)", "en": "Positive mentions (%)"},
}


def check_lang(lang: str) -> str:
    """Return ``lang`` when it is a supported language, else raise UsageError."""
    if lang not in LANGS:
        raise UsageError(
            f"The value for `lang` must be one of {list(LANGS)}, but {lang!r} was passed."
        )
    return lang


def t(key: str, lang: str, **fields: object) -> str:
    """The text ``key`` in ``lang`` with its ``{fields}`` filled.

    Examples
    --------
    >>> t("subtitle", "en", term="2025-2")
    'Teacher-community dynamics and teaching quality · term 2025-2'
    """
    check_lang(lang)
    try:
        entry = TEXT[key]
    except KeyError:
        raise UsageError(f"no text {key!r} in dinamika.i18n.TEXT") from None
    return entry[lang].format(**fields) if fields else entry[lang]


def column_label(
    column: str, lang: str, extra: Mapping[str, Mapping[str, str]] | None = None
) -> str:
    """Display name of a result column; unknown columns raise, so nothing goes untranslated."""
    check_lang(lang)
    for table in (extra or {}, COLUMNS):
        if column in table:
            return str(table[column][lang])
    raise UsageError(
        f"column {column!r} has no translation; add it to dinamika.i18n.COLUMNS (or pass extra=)"
    )


def translate_columns(
    frame: pd.DataFrame, lang: str, extra: Mapping[str, Mapping[str, str]] | None = None
) -> pd.DataFrame:
    """A copy of ``frame`` with its columns renamed for display in ``lang``."""
    return frame.rename(columns={c: column_label(str(c), lang, extra) for c in frame.columns})


_SWAP = str.maketrans(",.", ".,")


def _swap(text: str) -> str:
    return text.translate(_SWAP)


def fmt_num(value: object, lang: str, digits: int = 2) -> str:
    """A number for display: ``3,25`` (id) or ``3.25`` (en); NaN/None become ``—``.

    Examples
    --------
    >>> fmt_num(1234.5, "id"), fmt_num(1234.5, "en"), fmt_num(float("nan"), "id")
    ('1.234,50', '1,234.50', '—')
    >>> fmt_num(-0.004, "en")
    '0.00'
    """
    check_lang(lang)
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—"
    x = float(value)  # type: ignore[arg-type]
    if math.isnan(x):
        return "—"
    text = f"{x:,.{digits}f}"
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")  # no "-0.00"
    return _swap(text) if lang == "id" else text


def fmt_int(value: object, lang: str) -> str:
    """A count: ``1.234`` (id) or ``1,234`` (en)."""
    return fmt_num(value, lang, digits=0)


def fmt_pct(share: object, lang: str, digits: int = 0) -> str:
    """A share (0–1) as a percentage: ``87%``."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "—"
    return f"{fmt_num(100 * float(share), lang, digits)}%"  # type: ignore[arg-type]


def fields_of(text: str) -> set[str]:
    """Names of the ``{fields}`` in a text (used by the tests)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def join(items: Iterable[str], lang: str) -> str:
    """``a, b dan c`` / ``a, b and c``."""
    items = list(items)
    word = " dan " if lang == "id" else " and "
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + word + items[-1]
