"""``dinamika import google-forms|kobo FILE --instrument REF --out DIR``: exports → term folder."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from dinamika.cli.common import add_lang
from dinamika.errors import UsageError
from dinamika.i18n.messages import Message
from dinamika.interop import import_google_forms, import_kobo


def _pair(text: str, what: str, lang: str = "id") -> tuple[str, str]:
    head, sep, tail = text.rpartition("=")
    if not sep or not head.strip() or not tail.strip():
        raise UsageError(Message("cli.pair_form", option=what, text=repr(text)), lang=lang)
    return head.strip(), tail.strip()


def register(sub: Any) -> None:
    """Add ``import`` with the actions ``google-forms`` and ``kobo``."""
    p = sub.add_parser(
        "import",
        help="impor ekspor Google Forms / KoboToolbox / import Google Forms or KoboToolbox exports",
        description=(
            "Buat folder semester (survey.yaml, kuesioner.csv, mapping.csv) dari ekspor formulir. "
            "Judul kolom dicocokkan dengan butir instrumen; yang tidak pasti ditolak dan tidak ada "
            "yang ditulis. / Make a term folder from a form export. Headers are matched to items; "
            "anything uncertain is refused and nothing is written. Berkas asli tidak diubah / the "
            "export itself is never modified."
        ),
    )
    isub = p.add_subparsers(dest="import_command", metavar="SOURCE")
    for name, func, help_text in (
        ("google-forms", import_google_forms, "ekspor Google Forms (CSV/XLSX dari Google Sheets)"),
        ("kobo", import_kobo, "ekspor KoboToolbox / ODK Central (CSV/XLSX)"),
    ):
        a = isub.add_parser(name, help=help_text)
        a.add_argument("file", metavar="FILE", help="berkas ekspor / the export (.csv or .xlsx)")
        a.add_argument("--instrument", required=True, metavar="ID@VERSION",
                       help="mis. / e.g. komunitas-guru@1.0.0 (observasi-pembelajaran@1.0.0: into an existing term)")  # fmt: skip
        a.add_argument("--out", required=True, metavar="DIR",
                       help="folder semester baru / new term folder, e.g. surveys/2026-2")  # fmt: skip
        a.add_argument(
            "--id-column", metavar="COL", help="kolom id responden / respondent id column"
        )
        for key in ("school", "kkg", "district", "level"):
            a.add_argument(f"--{key}-column", metavar="COL", help=f"kolom / column for {key}")
        for key, what in (
            ("lesson", "pelajaran / lesson"),
            ("teacher", "guru yang diamati / observed teacher"),
            ("observer", "pengamat / observer"),
        ):
            a.add_argument(f"--{key}-column", metavar="COL", help=f"rubrik: kolom kode {what} code")
        a.add_argument("--identifier", action="append", default=[], metavar="COL",
                       help="kolom data pribadi lain (disamarkan) / more identifier columns")  # fmt: skip
        a.add_argument("--map", action="append", default=[], metavar="'HEADER=ITEM'",
                       help="tetapkan judul kolom → butir / map a header to an item")  # fmt: skip
        a.add_argument("--ignore", action="append", default=[], metavar="HEADER",
                       help="abaikan kolom (pertanyaan lain) / ignore a header (another question)")  # fmt: skip
        a.add_argument("--mapping", metavar="FILE",
                       help="mapping.csv yang sudah ditinjau / a reviewed mapping.csv")  # fmt: skip
        a.add_argument("--label", action="append", default=[], metavar="'TEXT=CODE'",
                       help="label jawaban tambahan / extra answer label, e.g. 'Setuju sekali=5'")  # fmt: skip
        a.add_argument("--duplicates", choices=("error", "keep-last", "keep-first"), default="error",
                       help="kiriman berulang / repeated submissions (default: error)")  # fmt: skip
        a.add_argument("--threshold", type=float, default=0.85,
                       help="kemiripan minimum / fuzzy similarity needed (default 0.85)")  # fmt: skip
        a.add_argument("--date-order", choices=("auto", "dmy", "mdy"), default="auto",
                       help="urutan tanggal / order of numeric dates (default auto, else day-first)")  # fmt: skip
        a.add_argument("--force", action="store_true",
                       help="ganti berkas di folder yang ada / replace files in an existing folder")  # fmt: skip
        a.add_argument(
            "--sheet", metavar="NAME", help="lembar XLSX / XLSX sheet (default: the first)"
        )
        a.add_argument("--generate-ids", action="store_true",
                       help="beri nomor responden R0001… bila tidak ada kolom id unik (nama tidak pernah jadi id) / number respondents when there is no unique id column")  # fmt: skip
        a.add_argument("--test-rows", choices=("error", "drop", "keep"), default="error",
                       help="kiriman uji coba/kosong / test or blank submissions (default: error = ask)")  # fmt: skip
        a.add_argument("--start-date", metavar="YYYY-MM-DD",
                       help="hari pertama pengisian; kiriman sebelumnya dianggap uji coba / first real day")  # fmt: skip
        a.add_argument("--school-list", metavar="FILE",
                       help="daftar sekolah kabupaten (mis. ekspor Dapodik dengan NPSN) / district school list")  # fmt: skip
        a.add_argument("--title", metavar="TEXT", help="judul survei / survey title")
        a.add_argument("--population", type=int, metavar="N",
                       help="jumlah guru yang diundang (untuk tingkat respons) / teachers invited")  # fmt: skip
        add_lang(a)
        a.set_defaults(func=_runner(func))
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def _runner(func: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        if args.map and args.mapping:
            raise UsageError(Message("cli.both_map_and_mapping"), lang=args.lang)
        labels = {}
        for text in args.label:
            raw, code = _pair(text, "--label", args.lang)
            try:
                labels[raw] = int(code)
            except ValueError:
                raise UsageError(
                    Message("cli.label_code", text=repr(text)), lang=args.lang
                ) from None
        groups = {
            key: getattr(args, f"{key}_column")
            for key in ("school", "kkg", "district", "level")
            if getattr(args, f"{key}_column")
        }
        title, population = _ask(args)
        result = func(
            args.file,
            instrument=args.instrument,
            out=args.out,
            id_column=args.id_column,
            groups=groups,
            identifiers=args.identifier,
            mapping=args.mapping or dict(_pair(m, "--map", args.lang) for m in args.map),
            ignore=args.ignore,
            labels=labels,
            duplicates=args.duplicates,
            threshold=args.threshold,
            lesson_column=args.lesson_column,
            teacher_column=args.teacher_column,
            observer_column=args.observer_column,
            date_order=args.date_order,
            force=args.force,
            sheet=args.sheet,
            generate_ids=args.generate_ids,
            test_rows=args.test_rows,
            start_date=args.start_date,
            school_list=args.school_list,
            title=title,
            population=population,
            lang=args.lang,
        )
        print(result.summary(args.lang))
        return 0

    return run


def _ask(args: argparse.Namespace) -> tuple[str | None, int | None]:
    """Title and population: the options, else asked when a person is at the terminal."""
    title, population = args.title, args.population
    observation = args.instrument.split("@")[0].startswith("observasi")
    if observation or not sys.stdin.isatty():
        return title, population
    if title is None:
        text = input(Message("cli.ask_title").text(args.lang)).strip()
        title = text or None
    while population is None:
        text = input(Message("cli.ask_population").text(args.lang)).strip()
        if not text:
            break
        if text.isdigit() and int(text) > 0:
            population = int(text)
        else:
            print(Message("cli.ask_whole_number").text(args.lang))
    return title, population
