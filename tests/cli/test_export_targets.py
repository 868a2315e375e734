"""`export -o` writes files, never replaces what is not one (issue 9, finding 2).

os.replace onto a symlink replaced the link with a file, and onto a device node replaced the
node: as root, `export -o /dev/null` would have put a regular file where the device was.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

BOOK = '[book]\nname = "测试"\nstage = "in-sale"\n\n[[phrase]]\nid = "ship"\ntitle = "发货"\n'
BOOK += 'text = "亲，今天发货"\n'


@pytest.fixture
def books(write_book) -> Path:
    return write_book("a.toml", BOOK).parent


def export(books: Path, output: str, *extra: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "quickreply",
            "export",
            "-d",
            str(books),
            "--format",
            "json",
            "-o",
            output,
            *extra,
        ],
        capture_output=True,
        timeout=60,  # a FIFO opened for writing would block: this bounds the test, not the code
    )


def test_regression_export_writes_through_a_symlink(books: Path, tmp_path: Path) -> None:
    target = tmp_path / "shared" / "replies.json"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "replies.json"
    link.symlink_to(target)
    result = export(books, str(link))
    assert result.returncode == 0, result.stderr.decode()
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert "亲，今天发货" in target.read_text(encoding="utf-8")


def test_regression_export_through_a_dangling_symlink_creates_its_target(books: Path, tmp_path: Path) -> None:
    link = tmp_path / "replies.json"
    link.symlink_to(tmp_path / "new.json")
    assert export(books, str(link)).returncode == 0
    assert link.is_symlink() and (tmp_path / "new.json").is_file()


def test_regression_export_refuses_to_replace_a_device(books: Path) -> None:
    before = os.stat("/dev/null")
    result = export(books, "/dev/null")
    assert result.returncode == 1
    message = result.stderr.decode()
    assert "未导出" in message and "不是普通文件" in message and "-o -" in message
    assert "Traceback" not in message
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_regression_export_refuses_a_fifo_without_blocking(books: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = export(books, str(fifo))
    assert result.returncode == 1 and "不是普通文件" in result.stderr.decode()
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_regression_export_refuses_a_symlink_to_a_device(books: Path, tmp_path: Path) -> None:
    link = tmp_path / "out.json"
    link.symlink_to("/dev/null")
    result = export(books, str(link))
    assert result.returncode == 1
    assert link.is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_regression_export_refuses_a_folder(books: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out.json"
    folder.mkdir()
    result = export(books, str(folder))
    assert result.returncode == 1 and "不是普通文件" in result.stderr.decode()
    assert folder.is_dir()


def test_export_into_a_missing_folder_says_so(books: Path, tmp_path: Path) -> None:
    result = export(books, str(tmp_path / "missing" / "out.json"))
    assert result.returncode == 1
    assert "文件夹不存在" in result.stderr.decode() and b"Traceback" not in result.stderr


def test_regression_export_keeps_the_mode_of_the_file_it_replaces(books: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    out.write_text("old")
    out.chmod(0o640)
    assert export(books, str(out)).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert "亲，今天发货" in out.read_text(encoding="utf-8")


def test_export_to_stdout_is_still_allowed(books: Path) -> None:
    result = export(books, "-")
    assert result.returncode == 0
    assert "亲，今天发货" in result.stdout.decode("utf-8")
