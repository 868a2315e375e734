"""The top line: shop, stage filter, clock and today's ship cutoff."""

from __future__ import annotations

import datetime as dt

from textual.content import Content
from textual.widgets import Static

from ...model import Shop
from ...template import parse_cutoff, ships_today
from ..strings import T


def cutoff_note(shop: Shop | None, now: dt.datetime) -> str:
    """e.g. "16:00 前付款今天发" before the cutoff, "已过 16:00，明天发" after it."""
    cutoff = parse_cutoff(shop.cutoff) if shop and shop.cutoff else None
    if cutoff is None:
        return T.no_cutoff
    template = T.ship_today if ships_today(now, cutoff) else T.ship_tomorrow
    return template.format(cutoff=shop.cutoff if shop else "")


class StatusBar(Static):
    def show(
        self,
        shop: Shop | None,
        stage_label: str,
        now: dt.datetime,
        *,
        watching: bool = False,
        from_clipboard: bool = False,
    ) -> None:
        """``watching``: the clipboard watch is on; ``from_clipboard``: the query came from it."""
        name = shop.name if shop else T.no_shop
        watch: list[str | tuple[str, str]] = []
        if watching:
            watch = ["  ", (T.clipboard_watching, "bold $accent")]
            if from_clipboard:
                watch += [" · ", (T.from_clipboard, "bold $accent")]
        self.update(
            Content.assemble(
                (f" {name} ", "bold reverse $primary"),
                "  ",
                (stage_label, "bold"),
                "  ",
                (now.strftime("%H:%M"), "bold"),
                " · ",
                cutoff_note(shop, now),
                *watch,
            )
        )
