"""The query box: an Input that keeps a pasted multi-line buyer message whole."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.widgets import Input

from ..strings import T

HELP_KEYS = ("?", "？")


class SearchBox(Input):
    """Typing ``?`` into an empty box asks for help; anywhere else it is just a character."""

    # Input's own Enter binding is hidden; this one shows in the footer, first.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", T.key_copy, id="search.copy", tooltip=T.tip_copy),
    ]

    @dataclass
    class HelpRequested(Message):
        """``?`` was typed into the empty box."""

    async def _on_key(self, event: events.Key) -> None:
        if event.character in HELP_KEYS and not self.value:
            event.stop()
            event.prevent_default()
            self.post_message(self.HelpRequested())
            return
        await super()._on_key(event)

    def _on_paste(self, event: events.Paste) -> None:
        # Input keeps only the first line of a paste; a buyer's message often has several.
        if event.text:
            self.insert_text_at_cursor(" ".join(line.strip() for line in event.text.splitlines()))
        event.stop()
        event.prevent_default()  # Input's own handler would paste the first line again

    def _watch_value(self, value: str) -> None:
        # Input sets virtual_size, a layout reactive, on every change: a layout of the whole
        # screen per keystroke. The box's size never depends on its text, so the scroll extent
        # is updated without one (Input's own watcher then finds it already set).
        size = Size(self.content_width, 1)
        if size != self.virtual_size:
            self.set_reactive(Input.virtual_size, size)
            self._scroll_update(size)
        super()._watch_value(value)
