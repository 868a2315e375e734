"""Near-duplicate replies: found without numpy, without an n×n matrix, and exactly the pairs that
scoring every pair finds."""

from __future__ import annotations

import random
import sys
import tracemalloc

import pytest
from rapidfuzz import fuzz

from quickreply.model import Phrase, Severity, Stage
from quickreply.rules import NEAR_DUPLICATE, check_near_duplicates, near_duplicate_pairs

ALPHABET = "亲您好发货退换的了是不快递"


def every_pair(texts: list[str], cutoff: float) -> list[tuple[int, int]]:
    """The reference: score all pairs (what process.cdist did)."""
    return [
        (first, second)
        for first in range(len(texts))
        for second in range(first + 1, len(texts))
        if fuzz.ratio(texts[first], texts[second], score_cutoff=cutoff) >= cutoff
    ]


def mutated_corpus(rng: random.Random) -> list[str]:
    """A few base texts (0–60 characters) and many copies with a handful of edits each."""
    bases = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 60))) for _ in range(4)]
    texts = []
    for _ in range(30):
        chars = list(rng.choice(bases))
        for _ in range(rng.randint(0, 6)):
            where = rng.randint(0, len(chars))
            roll = rng.random()
            if roll < 0.4:
                chars.insert(where, rng.choice(ALPHABET))
            elif chars and roll < 0.8:
                del chars[min(where, len(chars) - 1)]
            elif chars:
                chars[min(where, len(chars) - 1)] = rng.choice(ALPHABET)
        texts.append("".join(chars))
    return texts


@pytest.mark.parametrize("cutoff", [NEAR_DUPLICATE, 97, 80, 60])
def test_near_duplicate_pairs_are_exactly_those_scoring_every_pair_finds(cutoff: float) -> None:
    rng = random.Random(cutoff)
    for _ in range(60):
        texts = mutated_corpus(rng)
        assert near_duplicate_pairs(texts, cutoff) == every_pair(texts, cutoff), texts


@pytest.mark.parametrize("few", [0, 3])
def test_many_candidates_scored_in_one_call_find_the_same_pairs(
    monkeypatch: pytest.MonkeyPatch, few: int
) -> None:
    """Above FEW_CANDIDATES a text's candidates are scored by one rapidfuzz call (what made
    check at 100k fit in 60 s): the same pairs as scoring every pair."""
    from quickreply import rules

    monkeypatch.setattr(rules, "FEW_CANDIDATES", few)
    monkeypatch.setattr(rules, "BRUTE_FORCE_FACTOR", 0.0)  # always probe: the branch under test
    rng = random.Random(few)
    for _ in range(40):
        texts = mutated_corpus(rng)
        assert near_duplicate_pairs(texts, NEAR_DUPLICATE) == every_pair(texts, NEAR_DUPLICATE), texts


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        ([], []),
        (["", ""], [(0, 1)]),  # rapidfuzz scores two empty strings 100, as cdist did
        (["亲", "亲"], [(0, 1)]),
        (["亲", "您"], []),
        (["亲，订单已经发出，请注意查收哦", "亲，订单已经发出，请注意查收哦~"], [(0, 1)]),
        # the longer text first: pairs are still (earlier, later) in input order
        (["亲，订单已经发出，请注意查收哦~", "x", "亲，订单已经发出，请注意查收哦"], [(0, 2)]),
        (["亲，订单已经发出", "亲，订单已经发出，请注意查收哦"], []),
    ],
)
def test_near_duplicate_pairs_table(texts: list[str], expected: list[tuple[int, int]]) -> None:
    assert near_duplicate_pairs(texts, NEAR_DUPLICATE) == expected == every_pair(texts, NEAR_DUPLICATE)


def test_regression_near_duplicates_found_without_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    """numpy is no dependency: process.cdist imported it and `quickreply check` crashed."""
    monkeypatch.setitem(sys.modules, "numpy", None)  # `import numpy` now raises ImportError
    phrases = [
        Phrase("a", "一", "亲，订单{order_no}已经发出，请注意查收哦", Stage.IN_SALE, "书"),
        Phrase("b", "二", "好的亲，马上为您安排", Stage.IN_SALE, "书"),
        Phrase("c", "三", "亲，订单{order_no}已经发出，请注意查收哦~", Stage.IN_SALE, "书"),
    ]
    (finding,) = check_near_duplicates(phrases)
    assert (finding.phrase, finding.code, finding.severity) == ("c", "near-duplicate", Severity.WARNING)
    assert "a" in finding.message


def test_regression_near_duplicates_memory_is_not_quadratic() -> None:
    """An n×n score matrix was 40 GB at 100k replies; 3,000 replies must stay far below the
    36 MB a float32 3000×3000 matrix alone would take."""
    rng = random.Random(3)
    texts = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(20, 80))) for _ in range(3000)]
    texts += [text + "哦" for text in texts[:50]]  # some real near-duplicates
    tracemalloc.start()
    try:
        pairs = near_duplicate_pairs(texts, NEAR_DUPLICATE)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert {(number, 3000 + number) for number in range(50)} <= set(pairs)
    assert peak < 12_000_000
