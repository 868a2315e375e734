"""The usage record never stops the agent (issue 9): a locked or read-only database, or a
folder that cannot be made, turns it off with a reason in Chinese; nothing raises."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from quickreply import usage
from quickreply.usage import UsageLog


def existing_log(path: Path) -> None:
    log = UsageLog(path)
    assert log.record(phrase="hello", book="书", stage="pre-sale", shop="店", query="你好")
    log.close()


@pytest.fixture(autouse=True)
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(usage, "BUSY_TIMEOUT", 0.05)  # the failure comes sooner, the same way


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[Path]:
    """A usage database another process holds with BEGIN EXCLUSIVE."""
    path = tmp_path / "usage.sqlite3"
    existing_log(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    yield path
    other.rollback()
    other.close()


def make_read_only(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file read-only; as root (whom permissions do not stop) SQLite opens it read-only."""
    path.chmod(0o444)
    if os.geteuid() == 0:
        connect: Callable[..., sqlite3.Connection] = sqlite3.connect

        def read_only(database: object, *args: object, **kwargs: object) -> sqlite3.Connection:
            kwargs["uri"] = True
            return connect(f"file:{database}?mode=ro", *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(usage.sqlite3, "connect", read_only)


def test_regression_locked_database_turns_the_record_off(locked: Path) -> None:
    """`database is locked` escaped from record() and closed the app."""
    log = UsageLog(locked)
    assert log.record(phrase="p", book="b", stage="pre-sale", shop="s", query="q") is False
    assert log.failure == "被另一个程序占用（另一个窗口或统计正在写入）"
    assert log.record_miss("能开专票吗") is False  # off: no second wait for the lock
    assert log.popularity() == {} and log.misses() == [] and log.rows() == []
    log.close()


def test_regression_read_only_database_turns_the_record_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`attempt to write a readonly database` escaped from record_miss() on Esc."""
    path = tmp_path / "usage.sqlite3"
    existing_log(path)
    make_read_only(path, monkeypatch)
    log = UsageLog(path)
    assert log.record_miss("能开专票吗") is False
    assert log.failure == "文件是只读的"
    log.close()


def test_regression_database_locked_before_opening_is_off_from_the_start(tmp_path: Path) -> None:
    """Another process created the file and holds it (not yet WAL): opening fails, quietly."""
    path = tmp_path / "usage.sqlite3"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("CREATE TABLE x (y)")
    other.execute("BEGIN EXCLUSIVE")
    try:
        log = UsageLog(path)
        assert log.failure == "被另一个程序占用（另一个窗口或统计正在写入）"
        assert log.popularity() == {}
    finally:
        other.rollback()
        other.close()


def test_regression_folder_that_cannot_be_made_turns_the_record_off(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    log = UsageLog(tmp_path / "file" / "usage.sqlite3")
    assert log.failure is not None and log.failure.startswith("无法创建文件夹：")
    assert log.record(phrase="p", book="b", stage="pre-sale", shop="s", query="q") is False


def test_wal_lets_readers_in_while_another_process_writes(locked: Path) -> None:
    """Popularity is read at start: with WAL a writer elsewhere does not block it."""
    log = UsageLog(locked)
    assert log.popularity() == {"hello": 1.0}
    assert log.failure is None
    log.close()
