"""Learned answers: remembered (wording → reply) pairs put a reply first for similar wordings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import quickreply
from quickreply.learned import (
    COPIES,
    ENOUGH,
    SIMILAR,
    LearnedAnswers,
    features,
    read_learned,
    similarity,
    suggest,
)
from quickreply.library import LEARNED, Library
from quickreply.search.fold import Folder
from quickreply.usage import UsageLog

NOW = dt.datetime(2026, 11, 23, 18, 0)
TODAY = NOW.isoformat(timespec="seconds")

IN_SALE = """
[book]
name = "售中"
stage = "in-sale"

[[phrase]]
id = "signed"
title = "显示签收但没收到"
text = "亲，快递显示已签收但您没收到的话，我们马上联系快递核实。"

[[phrase]]
id = "stalled"
title = "物流不更新"
text = "亲，物流信息偶尔更新不及时，我们帮您催一下。"

[[phrase]]
id = "late"
title = "快递迟迟不到"
text = "亲，快递有延误，我们帮您联系网点。"

[[phrase]]
id = "gone"
title = "双十一专用"
text = "亲，双十一的快递都在路上。"
expires = 2026-11-12
"""

PRE_SALE = """
[book]
name = "售前"
stage = "pre-sale"

[[phrase]]
id = "postage"
title = "运费怎么算"
text = "亲，满99包邮，不满收10元运费。"
"""


@pytest.fixture
def library(write_book) -> Library:
    write_book("a.toml", IN_SALE)
    directory = write_book("b.toml", PRE_SALE).parent
    return quickreply.load(directory, clock=lambda: NOW)


def learned(library: Library, *pairs: tuple[str, str], when: str = TODAY) -> LearnedAnswers:
    return LearnedAnswers(
        [(when, query, phrase) for query, phrase in pairs], now=NOW, stopwords=library.index.stopwords
    )


def ids(hits: list) -> list[str]:
    return [hit.phrase.id for hit in hits]


# --- similarity ---------------------------------------------------------------------------------

SIMILARITY_TABLE = [
    # Rewordings of one question: similar.
    ("快递三天了都没动", "快递好几天都没动了", True),
    ("快递三天了都没动", "三天了快递还没动", True),
    ("快递三天了都没动", "快递三天都没动了", True),
    ("我的订单什么时候发货", "订单啥时候发货", True),
    ("能便宜点吗", "能便宜一点吗", True),
    ("包邮吗", "包邮吗亲", True),
    ("衣服破了个洞", "衣服有个洞", True),
    ("付不了款怎么办", "付款付不了", True),
    ("訂單什麼時候發貨", "订单什么时候发货", True),  # folded: 繁 = 简
    # Different questions sharing a word: not similar.
    ("怎么退款", "怎么换货", False),
    ("发票抬头写错了", "发票什么时候开", False),
    ("什么时候发货", "发什么快递", False),
    ("付不了款怎么办", "怎么付款", False),
    ("能开发票吗", "发票能报销吗", False),
    ("衣服起球了", "衣服掉色了", False),
    ("可以加微信吗", "加个vx吧", False),
]


@pytest.mark.parametrize(("first", "second", "similar"), SIMILARITY_TABLE)
def test_similarity_threshold(bundled, first: str, second: str, similar: bool) -> None:
    """SIMILAR separates rewordings of one question from other questions sharing a word."""
    fold, stopwords = bundled.index.folder.fold, bundled.index.stopwords
    score = similarity(features(first, fold, stopwords), features(second, fold, stopwords))
    assert (score >= SIMILAR) is similar, score
    if not similar:
        assert score < 0.4


def test_features_mask_digits_and_skip_stopwords() -> None:
    found = features("订单1234567的快递了", Folder().fold, frozenset("的了"))
    assert "单1" not in found and not any(char.isdigit() for feature in found for char in feature)
    assert {"订单", "快递"} <= found and "的快" in found and "的" not in found
    assert features("fh 123", Folder().fold) == frozenset()


def test_thresholds_mean_two_copies() -> None:
    assert COPIES == 2 and 2 * SIMILAR >= ENOUGH


# --- ranking ------------------------------------------------------------------------------------


def test_two_copies_put_a_reply_first_for_a_similar_wording(library: Library) -> None:
    assert ids(library.search("快递三天了都没动"))[0] != "late"
    taught = learned(library, ("快递三天了都没动", "late"), ("快递三天了都没动", "late"))
    hits = library.search("快递好几天都没动了", learned=taught)
    assert ids(hits)[0] == "late" and hits[0].reason == LEARNED
    assert len(set(ids(hits))) == len(hits)  # moved, not repeated
    # Unrelated wordings are not touched.
    assert library.search("运费怎么算", learned=taught) == library.search("运费怎么算")


def test_one_copy_is_not_enough(library: Library) -> None:
    taught = learned(library, ("快递三天了都没动", "stalled"))
    assert library.search("快递三天了都没动", learned=taught) == library.search("快递三天了都没动")


def test_a_reply_search_did_not_return_is_added(library: Library) -> None:
    query = "宝贝到底啥时候能收到啊"
    assert "postage" not in ids(library.search(query))
    taught = learned(library, (query, "postage"), (query, "postage"))
    hits = library.search(query, learned=taught)
    assert ids(hits)[0] == "postage" and hits[0].reason == LEARNED
    assert ids(library.search(query, learned=taught, limit=1)) == ["postage"]


def test_stage_filter_and_expiry_are_respected(library: Library) -> None:
    query = "快递三天了都没动"
    taught = learned(library, *[(query, "postage")] * 2, *[(query, "gone")] * 3, ("x", "no-such-reply"))
    assert "postage" not in ids(library.search(query, stage="in-sale", learned=taught))
    assert ids(library.search(query, stage="pre-sale", learned=taught)) == ["postage"]
    everything = ids(library.search(query, learned=taught))
    assert everything[0] == "postage" and "gone" not in everything
    assert ids(library.search(query, learned=taught, include_expired=True))[:2] == ["gone", "postage"]


def test_search_top_keeps_its_reason(library: Library) -> None:
    """The first hit not marked learned is what search alone ranks first (the app compares the
    copied reply with it to decide whether to learn)."""
    query = "快递三天了都没动"
    plain = library.search(query)
    top = plain[0].phrase.id
    taught = learned(library, *[(query, "late")] * 3, *[(query, top)] * 2)
    hits = library.search(query, learned=taught)
    assert ids(hits)[:2] == ["late", top]
    assert [hit.reason for hit in hits[:2]] == [LEARNED, plain[0].reason]


def test_strongest_evidence_first(library: Library) -> None:
    query = "快递三天了都没动"
    taught = learned(library, *[(query, "late")] * 2, *[(query, "stalled")] * 3)
    assert ids(library.search(query, learned=taught))[:2] == ["stalled", "late"]


def test_time_decay(library: Library) -> None:
    """Two copies a month ago count like half a copy today: no longer first."""
    query = "快递三天了都没动"
    month_ago = (NOW - dt.timedelta(days=30)).isoformat()
    week_ago = (NOW - dt.timedelta(days=7)).isoformat()
    old = learned(library, (query, "stalled"), (query, "stalled"), when=month_ago)
    assert "stalled" not in old.first(query)
    assert learned(library, (query, "stalled"), (query, "stalled"), when=week_ago).first(query) == ["stalled"]
    # A similar wording (similarity ~0.54) needs them fresh.
    recent = learned(library, (query, "stalled"), (query, "stalled"), when=week_ago)
    assert recent.first("快递好几天都没动了") == []


def test_bad_rows_are_skipped(library: Library) -> None:
    rows = [("not a time", "快递三天了都没动", "stalled"), (TODAY, "的了", "stalled")]
    assert len(LearnedAnswers(rows, now=NOW, stopwords=library.index.stopwords)) == 0


def test_empty_query_is_not_reordered(library: Library) -> None:
    taught = learned(library, ("快递三天了都没动", "stalled"), ("快递三天了都没动", "stalled"))
    assert library.search("", learned=taught) == library.search("")


# --- the record -------------------------------------------------------------------------------


def test_record_masks_digits_skips_codes_and_forgets(tmp_path: Path) -> None:
    log = UsageLog(tmp_path / "usage.sqlite3")
    assert log.record_learned("订单 202611231234 三天了没动", "stalled", when=NOW)
    assert log.record_learned("wlbgx", "stalled", when=NOW)  # a code says nothing about buyers
    assert log.record_learned("物", "stalled", when=NOW)
    assert log.record_learned("快递没动", "late", when=NOW)
    assert log.learned() == [
        (TODAY, "订单 ************ 三天了没动", "stalled"),
        (TODAY, "快递没动", "late"),
    ]
    assert log.forget("stalled") == 1
    assert log.forget("stalled") == 0
    assert [row[2] for row in log.learned()] == ["late"]
    log.close()


def test_forget_with_the_record_off(tmp_path: Path) -> None:
    (tmp_path / "dir").write_text("a file where the record's folder should be")
    log = UsageLog(tmp_path / "dir" / "usage.sqlite3")
    assert log.forget("stalled") is None and log.learned() == []


def test_merge_reads_every_agents_pairs(tmp_path: Path) -> None:
    first = UsageLog(tmp_path / "a.sqlite3")
    first.record_learned("快递三天了都没动", "stalled", when=NOW)
    first.close()
    second = UsageLog(tmp_path / "b.sqlite3")
    second.record_learned("快递好几天都没动了", "stalled", when=NOW - dt.timedelta(days=20))
    second.close()
    old = tmp_path / "old.sqlite3"  # a record from before learned answers: no such table
    import sqlite3

    with sqlite3.connect(old) as db:
        db.execute("CREATE TABLE uses (time TEXT, phrase TEXT)")
    rows = read_learned([tmp_path / "a.sqlite3", tmp_path / "b.sqlite3", old])
    assert sorted(row[1] for row in rows) == ["快递三天了都没动", "快递好几天都没动了"]
    assert [row[1] for row in read_learned([tmp_path / "b.sqlite3"], since=NOW - dt.timedelta(days=7))] == []


# --- suggestions for the team lead -----------------------------------------------------------------


def test_suggest_lists_wordings_search_does_not_find(library: Library) -> None:
    rows = [
        (TODAY, "快递三天了都没动", "late"),
        (TODAY, "快递三天了，都没动！", "late"),  # the same wording, other punctuation
        (TODAY, "快递好几天都没动了", "late"),
        (TODAY, "物流不更新", "stalled"),  # search finds it by its title: not a candidate
        (TODAY, "快递三天了都没动", "deleted-reply"),
    ]
    titles = {phrase.id: phrase.title for phrase in library.phrases}

    def top_hit(query: str) -> str | None:
        hits = library.search(query, limit=1)
        return hits[0].phrase.id if hits else None

    suggestions = suggest(rows, titles, top_hit)
    assert len(suggestions) == 1
    assert suggestions[0].phrase == "late" and suggestions[0].title == "快递迟迟不到"
    assert suggestions[0].wordings == [("快递三天了都没动", 2), ("快递好几天都没动了", 1)]


def test_identical_wordings_are_one_entry_that_counts_every_copy(library: Library) -> None:
    taught = learned(library, ("快递三天了都没动", "stalled"), ("快递三天了，都没动", "stalled"))
    assert len(taught) == 2 and len(taught._entries) == 1
    assert taught.evidence("快递三天了都没动") == {"stalled": (2.0, 2)}
    taught.add(TODAY, "物", "stalled")  # not a wording: skipped, as the record skips it
    taught.add("yesterday", "快递三天了都没动", "stalled")
    assert len(taught) == 2


def test_prefix_filtering_finds_what_comparing_with_every_wording_finds(library: Library) -> None:
    """The index skips the commonest features of a query; it must miss no similar wording."""
    import random

    rng = random.Random(3)
    alphabet = "快递物流没动发货退款包邮天吗了几到"
    rows = [
        (TODAY, "".join(rng.choice(alphabet) for _ in range(rng.randint(2, 9))), f"r{rng.randint(0, 9)}")
        for _ in range(400)
    ]
    taught = LearnedAnswers(rows, now=NOW, stopwords=library.index.stopwords)
    for _ in range(200):
        query = "".join(rng.choice(alphabet) for _ in range(rng.randint(2, 9)))
        wanted = taught.features(query)
        expected: dict[str, tuple[float, int]] = {}
        for _, text, phrase in rows:
            found = taught.features(text)
            if found and (score := similarity(wanted, found)) >= SIMILAR:
                value, copies = expected.get(phrase, (0.0, 0))
                expected[phrase] = (value + score, copies + 1)
        got = taught.evidence(query)
        assert got.keys() == expected.keys(), query
        for phrase, (value, copies) in expected.items():
            assert got[phrase][1] == copies and abs(got[phrase][0] - value) < 1e-9
