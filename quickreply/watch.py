"""Notice when phrasebook files change on disk (a lead published an update)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

Snapshot = dict[Path, tuple[int, int]]


def snapshot(directories: Iterable[Path]) -> Snapshot:
    """Modification time and size of every TOML file in the directories.

    Polling a few dozen files once a second is cheap and works on every platform and file
    system (network shares included), which inotify-style watchers do not.
    """
    state: Snapshot = {}
    for directory in directories:
        try:
            paths = list(directory.glob("*.toml"))
        except OSError:
            continue
        for path in paths:
            try:
                stat = path.stat()
            except OSError:
                continue
            state[path] = (stat.st_mtime_ns, stat.st_size)
    return state
