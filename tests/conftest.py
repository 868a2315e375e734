"""Shared fixtures: every test runs with its own config and data dirs, never the real home."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

import quickreply
from quickreply.locations import bundled_phrasebooks

FROZEN_NOW = dt.datetime(2026, 11, 23, 14, 32)


@pytest.fixture(scope="session")
def _cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # One pinyin cache for the session: rebuilding it costs ~0.3 s.
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def isolated_dirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, _cache_dir: Path) -> None:
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
