"""Which replies an agent copies, kept locally in SQLite, and the popularity derived from it.

One row per copy. The typed query is kept for team leads' statistics, with runs of digits
that look like phone or order numbers masked, since buyers paste those into the box.

The record is a nicety: copying must never fail because it could not be written. Any SQLite
failure (locked by another process, a read-only file, a full disk) turns the record off for
the session; :attr:`UsageLog.failure` says why, so the app can tell the agent once.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import re
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

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
CREATE TABLE IF NOT EXISTS learned (
    time TEXT NOT NULL,
    query TEXT NOT NULL,         -- the wording typed, digit runs masked
    phrase TEXT NOT NULL         -- the reply copied for it although search ranked another first
);
CREATE INDEX IF NOT EXISTS learned_phrase ON learned (phrase);
CREATE TABLE IF NOT EXISTS last_used (
    phrase TEXT PRIMARY KEY,     -- phrase id
    hash TEXT NOT NULL,          -- text_hash of the reply's text (the template) when last used
    text TEXT NOT NULL,          -- that text, to show what the team changed since
    time TEXT NOT NULL
);
"""
_INSERT_USE = "INSERT INTO uses (time, phrase, book, stage, shop, query) VALUES (?, ?, ?, ?, ?, ?)"
_DIGITS = re.compile(r"\d{5,}")
HALF_LIFE_DAYS = 14.0
"""A copy two weeks ago counts half as much as one today."""
BUSY_TIMEOUT = 1.0
"""Seconds to wait for another process's write lock (stats --merge reading, a second app
window) before giving up; without it a lock fails at once."""
_T = TypeVar("_T")
_REASONS = {
    "SQLITE_BUSY": "被另一个程序占用（另一个窗口或统计正在写入）",
    "SQLITE_LOCKED": "被另一个程序占用（另一个窗口或统计正在写入）",
    "SQLITE_READONLY": "文件是只读的",
    "SQLITE_FULL": "磁盘空间不足",
    "SQLITE_CANTOPEN": "无法打开文件",
    "SQLITE_CORRUPT": "文件已损坏",
    "SQLITE_NOTADB": "不是使用记录数据库（文件已损坏？）",
    "SQLITE_IOERR": "读写出错",
}


def _reason(error: Exception) -> str:
    """Why the record failed, in Chinese (SQLite's own words for rarer errors)."""
    name = getattr(error, "sqlite_errorname", "") or ""
    for prefix, reason in _REASONS.items():  # SQLITE_READONLY_DBMOVED and the like count too
        if name.startswith(prefix):
            return reason
    if isinstance(error, OSError):
        return f"无法创建文件夹：{error.strerror or error}"
    return str(error) or type(error).__name__


def mask_digits(text: str) -> str:
    """``13812345678`` → ``***********``: phone, order and card numbers never get stored."""
    return _DIGITS.sub(lambda match: "*" * len(match.group()), text)


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def is_wording(query: str) -> bool:
    """Worth learning from: two Chinese characters at least. Codes (fh), pinyin and a
    single character say which reply the agent wanted, not how buyers put it."""
    return len(_HAN.findall(query)) >= 2


@functools.lru_cache(maxsize=4096)
def text_hash(text: str) -> str:
    """The digest kept per reply; cached, since every search compares its hits' texts."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class LastUsed(NamedTuple):
    """What an agent last used of one reply: the text (the template, before filling) and when."""

    hash: str
    text: str
    time: str


class LastUsedTexts:
    """Per reply id, the text the agent last used: "updated since you last used it".

    Kept on the template, not the filled reply: the filled one changes with the shop, the
    ship day and the order number on every copy, the template only when someone edits it.
    A reply never used (or used before this record existed) is never "updated"."""

    def __init__(self, rows: dict[str, LastUsed] | None = None) -> None:
        self._rows: dict[str, LastUsed] = dict(rows or {})

    def __len__(self) -> int:
        return len(self._rows)

    def before(self, phrase: str, text: str) -> str | None:
        """The text last used when ``text`` (the reply's text now) differs from it, else None."""
        row = self._rows.get(phrase)
        if row is None or row.hash == text_hash(text):
            return None
        return row.text

    def is_updated(self, phrase: str, text: str) -> bool:
        return self.before(phrase, text) is not None

    def note(self, phrase: str, text: str, when: str = "") -> bool:
        """The agent used ``text`` now; True when the reply was shown as updated until now."""
        was = self.is_updated(phrase, text)
        self._rows[phrase] = LastUsed(text_hash(text), text, when)
        return was


def read_last_used(path: Path) -> LastUsedTexts:
    """The last used texts of the record at ``path``, read only (``search --json`` never writes
    nor creates the file). Empty when there is none or it cannot be read: a nicety, never an
    error."""
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT)
    except (OSError, ValueError, sqlite3.Error):
        return LastUsedTexts()
    try:
        rows = db.execute("SELECT phrase, hash, text, time FROM last_used").fetchall()
    except sqlite3.Error:  # no table yet (an older record), locked, not a database
        return LastUsedTexts()
    finally:
        db.close()
    return LastUsedTexts({phrase: LastUsed(*rest) for phrase, *rest in rows})


def default_path() -> Path:
    return user_data_dir() / "usage.sqlite3"


