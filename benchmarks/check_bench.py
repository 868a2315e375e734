"""Speed of `quickreply check` on large corpora, near-duplicate detection above all.

    python benchmarks/check_bench.py [--sizes 10000 100000]

For each size a child process loads a synthetic corpus (see corpus.py) and times the
near-duplicate search alone, then every content rule (``rules.check_all``), and reports the
peak memory. The old n×n ``rapidfuzz.process.cdist`` needed numpy and 40 GB at 100k.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def measure(size: int) -> dict[str, float]:
    from corpus import write_corpus

    import quickreply
    from quickreply.rules import check_all, check_near_duplicates, load_rules

    with tempfile.TemporaryDirectory() as scratch:
        directory = write_corpus(Path(scratch) / "books", size)
        library = quickreply.load(directory)
    rules, _ = load_rules(library.directories)
    started = time.perf_counter()
    near = check_near_duplicates(library.phrases)
    near_seconds = time.perf_counter() - started
    started = time.perf_counter()
    check_all(library.phrases, library.shops, rules)
    all_seconds = time.perf_counter() - started
    return {
        "phrases": len(library.phrases),
        "near_s": near_seconds,
        "near_found": len(near),
        "all_s": all_seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    print(f"{'phrases':>8} {'near-duplicates':>16} {'found':>6} {'all rules':>10} {'peak RSS':>9}")
    for size in args.sizes:
        # A fresh process per size, so peak RSS is that size's own.
        output = subprocess.run(
            [sys.executable, __file__, "--child", str(size)], capture_output=True, text=True, check=True
        )
        row = json.loads(output.stdout)
        print(
            f"{row['phrases']:>8} {row['near_s']:>15.2f}s {row['near_found']:>6} "
            f"{row['all_s']:>9.2f}s {row['peak_mb']:>7.0f}MB"
        )


if __name__ == "__main__":
    main()
