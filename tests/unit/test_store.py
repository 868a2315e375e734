"""Saving never loses work: round trips, atomic replace, backups, conflicts, comments."""

from __future__ import annotations

import datetime as dt
import os
import stat
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import quickreply
from quickreply import store
from quickreply.books import read_book
from quickreply.model import Book, Phrase, Stage
from quickreply.sanitize import clean_line, clean_text

SAMPLE = """[book]
name = "样例"
stage = "pre-sale"

[[phrase]]
id = "a"
title = "标题"
text = "正文"
"""


def comparable(book: Book) -> tuple:
    """What a save must keep: everything but where things were in the file."""
    return (
        book.name,
        book.stage,
        book.description,
        tuple(replace(p, source=None, line=0, field_lines=()) for p in book.phrases),
    )


texts = (
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)
    .map(lambda raw: clean_text(raw).text)
    .filter(lambda text: text.strip() != "")
)
tricky = st.sampled_from(['"""', "\\", "\\n", "'''", "  ", "\n", "😀", "发货", "{{", "\t", '"', "#"])
reply_text = (
    st.lists(st.one_of(texts, tricky), min_size=1, max_size=6)
    .map("".join)
    .map(lambda raw: clean_text(raw).text)
    .filter(lambda text: text.strip() != "")
)
titles = reply_text.map(lambda raw: clean_line(raw).text).filter(bool)


