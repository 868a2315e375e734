"""Copying never fails because statistics could not be written (issue 9): with the usage
database locked by another process or read-only, Enter still copies and the agent is told
once that the record is off."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from quickreply import usage
from quickreply.tui.screens.search import SearchScreen
from quickreply.tui.screens.stats import StatsScreen
from quickreply.tui.strings import T
from quickreply.usage import default_path
from tests.unit.test_usage_faults import existing_log, make_read_only

from .conftest import AppFactory, RecordingClipboard

OFF = T.history_off.split("：")[0]  # "使用记录已关闭"


@pytest.fixture(autouse=True)
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(usage, "BUSY_TIMEOUT", 0.05)


@pytest.fixture
def locked() -> Iterator[Path]:
    path = default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    existing_log(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    yield path
    other.rollback()
    other.close()


def notices(app) -> list[str]:
    return [n.message for n in app._notifications if n.message.startswith(OFF)]


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_regression_locked_usage_database_still_copies(
    make: AppFactory, clipboard: RecordingClipboard, locked: Path
) -> None:
    """`database is locked` on Enter ended the app with a traceback (printing the query and
    the shop). Now both copies happen and one notice says the record is off."""
    app = make(history=True)
    async with app.run_test(notifications=True) as pilot:
        for _ in range(2):
            await pilot.press(*"fp", "enter")
            await settle(app, pilot)
        await pilot.press(*"能开专票吗", "escape")
        await settle(app, pilot)
        assert len(clipboard.copies) == 2 and clipboard.copies[0].startswith("亲，可以开发票的")
        assert notices(app) == [T.history_off.format(reason="被另一个程序占用（另一个窗口或统计正在写入）")]
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("f6")  # the statistics say why instead of failing
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)


async def test_regression_read_only_usage_database_still_copies(
    make: AppFactory, clipboard: RecordingClipboard, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`attempt to write a readonly database` on Esc ended the app."""
    path = default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    existing_log(path)
    make_read_only(path, monkeypatch)
    app = make(history=True)
    async with app.run_test(notifications=True) as pilot:
        await pilot.press(*"能开专票吗", "escape")
        await settle(app, pilot)
        await pilot.press(*"fp", "enter")
        await settle(app, pilot)
        assert len(clipboard.copies) == 1
        assert notices(app) == [T.history_off.format(reason="文件是只读的")]
