"""Pinyin readings, one table entry per distinct character.

Calling pypinyin per phrase is slow (seconds at 10k phrases), and even importing its
dictionaries takes ~150 ms, more than the whole start-up budget. So the readings we need —
every character's toneless readings, and for polyphones (多音字) the two-character words that
settle them (退还 → huan) — are extracted once into a small cache file, keyed by the
installed pypinyin, and later starts read only that.
"""

from __future__ import annotations

import importlib.util
import marshal
import unicodedata
from functools import cache
from pathlib import Path

from ..locations import user_cache_dir

_FORMAT = 3


def _toneless(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable.replace("ü", "v"))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def _build() -> tuple[dict[str, str], dict[str, str]]:
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

    chars: dict[str, str] = {}
    for code, entry in PINYIN_DICT.items():
        if _is_common(chr(code)):
            options = dict.fromkeys(_toneless(part) for part in entry.split(","))
            chars[chr(code)] = ",".join(options)
    words: dict[str, str] = {}
    for word, per_char in PHRASES_DICT.items():
        if len(word) == 2 and len(per_char) == 2 and all(char in chars for char in word):
            spelled = [_toneless(readings[0]) for readings in per_char]
            # Only words that overrule a character's commonest reading are worth keeping.
            if any(
                chars[char].split(",")[0] != syllable for char, syllable in zip(word, spelled, strict=True)
            ):
                words[word] = " ".join(spelled)
    return chars, words


def _is_common(char: str) -> bool:
    """GB2312's 6,763 characters cover nearly all everyday text; the rest are looked up in
    pypinyin itself when they turn up."""
    try:
        return len(char.encode("gb2312")) == 2 and "\u4e00" <= char <= "\u9fff"
    except UnicodeEncodeError:
        return False


@cache
def _rare(char: str) -> str:
    from pypinyin.constants import PINYIN_DICT

    entry = PINYIN_DICT.get(ord(char))
    return ",".join(dict.fromkeys(_toneless(part) for part in entry.split(","))) if entry else ""


def _cache_path() -> Path | None:
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or spec.origin is None:
        return None
    source = Path(spec.origin).with_name("pinyin_dict.py")
    try:
        stamp = source.stat()
    except OSError:
        return None
    return user_cache_dir() / f"pinyin-{_FORMAT}-{stamp.st_size}-{int(stamp.st_mtime)}.marshal"


@cache
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    path = _cache_path()
    if path is not None:
        try:
            chars, words = marshal.loads(path.read_bytes())
            return chars, words
        except (OSError, ValueError, EOFError, TypeError):
            pass  # missing or stale: rebuild below
    tables = _build()
    if path is not None:
        _write_quietly(path, marshal.dumps(tables))
    return tables


def _write_quietly(path: Path, data: bytes) -> None:
    """A cache is an optimisation: failing to write it must never stop the app."""
    from ..store import write_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
    except OSError:
        pass


@cache
def readings(char: str) -> tuple[str, ...]:
    """Every toneless reading of a character, commonest first; empty for non-Chinese."""
    entry = _tables()[0].get(char)
    if entry is None and char >= "\u3400":
        entry = _rare(char)
    return tuple(entry.split(",")) if entry else ()


def syllables(text: str) -> list[str | None]:
    """One reading per character of ``text`` (None where it has none)."""
    words = _tables()[1]
    result: list[str | None] = []
    for index, char in enumerate(text):
        options = readings(char)
        if not options:
            result.append(None)
            continue
        choice = options[0]
        if len(options) > 1:
            after = words.get(text[index : index + 2]) if index + 1 < len(text) else None
            before = words.get(text[index - 1 : index + 1]) if index else None
            choice = (before.split(" ")[1] if before else None) or (after.split(" ")[0] if after else choice)
        result.append(choice)
    return result
