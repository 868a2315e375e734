"""Relevance on buyer messages: top-1 and top-3 over tests/relevance_table.toml, by kind.

    python benchmarks/relevance_bench.py [--misses]

Each row of the table is a buyer's message as typed in the chat and the reply an agent would
send first. The bundled books are searched with no stage filter and no usage, as in the app's
"全部" tab on a fresh install. Targets: top-1 ≥ 90 %, top-3 ≥ 98 % (tests/unit asserts them).
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

TABLE = Path(__file__).resolve().parent.parent / "tests" / "relevance_table.toml"
TOP1_TARGET = 0.90
TOP3_TARGET = 0.98


@dataclass(frozen=True)
class Case:
    kind: str
    label: str
    message: str
    expected: str


@dataclass(frozen=True)
class Outcome:
    case: Case
    ranked: tuple[str, ...]

    @property
    def rank(self) -> int | None:
        """1-based position of the expected reply (any of ``a|b``), None if not in the list."""
        return rank_of(self.case.expected, self.ranked)


def rank_of(expected: str, ranked: tuple[str, ...] | list[str]) -> int | None:
    """1-based position of the first of the ``|``-separated ids in ``ranked``, or None."""
    wanted = set(expected.split("|"))
    return next((position for position, found in enumerate(ranked, 1) if found in wanted), None)


def load_table(path: Path = TABLE) -> list[Case]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        Case(kind["name"], kind["label"], message, expected)
        for kind in data["kind"]
        for message, expected in kind["cases"]
    ]


def evaluate(library: object, cases: list[Case], limit: int = 20) -> list[Outcome]:
    search = library.search  # type: ignore[attr-defined]
    return [
        Outcome(case, tuple(hit.phrase.id for hit in search(case.message, limit=limit))) for case in cases
    ]


def share(outcomes: list[Outcome], top: int) -> float:
    return sum(1 for o in outcomes if o.rank is not None and o.rank <= top) / max(1, len(outcomes))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", action="store_true", help="list every message not ranked first")
    args = parser.parse_args()
    sys.path.insert(0, str(TABLE.parent.parent))
    import quickreply
    from quickreply.locations import bundled_phrasebooks

    library = quickreply.load(bundled_phrasebooks())
    cases = load_table()
    outcomes = evaluate(library, cases)
    print(f"{'kind':<14} {'n':>4} {'top-1':>7} {'top-3':>7}  类别")
    kinds = dict.fromkeys((case.kind, case.label) for case in cases)
    rows = [(kind, label, [o for o in outcomes if o.case.kind == kind]) for kind, label in kinds]
    for kind, label, group in [*rows, ("all", "合计", outcomes)]:
        print(f"{kind:<14} {len(group):>4} {share(group, 1):>7.0%} {share(group, 3):>7.0%}  {label}")
    print(f"(targets: top-1 ≥ {TOP1_TARGET:.0%}, top-3 ≥ {TOP3_TARGET:.0%})")
    if args.misses:
        for outcome in outcomes:
            if outcome.rank != 1:
                print(
                    f"  [{outcome.case.kind}] {outcome.case.message} → want {outcome.case.expected} "
                    f"(rank {outcome.rank}), got {list(outcome.ranked[:3])}"
                )


if __name__ == "__main__":
    main()
