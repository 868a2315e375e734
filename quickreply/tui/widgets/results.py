"""The ranked replies: title with matched characters highlighted, stage badge, codes; a reply
the content rules flag is marked red. At wide sizes each row also shows the start of the reply.

Drawn with Textual's Line API (``ScrollView`` + ``render_line``): a keystroke re-ranks the
list and repaints only the visible rows whose content or highlight changed; each row's Strip is
cached by what it shows and the width, so a row that stays the same is never rendered again."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual

from ...library import LEARNED
from ...model import Stage
from ...sanitize import visible
from ..strings import T, stage_name

if TYPE_CHECKING:  # the search index's modules load after the first frame (start-up time)
    from ...search import Hit

STAGE_STYLES = {
    Stage.PRE_SALE: "bold $text-success",
    Stage.IN_SALE: "bold $text-warning",
    Stage.AFTER_SALE: "bold $text-error",
}
MATCH_STYLE = "bold underline $text-accent"
FLAGGED_STYLE = "$text-error"
"""A reply with error findings: its title in red behind a red badge (the copy guard asks)."""


UPDATED_STYLE = "bold $text-warning"
"""已更新: the team changed the text since this agent last used it."""

SNIPPET_STYLE = "$text-muted"
"""The start of the reply text after the title at wide sizes."""

WIDE_ROW = 40
"""Rows at least this many cells wide (the list at ~100 terminal columns) also show the start
of the reply text; narrower ones keep every cell for the title and codes."""

SNIPPET_MIN = 6
"""Fewer cells than this left after the title: no snippet (a few characters and … say nothing)."""

Spans = Sequence[tuple[int, int]]


def shown(text: str, spans: Spans = ()) -> tuple[str, list[tuple[int, int]]]:
    """``text`` on one line with control and format characters shown as escapes (\\x1b …), as
    ``visible`` does, and ``spans`` moved to match. Text is cleaned at load, so almost always
    the text comes back unchanged."""
    flat = text.replace("\n", " ")
    if flat.isprintable():
        return flat, list(spans)
    starts: list[int] = []  # where each original character begins in the shown text
    out: list[str] = []
    length = 0
    for char in flat:
        starts.append(length)
        piece = visible(char)
        out.append(piece)
        length += len(piece)
    starts.append(length)
    return "".join(out), [
        (starts[start], starts[end]) for start, end in spans if 0 <= start <= end <= len(flat)
    ]


def describe(hit: Hit, flagged: bool = False, updated: bool = False, personal: bool = False) -> Content:
    """One result line. Titles are data from other shops: built as Content, never markup."""
    phrase = hit.phrase
    text, spans = shown(phrase.title, hit.title_spans)
    title = Content.styled(text, FLAGGED_STYLE) if flagged else Content(text)
    for start, end in spans:
        title = title.stylize(MATCH_STYLE, start, end)
    badge = (stage_name(phrase.stage), STAGE_STYLES[phrase.stage])
    parts: list[str | Content | tuple[str, str]] = [badge, " "]
    if flagged:
        parts += [(T.flagged_badge, f"bold reverse {FLAGGED_STYLE}"), " "]
    if hit.reason == LEARNED:  # first because agents chose it for wordings like this (F8 forgets)
        parts += [(T.learned_badge, "bold $text-accent"), " "]
    if updated:
        parts += [(T.updated_badge, UPDATED_STYLE), " "]
    if personal:  # from the agent's own folder, beside the team's (quickreply team join)
        parts += [(T.personal_badge, "bold $text-success"), " "]
    parts.append(title)
    if phrase.keys:
        parts += ["  ", (shown("/".join(phrase.keys))[0], "$text-muted")]
    return Content.assemble(*parts)


def snippet(hit: Hit, cells: int) -> Content:
    """The start of the reply text, muted, with the words the query matched marked; about
    ``cells`` cells of it (the row cuts it with … by cell width: CJK is two cells a character)."""
    text = hit.phrase.text
    # Every character is at least one cell wide, so ``cells`` characters always fill the room.
    head = text[:cells]
    spans = [(start, min(end, len(head))) for start, end in hit.text_spans if start < len(head)]
    flat, spans = shown(head, spans)
    content = Content.styled(flat, SNIPPET_STYLE)
    for start, end in spans:
        content = content.stylize("underline", start, end)
    return content


RowKey = tuple[object, ...]
"""Everything a row shows: equal keys draw equal rows."""


def row_key(hit: Hit, flagged: bool, updated: bool, personal: bool, wide: bool) -> RowKey:
    """Narrow rows show no reply text: its matches then do not count (fewer rows drawn again)."""
    phrase = hit.phrase
    return (
        phrase.id,
        phrase.title,
        phrase.keys,
        phrase.stage,
        phrase.text if wide else None,  # str hashes are cached: cheap even for long replies
        hit.title_spans,
        hit.text_spans if wide else None,
        hit.reason == LEARNED,
        flagged,
        updated,
        personal,
    )


class ResultList(ScrollView, can_focus=False):
    """Never takes focus (the search box keeps it); click selects, double-click copies."""

    ALLOW_SELECT = False  # a click picks a reply; dragging should not select text

    COMPONENT_CLASSES: ClassVar[set[str]] = {"result-list--row", "result-list--highlighted"}
    """``result-list--row``: every row; ``result-list--highlighted``: the selected reply (Enter
    copies it)."""

    DEFAULT_CSS = """
    ResultList {
        overflow-x: hidden;
        overflow-y: auto;
        background: $surface;
        color: $foreground;
        & > .result-list--highlighted {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
    }
    """

    highlighted: reactive[int | None] = reactive(None, init=False, repaint=False)
    """Index of the selected reply in ``hits``, or None when there are none."""

    @dataclass
    class ReplyChosen(Message):
        """A reply was double-clicked."""

        index: int

    class Highlighted(Message):
        """Another reply was selected (arrows, page keys, a click, or ``highlighted`` set)."""

        def __init__(self, results: ResultList, index: int, hit: Hit) -> None:
            super().__init__()
            self.results = results
            self.index = index
            self.hit = hit

        @property
        def control(self) -> ResultList:
            return self.results

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hits: list[Hit] = []
        self._keys: list[RowKey] = []
        self._marks: list[tuple[bool, bool, bool]] = []
        """(flagged, updated, personal) of each row."""
        self._strips: LRUCache[tuple[RowKey, int, bool], Strip] = LRUCache(1024)

    # --- contents -------------------------------------------------------------------------------

    def show(
        self,
        hits: list[Hit],
        keep: str | None = None,
        flagged: Collection[str] = (),
        updated: Collection[str] = (),
        personal: Collection[str] = (),
    ) -> None:
        """Replace the results; keep the reply with id ``keep`` selected if it is still there.
        ``flagged``: ids of replies marked as possibly against the rules; ``updated``: ids of
        replies the team changed since this agent last used them. The caller shows the preview
        for the new selection itself: no Highlighted message is sent."""
        old_keys, old_highlighted = self._keys, self.highlighted
        ids = [hit.phrase.id for hit in hits]
        self.hits = hits
        self._marks = [
            (hit.phrase.id in flagged, hit.phrase.id in updated, hit.phrase.id in personal) for hit in hits
        ]
        self._keys = self._row_keys()
        highlighted = ids.index(keep) if keep in ids else (0 if hits else None)
        self.set_reactive(ResultList.highlighted, highlighted)
        if not self.is_mounted:
            return
        width = self.scrollable_content_region.width
        if len(hits) != len(old_keys) or self.virtual_size.width != width:
            self.virtual_size = Size(width, len(hits))
        # Repaint only the rows that now show something else (most keystrokes change a few).
        top = round(self.scroll_offset.y)
        for row in range(top, top + self.scrollable_content_region.height):
            was = (old_keys[row] if row < len(old_keys) else None, row == old_highlighted)
            if was != (self._keys[row] if row < len(self._keys) else None, row == highlighted):
                self.refresh_line(row)
        self._scroll_to_highlight()

    def _is_wide(self) -> bool:
        return self.scrollable_content_region.width >= WIDE_ROW

    def _row_keys(self) -> list[RowKey]:
        wide = self._is_wide()
        return [row_key(hit, *marks, wide) for hit, marks in zip(self.hits, self._marks, strict=True)]

    def row(self, index: int) -> Content:
        """Row ``index`` as described (badges, title, codes), before it is cut to the width."""
        flagged, updated, personal = self._marks[index]
        return describe(self.hits[index], flagged, updated, personal)

    @property
    def selected(self) -> Hit | None:
        index = self.highlighted
        return self.hits[index] if index is not None and index < len(self.hits) else None

    # --- the cursor -----------------------------------------------------------------------------

    def validate_highlighted(self, index: int | None) -> int | None:
        if index is None or not self.hits:
            return None
        return min(max(index, 0), len(self.hits) - 1)

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        for row in (old, new):
            if row is not None:
                self.refresh_line(row)
        self._scroll_to_highlight()
        if new is not None:
            self.post_message(self.Highlighted(self, new, self.hits[new]))

    def _scroll_to_highlight(self) -> None:
        if self.highlighted is None or not self.is_mounted:
            return
        self.scroll_to_region(
            Region(0, self.highlighted, self.scrollable_content_region.width or 1, 1),
            animate=False,
            force=True,
            immediate=True,
        )

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def action_cursor_up(self) -> None:
        if self.hits:
            self.highlighted = (
                len(self.hits) - 1 if self.highlighted is None else max(0, self.highlighted - 1)
            )

    def action_cursor_down(self) -> None:
        if self.hits:
            self.highlighted = 0 if self.highlighted is None else self.highlighted + 1

    def action_page_up(self) -> None:
        if self.hits:
            self.highlighted = max(0, (self.highlighted or 0) - self._page())

    def action_page_down(self) -> None:
        if self.hits:
            self.highlighted = (self.highlighted or 0) + self._page()

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + round(self.scroll_offset.y)
        if index >= len(self.hits):
            return
        self.highlighted = index
        if event.chain >= 2:
            self.post_message(self.ReplyChosen(index))

    # --- drawing --------------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        self._strips.clear()  # a new theme or size class: every colour may have changed
        super().notify_style_update()

    def _on_resize(self, event: events.Resize) -> None:
        self._keys = self._row_keys()  # narrow ↔ wide: the reply text shown or not
        width = self.scrollable_content_region.width
        if self.virtual_size != Size(width, len(self.hits)):
            self.virtual_size = Size(width, len(self.hits))

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        if index >= len(self.hits):
            return Strip.blank(width, self.get_visual_style("result-list--row").rich_style)
        highlighted = index == self.highlighted
        cache_key = (self._keys[index], width, highlighted)
        strip = self._strips.get(cache_key)
        if strip is None:
            strip = self._render_row(index, width, highlighted)
            self._strips[cache_key] = strip
        return strip

    def _render_row(self, index: int, width: int, highlighted: bool) -> Strip:
        """Draw row ``index`` ``width`` cells wide: badges, title, codes and, when wide, the start
        of the reply; cut by cell width with … (CJK characters are two cells)."""
        content = self.row(index)
        room = width - content.cell_length - 2
        if width >= WIDE_ROW and room >= SNIPPET_MIN:  # as _is_wide, for this width
            content = Content.assemble(content, "  ", snippet(self.hits[index], room))
        if content.cell_length > width:  # cut by cells; a wide character that does not fit leaves a space
            content = content.truncate(width - 1).rstrip() + "…"
        classes = ("result-list--row", "result-list--highlighted") if highlighted else ("result-list--row",)
        style = self.get_visual_style(*classes)
        strips = Visual.to_strips(self, content, width, 1, style, pad=True)
        return strips[0] if strips else Strip.blank(width, style.rich_style)