class UsageLog:
    """The local usage record. Opening creates the file (and its directory) if needed.

    No method raises for a database fault: the first one sets :attr:`failure` and from then
    on writes are skipped and reads answer empty ("history off")."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        self.failure: str | None = None
        """Why the record is off, in Chinese; None while it works."""
        self._lock = threading.Lock()  # copies record from worker threads, one connection
        self._db: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, check_same_thread=False)
            try:
                # WAL: reading (stats, popularity) never waits for a writer, nor a writer for
                # readers. Only a nicety: a read-only file refuses it, and fails below anyway.
                self._db.execute("PRAGMA journal_mode=WAL")
            except sqlite3.Error:
                pass
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as error:
            self._fail(error)

    @property
    def working(self) -> bool:
        return self.failure is None

    def _fail(self, error: Exception) -> None:
        if self.failure is None:
            self.failure = _reason(error)
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
            self._db = None

    def _run(self, step: Callable[[sqlite3.Connection], _T], otherwise: _T) -> _T:
        """``step`` on the open database, or ``otherwise`` when the record is off or fails."""
        with self._lock:
            if self._db is None:
                return otherwise
            try:
                return step(self._db)
            except sqlite3.Error as error:
                self._fail(error)
                return otherwise

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                try:
                    self._db.close()
                except sqlite3.Error:
                    pass
                self._db = None

    def record(
        self, *, phrase: str, book: str, stage: str, shop: str, query: str, when: dt.datetime | None = None
    ) -> bool:
        """Note one copy; False when it could not be written (the record is off)."""
        moment = (when or dt.datetime.now()).isoformat(timespec="seconds")
        row = (moment, phrase, book, stage, shop, mask_digits(query.strip()))

        def insert(db: sqlite3.Connection) -> bool:
            with db:
                db.execute(_INSERT_USE, row)
            return True

        return self._run(insert, False)

    def record_miss(self, query: str, when: dt.datetime | None = None) -> bool:
        """A query the agent gave up on (cleared without copying): a candidate for a new reply.
        False when it could not be written."""
        query = mask_digits(query.strip())
        if len(query) < 2:
            return True
        moment = (when or dt.datetime.now()).isoformat(timespec="seconds")

        def insert(db: sqlite3.Connection) -> bool:
            with db:
                db.execute("INSERT INTO misses (time, query) VALUES (?, ?)", (moment, query))
            return True

        return self._run(insert, False)

    def record_learned(self, query: str, phrase: str, when: dt.datetime | None = None) -> bool:
        """The agent copied ``phrase`` for ``query`` although search ranked another reply first:
        remember the pair (see learned.py). A query too short to be a wording is skipped.
        False when it could not be written."""
        query = mask_digits(query.strip())
        if not is_wording(query):
            return True
        moment = (when or dt.datetime.now()).isoformat(timespec="seconds")

        def insert(db: sqlite3.Connection) -> bool:
            with db:
                db.execute(
                    "INSERT INTO learned (time, query, phrase) VALUES (?, ?, ?)", (moment, query, phrase)
                )
            return True

        return self._run(insert, False)

    def record_text(self, phrase: str, text: str, when: dt.datetime | None = None) -> bool:
        """The agent used reply ``phrase`` whose text (the template) is ``text`` now: remember
        it, replacing the last one. False when it could not be written (the record is off)."""
        moment = (when or dt.datetime.now()).isoformat(timespec="seconds")
        row = (phrase, text_hash(text), text, moment)

        def upsert(db: sqlite3.Connection) -> bool:
            with db:
                db.execute(
                    "INSERT OR REPLACE INTO last_used (phrase, hash, text, time) VALUES (?, ?, ?, ?)", row
                )
            return True

        return self._run(upsert, False)

    def last_used(self) -> LastUsedTexts:
        """Every reply's last used text, for "updated since you last used it" (empty when off)."""
        rows = self._select("SELECT phrase, hash, text, time FROM last_used")
        return LastUsedTexts({phrase: LastUsed(*rest) for phrase, *rest in rows})

    def learned(self) -> list[tuple[str, str, str]]:
        """Every learned pair as (time, query, phrase id), oldest first."""
        return self._select("SELECT time, query, phrase FROM learned ORDER BY time")

    def forget(self, phrase: str) -> int | None:
        """Remove the learned pairs for one reply: how many, or None when the record is off."""

        def delete(db: sqlite3.Connection) -> int:
            with db:
                return db.execute("DELETE FROM learned WHERE phrase = ?", (phrase,)).rowcount

        return self._run(delete, None)

    def misses(self) -> list[tuple[str, str]]:
        return self._select("SELECT time, query FROM misses ORDER BY time")

    def popularity(self, now: dt.datetime | None = None) -> dict[str, float]:
        """Frecency per phrase id, scaled to 0..1: every copy counts, recent ones more."""
        now = now or dt.datetime.now()
        totals: dict[str, float] = {}
        for phrase, moment in self._select("SELECT phrase, time FROM uses"):
            try:
                age = (now - dt.datetime.fromisoformat(moment)).total_seconds() / 86400
            except (TypeError, ValueError):
                continue
            totals[phrase] = totals.get(phrase, 0.0) + math.pow(0.5, max(0.0, age) / HALF_LIFE_DAYS)
        if not totals:
            return {}
        top = max(totals.values())
        return {phrase: value / top for phrase, value in totals.items()}

    def rows(self) -> list[tuple[str, str, str, str, str, str]]:
        return self._select("SELECT time, phrase, book, stage, shop, query FROM uses ORDER BY time")

    def _select(self, sql: str) -> list[Any]:
        return self._run(lambda db: db.execute(sql).fetchall(), [])
