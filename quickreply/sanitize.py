"""Clean untrusted text from phrasebooks before it reaches a screen, clipboard or index.

Books travel between shops, so their text is data from strangers. Terminal escape
sequences, control characters and invisible format characters (bidi overrides, zero-width
spaces) are removed; what was removed is reported so a team lead can see it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# ESC-introduced sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), and two-byte ESC x.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, up to BEL or ST
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS / SOS / PM / APC
    r"|\x1b[@-Z\\-_]"  # two-byte sequences
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_KEEP = {"\n", "\u200d"}  # newline; zero-width joiner holds emoji sequences together
_REMOVED_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn"}


@dataclass(frozen=True, slots=True)
class Cleaned:
    text: str
    removed: tuple[str, ...]
    """Human-readable names of what was removed, e.g. ``U+202E``; empty when nothing was."""


def _describe(char: str) -> str:
    return f"U+{ord(char):04X}"


def _is_plain(text: str) -> bool:
    """Fast path for the usual case: nothing to remove and already NFC.

    ``str.isprintable`` is False for every category we remove (and for some we keep, such
    as U+3000, which then takes the slow path and survives it).
    """
    return all(line.isprintable() for line in text.split("\n")) and unicodedata.is_normalized("NFC", text)


def clean_text(raw: str) -> Cleaned:
    """Return ``raw`` safe to show and copy, and a list of what was taken out."""
    if _is_plain(raw):
        return Cleaned(raw, ())
    removed: list[str] = []

    def drop_sequence(match: re.Match[str]) -> str:
        removed.append("终端转义序列")
        return ""

    text = _ESCAPE_SEQUENCE.sub(drop_sequence, raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n").replace("\t", "    ")
    kept: list[str] = []
    for char in text:
        if char in _KEEP or unicodedata.category(char) not in _REMOVED_CATEGORIES:
            kept.append(char)
        else:
            removed.append(_describe(char))
    cleaned = unicodedata.normalize("NFC", "".join(kept))
    return Cleaned(cleaned, tuple(dict.fromkeys(removed)))


def clean_line(raw: str) -> Cleaned:
    """Like :func:`clean_text` for one-line fields (titles, codes): newlines become spaces."""
    cleaned = clean_text(raw)
    return Cleaned(" ".join(cleaned.text.split("\n")).strip(), cleaned.removed)
