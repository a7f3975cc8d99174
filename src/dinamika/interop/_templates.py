"""The HTML templates of the printable instruments and the codebook (autoescaped Jinja2)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

__all__ = ["template"]


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def template(name: str) -> jinja2.Template:
    """The template ``templates/<name>`` (loaded once, then cached by Jinja2)."""
    return _environment().get_template(name)
