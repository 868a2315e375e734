"""The HTML handbook opened in headless Chromium: a screenshot is taken and the page, printed to
PDF by the browser, holds the title and a reply (read back with pdftotext).

CI installs chromium, fonts-noto-cjk and poppler-utils (.ci/run); there a missing tool fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from quickreply.locations import bundled_phrasebooks

from .test_cli import run

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if found is None or shutil.which("pdftotext") is None:
        message = "needs chromium and pdftotext (apt-get install chromium poppler-utils fonts-noto-cjk)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser test: {message}")
        pytest.skip(message)
    return found


def test_html_handbook_renders_in_chromium(tmp_path: Path) -> None:
    browser = chromium()
    page = tmp_path / "handbook.html"
    result = run("export", "-d", str(bundled_phrasebooks()), "-o", str(page), "--shop", "青禾家居旗舰店")
    assert result.returncode == 0, result.stderr
    profile = tmp_path / "profile"
    shot = tmp_path / "handbook.png"
    pdf = tmp_path / "handbook.pdf"
    common = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    subprocess.run(
        [*common, f"--screenshot={shot}", "--window-size=1000,1300", page.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    subprocess.run(
        [*common, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert shot.stat().st_size > 20_000  # a real picture, not an empty page
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    compact = "".join(text.split())
    assert "客服快捷回复手册" in compact
    assert "亲，您好！欢迎光临青禾家居旗舰店" in compact  # a reply, with the shop filled in
    if os.environ.get("QUICKREPLY_SAVE_SCREENSHOT"):  # renews tests/screenshots/handbook.png
        shutil.copyfile(shot, os.environ["QUICKREPLY_SAVE_SCREENSHOT"])
