"""TUI speed: process start to first interactive screen, keystroke to redrawn results, memory.

    python benchmarks/tui_bench.py            # a table with the targets of issue 13
    python benchmarks/tui_bench.py --json     # the same figures as one JSON object, last line

1. First screen: `python -m quickreply` in a fresh process with QUICKREPLY_BENCH_READY set;
   the app notes the wall-clock time (QUICKREPLY_BENCH_OUT) of its first Ready event (first
   frame drawn, search box focused, what was typed is kept) and exits; the time from spawning
   the process to that moment is taken (Textual's shutdown after it is not counted). Bundled
   books and 10k: the screen may paint while the books are still loading in a thread.
   100k: the stricter moment, the books loaded AND drawn (QUICKREPLY_BENCH_READY=books), a warm
   start: it runs once first, so the on-disk cache is filled. Medians of several runs; Python's
   bytecode is written on the warm-up run (an installed app has it). Every run has its own HOME
   and XDG_* directories (a temporary folder), never the user's.
2. Keystrokes: the app on a corpus, headless, in a fresh process per size; each typed character
   (50 ms apart: see KEY_GAP) is timed from the key going into the box until the results list
   shows the new ranking (`SearchScreen.run_search` has returned) AND the next frame has been
   drawn — encoded into terminal sequences as a real terminal's frame would be (headless mode
   skips that). CPU time per key is printed beside it: steadier on a loaded machine.
3. Memory: the peak RSS of the 100k processes (`os.wait4` per child): the largest of the warm
   first-screen runs and of the keystroke run, which has the whole index loaded and searching.

Figures on a shared, loaded machine vary by ±30 %: compare runs on the same machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
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
KEY_GAP = 0.05
"""Seconds between typed characters: a very fast typist (a pinyin IME commits a whole word as
one insertion, slower still). Keys sent back to back, faster than 60 a second, each wait up to
16 ms for Textual's frame timer (it draws at most 60 frames a second): `--key-gap 0` shows that."""
TARGETS = {
    "first_screen_ms": {"bundled": 400, "10k": 800, "100k": 1500},
    "keystroke_p95_ms": {"80x24": 16, "200x50": 16, "100k_80x24": 25},
    "peak_rss_mb": {"100k": 200},
}


# --- child processes ----------------------------------------------------------------------------


def isolated_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment for a child: its own home and XDG folders (cache, history, config)."""
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        **extra,
    )
    return env


def run_child(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run ``argv``; return (wall seconds, peak RSS in MB, stdout). Its own rusage via wait4,
    so the figure is this child's alone, not the largest of all children so far."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            message = err.read().decode(errors="replace")[-2000:]
            raise SystemExit(f"{' '.join(argv)} failed ({process.returncode}):\n{message}")
        return elapsed, usage.ru_maxrss / 1024, out.read().decode(errors="replace")


def first_screen(
    directory: Path, home: Path, runs: int, *, books: bool = False
) -> tuple[float, float]:
    """Median ms from spawn to the app's first Ready (``books``: to the books loaded and
    drawn), and the peak RSS (MB) over the runs. A warm-up run first, not counted: the on-disk
    cache filled and the bytecode written."""
    argv = [sys.executable, "-m", "quickreply", "-d", str(directory), "--no-history"]
    moment = home / "bench-moment"
    ready = "books" if books else "1"
    env = isolated_env(home, QUICKREPLY_BENCH_READY=ready, QUICKREPLY_BENCH_OUT=str(moment))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed app has its bytecode
    run_child(argv, env)
    times, peaks = [], []
    for _ in range(runs):
        moment.unlink(missing_ok=True)
        spawned = time.time()
        _elapsed, rss, _out = run_child(argv, env)
        times.append((float(moment.read_text(encoding="utf-8")) - spawned) * 1000)
        peaks.append(rss)
    return statistics.median(times), max(peaks)


def keystrokes(
    directory: Path, home: Path, size: tuple[int, int], queries: int, gap: float
) -> tuple[list[float], list[float], float]:
    """Keystroke times (ms: wall, and CPU of the process — steadier on a loaded machine) in a
    fresh process, and that process's peak RSS (MB)."""
    argv = [sys.executable, __file__, "--keystroke-child", str(directory), f"{size[0]}x{size[1]}"]
    argv += ["--queries", str(queries), "--key-gap", str(gap)]
    _elapsed, rss, out = run_child(argv, isolated_env(home))
    times = json.loads(out.strip().splitlines()[-1])
    return times["wall"], times["cpu"], rss


