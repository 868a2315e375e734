"""Shared fixtures: every test runs with its own config and data dirs, never the real home."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import quickreply
from quickreply.locations import bundled_phrasebooks

FROZEN_NOW = dt.datetime(2026, 11, 23, 14, 32)


HOME_DIRS = {
    "HOME": "home",
    "XDG_CONFIG_HOME": "config",
    "XDG_DATA_HOME": "data",
    "XDG_CACHE_HOME": "cache",
    "XDG_STATE_HOME": "state",
    "XDG_RUNTIME_DIR": "runtime",
}
"""Where tools other than ours write (platformdirs, fontconfig, chromium, Xvfb…): all under tmp."""


def _point_home_at(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    for name, folder in HOME_DIRS.items():
        path = root / folder
        path.mkdir(mode=0o700, parents=True, exist_ok=True)  # XDG_RUNTIME_DIR must be 0700
        monkeypatch.setenv(name, str(path))


@pytest.fixture(scope="session", autouse=True)
def _session_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A home for the whole session, in place before any session fixture runs: `bundled` loads
    books at session scope, before the per-test fixture, and wrote the pinyin cache into the
    real ~/.cache/quickreply. Subprocesses inherit it."""
    root = tmp_path_factory.mktemp("session-home")
    with pytest.MonkeyPatch.context() as monkeypatch:
        _point_home_at(monkeypatch, root)
        monkeypatch.setenv("QUICKREPLY_CONFIG_DIR", str(root / "quickreply-config"))
        monkeypatch.setenv("QUICKREPLY_DATA_DIR", str(root / "quickreply-data"))
        monkeypatch.setenv("QUICKREPLY_CACHE_DIR", str(root / "quickreply-cache"))
        monkeypatch.delenv("QUICKREPLY_DIR", raising=False)
        yield root


@pytest.fixture(scope="session")
def _cache_dir(_session_home: Path) -> Path:
    # One pinyin cache for the session: rebuilding it costs ~0.3 s.
    return _session_home / "quickreply-cache"


@pytest.fixture(autouse=True)
def isolated_dirs(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    _cache_dir: Path,
) -> None:
    """Each test: its own home, XDG dirs, config and data dirs; never the real home."""
    # Beside tmp_path, not in it: tests that list tmp_path see only what they made.
    _point_home_at(monkeypatch, tmp_path_factory.mktemp("home"))
    monkeypatch.setenv("QUICKREPLY_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("QUICKREPLY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QUICKREPLY_CACHE_DIR", str(_cache_dir))
    monkeypatch.delenv("QUICKREPLY_DIR", raising=False)


@pytest.fixture(scope="session")
def bundled() -> quickreply.Library:
    """The bundled books, with the clock frozen at 2026-11-23 14:32."""
    return quickreply.load(bundled_phrasebooks(), clock=lambda: FROZEN_NOW)


BookWriter = Callable[..., Path]


@pytest.fixture
def write_book(tmp_path: Path) -> BookWriter:
    """Write a file into a fresh phrasebook dir: write_book("a.toml", '''...''')."""
    directory = tmp_path / "books"
    directory.mkdir()

    def write(name: str, content: str | bytes, *, folder: Path = directory) -> Path:
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return path

    return write
