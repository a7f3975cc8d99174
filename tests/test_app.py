"""The no-code page (``dinamika app``): its steps without widgets, then the whole flow in a real
browser (Playwright driving Debian's chromium against the real Voilà server)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from dinamika import load_instrument, load_survey
from dinamika.app.server import voila_command
from dinamika.app.session import (
    MAX_UPLOAD_BYTES,
    AppSession,
    review_group,
    safe_name,
)
from dinamika.errors import UsageError
from dinamika.interop import ImportFailed

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "app"
INSTRUMENT = "komunitas-guru@1.0.0"
#: A header cut short in the form: similar to SP3 but below the importer's threshold.
CUT_HEADER = "Saya merasa aman mengakui kesulitan mengajar di"
LABELS = ["Sangat Tidak Setuju", "Tidak Setuju", "Netral", "Setuju", "Sangat Setuju"]


def messy_export(path: Path, n: int = 30) -> Path:
    """A Google Forms CSV as teachers leave it: Indonesian headers with numbering, one header
    cut short (SP3), label answers, one teacher who submitted twice."""
    inst = load_instrument(INSTRUMENT)
    header = ["Stempel waktu", "Alamat email", "Nama sekolah"]
    for k, item in enumerate(inst.items, start=1):
        header.append(CUT_HEADER if item.id == "SP3" else f"{k}. {item.text['id']}")
    rows = []
    for r in range(n):
        answers = [LABELS[(r * 7 + j * 3 + (r % 3) * j) % 5] for j in range(len(inst.items))]
        stamp = f"{1 + r % 27:02d}/11/2026 {8 + r % 9:02d}:{r % 60:02d}:00"
        school = ["SD Negeri 1 Cilegon", "SD Negeri 2 Cilegon", "SD Negeri 3 Cilegon"][r % 3]
        if r in (3, 9):  # typed the other way round by two teachers: a pair to review
            school = "SD Negeri Cilegon 1"
        rows.append([stamp, f"guru{r:02d}@sekolah.id", school, *answers])
    again = list(rows[4])
    again[0] = "28/11/2026 16:30:00"
    again[5] = LABELS[0]
    rows.append(again)
    pd.DataFrame(rows, columns=header).to_csv(path, index=False)
    return path


# -- steps, no browser ---------------------------------------------------------------------------
def test_safe_name_keeps_every_output_inside_the_data_folder() -> None:
    for text in ("../../etc/passwd", "/abs/path", "a\\b", "..", "con:tent", "\x1b[31mred"):
        name = safe_name(text)
        assert "/" not in name and "\\" not in name and not name.startswith(".")
        assert re.fullmatch(r"[a-z0-9._-]+", name), name
    assert safe_name("Semester Genap 2026/2027") == "semester-genap-2026-2027"


def test_session_refuses_large_and_unknown_uploads(tmp_path: Path) -> None:
    s = AppSession(tmp_path / "data")
    with pytest.raises(UsageError, match="terlalu besar"):
        s.save_upload("jawaban.csv", b"x" * (MAX_UPLOAD_BYTES + 1))
    with pytest.raises(UsageError, match="bukan CSV atau XLSX"):
        s.save_upload("jawaban.exe", b"MZ")
    en = AppSession(tmp_path / "data", lang="en")
    with pytest.raises(UsageError, match="too large"):
        en.save_upload("jawaban.csv", b"x" * (MAX_UPLOAD_BYTES + 1))
    assert not (tmp_path / "data" / "unggahan").exists() or not any(
        (tmp_path / "data" / "unggahan").iterdir()
    )


def test_session_flow_writes_the_folder_the_cli_writes(tmp_path: Path) -> None:
    export = messy_export(tmp_path / "Jawaban Formulir.csv")
    s = AppSession(tmp_path / "data")
    s.choose_instrument(INSTRUMENT)
    saved = s.save_upload(export.name, export.read_bytes())
    assert saved.parent == (tmp_path / "data" / "unggahan").resolve()
    assert saved.read_bytes() == export.read_bytes()  # the upload is kept as it came
    assert [m.header for m in s.open_headers()] == [CUT_HEADER]
    assert s.open_headers()[0].candidates[0][0] == "SP3"  # the nearest item is offered first

    with pytest.raises(ImportFailed) as failed:  # the CLI's checks: nothing is guessed
        s.import_term("2026-1")
    text = str(failed.value)
    assert CUT_HEADER in text and "tidak ada berkas yang ditulis" in text
    assert not (tmp_path / "data" / "2026-1").exists()

    s.choose_item(CUT_HEADER, "SP3")
    result = s.import_term("2026-1", duplicates="keep-last", title="Semester 1", population=40)
    assert result.n_read == 31 and result.n_written == 30
    survey = load_survey(tmp_path / "data" / "2026-1")
    assert len(survey.responses) == 30
    import yaml

    manifest = yaml.safe_load((tmp_path / "data" / "2026-1" / "survey.yaml").read_text("utf-8"))
    assert manifest["population"] == {"teachers": 40}
    assert manifest["title"]["id"] == "Semester 1"

    # two spellings of one school: proposed, merged only when the user says so
    assert s.group_pairs() == [("school", "SD Negeri Cilegon 1", "SD Negeri 1 Cilegon")]
    assert load_survey(tmp_path / "data" / "2026-1").responses["school"].nunique() == 4
    s.review_group("school", "SD Negeri Cilegon 1", "SD Negeri 1 Cilegon", merge=True)
    assert s.group_pairs() == []
    assert load_survey(tmp_path / "data" / "2026-1").responses["school"].nunique() == 3

    # the command shown on the page writes the same files
    command = s.cli_command(duplicates="keep-last", title="Semester 1", population=40)
    assert "--map" in command and "SP3" in command and "--duplicates keep-last" in command
    assert "--population 40" in command
    cli_out = tmp_path / "cli"
    from dinamika import cli

    assert cli.main(["import", "google-forms", str(saved), "--instrument", INSTRUMENT,
                     "--out", str(cli_out / "2026-1"), "--map", f"{CUT_HEADER}=SP3",
                     "--duplicates", "keep-last", "--title", "Semester 1",
                     "--population", "40"]) == 0  # fmt: skip
    review_group(cli_out / "2026-1", "school", "SD Negeri Cilegon 1", "SD Negeri 1 Cilegon",
                 merge=True)  # fmt: skip
    for name in ("survey.yaml", "kuesioner.csv", "mapping.csv", "groups.csv"):
        assert (cli_out / "2026-1" / name).read_bytes() == (
            tmp_path / "data" / "2026-1" / name
        ).read_bytes(), name


def test_server_listens_on_localhost_with_a_token() -> None:
    cmd = voila_command(8866, "tok")
    assert "--Voila.ip=127.0.0.1" in cmd and "--token=tok" in cmd
    assert "--no-browser" in cmd and "--show_tracebacks=False" in cmd


def test_cli_help_describes_the_app(capsys: pytest.CaptureFixture[str]) -> None:
    from dinamika import cli

    with pytest.raises(SystemExit):
        cli.main(["app", "--help"])
    out = capsys.readouterr().out
    assert "127.0.0.1" in out and "--data" in out and "--no-browser" in out


# -- the whole flow in a real browser --------------------------------------------------------------
def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def app_server(tmp_path: Path):
    pytest.importorskip("voila")
    data = tmp_path / "data"
    proc = subprocess.Popen(
        [sys.executable, "-m", "dinamika.cli", "app", "--no-browser", "--data", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")},
        start_new_session=True,
    )
    url = None
    deadline = time.monotonic() + 120
    assert proc.stdout is not None
    while time.monotonic() < deadline and url is None:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        found = re.search(r"(http://127\.0\.0\.1:\d+/\?token=\S+)", line)
        url = found[1] if found else None
    try:
        assert url, "dinamika app did not print its address"
        yield url, data
    finally:
        proc.terminate()  # the command stops its Voilà server and kernels itself ...
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        leftover = _running_in(data)  # the server and its kernels run in the data folder
        for pid in leftover:  # nothing may outlive the test, even a failed one
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        assert not leftover, f"processes left running in {data}: {leftover}"


def _running_in(folder: Path, wait: float = 10.0) -> list[int]:
    """Processes whose working folder is ``folder`` (after waiting up to ``wait`` s for them)."""
    deadline = time.monotonic() + wait
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    if (entry / "cwd").readlink() == folder.resolve():
                        found.append(int(entry.name))
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


@pytest.mark.browser
@pytest.mark.slow
def test_whole_flow_in_a_real_browser(app_server, tmp_path: Path) -> None:
    browser_path = _chromium()
    if browser_path is None:
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    url, data = app_server
    export = messy_export(tmp_path / "Jawaban Formulir.csv")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=browser_path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1100, "height": 1400}, accept_downloads=True)
        bare = url.split("?")[0]
        page.goto(bare)  # without the token: no page
        assert "dinamika" not in page.content()
        page.goto(url)
        page.wait_for_selector(".dm-app", timeout=120_000)
        assert "Pilih kuesioner" in page.inner_text(".dm-app")  # Indonesian by default
        page.screenshot(path=str(ARTIFACTS / "1-mulai.png"), full_page=True)

        with page.expect_file_chooser() as chooser:
            page.click(".dm-upload")
        chooser.value.set_files(str(export))
        page.wait_for_selector(".dm-header-0 select", timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "2-judul-kolom.png"), full_page=True)
        page.wait_for_function("document.querySelectorAll('.dm-header-0 option').length > 2")
        texts = page.eval_on_selector_all(".dm-header-0 option", "os => os.map(o => o.text)")
        sp3 = next(k for k, o in enumerate(texts) if o.replace("\xa0", " ").startswith("SP3 "))
        page.select_option(".dm-header-0 select", index=sp3)  # the nearest item, offered by name

        page.fill(".dm-term input", "2026-1")
        page.fill(".dm-title input", "Semester 1")
        page.fill(".dm-population input", "40")
        page.press(".dm-population input", "Tab")
        page.click(".dm-import")  # duplicates still "stop and show"
        page.wait_for_selector(".dm-error", timeout=60_000)
        assert "guru04@sekolah.id" not in page.inner_text(".dm-status")  # ids never shown raw
        page.screenshot(path=str(ARTIFACTS / "3-kiriman-ganda.png"), full_page=True)
        page.select_option(".dm-duplicates select", index=1)  # keep the latest
        page.click(".dm-import")
        page.wait_for_selector(".dm-ok", timeout=60_000)
        assert "30 dari 31" in page.inner_text(".dm-status")
        page.wait_for_selector(".dm-merge-0 input", timeout=60_000)  # two spellings of a school
        assert page.is_checked(".dm-merge-0 input")
        page.screenshot(path=str(ARTIFACTS / "4-data-siap.png"), full_page=True)
        page.click(".dm-groups-save")  # accept the merge
        page.wait_for_selector(".dm-groups-done", timeout=60_000)

        page.click(".dm-report")
        page.wait_for_selector(".dm-download-link", timeout=300_000)
        page.screenshot(path=str(ARTIFACTS / "5-laporan.png"), full_page=True)
        with page.expect_download() as info:
            page.click(".dm-download-link")
        downloaded = tmp_path / "unduhan.html"
        info.value.save_as(downloaded)
        browser.close()
    seconds = time.monotonic() - started

    # The same decisions through the CLI give the same report, byte for byte.
    from dinamika import cli

    term = tmp_path / "cli" / "2026-1"
    upload = data / "unggahan" / "jawaban-formulir.csv"  # the export as the page kept it
    assert upload.read_bytes() == export.read_bytes()
    assert cli.main(["import", "google-forms", str(upload), "--instrument", INSTRUMENT, "--out",
                     str(term), "--map", f"{CUT_HEADER}=SP3", "--duplicates", "keep-last",
                     "--title", "Semester 1", "--population", "40"]) == 0  # fmt: skip
    review_group(term, "school", "SD Negeri Cilegon 1", "SD Negeri 1 Cilegon", merge=True)
    assert load_survey(term).responses["school"].nunique() == 3
    cli_report = tmp_path / "cli-laporan.html"
    assert cli.main(["report", str(term), "--out", str(cli_report), "--quiet"]) == 0
    assert downloaded.read_bytes() == cli_report.read_bytes()
    assert (data / "laporan" / "laporan-2026-1.html").read_bytes() == cli_report.read_bytes()
    written = {p.relative_to(data).parts[0] for p in data.rglob("*") if p.is_file()}
    assert written <= {"unggahan", "2026-1", "laporan"}, written
    (ARTIFACTS / "waktu.txt").write_text(f"upload to download: {seconds:.1f} s\n", encoding="utf-8")


def test_session_trend_report_over_earlier_terms_of_the_data_folder(tmp_path: Path) -> None:
    from dinamika.data.resources import surveys_dir

    data = tmp_path / "data"
    shutil.copytree(surveys_dir() / "contoh-2025-1", data / "contoh-2025-1")
    s = AppSession(data)
    s.term_dir = data / "contoh-2025-2"
    shutil.copytree(surveys_dir() / "contoh-2025-2", s.term_dir)
    assert s.earlier_terms() == ["contoh-2025-1"]
    with pytest.raises(UsageError, match="tidak ada folder semester") as raised:
        s.make_report(earlier=["../etc"])
    assert "no term folder" in raised.value.text("en")
    steps: list[tuple[int, int]] = []
    path = s.make_report(earlier=["contoh-2025-1"], progress=lambda i, n, _: steps.append((i, n)))
    assert path == data / "laporan" / "tren-contoh-2025-1_contoh-2025-2.html"
    assert path.is_file() and steps and steps[-1][0] == steps[-1][1]
    with pytest.raises(UsageError, match="satu semester"):
        s.make_report(earlier=["contoh-2025-1"], per_school=True)
    pages = s.make_report(per_school=True)
    assert pages.parent == data / "laporan" and pages.is_file() and pages != path
