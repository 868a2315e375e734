"""Which replies an agent copies, kept locally in SQLite, and the popularity derived from it.

One row per copy. The typed query is kept for team leads' statistics, with runs of digits
that look like phone or order numbers masked, since buyers paste those into the box.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from .locations import user_data_dir

_SCHEMA = """
CREATE TABLE IF NOT EXISTS uses (
    time TEXT NOT NULL,          -- ISO 8601, local time
    phrase TEXT NOT NULL,        -- phrase id
    book TEXT NOT NULL,
    stage TEXT NOT NULL,
    shop TEXT NOT NULL,
    query TEXT NOT NULL          -- what was typed, digit runs masked
);
CREATE INDEX IF NOT EXISTS uses_phrase ON uses (phrase);
CREATE TABLE IF NOT EXISTS misses (
    time TEXT NOT NULL,
    query TEXT NOT NULL          -- a search given up without copying, digit runs masked
);
"""
_DIGITS = re.compile(r"\d{5,}")
HALF_LIFE_DAYS = 14.0
"""A copy two weeks ago counts half as much as one today."""


def mask_digits(text: str) -> str:
    """``13812345678`` → ``***********``: phone, order and card numbers never get stored."""
    return _DIGITS.sub(lambda match: "*" * len(match.group()), text)


def default_path() -> Path:
    return user_data_dir() / "usage.sqlite3"


class UsageLog:
    """The local usage record. Opening creates the file (and its directory) if needed."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def record(
        self, *, phrase: str, book: str, stage: str, shop: str, query: str, when: dt.datetime | None = None
    ) -> None:
        moment = (when or dt.datetime.now()).isoformat(timespec="seconds")
        with self._db:
            self._db.execute(
                "INSERT INTO uses (time, phrase, book, stage, shop, query) VALUES (?, ?, ?, ?, ?, ?)",
                (moment, phrase, book, stage, shop, mask_digits(query.strip())),
            )

    def record_miss(self, query: str, when: dt.datetime | None = None) -> None:
        """A query the agent gave up on (cleared without copying): a candidate for a new reply."""
        query = mask_digits(query.strip())
        if len(query) < 2:
            return
        moment = (when or dt.datetime.now()).isoformat(timespec="seconds")
        with self._db:
            self._db.execute("INSERT INTO misses (time, query) VALUES (?, ?)", (moment, query))

    def misses(self) -> Iterable[tuple[str, str]]:
        return self._db.execute("SELECT time, query FROM misses ORDER BY time")

    def popularity(self, now: dt.datetime | None = None) -> dict[str, float]:
        """Frecency per phrase id, scaled to 0..1: every copy counts, recent ones more."""
        now = now or dt.datetime.now()
        totals: dict[str, float] = {}
        for phrase, moment in self._db.execute("SELECT phrase, time FROM uses"):
            try:
                age = (now - dt.datetime.fromisoformat(moment)).total_seconds() / 86400
            except ValueError:
                continue
            totals[phrase] = totals.get(phrase, 0.0) + math.pow(0.5, max(0.0, age) / HALF_LIFE_DAYS)
        if not totals:
            return {}
        top = max(totals.values())
        return {phrase: value / top for phrase, value in totals.items()}

    def rows(self) -> Iterable[tuple[str, str, str, str, str, str]]:
        return self._db.execute("SELECT time, phrase, book, stage, shop, query FROM uses ORDER BY time")
