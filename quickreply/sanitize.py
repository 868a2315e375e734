"""Clean untrusted text from phrasebooks before it reaches a screen, clipboard or index.

Books travel between shops, so their text is data from strangers. Terminal escape
sequences, control characters and invisible format characters (bidi overrides, zero-width
spaces) are removed; what was removed is reported so a team lead can see it.
"""

from __future__ import annotations

import contextlib
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO, cast

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


# --- the output boundary ---------------------------------------------------------------------------
# Cleaning at load keeps phrase text safe, but much of what is printed never passes a loader:
# file names, shops.toml key names, rules.toml messages, stored queries, other tools' errors.
# Everything bound for a terminal, a clipboard or an export goes through `visible` last.

_ZWJ = "\u200d"
_EMOJI_NEIGHBOURS = {"So", "Sk", "Mn"}  # pictographs, skin tones, variation selector 16


def _shown_as_escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _joins_emoji(text: str, index: int) -> bool:
    """A zero-width joiner between two pictographs holds one emoji together (👩‍💻); anywhere
    else (发\u200d货) it only hides something."""
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    return (
        bool(before and after)
        and {
            unicodedata.category(before),
            unicodedata.category(after),
        }
        <= _EMOJI_NEIGHBOURS
    )


def _harmless(char: str) -> bool:
    """Printable characters and plain spaces; U+3000 and other Zs are printable to a terminal."""
    return char.isprintable() or unicodedata.category(char) == "Zs"


def _printable_lines(text: str) -> bool:
    return all(line.isprintable() for line in text.replace("\t", " ").split("\n"))


def visible(text: str, *, newlines: bool = False) -> str:
    """``text`` with every character a terminal could act on or hide shown as an escape.

    Control characters (ESC, BEL, C1 such as U+009B, DEL), format characters (bidi overrides
    U+202A–U+202E and U+2066–U+2069, zero-width spaces, BOM), private-use, surrogate and
    unassigned code points and line/paragraph separators become ``\\x1b``, ``\\u202e``…: the
    reader sees that they are there, the terminal never receives them. ``newlines`` keeps
    ``\\n`` and tabs (multi-line output); otherwise the text stays on one line. A zero-width
    joiner between two pictographs is kept (emoji sequences).
    """
    if text.isprintable() or (newlines and _printable_lines(text)):
        return text
    allowed = "\n\t" if newlines else ""
    out: list[str] = []
    for index, char in enumerate(text):
        if _harmless(char) or char in allowed or (char == _ZWJ and _joins_emoji(text, index)):
            out.append(char)
        else:
            out.append(_shown_as_escape(char))
    return "".join(out)


def visible_path(path: object) -> str:
    """A file name as it may be printed: ``Path`` → str through :func:`visible` (one line; a
    newline in a file name would forge a line of output)."""
    return visible(str(path))


# What may need an escape: everything but ASCII and the common CJK blocks (a cheap prefilter;
# the exact test is the same as visible's).
_MAYBE_UNSAFE = re.compile(r"[^\n\t\x20-\x7e\u4e00-\u9fff\u3001-\u303f\uff01-\uffef]")


def escape_in_quoted(serialised: str, *, toml: bool = False) -> str:
    """JSON or TOML text with the characters :func:`visible` would show replaced by the
    format's own ``\\u`` escapes: the data round-trips unchanged and no byte of it can act on a
    terminal. Valid because both writers (json, tomli_w) quote every string and key with
    double quotes, where ``\\uXXXX`` means that character; outside strings there is only ASCII.
    json.dumps escapes U+0000–U+001F itself but not DEL, C1 or bidi overrides."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if char in "\n\t" or _harmless(char):
            return char
        code = ord(char)
        if code <= 0xFFFF:
            return f"\\u{code:04x}"
        if toml:
            return f"\\U{code:08x}"
        code -= 0x10000  # JSON spells astral characters as a surrogate pair
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"

    if _printable_lines(serialised):
        return serialised
    return _MAYBE_UNSAFE.sub(escape, serialised)


def json_text(value: object, *, indent: int | None = 2) -> str:
    """``json.dumps`` (Chinese kept readable) safe to print: see :func:`escape_in_quoted`."""
    import json

    return escape_in_quoted(json.dumps(value, ensure_ascii=False, indent=indent))


class VisibleWriter:
    """A text stream whose every write goes through ``visible(…, newlines=True)``.

    The CLI swaps it in for stdout and stderr, so no message — ours, argparse's, a library's
    — can carry an escape sequence to the terminal. ``buffer`` (binary exports to ``-o -``)
    and everything else is the wrapped stream's own."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(visible(text, newlines=True))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


@contextlib.contextmanager
def visible_output() -> Iterator[None]:
    """Route ``sys.stdout`` and ``sys.stderr`` through :class:`VisibleWriter` for a block."""
    saved = sys.stdout, sys.stderr
    sys.stdout = cast(TextIO, VisibleWriter(sys.stdout))
    sys.stderr = cast(TextIO, VisibleWriter(sys.stderr))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
