"""The data quickreply works on: stages, phrases, books, shops and findings.

Small frozen dataclasses with no behaviour beyond naming; loading lives in books.py.
"""

from __future__ import annotations

import datetime as dt
import sys
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, overload

from .calendar import ShipCalendar, parse_cutoff
from .sanitize import visible


class Stage(StrEnum):
    """Where in the sale a reply is used."""

    PRE_SALE = "pre-sale"
    IN_SALE = "in-sale"
    AFTER_SALE = "after-sale"

    @property
    def label(self) -> str:
        """The Chinese name agents use (售前/售中/售后)."""
        return STAGE_LABELS[self]

    @classmethod
    def parse(cls, value: str) -> Stage:
        """Accept the English value or its Chinese label; raise ValueError otherwise."""
        text = value.strip().lower()
        for stage in cls:
            if text in (stage.value, stage.label):
                return stage
        raise ValueError(value)


STAGE_LABELS: dict[Stage, str] = {
    Stage.PRE_SALE: "售前",
    Stage.IN_SALE: "售中",
    Stage.AFTER_SALE: "售后",
}


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding of loading or checking, pointing at a place in a file."""

    file: Path
    line: int
    message: str
    severity: Severity = Severity.ERROR
    code: str = "invalid"
    """A short machine-readable kind, e.g. ``toml-syntax`` or ``duplicate-id``."""
    phrase: str | None = None
    """The id of the phrase concerned, when there is one."""
    column: int | None = None

    def __post_init__(self) -> None:
        # Messages quote strangers' text (a rules.toml message, a shops.toml key, a rule id)
        # and reach screens that never call format(): the editor's findings, the preview, the
        # copy guard. Made visible here once, they are safe wherever they are shown.
        for name in ("message", "code", "phrase"):
            value = getattr(self, name)
            if value is not None and not value.isprintable():
                object.__setattr__(self, name, visible(value))

    def format(self) -> str:
        """``file:line: [code] phrase: 错误：message`` — one line, as `check` prints it.

        Every part may come from a stranger's files (a file name, a shops.toml key, a rule's
        message): the line goes through :func:`visible`, so an escape sequence in any of them
        is shown as ``\\x1b`` and never reaches a terminal, and a newline cannot forge a line."""
        where = f"{self.file}:{self.line}"
        if self.column is not None:
            where += f":{self.column}"
        subject = f" {self.phrase}:" if self.phrase else ""
        return visible(f"{where}: [{self.code}]{subject} {self.severity.label}：{self.message}")


_LAYOUTS: dict[tuple[str, ...], tuple[str, ...]] = {}


class FieldLines(Sequence[tuple[str, int]]):
    """Where each field of a phrase was written: ``(name, line)`` pairs, kept compact.

    As a tuple of pairs, this took 660 bytes per reply (a third of a loaded 100k library):
    here the names are one tuple shared by every reply written in the same order, and the
    lines are packed in bytes. Reads, compares and hashes like the tuple of pairs."""

    __slots__ = ("_lines", "_names")

    def __init__(self, pairs: Iterable[tuple[str, int]] = ()) -> None:
        pairs = tuple(pairs)
        names = tuple(sys.intern(name) for name, _ in pairs)
        self._names = _LAYOUTS.setdefault(names, names) if len(_LAYOUTS) < 4096 else names
        self._lines = array("I", [line for _, line in pairs]).tobytes()

    @classmethod
    def _packed(cls, names: tuple[str, ...], lines: bytes) -> FieldLines:
        made = cls.__new__(cls)
        made._names, made._lines = names, lines
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return FieldLines._packed, (self._names, self._lines)

    def _pairs(self) -> tuple[tuple[str, int], ...]:
        return tuple(zip(self._names, array("I", self._lines), strict=True))

    @overload
    def __getitem__(self, index: int) -> tuple[str, int]: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[tuple[str, int], ...]: ...
    def __getitem__(self, index: int | slice) -> tuple[str, int] | tuple[tuple[str, int], ...]:
        return self._pairs()[index]

    def __len__(self) -> int:
        return len(self._names)

    def __iter__(self) -> Iterator[tuple[str, int]]:
        return iter(self._pairs())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FieldLines):
            return self._names == other._names and self._lines == other._lines
        return isinstance(other, tuple) and self._pairs() == other

    def __hash__(self) -> int:
        return hash(self._pairs())

    def __repr__(self) -> str:
        return repr(self._pairs())


@dataclass(frozen=True, slots=True)
class Phrase:
    """One canned reply."""

    id: str
    title: str
    text: str
    stage: Stage
    book: str
    """The display name of the book it came from."""
    keys: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    note: str = ""
    expires: dt.date | None = None
    starts: dt.date | None = None
    """First day the reply is shown (presale replies before 预售 opens); like ``expires``, it
    hides the reply from search, not from ``render`` by id or from exports."""
    source: Path | None = None
    line: int = 0
    """Line of its ``[[phrase]]`` header in ``source``."""
    field_lines: Sequence[tuple[str, int]] = ()
    """Where each field was written, for messages that point at it (a FieldLines when loaded)."""
    parts: tuple[str, ...] = ()
    """A sequence: 2..20 short messages copied one Enter after another. ``text`` is then the
    whole reply (the parts joined by line breaks), which search and the checks read."""

    def line_of(self, field_name: str) -> int:
        return next((line for name, line in self.field_lines if name == field_name), self.line)

    @property
    def wordings(self) -> tuple[str, ...]:
        """The main text followed by its variants."""
        return (self.text, *self.variants)

    @property
    def segments(self) -> tuple[str, ...]:
        """What is copied, one Enter each: the parts of a sequence, else the text alone."""
        return self.parts or (self.text,)

    def is_expired(self, today: dt.date) -> bool:
        return self.expires is not None and today > self.expires

    def is_pending(self, today: dt.date) -> bool:
        """Not shown yet: ``starts`` is after today."""
        return self.starts is not None and today < self.starts

    def is_shown(self, today: dt.date) -> bool:
        """Within its window (``starts`` … ``expires``, both inclusive): search may return it."""
        return not self.is_expired(today) and not self.is_pending(today)


@dataclass(frozen=True, slots=True)
class Book:
    name: str
    stage: Stage
    path: Path
    description: str = ""
    phrases: tuple[Phrase, ...] = ()
    sha256: str | None = None
    """Digest of the file as loaded: saving refuses to overwrite a file that changed since."""
    has_comments: bool = False
    """Saving rewrites the file and would drop its ``#`` comments."""


@dataclass(frozen=True, slots=True)
class Shop:
    """A shop's placeholder values; ``shop_name`` is always among them."""

    name: str
    values: dict[str, str] = field(default_factory=dict)
    calendar: ShipCalendar = field(default_factory=ShipCalendar)
    """When it ships (cutoffs, days without shipping, closed ranges). A shop built with only a
    ``cutoff`` value gets that cutoff here too, so callers need look in one place."""

    def __post_init__(self) -> None:
        if self.calendar.cutoff is None and (cutoff := parse_cutoff(self.values.get("cutoff", ""))):
            object.__setattr__(self, "calendar", self.calendar.with_cutoff(cutoff))

    @property
    def cutoff(self) -> str | None:
        return self.values.get("cutoff")
