"""Speed and memory of the whole `quickreply check` on large corpora.

    python benchmarks/check_bench.py [--sizes 10000 100000] [--long 300]

For each size a child process writes a synthetic corpus (see corpus.py), runs the whole
`quickreply check` on it (loading, content rules, placeholders, near-duplicates: the figure
users wait for, with the peak memory of that process), then times near-duplicates alone.
``--long N`` adds a corpus of N replies of 1,500–3,000 characters (a 50 MB book of long
replies took over 300 s). Target at 100k replies: the whole check in 60 s and 500 MB.
The old n×n ``rapidfuzz.process.cdist`` needed numpy and 40 GB at 100k.
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


def measure(size: int, long: bool) -> dict[str, float]:
    import contextlib
    import io

    from corpus import write_corpus, write_long_corpus

    import quickreply
    from quickreply.cli import main as quickreply_main
    from quickreply.rules import check_near_duplicates

    with tempfile.TemporaryDirectory() as scratch:
        directory = (write_long_corpus if long else write_corpus)(Path(scratch) / "books", size)
        megabytes = sum(path.stat().st_size for path in directory.iterdir()) / 1e6
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            quickreply_main(["check", "-d", str(directory)])
        check_seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        library = quickreply.load(directory, search_index=False)
    started = time.perf_counter()
    near = check_near_duplicates(library.phrases)
    near_seconds = time.perf_counter() - started
    return {
        "phrases": len(library.phrases),
        "megabytes": megabytes,
        "check_s": check_seconds,
        "peak_mb": peak,
        "near_s": near_seconds,
        "near_found": len(near),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--long", type=int, nargs="*", default=[], metavar="N", help="long-reply corpora")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-long", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.child_long)))
        return
    print(f"{'corpus':>12} {'MB':>5} {'whole check':>12} {'peak RSS':>9} {'near-dups':>10} {'found':>6}")
    runs = [(size, False) for size in args.sizes] + [(size, True) for size in args.long]
    for size, long in runs:
        # A fresh process per corpus, so peak RSS is that check's own.
        command = [sys.executable, __file__, "--child", str(size), *(["--child-long"] if long else [])]
        output = subprocess.run(command, capture_output=True, text=True, check=True)
        row = json.loads(output.stdout)
        name = f"{row['phrases']}{' long' if long else ''}"
        print(
            f"{name:>12} {row['megabytes']:>5.0f} {row['check_s']:>11.1f}s {row['peak_mb']:>7.0f}MB "
            f"{row['near_s']:>9.1f}s {row['near_found']:>6}"
        )


if __name__ == "__main__":
    main()
