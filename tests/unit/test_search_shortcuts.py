"""The search's shortcuts at scale change nothing: a skipped tier, a narrowed rescan, the latin
runs and the empty query's short walk give the very ranking the plain scans give.

A book of a few thousand replies recombined from the bundled ones, with the per-tier cap made
small, puts every query in the situations 100k replies cause (capped scans, thousands of equal
titles, codes k1…k2999) without 100k replies' load time."""

from __future__ import annotations

import pickle
import random
import re

import pytest

import quickreply
from quickreply.locations import bundled_phrasebooks
from quickreply.model import Phrase, Stage
from quickreply.search import index as index_module
from quickreply.search.index import SearchIndex, _Latin

PRODUCTS = ("连衣裙", "羽绒服", "保温杯", "蓝牙耳机", "猫粮", "行李箱", "茶叶", "Air")
QUERIES = [
    "发票", "fapiao", "fp", "fhsj", "退h", "發票", "运废险", "tuihuanhuo", "质量问题", "kdbgx",
    "差评补偿", "fapaio", "yfx", "修改地址", "shouhou", "k", "k1", "k12", "kd", "air", "shop",
    "我已经付款了，什么时候能到啊", "东西坏了怎么办", "能不能便宜一点",
    "柏林",
]


@pytest.fixture(scope="module")
def recombined() -> tuple[list[Phrase], list[tuple[str, ...]], list[str]]:
    library = quickreply.load(bundled_phrasebooks())
    rng = random.Random(5)
    phrases: list[Phrase] = []
    for number in range(3000):
        base = rng.choice(library.phrases)
        product = rng.choice(PRODUCTS)
        title = rng.choice([base.title, product + base.title, f"{base.title}（{product}）"])
        text = base.text + ("" if rng.random() < 0.7 else rng.choice(library.phrases).text)
        phrases.append(
            Phrase(
                f"r{number}",
                title,
                text,
                rng.choice(list(Stage)),
                "b",
                keys=(f"k{number}",) if rng.random() < 0.4 else (),
                tags=(*base.tags, product),
            )
        )
    # Thirty titles holding 柏林 late in a long title (under 820 each) and three short
    # homophones (伯林, 820 by pinyin): skipping the pinyin tier for 柏林 would lose them.
    for number in range(30):
        title = f"这批货是从德国柏林仓库发出{number}"
        phrases.append(Phrase(f"long{number}", title, "好的", Stage.IN_SALE, "b"))
    for number in range(3):
        phrases.append(Phrase(f"sound{number}", "伯林", "同音", Stage.IN_SALE, "b"))
    synonyms = [group for group in library.index.synonym_groups]
    return phrases, synonyms, sorted(library.index.stopwords)


def ranking(hits: list[index_module.Hit]) -> list[tuple[str, float, str]]:
    return [(hit.phrase.id, hit.score, hit.reason) for hit in hits]


def keystrokes(query: str) -> list[str]:
    return [query[: end + 1] for end in range(len(query))]


