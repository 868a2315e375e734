"""Saving phrasebooks without ever losing work: readable TOML, atomic replace, backups,
and no overwriting of a file that changed on disk since it was read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import os
import re
import stat
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import bookfile
from .locations import RESERVED_FILES, user_cache_dir, user_data_dir
from .model import Book

BACKUPS_KEPT = 20
TEMP_PREFIX = ".quickreply-"
TEMP_SUFFIX = ".tmp"
STALE_AFTER = 120.0
"""Seconds before a leftover temporary counts as stale: a concurrent writer's temp file lives for
well under a second, so one this old belongs to a crashed save."""


class ConflictError(RuntimeError):
    """The file changed on disk since it was loaded (a colleague saved first)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"{path} 在载入后被别人修改过，未覆盖：保存时会逐条合并，或重新载入")


class SaveError(OSError):
    """A save that could not happen; the old file is untouched and no temporary is left.
    ``str()`` is one Chinese sentence naming the file."""

    def __str__(self) -> str:
        return f"无法保存 {self.filename}：{self.strerror}"


class BadBackupError(ValueError):
    """A backup that would leave a broken book (truncated, not UTF-8, not TOML, new errors)."""

    def __init__(self, backup: Path, reason: str) -> None:
        self.backup = backup
        self.reason = reason
        super().__init__(f"备份 {backup.name} 已损坏：{reason}")


# --- TOML ------------------------------------------------------------------------------------


# How a book becomes text lives in bookfile.py (comment-keeping, in place); re-exported here
# for the callers that save or export through this module.
phrase_table = bookfile.phrase_table


def book_to_toml(book: Book) -> str:
    """A book as the text of a new file."""
    return bookfile.book_text(book)


# --- comments --------------------------------------------------------------------------------

_STRING = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'[^\'\n]*\'')


def has_comments(raw: str) -> bool:
    """True if the TOML text has a ``#`` comment (saving with tomli-w would drop it)."""
    return "#" in _STRING.sub("", raw)


# --- files -----------------------------------------------------------------------------------


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_existing(path: Path) -> bytes | None:
    """The bytes of the regular file at ``path`` (through a symlink), None when there is none.
    A FIFO or device is refused with SaveError, never read: reading one blocks or never ends."""
    return _read_current(path, _regular_target(path))


def file_digest(path: Path) -> str | None:
    data = read_existing(path)
    return None if data is None else digest(data)


def backup_dir(path: Path) -> Path:
    """Backups of one book live under the user data dir, one folder per book file."""
    target = path.resolve()
    tag = hashlib.sha256(str(target).encode()).hexdigest()[:10]
    return user_data_dir() / "backups" / f"{target.stem}-{tag}"


def backups(path: Path) -> list[Path]:
    """Backups of ``path``, newest first."""
    folder = backup_dir(path)
    return sorted(folder.glob("*.toml"), reverse=True) if folder.is_dir() else []


def _keep_backup(path: Path, data: bytes) -> Path:
    folder = backup_dir(path)
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(folder)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{stamp}.toml"
    # Atomic like the book itself: a backup cut short by a crash is worse than none.
    write_atomic(target, data)
    for old in backups(path)[BACKUPS_KEPT:]:
        old.unlink(missing_ok=True)
    return target


