"""A TextArea for reply text with its placeholders highlighted as you type."""

from __future__ import annotations

from textual.widgets import TextArea

from ...template import parse


class TemplateArea(TextArea):
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
