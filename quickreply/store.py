"""Saving phrasebooks without ever losing work: readable TOML, atomic replace, backups,
and no overwriting of a file that changed on disk since it was read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from .locations import user_data_dir
from .model import Book, Phrase

BACKUPS_KEPT = 20
TEMP_PREFIX = ".quickreply-"
TEMP_SUFFIX = ".tmp"


class ConflictError(RuntimeError):
    """The file changed on disk since it was loaded (a colleague saved first)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"{path} 在载入后被别人修改过，未覆盖：请重新载入，或另存为新文件")


# --- TOML ------------------------------------------------------------------------------------


def phrase_table(phrase: Phrase, book_stage: object) -> dict[str, Any]:
    """A phrase as a TOML table, in a fixed key order so diffs stay small."""
    table: dict[str, Any] = {"id": phrase.id, "title": phrase.title}
    if phrase.keys:
        table["keys"] = list(phrase.keys)
    if phrase.tags:
        table["tags"] = list(phrase.tags)
    if phrase.stage is not book_stage:
        table["stage"] = phrase.stage.value
    table["text"] = phrase.text
    if phrase.variants:
        table["variants"] = list(phrase.variants)
    if phrase.note:
        table["note"] = phrase.note
    if phrase.expires is not None:
        table["expires"] = phrase.expires
    return table


def book_to_toml(book: Book) -> str:
    header: dict[str, Any] = {"name": book.name, "stage": book.stage.value}
    if book.description:
        header["description"] = book.description
    # Written table by table: tomli-w alone puts short phrases in one inline array and the
    # [book] table last. multiline_strings: replies with line breaks stay readable as """ blocks.
    parts = [tomli_w.dumps({"book": header}, multiline_strings=True)]
    for phrase in book.phrases:
        parts.append("[[phrase]]\n" + tomli_w.dumps(phrase_table(phrase, book.stage), multiline_strings=True))
    return "\n".join(parts)


# --- comments --------------------------------------------------------------------------------

_STRING = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'[^\'\n]*\'')


def has_comments(raw: str) -> bool:
    """True if the TOML text has a ``#`` comment (saving with tomli-w would drop it)."""
    return "#" in _STRING.sub("", raw)


# --- files -----------------------------------------------------------------------------------


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str | None:
    try:
        return digest(path.read_bytes())
    except FileNotFoundError:
        return None


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
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{stamp}.toml"
    target.write_bytes(data)
    for old in backups(path)[BACKUPS_KEPT:]:
        old.unlink(missing_ok=True)
    return target


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Serialise our own writers of one file (editors ignore this; the digest check is for them)."""
    lock = path.with_name(f".{path.name}.lock")
    with open(lock, "a") as handle:
        try:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)
        except ImportError:  # Windows: no flock; the digest check still guards against overwrites
            pass
        yield


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same directory, fsync, then os.replace, so a crash
    or a full disk leaves the previous file as it was. Keeps the file's mode."""
    directory = path.parent
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        except FileNotFoundError:
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):  # not every platform can fsync a directory
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


@dataclass(frozen=True)
class Saved:
    path: Path
    sha256: str
    backup: Path | None


def save_text(path: Path, text: str, *, expected_sha256: str | None) -> Saved:
    """Save ``text`` to ``path`` unless the file changed since it had ``expected_sha256``
    (None: the file must not exist yet). The previous version is kept as a backup."""
    target = path.resolve()  # a symlink stays a symlink: write where it points
    data = text.encode("utf-8")
    with _locked(target):
        try:
            current: bytes | None = target.read_bytes()
        except FileNotFoundError:
            current = None
        if (digest(current) if current is not None else None) != expected_sha256:
            raise ConflictError(path)
        backup = _keep_backup(target, current) if current is not None and current != data else None
        if current != data:
            write_atomic(target, data)
    return Saved(path, digest(data), backup)


def save_book(book: Book, *, expected_sha256: str | None, path: Path | None = None) -> Saved:
    return save_text(path or book.path, book_to_toml(book), expected_sha256=expected_sha256)


def restore(path: Path, backup: Path, *, expected_sha256: str | None) -> Saved:
    """Bring a backup back (the current version is itself backed up first)."""
    return save_text(path, backup.read_bytes().decode("utf-8"), expected_sha256=expected_sha256)


def remove_stale_temporaries(directory: Path) -> list[Path]:
    """Temporary files left by a crash mid-save; safe to delete (the real file is intact)."""
    removed = []
    for leftover in directory.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed.append(leftover)
    return removed
