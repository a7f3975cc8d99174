"""The catalogue of validation problems: severity, and what is wrong and how to fix it, in
Indonesian and English. Fields in braces are filled from :class:`dinamika.data.validation.Problem`.
"""

from __future__ import annotations

__all__ = ["MESSAGES"]

# code -> (severity, {lang: (what, fix)}). Fields in braces come from Problem.params.
MESSAGES: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {
    "missing_manifest": (
        "error",
        {
            "en": (
                "the folder has no survey.yaml",
                "create survey.yaml naming the instrument versions and data files (see docs/data-format.md)",
            ),
            "id": (
                "folder tidak berisi survey.yaml",
                "buat survey.yaml yang menyebut versi instrumen dan berkas data (lihat docs/data-format.md)",
            ),
        },
    ),
    "bad_manifest": (
        "error",
        {
            "en": ("survey.yaml is not valid: {detail}", "{fix_en}"),
            "id": ("survey.yaml tidak valid: {detail}", "{fix_id}"),
        },
    ),
    "unknown_instrument": (
        "error",
        {
            "en": ("instrument {value} is not known", "use one of: {allowed}"),
            "id": ("instrumen {value} tidak dikenal", "gunakan salah satu dari: {allowed}"),
        },
    ),
    "unknown_version": (
        "error",
        {
            "en": (
                "instrument version {value} is not released",
                "use a released version: {allowed}",
            ),
            "id": (
                "versi instrumen {value} belum dirilis",
                "gunakan versi yang sudah dirilis: {allowed}",
            ),
        },
    ),
    "wrong_instrument": (
        "error",
        {
            "en": (
                "{value} is a {kind} instrument, but this part needs a {expected} instrument",
                "name a {expected} instrument here, e.g. {allowed}",
            ),
            "id": (
                "{value} adalah instrumen {kind}, padahal bagian ini memerlukan instrumen {expected}",
                "sebutkan instrumen {expected} di sini, misalnya {allowed}",
            ),
        },
    ),
    "missing_file": (
        "error",
        {
            "en": (
                "the data file does not exist",
                "put the file in the term folder or correct its name in survey.yaml",
            ),
            "id": (
                "berkas data tidak ada",
                "letakkan berkas di folder semester atau perbaiki namanya di survey.yaml",
            ),
        },
    ),
    "empty_file": (
        "error",
        {
            "en": (
                "the file is empty or has only a header row",
                "export the data again; the file must have a header row and one row per respondent",
            ),
            "id": (
                "berkas kosong atau hanya berisi baris judul",
                "ekspor ulang datanya; berkas harus berisi baris judul dan satu baris per responden",
            ),
        },
    ),
    "truncated_file": (
        "error",
        {
            "en": (
                "the row has {found} values but the header has {expected}; the file looks cut off",
                "export or copy the file again completely",
            ),
            "id": (
                "baris ini berisi {found} nilai, padahal judulnya {expected}; berkas tampaknya terpotong",
                "ekspor atau salin ulang berkas secara lengkap",
            ),
        },
    ),
    "bad_row": (
        "error",
        {
            "en": (
                "the row cannot be read: {detail}",
                "check separators and quotes in this row, or export the file again",
            ),
            "id": (
                "baris tidak dapat dibaca: {detail}",
                "periksa pemisah dan tanda kutip pada baris ini, atau ekspor ulang berkasnya",
            ),
        },
    ),
    "unreadable_encoding": (
        "error",
        {
            "en": (
                "the file is not text in UTF-8 or Windows-1252 ({detail})",
                "save it again as 'CSV UTF-8' or as an Excel .xlsx file",
            ),
            "id": (
                "berkas bukan teks UTF-8 atau Windows-1252 ({detail})",
                "simpan ulang sebagai 'CSV UTF-8' atau berkas Excel .xlsx",
            ),
        },
    ),
    "unreadable_file": (
        "error",
        {
            "en": (
                "the file cannot be opened: {detail}",
                "check that it is a CSV or .xlsx file and not open in another program",
            ),
            "id": (
                "berkas tidak dapat dibuka: {detail}",
                "pastikan berkasnya CSV atau .xlsx dan tidak sedang dibuka program lain",
            ),
        },
    ),
    "missing_column": (
        "error",
        {
            "en": (
                "required column {column} is missing",
                "add the column {column}, or correct the column name in the file or in survey.yaml",
            ),
            "id": (
                "kolom wajib {column} tidak ada",
                "tambahkan kolom {column}, atau perbaiki nama kolom di berkas atau di survey.yaml",
            ),
        },
    ),
    "duplicate_column": (
        "error",
        {
            "en": ("column {column} appears more than once", "keep one column with this name"),
            "id": ("kolom {column} muncul lebih dari sekali", "sisakan satu kolom dengan nama ini"),
        },
    ),
    "unknown_item": (
        "error",
        {
            "en": (
                "column {column} looks like an item but {instrument} has no such item",
                "rename it to one of the instrument's items ({allowed}) or remove it; check the instrument version in survey.yaml",
            ),
            "id": (
                "kolom {column} tampak seperti butir, tetapi {instrument} tidak memiliki butir itu",
                "ganti namanya menjadi salah satu butir instrumen ({allowed}) atau hapus; periksa versi instrumen di survey.yaml",
            ),
        },
    ),
    "ignored_column": (
        "warning",
        {
            "en": (
                "column {column} is not part of the instrument or the manifest and is not loaded",
                "nothing to do if it is not needed; name it in survey.yaml to keep it",
            ),
            "id": (
                "kolom {column} bukan bagian dari instrumen atau manifes dan tidak dimuat",
                "tidak perlu tindakan jika tidak diperlukan; sebutkan di survey.yaml untuk memakainya",
            ),
        },
    ),
    "undeclared_identifier": (
        "warning",
        {
            "en": (
                "column {column} looks like a personal identifier; it was pseudonymized",
                "list it under identifiers in survey.yaml, or remove it from the file",
            ),
            "id": (
                "kolom {column} tampak seperti data pribadi; kolom ini disamarkan",
                "cantumkan di bagian identifiers pada survey.yaml, atau hapus dari berkas",
            ),
        },
    ),
    "out_of_range": (
        "error",
        {
            "en": (
                "answer {value} is outside the scale {min}–{max}",
                "correct the answer to a code from {min} to {max} (or leave the cell empty if not answered)",
            ),
            "id": (
                "jawaban {value} di luar skala {min}–{max}",
                "perbaiki menjadi kode {min} sampai {max} (atau kosongkan jika tidak dijawab)",
            ),
        },
    ),
    "unknown_answer": (
        "error",
        {
            "en": (
                "answer '{value}' is not one of the answer labels",
                "use a code from {min} to {max} or one of: {allowed}",
            ),
            "id": (
                "jawaban '{value}' bukan salah satu pilihan jawaban",
                "gunakan kode {min} sampai {max} atau salah satu dari: {allowed}",
            ),
        },
    ),
    "non_numeric": (
        "error",
        {
            "en": ("'{value}' is not a whole number", "write a whole number from {min} to {max}"),
            "id": (
                "'{value}' bukan bilangan bulat",
                "tulis bilangan bulat dari {min} sampai {max}",
            ),
        },
    ),
    "missing_id": (
        "error",
        {
            "en": ("the id is empty", "give every row an id"),
            "id": ("id kosong", "beri setiap baris sebuah id"),
        },
    ),
    "lost_digits": (
        "warning",
        {
            "en": (
                "the ids in {column} look like NIP numbers that went through a spreadsheet number cell and lost their last digits (e.g. {value}); different teachers may share one id",
                "format the column as text in the spreadsheet and export again, or use another id column",
            ),
            "id": (
                "id di kolom {column} tampak seperti NIP yang pernah disimpan sebagai angka di lembar kerja sehingga digit terakhirnya hilang (mis. {value}); guru yang berbeda bisa mendapat id yang sama",
                "ubah format kolom menjadi teks di lembar kerja lalu ekspor ulang, atau gunakan kolom id lain",
            ),
        },
    ),
    "duplicate_id": (
        "error",
        {
            "en": (
                "id {value} appears more than once (also on row {other_row})",
                "keep one row per respondent: remove the duplicate or correct the id",
            ),
            "id": (
                "id {value} muncul lebih dari sekali (juga di baris {other_row})",
                "satu baris untuk setiap responden: hapus duplikat atau perbaiki id-nya",
            ),
        },
    ),
    "missing_group": (
        "warning",
        {
            "en": (
                "the {column} is empty for this respondent",
                "fill in the {column}; this respondent is left out of {column} summaries",
            ),
            "id": (
                "{column} kosong untuk responden ini",
                "isi {column}; responden ini tidak ikut dalam ringkasan per {column}",
            ),
        },
    ),
    "similar_groups": (
        "warning",
        {
            "en": (
                "the group name '{value}' looks like '{other}' (row {other_row}); typed names of one school or KKG split it into two groups",
                "if they are one group, write the same name in the 'group' column of groups.csv for both (or correct the data file); if they are different, set their 'status' in groups.csv to checked",
            ),
            "id": (
                "nama kelompok '{value}' mirip dengan '{other}' (baris {other_row}); nama yang diketik berbeda untuk satu sekolah atau KKG memecahnya menjadi dua kelompok",
                "jika keduanya satu kelompok, tulis nama yang sama di kolom 'group' groups.csv untuk keduanya (atau perbaiki berkas data); jika memang berbeda, isi kolom 'status' keduanya di groups.csv dengan checked",
            ),
        },
    ),
    "bad_group_names": (
        "error",
        {
            "en": (
                "the group-name file named in survey.yaml (group_names) cannot be used: {detail}",
                "restore groups.csv (columns kind, name_in_file, group) or remove group_names: from survey.yaml",
            ),
            "id": (
                "berkas nama kelompok yang disebut di survey.yaml (group_names) tidak dapat dipakai: {detail}",
                "pulihkan groups.csv (kolom kind, name_in_file, group) atau hapus group_names: dari survey.yaml",
            ),
        },
    ),
    "too_few_answers": (
        "warning",
        {
            "en": (
                "only {answered} of {total} items of scale {scale} answered; the scale score needs at least {needed}",
                "nothing to fix if the teacher skipped them; this scale score is left empty",
            ),
            "id": (
                "hanya {answered} dari {total} butir skala {scale} dijawab; skor skala memerlukan minimal {needed}",
                "tidak perlu diperbaiki jika guru memang melewatinya; skor skala ini dikosongkan",
            ),
        },
    ),
    "no_answers": (
        "warning",
        {
            "en": ("the respondent answered no item", "check whether the row belongs in the file"),
            "id": (
                "responden tidak menjawab satu butir pun",
                "periksa apakah baris ini memang termasuk data",
            ),
        },
    ),
    "unknown_teacher": (
        "error",
        {
            "en": (
                "teacher id {value} does not appear in the questionnaire data",
                "correct the id so it matches the questionnaire file, or add that teacher's questionnaire row",
            ),
            "id": (
                "id guru {value} tidak ada di data kuesioner",
                "perbaiki id agar sama dengan berkas kuesioner, atau tambahkan baris kuesioner guru tersebut",
            ),
        },
    ),
    "duplicate_rating": (
        "error",
        {
            "en": (
                "observer {value} rated lesson {lesson} more than once (also on row {other_row})",
                "keep one row per lesson and observer",
            ),
            "id": (
                "pengamat {value} menilai pelajaran {lesson} lebih dari sekali (juga di baris {other_row})",
                "satu baris untuk setiap pelajaran dan pengamat",
            ),
        },
    ),
    "too_many_observers": (
        "error",
        {
            "en": (
                "lesson {value} has {found} observers; at most two are supported",
                "keep the two independent observers' rows (name a consensus or master observer in survey.yaml)",
            ),
            "id": (
                "pelajaran {value} memiliki {found} pengamat; paling banyak dua",
                "sisakan baris dua pengamat independen (sebutkan pengamat konsensus atau master di survey.yaml)",
            ),
        },
    ),
    "teacher_mismatch": (
        "error",
        {
            "en": (
                "lesson {lesson} is linked to teacher {value} here but to {other} on row {other_row}",
                "one lesson is taught by one teacher: correct the teacher or lesson id",
            ),
            "id": (
                "pelajaran {lesson} di sini tertaut ke guru {value}, tetapi ke {other} di baris {other_row}",
                "satu pelajaran diajar satu guru: perbaiki id guru atau id pelajaran",
            ),
        },
    ),
    "unknown_theme": (
        "error",
        {
            "en": (
                "theme code '{value}' is not in the codebook of {instrument}",
                "use one of: {allowed}",
            ),
            "id": (
                "kode tema '{value}' tidak ada di buku kode {instrument}",
                "gunakan salah satu dari: {allowed}",
            ),
        },
    ),
    "unknown_stance": (
        "error",
        {
            "en": ("stance '{value}' is not known", "use one of: {allowed}"),
            "id": ("sikap '{value}' tidak dikenal", "gunakan salah satu dari: {allowed}"),
        },
    ),
    "ephemeral_key": (
        "warning",
        {
            "en": (
                "no pseudonymization key was given, so a random one was used: pseudonyms differ between runs",
                "set DINAMIKA_PSEUDONYM_KEY or DINAMIKA_PSEUDONYM_KEY_FILE (kept outside the data folder) to get stable pseudonyms",
            ),
            "id": (
                "kunci penyamaran tidak diberikan sehingga dipakai kunci acak: nama samaran berbeda setiap kali dijalankan",
                "atur DINAMIKA_PSEUDONYM_KEY atau DINAMIKA_PSEUDONYM_KEY_FILE (di luar folder data) agar nama samaran tetap",
            ),
        },
    ),
}

from dinamika.i18n.security_messages import SECURITY_MESSAGES  # noqa: E402

MESSAGES.update(SECURITY_MESSAGES)
