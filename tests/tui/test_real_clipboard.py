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
