"""A question with a few answers, each on a button and a key; returns the chosen answer's
id, or None for Esc."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label


class ConfirmScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "取消", id="confirm.cancel")]

    def __init__(self, question: str, answers: list[tuple[str, str]]) -> None:
        """``answers``: (id, label) pairs; the first is the default (focused)."""
        super().__init__()
        self.question = question
        self.answers = answers

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Label(Content(self.question), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                for answer, label in self.answers:
                    yield Button(Content(label), id=f"answer-{answer}")

    @on(Button.Pressed)
    def answered(self, event: Button.Pressed) -> None:
        self.dismiss((event.button.id or "").removeprefix("answer-"))

    def action_cancel(self) -> None:
        self.dismiss(None)