@st.composite
def books(draw: st.DrawFn) -> Book:
    count = draw(st.integers(min_value=1, max_value=4))
    phrases = tuple(
        Phrase(
            id=f"p{number}",
            title=draw(titles),
            text=draw(reply_text),
            stage=draw(st.sampled_from(list(Stage))),
            book="书",
            keys=tuple(
                draw(st.lists(st.from_regex(r"[a-z0-9]{1,5}", fullmatch=True), max_size=2, unique=True))
            ),
            tags=tuple(draw(st.lists(titles, max_size=2))),
            variants=tuple(draw(st.lists(reply_text, max_size=2))),
            note=draw(st.one_of(st.just(""), reply_text)),
            expires=draw(st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)))),
            starts=draw(st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)))),
        )
        for number in range(count)
    )
    return Book(
        "书",
        draw(st.sampled_from(list(Stage))),
        Path("x.toml"),
        draw(st.one_of(st.just(""), titles)),
        phrases,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(book=books())
def test_load_save_load_keeps_every_book(book: Book, tmp_path: Path) -> None:
    # A new file each example: tmp_path is shared by every example hypothesis tries.
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "book.toml"
    saved = store.save_book(book, expected_sha256=store.file_digest(path), path=path)
    loaded, problems = read_book(path)
    # Arbitrary text may hold stray braces: reported, but nothing is dropped.
    # Random dates may put starts after expires: a warning, and both dates are still kept.
    expected = ("bad-placeholder", "full-width-brace", "starts-after-expires")
    assert [p for p in problems if p.code not in expected] == []
    assert loaded is not None and comparable(loaded) == comparable(book)
    assert loaded.sha256 == saved.sha256
    # Saving what was loaded changes nothing on disk.
    assert store.book_to_toml(loaded) == path.read_text(encoding="utf-8")


def test_multiline_text_is_written_readably(tmp_path: Path) -> None:
    book = Book(
        "书",
        Stage.IN_SALE,
        tmp_path / "a.toml",
        "",
        (Phrase("a", "标题", "第一行\n第二行", Stage.IN_SALE, "书", keys=("fp",)),),
    )
    text = store.book_to_toml(book)
    assert '"""\n第一行\n第二行"""' in text or '"""第一行\n第二行"""' in text
    assert "\\u" not in text  # Chinese as is
    assert text.index("id =") < text.index("title =") < text.index("keys =") < text.index("text =")


def test_a_save_failing_midway_leaves_the_old_file_byte_identical(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "a.toml"
    path.write_text(SAMPLE, encoding="utf-8")
    before = path.read_bytes()
    book, _ = read_book(path)
    assert book is not None

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError):
        store.save_book(replace(book, name="改了"), expected_sha256=book.sha256)
    assert path.read_bytes() == before
    assert list(tmp_path.glob(".quickreply-*")) == []  # no temporary left behind


def test_a_file_changed_on_disk_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text(SAMPLE, encoding="utf-8")
    book, _ = read_book(path)
    assert book is not None
    path.write_text(SAMPLE.replace("正文", "同事改的"), encoding="utf-8")  # a colleague saved first
    with pytest.raises(store.ConflictError):
        store.save_book(replace(book, name="我的"), expected_sha256=book.sha256)
    assert "同事改的" in path.read_text(encoding="utf-8")
    # Saving under a new name works.
    other = tmp_path / "a-我的.toml"
    store.save_book(replace(book, name="我的"), expected_sha256=None, path=other)
    assert read_book(other)[0].name == "我的"


def test_mode_and_symlink_survive_a_save(tmp_path: Path) -> None:
    real = tmp_path / "real.toml"
    real.write_text(SAMPLE, encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    book, _ = read_book(link)
    assert book is not None
    store.save_book(replace(book, name="新名字"), expected_sha256=book.sha256)
    assert link.is_symlink()
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert read_book(real)[0].name == "新名字"


def test_backups_are_kept_and_restored(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text(SAMPLE, encoding="utf-8")
    sha = store.file_digest(path)
    for number in range(store.BACKUPS_KEPT + 3):
        sha = store.save_text(path, SAMPLE.replace("正文", f"第{number}版"), expected_sha256=sha).sha256
    kept = store.backups(path)
    assert len(kept) == store.BACKUPS_KEPT
    assert "第21版" in kept[0].read_text(encoding="utf-8")
    store.restore(path, kept[0], expected_sha256=sha)
    assert "第21版" in path.read_text(encoding="utf-8")


def test_comments_are_detected() -> None:
    assert store.has_comments("# 说明\n[book]\n")
    assert store.has_comments('title = "a" # 尾注\n')
    assert not store.has_comments('text = "价格 #1 款"\n')
    assert not store.has_comments('text = """第一行\n# 不是注释\n"""\n')
    assert quickreply.load  # the public API is unchanged


def age(path: Path, seconds: float = 3600) -> Path:
    """Make ``path`` look as if it was last written ``seconds`` ago."""
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_stale_temporaries_are_removed(tmp_path: Path) -> None:
    (tmp_path / ".quickreply-abc.tmp").write_text("half", encoding="utf-8")
    age(tmp_path / ".quickreply-abc.tmp")
    assert len(store.remove_stale_temporaries(tmp_path)) == 1
    assert list(tmp_path.iterdir()) == []


# --- housekeeping: nothing left in the phrasebook folder, nothing lost -------------------------


def saved_sample(folder: Path, name: str = "a.toml") -> Path:
    """A book saved twice, so it has one backup."""
    path = folder / name
    path.write_text(SAMPLE, encoding="utf-8")
    store.save_text(path, SAMPLE.replace("正文", "第二版"), expected_sha256=store.file_digest(path))
    return path


def leftovers(folder: Path) -> list[str]:
    """Files a save may not leave beside the books: temporaries and lock files."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_regression_lock_files_stay_out_of_the_phrasebook_folder(tmp_path: Path) -> None:
    path = saved_sample(tmp_path)
    assert leftovers(tmp_path) == []  # was: .a.toml.lock beside the book
    lock = store.lock_path(path)
    assert lock.parent == Path(os.environ["QUICKREPLY_CACHE_DIR"]) / "locks"
    assert lock.is_file()
    # The lock still serialises our writers: while one holds it, nobody else can take it.
    import fcntl

    with store._locked(path), open(lock, "a") as other:
        with pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    # The same lock for the same file however it is named (a symlink, a relative path).
    link = tmp_path / "link.toml"
    link.symlink_to(path)
    assert store.lock_path(link) == lock


def test_regression_stale_temporaries_are_removed_before_saving(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text(SAMPLE, encoding="utf-8")
    crashed = tmp_path / ".quickreply-crashed.tmp"
    crashed.write_text("半截", encoding="utf-8")
    age(crashed)
    live = tmp_path / ".quickreply-live.tmp"  # another writer, mid-save right now
    live.write_text("正在写", encoding="utf-8")
    old_lock = tmp_path / ".a.toml.lock"  # left by earlier versions
    old_lock.touch()
    age(old_lock)
    store.save_text(path, SAMPLE.replace("正文", "新"), expected_sha256=store.file_digest(path))
    assert leftovers(tmp_path) == [".quickreply-live.tmp"]


def test_regression_app_start_removes_stale_temporaries(tmp_path: Path) -> None:
    from quickreply.tui.app import make_app

    folder = tmp_path / "books"
    folder.mkdir()
    (folder / "a.toml").write_text(SAMPLE, encoding="utf-8")
    crashed = folder / ".quickreply-crashed.tmp"
    crashed.write_text("半截", encoding="utf-8")
    age(crashed)
    live = folder / ".quickreply-live.tmp"
    live.write_text("正在写", encoding="utf-8")
    make_app([folder], history=False, watch=False)
    assert leftovers(folder) == [".quickreply-live.tmp"]


def test_stale_cleanup_leaves_what_is_not_ours(tmp_path: Path) -> None:
    other_lock = tmp_path / ".notes.toml.lock"
    other_lock.write_text("someone else's", encoding="utf-8")  # ours were always empty
    folder_named_like_a_temp = tmp_path / ".quickreply-dir.tmp"
    folder_named_like_a_temp.mkdir()
    for path in (other_lock, folder_named_like_a_temp):
        age(path)
    assert store.remove_stale_temporaries(tmp_path) == []


_CUT_BACKUP = """
import resource, signal, sys
from pathlib import Path
from quickreply import store

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG instead
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
path = Path(sys.argv[1])
try:
    small = "[book]\\nname = '小'\\nstage = 'pre-sale'\\n"
    store.save_text(path, small, expected_sha256=store.file_digest(path))
except OSError as error:
    print(error)
"""


def test_regression_backups_are_written_atomically(tmp_path: Path) -> None:
    """A backup whose write stops partway (kill -9, a full disk, a size limit) leaves no
    truncated backup to restore later, no temporary, and the book as it was."""
    import subprocess
    import sys

    path = tmp_path / "big.toml"
    path.write_text(
        SAMPLE
        + "".join(f'\n[[phrase]]\nid = "p{n}"\ntitle = "标题"\ntext = "{"长" * 50}"\n' for n in range(100)),
        encoding="utf-8",
    )
    before = path.read_bytes()
    assert len(before) > 4096  # the backup cannot be written whole
    result = subprocess.run(
        [sys.executable, "-c", _CUT_BACKUP, str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in store.backup_dir(path).iterdir()) == []  # was: a truncated backup
    assert "备份" in result.stdout  # SaveError: the backup could not be written, nothing saved
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


TRUNCATIONS = {
    "mid-character": lambda data: data[: data.index("第二版".encode()) + 1],  # not UTF-8 any more
    "mid-string": lambda data: data[: data.index("第二版".encode())],  # unterminated string
    "after-a-header": lambda data: data[: data.index(b"text")],  # a phrase without text
    "empty": lambda data: b"",  # killed right after the file was created
}


@pytest.mark.parametrize("cut", TRUNCATIONS.values(), ids=TRUNCATIONS.keys())
def test_regression_truncated_backup_is_refused(tmp_path: Path, cut) -> None:
    path = saved_sample(tmp_path)
    sha = store.save_text(
        path, SAMPLE.replace("正文", "第三版"), expected_sha256=store.file_digest(path)
    ).sha256
    newest = store.backups(path)[0]
    newest.write_bytes(cut(newest.read_bytes()))
    before = path.read_bytes()
    with pytest.raises(store.BadBackupError) as refused:
        store.restore(path, newest, expected_sha256=sha)
    assert newest.name in str(refused.value) and "已损坏" in str(refused.value)
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []
    checks = store.check_backups(path, store.backups(path))
    assert [check.problem is None for check in checks] == [False, True]  # the older one is fine


def test_backup_with_an_error_the_book_already_has_may_be_restored(tmp_path: Path) -> None:
    broken_phrase = SAMPLE + '\n[[phrase]]\nid = "b"\ntitle = "没有正文"\n'
    path = tmp_path / "a.toml"
    path.write_text(broken_phrase, encoding="utf-8")
    sha = store.save_text(
        path, broken_phrase.replace("正文", "新"), expected_sha256=store.file_digest(path)
    ).sha256
    store.restore(path, store.backups(path)[0], expected_sha256=sha)
    assert path.read_text(encoding="utf-8") == broken_phrase


def test_shops_backup_is_checked_as_shops(tmp_path: Path) -> None:
    path = tmp_path / "shops.toml"
    path.write_text('[[shop]]\nshop_name = "甲店"\n', encoding="utf-8")
    sha = store.save_text(
        path, '[[shop]]\nshop_name = "乙店"\n', expected_sha256=store.file_digest(path)
    ).sha256
    backup = store.backups(path)[0]
    assert store.check_backups(path, [backup])[0].problem is None
    backup.write_bytes(b'[[shop]]\nshop_name = "\xe7\x94')
    with pytest.raises(store.BadBackupError):
        store.restore(path, backup, expected_sha256=sha)
    assert "乙店" in path.read_text(encoding="utf-8")


# --- saves that cannot happen: the old file byte-identical, nothing left behind ---------------


def assert_untouched(path: Path, before: bytes) -> None:
    assert path.read_bytes() == before
    assert leftovers(path.parent) == []
    assert store.backups(path) == []  # nothing saved, so nothing backed up


def test_regression_read_only_folder_gives_a_chinese_error(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "a.toml"
    path.write_text(SAMPLE, encoding="utf-8")
    before = path.read_bytes()

    def read_only(*args: object, **kwargs: object) -> None:  # what mkstemp meets in a 555 folder
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(store.tempfile, "mkstemp", read_only)
    with pytest.raises(store.SaveError) as failed:
        store.save_text(path, SAMPLE.replace("正文", "新"), expected_sha256=store.file_digest(path))
    assert "没有写入权限" in str(failed.value) and str(path) in str(failed.value)
    assert_untouched(path, before)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_for_real(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "a.toml"
    path.write_text(SAMPLE, encoding="utf-8")
    before = path.read_bytes()
    folder.chmod(0o555)
    try:
        with pytest.raises(store.SaveError, match="没有写入权限"):
            store.save_text(path, SAMPLE.replace("正文", "新"), expected_sha256=store.file_digest(path))
        assert_untouched(path, before)
    finally:
        folder.chmod(0o755)


def test_regression_read_only_book_keeps_its_mode_or_is_refused(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "a.toml"
    path.write_text(SAMPLE, encoding="utf-8")
    path.chmod(0o444)
    before = path.read_bytes()
    if os.access(path, os.W_OK):  # root: saved, and still read-only afterwards
        store.save_text(path, SAMPLE.replace("正文", "新"), expected_sha256=store.file_digest(path))
        assert stat.S_IMODE(path.stat().st_mode) == 0o444
        path.write_bytes(before)
        # Seen as a normal user sees it: refused with a clear message, not replaced behind the
        # owner's back (os.replace only needs a writable folder).
        monkeypatch.setattr(store.os, "access", lambda *args, **kwargs: False)
    with pytest.raises(store.SaveError, match="只读") as failed:
        store.save_text(path, SAMPLE.replace("正文", "新"), expected_sha256=store.file_digest(path))
    assert str(path) in str(failed.value)
    assert path.read_bytes() == before
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert leftovers(tmp_path) == []


def test_regression_disk_full_mid_write(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "a.toml"
    path.write_text(SAMPLE, encoding="utf-8")
    before = path.read_bytes()
    real_write = os.write

    def half_then_full(descriptor: int, data: bytes) -> int:
        if len(data) > 8:
            return real_write(descriptor, bytes(data[: len(data) // 2]))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.os, "write", half_then_full)
    with pytest.raises(store.SaveError, match="磁盘空间不足") as failed:
        store.save_text(path, SAMPLE.replace("正文", "新" * 100), expected_sha256=store.file_digest(path))
    assert isinstance(failed.value, OSError)  # callers catching OSError still catch it
    assert_untouched(path, before)


def test_regression_symlinked_book_stays_a_symlink_and_nothing_is_left(tmp_path: Path) -> None:
    elsewhere = tmp_path / "team"
    elsewhere.mkdir()
    real = elsewhere / "real.toml"
    real.write_text(SAMPLE, encoding="utf-8")
    folder = tmp_path / "books"
    folder.mkdir()
    link = folder / "a.toml"
    link.symlink_to(Path("..") / "team" / "real.toml")  # relative, as people make them
    store.save_text(link, SAMPLE.replace("正文", "新"), expected_sha256=store.file_digest(link))
    assert link.is_symlink() and os.readlink(link) == str(Path("..") / "team" / "real.toml")
    assert "新" in real.read_text(encoding="utf-8")
    assert leftovers(folder) == [] and leftovers(elsewhere) == []
    # write_atomic (export -o, caches) follows the link the same way.
    store.write_atomic(link, b"x")
    assert link.is_symlink() and real.read_bytes() == b"x"


def test_regression_fifo_or_device_is_refused_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "a.toml"
    os.mkfifo(fifo)  # reading it would block forever; replacing it would lose the node
    with pytest.raises(store.SaveError, match="不是普通文件"):
        store.save_text(fifo, SAMPLE, expected_sha256=None)
    with pytest.raises(store.SaveError, match="不是普通文件"):
        store.write_atomic(Path(os.devnull), b"x")
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert leftovers(tmp_path) == []


def test_saving_into_a_missing_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(store.SaveError, match="文件夹不存在"):
        store.save_text(tmp_path / "nope" / "a.toml", SAMPLE, expected_sha256=None)


def test_a_failing_backup_stops_the_save(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "a.toml"
    path.write_text(SAMPLE, encoding="utf-8")
    before = path.read_bytes()
    real_replace = os.replace

    def no_room_for_backups(source: str, target: object) -> None:
        if "backups" in str(target):
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(store.os, "replace", no_room_for_backups)
    with pytest.raises(store.SaveError, match="无法写入备份"):
        store.save_text(path, SAMPLE.replace("正文", "新"), expected_sha256=store.file_digest(path))
    assert_untouched(path, before)
    assert list(store.backup_dir(path).iterdir()) == []
