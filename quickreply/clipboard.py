"""Put a reply on the clipboard: the system clipboard first, then the terminal (OSC 52).

Headless machines (SSH, no X) have no system clipboard; pyperclip then raises on the first
copy, so we always try and fall back rather than asking beforehand. A copy only counts as
done when the clipboard reads back the same text: with ``DISPLAY`` set and no X server,
xclip fails and pyperclip does not raise, and the agent would paste what was there before.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

TIMEOUT = 5.0
"""Seconds a clipboard command may take: a hung X server must not hang a copy."""


class CopyMethod(StrEnum):
    SYSTEM = "system"  # confirmed: the clipboard read back the very text
    TERMINAL = "terminal"  # OSC 52: the terminal puts it on its clipboard; it never confirms
    NONE = "none"


@dataclass(frozen=True, slots=True)
class CopyResult:
    method: CopyMethod
    detail: str = ""
    """Why the system clipboard was not used (Chinese or the tool's own words), or ""."""


class ClipboardUnavailable(RuntimeError):
    """No system clipboard could be used, or it did not take the text."""


def _commands() -> tuple[list[str], list[str]] | None:
    """(copy, paste) commands for X11/Wayland, chosen like pyperclip does; None elsewhere.

    Run by us rather than by pyperclip so that the exit status is checked and the tool's
    error message is captured instead of being printed over the TUI."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None
    if os.environ.get("WAYLAND_DISPLAY") and shutil.which("wl-copy") and shutil.which("wl-paste"):
        return ["wl-copy"], ["wl-paste", "--no-newline"]
    if os.environ.get("DISPLAY"):
        if shutil.which("xclip"):
            return ["xclip", "-selection", "clipboard"], ["xclip", "-selection", "clipboard", "-o"]
        if shutil.which("xsel"):
            return ["xsel", "--clipboard", "--input"], ["xsel", "--clipboard", "--output"]
    return None


def _first_line(message: str) -> str:
    """The first non-empty line of a tool's message, cleaned: it is printed, and an escape
    sequence in it would reach the terminal."""
    from .sanitize import clean_line

    line = next((line.strip() for line in message.splitlines() if line.strip()), "")
    return clean_line(line).text[:200]


def _run_copy(command: list[str], text: str) -> None:
    # xclip forks a child that serves the selection and keeps the parent's stderr open: a pipe
    # would never reach EOF, so its errors go to a file.
    with tempfile.TemporaryFile() as errors:
        try:
            done = subprocess.run(
                command,
                input=text.encode("utf-8"),
                stdout=subprocess.DEVNULL,
                stderr=errors,
                timeout=TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise ClipboardUnavailable(f"{command[0]} 无法运行：{error}") from error
        if done.returncode != 0:
            errors.seek(0)
            said = _first_line(errors.read(4096).decode("utf-8", "replace"))
            raise ClipboardUnavailable(f"{command[0]} 失败（退出码 {done.returncode}）{said}")


def _run_paste(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ClipboardUnavailable(f"{command[0]} 无法运行：{error}") from error
    if done.returncode != 0:
        said = _first_line(done.stderr.decode("utf-8", "replace"))
        raise ClipboardUnavailable(f"{command[0]} 读不出剪贴板（退出码 {done.returncode}）{said}")
    return done.stdout.decode("utf-8", "replace")


def _same(copied: str, text: str) -> bool:
    # Some clipboards hand back CRLF line ends; nothing else may differ.
    return copied.replace("\r\n", "\n") == text.replace("\r\n", "\n")


def copy_to_system(text: str) -> None:
    """Copy, then read the clipboard back; raises ClipboardUnavailable unless it holds ``text``."""
    commands = _commands()
    if commands is not None:
        copy_command, paste_command = commands
        _run_copy(copy_command, text)
        copied = _run_paste(paste_command)
    else:
        import pyperclip  # deferred: only copying needs it

        try:
            pyperclip.copy(text)
            copied = pyperclip.paste()
        except pyperclip.PyperclipException as error:
            raise ClipboardUnavailable(_first_line(str(error))) from error
    if not _same(copied, text):
        raise ClipboardUnavailable("复制后读回的内容不一致，系统剪贴板没有收到这段文字")


def paste_from_system() -> str:
    commands = _commands()
    if commands is not None:
        return _run_paste(commands[1])
    import pyperclip

    try:
        return pyperclip.paste()
    except pyperclip.PyperclipException as error:
        raise ClipboardUnavailable(str(error)) from error


_NO_TEXT = ("not available", "No selection", "Nothing is copied")
"""How xclip ("Error: target STRING not available") and wl-paste say the clipboard holds no
text (empty, or an image): nothing to read, unlike a clipboard that cannot be read at all."""


def peek_system() -> str:
    """The clipboard's text for watching it: "" when it holds no text; raises
    ClipboardUnavailable only when it cannot be read (no X server, no tool)."""
    commands = _commands()
    if commands is None:
        try:
            return paste_from_system()
        except ClipboardUnavailable as error:  # pyperclip's advice runs to ten lines
            raise ClipboardUnavailable(_first_line(str(error))) from error
    try:
        done = subprocess.run(commands[1], capture_output=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ClipboardUnavailable(f"{commands[1][0]} 无法运行：{error}") from error
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace")
        if any(words in said for words in _NO_TEXT):
            return ""
        raise ClipboardUnavailable(
            f"{commands[1][0]} 读不出剪贴板（退出码 {done.returncode}）{_first_line(said)}"
        )
    return done.stdout.decode("utf-8", "replace")


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
    system: Callable[[str], None] | None = None,
    terminal: Callable[[str], bool] | None = None,
) -> CopyResult:
    """Copy with the best method available and say which one worked: SYSTEM only when the
    clipboard read back the text, TERMINAL when OSC 52 was sent (never confirmed)."""
    system = system or copy_to_system
    terminal = terminal or copy_via_tty
    try:
        system(text)
        return CopyResult(CopyMethod.SYSTEM)
    except ClipboardUnavailable as error:
        reason = str(error)
    if os.environ.get("QUICKREPLY_NO_OSC52") is None and terminal(text):
        return CopyResult(CopyMethod.TERMINAL, reason)
    return CopyResult(CopyMethod.NONE, reason)
