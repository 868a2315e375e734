"""Three-way merge of one phrasebook, reply by reply: the version the editor loaded (base), the
lead's draft (mine) and the file as it is on disk now (theirs, a colleague saved first).

A reply is matched by its id. Changes made on one side only are taken as they are; a reply
both sides changed differently (or one changed and the other deleted) is a conflict the lead
settles with a Choice. Whatever is chosen, the result never holds an id twice, and a copy kept
beside the other version ("keep both") gets a free id and loses the shortcut codes already taken.
No UI here; the editor's conflict screen is a thin layer over Merge.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar


class Reply(Protocol):
    """What the merge needs of a reply (editing.PhraseDraft is one): an id, shortcut codes,
    equality by value, and being a dataclass so a copy can get a new id."""

    id: str
    keys: list[str]


R = TypeVar("R", bound=Reply)


class Outcome(StrEnum):
    """What happened to one reply since the base version."""

    UNCHANGED = "unchanged"
    MINE = "mine"
    """Only I changed it."""
    THEIRS = "theirs"
    """Only they changed it."""
    SAME = "same"
    """Both changed it the same way."""
    ADDED_MINE = "added-mine"
    ADDED_THEIRS = "added-theirs"
    DELETED_MINE = "deleted-mine"
    """I deleted it (they left it alone): it goes."""
    DELETED_THEIRS = "deleted-theirs"
    DELETED_BOTH = "deleted-both"
    CONFLICT = "conflict"


class Choice(StrEnum):
    MINE = "mine"
    THEIRS = "theirs"
    BOTH = "both"
    """Theirs keeps the id; mine is kept beside it under a new id."""


class ConflictKind(StrEnum):
    BOTH_CHANGED = "both-changed"
    BOTH_ADDED = "both-added"
    """The same id added on both sides with different content."""
    MINE_DELETED = "mine-deleted"
    """I deleted it, they changed it."""
    THEIRS_DELETED = "theirs-deleted"
    """They deleted it, I changed it."""
    NO_BASE = "no-base"
    """The loaded version is unknown, so any difference counts as a conflict."""


@dataclass
class Slot(Generic[R]):
    """One id's place in the merged book."""

    id: str
    outcome: Outcome
    base: R | None
    mine: R | None
    theirs: R | None
    kind: ConflictKind | None = None
    """Set for conflicts only."""

    @property
    def choices(self) -> tuple[Choice, ...]:
        """Keeping both only makes sense when both sides still have the reply."""
        if self.mine is not None and self.theirs is not None:
            return (Choice.MINE, Choice.THEIRS, Choice.BOTH)
        return (Choice.MINE, Choice.THEIRS)

    def automatic(self) -> R | None:
        """The reply kept without asking (None: none kept). Not for conflicts."""
        if self.outcome in (Outcome.MINE, Outcome.ADDED_MINE, Outcome.UNCHANGED, Outcome.SAME):
            return self.mine
        if self.outcome in (Outcome.THEIRS, Outcome.ADDED_THEIRS):
            return self.theirs
        if self.outcome is Outcome.CONFLICT:
            raise ValueError(f"{self.id} is a conflict: it needs a choice")
        return None


@dataclass
class Merge(Generic[R]):
    slots: list[Slot[R]] = field(default_factory=list)
    has_base: bool = True

    @property
    def conflicts(self) -> list[Slot[R]]:
        return [slot for slot in self.slots if slot.outcome is Outcome.CONFLICT]

    def count(self, *outcomes: Outcome) -> int:
        return sum(1 for slot in self.slots if slot.outcome in outcomes)

    def resolve(
        self,
        choices: dict[str, Choice],
        *,
        taken_ids: Iterable[str] = (),
        taken_keys: Iterable[str] = (),
    ) -> Resolution[R]:
        """The merged replies in order. ``choices``: one per conflict id. ``taken_ids`` and
        ``taken_keys``: used elsewhere (other books), so a kept copy avoids them too.

        Shortcut codes stay unique: their version keeps its codes (agents may already type
        them); a code of mine that one of theirs now uses is dropped and reported."""
        missing = [slot.id for slot in self.conflicts if slot.id not in choices]
        if missing:
            raise ValueError("no choice for " + ", ".join(missing))
        # (reply, side): "theirs" is on disk already, "mine" is my version, "copy" is mine
        # kept beside theirs and still needing a new id.
        kept: list[tuple[R, str]] = []
        for slot in self.slots:
            if slot.outcome is not Outcome.CONFLICT:
                reply = slot.automatic()
                if reply is not None:
                    mine_side = slot.outcome in (Outcome.MINE, Outcome.ADDED_MINE)
                    kept.append((reply, "mine" if mine_side else "theirs"))
                continue
            choice = choices[slot.id]
            if choice is Choice.BOTH and choice not in slot.choices:
                choice = Choice.MINE if slot.mine is not None else Choice.THEIRS
            if choice is Choice.MINE and slot.mine is not None:
                kept.append((slot.mine, "mine"))
            elif choice is Choice.THEIRS and slot.theirs is not None:
                kept.append((slot.theirs, "theirs"))
            elif choice is Choice.BOTH and slot.mine is not None and slot.theirs is not None:
                kept.append((slot.theirs, "theirs"))
                kept.append((slot.mine, "copy"))
        # Every id either side ever used is off limits for a copy, so it cannot meet a reply
        # that a later merge brings back.
        ids = {reply.id for slot in self.slots for reply in (slot.base, slot.mine, slot.theirs) if reply}
        ids.update(taken_ids)
        keys = {key.lower() for key in taken_keys}
        keys.update(key.lower() for reply, side in kept if side == "theirs" for key in reply.keys)
        result = Resolution[R]()
        for reply, side in kept:
            if side == "theirs":
                result.replies.append(reply)
                continue
            codes = [key for key in reply.keys if key.lower() not in keys]
            keys.update(key.lower() for key in codes)
            new_id = reply.id
            if side == "copy":
                new_id = free_id(reply.id, ids)
                ids.add(new_id)
                result.copies.append((reply.id, new_id))
            elif len(codes) < len(reply.keys):
                result.dropped.extend((reply.id, key) for key in reply.keys if key not in codes)
            if new_id != reply.id or codes != reply.keys:
                reply = dataclasses.replace(reply, id=new_id, keys=codes)  # type: ignore[type-var]
            result.replies.append(reply)
        return result


