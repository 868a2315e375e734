"""What changed in a reply's text since the agent last used it, as pieces to show.

Character by character (Chinese has no spaces to split words on), with long unchanged runs
cut to a little context on each side, so a one-word policy change in a long reply stands out.
Plain data: the TUI styles the pieces (old struck through, new highlighted).
"""

from __future__ import annotations

import difflib
from typing import Literal

Kind = Literal["same", "removed", "added", "gap"]
Piece = tuple[str, Kind]

CONTEXT = 12
"""Characters of unchanged text kept on each side of a change."""
GAP = "…"
_GLUE = 1
"""An unchanged run this short between two changes is shown as part of them: 3天→7日 reads
better as one change than as 3→7, 天 kept, 天→日."""


def changes(old: str, new: str) -> list[Piece]:
    """Every character of both texts as (text, kind) runs: unchanged, removed, added."""
    # autojunk off: with it, characters frequent in a text over 200 long (，的 了) are ignored.
    codes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    # Runs as (changed?, old start, old end, new start, new end); short unchanged runs
    # between two changes are folded into them.
    runs: list[tuple[bool, int, int, int, int]] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(codes):
        changed = tag != "equal" or (0 < index < len(codes) - 1 and i2 - i1 <= _GLUE)
        if changed and runs and runs[-1][0]:
            runs[-1] = (True, runs[-1][1], i2, runs[-1][3], j2)
        else:
            runs.append((changed, i1, i2, j1, j2))
    pieces: list[Piece] = []
    for changed, i1, i2, j1, j2 in runs:
        if not changed:
            pieces.append((old[i1:i2], "same"))
            continue
        if i2 > i1:
            pieces.append((old[i1:i2], "removed"))
        if j2 > j1:
            pieces.append((new[j1:j2], "added"))
    return pieces


def change_pieces(old: str, new: str, context: int = CONTEXT) -> list[Piece]:
    """:func:`changes` with unchanged runs cut to ``context`` characters next to each change,
    the cut shown as a ``gap`` piece (…); a run is cut only when that hides at least
    ``context`` characters. Two identical texts give no pieces."""
    pieces = changes(old, new)
    if all(kind == "same" for _, kind in pieces):
        return []
    out: list[Piece] = []
    last = len(pieces) - 1
    for index, (text, kind) in enumerate(pieces):
        if kind != "same":
            out.append((text, kind))
            continue
        keep_head = context if index > 0 else 0  # after a change: its right-hand context
        keep_tail = context if index < last else 0  # before a change: its left-hand context
        if len(text) <= keep_head + keep_tail + context:  # cut only what saves a context's worth
            out.append((text, "same"))
            continue
        if keep_head:
            out.append((text[:keep_head], "same"))
        out.append((GAP, "gap"))
        if keep_tail:
            out.append((text[-keep_tail:], "same"))
    return out
