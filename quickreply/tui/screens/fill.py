"""Ask for exactly the values a reply still needs (order number, buyer nickname…)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from ..strings import T, placeholder_label


class FillForm(ModalScreen[dict[str, str] | None]):
    """One field per missing name; Enter moves on and, in the last field, returns the values.
    Esc returns None: nothing is copied."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", T.key_clear, id="fill.cancel", tooltip="取消，不复制")
    ]

    def __init__(self, names: tuple[str, ...], prefill: dict[str, str], title: str) -> None:
        super().__init__()
        self.names = names
        self.prefill = prefill
        self.reply_title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="fill-dialog"):
            yield Label(Content.assemble((T.fill_title, "bold"), " · ", self.reply_title), id="fill-title")
            for name in self.names:
                yield Label(Content(placeholder_label(name)), classes="fill-label")
                yield Input(value=self.prefill.get(name, ""), id=f"fill-{_field_id(name)}", name=name)
            yield Label(T.fill_hint, id="fill-hint")

    @property
    def fields(self) -> list[Input]:
        return list(self.query(Input))

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        event.stop()
        fields = self.fields
        position = fields.index(event.input)
        if not event.value.strip():
            label = placeholder_label(event.input.name or "")
            self.notify(T.fill_empty.format(name=label), severity="warning", markup=False)
            return
        if position + 1 < len(fields):
            fields[position + 1].focus()
            return
        empty = next((field for field in fields if not field.value.strip()), None)
        if empty is not None:
            empty.focus()
            label = placeholder_label(empty.name or "")
            self.notify(T.fill_empty.format(name=label), severity="warning", markup=False)
            return
        self.dismiss({field.name or "": field.value.strip() for field in fields})

    def action_cancel(self) -> None:
        self.dismiss(None)


def _field_id(name: str) -> str:
    """Widget ids must be ASCII-ish; placeholder names may be Chinese."""
    return "".join(char if char.isascii() and char.isalnum() else f"u{ord(char):x}" for char in name)