def lock_path(path: Path) -> Path:
    """The lock serialising our writers of ``path``: in the user cache dir, never beside the book
    (a team folder kept in git would get the lock files committed)."""
    key = hashlib.sha256(str(path.resolve()).encode()).hexdigest()
    return user_cache_dir() / "locks" / f"{key}.lock"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Serialise our own writers of one file (editors ignore this; the digest check is for them)."""
    lock = lock_path(path)
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock, "a")  # closed by the with below, after the yield
    except OSError:
        # No usable cache dir (read-only home): still save; the digest check guards overwrites.
        yield
        return
    with handle:
        try:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)
        except ImportError:  # Windows: no flock; the digest check still guards against overwrites
            pass
        yield


_REASONS = {
    errno.EACCES: "没有写入权限（文件或文件夹是只读的）",
    errno.EPERM: "没有写入权限（文件或文件夹是只读的）",
    errno.EROFS: "所在的文件系统是只读的",
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出了磁盘配额",
    errno.ENOENT: "文件夹不存在",
    errno.ENOTDIR: "路径中有一段不是文件夹",
}


def _save_error(path: Path, error: OSError) -> SaveError:
    if isinstance(error, SaveError):
        return error
    code = error.errno or 0
    reason = _REASONS.get(code) or error.strerror or str(error)
    return SaveError(code, reason, str(path))


def _regular_target(path: Path) -> Path:
    """Where to write for ``path``: a symlink stays a symlink (we write where it points);
    a device, FIFO or folder is refused (os.replace would replace the node itself)."""
    target = path.resolve()
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return target
    except OSError as error:
        raise _save_error(path, error) from error
    if not stat.S_ISREG(mode):
        raise SaveError(errno.EINVAL, "不是普通文件，不能用来保存", str(path))
    return target


def _write_temporary(target: Path, data: bytes) -> Path:
    """``data`` in a new fsynced temporary beside ``target``, with target's mode and owner."""
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
    temporary = Path(name)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
            os.fsync(handle)
        finally:
            os.close(handle)
        try:
            info = target.stat()
        except FileNotFoundError:
            os.chmod(temporary, 0o644)  # mkstemp makes 0600; a new book is readable like any file
        else:
            os.chmod(temporary, stat.S_IMODE(info.st_mode))
            if hasattr(os, "chown") and (info.st_uid, info.st_gid) != _owner(temporary):
                # Root saving someone's book must not make it root's; others may not chown.
                with contextlib.suppress(OSError):
                    os.chown(temporary, info.st_uid, info.st_gid)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _owner(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_uid, info.st_gid


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can fsync a directory
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same directory, fsync, then os.replace, so a crash
    or a full disk leaves the previous file as it was. Keeps the file's mode; a symlink stays a
    symlink. Raises :class:`SaveError` (an OSError with a Chinese message)."""
    target = _regular_target(path)
    try:
        temporary = _write_temporary(target, data)
        try:
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError as error:
        raise _save_error(path, error) from error
    _fsync_directory(target.parent)


@dataclass(frozen=True)
class Saved:
    path: Path
    sha256: str
    backup: Path | None


def _read_current(path: Path, target: Path) -> bytes | None:
    try:
        return target.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise _save_error(path, error) from error


def _refuse_read_only(path: Path, target: Path) -> None:
    """A book marked read-only (mode 444) is not replaced behind its owner's back: os.replace
    only needs a writable folder, so check the file itself (root may write anything)."""
    if not os.access(target, os.W_OK):
        raise SaveError(errno.EACCES, "文件是只读的，请先改为可写", str(path))


def save_bytes(path: Path, data: bytes, *, expected_sha256: str | None) -> Saved:
    """Save ``data`` to ``path`` unless the file changed since it had ``expected_sha256``
    (None: the file must not exist yet). The previous version is kept as a backup.

    Raises ConflictError, or SaveError (read-only, disk full, not a regular file…); either way
    the old file is byte-identical and no temporary is left beside it."""
    target = _regular_target(path)
    remove_stale_temporaries(target.parent)  # leftovers of a crashed save, never a live one
    with _locked(target):
        current = _read_current(path, target)
        if (digest(current) if current is not None else None) != expected_sha256:
            raise ConflictError(path)
        if current == data:
            return Saved(path, digest(data), None)
        if current is not None:
            _refuse_read_only(path, target)
        try:
            # The new version is on disk before the backup is made: a read-only folder or a full
            # disk fails here, leaving no backup of an unchanged file behind.
            temporary = _write_temporary(target, data)
        except OSError as error:
            raise _save_error(path, error) from error
        try:
            backup = _keep_backup(target, current) if current is not None else None
        except BaseException as error:
            temporary.unlink(missing_ok=True)
            if isinstance(error, OSError):
                reason = _REASONS.get(error.errno or 0) or error.strerror or str(error)
                message = f"无法写入备份（{reason}），为免丢失没有保存"
                raise SaveError(error.errno or 0, message, str(path)) from error
            raise
        try:
            os.replace(temporary, target)
        except BaseException as error:
            temporary.unlink(missing_ok=True)
            if isinstance(error, OSError):
                raise _save_error(path, error) from error
            raise
        _fsync_directory(target.parent)
    return Saved(path, digest(data), backup)


def save_text(path: Path, text: str, *, expected_sha256: str | None) -> Saved:
    """:func:`save_bytes` of ``text`` as UTF-8."""
    return save_bytes(path, text.encode("utf-8"), expected_sha256=expected_sha256)


def save_book(
    book: Book,
    *,
    expected_sha256: str | None,
    path: Path | None = None,
    renamed: Mapping[str, str] | None = None,
) -> Saved:
    """Save a book. An existing file is edited in place: comments, unknown fields and replies the
    loader could not read stay as they were (bookfile.py). ``renamed``: new id → id in the file.

    Raises ConflictError if the file changed since it had ``expected_sha256``; SaveError
    (UnwritableBookError's message) if it cannot be edited without losing something."""
    target = path or book.path
    original: str | None = None
    if expected_sha256 is not None:
        current = _read_current(target, _regular_target(target))
        if current is None or digest(current) != expected_sha256:
            raise ConflictError(target)
        try:
            original = current.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise SaveError(errno.EINVAL, "文件不是 UTF-8 编码，未保存", str(target)) from error
    try:
        text = bookfile.book_text(book, original, renamed=renamed)
    except bookfile.UnwritableBookError as error:
        raise SaveError(errno.EINVAL, str(error), str(target)) from error
    return save_text(target, text, expected_sha256=expected_sha256)


def _error_keys(problems: Sequence[Any]) -> Counter[tuple[str, str | None]]:
    from .model import Severity

    return Counter((p.code, p.phrase) for p in problems if p.severity is Severity.ERROR)


def _problems_of(path: Path, data: bytes, file: Path) -> tuple[str | None, list[Any]]:
    """(why ``data`` is unreadable, or None; the problems of loading it as what ``path`` is).
    ``file`` holds ``data`` on disk: a book is checked by reading it, like any book."""
    from . import books  # books imports this module

    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data":  # cut inside a character, not GBK
            return "文件在结尾处被截断（保存时可能被中断）", []
    try:
        if path.name == "shops.toml":
            _, shop_problems = books.parse_shops(path, data)
            fatal = next((p for p in shop_problems if p.code in ("encoding", "toml-syntax")), None)
            return (fatal.message if fatal else None), shop_problems
        parsed, _, problem = books.parse_toml(path, data)
        if parsed is None:
            return (problem.message if problem else "无法解析"), []
        if path.name in RESERVED_FILES:
            return None, []
        book, book_problems = books.read_book(file)
        if book is None:  # e.g. cut off before the [book] table was complete
            first = next((p.message for p in book_problems), "不是有效的短语书")
            return f"{first}（文件可能被截断）", book_problems
        if book.sha256 != digest(data):
            return "检查时文件被改动了，请重试", []
        return None, book_problems
    except RecursionError:
        return "嵌套过深，无法解析", []


@dataclass(frozen=True)
class BackupCheck:
    """Whether one backup may replace its book."""

    backup: Path
    problem: str | None
    """Why it may not (Chinese), or None when it is sound."""
    data: bytes = b""


def check_backups(path: Path, candidates: Sequence[Path]) -> list[BackupCheck]:
    """Check backups of ``path`` before a restore: each must be a regular file, UTF-8 and TOML,
    and load with no error the current file does not already have (a truncated backup usually
    fails one of these)."""
    target = _regular_target(path)  # a FIFO would block the read below
    current = _read_current(path, target)
    allowed = _error_keys(_problems_of(path, current, path)[1]) if current is not None else Counter()
    checks = []
    for backup in candidates:
        try:
            if not stat.S_ISREG(backup.stat().st_mode):
                checks.append(BackupCheck(backup, "不是普通文件"))
                continue
            data = backup.read_bytes()
        except OSError as error:
            checks.append(BackupCheck(backup, f"无法读取：{error.strerror or error}"))
            continue
        fatal, problems = _problems_of(path, data, backup)
        if fatal is not None:
            checks.append(BackupCheck(backup, fatal, data))
            continue
        new_errors = _error_keys(problems) - allowed
        if new_errors:
            first = next(p for p in problems if (p.code, p.phrase) in new_errors)
            count = new_errors.total()
            reason = f"载入时有 {count} 个当前文件没有的错误，例如第 {first.line} 行：{first.message}"
            checks.append(BackupCheck(backup, reason, data))
            continue
        checks.append(BackupCheck(backup, None, data))
    return checks


def restore(path: Path, backup: Path, *, expected_sha256: str | None) -> Saved:
    """Bring a backup back (the current version is itself backed up first). A backup that
    would leave a broken book raises :class:`BadBackupError` and nothing is written; the bytes
    written are the very bytes that were checked."""
    (check,) = check_backups(path, [backup])
    if check.problem is not None:
        raise BadBackupError(backup, check.problem)
    return save_bytes(path, check.data, expected_sha256=expected_sha256)


def remove_stale_temporaries(directory: Path, *, older_than: float = STALE_AFTER) -> list[Path]:
    """Leftovers of a crashed save or of older versions, safe to delete (the real file is intact):
    temporaries older than ``older_than`` seconds (a younger one may be a concurrent writer's)
    and the empty ``.NAME.toml.lock`` files earlier versions kept beside books."""
    removed = []
    cutoff = time.time() - older_than
    candidates = [*directory.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"), *directory.glob(".*.toml.lock")]
    for leftover in candidates:
        with contextlib.suppress(OSError):
            info = leftover.lstat()
            if not stat.S_ISREG(info.st_mode) or info.st_mtime > cutoff:
                continue
            if leftover.suffix == ".lock" and info.st_size:
                continue  # not one of ours: our lock files were always empty
            leftover.unlink()
            removed.append(leftover)
    return removed
