"""When no clipboard works: show the reply selected, so it can be copied by hand."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

from ..strings import T


class ManualCopyScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", T.key_close, id="manual.close", tooltip=T.tip_close)
    ]

    def __init__(self, text: str, reason: str) -> None:
        super().__init__()
        self.text = text
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical(id="manual-dialog"):
            yield Label(T.copy_failed_title, classes="dialog-title")
            yield Label(
                T.copy_failed_hint.format(reason=self.reason or "?"), classes="dialog-hint", markup=False
            )
            yield TextArea(self.text, read_only=True, id="manual-text")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.select_all()
