"""Pseudonymization of direct identifiers at load time (keyed HMAC-SHA256).

The key never lives in the repository or the data folder: it is passed in, read from the
environment variable ``DINAMIKA_PSEUDONYM_KEY``, or from the file that
``DINAMIKA_PSEUDONYM_KEY_FILE`` names. With the same key the same identifier always gets the
same pseudonym, so terms can be linked; without the key a pseudonym cannot be reversed.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dinamika.errors import UsageError
from dinamika.i18n.messages import Message

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
                Message("privacy.key_unreadable", path=path, detail=exc.strerror), lang="en"
            ) from None
    elif os.environ.get(ENV_KEY):
        raw = os.environ[ENV_KEY].encode("utf-8")
    else:
        return secrets.token_bytes(32), True
    if len(raw) < 16:
        raise UsageError(Message("privacy.key_short"), lang="en")
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


def _arrow_text(text: pd.Series) -> pa.Array:
    """A column of text (``values.astype(str)``) as one Arrow string array (nulls stay null)."""
    arr = getattr(text, "array", None)
    if arr is not None and hasattr(arr, "__arrow_array__"):
        out = pa.array(arr)
    else:
        out = pa.array(text.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    if isinstance(out, pa.ChunkedArray):
        out = out.combine_chunks()
    return out.cast(pa.large_string())  # pandas' own string type: no copy


#: Python's ``\s`` (and ``str.isspace``) on ASCII characters.
_ASCII_SPACE = r"[\t\n\x0b\x0c\r\x1c-\x1f ]+"
_SPACES = re.compile(r"\s+")
#: where folding changes something: a whitespace other than " ", or two in a row
_ASCII_RUN = r"[\t\n\x0b\x0c\r\x1c-\x1f]|  "


def normalize_identifiers(values: pa.Array) -> pa.Array:
    r"""Spaces folded and trimmed, case folded: the form an identifier is hashed in.

    ASCII strings are normalized by Arrow kernels, the distinct others by Python
    (``re.sub(r"\s+", " ", v).strip().casefold()``), with the same result.
    """
    out = values
    if pc.any(pc.match_substring_regex(values, _ASCII_RUN)).as_py():
        out = pc.replace_substring_regex(values, _ASCII_SPACE, " ")
    out = pc.ascii_lower(pc.utf8_trim(out, " "))
    other = pc.invert(pc.fill_null(pc.string_is_ascii(values), True))
    if not pc.any(other).as_py():
        return out
    typed = pc.dictionary_encode(values.filter(other))
    done = [_SPACES.sub(" ", v).strip().casefold() for v in typed.dictionary.to_pylist()]
    fixed = pa.array(done, type=out.type).take(typed.indices)
    return pc.replace_with_mask(out, other, fixed)


def hmac_sha256_many(key: bytes, messages: list[bytes]) -> bytes:
    """HMAC-SHA256 of each message, the 32-byte digests concatenated.

    HMAC has no vectorized form; this is RFC 2104 with the key's inner and outer SHA-256
    states computed once and copied per message (about twice as fast as ``hmac.digest``,
    which sets the key up again for every message). Checked against ``hmac.digest``.
    """
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    padded = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))
    icopy, ocopy = inner.copy, outer.copy

    def one(message: bytes) -> bytes:
        h = icopy()
        h.update(message)
        o = ocopy()
        o.update(h.digest())
        return o.digest()

    out = b"".join(map(one, messages))
    if messages and out[:32] != hmac.digest(key, messages[0], "sha256"):  # pragma: no cover
        raise RuntimeError("hashlib's SHA-256 state copies do not give HMAC-SHA256")
    return out


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def _labels(prefix: str, digests: bytes) -> pa.Array:
    """``prefix-`` + the first 16 hex characters of each 32-byte digest, as Arrow strings."""
    head = prefix.encode("utf-8") + b"-"
    raw = np.frombuffer(digests, dtype=np.uint8).reshape(-1, 32)[:, :8]
    width = len(head) + 16
    buf = np.empty((raw.shape[0], width), dtype=np.uint8)
    buf[:, : len(head)] = np.frombuffer(head, dtype=np.uint8)
    buf[:, len(head) :: 2] = _HEX[raw >> 4]
    buf[:, len(head) + 1 :: 2] = _HEX[raw & 15]
    offsets = np.arange(raw.shape[0] + 1, dtype=np.int32) * width
    return pa.StringArray.from_buffers(
        raw.shape[0], pa.py_buffer(offsets.tobytes()), pa.py_buffer(buf.tobytes())
    )


def pseudonymize(values: pd.Series, key: bytes, *, prefix: str = "p") -> pd.Series:
    """Replace each non-empty value by ``prefix-`` + 16 hex characters of HMAC-SHA256.

    Values are normalized first (spaces trimmed and folded, case folded), so
    ``" Guru@Sekolah.id"`` and ``"guru@sekolah.id"`` get the same pseudonym. Each distinct
    value is hashed once; everything else is done on whole Arrow arrays.

    >>> s = pseudonymize(pd.Series(["Guru A", "Guru A", ""]), b"0123456789abcdef")
    >>> s[0] == s[1], s[0].startswith("p-"), s[2]
    (True, True, '')
    """
    text = values.astype(str)
    norm = normalize_identifiers(_arrow_text(text))
    if _mostly_distinct(norm):  # names, NIPs: hashing all beats finding the distinct ones
        out = _hashed(norm, key, prefix)
    else:
        enc = pc.dictionary_encode(norm)
        out = _hashed(enc.dictionary, key, prefix).take(enc.indices)
    return pd.Series(pd.array(out, dtype=text.dtype), index=values.index)


def _mostly_distinct(values: pa.Array, sample: int = 20_000) -> bool:
    """Whether a large column looks unique (judged on its first ``sample`` values); only the
    speed depends on it, never the pseudonyms."""
    if len(values) < 4 * sample:
        return False
    return bool(pc.count_distinct(values.slice(0, sample)).as_py() > 0.9 * sample)


def _hashed(values: pa.Array, key: bytes, prefix: str) -> pa.Array:
    """The pseudonym of each value ("" stays "", null stays null)."""
    nonempty = np.asarray(
        pc.fill_null(pc.not_equal(values, ""), False).to_numpy(zero_copy_only=False), dtype=bool
    )
    messages = values.filter(pa.array(nonempty)).cast(pa.binary()).to_pylist()
    hashed = _labels(prefix, hmac_sha256_many(key, messages))
    slot = np.where(nonempty, np.cumsum(nonempty) - 1, len(hashed))  # "" after the digests
    out = pa.concat_arrays([hashed, pa.array([""], type=pa.string())]).take(slot)
    if values.null_count:
        out = pc.if_else(pc.is_valid(values), out, pa.scalar(None, out.type))
    return out
