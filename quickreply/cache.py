"""The loaded library kept on disk, so that the next start skips parsing and indexing.

At 100k replies, reading the books and building the search index takes ten seconds; reading
them back from this cache takes about one. An entry is keyed by the CONTENT of every file a
load reads (each ``*.toml`` of each folder and the bundled synonyms, hashed byte for byte),
the folders as given, the agent's personal folders, the Python version and the source of
quickreply itself and of the libraries that shape the result: a changed book, even one of the
same size and mtime, is never served from a stale entry.

Safe to lose: a missing, truncated, corrupt or foreign entry, or a cache folder that cannot
be written, only means a full load (never an error, never a different result). Entries are
written atomically (a temporary file, then ``os.replace``), carry a CRC of their payload, and
only the latest few are kept. The folder is the user's cache dir (``locations.user_cache_dir``
/ ``library``); deleting it is always safe. Nothing is ever unpickled from a phrasebook folder.
"""

from __future__ import annotations

import contextlib
import copyreg
import functools
import gc
import hashlib
import importlib.util
import io
import os
import pickle
import sys
import tempfile
import zlib
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from . import books
from .locations import bundled_data, user_cache_dir
from .model import FieldLines, Phrase, Problem
from .search import SearchIndex

FORMAT = 1
"""Bump when the payload's layout changes (the source hash changes with it anyway)."""
KEEP = 4
"""Entries kept: a team folder, a test folder and a couple of older versions."""
_MAGIC = b"QRLIB\x00%d\n" % FORMAT
_SUFFIX = ".qrcache"
_KEY_BYTES = 32
_DEPENDENCIES = ("tomli", "opencc", "pypinyin")
"""Libraries whose version changes what a load produces (parse messages, 繁简, pinyin)."""


def folder() -> Path:
    """Where entries live; safe to delete at any time."""
    return user_cache_dir() / "library"


# --- the key -------------------------------------------------------------------------------------


class Snapshot:
    """The key of a load of ``directories``: every file it reads, hashed.

    A cold load reads the files under :meth:`serving` (books._read_bytes asks it first): each
    is hashed again as read, and if one differs from what the key says (changed meanwhile) or
    was not in it, ``complete`` turns False and the result is not stored. ``key`` is None when
    something cannot be pinned down (a folder that cannot be listed, a file that cannot be
    read): the load then neither reads nor writes the cache."""

    def __init__(self, directories: Sequence[Path], personal: Sequence[Path]) -> None:
        self.digests: dict[Path, bytes] = {}
        self.complete = True
        """False once a load read a file other than hashed here: its result is not stored."""
        digest = hashlib.sha256(_environment())
        usable = True
        for path in (bundled_data("synonyms.toml"),):
            usable &= self._add(digest, path)
        for directory in directories:
            digest.update(b"\x00dir\x00%s\x00%s\n" % (_encode(directory), _encode(directory.absolute())))
            try:
                names = books._toml_names(directory)
            except OSError:
                usable = False  # said as a finding by the load; not worth caching
                continue
            for name in names:
                usable &= self._add(digest, directory / name)
        for path in personal:
            digest.update(b"\x00personal\x00%s\n" % _encode(path.absolute()))
        self.key: bytes | None = digest.digest() if usable else None

    def _add(self, digest: Any, path: Path) -> bool:
        data = books._read_file(path)
        if isinstance(data, Problem):
            return False
        # Not kept: 20 MB at 100k replies, held while the cache is read, would be the peak.
        self.digests[path] = hashlib.sha256(data).digest()
        digest.update(b"\x00file\x00%s\x00%d\x00%s\n" % (_encode(path), len(data), self.digests[path]))
        return True

    def read(self, path: Path) -> bytes | Problem:
        """The file, as the load reads it; noted when it is not what the key says."""
        data = books._read_file(path)
        if isinstance(data, Problem) or self.digests.get(path) != hashlib.sha256(data).digest():
            self.complete = False
        return data

    @contextlib.contextmanager
    def serving(self) -> Iterator[None]:
        token = books.READER.set(self.read)
        try:
            yield
        finally:
            books.READER.reset(token)


def _encode(path: Path) -> bytes:
    return os.fsencode(path).replace(b"\x00", b"")


@functools.cache
def _environment() -> bytes:
    """What besides the files shapes a load: this format, Python, quickreply's own source
    (an editable install changes without a version bump) and the parsing libraries."""
    digest = hashlib.sha256(b"%s%s\n" % (_MAGIC, sys.version.encode()))
    package = Path(__file__).resolve().parent
    for source in sorted([*package.glob("*.py"), *package.glob("search/*.py"), *package.glob("data/*")]):
        with contextlib.suppress(OSError):
            digest.update(source.name.encode() + b"\x00" + source.read_bytes())
    for name in _DEPENDENCIES:
        try:
            spec = importlib.util.find_spec(name)
            origin = Path(spec.origin) if spec is not None and spec.origin else None
            stamp = origin.stat() if origin is not None else None
        except (ImportError, ValueError, OSError):
            stamp = None
        mark = f"{name}:{origin}:{stamp.st_size}:{stamp.st_mtime_ns}" if stamp else f"{name}:-"
        digest.update(mark.encode("utf-8", "surrogateescape") + b"\n")
    return digest.digest()


