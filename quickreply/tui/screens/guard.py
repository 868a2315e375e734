"""Asked once before copying a reply the content rules flag: copy it anyway, or not.

Returns True to copy, False not to. Keys only (Enter/Y, Esc/N): the agent's hands stay on
the keyboard, and no button takes the focus that Enter would otherwise press.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from ..strings import T


class CopyGuardScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    CopyGuardScreen {
        align: center middle;
    }
    #guard-dialog {
        width: 80%;
        max-width: 80;
        height: auto;
        border: thick $error;
        background: $surface;
        padding: 0 1;
    }
    #guard-question {
        text-style: bold;
        color: $text-error;
        margin-bottom: 1;
    }
    #guard-buttons {
        height: auto;
    }
    #guard-buttons Button {
        margin-right: 2;
    }
    #guard-hint {
        color: $text-muted;
        margin-top: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "answer(True)", T.key_guard_yes, id="guard.yes", tooltip=T.tip_guard_yes),
        Binding("y", "answer(True)", T.key_guard_yes, id="guard.yes-y", show=False, tooltip=T.tip_guard_yes),
        Binding("escape", "answer(False)", T.key_guard_no, id="guard.no", tooltip=T.tip_guard_no),
        Binding("n", "answer(False)", T.key_guard_no, id="guard.no-n", show=False, tooltip=T.tip_guard_no),
    ]

    def __init__(self, findings: list[str]) -> None:
        """``findings``: short descriptions of what the rules found (data: never markup)."""
        super().__init__()
        self.findings = findings

    def compose(self) -> ComposeResult:
        question = T.guard_question.replace("{findings}", "；".join(self.findings))
        with Vertical(id="guard-dialog"):
            yield Label(Content(question), id="guard-question")
            with Horizontal(id="guard-buttons"):
                yield Button(T.guard_yes, id="guard-yes", variant="error")
                yield Button(T.guard_no, id="guard-no")
            yield Label(T.guard_hint, id="guard-hint")

    def on_mount(self) -> None:
        for button in self.query(Button):
            button.can_focus = False  # Enter belongs to the screen's binding, not a button

    @on(Button.Pressed)
    def clicked(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "guard-yes")

    def action_answer(self, copy: bool) -> None:
        self.dismiss(copy)
