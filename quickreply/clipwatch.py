"""Clipboard watch: a buyer's message copied in the chat window becomes the query.

The agent copies the buyer's message, the app (``quickreply --watch``) sees the clipboard
change, searches for it and selects the best reply; one Enter copies that reply. This module
holds the decisions, with no screen: what counts as a buyer message, and a poller that
remembers what it saw last and what quickreply copied itself. The UI polls it from a thread
worker (quickreply/tui/app.py).
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .sanitize import clean_text
from .template import Slot, parse

MAX_CHARS = 300
"""Longer than this is not a chat message (an article, a product description, a log)."""

MIN_SENTENCE = 12
"""A copied text at least this long found inside a reply is a piece of that reply (the agent
copied a sentence of what was sent), not a buyer's question. Shorter ones (好的, 谢谢, 发货了吗)
occur inside replies and are still buyers' words."""

MIN_LITERAL = 4
"""A reply with placeholders claims a text only with at least this many characters of its own."""

OWN_COPIES_KEPT = 50

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def _squeeze(text: str) -> str:
    """Whitespace dropped: a chat window or clipboard may re-wrap lines or change line ends."""
    return "".join(text.split())


@dataclass(frozen=True, slots=True)
class _Pattern:
    """A reply as literal pieces with a wildcard between each (a placeholder's value)."""

    pieces: tuple[str, ...]
    open_start: bool
    open_end: bool
    literal: int
    """How many characters of the reply are its own words (not placeholders)."""
    has_slots: bool

    def matches(self, text: str) -> bool:
        """Glob matching, linear in the text: the first and last pieces anchored unless a
        placeholder stands there, the middle ones found leftmost in order (a regex of ``.*?``
        would backtrack; templates come from other shops)."""
        pieces = list(self.pieces)
        if not pieces:
            return self.open_start or self.open_end or text == ""
        if not self.open_start:
            first = pieces.pop(0)
            if not text.startswith(first):
                return False
            text = text[len(first) :]
            if not pieces:
                return self.open_end or text == ""
        last = ""
        if not self.open_end:
            last = pieces.pop()
            if not text.endswith(last) or len(text) < len(last):
                return False
            text = text[: len(text) - len(last)]
        position = 0
        for piece in pieces:
            found = text.find(piece, position)
            if found < 0:
                return False
            position = found + len(piece)
        return True


def _pattern(template: str) -> _Pattern:
    # Whitespace-only literals (and the empty one parse() may put first) are no anchor.
    parts = [part if isinstance(part, Slot) else _squeeze(part) for part in parse(template).parts]
    parts = [part for part in parts if part]
    pieces = [part for part in parts if isinstance(part, str)]
    return _Pattern(
        tuple(pieces),
        open_start=bool(parts) and isinstance(parts[0], Slot),
        open_end=bool(parts) and isinstance(parts[-1], Slot),
        literal=sum(len(piece) for piece in pieces),
        has_slots=len(pieces) < len(parts),
    )


def _claims(pattern: _Pattern, text: str) -> bool:
    """With placeholders, the reply's own words must be a few characters and at least half the
    text: "{a}的{b}" or "亲，{x}" is no claim on every message holding 的 or 亲."""
    if not pattern.has_slots:
        return True
    return pattern.literal >= MIN_LITERAL and pattern.literal * 2 >= len(text)


class KnownReplies:
    """Every wording of every reply, to tell our replies (filled in by anyone) from buyers'
    messages. Built off the UI thread: parsing 10k templates takes a while."""

    def __init__(self, templates: Iterable[str]) -> None:
        self._patterns = [_pattern(template) for template in dict.fromkeys(templates)]
        # The longest literal of each: a quick "could it match" before the full match.
        self._keys = [max(p.pieces, key=len, default="") for p in self._patterns]
        # Every literal in one string, for one "is it a sentence of some reply" search.
        self._all_pieces = "\0".join(piece for p in self._patterns for piece in p.pieces)

    def __len__(self) -> int:
        return len(self._patterns)

    def is_reply(self, text: str) -> bool:
        """``text`` is one of our replies, placeholders filled with anything, or (when it is a
        whole sentence long) a piece of one."""
        squeezed = _squeeze(text)
        if not squeezed:
            return False
        if len(squeezed) >= MIN_SENTENCE and squeezed in self._all_pieces:
            return True
        return any(
            key and key in squeezed and _claims(pattern, squeezed) and pattern.matches(squeezed)
            for key, pattern in zip(self._keys, self._patterns, strict=True)
        )


def looks_like_buyer_message(text: str, replies: KnownReplies | Iterable[str]) -> bool:
    """Han characters, at most MAX_CHARS (whitespace aside), and not the text of a reply."""
    squeezed = _squeeze(text)
    if not squeezed or len(squeezed) > MAX_CHARS or not _HAN.search(squeezed):
        return False
    known = replies if isinstance(replies, KnownReplies) else KnownReplies(replies)
    return not known.is_reply(squeezed)


def as_query(text: str) -> str:
    """The message as a one-line query: cleaned (clipboard text is untrusted: escape
    sequences, bidi overrides) and its lines joined, as a paste into the search box is."""
    cleaned = clean_text(text).text
    return " ".join(line.strip() for line in cleaned.splitlines() if line.strip())


class ClipboardWatch:
    """What the poller remembers between looks: the text seen last, and quickreply's own
    copies (which must never come back as a query).

    ``read`` returns the clipboard's text ("" when it holds none) and raises when the
    clipboard cannot be read; that error reaches the caller of :meth:`poll`. Thread-safe:
    copies are noted from the copy worker while the watch worker polls."""

    def __init__(self, read: Callable[[], str]) -> None:
        self.read = read
        self._lock = threading.Lock()
        self._last: str | None = None
        self._own: deque[str] = deque(maxlen=OWN_COPIES_KEPT)
        self.looks = 0
        """Polls done so far (tests and the benchmark wait for the first, the baseline)."""

    def note_own_copy(self, text: str) -> None:
        """Call before the copy reaches the clipboard, so a poll in between skips it."""
        with self._lock:
            self._own.append(_squeeze(text))

    def is_own_copy(self, text: str) -> bool:
        with self._lock:
            return _squeeze(text) in self._own

    def restart(self) -> None:
        """Forget the text seen last: the next poll takes the clipboard as it is then as the
        starting point (what was there before the watch began is not a new message)."""
        with self._lock:
            self._last = None

    def poll(self, replies: KnownReplies) -> str | None:
        """One look: the query for a new buyer message, else None."""
        text = self.read()
        with self._lock:
            previous, self._last = self._last, text
            self.looks += 1
        if previous is None or text == previous:
            return None
        if self.is_own_copy(text) or not looks_like_buyer_message(text, replies):
            return None
        return as_query(text) or None
