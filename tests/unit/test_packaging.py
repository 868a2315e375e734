"""The bundled books and data files travel inside the wheel, where locations.py finds them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_wheel_contains_bundled_books_and_data(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("quickreply-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for book in (REPO / "phrasebooks").glob("*.toml"):
        assert f"quickreply/phrasebooks/{book.name}" in names
    assert "quickreply/data/synonyms.toml" in names
    assert "quickreply/tui/app.tcss" in names
