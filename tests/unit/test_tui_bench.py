"""benchmarks/tui_bench.py --json: one JSON object, shaped as issue 13 asks, on its last line.
Tiny corpora: this checks the script, not the speed (figures live in README)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_json_figures_are_one_object_on_the_last_line(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    argv = [sys.executable, str(ROOT / "benchmarks" / "tui_bench.py"), "--json"]
    argv += ["--corpus-sizes", "40,80", "--runs", "1", "--queries", "1"]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert {group: set(values) for group, values in figures.items()} == {
        "first_screen_ms": {"bundled", "10k", "100k"},
        "keystroke_p95_ms": {"80x24", "200x50", "100k_80x24"},
        "peak_rss_mb": {"100k"},
    }
    for values in figures.values():
        for value in values.values():
            assert isinstance(value, float | int) and value > 0
