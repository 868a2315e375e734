"""The ranked replies: title with matched characters highlighted, stage badge, codes; a reply
the content rules flag is marked red."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import events
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...library import LEARNED
from ...model import Stage
from ..strings import T

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


def describe(hit: Hit, flagged: bool = False, updated: bool = False, personal: bool = False) -> Content:
    """One result line. Titles are data from other shops: built as Content, never markup."""
    phrase = hit.phrase
    title = Content.styled(phrase.title, FLAGGED_STYLE) if flagged else Content(phrase.title)
    for start, end in hit.title_spans:
        title = title.stylize(MATCH_STYLE, start, end)
    parts: list[str | Content | tuple[str, str]] = [(phrase.stage.label, STAGE_STYLES[phrase.stage]), " "]
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
        parts += ["  ", ("/".join(phrase.keys), "$text-muted")]
    return Content.assemble(*parts)


class ResultList(OptionList, can_focus=False):
    """Never takes focus (the search box keeps it); click selects, double-click copies."""

    @dataclass
    class ReplyChosen(Message):
        """A reply was double-clicked."""

        index: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hits: list[Hit] = []
        # OptionList caches each option's rendering by the Option object: handing it the same
        # object for the same line lets most keystrokes skip re-rendering unchanged rows.
        self._option_cache: dict[tuple[object, ...], Option] = {}

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
        replies the team changed since this agent last used them."""
        self.hits = hits
        if len(self._option_cache) > 2000:
            self._option_cache.clear()
        self.set_options(
            self._option(hit, hit.phrase.id in flagged, hit.phrase.id in updated, hit.phrase.id in personal)
            for hit in hits
        )
        ids = [hit.phrase.id for hit in hits]
        self.highlighted = ids.index(keep) if keep in ids else (0 if hits else None)

    def _option(self, hit: Hit, flagged: bool, updated: bool = False, personal: bool = False) -> Option:
        phrase = hit.phrase  # what the row shows, not only its id: a reload may retitle it
        key = (phrase.id, phrase.title, phrase.stage, phrase.keys, hit.title_spans, flagged,
               hit.reason == LEARNED, updated, personal)
        if (option := self._option_cache.get(key)) is None or option.prompt is None:
            option = Option(describe(hit, flagged, updated, personal), id=hit.phrase.id)
            self._option_cache[key] = option
        return option

    @property
    def selected(self) -> Hit | None:
        index = self.highlighted
        return self.hits[index] if index is not None and index < len(self.hits) else None

    async def _on_click(self, event: events.Click) -> None:
        clicked = event.style.meta.get("option")
        if clicked is None:
            return
        self.highlighted = clicked
        if event.chain >= 2:
            self.post_message(self.ReplyChosen(clicked))