async def keystroke_times(
    directory: Path, size: tuple[int, int], queries: list[str], gap: float = KEY_GAP
) -> tuple[list[float], list[float]]:
    """Each query typed one character at a time into the running app (headless), ``gap``
    seconds apart; the clock stops at the first frame drawn after the results were re-ranked.
    (Pilot.press is not used for timing: it waits for the CPU to go idle, which adds ~100 ms.)"""
    from textual._compositor import CompositorUpdate

    from quickreply.tui.app import make_app
    from quickreply.tui.screens.search import SearchScreen

    app = make_app([directory], history=False, watch=False)
    times: list[float] = []
    cpu: list[float] = []
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()  # an index built in a worker: typing starts after it
        await pilot.pause()
        screen = next(screen for screen in app.screen_stack if isinstance(screen, SearchScreen))
        drawn = asyncio.Event()
        ranked = False
        run_search = screen.run_search
        display = app._display

        def run_search_then_arm(*args: object, **kwargs: object) -> None:
            nonlocal ranked
            run_search(*args, **kwargs)  # type: ignore[arg-type]
            ranked = True
            # Nothing on screen changed (rare): the wait ends once the app is idle instead.
            app.call_after_refresh(drawn.set)

        def display_and_signal(on: object, renderable: object) -> None:
            nonlocal ranked
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)  # what a terminal frame costs to encode
            display(on, renderable)  # type: ignore[arg-type]
            if ranked:
                ranked = False
                drawn.set()

        screen.run_search = run_search_then_arm  # type: ignore[method-assign]
        app._display = display_and_signal  # type: ignore[method-assign]
        for query in queries:
            for end in range(1, len(query) + 1):
                await asyncio.sleep(gap)  # the agent's pace, not a burst (see KEY_GAP)
                drawn.clear()
                started, cpu_started = time.perf_counter(), time.process_time()
                screen.box.insert_text_at_cursor(query[end - 1])
                await asyncio.wait_for(drawn.wait(), 60)  # a crashed app must not hang the benchmark
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
            screen.box.value = ""
            await pilot.pause()
    return times, cpu


# --- the report ---------------------------------------------------------------------------------


def measure(args: argparse.Namespace) -> tuple[dict[str, dict[str, float | None]], list[str]]:
    small, large = args.corpus_sizes
    queries = min(args.queries, len(QUERIES))
    figures: dict[str, dict[str, float | None]] = {
        "first_screen_ms": {"bundled": None, "10k": None, "100k": None},
        "keystroke_p95_ms": {"80x24": None, "200x50": None, "100k_80x24": None},
        "peak_rss_mb": {"100k": None},
    }
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="tui-bench-") as scratch:
        root = Path(scratch)
        home = root / "home"
        home.mkdir()
        corpus = write_corpus(root / "small", small)
        figures["first_screen_ms"]["bundled"], _ = first_screen(bundled_phrasebooks(), home, args.runs)
        figures["first_screen_ms"]["10k"], _ = first_screen(corpus, home, args.runs)
        for width, height in SIZES:
            times, cpu, _ = keystrokes(corpus, home, (width, height), queries, args.key_gap)
            figures["keystroke_p95_ms"][f"{width}x{height}"] = percentile(times, 0.95)
            notes.append(
                f"keystrokes at {small}, {width}x{height}: p50 {statistics.median(times):.1f} ms, "
                f"max {max(times):.1f} ms over {len(times)} keys; CPU p50 {statistics.median(cpu):.1f} ms, "
                f"p95 {percentile(cpu, 0.95):.1f} ms"
            )
        if not args.quick:
            big = write_corpus(root / "large", large)
            ms, start_rss = first_screen(big, home, max(1, args.runs - 2), books=True)
            figures["first_screen_ms"]["100k"] = ms
            times, cpu, typing_rss = keystrokes(big, home, (80, 24), queries, args.key_gap)
            figures["keystroke_p95_ms"]["100k_80x24"] = percentile(times, 0.95)
            figures["peak_rss_mb"]["100k"] = max(start_rss, typing_rss)
            notes.append(
                f"keystrokes at {large}, 80x24: p50 {statistics.median(times):.1f} ms, "
                f"max {max(times):.1f} ms over {len(times)} keys; CPU p50 {statistics.median(cpu):.1f} ms, "
                f"p95 {percentile(cpu, 0.95):.1f} ms"
            )
            notes.append(f"peak RSS at {large}: first screen {start_rss:.0f} MB, typing {typing_rss:.0f} MB")
    return figures, notes


