"""Learned answers: what they cost per keystroke, and how long building them takes.

    python benchmarks/learned_bench.py [--sizes 1000 10000 50000]

For each number of remembered (wording → reply) pairs — a busy agent copies a lower reply
perhaps 50 times a day, so 10,000 is more than half a year without forgetting — synthetic
buyer wordings are made from the bundled books' vocabulary, then each query below is typed one
keystroke at a time on the bundled books with and without learned answers. Prints a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time

import quickreply
from quickreply.learned import LearnedAnswers
from quickreply.locations import bundled_phrasebooks

QUERIES = ["快递三天了都没动", "还没寄出，能不能快点发货啊", "付不了款怎么办", "包邮吗", "fhsj", "发票"]
FILLERS = "亲呢啊吗呀的了我你这个那都还没有怎么什么时候能不能快点好几天到底"


def wordings(library: quickreply.Library, count: int, seed: int = 7) -> list[tuple[str, str, str]]:
    """(time, wording, reply id) rows: pieces of titles and texts mixed with buyers' fillers."""
    rng = random.Random(seed)
    phrases = library.phrases
    now = dt.datetime(2026, 11, 23, 18, 0)
    rows = []
    for _ in range(count):
        phrase = rng.choice(phrases)
        source = phrase.title + phrase.text
        start = rng.randrange(max(1, len(source) - 6))
        piece = source[start : start + rng.randint(3, 8)]
        filler = "".join(rng.choice(FILLERS) for _ in range(rng.randint(1, 4)))
        moment = now - dt.timedelta(days=rng.uniform(0, 60))
        rows.append((moment.isoformat(timespec="seconds"), filler + piece, rng.choice(phrases).id))
    return rows


def keystrokes(library: quickreply.Library, learned: LearnedAnswers | None) -> list[float]:
    times = []
    for query in QUERIES:
        for end in range(1, len(query) + 1):
            started = time.perf_counter()
            library.search(query[:end], learned=learned)
            times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    args = parser.parse_args()
    library = quickreply.load(bundled_phrasebooks())
    keystrokes(library, None)  # warm caches
    base = keystrokes(library, None)
    print(f"{'pairs':>7} {'build ms':>9} {'median ms':>10} {'p95 ms':>7} {'max ms':>7}")
    print(f"{'none':>7} {'':>9} {statistics.median(base):>10.2f} {_p95(base):>7.2f} {max(base):>7.2f}")
    for size in args.sizes:
        rows = wordings(library, size)
        started = time.perf_counter()
        now = dt.datetime(2026, 11, 23, 18, 0)
        learned = LearnedAnswers(rows, now=now, stopwords=library.index.stopwords)
        build = (time.perf_counter() - started) * 1000
        times = keystrokes(library, learned)
        median = statistics.median(times)
        print(f"{size:>7} {build:>9.0f} {median:>10.2f} {_p95(times):>7.2f} {max(times):>7.2f}")


def _p95(values: list[float]) -> float:
    return sorted(values)[int(0.95 * (len(values) - 1))]


if __name__ == "__main__":
    main()
