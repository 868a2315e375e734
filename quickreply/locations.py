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


def user_state_dir() -> Path:
    """Small things remembered between runs (the shop in use). ``QUICKREPLY_STATE_DIR``, else
    ``QUICKREPLY_DATA_DIR`` when set (tests and portable setups), else the platform's state dir."""
    if override := os.environ.get("QUICKREPLY_STATE_DIR") or os.environ.get("QUICKREPLY_DATA_DIR"):
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def state_file() -> Path:
    """What the app remembers between runs (see quickreply/remembered.py)."""
    return user_state_dir() / "state.json"


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
    """``QUICKREPLY_DIR``, else the team folder and the personal folder, else the user config
    dir if it has books, else the bundled books."""
    if from_env := os.environ.get("QUICKREPLY_DIR"):
        return [Path(part).expanduser() for part in from_env.split(os.pathsep) if part]
    if (team := team_folder()) is not None:
        # A team folder (quickreply team join): the team's books, then the agent's own.
        personal = personal_folder()
        return [team, personal] if personal.is_dir() else [team]
    user_books = user_config_dir() / "phrasebooks"
    for candidate in (user_books, user_config_dir()):
        if has_books(candidate):
            return [candidate]
    return [bundled_phrasebooks()]


TEAM_FILE = "team.toml"
"""In the user config dir: ``folder = "…"``, the team folder `quickreply team join` cloned."""


def personal_folder() -> Path:
    """The agent's own books: loaded after the team folder, never pushed."""
    return user_config_dir() / "phrasebooks"


def team_folder() -> Path | None:
    """The folder `quickreply team join` remembered, if it still exists."""
    import tomllib

    try:
        data = tomllib.loads((user_config_dir() / TEAM_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    folder = data.get("folder")
    return Path(folder) if isinstance(folder, str) and Path(folder).is_dir() else None


def remember_team_folder(folder: Path) -> Path:
    """Write team.toml (a TOML basic string: json's escaping is valid TOML for a path)."""
    import json

    target = user_config_dir() / TEAM_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"folder = {json.dumps(str(folder), ensure_ascii=False)}\n", encoding="utf-8")
    return target
