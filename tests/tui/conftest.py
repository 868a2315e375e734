"""Pilot fixtures: the app on the bundled books with a frozen clock and a recording clipboard."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from quickreply.clipboard import CopyMethod, CopyResult
from quickreply.locations import bundled_phrasebooks
from quickreply.tui.app import QuickReplyApp, make_app
from tests.conftest import FROZEN_NOW


class RecordingClipboard:
    """Stands in for the system clipboard; ``method`` chooses what the copy reports."""

    def __init__(self) -> None:
        self.copies: list[str] = []
        self.method = CopyMethod.SYSTEM

    def __call__(self, text: str) -> CopyResult:
        if self.method is not CopyMethod.NONE:
            self.copies.append(text)
        return CopyResult(self.method, "测试：没有剪贴板" if self.method is CopyMethod.NONE else "")


@pytest.fixture
def clipboard() -> RecordingClipboard:
    return RecordingClipboard()


AppFactory = Callable[..., QuickReplyApp]


@pytest.fixture
def make(clipboard: RecordingClipboard) -> AppFactory:
    def build(
        *directories: Path, history: bool = False, watch: bool = False, shop: str | None = None
    ) -> QuickReplyApp:
        return make_app(
            list(directories) or [bundled_phrasebooks()],
            shop=shop,
            history=history,
            copier=clipboard,
            clock=lambda: FROZEN_NOW,
            watch=watch,
        )

    return build


@pytest.fixture
def books_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled books."""
    target = tmp_path / "copy"
    shutil.copytree(bundled_phrasebooks(), target)
    return target
