"""A shop's shipping calendar: when a paid order ships.

Plain data and date arithmetic, no Textual. shops.toml gives each shop a default daily
``cutoff``, optional per-weekday ``cutoffs``, weekdays without shipping (``no_ship_days``) and
closed ranges (``closed``, both ends inclusive). The ship day is the first shipping day on or
after today whose cutoff has not passed: today only while it is before today's cutoff, a later
day always (its cutoff is still ahead). Without any calendar key this is the old rule: before
the cutoff 今天, after it 明天.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday keys as shops.toml writes them, Monday first (``date.weekday()`` order)."""
WEEKDAY_LABELS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
NEAR_DAYS = ("今天", "明天", "后天")
"""What an agent says for a day this close; anything later is named by weekday and date."""
SEARCH_DAYS = 800
"""How far ahead a ship day is looked for: closed ranges longer than two years are a typo,
and a calendar that never ships must end the search (the reply then cannot be rendered)."""

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_cutoff(value: str) -> dt.time | None:
    """``"16:00"`` → 16:00; None if it is not HH:MM."""
    match = _TIME.match(value.strip())
    return dt.time(int(match.group(1)), int(match.group(2))) if match else None


def month_day(day: dt.date) -> str:
    """``11月30日``: how a reply names a date (the year is never in doubt in a chat)."""
    return f"{day.month}月{day.day}日"


def clock_time(value: dt.time) -> str:
    return value.strftime("%H:%M")


@dataclass(frozen=True, slots=True)
class Closure:
    """Days without shipping, ``start`` to ``end`` inclusive (春节停发)."""

    start: dt.date
    end: dt.date
    reason: str = "停发"

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class ShipCalendar:
    """When a shop ships. Empty (no cutoff) means the ship day is unknown: ``{ship_day}`` must
    then be filled by hand, never guessed."""

    cutoff: dt.time | None = None
    """The default daily cutoff (``cutoff = "16:00"``)."""
    cutoffs: Mapping[int, dt.time] = field(default_factory=dict)
    """Per-weekday cutoffs, by ``date.weekday()`` (0 = Monday), overriding ``cutoff``."""
    no_ship_days: frozenset[int] = frozenset()
    """Weekdays (0 = Monday) without shipping."""
    closed: tuple[Closure, ...] = ()
    broken: bool = False
    """shops.toml's calendar for this shop has an error (a quoted date, 周日 for sun …):
    what it meant is unknown, so no ship day is computed — ``{ship_day}`` is asked for, never
    guessed (a dropped 春节 range would promise 今天发)."""

    @property
    def known(self) -> bool:
        """A cutoff is set for at least one day and the calendar has no error: ship days can
        be worked out."""
        return not self.broken and (self.cutoff is not None or bool(self.cutoffs))

    @property
    def cutoff_times(self) -> frozenset[dt.time]:
        """Every cutoff the shop uses on some shipping day (for checks of hard-coded times)."""
        times = {time for day, time in self.cutoffs.items() if day not in self.no_ship_days}
        if self.cutoff is not None and any(
            day not in self.cutoffs and day not in self.no_ship_days for day in range(7)
        ):
            times.add(self.cutoff)
        return frozenset(times)

    def cutoff_on(self, day: dt.date) -> dt.time | None:
        return self.cutoffs.get(day.weekday(), self.cutoff)

    def closure_on(self, day: dt.date) -> Closure | None:
        return next((closure for closure in self.closed if closure.covers(day)), None)

    def ships_on(self, day: dt.date) -> bool:
        """A shipping day: not a ``no_ship_days`` weekday, not in a closed range."""
        return day.weekday() not in self.no_ship_days and self.closure_on(day) is None

    def ship_day(self, now: dt.datetime) -> dt.date | None:
        """The day an order paid ``now`` ships; None when the calendar cannot tell (no cutoff
        for today, or no shipping day within :data:`SEARCH_DAYS`)."""
        if not self.known:
            return None
        today = now.date()
        if self.ships_on(today):
            cutoff = self.cutoff_on(today)
            if cutoff is None:
                return None
            if now.time() < cutoff:
                return today
        for ahead in range(1, SEARCH_DAYS):
            day = today + dt.timedelta(days=ahead)
            if self.ships_on(day):
                return day
        return None

    def with_cutoff(self, cutoff: dt.time | None) -> ShipCalendar:
        """The same calendar with another default cutoff (a per-chat ``cutoff`` value)."""
        return ShipCalendar(cutoff, self.cutoffs, self.no_ship_days, self.closed, self.broken)


