"""Writing an imported term folder atomically, after checking it loads."""

from __future__ import annotations

import secrets
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from dinamika.data.files import sha256_file
from dinamika.data.group_names import GROUPS_FILE
from dinamika.data.survey import MANIFEST, validate_survey
from dinamika.errors import UsageError
from dinamika.i18n.messages import Message
from dinamika.interop._assemble import DATA_FILE
from dinamika.interop._importing import ImportResult
from dinamika.interop._issues import ImportFailed, Issue
from dinamika.interop._observations import OBS_FILE
from dinamika.interop._safe import review_file

__all__ = ["MAPPING_FILE", "OBS_MAPPING_FILE", "ROWS_FILE", "write_import"]

MAPPING_FILE = "mapping.csv"
OBS_MAPPING_FILE = "mapping-observasi.csv"
ROWS_FILE = "rows.csv"


def _other_parts(out: Path) -> dict[str, object]:
    """``observations:``/``interviews:`` sections of an existing manifest (kept on --force)."""
    path = out / MANIFEST
    if not path.is_file():
        return {}
    try:
        current = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError):
        return {}
    if not isinstance(current, dict):
        return {}
    return {k: current[k] for k in ("observations", "interviews") if current.get(k)}


def _manifest_text(
    result: ImportResult, source: Path, command: str, manifest: dict[str, object]
) -> str:
    head = (
        f"# Dibuat oleh / written by: dinamika import {command}\n"
        f"# Sumber / source: {source.name} (sha256 {sha256_file(source)[:16]}…)\n"
        f"# Tinjau / review {MAPPING_FILE}: header → item, how each was matched.\n"
        f"# Tinjau / review {ROWS_FILE}: export rows left out or flagged, and why.\n"
        + (
            f"# Tinjau / review {GROUPS_FILE}: typed school/KKG names → groups (edit 'group').\n"
            if len(result.groups)
            else ""
        )
        + "".join(f"# Pilihan / choice: {c}\n" for c in result.choices)
    )
    body = yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=100)
    return head + body


def write_import(
    result: ImportResult, source: Path, command: str, *, force: bool = False, lang: str = "id"
) -> Path:
    """Write ``survey.yaml``, the data file and ``mapping.csv`` into ``result.out``.

    The files are written into a temporary folder beside ``out``, checked with
    :func:`dinamika.validate_survey`, then moved into place; a failure leaves ``out`` as it was.
    An existing non-empty ``out`` is only replaced with ``force=True`` (its ``observations:`` and
    ``interviews:`` sections and their files are kept, and checked with the new data), and
    never when the export itself lives there under one of the names written.
    """
    out = Path(result.out)
    src = Path(source).resolve()
    if "observations" in result.manifest:
        return _write_observations(result, src, command, force=force, lang=lang)
    names: tuple[str, ...] = (MANIFEST, DATA_FILE, MAPPING_FILE, ROWS_FILE)
    if len(result.groups):
        names += (GROUPS_FILE,)
    if out.exists() and not out.is_dir():
        raise UsageError(Message("import.out_is_file", out=out), lang=lang)
    if any((out / n).resolve() == src for n in names):
        raise UsageError(Message("import.own_input", name=src.name), lang=lang)
    if out.is_dir() and any(out.iterdir()) and not force:
        raise UsageError(Message("import.out_not_empty", out=out), lang=lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        manifest = dict(result.manifest)
        kept = _other_parts(out)  # --force keeps the observations/interviews of the term
        if kept:
            manifest.update(kept)
            for p in out.iterdir():
                if p.is_file() and p.name not in names:
                    shutil.copy2(p, tmp / p.name)
        (tmp / MANIFEST).write_text(
            _manifest_text(result, src, command, manifest), encoding="utf-8"
        )
        _review_csv(result.data, tmp / DATA_FILE, result)
        _review_csv(result.mapping, tmp / MAPPING_FILE, None)
        _review_csv(result.rows, tmp / ROWS_FILE, None)
        if len(result.groups):  # typed names as in the data file, so they match at load
            review_file(result.groups, keep=("name_in_file",)).to_csv(
                tmp / GROUPS_FILE, index=False, encoding="utf-8", lineterminator="\n"
            )
        _validated(tmp, src, lang)
        for n in names:
            (tmp / n).chmod(0o644)
        if not out.exists():
            tmp.chmod(0o755)
            tmp.rename(out)  # atomic: the folder appears complete or not at all
            tmp = out
        else:
            for n in names:
                (tmp / n).replace(out / n)  # each file replaced atomically
    finally:
        if tmp != out and tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out


def _review_csv(frame: pd.DataFrame, path: Path, result: ImportResult | None) -> None:
    """Write a CSV people will open: formulas neutralized (not in the columns the manifest
    names: ids, groups, items, which validation reads as they are), CRs quoted."""
    keep: tuple[str, ...] = ()
    if result is not None:
        from dinamika.data.instruments import load_instrument

        named: set[str] = set()
        for spec in result.manifest.values():
            if not isinstance(spec, dict):
                continue
            roles = ("id", "lesson", "teacher", "observer")
            named |= {str(spec[k]) for k in roles if isinstance(spec.get(k), str)}
            named |= {str(v) for v in (spec.get("groups") or {}).values()}
            named |= {str(v) for v in spec.get("identifiers") or ()}
            if spec.get("instrument"):
                named |= set(load_instrument(str(spec["instrument"])).item_ids)
        keep = tuple(c for c in frame.columns if c in named)
    review_file(frame, keep=keep).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def _validated(folder: Path, src: Path, lang: str = "id") -> None:
    report = validate_survey(folder, key=secrets.token_hex(16))
    if not report.ok:
        raise ImportFailed(src.name, [Issue.of(p) for p in report.errors], lang)


def _write_observations(
    result: ImportResult, src: Path, command: str, *, force: bool, lang: str = "id"
) -> Path:
    """Add lesson observations to an existing term: data, mapping, and the manifest's section."""
    out = Path(result.out)
    manifest_path = out / MANIFEST
    if not manifest_path.is_file():
        raise UsageError(Message("import.no_term_yet", out=out), lang=lang)
    text = manifest_path.read_text(encoding="utf-8-sig")
    current = yaml.safe_load(text)
    if not isinstance(current, dict):
        raise UsageError(Message("import.manifest_not_mapping", path=manifest_path), lang=lang)
    names = (OBS_FILE, OBS_MAPPING_FILE)
    if any((out / n).resolve() == src for n in (*names, MANIFEST)):
        raise UsageError(Message("import.own_input_move", name=src.name), lang=lang)
    if (current.get("observations") or any((out / n).exists() for n in names)) and not force:
        raise UsageError(Message("import.has_observations", out=out), lang=lang)
    current["observations"] = dict(result.manifest["observations"])
    comments = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    head = (
        f"# Pengamatan / observations: dinamika import {command} from {src.name} "
        f"(sha256 {sha256_file(src)[:16]}…); review {OBS_MAPPING_FILE}\n"
    )
    body = yaml.safe_dump(current, sort_keys=False, allow_unicode=True, width=100)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        for p in out.iterdir():
            if p.is_file():
                shutil.copy2(p, tmp / p.name)
        (tmp / MANIFEST).write_text(comments + head + body, encoding="utf-8")
        _review_csv(result.data, tmp / OBS_FILE, result)
        _review_csv(result.mapping, tmp / OBS_MAPPING_FILE, None)
        _validated(tmp, src, lang)
        for n in (*names, MANIFEST):  # the manifest last: it never names a missing file
            (tmp / n).chmod(0o644)
            (tmp / n).replace(out / n)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out
