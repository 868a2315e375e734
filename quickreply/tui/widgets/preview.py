"""The filled reply as it will be copied: shop values marked, missing values standing out."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

SOURCE_STYLES = {
    "text": "",
    "shop": "underline $text-success",
    "builtin": "underline $text-success",
    "default": "underline $text-muted",
    "chat": "underline $text-accent",
    "missing": "bold reverse $text-error",
}


def filled_reply(pieces: list[tuple[str, str]]) -> Content:
    """Build the preview from (text, kind) pieces; phrase text is data, never markup."""
    parts: list[str | tuple[str, str]] = []
    for text, kind in pieces:
        shown = f"{{{text}}}" if kind == "missing" else text
        parts.append((shown, SOURCE_STYLES.get(kind, "")) if SOURCE_STYLES.get(kind) else shown)
    return Content.assemble(*parts)


class Preview(Static):
    """Shows one reply; the text is set as Content so brackets in it are never parsed."""

    def show(self, content: Content) -> None:
        # The pane's size is fixed by the stylesheet, so no layout pass (and full repaint)
        # is needed on every keystroke.
        self.update(content, layout=False)
