"""A copy counts only when the clipboard reads the text back (issue 9, finding 1).

With DISPLAY set and no X server, xclip fails but pyperclip did not raise: `render --copy`
said 已复制到剪贴板 and the app 已复制 while the clipboard still held the previous text.
Fake xclip programs on PATH stand in for the broken cases; the real round trip is
tests/tui/test_real_clipboard.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from quickreply import clipboard
from quickreply.clipboard import ClipboardUnavailable, CopyMethod
from quickreply.locations import bundled_phrasebooks
from quickreply.tui.app import make_app
from quickreply.tui.screens.manual_copy import ManualCopyScreen
from quickreply.tui.strings import T
from tests.conftest import FROZEN_NOW

FAILING_XCLIP = "#!/bin/sh\ncat >/dev/null\necho 'Error: Can'\"'\"'t open display: :99' >&2\nexit 1\n"
SILENT_XCLIP = "#!/bin/sh\ncat >/dev/null\nexit 0\n"  # takes the text, keeps nothing, says nothing


def _no_server_display() -> str:
    """A display number no X server listens on."""
    number = 1999
    while Path(f"/tmp/.X11-unix/X{number}").exists():
        number += 1
    return f":{number}"


@pytest.fixture
def fake_xclip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def install(script: str) -> Path:
        folder = tmp_path / "bin"
        folder.mkdir(exist_ok=True)
        program = folder / "xclip"
        program.write_text(script)
        program.chmod(0o755)
        monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
        monkeypatch.setenv("DISPLAY", ":99")
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        return folder

    return install


@pytest.fixture
def real_xclip() -> None:
    if shutil.which("xclip") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the no-X-server clipboard test: apt-get install xclip")
        pytest.skip("needs xclip")


def test_regression_copy_that_failed_is_not_reported_as_done(fake_xclip) -> None:
    fake_xclip(FAILING_XCLIP)
    with pytest.raises(ClipboardUnavailable, match="xclip"):
        clipboard.copy_to_system("亲，今天发货")
    result = clipboard.copy("亲，今天发货", terminal=lambda _text: False)
    assert result.method is CopyMethod.NONE
    assert "open display" in result.detail  # the tool's own words, for the manual-copy panel


def test_regression_copy_command_that_prints_nothing_is_not_a_copy(fake_xclip) -> None:
    """Exit 0 but the clipboard does not hold the text: only the read-back tells."""
    fake_xclip(SILENT_XCLIP)
    with pytest.raises(ClipboardUnavailable, match="读回"):
        clipboard.copy_to_system("亲，今天发货")


def test_regression_failed_copy_falls_back_to_the_terminal_unconfirmed(fake_xclip) -> None:
    fake_xclip(FAILING_XCLIP)
    sent: list[str] = []
    result = clipboard.copy("亲", terminal=lambda text: sent.append(text) is None)
    assert result.method is CopyMethod.TERMINAL and sent == ["亲"]


def test_regression_display_without_x_server_is_not_a_copy(real_xclip, monkeypatch) -> None:
    monkeypatch.setenv("DISPLAY", _no_server_display())
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with pytest.raises(ClipboardUnavailable):
        clipboard.copy_to_system("亲，今天发货")


def test_tool_messages_are_cleaned_before_they_are_shown(fake_xclip) -> None:
    """The reason is printed to the terminal: an escape sequence in it must not get there."""
    fake_xclip("#!/bin/sh\ncat >/dev/null\nprintf 'bad\\033]52;c;cm0=\\007 news' >&2\nexit 1\n")
    result = clipboard.copy("亲", terminal=lambda _text: False)
    assert "\x1b" not in result.detail and "\x07" not in result.detail


def _render_copy(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    book = tmp_path / "books"
    book.mkdir(exist_ok=True)
    (book / "a.toml").write_text(
        '[book]\nname = "测试"\nstage = "in-sale"\n\n[[phrase]]\nid = "ship"\ntitle = "发货"\n'
        'text = "亲，今天发货"\n',
        encoding="utf-8",
    )
    return subprocess.run(
        [sys.executable, "-m", "quickreply", "render", "ship", "-d", str(book), "--copy"],
        capture_output=True,
        text=True,
        env={**os.environ, "QUICKREPLY_NO_OSC52": "1", **env},
        timeout=60,
        start_new_session=True,  # no controlling terminal: no OSC 52 either
    )


def test_regression_render_copy_with_failing_xclip_exits_non_zero(fake_xclip, tmp_path: Path) -> None:
    fake_xclip(FAILING_XCLIP)
    result = _render_copy(tmp_path, {})
    assert result.returncode == 3
    assert "亲，今天发货" in result.stdout  # printed, to copy by hand
    assert "已复制" not in result.stderr and "未复制" in result.stderr
    assert "Traceback" not in result.stderr


def test_regression_render_copy_with_silent_xclip_exits_non_zero(fake_xclip, tmp_path: Path) -> None:
    fake_xclip(SILENT_XCLIP)
    result = _render_copy(tmp_path, {})
    assert result.returncode == 3
    assert "已复制" not in result.stderr and "未复制" in result.stderr


def test_regression_render_copy_without_x_server_exits_non_zero(real_xclip, tmp_path: Path) -> None:
    result = _render_copy(tmp_path, {"DISPLAY": _no_server_display(), "WAYLAND_DISPLAY": ""})
    assert result.returncode == 3
    assert "已复制" not in result.stderr and "未复制" in result.stderr
    assert "Can't open display" in result.stderr  # xclip's reason, not printed raw over the output


def test_regression_render_copy_through_the_terminal_is_not_reported_as_done(
    fake_xclip, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OSC 52 is never confirmed: the exit status says the copy is not known to have happened."""
    fake_xclip(FAILING_XCLIP)
    monkeypatch.setattr(clipboard, "copy_via_tty", lambda _text: True)
    from quickreply.cli import main

    book = tmp_path / "books"
    book.mkdir()
    (book / "a.toml").write_text(
        '[book]\nname = "测试"\nstage = "in-sale"\n[[phrase]]\nid = "ship"\ntitle = "发货"\ntext = "亲"\n',
        encoding="utf-8",
    )
    monkeypatch.delenv("QUICKREPLY_NO_OSC52", raising=False)
    assert main(["render", "ship", "-d", str(book), "--copy"]) == 3


async def test_regression_app_does_not_say_copied_when_xclip_failed(
    fake_xclip, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_xclip(FAILING_XCLIP)
    monkeypatch.setenv("QUICKREPLY_NO_OSC52", "1")
    app = make_app([bundled_phrasebooks()], history=False, clock=lambda: FROZEN_NOW, watch=False)
    async with app.run_test(notifications=True) as pilot:
        await pilot.press(*"fp", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not any(n.message == T.copied for n in app._notifications)
        assert isinstance(app.screen, ManualCopyScreen)
        assert "xclip" in app.screen.reason


async def test_regression_app_says_terminal_copy_is_unconfirmed(
    fake_xclip, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_xclip(SILENT_XCLIP)
    monkeypatch.delenv("QUICKREPLY_NO_OSC52", raising=False)
    app = make_app([bundled_phrasebooks()], history=False, clock=lambda: FROZEN_NOW, watch=False)
    async with app.run_test(notifications=True) as pilot:
        await pilot.press(*"fp", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert T.copied not in messages and T.copied_terminal in messages
        assert "未能确认" in T.copied_terminal
