"""What the app announces to its screens. The app owns the state (the library, the shop, the
stage filter, the clipboard watch: reactives on the app); when it changes, the app posts one of
these to every screen in its stack and each screen reacts as it sees fit. No import of the app
here, so screens can use these without an import cycle."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # annotations only: this module stays light and free of cycles
    from .. import clipboard
    from ..library import Library
    from ..model import Problem, Shop


class BooksReloaded(Message, bubble=False):
    """The library was (re)loaded: every list and preview follows it."""

    def __init__(self, library: Library, *, shop_problems: list[Problem], kept_shops: bool) -> None:
        super().__init__()
        self.library = library
        self.shop_problems = shop_problems
        """The errors of shops.toml, if any (the banner names them until they are fixed)."""
        self.kept_shops = kept_shops
        """shops.toml is broken: the last good shops (and the chosen one) were kept."""


class LoadFailed(Message, bubble=False):
    """Loading the books in the background raised: nothing could be searched."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class ShopSwitched(Message, bubble=False):
    """Another shop is in use (F4, the palette, or a reload that lost the old one)."""

    def __init__(self, shop: Shop | None) -> None:
        super().__init__()
        self.shop = shop


class ReplyCopied(Message, bubble=False):
    """A copy finished: ``result`` says whether it reached the clipboard."""

    def __init__(self, text: str, result: clipboard.CopyResult, notice: str | None = None) -> None:
        super().__init__()
        self.text = text
        self.result = result
        self.notice = notice
        """What to say instead of 已复制 (a sequence's 1/3 已复制…)."""


class ClockTicked(Message, bubble=False):
    """The clock moved on; ``cutoff_passed``: the shipping note changed, so may the reply."""

    def __init__(self, cutoff_passed: bool) -> None:
        super().__init__()
        self.cutoff_passed = cutoff_passed


class RankingChanged(Message, bubble=False):
    """Learned answers or last-used texts arrived or changed: search again, same query."""


class BuyerMessage(Message, bubble=False):
    """The clipboard watch saw a buyer's message."""

    def __init__(self, query: str) -> None:
        super().__init__()
        self.query = query