def table(figures: dict[str, dict[str, float | None]], notes: list[str], sizes: tuple[int, int]) -> str:
    labels = {
        "first_screen_ms": "start → first interactive screen",
        "keystroke_p95_ms": "keystroke → list redrawn, p95",
        "peak_rss_mb": "peak memory",
    }
    names = {"10k": f"{sizes[0]:,}", "100k": f"{sizes[1]:,}", "80x24": f"{sizes[0]:,} 80×24"}
    names |= {"200x50": f"{sizes[0]:,} 200×50", "100k_80x24": f"{sizes[1]:,} 80×24"}
    lines = []
    for group, values in figures.items():
        unit = "MB" if group == "peak_rss_mb" else "ms"
        for name, value in values.items():
            target = TARGETS[group][name]
            shown = "skipped (--quick)" if value is None else f"{value:7.1f} {unit}"
            verdict = "" if value is None else ("ok" if value <= target else "OVER")
            label = f"{labels[group]}, {names.get(name, name)}"
            lines.append(f"{label:<52} {shown:>18}   target ≤ {target} {unit}  {verdict}")
    return "\n".join([*lines, "", *notes])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--json", action="store_true", help="print the figures as one JSON object (last line)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="bundled and the small corpus only (development)"
    )
    parser.add_argument(
        "--runs", type=int, default=5, help="start-up runs per corpus (median; 100k: runs - 2)"
    )
    parser.add_argument("--key-gap", type=float, default=KEY_GAP, help="seconds between typed characters")
    parser.add_argument("--queries", type=int, default=len(QUERIES), help="queries typed per size")
    parser.add_argument(
        "--corpus-sizes",
        type=lambda text: tuple(int(part) for part in text.split(",")),
        default=(10_000, 100_000),
        metavar="SMALL,LARGE",
        help="corpus sizes behind the 10k and 100k figures (smaller only to check the script)",
    )
    parser.add_argument("--keystroke-child", nargs=2, metavar=("DIR", "WxH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.keystroke_child:
        directory, size = args.keystroke_child
        width, height = (int(part) for part in size.split("x"))
        queries = QUERIES[: args.queries]
        wall, cpu = asyncio.run(keystroke_times(Path(directory), (width, height), queries, args.key_gap))
        print(json.dumps({"wall": wall, "cpu": cpu}))
        return
    if len(args.corpus_sizes) != 2:
        parser.error("--corpus-sizes takes two numbers: SMALL,LARGE")
    figures, notes = measure(args)
    if args.json:
        print("\n".join(notes))
        print(
            json.dumps(
                {
                    group: {k: round(v, 1) if v is not None else None for k, v in values.items()}
                    for group, values in figures.items()
                }
            )
        )
    else:
        print(table(figures, notes, args.corpus_sizes))


if __name__ == "__main__":
    main()
