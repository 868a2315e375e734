"""Every key, read from the bindings themselves so the list can never drift from the keys."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from ..strings import T


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss", T.key_quit, id="help.close", tooltip="关闭帮助")
    ]

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__()
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        rows = []
        for binding in self.bindings:
            keys = " / ".join(self.app.get_key_display(Binding(key, "")) for key in binding.key.split(","))
            rows.append(
                Content.assemble(
                    (f"{keys:>10}", "bold $text-accent"),
                    "  ",
                    binding.description,
                    ("  " + binding.tooltip if binding.tooltip else "", "$text-muted"),
                )
            )
        with Vertical(id="help-dialog"):
            yield Label(Content(T.help_title), classes="dialog-title")
            yield Static(Content("\n").join(rows), id="help-keys")
            yield Label(T.help_hint, classes="dialog-hint")
