"""Pseudonymization of direct identifiers at load time (keyed HMAC-SHA256).

The key never lives in the repository or the data folder: it is passed in, read from the
environment variable ``DINAMIKA_PSEUDONYM_KEY``, or from the file that
``DINAMIKA_PSEUDONYM_KEY_FILE`` names. With the same key the same identifier always gets the
same pseudonym, so terms can be linked; without the key a pseudonym cannot be reversed.
"""

from __future__ import annotations

import hmac
import os
import re
import secrets
from pathlib import Path

import numpy as np
import pandas as pd

from dinamika.errors import UsageError

__all__ = [
    "IDENTIFIER_HINTS",
    "key_file_inside",
    "looks_like_identifier",
    "pseudonymize",
    "resolve_key",
]

ENV_KEY = "DINAMIKA_PSEUDONYM_KEY"
ENV_KEY_FILE = "DINAMIKA_PSEUDONYM_KEY_FILE"

#: Column names that are direct identifiers even when the manifest forgets to say so.
IDENTIFIER_HINTS = re.compile(
    r"^(nama|name|nama[_ ]lengkap|full[_ ]?name|nip|nuptk|nik|nisn|email|e-mail|surel|"
    r"alamat[_ ]?email|email[_ ]address|telepon|telp|phone|no[_ ]?hp|hp|nomor[_ ]?hp|"
    r"whatsapp|wa|no[_ ]?wa|alamat|address)$",
    re.IGNORECASE,
)


#: Words that mark a header as personal data wherever they stand ("Nomor HP / WA", "NIP Bapak/Ibu").
_IDENTIFIER_WORDS = frozenset(
    {"nip", "nuptk", "nik", "nisn", "email", "e-mail", "surel", "hp", "wa", "whatsapp",
     "telepon", "telp", "phone", "ponsel"}
)  # fmt: skip
_PERSON = re.compile(
    r"^nama\b(?!\s*(sekolah|kkg|mgmp|gugus|kabupaten|kota|kecamatan|madrasah))", re.I
)


def looks_like_identifier(column: str) -> bool:
    """True for column names such as ``nama``, ``NIP``, ``Email Address``, ``Nomor HP / WA``.

    Whole-name matches (``IDENTIFIER_HINTS``), then words anywhere in the header, then
    ``Nama …`` unless it names a school or group.

    >>> looks_like_identifier("Email Address"), looks_like_identifier("Nomor HP / WA")
    (True, True)
    >>> looks_like_identifier("sekolah"), looks_like_identifier("Nama sekolah")
    (False, False)
    >>> looks_like_identifier("Nama lengkap Bapak/Ibu")
    True
    """
    name = column.strip()
    if IDENTIFIER_HINTS.match(name):
        return True
    words = set(re.split(r"[^0-9a-z-]+", name.casefold()))
    return bool(words & _IDENTIFIER_WORDS) or bool(_PERSON.match(name))


def resolve_key(
    key: str | bytes | None = None, key_file: str | Path | None = None
) -> tuple[bytes, bool]:
    """The pseudonymization key and whether it is ephemeral (random for this run only).

    Order: ``key``, ``key_file``, ``$DINAMIKA_PSEUDONYM_KEY``, ``$DINAMIKA_PSEUDONYM_KEY_FILE``,
    else a random key.
    """
    if key is not None:
        raw = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    elif key_file is not None or os.environ.get(ENV_KEY_FILE):
        path = Path(key_file if key_file is not None else os.environ[ENV_KEY_FILE])
        try:
            raw = path.read_bytes().strip()
        except OSError as exc:
            raise UsageError(
                f"cannot read the pseudonymization key file {path}: {exc.strerror}"
            ) from None
    elif os.environ.get(ENV_KEY):
        raw = os.environ[ENV_KEY].encode("utf-8")
    else:
        return secrets.token_bytes(32), True
    if len(raw) < 16:
        raise UsageError(
            "the pseudonymization key is too short: use at least 16 characters "
            "(e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)"
        )
    return raw, False


def key_file_inside(folder: str | Path, key_file: str | Path | None = None) -> bool:
    """True when the key file in use (``key_file`` or ``$DINAMIKA_PSEUDONYM_KEY_FILE``) lies
    inside ``folder``: whoever gets the data folder would get the key with it."""
    name = key_file if key_file is not None else os.environ.get(ENV_KEY_FILE)
    if not name:
        return False
    try:
        return Path(name).resolve().is_relative_to(Path(folder).resolve())
    except OSError:
        return False


def pseudonymize(values: pd.Series, key: bytes, *, prefix: str = "p") -> pd.Series:
    """Replace each non-empty value by ``prefix-`` + 16 hex characters of HMAC-SHA256.

    Values are normalized first (spaces trimmed and folded, case folded), so
    ``" Guru@Sekolah.id"`` and ``"guru@sekolah.id"`` get the same pseudonym.

    >>> s = pseudonymize(pd.Series(["Guru A", "Guru A", ""]), b"0123456789abcdef")
    >>> s[0] == s[1], s[0].startswith("p-"), s[2]
    (True, True, '')
    """
    normalized = values.astype(str).str.replace(r"\s+", " ", regex=True).str.strip().str.casefold()
    # distinct identifiers only; HMAC has no vectorized form, hmac.digest is its fast C path
    index, uniques = pd.factorize(normalized, use_na_sentinel=False)
    digest = hmac.digest
    out = np.array(
        [
            ""
            if raw == ""
            else f"{prefix}-" + digest(key, raw.encode("utf-8"), "sha256").hex()[:16]
            for raw in uniques.tolist()
        ],
        dtype=object,
    )
    return pd.Series(out[index], index=values.index, dtype=normalized.dtype)
