"""Validation problems about privacy and hostile input (issue 16), merged into ``MESSAGES``."""

from __future__ import annotations

__all__ = ["SECURITY_MESSAGES"]

SECURITY_MESSAGES: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {
    "identifier_in_group": (
        "warning",
        {
            "en": (
                "this group cell holds an e-mail address, NIP/NIK or phone number; it was replaced by a pseudonym and is never shown",
                "type the school's or group's name in this cell instead of a person's details",
            ),
            "id": (
                "sel kelompok ini berisi alamat e-mail, NIP/NIK atau nomor telepon; isinya diganti nama samaran dan tidak pernah ditampilkan",
                "isi sel ini dengan nama sekolah atau kelompok, bukan data pribadi",
            ),
        },
    ),
    "id_is_identifier": (
        "warning",
        {
            "en": (
                "the respondent ids hold names, e-mail addresses or official numbers; they were pseudonymized",
                "list the column under identifiers: in survey.yaml (or use a code such as G001 as the id)",
            ),
            "id": (
                "id responden berisi nama, alamat e-mail atau nomor induk; id tersebut disamarkan",
                "cantumkan kolom itu di identifiers: pada survey.yaml (atau pakai kode seperti G001 sebagai id)",
            ),
        },
    ),
    "key_in_data_folder": (
        "warning",
        {
            "en": (
                "the pseudonymization key file lies inside the data folder: whoever gets the folder can reverse the pseudonyms by trying names",
                "move the key file outside the data folder (e.g. to your home folder) and name it with --key-file or DINAMIKA_PSEUDONYM_KEY_FILE",
            ),
            "id": (
                "berkas kunci penyamaran berada di dalam folder data: siapa pun yang menerima folder itu dapat membuka nama samaran dengan mencoba nama-nama",
                "pindahkan berkas kunci ke luar folder data (misalnya ke folder rumah Anda) dan sebutkan dengan --key-file atau DINAMIKA_PSEUDONYM_KEY_FILE",
            ),
        },
    ),
    "outside_folder": (
        "error",
        {
            "en": (
                "the file named in survey.yaml ({value}) is outside the term folder; only files inside it are read",
                "copy the file into the term folder and name it there (no absolute paths, no '..', no links leading out)",
            ),
            "id": (
                "berkas yang disebut di survey.yaml ({value}) berada di luar folder semester; hanya berkas di dalam folder itu yang dibaca",
                "salin berkas ke dalam folder semester dan sebutkan namanya (tanpa path absolut, tanpa '..', tanpa tautan ke luar)",
            ),
        },
    ),
    "stray_cr": (
        "warning",
        {
            "en": (
                "a carriage return (CR) stands alone inside a line; it was read as a space",
                "save the file again as CSV from the spreadsheet (UTF-8)",
            ),
            "id": (
                "karakter carriage return (CR) berdiri sendiri di tengah baris; dibaca sebagai spasi",
                "simpan ulang berkas sebagai CSV dari aplikasi lembar kerja (UTF-8)",
            ),
        },
    ),
    "formula_without_value": (
        "error",
        {
            "en": (
                "the cell holds a formula without a saved result, so its answer cannot be read",
                "open the workbook in Excel or LibreOffice and save it (results are stored), or paste the answers as values",
            ),
            "id": (
                "sel berisi rumus tanpa hasil tersimpan sehingga jawabannya tidak dapat dibaca",
                "buka buku kerja di Excel atau LibreOffice lalu simpan (hasil rumus ikut tersimpan), atau tempel jawaban sebagai nilai",
            ),
        },
    ),
    "protected_workbook": (
        "error",
        {
            "en": (
                "the workbook is protected with a password (encrypted), so it cannot be read",
                "open it in Excel (File > Info > Protect Workbook > Encrypt with Password: clear the password) or LibreOffice (File > Save As, untick 'Save with password'), save, and run again",
            ),
            "id": (
                "buku kerja dilindungi kata sandi (terenkripsi) sehingga tidak dapat dibaca",
                "buka di Excel (File > Info > Protect Workbook > Encrypt with Password: kosongkan kata sandi) atau LibreOffice (File > Simpan Sebagai, hapus centang 'Simpan dengan kata sandi'), simpan, lalu jalankan lagi",
            ),
        },
    ),
    "too_large": (
        "error",
        {
            "en": (
                "the file is too large to be term data ({detail}); it was not opened",
                "check that this is the right file; a term's data has at most {limit}",
            ),
            "id": (
                "berkas terlalu besar untuk data satu semester ({detail}); berkas tidak dibuka",
                "periksa apakah berkasnya benar; data satu semester paling banyak {limit}",
            ),
        },
    ),
}
