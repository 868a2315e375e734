""""Updated since you last used it": what the record and the lookup cost.

    python benchmarks/updated_bench.py [--replies 5000]

A team book of N replies, every one used by this agent (the worst case: each lookup hashes
the reply's text), a fifth of them changed by the team since. Prints: writing one last used
text (the copy worker does this), loading them all (the app's worker does this once), the
lookup for one screen of results (50 hits, per keystroke) and the change pieces for one long
reply (per preview).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from quickreply import usage
from quickreply.textdiff import change_pieces
from quickreply.usage import UsageLog

WORDS = "亲您好退款会在个工作日内原路退回请耐心等待快递中通顺丰包邮发货时间订单号我们已经为您"


def text(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(WORDS) for _ in range(length))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replies", type=int, default=5000)
    count = parser.parse_args().replies
    rng = random.Random(12)
    texts = {f"r{n}": text(rng, rng.randint(20, 200)) for n in range(count)}
    with tempfile.TemporaryDirectory() as folder:
        log = UsageLog(Path(folder) / "usage.sqlite3")
        writes = []
        for phrase, wording in texts.items():
            started = time.perf_counter()
            log.record_text(phrase, wording)
            writes.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        last_used = log.last_used()
        load_ms = (time.perf_counter() - started) * 1000
        log.close()
    now = {phrase: (wording + "。" if rng.random() < 0.2 else wording) for phrase, wording in texts.items()}
    ids = list(now)
    screens = []
    for _ in range(200):
        hits = rng.sample(ids, 50)
        usage.text_hash.cache_clear()  # each keystroke's hits as if never hashed before
        started = time.perf_counter()
        updated = [phrase for phrase in hits if last_used.is_updated(phrase, now[phrase])]
        screens.append((time.perf_counter() - started) * 1000)
    long_old = text(rng, 1000)
    long_new = long_old[:300] + "七" + long_old[301:700] + "十五天" + long_old[700:]
    started = time.perf_counter()
    pieces = change_pieces(long_old, long_new)
    diff_ms = (time.perf_counter() - started) * 1000
    print(f"replies used: {count}, changed since: {sum(now[p] != texts[p] for p in ids)}")
    print(f"record one last used text: median {statistics.median(writes):.2f} ms, max {max(writes):.1f} ms")
    print(f"load all last used texts (once, in a worker): {load_ms:.1f} ms")
    print(f"50 hits checked (one keystroke, cold hash cache): median {statistics.median(screens):.3f} ms")
    print(f"change pieces, 1,000-character reply, two changes: {diff_ms:.1f} ms ({len(pieces)} pieces)")
    print(f"(last screen: {len(updated)} of 50 updated)")


if __name__ == "__main__":
    main()
