"""The top line: shop, stage filter, clock and today's ship cutoff."""

from __future__ import annotations

import datetime as dt

from textual.content import Content
from textual.widgets import Static

from ...calendar import outlook
from ...model import Shop
from ..strings import T, ship_words


def cutoff_note(shop: Shop | None, now: dt.datetime) -> str:
    """What an agent must know about shipping today: "16:00 前付款今天发" before the cutoff,
    "已过 14:00，周一发" after it, "春节停发至 2月12日，2月13日起发货" in a closed range."""
    if shop is None:
        return T.no_cutoff
    today = outlook(shop.calendar, now)
    if today.kind == "closed":
        note = (T.ship_closed if today.ship else T.ship_closed_open).format(
            reason=today.reason, until=ship_words(today.until), ship=ship_words(today.ship)
        )
    elif today.kind == "today":
        note = T.ship_today.format(cutoff=today.cutoff)
    elif today.kind == "past":
        note = T.ship_past.format(cutoff=today.cutoff, ship=ship_words(today.ship))
    elif today.kind == "no-ship":
        note = T.ship_not_today.format(ship=ship_words(today.ship))
    elif today.kind == "broken":
        note = T.ship_calendar_broken
    else:
        note = T.no_cutoff
    return note + (T.ship_upcoming.format(upcoming=today.upcoming) if today.upcoming else "")


class StatusBar(Static):
    def show(
        self,
        shop: Shop | None,
        stage_label: str,
        now: dt.datetime,
        *,
        watching: bool = False,
        from_clipboard: bool = False,
        loading: bool = False,
    ) -> None:
        """``watching``: the clipboard watch is on; ``from_clipboard``: the query came from it;
        ``loading``: the books (and shops.toml) are still loading — no shop is "not set" yet."""
        name = shop.name if shop else (T.shop_loading if loading else T.no_shop)
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
                "" if loading and shop is None else cutoff_note(shop, now),
                *watch,
            )
        )
