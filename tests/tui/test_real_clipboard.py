"""A copy through the real system clipboard (Xvfb + xclip), read back with xclip.

CI installs both (see .ci/run); there a missing tool fails the test instead of skipping it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from quickreply.locations import bundled_phrasebooks
from quickreply.tui.app import make_app
from tests.conftest import FROZEN_NOW


@pytest.fixture(scope="module")
def x_display() -> Iterator[str]:
    missing = [tool for tool in ("Xvfb", "xclip") if shutil.which(tool) is None]
    if missing:
        message = f"needs {' and '.join(missing)} (apt-get install xvfb xclip)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the real clipboard test: {message}")
        pytest.skip(message)
    number = 90 + os.getpid() % 100
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "640x480x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    socket = Path(f"/tmp/.X11-unix/X{number}")
    for _ in range(100):
        if socket.exists():
            break
        time.sleep(0.05)
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def read_clipboard(display: str) -> str:
    return subprocess.run(
        ["xclip", "-selection", "clipboard", "-o"],
        capture_output=True,
        text=True,
        env={**os.environ, "DISPLAY": display},
        timeout=10,
        check=True,
    ).stdout


async def test_enter_copies_to_the_system_clipboard(x_display: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPLAY", x_display)
    app = make_app([bundled_phrasebooks()], history=False, clock=lambda: FROZEN_NOW, watch=False)
    async with app.run_test(notifications=True) as pilot:
        await pilot.press(*"fp", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any(n.message == "已复制" for n in app._notifications)
    expected = app.library.render("invoice-yes", shop=app.shop).text
    assert read_clipboard(x_display) == expected


def write_clipboard(display: str, text: str) -> None:
    # xclip stays behind to serve the selection: no pipes it could hold open.
    subprocess.run(
        ["xclip", "-selection", "clipboard"],
        input=text.encode("utf-8"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "DISPLAY": display},
        timeout=10,
        check=True,
    )


async def test_watch_copied_buyer_message_then_one_enter(
    x_display: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's goal, through the real clipboard: copy the buyer's message (xclip), press
    Enter once, and the right reply is on the clipboard."""
    monkeypatch.setenv("DISPLAY", x_display)
    app = make_app(
        [bundled_phrasebooks()], history=False, clock=lambda: FROZEN_NOW, watch=False, clipboard_watch=True
    )

    async def until(condition, what: str) -> None:  # the watch worker never completes
        for _ in range(400):
            if condition():
                return
            await pilot.pause(0.05)
        raise AssertionError(f"never happened: {what}")

    async with app.run_test(notifications=True) as pilot:
        await until(lambda: app.clipboard_watch.looks >= 1, "the watch took its first look")
        write_clipboard(x_display, "能开发票吗\n")
        await until(lambda: app.main.box.value == "能开发票吗", "the buyer's message became the query")
        await pilot.press("enter")
        await until(lambda: any(n.message == "已复制" for n in app._notifications), "copied")
        expected = app.library.render("invoice-yes", shop=app.shop).text
        assert read_clipboard(x_display) == expected
        looks = app.clipboard_watch.looks
        await until(lambda: app.clipboard_watch.looks >= looks + 2, "the watch saw our copy")
        assert app.main.box.value == ""  # our own copy did not come back as a query
        assert app.clipboard_watching
