"""Where quickreply finds phrasebooks and keeps its own data. Paths in one place.

``QUICKREPLY_DIR`` (os.pathsep-separated) names phrasebook directories;
``QUICKREPLY_CONFIG_DIR``, ``QUICKREPLY_DATA_DIR`` and ``QUICKREPLY_CACHE_DIR`` override the
per-user directories so
tests and portable setups never touch the real home.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "quickreply"


def user_config_dir() -> Path:
    if override := os.environ.get("QUICKREPLY_CONFIG_DIR"):
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def user_data_dir() -> Path:
    if override := os.environ.get("QUICKREPLY_DATA_DIR"):
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_cache_dir() -> Path:
    """Caches that can be thrown away at any time (e.g. the pinyin table)."""
    if override := os.environ.get("QUICKREPLY_CACHE_DIR"):
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def bundled_phrasebooks() -> Path:
    """The books shipped with quickreply: inside the package when installed from a wheel,
    at the top of the repository in a checkout or editable install."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "phrasebooks", package.parent / "phrasebooks"):
        if candidate.is_dir():
            return candidate
    return package / "phrasebooks"


def bundled_data(name: str) -> Path:
    """A data file that ships inside the package (synonyms, rules)."""
    return Path(__file__).resolve().parent / "data" / name


def has_books(directory: Path) -> bool:
    return directory.is_dir() and any(path.name not in RESERVED_FILES for path in directory.glob("*.toml"))


RESERVED_FILES = frozenset({"shops.toml", "synonyms.toml", "rules.toml", "placeholders.toml"})
"""Files in a phrasebook directory that are not books."""


def default_phrasebook_dirs() -> list[Path]:
    """``QUICKREPLY_DIR``, else the user config dir if it has books, else the bundled books."""
    if from_env := os.environ.get("QUICKREPLY_DIR"):
        return [Path(part).expanduser() for part in from_env.split(os.pathsep) if part]
    user_books = user_config_dir() / "phrasebooks"
    for candidate in (user_books, user_config_dir()):
        if has_books(candidate):
            return [candidate]
    return [bundled_phrasebooks()]
