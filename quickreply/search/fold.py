"""Fold text so that equivalent spellings compare equal, one character for one character.

Full-width ASCII (Ａ１，) becomes half-width, letters lower-case, traditional characters
simplified (發票 → 发票). Folding never changes a string's length, so a position in the
folded text is the same position in the original and matches can be highlighted.
"""

from __future__ import annotations

import re
from functools import cache

_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_PUNCTUATION = {ord("\u3000"): " ", ord("。"): ".", ord("、"): ","}
_WORD = re.compile(r"\w")


@cache
def _converter():  # type: ignore[no-untyped-def]
    import opencc  # deferred: only needed once text with CJK characters is folded

    return opencc.OpenCC("t2s")


class Folder:
    """Folds text, learning the 繁→简 mapping of each new character once (the distinct
    characters in a corpus are few, so converting them one at a time is cheap)."""

    def __init__(self) -> None:
        self._table: dict[int, int | str] = {**_FULL_WIDTH, **_PUNCTUATION}
        for code in range(ord("A"), ord("Z") + 1):
            self._table[code] = code + 32
        self._known: set[str] = set()

    def learn(self, text: str) -> None:
        new = {char for char in set(text) - self._known if ord(char) >= 0x2E80}
        self._known.update(set(text))
        if not new:
            return
        chars = sorted(new)
        converted = _converter().convert("\n".join(chars)).split("\n")
        if len(converted) != len(chars):  # never expected; fall back to one at a time
            converted = [_converter().convert(char) for char in chars]
        for original, simple in zip(chars, converted, strict=True):
            if len(simple) == 1 and simple != original:
                self._table[ord(original)] = simple
        for char in new:  # full-width letters fold to ASCII, then to lower case
            if (code := self._table.get(ord(char))) and isinstance(code, int):
                self._table[ord(char)] = ord(chr(code).lower())

    def fold(self, text: str) -> str:
        self.learn(text)
        return text.translate(self._table)


def compact(folded: str) -> tuple[str, list[int]]:
    """Keep only word characters (drop spaces and punctuation), with each kept one's offset."""
    offsets = [match.start() for match in _WORD.finditer(folded)]
    return "".join(folded[offset] for offset in offsets), offsets


def is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"
