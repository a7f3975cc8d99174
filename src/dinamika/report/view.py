"""What a report notebook shows: headings, sentences, tables and figures in one language.

Used inside the report notebooks (``from dinamika.report.pipeline import View``). Every table passes
through :func:`dinamika.privacy.outputs.scrub` and is HTML-escaped; every figure is a PNG rendered here,
or inline SVG where a browser check needs its geometry (fixed hash salt: no random ids, no date),
closed after display.
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pandas as pd

from dinamika.errors import DinamikaError
from dinamika.i18n import check_lang, column_label, fmt_int, fmt_num, t
from dinamika.i18n.messages import Message
from dinamika.privacy.outputs import scrub
from dinamika.report.params import DEFAULTS

__all__ = ["View"]

Labels = Mapping[str, Mapping[str, str]]
_P_COLUMNS = frozenset({"p", "p_adjusted", "pvalue", "p_delta"})


def _display_html(markup: str) -> None:
    from IPython.display import HTML, display

    display(HTML(markup))


class View:
    """Renders report pieces in ``lang`` (``id`` or ``en``).

    Parameters
    ----------
    lang : {"id", "en"}
    min_cell : int
        The suppression threshold (quoted in the privacy note).
    labels : mapping, optional
        Extra display names for columns and values (scale ids, aspect ids) in both languages.
    """

    def __init__(
        self, lang: str = "id", *, min_cell: int = DEFAULTS.min_cell, labels: Labels | None = None
    ):
        self.lang = check_lang(lang)
        self.min_cell = int(min_cell)
        self.labels: dict[str, Mapping[str, str]] = dict(labels or {})
        self.emit = _display_html

    # --- words --------------------------------------------------------------------------------
    def t(self, key: str, **fields: object) -> str:
        """Text ``key`` in the report language."""
        return t(key, self.lang, **fields)

    def num(self, value: object, digits: int = 2) -> str:
        """A number in the report language's format."""
        return fmt_num(value, self.lang, digits)

    def label(self, key: str) -> str:
        """Display name of an id (scale, aspect, construct) or a column; falls back to ``key``."""
        if key in self.labels:
            return str(self.labels[key][self.lang])
        try:
            return column_label(key, self.lang)
        except DinamikaError:
            return key

    def problem_kind(self, code: str) -> str:
        """What a validation warning is about, without its values (no data reach the report)."""
        import re

        from dinamika.i18n import MESSAGES, TEXT

        if "problem_" + code in TEXT:  # a short wording without the values' placeholders
            return self.t("problem_" + code)
        entry = MESSAGES.get("problem." + code)
        if entry is None:
            return code
        what = entry[self.lang]
        return re.sub(r"\s*\{[^}]+\}\s*", " … ", what).strip()

    def add_labels(self, labels: Labels) -> None:
        """Register more display names."""
        self.labels.update(labels)

    # --- blocks -------------------------------------------------------------------------------
    def title(self, text: str, subtitle: str | None = None) -> None:
        """The report title (``<h1>``) with an optional subtitle."""
        sub = f'<p class="dk-subtitle">{html.escape(subtitle)}</p>' if subtitle else ""
        self.emit(f"<h1>{html.escape(text)}</h1>{sub}")

    def heading(self, key: str) -> None:
        """A section heading from :data:`dinamika.i18n.TEXT`."""
        self.emit(f"<h2>{html.escape(self.t(key))}</h2>")

    def subheading(self, text: str) -> None:
        """A sub-section heading (already translated)."""
        self.emit(f"<h3>{html.escape(text)}</h3>")

    def page_heading(self, text: str) -> None:
        """A sub-heading that starts a new printed page (one feedback page per group)."""
        self.emit(f'<h3 class="dk-pagebreak">{html.escape(text)}</h3>')

    def text(self, text: str) -> None:
        """A paragraph (plain text; escaped)."""
        self.emit(f"<p>{html.escape(text)}</p>")

    def note(self, text: str, kind: str = "note") -> None:
        """A highlighted note: ``note`` (amber), ``privacy`` (blue) or ``missing`` (grey)."""
        self.emit(f'<p class="dk-{kind}">{html.escape(text)}</p>')

    def findings(self, items: Sequence[tuple[str, str]]) -> None:
        """A numbered list of findings, each with the rule that made it in small print."""
        rows = "".join(
            f'<li><p>{html.escape(text)}</p><p class="dk-rule">{html.escape(rule)}</p></li>'
            for text, rule in items
        )
        self.emit(f'<ol class="dk-findings">{rows}</ol>')

    def unavailable(self, what: str) -> None:
        """One line saying the analysis ``what`` does not exist in this dinamika."""
        self.note(self.t("not_available", what=self.t(what)), "missing")

    def no_data(self, what: str) -> None:
        """One line saying the term has no data of kind ``what``."""
        self.note(self.t("no_data", what=self.t(what)), "missing")

    @contextlib.contextmanager
    def guard(self) -> Iterator[None]:
        """Run a section; an error becomes a one-line note instead of stopping the report.

        The error is also written to stderr (shown in the terminal, never in the report).
        """
        try:
            yield
        except Exception as exc:  # a section must not take the whole report down
            reason = self.reason(exc)
            detail = exc.text(self.lang) if isinstance(exc, DinamikaError) else str(exc)
            failed = Message("report.section_failed", error=f"{type(exc).__name__}: {detail}")
            print(f"dinamika report: {failed.text(self.lang)}", file=sys.stderr)
            self.note(self.t("failed", reason=reason), "missing")

    def reason(self, exc: BaseException) -> str:
        """Why an analysis failed, in the report language.

        An error raised with a catalogue message is shown in the report's language; other
        messages are English, so an Indonesian report points to the terminal instead of mixing
        languages (the message is printed there).
        """
        if isinstance(exc, DinamikaError) and exc.message is not None:
            return exc.text(self.lang).splitlines()[0][:300]
        if self.lang == "en" and isinstance(exc, DinamikaError):
            return str(exc).splitlines()[0][:300]
        if self.lang == "en":
            return f"{type(exc).__name__} (details on the terminal)"
        return self.t("reason_in_terminal")

    # --- tables -------------------------------------------------------------------------------
    def table(
        self,
        frame: pd.DataFrame,
        *,
        digits: int | Mapping[str, int] = 2,
        value_labels: Sequence[str] = (),
        code: Sequence[str] = (),
        keep_text: Sequence[str] = (),
        total_last: bool = False,
        caption: str | None = None,
    ) -> None:
        """Show a table: scrubbed, columns translated, numbers formatted, everything escaped.

        Parameters
        ----------
        frame : DataFrame
            Result columns (translated through :data:`dinamika.i18n.COLUMNS` or ``labels``).
        digits : int or mapping
            Decimals for float columns (per column when a mapping); integer columns are counts.
        value_labels : sequence of str
            Columns whose values are ids to show by their display name (scale, aspect).
        code : sequence of str
            Columns to show in a monospace font (hashes, versions).
        keep_text : sequence of str
            Text columns allowed through :func:`dinamika.privacy.outputs.scrub` besides the standard ones.
        total_last : bool
            Style the last row as a total.

        """
        shown = scrub(frame.drop(columns=["suppressed"], errors="ignore"), keep_text=keep_text)
        head = "".join(f"<th>{html.escape(self.label(str(c)))}</th>" for c in shown.columns)
        rows = []
        for i, (_, row) in enumerate(shown.iterrows()):
            cells = []
            for col in shown.columns:
                cells.append(self._cell(shown[col], row[col], col, digits, value_labels, code))
            cls = ' class="dk-total"' if total_last and i == len(shown) - 1 else ""
            rows.append(f"<tr{cls}>{''.join(cells)}</tr>")
        cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
        markup = (
            f'<table class="dk-table">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
        self.emit(markup)

    def _cell(
        self,
        column: pd.Series,
        value: Any,
        name: Any,
        digits: int | Mapping[str, int],
        value_labels: Sequence[str],
        code: Sequence[str],
    ) -> str:
        dtype = column.dtype
        if pd.api.types.is_bool_dtype(dtype):
            text = self.t("yes") if bool(value) else self.t("no")
            return f"<td>{html.escape(text)}</td>"
        if pd.api.types.is_integer_dtype(dtype) or str(name) == "n" or str(name).startswith("n_"):
            return f'<td class="dk-num">{fmt_int(value, self.lang)}</td>'
        if pd.api.types.is_numeric_dtype(dtype):
            if str(name) in _P_COLUMNS and not pd.isna(value) and float(value) < 0.001:
                return f'<td class="dk-num">&lt; {fmt_num(0.001, self.lang, 3)}</td>'
            d = digits.get(str(name), 2) if isinstance(digits, Mapping) else digits
            return f'<td class="dk-num">{fmt_num(value, self.lang, d)}</td>'
        if value is None or (isinstance(value, float) and pd.isna(value)):
            text = "—"
        else:
            text = self.label(str(value)) if name in value_labels else str(value)
        cls = ' class="dk-code"' if name in code else ""
        return f"<td{cls}>{html.escape(text)}</td>"

    # --- figures ------------------------------------------------------------------------------
    def figure(self, fig: Any, *, alt: str = "", dpi: int = 110, svg: bool = False) -> None:
        """Show a Matplotlib figure as an embedded PNG (deterministic bytes) and close it.

        ``svg=True`` embeds it as inline SVG instead (vector in print; artists given a ``gid``
        keep it as their element id, so a browser test can measure them): text as paths (no
        font needed), a fixed hash salt and no metadata, so the bytes are the same every run.
        """
        import matplotlib.pyplot as plt

        if svg:
            text = io.StringIO()
            with plt.rc_context({"svg.hashsalt": "dinamika", "svg.fonttype": "path"}):
                fig.savefig(text, format="svg", bbox_inches="tight", metadata={"Date": None})
            plt.close(fig)
            markup = text.getvalue()
            markup = markup[markup.index("<svg") :]
            markup = re.sub(r"\s*<metadata>.*?</metadata>", "", markup, count=1, flags=re.DOTALL)
            markup = markup.replace(
                "<svg ",
                f'<svg class="dk-figure" role="img" aria-label="{html.escape(alt)}" '
                'style="max-width:100%;height:auto" ',
                1,
            )
            self.emit(markup)
            return
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
        plt.close(fig)
        data = base64.b64encode(buf.getvalue()).decode("ascii")
        self.emit(
            f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}" '
            'style="max-width:100%;height:auto" />'
        )