# --- entries -------------------------------------------------------------------------------------


def _path(key: bytes) -> Path:
    return folder() / (key.hex()[:40] + _SUFFIX)


class _Checked(io.RawIOBase):
    """Reads a file while keeping a CRC of what was read, for the unpickler."""

    def __init__(self, file: io.BufferedReader) -> None:
        self.file = file
        self.crc = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.crc = zlib.crc32(data, self.crc)
        return data

    def readinto(self, buffer: Any) -> int:
        count = self.file.readinto(buffer)
        self.crc = zlib.crc32(memoryview(buffer)[:count], self.crc)
        return count

    def readline(self, size: int | None = -1) -> bytes:
        data = self.file.readline(size if size is not None else -1)
        self.crc = zlib.crc32(data, self.crc)
        return data


def read(key: bytes, *, index: bool = True) -> dict[str, Any] | None:
    """The payload stored under ``key``; None when there is none or it is not whole.
    ``index=False``: without the search index even if it was stored (`check` never searches,
    and at 100k the index is a third of the time and memory of a warm load)."""
    path = _path(key)
    enabled = gc.isenabled()
    gc.disable()  # millions of new objects: collections would only walk them, find nothing
    try:
        with open(path, "rb") as file:
            if file.read(len(_MAGIC) + _KEY_BYTES) != _MAGIC + key:
                return None
            checked = _Checked(file)
            phrases: list[Phrase] = []
            # Each block by an unpickler of its own: one for all would keep a reference to
            # every string it made until the end, 19 MB more at the peak at 100k.
            for _ in range(pickle.Unpickler(checked).load()):
                phrases += _decode_phrases(pickle.Unpickler(checked).load())
            payload = _unpickler(checked, phrases).load()
            if file.read(4) != checked.crc.to_bytes(4, "little") or not isinstance(payload, dict):
                return None
            if index:
                built = _unpickler(checked, phrases).load()
                if file.read(5) != checked.crc.to_bytes(4, "little"):
                    return None
                if built is not None:
                    payload["index"] = built
    except Exception:  # corrupt in any way at all: load the books instead
        return None
    finally:
        if enabled:
            gc.enable()
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: kept by the pruning below
    return payload


def _unpickler(file: Any, phrases: list[Phrase]) -> pickle.Unpickler:
    unpickler = pickle.Unpickler(file)
    unpickler.persistent_load = phrases.__getitem__  # type: ignore[assignment,method-assign]
    return unpickler


# Phrases are stored column by column and built with map(Phrase, *columns): unpickled one by
# one, each left behind a memoized argument tuple, 20 MB of holes in the heap at 100k. In
# blocks, so that only one block's columns are in memory besides the phrases.
_BLOCK = 5000


def _encode_phrases(phrases: Sequence[Phrase]) -> dict[str, Any]:
    names: tuple[str, ...] = Phrase.__slots__  # type: ignore[attr-defined]
    columns = {name: [getattr(phrase, name) for phrase in phrases] for name in names}
    lines = columns["field_lines"]
    if all(type(value) is FieldLines for value in lines):
        columns["field_lines"] = [value._names for value in lines]
        columns["field_lines_packed"] = [value._lines for value in lines]
    return {"count": len(phrases), "columns": columns}


def _decode_phrases(encoded: dict[str, Any]) -> list[Phrase]:
    columns = encoded["columns"]
    names: tuple[str, ...] = Phrase.__slots__  # type: ignore[attr-defined]
    if (packed := columns.pop("field_lines_packed", None)) is not None:
        columns["field_lines"] = list(map(FieldLines._packed, columns["field_lines"], packed))
    if set(columns) != set(names) or any(len(column) != encoded["count"] for column in columns.values()):
        raise ValueError("phrase columns do not match this version")
    return list(map(Phrase, *(columns[name] for name in names)))


