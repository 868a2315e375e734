"""The filled reply as it will be copied: shop values marked, missing values standing out,
and below it what the content rules found wrong with it."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets import Static

from ...sanitize import visible
from ...textdiff import Piece
from ..strings import T

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


def with_findings(reply: Content, messages: Sequence[str]) -> Content:
    """The reply followed by the rules' findings in red (messages may come from a team's
    rules.toml: data, never markup)."""
    if not messages:
        return reply
    lines: list[str | Content | tuple[str, str]] = [reply, "\n\n", (T.flagged_heading, "bold $text-error")]
    for message in messages:
        lines += ["\n", (message, "$text-error")]
    return Content.assemble(*lines)


CHANGE_STYLES = {
    "same": "$text-muted",
    "removed": "strike $text-error",
    "added": "bold reverse $text-success",
    "gap": "$text-muted",
}
"""The change since last use: the old text struck through, the new highlighted."""


def with_change(reply: Content, pieces: Sequence[Piece]) -> Content:
    """The team's change to this reply above it (heading, then the pieces). The old text
    comes from the usage record, the new from a book: both data, never markup, and passed
    through :func:`visible` like any text from a file."""
    if not pieces:
        return reply
    parts: list[str | Content | tuple[str, str]] = [(T.updated_heading, "bold $text-warning"), "\n"]
    parts += [(visible(text, newlines=True), CHANGE_STYLES[kind]) for text, kind in pieces]
    parts += ["\n\n", reply]
    return Content.assemble(*parts)


class Preview(Static):
    """Shows one reply; the text is set as Content so brackets in it are never parsed."""

    def show(self, content: Content) -> None:
        # The pane's size is fixed by the stylesheet, so no layout pass (and full repaint)
        # is needed on every keystroke.
        self.update(content, layout=False)
