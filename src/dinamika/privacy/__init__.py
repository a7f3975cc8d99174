"""Privacy: pseudonyms at load, small-cell suppression and scrubbing of tables, leak search.

- ``pseudonym``: keyed HMAC-SHA256 pseudonyms and identifier detection.
- ``outputs``: ``suppress``, ``suppress_nested``, ``scrub`` and the final ``find_leaks`` search.
"""

from __future__ import annotations

from dinamika.privacy.outputs import (
    IDENTIFIER_COLUMNS,
    SAFE_TEXT_COLUMNS,
    PrivacyError,
    find_leaks,
    group_means,
    scrub,
    secrets_of,
    suppress,
    suppress_nested,
)

__all__ = [
    "IDENTIFIER_COLUMNS",
    "SAFE_TEXT_COLUMNS",
    "PrivacyError",
    "find_leaks",
    "group_means",
    "scrub",
    "secrets_of",
    "suppress",
    "suppress_nested",
]
