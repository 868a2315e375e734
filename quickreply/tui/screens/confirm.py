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

from ..strings import T


class ConfirmScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", T.confirm_key_cancel, id="confirm.cancel")
    ]

    def __init__(self, question: str, answers: list[tuple[str, str]]) -> None:
        """``answers``: (id, label) pairs; the first is the default (focused)."""
        super().__init__()
        self.question = question
        self.answers = answers
        self._side_by_side = 0  # the width the buttons take side by side

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Label(Content(self.question), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                for answer, label in self.answers:
                    yield Button(Content(label), id=f"answer-{answer}")

    def on_mount(self) -> None:
        self.call_after_refresh(self.arrange_answers)

    def on_resize(self) -> None:
        self.call_after_refresh(self.arrange_answers)

    def arrange_answers(self) -> None:
        """Side by side when they fit, else one under another (the move dialog lists every
        book): a button is never cut off at the dialog's edge."""
        row = self.query_one("#confirm-buttons", Horizontal)
        if not row.has_class("-stacked"):  # stacked buttons are as wide as the dialog
            self._side_by_side = sum(button.outer_size.width for button in row.query(Button))
        stacked = self._side_by_side > row.content_size.width
        row.set_class(stacked, "-stacked")
        for button in row.query(Button):
            button.compact = stacked  # one line each: a list of books fits on 24 rows

    @on(Button.Pressed)
    def answered(self, event: Button.Pressed) -> None:
        self.dismiss((event.button.id or "").removeprefix("answer-"))

    def action_cancel(self) -> None:
        self.dismiss(None)
