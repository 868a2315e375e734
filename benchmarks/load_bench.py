"""Cold and warm start of the library: load + search index, with and without the on-disk cache.

    python benchmarks/load_bench.py [--sizes 10000 100000] [--json]

For each size a synthetic corpus is written once (see corpus.py); then child processes, each
with the app's imports (quickreply.tui.app, so Textual too) and a fresh or a warm cache dir:

- cold: an empty cache folder (the books are parsed and indexed, the entry written);
- warm: the entry the cold run wrote (what every start after the first does).

Per run: ``import`` (quickreply.tui.app), ``load`` (quickreply.load: files hashed, entry read
or books parsed and indexed), ``process`` (the whole child, interpreter start to loaded, as
the parent saw it) and ``peak_mb`` (the child's peak RSS). Targets (issue 13): warm at 100k
≤ 1.5 s and ≤ 200 MB; start to first screen ≤ 800 ms at 10k.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

CHILD = """
import json, resource, sys, time
started = time.perf_counter()
import quickreply.tui.app  # noqa: F401 - the app process: Textual is imported too
imported = time.perf_counter()
import quickreply
library = quickreply.load(sys.argv[1])
loaded = time.perf_counter()
library.search("发货")
print(json.dumps({
    "phrases": len(library.phrases),
    "import_s": imported - started,
    "load_s": loaded - imported,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def run(books: Path, cache: Path) -> dict[str, float]:
    environment = {**os.environ, "QUICKREPLY_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    output = subprocess.run(
        [sys.executable, "-c", CHILD, str(books)], env=environment, capture_output=True, text=True, check=True
    ).stdout
    figures: dict[str, float] = json.loads(output)
    figures["process_s"] = time.perf_counter() - started
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--json", action="store_true", help="one JSON object instead of a table")
    arguments = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from corpus import write_corpus

    results: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for size in arguments.sizes:
            books = write_corpus(Path(scratch) / f"books-{size}", size)
            cache = Path(scratch) / f"cache-{size}"
            # The pinyin table is a cache of its own, built once per install: not this figure.
            subprocess.run(
                [sys.executable, "-c", "from quickreply.search.pinyin import syllables; syllables('发')"],
                env={**os.environ, "QUICKREPLY_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)},
                check=True,
            )
            results[str(size)] = {"cold": run(books, cache), "warm": run(books, cache)}
    if arguments.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'replies':>8} {'run':>5} {'import s':>9} {'load s':>7} {'process s':>10} {'peak MB':>8}")
    for size, runs in results.items():
        for name, figures in runs.items():
            print(
                f"{size:>8} {name:>5} {figures['import_s']:>9.2f} {figures['load_s']:>7.2f}"
                f" {figures['process_s']:>10.2f} {figures['peak_mb']:>8.0f}"
            )


if __name__ == "__main__":
    main()
