"""Put a reply on the clipboard: the system clipboard first, then the terminal (OSC 52).

Headless machines (SSH, no X) have no system clipboard; pyperclip then raises on the first
copy, so we always try and fall back rather than asking beforehand.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class CopyMethod(StrEnum):
    SYSTEM = "system"
    TERMINAL = "terminal"  # OSC 52: the terminal puts it on its clipboard; it never confirms
    NONE = "none"


@dataclass(frozen=True, slots=True)
class CopyResult:
    method: CopyMethod
    detail: str = ""


def copy_to_system(text: str) -> None:
    """Copy through pyperclip; raises ClipboardUnavailable when there is no backend."""
    import pyperclip  # deferred: only copying needs it

    try:
        pyperclip.copy(text)
    except pyperclip.PyperclipException as error:
        raise ClipboardUnavailable(str(error).splitlines()[0] if str(error) else "") from error


def paste_from_system() -> str:
    import pyperclip

    try:
        return pyperclip.paste()
    except pyperclip.PyperclipException as error:
        raise ClipboardUnavailable(str(error)) from error


class ClipboardUnavailable(RuntimeError):
    """No system clipboard could be used."""


def osc52(text: str) -> str:
    """The escape sequence asking the terminal to set its clipboard to ``text``."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"\x1b]52;c;{payload}\x07"


def copy_via_tty(text: str) -> bool:
    """Write OSC 52 to the controlling terminal, if there is one."""
    try:
        with open("/dev/tty", "w", encoding="utf-8") as tty:
            tty.write(osc52(text))
            tty.flush()
    except OSError:
        return False
    return True


def copy(
    text: str,
    *,
    system: Callable[[str], None] = copy_to_system,
    terminal: Callable[[str], bool] = copy_via_tty,
) -> CopyResult:
    """Copy with the best method available and say which one worked."""
    try:
        system(text)
        return CopyResult(CopyMethod.SYSTEM)
    except ClipboardUnavailable as error:
        reason = str(error)
    if os.environ.get("QUICKREPLY_NO_OSC52") is None and terminal(text):
        return CopyResult(CopyMethod.TERMINAL, reason)
    return CopyResult(CopyMethod.NONE, reason)
