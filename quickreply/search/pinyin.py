"""Pinyin readings, one table entry per distinct character.

Calling pypinyin per phrase is slow (seconds at 10k phrases); reading its per-character
dictionary once per distinct character is not. Polyphones (多音字) take the reading from a
two-character word around them when pypinyin knows one (退还 → huan), else the commonest.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from pypinyin.constants import PHRASES_DICT, PINYIN_DICT


def _toneless(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable.replace("ü", "v"))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


@cache
def readings(char: str) -> tuple[str, ...]:
    """Every toneless reading of a character, commonest first; empty for non-Chinese."""
    entry = PINYIN_DICT.get(ord(char))
    if not entry:
        return ()
    return tuple(dict.fromkeys(_toneless(part) for part in entry.split(",")))


@cache
def _word_reading(word: str, position: int) -> str | None:
    entry = PHRASES_DICT.get(word)
    if not entry or len(entry) != len(word):
        return None
    return _toneless(entry[position][0])


def syllables(text: str) -> list[str | None]:
    """One reading per character of ``text`` (None where it has none)."""
    result: list[str | None] = []
    for index, char in enumerate(text):
        options = readings(char)
        if not options:
            result.append(None)
            continue
        choice = options[0]
        if len(options) > 1:
            after = _word_reading(text[index : index + 2], 0) if index + 1 < len(text) else None
            before = _word_reading(text[index - 1 : index + 1], 1) if index else None
            choice = before or after or choice
        result.append(choice)
    return result
