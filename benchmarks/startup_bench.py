"""Start-up: process start → first interactive screen, bundled books and a 10k corpus.

    python benchmarks/startup_bench.py [--runs 7] [--size 10000]

Each run starts ``python -m quickreply -d DIR --no-history`` as tui_bench.py does
(QUICKREPLY_BENCH_READY: the app exits at its first Ready, the first frame drawn), and takes
two times from spawning the process: to that Ready (what the agent waits for: the issue's
≤ 400 ms bundled, ≤ 800 ms at 10k) and to the process's end. The second also holds Textual's
shutdown (its input thread polls every 0.1 s) and the books' loading thread still running,
so it is the wrong figure for the screen but the one tui_bench.py prints. Also printed: the
modules the process had imported at Ready that only the books need (none, since issue 13;
the loading thread imports them after the first frame). A warm-up run first: the on-disk
cache is warm and Python's bytecode written. Medians; the machine is shared, compare A/B
alternately.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus

ROOT = Path(__file__).resolve().parents[1]
BOOKS_ONLY = ("rapidfuzz", "pypinyin", "regex", "tomlkit", "quickreply.search.index", "quickreply.cache")

# The child: `python -m quickreply` with App.exit wrapped, to note the wall-clock time of the
# first exit (the Ready handler's) and what was imported by then.
CHILD = """
import os, runpy, sys, time
import textual.app
exit_ = textual.app.App.exit
def exit(self, *args, **kwargs):
    if not getattr(exit, "done", False):
        exit.done = True
        names = [name for name in {books_only!r} if name in sys.modules]
        with open(os.environ["STARTUP_BENCH_OUT"], "w", encoding="utf-8") as out:
            out.write(repr(time.time()) + " " + ",".join(names))
    return exit_(self, *args, **kwargs)
textual.app.App.exit = exit
sys.argv = ["quickreply", *sys.argv[1:]]
runpy.run_module("quickreply", run_name="__main__")
"""


def one_run(directory: Path, out: Path) -> tuple[float, float, str]:
    env = {**os.environ, "QUICKREPLY_BENCH_READY": "1", "STARTUP_BENCH_OUT": str(out)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed app has its bytecode
    started = time.time()
    subprocess.run(
        [sys.executable, "-c", CHILD.format(books_only=BOOKS_ONLY), "-d", str(directory), "--no-history"],
        env=env,
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    ended = time.time()
    ready, _, names = out.read_text(encoding="utf-8").partition(" ")
    return float(ready) - started, ended - started, names


def measure(label: str, directory: Path, runs: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "ready"
        one_run(directory, out)  # warm-up: cache and bytecode
        results = [one_run(directory, out) for _ in range(runs)]
    ready = statistics.median(result[0] for result in results) * 1000
    ended = statistics.median(result[1] for result in results) * 1000
    early = sorted({name for result in results for name in result[2].split(",") if name})
    print(f"{label:>8}: first screen {ready:4.0f} ms, process end {ended:4.0f} ms (median of {runs})"
          f"; books' modules at Ready: {', '.join(early) or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--size", type=int, default=10_000)
    args = parser.parse_args()
    measure("bundled", ROOT / "phrasebooks", args.runs)
    with tempfile.TemporaryDirectory() as scratch:
        corpus = Path(scratch)
        write_corpus(corpus, args.size)
        measure(f"{args.size // 1000}k", corpus, args.runs)


if __name__ == "__main__":
    main()