def calendar_table(calendar: ShipCalendar) -> dict[str, Any]:
    """The calendar keys as shops.toml writes them (``cutoff`` is a shop value, not here);
    empty keys left out. Exports put them beside the shop's values."""
    table: dict[str, Any] = {}
    if calendar.cutoffs:
        cutoffs = sorted(calendar.cutoffs.items())
        table["cutoffs"] = {WEEKDAYS[day]: clock_time(time) for day, time in cutoffs}
    if calendar.no_ship_days:
        table["no_ship_days"] = [WEEKDAYS[day] for day in sorted(calendar.no_ship_days)]
    if calendar.closed:
        table["closed"] = [
            {"from": closure.start, "to": closure.end, "reason": closure.reason}
            for closure in calendar.closed
        ]
    return table


def day_name(day: dt.date) -> str:
    """``周一（11月30日）``."""
    return f"{WEEKDAY_LABELS[day.weekday()]}（{month_day(day)}）"


def ship_day_word(today: dt.date, day: dt.date) -> str:
    """``{ship_day}``: 今天 / 明天 / 后天 when that close, else ``周一（11月30日）``: never 明天
    for a day after tomorrow."""
    ahead = (day - today).days
    return NEAR_DAYS[ahead] if 0 <= ahead < len(NEAR_DAYS) else day_name(day)


def short_day_word(today: dt.date, day: dt.date) -> str:
    """For the status line: 今天 / 明天, 周一 within three days (after 周六 a weekday reads
    better than 后天), else ``周一（1月4日）`` — a bare 周一 six days ahead reads as this week's."""
    ahead = (day - today).days
    if 0 <= ahead < 2:
        return NEAR_DAYS[ahead]
    return WEEKDAY_LABELS[day.weekday()] if ahead < 4 else day_name(day)


@dataclass(frozen=True, slots=True)
class Outlook:
    """What an agent must know today, for the status line (worded by the UI)."""

    kind: str
    """``unknown`` (no cutoff), ``today`` (before today's cutoff), ``past`` (cutoff passed),
    ``no-ship`` (a weekday without shipping), ``closed`` (inside a closed range), ``broken``
    (shops.toml's calendar has an error: nothing is computed)."""
    cutoff: str = ""
    """Today's cutoff as ``14:00`` (``today``/``past``)."""
    ship: str = ""
    """When it ships: 明天 / 周一 / 2月13日 (``past``/``no-ship``), the date (``closed``)."""
    reason: str = ""
    """The closed range's reason and its last day (``closed``)."""
    until: str = ""
    upcoming: str = ""
    """A closure starting within a week: ``2月3日起春节停发``, else empty."""


UPCOMING_DAYS = 7
"""A closure this close is worth a word on the status line before it starts."""


def outlook(calendar: ShipCalendar, now: dt.datetime) -> Outlook:
    """Today's shipping situation for a shop."""
    if calendar.broken:
        return Outlook("broken")
    today = now.date()
    upcoming = ""
    later = sorted(
        (closure for closure in calendar.closed if 0 < (closure.start - today).days <= UPCOMING_DAYS),
        key=lambda closure: closure.start,
    )
    if later:
        upcoming = f"{month_day(later[0].start)}起{later[0].reason}"
    ship = calendar.ship_day(now)
    if (closure := calendar.closure_on(today)) is not None:
        return Outlook(
            "closed",
            ship=month_day(ship) if ship else "",
            reason=closure.reason,
            until=month_day(closure.end),
        )
    if not calendar.known or ship is None:
        return Outlook("unknown", upcoming=upcoming)
    if not calendar.ships_on(today):
        return Outlook("no-ship", ship=short_day_word(today, ship), upcoming=upcoming)
    cutoff = calendar.cutoff_on(today)
    shown = clock_time(cutoff) if cutoff else ""
    if ship == today:
        return Outlook("today", cutoff=shown, upcoming=upcoming)
    return Outlook("past", cutoff=shown, ship=short_day_word(today, ship), upcoming=upcoming)
