"""Edit shops.toml: the values replies are filled with. Checked before saving; saved safely."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static, TextArea

from ... import store
from ...books import parse_shops
from ...model import Severity
from ...sanitize import escape_in_quoted, visible, visible_path
from ..strings import T


def short(path: Path) -> Path:
    """The path from the current folder when the file is under it (the title fits at 80×24)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except (ValueError, OSError):
        return path


class ShopsScreen(ModalScreen[bool]):
    """Returns True when shops.toml was saved."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save_shops", T.shops_key_save, id="shops.save", tooltip=T.shops_tip_save),
        Binding("escape", "cancel", T.shops_key_cancel, id="shops.cancel", tooltip=T.shops_tip_cancel),
    ]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        data = store.read_existing(path)  # SaveError for a FIFO or device: the caller says so
        self.sha256 = None if data is None else store.digest(data)
        try:
            self.original = T.shops_template if data is None else data.decode("utf-8-sig")
        except UnicodeDecodeError:  # editing it would replace the bytes it cannot show
            raise store.SaveError(errno.EILSEQ, T.shops_not_utf8, str(path)) from None

    def compose(self) -> ComposeResult:
        with Vertical(id="shops-dialog"):
            title = T.shops_title.format(path=visible_path(short(self.path)))
            yield Label(Content(title), classes="dialog-title")
            # TextArea sends what it holds to the terminal as it is: a raw ESC or U+202E in the
            # file is shown as its TOML escape (the same value inside a "string").
            yield TextArea(escape_in_quoted(self.original, toml=True), id="shops-text")
            yield Static("", id="shops-findings")
            yield Label(T.shops_hint, classes="dialog-hint")

    def action_save_shops(self) -> None:
        text = self.query_one(TextArea).text
        shops, problems = parse_shops(self.path, text.encode("utf-8"))
        errors = [problem for problem in problems if problem.severity is Severity.ERROR]
        findings = self.query_one("#shops-findings", Static)
        if errors or not shops:
            lines = [problem.format() for problem in errors] or [T.shops_none]
            findings.update(Content.styled("\n".join(lines), "bold $text-error"))
            return
        try:
            store.save_text(self.path, text, expected_sha256=self.sha256)
        except store.ConflictError as error:
            findings.update(Content.styled(visible(str(error)), "bold $text-error"))
            return
        except OSError as error:
            findings.update(
                Content.styled(visible(T.editor_save_failed.format(error=error)), "bold $text-error")
            )
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
