"""`quickreply restore` with broken backups: marked in --list, refused with a Chinese message,
the book never left broken, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from quickreply import store
from quickreply.cli import main

BOOK = """[book]
name = "测试"
stage = "in-sale"

[[phrase]]
id = "ship"
title = "发货时间"
text = "亲，每天16:00前付款当天发。"
"""


@pytest.fixture
def book(write_book) -> Path:
    """A book saved three times: two backups, the newest one cut short by a crash."""
    path = write_book("a.toml", BOOK)
    for version in ("第二版", "第三版"):
        text = BOOK.replace("发货时间", version)
        store.save_text(path, text, expected_sha256=store.file_digest(path))
    newest = store.backups(path)[0]
    data = newest.read_bytes()
    newest.write_bytes(data[: data.index("第二版".encode()) + 1])  # stops inside a character
    return path


def test_regression_restore_list_marks_broken_backups(book: Path, capsys) -> None:
    assert main(["restore", str(book), "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("1\t") and "损坏：" in lines[0] and "截断" in lines[0]
    assert lines[1].startswith("2\t") and "损坏" not in lines[1]


def test_regression_restore_of_a_truncated_backup_is_refused(book: Path, capsys) -> None:
    before = book.read_bytes()
    assert main(["restore", str(book)]) == 1  # was: UnicodeDecodeError traceback
    err = capsys.readouterr().err
    assert "未恢复" in err and "已损坏" in err and "--pick" in err
    assert book.read_bytes() == before
    # The older, sound backup can still be brought back.
    assert main(["restore", str(book), "--pick", "2"]) == 0
    assert "发货时间" in book.read_text(encoding="utf-8")


def test_restore_into_a_read_only_book_says_so(book: Path, capsys, monkeypatch) -> None:
    before = book.read_bytes()
    monkeypatch.setattr(store.os, "access", lambda *args, **kwargs: False)
    assert main(["restore", str(book), "--pick", "2"]) == 1
    err = capsys.readouterr().err
    assert "未恢复" in err and "只读" in err and str(book) in err
    assert book.read_bytes() == before


def test_regression_backup_cut_before_the_stage_says_truncated_not_changed(write_book, capsys) -> None:
    """Found: a backup cut off inside [book] was listed as 检查时文件被改动了，请重试."""
    path = write_book("a.toml", BOOK)
    store.save_text(path, BOOK.replace("发货时间", "第二版"), expected_sha256=store.file_digest(path))
    newest = store.backups(path)[0]
    newest.write_bytes(BOOK.split("stage")[0].encode())
    assert main(["restore", str(path), "--list"]) == 0
    line = capsys.readouterr().out.splitlines()[0]
    assert "截断" in line and "被改动" not in line
