"""Stage 1 — data in: instruments and their versions, term folders, manifests, files, validation.

- ``instruments``: load and list versioned, bilingual instruments (``load_instrument``).
- ``versions``: compare two instrument versions (``diff_instruments``).
- ``survey``: load and validate a term folder (``load_survey``, ``validate_survey``).
- ``manifest``: read ``survey.yaml``; ``files``: read CSV/XLSX and write files atomically.
- ``checks``: the per-file checks; ``likert``: answer labels to codes.
- ``validation``: ``Problem`` and ``ValidationReport`` (every problem with file, row, column, fix).
- ``resources``: where the bundled instruments, example terms and notebooks live.

Modules here know nothing of statistics.
"""