@dataclass
class Resolution(Generic[R]):
    replies: list[R] = field(default_factory=list)
    copies: list[tuple[str, str]] = field(default_factory=list)
    """(id, id of my copy) for every "keep both"."""
    dropped: list[tuple[str, str]] = field(default_factory=list)
    """(id, code) for codes of my version dropped because one of theirs now uses them."""


def free_id(base: str, taken: set[str]) -> str:
    """``base-2``, ``base-3``… the first not in ``taken`` (a trailing number is replaced)."""
    stem = re.sub(r"-\d+$", "", base) or "reply"
    number = 2
    while f"{stem}-{number}" in taken:
        number += 1
    return f"{stem}-{number}"


def three_way(base: Sequence[R] | None, mine: Sequence[R], theirs: Sequence[R]) -> Merge[R]:
    """Compare per id. ``base`` None: the loaded version is unknown, every difference is a
    conflict. The order is mine, with replies only theirs has placed after their predecessor
    in their order."""
    base_by = {reply.id: reply for reply in base or ()}
    mine_by = {reply.id: reply for reply in mine}
    theirs_by = {reply.id: reply for reply in theirs}
    order = _order([reply.id for reply in mine], [reply.id for reply in theirs])
    merge: Merge[R] = Merge(has_base=base is not None)
    for reply_id in order:
        b, m, t = base_by.get(reply_id), mine_by.get(reply_id), theirs_by.get(reply_id)
        if base is None:
            outcome, kind = (Outcome.UNCHANGED, None) if m == t else (Outcome.CONFLICT, ConflictKind.NO_BASE)
        else:
            outcome, kind = _compare(b, m, t)
        merge.slots.append(Slot(reply_id, outcome, b, m, t, kind))
    for reply_id in base_by:  # deleted on both sides: listed so the summary can count it
        if reply_id not in mine_by and reply_id not in theirs_by:
            merge.slots.append(Slot(reply_id, Outcome.DELETED_BOTH, base_by[reply_id], None, None))
    return merge


def _compare(b: R | None, m: R | None, t: R | None) -> tuple[Outcome, ConflictKind | None]:
    if b is None:
        if m is not None and t is not None:
            return (Outcome.SAME, None) if m == t else (Outcome.CONFLICT, ConflictKind.BOTH_ADDED)
        return (Outcome.ADDED_MINE, None) if m is not None else (Outcome.ADDED_THEIRS, None)
    if m is None and t is None:
        return Outcome.DELETED_BOTH, None
    if t is None:
        return (Outcome.DELETED_THEIRS, None) if m == b else (Outcome.CONFLICT, ConflictKind.THEIRS_DELETED)
    if m is None:
        return (Outcome.DELETED_MINE, None) if t == b else (Outcome.CONFLICT, ConflictKind.MINE_DELETED)
    if m == t:
        return (Outcome.UNCHANGED if m == b else Outcome.SAME), None
    if t == b:
        return Outcome.MINE, None
    if m == b:
        return Outcome.THEIRS, None
    return Outcome.CONFLICT, ConflictKind.BOTH_CHANGED


def _order(mine: list[str], theirs: list[str]) -> list[str]:
    order = list(dict.fromkeys(mine))
    present = set(order)
    previous: str | None = None
    for reply_id in theirs:
        if reply_id not in present:
            position = order.index(previous) + 1 if previous is not None else 0
            order.insert(position, reply_id)
            present.add(reply_id)
        previous = reply_id
    return order


def differing_fields(first: Any, second: Any) -> list[str]:
    """Names of the dataclass fields whose values differ (all of them if one side is None)."""
    if first is None or second is None:
        present = first if first is not None else second
        return [f.name for f in dataclasses.fields(present)] if present is not None else []
    return [f.name for f in dataclasses.fields(first) if getattr(first, f.name) != getattr(second, f.name)]
