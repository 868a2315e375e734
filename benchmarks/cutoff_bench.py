"""Cost of the cutoff-mismatch check (rules.check_cutoffs) inside `quickreply check`.

    python benchmarks/cutoff_bench.py [--sizes 10000 100000]

Times the check alone on a synthetic corpus (see corpus.py) in which one reply in fifty
writes a cutoff out (16点前付款当天发), against three shops; prints seconds and findings.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    from corpus import write_corpus

    import quickreply
    from quickreply.model import Shop
    from quickreply.rules import check_cutoffs, shop_cutoffs

    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    shops = [
        Shop(name, {"shop_name": name, "cutoff": cutoff})
        for name, cutoff in (("甲", "14:00"), ("乙", "16:00"), ("丙", "17:30"))
    ]
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as scratch:
            library = quickreply.load(write_corpus(Path(scratch) / "books", size), search_index=False)
            phrases = [
                replace(phrase, text=phrase.text + "，下午4点前付款当天发") if number % 50 == 0 else phrase
                for number, phrase in enumerate(library.phrases)
            ]
            started = time.perf_counter()
            found = check_cutoffs(phrases, shop_cutoffs(shops))
            took = time.perf_counter() - started
            print(f"{len(phrases):>7} replies: check_cutoffs {took:.2f} s, {len(found)} findings")


if __name__ == "__main__":
    main()
