"""The editor's fields: keys handled in the order they were typed, and a TextArea for reply
text with its placeholders highlighted as you type."""

from __future__ import annotations

from typing import cast

from textual import events
from textual.widget import Widget
from textual.widgets import Input, TextArea

from ...template import parse


class KeysInOrder:
    """Runs the field's own key bindings (Backspace, Ctrl+U, ←…) when the field takes the key
    from its queue, not when the key has bubbled up to the app.

    Textual resolves a widget's bindings at the app, against the widget focused *then*. The
    editor moves the focus as Tab is read (a priority binding), so in a burst of keys
    ("abc⌫⇥xyz", from a fast typist or a text expander) the ⌫ reached the app after the focus
    had moved, and deleted a character of the next field.

    A plain mixin, first among the bases (a Widget subclass here would make its fields
    unfocusable: Textual copies ``can_focus`` from the first base).
    """

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable:
            return  # the field's own handler types it
        field = cast(Widget, self)
        for binding in field._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await field.app.run_action(binding.action, field):
                event.stop()  # handled here: the app must not run a binding for it again
                event.prevent_default()
                return


class FieldInput(KeysInOrder, Input):
    """A one-line field of the editor's form."""


class FieldArea(KeysInOrder, TextArea):
    """A text field of the editor's form."""


class TemplateArea(FieldArea):
    """Highlights ``{name}`` / ``{name|默认}`` with the theme's "string" style.

    TextArea only highlights through tree-sitter grammars, and there is none for our
    placeholder syntax; this overrides its (private) highlight-map builder, which Textual 8
    calls after every edit. Offsets there are UTF-8 byte offsets within a line.
    """

    def _build_highlight_map(self) -> None:
        self._line_cache.clear()
        highlights = self._highlights
        highlights.clear()
        for row, line in enumerate(self.document.lines):
            for slot in parse(line).slots:
                start = len(line[: slot.start].encode("utf-8"))
                end = len(line[: slot.end].encode("utf-8"))
                highlights[row].append((start, end, "string"))
