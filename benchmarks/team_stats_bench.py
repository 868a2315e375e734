"""Team statistics at scale: each agent's `stats --export`, and a lead's `stats --team`.

    python benchmarks/team_stats_bench.py [--agents 200] [--replies 5000] [--uses 6000]

A team folder with ``--replies`` synthetic replies (benchmarks/corpus.py) and ``--agents``
agents. Each agent gets a usage record of ``--uses`` copies (about a month for a busy agent:
200 copies a day) spread over the replies by a Zipf-like law (a few replies are most of the
copies, as in real shops), 10 % as many given-up queries and 2 % learned pairs, over 30 days.
Then every agent exports its summary into usage/ (timed one by one), and the lead's
aggregation is timed in process and as the whole command (`stats --team DIR --json`, a fresh
process: loading the 5,000-reply books included). Also a worst case: every agent has used every
reply. Prints a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus

import quickreply
from quickreply.teamstats import Agent, aggregate, export_summary
from quickreply.usage import UsageLog

NOW = dt.datetime(2026, 11, 23, 18, 0)
STAGES = ["pre-sale", "in-sale", "after-sale"]
QUERY_PIECES = [
    "能开专票吗",
    "包邮到新疆吗",
    "订单 2026112312345 到哪了",
    "怎么还没发",
    "尺码偏大吗",
    "能便宜点吗",
]


def make_record(path: Path, ids: list[str], weights: list[float], uses: int, rng: random.Random) -> None:
    UsageLog(path).close()  # the schema, as the app creates it
    start = NOW - dt.timedelta(days=30)

    def moment() -> str:
        return (start + dt.timedelta(seconds=rng.uniform(0, 30 * 86400))).isoformat(timespec="seconds")

    chosen = rng.choices(ids, weights, k=uses)
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO uses VALUES (?, ?, 'b', ?, '店', 'q')",
            [(moment(), pid, rng.choice(STAGES)) for pid in chosen],
        )
        db.executemany(
            "INSERT INTO misses VALUES (?, ?)",
            [(moment(), rng.choice(QUERY_PIECES) + str(rng.randrange(50))) for _ in range(uses // 10)],
        )
        db.executemany(
            "INSERT INTO learned VALUES (?, ?, ?)",
            [(moment(), rng.choice(QUERY_PIECES), rng.choice(chosen)) for _ in range(uses // 50)],
        )


def run_case(root: Path, books: Path, phrases: list, agents: int, uses: int, every_reply: bool) -> dict:
    rng = random.Random(11)
    ids = [phrase.id for phrase in phrases]
    weights = [1 / (rank + 1) for rank in range(len(ids))]  # Zipf, s = 1
    usage = books / "usage"
    if usage.exists():
        for path in usage.iterdir():
            path.unlink()
    usage.mkdir(exist_ok=True)
    exports: list[float] = []
    sizes: list[int] = []
    for number in range(agents):
        database = root / f"agent{number}.sqlite3"
        database.unlink(missing_ok=True)
        if every_reply:
            make_record(database, ids, [1.0] * len(ids), 0, rng)
            with sqlite3.connect(database) as db:
                db.executemany(
                    "INSERT INTO uses VALUES (?, ?, 'b', 'in-sale', '店', 'q')",
                    [(NOW.isoformat(), pid) for pid in ids],
                )
        else:
            make_record(database, ids, weights, uses, rng)
        rng.shuffle(ids)  # each agent has other favourites
        target = usage / f"agent{number}.json"
        started = time.perf_counter()
        export_summary(target, database=database, agent=Agent(f"agent{number}", f"客服{number}"), now=NOW)
        exports.append((time.perf_counter() - started) * 1000)
        sizes.append(target.stat().st_size)
    started = time.perf_counter()
    team = aggregate(usage, phrases)
    in_process = (time.perf_counter() - started) * 1000
    assert not team.findings and len(team.agents) == agents
    commands = []
    for _ in range(3):
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "quickreply", "stats", "--team", str(books), "--json"],
            capture_output=True,
            text=True,
            env={**os.environ, "QUICKREPLY_DATA_DIR": str(root / "lead-data")},
        )
        commands.append((time.perf_counter() - started) * 1000)
        assert result.returncode == 0, result.stderr
    return {
        "export_p50": statistics.median(exports),
        "export_max": max(exports),
        "size_kb": statistics.mean(sizes) / 1024,
        "total_mb": sum(sizes) / 2**20,
        "aggregate": in_process,
        "command": statistics.median(commands),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--replies", type=int, default=5000)
    parser.add_argument("--uses", type=int, default=6000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        os.environ["QUICKREPLY_CACHE_DIR"] = str(root / "cache")
        books = write_corpus(root / "team", args.replies)
        phrases = quickreply.load(books, search_index=False).phrases
        started = time.perf_counter()
        quickreply.load(books, search_index=False)
        load_only = (time.perf_counter() - started) * 1000
        print(
            f"{len(phrases)} replies, {args.agents} agents; loading the books in process: {load_only:.0f} ms"
        )
        print()
        print("| case | export p50 / max | summary | usage/ total | aggregate | `stats --team --json` |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for label, every in (
            (f"{args.uses} copies a month each (Zipf)", False),
            ("every agent used every reply", True),
        ):
            figures = run_case(root, books, phrases, args.agents, args.uses, every)
            print(
                f"| {label} | {figures['export_p50']:.0f} / {figures['export_max']:.0f} ms "
                f"| {figures['size_kb']:.0f} KB | {figures['total_mb']:.1f} MB "
                f"| {figures['aggregate']:.0f} ms | {figures['command']:.0f} ms |"
            )


if __name__ == "__main__":
    main()
