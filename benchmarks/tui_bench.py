"""TUI speed: process start to first interactive screen, and keystroke to updated results.

    python benchmarks/tui_bench.py

1. Start-up: `python -m quickreply` in a fresh process, headless, with QUICKREPLY_BENCH_READY
   set; the app exits at its first Ready event (first frame drawn, search box focused) and
   the wall time from spawning the process is taken. Bundled books and a 10k corpus.
2. Keystrokes: the app on a 10k corpus, headless; each typed character is timed until the
   results list shows the new ranking and the next frame has been drawn.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus
from search_bench import QUERIES, percentile

from quickreply.locations import bundled_phrasebooks

SIZES = [(80, 24), (200, 50)]


def startup_seconds(directory: Path, runs: int = 5) -> float:
    env = {**os.environ, "QUICKREPLY_BENCH_READY": "1"}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "quickreply", "-d", str(directory), "--no-history"],
            env=env,
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def keystroke_times(directory: Path, size: tuple[int, int]) -> list[float]:
    """Each query is typed one character at a time into the running app (headless); the
    clock stops when the results list has been re-ranked and the next frame is drawn.
    (Pilot.press is not used for timing: it waits for the CPU to go idle, which adds ~100 ms.)"""
    from quickreply.tui.app import make_app

    app = make_app([directory], history=False, watch=False)
    times: list[float] = []
    async with app.run_test(size=size) as pilot:
        screen = app.main
        drawn = asyncio.Event()
        original = screen.run_search

        def run_search_then_signal(keep: str | None = None) -> None:
            original(keep)
            app.call_after_refresh(drawn.set)

        screen.run_search = run_search_then_signal  # type: ignore[method-assign]
        for query in QUERIES:
            for end in range(1, len(query) + 1):
                drawn.clear()
                started = time.perf_counter()
                screen.box.insert_text_at_cursor(query[end - 1])
                await drawn.wait()
                times.append((time.perf_counter() - started) * 1000)
            screen.box.value = ""
            await pilot.pause()
    return times


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        corpus = write_corpus(Path(scratch) / "books", 10_000)
        bundled = startup_seconds(bundled_phrasebooks())
        big = startup_seconds(corpus)
        keys = {size: asyncio.run(keystroke_times(corpus, size)) for size in SIZES}
    print(f"start to first interactive screen, bundled books: {bundled * 1000:.0f} ms (target ≤ 1000 ms)")
    print(f"start to first interactive screen, 10k phrases:   {big * 1000:.0f} ms")
    for (width, height), times in keys.items():
        print(
            f"keystroke to updated results at 10k, {width}x{height}: p50 {statistics.median(times):.1f} ms, "
            f"p95 {percentile(times, 0.95):.1f} ms, max {max(times):.1f} ms over {len(times)} keys "
            "(target p95 ≤ 30 ms)"
        )


if __name__ == "__main__":
    main()