def test_shortcuts_give_the_plain_ranking(
    recombined: tuple[list[Phrase], list[tuple[str, ...]], list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    phrases, synonyms, stopwords = recombined
    monkeypatch.setattr(index_module, "MATCHES_PER_TIER", 60)
    typed = SearchIndex(phrases, synonyms, stopwords)  # keystroke after keystroke: narrowed
    rng = random.Random(9)
    allowed = [rng.random() < 0.6 for _ in phrases]
    bonus = {rng.randrange(len(phrases)): rng.uniform(0, 10) for _ in range(40)}
    plain = SearchIndex(phrases, synonyms, stopwords)
    compared = 0
    for query in QUERIES:
        for text in keystrokes(query):
            for options in ({}, {"allowed": allowed}, {"bonus": bonus}):
                # The plain search: nothing to narrow from, and never a tier skipped.
                plain._last_found.clear()
                with monkeypatch.context() as patch:
                    patch.setattr(index_module._Bar, "beats", lambda self, score: False)
                    expected = plain.search(text, **options)  # type: ignore[arg-type]
                got = typed.search(text, **options)  # type: ignore[arg-type]
                assert ranking(got) == ranking(expected), (text, options)
                # Highlights too, but for the shown replies a capped scan never reached.
                for hit, want in zip(got, expected, strict=True):
                    assert set(want.title_spans) <= set(hit.title_spans) or want.title_spans == ()
                compared += 1
    assert compared > 300


def test_the_same_query_twice_gives_the_same_hits(
    recombined: tuple[list[Phrase], list[tuple[str, ...]], list[str]],
) -> None:
    phrases, synonyms, stopwords = recombined
    index = SearchIndex(phrases[:50], synonyms, stopwords)
    for query in ("发票", "fapiao", phrases[49].title):  # the last phrase's region too
        assert index.search(query) == index.search(query)


def test_latin_runs_find_what_the_whole_text_scan_finds(
    recombined: tuple[list[Phrase], list[tuple[str, ...]], list[str]],
) -> None:
    phrases, synonyms, stopwords = recombined
    index = SearchIndex(phrases, synonyms, stopwords)
    joined = index._texts
    latin = _Latin(joined)
    needles = {run for run in re.findall(r"[0-9a-z_]+", joined.text)}
    needles |= {run[1:3] for run in needles if len(run) > 2} | {"a", "1", "_", "zzz"}
    for needle in sorted(needles):
        expected = [(index, start) for index, start, _ in joined.find_each(needle)]
        assert latin.first_each(needle, cap=10**9) == expected, needle
        at_start = [(index, start) for index, start, _ in joined.find_each(needle, at_start=True)]
        assert latin.first_each(needle, at_start=True, cap=10**9) == at_start, needle
        assert latin.first_each(needle, cap=3) == expected[:3]


def test_the_empty_query_is_a_stable_sort_by_bonus() -> None:
    phrases = [Phrase(f"p{i}", f"标题{i}", "正文", Stage.PRE_SALE, "b") for i in range(60)]
    index = SearchIndex(phrases)
    rng = random.Random(1)
    for _ in range(500):
        allowed = [rng.random() < 0.7 for _ in phrases] if rng.random() < 0.7 else None
        bonus = {rng.randrange(60): rng.choice([0.0, 1.0, 2.5, -1.0, 10.0]) for _ in range(rng.randrange(12))}
        limit = rng.choice([0, 1, 5, 20, 100])
        order = [i for i in range(60) if allowed is None or allowed[i]]
        order.sort(key=lambda i: -bonus.get(i, 0.0))
        hits = index.search("", allowed=allowed, limit=limit, bonus=bonus)
        assert [hit.phrase.id for hit in hits] == [f"p{i}" for i in order[:limit]]


def test_first_character_lists_find_what_the_scan_finds(
    recombined: tuple[list[Phrase], list[tuple[str, ...]], list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    phrases, synonyms, stopwords = recombined
    monkeypatch.setattr(index_module, "MATCHES_PER_TIER", 60)
    index = SearchIndex(phrases, synonyms, stopwords)
    owners = index._pinyin_to_subject
    firsts = {part[:1] for part in index._subject_list + index._pinyin_list if part} | {"Q", "无"}
    for char in sorted(firsts):
        for joined, accept in ((index._subjects, None), (index._pinyin, index._pinyin_boundaries)):
            listed = index_module._Scores()
            index._scan_subject(
                joined, listed, char, 700.0, "x", 600.0, at_start=True, accept=accept,
                owners=owners if accept is not None else None,
            )
            scanned = index_module._Scores()
            matches = list(joined.find_each(char, at_start=True, accept=accept))
            if accept is not None:
                matches = [(i, owners[i][start], owners[i][end - 1] + 1) for i, start, end in matches]
            index._score_subject(scanned, matches, 700.0, "x", 600.0)
            assert listed.subject == scanned.subject, char
            assert listed.best == scanned.best and listed.reason == scanned.reason, char


def test_one_character_finds_neighbouring_phrases() -> None:
    # The scan for a title's first character once resumed past the next phrase's SEPARATOR,
    # so of two neighbours starting with 发 (or f in pinyin) only the first was found.
    phrases = [
        Phrase("a", "发货时间", "正文", Stage.PRE_SALE, "b"),
        Phrase("b", "发票怎么开", "正文", Stage.PRE_SALE, "b"),
        Phrase("c", "fa货说明", "正文", Stage.PRE_SALE, "b"),
    ]
    index = SearchIndex(phrases)
    assert {hit.phrase.id for hit in index.search("发")} == {"a", "b"}
    assert {hit.phrase.id for hit in index.search("f")} == {"a", "b", "c"}
    joined = index._subjects
    assert [found[0] for found in joined.find_each("发", at_start=True)] == [0, 1]


def test_the_index_pickles_with_its_lists_and_memories(
    recombined: tuple[list[Phrase], list[tuple[str, ...]], list[str]],
) -> None:
    # The on-disk index cache pickles a built (and maybe already searched) index.
    phrases, synonyms, stopwords = recombined
    index = SearchIndex(phrases[:400], synonyms, stopwords)
    for text in ("fa", "fap", "发票", "k1", "kdbgx", "我想退掉这个东西"):
        index.search(text)
    copy = pickle.loads(pickle.dumps(index))
    for text in ("fapiao", "发票怎么开", "k12", "f", "", "shop", "kdbgx"):
        assert copy.search(text) == index.search(text), text


def test_a_pinyin_pattern_of_single_readings_scans_as_a_string(
    recombined: tuple[list[Phrase], list[tuple[str, ...]], list[str]],
) -> None:
    phrases, synonyms, stopwords = recombined
    index = SearchIndex(phrases, synonyms, stopwords)
    owners = index._pinyin_to_subject
    for text in ("退h", "退货", "修改", "发票", "运废险", "退hu", "七天"):
        for initials in (False, True):
            needle = index_module._pinyin_needle(text, initials_only=initials)
            assert isinstance(needle, str), text
            pattern = index_module._pinyin_pattern(text, initials_only=initials)
            joined = index._initials if initials else index._pinyin
            accept = None if initials else index._pinyin_boundaries
            found = []
            for scan in (needle, pattern):
                scores = index_module._Scores()
                index._scan_subject(
                    joined, scores, scan, 700.0, "x", 600.0, accept=accept,
                    owners=None if initials else owners,
                )
                found.append((scores.subject, scores.best))
            assert found[0] == found[1], text
    assert not isinstance(index_module._pinyin_needle("差评", initials_only=False), str)  # cha/chai/ci