def _reduce_index(index: SearchIndex) -> tuple[Any, ...]:
    """The index's attributes, a list of small arrays (one per phrase) packed into one: each
    array unpickled alone left its argument tuple and bytes behind as holes in the heap."""
    state = dict(vars(index))
    for name, value in state.items():
        if isinstance(value, list) and value and all(type(item) is array for item in value):
            codes = {item.typecode for item in value}
            if len(codes) == 1:
                lengths = array("I", map(len, value))
                joined = array(codes.pop())
                for item in value:
                    joined.extend(item)
                state[name] = _PackedArrays(joined, lengths)
        elif isinstance(value, list) and value and all(type(item) is list for item in value):
            # Per-phrase lists that are mostly alike (a title's offsets are 0, 1, 2… unless
            # folding dropped a character): one object for equal ones, 13 MB less at 100k.
            # The index only reads them.
            shared: dict[tuple[Any, ...], list[Any]] = {}
            state[name] = [shared.setdefault(tuple(item), item) for item in value]
    return _restore_index, (type(index), state)


class _PackedArrays:
    __slots__ = ("joined", "lengths")

    def __init__(self, joined: array[Any], lengths: array[int]) -> None:
        self.joined, self.lengths = joined, lengths

    def __reduce__(self) -> tuple[Any, ...]:
        return _PackedArrays, (self.joined, self.lengths)

    def unpack(self) -> list[array[Any]]:
        # A plain loop: lists of the 100k offsets would add 4 MB at the peak of a warm load.
        joined, arrays, start = self.joined, [], 0
        for length in self.lengths:
            arrays.append(joined[start : start + length])
            start += length
        return arrays


def _restore_index(cls: type[SearchIndex], state: dict[str, Any]) -> SearchIndex:
    index = cls.__new__(cls)
    for name, value in state.items():
        if type(value) is _PackedArrays:
            state[name] = value.unpack()
    index.__dict__.update(state)
    return index


class _Pickler(pickle.Pickler):
    """Refers to each phrase by its number in the columns stored first."""

    def __init__(self, file: Any, phrases: Sequence[Phrase], numbers: dict[int, int]) -> None:
        super().__init__(file, protocol=5)
        self.numbers = numbers
        self.phrases = phrases  # kept alive: the numbers are keyed by id()
        self.dispatch_table = {**copyreg.dispatch_table, SearchIndex: _reduce_index}

    def persistent_id(self, obj: Any) -> int | None:
        return self.numbers.get(id(obj)) if type(obj) is Phrase else None


def write(key: bytes, payload: dict[str, Any], phrases: Sequence[Phrase]) -> None:
    """Store ``payload`` under ``key`` and prune old entries; any failure is silent.
    ``phrases``: every phrase the payload refers to (stored first, column by column). Its
    ``index``, if any, is stored last, so that a load without it stops before."""
    target = _path(key)
    temporary: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(prefix=".tmp-", suffix=_SUFFIX, dir=target.parent)
        temporary = Path(name)
        with os.fdopen(descriptor, "wb") as file:
            file.write(_MAGIC + key)
            crc = _CrcWriter(file)
            blocks = range(0, len(phrases), _BLOCK)
            pickle.Pickler(crc, protocol=5).dump(len(blocks))
            for start in blocks:
                pickle.Pickler(crc, protocol=5).dump(_encode_phrases(phrases[start : start + _BLOCK]))
            numbers = {id(phrase): number for number, phrase in enumerate(phrases)}
            state = {name: value for name, value in payload.items() if name != "index"}
            _Pickler(crc, phrases, numbers).dump(state)
            file.write(crc.crc.to_bytes(4, "little"))  # the end of what `check` reads
            _Pickler(crc, phrases, numbers).dump(payload.get("index"))
            file.write(crc.crc.to_bytes(4, "little"))
        os.replace(temporary, target)
        temporary = None
        _prune(target.parent)
    except Exception:  # a cache that cannot be written is only slower next time
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink()


class _CrcWriter:
    def __init__(self, file: Any) -> None:
        self.file = file
        self.crc = 0

    def write(self, data: Any) -> int:
        self.crc = zlib.crc32(data, self.crc)
        return int(self.file.write(data))


def _prune(directory: Path) -> None:
    """Keep the KEEP most recently used entries (and no temporary older than an hour)."""
    entries: list[tuple[float, Path]] = []
    for path in directory.iterdir():
        with contextlib.suppress(OSError):
            if path.name.endswith(_SUFFIX):
                entries.append((path.stat().st_mtime, path))
    entries.sort(reverse=True)
    newest = entries[0][0] if entries else 0.0
    finished = [entry for entry in entries if not entry[1].name.startswith(".tmp-")]
    stale = finished[KEEP:] + [e for e in entries if e[1].name.startswith(".tmp-") and e[0] < newest - 3600]
    for _, path in stale:
        with contextlib.suppress(OSError):
            path.unlink()


def clear() -> int:
    """Delete every entry; how many were deleted."""
    count = 0
    with contextlib.suppress(OSError):
        for path in folder().iterdir():
            if path.name.endswith(_SUFFIX):
                with contextlib.suppress(OSError):
                    path.unlink()
                    count += 1
    return count
