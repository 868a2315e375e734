"""The test suite never writes into the real home: HOME and every XDG dir point into tmp."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.conftest import HOME_DIRS

ROOT = Path(__file__).resolve().parent.parent


def test_home_and_xdg_dirs_are_temporary(tmp_path: Path) -> None:
    temporary = Path(tempfile.gettempdir()).resolve()
    for name in [*HOME_DIRS, "QUICKREPLY_CONFIG_DIR", "QUICKREPLY_DATA_DIR", "QUICKREPLY_CACHE_DIR"]:
        assert Path(os.environ[name]).resolve().is_relative_to(temporary), name
    assert Path.home().resolve().is_relative_to(temporary)
    assert "QUICKREPLY_DIR" not in os.environ


def test_regression_session_fixtures_do_not_write_to_the_real_home(tmp_path: Path) -> None:
    """The session fixture `bundled` loaded the books before the per-test fixture had set the
    cache dir, so the pinyin cache went to the real ~/.cache/quickreply. Run such a test in a
    child pytest whose "real" home is an empty folder: it must stay empty."""
    home = tmp_path / "real-home"
    home.mkdir()
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("XDG_", "QUICKREPLY_")) and name != "HOME"
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/unit/test_search.py::test_stage_filter",
            "tests/cli/test_cli.py::test_check_passes_on_bundled_books",
        ],
        cwd=ROOT,
        env={**env, "HOME": str(home)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
    assert [str(path.relative_to(home)) for path in home.rglob("*")] == []
