"""The widgets of the no-code page (ipywidgets, served by Voilà): one column of five steps.

Every action calls :class:`dinamika.app.session.AppSession`; this module only lays out the
choices and shows the session's results and messages (HTML-escaped: user text is only ever
shown, never run). Each widget carries a ``dm-…`` CSS class so the browser test can find it.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

import ipywidgets as w

from dinamika.app.session import SOURCES, AppSession, describe
from dinamika.errors import DinamikaError
from dinamika.i18n import t

__all__ = ["App"]

_SOURCE_LABELS = {"google-forms": "Google Forms (CSV / XLSX)", "kobo": "KoboToolbox / ODK"}
_WIDE = w.Layout(width="min(46em, 95%)")
_LABEL = {"description_width": "14em"}


def _esc(text: object) -> str:
    return html.escape(str(text))


class App:
    """The page. ``App(data_dir).widget`` is what the Voilà notebook displays.

    Parameters
    ----------
    data_dir : path
        The only folder the page writes to.
    lang : {"id", "en"}
        Starting language (Indonesian by default; a switch at the top changes it).
    where : str
        The address shown in the privacy line (``127.0.0.1``).
    """

    def __init__(self, data_dir: str | Path, *, lang: str = "id", where: str = "127.0.0.1"):
        self.session = AppSession(data_dir, lang=lang)
        self.where = where
        self.widget = w.VBox(layout=w.Layout(padding="0.5em 1em", max_width="60em"))
        self.widget.add_class("dm-app")
        self._form: dict[str, Any] = {"term": "", "title": "", "population": 0, "dup": "error"}
        self._render()

    # -- layout ------------------------------------------------------------------------------
    @property
    def lang(self) -> str:
        return self.session.lang

    def _t(self, key: str, **fields: object) -> str:
        return t(key, self.lang, **fields)

    def _render(self) -> None:
        lang = w.ToggleButtons(
            options=[("Bahasa Indonesia", "id"), ("English", "en")],
            value=self.lang,
            description=self._t("app_language"),
        )
        lang.add_class("dm-lang")
        lang.observe(self._on_lang, names="value")
        head = w.HTML(
            f"<h2>{_esc(self._t('app_title'))}</h2><p>"
            + _esc(self._t("app_intro", where=self.where, folder=self.session.root))
            + "</p>"
        )
        self.status = w.HTML()
        self.status.add_class("dm-status")
        self.widget.children = [
            head,
            lang,
            self._instrument_step(),
            self._upload_step(),
            self._headers_box(),
            self._term_step(),
            self.status,
            self._report_step(),
        ]
        self._show_headers()

    def _on_lang(self, change: dict[str, Any]) -> None:
        self.session.lang = change["new"]
        self._render()

    def _instrument_step(self) -> w.Widget:
        refs = self.session.questionnaires()
        if self.session.instrument is None and refs:
            self.session.choose_instrument(refs[-1])
        pick = w.Dropdown(options=refs, value=self.session.instrument, layout=_WIDE)
        pick.add_class("dm-instrument")
        pick.observe(self._on_instrument, names="value")
        return w.VBox([w.HTML(f"<h3>{_esc(self._t('app_step_instrument'))}</h3>"), pick])

    def _on_instrument(self, change: dict[str, Any]) -> None:
        self._guard(lambda: self.session.choose_instrument(change["new"]))
        self._show_headers()

    def _upload_step(self) -> w.Widget:
        source = w.Dropdown(
            options=[(_SOURCE_LABELS[s], s) for s in SOURCES],
            value=self.session.source,
            description=self._t("app_source"),
            style=_LABEL,
            layout=_WIDE,
        )
        source.add_class("dm-source")
        self._source = source
        upload = w.FileUpload(
            accept=".csv,.xlsx,.tsv,.txt",
            multiple=False,
            description=self._t("app_upload_button"),
            layout=w.Layout(width="auto"),
        )
        upload.add_class("dm-upload")
        upload.observe(self._on_upload, names="value")
        self.upload_note = w.HTML()
        self.upload_note.add_class("dm-upload-note")
        if self.session.upload is not None:
            self.upload_note.value = _esc(
                self._t("app_uploaded", name=self.session.upload.name, n=len(self.session.headers))
            )
        title = w.HTML(f"<h3>{_esc(self._t('app_step_upload'))}</h3>")
        return w.VBox([title, source, upload, self.upload_note])

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        first = files[0]
        content = bytes(first["content"])

        def save() -> None:
            path = self.session.save_upload(first["name"], content, source=self._source.value)
            self.upload_note.value = _esc(
                self._t("app_uploaded", name=path.name, n=len(self.session.headers))
            )

        self._guard(save)
        self._show_headers()

    def _headers_box(self) -> w.Widget:
        self.headers = w.VBox()
        self.headers.add_class("dm-headers")
        return self.headers

    def _show_headers(self) -> None:
        if not self.session.matches:
            self.headers.children = []
            return
        counts = describe(self.session.matches)
        rows: list[w.Widget] = [
            w.HTML(f"<h3>{_esc(self._t('app_step_headers'))}</h3>"),
            w.HTML(
                _esc(self._t("app_headers_ok", matched=counts["matched"], other=counts["other"]))
            ),
        ]
        open_headers = self.session.open_headers()
        if open_headers:
            rows.append(w.HTML(f"<b>{_esc(self._t('app_headers_open'))}</b>"))
        options = [(self._t("app_choose"), None), *self.session.item_options()]
        for k, match in enumerate(open_headers):
            pick = w.Dropdown(
                options=options,
                value=self.session.choices.get(match.header),
                layout=_WIDE,
            )
            pick.add_class("dm-header")
            pick.add_class(f"dm-header-{k}")
            hint = match.nearest() if match.candidates else ""
            label = w.HTML(f"<code>{_esc(match.header)}</code> <small>{_esc(hint)}</small>")
            label.add_class(f"dm-header-label-{k}")

            def on_pick(change: dict[str, Any], header: str = match.header) -> None:
                if change["new"] is not None:
                    self._guard(lambda: self.session.choose_item(header, change["new"]))

            pick.observe(on_pick, names="value")
            rows += [label, pick]
        self.headers.children = rows

    def _term_step(self) -> w.Widget:
        term = w.Text(value=self._form["term"], description=self._t("app_term"), style=_LABEL,
                      layout=_WIDE, placeholder="2026-1")  # fmt: skip
        title = w.Text(value=self._form["title"], description=self._t("app_report_title"),
                       style=_LABEL, layout=_WIDE)  # fmt: skip
        population = w.BoundedIntText(value=self._form["population"], min=0, max=10_000_000,
                                      description=self._t("app_population"), style=_LABEL)  # fmt: skip
        dup = w.Dropdown(
            options=[
                (self._t("app_dup_error"), "error"),
                (self._t("app_dup_last"), "keep-last"),
                (self._t("app_dup_first"), "keep-first"),
            ],
            value=self._form["dup"],
            description=self._t("app_duplicates"),
            style=_LABEL,
            layout=_WIDE,
        )
        tests = w.Dropdown(
            options=[
                (self._t("app_tests_error"), "error"),
                (self._t("app_tests_drop"), "drop"),
                (self._t("app_tests_keep"), "keep"),
            ],
            value=self._form.get("tests", "error"),
            description=self._t("app_tests"),
            style=_LABEL,
            layout=_WIDE,
        )
        ids = w.Checkbox(value=self._form.get("ids", False), description=self._t("app_generate_ids"),
                         indent=False, layout=_WIDE)  # fmt: skip
        button = w.Button(description=self._t("app_import_button"), button_style="primary",
                          layout=w.Layout(width="auto"))  # fmt: skip
        for widget, cls in ((term, "dm-term"), (title, "dm-title"), (population, "dm-population"),
                            (dup, "dm-duplicates"), (tests, "dm-tests"), (ids, "dm-ids"),
                            (button, "dm-import")):  # fmt: skip
            widget.add_class(cls)
        self._inputs = {"term": term, "title": title, "population": population, "dup": dup,
                        "tests": tests, "ids": ids}  # fmt: skip
        button.on_click(self._on_import)
        heading = w.HTML(f"<h3>{_esc(self._t('app_step_term'))}</h3>")
        self.groups = w.VBox()
        self.groups.add_class("dm-groups")
        return w.VBox([heading, term, title, population, dup, tests, ids, button, self.groups])

    def _on_import(self, _button: w.Button) -> None:
        form = {k: v.value for k, v in self._inputs.items()}
        self._form.update(form)
        term = form["term"].strip() or (self.session.upload.stem if self.session.upload else "")

        def run() -> None:
            options = {
                "duplicates": form["dup"],
                "test_rows": form["tests"],
                "generate_ids": form["ids"],
                "title": form["title"],
                "population": form["population"] or None,
            }
            result = self.session.import_term(term, **options)
            command = self.session.cli_command(**options)
            self.status.value = (
                f"<p class='dm-ok'>✔ {_esc(self._t('app_imported', n=result.n_written, read=result.n_read, folder=result.out))}</p>"
                f"<p>{_esc(self._t('app_cli_same'))}<br><code>{_esc(command)}</code></p>"
            )
            self.report_button.disabled = False
            self.earlier.options = self.session.earlier_terms()
            self._show_groups()

        self._guard(run)

    def _show_groups(self) -> None:
        pairs = self.session.group_pairs()
        if not pairs:
            self.groups.children = []
            return
        rows: list[w.Widget] = [w.HTML(f"<b>{_esc(self._t('app_groups_review'))}</b>")]
        boxes = []
        for k, (kind, name, into) in enumerate(pairs):
            box = w.Checkbox(value=True, description=self._t("app_merge", name=name, into=into),
                             indent=False, layout=_WIDE)  # fmt: skip
            box.add_class(f"dm-merge-{k}")
            boxes.append((box, kind, name, into))
            rows.append(box)
        save = w.Button(description=self._t("app_groups_save"), layout=w.Layout(width="auto"))
        save.add_class("dm-groups-save")

        def on_save(_button: w.Button) -> None:
            def run() -> None:
                for box, kind, name, into in boxes:
                    self.session.review_group(kind, name, into, merge=box.value)
                self.groups.children = [
                    w.HTML(f"<p class='dm-groups-done'>✔ {_esc(self._t('app_groups_done'))}</p>")
                ]

            self._guard(run, clear=False)

        save.on_click(on_save)
        self.groups.children = [*rows, save]

    def _report_step(self) -> w.Widget:
        self.report_button = w.Button(description=self._t("app_report_button"),
                                      button_style="success", disabled=self.session.term_dir is None,
                                      layout=w.Layout(width="auto"))  # fmt: skip
        self.report_button.add_class("dm-report")
        self.report_button.on_click(self._on_report)
        self.earlier = w.SelectMultiple(
            options=self.session.earlier_terms(),
            description=self._t("app_trend_with"),
            style=_LABEL,
            layout=_WIDE,
        )
        self.earlier.add_class("dm-earlier")
        self.per_school = w.Checkbox(value=False, description=self._t("app_per_school"),
                                     indent=False, layout=_WIDE)  # fmt: skip
        self.per_school.add_class("dm-per-school")
        self.progress = w.IntProgress(value=0, min=0, max=1, layout=_WIDE)
        self.progress.add_class("dm-progress")
        self.progress_label = w.HTML()
        self.download = w.HTML()
        self.download.add_class("dm-download")
        heading = w.HTML(f"<h3>{_esc(self._t('app_step_report'))}</h3>")
        return w.VBox(
            [
                heading,
                self.earlier,
                self.per_school,
                self.report_button,
                self.progress,
                self.progress_label,
                self.download,
            ]
        )

    def _on_report(self, _button: w.Button) -> None:
        self.report_button.disabled = True
        self.download.value = ""

        def step(index: int, total: int, label: str) -> None:
            self.progress.max = total
            self.progress.value = index
            self.progress_label.value = f"<small>[{index}/{total}] {_esc(label)}</small>"

        def run() -> None:
            path = self.session.make_report(
                progress=step, earlier=list(self.earlier.value), per_school=self.per_school.value
            )
            self.progress.value = self.progress.max
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            self.download.value = (
                f"<p>{_esc(self._t('app_report_done', path=path))}</p>"
                f"<a class='dm-download-link' download='{_esc(path.name)}' "
                f"href='data:text/html;base64,{data}'>⬇ {_esc(self._t('app_download', name=path.name))}</a>"
            )

        try:
            self._guard(run, clear=False)
        finally:
            self.report_button.disabled = False

    # -- messages ----------------------------------------------------------------------------
    def _guard(self, action: Any, *, clear: bool = True) -> bool:
        """Run ``action``; a :class:`DinamikaError` becomes the list of problems on the page."""
        if clear:
            self.status.value = ""
        try:
            action()
        except DinamikaError as exc:
            lines = exc.text(self.lang).splitlines()  # in the page's language
            items = "".join(f"<li>{_esc(line.lstrip('- '))}</li>" for line in lines[1:])
            self.status.value = (
                f"<div class='dm-error'><b>{_esc(self._t('app_problems'))}</b>"
                f"<p>{_esc(lines[0] if lines else '')}</p><ul>{items}</ul></div>"
            )
            return False
        return True
