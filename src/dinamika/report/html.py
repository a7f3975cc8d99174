"""Executed notebook → one self-contained HTML file (code hidden, images embedded, no scripts).

Uses nbconvert's JupyterLab template with every script block emptied (``templates/``), so the
file has no ``<script>`` and no external URL and works offline when e-mailed. The output is
byte-stable: cell ids are renumbered, the title is set, parameter cells are removed and
kernel stderr streams (warnings) never reach the page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from dinamika.errors import DinamikaError
from dinamika.report.kernel import INJECTED_TAG, PARAMETERS_TAG, renumber

__all__ = ["check_offline", "strip_streams", "to_html"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
# only inside a real tag: escaped text (a school named "<a href=http://…>") is inert
_EXTERNAL = re.compile(r"""<[^<>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)


def strip_streams(nb: Any) -> list[str]:
    """Remove stderr stream outputs in place; returns their text (for the terminal)."""
    messages: list[str] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                messages.append(str(out.get("text", "")))
            else:
                kept.append(out)
        cell["outputs"] = kept
        cell.pop("execution_count", None)
        cell["execution_count"] = None
        cell.metadata.pop("execution", None)
    return messages


def to_html(nb: Any, *, title: str, lang: str) -> str:
    """Convert an executed notebook to the report's HTML text."""
    renumber(nb)
    nb.metadata["title"] = title
    exporter = HTMLExporter(
        template_name="lab",
        template_file="dinamika.html.j2",
        extra_template_paths=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_markdown=True,
        embed_images=True,
        anchor_link_text="",
        language_code=lang,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags={PARAMETERS_TAG, INJECTED_TAG}, enabled=True),
        enabled=True,
    )
    resources = {
        "metadata": {"name": title},
        "dinamika_css": (TEMPLATES / "dinamika.css").read_text(encoding="utf-8"),
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    check_offline(body)
    return str(body)


def check_offline(text: str) -> None:
    """Raise when the HTML would run a script or load anything from the network."""
    if re.search(r"<script\b", text, re.IGNORECASE):
        raise DinamikaError("internal error: the report HTML contains a <script> element")
    if _EXTERNAL.search(text):
        raise DinamikaError("internal error: the report HTML refers to an external URL")
